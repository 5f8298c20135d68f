//! One driver per backend: everything the migrator does differently on PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! The session and the executor talk only to [`Driver`]; each backend is one module behind one cargo feature.
//! A new backend (a PostgreSQL-compatible distributed engine, say) is one more module that implements the trait,
//! one [`crate::Database`] variant and one feature.

mod catalog;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use lockgate_dsl::plan::PlannedOp;
use lockgate_dsl::render::{LiveTable, RenderError, Step, TableRebuild};
use sea_query::{
    DeleteStatement, IndexCreateStatement, InsertStatement, SelectStatement, TableCreateStatement, UpdateStatement,
};

use crate::conn::{Bound, BoxFuture, SqlConn};
use crate::database::Database;
use crate::error::Error;
use crate::schema::Schema;
use crate::steps::ExecStep;

/// How a backend spells the statements on the tracking tables: its sea-query builders and column types.
pub(crate) struct Dialect {
    /// The backend.
    pub(crate) backend: Backend,
    /// Its name in messages.
    pub(crate) title: &'static str,
    /// Builds a SELECT with its bound values.
    pub(crate) select: fn(&SelectStatement) -> Bound,
    /// Builds an INSERT with its bound values.
    pub(crate) insert: fn(&InsertStatement) -> Bound,
    /// Builds an UPDATE with its bound values.
    pub(crate) update: fn(&UpdateStatement) -> Bound,
    /// Builds a DELETE with its bound values.
    pub(crate) delete: fn(&DeleteStatement) -> Bound,
    /// Renders a CREATE TABLE.
    pub(crate) create_table: fn(&TableCreateStatement) -> String,
    /// Renders a CREATE INDEX; `None` where an index must be declared inside its CREATE TABLE (no
    /// `CREATE INDEX IF NOT EXISTS`).
    pub(crate) create_index: Option<fn(&IndexCreateStatement) -> String>,
    /// Creates a schema when missing, given its quoted name; `None` where there are no schemas.
    pub(crate) create_schema: Option<fn(&str) -> String>,
    /// The type of timestamp columns.
    pub(crate) timestamp: &'static str,
    /// The type of long text columns.
    pub(crate) long_text: &'static str,
    /// Whether an auto-increment key must be `integer` exactly (SQLite's rowid alias).
    pub(crate) integer_rowid: bool,
    /// How a whole transactional migration is sent in one round trip; `None` where it is not.
    pub(crate) script: Option<ScriptDialect>,
    /// Writes a bound statement's values into its text, so that tracking statements can travel with the steps
    /// of a migration that runs step by step; `None` where they are sent on their own.
    pub(crate) inline: Option<fn(Bound) -> Option<String>>,
}

/// What sending a transactional migration as one script needs: its values written out as literals the server
/// reads the same whatever its settings, and the time measured by the server.
pub(crate) struct ScriptDialect {
    /// Opens the transaction and sets its lock timeout.
    pub(crate) begin: fn(Duration) -> String,
    /// Marks the moment a migration starts inside a script of several migrations.
    pub(crate) mark_start: &'static str,
    /// The milliseconds since the last mark, as an SQL expression.
    pub(crate) elapsed_since_mark: &'static str,
    /// The milliseconds since the script arrived, as an SQL expression: a script of one migration needs no mark.
    pub(crate) elapsed_since_start: &'static str,
    /// Writes a tracking statement and the history statement as one.
    pub(crate) together: fn(&str, &str) -> String,
    /// Renders an INSERT with its values written out.
    pub(crate) inline_insert: fn(&InsertStatement) -> String,
    /// Renders a DELETE with its values written out.
    pub(crate) inline_delete: fn(&DeleteStatement) -> String,
}

/// What a check after table rebuilds found: the rows breaking a foreign key and the query that counted them, or
/// the query that failed.
pub(crate) type RebuildCheck = Result<(usize, &'static str), (&'static str, sqlx::Error)>;

/// How a migration runs on a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Execution {
    /// In one transaction together with its tracking row.
    Transaction,
    /// One step at a time, with progress recorded after each. `compensate`: when a step fails, the operations
    /// already run are undone by their inverses (DDL commits by itself there).
    Stepwise {
        /// Whether a failure runs the inverses of the operations already run.
        compensate: bool,
    },
}

