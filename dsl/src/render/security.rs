//! Row-level security, policies and grants: PostgreSQL statements sea-query has no builder for.
//!
//! MySQL and SQLite have no row-level security; MySQL's `GRANT` names accounts (`'user'@'host'`) rather than
//! PostgreSQL's roles and has no privileges on sequences or schemas in PostgreSQL's sense, so both are refused
//! there with a hint rather than half-translated.

use super::quote::{check_name, quote_ident};
use super::{RenderError, Step, invalid, postgres_only, unsupported};
use crate::backend::Backend;
use crate::operation::Operation;
use crate::schema::{GrantDef, GrantObject, PolicyCommand, PolicyDef, RowSecurity};

const RLS_HINT: &str = "row-level security exists only on PostgreSQL; mark the migration \
                        `#[migration(backends = \"postgres\")]`, or filter rows in the application";

const GRANT_HINT_MYSQL: &str = "lockgate grants privileges to PostgreSQL roles only; mark the migration \
                                `#[migration(backends = \"postgres\")]`, and manage MySQL accounts outside migrations";

const GRANT_HINT_SQLITE: &str = "SQLite has no roles or privileges; mark the migration \
                                 `#[migration(backends = \"postgres\")]`";

/// One statement per flag that changes: `ENABLE`/`DISABLE`, then `FORCE`/`NO FORCE`.
pub(super) fn alter_row_security(
    op: &Operation,
    table: &str,
    from: RowSecurity,
    to: RowSecurity,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, RLS_HINT)?;
    check_name(backend, table)?;
    if from == to {
        return Err(invalid(op, "it changes nothing; remove it"));
    }
    let table = quote_ident(backend, table);
    let mut steps = Vec::new();
    if from.enabled != to.enabled {
        let verb = if to.enabled { "ENABLE" } else { "DISABLE" };
        steps.push(Step::sql(format!("ALTER TABLE {table} {verb} ROW LEVEL SECURITY")));
    }
    if from.forced != to.forced {
        let verb = if to.forced { "FORCE" } else { "NO FORCE" };
        steps.push(Step::sql(format!("ALTER TABLE {table} {verb} ROW LEVEL SECURITY")));
    }
    Ok(steps)
}

/// `TO` and the conditions, shared by `CREATE POLICY` and `ALTER POLICY`.
fn policy_clauses(policy: &PolicyDef, backend: Backend) -> Result<String, RenderError> {
    let mut sql = String::new();
    if policy.roles.is_empty() {
        sql.push_str(" TO PUBLIC");
    } else {
        sql.push_str(" TO ");
        sql.push_str(&roles(&policy.roles, backend)?);
    }
    if let Some(using) = &policy.using {
        sql.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = &policy.with_check {
        sql.push_str(&format!(" WITH CHECK ({check})"));
    }
    Ok(sql)
}

/// PostgreSQL's own rules for which conditions each command takes, checked before the database sees them.
fn check_policy(op: &Operation, policy: &PolicyDef) -> Result<(), RenderError> {
    match policy.command {
        PolicyCommand::Insert if policy.using.is_some() => Err(invalid(
            op,
            "an INSERT policy has no rows to see, so it takes only `with_check`; move the condition there",
        )),
        PolicyCommand::Select | PolicyCommand::Delete if policy.with_check.is_some() => Err(invalid(
            op,
            format!(
                "a {} policy writes no rows, so it takes only `using`; move the condition there",
                policy.command.sql()
            ),
        )),
        _ if policy.using.is_none() && policy.with_check.is_none() => Err(invalid(
            op,
            "a policy without `using` or `with_check` has no condition; add one (`using(\"true\")` to allow every row)",
        )),
        _ => Ok(()),
    }
}

pub(super) fn create_policy(op: &Operation, policy: &PolicyDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, RLS_HINT)?;
    check_name(backend, &policy.name)?;
    check_name(backend, &policy.table)?;
    check_policy(op, policy)?;
    Ok(vec![Step::sql(format!(
        "CREATE POLICY {} ON {} AS {} FOR {}{}",
        quote_ident(backend, &policy.name),
        quote_ident(backend, &policy.table),
        if policy.restrictive {
            "RESTRICTIVE"
        } else {
            "PERMISSIVE"
        },
        policy.command.sql(),
        policy_clauses(policy, backend)?
    ))])
}

