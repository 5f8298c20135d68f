//! A small SQL tokenizer for SQLite `CREATE TABLE` text: quotes, brackets, parentheses and comments.

use super::super::RenderError;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word or number: `integer`, `NOT`, `42`, `1.5`.
    Word,
    /// A quoted identifier: `"a"`, `` `a` ``, `[a]`.
    Ident,
    /// A string literal: `'a'`.
    Str,
    /// A parenthesised group, nested groups and all: `(10, 2)`.
    Group,
    /// Any other single character: `,`, `-`, `+`.
    Punct,
}

/// A token and its place in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) kind: Kind,
    pub(crate) text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token<'_> {
    /// Whether the token is this keyword (ASCII case-insensitive).
    pub(crate) fn is(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    /// The name the token spells: quotes removed and doubled quotes undone.
    pub(crate) fn name(&self) -> String {
        let t = self.text;
        match self.kind {
            Kind::Ident | Kind::Str if t.len() >= 2 => {
                let quote = &t[..1];
                if quote == "[" {
                    t[1..t.len() - 1].to_owned()
                } else {
                    t[1..t.len() - 1].replace(&quote.repeat(2), quote)
                }
            }
            _ => t.to_owned(),
        }
    }

    /// The text inside a group's parentheses.
    pub(crate) fn inner(&self) -> &str {
        if self.kind == Kind::Group && self.text.len() >= 2 {
            &self.text[1..self.text.len() - 1]
        } else {
            self.text
        }
    }
}

fn error(table: &str, reason: impl Into<String>) -> RenderError {
    RenderError::Rebuild {
        table: table.to_owned(),
        reason: reason.into(),
    }
}

/// Splits SQL text into tokens. `table` names the table in errors.
pub(crate) fn tokenize<'a>(sql: &'a str, table: &str) -> Result<Vec<Token<'a>>, RenderError> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map(|n| i + 2 + n + 2)
                    .ok_or_else(|| error(table, "a comment is not closed"))?;
                continue;
            }
            b'\'' | b'"' | b'`' => {
                i = skip_quoted(bytes, i).ok_or_else(|| error(table, "a quoted name or string is not closed"))?;
                if c == b'\'' { Kind::Str } else { Kind::Ident }
            }
            b'[' => {
                i = sql[i..]
                    .find(']')
                    .map(|n| i + n + 1)
                    .ok_or_else(|| error(table, "a bracketed name is not closed"))?;
                Kind::Ident
            }
            b'(' => {
                i = skip_group(sql, i, table)?;
                Kind::Group
            }
            b')' => return Err(error(table, "a parenthesis closes that was never opened")),
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.' || b >= 0x80 => {
                while i < bytes.len() {
                    let b = bytes[i];
                    if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.' || b >= 0x80 {
                        i += 1;
                    } else {
                        break;
                    }
                }
                Kind::Word
            }
            _ => {
                i += 1;
                Kind::Punct
            }
        };
        tokens.push(Token {
            kind,
            text: &sql[start..i],
            start,
            end: i,
        });
    }
    Ok(tokens)
}

/// The index after the quoted token starting at `start`; a doubled quote stays inside.
fn skip_quoted(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The index after the group opening at `start`, skipping quotes and comments inside it.
fn skip_group(sql: &str, start: usize, table: &str) -> Result<usize, RenderError> {
    let bytes = sql.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            b'\'' | b'"' | b'`' => {
                i = skip_quoted(bytes, i).ok_or_else(|| error(table, "a quoted name or string is not closed"))?;
                continue;
            }
            b'[' => {
                i = sql[i..].find(']').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Err(error(table, "a parenthesis is not closed"))
}

/// Splits a comma-separated list into its top-level items, each trimmed and kept verbatim: commas
/// inside quotes, brackets, parentheses and comments do not split.
///
/// ```
/// use lockgate_dsl::render::split_items;
/// let items = split_items(r#""a" numeric(10, 2) NOT NULL, "b,c" text DEFAULT 'x, y', CHECK (a IN (1, 2))"#).unwrap();
/// assert_eq!(items, [r#""a" numeric(10, 2) NOT NULL"#, r#""b,c" text DEFAULT 'x, y'"#, "CHECK (a IN (1, 2))"]);
/// ```
pub fn split_items(list: &str) -> Result<Vec<String>, RenderError> {
    let tokens = tokenize(list, "")?;
    let mut items = Vec::new();
    let mut start = 0;
    for token in &tokens {
        if token.kind == Kind::Punct && token.text == "," {
            items.push(list[start..token.start].trim().to_owned());
            start = token.end;
        }
    }
    let last = list[start..].trim();
    if !last.is_empty() || !items.is_empty() {
        items.push(last.to_owned());
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_commas_only() {
        let items = split_items("a int, b varchar(20), CONSTRAINT \"c,1\" CHECK (b <> ','), [d,e] text").unwrap();
        assert_eq!(
            items,
            [
                "a int",
                "b varchar(20)",
                "CONSTRAINT \"c,1\" CHECK (b <> ',')",
                "[d,e] text"
            ]
        );
    }

    #[test]
    fn doubled_quotes_stay_inside_their_token() {
        let items = split_items(r#""a"",b" text DEFAULT 'it''s, fine', `x``,y` int"#).unwrap();
        assert_eq!(items, [r#""a"",b" text DEFAULT 'it''s, fine'"#, "`x``,y` int"]);
        let tokens = tokenize(r#""a"",b""#, "t").unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].name(), r#"a",b"#);
    }

    #[test]
    fn comments_do_not_split() {
        let items = split_items("a int -- first, really\n, b int /* second, too */").unwrap();
        assert_eq!(items, ["a int -- first, really", "b int /* second, too */"]);
    }

    #[test]
    fn nested_parentheses_with_quotes_are_one_group() {
        let tokens = tokenize("CHECK (a IN ('(', ')') AND (b > 0))", "t").unwrap();
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[1].kind, Kind::Group);
        assert_eq!(tokens[1].inner(), "a IN ('(', ')') AND (b > 0)");
    }

    #[test]
    fn unbalanced_input_is_an_error_not_a_panic() {
        assert!(tokenize("a (b", "t").is_err());
        assert!(tokenize("a b)", "t").is_err());
        assert!(tokenize("'open", "t").is_err());
        assert!(tokenize("\"open", "t").is_err());
        assert!(tokenize("/* open", "t").is_err());
        assert!(tokenize("[open", "t").is_err());
    }

    #[test]
    fn empty_lists_have_no_items() {
        assert!(split_items("").unwrap().is_empty());
        assert!(split_items("   ").unwrap().is_empty());
    }

    #[test]
    fn brackets_and_backticks_unquote() {
        let tokens = tokenize("[my col] `x``y` 'it''s'", "t").unwrap();
        let names: Vec<String> = tokens.iter().map(Token::name).collect();
        assert_eq!(names, ["my col", "x`y", "it's"]);
    }
}
