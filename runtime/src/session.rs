//! A migrator's session on one database: its dedicated connection, the tracking tables, the lock, and the
//! bookkeeping around running one migration.

use std::time::{Duration, Instant};

use chrono::Utc;
use lockgate_dsl::Backend;
use sea_query::Values;
use sea_query_sqlx::SqlxValues;

use crate::conn::{Bound, Conn, TrackedRow};
use crate::database::Database;
use crate::error::Error;
use crate::migrator::{Migrator, Work};
use crate::report::{Direction, Event};
use crate::steps::ExecStep;
use crate::tracking::{self, HistoryRow, NewRow, Tracking};

/// The connection and tracking tables of one migrator operation.
pub(crate) struct Session<'a> {
    pub(crate) migrator: &'a Migrator,
    pub(crate) conn: Conn,
    pub(crate) tracking: Tracking,
    pub(crate) applied_by: String,
    locked: bool,
    /// SQLite: the connection's busy timeout before the run changed it.
    busy_timeout: Option<i64>,
}

impl<'a> Session<'a> {
    pub(crate) async fn open(migrator: &'a Migrator, db: &Database) -> Result<Session<'a>, Error> {
        let conn = Conn::acquire(db, &migrator.queries)
            .await
            .map_err(|source| Error::Connect {
                backend: db.backend(),
                source,
            })?;
        Ok(Session {
            migrator,
            conn,
            tracking: Tracking::new(db.backend(), migrator.schema.as_deref(), &migrator.table),
            applied_by: applied_by(),
            locked: false,
            busy_timeout: None,
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// Every tracking row, or `None` when the tracking table does not exist yet.
    pub(crate) async fn read_rows(&mut self) -> Result<Option<Vec<TrackedRow>>, Error> {
        match self.conn.fetch_tracked(self.tracking.select_all()).await {
            Ok(rows) => Ok(Some(rows)),
            Err(e) if tracking::is_missing_table(&e) => Ok(None),
            Err(source) => Err(Error::Tracking { action: "read", source }),
        }
    }

    /// Takes the migration lock (PostgreSQL, MySQL) and keeps the connection out of the pool from now on, so a
    /// cancelled run cannot leave the session lock on a pooled connection. (Not on SQLite: closing the only
    /// connection of an in-memory database would drop the database.)
    pub(crate) async fn lock(&mut self) -> Result<(), Error> {
        if self.backend() != Backend::Sqlite {
            self.conn.close_on_drop();
        }
        let migrator = self.migrator;
        if self.backend() == Backend::Sqlite {
            // `BEGIN IMMEDIATE` waits for other writers up to the busy timeout: make that the wait deadline, and
            // give the pooled connection its own back afterwards.
            let query = ("PRAGMA busy_timeout".to_owned(), SqlxValues(Values(Vec::new())));
            self.busy_timeout = self.conn.fetch_i64(query).await?;
            let ms = migrator.wait_deadline.as_millis().max(1);
            self.conn
                .execute(&format!("PRAGMA busy_timeout = {ms}"))
                .await
                .map_err(Error::Database)?;
        }
        let emit = |event: Event| migrator.emit(event);
        crate::lock::acquire(&mut self.conn, &self.tracking, migrator.wait_deadline, &emit).await?;
        self.locked = true;
        Ok(())
    }

    /// Releases the migration lock, logging (not failing) when that fails: closing the connection releases it.
    pub(crate) async fn unlock(&mut self) {
        if let Some(ms) = self.busy_timeout.take()
            && let Err(e) = self.conn.execute(&format!("PRAGMA busy_timeout = {ms}")).await
        {
            tracing::warn!(error = %e, "restoring the busy timeout failed");
        }
        if self.locked {
            self.locked = false;
            if let Err(e) = crate::lock::release(&mut self.conn, &self.tracking).await {
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
        let sqlite = self.backend() == Backend::Sqlite;
        if sqlite {
            self.begin().await?;
        }
        for sql in self.tracking.create() {
            if let Err(source) = self.conn.execute(&sql).await {
                if sqlite {
                    self.rollback().await;
                }
                return Err(Error::Tracking {
                    action: "create",
                    source,
                });
            }
        }
        if sqlite {
            self.commit().await.map_err(|source| Error::Tracking {
                action: "create",
                source,
            })?;
        }
        Ok(())
    }

    /// Opens a transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock and waits for it.
    pub(crate) async fn begin(&mut self) -> Result<(), Error> {
        let started = Instant::now();
        let sql = match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        self.conn.execute(sql).await.map_err(|e| {
            if crate::error::is_lock_timeout(&e) {
                Error::LockTimeout {
                    waited: started.elapsed(),
                }
            } else {
                Error::Database(e)
            }
        })
    }

    pub(crate) async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.conn.execute("COMMIT").await
    }

    pub(crate) async fn rollback(&mut self) {
        if let Err(e) = self.conn.execute("ROLLBACK").await {
            tracing::warn!(error = %e, "rollback failed");
        }
    }

    /// Turns SQLite foreign keys off before a table rebuild (the pragma is a no-op inside a transaction);
    /// returns whether they were on.
    pub(crate) async fn foreign_keys_off(&mut self) -> Result<bool, Error> {
        let query = ("PRAGMA foreign_keys".to_owned(), SqlxValues(Values(Vec::new())));
        let on = self.conn.fetch_i64(query).await? == Some(1);
        if on {
            self.conn.execute("PRAGMA foreign_keys = OFF").await?;
        }
        Ok(on)
    }

    /// Turns SQLite foreign keys back on after a rebuild.
    pub(crate) async fn foreign_keys_on(&mut self) {
        if let Err(e) = self.conn.execute("PRAGMA foreign_keys = ON").await {
            tracing::warn!(error = %e, "turning foreign keys back on failed");
        }
    }

    /// Fails when a rebuild left rows that break a foreign key.
    pub(crate) async fn check_foreign_keys(&mut self, work: &Work) -> Result<(), Error> {
        let sql = "PRAGMA foreign_key_check";
        let broken = self
            .conn
            .count_rows(sql)
            .await
            .map_err(|source| Error::StatementFailed {
                version: work.version,
                name: work.name.clone(),
                statement: sql.to_owned(),
                source,
            })?;
        if broken > 0 {
            return Err(Error::AssertionFailed {
                version: work.version,
                name: work.name.clone(),
                message: format!("the table rebuild left {broken} row(s) that break a foreign key"),
                query: sql.to_owned(),
            });
        }
        Ok(())
    }

    /// Sets how long statements wait for locks, for the migrations to come.
    pub(crate) async fn set_lock_timeout(&mut self, local: bool) -> Result<(), Error> {
        let timeout = self.migrator.lock_timeout;
        let sql = match self.backend() {
            Backend::Postgres => {
                let scope = if local { "SET LOCAL" } else { "SET" };
                format!("{scope} lock_timeout = '{}ms'", timeout.as_millis().max(1))
            }
            Backend::MySql => {
                let secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
                let secs = secs.max(1);
                format!("SET SESSION lock_wait_timeout = {secs}, SESSION innodb_lock_wait_timeout = {secs}")
            }
            Backend::Sqlite => return Ok(()),
        };
        self.conn.execute(&sql).await.map_err(Error::Database)
    }

    /// Restores the server's lock wait settings on the connection.
    pub(crate) async fn reset_lock_timeout(&mut self) {
        let sql = match self.backend() {
            Backend::Postgres => "RESET lock_timeout",
            Backend::MySql => "SET SESSION lock_wait_timeout = DEFAULT, SESSION innodb_lock_wait_timeout = DEFAULT",
            Backend::Sqlite => return,
        };
        if let Err(e) = self.conn.execute(sql).await {
            tracing::warn!(error = %e, "restoring the lock timeout failed");
        }
    }

    /// Runs one step.
    pub(crate) async fn exec_step(&mut self, work: &Work, step: &ExecStep) -> Result<(), Error> {
        crate::exec::exec_step(self, work, step).await
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

    /// Runs one write to the tracking or history table.
    async fn write_tracking(&mut self, statement: Bound) -> Result<(), Error> {
        self.conn
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
        let row = HistoryRow {
            version: work.version,
            name: &work.name,
            direction: work.direction.name(),
            outcome,
            error: error.map(ToString::to_string),
            duration_ms: millis(elapsed),
            applied_by: &self.applied_by,
        };
        let statement = self.tracking.history(&row);
        self.write_tracking(statement).await
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
        if let (Direction::Up, Some(progress)) = (work.direction, progress)
            && let Err(e) = self.write_row(work, tracking::FAILED, progress, elapsed).await
        {
            tracing::warn!(error = %e, version = work.version, "recording the failed migration failed");
        }
        if let Err(e) = self.history(work, outcome, Some(error), elapsed).await {
            tracing::warn!(error = %e, version = work.version, "recording the failed attempt in the history failed");
        }
    }

    /// Re-reads one tracking row inside the current transaction.
    pub(crate) async fn read_row(&mut self, version: i64) -> Result<Option<TrackedRow>, Error> {
        let statement = self.tracking.select_one(version);
        self.conn
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
