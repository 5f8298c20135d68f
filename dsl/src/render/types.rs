//! Column types, defaults and column definitions per backend.
//!
//! Each column type's spelling per backend, and why, is the table of `types/mapping.md` (the `types` module's
//! documentation), which `dsl/tests/type_mapping.rs` renders from [`column_type_sql`].

use sea_query::{Alias, ColumnDef as SeaColumn, DynIden, Expr, Keyword};

use super::RenderError;
use super::quote::{check_name, quote_ident, quote_literal};
use crate::backend::Backend;
use crate::schema::ColumnDef;
use crate::types::ColumnType;
use crate::value::{DefaultValue, SqlExpr};

/// The backend's SQL for a column type.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::render::column_type_sql;
/// use lockgate_dsl::types::ColumnType;
/// assert_eq!(column_type_sql(&ColumnType::Uuid, Backend::MySql, "id").unwrap(), "char(36)");
/// assert_eq!(column_type_sql(&ColumnType::Json, Backend::Postgres, "doc").unwrap(), "jsonb");
/// ```
pub fn column_type_sql(ty: &ColumnType, backend: Backend, column: &str) -> Result<String, RenderError> {
    use Backend::{MySql, Postgres, Sqlite};
    use ColumnType as T;
    let sql = match (ty, backend) {
        (T::Bool, MySql) => "bool",
        (T::Bool, _) => "boolean",
        (T::SmallInt, _) => "smallint",
        (T::Int, MySql) => "int",
        (T::Int, _) => "integer",
        (T::BigInt, _) => "bigint",
        (T::Real, MySql) => "float",
        (T::Real, _) => "real",
        (T::Double, Postgres) => "double precision",
        (T::Double, _) => "double",
        (T::Text, _) => "text",
        (T::Varchar(n), _) => return Ok(format!("varchar({n})")),
        (T::Bytes, Postgres) => "bytea",
        (T::Bytes, MySql) => "longblob",
        (T::Bytes, Sqlite) => "blob",
        (T::Uuid, Postgres) => "uuid",
        (T::Uuid, MySql) => "char(36)",
        (T::Json, Postgres) => "jsonb",
        (T::Json, MySql) => "json",
        (T::Decimal { precision, scale }, MySql) => return Ok(format!("decimal({precision},{scale})")),
        (T::Decimal { precision, scale }, _) => return Ok(format!("numeric({precision},{scale})")),
        (T::Date, Postgres | MySql) => "date",
        (T::Time, Postgres) => "time",
        (T::Time, MySql) => "time(6)",
        (T::Timestamp, Postgres) => "timestamp",
        (T::Timestamptz, Postgres) => "timestamptz",
        (T::Timestamp | T::Timestamptz, MySql) => "datetime(6)",
        (T::Uuid | T::Json | T::Date | T::Time | T::Timestamp | T::Timestamptz, Sqlite) => "text",
        (T::Enum(name), Postgres) => {
            check_name(backend, name)?;
            return Ok(quote_ident(backend, name));
        }
        (T::Enum(name), MySql | Sqlite) => {
            return Err(RenderError::Unsupported {
                operation: format!("column `{column}` of enum type `{name}`"),
                backend,
                hint: "only PostgreSQL has named enum types; use a varchar column with a check constraint",
            });
        }
        (T::Char(n), _) => return Ok(format!("char({n})")),
        (T::Blob(_), Postgres) => "bytea",
        (T::Blob(n), MySql) => match n {
            0..=255 => "tinyblob",
            256..=65_535 => "blob",
            65_536..=16_777_215 => "mediumblob",
            _ => "longblob",
        },
        (T::Blob(_), Sqlite) => "blob",
        (T::PreciseTimestamp { digits, tz: false }, Postgres) => return Ok(format!("timestamp({digits})")),
        (T::PreciseTimestamp { digits, tz: true }, Postgres) => return Ok(format!("timestamptz({digits})")),
        (T::PreciseTimestamp { digits, .. }, MySql) => return Ok(format!("datetime({digits})")),
        (T::PreciseTimestamp { .. } | T::JsonText, Sqlite) => "text",
        (T::JsonText, Postgres | MySql) => "json",
        (T::Inet, Postgres) => "inet",
        (T::Citext, Postgres) => "citext",
        (T::Interval, Postgres) => "interval",
        (T::Array(element), Postgres) => {
            if matches!(**element, T::Array(_)) {
                return Err(RenderError::Unsupported {
                    operation: format!("column `{column}` of an array of arrays"),
                    backend,
                    hint: "PostgreSQL arrays are multi-dimensional already: use Array<T> and store nested values in it",
                });
            }
            return Ok(format!("{}[]", column_type_sql(element, backend, column)?));
        }
        (T::Inet | T::Citext | T::Interval | T::Array(_), MySql | Sqlite) => {
            let (what, hint) = match ty {
                T::Inet => ("inet", "store the address as text: Varchar<45> holds any IPv6 address"),
                T::Citext => (
                    "citext",
                    "use String or Varchar<N>: MySQL's default collations compare case-insensitively already; on \
                     SQLite compare with `COLLATE NOCASE`",
                ),
                T::Interval => (
                    "interval",
                    "store the span as a number of seconds (i64) or milliseconds",
                ),
                _ => ("array", "store the list as Json, or in a table of its own"),
            };
            return Err(RenderError::Unsupported {
                operation: format!("column `{column}` of type {what}"),
                backend,
                hint,
            });
        }
    };
    Ok(sql.to_owned())
}

