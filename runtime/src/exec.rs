//! Running one migration: in a transaction where DDL is transactional, step by step with recorded progress
//! where it is not (or where the migration asks for no transaction), with compensation on MySQL.

use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Inverse;
use lockgate_dsl::render::{self, LiveTable, Step};
use sea_query::{Value, Values};
use sea_query_sqlx::SqlxValues;

use crate::error::{Error, FailedUndo};
use crate::report::{Direction, Event};
use crate::session::{Session, Work};
use crate::steps::{self, ExecStep};
use crate::tracking;

/// What running a migration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It ran, in this long.
    Ran(Duration),
    /// Another migrator ran it first (SQLite, where the check happens inside the write transaction).
    AlreadyDone,
}

/// Runs one migration, retrying with exponential backoff when (and only when) it hit a lock timeout.
pub(crate) async fn run(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
    let migrator = session.migrator;
    let mut attempt = 0;
    loop {
        migrator.emit(Event::Started {
            version: work.version,
            name: work.name.clone(),
            direction: work.direction,
        });
        tracing::info!(version = work.version, name = %work.name, direction = %work.direction, "running migration");
        let result = run_once(session, work).await;
        match result {
            Ok(Outcome::Ran(duration)) => {
                tracing::info!(version = work.version, ?duration, direction = %work.direction, "migration done");
                migrator.emit(Event::Finished {
                    version: work.version,
                    name: work.name.clone(),
                    direction: work.direction,
                    duration,
                });
                return Ok(Outcome::Ran(duration));
            }
            Ok(Outcome::AlreadyDone) => {
                tracing::info!(version = work.version, "another migrator ran this migration first");
                return Ok(Outcome::AlreadyDone);
            }
            Err(e) if e.is_lock_timeout() && attempt < migrator.lock_retries => {
                attempt += 1;
                let delay = Duration::from_millis(200) * 2u32.saturating_pow(attempt - 1);
                tracing::warn!(version = work.version, attempt, ?delay, error = %e, "lock timeout; retrying");
                migrator.emit(Event::Retrying {
                    version: work.version,
                    name: work.name.clone(),
                    attempt,
                    delay,
                });
                tokio::time::sleep(delay).await;
            }
            Err(e) => {
                tracing::error!(version = work.version, error = %e, "migration failed");
                return Err(e);
            }
        }
    }
}

async fn run_once(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
    match session.backend() {
        Backend::MySql => run_stepwise(session, work).await,
        Backend::Postgres if !work.transactional => run_stepwise(session, work).await,
        Backend::Postgres | Backend::Sqlite => run_transactional(session, std::slice::from_ref(work)).await,
    }
}

/// Runs migrations in one transaction together with their tracking rows (one migration, or all of them in
/// grouped mode). PostgreSQL and SQLite.
pub(crate) async fn run_transactional(session: &mut Session<'_>, works: &[Work]) -> Result<Outcome, Error> {
    let started = Instant::now();
    let sqlite = session.backend() == Backend::Sqlite;
    // On PostgreSQL a `running` row committed beforehand shows a crashed run in `status`; the advisory lock tells
    // the next run it is stale. SQLite has no such lock, and its journal rolls a crashed run back anyway.
    if !sqlite && works.len() == 1 {
        for work in works.iter().filter(|w| w.direction == Direction::Up) {
            session.write_row(work, tracking::RUNNING, 0, Duration::ZERO).await?;
        }
    }
    let foreign_keys = if sqlite && has_rebuild(works) {
        session.foreign_keys_off().await?
    } else {
        false
    };
    let result = transaction_body(session, works, sqlite, started).await;
    if foreign_keys {
        session.foreign_keys_on().await;
    }
    result
}

