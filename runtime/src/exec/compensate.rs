//! Compensation on MySQL/MariaDB: undoing, by their inverses, the operations this attempt of a failed migration
//! ran, and saying exactly what it could not undo.

use std::time::Instant;

use lockgate_dsl::operation::Inverse;
use lockgate_dsl::render::{self, Step};

use super::step::exec_step;
use crate::error::{Error, FailedUndo, UndoError};
use crate::report::Direction;
use crate::session::Session;
use crate::steps::ExecStep;
use crate::work::Work;

/// Undoes, newest first, the operations whose steps this attempt ran (from step `first`, where it started, up
/// to step `failed`), by running their inverses. Steps an earlier attempt ran are not this attempt's to undo.
pub(super) async fn compensate(
    session: &mut Session<'_>,
    work: &Work,
    first: usize,
    failed: usize,
    cause: Error,
    statement: String,
    started: Instant,
) -> Error {
    // (operation index, first step, end step) of each operation this attempt ran.
    let mut done_ops: Vec<(usize, usize, usize)> = Vec::new();
    for (i, step) in work.steps.iter().enumerate().take(failed).skip(first) {
        let Some(op) = step.op else { continue };
        match done_ops.last_mut() {
            Some(last) if last.0 == op => last.2 = i + 1,
            _ => done_ops.push((op, i, i + 1)),
        }
    }
    // An operation whose steps were cut by the failure (raw SQL of several statements) is not complete: its
    // inverse undoes it whole, not its first statements, so those stay applied and are said to.
    let mut cut: Vec<String> = Vec::new();
    if let (Some(last), Some(op)) = (done_ops.last(), work.steps[failed].op)
        && last.0 == op
    {
        cut = work.steps[last.1..last.2].iter().map(ExecStep::describe).collect();
        done_ops.pop();
    }
    tracing::warn!(
        version = work.version,
        operations = done_ops.len(),
        "undoing the steps this attempt ran"
    );
    let mut undone = Vec::new();
    let mut progress = done_ops.last().map_or(first, |o| o.2);
    for &(op_index, op_first, _) in done_ops.iter().rev() {
        let planned = &work.ops[op_index];
        let statements = match planned.op.inverse() {
            Inverse::Nothing => Ok(Vec::new()),
            Inverse::Irreversible(reason) => Err(UndoError::NoInverse {
                reason: reason.to_owned(),
            }),
            Inverse::Op(inverse) => render::render(&inverse, session.backend()).map_err(UndoError::Render),
        };
        let result = match statements {
            Ok(statements) => undo_steps(session, work, &statements, &mut undone).await,
            Err(error) => Err((planned.op.describe(), error)),
        };
        if let Err((failed_undo, undo_error)) = result {
            let mut still_applied: Vec<String> = work.steps[first..progress].iter().map(ExecStep::describe).collect();
            still_applied.extend(cut);
            return undo_failed(
                session,
                work,
                statement,
                cause,
                FailedUndo {
                    undone,
                    failed_statement: failed_undo,
                    error: undo_error,
                    still_applied,
                },
                progress,
                started,
            )
            .await;
        }
        progress = op_first;
        if work.direction == Direction::Up
            && let Err(e) = session.set_progress(work.version, progress).await
        {
            tracing::warn!(error = %e, "recording compensation progress failed");
        }
    }
    if !cut.is_empty() {
        let operation = work.steps[failed]
            .op
            .map(|op| work.ops[op].op.describe())
            .unwrap_or_default();
        return undo_failed(
            session,
            work,
            statement,
            cause,
            FailedUndo {
                undone,
                failed_statement: operation,
                error: UndoError::PartlyRun { statements: cut.len() },
                still_applied: cut,
            },
            progress,
            started,
        )
        .await;
    }
    let error = Error::Compensated {
        migration: work.id(),
        statement,
        cause: Box::new(cause),
        undone,
    };
    session
        .record_failure(work, "compensated", &error, Some(progress), started.elapsed())
        .await;
    error
}

/// Records and returns a compensation that could not undo everything this attempt ran.
async fn undo_failed(
    session: &mut Session<'_>,
    work: &Work,
    statement: String,
    cause: Error,
    undo: FailedUndo,
    progress: usize,
    started: Instant,
) -> Error {
    let error = Error::CompensationFailed {
        migration: work.id(),
        statement,
        cause: Box::new(cause),
        undo: Box::new(undo),
    };
    session
        .record_failure(work, "compensation_failed", &error, Some(progress), started.elapsed())
        .await;
    error
}

async fn undo_steps(
    session: &mut Session<'_>,
    work: &Work,
    statements: &[Step],
    undone: &mut Vec<String>,
) -> Result<(), (String, UndoError)> {
    for step in statements {
        let exec = ExecStep {
            op: None,
            step: step.clone(),
        };
        let text = exec.describe();
        match exec_step(session, work, &exec).await {
            Ok(()) => undone.push(text),
            Err(Error::StatementFailed { source, .. }) => return Err((text, UndoError::Database(source))),
            Err(other) => return Err((text, UndoError::Step(Box::new(other)))),
        }
    }
    Ok(())
}