/// Where a lock timeout setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Until the current transaction ends.
    Transaction,
    /// Until reset on the connection.
    Session,
}

/// What a probe of the catalog says about a step an interrupted attempt was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepProbe {
    /// The step's effect is there, whole: skip it.
    Done,
    /// The step's effect is not there (anything it left half-done was cleaned up): run it.
    NotDone,
    /// The catalog cannot tell for this kind of step.
    Unknown,
    /// What the step would remove is not there (a `DROP INDEX CONCURRENTLY` of an index a partitioned index took
    /// with it): skip it, on any attempt.
    NothingToDo,
}

/// Why a live step (a SQLite table rebuild) could not be resolved against the live schema.
#[derive(Debug)]
pub(crate) enum LiveError {
    /// The backend has no live steps (only SQLite rebuilds tables).
    Unsupported {
        /// The backend.
        backend: Backend,
        /// The table.
        table: String,
    },
    /// The live table cannot be rebuilt as asked.
    Render(RenderError),
    /// Reading the catalog failed.
    Database {
        /// The catalog query.
        query: &'static str,
        /// The driver error.
        source: sqlx::Error,
    },
}

/// Everything the migrator does that depends on the backend: its connection, locks, timeouts, transactions,
/// tracking statements, how steps run, and catalog probes.
pub(crate) trait Driver: Send {
    /// The backend.
    fn backend(&self) -> Backend {
        self.dialect().backend
    }

    /// How the tracking statements are spelled.
    fn dialect(&self) -> &'static Dialect;

    /// The connection, to send SQL.
    fn conn(&mut self) -> &mut dyn SqlConn;

    /// Takes the migration lock named `key`, waiting up to `deadline`; `waiting` hears about the wait about once
    /// a second. From now on the connection is never returned to a pool, so a cancelled run cannot leave the lock
    /// held on a pooled connection.
    fn lock<'a>(
        &'a mut self,
        key: &'a str,
        deadline: Duration,
        waiting: &'a (dyn Fn(Duration) + Sync),
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Releases the migration lock.
    fn unlock<'a>(&'a mut self, key: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>>;

    /// Opens a transaction.
    fn begin(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move { self.conn().execute("BEGIN").await.map_err(Error::Database) })
    }

    /// The statement that opens a transaction, to send with what follows it; `None` where opening one needs more
    /// than a statement (SQLite waits for its write lock).
    fn begin_sql(&self) -> Option<&'static str> {
        Some("BEGIN")
    }

    /// Sets how long statements wait for table locks; a no-op where the backend has no such setting.
    fn set_lock_timeout(&mut self, timeout: Duration, scope: Scope) -> BoxFuture<'_, Result<(), sqlx::Error>>;

    /// Restores the server's lock wait settings after [`Driver::set_lock_timeout`] with [`Scope::Session`].
    fn reset_lock_timeout(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>>;

    /// How a migration runs; `transactional` is what the migration asks for.
    fn execution(&self, transactional: bool) -> Execution;

    /// Whether each transaction must re-read the tracking row once it holds the database's write lock, because
    /// the backend has no session lock (SQLite): the migration lock is then the write lock itself.
    fn locks_per_transaction(&self) -> bool {
        false
    }

    /// Reads what a live step needs from the catalog (the table a SQLite rebuild copies).
    fn live_table<'a>(&'a mut self, rebuild: &'a TableRebuild) -> BoxFuture<'a, Result<LiveTable, LiveError>> {
        let backend = self.backend();
        Box::pin(async move {
            Err(LiveError::Unsupported {
                backend,
                table: rebuild.table.clone(),
            })
        })
    }

    /// Prepares the connection for a transaction that rebuilds tables; returns what
    /// [`Driver::after_rebuilds`] must restore.
    fn before_rebuilds(&mut self) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
        Box::pin(async { Ok(false) })
    }

    /// Counts the rows that rebuilt tables left breaking a foreign key, before commit; with the query that
    /// counted them.
    fn check_rebuilds(&mut self) -> BoxFuture<'_, RebuildCheck> {
        Box::pin(async { Ok((0, "")) })
    }

    /// Restores what [`Driver::before_rebuilds`] changed.
    fn after_rebuilds(&mut self, restore: bool) -> BoxFuture<'_, ()> {
        let _ = restore;
        Box::pin(async {})
    }

    /// Asks the catalog whether a step an interrupted attempt was running took effect, cleaning up what it left
    /// half-done where the backend allows.
    fn probe_step<'a>(
        &'a mut self,
        step: &'a ExecStep,
        ops: &'a [PlannedOp],
    ) -> BoxFuture<'a, Result<StepProbe, Error>> {
        let _ = (step, ops);
        Box::pin(async { Ok(StepProbe::Unknown) })
    }

    /// Whether a step of a migration that runs step by step can run in a transaction with its progress update,
    /// so that the two commit together (DML above all; DDL that commits by itself gains nothing but loses
    /// nothing either).
    fn step_in_transaction(&self, step: &Step) -> bool {
        matches!(
            step,
            Step::Sql {
                outside_transaction: false,
                ..
            }
        )
    }

    /// Reads the live schema from the catalog, leaving out the tables named in `skip` (the tracking tables).
    fn introspect<'a>(&'a mut self, skip: &'a [String]) -> BoxFuture<'a, Result<Schema, sqlx::Error>>;

    /// A query of one text value that is the same exactly when `table` holds the same rows in `columns`
    /// (in any order): how `verify` sees that a round trip gave rows back.
    fn content_digest_sql(&self, table: &str, columns: &[String]) -> String;

    /// Creates the tracking tables from their idempotent statements.
    fn create_tracking<'a>(&'a mut self, statements: &'a [String]) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            for sql in statements {
                self.conn().execute(sql).await.map_err(tracking_create)?;
            }
            Ok(())
        })
    }
}