pub(super) fn drop_policy(op: &Operation, policy: &PolicyDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, RLS_HINT)?;
    check_name(backend, &policy.name)?;
    Ok(vec![Step::sql(format!(
        "DROP POLICY {} ON {}",
        quote_ident(backend, &policy.name),
        quote_ident(backend, &policy.table)
    ))])
}

/// `ALTER POLICY` for what it can change (name, roles, conditions). A policy moved to another table, command
/// or kind is dropped and created again: PostgreSQL cannot alter those, and inside the migration's
/// transaction no statement sees the table without the policy.
pub(super) fn alter_policy(
    op: &Operation,
    from: &PolicyDef,
    to: &PolicyDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, RLS_HINT)?;
    check_name(backend, &to.name)?;
    check_policy(op, to)?;
    if from.table != to.table || from.command != to.command || from.restrictive != to.restrictive {
        let mut steps = drop_policy(op, from, backend)?;
        steps.extend(create_policy(op, to, backend)?);
        return Ok(steps);
    }
    // A condition dropped entirely cannot be expressed by ALTER POLICY, which only sets conditions.
    if (from.using.is_some() && to.using.is_none()) || (from.with_check.is_some() && to.with_check.is_none()) {
        let mut steps = drop_policy(op, from, backend)?;
        steps.extend(create_policy(op, to, backend)?);
        return Ok(steps);
    }
    let mut steps = Vec::new();
    let table = quote_ident(backend, &to.table);
    if from.name != to.name {
        steps.push(Step::sql(format!(
            "ALTER POLICY {} ON {table} RENAME TO {}",
            quote_ident(backend, &from.name),
            quote_ident(backend, &to.name)
        )));
    }
    steps.push(Step::sql(format!(
        "ALTER POLICY {} ON {table}{}",
        quote_ident(backend, &to.name),
        policy_clauses(to, backend)?
    )));
    Ok(steps)
}

/// Role names, quoted; `public` is the keyword `PUBLIC`, not a role.
fn roles(roles: &[String], backend: Backend) -> Result<String, RenderError> {
    let mut out = Vec::with_capacity(roles.len());
    for role in roles {
        if role.eq_ignore_ascii_case("public") {
            out.push("PUBLIC".to_owned());
        } else {
            check_name(backend, role)?;
            out.push(quote_ident(backend, role));
        }
    }
    Ok(out.join(", "))
}

fn check_grant(op: &Operation, grant: &GrantDef, backend: Backend) -> Result<(), RenderError> {
    match backend {
        Backend::Postgres => {}
        Backend::MySql => return Err(unsupported(op, backend, GRANT_HINT_MYSQL)),
        Backend::Sqlite => return Err(unsupported(op, backend, GRANT_HINT_SQLITE)),
    }
    check_name(backend, grant.on.name())?;
    if grant.privileges.is_empty() {
        return Err(invalid(op, "it names no privilege; list at least one"));
    }
    if grant.roles.is_empty() {
        return Err(invalid(op, "it names no role; add `.to([\"role\"])`"));
    }
    let allowed = grant.on.privileges();
    if let Some(wrong) = grant.privileges.iter().find(|p| !allowed.contains(p)) {
        let names: Vec<&str> = allowed.iter().map(|p| p.sql()).collect();
        return Err(invalid(
            op,
            format!(
                "{} is not a privilege on a {}; a {} takes {}",
                wrong.sql(),
                grant.on.kind().to_lowercase(),
                grant.on.kind().to_lowercase(),
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

fn privileges_on(grant: &GrantDef, backend: Backend) -> String {
    let privileges: Vec<&str> = grant.privileges.iter().map(|p| p.sql()).collect();
    let object = match &grant.on {
        GrantObject::Table(name) | GrantObject::Sequence(name) | GrantObject::Schema(name) => {
            quote_ident(backend, name)
        }
    };
    format!("{} ON {} {object}", privileges.join(", "), grant.on.kind())
}

pub(super) fn grant(op: &Operation, grant: &GrantDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_grant(op, grant, backend)?;
    Ok(vec![Step::sql(format!(
        "GRANT {} TO {}",
        privileges_on(grant, backend),
        roles(&grant.roles, backend)?
    ))])
}

pub(super) fn revoke(op: &Operation, grant: &GrantDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_grant(op, grant, backend)?;
    Ok(vec![Step::sql(format!(
        "REVOKE {} FROM {}",
        privileges_on(grant, backend),
        roles(&grant.roles, backend)?
    ))])
}
