//! The operations for what is not a table or a view: schemas and sequences before the tables, then functions,
//! triggers, materialized views, row-level security, policies, grants and comments after them.

use std::collections::BTreeMap;

use lockgate_dsl::operation::Operation;
use lockgate_dsl::schema::{GrantDef, GrantObject, Privilege, RowSecurity, SchemaDef};

use super::Changes;

/// What the tables may use: schemas and sequences (a default can call `nextval`).
pub(super) fn before_tables(a: &SchemaDef, b: &SchemaDef, destructive: bool, changes: &mut Changes) {
    for name in a.schemas.difference(&b.schemas) {
        push(changes, Operation::CreateSchema { name: name.clone() }, None);
    }
    for (name, sequence) in &a.sequences {
        match b.sequences.get(name) {
            None => push(changes, Operation::CreateSequence(sequence.clone()), None),
            Some(old) if old != sequence => changes.notes.push(format!(
                "sequence `{name}` starts or counts differently in A and B; change it by hand"
            )),
            Some(_) => {}
        }
    }
    if destructive {
        for name in b.schemas.difference(&a.schemas) {
            push(changes, Operation::DropSchema { name: name.clone() }, None);
        }
        for (name, sequence) in &b.sequences {
            if !a.sequences.contains_key(name) {
                push(changes, Operation::DropSequence(sequence.clone()), Some("destructive"));
            }
        }
    }
}

/// What uses the tables.
pub(super) fn after_tables(a: &SchemaDef, b: &SchemaDef, destructive: bool, changes: &mut Changes) {
    for (name, function) in &a.functions {
        match b.functions.get(name) {
            None => push(changes, Operation::CreateFunction(Box::new(function.clone())), None),
            Some(old) if old != function && destructive => push(
                changes,
                Operation::ReplaceFunction {
                    from: Box::new(old.clone()),
                    to: Box::new(function.clone()),
                },
                None,
            ),
            Some(old) if old != function => changes.notes.push(format!(
                "function `{name}` differs; replace it with --allow-destructive"
            )),
            Some(_) => {}
        }
    }
    for (table, triggers) in &a.triggers {
        for (name, trigger) in triggers {
            match b.triggers.get(table).and_then(|t| t.get(name)) {
                None => push(changes, Operation::CreateTrigger(Box::new(trigger.clone())), None),
                Some(old) if old != trigger => changes.notes.push(format!(
                    "trigger `{name}` on `{table}` differs; drop and create it by hand"
                )),
                Some(_) => {}
            }
        }
    }
    for (name, view) in &a.materialized_views {
        match b.materialized_views.get(name) {
            None => {
                push(changes, Operation::CreateMaterializedView(view.view.clone()), None);
                for index in &view.indexes {
                    push(changes, Operation::CreateIndex(index.clone()), None);
                }
            }
            Some(old) if old.view != view.view => changes.notes.push(format!(
                "materialized view `{name}` has another query in A; drop and create it by hand"
            )),
            Some(_) => {}
        }
    }
    for (table, security) in &a.row_security {
        let found = b.row_security.get(table).copied().unwrap_or_default();
        if found != *security {
            push(
                changes,
                Operation::AlterRowSecurity {
                    table: table.clone(),
                    from: found,
                    to: *security,
                },
                None,
            );
        }
    }
    for (table, policies) in &a.policies {
        for (name, policy) in policies {
            match b.policies.get(table).and_then(|p| p.get(name)) {
                None => push(changes, Operation::CreatePolicy(policy.clone()), None),
                Some(old) if old != policy => push(
                    changes,
                    Operation::AlterPolicy {
                        from: Box::new(old.clone()),
                        to: Box::new(policy.clone()),
                    },
                    None,
                ),
                Some(_) => {}
            }
        }
    }
    for grant in grouped(a.grants.difference(&b.grants)) {
        push(changes, Operation::Grant(grant), None);
    }
    for (on, text) in &a.comments {
        let found = b.comments.get(on);
        if found != Some(text) {
            push(
                changes,
                Operation::SetComment {
                    on: on.clone(),
                    from: found.cloned(),
                    to: Some(text.clone()),
                },
                None,
            );
        }
    }
    if destructive {
        drops_after_tables(a, b, changes);
    }
}

/// What B has and A lacks, beyond tables and views.
fn drops_after_tables(a: &SchemaDef, b: &SchemaDef, changes: &mut Changes) {
    for (on, text) in &b.comments {
        if !a.comments.contains_key(on) {
            let op = Operation::SetComment {
                on: on.clone(),
                from: Some(text.clone()),
                to: None,
            };
            push(changes, op, None);
        }
    }
    for grant in grouped(b.grants.difference(&a.grants)) {
        push(changes, Operation::Revoke(grant), Some("incompatible"));
    }
    for (table, policies) in &b.policies {
        for (name, policy) in policies {
            if !a.policies.get(table).is_some_and(|p| p.contains_key(name)) {
                push(changes, Operation::DropPolicy(policy.clone()), Some("incompatible"));
            }
        }
    }
    for (table, security) in &b.row_security {
        if !a.row_security.contains_key(table) && a.tables.contains_key(table) {
            let op = Operation::AlterRowSecurity {
                table: table.clone(),
                from: *security,
                to: RowSecurity::OFF,
            };
            push(changes, op, None);
        }
    }
    for (name, view) in &b.materialized_views {
        if !a.materialized_views.contains_key(name) {
            push(
                changes,
                Operation::DropMaterializedView(view.view.clone()),
                Some("incompatible"),
            );
        }
    }
    for (table, triggers) in &b.triggers {
        for (name, trigger) in triggers {
            if !a.triggers.get(table).is_some_and(|t| t.contains_key(name)) {
                push(
                    changes,
                    Operation::DropTrigger(Box::new(trigger.clone())),
                    Some("incompatible"),
                );
            }
        }
    }
    for (name, function) in &b.functions {
        if !a.functions.contains_key(name) {
            push(
                changes,
                Operation::DropFunction(Box::new(function.clone())),
                Some("incompatible"),
            );
        }
    }
}

/// One operation more, for PostgreSQL only, with the category it needs allowed.
fn push(changes: &mut Changes, op: Operation, allow: Option<&'static str>) {
    changes.main.push(op);
    changes.backend_specific = true;
    if let Some(category) = allow {
        changes.allow[0].insert(category);
    }
}

/// Grants by object and role, each with its privileges: one `GRANT` per object and role.
fn grouped<'a>(pairs: impl Iterator<Item = &'a (GrantObject, String, Privilege)>) -> Vec<GrantDef> {
    let mut by: BTreeMap<(GrantObject, String), Vec<Privilege>> = BTreeMap::new();
    for (on, role, privilege) in pairs {
        by.entry((on.clone(), role.clone())).or_default().push(*privilege);
    }
    by.into_iter()
        .map(|((on, role), privileges)| {
            let grant = match on {
                GrantObject::Table(name) => GrantDef::on_table(name, privileges),
                GrantObject::Sequence(name) => GrantDef::on_sequence(name, privileges),
                GrantObject::Schema(name) => GrantDef::on_schema(name, privileges),
            };
            grant.to([role])
        })
        .collect()
}
