//! The tracking table and its history table: their definitions and every statement on them, built by sea-query.

use chrono::{DateTime, Utc};
use lockgate_dsl::Backend;
use sea_query::{
    ColumnDef, Expr, ExprTrait, Index, MysqlQueryBuilder, OnConflict, Order, PostgresQueryBuilder, Query,
    SqliteQueryBuilder, Table, TableCreateStatement, TableName,
};
use sea_query_sqlx::SqlxBinder;

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

/// The status column's values.
pub(crate) const RUNNING: &str = "running";
pub(crate) const APPLIED: &str = "applied";
pub(crate) const FAILED: &str = "failed";

/// Where the tracking tables live on one backend.
#[derive(Debug, Clone)]
pub(crate) struct Tracking {
    pub(crate) backend: Backend,
    pub(crate) schema: Option<String>,
    pub(crate) table: String,
    pub(crate) history: String,
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
    pub(crate) fn new(backend: Backend, schema: Option<&str>, table: &str) -> Tracking {
        Tracking {
            backend,
            // SQLite has no schemas beyond attached databases; the tracking tables live in `main`.
            schema: schema.filter(|_| backend != Backend::Sqlite).map(str::to_owned),
            table: table.to_owned(),
            history: format!("{table}_history"),
        }
    }

    fn name(&self, table: &str) -> TableName {
        match &self.schema {
            Some(schema) => (schema.clone(), table.to_owned()).into(),
            None => table.to_owned().into(),
        }
    }

    fn build<S: SqlxBinder>(&self, statement: &S) -> Bound {
        match self.backend {
            Backend::Postgres => statement.build_sqlx(PostgresQueryBuilder),
            Backend::MySql => statement.build_sqlx(MysqlQueryBuilder),
            Backend::Sqlite => statement.build_sqlx(SqliteQueryBuilder),
        }
    }

    fn build_schema(&self, statement: &TableCreateStatement) -> String {
        match self.backend {
            Backend::Postgres => statement.to_string(PostgresQueryBuilder),
            Backend::MySql => statement.to_string(MysqlQueryBuilder),
            Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
        }
    }

    /// A quoted identifier, for the few statements sea-query does not build.
    pub(crate) fn quote(&self, ident: &str) -> String {
        lockgate_dsl::render::quote_ident(self.backend, ident)
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
        let mut statements = Vec::new();
        if let Some(schema) = &self.schema {
            statements.push(match self.backend {
                Backend::MySql => format!("CREATE DATABASE IF NOT EXISTS {}", self.quote(schema)),
                _ => format!("CREATE SCHEMA IF NOT EXISTS {}", self.quote(schema)),
            });
        }
        let timestamp = match self.backend {
            Backend::Postgres => "timestamptz",
            // DATETIME, not TIMESTAMP: MariaDB gives the first TIMESTAMP column an ON UPDATE clause.
            Backend::MySql => "datetime(6)",
            Backend::Sqlite => "text",
        };
        let text = match self.backend {
            Backend::MySql => "longtext",
            _ => "text",
        };
        let tracking = Table::create()
            .table(self.name(&self.table))
            .if_not_exists()
            .col(ColumnDef::new(col::VERSION).big_integer().not_null().primary_key())
            .col(ColumnDef::new(col::NAME).string_len(255).not_null())
            .col(ColumnDef::new(col::CHECKSUM).string_len(64).not_null())
            .col(ColumnDef::new(col::STATUS).string_len(16).not_null())
            .col(ColumnDef::new(col::PROGRESS).big_integer().not_null().default(0))
            .col(ColumnDef::new(col::APPLIED_AT).custom(timestamp).not_null())
            .col(ColumnDef::new(col::EXECUTION_MS).big_integer().not_null().default(0))
            .col(ColumnDef::new(col::DOWN_SQL).custom(text).null())
            .col(ColumnDef::new(col::APPLIED_BY).string_len(255).null())
            .to_owned();
        statements.push(self.build_schema(&tracking));
        let mut history = Table::create();
        history.table(self.name(&self.history)).if_not_exists();
        match self.backend {
            // SQLite's AUTOINCREMENT needs the `integer` type exactly.
            Backend::Sqlite => history.col(
                ColumnDef::new(hist::ID)
                    .integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            ),
            _ => history.col(
                ColumnDef::new(hist::ID)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            ),
        };
        history
            .col(ColumnDef::new(hist::VERSION).big_integer().not_null())
            .col(ColumnDef::new(hist::NAME).string_len(255).not_null())
            .col(ColumnDef::new(hist::DIRECTION).string_len(8).not_null())
            .col(ColumnDef::new(hist::OUTCOME).string_len(32).not_null())
            .col(ColumnDef::new(hist::ERROR).custom(text).null())
            .col(ColumnDef::new(hist::RECORDED_AT).custom(timestamp).not_null())
            .col(ColumnDef::new(hist::DURATION_MS).big_integer().not_null().default(0))
            .col(ColumnDef::new(hist::APPLIED_BY).string_len(255).null());
        let index_name = format!("{}_version_idx", self.history);
        if self.backend == Backend::MySql {
            // MySQL has no `CREATE INDEX IF NOT EXISTS` (and sea-query cannot qualify its table): inline it.
            history.index(Index::create().name(index_name).col(hist::VERSION));
            statements.push(self.build_schema(&history));
        } else {
            statements.push(self.build_schema(&history));
            let index = Index::create()
                .if_not_exists()
                .name(index_name)
                .table(self.name(&self.history))
                .col(hist::VERSION)
                .to_owned();
            statements.push(match self.backend {
                Backend::Postgres => index.to_string(PostgresQueryBuilder),
                _ => index.to_string(SqliteQueryBuilder),
            });
        }
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
        self.build(&q)
    }