/// The error of a failed statement creating the tracking tables.
pub(crate) fn tracking_create(source: sqlx::Error) -> Error {
    Error::Tracking {
        action: "create",
        source,
    }
}

impl Database {
    /// Connects to `postgres://`, `postgresql://`, `mysql://`, `mariadb://` or `sqlite:` URLs. A SQLite file is
    /// created when missing, with a busy timeout so concurrent migrators wait for each other.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), lockgate_runtime::Error> {
    /// let db = lockgate_runtime::Database::connect("postgres://postgres@127.0.0.1:5432/app").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Database, Error> {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match connect(&scheme, url).await {
            Some(result) => result,
            None => Err(Error::UnsupportedUrl {
                scheme,
                supported: url_forms(),
            }),
        }
    }
}

impl Error {
    /// Whether the error is a lock timeout (PostgreSQL SQLSTATE 55P03, MySQL error 1205, SQLite busy), the only
    /// kind the migrator retries.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockgate_runtime::Error;
    /// assert!(Error::LockTimeout { waited: Duration::from_secs(1) }.is_lock_timeout());
    /// ```
    pub fn is_lock_timeout(&self) -> bool {
        match self {
            Error::LockTimeout { .. } => true,
            Error::StatementFailed { source, .. } | Error::Database(source) => is_lock_timeout(source),
            Error::Compensated { cause, .. } | Error::StepFailed { cause, .. } => cause.is_lock_timeout(),
            Error::UnsupportedUrl { .. }
            | Error::Connect { .. }
            | Error::DuplicateVersion { .. }
            | Error::UnorderedVersions { .. }
            | Error::ChecksumMismatch { .. }
            | Error::Interrupted { .. }
            | Error::LockFailed { .. }
            | Error::Irreversible { .. }
            | Error::AssertionFailed { .. }
            | Error::CompensationFailed { .. }
            | Error::UnknownVersion { .. }
            | Error::UnknownBackup { .. }
            | Error::NothingApplied { .. }
            | Error::Protected { .. }
            | Error::PolicyRefused { .. }
            | Error::Render { .. }
            | Error::PlanChecks { .. }
            | Error::Plan { .. }
            | Error::SqlxMigrationFailed { .. }
            | Error::SchemaMismatch { .. }
            | Error::CorruptTracking { .. }
            | Error::Tracking { .. } => false,
        }
    }
}

