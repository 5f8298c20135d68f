//! Whether an operation's effect is in a live schema: how the runtime learns the fate of a step that an
//! interrupted run may or may not have committed, where the backend cannot record it with the step (MySQL DDL).

use lockgate_dsl::operation::Operation;

use super::Schema;

/// What the catalog says about an operation's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// The effect is there: the operation ran.
    Present,
    /// The effect is not there: the operation did not run.
    Absent,
    /// The catalog cannot tell (data changes, type changes, raw SQL).
    Unknown,
}

fn known(present: bool) -> Effect {
    if present { Effect::Present } else { Effect::Absent }
}

/// Whether `op`'s effect is in `schema`.
pub(crate) fn effect(op: &Operation, schema: &Schema) -> Effect {
    let table = |name: &str| schema.tables.get(name);
    let has_column = |t: &str, c: &str| table(t).is_some_and(|t| t.column(c).is_some());
    // On a table, or on a materialized view.
    let has_index = |on: &str, name: &str| {
        table(on).is_some_and(|t| t.indexes.contains_key(name))
            || schema
                .materialized_views
                .get(on)
                .is_some_and(|v| v.indexes.contains_key(name))
    };
    let partition_of = |name: &str, parent: &str| {
        table(name)
            .and_then(|t| t.partition_of.as_ref())
            .is_some_and(|of| of.parent == parent)
    };
    match op {
        Operation::CreateTable(t) => known(table(&t.name).is_some()),
        Operation::DropTable(t) => known(table(&t.name).is_none()),
        Operation::RenameTable { from, to } => match (table(from).is_some(), table(to).is_some()) {
            (false, true) => Effect::Present,
            (true, false) => Effect::Absent,
            _ => Effect::Unknown,
        },
        Operation::AddColumn { table, column } => known(has_column(table, &column.name)),
        Operation::DropColumn { table, column } => known(!has_column(table, &column.name)),
        Operation::RenameColumn { table, from, to } => match (has_column(table, from), has_column(table, to)) {
            (false, true) => Effect::Present,
            (true, false) => Effect::Absent,
            _ => Effect::Unknown,
        },
        Operation::CreateIndex(i) => known(has_index(&i.table, &i.name)),
        Operation::DropIndex(i) => known(!has_index(&i.table, &i.name)),
        Operation::AddForeignKey(f) => known(table(&f.table).is_some_and(|t| t.foreign_keys.contains_key(&f.name))),
        Operation::DropForeignKey(f) => known(!table(&f.table).is_some_and(|t| t.foreign_keys.contains_key(&f.name))),
        Operation::AddCheck(c) => known(table(&c.table).is_some_and(|t| t.checks.contains_key(&c.name))),
        Operation::DropCheck(c) => known(!table(&c.table).is_some_and(|t| t.checks.contains_key(&c.name))),
        Operation::AddUnique(u) => known(table(&u.table).is_some_and(|t| t.uniques.contains_key(&u.name))),
        Operation::DropUnique(u) => known(!table(&u.table).is_some_and(|t| t.uniques.contains_key(&u.name))),
        Operation::CreateView(v) => known(schema.views.contains_key(&v.name)),
        Operation::DropView(v) => known(!schema.views.contains_key(&v.name)),
        Operation::CreateEnum(e) => known(schema.enums.contains_key(&e.name)),
        Operation::DropEnum(e) => known(!schema.enums.contains_key(&e.name)),
        Operation::CreateExtension { name } => known(schema.extensions.contains(name)),
        Operation::DropExtension { name } => known(!schema.extensions.contains(name)),
        Operation::AlterRowSecurity { table: t, to, .. } => match table(t) {
            Some(live) => known(live.row_security == *to),
            None => Effect::Unknown,
        },
        Operation::CreateFunction(f) => known(schema.functions.contains_key(&f.name)),
        Operation::DropFunction(f) => known(!schema.functions.contains_key(&f.name)),
        Operation::ReplaceFunction { from, to } => match schema.functions.get(&to.name) {
            Some(live) if live.body == to.body && to.body != from.body => Effect::Present,
            Some(live) if live.body == from.body && to.body != from.body => Effect::Absent,
            _ => Effect::Unknown,
        },
        Operation::CreateTrigger(t) => known(
            schema
                .triggers
                .get(&t.table)
                .is_some_and(|triggers| triggers.contains_key(&t.name)),
        ),
        Operation::DropTrigger(t) => known(
            !schema
                .triggers
                .get(&t.table)
                .is_some_and(|triggers| triggers.contains_key(&t.name)),
        ),
        Operation::CreateSchema { name } => known(schema.schemas.contains(name)),
        Operation::DropSchema { name } => known(!schema.schemas.contains(name)),
        Operation::CreateSequence(s) => known(schema.sequences.contains_key(&s.name)),
        Operation::DropSequence(s) => known(!schema.sequences.contains_key(&s.name)),
        Operation::SetComment { on, to, .. } => known(schema.comments.get(on) == to.as_ref()),
        Operation::CreateMaterializedView(v) => known(schema.materialized_views.contains_key(&v.name)),
        Operation::DropMaterializedView(v) => known(!schema.materialized_views.contains_key(&v.name)),
        Operation::CreatePolicy(p) => known(table(&p.table).is_some_and(|t| t.policies.contains_key(&p.name))),
        Operation::DropPolicy(p) => known(!table(&p.table).is_some_and(|t| t.policies.contains_key(&p.name))),
        Operation::Grant(g) => known(
            g.pairs()
                .all(|(role, privilege)| schema.grants.contains(&(g.on.clone(), role.to_owned(), privilege))),
        ),
        Operation::Revoke(g) => known(
            g.pairs()
                .all(|(role, privilege)| !schema.grants.contains(&(g.on.clone(), role.to_owned(), privilege))),
        ),
        Operation::CreatePartition(p) => known(table(&p.name).is_some()),
        Operation::DropPartition(p) => known(table(&p.name).is_none()),
        // A detach `CONCURRENTLY` that died half-way leaves the partition still attached, pending: not detached.
        Operation::AttachPartition(p) => known(partition_of(&p.name, &p.parent)),
        Operation::DetachPartition { partition: p, .. } => known(!partition_of(&p.name, &p.parent)),
        // A change of a definition, of data or of anything the model does not hold.
        Operation::AlterColumn { .. }
        | Operation::ValidateConstraint { .. }
        | Operation::ReplaceView { .. }
        | Operation::AddEnumValue { .. }
        | Operation::RawSql { .. }
        | Operation::Assert { .. }
        | Operation::AssertParity { .. }
        | Operation::Backfill { .. }
        | Operation::ArchiveColumn { .. }
        | Operation::ArchiveTable { .. }
        | Operation::ExpandColumn { .. }
        | Operation::ContractColumn { .. }
        | Operation::AlterPolicy { .. }
        | Operation::RefreshMaterializedView { .. } => Effect::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use lockgate_dsl::operation::Operation;
    use lockgate_dsl::schema::ColumnDef;

    use super::{Effect, effect};
    use crate::schema::{Column, Schema, Table};

    #[test]
    fn a_column_is_there_or_not() {
        let mut schema = Schema::default();
        schema.tables.insert(
            "hot".into(),
            Table {
                columns: vec![Column::new("c1", "int(11)")],
                ..Table::default()
            },
        );
        let add = |name: &str| Operation::AddColumn {
            table: "hot".into(),
            column: ColumnDef::new::<Option<i32>>(name),
        };
        assert_eq!(effect(&add("c1"), &schema), Effect::Present);
        assert_eq!(effect(&add("c2"), &schema), Effect::Absent);
        let raw = Operation::RawSql {
            up: "INSERT INTO hot VALUES (1)".into(),
            down: None,
        };
        assert_eq!(effect(&raw, &schema), Effect::Unknown);
    }
}
