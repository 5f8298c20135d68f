//! Session settings around a migration: read each variable, set it, run, and put back what was there.

use lockgate_dsl::Backend;
use lockgate_dsl::render::quote_literal;
use lockgate_dsl::session::SessionSetting;

use crate::conn::bound;
use crate::error::Error;
use crate::session::Session;
use crate::work::Work;

/// What a variable held before a migration changed it.
pub(crate) struct Prior {
    name: String,
    value: Option<String>,
}

/// Refuses, before anything runs, a setting the backend cannot apply.
pub(crate) fn check(works: &[Work], backend: Backend) -> Result<(), Error> {
    for work in works {
        for setting in &work.session {
            let reason = match setting {
                SessionSetting::ForeignKeysOff if backend == Backend::Postgres => Some(
                    "postgres cannot turn foreign keys off for a session: declare the constraints `DEFERRABLE` \
                     and run `SET CONSTRAINTS ALL DEFERRED` in the migration, or leave `foreign_keys = false` to \
                     the backends that have the switch (MySQL, SQLite)"
                        .to_owned(),
                ),
                other => other.problem(),
            };
            if let Some(reason) = reason {
                return Err(Error::Plan {
                    migration: Some(work.id()),
                    reason: format!("session setting `{setting}`: {reason}"),
                });
            }
        }
    }
    Ok(())
}

/// The variable a setting sets on `backend`, and its value as SQL; `None` where the runner handles it (SQLite's
/// foreign keys, switched around the transaction and checked before it commits).
fn variable(setting: &SessionSetting, backend: Backend) -> Option<(&str, &str)> {
    match setting {
        SessionSetting::ForeignKeysOff if backend == Backend::MySql => Some(("foreign_key_checks", "0")),
        SessionSetting::ForeignKeysOff => None,
        SessionSetting::Set { name, value, .. } => Some((name, value)),
    }
}

/// Whether the migrations need foreign keys off around their transaction (SQLite).
pub(super) fn foreign_keys_off(works: &[Work]) -> bool {
    works
        .iter()
        .any(|w| w.session.contains(&SessionSetting::ForeignKeysOff))
}

/// Sets the variables of `works`' settings, returning what they held.
pub(crate) async fn apply(session: &mut Session<'_>, works: &[Work]) -> Result<Vec<Prior>, Error> {
    let backend = session.backend();
    let mut priors: Vec<Prior> = Vec::new();
    for work in works {
        for setting in &work.session {
            let Some((name, value)) = variable(setting, backend) else {
                continue;
            };
            let (name, write) = (name.to_owned(), write_sql(backend, name, value));
            if let Err((statement, source)) = set(session, &mut priors, name, write).await {
                let _ = restore(session, priors).await;
                return Err(Error::StatementFailed {
                    migration: work.id(),
                    statement,
                    source,
                });
            }
        }
    }
    Ok(priors)
}

/// Reads the variable `name` (once per run of settings), then runs `write`.
async fn set(
    session: &mut Session<'_>,
    priors: &mut Vec<Prior>,
    name: String,
    write: String,
) -> Result<(), (String, sqlx::Error)> {
    let backend = session.backend();
    if !priors.iter().any(|p| p.name == name) {
        let read = read_sql(backend, &name);
        let rows = match session.driver.conn().fetch_text(bound(&read, Vec::new())).await {
            Ok(rows) => rows,
            Err(e) => return Err((read, e)),
        };
        let value = rows.into_iter().next().and_then(|row| row.into_iter().next().flatten());
        priors.push(Prior { name, value });
    }
    tracing::debug!(sql = %write, "session setting");
    match session.driver.conn().execute(&write).await {
        Ok(()) => Ok(()),
        Err(e) => Err((write, e)),
    }
}

/// Puts back what the variables held. A failure closes the connection rather than pool it with a setting left
/// on, and is returned so that the run stops there (the migration's own outcome is already recorded).
pub(crate) async fn restore(session: &mut Session<'_>, priors: Vec<Prior>) -> Result<(), (String, sqlx::Error)> {
    let backend = session.backend();
    let mut first_failure = None;
    for prior in priors.into_iter().rev() {
        let Some(value) = prior.value else { continue };
        let write = match backend {
            // `set_config` reads the value as the configuration file would (a list stays a list).
            Backend::Postgres => format!(
                "SELECT set_config('{}', {}, false)",
                prior.name,
                quote_literal(backend, &value)
            ),
            _ => write_sql(backend, &prior.name, &literal(backend, &value)),
        };
        if let Err(e) = session.driver.conn().execute(&write).await {
            tracing::warn!(error = %e, sql = %write, "putting a session setting back failed; the connection is closed");
            session.driver.conn().close_on_drop();
            first_failure.get_or_insert((write, e));
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// Puts the settings back after `result`, which a failure to put them back turns into an error of `work`'s.
pub(crate) async fn restore_after<T>(
    session: &mut Session<'_>,
    priors: Vec<Prior>,
    work: &Work,
    result: Result<T, Error>,
) -> Result<T, Error> {
    match (restore(session, priors).await, result) {
        (Err((statement, source)), Ok(_)) => Err(Error::StatementFailed {
            migration: work.id(),
            statement,
            source,
        }),
        (_, result) => result,
    }
}

fn read_sql(backend: Backend, name: &str) -> String {
    match backend {
        Backend::Postgres => format!("SELECT current_setting('{name}')"),
        Backend::MySql => format!("SELECT CAST(@@SESSION.{name} AS CHAR)"),
        Backend::Sqlite => format!("SELECT CAST({name} AS TEXT) FROM pragma_{name}"),
    }
}

fn write_sql(backend: Backend, name: &str, value: &str) -> String {
    match backend {
        Backend::Postgres => format!("SET {name} TO {value}"),
        Backend::MySql => format!("SET SESSION {name} = {value}"),
        Backend::Sqlite => format!("PRAGMA {name} = {value}"),
    }
}

/// A value read back, as SQL: numbers as they are, anything else quoted.
fn literal(backend: Backend, value: &str) -> String {
    if !value.is_empty() && value.parse::<i64>().is_ok() {
        return value.to_owned();
    }
    quote_literal(backend, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_are_written_as_sql() {
        assert_eq!(literal(Backend::MySql, "1"), "1");
        assert_eq!(literal(Backend::MySql, "ON"), "'ON'");
        assert_eq!(literal(Backend::Postgres, "it's"), r"E'it\'s'");
        assert_eq!(literal(Backend::MySql, "a\\b"), "'a\\\\b'");
        assert_eq!(literal(Backend::Sqlite, ""), "''");
        assert_eq!(quote_literal(Backend::Postgres, "0"), "'0'");
    }
}
