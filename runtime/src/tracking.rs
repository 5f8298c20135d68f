//! The tracking table and its history table: their definitions and every statement on them, built by sea-query.

use chrono::{DateTime, Utc};
use sea_query::{
    ColumnDef, DeleteStatement, Expr, ExprTrait, Index, InsertStatement, OnConflict, Order, Query, Table, TableName,
};

use crate::backend::Dialect;
use crate::conn::Bound;

/// The columns of the tracking table.
mod col {
    pub(super) const VERSION: &str = "version";
    pub(super) const NAME: &str = "name";
    pub(super) const CHECKSUM: &str = "checksum";
    pub(super) const STATUS: &str = "status";
    pub(super) const PROGRESS: &str = "progress";
    pub(super) const APPLIED_AT: &str = "applied_at";
    pub(super) const EXECUTION_MS: &str = "execution_ms";
    pub(super) const DOWN_SQL: &str = "down_sql";
    pub(super) const APPLIED_BY: &str = "applied_by";
}

/// The columns of the history table.
mod hist {
    pub(super) const ID: &str = "id";
    pub(super) const VERSION: &str = "version";
    pub(super) const NAME: &str = "name";
    pub(super) const DIRECTION: &str = "direction";
    pub(super) const OUTCOME: &str = "outcome";
    pub(super) const ERROR: &str = "error";
    pub(super) const RECORDED_AT: &str = "recorded_at";
    pub(super) const DURATION_MS: &str = "duration_ms";
    pub(super) const APPLIED_BY: &str = "applied_by";
}

/// The columns of the state table.
mod state {
    pub(super) const ID: &str = "id";
    pub(super) const DIGEST: &str = "digest";
    pub(super) const UPDATED_AT: &str = "updated_at";
}

/// The columns of the backfill progress table.
mod fill {
    pub(super) const VERSION: &str = "version";
    pub(super) const STEP: &str = "step";
    pub(super) const POSITION: &str = "position";
    pub(super) const ROWS_DONE: &str = "rows_done";
    pub(super) const UPDATED_AT: &str = "updated_at";
}

/// The backfill table's column of the last key a backfill reached.
pub(crate) const BACKFILL_POSITION: &str = fill::POSITION;
/// The backfill table's column of the rows a backfill changed.
pub(crate) const BACKFILL_ROWS_DONE: &str = fill::ROWS_DONE;

/// The status column's values.
pub(crate) const RUNNING: &str = "running";
pub(crate) const APPLIED: &str = "applied";
pub(crate) const FAILED: &str = "failed";
/// Not for this backend: nothing ran.
pub(crate) const SKIPPED: &str = "skipped";

/// Where the tracking tables live on one backend.
#[derive(Clone)]
pub(crate) struct Tracking {
    pub(crate) dialect: &'static Dialect,
    pub(crate) schema: Option<String>,
    pub(crate) table: String,
    pub(crate) history: String,
    /// One row: the digest of the applied set, so a start with nothing to do reads one short row.
    pub(crate) state: String,
}

/// A tracking row to write.
#[derive(Debug, Clone)]
pub(crate) struct NewRow<'a> {
    pub(crate) version: i64,
    pub(crate) name: &'a str,
    pub(crate) checksum: &'a str,
    pub(crate) status: &'a str,
    pub(crate) progress: i64,
    pub(crate) applied_at: DateTime<Utc>,
    pub(crate) execution_ms: i64,
    pub(crate) down_sql: Option<String>,
    pub(crate) applied_by: &'a str,
}

/// A history row to write.
#[derive(Debug, Clone)]
pub(crate) struct HistoryRow<'a> {
    pub(crate) version: i64,
    pub(crate) name: &'a str,
    pub(crate) direction: &'a str,
    pub(crate) outcome: &'a str,
    pub(crate) error: Option<String>,
    pub(crate) duration_ms: i64,
    pub(crate) applied_by: &'a str,
}

