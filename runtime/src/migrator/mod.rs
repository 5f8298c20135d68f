//! The migrator: a list of migrations and the settings to apply, revert and inspect them.

mod adopt;
mod backups;
mod fresh;
mod history;
mod inspect;
mod policy;
mod run;
mod work;

pub use backups::Backup;
pub use fresh::Protection;
pub use history::History;
pub use policy::{ENVIRONMENT_VAR, Policy, Refusal};

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lockgate_dsl::Migration;

use crate::database::Database;
use crate::error::Error;
use crate::report::{Direction, DownTarget, Event, MigrationStatus, PlannedMigration, Report};
use crate::session::Settings;

/// The default name of the tracking table; the history table adds `_history`.
pub const DEFAULT_TABLE: &str = "lockgate_migrations";

/// Applies, reverts and inspects a fixed list of migrations on a [`Database`].
///
/// ```no_run
/// # async fn run(migrations: Vec<Box<dyn lockgate_dsl::Migration>>) -> Result<(), lockgate_runtime::Error> {
/// use std::time::Duration;
/// use lockgate_runtime::{Database, Migrator};
/// let db = Database::connect("postgres://postgres@127.0.0.1:5432/app").await?;
/// let migrator = Migrator::new(migrations)?.with_lock_timeout(Duration::from_secs(2));
/// let report = migrator.up(&db, None).await?;
/// println!("{} migration(s) applied", report.applied.len());
/// # Ok(()) }
/// ```
pub struct Migrator {
    pub(crate) migrations: Vec<Box<dyn Migration>>,
    pub(crate) settings: Settings,
    /// Every migration's checksum, in list order, computed once.
    checksums: OnceLock<Vec<String>>,
    /// The digest of the whole list, computed once.
    digest: OnceLock<String>,
}

impl fmt::Debug for Migrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<i64> = self.migrations.iter().map(|m| m.meta().version).collect();
        f.debug_struct("Migrator")
            .field("versions", &versions)
            .field("table", &self.settings.table)
            .field("schema", &self.settings.schema)
            .field("lock_timeout", &self.settings.lock_timeout)
            .field("lock_retries", &self.settings.lock_retries)
            .field("wait_deadline", &self.settings.wait_deadline)
            .field("grouped", &self.settings.grouped)
            .field("plan_checks", &self.settings.plan_checks)
            .field("session", &self.settings.session)
            .field("environment", &self.settings.environment)
            .field("policies", &self.settings.policies)
            .finish_non_exhaustive()
    }
}

impl Migrator {
    /// A migrator over `migrations`, whose versions must be unique and ascending.
    ///
    /// ```
    /// let migrator = lockgate_runtime::Migrator::new(Vec::new()).unwrap();
    /// assert!(migrator.migrations().is_empty());
    /// ```
    pub fn new(migrations: Vec<Box<dyn Migration>>) -> Result<Migrator, Error> {
        for pair in migrations.windows(2) {
            let (a, b) = (pair[0].meta(), pair[1].meta());
            if a.version == b.version {
                return Err(Error::DuplicateVersion {
                    version: a.version,
                    first: a.name.to_owned(),
                    second: b.name.to_owned(),
                });
            }
            if a.version > b.version {
                return Err(Error::UnorderedVersions {
                    previous: a.version,
                    next: b.version,
                });
            }
        }
        Ok(Migrator {
            checksums: OnceLock::new(),
            digest: OnceLock::new(),
            migrations,
            settings: Settings {
                table: DEFAULT_TABLE.to_owned(),
                schema: None,
                lock_timeout: Duration::from_secs(5),
                lock_retries: 3,
                wait_deadline: Duration::from_secs(60),
                grouped: false,
                plan_checks: true,
                interrupted_step: None,
                observer: None,
                session: Vec::new(),
                environment: None,
                policies: vec![("production".to_owned(), Policy::Guarded)],
                queries: Arc::new(AtomicU64::new(0)),
            },
        })
    }

    /// A migrator for several lists at once (typed migrations and `embed_migrations!` folders), ordered by
    /// version; a version in two lists is refused as in [`Migrator::new`].
    ///
    /// ```
    /// use lockgate_runtime::Migrator;
    /// let migrator = Migrator::from_lists([Vec::new(), Vec::new()]).unwrap();
    /// assert!(format!("{migrator:?}").contains("[]"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateVersion`] when two migrations share a version.
    pub fn from_lists(lists: impl IntoIterator<Item = Vec<Box<dyn Migration>>>) -> Result<Migrator, Error> {
        let mut migrations: Vec<Box<dyn Migration>> = lists.into_iter().flatten().collect();
        migrations.sort_by_key(|m| m.meta().version);
        Migrator::new(migrations)
    }