/// A driver on a dedicated connection of `db`.
pub(crate) async fn open(db: &Database, queries: &Arc<AtomicU64>) -> Result<Box<dyn Driver>, sqlx::Error> {
    Ok(match db {
        #[cfg(feature = "postgres")]
        Database::Postgres(pool) => Box::new(postgres::PostgresDriver::open(pool, queries).await?),
        #[cfg(feature = "mysql")]
        Database::MySql(pool) => Box::new(mysql::MySqlDriver::open(pool, queries).await?),
        #[cfg(feature = "sqlite")]
        Database::Sqlite(pool) => Box::new(sqlite::SqliteDriver::open(pool, queries).await?),
    })
}

/// The file an embedded database's URL names, when that file does not exist: commands that only read must not
/// create it.
#[cfg(feature = "cli")]
pub(crate) fn missing_database_file(url: &str) -> Option<std::path::PathBuf> {
    #[cfg(feature = "sqlite")]
    {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        if sqlite::SCHEMES.contains(&scheme.as_str()) {
            return sqlite::missing_file(url);
        }
    }
    let _ = url;
    None
}

/// Connects to a URL of a compiled-in backend; `None` when no compiled-in backend takes its scheme.
pub(crate) async fn connect(scheme: &str, url: &str) -> Option<Result<Database, Error>> {
    #[cfg(feature = "postgres")]
    if postgres::SCHEMES.contains(&scheme) {
        return Some(postgres::connect(url).await);
    }
    #[cfg(feature = "mysql")]
    if mysql::SCHEMES.contains(&scheme) {
        return Some(mysql::connect(url).await);
    }
    #[cfg(feature = "sqlite")]
    if sqlite::SCHEMES.contains(&scheme) {
        return Some(sqlite::connect(url).await);
    }
    let _ = (scheme, url);
    None
}

/// One direct connection attempt to the server of a URL (opened and closed), for backends with a server; `None`
/// for embedded ones and unknown schemes.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) fn probe<'a>(scheme: &str, url: &'a str) -> Option<(Backend, BoxFuture<'a, Result<(), sqlx::Error>>)> {
    #[cfg(feature = "postgres")]
    if postgres::SCHEMES.contains(&scheme) {
        return Some((Backend::Postgres, Box::pin(postgres::probe(url))));
    }
    #[cfg(feature = "mysql")]
    if mysql::SCHEMES.contains(&scheme) {
        return Some((Backend::MySql, Box::pin(mysql::probe(url))));
    }
    let _ = (scheme, url);
    None
}

/// `url` with its database (the path) replaced by `name`, query kept.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
fn with_database(url: &str, name: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let after = &url[scheme_end + 3..];
    let authority_end = after.find(['/', '?']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(authority_end);
    let query = rest.find('?').map_or("", |q| &rest[q..]);
    format!("{}{authority}/{name}{query}", &url[..scheme_end + 3])
}

/// A throwaway database beside the one at `url` (on its server, or a temporary SQLite file), for `verify` and
/// `drift`; [`Scratch::remove`] drops it.
#[derive(Debug)]
pub(crate) struct Scratch {
    /// The backend.
    pub(crate) backend: Backend,
    /// Where it is.
    pub(crate) url: String,
    name: String,
    server_url: String,
}

impl Scratch {
    /// Creates `lockgate_scratch_<pid>_<n>`.
    pub(crate) async fn create(url: &str) -> Result<Scratch, Error> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("lockgate_scratch_{}_{n}", std::process::id());
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        let connect_error = |backend, source| Error::Connect { backend, source };
        #[cfg(feature = "postgres")]
        if postgres::SCHEMES.contains(&scheme.as_str()) {
            let scratch_url = postgres::create_database(url, &name)
                .await
                .map_err(|e| connect_error(Backend::Postgres, e))?;
            return Ok(Scratch {
                backend: Backend::Postgres,
                url: scratch_url,
                name,
                server_url: url.to_owned(),
            });
        }
        #[cfg(feature = "mysql")]
        if mysql::SCHEMES.contains(&scheme.as_str()) {
            let scratch_url = mysql::create_database(url, &name)
                .await
                .map_err(|e| connect_error(Backend::MySql, e))?;
            return Ok(Scratch {
                backend: Backend::MySql,
                url: scratch_url,
                name,
                server_url: url.to_owned(),
            });
        }
        #[cfg(feature = "sqlite")]
        if sqlite::SCHEMES.contains(&scheme.as_str()) {
            return Ok(Scratch {
                backend: Backend::Sqlite,
                url: sqlite::create_database(&name),
                name,
                server_url: url.to_owned(),
            });
        }
        let _ = connect_error;
        Err(Error::UnsupportedUrl {
            scheme,
            supported: url_forms(),
        })
    }

    /// Drops the scratch database; a failure is logged, not returned (its name is never used again).
    pub(crate) async fn remove(self) {
        let result: Result<(), sqlx::Error> = match self.backend {
            #[cfg(feature = "postgres")]
            Backend::Postgres => postgres::drop_database(&self.server_url, &self.name).await,
            #[cfg(feature = "mysql")]
            Backend::MySql => mysql::drop_database(&self.server_url, &self.name).await,
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => {
                sqlite::drop_database(&self.name);
                Ok(())
            }
            // A backend left out of this build never made a scratch database.
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!(database = %self.name, error = %e, "dropping the scratch database failed");
        }
    }
}

