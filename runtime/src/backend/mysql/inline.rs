//! Bound values written into MySQL statements as literals that read the same under any `sql_mode`: text as
//! hexadecimal with a character set introducer, so no escaping rule (`NO_BACKSLASH_ESCAPES` or not) applies.

use std::fmt::Write as _;

use sea_query::Value;

use crate::conn::Bound;

/// The statement with its `?` placeholders replaced by literals; `None` when a value has no literal here or the
/// placeholders and values do not pair up.
pub(super) fn inline((sql, values): Bound) -> Option<String> {
    let mut values = values.0.0.into_iter();
    let mut out = String::with_capacity(sql.len() + 256);
    // sea-query quotes identifiers with backticks (doubling any inside) and binds every value, so a `?` outside
    // backticks is a placeholder.
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => literal(values.next()?, &mut out)?,
            _ => out.push(c),
        }
    }
    values.next().is_none().then_some(out)
}

fn literal(value: Value, out: &mut String) -> Option<()> {
    match value {
        Value::BigInt(Some(v)) => write!(out, "{v}").ok(),
        Value::Int(Some(v)) => write!(out, "{v}").ok(),
        Value::String(Some(text)) => {
            out.push_str("_utf8mb4 X'");
            for byte in text.bytes() {
                write!(out, "{byte:02X}").ok()?;
            }
            out.push('\'');
            Some(())
        }
        Value::ChronoDateTimeUtc(Some(at)) => write!(out, "'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f")).ok(),
        Value::BigInt(None) | Value::Int(None) | Value::String(None) | Value::ChronoDateTimeUtc(None) => {
            out.push_str("NULL");
            Some(())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use sea_query::Value;
    use sea_query_sqlx::SqlxValues;

    use super::inline;

    #[test]
    fn text_is_written_as_hex_and_identifiers_keep_their_question_marks() {
        let values = vec![
            Value::BigInt(Some(7)),
            Value::String(Some("it's \\ fine".to_owned())),
            Value::String(None),
        ];
        let sql = "INSERT INTO `odd?name` (`a`, `b`, `c`) VALUES (?, ?, ?)".to_owned();
        assert_eq!(
            inline((sql, SqlxValues(sea_query::Values(values)))).as_deref(),
            Some("INSERT INTO `odd?name` (`a`, `b`, `c`) VALUES (7, _utf8mb4 X'69742773205C2066696E65', NULL)")
        );
    }

    #[test]
    fn placeholders_and_values_must_pair_up() {
        let sql = "SELECT ?, ?".to_owned();
        let values = SqlxValues(sea_query::Values(vec![Value::BigInt(Some(1))]));
        assert_eq!(inline((sql, values)), None);
    }
}
