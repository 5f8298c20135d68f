//! Migrations in one transaction with their tracking rows: PostgreSQL and SQLite.

use std::time::{Duration, Instant};

use super::Outcome;
use super::batched;
use super::step::{exec_step, has_rebuild};
use crate::backend::Scope;
use crate::error::Error;
use crate::report::Direction;
use crate::session::Session;
use crate::tracking;
use crate::work::Work;

/// Runs migrations in one transaction together with their tracking rows (one migration, or all of them in
/// grouped mode). PostgreSQL and SQLite.
pub(crate) async fn run_transactional(session: &mut Session<'_>, works: &[Work]) -> Result<Outcome, Error> {
    let per_transaction = session.driver.locks_per_transaction();
    // Where the backend takes a script, the migration and its record travel in one round trip. Nothing is
    // written before the transaction: a run that dies leaves no row, which is the truth (nothing happened).
    if !per_transaction && let Some(result) = batched::run_batched(session, works).await {
        return result;
    }
    let started = Instant::now();
    // Foreign keys go off around the transaction for a table rebuild, or where a migration asks (SQLite).
    let rebuilds = has_rebuild(works) || super::settings::foreign_keys_off(works);
    let restore = if rebuilds {
        session.driver.before_rebuilds().await?
    } else {
        false
    };
    let result = transaction_body(session, works, per_transaction, rebuilds, started).await;
    if rebuilds {
        session.driver.after_rebuilds(restore).await;
    }
    result
}

async fn transaction_body(
    session: &mut Session<'_>,
    works: &[Work],
    per_transaction: bool,
    rebuilds: bool,
    started: Instant,
) -> Result<Outcome, Error> {
    session.begin().await?;
    let mut ran = 0;
    let mut durations = Vec::with_capacity(works.len());
    for work in works {
        let step_started = Instant::now();
        let mut elapsed = Duration::ZERO;
        let result = match run_in_transaction(session, work, per_transaction).await {
            Ok(true) => {
                elapsed = step_started.elapsed();
                finish(session, work, elapsed).await.map(|()| true)
            }
            other => other,
        };
        durations.push(elapsed);
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
    if rebuilds && let Err(e) = check_rebuilds(session, &works[0]).await {
        session.rollback().await;
        for work in works {
            session
                .record_failure(work, "failed", &e, Some(0), started.elapsed())
                .await;
        }
        return Err(e);
    }
    fail::fail_point!("before-commit");
    if let Err(source) = session.commit().await {
        let e = Error::Database(source);
        for work in works {
            session
                .record_failure(work, "failed", &e, Some(0), started.elapsed())
                .await;
        }
        return Err(e);
    }
    Ok(Outcome::Ran(durations))
}

/// Re-reads the tracking row under the write lock: whether the migration is applied already, refusing when it
/// was applied with another checksum.
async fn applied_already(session: &mut Session<'_>, work: &Work) -> Result<bool, Error> {
    let row = session.read_row(work.version).await?;
    let done = if work.skipped {
        tracking::SKIPPED
    } else {
        tracking::APPLIED
    };
    let Some(row) = row.filter(|r| r.status == done) else {
        return Ok(false);
    };
    if row.checksum != work.checksum {
        return Err(Error::ChecksumMismatch {
            migration: work.id(),
            stored: row.checksum,
            current: work.checksum.clone(),
        });
    }
    Ok(true)
}

/// The body of one migration inside the transaction; `false` when there was nothing to do.
async fn run_in_transaction(session: &mut Session<'_>, work: &Work, per_transaction: bool) -> Result<bool, Error> {
    if per_transaction {
        // The write lock is held now: re-read, another process may have run this migration meanwhile.
        let applied = match work.direction {
            Direction::Up => applied_already(session, work).await?,
            Direction::Down => {
                let row = session.read_row(work.version).await?;
                row.is_some_and(|r| r.status == tracking::APPLIED || r.status == tracking::SKIPPED)
            }
        };
        if applied == (work.direction == Direction::Up) {
            return Ok(false);
        }
    }
    super::started(session, work);
    session.set_lock_timeout(Scope::Transaction).await?;
    for step in &work.steps {
        exec_step(session, work, step).await?;
    }
    Ok(true)
}

/// Writes the tracking row and the history row of a finished migration.
pub(super) async fn finish(session: &mut Session<'_>, work: &Work, elapsed: Duration) -> Result<(), Error> {
    match work.direction {
        Direction::Up if work.skipped => {
            session.write_row(work, tracking::SKIPPED, 0, elapsed).await?;
            session.history(work, "skipped", None, elapsed).await
        }
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

/// Fails when a table rebuild (or a migration run with foreign keys off) left rows that break a foreign key.
async fn check_rebuilds(session: &mut Session<'_>, work: &Work) -> Result<(), Error> {
    match session.driver.check_rebuilds().await {
        Ok((0, _)) => Ok(()),
        Ok((broken, query)) => Err(Error::AssertionFailed {
            migration: work.id(),
            message: format!("with foreign keys off, the migration left {broken} row(s) that break a foreign key"),
            query: query.to_owned(),
        }),
        Err((query, source)) => Err(Error::StatementFailed {
            migration: work.id(),
            statement: query.to_owned(),
            source,
        }),
    }
}