/// How the URLs of the compiled-in backends start, for messages.
pub(crate) fn url_forms() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    #[cfg(feature = "postgres")]
    all.extend(postgres::URL_FORMS);
    #[cfg(feature = "mysql")]
    all.extend(mysql::URL_FORMS);
    #[cfg(feature = "sqlite")]
    all.extend(sqlite::URL_FORMS);
    all
}

/// The error kinds the migrator acts on, as each backend reports them.
fn database_error(error: &sqlx::Error) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    error.as_database_error()
}

/// Whether a driver error is a lock timeout (PostgreSQL SQLSTATE 55P03, MySQL error 1205, SQLite busy), the only
/// kind the migrator retries.
pub(crate) fn is_lock_timeout(error: &sqlx::Error) -> bool {
    let Some(db) = database_error(error) else {
        return false;
    };
    #[cfg(feature = "postgres")]
    if postgres::is_lock_timeout(db) {
        return true;
    }
    #[cfg(feature = "mysql")]
    if mysql::is_lock_timeout(db) {
        return true;
    }
    #[cfg(feature = "sqlite")]
    if sqlite::is_lock_timeout(db) {
        return true;
    }
    let _ = db;
    false
}

/// Whether a driver error says a table (or its schema) does not exist.
pub(crate) fn is_missing_table(error: &sqlx::Error) -> bool {
    let Some(db) = database_error(error) else {
        return false;
    };
    #[cfg(feature = "postgres")]
    if postgres::is_missing_table(db) {
        return true;
    }
    #[cfg(feature = "mysql")]
    if mysql::is_missing_table(db) {
        return true;
    }
    #[cfg(feature = "sqlite")]
    if sqlite::is_missing_table(db) {
        return true;
    }
    let _ = db;
    false
}

/// The wait for the migration lock: its deadline, and a report about once a second while it lasts.
pub(crate) struct LockWait<'a> {
    started: Instant,
    deadline: Duration,
    last_report: Duration,
    waiting: &'a (dyn Fn(Duration) + Sync),
}

impl<'a> LockWait<'a> {
    pub(crate) fn new(deadline: Duration, waiting: &'a (dyn Fn(Duration) + Sync)) -> LockWait<'a> {
        LockWait {
            started: Instant::now(),
            deadline,
            last_report: Duration::ZERO,
            waiting,
        }
    }

    /// How long the wait may still last.
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.started.elapsed())
    }

    /// After a try that did not get the lock: fails once the deadline has passed, reports the wait otherwise.
    pub(crate) fn missed(&mut self) -> Result<(), Error> {
        let waited = self.started.elapsed();
        if waited >= self.deadline {
            return Err(Error::LockTimeout { waited });
        }
        if waited - self.last_report >= Duration::from_secs(1) || self.last_report.is_zero() {
            self.last_report = waited.max(Duration::from_millis(1));
            tracing::info!(?waited, deadline = ?self.deadline, "waiting for the migration lock");
            (self.waiting)(waited);
        }
        Ok(())
    }

    /// Logs the end of the wait.
    pub(crate) fn acquired(&self) {
        tracing::debug!(waited = ?self.started.elapsed(), "migration lock acquired");
    }
}
