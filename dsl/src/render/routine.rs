//! PostgreSQL functions and triggers.
//!
//! MySQL and SQLite triggers hold their statements in the trigger itself and have no functions to call, so a
//! PostgreSQL trigger has no faithful translation there; both are refused with a hint.

use super::quote::{check_name, quote_ident};
use super::{RenderError, Step, invalid, postgres_only};
use crate::backend::Backend;
use crate::operation::Operation;
use crate::schema::{FunctionDef, TriggerDef, TriggerEvent};

const HINT: &str = "functions and triggers are rendered for PostgreSQL only; mark the migration \
                    `#[migration(backends = \"postgres\")]`";

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
    postgres_only(op, backend, HINT)?;
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
    postgres_only(op, backend, HINT)?;
    check_name(backend, &t.name)?;
    Ok(vec![Step::sql(format!(
        "DROP TRIGGER {} ON {}",
        quote_ident(backend, &t.name),
        quote_ident(backend, &t.table)
    ))])
}
