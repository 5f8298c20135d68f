//! Migrations run one step at a time with recorded progress: MySQL, and PostgreSQL `transaction = false`.

use std::time::{Duration, Instant};

use super::Outcome;
use super::compensate::compensate;
use super::step::exec_step;
use super::transaction::finish;
use crate::backend::{Scope, StepProbe};
use crate::error::Error;
use crate::report::Direction;
use crate::session::Session;
use crate::tracking;
use crate::work::Work;

/// Runs a migration one step at a time, recording progress after each step: MySQL (DDL commits implicitly) and
/// PostgreSQL migrations declared `transaction = false`.
pub(super) async fn run_stepwise(session: &mut Session<'_>, work: &Work, compensate: bool) -> Result<Outcome, Error> {
    let started = Instant::now();
    let start = if work.direction == Direction::Up {
        work.resume_from.min(work.steps.len())
    } else {
        0
    };
    if start > 0 {
        tracing::info!(
            version = work.version,
            step = start + 1,
            "resuming an interrupted migration"
        );
    }
    session.set_lock_timeout(Scope::Session).await?;
    let result = stepwise_body(session, work, start, compensate, started).await;
    session.reset_lock_timeout().await;
    result
}

async fn stepwise_body(
    session: &mut Session<'_>,
    work: &Work,
    start: usize,
    compensate: bool,
    started: Instant,
) -> Result<Outcome, Error> {
    if work.direction == Direction::Up {
        session
            .write_row(work, tracking::RUNNING, start, Duration::ZERO)
            .await?;
    }
    for (i, step) in work.steps.iter().enumerate().skip(start) {
        // The step an interrupted attempt was running may have taken effect before it died.
        let interrupted = work.resuming && i == start;
        // Runs for every step, not only the interrupted one: it also cleans up what a failed attempt left (an
        // INVALID index).
        let probe = session.driver.probe_step(step, &work.ops).await?;
        if interrupted && probe == StepProbe::Done {
            tracing::info!(step = i + 1, "the interrupted step took effect; skipping it");
            continue;
        }
        if let Err(cause) = exec_step(session, work, step).await {
            if interrupted && effect_already_there(session, &cause) {
                tracing::warn!(
                    version = work.version,
                    step = i + 1,
                    error = %cause,
                    "the interrupted step had taken effect; continuing after it"
                );
            } else {
                return Err(step_failed(session, work, i, cause, compensate, started).await);
            }
        }
        if work.direction == Direction::Up {
            session.set_progress(work.version, i + 1).await?;
        }
    }
    finish(session, work, started.elapsed()).await?;
    Ok(Outcome::Ran(started.elapsed()))
}

/// Whether a failed statement's error says its effect is already there: DDL that commits on its own, run by a
/// process that died right after it, left no progress for it.
fn effect_already_there(session: &Session<'_>, error: &Error) -> bool {
    if let Error::StatementFailed { source, .. } = error {
        session.driver.effect_already_there(source)
    } else {
        false
    }
}

/// Handles a failed step outside a transaction: compensation where DDL commits by itself (MySQL), a resumable
/// failure otherwise.
async fn step_failed(
    session: &mut Session<'_>,
    work: &Work,
    failed: usize,
    cause: Error,
    compensate_it: bool,
    started: Instant,
) -> Error {
    let statement = work.steps[failed].describe();
    let total = work.steps.len();
    if !compensate_it || work.ops.is_empty() {
        let error = Error::StepFailed {
            migration: work.id(),
            statement,
            cause: Box::new(cause),
            done: failed,
            total,
            direction: work.direction,
        };
        session
            .record_failure(work, "failed", &error, Some(failed), started.elapsed())
            .await;
        return error;
    }
    compensate(session, work, failed, cause, statement, started).await
}
