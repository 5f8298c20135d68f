//! The migrator's error type: one readable message per failure, with the SQL and the source chain kept.

use std::time::Duration;

use lockgate_dsl::Backend;
use lockgate_dsl::render::RenderError;

use crate::report::Direction;

/// Everything that can go wrong while migrating.
///
/// Each message says what failed, which migration and statement, and what to do; the failing SQL is
/// available through [`Error::statement`] and the driver error through [`std::error::Error::source`].
///
/// ```
/// use lockgate_runtime::Error;
/// let e = Error::UnknownVersion { version: 42 };
/// assert_eq!(e.to_string(), "no migration with version 42 is known to this binary");
/// assert_eq!(e.statement(), None);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL names no backend lockgate supports.
    #[error("unsupported database url `{scheme}`: {}", expected_urls(supported))]
    UnsupportedUrl {
        /// The scheme part of the URL (never the credentials).
        scheme: String,
        /// How the URLs of the backends compiled into this build start.
        supported: Vec<&'static str>,
    },
    /// Connecting failed.
    #[error("cannot connect to the {backend} database: {}", Cause(source))]
    Connect {
        /// The backend.
        backend: Backend,
        /// The driver error.
        source: sqlx::Error,
    },
    /// Two migrations share a version.
    #[error("migrations `{first}` and `{second}` both have version {version}; give each migration its own version")]
    DuplicateVersion {
        /// The shared version.
        version: i64,
        /// The first migration's name.
        first: String,
        /// The second migration's name.
        second: String,
    },
    /// The migrations are not listed in ascending version order.
    #[error("migration {next} is listed after migration {previous}; list migrations in ascending version order")]
    UnorderedVersions {
        /// The version listed first.
        previous: i64,
        /// The smaller version listed after it.
        next: i64,
    },
    /// An applied migration was edited after it ran.
    #[error(
        "migration {migration} was changed after it was applied (stored checksum {stored}, current {current}); \
         restore its original plan and put the change in a new migration"
    )]
    ChecksumMismatch {
        /// Which migration.
        migration: MigrationId,
        /// The checksum recorded when it was applied.
        stored: String,
        /// The checksum of the migration in this binary.
        current: String,
    },
    /// The migration lock was not obtained before the wait deadline (on SQLite, the database's write lock).
    ///
    /// ```
    /// use std::time::Duration;
    /// let e = lockgate_runtime::Error::LockTimeout { waited: Duration::from_micros(10_001_738) };
    /// assert!(e.to_string().starts_with("another migrator held the migration lock for 10.0 s"));
    /// ```
    #[error(
        "another migrator held the migration lock for {:.1} s (on SQLite: another process was writing to the \
         database); wait for it to finish, or raise the wait deadline",
        waited.as_secs_f64()
    )]
    LockTimeout {
        /// How long we waited.
        waited: Duration,
    },
    /// The database refused the migration lock.
    #[error("the database could not grant the migration lock: {reason}")]
    LockFailed {
        /// What the database answered.
        reason: String,
    },
    /// A migration has no way down.
    #[error("migration {migration} cannot be reverted: {reason}")]
    Irreversible {
        /// Which migration.
        migration: MigrationId,
        /// Why.
        reason: String,
    },
    /// A statement of a migration failed; on PostgreSQL and SQLite the migration was rolled back.
    #[error(
        "migration {migration} failed and was rolled back: {}\n  statement: {statement}",
        Cause(source)
    )]
    StatementFailed {
        /// Which migration.
        migration: MigrationId,
        /// The statement that failed.
        statement: String,
        /// The driver error.
        source: sqlx::Error,
    },
    /// A step failed where the migration runs without a transaction (`transaction = false`); the steps before it
    /// stay applied and the next `up` resumes at the failed step.
    #[error(
        "migration {migration} failed going {direction} at step {} of {total}, outside a transaction, and the \
         {done} step(s) before it stay done ({}): {}\n  statement: {statement}",
        done + 1,
        match direction {
            Direction::Up => "fix the cause and run `up` again: it resumes at this step",
            Direction::Down => "fix the cause, then finish reverting by hand or run `up` to go forward again",
        },
        cause.reason()
    )]
    StepFailed {
        /// Which migration.
        migration: MigrationId,
        /// The statement that failed.
        statement: String,
        /// Why it failed.
        #[source]
        cause: Box<Error>,
        /// Steps done before it.
        done: usize,
        /// Steps in all.
        total: usize,
        /// Which way the migration was running.
        direction: Direction,
    },
    /// An assertion step of a migration returned false; the migration was rolled back.
    #[error("migration {migration} stopped at a check and was rolled back: {message}\n  check: {query}")]
    AssertionFailed {
        /// Which migration.
        migration: MigrationId,
        /// The assertion's message.
        message: String,
        /// The query that did not return true.
        query: String,
    },
    /// A step failed where DDL is not transactional (MySQL/MariaDB) and the steps this attempt ran were undone.
    #[error(
        "migration {migration} failed at a step and the {} statement(s) this attempt ran before it were undone, \
         so this attempt left the schema as it found it: {}\n  statement: {statement}",
        undone.len(),
        cause.reason()
    )]
    Compensated {
        /// Which migration.
        migration: MigrationId,
        /// The statement that failed.
        statement: String,
        /// Why it failed.
        #[source]
        cause: Box<Error>,
        /// The statements run to undo the executed steps, in order.
        undone: Vec<String>,
    },
    /// A step failed on MySQL/MariaDB and undoing the steps already run failed too: the schema is half-migrated.
    #[error(
        "migration {migration} failed and could not be undone; the schema is half-migrated and needs a person: \
         {}\n  statement: {statement}\n  undo failed at: {}: {}\n  still applied: {}",
        cause.reason(),
        undo.failed_statement,
        undo.error,
        undo.still_applied.join("; ")
    )]
    CompensationFailed {
        /// Which migration.
        migration: MigrationId,
        /// The statement that failed.
        statement: String,
        /// Why it failed.
        #[source]
        cause: Box<Error>,
        /// What the undo did and where it stopped.
        undo: Box<FailedUndo>,
    },
    /// A version was named that this binary does not know.
    #[error("no migration with version {version} is known to this binary")]
    UnknownVersion {
        /// The version.
        version: i64,
    },
    /// There is nothing to act on (`redo` with nothing applied).
    #[error("no migration is applied; there is nothing to {action}")]
    NothingApplied {
        /// What was asked.
        action: &'static str,
    },
    /// The environment's policy refuses pending migrations; nothing ran.
    #[error(
        "the {policy} policy of environment `{environment}` refuses {} operation(s) of the pending migrations; \
         nothing ran",
        refused.len()
    )]
    PolicyRefused {
        /// The environment.
        environment: String,
        /// Its policy.
        policy: crate::Policy,
        /// Every operation refused.
        refused: Vec<crate::Refusal>,
    },
    /// `fresh` or `reset` on a database marked protected (`protect`).
    #[error("the database is protected ({reason}, marked {marked_at} by {marked_by}); `{action}` would destroy it")]
    Protected {
        /// What was asked.
        action: &'static str,
        /// Why it was protected.
        reason: String,
        /// When, as the server wrote it.
        marked_at: String,
        /// Who marked it.
        marked_by: String,
    },
    /// `purge` of a backup that is not there.
    #[error("there is no backup `{name}`; {}", if backups.is_empty() { "this database holds none".to_owned() } else { format!("the backups are: {}", backups.join(", ")) })]
    UnknownBackup {
        /// The name given.
        name: String,
        /// The backups there are.
        backups: Vec<String>,
    },
    /// An operation of a migration cannot be rendered for this backend.
    #[error("migration {migration} cannot run on this database: {source}")]
    Render {
        /// Which migration.
        migration: MigrationId,
        /// The rendering error.
        source: RenderError,
    },
    /// A pending migration breaks a plan-time rule on the connected backend without allowing its category (or
    /// cannot be reversed or rendered): refused before anything ran, as its generated test would have failed.
    #[error(
        "migration {migration} fails {} plan check(s) on {backend}, so nothing ran: {}",
        problems.len(),
        problems.first().map(ToString::to_string).unwrap_or_default()
    )]
    PlanChecks {
        /// Which migration.
        migration: MigrationId,
        /// The backend it was checked for: the connected one.
        backend: lockgate_dsl::Backend,
        /// Every problem found.
        problems: Vec<lockgate_dsl::check::PlanProblem>,
    },
    /// The migrations cannot run the way they were asked to.
    #[error("{} cannot run as asked: {reason}", match migration {
        Some(migration) => format!("migration {migration}"),
        None => "the migrations".to_owned(),
    })]
    Plan {
        /// The migration it is about, when it is one migration's.
        migration: Option<MigrationId>,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A run died during a step that commits by itself, and neither the catalog nor the tracking table can tell
    /// whether it took effect: the migrator stops rather than guess.
    #[error(
        "migration {migration} was interrupted during step {step} of {total}, which commits by itself, and the \
         catalog cannot tell whether it took effect; check by hand whether it did\n  statement: {statement}"
    )]
    Interrupted {
        /// Which migration.
        migration: MigrationId,
        /// The step, counted from 1.
        step: usize,
        /// Steps in all.
        total: usize,
        /// Its statement.
        statement: String,
    },
    /// `baseline --verify` found the schema unlike what the migrations up to the version produce.
    #[error(
        "the schema is not what the migrations up to {version} produce ({} difference(s), the first: {}); \
         baseline a version the schema matches, or bring the schema there first",
        differences.len(),
        differences.first().map(ToString::to_string).unwrap_or_default()
    )]
    SchemaMismatch {
        /// The version asked for.
        version: i64,
        /// Every difference, expected being what the migrations produce and found what the database has.
        differences: Vec<crate::schema::Difference>,
    },
    /// sqlx recorded a failed migration, so its history cannot be adopted.
    #[error(
        "sqlx recorded migration {version} `{description}` as failed; fix it with sqlx first, then adopt the history"
    )]
    SqlxMigrationFailed {
        /// The version.
        version: i64,
        /// sqlx's description.
        description: String,
    },
    /// The tracking table holds something this binary cannot read.
    #[error("the tracking row of migration {version} cannot be read: {reason}")]
    CorruptTracking {
        /// The version.
        version: i64,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing the tracking tables failed.
    #[error("cannot {action} the migration tracking table: {}", Cause(source))]
    Tracking {
        /// What was being done.
        action: &'static str,
        /// The driver error.
        source: sqlx::Error,
    },
    /// Any other database error.
    #[error("{}", Cause(.0))]
    Database(#[from] sqlx::Error),
}

/// Which migration an error is about: its version and name.
///
/// ```
/// use lockgate_runtime::MigrationId;
/// let id = MigrationId { version: 3, name: "seed accounts".into() };
/// assert_eq!(id.to_string(), "3 `seed accounts`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationId {
    /// The version.
    pub version: i64,
    /// The migration name.
    pub name: String,
}

