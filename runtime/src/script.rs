//! Several statements sent in one round trip, with markers between them that tell how far the server got.
//!
//! A script's parts run in order through the simple-query protocol; after each part but the last the server
//! returns one row of a marker query. When a part fails the server stops there, so the markers seen before the
//! error name the part that failed, whatever number of statements each part holds. Nothing follows the last
//! part, so a part that ends in a comment or a semicolon never leaves an empty statement behind it (MySQL
//! refuses those).

/// The column the marker queries return, a name no migration would pick for a one-row result.
pub(crate) const MARKER: &str = "lockgate_part_done";

/// Parts to send together.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    parts: Vec<String>,
}

/// Why a script stopped: the part that failed (as an index into the parts) and the error.
#[derive(Debug)]
pub(crate) struct ScriptError {
    pub(crate) part: usize,
    pub(crate) source: sqlx::Error,
}

impl Script {
    /// Adds a part; returns its index.
    pub(crate) fn push(&mut self, sql: impl Into<String>) -> usize {
        self.parts.push(sql.into());
        self.parts.len() - 1
    }

    /// The text to send: each part, then its marker but after the last. A part may end in a line comment or a
    /// semicolon of its own, so each is closed on a new line.
    pub(crate) fn text(&self) -> String {
        let size: usize = self.parts.iter().map(|p| p.len() + 40).sum();
        let mut text = String::with_capacity(size);
        for (i, part) in self.parts.iter().enumerate() {
            if i + 1 == self.parts.len() {
                text.push_str(part);
                break;
            }
            text.push_str(part.trim_end());
            text.push_str("\n;\nSELECT ");
            text.push_str(&i.to_string());
            text.push_str(" AS ");
            text.push_str(MARKER);
            text.push_str(";\n");
        }
        text
    }

    /// The failure of a script that returned `markers` marker rows before `source`.
    pub(crate) fn failed(markers: usize, source: sqlx::Error) -> ScriptError {
        ScriptError { part: markers, source }
    }
}

#[cfg(test)]
mod tests {
    use super::Script;

    #[test]
    fn every_part_is_closed_and_followed_by_its_marker() {
        let mut script = Script::default();
        script.push("BEGIN");
        script.push("CREATE TABLE a (id int); -- trailing comment");
        script.push("CREATE TABLE b (id int); -- the last part is sent as it is");
        assert_eq!(
            script.text(),
            "BEGIN\n;\nSELECT 0 AS lockgate_part_done;\n\
             CREATE TABLE a (id int); -- trailing comment\n;\nSELECT 1 AS lockgate_part_done;\n\
             CREATE TABLE b (id int); -- the last part is sent as it is"
        );
    }
}
