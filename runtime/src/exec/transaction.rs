//! Migrations in one transaction with their tracking rows: PostgreSQL and SQLite.

use std::time::{Duration, Instant};

use lockgate_dsl::Backend;

use super::Outcome;
use super::step::has_rebuild;
use crate::error::Error;
use crate::migrator::Work;
use crate::report::Direction;
use crate::session::Session;
use crate::tracking;

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
    super::started(session, work);
    if session.backend() == Backend::Postgres {
        session.set_lock_timeout(true).await?;
    }
    for step in &work.steps {
        session.exec_step(work, step).await?;
    }
    Ok(true)
}

/// Writes the tracking row and the history row of a finished migration.
pub(super) async fn finish(session: &mut Session<'_>, work: &Work, elapsed: Duration) -> Result<(), Error> {
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