/// The backend's SQL for a column default, as it follows `DEFAULT`.
///
/// ```
/// use lockgate_dsl::{Backend, DefaultValue, SqlExpr};
/// use lockgate_dsl::render::default_sql;
/// use lockgate_dsl::types::ColumnType;
/// let now = DefaultValue::Expr(SqlExpr::Now);
/// assert_eq!(default_sql(&now, &ColumnType::Timestamptz, Backend::Postgres).unwrap(), "now()");
/// assert_eq!(default_sql(&now, &ColumnType::Timestamptz, Backend::MySql).unwrap(), "CURRENT_TIMESTAMP(6)");
/// assert_eq!(default_sql(&"it's".into(), &ColumnType::Text, Backend::Sqlite).unwrap(), "'it''s'");
/// assert!(default_sql(&f64::NAN.into(), &ColumnType::Double, Backend::Sqlite).is_err());
/// ```
pub fn default_sql(value: &DefaultValue, ty: &ColumnType, backend: Backend) -> Result<String, RenderError> {
    Ok(match value {
        DefaultValue::Bool(b) => match backend {
            // MySQL's bool is tinyint(1): a number reads back the same in information_schema.
            Backend::MySql => if *b { "1" } else { "0" }.to_owned(),
            Backend::Postgres | Backend::Sqlite => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        },
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) if !f.is_finite() => {
            return Err(RenderError::Unsupported {
                operation: format!("the default `{f}`"),
                backend,
                hint: "SQL has no literal for a non-finite float; use SqlExpr::raw with the backend's own spelling",
            });
        }
        DefaultValue::Float(f) => float_sql(*f),
        DefaultValue::Text(s) => {
            let literal = quote_literal(backend, s);
            match backend {
                Backend::Postgres => match ty {
                    ColumnType::Enum(name) => format!("{literal}::{}", quote_ident(backend, name)),
                    _ => literal,
                },
                // MySQL accepts a literal default on text, blob and json columns only as an expression.
                Backend::MySql => match ty {
                    ColumnType::Text
                    | ColumnType::Bytes
                    | ColumnType::Blob(_)
                    | ColumnType::Json
                    | ColumnType::JsonText => {
                        format!("({literal})")
                    }
                    _ => literal,
                },
                Backend::Sqlite => literal,
            }
        }
        DefaultValue::Expr(expr) => expr_sql(expr, ty, backend),
    })
}

