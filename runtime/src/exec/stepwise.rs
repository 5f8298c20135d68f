//! Migrations run one step at a time with recorded progress: MySQL, and PostgreSQL `transaction = none`.

use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use sea_query::{Value, Values};
use sea_query_sqlx::SqlxValues;

use super::Outcome;
use super::compensate::compensate;
use super::transaction::finish;
use crate::error::Error;
use crate::migrator::Work;
use crate::report::Direction;
use crate::session::Session;
use crate::steps;
use crate::tracking;

/// Runs a migration one step at a time, recording progress after each step: MySQL (DDL commits implicitly) and
/// PostgreSQL migrations declared `transaction = none`.
pub(super) async fn run_stepwise(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
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
    session.set_lock_timeout(false).await?;
    let result = stepwise_body(session, work, start, started).await;
    session.reset_lock_timeout().await;
    result
}

async fn stepwise_body(
    session: &mut Session<'_>,
    work: &Work,
    start: usize,
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
        if session.backend() == Backend::Postgres
            && let Some(index) = steps::concurrent_index(step, &work.ops)
            && recover_index(session, index).await?
            && interrupted
        {
            tracing::info!(index, "the index of the interrupted step is valid; skipping the step");
            continue;
        }
        if let Err(cause) = session.exec_step(work, step).await {
            if interrupted && session.backend() == Backend::MySql && already_done(&cause) {
                tracing::warn!(
                    version = work.version,
                    step = i + 1,
                    error = %cause,
                    "the interrupted step had taken effect; continuing after it"
                );
            } else {
                return Err(step_failed(session, work, i, cause, started).await);
            }
        }
        if work.direction == Direction::Up {
            session.set_progress(work.version, i + 1).await?;
        }
    }
    finish(session, work, started.elapsed()).await?;
    Ok(Outcome::Ran(started.elapsed()))
}

/// Whether a MySQL DDL error says the statement's effect is already there (table, column or key exists; or, for a
/// drop, is gone): DDL commits on its own, so a process that died right after it left no progress for it.
fn already_done(error: &Error) -> bool {
    let Error::StatementFailed { source, .. } = error else {
        return false;
    };
    source
        .as_database_error()
        .and_then(|db| db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>())
        // ER_TABLE_EXISTS_ERROR, ER_BAD_TABLE_ERROR, ER_DUP_FIELDNAME, ER_DUP_KEYNAME, ER_CANT_DROP_FIELD_OR_KEY.
        .is_some_and(|my| matches!(my.number(), 1050 | 1051 | 1060 | 1061 | 1091))
}

/// Checks an index a crashed `CREATE INDEX CONCURRENTLY` may have left: drops it when INVALID. Returns whether a
/// valid index of that name exists.
async fn recover_index(session: &mut Session<'_>, index: &str) -> Result<bool, Error> {
    let query = (
        "SELECT i.indisvalid::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = $1 AND pg_table_is_visible(c.oid)"
            .to_owned(),
        SqlxValues(Values(vec![Value::from(index)])),
    );
    match session.conn.fetch_i64(query).await? {
        Some(1) => Ok(true),
        Some(_) => {
            tracing::warn!(
                index,
                "dropping the INVALID index left by an interrupted CREATE INDEX CONCURRENTLY"
            );
            let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", session.tracking.quote(index));
            session.conn.execute(&sql).await?;
            Ok(false)
        }
        None => Ok(false),
    }
}

/// Handles a failed step outside a transaction: compensation on MySQL, a resumable failure on PostgreSQL.
async fn step_failed(session: &mut Session<'_>, work: &Work, failed: usize, cause: Error, started: Instant) -> Error {
    let statement = work.steps[failed].describe();
    let total = work.steps.len();
    if session.backend() != Backend::MySql || work.ops.is_empty() {
        let error = Error::StepFailed {
            version: work.version,
            name: work.name.clone(),
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
