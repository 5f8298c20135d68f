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
    // A `running` row committed beforehand shows a crashed run in `status` (the transaction itself leaves no
    // trace). It is only informative: the run itself re-checks the row inside its transaction, so a row left by
    // a dead process, or by a live one about to start, never makes a migration run twice.
    if works.len() == 1 && works[0].direction == Direction::Up {
        let work = &works[0];
        if sqlite {
            if !mark_running_sqlite(session, work).await? {
                return Ok(Outcome::AlreadyDone);
            }
        } else {
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

/// SQLite: writes the `running` row under the write lock, unless another process applied the migration
/// meanwhile (then `false`).
async fn mark_running_sqlite(session: &mut Session<'_>, work: &Work) -> Result<bool, Error> {
    session.begin().await?;
    let result = async {
        if applied_already(session, work).await? {
            return Ok(false);
        }
        session.write_row(work, tracking::RUNNING, 0, Duration::ZERO).await?;
        Ok(true)
    }
    .await;
    match result {
        Ok(true) => {
            session.commit().await.map_err(Error::Database)?;
            Ok(true)
        }
        other => {
            session.rollback().await;
            other
        }
    }
}

/// Re-reads the tracking row under the write lock: whether the migration is applied already, refusing when it
/// was applied with another checksum.
async fn applied_already(session: &mut Session<'_>, work: &Work) -> Result<bool, Error> {
    let row = session.read_row(work.version).await?;
    let Some(row) = row.filter(|r| r.status == tracking::APPLIED) else {
        return Ok(false);
    };
    if row.checksum != work.checksum {
        return Err(Error::ChecksumMismatch {
            version: work.version,
            name: work.name.clone(),
            stored: row.checksum,
            current: work.checksum.clone(),
        });
    }
    Ok(true)
}

/// The body of one migration inside the transaction; `false` when there was nothing to do.
async fn run_in_transaction(session: &mut Session<'_>, work: &Work, sqlite: bool) -> Result<bool, Error> {
    if sqlite {
        // The write lock is held now: re-read, another process may have run this migration meanwhile.
        let applied = match work.direction {
            Direction::Up => applied_already(session, work).await?,
            Direction::Down => {
                let row = session.read_row(work.version).await?;
                row.is_some_and(|r| r.status == tracking::APPLIED)
            }
        };
        if applied == (work.direction == Direction::Up) {
            return Ok(false);
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
