//! `up`, `down` and `redo`: read without the lock, lock only when there is work, re-read, run.

use std::collections::BTreeSet;
use std::time::Duration;

use super::Migrator;
use lockgate_dsl::check::check_migration_after;
use lockgate_dsl::risk::plan_rules::Earlier;
use lockgate_dsl::{Backend, Migration};

use crate::backend::Execution;
use crate::conn::TrackedRow;
use crate::database::Database;
use crate::error::Error;
use crate::exec::{self, Outcome};
use crate::report::{AppliedMigration, Direction, DownTarget, Event, Report};
use crate::session::Session;
use crate::work::Work;

impl Migrator {
    pub(crate) async fn run_up(&self, db: &Database, to: Option<i64>) -> Result<Report, Error> {
        self.run_up_with(db, to, true).await
    }

    /// `up` in a scratch database (`verify`, `drift`, `lockgate::testing`): no environment's policy applies there.
    pub(crate) async fn up_in_scratch(&self, db: &Database, to: Option<i64>) -> Result<Report, Error> {
        self.run_up_with(db, to, false).await
    }

    async fn run_up_with(&self, db: &Database, to: Option<i64>, policy: bool) -> Result<Report, Error> {
        if let Some(version) = to
            && self.find(version).is_none()
        {
            return Err(Error::UnknownVersion { version });
        }
        tracing::info!(backend = %db.backend(), ?to, "migrating up");
        let mut session = Session::open(&self.settings, db).await?;
        // The common start: everything applied. One short row, the digest of the applied set, no lock.
        let last = self.migrations.last().map(|m| m.meta().version);
        if to.is_none_or(|to| Some(to) >= last) {
            // The list's digest is computed (once per migrator) while the server answers.
            let (state, digest) = tokio::join!(session.read_state(), async { self.list_digest() });
            if state?.as_deref() == Some(digest) {
                tracing::info!("the database is up to date");
                return Ok(Report::default());
            }
        }
        if self.settings.grouped && session.driver.execution(true) != Execution::Transaction {
            return Err(Error::Plan {
                migration: None,
                reason: format!(
                    "grouped mode needs transactional DDL, which {} lacks; run without it",
                    session.driver.dialect().title
                ),
            });
        }
        // Everything may be applied still, with no digest recorded yet (a database from before digests, or
        // one a run that died left without): read every row, and record the digest under the lock.
        let rows = session.read_rows().await?;
        if let Some(rows) = &rows {
            self.verify_checksums(rows)?;
            if self.pending(rows, to, session.backend()).is_empty() {
                let known = rows.iter().all(|r| self.find(r.version).is_some());
                if known && to.is_none() {
                    session.lock().await?;
                    session.unlock().await;
                }
                tracing::info!("the database is up to date");
                return Ok(Report::default());
            }
        }
        session.lock().await?;
        let result = self.up_locked(&mut session, to, policy).await;
        session.unlock().await;
        result
    }

    async fn up_locked(&self, session: &mut Session<'_>, to: Option<i64>, policy: bool) -> Result<Report, Error> {
        let rows = session.read_rows_or_create().await?;
        self.verify_checksums(&rows)?;
        let pending = self.pending(&rows, to, session.backend());
        // Before anything runs: what the generated test checks under `cargo test`, for this backend.
        if self.settings.plan_checks {
            self.check_plans(&pending, session.backend())?;
        }
        if policy {
            let migrations: Vec<&dyn Migration> = pending.iter().map(|(m, _)| *m).collect();
            self.check_policy(&migrations, session.backend())?;
        }
        let mut works = Vec::new();
        for (m, row) in pending {
            works.push(self.up_work(m, row, &*session.driver)?);
        }
        tracing::info!(pending = works.len(), "applying migrations");
        self.run_works(session, &works).await
    }

    /// Checks each pending migration's plans against what the migrations before it in the list build; a table a
    /// pending migration creates is new and empty for the pending ones after it.
    fn check_plans(&self, pending: &[(&dyn Migration, Option<&TrackedRow>)], backend: Backend) -> Result<(), Error> {
        let runs_now: BTreeSet<i64> = pending.iter().map(|(m, _)| m.meta().version).collect();
        let Some(&last) = runs_now.last() else {
            return Ok(());
        };
        let mut earlier = Earlier::start();
        for m in self.migrations.iter().map(|m| &**m) {
            let version = m.meta().version;
            if version > last {
                break;
            }
            let pending = runs_now.contains(&version);
            if pending && let Err(problems) = check_migration_after(m, &[(backend, &earlier)]) {
                return Err(Error::PlanChecks {
                    migration: super::work::id(m.meta()),
                    backend,
                    problems,
                });
            }
            earlier.advance(m, backend, pending);
        }
        Ok(())
    }

