//! One dedicated connection of any backend, and the only place that sends SQL (so every query is counted).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use lockgate_dsl::Backend;
use sea_query_sqlx::SqlxValues;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, MySql, Postgres, Row, Sqlite};

use crate::database::Database;

/// A statement built by sea-query with its bound values.
pub(crate) type Bound = (String, SqlxValues);

/// One row of the tracking table.
#[derive(Debug, Clone)]
pub(crate) struct TrackedRow {
    pub(crate) version: i64,
    pub(crate) name: String,
    pub(crate) checksum: String,
    pub(crate) status: String,
    pub(crate) progress: i64,
    pub(crate) applied_at: Option<DateTime<Utc>>,
    pub(crate) execution_ms: i64,
    pub(crate) down_sql: Option<String>,
    pub(crate) applied_by: Option<String>,
}

/// A pooled connection held for a whole operation, so session locks and transactions stay on it.
pub(crate) struct Conn {
    inner: Inner,
    queries: Arc<AtomicU64>,
}

enum Inner {
    Postgres(PoolConnection<Postgres>),
    MySql(PoolConnection<MySql>),
    Sqlite(PoolConnection<Sqlite>),
}

macro_rules! with_conn {
    ($self:expr, $c:ident => $body:expr) => {
        match &mut $self.inner {
            Inner::Postgres($c) => $body,
            Inner::MySql($c) => $body,
            Inner::Sqlite($c) => $body,
        }
    };
}

macro_rules! tracked_row {
    ($row:expr) => {{
        let row = $row;
        TrackedRow {
            version: row.try_get("version")?,
            name: row.try_get("name")?,
            checksum: row.try_get("checksum")?,
            status: row.try_get("status")?,
            progress: row.try_get("progress")?,
            applied_at: row.try_get("applied_at")?,
            execution_ms: row.try_get("execution_ms")?,
            down_sql: row.try_get("down_sql")?,
            applied_by: row.try_get("applied_by")?,
        }
    }};
}

/// Decodes the first column of a row as an integer of any width.
macro_rules! int {
    ($row:expr) => {{
        let row = &$row;
        if let Ok(v) = row.try_get::<Option<i64>, _>(0) {
            v
        } else if let Ok(v) = row.try_get::<Option<i32>, _>(0) {
            v.map(i64::from)
        } else if let Ok(v) = row.try_get::<Option<i16>, _>(0) {
            v.map(i64::from)
        } else {
            None
        }
    }};
}

