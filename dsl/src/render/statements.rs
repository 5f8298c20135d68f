//! Splitting raw SQL into its statements, as the server would: semicolons inside quotes, comments, PostgreSQL
//! dollar quotes and the `BEGIN … END` body of a trigger, procedure, function or event do not split.

/// The statements of `sql`, each trimmed, without the ones that hold only whitespace and comments.
///
/// ```
/// use lockgate_dsl::render::split_statements;
/// let sql = "CREATE TABLE t1 (x INT); -- a comment; still a comment\nINSERT INTO t1 VALUES (';');";
/// assert_eq!(split_statements(sql), ["CREATE TABLE t1 (x INT)", "-- a comment; still a comment\nINSERT INTO t1 VALUES (';')"]);
/// assert!(split_statements("  -- nothing\n/* at all; */ ;").is_empty());
/// let trigger = "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN UPDATE b SET n = n + 1; END; SELECT 1";
/// assert_eq!(split_statements(trigger).len(), 2);
/// ```
pub fn split_statements(sql: &str) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut depth = 0usize;
    let mut word_start: Option<usize> = None;
    // Whether the statement so far declares a routine whose body may hold `BEGIN … END`.
    let mut routine = false;
    let mut first_words: Vec<String> = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        let is_word = c.is_ascii_alphanumeric() || c == b'_';
        if is_word {
            word_start.get_or_insert(i);
            i += 1;
            if i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                continue;
            }
        }
        if let Some(ws) = word_start.take() {
            let word = sql[ws..i].to_ascii_uppercase();
            if first_words.len() < 8 {
                first_words.push(word.clone());
                routine = first_words.first().is_some_and(|w| w == "CREATE")
                    && first_words
                        .iter()
                        .any(|w| matches!(w.as_str(), "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"));
            }
            if routine {
                match word.as_str() {
                    "BEGIN" | "CASE" => depth += 1,
                    "END" => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            if is_word {
                continue;
            }
        }
        match c {
            b'\'' | b'"' | b'`' => i = skip_quoted(bytes, i, c),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p)
            }
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |p| i + 2 + p + 2);
            }
            b'$' => i = skip_dollar_quoted(sql, i),
            b';' if depth == 0 => {
                push(&mut statements, &sql[start..i]);
                start = i + 1;
                i += 1;
                routine = false;
                first_words.clear();
            }
            _ => i += 1,
        }
    }
    push(&mut statements, &sql[start..]);
    statements
}

/// Whether `sql` holds no statement: only whitespace, comments and semicolons.
///
/// ```
/// use lockgate_dsl::render::is_blank_sql;
/// assert!(is_blank_sql(" -- only a comment\n"));
/// assert!(!is_blank_sql("SELECT 1"));
/// ```
pub fn is_blank_sql(sql: &str) -> bool {
    split_statements(sql).is_empty()
}

fn push(statements: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if !strip_comments(text).trim().is_empty() {
        statements.push(text.to_owned());
    }
}

/// `text` without its comments (quotes respected), to tell an empty statement from a real one.
fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' | b'`' => {
                let end = skip_quoted(bytes, i, bytes[i]);
                out.push_str(&text[i..end]);
                i = end;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p);
            }
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |p| i + 2 + p + 2);
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// The index after a quoted run that starts at `i` with `quote` (a doubled quote stays inside).
fn skip_quoted(bytes: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        if bytes[j] == b'\\' && quote == b'\'' {
            j += 2;
            continue;
        }
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// The index after a PostgreSQL dollar-quoted string (`$$ … $$`, `$tag$ … $tag$`) starting at `i`, or just
/// after the `$` when none starts there (a parameter such as `$1`).
fn skip_dollar_quoted(sql: &str, i: usize) -> usize {
    let rest = &sql[i + 1..];
    let tag_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if !rest[tag_len..].starts_with('$') || rest[..tag_len].starts_with(|c: char| c.is_ascii_digit()) {
        return i + 1;
    }
    let tag = &sql[i..i + tag_len + 2];
    let body = i + tag.len();
    sql[body..].find(tag).map_or(sql.len(), |p| body + p + tag.len())
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn quotes_comments_and_bodies_do_not_split() {
        assert_eq!(
            split_statements("SELECT 'a;b'; SELECT \"c;d\""),
            ["SELECT 'a;b'", "SELECT \"c;d\""]
        );
        assert_eq!(split_statements("SELECT 'it''s; fine'"), ["SELECT 'it''s; fine'"]);
        assert_eq!(
            split_statements("/* a; b */ SELECT 1; # x;\nSELECT 2"),
            ["/* a; b */ SELECT 1", "# x;\nSELECT 2"]
        );
        let function =
            "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql; SELECT f()";
        assert_eq!(split_statements(function).len(), 2);
        let with_case = "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END; END; SELECT 1";
        assert_eq!(
            split_statements(with_case),
            [
                "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END; END",
                "SELECT 1"
            ]
        );
        assert_eq!(split_statements("SELECT $1; SELECT 2"), ["SELECT $1", "SELECT 2"]);
        assert!(split_statements(" ; ;\n -- x").is_empty());
    }
}
