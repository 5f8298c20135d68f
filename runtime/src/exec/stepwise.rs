//! Migrations run one step at a time with recorded progress: MySQL, and PostgreSQL `transaction = false`.

use std::time::{Duration, Instant};

use super::Outcome;
use super::compensate::compensate;
use super::step::{AfterError, Prefix, exec_step_after};
use super::transaction::finish;
use crate::backend::{Scope, StepProbe};
use crate::error::Error;
use crate::report::Direction;
use crate::schema::{Effect, effect};
use crate::script::{Script, ScriptError};
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
    // Restored when the lock is released.
    session.set_lock_timeout(Scope::Session).await?;
    stepwise_body(session, work, start, compensate, started).await
}

async fn stepwise_body(
    session: &mut Session<'_>,
    work: &Work,
    start: usize,
    compensate: bool,
    started: Instant,
) -> Result<Outcome, Error> {
    // The `running` row commits before the first step. Where tracking statements can travel with a step, it
    // goes in the same round trip, ahead of it (not when resuming: the catalog is read between the two).
    let mut running = None;
    // The migration before this one may have committed this row with its own.
    let committed = session.running_committed.take() == Some(work.version) && start == 0 && !work.resuming;
    if work.direction == Direction::Up && !committed {
        let row = session
            .tracking
            .upsert(&session.row(work, tracking::RUNNING, start, Duration::ZERO));
        if !work.resuming {
            running = session.inline(row.clone());
        }
        if running.is_none() {
            session.write_tracking(row).await?;
        }
    }
    for (i, step) in work.steps.iter().enumerate().skip(start) {
        // Runs for every step, not only an interrupted one: it also cleans up what a failed attempt left (an
        // INVALID index).
        let probe = session.driver.probe_step(step, &work.ops).await?;
        if probe == StepProbe::NothingToDo {
            tracing::info!(
                step = i + 1,
                "the catalog shows nothing for the step to remove; skipping it"
            );
            record_skipped(session, work, i).await?;
            continue;
        }
        // The step an interrupted attempt was running may have taken effect before it died: ask the catalog.
        // A backfill needs no asking: it carries on after its last committed batch.
        if work.resuming && i == start && !step.resumes_itself() {
            let fate = match probe {
                StepProbe::Unknown => catalog_fate(session, work, i).await?,
                known => known,
            };
            match fate {
                StepProbe::Done | StepProbe::NothingToDo => {
                    tracing::info!(
                        step = i + 1,
                        "the catalog shows the interrupted step took effect; skipping it"
                    );
                    record_skipped(session, work, i).await?;
                    continue;
                }
                StepProbe::NotDone => {
                    tracing::info!(
                        step = i + 1,
                        "the catalog shows the interrupted step did not take effect"
                    );
                }
                StepProbe::Unknown if !session.driver.step_in_transaction(&step.step) => {
                    match session.settings.interrupted_step {
                        Some(crate::report::StepFate::TookEffect) => {
                            tracing::info!(step = i + 1, "the interrupted step took effect, as the operator says");
                            record_skipped(session, work, i).await?;
                            continue;
                        }
                        Some(crate::report::StepFate::DidNotTakeEffect) => {
                            tracing::info!(
                                step = i + 1,
                                "the interrupted step did not take effect, as the operator says"
                            );
                        }
                        None => {
                            return Err(Error::Interrupted {
                                migration: work.id(),
                                step: i + 1,
                                total: work.steps.len(),
                                statement: step.describe(),
                            });
                        }
                    }
                }
                // Run with its progress in one transaction: had it committed, its progress would say so.
                StepProbe::Unknown => {
                    tracing::info!(
                        step = i + 1,
                        "the interrupted step commits with its progress; running it"
                    );
                }
            }
        } else if work.retrying && i == start && probe == StepProbe::Done {
            // The step that failed last time is complete now: its cleanup finished it (a `DETACH PARTITION
            // CONCURRENTLY` cancelled while it waited, finalized).
            tracing::info!(
                step = i + 1,
                "the catalog shows the failed step is complete; skipping it"
            );
            record_skipped(session, work, i).await?;
            continue;
        }
        // A step and its progress commit together where the step can run in a transaction, so a crash
        // between them cannot make the next run repeat it (data changes above all). After the last step the
        // progress is the finished row itself, written with its history row in one commit.
        let up = work.direction == Direction::Up;
        let together = up && session.driver.step_in_transaction(&step.step);
        let last = up && i + 1 == work.steps.len();
        let mut before: Vec<Prefix> = running.take().map(Prefix::Tracking).into_iter().collect();
        if together {
            before.push(Prefix::Begin);
        }
        match exec_step_after(session, work, step, before).await {
            Ok(()) => {}
            Err(AfterError::Prefix(e)) => {
                if together {
                    session.rollback().await;
                }
                return Err(e);
            }
            Err(AfterError::Step(cause)) => {
                if together {
                    session.rollback().await;
                }
                return Err(step_failed(session, work, i, cause, compensate, start, started).await);
            }
        }
        if last {
            let elapsed = started.elapsed();
            finish_last(session, work, together, elapsed).await?;
            fail::fail_point!("step-recorded");
            return Ok(Outcome::Ran(vec![elapsed]));
        }
        if up {
            session.set_progress(work.version, i + 1).await?;
        }
        if together {
            session.commit().await.map_err(Error::Database)?;
        }
        fail::fail_point!("step-recorded");
    }
    let elapsed = started.elapsed();
    finish(session, work, elapsed).await?;
    Ok(Outcome::Ran(vec![elapsed]))
}

