//! Functions (PostgreSQL) and triggers (all three).
//!
//! A PostgreSQL trigger calls a function; MySQL and SQLite triggers hold their statements in the trigger itself
//! and have no functions to call. So a trigger is written for one or the other ([`TriggerDef::new`] with a
//! function, [`TriggerDef::with_body`] with statements), and the backends that cannot run it refuse it with a
//! hint.

use super::quote::{check_name, quote_ident};
use super::{RenderError, Step, invalid, postgres_only, unsupported};
use crate::backend::Backend;
use crate::operation::Operation;
use crate::schema::{FunctionDef, TriggerDef, TriggerEvent};

const HINT: &str = "functions are rendered for PostgreSQL only; mark the migration \
                    `#[migration(backends = \"postgres\")]`";

const FUNCTION_TRIGGER_HINT: &str = "a trigger that calls a function is PostgreSQL's; on MySQL and SQLite a trigger \
                                     runs its own statements: write it with `TriggerDef::with_body` in a migration \
                                     for those backends, and mark this one `#[migration(backends = \"postgres\")]`";

const BODY_TRIGGER_HINT: &str = "a PostgreSQL trigger calls a function: `create_function` the body, then \
                                 `TriggerDef::new(table, name, function)`; mark this migration \
                                 `#[migration(backends = \"mysql, sqlite\")]`";

/// The dollar quote around every body; a body that holds it could end early.
const QUOTE: &str = "$lockgate$";

fn signature(f: &FunctionDef, backend: Backend) -> String {
    format!("{}({})", quote_ident(backend, &f.name), f.arguments)
}

pub(super) fn create_function(
    op: &Operation,
    f: &FunctionDef,
    or_replace: bool,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, HINT)?;
    check_name(backend, &f.name)?;
    if f.body.contains(QUOTE) {
        return Err(invalid(
            op,
            format!("its body holds `{QUOTE}`, the quote lockgate puts around bodies"),
        ));
    }
    if f.body.trim().is_empty() {
        return Err(invalid(op, "its body is empty; write what the function does"));
    }
    if !f.language.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || f.language.is_empty() {
        return Err(invalid(op, format!("`{}` is not a language name", f.language)));
    }
    Ok(vec![Step::sql(format!(
        "CREATE {}FUNCTION {} RETURNS {} LANGUAGE {} AS {QUOTE}{}{QUOTE}",
        if or_replace { "OR REPLACE " } else { "" },
        signature(f, backend),
        f.returns,
        f.language,
        f.body
    ))])
}

pub(super) fn drop_function(op: &Operation, f: &FunctionDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, HINT)?;
    check_name(backend, &f.name)?;
    Ok(vec![Step::sql(format!("DROP FUNCTION {}", signature(f, backend)))])
}

/// `CREATE OR REPLACE` where PostgreSQL can replace in place; a new name, signature or return type is a
/// different function to PostgreSQL, so the old one is dropped and the new one created, in the same transaction.
pub(super) fn replace_function(
    op: &Operation,
    from: &FunctionDef,
    to: &FunctionDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, HINT)?;
    if from.name == to.name && from.arguments == to.arguments && from.returns == to.returns {
        return create_function(op, to, true, backend);
    }
    let mut steps = drop_function(op, from, backend)?;
    steps.extend(create_function(op, to, false, backend)?);
    Ok(steps)
}