/// Decodes the first column of a row as a truth value, whatever its SQL type.
macro_rules! truth {
    ($row:expr) => {{
        let row = &$row;
        if row.len() == 0 {
            None
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(0) {
            v
        } else if let Some(v) = int!(row) {
            Some(v != 0)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(0) {
            v.map(|s| matches!(s.trim().to_ascii_lowercase().as_str(), "1" | "t" | "true" | "y" | "yes"))
        } else {
            None
        }
    }};
}

impl Conn {
    pub(crate) async fn acquire(db: &Database, queries: &Arc<AtomicU64>) -> Result<Conn, sqlx::Error> {
        let inner = match db {
            Database::Postgres(pool) => Inner::Postgres(pool.acquire().await?),
            Database::MySql(pool) => Inner::MySql(pool.acquire().await?),
            Database::Sqlite(pool) => Inner::Sqlite(pool.acquire().await?),
        };
        Ok(Conn {
            inner,
            queries: Arc::clone(queries),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        match self.inner {
            Inner::Postgres(_) => Backend::Postgres,
            Inner::MySql(_) => Backend::MySql,
            Inner::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Closes the connection instead of returning it to the pool when dropped, so a cancelled run cannot leave a
    /// session lock or an open transaction on a pooled connection.
    pub(crate) fn close_on_drop(&mut self) {
        with_conn!(self, c => c.close_on_drop())
    }

    /// Counts and traces one query about to run; every query goes through here, so the count is exact.
    fn start(&self, sql: impl Into<String>, kind: &'static str) -> AssertSqlSafe<String> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let sql = sql.into();
        tracing::trace!(sql, kind, "query");
        AssertSqlSafe(sql)
    }

    /// Runs SQL through the simple-query protocol: migration SQL may hold several statements or statements that
    /// cannot be prepared (MySQL refuses some DDL as prepared statements).
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = self.start(sql, "execute");
        with_conn!(self, c => sqlx::raw_sql(sql).execute(&mut **c).await.map(|_| ()))
    }

    /// Runs a statement with bound values; returns the rows affected.
    pub(crate) async fn execute_bound(&mut self, (sql, values): Bound) -> Result<u64, sqlx::Error> {
        let sql = self.start(sql, "execute");
        with_conn!(self, c => sqlx::query_with(sql, values).execute(&mut **c).await.map(|r| r.rows_affected()))
    }

    /// Reads the first column of the first row as a truth value, for assertion steps: a boolean, a non-zero
    /// integer, or the text `1`/`t`/`true`. `None` when there is no row or the value is NULL.
    pub(crate) async fn fetch_truth(&mut self, sql: &str) -> Result<Option<bool>, sqlx::Error> {
        let sql = self.start(sql, "assert");
        with_conn!(self, c => {
            let row = sqlx::raw_sql(sql).fetch_optional(&mut **c).await?;
            match row {
                None => Ok(None),
                Some(row) => Ok(truth!(row)),
            }
        })
    }

    /// Runs a query and counts the rows it returns (`PRAGMA foreign_key_check`).
    pub(crate) async fn count_rows(&mut self, sql: &str) -> Result<usize, sqlx::Error> {
        let sql = self.start(sql, "fetch");
        with_conn!(self, c => sqlx::raw_sql(sql).fetch_all(&mut **c).await.map(|rows| rows.len()))
    }

    /// Reads the first column of the first row as an integer (lock functions), or `None` for no row or NULL.
    pub(crate) async fn fetch_i64(&mut self, (sql, values): Bound) -> Result<Option<i64>, sqlx::Error> {
        let sql = self.start(sql, "fetch");
        with_conn!(self, c => {
            let row = sqlx::query_with(sql, values).fetch_optional(&mut **c).await?;
            match row {
                None => Ok(None),
                Some(row) => Ok(int!(row)),
            }
        })
    }

    /// Reads rows of text columns (catalog queries cast what they select to text).
    pub(crate) async fn fetch_text(&mut self, (sql, values): Bound) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        let sql = self.start(sql, "fetch");
        with_conn!(self, c => {
            let rows = sqlx::query_with(sql, values).fetch_all(&mut **c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut cols = Vec::with_capacity(row.len());
                for i in 0..row.len() {
                    cols.push(row.try_get::<Option<String>, _>(i)?);
                }
                out.push(cols);
            }
            Ok(out)
        })
    }

    /// Reads tracking rows.
    pub(crate) async fn fetch_tracked(&mut self, (sql, values): Bound) -> Result<Vec<TrackedRow>, sqlx::Error> {
        let sql = self.start(sql, "fetch");
        with_conn!(self, c => {
            let rows = sqlx::query_with(sql, values).fetch_all(&mut **c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(tracked_row!(row));
            }
            Ok(out)
        })
    }

    /// Reads sqlx's history: version, description, success.
    pub(crate) async fn fetch_sqlx_history(
        &mut self,
        (sql, values): Bound,
    ) -> Result<Vec<(i64, String, bool)>, sqlx::Error> {
        let sql = self.start(sql, "fetch");
        with_conn!(self, c => {
            let rows = sqlx::query_with(sql, values).fetch_all(&mut **c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push((row.try_get("version")?, row.try_get("description")?, row.try_get("success")?));
            }
            Ok(out)
        })
    }
}