/// After the last step: the finished row and its history row, in the step's transaction when it has one, in
/// one commit either way; in one round trip where tracking statements can be written out, together with the
/// `running` row of the migration that comes next.
async fn finish_last(session: &mut Session<'_>, work: &Work, together: bool, elapsed: Duration) -> Result<(), Error> {
    let row = session
        .tracking
        .upsert(&session.row(work, tracking::APPLIED, work.steps.len(), elapsed));
    let history = session.history_statement(work, "applied", None, elapsed);
    let begin = session.driver.begin_sql();
    if let (Some(row), Some(history), Some(begin)) = (session.inline(row), session.inline(history), begin) {
        let mut script = Script::default();
        if !together {
            script.push_counted(begin, 1);
        }
        script.push_counted(row, 1);
        script.push_counted(history, 1);
        let next = session.next_running.take();
        if let Some((_, running)) = &next {
            script.push_counted(running.as_str(), 1);
        }
        script.push_counted("COMMIT", 1);
        return match session.driver.conn().run_script(&script).await {
            Ok(_) => {
                session.running_committed = next.map(|(version, _)| version);
                Ok(())
            }
            Err(ScriptError { source, .. }) => {
                session.rollback().await;
                Err(Error::Tracking {
                    action: "write",
                    source,
                })
            }
        };
    }
    if !together {
        session.begin().await?;
    }
    if let Err(e) = finish(session, work, elapsed).await {
        session.rollback().await;
        return Err(e);
    }
    session.commit().await.map_err(Error::Database)
}

/// What the live schema says about the operation of step `i`, when the operation is that one step.
async fn catalog_fate(session: &mut Session<'_>, work: &Work, i: usize) -> Result<StepProbe, Error> {
    let Some(op) = work.steps[i].op else {
        return Ok(StepProbe::Unknown);
    };
    if work.steps.iter().filter(|s| s.op == Some(op)).count() != 1 {
        return Ok(StepProbe::Unknown);
    }
    let skip = session.tracking.own_tables();
    let schema = session.driver.introspect(&skip).await.map_err(Error::Database)?;
    Ok(match effect(&work.ops[op].op, &schema) {
        Effect::Present => StepProbe::Done,
        Effect::Absent => StepProbe::NotDone,
        Effect::Unknown => StepProbe::Unknown,
    })
}

/// Handles a failed step outside a transaction: compensation where DDL commits by itself (MySQL), a resumable
/// failure otherwise.
async fn step_failed(
    session: &mut Session<'_>,
    work: &Work,
    failed: usize,
    cause: Error,
    compensate_it: bool,
    first: usize,
    started: Instant,
) -> Error {
    let statement = work.steps[failed].describe();
    let total = work.steps.len();
    // A backfill that failed part-way keeps its committed batches and its position, so the retry resumes
    // after them; undoing the steps before it would throw that work away.
    let resumable = work.steps[failed].resumes_itself();
    if !compensate_it || resumable || work.ops.is_empty() {
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
    compensate(session, work, first, failed, cause, statement, started).await
}

/// Records a skipped step as done: on the way up its progress moves past it (a way down keeps none).
async fn record_skipped(session: &mut Session<'_>, work: &Work, at: usize) -> Result<(), Error> {
    if work.direction == Direction::Up {
        session.set_progress(work.version, at + 1).await?;
    }
    Ok(())
}