async fn transaction_body(
    session: &mut Session<'_>,
    works: &[Work],
    sqlite: bool,
    started: Instant,
) -> Result<Outcome, Error> {
    session.begin().await?;
    let mut ran = 0;
    for work in works {
        let step_started = Instant::now();
        let result = match run_in_transaction(session, work, sqlite).await {
            Ok(true) => finish(session, work, step_started.elapsed()).await.map(|()| true),
            other => other,
        };
        match result {
            Ok(true) => ran += 1,
            Ok(false) => {}
            Err(e) => {
                session.rollback().await;
                session
                    .record_failure(work, "failed", &e, Some(0), step_started.elapsed())
                    .await;
                return Err(e);
            }
        }
    }
    if ran == 0 {
        session.rollback().await;
        return Ok(Outcome::AlreadyDone);
    }
    if sqlite
        && has_rebuild(works)
        && let Err(e) = session.check_foreign_keys(&works[0]).await
    {
        session.rollback().await;
        for work in works {
            session
                .record_failure(work, "failed", &e, Some(0), started.elapsed())
                .await;
        }
        return Err(e);
    }
    if let Err(source) = session.commit().await {
        let e = Error::Database(source);
        for work in works {
            session
                .record_failure(work, "failed", &e, Some(0), started.elapsed())
                .await;
        }
        return Err(e);
    }
    Ok(Outcome::Ran(started.elapsed()))
}

/// The body of one migration inside the transaction; `false` when there was nothing to do.
async fn run_in_transaction(session: &mut Session<'_>, work: &Work, sqlite: bool) -> Result<bool, Error> {
    if sqlite {
        // The write lock is held now: re-read, another process may have run this migration meanwhile.
        let row = session.read_row(work.version).await?;
        let applied = row.as_ref().is_some_and(|r| r.status == tracking::APPLIED);
        match work.direction {
            Direction::Up if applied => {
                let row = row.as_ref().map(|r| r.checksum.as_str()).unwrap_or_default();
                if row != work.checksum {
                    return Err(Error::ChecksumMismatch {
                        version: work.version,
                        name: work.name.clone(),
                        stored: row.to_owned(),
                        current: work.checksum.clone(),
                    });
                }
                return Ok(false);
            }
            Direction::Down if !applied => return Ok(false),
            _ => {}
        }
    }
    if session.backend() == Backend::Postgres {
        session.set_lock_timeout(true).await?;
    }
    for step in &work.steps {
        session.exec_step(work, step).await?;
    }
    Ok(true)
}

/// Writes the tracking row and the history row of a finished migration.
async fn finish(session: &mut Session<'_>, work: &Work, elapsed: Duration) -> Result<(), Error> {
    match work.direction {
        Direction::Up => {
            session
                .write_row(work, tracking::APPLIED, work.steps.len(), elapsed)
                .await?;
            session.history(work, "applied", None, elapsed).await
        }
        Direction::Down => {
            session.delete_row(work.version).await?;
            session.history(work, "reverted", None, elapsed).await
        }
    }
}

/// Runs a migration one step at a time, recording progress after each step: MySQL (DDL commits implicitly) and
/// PostgreSQL migrations declared `transaction = none`.
async fn run_stepwise(session: &mut Session<'_>, work: &Work) -> Result<Outcome, Error> {
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
        if session.backend() == Backend::Postgres
            && let Some(index) = steps::concurrent_index(step, &work.ops)
            && recover_index(session, index).await?
            && i == start
            && start > 0
        {
            tracing::info!(index, "the index of the interrupted step is valid; skipping the step");
            continue;
        }
        if let Err(cause) = session.exec_step(work, step).await {
            return Err(step_failed(session, work, i, cause, started).await);
        }
        if work.direction == Direction::Up {
            session.set_progress(work.version, i + 1).await?;
        }
    }
    finish(session, work, started.elapsed()).await?;
    Ok(Outcome::Ran(started.elapsed()))
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

