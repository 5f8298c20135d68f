//! Compensation on MySQL/MariaDB: undoing the operations a failed migration already ran, by their inverses.

use std::time::Instant;

use lockgate_dsl::operation::Inverse;
use lockgate_dsl::render::{self, Step};

use super::step::exec_step;
use crate::error::{Error, FailedUndo, UndoError};
use crate::report::Direction;
use crate::session::Session;
use crate::steps::ExecStep;
use crate::work::Work;

/// Undoes, newest first, the operations whose steps all ran before step `failed`, by running their inverses.
pub(super) async fn compensate(
    session: &mut Session<'_>,
    work: &Work,
    failed: usize,
    cause: Error,
    statement: String,
    started: Instant,
) -> Error {
    // (operation index, first step, end step) of each operation fully run.
    let mut done_ops: Vec<(usize, usize, usize)> = Vec::new();
    for (i, step) in work.steps.iter().enumerate().take(failed) {
        let Some(op) = step.op else { continue };
        match done_ops.last_mut() {
            Some(last) if last.0 == op => last.2 = i + 1,
            _ => done_ops.push((op, i, i + 1)),
        }
    }
    // An operation whose steps were cut by the failure is not complete; its first steps cannot be undone by
    // its inverse, so it stays out (MySQL renders almost every operation as one statement).
    if let (Some(last), Some(op)) = (done_ops.last(), work.steps[failed].op)
        && last.0 == op
    {
        done_ops.pop();
    }
    tracing::warn!(
        version = work.version,
        operations = done_ops.len(),
        "undoing the steps already run"
    );
    let mut undone = Vec::new();
    let mut progress = done_ops.last().map_or(0, |o| o.2);
    for &(op_index, first, _) in done_ops.iter().rev() {
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
            let still_applied = work.steps[..progress].iter().map(ExecStep::describe).collect();
            let error = Error::CompensationFailed {
                migration: work.id(),
                statement,
                cause: Box::new(cause),
                undo: Box::new(FailedUndo {
                    undone,
                    failed_statement: failed_undo,
                    error: undo_error,
                    still_applied,
                }),
            };
            session
                .record_failure(work, "compensation_failed", &error, Some(progress), started.elapsed())
                .await;
            return error;
        }
        progress = first;
        if work.direction == Direction::Up
            && let Err(e) = session.set_progress(work.version, progress).await
        {
            tracing::warn!(error = %e, "recording compensation progress failed");
        }
    }
    let error = Error::Compensated {
        migration: work.id(),
        statement,
        cause: Box::new(cause),
        undone,
    };
    session
        .record_failure(work, "compensated", &error, Some(0), started.elapsed())
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