impl std::fmt::Display for MigrationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.version, self.name)
    }
}

/// Why undoing a step of a failed migration failed (see [`FailedUndo`]).
///
/// ```
/// use lockgate_runtime::UndoError;
/// let e = UndoError::NoInverse { reason: "raw SQL without its reverse".into() };
/// assert_eq!(e.to_string(), "it has no inverse: raw SQL without its reverse");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UndoError {
    /// The database refused the undo statement.
    #[error(transparent)]
    Database(sqlx::Error),
    /// The operation has no inverse.
    #[error("it has no inverse: {reason}")]
    NoInverse {
        /// Why.
        reason: String,
    },
    /// The inverse cannot be rendered for this backend.
    #[error("its inverse cannot be rendered: {0}")]
    Render(RenderError),
    /// The failed operation had run some of its statements (raw SQL of several statements); its inverse undoes it
    /// whole, so they stay applied.
    #[error("{statements} of its statements ran before the failure, and its inverse undoes it whole, not in part")]
    PartlyRun {
        /// How many of its statements ran.
        statements: usize,
    },
    /// Running the undo step failed otherwise (a SQLite rebuild, a check).
    #[error(transparent)]
    Step(Box<Error>),
}

/// The URL forms of the compiled-in backends, for [`Error::UnsupportedUrl`].
/// A driver error as the user should read it: the database's own message and code. sqlx's text of a PostgreSQL
/// error ends in `at line N`, the line of PostgreSQL's C source that raised it, which reads like a line of the
/// migration's SQL.
pub(crate) struct Cause<'a>(pub(crate) &'a sqlx::Error);

