//! What PostgreSQL does to a partition's objects when it is attached, detached or created, for the model.

use std::collections::BTreeMap;

use super::remove_where;
use crate::operation::Operation;
use crate::schema::{CheckDef, ForeignKeyDef, PartitionDef, TableDef, UniqueDef};

/// The table whose columns `op` changes.
pub(super) fn column_change(op: &Operation) -> Option<&str> {
    match op {
        Operation::AddColumn { table, .. }
        | Operation::DropColumn { table, .. }
        | Operation::RenameColumn { table, .. }
        | Operation::AlterColumn { table, .. } => Some(table),
        _ => None,
    }
}

/// What attaching `table` to `parent` does to the partition's own objects: PostgreSQL makes the ones that match
/// the parent's (an index, the primary key, a unique constraint, a foreign key) and the checks of the same name
/// the parent's, and builds what is missing. Returns the names of those it made the parent's.
pub(super) fn adopt(table: &mut TableDef, parent: &TableDef) -> BTreeMap<String, String> {
    let mut adopted = BTreeMap::new();
    if !parent.primary_key.is_empty() && table.primary_key == parent.primary_key {
        table.primary_key.clear();
    }
    for index in &parent.indexes {
        if let Some(own) = remove_where(&mut table.indexes, |own| index.same_as(own)) {
            adopted.insert(index.name.clone(), own.name);
        }
    }
    for unique in &parent.uniques {
        if let Some(own) = remove_where(&mut table.uniques, |own| own.columns == unique.columns) {
            adopted.insert(unique.name.clone(), own.name);
        }
    }
    for fk in &parent.foreign_keys {
        let same = |own: &ForeignKeyDef| {
            own.columns == fk.columns && own.ref_table == fk.ref_table && own.ref_columns == fk.ref_columns
        };
        if let Some(own) = remove_where(&mut table.foreign_keys, same) {
            adopted.insert(fk.name.clone(), own.name);
        }
    }
    table
        .checks
        .retain(|own| !parent.checks.iter().any(|c| c.name == own.name));
    adopted
}

/// What detaching `table` from `parent` leaves on it: PostgreSQL keeps a copy of each of the parent's keys,
/// indexes and constraints as the table's own, under the name it had before an attach, or else the name
/// PostgreSQL gave it (`<table>_<columns>_idx`, `_key`; a foreign key or check keeps the parent's name).
pub(super) fn give_back(table: &mut TableDef, parent: &TableDef, adopted: &BTreeMap<String, String>) {
    let name = table.name.clone();
    let named = |parent_name: &str, columns: &[String], label: &str| {
        adopted
            .get(parent_name)
            .cloned()
            .unwrap_or_else(|| postgres_child_name(&name, columns, label))
    };
    if table.primary_key.is_empty() {
        table.primary_key.clone_from(&parent.primary_key);
    }
    for index in &parent.indexes {
        let mut own = index.clone().named(named(&index.name, &index.columns, "idx"));
        own.table.clone_from(&name);
        own.concurrently = false;
        table.indexes.push(own);
    }
    for unique in &parent.uniques {
        let mut own = UniqueDef::new(&name, unique.columns.clone());
        own.name = named(&unique.name, &unique.columns, "key");
        table.uniques.push(own);
    }
    for fk in &parent.foreign_keys {
        let mut own = fk.clone();
        own.table.clone_from(&name);
        own.name = adopted.get(&fk.name).cloned().unwrap_or_else(|| fk.name.clone());
        table.foreign_keys.push(own);
    }
    for check in &parent.checks {
        if !table.checks.iter().any(|own| own.name == check.name) {
            let mut own = check.clone();
            own.table.clone_from(&name);
            table.checks.push(own);
        }
    }
}

/// The name PostgreSQL gives an index it builds on a partition for one of the parent's (`ChooseIndexName`):
/// table, columns and label joined by `_`, the longer of table and columns shortened until it fits in 63 bytes.
fn postgres_child_name(table: &str, columns: &[String], label: &str) -> String {
    let cut = |text: &str, len: usize| {
        let mut len = len.min(text.len());
        while !text.is_char_boundary(len) {
            len -= 1;
        }
        text[..len].to_owned()
    };
    if columns.is_empty() {
        return format!("{}_{label}", cut(table, 63 - label.len() - 1));
    }
    let columns = columns.join("_");
    let available = 63 - label.len() - 2;
    let (mut table_len, mut columns_len) = (table.len(), columns.len());
    while table_len + columns_len > available {
        if table_len > columns_len {
            table_len -= 1;
        } else {
            columns_len -= 1;
        }
    }
    format!("{}_{}_{label}", cut(table, table_len), cut(&columns, columns_len))
}