impl Tracking {
    pub(crate) fn new(dialect: &'static Dialect, schema: Option<&str>, table: &str) -> Tracking {
        Tracking {
            dialect,
            // Where the backend has no schemas, the tracking tables live in the default one.
            schema: schema.filter(|_| dialect.create_schema.is_some()).map(str::to_owned),
            table: table.to_owned(),
            history: format!("{table}_history"),
            state: format!("{table}_state"),
        }
    }

    fn name(&self, table: &str) -> TableName {
        match &self.schema {
            Some(schema) => (schema.clone(), table.to_owned()).into(),
            None => table.to_owned().into(),
        }
    }

    /// lockgate's own tables, which introspection leaves out.
    pub(crate) fn own_tables(&self) -> [String; 5] {
        [
            self.table.clone(),
            self.history.clone(),
            self.state.clone(),
            self.protected_table(),
            self.backfill_table(),
        ]
    }

    /// The table where each running backfill records how far it got, with each batch.
    pub(crate) fn backfill_table(&self) -> String {
        format!("{}_backfill", self.table)
    }

    /// The table whose one row marks the database protected from `fresh` and `reset`.
    pub(crate) fn protected_table(&self) -> String {
        format!("{}_protected", self.table)
    }

    /// A quoted identifier, for the few statements sea-query does not build.
    pub(crate) fn quote(&self, ident: &str) -> String {
        lockgate_dsl::render::quote_ident(self.dialect.backend, ident)
    }