impl std::fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            sqlx::Error::Database(db) => {
                write!(f, "error returned from database: {}", db.message())?;
                if let Some(code) = db.code() {
                    write!(f, " (code {code})")?;
                }
                Ok(())
            }
            other => write!(f, "{other}"),
        }
    }
}

fn expected_urls(forms: &[&str]) -> String {
    match forms.split_last() {
        None => "this build has no backend; enable the `postgres`, `mysql` or `sqlite` feature".to_owned(),
        Some((last, [])) => format!("expected {last}"),
        Some((last, rest)) => format!("expected {} or {last}", rest.join(", ")),
    }
}

/// Where undoing a failed MySQL migration stopped (see [`Error::CompensationFailed`]).
///
/// ```
/// use lockgate_runtime::FailedUndo;
/// use lockgate_runtime::UndoError;
/// let undo = FailedUndo { undone: vec![], failed_statement: "DROP TABLE `t`".into(),
///     error: UndoError::Database(sqlx::Error::PoolClosed), still_applied: vec!["CREATE TABLE `t` (`id` bigint)".into()] };
/// assert_eq!(undo.still_applied.len(), 1);
/// ```
#[derive(Debug)]
pub struct FailedUndo {
    /// The undo statements that ran, in order.
    pub undone: Vec<String>,
    /// The undo statement that failed (or the operation that has no inverse).
    pub failed_statement: String,
    /// Why it failed.
    pub error: UndoError,
    /// The forward statements whose effect remains.
    pub still_applied: Vec<String>,
}

