//! Rendering operations to SQL, per backend, through sea-query. The only module that writes SQL.
//!
//! sea-query builds the statements it can express (tables, columns, indexes, foreign keys);
//! small fragments here fill its gaps (`NOT VALID`, `VALIDATE CONSTRAINT`, `UNIQUE USING INDEX`,
//! `ADD CHECK`, enum types, views, extensions), always with the backend's identifier quoting and
//! literal escaping. What a backend cannot express is a [`RenderError`], never a panic: sea-query's
//! SQLite paths that panic are never called, and SQLite changes its `ALTER TABLE` cannot make
//! become a [`Step::Rebuild`].
//!
//! Per-backend decisions, beyond the type table in [`column_type_sql`]:
//!
//! - `alter_column` on PostgreSQL is one statement per changed aspect (type with `USING`, then
//!   default, then nullability), never one `ALTER` holding the strictest lock for all; on MySQL one
//!   `MODIFY COLUMN` restating the full new definition; on SQLite a rebuild.
//! - `NOT VALID` foreign keys and checks render as plain ones on MySQL (it has no `NOT VALID`; the
//!   plan rules flag the risk), and `validate_constraint` renders nothing on MySQL and SQLite: their
//!   constraints are validated when they are added.
//! - `CONCURRENTLY` is PostgreSQL-only and its steps run outside a transaction; elsewhere the
//!   index is built the backend's ordinary way (InnoDB builds secondary indexes online).
//! - A partial index (`WHERE`) is an error on MySQL, which has none.
//! - Enum types and extensions exist only on PostgreSQL; elsewhere they are errors (an extension
//!   is not silently skipped on SQLite: code that needs it would fail later, further from the cause).
//!   So are row-level security, policies and grants (see `security.rs`).
//! - `replace_view` is `DROP VIEW` + `CREATE VIEW` on every backend: PostgreSQL's
//!   `CREATE OR REPLACE VIEW` refuses to drop, rename or retype columns, and MySQL and SQLite
//!   do not share one syntax for it.
//! - SQLite rebuilds: type, nullability and default changes, foreign keys, checks and unique
//!   constraints, and `add_column` when SQLite's `ADD COLUMN` refuses the column (an expression
//!   default, or NOT NULL without a default). `drop_column` stays SQLite's own `DROP COLUMN`
//!   (3.35+), which refuses a column that is indexed, unique, a key or read by a view or trigger:
//!   drop those first, as PostgreSQL and MySQL would do silently.
//! - MySQL creates an index for a foreign key whose columns have none, and dropping the key keeps
//!   that index; index the columns first (as the plan rules advise) so a key's down leaves nothing behind.
//! - A name is checked against the backend's limit wherever it is rendered; sea-query writes index
//!   and constraint names without escaping, so they are escaped here before sea-query sees them.

mod archive;
mod backfill;
mod clause;
mod constraint;
mod expansion;
mod index;
mod objects;
mod partition;
mod quote;
mod rebuild;
mod routine;
mod script;
mod security;
mod snapshot;
mod statements;
mod step;
mod table;
mod types;

pub use backfill::BackfillStep;
pub use quote::{check_name, quote_ident, quote_literal};
pub use rebuild::{LiveTable, RebuildChange, TableRebuild, split_items};
pub use script::{Direction, ScriptError, script, script_statements};
pub use snapshot::sql_snapshot;
pub use statements::{is_blank_sql, split_statements};
pub use step::Step;
pub use types::{column_sql, column_type_sql, default_sql};

use crate::backend::Backend;
use crate::operation::Operation;
use crate::plan::PlannedOp;

/// An operation a backend cannot express, a name it cannot hold, or a live table a rebuild cannot read.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::render::{render, RenderError};
/// use lockgate_dsl::Backend;
/// let err = render(&Operation::CreateExtension { name: "pgcrypto".into() }, Backend::Sqlite).unwrap_err();
/// assert!(matches!(err, RenderError::Unsupported { backend: Backend::Sqlite, .. }));
/// assert!(err.to_string().starts_with("create_extension `pgcrypto` is not supported on sqlite"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The backend has no way to run this operation.
    #[error("{operation} is not supported on {backend}: {hint}")]
    Unsupported {
        /// The operation.
        operation: String,
        /// The backend.
        backend: Backend,
        /// What to do instead.
        hint: &'static str,
    },
    /// A name the backend cannot hold: empty, with a NUL, or longer than it allows.
    #[error("invalid name `{name}` on {backend}: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why it is refused.
        reason: String,
        /// The backend.
        backend: Backend,
    },
    /// Raw SQL or a check query with no statement in it: only whitespace and comments. Run, it would do nothing
    /// (PostgreSQL, SQLite) or fail (MySQL: "Query was empty"); either way it is most likely a mistake.
    #[error(
        "{operation} has no statement, only whitespace or comments; write the SQL, or, for a step with nothing \
         to undo, implement `Up` and `Down` by hand (or declare the migration irreversible)"
    )]
    EmptySql {
        /// The operation.
        operation: String,
    },
    /// A backfill that cannot run as written.
    #[error("cannot {backfill}: {reason}")]
    InvalidBackfill {
        /// The backfill, described.
        backfill: String,
        /// What is wrong, and the fix.
        reason: String,
    },
    /// A policy, grant, function or trigger PostgreSQL would refuse, or one that does nothing.
    #[error("cannot {operation}: {reason}")]
    Invalid {
        /// The operation, described.
        operation: String,
        /// What is wrong, and the fix.
        reason: String,
    },
    /// A SQLite rebuild could not apply its change to the live table definition.
    #[error("cannot rebuild sqlite table `{table}`: {reason}")]
    Rebuild {
        /// The table.
        table: String,
        /// What did not match.
        reason: String,
    },
}

