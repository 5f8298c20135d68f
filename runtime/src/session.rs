//! A migrator's session on one database: its driver (a dedicated connection), the tracking tables, the lock,
//! and the bookkeeping around running one migration.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::Utc;
use lockgate_dsl::Backend;

use crate::backend::{self, Driver, Scope};
use crate::conn::{Bound, TrackedRow};
use crate::database::Database;
use crate::error::Error;
use crate::report::{Direction, Event};
use crate::tracking::{self, HistoryRow, NewRow, Tracking};
use crate::work::Work;

/// A progress observer.
pub(crate) type Observer = Arc<dyn Fn(&Event) + Send + Sync>;

/// The migrator's settings a session runs with.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) table: String,
    pub(crate) schema: Option<String>,
    pub(crate) lock_timeout: Duration,
    pub(crate) lock_retries: u32,
    pub(crate) wait_deadline: Duration,
    pub(crate) grouped: bool,
    /// Whether `up` checks each pending migration's plans for the connected backend before running anything.
    pub(crate) plan_checks: bool,
    /// What became of an interrupted step the catalog cannot judge, as a person found.
    pub(crate) interrupted_step: Option<crate::report::StepFate>,
    pub(crate) observer: Option<Observer>,
    /// Settings every migration of a run gets on its connection, before its own (`Migrator::session`).
    pub(crate) session: Vec<lockgate_dsl::session::SessionSetting>,
    /// The environment the policy checks run for (else `LOCKGATE_ENV`).
    pub(crate) environment: Option<String>,
    /// Each environment's policy.
    pub(crate) policies: Vec<(String, crate::Policy)>,
    pub(crate) queries: Arc<AtomicU64>,
}

impl Settings {
    /// Tells the observer, when there is one.
    pub(crate) fn emit(&self, event: Event) {
        if let Some(observer) = &self.observer {
            observer(&event);
        }
    }
}

/// The driver and tracking tables of one migrator operation.
pub(crate) struct Session<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) driver: Box<dyn Driver>,
    pub(crate) tracking: Tracking,
    pub(crate) applied_by: String,
    locked: bool,
    /// Whether the lock timeout was set for the session, to restore when the lock is released.
    session_timeout: bool,
    /// The `running` row of the migration that comes next (its version and statement), for the migration
    /// running now to commit with its own finished row: one commit per migration where DDL commits by itself.
    pub(crate) next_running: Option<(i64, String)>,
    /// The version whose `running` row the last finished migration committed.
    pub(crate) running_committed: Option<i64>,
    /// The database, to record an outcome on a fresh connection when this one died.
    db: Database,
}

