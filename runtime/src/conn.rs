//! One dedicated connection, and the only place that sends SQL (so every query is counted and traced).
//!
//! [`SqlConn`] is what the drivers and the executor send SQL through; [`Conn`] implements it for the pool
//! connection of each compiled-in backend.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_query_sqlx::SqlxValues;
use sqlx::AssertSqlSafe;
use sqlx::pool::PoolConnection;

use crate::script::{MARKER, Progress, RECORDED_MS, Script, ScriptError};

/// A boxed future, so that [`SqlConn`] and the drivers can be trait objects.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A statement built by sea-query with its bound values.
pub(crate) type Bound = (String, SqlxValues);

/// A hand-written statement with its bound values.
pub(crate) fn bound(sql: &str, values: Vec<sea_query::Value>) -> Bound {
    (sql.to_owned(), SqlxValues(sea_query::Values(values)))
}

/// sqlx's history rows: version, description, success.
pub(crate) type SqlxHistory = Vec<(i64, String, bool)>;

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

/// Sending SQL on one connection, whatever its backend.
pub(crate) trait SqlConn: Send {
    /// Runs SQL through the simple-query protocol: migration SQL may hold several statements or statements that
    /// cannot be prepared (MySQL refuses some DDL as prepared statements).
    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>>;

    /// Runs a script's parts in one round trip; on failure, names the part that failed. Returns the durations
    /// its record statements returned (see [`RECORDED_MS`]), in order.
    fn run_script<'a>(&'a mut self, script: &'a Script) -> BoxFuture<'a, Result<Vec<i64>, ScriptError>>;

    /// Runs a statement with bound values; returns the rows affected.
    fn execute_bound(&mut self, statement: Bound) -> BoxFuture<'_, Result<u64, sqlx::Error>>;

    /// Runs one statement through the simple-query protocol; returns the rows affected. For statements whose
    /// text changes every time (a backfill's batches): preparing each would churn the statement cache, and on
    /// MySQL every statement closed by the churn stalls the next one for a delayed ACK (sqlx 0.9.0 leaves
    /// Nagle's algorithm on).
    fn execute_unprepared<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>>;

    /// Reads rows of text columns through the simple-query protocol (see `execute_unprepared`).
    fn fetch_text_unprepared<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, sqlx::Error>>;

    /// Reads the first column of the first row as a truth value, for assertion steps: a boolean, a non-zero
    /// integer, or the text `1`/`t`/`true`. `None` when there is no row or the value is NULL.
    fn fetch_truth<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<Option<bool>, sqlx::Error>>;

    /// Runs a query and counts the rows it returns.
    fn count_rows<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<usize, sqlx::Error>>;

    /// Reads the first column of the first row as an integer, or `None` for no row or NULL.
    fn fetch_i64(&mut self, statement: Bound) -> BoxFuture<'_, Result<Option<i64>, sqlx::Error>>;

    /// Reads rows of text columns (catalog queries cast what they select to text).
    fn fetch_text(&mut self, statement: Bound) -> BoxFuture<'_, Result<Vec<Vec<Option<String>>>, sqlx::Error>>;

    /// Reads tracking rows.
    fn fetch_tracked(&mut self, statement: Bound) -> BoxFuture<'_, Result<Vec<TrackedRow>, sqlx::Error>>;

    /// Reads sqlx's history: version, description, success.
    fn fetch_sqlx_history(&mut self, statement: Bound) -> BoxFuture<'_, Result<SqlxHistory, sqlx::Error>>;

    /// Closes the connection rather than giving it back to the pool when the operation ends: after a
    /// statement abandoned half-way, it may still be busy with it.
    fn close_on_drop(&mut self);
}

/// A pooled connection held for a whole operation, so session locks and transactions stay on it.
pub(crate) struct Conn<DB: sqlx::Database> {
    pub(crate) inner: PoolConnection<DB>,
    queries: Arc<AtomicU64>,
}

