//! SQLite: no session lock, so the write lock of `BEGIN IMMEDIATE` is the migration lock, bounded by the busy
//! timeout; table rebuilds read the live table from `sqlite_master` and run with foreign keys off.

mod introspect;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use lockgate_dsl::render::quote_ident;
use lockgate_dsl::render::{LiveTable, TableRebuild};
use sea_query::{SqliteQueryBuilder, Value};
use sea_query_sqlx::SqlxBinder;
use sqlx::Sqlite;
use sqlx::error::DatabaseError;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::{Dialect, Driver, Execution, LiveError, RebuildCheck, Scope};
use crate::conn::{BoxFuture, Conn, SqlConn, bound};
use crate::database::Database;
use crate::error::Error;

/// The URL schemes this driver takes.
pub(super) const SCHEMES: [&str; 1] = ["sqlite"];

/// How its URLs start, for messages.
pub(super) const URL_FORMS: [&str; 1] = ["sqlite:"];

static DIALECT: Dialect = Dialect {
    backend: Backend::Sqlite,
    title: "SQLite",
    select: |s| s.build_sqlx(SqliteQueryBuilder),
    insert: |s| s.build_sqlx(SqliteQueryBuilder),
    update: |s| s.build_sqlx(SqliteQueryBuilder),
    delete: |s| s.build_sqlx(SqliteQueryBuilder),
    create_table: |s| s.to_string(SqliteQueryBuilder),
    create_index: Some(|s| s.to_string(SqliteQueryBuilder)),
    // SQLite has no schemas beyond attached databases; the tracking tables live in `main`.
    create_schema: None,
    timestamp: "text",
    long_text: "text",
    // AUTOINCREMENT needs the `integer` type exactly.
    integer_rowid: true,
    script: None,
    inline: None,
};

pub(super) async fn connect(url: &str) -> Result<Database, Error> {
    let error = |source| Error::Connect {
        backend: Backend::Sqlite,
        source,
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(error)?
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(60));
    // Every connection to an in-memory database opens a new, empty one: keep a single connection.
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool = SqlitePoolOptions::new()
        .max_connections(if memory { 1 } else { 4 })
        .connect_with(options)
        .await
        .map_err(error)?;
    Ok(Database::Sqlite(pool))
}

/// The file a SQLite URL names, when it names one that does not exist (not an in-memory database).
#[cfg(feature = "cli")]
pub(super) fn missing_file(url: &str) -> Option<std::path::PathBuf> {
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    (!memory && !path.exists()).then(|| path.to_path_buf())
}

fn is_sqlite(error: &dyn DatabaseError) -> bool {
    error.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
}

/// A new database file `name` in the temporary folder; returns its URL.
pub(super) fn create_database(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("{name}.db"));
    for file in files(&path.display().to_string()) {
        let _ = std::fs::remove_file(file);
    }
    format!("sqlite:{}", path.display())
}

/// Removes the database file `name` made by [`create_database`], with its journals.
pub(super) fn drop_database(name: &str) {
    let path = std::env::temp_dir().join(format!("{name}.db"));
    for file in files(&path.display().to_string()) {
        let _ = std::fs::remove_file(file);
    }
}

/// The files a database at `path` may leave behind.
fn files(path: &str) -> [String; 4] {
    ["", "-journal", "-wal", "-shm"].map(|suffix| format!("{path}{suffix}"))
}

pub(super) fn is_lock_timeout(error: &dyn DatabaseError) -> bool {
    // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
    is_sqlite(error) && matches!(error.code().as_deref(), Some("5" | "6" | "261" | "262" | "517" | "773"))
}

pub(super) fn is_missing_table(error: &dyn DatabaseError) -> bool {
    is_sqlite(error) && error.message().contains("no such table")
}

const MASTER_QUERY: &str = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?";

/// A SQLite connection.
pub(super) struct SqliteDriver {
    conn: Conn<Sqlite>,
    /// The connection's busy timeout before the run changed it, to give it back to the pool as it was.
    busy_timeout: Option<i64>,
}

impl SqliteDriver {
    pub(super) async fn open(pool: &SqlitePool, queries: &Arc<AtomicU64>) -> Result<SqliteDriver, sqlx::Error> {
        Ok(SqliteDriver {
            conn: Conn::new(pool.acquire().await?, queries),
            busy_timeout: None,
        })
    }
}

impl Driver for SqliteDriver {
    fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

    fn conn(&mut self) -> &mut dyn SqlConn {
        &mut self.conn
    }

