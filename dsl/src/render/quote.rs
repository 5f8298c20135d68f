//! Quoting identifiers and literals per backend, checking names, and building sea-query statements.

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder, Value,
};

use super::RenderError;
use crate::backend::Backend;

/// Quotes an identifier: `"x"` doubling `"` on PostgreSQL and SQLite, `` `x` `` doubling `` ` `` on MySQL.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::render::quote_ident;
/// assert_eq!(quote_ident(Backend::Postgres, r#"a"b"#), r#""a""b""#);
/// assert_eq!(quote_ident(Backend::MySql, "a`b"), "`a``b`");
/// ```
pub fn quote_ident(backend: Backend, name: &str) -> String {
    let q = quote_char(backend);
    let mut out = String::with_capacity(name.len() + 2);
    out.push(q);
    for c in name.chars() {
        if c == q {
            out.push(c);
        }
        out.push(c);
    }
    out.push(q);
    out
}

/// Quotes a string literal with the backend's escaping (the same sea-query uses for inlined values).
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::render::quote_literal;
/// assert_eq!(quote_literal(Backend::Sqlite, "it's"), "'it''s'");
/// assert_eq!(quote_literal(Backend::MySql, "it's"), r"'it\'s'");
/// ```
pub fn quote_literal(backend: Backend, value: &str) -> String {
    let value = Value::String(Some(value.to_owned()));
    match backend {
        Backend::Postgres => PostgresQueryBuilder.value_to_string(&value),
        Backend::MySql => MysqlQueryBuilder.value_to_string(&value),
        Backend::Sqlite => SqliteQueryBuilder.value_to_string(&value),
    }
}

pub(super) fn quote_char(backend: Backend) -> char {
    match backend {
        Backend::MySql => '`',
        Backend::Postgres | Backend::Sqlite => '"',
    }
}

/// sea-query writes index and constraint names between quotes without escaping them (unlike table
/// and column names), so such names are escaped here before they are handed over.
pub(super) fn raw_name(backend: Backend, name: &str) -> String {
    let quoted = quote_ident(backend, name);
    quoted[1..quoted.len() - 1].to_owned()
}

/// Checks a name the backend must hold: not empty, no NUL, no longer than the backend allows.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::render::{check_name, RenderError};
/// assert!(check_name(Backend::Postgres, "contracts").is_ok());
/// assert!(matches!(check_name(Backend::Postgres, &"x".repeat(64)), Err(RenderError::InvalidName { .. })));
/// assert!(check_name(Backend::Sqlite, &"x".repeat(64)).is_ok());
/// ```
pub fn check_name(backend: Backend, name: &str) -> Result<(), RenderError> {
    let reason = if name.is_empty() {
        "a name cannot be empty".to_owned()
    } else if name.contains('\0') {
        "a name cannot contain a NUL character".to_owned()
    } else if let Some(max) = backend
        .max_identifier_len()
        .filter(|max| backend.identifier_len(name) > *max)
    {
        format!(
            "it is {} {unit} long and {backend} allows at most {max}",
            backend.identifier_len(name),
            unit = backend.identifier_unit()
        )
    } else {
        return Ok(());
    };
    Err(RenderError::InvalidName {
        name: name.to_owned(),
        reason,
        backend,
    })
}

/// Checks every name in the list.
pub(super) fn check_names<'a>(backend: Backend, names: impl IntoIterator<Item = &'a str>) -> Result<(), RenderError> {
    names.into_iter().try_for_each(|name| check_name(backend, name))
}

/// Renders a sea-query schema statement with the backend's builder.
pub(super) fn build(stmt: &impl SchemaStatementBuilder, backend: Backend) -> String {
    match backend {
        Backend::Postgres => stmt.build(PostgresQueryBuilder),
        Backend::MySql => stmt.build(MysqlQueryBuilder),
        Backend::Sqlite => stmt.build(SqliteQueryBuilder),
    }
}

/// Quotes and joins column names: `"a", "b"`.
pub(super) fn ident_list(backend: Backend, names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(backend, n))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(
            quote_ident(Backend::Sqlite, r#"a"; DROP TABLE x; --"#),
            r#""a""; DROP TABLE x; --""#
        );
        assert_eq!(quote_ident(Backend::MySql, "we`ird\"col"), "`we``ird\"col`");
        assert_eq!(raw_name(Backend::Postgres, r#"i"x"#), r#"i""x"#);
    }

    #[test]
    fn names_are_checked_per_backend() {
        let long63 = "n".repeat(63);
        let long64 = "n".repeat(64);
        let long65 = "n".repeat(65);
        assert!(check_name(Backend::Postgres, &long63).is_ok());
        assert!(check_name(Backend::Postgres, &long64).is_err());
        assert!(check_name(Backend::MySql, &long64).is_ok());
        assert!(check_name(Backend::MySql, &long65).is_err());
        assert!(check_name(Backend::Sqlite, &long65).is_ok());
        let Err(RenderError::InvalidName { name, reason, backend }) = check_name(Backend::MySql, "") else {
            panic!("an empty name must be refused");
        };
        assert_eq!((name.as_str(), backend), ("", Backend::MySql));
        assert!(reason.contains("empty"));
        assert!(check_name(Backend::Sqlite, "a\0b").is_err());
        // Multi-byte characters count in bytes, as PostgreSQL counts them.
        let wide = "é".repeat(32);
        assert!(check_name(Backend::Postgres, &wide).is_err());
    }
}