/// Renders one operation, up, for a backend.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::render::render;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::Backend;
/// let op = Operation::CreateIndex(IndexDef::new("contracts", ["tenant"]).concurrently());
/// let steps = render(&op, Backend::Postgres).unwrap();
/// assert!(steps[0].outside_transaction());
/// assert_eq!(
///     steps[0].to_string(),
///     "-- outside a transaction\nCREATE INDEX CONCURRENTLY \"contracts_tenant_idx\" ON \"contracts\" (\"tenant\");"
/// );
/// ```
pub fn render(op: &Operation, backend: Backend) -> Result<Vec<Step>, RenderError> {
    use Operation as O;
    match op {
        O::CreateTable(t) => table::create_table(t, backend),
        O::DropTable(t) => table::drop_table(t, backend),
        O::RenameTable { from, to } => table::rename_table(from, to, backend),
        O::AddColumn { table, column } => table::add_column(table, column, backend),
        O::DropColumn { table, column } => table::drop_column(table, column, backend),
        O::RenameColumn { table, from, to } => table::rename_column(table, from, to, backend),
        O::AlterColumn { table, from, to } => table::alter_column(table, from, to, backend),
        O::CreateIndex(i) => index::create_index(i, backend),
        O::DropIndex(i) => index::drop_index(i, backend),
        O::AddForeignKey(fk) => constraint::add_foreign_key(fk, backend),
        O::DropForeignKey(fk) => constraint::drop_foreign_key(fk, backend),
        O::ValidateConstraint { table, name } => constraint::validate(table, name, backend),
        O::AddCheck(c) => constraint::add_check(c, backend),
        O::DropCheck(c) => constraint::drop_check(c, backend),
        O::AddUnique(u) => constraint::add_unique(u, backend),
        O::DropUnique(u) => constraint::drop_unique(u, backend),
        O::CreateView(v) => objects::create_view(v, backend),
        O::DropView(v) => objects::drop_view(v, backend),
        O::ReplaceView { from, to } => objects::replace_view(from, to, backend),
        O::CreateEnum(e) => objects::create_enum(op, e, backend),
        O::AddEnumValue { name, value, before } => objects::add_enum_value(op, name, value, before.as_deref(), backend),
        O::DropEnum(e) => objects::drop_enum(op, e, backend),
        O::CreateExtension { name } => objects::create_extension(op, name, backend),
        O::DropExtension { name } => objects::drop_extension(op, name, backend),
        O::AlterRowSecurity { table, from, to } => security::alter_row_security(op, table, *from, *to, backend),
        O::CreatePolicy(p) => security::create_policy(op, p, backend),
        O::DropPolicy(p) => security::drop_policy(op, p, backend),
        O::AlterPolicy { from, to } => security::alter_policy(op, from, to, backend),
        O::CreateMaterializedView(v) => objects::create_materialized_view(op, v, backend),
        O::DropMaterializedView(v) => objects::drop_materialized_view(op, v, backend),
        O::RefreshMaterializedView { name, concurrently } => {
            objects::refresh_materialized_view(op, name, *concurrently, backend)
        }
        O::CreateSchema { name } => objects::create_schema(op, name, backend),
        O::DropSchema { name } => objects::drop_schema(op, name, backend),
        O::CreateSequence(s) => objects::create_sequence(op, s, backend),
        O::DropSequence(s) => objects::drop_sequence(op, s, backend),
        O::SetComment { on, to, .. } => objects::set_comment(op, on, to.as_deref(), backend),
        O::CreateFunction(f) => routine::create_function(op, f, false, backend),
        O::DropFunction(f) => routine::drop_function(op, f, backend),
        O::ReplaceFunction { from, to } => routine::replace_function(op, from, to, backend),
        O::CreateTrigger(t) => routine::create_trigger(op, t, backend),
        O::DropTrigger(t) => routine::drop_trigger(op, t, backend),
        O::Grant(g) => security::grant(op, g, backend),
        O::Revoke(g) => security::revoke(op, g, backend),
        O::CreatePartition(p) => partition::create_partition(op, p, backend),
        O::DropPartition(p) => partition::drop_partition(op, p, backend),
        O::AttachPartition(p) => partition::attach_partition(op, p, backend),
        O::DetachPartition {
            partition,
            concurrently,
        } => partition::detach_partition(op, partition, *concurrently, backend),
        O::RawSql { up, .. } => raw_sql(up, backend),
        O::Assert { query, message } => {
            if is_blank_sql(query) {
                return Err(RenderError::EmptySql {
                    operation: op.describe(),
                });
            }
            Ok(vec![Step::Assert {
                query: query.clone(),
                message: message.clone(),
            }])
        }
        O::ArchiveColumn {
            table,
            column,
            key,
            restore: false,
        } => archive::archive_column(table, column, key, backend),
        O::ArchiveColumn { table, column, key, .. } => archive::restore_column(table, column, key, backend),
        O::ArchiveTable { table, restore: false } => archive::archive_table(table, backend),
        O::ArchiveTable { table, .. } => archive::restore_table(table, backend),
        O::ExpandColumn {
            expansion,
            reverse: false,
        } => expansion::expand(expansion, backend),
        O::ExpandColumn { expansion, .. } => expansion::unexpand(expansion, backend),
        O::ContractColumn {
            expansion,
            reverse: false,
        } => expansion::contract(expansion, backend),
        O::ContractColumn { expansion, .. } => expansion::uncontract(expansion, backend),
        O::Backfill { fill, .. } => Ok(vec![Step::Backfill(BackfillStep::new(fill, backend)?)]),
        O::AssertParity { left, right } => Ok(vec![Step::Parity {
            left: parity_query(left, backend)?,
            right: parity_query(right, backend)?,
            message: format!(
                "{} per `{}` must match {} per `{}`",
                left.describe(),
                left.group_by,
                right.describe(),
                right.group_by
            ),
        }]),
    }
}