impl<DB: sqlx::Database> Conn<DB> {
    pub(crate) fn new(inner: PoolConnection<DB>, queries: &Arc<AtomicU64>) -> Conn<DB> {
        Conn {
            inner,
            queries: Arc::clone(queries),
        }
    }

    /// Closes the connection instead of returning it to the pool when dropped, so a cancelled run cannot leave a
    /// session lock or an open transaction on a pooled connection.
    pub(crate) fn close_on_drop(&mut self) {
        self.inner.close_on_drop();
    }

    /// Counts and traces one query about to run; every query goes through here, so the count is exact.
    fn start(&self, sql: impl Into<String>, kind: &'static str) -> AssertSqlSafe<String> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let sql = sql.into();
        tracing::trace!(sql, kind, "query");
        AssertSqlSafe(sql)
    }
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

/// Implements [`SqlConn`] for the connection of one sqlx database type (the row decoding needs the concrete type).
/// Every column of every row as text (catalog and check queries cast what they select to text).
fn text_rows<R>(rows: Vec<R>) -> Result<Vec<Vec<Option<String>>>, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .map(|row| (0..row.len()).map(|i| row.try_get::<Option<String>, _>(i)).collect())
        .collect()
}

macro_rules! sql_conn {
    ($db:ty) => {
        impl SqlConn for Conn<$db> {
            fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>> {
                let sql = self.start(sql, "execute");
                Box::pin(async move { sqlx::raw_sql(sql).execute(&mut *self.inner).await.map(|_| ()) })
            }

            fn run_script<'a>(&'a mut self, script: &'a Script) -> BoxFuture<'a, Result<Vec<i64>, ScriptError>> {
                use futures_util::TryStreamExt as _;
                use sqlx::{Column as _, Row as _};
                let sql = self.start(script.text(), "script");
                Box::pin(async move {
                    let mut results = sqlx::raw_sql(sql).fetch_many(&mut *self.inner);
                    let mut progress = Progress::default();
                    // A marker's row comes before its own completion, which is not a statement of the script.
                    let mut marker_done = false;
                    let mut recorded = Vec::new();
                    loop {
                        match results.try_next().await {
                            Ok(Some(sqlx::Either::Right(row)))
                                if row.columns().first().is_some_and(|c| c.name() == MARKER) =>
                            {
                                progress.marker = int!(row).and_then(|i| usize::try_from(i).ok());
                                progress.statements = 0;
                                marker_done = true;
                            }
                            Ok(Some(sqlx::Either::Right(row)))
                                if row.columns().first().is_some_and(|c| c.name() == RECORDED_MS) =>
                            {
                                recorded.extend(int!(row));
                            }
                            Ok(Some(sqlx::Either::Left(_))) if std::mem::take(&mut marker_done) => {}
                            Ok(Some(sqlx::Either::Left(_))) => progress.statements += 1,
                            Ok(Some(sqlx::Either::Right(_))) => {}
                            Ok(None) => return Ok(recorded),
                            Err(source) => {
                                return Err(ScriptError {
                                    part: script.failed_part(progress),
                                    source,
                                });
                            }
                        }
                    }
                })
            }

            fn execute_unprepared<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
                let sql = self.start(sql, "execute");
                Box::pin(async move {
                    let done = sqlx::raw_sql(sql).execute(&mut *self.inner).await?;
                    Ok(done.rows_affected())
                })
            }

            fn fetch_text_unprepared<'a>(
                &'a mut self,
                sql: &'a str,
            ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, sqlx::Error>> {
                let sql = self.start(sql, "fetch");
                Box::pin(async move { text_rows(sqlx::raw_sql(sql).fetch_all(&mut *self.inner).await?) })
            }

            fn execute_bound(&mut self, (sql, values): Bound) -> BoxFuture<'_, Result<u64, sqlx::Error>> {
                let sql = self.start(sql, "execute");
                Box::pin(async move {
                    let done = sqlx::query_with(sql, values).execute(&mut *self.inner).await?;
                    Ok(done.rows_affected())
                })
            }

            fn fetch_truth<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<Option<bool>, sqlx::Error>> {
                use sqlx::Row as _;
                let sql = self.start(sql, "assert");
                Box::pin(async move {
                    let Some(row) = sqlx::raw_sql(sql).fetch_optional(&mut *self.inner).await? else {
                        return Ok(None);
                    };
                    if row.len() == 0 {
                        return Ok(None);
                    }
                    if let Ok(v) = row.try_get::<Option<bool>, _>(0) {
                        return Ok(v);
                    }
                    if let Some(v) = int!(row) {
                        return Ok(Some(v != 0));
                    }
                    Ok(row.try_get::<Option<String>, _>(0).ok().flatten().map(|s| {
                        matches!(
                            s.trim().to_ascii_lowercase().as_str(),
                            "1" | "t" | "true" | "y" | "yes"
                        )
                    }))
                })
            }

            fn count_rows<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<usize, sqlx::Error>> {
                let sql = self.start(sql, "fetch");
                Box::pin(async move { Ok(sqlx::raw_sql(sql).fetch_all(&mut *self.inner).await?.len()) })
            }

            fn fetch_i64(&mut self, (sql, values): Bound) -> BoxFuture<'_, Result<Option<i64>, sqlx::Error>> {
                use sqlx::Row as _;
                let sql = self.start(sql, "fetch");
                Box::pin(async move {
                    let row = sqlx::query_with(sql, values)
                        .fetch_optional(&mut *self.inner)
                        .await?;
                    Ok(row.and_then(|row| int!(row)))
                })
            }

            fn fetch_text(
                &mut self,
                (sql, values): Bound,
            ) -> BoxFuture<'_, Result<Vec<Vec<Option<String>>>, sqlx::Error>> {
                let sql = self.start(sql, "fetch");
                Box::pin(async move { text_rows(sqlx::query_with(sql, values).fetch_all(&mut *self.inner).await?) })
            }

            fn fetch_tracked(&mut self, (sql, values): Bound) -> BoxFuture<'_, Result<Vec<TrackedRow>, sqlx::Error>> {
                use sqlx::Row as _;
                let sql = self.start(sql, "fetch");
                Box::pin(async move {
                    let rows = sqlx::query_with(sql, values).fetch_all(&mut *self.inner).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in rows {
                        out.push(TrackedRow {
                            version: row.try_get("version")?,
                            name: row.try_get("name")?,
                            checksum: row.try_get("checksum")?,
                            status: row.try_get("status")?,
                            progress: row.try_get("progress")?,
                            applied_at: row.try_get("applied_at")?,
                            execution_ms: row.try_get("execution_ms")?,
                            // `status` reads rows without it.
                            down_sql: match row.try_get("down_sql") {
                                Err(sqlx::Error::ColumnNotFound(_)) => None,
                                other => other?,
                            },
                            applied_by: row.try_get("applied_by")?,
                        });
                    }
                    Ok(out)
                })
            }

            fn fetch_sqlx_history(&mut self, (sql, values): Bound) -> BoxFuture<'_, Result<SqlxHistory, sqlx::Error>> {
                use sqlx::Row as _;
                let sql = self.start(sql, "fetch");
                Box::pin(async move {
                    let rows = sqlx::query_with(sql, values).fetch_all(&mut *self.inner).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in rows {
                        out.push((
                            row.try_get("version")?,
                            row.try_get("description")?,
                            row.try_get("success")?,
                        ));
                    }
                    Ok(out)
                })
            }

            fn close_on_drop(&mut self) {
                Conn::close_on_drop(self);
            }
        }
    };
}

#[cfg(feature = "postgres")]
sql_conn!(sqlx::Postgres);
#[cfg(feature = "mysql")]
sql_conn!(sqlx::MySql);
#[cfg(feature = "sqlite")]
sql_conn!(sqlx::Sqlite);