    /// The tracking table's qualified, quoted name.
    pub(crate) fn qualified_table(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", self.quote(schema), self.quote(&self.table)),
            None => self.quote(&self.table),
        }
    }

    /// The statements that create the schema (when one is set) and both tables, all idempotent.
    pub(crate) fn create(&self) -> Vec<String> {
        let dialect = self.dialect;
        let mut statements = Vec::new();
        if let (Some(schema), Some(create_schema)) = (&self.schema, dialect.create_schema) {
            statements.push(create_schema(&self.quote(schema)));
        }
        let tracking = Table::create()
            .table(self.name(&self.table))
            .if_not_exists()
            .col(ColumnDef::new(col::VERSION).big_integer().not_null().primary_key())
            .col(ColumnDef::new(col::NAME).string_len(255).not_null())
            .col(ColumnDef::new(col::CHECKSUM).string_len(64).not_null())
            .col(ColumnDef::new(col::STATUS).string_len(16).not_null())
            .col(ColumnDef::new(col::PROGRESS).big_integer().not_null().default(0))
            .col(ColumnDef::new(col::APPLIED_AT).custom(dialect.timestamp).not_null())
            .col(ColumnDef::new(col::EXECUTION_MS).big_integer().not_null().default(0))
            .col(ColumnDef::new(col::DOWN_SQL).custom(dialect.long_text).null())
            .col(ColumnDef::new(col::APPLIED_BY).string_len(255).null())
            .to_owned();
        let mut id = ColumnDef::new(hist::ID);
        if dialect.integer_rowid {
            id.integer();
        } else {
            id.big_integer();
        }
        let mut history = Table::create();
        history
            .table(self.name(&self.history))
            .if_not_exists()
            .col(id.not_null().auto_increment().primary_key())
            .col(ColumnDef::new(hist::VERSION).big_integer().not_null())
            .col(ColumnDef::new(hist::NAME).string_len(255).not_null())
            .col(ColumnDef::new(hist::DIRECTION).string_len(8).not_null())
            .col(ColumnDef::new(hist::OUTCOME).string_len(32).not_null())
            .col(ColumnDef::new(hist::ERROR).custom(dialect.long_text).null())
            .col(ColumnDef::new(hist::RECORDED_AT).custom(dialect.timestamp).not_null())
            .col(ColumnDef::new(hist::DURATION_MS).big_integer().not_null().default(0))
            .col(ColumnDef::new(hist::APPLIED_BY).string_len(255).null());
        let index_name = format!("{}_version_idx", self.history);
        match dialect.create_index {
            Some(create_index) => {
                statements.push((dialect.create_table)(&history));
                let index = Index::create()
                    .if_not_exists()
                    .name(index_name)
                    .table(self.name(&self.history))
                    .col(hist::VERSION)
                    .to_owned();
                statements.push(create_index(&index));
            }
            None => {
                history.index(Index::create().name(index_name).col(hist::VERSION));
                statements.push((dialect.create_table)(&history));
            }
        }
        statements.extend(self.create_state());
        // Last: a run decides whether to create the tables by whether this one exists, so it must not exist
        // before the others (a process killed half-way through left it without its history table).
        statements.push((dialect.create_table)(&tracking));
        statements
    }

    fn columns() -> [&'static str; 9] {
        [
            col::VERSION,
            col::NAME,
            col::CHECKSUM,
            col::STATUS,
            col::PROGRESS,
            col::APPLIED_AT,
            col::EXECUTION_MS,
            col::DOWN_SQL,
            col::APPLIED_BY,
        ]
    }

    /// Every tracking row, by version.
    pub(crate) fn select_all(&self) -> Bound {
        let q = Query::select()
            .columns(Self::columns())
            .from(self.name(&self.table))
            .order_by(col::VERSION, Order::Asc)
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// Every tracking row by version, without the stored down SQL (the largest column), for `status`.
    pub(crate) fn select_summary(&self) -> Bound {
        let q = Query::select()
            .columns(Self::columns().into_iter().filter(|c| *c != col::DOWN_SQL))
            .from(self.name(&self.table))
            .order_by(col::VERSION, Order::Asc)
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// The tracking row of one version.
    pub(crate) fn select_one(&self, version: i64) -> Bound {
        let q = Query::select()
            .columns(Self::columns())
            .from(self.name(&self.table))
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// Inserts or replaces a tracking row.
    pub(crate) fn upsert(&self, row: &NewRow<'_>) -> Bound {
        (self.dialect.insert)(&self.upsert_statement(row, row.execution_ms.into()))
    }

    /// The same with its values written out and the execution time measured by the server (`elapsed_ms`, an
    /// expression), to send in a script with the migration itself; `None` where the backend runs no scripts.
    pub(crate) fn upsert_inline(&self, row: &NewRow<'_>, elapsed_ms: &'static str) -> Option<String> {
        let script = self.dialect.script.as_ref()?;
        Some((script.inline_insert)(
            &self.upsert_statement(row, Expr::cust(elapsed_ms)),
        ))
    }

    fn upsert_statement(&self, row: &NewRow<'_>, execution_ms: Expr) -> InsertStatement {
        Query::insert()
            .into_table(self.name(&self.table))
            .columns(Self::columns())
            .values_panic([
                row.version.into(),
                row.name.into(),
                row.checksum.into(),
                row.status.into(),
                row.progress.into(),
                row.applied_at.into(),
                execution_ms,
                row.down_sql.clone().into(),
                row.applied_by.into(),
            ])
            .on_conflict(
                OnConflict::column(col::VERSION)
                    .update_columns(Self::columns().into_iter().skip(1))
                    .to_owned(),
            )
            .to_owned()
    }

    /// Records how many steps of a running migration are done.
    pub(crate) fn set_progress(&self, version: i64, progress: i64) -> Bound {
        let q = Query::update()
            .table(self.name(&self.table))
            .value(col::PROGRESS, progress)
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned();
        (self.dialect.update)(&q)
    }

    /// Removes a row (the migration was reverted).
    pub(crate) fn delete(&self, version: i64) -> Bound {
        (self.dialect.delete)(&self.delete_statement(version))
    }

    /// The same written out, for a script; `None` where the backend runs no scripts.
    pub(crate) fn delete_inline(&self, version: i64) -> Option<String> {
        let script = self.dialect.script.as_ref()?;
        Some((script.inline_delete)(&self.delete_statement(version)))
    }

    fn delete_statement(&self, version: i64) -> DeleteStatement {
        Query::delete()
            .from_table(self.name(&self.table))
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned()
    }

    /// Appends a history row.
    pub(crate) fn history(&self, row: &HistoryRow<'_>) -> Bound {
        (self.dialect.insert)(&self.history_statement(row, row.duration_ms.into()))
    }

    /// The same with its values written out and the duration measured by the server, for a script; `None`
    /// where the backend runs no scripts.
    pub(crate) fn history_inline(&self, row: &HistoryRow<'_>, elapsed_ms: &'static str) -> Option<String> {
        let script = self.dialect.script.as_ref()?;
        Some((script.inline_insert)(
            &self.history_statement(row, Expr::cust(elapsed_ms)),
        ))
    }

    fn history_statement(&self, row: &HistoryRow<'_>, duration_ms: Expr) -> InsertStatement {
        Query::insert()
            .into_table(self.name(&self.history))
            .columns([
                hist::VERSION,
                hist::NAME,
                hist::DIRECTION,
                hist::OUTCOME,
                hist::ERROR,
                hist::RECORDED_AT,
                hist::DURATION_MS,
                hist::APPLIED_BY,
            ])
            .values_panic([
                row.version.into(),
                row.name.into(),
                row.direction.into(),
                row.outcome.into(),
                row.error.clone().into(),
                Utc::now().into(),
                duration_ms,
                row.applied_by.into(),
            ])
            .to_owned()
    }

    /// The statement that creates the state table (idempotent), also for databases made before it existed.
    pub(crate) fn create_state(&self) -> Vec<String> {
        let state = Table::create()
            .table(self.name(&self.state))
            .if_not_exists()
            .col(ColumnDef::new(state::ID).integer().not_null().primary_key())
            .col(ColumnDef::new(state::DIGEST).string_len(64).not_null())
            .col(
                ColumnDef::new(state::UPDATED_AT)
                    .custom(self.dialect.timestamp)
                    .not_null(),
            )
            .to_owned();
        vec![(self.dialect.create_table)(&state)]
    }

    /// The digest of the applied set, when one is recorded.
    pub(crate) fn select_state(&self) -> Bound {
        let q = Query::select()
            .column(state::DIGEST)
            .from(self.name(&self.state))
            .and_where(Expr::col(state::ID).eq(1))
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// Records the digest of the applied set.
    pub(crate) fn upsert_state(&self, digest: &str) -> Bound {
        let q = Query::insert()
            .into_table(self.name(&self.state))
            .columns([state::ID, state::DIGEST, state::UPDATED_AT])
            .values_panic([1.into(), digest.into(), Utc::now().into()])
            .on_conflict(
                OnConflict::column(state::ID)
                    .update_columns([state::DIGEST, state::UPDATED_AT])
                    .to_owned(),
            )
            .to_owned();
        (self.dialect.insert)(&q)
    }

    /// Forgets the digest, before the applied set changes.
    pub(crate) fn clear_state(&self) -> Bound {
        let q = Query::delete().from_table(self.name(&self.state)).to_owned();
        (self.dialect.delete)(&q)
    }

    /// The statement that creates the protection table (idempotent).
    pub(crate) fn create_protected(&self) -> String {
        let table = Table::create()
            .table(self.name(&self.protected_table()))
            .if_not_exists()
            .col(ColumnDef::new(state::ID).integer().not_null().primary_key())
            .col(ColumnDef::new("reason").custom(self.dialect.long_text).not_null())
            .col(ColumnDef::new("marked_at").custom(self.dialect.long_text).not_null())
            .col(ColumnDef::new("marked_by").custom(self.dialect.long_text).not_null())
            .to_owned();
        (self.dialect.create_table)(&table)
    }

    /// Marks the database protected (one row; a second mark replaces the first).
    pub(crate) fn insert_protected(&self, reason: &str, marked_by: &str) -> [Bound; 2] {
        let delete = Query::delete()
            .from_table(self.name(&self.protected_table()))
            .to_owned();
        let insert = Query::insert()
            .into_table(self.name(&self.protected_table()))
            .columns([state::ID, "reason", "marked_at", "marked_by"])
            .values_panic([
                1.into(),
                reason.into(),
                Utc::now().format("%Y-%m-%d %H:%M:%S UTC").to_string().into(),
                marked_by.into(),
            ])
            .to_owned();
        [(self.dialect.delete)(&delete), (self.dialect.insert)(&insert)]
    }

    /// The protection mark: reason, when, by whom.
    pub(crate) fn select_protected(&self) -> Bound {
        let q = Query::select()
            .columns(["reason", "marked_at", "marked_by"])
            .from(self.name(&self.protected_table()))
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// Lifts the protection.
    pub(crate) fn delete_protected(&self) -> Bound {
        let q = Query::delete()
            .from_table(self.name(&self.protected_table()))
            .to_owned();
        (self.dialect.delete)(&q)
    }

    /// The statement that creates the backfill progress table (idempotent): created by the first backfill.
    pub(crate) fn create_backfill(&self) -> String {
        let table = Table::create()
            .table(self.name(&self.backfill_table()))
            .if_not_exists()
            .col(ColumnDef::new(fill::VERSION).big_integer().not_null())
            .col(ColumnDef::new(fill::STEP).integer().not_null())
            .col(ColumnDef::new(fill::POSITION).custom(self.dialect.long_text).not_null())
            .col(ColumnDef::new(fill::ROWS_DONE).big_integer().not_null())
            .col(
                ColumnDef::new(fill::UPDATED_AT)
                    .custom(self.dialect.timestamp)
                    .not_null(),
            )
            .primary_key(Index::create().col(fill::VERSION).col(fill::STEP))
            .to_owned();
        (self.dialect.create_table)(&table)
    }

    /// Where the backfill of step `step` of migration `version` got to (`column` [`BACKFILL_POSITION`]), or
    /// how many rows it changed so far ([`BACKFILL_ROWS_DONE`]).
    pub(crate) fn select_backfill(&self, version: i64, step: i64, column: &'static str) -> Bound {
        let q = Query::select()
            .column(column)
            .from(self.name(&self.backfill_table()))
            .and_where(Expr::col(fill::VERSION).eq(version))
            .and_where(Expr::col(fill::STEP).eq(step))
            .to_owned();
        (self.dialect.select)(&q)
    }

    /// Records a backfill's position, in the transaction of the batch that reached it.
    pub(crate) fn upsert_backfill(&self, version: i64, step: i64, position: &str, rows_done: i64) -> Bound {
        let q = Query::insert()
            .into_table(self.name(&self.backfill_table()))
            .columns([
                fill::VERSION,
                fill::STEP,
                fill::POSITION,
                fill::ROWS_DONE,
                fill::UPDATED_AT,
            ])
            .values_panic([
                version.into(),
                step.into(),
                position.into(),
                rows_done.into(),
                Utc::now().into(),
            ])
            .on_conflict(
                OnConflict::columns([fill::VERSION, fill::STEP])
                    .update_columns([fill::POSITION, fill::ROWS_DONE, fill::UPDATED_AT])
                    .to_owned(),
            )
            .to_owned();
        (self.dialect.insert)(&q)
    }

    /// Forgets a backfill's position, before it starts from the beginning.
    pub(crate) fn delete_backfill(&self, version: i64, step: i64) -> Bound {
        let q = Query::delete()
            .from_table(self.name(&self.backfill_table()))
            .and_where(Expr::col(fill::VERSION).eq(version))
            .and_where(Expr::col(fill::STEP).eq(step))
            .to_owned();
        (self.dialect.delete)(&q)
    }

    /// sqlx's history, oldest first.
    pub(crate) fn select_sqlx_history(&self) -> Bound {
        let q = Query::select()
            .columns(["version", "description", "success"])
            .from("_sqlx_migrations")
            .order_by("version", Order::Asc)
            .to_owned();
        (self.dialect.select)(&q)
    }
}
