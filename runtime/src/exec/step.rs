//! One step of a migration: a statement, an assertion, a parity checkpoint, a backfill, or a SQLite table rebuild
//! resolved against the live table.

use lockgate_dsl::render::Step;

use crate::backend::LiveError;
use crate::error::Error;
use crate::script::{Script, ScriptError};
use crate::session::Session;
use crate::steps::ExecStep;
use crate::work::Work;

/// Runs one step of a migration.
pub(super) async fn exec_step(session: &mut Session<'_>, work: &Work, step: &ExecStep) -> Result<(), Error> {
    let result = run_step(session, work, step).await;
    if result.is_ok() {
        fail::fail_point!("step-executed");
    }
    result
}

/// A statement of ours that goes ahead of a step.
pub(super) enum Prefix {
    /// The tracking row, written out.
    Tracking(String),
    /// Opens a transaction for the step.
    Begin,
}

/// Why a step sent after prefixes failed.
pub(super) enum AfterError {
    /// A prefix failed: the step did not run.
    Prefix(Error),
    /// The step failed.
    Step(Error),
}

/// Runs `before`, then one step, in one round trip where the step is a statement and the backend opens
/// transactions with a plain statement; one by one otherwise.
pub(super) async fn exec_step_after(
    session: &mut Session<'_>,
    work: &Work,
    step: &ExecStep,
    before: Vec<Prefix>,
) -> Result<(), AfterError> {
    let begin = session.driver.begin_sql();
    let sql = match &step.step {
        Step::Sql { sql, .. } if begin.is_some() || !before.iter().any(|p| matches!(p, Prefix::Begin)) => sql,
        _ => {
            for prefix in before {
                match prefix {
                    Prefix::Begin => session.begin().await.map_err(AfterError::Prefix)?,
                    Prefix::Tracking(sql) => session
                        .driver
                        .conn()
                        .execute(&sql)
                        .await
                        .map_err(|source| AfterError::Prefix(tracking_write(source)))?,
                }
            }
            return exec_step(session, work, step).await.map_err(AfterError::Step);
        }
    };
    let mut script = Script::default();
    let mut begins = None;
    for prefix in before {
        match prefix {
            Prefix::Tracking(sql) => script.push_counted(sql, 1),
            Prefix::Begin => *begins.insert(script.push_counted(begin.unwrap_or("BEGIN"), 1)),
        };
    }
    let step_part = script.push(sql.as_str());
    match session.driver.conn().run_script(&script).await {
        Ok(_) => {
            fail::fail_point!("step-executed");
            Ok(())
        }
        Err(ScriptError { part, source }) if part == step_part => Err(AfterError::Step(Error::StatementFailed {
            migration: work.id(),
            statement: sql.clone(),
            source,
        })),
        Err(ScriptError { part, source }) if Some(part) == begins => Err(AfterError::Prefix(Error::Database(source))),
        Err(ScriptError { source, .. }) => Err(AfterError::Prefix(tracking_write(source))),
    }
}

fn tracking_write(source: sqlx::Error) -> Error {
    Error::Tracking {
        action: "write",
        source,
    }
}

async fn run_step(session: &mut Session<'_>, work: &Work, step: &ExecStep) -> Result<(), Error> {
    match &step.step {
        Step::Sql { sql, .. } => session
            .driver
            .conn()
            .execute(sql)
            .await
            .map_err(|source| Error::StatementFailed {
                migration: work.id(),
                statement: sql.clone(),
                source,
            }),
        Step::Assert { query, message } => match session.driver.conn().fetch_truth(query).await {
            Ok(Some(true)) => Ok(()),
            Ok(_) => Err(Error::AssertionFailed {
                migration: work.id(),
                message: message.clone(),
                query: query.clone(),
            }),
            Err(source) => Err(Error::StatementFailed {
                migration: work.id(),
                statement: query.clone(),
                source,
            }),
        },
        Step::Parity { left, right, message } => super::parity::check(session, work, left, right, message).await,
        Step::Backfill(backfill) => {
            let index = work.steps.iter().position(|s| std::ptr::eq(s, step)).unwrap_or(0);
            super::backfill::run(session, work, index, backfill).await
        }
        Step::Rebuild(rebuild) => {
            let live = session.driver.live_table(rebuild).await.map_err(|e| match e {
                LiveError::Render(source) => Error::Render {
                    migration: work.id(),
                    source,
                },
                LiveError::Database { query, source } => Error::StatementFailed {
                    migration: work.id(),
                    statement: query.to_owned(),
                    source,
                },
                LiveError::Unsupported { backend, table } => Error::Plan {
                    migration: Some(work.id()),
                    reason: format!("{backend} cannot rebuild table `{table}`: only SQLite rebuilds tables"),
                },
            })?;
            let statements = rebuild.statements(&live).map_err(|source| Error::Render {
                migration: work.id(),
                source,
            })?;
            for sql in statements {
                session
                    .driver
                    .conn()
                    .execute(&sql)
                    .await
                    .map_err(|source| Error::StatementFailed {
                        migration: work.id(),
                        statement: sql.clone(),
                        source,
                    })?;
            }
            Ok(())
        }
    }
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
        Step::Backfill(backfill) => vec![backfill.to_string()],
        Step::Parity { left, right, message } => {
            vec![
                format!("-- parity: {}\n{left}", message.replace('\n', " ")),
                right.clone(),
            ]
        }
        Step::Rebuild(rebuild) => match session.driver.live_table(rebuild).await {
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