pub(super) fn create_trigger(op: &Operation, t: &TriggerDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_form(op, t, backend)?;
    if let Some(body) = &t.body {
        return create_body_trigger(op, t, body, backend);
    }
    check_name(backend, &t.name)?;
    check_name(backend, &t.table)?;
    check_name(backend, &t.function)?;
    if t.events.is_empty() {
        return Err(invalid(op, "it fires on no statement; list at least one event"));
    }
    if t.for_each_row && t.events.contains(&TriggerEvent::Truncate) {
        return Err(invalid(
            op,
            "TRUNCATE fires statement triggers only; use `for_each_statement()` or drop the event",
        ));
    }
    if !t.for_each_row
        && t.when
            .as_deref()
            .is_some_and(|w| w.contains("NEW.") || w.contains("OLD."))
    {
        return Err(invalid(
            op,
            "a statement trigger's condition cannot read `OLD` or `NEW`; make it a row trigger",
        ));
    }
    let events: Vec<&str> = t.events.iter().map(|e| e.sql()).collect();
    let when = t.when.as_deref().map(|w| format!(" WHEN ({w})")).unwrap_or_default();
    Ok(vec![Step::sql(format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH {}{when} EXECUTE FUNCTION {}()",
        quote_ident(backend, &t.name),
        t.timing.sql(),
        events.join(" OR "),
        quote_ident(backend, &t.table),
        if t.for_each_row { "ROW" } else { "STATEMENT" },
        quote_ident(backend, &t.function)
    ))])
}

pub(super) fn drop_trigger(op: &Operation, t: &TriggerDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_form(op, t, backend)?;
    check_name(backend, &t.name)?;
    Ok(vec![Step::sql(match backend {
        Backend::Postgres => format!(
            "DROP TRIGGER {} ON {}",
            quote_ident(backend, &t.name),
            quote_ident(backend, &t.table)
        ),
        // A MySQL or SQLite trigger's name is the schema's, not the table's.
        Backend::MySql | Backend::Sqlite => format!("DROP TRIGGER {}", quote_ident(backend, &t.name)),
    })])
}

/// A trigger calling a function runs on PostgreSQL only, one with a body anywhere else.
fn check_form(op: &Operation, t: &TriggerDef, backend: Backend) -> Result<(), RenderError> {
    match (t.body.is_some(), backend) {
        (false, Backend::Postgres) | (true, Backend::MySql | Backend::Sqlite) => Ok(()),
        (false, _) => Err(unsupported(op, backend, FUNCTION_TRIGGER_HINT)),
        (true, _) => Err(unsupported(op, backend, BODY_TRIGGER_HINT)),
    }
}

/// A MySQL or SQLite trigger: one event, for each row, its statements inline (SQLite's between `BEGIN` and `END`).
fn create_body_trigger(op: &Operation, t: &TriggerDef, body: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_name(backend, &t.name)?;
    check_name(backend, &t.table)?;
    let body = body.trim();
    if body.is_empty() {
        return Err(invalid(op, "its body is empty; write the statements the trigger runs"));
    }
    let event = match t.events.as_slice() {
        [TriggerEvent::Truncate] => {
            return Err(invalid(op, format!("{backend} triggers do not fire on TRUNCATE")));
        }
        [event] => event.sql(),
        _ => {
            return Err(invalid(
                op,
                format!("a {backend} trigger fires on one event; write one trigger per event"),
            ));
        }
    };
    if !t.for_each_row {
        return Err(invalid(op, format!("{backend} triggers fire for each row only")));
    }
    let (name, table) = (quote_ident(backend, &t.name), quote_ident(backend, &t.table));
    let sql = match backend {
        Backend::MySql => {
            if t.when.is_some() {
                return Err(invalid(
                    op,
                    "MySQL triggers have no WHEN; test the condition with IF in the body",
                ));
            }
            format!(
                "CREATE TRIGGER {name} {} {event} ON {table} FOR EACH ROW {body}",
                t.timing.sql()
            )
        }
        Backend::Sqlite | Backend::Postgres => {
            let when = t.when.as_deref().map(|w| format!(" WHEN {w}")).unwrap_or_default();
            let end = if body.ends_with(';') { "" } else { ";" };
            format!(
                "CREATE TRIGGER {name} {} {event} ON {table} FOR EACH ROW{when} BEGIN {body}{end} END",
                t.timing.sql()
            )
        }
    };
    Ok(vec![Step::sql(sql)])
}
