//! Running one migration: in a transaction where DDL is transactional, step by step with recorded progress
//! where it is not (or where the migration asks for no transaction), with compensation on MySQL.

mod backfill;
mod batched;
mod compensate;
mod parity;
pub(crate) mod settings;
mod step;
mod stepwise;
mod transaction;

use std::time::Duration;

use crate::backend::Execution;
use crate::error::Error;
use crate::report::Event;
use crate::session::Session;
use crate::work::Work;

pub(crate) use step::describe_live;
pub(crate) use transaction::run_transactional;

/// What running a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It ran: how long each migration took, in order, as its history row records it (so that the progress
    /// line, the report and `status` show one duration).
    Ran(Vec<Duration>),
    /// Another migrator ran it first (SQLite, where the check happens inside the write transaction).
    AlreadyDone,
}

/// Runs one migration with its session settings, putting back what they changed whatever the outcome.
pub(crate) async fn run(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
    if work.session.is_empty() {
        return run_retrying(session, work).await;
    }
    let priors = settings::apply(session, std::slice::from_ref(work)).await?;
    let result = run_retrying(session, work).await;
    settings::restore_after(session, priors, work, result).await
}

/// Runs one migration, retrying with exponential backoff when (and only when) it hit a lock timeout.
async fn run_retrying(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
    let settings = session.settings;
    let mut attempt = 0;
    let mut retry: Option<Work> = None;
    loop {
        let work = retry.as_ref().unwrap_or(work);
        if session.driver.execution(work.transactional) != Execution::Transaction {
            // Transactional runs announce the start once the transaction knows there is work (see `transaction`).
            started(session, work);
        }
        tracing::info!(version = work.version, name = %work.name, direction = %work.direction, "running migration");
        let result = run_once(session, work).await;
        match result {
            Ok(Outcome::Ran(durations)) if work.skipped => {
                tracing::info!(version = work.version, backend = %session.backend(), "not for this backend; recorded");
                settings.emit(Event::NotForBackend {
                    version: work.version,
                    name: work.name.clone(),
                    direction: work.direction,
                    backend: session.backend(),
                });
                return Ok(Outcome::Ran(durations));
            }
            Ok(Outcome::Ran(durations)) => {
                let duration = durations.first().copied().unwrap_or_default();
                tracing::info!(version = work.version, ?duration, direction = %work.direction, "migration done");
                settings.emit(Event::Finished {
                    version: work.version,
                    name: work.name.clone(),
                    direction: work.direction,
                    duration,
                });
                return Ok(Outcome::Ran(durations));
            }
            Ok(Outcome::AlreadyDone) => {
                tracing::info!(version = work.version, "another migrator ran this migration first");
                settings.emit(Event::Skipped {
                    version: work.version,
                    name: work.name.clone(),
                    direction: work.direction,
                });
                return Ok(Outcome::AlreadyDone);
            }
            // A statement that waited too long for a table lock is retried; the wait for the migration lock
            // itself (on SQLite, the database's write lock) already had its whole deadline.
            Err(e)
                if e.is_lock_timeout()
                    && !matches!(e, Error::LockTimeout { .. })
                    && attempt < settings.lock_retries =>
            {
                attempt += 1;
                let delay = Duration::from_millis(200) * 2u32.saturating_pow(attempt - 1);
                tracing::warn!(version = work.version, attempt, ?delay, error = %e, "lock timeout; retrying");
                settings.emit(Event::Retrying {
                    version: work.version,
                    name: work.name.clone(),
                    attempt,
                    delay,
                });
                tokio::time::sleep(delay).await;
                // Step by step, the retry starts where the failed attempt stopped (MySQL undid its steps).
                let mut next = work.clone();
                if let Error::StepFailed { done, .. } = &e {
                    next.resume_from = *done;
                    next.resuming = true;
                } else if let Error::Compensated { .. } = &e {
                    next.resume_from = 0;
                }
                retry = Some(next);
            }
            Err(e) => {
                tracing::error!(version = work.version, error = %e, "migration failed");
                return Err(e);
            }
        }
    }
}

/// Announces that a migration starts.
pub(crate) fn started(session: &Session<'_>, work: &Work) {
    if work.skipped {
        return;
    }
    session.settings.emit(Event::Started {
        version: work.version,
        name: work.name.clone(),
        direction: work.direction,
    });
}

async fn run_once(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
    match session.driver.execution(work.transactional) {
        Execution::Stepwise { compensate } => stepwise::run_stepwise(session, work, compensate).await,
        Execution::Transaction => run_transactional(session, std::slice::from_ref(work)).await,
    }
}