impl Error {
    /// The SQL statement that failed, when a statement failed.
    ///
    /// ```
    /// use lockgate_runtime::{Error, MigrationId};
    /// let e = Error::AssertionFailed { migration: MigrationId { version: 3, name: "n".into() },
    ///     message: "orphans".into(), query: "SELECT count(*) = 0 FROM t".into() };
    /// assert_eq!(e.statement(), Some("SELECT count(*) = 0 FROM t"));
    /// ```
    pub fn statement(&self) -> Option<&str> {
        match self {
            Error::StatementFailed { statement, .. }
            | Error::Compensated { statement, .. }
            | Error::StepFailed { statement, .. }
            | Error::CompensationFailed { statement, .. }
            | Error::Interrupted { statement, .. } => Some(statement),
            Error::AssertionFailed { query, .. } => Some(query),
            Error::UnsupportedUrl { .. }
            | Error::Connect { .. }
            | Error::DuplicateVersion { .. }
            | Error::UnorderedVersions { .. }
            | Error::ChecksumMismatch { .. }
            | Error::LockTimeout { .. }
            | Error::LockFailed { .. }
            | Error::Irreversible { .. }
            | Error::UnknownVersion { .. }
            | Error::NothingApplied { .. }
            | Error::Protected { .. }
            | Error::UnknownBackup { .. }
            | Error::PolicyRefused { .. }
            | Error::Render { .. }
            | Error::PlanChecks { .. }
            | Error::Plan { .. }
            | Error::SqlxMigrationFailed { .. }
            | Error::SchemaMismatch { .. }
            | Error::CorruptTracking { .. }
            | Error::Tracking { .. }
            | Error::Database(_) => None,
        }
    }

    /// The migration the error is about, when it is about one this binary names.
    ///
    /// ```
    /// use lockgate_runtime::{Error, MigrationId};
    /// let id = MigrationId { version: 4, name: "add nickname".into() };
    /// let e = Error::Irreversible { migration: id.clone(), reason: "no way down".into() };
    /// assert_eq!(e.migration(), Some(&id));
    /// ```
    pub fn migration(&self) -> Option<&MigrationId> {
        match self {
            Error::ChecksumMismatch { migration, .. }
            | Error::Interrupted { migration, .. }
            | Error::Irreversible { migration, .. }
            | Error::StatementFailed { migration, .. }
            | Error::StepFailed { migration, .. }
            | Error::AssertionFailed { migration, .. }
            | Error::Compensated { migration, .. }
            | Error::CompensationFailed { migration, .. }
            | Error::PlanChecks { migration, .. }
            | Error::Render { migration, .. } => Some(migration),
            Error::Plan { migration, .. } => migration.as_ref(),
            Error::UnsupportedUrl { .. }
            | Error::Connect { .. }
            | Error::DuplicateVersion { .. }
            | Error::UnorderedVersions { .. }
            | Error::LockTimeout { .. }
            | Error::LockFailed { .. }
            | Error::UnknownVersion { .. }
            | Error::NothingApplied { .. }
            | Error::Protected { .. }
            | Error::UnknownBackup { .. }
            | Error::PolicyRefused { .. }
            | Error::SqlxMigrationFailed { .. }
            | Error::SchemaMismatch { .. }
            | Error::CorruptTracking { .. }
            | Error::Tracking { .. }
            | Error::Database(_) => None,
        }
    }

