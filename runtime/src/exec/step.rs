//! One step of a migration: a statement, an assertion, or a SQLite table rebuild resolved against the live table.

use lockgate_dsl::render::{LiveTable, Step};
use sea_query::{Value, Values};
use sea_query_sqlx::SqlxValues;

use crate::error::Error;
use crate::migrator::Work;
use crate::session::Session;
use crate::steps::ExecStep;

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
