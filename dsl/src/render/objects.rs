//! Views, materialized views, PostgreSQL enum types, extensions, schemas, sequences and comments: statements
//! sea-query has no builder for.

use super::quote::{check_name, quote_ident, quote_literal};
use super::{RenderError, Step, postgres_only};
use crate::backend::Backend;
use crate::operation::Operation;
use crate::schema::{CommentOn, EnumDef, SequenceDef, ViewDef};

pub(super) fn create_view(view: &ViewDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_name(backend, &view.name)?;
    Ok(vec![Step::sql(format!(
        "CREATE VIEW {} AS {}",
        quote_ident(backend, &view.name),
        view.sql
    ))])
}

pub(super) fn drop_view(view: &ViewDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_name(backend, &view.name)?;
    Ok(vec![Step::sql(format!(
        "DROP VIEW {}",
        quote_ident(backend, &view.name)
    ))])
}

/// `DROP VIEW` then `CREATE VIEW`: PostgreSQL's `CREATE OR REPLACE VIEW` cannot drop, rename or
/// retype columns, and the backends share no other replace syntax.
pub(super) fn replace_view(from: &ViewDef, to: &ViewDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    let mut steps = drop_view(from, backend)?;
    steps.extend(create_view(to, backend)?);
    Ok(steps)
}

const MATERIALIZED_HINT: &str = "materialized views exist only on PostgreSQL; mark the migration \
                                 `#[migration(backends = \"postgres\")]`, or keep a table filled by the application";

pub(super) fn create_materialized_view(
    op: &Operation,
    view: &ViewDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, MATERIALIZED_HINT)?;
    check_name(backend, &view.name)?;
    Ok(vec![Step::sql(format!(
        "CREATE MATERIALIZED VIEW {} AS {}",
        quote_ident(backend, &view.name),
        view.sql
    ))])
}

pub(super) fn drop_materialized_view(
    op: &Operation,
    view: &ViewDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, MATERIALIZED_HINT)?;
    check_name(backend, &view.name)?;
    Ok(vec![Step::sql(format!(
        "DROP MATERIALIZED VIEW {}",
        quote_ident(backend, &view.name)
    ))])
}

/// `CONCURRENTLY` runs inside a transaction too, unlike `CREATE INDEX CONCURRENTLY`.
pub(super) fn refresh_materialized_view(
    op: &Operation,
    name: &str,
    concurrently: bool,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, MATERIALIZED_HINT)?;
    check_name(backend, name)?;
    Ok(vec![Step::sql(format!(
        "REFRESH MATERIALIZED VIEW {}{}",
        if concurrently { "CONCURRENTLY " } else { "" },
        quote_ident(backend, name)
    ))])
}

const OBJECT_HINT: &str = "schemas, sequences and column comments are rendered for PostgreSQL only (table comments for \
                           MySQL too); mark the migration `#[migration(backends = \"postgres\")]`";

pub(super) fn create_schema(op: &Operation, name: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, OBJECT_HINT)?;
    check_name(backend, name)?;
    Ok(vec![Step::sql(format!("CREATE SCHEMA {}", quote_ident(backend, name)))])
}

pub(super) fn drop_schema(op: &Operation, name: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, OBJECT_HINT)?;
    check_name(backend, name)?;
    Ok(vec![Step::sql(format!("DROP SCHEMA {}", quote_ident(backend, name)))])
}

pub(super) fn create_sequence(op: &Operation, s: &SequenceDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, OBJECT_HINT)?;
    check_name(backend, &s.name)?;
    Ok(vec![Step::sql(format!(
        "CREATE SEQUENCE {} INCREMENT BY {} START WITH {}",
        quote_ident(backend, &s.name),
        s.increment,
        s.start
    ))])
}

pub(super) fn drop_sequence(op: &Operation, s: &SequenceDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, OBJECT_HINT)?;
    check_name(backend, &s.name)?;
    Ok(vec![Step::sql(format!(
        "DROP SEQUENCE {}",
        quote_ident(backend, &s.name)
    ))])
}

/// MySQL keeps a table's comment in its definition (`ALTER TABLE .. COMMENT`, empty for none); a column's
/// comment it keeps only in a full restatement of the column, so that one is refused there.
pub(super) fn set_comment(
    op: &Operation,
    on: &CommentOn,
    to: Option<&str>,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    if let (Backend::MySql, CommentOn::Table(table)) = (backend, on) {
        check_name(backend, table)?;
        return Ok(vec![Step::sql(format!(
            "ALTER TABLE {} COMMENT = {}",
            quote_ident(backend, table),
            quote_literal(backend, to.unwrap_or_default())
        ))]);
    }
    postgres_only(op, backend, OBJECT_HINT)?;
    let target = match on {
        CommentOn::Table(table) => format!("TABLE {}", quote_ident(backend, table)),
        CommentOn::Column { table, column } => {
            format!(
                "COLUMN {}.{}",
                quote_ident(backend, table),
                quote_ident(backend, column)
            )
        }
    };
    let text = to.map_or_else(|| "NULL".to_owned(), |text| quote_literal(backend, text));
    Ok(vec![Step::sql(format!("COMMENT ON {target} IS {text}"))])
}

const ENUM_HINT: &str = "only PostgreSQL has named enum types; mark a PostgreSQL-only migration \
                         `#[migration(backends = \"postgres\")]`, or use a varchar column with a check constraint";

pub(super) fn create_enum(op: &Operation, e: &EnumDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, ENUM_HINT)?;
    check_name(backend, &e.name)?;
    let values: Vec<String> = e.values.iter().map(|v| quote_literal(backend, v)).collect();
    Ok(vec![Step::sql(format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_ident(backend, &e.name),
        values.join(", ")
    ))])
}

/// `ALTER TYPE .. ADD VALUE`. PostgreSQL 12 and later run it inside a transaction, but the new
/// label cannot be used before that transaction commits.
pub(super) fn add_enum_value(
    op: &Operation,
    name: &str,
    value: &str,
    before: Option<&str>,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, ENUM_HINT)?;
    check_name(backend, name)?;
    let mut sql = format!(
        "ALTER TYPE {} ADD VALUE {}",
        quote_ident(backend, name),
        quote_literal(backend, value)
    );
    if let Some(before) = before {
        sql.push_str(" BEFORE ");
        sql.push_str(&quote_literal(backend, before));
    }
    Ok(vec![Step::sql(sql)])
}

pub(super) fn drop_enum(op: &Operation, e: &EnumDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, ENUM_HINT)?;
    check_name(backend, &e.name)?;
    Ok(vec![Step::sql(format!("DROP TYPE {}", quote_ident(backend, &e.name)))])
}

const EXTENSION_HINT: &str =
    "extensions exist only on PostgreSQL; mark the migration `#[migration(backends = \"postgres\")]`";

pub(super) fn create_extension(op: &Operation, name: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, EXTENSION_HINT)?;
    check_name(backend, name)?;
    Ok(vec![Step::sql(format!(
        "CREATE EXTENSION IF NOT EXISTS {}",
        quote_ident(backend, name)
    ))])
}

pub(super) fn drop_extension(op: &Operation, name: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, EXTENSION_HINT)?;
    check_name(backend, name)?;
    Ok(vec![Step::sql(format!(
        "DROP EXTENSION IF EXISTS {}",
        quote_ident(backend, name)
    ))])
}
