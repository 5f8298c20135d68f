//! Several statements sent in one round trip, with what it takes to tell how far the server got.
//!
//! A script's parts run in order through the simple-query protocol, and the server stops at the first error.
//! Every completed statement is reported, so a part of ours, whose statements are counted, needs nothing more.
//! A part of unknown size (a migration's own SQL) is followed by one row of a marker query that names it. The
//! part that failed is then the one the count reaches after the last marker seen. Nothing follows the last
//! part, so a part that ends in a comment or a semicolon never leaves an empty statement behind it (MySQL
//! refuses those).

/// The column the marker queries return, a name no migration would pick for a one-row result.
pub(crate) const MARKER: &str = "lockgate_part_done";

/// The column a script's record statement returns its migration's recorded duration in (milliseconds), so the
/// progress line shows the duration the history keeps.
pub(crate) const RECORDED_MS: &str = "lockgate_recorded_ms";

/// Parts to send together.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    parts: Vec<(String, Option<usize>)>,
}

/// Why a script stopped: the part that failed (as an index into the parts) and the error.
#[derive(Debug)]
pub(crate) struct ScriptError {
    pub(crate) part: usize,
    pub(crate) source: sqlx::Error,
}

/// How far a script got before it stopped, as its results told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    /// The part named by the last marker row seen.
    pub(crate) marker: Option<usize>,
    /// Statements completed since then (or since the start), the markers' own not counted.
    pub(crate) statements: usize,
}

impl Script {
    /// Adds a part of unknown size (a migration's SQL); returns its index.
    pub(crate) fn push(&mut self, sql: impl Into<String>) -> usize {
        self.parts.push((sql.into(), None));
        self.parts.len() - 1
    }

    /// Adds a part of ours that holds `statements` statements; returns its index.
    pub(crate) fn push_counted(&mut self, sql: impl Into<String>, statements: usize) -> usize {
        self.parts.push((sql.into(), Some(statements)));
        self.parts.len() - 1
    }

    /// The text to send: each part, closed on a new line (it may end in a line comment), and a marker after
    /// each part of unknown size but the last.
    pub(crate) fn text(&self) -> String {
        let size: usize = self.parts.iter().map(|(p, _)| p.len() + 40).sum();
        let mut text = String::with_capacity(size);
        for (i, (part, counted)) in self.parts.iter().enumerate() {
            if i + 1 == self.parts.len() {
                text.push_str(part);
                break;
            }
            text.push_str(part.trim_end());
            text.push_str("\n;\n");
            if counted.is_none() {
                text.push_str("SELECT ");
                text.push_str(&i.to_string());
                text.push_str(" AS ");
                text.push_str(MARKER);
                text.push_str(";\n");
            }
        }
        text
    }

    /// The part that failed, given how far the script got.
    pub(crate) fn failed_part(&self, progress: Progress) -> usize {
        let mut left = progress.statements;
        let first = progress.marker.map_or(0, |m| m + 1);
        for (i, (_, counted)) in self.parts.iter().enumerate().skip(first) {
            match counted {
                Some(n) if left >= *n => left -= n,
                _ => return i,
            }
        }
        // More completions than statements: only a failed COMMIT at the very end can do that.
        self.parts.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::{Progress, Script};

    fn script() -> Script {
        let mut script = Script::default();
        script.push_counted("BEGIN;\nSET LOCAL lock_timeout = '5s'", 2);
        script.push("CREATE TABLE a (id int); -- trailing comment");
        script.push_counted("INSERT INTO t VALUES (1)", 1);
        script.push("CREATE TABLE b (id int); -- the last part is sent as it is");
        script
    }

    #[test]
    fn only_parts_of_unknown_size_are_followed_by_a_marker() {
        assert_eq!(
            script().text(),
            "BEGIN;\nSET LOCAL lock_timeout = '5s'\n;\n\
             CREATE TABLE a (id int); -- trailing comment\n;\nSELECT 1 AS lockgate_part_done;\n\
             INSERT INTO t VALUES (1)\n;\n\
             CREATE TABLE b (id int); -- the last part is sent as it is"
        );
    }

    #[test]
    fn the_failed_part_is_where_the_count_runs_out() {
        let s = script();
        let at = |marker, statements| s.failed_part(Progress { marker, statements });
        // BEGIN done, SET failed.
        assert_eq!(at(None, 1), 0);
        // Both of the first part done, the migration's SQL failed somewhere inside.
        assert_eq!(at(None, 2), 1);
        assert_eq!(at(None, 3), 1);
        // Past the marker of part 1: the insert failed, then the last part.
        assert_eq!(at(Some(1), 0), 2);
        assert_eq!(at(Some(1), 1), 3);
    }
}