impl<'a> Session<'a> {
    pub(crate) async fn open(settings: &'a Settings, db: &Database) -> Result<Session<'a>, Error> {
        let driver = backend::open(db, &settings.queries)
            .await
            .map_err(|source| Error::Connect {
                backend: db.backend(),
                source,
            })?;
        let tracking = Tracking::new(driver.dialect(), settings.schema.as_deref(), &settings.table);
        Ok(Session {
            settings,
            driver,
            tracking,
            applied_by: applied_by(),
            locked: false,
            session_timeout: false,
            next_running: None,
            running_committed: None,
            db: db.clone(),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        self.driver.backend()
    }

    /// Every tracking row, or `None` when the tracking table does not exist yet.
    pub(crate) async fn read_rows(&mut self) -> Result<Option<Vec<TrackedRow>>, Error> {
        let statement = self.tracking.select_all();
        self.read_tracked(statement).await
    }

    /// Every tracking row without its down SQL, or `None` when the tracking table does not exist yet.
    pub(crate) async fn read_summary(&mut self) -> Result<Option<Vec<TrackedRow>>, Error> {
        let statement = self.tracking.select_summary();
        self.read_tracked(statement).await
    }

    async fn read_tracked(&mut self, statement: Bound) -> Result<Option<Vec<TrackedRow>>, Error> {
        let (locked, deadline) = (self.locked, self.settings.wait_deadline);
        let read = within_deadline(locked, deadline, self.driver.conn().fetch_tracked(statement)).await;
        match read {
            Ok(rows) => Ok(Some(rows)),
            Err(e) if backend::is_missing_table(&e) => Ok(None),
            Err(source) => Err(self.read_error(source)),
        }
    }

    /// A failed read of the tracking tables: waiting for another process's lock is a lock timeout.
    fn read_error(&mut self, source: sqlx::Error) -> Error {
        let abandoned = matches!(source, sqlx::Error::PoolTimedOut);
        if abandoned {
            // The connection may still be waiting inside the abandoned read: it must not go back to the pool.
            self.driver.conn().close_on_drop();
        }
        if abandoned || backend::is_lock_timeout(&source) {
            Error::LockTimeout {
                waited: self.settings.wait_deadline,
            }
        } else {
            Error::Tracking { action: "read", source }
        }
    }

    /// The key the lock is taken under: derived from the tracking table's qualified name, so migrators with
    /// different tracking tables do not wait for each other.
    fn lock_key(&self) -> String {
        format!("lockgate:{}", self.tracking.qualified_table())
    }

    /// Takes the migration lock, waiting up to the wait deadline.
    pub(crate) async fn lock(&mut self) -> Result<(), Error> {
        let settings = self.settings;
        let key = self.lock_key();
        let waiting = |waited: Duration| {
            settings.emit(Event::Waiting {
                waited,
                deadline: settings.wait_deadline,
            });
        };
        self.driver.lock(&key, settings.wait_deadline, &waiting).await?;
        self.locked = true;
        // The applied set may change from now on: forget its digest first, so that a run dying half-way can
        // never leave a digest that claims more (or less) than is applied. (In a transaction: on SQLite, where
        // the write lock is the migration lock, waiting for it is the wait deadline's business.)
        if let Err(e) = self.begin().await {
            self.locked = false;
            return Err(e);
        }
        match self.driver.conn().execute_bound(self.tracking.clear_state()).await {
            Ok(_) => self.commit().await.map_err(Error::Database)?,
            Err(source) if backend::is_missing_table(&source) => self.rollback().await,
            Err(source) => {
                self.rollback().await;
                self.unlock().await;
                return Err(Error::Tracking {
                    action: "write",
                    source,
                });
            }
        }
        Ok(())
    }

    /// The digest of the applied set the database recorded, if any.
    pub(crate) async fn read_state(&mut self) -> Result<Option<String>, Error> {
        let (locked, deadline) = (self.locked, self.settings.wait_deadline);
        let read = within_deadline(
            locked,
            deadline,
            self.driver.conn().fetch_text(self.tracking.select_state()),
        )
        .await;
        match read {
            Ok(rows) => Ok(rows.into_iter().next().and_then(|row| row.into_iter().next().flatten())),
            Err(e) if backend::is_missing_table(&e) => Ok(None),
            Err(source) => Err(self.read_error(source)),
        }
    }

    /// Records the digest of the applied (or skipped) rows, read in the same transaction; a failure only costs
    /// the next start its shortcut.
    async fn write_state(&mut self) {
        let result = async {
            for sql in self.tracking.create_state() {
                self.driver.conn().execute(&sql).await.map_err(Error::Database)?;
            }
            self.begin().await?;
            let written = async {
                let rows = self.read_rows().await?.unwrap_or_default();
                let digest = lockgate_dsl::checksum::list_digest(
                    rows.iter()
                        .filter(|r| r.status == tracking::APPLIED || r.status == tracking::SKIPPED)
                        .map(|r| (r.version, r.checksum.as_str())),
                );
                self.driver
                    .conn()
                    .execute_bound(self.tracking.upsert_state(&digest))
                    .await
                    .map_err(Error::Database)
            }
            .await;
            match written {
                Ok(_) => self.commit().await.map_err(Error::Database),
                Err(e) => {
                    self.rollback().await;
                    Err(e)
                }
            }
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "recording the digest of the applied migrations failed");
        }
    }

    /// Releases the migration lock, logging (not failing) when that fails: closing the connection releases it.
    pub(crate) async fn unlock(&mut self) {
        self.reset_lock_timeout().await;
        if self.locked {
            self.write_state().await;
            self.locked = false;
            let key = self.lock_key();
            if let Err(e) = self.driver.unlock(&key).await {
                tracing::warn!(error = %e, "releasing the migration lock failed; closing the connection releases it");
            }
        }
    }

    /// Under the lock: every tracking row, creating the tracking tables first when they do not exist yet.
    pub(crate) async fn read_rows_or_create(&mut self) -> Result<Vec<TrackedRow>, Error> {
        if let Some(rows) = self.read_rows().await? {
            return Ok(rows);
        }
        self.ensure_tables().await?;
        Ok(self.read_rows().await?.unwrap_or_default())
    }

    /// Creates the tracking tables (idempotent).
    pub(crate) async fn ensure_tables(&mut self) -> Result<(), Error> {
        tracing::info!(table = %self.tracking.qualified_table(), "creating the migration tracking tables");
        let statements = self.tracking.create();
        self.driver.create_tracking(&statements).await
    }

    /// Opens a transaction (on SQLite one that holds the write lock).
    pub(crate) async fn begin(&mut self) -> Result<(), Error> {
        self.driver.begin().await
    }

    pub(crate) async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.driver.conn().execute("COMMIT").await
    }

    pub(crate) async fn rollback(&mut self) {
        if let Err(e) = self.driver.conn().execute("ROLLBACK").await {
            tracing::warn!(error = %e, "rollback failed");
        }
    }

    /// Sets how long statements wait for locks, for the migrations to come. Set for the session, it holds until
    /// the lock is released, so a run of many migrations sets it once.
    pub(crate) async fn set_lock_timeout(&mut self, scope: Scope) -> Result<(), Error> {
        if scope == Scope::Session && self.session_timeout {
            return Ok(());
        }
        let timeout = self.settings.lock_timeout;
        self.driver
            .set_lock_timeout(timeout, scope)
            .await
            .map_err(Error::Database)?;
        self.session_timeout |= scope == Scope::Session;
        Ok(())
    }

    /// Restores the server's lock wait settings on the connection, when a run changed them.
    async fn reset_lock_timeout(&mut self) {
        if !std::mem::take(&mut self.session_timeout) {
            return;
        }
        if let Err(e) = self.driver.reset_lock_timeout().await {
            tracing::warn!(error = %e, "restoring the lock timeout failed");
        }
    }

    /// The tracking row to write for `work` with this status and progress.
    pub(crate) fn row<'w>(&'w self, work: &'w Work, status: &'w str, progress: usize, elapsed: Duration) -> NewRow<'w> {
        NewRow {
            version: work.version,
            name: &work.name,
            checksum: &work.checksum,
            status,
            progress: i64::try_from(progress).unwrap_or(i64::MAX),
            applied_at: Utc::now(),
            execution_ms: millis(elapsed),
            down_sql: work.down_sql.clone(),
            applied_by: &self.applied_by,
        }
    }

    /// A tracking statement with its values written out, where the backend sends them with steps.
    pub(crate) fn inline(&self, statement: Bound) -> Option<String> {
        self.tracking.dialect.inline.and_then(|inline| inline(statement))
    }

    /// Runs one write to the tracking or history table.
    pub(crate) async fn write_tracking(&mut self, statement: Bound) -> Result<(), Error> {
        self.driver
            .conn()
            .execute_bound(statement)
            .await
            .map(|_| ())
            .map_err(|source| Error::Tracking {
                action: "write",
                source,
            })
    }

    pub(crate) async fn write_row(
        &mut self,
        work: &Work,
        status: &str,
        progress: usize,
        elapsed: Duration,
    ) -> Result<(), Error> {
        let statement = self.tracking.upsert(&self.row(work, status, progress, elapsed));
        self.write_tracking(statement).await
    }

    pub(crate) async fn delete_row(&mut self, version: i64) -> Result<(), Error> {
        let statement = self.tracking.delete(version);
        self.write_tracking(statement).await
    }

    pub(crate) async fn set_progress(&mut self, version: i64, progress: usize) -> Result<(), Error> {
        let statement = self
            .tracking
            .set_progress(version, i64::try_from(progress).unwrap_or(i64::MAX));
        self.write_tracking(statement).await
    }

    pub(crate) async fn history(
        &mut self,
        work: &Work,
        outcome: &str,
        error: Option<&Error>,
        elapsed: Duration,
    ) -> Result<(), Error> {
        let statement = self.history_statement(work, outcome, error, elapsed);
        self.write_tracking(statement).await
    }

    /// The history statement of one attempt.
    pub(crate) fn history_statement(
        &self,
        work: &Work,
        outcome: &str,
        error: Option<&Error>,
        elapsed: Duration,
    ) -> Bound {
        self.tracking.history(&self.history_row(work, outcome, error, elapsed))
    }

    /// The history row of one attempt.
    pub(crate) fn history_row<'w>(
        &'w self,
        work: &'w Work,
        outcome: &'w str,
        error: Option<&Error>,
        elapsed: Duration,
    ) -> HistoryRow<'w> {
        HistoryRow {
            version: work.version,
            name: &work.name,
            direction: work.direction.name(),
            outcome,
            error: error.map(ToString::to_string),
            duration_ms: millis(elapsed),
            applied_by: &self.applied_by,
        }
    }

    /// Records a failed attempt after the fact (outside any transaction); a failure to record is logged, and the
    /// original error is what the caller reports.
    pub(crate) async fn record_failure(
        &mut self,
        work: &Work,
        outcome: &str,
        error: &Error,
        progress: Option<usize>,
        elapsed: Duration,
    ) {
        let mut statements = Vec::with_capacity(2);
        if let (Direction::Up, Some(progress)) = (work.direction, progress) {
            statements.push(
                self.tracking
                    .upsert(&self.row(work, tracking::FAILED, progress, elapsed)),
            );
        }
        statements.push(self.history_statement(work, outcome, Some(error), elapsed));
        let mut written = 0;
        let mut connection_lost = false;
        for statement in &statements {
            match self.driver.conn().execute_bound(statement.clone()).await {
                Ok(_) => written += 1,
                Err(e) => {
                    tracing::warn!(error = %e, version = work.version, "recording the failure on this connection failed");
                    // A database error comes from a live connection; anything else means it is gone.
                    connection_lost = !matches!(e, sqlx::Error::Database(_));
                    break;
                }
            }
        }
        if written == statements.len() || !connection_lost {
            return;
        }
        // The connection is gone (the server killed it, or the network dropped): a fresh one records the
        // outcome, so the row does not stay `running` with no history.
        match backend::open(&self.db, &self.settings.queries).await {
            Ok(mut fresh) => {
                for statement in statements.into_iter().skip(written) {
                    if let Err(e) = fresh.conn().execute_bound(statement).await {
                        tracing::error!(error = %e, version = work.version, "recording the failure failed");
                        return;
                    }
                }
                tracing::info!(version = work.version, "recorded the failure on a fresh connection");
            }
            Err(e) => tracing::error!(error = %e, version = work.version, "no connection to record the failure on"),
        }
    }

    /// Re-reads one tracking row inside the current transaction.
    pub(crate) async fn read_row(&mut self, version: i64) -> Result<Option<TrackedRow>, Error> {
        let statement = self.tracking.select_one(version);
        self.driver
            .conn()
            .fetch_tracked(statement)
            .await
            .map(|rows| rows.into_iter().next())
            .map_err(|source| Error::Tracking { action: "read", source })
    }
}

pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// `host (lockgate x.y.z)`, recorded with every row.
fn applied_by() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned());
    format!("{host} (lockgate {})", env!("CARGO_PKG_VERSION"))
}

/// Awaits a read; before the lock, within the wait deadline. A process holding the database (SQLite's write lock
/// while it commits, or an exclusive transaction) makes a read wait, and that wait is the deadline's, not the
/// pool's busy timeout. A read abandoned at the deadline fails as `PoolTimedOut`.
async fn within_deadline<T>(
    locked: bool,
    deadline: Duration,
    read: crate::conn::BoxFuture<'_, Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    if locked {
        return read.await;
    }
    match tokio::time::timeout(deadline, read).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}