    /// Names the tracking table (default `lockgate_migrations`); the history table is `<name>_history`.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_table("schema_versions");
    /// assert!(format!("{m:?}").contains("schema_versions"));
    /// ```
    pub fn with_table(mut self, name: &str) -> Self {
        name.clone_into(&mut self.settings.table);
        self
    }

    /// Puts the tracking tables in this PostgreSQL schema or MySQL database (created when missing).
    /// SQLite ignores it.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_schema("ops");
    /// assert!(format!("{m:?}").contains("ops"));
    /// ```
    pub fn with_schema(mut self, schema: &str) -> Self {
        self.settings.schema = Some(schema.to_owned());
        self
    }

    /// How long one statement may wait for a table lock (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout`,
    /// rounded up to whole seconds); default 5 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_lock_timeout(Duration::from_secs(1));
    /// assert!(format!("{m:?}").contains("lock_timeout: 1s"));
    /// ```
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.settings.lock_timeout = timeout;
        self
    }

    /// How many times a migration that hit a lock timeout is retried, with exponential backoff; default 3.
    /// Other errors are never retried.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_lock_retries(0);
    /// assert!(format!("{m:?}").contains("lock_retries: 0"));
    /// ```
    pub fn with_lock_retries(mut self, retries: u32) -> Self {
        self.settings.lock_retries = retries;
        self
    }

    /// How long to wait for another migrator to release the migration lock; default 60 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_wait_deadline(Duration::from_secs(5));
    /// assert!(format!("{m:?}").contains("wait_deadline: 5s"));
    /// ```
    pub fn with_wait_deadline(mut self, deadline: Duration) -> Self {
        self.settings.wait_deadline = deadline;
        self
    }

    /// Runs all pending migrations in one transaction (PostgreSQL, SQLite); MySQL refuses, as its DDL commits.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().grouped(true);
    /// assert!(format!("{m:?}").contains("grouped: true"));
    /// ```
    pub fn grouped(mut self, grouped: bool) -> Self {
        self.settings.grouped = grouped;
        self
    }

    /// Adds a session setting every migration of a run gets (before its own `foreign_keys = false` or
    /// `session(...)`), for the backend it names; the migrator puts it back after each migration. A setting the
    /// backend cannot apply (foreign keys off on PostgreSQL) is refused before anything runs.
    ///
    /// ```
    /// use lockgate_runtime::Migrator;
    /// use lockgate_dsl::{Backend, session::SessionSetting};
    /// let m = Migrator::new(Vec::new()).unwrap()
    ///     .session(SessionSetting::ForeignKeysOff)
    ///     .session(SessionSetting::set(Backend::MySql, "sql_mode", "'ANSI_QUOTES'"));
    /// assert!(format!("{m:?}").contains("ForeignKeysOff"));
    /// ```
    pub fn session(mut self, setting: lockgate_dsl::session::SessionSetting) -> Self {
        self.settings.session.push(setting);
        self
    }

    /// Names the environment the migrator runs in (`production`, `staging`, ...); without it, `LOCKGATE_ENV`
    /// does. The environment's [`Policy`] is checked before `up` runs anything.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().environment("production");
    /// assert!(format!("{m:?}").contains("production"));
    /// ```
    pub fn environment(mut self, name: &str) -> Self {
        self.settings.environment = Some(name.to_owned());
        self
    }

    /// Sets the policy of an environment (replacing its earlier one). `production` is [`Policy::Guarded`]
    /// unless set otherwise.
    ///
    /// ```
    /// use lockgate_runtime::{Migrator, Policy};
    /// let m = Migrator::new(Vec::new()).unwrap().policy("staging", Policy::AdditiveOnly);
    /// assert_eq!(m.policy_for("staging"), Some(Policy::AdditiveOnly));
    /// assert_eq!(m.policy_for("production"), Some(Policy::Guarded));
    /// ```
    pub fn policy(mut self, environment: &str, policy: Policy) -> Self {
        self.settings.policies.retain(|(env, _)| env != environment);
        self.settings.policies.push((environment.to_owned(), policy));
        self
    }

    /// The policy of an environment, when it has one.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap();
    /// assert_eq!(m.policy_for("development"), None);
    /// ```
    pub fn policy_for(&self, environment: &str) -> Option<Policy> {
        self.settings
            .policies
            .iter()
            .find(|(env, _)| env == environment)
            .map(|(_, policy)| *policy)
    }

    /// Whether `up` runs the plan checks (every plan-time rule, reversibility, rendering) for the connected
    /// backend on each pending migration before anything runs, refusing with [`Error::PlanChecks`] (default:
    /// on). The derive's generated test runs the same checks under `cargo test`; turn this off only for
    /// migrations checked some other way, since a migration the checks refuse may lock, lose data or break
    /// running code.
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_plan_checks(false);
    /// assert!(format!("{m:?}").contains("plan_checks: false"));
    /// ```
    pub fn with_plan_checks(mut self, on: bool) -> Self {
        self.settings.plan_checks = on;
        self
    }

    /// Tells the next run what became of the step a dead run was running, after a person checked: needed only
    /// when `up` stopped with [`Error::Interrupted`] because the catalog cannot tell (raw SQL or a type change
    /// that commits by itself).
    ///
    /// ```
    /// use lockgate_runtime::{Migrator, StepFate};
    /// let m = Migrator::new(Vec::new()).unwrap().with_interrupted_step(StepFate::TookEffect);
    /// ```
    pub fn with_interrupted_step(mut self, fate: crate::report::StepFate) -> Self {
        self.settings.interrupted_step = Some(fate);
        self
    }

    /// Calls `observer` with progress events (started, finished, waiting for the lock, retrying).
    ///
    /// ```
    /// let m = lockgate_runtime::Migrator::new(Vec::new()).unwrap().with_observer(|e| eprintln!("{e:?}"));
    /// ```
    pub fn with_observer(mut self, observer: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.settings.observer = Some(Arc::new(observer));
        self
    }

    /// The migrations, in version order.
    ///
    /// ```
    /// assert_eq!(lockgate_runtime::Migrator::new(Vec::new()).unwrap().migrations().len(), 0);
    /// ```
    pub fn migrations(&self) -> &[Box<dyn Migration>] {
        &self.migrations
    }

    /// How many SQL statements this migrator has sent to databases so far; for start-up cost measurements.
    ///
    /// ```
    /// assert_eq!(lockgate_runtime::Migrator::new(Vec::new()).unwrap().queries_executed(), 0);
    /// ```
    pub fn queries_executed(&self) -> u64 {
        self.settings.queries.load(Ordering::Relaxed)
    }

    /// Applies pending migrations up to and including `to` (all when `None`).
    ///
    /// Reads the tracking table first without any lock, so a start with nothing pending costs one query;
    /// otherwise takes the migration lock, re-reads, and applies each pending migration in its own transaction
    /// where the backend allows.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.up(&db, Some(20250107162000)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn up(&self, db: &Database, to: Option<i64>) -> Result<Report, Error> {
        self.run_up(db, to).await
    }

    /// Reverts applied migrations, newest first. Migrations this binary does not know are reverted from the
    /// down SQL stored when they were applied.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// use lockgate_runtime::DownTarget;
    /// m.down(&db, DownTarget::Steps(1)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn down(&self, db: &Database, target: DownTarget) -> Result<Report, Error> {
        self.run_down(db, target).await
    }

    /// Reverts the last applied migration and applies it again.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.redo(&db).await?;
    /// assert_eq!(report.applied.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn redo(&self, db: &Database) -> Result<Report, Error> {
        self.run_redo(db).await
    }

    /// Drops every table, view, type, sequence, routine and extension of the schema (lockgate's tables too),
    /// then applies every migration: a disposable database started over. Refused with [`Error::Protected`] on a
    /// database marked with [`Migrator::protect`].
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.fresh(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn fresh(&self, db: &Database) -> Result<Report, Error> {
        self.run_fresh(db).await
    }

    /// Reverts every applied migration, newest first (`down` to version 0). Refused with [`Error::Protected`] on
    /// a database marked with [`Migrator::protect`].
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.reset(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn reset(&self, db: &Database) -> Result<Report, Error> {
        self.run_reset(db).await
    }

    /// Marks the database protected, for `reason` (say, "production"): [`Migrator::fresh`] and
    /// [`Migrator::reset`] refuse to run on it until [`Migrator::unprotect`]. The mark is a row in
    /// `<table>_protected`, beside the tracking table.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// m.protect(&db, "production").await?;
    /// assert!(m.protection(&db).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn protect(&self, db: &Database, reason: &str) -> Result<(), Error> {
        self.run_protect(db, reason).await
    }

    /// Lifts the mark of [`Migrator::protect`]; `false` when there was none.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let lifted = m.unprotect(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn unprotect(&self, db: &Database) -> Result<bool, Error> {
        self.run_unprotect(db).await
    }

    /// The protection mark, when the database has one.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// if let Some(p) = m.protection(&db).await? {
    ///     println!("protected: {} (since {})", p.reason, p.marked_at);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn protection(&self, db: &Database) -> Result<Option<Protection>, Error> {
        self.run_protection(db).await
    }

    /// Where every migration stands: known ones in version order, then applied ones this binary does not know.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// for s in m.status(&db).await? {
    ///     println!("{} {} {}", s.version, s.state, s.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn status(&self, db: &Database) -> Result<Vec<MigrationStatus>, Error> {
        self.run_status(db).await
    }

    /// The exact SQL `up` (to `target`) or `down` (to `target`, or one step when `None`) would run on this
    /// database, without running it.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// use lockgate_runtime::Direction;
    /// for p in m.plan(&db, Direction::Up, None).await? {
    ///     println!("-- {} {}\n{}", p.version, p.name, p.statements.join(";\n"));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn plan(
        &self,
        db: &Database,
        direction: Direction,
        target: Option<i64>,
    ) -> Result<Vec<PlannedMigration>, Error> {
        self.run_plan(db, direction, target).await
    }

    /// Marks every migration up to and including `version` as applied without running it, to adopt a database
    /// whose schema already matches.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// m.baseline(&db, 20250107162000).await?;
    /// # Ok(()) }
    /// ```
    pub async fn baseline(&self, db: &Database, version: i64) -> Result<Report, Error> {
        self.run_baseline(db, version).await
    }

    /// Records as applied the migrations that sqlx's `_sqlx_migrations` table lists as applied and this migrator
    /// knows; refuses when sqlx recorded a failed migration.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let adopted = m.adopt_sqlx_history(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn adopt_sqlx_history(&self, db: &Database) -> Result<Report, Error> {
        self.run_adopt_sqlx(db).await
    }

    /// The other tools' histories on this database, with how many migrations each recorded: what [`adopt`]
    /// could read. A tool whose table is absent is left out.
    ///
    /// [`adopt`]: Migrator::adopt
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// for (tool, count) in m.histories(&db).await? {
    ///     println!("{} recorded {count} migrations in `{}`", tool.name(), tool.table());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn histories(&self, db: &Database) -> Result<Vec<(History, i64)>, Error> {
        self.run_histories(db).await
    }

    /// Records as applied the migrations another tool's history table lists and this migrator knows, without
    /// running them: the switch from sqlx, diesel, refinery or sea-orm-migration. A version the tool recorded
    /// that this migrator does not know is skipped with a warning; see [`History`] for how versions map.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let adopted = m.adopt(&db, lockgate_runtime::History::Diesel).await?;
    /// # Ok(()) }
    /// ```
    pub async fn adopt(&self, db: &Database, history: History) -> Result<Report, Error> {
        match history {
            History::Sqlx => self.run_adopt_sqlx(db).await,
            other => self.run_adopt(db, other).await,
        }
    }

    pub(crate) fn emit(&self, event: Event) {
        self.settings.emit(event);
    }

    /// The checksum of the migration at `version`, computed once per migrator.
    pub(crate) fn checksum_of(&self, version: i64) -> Option<&str> {
        let index = self
            .migrations
            .binary_search_by_key(&version, |m| m.meta().version)
            .ok()?;
        Some(&self.checksums()[index])
    }

    fn checksums(&self) -> &[String] {
        self.checksums.get_or_init(|| checksums_of(&self.migrations))
    }

    /// The digest of every migration's version and checksum: what a database that applied exactly this list
    /// records.
    pub(crate) fn list_digest(&self) -> &str {
        self.digest.get_or_init(|| {
            let checksums = self.checksums();
            lockgate_dsl::checksum::list_digest(
                self.migrations
                    .iter()
                    .zip(checksums)
                    .map(|(m, c)| (m.meta().version, c.as_str())),
            )
        })
    }

    pub(crate) fn find(&self, version: i64) -> Option<&dyn Migration> {
        self.migrations
            .binary_search_by_key(&version, |m| m.meta().version)
            .ok()
            .map(|i| &*self.migrations[i])
    }
}

/// Every migration's checksum, in list order. A long list is planned and hashed on every core: a service's first
/// start pays for it once.
fn checksums_of(migrations: &[Box<dyn Migration>]) -> Vec<String> {
    const PER_THREAD: usize = 512;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(migrations.len().div_ceil(PER_THREAD));
    let one = |m: &dyn Migration| lockgate_dsl::checksum::checksum(m);
    if threads <= 1 {
        return migrations.iter().map(|m| one(m.as_ref())).collect();
    }
    let chunk = migrations.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = migrations
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|m| one(m.as_ref())).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}