    /// No session lock: each migration's `BEGIN IMMEDIATE` waits for other writers up to the busy timeout, so
    /// that becomes the wait deadline. (The connection stays poolable: closing the only connection of an
    /// in-memory database would drop the database.)
    fn lock<'a>(
        &'a mut self,
        _key: &'a str,
        deadline: Duration,
        _waiting: &'a (dyn Fn(Duration) + Sync),
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            self.busy_timeout = self.conn.fetch_i64(bound("PRAGMA busy_timeout", Vec::new())).await?;
            let ms = deadline.as_millis().max(1);
            self.conn
                .execute(&format!("PRAGMA busy_timeout = {ms}"))
                .await
                .map_err(Error::Database)
        })
    }

    fn unlock<'a>(&'a mut self, _key: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            match self.busy_timeout.take() {
                Some(ms) => self.conn.execute(&format!("PRAGMA busy_timeout = {ms}")).await,
                None => Ok(()),
            }
        })
    }

    /// `BEGIN IMMEDIATE` takes the write lock, waiting for it up to the busy timeout.
    /// `BEGIN IMMEDIATE` waits for the write lock, bounded by the wait deadline: never sent with other statements.
    fn begin_sql(&self) -> Option<&'static str> {
        None
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let started = Instant::now();
            self.conn.execute("BEGIN IMMEDIATE").await.map_err(|e| {
                if super::is_lock_timeout(&e) {
                    Error::LockTimeout {
                        waited: started.elapsed(),
                    }
                } else {
                    Error::Database(e)
                }
            })
        })
    }

    fn set_lock_timeout(&mut self, _timeout: Duration, _scope: Scope) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async { Ok(()) })
    }

    fn reset_lock_timeout(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async { Ok(()) })
    }

    fn content_digest_sql(&self, table: &str, columns: &[String]) -> String {
        // SQLite has no hash function: the rows themselves, quoted and sorted.
        let row = columns
            .iter()
            .map(|c| format!("quote({})", quote_ident(Backend::Sqlite, c)))
            .collect::<Vec<_>>();
        let row = if row.is_empty() {
            "''".to_owned()
        } else {
            row.join(" || '|' || ")
        };
        format!(
            "SELECT COUNT(*) || ':' || COALESCE(group_concat(r, ','), '') FROM (SELECT {row} AS r FROM {} ORDER BY 1)",
            quote_ident(Backend::Sqlite, table)
        )
    }

    fn introspect<'a>(&'a mut self, skip: &'a [String]) -> BoxFuture<'a, Result<crate::schema::Schema, sqlx::Error>> {
        Box::pin(introspect::introspect(&mut self.conn, skip))
    }

    fn execution(&self, _transactional: bool) -> Execution {
        Execution::Transaction
    }

    fn locks_per_transaction(&self) -> bool {
        true
    }

    fn live_table<'a>(&'a mut self, rebuild: &'a TableRebuild) -> BoxFuture<'a, Result<LiveTable, LiveError>> {
        Box::pin(async move {
            let query = bound(MASTER_QUERY, vec![Value::from(rebuild.table.as_str())]);
            let rows = self
                .conn
                .fetch_text(query)
                .await
                .map_err(|source| LiveError::Database {
                    query: MASTER_QUERY,
                    source,
                })?;
            let rows = rows.into_iter().map(|mut cols| {
                let sql = cols.pop().flatten();
                let name = cols.pop().flatten().unwrap_or_default();
                let kind = cols.pop().flatten().unwrap_or_default();
                (kind, name, sql)
            });
            LiveTable::from_master_rows(&rebuild.table, rows).map_err(LiveError::Render)
        })
    }

    /// Foreign keys off around the transaction (the pragma is a no-op inside one); returns whether they were on.
    fn before_rebuilds(&mut self) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
        Box::pin(async move {
            let on = self.conn.fetch_i64(bound("PRAGMA foreign_keys", Vec::new())).await? == Some(1);
            if on {
                self.conn.execute("PRAGMA foreign_keys = OFF").await?;
            }
            Ok(on)
        })
    }

    fn check_rebuilds(&mut self) -> BoxFuture<'_, RebuildCheck> {
        const CHECK: &str = "PRAGMA foreign_key_check";
        Box::pin(async move {
            let broken = self.conn.count_rows(CHECK).await.map_err(|e| (CHECK, e))?;
            Ok((broken, CHECK))
        })
    }

    fn after_rebuilds(&mut self, restore: bool) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if restore && let Err(e) = self.conn.execute("PRAGMA foreign_keys = ON").await {
                tracing::warn!(error = %e, "turning foreign keys back on failed");
            }
        })
    }

    /// The tracking tables in one write transaction, so concurrent first runs wait for each other.
    fn create_tracking<'a>(&'a mut self, statements: &'a [String]) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            self.begin().await?;
            for sql in statements {
                if let Err(e) = self.conn.execute(sql).await {
                    if let Err(rollback) = self.conn.execute("ROLLBACK").await {
                        tracing::warn!(error = %rollback, "rollback failed");
                    }
                    return Err(super::tracking_create(e));
                }
            }
            self.conn.execute("COMMIT").await.map_err(super::tracking_create)
        })
    }
}

#[cfg(test)]
mod tracking_tests {
    /// A run creates the tracking tables when the tracking table is missing: it must come last, so a process
    /// killed half-way leaves it missing (found by the crash sweep: it used to come first, and a kill right
    /// after it left a tracking table without its history table).
    #[test]
    fn the_tracking_table_is_created_last() {
        let statements = crate::tracking::Tracking::new(&super::DIALECT, None, "lockgate_migrations").create();
        let (last, before) = statements.split_last().expect("statements");
        assert!(last.contains("\"lockgate_migrations\" ("), "{last}");
        assert!(
            before.iter().any(|s| s.contains("\"lockgate_migrations_history\" (")),
            "{before:?}"
        );
        assert!(
            before.iter().any(|s| s.contains("\"lockgate_migrations_state\" (")),
            "{before:?}"
        );
    }
}