/// Raw SQL: refused when it holds no statement; on MySQL, where each statement commits by itself, one step per
/// statement, so progress and compensation follow each one.
fn raw_sql(sql: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    let statements = split_statements(sql);
    if statements.is_empty() {
        return Err(RenderError::EmptySql {
            operation: "raw_sql".to_owned(),
        });
    }
    Ok(match backend {
        Backend::MySql => statements.into_iter().map(Step::sql).collect(),
        Backend::Postgres | Backend::Sqlite => vec![Step::sql(sql.to_owned())],
    })
}

/// Renders planned operations in order; stops at the first operation the backend cannot express.
///
/// ```
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::render::render_all;
/// use lockgate_dsl::Backend;
/// let mut m = Plan::<()>::new();
/// m.create_table("tenants", |t| { t.column::<i64>("id").primary_key(); });
/// let steps = render_all(m.operations(), Backend::Sqlite).unwrap();
/// assert_eq!(steps[0].to_string(), r#"CREATE TABLE "tenants" ( "id" bigint NOT NULL, PRIMARY KEY ("id") );"#);
/// ```
pub fn render_all(ops: &[PlannedOp], backend: Backend) -> Result<Vec<Step>, RenderError> {
    let mut steps = Vec::new();
    for planned in ops {
        steps.extend(render(&planned.op, backend)?);
    }
    Ok(steps)
}

/// The error for an operation the backend cannot express.
/// The query of one parity side: each group and what it measures, both as text so that every backend compares
/// them alike.
fn parity_query(side: &crate::schema::Parity, backend: Backend) -> Result<String, RenderError> {
    check_name(backend, &side.table)?;
    let text = match backend {
        Backend::MySql => "char",
        Backend::Postgres | Backend::Sqlite => "text",
    };
    let group = quote_ident(backend, &side.group_by);
    let measure = match &side.measure {
        crate::schema::Measure::Rows => "COUNT(*)".to_owned(),
        crate::schema::Measure::Sum(column) => format!("COALESCE(SUM({}), 0)", quote_ident(backend, column)),
    };
    let filter = side
        .filter
        .as_deref()
        .map(|condition| format!(" WHERE {condition}"))
        .unwrap_or_default();
    Ok(format!(
        "SELECT CAST({group} AS {text}) AS lockgate_group, CAST({measure} AS {text}) AS lockgate_value FROM {}{filter} \
         GROUP BY {group}",
        quote_ident(backend, &side.table)
    ))
}

/// `Ok` on PostgreSQL; elsewhere the operation is unsupported, with `hint`.
fn postgres_only(op: &Operation, backend: Backend, hint: &'static str) -> Result<(), RenderError> {
    if backend == Backend::Postgres {
        Ok(())
    } else {
        Err(unsupported(op, backend, hint))
    }
}

/// An operation PostgreSQL would refuse, or one that does nothing, with what is wrong and the fix.
fn invalid(op: &Operation, reason: impl Into<String>) -> RenderError {
    RenderError::Invalid {
        operation: op.describe(),
        reason: reason.into(),
    }
}

fn unsupported(op: &Operation, backend: Backend, hint: &'static str) -> RenderError {
    RenderError::Unsupported {
        operation: op.describe(),
        backend,
        hint,
    }
}
