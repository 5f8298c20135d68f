//! Transactional migrations sent whole: the transaction, every statement, the tracking and history rows and the
//! commit in one round trip (PostgreSQL). The effect and its record commit together or not at all.

use std::time::{Duration, Instant};

use lockgate_dsl::render::Step;

use super::Outcome;
use crate::error::Error;
use crate::report::Direction;
use crate::script::{Script, ScriptError};
use crate::session::Session;
use crate::tracking;
use crate::work::Work;

/// What one part of the script is, to name what failed.
enum Part {
    Begin,
    /// The moment a migration starts, for its duration.
    Mark,
    Step {
        work: usize,
        sql: String,
    },
    Record {
        work: usize,
    },
    Commit,
}

/// The script for `works`, or `None` when they cannot be sent whole: the backend runs no scripts, or a step
/// needs the client between statements (an assertion reads a result, a SQLite rebuild reads the catalog).
fn script_for(session: &Session<'_>, works: &[Work]) -> Option<(Script, Vec<Part>)> {
    let dialect = session.tracking.dialect.script.as_ref()?;
    let plain = works.iter().flat_map(|w| &w.steps).all(|s| {
        matches!(
            s.step,
            Step::Sql {
                outside_transaction: false,
                ..
            }
        )
    });
    if !plain {
        return None;
    }
    let mut script = Script::default();
    let mut parts = Vec::new();
    script.push_counted((dialect.begin)(session.settings.lock_timeout), 2);
    parts.push(Part::Begin);
    // One migration is timed from the moment the script arrives; several, each from a mark of its own.
    let elapsed = if works.len() == 1 {
        dialect.elapsed_since_start
    } else {
        dialect.elapsed_since_mark
    };
    for (index, work) in works.iter().enumerate() {
        if works.len() > 1 {
            script.push_counted(dialect.mark_start, 1);
            parts.push(Part::Mark);
        }
        for step in &work.steps {
            if let Step::Sql { sql, .. } = &step.step {
                script.push(sql.as_str());
                parts.push(Part::Step {
                    work: index,
                    sql: sql.clone(),
                });
            }
        }
        script.push_counted(record(session, work, elapsed)?, 1);
        parts.push(Part::Record { work: index });
    }
    script.push_counted("COMMIT", 1);
    parts.push(Part::Commit);
    Some((script, parts))
}

/// The tracking and history rows a finished migration writes (as `finish` writes them one by one), as one
/// statement.
fn record(session: &Session<'_>, work: &Work, elapsed: &'static str) -> Option<String> {
    let tracking = &session.tracking;
    let (row, outcome) = match work.direction {
        Direction::Up if work.skipped => (
            tracking.upsert_inline(&session.row(work, tracking::SKIPPED, 0, Duration::ZERO), elapsed)?,
            "skipped",
        ),
        Direction::Up => (
            tracking.upsert_inline(
                &session.row(work, tracking::APPLIED, work.steps.len(), Duration::ZERO),
                elapsed,
            )?,
            "applied",
        ),
        Direction::Down => (tracking.delete_inline(work.version)?, "reverted"),
    };
    let history = tracking.history_inline(&session.history_row(work, outcome, None, Duration::ZERO), elapsed)?;
    Some((tracking.dialect.script.as_ref()?.together)(&row, &history))
}

/// Runs `works` as one script when they can be sent whole; `None` when they cannot (the caller runs them
/// statement by statement).
pub(super) async fn run_batched(session: &mut Session<'_>, works: &[Work]) -> Option<Result<Outcome, Error>> {
    let (script, parts) = script_for(session, works)?;
    let started = Instant::now();
    for work in works {
        super::started(session, work);
    }
    // Nothing has reached the server yet: a crash here leaves the database as it was.
    fail::fail_point!("before-commit");
    let result = session.driver.conn().run_script(&script).await;
    Some(match result {
        Ok(recorded) => {
            for _ in works.iter().flat_map(|w| &w.steps) {
                // Everything committed: a crash from here on must find every migration applied.
                fail::fail_point!("step-executed");
            }
            let durations = if recorded.len() == works.len() {
                recorded
                    .iter()
                    .map(|&ms| Duration::from_millis(ms.max(0).unsigned_abs()))
                    .collect()
            } else {
                vec![started.elapsed(); works.len()]
            };
            Ok(Outcome::Ran(durations))
        }
        Err(ScriptError { part, source }) => Err(failed(session, works, &parts, part, source, started).await),
    })
}

/// Ends the transaction a failed script left open and records the failure of the migration it was running.
async fn failed(
    session: &mut Session<'_>,
    works: &[Work],
    parts: &[Part],
    part: usize,
    source: sqlx::Error,
    started: Instant,
) -> Error {
    let part = parts.get(part).unwrap_or(&Part::Commit);
    // A failed COMMIT ended the transaction itself; anything else left it open and aborted.
    if !matches!(part, Part::Commit) {
        session.rollback().await;
    }
    let (error, failing) = match part {
        Part::Begin | Part::Mark => (Error::Database(source), None),
        Part::Step { work, sql } => (
            Error::StatementFailed {
                migration: works[*work].id(),
                statement: sql.clone(),
                source,
            },
            Some(*work),
        ),
        Part::Record { work } => (
            Error::Tracking {
                action: "write",
                source,
            },
            Some(*work),
        ),
        Part::Commit => (Error::Database(source), None),
    };
    let elapsed = started.elapsed();
    match failing {
        Some(index) => {
            session
                .record_failure(&works[index], "failed", &error, Some(0), elapsed)
                .await;
        }
        None => {
            for work in works {
                session.record_failure(work, "failed", &error, Some(0), elapsed).await;
            }
        }
    }
    error
}