    pub(crate) async fn run_works(&self, session: &mut Session<'_>, works: &[Work]) -> Result<Report, Error> {
        exec::settings::check(works, session.backend())?;
        let mut report = Report::default();
        if self.settings.grouped && works.len() > 1 {
            if let Some(w) = works.iter().find(|w| !w.transactional) {
                return Err(Error::Plan {
                    migration: Some(w.id()),
                    reason: "a migration without a transaction cannot run in grouped mode".to_owned(),
                });
            }
            // One transaction: every migration's settings hold for all of it.
            let priors = exec::settings::apply(session, works).await?;
            let outcome = exec::run_transactional(session, works).await;
            if let Outcome::Ran(durations) = exec::settings::restore_after(session, priors, &works[0], outcome).await? {
                for (w, &each) in works.iter().zip(&durations) {
                    if w.skipped {
                        self.emit(Event::NotForBackend {
                            version: w.version,
                            name: w.name.clone(),
                            direction: w.direction,
                            backend: session.backend(),
                        });
                    } else {
                        self.emit(Event::Finished {
                            version: w.version,
                            name: w.name.clone(),
                            direction: w.direction,
                            duration: each,
                        });
                    }
                    report.record(w, each);
                }
            }
            return Ok(report);
        }
        for (i, work) in works.iter().enumerate() {
            session.next_running = works.get(i + 1).and_then(|next| running_ahead(session, next));
            if let Outcome::Ran(durations) = exec::run(session, work).await? {
                let duration = durations.first().copied().unwrap_or_default();
                report.record(work, duration);
            }
        }
        session.next_running = None;
        Ok(report)
    }

    pub(crate) async fn run_down(&self, db: &Database, target: DownTarget) -> Result<Report, Error> {
        tracing::info!(backend = %db.backend(), ?target, "migrating down");
        let mut session = Session::open(&self.settings, db).await?;
        let Some(rows) = session.read_rows().await? else {
            tracing::info!("nothing is applied");
            return Ok(Report::default());
        };
        self.verify_checksums(&rows)?;
        if self.to_revert(&rows, target).is_empty() {
            tracing::info!("nothing to revert");
            return Ok(Report::default());
        }
        session.lock().await?;
        let result = self.down_locked(&mut session, target).await;
        session.unlock().await;
        result
    }

    async fn down_locked(&self, session: &mut Session<'_>, target: DownTarget) -> Result<Report, Error> {
        let rows = session.read_rows().await?.unwrap_or_default();
        self.verify_checksums(&rows)?;
        let mut works = Vec::new();
        // Build every work first: an irreversible migration stops the run before anything is reverted.
        for row in self.to_revert(&rows, target) {
            works.push(self.down_work(row, &*session.driver)?);
        }
        exec::settings::check(&works, session.backend())?;
        tracing::info!(count = works.len(), "reverting migrations");
        let mut report = Report::default();
        for work in &works {
            if let Outcome::Ran(durations) = exec::run(session, work).await? {
                let duration = durations.first().copied().unwrap_or_default();
                report.record(work, duration);
            }
        }
        Ok(report)
    }

    pub(crate) async fn run_redo(&self, db: &Database) -> Result<Report, Error> {
        tracing::info!(backend = %db.backend(), "redoing the last migration");
        let mut session = Session::open(&self.settings, db).await?;
        if session.read_rows().await?.is_none() {
            return Err(Error::NothingApplied { action: "redo" });
        }
        session.lock().await?;
        let result = self.redo_locked(&mut session).await;
        session.unlock().await;
        result
    }

    async fn redo_locked(&self, session: &mut Session<'_>) -> Result<Report, Error> {
        let rows = session.read_rows().await?.unwrap_or_default();
        self.verify_checksums(&rows)?;
        let last: Option<&TrackedRow> = self.to_revert(&rows, DownTarget::Steps(1)).into_iter().next();
        let Some(last) = last else {
            return Err(Error::NothingApplied { action: "redo" });
        };
        let Some(m) = self.find(last.version) else {
            return Err(Error::UnknownVersion { version: last.version });
        };
        let down = self.down_work(last, &*session.driver)?;
        let up = self.up_work(m, None, &*session.driver)?;
        exec::settings::check(&[down.clone(), up.clone()], session.backend())?;
        let mut report = Report::default();
        for work in [&down, &up] {
            if let Outcome::Ran(durations) = exec::run(session, work).await? {
                let duration = durations.first().copied().unwrap_or_default();
                report.record(work, duration);
            }
        }
        Ok(report)
    }
}

impl Report {
    /// Adds a migration that ran (or was recorded as not for this backend).
    fn record(&mut self, work: &Work, duration: Duration) {
        if work.skipped {
            self.skipped.push(applied(work, duration));
        } else {
            self.applied.push(applied(work, duration));
        }
    }
}

pub(crate) fn applied(work: &Work, duration: Duration) -> AppliedMigration {
    AppliedMigration {
        version: work.version,
        name: work.name.clone(),
        direction: work.direction,
        duration,
    }
}

/// The `running` row of `next`, written out, for the migration before it to commit with its finished row: where
/// migrations run step by step and tracking statements travel with them (MySQL), and `next` starts afresh.
fn running_ahead(session: &Session<'_>, next: &Work) -> Option<(i64, String)> {
    let fresh = next.direction == Direction::Up && !next.skipped && !next.resuming && next.resume_from == 0;
    let stepwise = matches!(session.driver.execution(next.transactional), Execution::Stepwise { .. });
    if !fresh || !stepwise {
        return None;
    }
    let row = session
        .tracking
        .upsert(&session.row(next, crate::tracking::RUNNING, 0, Duration::ZERO));
    Some((next.version, session.inline(row)?))
}