/// The CHECK PostgreSQL adds to a partition it detaches `CONCURRENTLY`: the partition's bound, named
/// `<table>_<key column>_check` (`<table>_check` for a key of several columns), numbered where the name is
/// taken (`ChooseConstraintName`).
pub(super) fn concurrent_detach_check(
    tables: &BTreeMap<String, TableDef>,
    partition: &PartitionDef,
    parent: &TableDef,
) -> CheckDef {
    let columns: &[String] = match parent.partition_by.as_ref().map(|key| key.columns.as_slice()) {
        Some(one @ [_]) => one,
        _ => &[],
    };
    let taken = |name: &str| {
        tables.values().any(|t| {
            t.checks.iter().any(|c| c.name == name)
                || t.uniques.iter().any(|u| u.name == name)
                || t.foreign_keys.iter().any(|f| f.name == name)
        })
    };
    let mut name = postgres_child_name(&partition.name, columns, "check");
    let mut pass = 0;
    while taken(&name) {
        pass += 1;
        name = postgres_child_name(&partition.name, columns, &format!("check{pass}"));
    }
    let expr = columns
        .first()
        .and_then(|column| partition.bound.implied_check(column))
        .unwrap_or_default();
    CheckDef::new(&partition.name, name, expr)
}

#[cfg(test)]
mod tests {
    use super::postgres_child_name;
    use crate::operation::Operation;
    use crate::schema::{IndexDef, PartitionDef, PartitionStrategy, SchemaDef, TableDef};
    use crate::types::Date;

    #[test]
    fn child_names_fit_in_63_bytes_as_postgres_cuts_them() {
        assert_eq!(
            postgres_child_name("events_2025", &["tenant_id".into()], "idx"),
            "events_2025_tenant_id_idx"
        );
        assert_eq!(postgres_child_name("events_2025", &[], "check"), "events_2025_check");
        let long = postgres_child_name(&"t".repeat(40), &["c".repeat(40)], "idx");
        assert_eq!(long.len(), 63);
        assert_eq!(long, format!("{}_{}_idx", "t".repeat(29), "c".repeat(29)));
    }

    #[test]
    fn a_detach_gives_back_adopted_names_and_postgres_names_for_the_rest() {
        let events = TableDef::build("events", |t| {
            t.column::<i64>("id");
            t.column::<Date>("created_on");
            t.column::<i64>("tenant_id");
            t.index(["tenant_id"]);
            t.index(["created_on"]);
            t.check("events_id_positive", "id > 0");
            t.partition_by(PartitionStrategy::Range, ["created_on"]);
        });
        let own = TableDef::build("events_2026", |t| {
            t.column::<i64>("id");
            t.column::<Date>("created_on");
            t.column::<i64>("tenant_id");
            t.index(["tenant_id"]).named("by_tenant");
            t.check("events_id_positive", "id > 0");
        });
        let year = PartitionDef::range("events_2026", "events", ["2026-01-01"], ["2027-01-01"]);
        let mut schema = SchemaDef::after(&[
            Operation::CreateTable(events),
            Operation::CreateTable(own),
            Operation::AttachPartition(year.clone()),
        ])
        .unwrap();
        let attached = &schema.tables["events_2026"];
        assert!(
            attached.indexes.is_empty() && attached.checks.is_empty(),
            "{attached:?}"
        );
        schema
            .apply(&Operation::DetachPartition {
                partition: year,
                concurrently: true,
            })
            .unwrap();
        let detached = &schema.tables["events_2026"];
        let names = |indexes: &[IndexDef]| indexes.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&detached.indexes), ["by_tenant", "events_2026_created_on_idx"]);
        let checks: Vec<&str> = detached.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(checks, ["events_id_positive", "events_2026_created_on_check"]);
    }
}