    /// The tracking row of one version.
    pub(crate) fn select_one(&self, version: i64) -> Bound {
        let q = Query::select()
            .columns(Self::columns())
            .from(self.name(&self.table))
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned();
        self.build(&q)
    }

    /// Inserts or replaces a tracking row.
    pub(crate) fn upsert(&self, row: &NewRow<'_>) -> Bound {
        let q = Query::insert()
            .into_table(self.name(&self.table))
            .columns(Self::columns())
            .values_panic([
                row.version.into(),
                row.name.into(),
                row.checksum.into(),
                row.status.into(),
                row.progress.into(),
                row.applied_at.into(),
                row.execution_ms.into(),
                row.down_sql.clone().into(),
                row.applied_by.into(),
            ])
            .on_conflict(
                OnConflict::column(col::VERSION)
                    .update_columns(Self::columns().into_iter().skip(1))
                    .to_owned(),
            )
            .to_owned();
        self.build(&q)
    }

    /// Records how many steps of a running migration are done.
    pub(crate) fn set_progress(&self, version: i64, progress: i64) -> Bound {
        let q = Query::update()
            .table(self.name(&self.table))
            .value(col::PROGRESS, progress)
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned();
        self.build(&q)
    }

    /// Removes a row (the migration was reverted).
    pub(crate) fn delete(&self, version: i64) -> Bound {
        let q = Query::delete()
            .from_table(self.name(&self.table))
            .and_where(Expr::col(col::VERSION).eq(version))
            .to_owned();
        self.build(&q)
    }

    /// Appends a history row.
    pub(crate) fn history(&self, row: &HistoryRow<'_>) -> Bound {
        let q = Query::insert()
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
                row.duration_ms.into(),
                row.applied_by.into(),
            ])
            .to_owned();
        self.build(&q)
    }

    /// sqlx's history, oldest first.
    pub(crate) fn select_sqlx_history(&self) -> Bound {
        let q = Query::select()
            .columns(["version", "description", "success"])
            .from("_sqlx_migrations")
            .order_by("version", Order::Asc)
            .to_owned();
        self.build(&q)
    }
}

/// Whether an error says the tracking table (or its schema) does not exist yet.
pub(crate) fn is_missing_table(error: &sqlx::Error) -> bool {
    let Some(db) = error.as_database_error() else {
        return false;
    };
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        // ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR.
        return matches!(my.number(), 1146 | 1049);
    }
    match db.code().as_deref() {
        // undefined_table, invalid_schema_name.
        Some("42P01" | "3F000") => true,
        _ => db.message().contains("no such table"),
    }
}