fn float_sql(f: f64) -> String {
    let s = f.to_string();
    if s.contains(['.', 'e', 'E', 'N', 'n', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

fn expr_sql(expr: &SqlExpr, ty: &ColumnType, backend: Backend) -> String {
    match (expr, backend) {
        (SqlExpr::Now, Backend::Postgres) => "now()".to_owned(),
        (SqlExpr::Now, Backend::MySql) => match ty {
            ColumnType::Date => "(CURRENT_DATE)".to_owned(),
            // MySQL wants the default's fractional precision to match the column's.
            ColumnType::Timestamp | ColumnType::Timestamptz => "CURRENT_TIMESTAMP(6)".to_owned(),
            ColumnType::PreciseTimestamp { digits: 0, .. } => "CURRENT_TIMESTAMP".to_owned(),
            ColumnType::PreciseTimestamp { digits, .. } => format!("CURRENT_TIMESTAMP({digits})"),
            _ => "CURRENT_TIMESTAMP".to_owned(),
        },
        (SqlExpr::Now, Backend::Sqlite) => match ty {
            ColumnType::Date => "CURRENT_DATE".to_owned(),
            ColumnType::Time => "CURRENT_TIME".to_owned(),
            _ => "CURRENT_TIMESTAMP".to_owned(),
        },
        (SqlExpr::CurrentDate, Backend::MySql) => "(CURRENT_DATE)".to_owned(),
        (SqlExpr::CurrentDate, Backend::Postgres | Backend::Sqlite) => "CURRENT_DATE".to_owned(),
        (SqlExpr::GenRandomUuid, Backend::Postgres) => "gen_random_uuid()".to_owned(),
        (SqlExpr::GenRandomUuid, Backend::MySql) => "(uuid())".to_owned(),
        // A version-4 UUID in its 36-character text form, from SQLite's own random bytes.
        (SqlExpr::GenRandomUuid, Backend::Sqlite) => "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) \
             || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) \
             || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"
            .to_owned(),
        (SqlExpr::Raw { sql, .. }, Backend::Postgres | Backend::MySql | Backend::Sqlite) => format!("({sql})"),
    }
}

/// Whether SQLite's `ADD COLUMN` accepts this default: it refuses expressions and the current time.
pub(super) fn sqlite_constant_default(value: &DefaultValue) -> bool {
    !matches!(value, DefaultValue::Expr(_))
}

/// A full column definition as SQL text: `"name" type [NOT NULL] [DEFAULT ..]`.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::render::column_sql;
/// use lockgate_dsl::schema::ColumnDef;
/// let col = ColumnDef::new::<bool>("active").default(true);
/// assert_eq!(column_sql(&col, Backend::MySql).unwrap(), "`active` bool NOT NULL DEFAULT 1");
/// ```
pub fn column_sql(column: &ColumnDef, backend: Backend) -> Result<String, RenderError> {
    let mut sql = format!(
        "{} {}",
        quote_ident(backend, &column.name),
        typed_and_generated(column, backend)?
    );
    if !mariadb_generated(column, backend) {
        sql.push_str(if column.nullable { " NULL" } else { " NOT NULL" });
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_sql(default, &column.ty, backend)?);
    }
    Ok(sql)
}

/// A generated column on MySQL: MariaDB takes neither `NULL` nor `NOT NULL` after one (a generated column is
/// nullable there), so none is written, and a NOT NULL one is refused in `typed_and_generated`.
fn mariadb_generated(column: &ColumnDef, backend: Backend) -> bool {
    backend == Backend::MySql && column.generated.is_some()
}

/// The column's type, followed by its `GENERATED ALWAYS AS (...) STORED` where it has one: every backend takes
/// the clause there, before `NULL` or `NOT NULL` (MySQL takes it nowhere else).
fn typed_and_generated(column: &ColumnDef, backend: Backend) -> Result<String, RenderError> {
    let ty = column_type_sql(&column.ty, backend, &column.name)?;
    let Some(expression) = &column.generated else {
        return Ok(ty);
    };
    if column.default.is_some() {
        return Err(RenderError::Invalid {
            operation: format!("column `{}`", column.name),
            reason: "a generated column takes no default; remove one of the two".to_owned(),
        });
    }
    if mariadb_generated(column, backend) && !column.nullable {
        return Err(RenderError::Unsupported {
            operation: format!("generated column `{}` NOT NULL", column.name),
            backend,
            hint: "MariaDB takes no NOT NULL on a generated column; declare it `Option<T>`",
        });
    }
    Ok(format!("{ty} GENERATED ALWAYS AS ({expression}) STORED"))
}

/// The column as a sea-query column definition.
pub(super) fn sea_column(column: &ColumnDef, backend: Backend) -> Result<SeaColumn, RenderError> {
    let ty = typed_and_generated(column, backend)?;
    let mut def = SeaColumn::new_with_type(Alias::new(column.name.as_str()), sea_query::ColumnType::custom(raw(ty)));
    if mariadb_generated(column, backend) {
        // Nothing: see `mariadb_generated`.
    } else if column.nullable {
        def.null();
    } else {
        def.not_null();
    }
    if let Some(default) = &column.default {
        def.default(raw_expr(default_sql(default, &column.ty, backend)?));
    }
    Ok(def)
}

/// SQL text that sea-query writes as it is: the text was built and escaped here.
pub(super) fn raw(sql: String) -> DynIden {
    DynIden::from(sql)
}

/// An expression sea-query writes as it is, without wrapping it in parentheses.
pub(super) fn raw_expr(sql: String) -> Expr {
    Expr::Keyword(Keyword::Custom(raw(sql)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_a_decimal_point() {
        assert_eq!(float_sql(1.0), "1.0");
        assert_eq!(float_sql(2.5), "2.5");
    }

    #[test]
    fn enums_are_refused_outside_postgres() {
        let ty = ColumnType::Enum("status".into());
        assert_eq!(column_type_sql(&ty, Backend::Postgres, "s").unwrap(), "\"status\"");
        assert!(column_type_sql(&ty, Backend::MySql, "s").is_err());
        assert!(column_type_sql(&ty, Backend::Sqlite, "s").is_err());
    }
}