/// Undoes, newest first, the operations whose steps all ran before step `failed`, by running their inverses.
async fn compensate(
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
            Inverse::Irreversible(reason) => Err(reason.to_owned()),
            Inverse::Op(inverse) => render::render(&inverse, Backend::MySql).map_err(|e| e.to_string()),
        };
        let result = match statements {
            Ok(statements) => undo_steps(session, work, &statements, &mut undone).await,
            Err(reason) => Err((
                planned.op.describe(),
                sqlx::Error::Protocol(format!("no inverse: {reason}")),
            )),
        };
        if let Err((failed_undo, undo_error)) = result {
            let still_applied = work.steps[..progress].iter().map(ExecStep::describe).collect();
            let error = Error::CompensationFailed {
                version: work.version,
                name: work.name.clone(),
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
        version: work.version,
        name: work.name.clone(),
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
) -> Result<(), (String, sqlx::Error)> {
    for step in statements {
        let exec = ExecStep {
            op: None,
            step: step.clone(),
        };
        let text = exec.describe();
        match session.exec_step(work, &exec).await {
            Ok(()) => undone.push(text),
            Err(Error::StatementFailed { source, .. }) => return Err((text, source)),
            Err(other) => return Err((text, sqlx::Error::Protocol(other.to_string()))),
        }
    }
    Ok(())
}

/// Runs one step of a migration.
pub(crate) async fn exec_step(session: &mut Session<'_>, work: &Work, step: &ExecStep) -> Result<(), Error> {
    match &step.step {
        Step::Sql { sql, .. } => session
            .conn
            .execute(sql)
            .await
            .map_err(|source| Error::StatementFailed {
                version: work.version,
                name: work.name.clone(),
                statement: sql.clone(),
                source,
            }),
        Step::Assert { query, message } => match session.conn.fetch_truth(query).await {
            Ok(Some(true)) => Ok(()),
            Ok(_) => Err(Error::AssertionFailed {
                version: work.version,
                name: work.name.clone(),
                message: message.clone(),
                query: query.clone(),
            }),
            Err(source) => Err(Error::StatementFailed {
                version: work.version,
                name: work.name.clone(),
                statement: query.clone(),
                source,
            }),
        },
        Step::Rebuild(rebuild) => {
            let live = live_table(session, &rebuild.table).await.map_err(|e| match e {
                LiveError::Render(source) => Error::Render {
                    version: work.version,
                    name: work.name.clone(),
                    source,
                },
                LiveError::Database(source) => Error::StatementFailed {
                    version: work.version,
                    name: work.name.clone(),
                    statement: MASTER_QUERY.to_owned(),
                    source,
                },
            })?;
            let statements = rebuild.statements(&live).map_err(|source| Error::Render {
                version: work.version,
                name: work.name.clone(),
                source,
            })?;
            for sql in statements {
                session
                    .conn
                    .execute(&sql)
                    .await
                    .map_err(|source| Error::StatementFailed {
                        version: work.version,
                        name: work.name.clone(),
                        statement: sql.clone(),
                        source,
                    })?;
            }
            Ok(())
        }
    }
}

const MASTER_QUERY: &str = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?";

enum LiveError {
    Render(lockgate_dsl::render::RenderError),
    Database(sqlx::Error),
}

/// Reads a SQLite table's definition and its indexes and triggers from `sqlite_master`.
async fn live_table(session: &mut Session<'_>, table: &str) -> Result<LiveTable, LiveError> {
    let query = (MASTER_QUERY.to_owned(), SqlxValues(Values(vec![Value::from(table)])));
    let rows = session.conn.fetch_text(query).await.map_err(LiveError::Database)?;
    let rows = rows.into_iter().map(|mut cols| {
        let sql = cols.pop().flatten();
        let name = cols.pop().flatten().unwrap_or_default();
        let kind = cols.pop().flatten().unwrap_or_default();
        (kind, name, sql)
    });
    LiveTable::from_master_rows(table, rows).map_err(LiveError::Render)
}

/// Whether any step rebuilds a SQLite table (foreign keys must be off around the transaction).
pub(crate) fn has_rebuild(works: &[Work]) -> bool {
    works
        .iter()
        .flat_map(|w| &w.steps)
        .any(|s| matches!(s.step, Step::Rebuild(_)))
}

/// The statements a step would run, as `plan` shows them; resolved against the live schema where they depend on it.
pub(crate) async fn describe_live(session: &mut Session<'_>, step: &ExecStep) -> Result<Vec<String>, Error> {
    Ok(match &step.step {
        Step::Sql {
            sql,
            outside_transaction: true,
        } => vec![format!("-- outside a transaction\n{sql}")],
        Step::Sql { sql, .. } => vec![sql.clone()],
        Step::Assert { query, message } => vec![format!("-- assert: {}\n{query}", message.replace('\n', " "))],
        Step::Rebuild(rebuild) => match live_table(session, &rebuild.table).await {
            // The table may not exist yet when an earlier pending migration creates it.
            Ok(live) => match rebuild.statements(&live) {
                Ok(statements) => {
                    let mut out = vec![format!(
                        "-- rebuild of {}, with PRAGMA foreign_keys=OFF around the transaction",
                        rebuild.table
                    )];
                    out.extend(statements);
                    out.push("PRAGMA foreign_key_check".to_owned());
                    out
                }
                Err(_) => vec![rebuild.describe()],
            },
            Err(_) => vec![rebuild.describe()],
        },
    })
}