    /// The version of the migration the error is about, when it is about one.
    ///
    /// ```
    /// use lockgate_runtime::Error;
    /// assert_eq!(Error::UnknownVersion { version: 9 }.version(), Some(9));
    /// ```
    pub fn version(&self) -> Option<i64> {
        if let Some(migration) = self.migration() {
            return Some(migration.version);
        }
        match self {
            Error::DuplicateVersion { version, .. }
            | Error::UnknownVersion { version }
            | Error::SqlxMigrationFailed { version, .. }
            | Error::SchemaMismatch { version, .. }
            | Error::CorruptTracking { version, .. } => Some(*version),
            Error::UnorderedVersions { next, .. } => Some(*next),
            Error::UnsupportedUrl { .. }
            | Error::Connect { .. }
            | Error::ChecksumMismatch { .. }
            | Error::Interrupted { .. }
            | Error::LockTimeout { .. }
            | Error::LockFailed { .. }
            | Error::Irreversible { .. }
            | Error::StatementFailed { .. }
            | Error::StepFailed { .. }
            | Error::AssertionFailed { .. }
            | Error::Compensated { .. }
            | Error::CompensationFailed { .. }
            | Error::NothingApplied { .. }
            | Error::Protected { .. }
            | Error::UnknownBackup { .. }
            | Error::PolicyRefused { .. }
            | Error::Render { .. }
            | Error::PlanChecks { .. }
            | Error::Plan { .. }
            | Error::Tracking { .. }
            | Error::Database(_) => None,
        }
    }

    /// What the one-line message leaves out, a line each: what an undo did and where it stopped.
    ///
    /// ```
    /// use lockgate_runtime::{Error, FailedUndo, MigrationId, UndoError};
    /// let e = Error::CompensationFailed {
    ///     migration: MigrationId { version: 2, name: "n".into() },
    ///     statement: "ALTER TABLE t ADD c int".into(),
    ///     cause: Box::new(Error::UnknownVersion { version: 2 }),
    ///     undo: Box::new(FailedUndo { undone: vec![], failed_statement: "DROP TABLE t".into(),
    ///         error: UndoError::NoInverse { reason: "none".into() }, still_applied: vec!["CREATE TABLE t".into()] }),
    /// };
    /// assert_eq!(e.details(), ["undo failed at: DROP TABLE t: it has no inverse: none", "still applied: CREATE TABLE t"]);
    /// ```
    pub fn details(&self) -> Vec<String> {
        match self {
            Error::SchemaMismatch { differences, .. } => differences.iter().map(ToString::to_string).collect(),
            Error::PlanChecks { problems, .. } => problems.iter().map(ToString::to_string).collect(),
            Error::PolicyRefused { refused, .. } => refused.iter().map(ToString::to_string).collect(),
            Error::CompensationFailed { undo, .. } => vec![
                format!("undo failed at: {}: {}", undo.failed_statement, undo.error),
                format!("still applied: {}", undo.still_applied.join("; ")),
            ],
            Error::Compensated { undone, .. } if !undone.is_empty() => {
                vec![format!("undone: {}", undone.join("; "))]
            }
            Error::Compensated { .. }
            | Error::UnsupportedUrl { .. }
            | Error::Connect { .. }
            | Error::DuplicateVersion { .. }
            | Error::UnorderedVersions { .. }
            | Error::ChecksumMismatch { .. }
            | Error::Interrupted { .. }
            | Error::LockTimeout { .. }
            | Error::LockFailed { .. }
            | Error::Irreversible { .. }
            | Error::StatementFailed { .. }
            | Error::StepFailed { .. }
            | Error::AssertionFailed { .. }
            | Error::UnknownVersion { .. }
            | Error::NothingApplied { .. }
            | Error::Protected { .. }
            | Error::UnknownBackup { .. }
            | Error::Render { .. }
            | Error::Plan { .. }
            | Error::SqlxMigrationFailed { .. }
            | Error::CorruptTracking { .. }
            | Error::Tracking { .. }
            | Error::Database(_) => Vec::new(),
        }
    }

    /// The message's first line: what failed and why, without the statement and the [details](Error::details).
    ///
    /// ```
    /// use lockgate_runtime::Error;
    /// assert_eq!(Error::UnknownVersion { version: 9 }.headline(), "no migration with version 9 is known to this binary");
    /// ```
    pub fn headline(&self) -> String {
        let message = self.to_string();
        match message.split_once('\n') {
            Some((first, _)) => first.to_owned(),
            None => message,
        }
    }

    /// The bare reason of a step's failure, for messages that wrap it: the driver's message or the check's.
    fn reason(&self) -> String {
        match self {
            Error::StatementFailed { source, .. } => Cause(source).to_string(),
            Error::AssertionFailed { message, .. } => format!("check failed: {message}"),
            other => other.to_string(),
        }
    }
}
