//! The typed operations that turn one live schema into another, split the way lockgate's rules ask a live
//! change to be split: what runs in a transaction, the indexes built `CONCURRENTLY`, and the validation of
//! constraints added `NOT VALID`.

use std::collections::BTreeSet;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::render::quote_ident;
use lockgate_dsl::schema::{ColumnDef, ForeignKeyDef, SchemaDef, TableDef};

use super::emit::{column_sql, create_table as create_table_sql};
use super::{Lifted, Schema, lift};

/// The changes that bring B to A, as DSL operations in up to three migrations.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_runtime::schema::{Column, Schema, Table, generate};
/// let mut a = Schema::default();
/// a.tables.insert("t".into(), Table { columns: vec![Column::new("id", "bigint")], ..Table::default() });
/// let changes = generate(&a, &Schema::default(), Backend::Postgres, false);
/// assert_eq!(changes.main[0].kind(), "create_table");
/// assert!(changes.concurrent.is_empty() && changes.validate.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The operations that run in one transaction: new enums, extensions and tables, new columns, foreign
    /// keys and checks (`NOT VALID` on existing tables), unique constraints and views; with `destructive`,
    /// the drops.
    pub main: Vec<Operation>,
    /// Indexes to build (or drop) on existing tables, `CONCURRENTLY` where the backend can.
    pub concurrent: Vec<Operation>,
    /// The constraints `main` added `NOT VALID`, to validate in a later migration.
    pub validate: Vec<Operation>,
    /// The rule categories the operations need allowed, per migration: `main` first, then `concurrent`.
    pub allow: [BTreeSet<&'static str>; 2],
    /// What was not turned into an operation, and why.
    pub notes: Vec<String>,
    /// Whether an operation carries SQL in `backend`'s own spelling (check and view text, raw column types),
    /// or a PostgreSQL enum, so the migration is for that backend only.
    pub backend_specific: bool,
}

/// The operations that bring `found` (B) to `expected` (A), both read from `backend`: additive, unless
/// `destructive` also drops what A lacks and changes what differs.
///
/// What the DSL cannot spell (a column type it has no type for) becomes raw SQL in the catalog's spelling.
pub fn generate(expected: &Schema, found: &Schema, backend: Backend, destructive: bool) -> Changes {
    let (a, b) = (lift(expected, backend), lift(found, backend));
    let mut changes = Changes::default();
    for ext in a.schema.extensions.difference(&b.schema.extensions) {
        changes.main.push(Operation::CreateExtension { name: ext.clone() });
        changes.backend_specific = true;
    }
    for (name, def) in &a.schema.enums {
        match b.schema.enums.get(name) {
            None => {
                changes.main.push(Operation::CreateEnum(def.clone()));
                changes.backend_specific = true;
            }
            Some(other) if other != def => changes.notes.push(format!(
                "enum `{name}` has values {:?} in A and {:?} in B; add values by hand in a migration of their own",
                def.values, other.values
            )),
            Some(_) => {}
        }
    }
    super::generate_objects::before_tables(&a.schema, &b.schema, destructive, &mut changes);
    let new_tables = dependency_order(&a.schema, &b.schema);
    let mut cyclic = Vec::new();
    for (at, name) in new_tables.iter().enumerate() {
        cyclic.extend(create_table(
            name,
            &new_tables[at + 1..],
            expected,
            &a,
            backend,
            &mut changes,
        ));
    }
    changes.main.extend(cyclic.into_iter().map(Operation::AddForeignKey));
    for (name, table) in &a.schema.tables {
        if let Some(old) = b.schema.tables.get(name) {
            let of = |schema: &SchemaDef| schema.partitions.get(name).map(|p| p.def.clone());
            if table.partition_by != old.partition_by || of(&a.schema) != of(&b.schema) {
                changes.notes.push(format!(
                    "table `{name}` is partitioned differently in A and B; change its partitioning by hand"
                ));
            }
            alter_table(name, table, old, &a, &b, destructive, backend, &mut changes);
        }
    }
    for (name, view) in &a.schema.views {
        match b.schema.views.get(name) {
            None => {
                changes.main.push(Operation::CreateView(view.clone()));
                changes.backend_specific = true;
            }
            Some(old) if old != view && destructive => {
                changes.main.push(Operation::ReplaceView {
                    from: old.clone(),
                    to: view.clone(),
                });
                changes.allow[0].insert("incompatible");
                changes.backend_specific = true;
            }
            Some(old) if old != view => {
                changes
                    .notes
                    .push(format!("view `{name}` differs; replace it with --allow-destructive"));
            }
            Some(_) => {}
        }
    }
    super::generate_objects::after_tables(&a.schema, &b.schema, destructive, &mut changes);
    if destructive {
        for (name, view) in &b.schema.views {
            if !a.schema.views.contains_key(name) {
                changes.main.push(Operation::DropView(view.clone()));
                changes.allow[0].insert("incompatible");
                changes.backend_specific = true;
            }
        }
        for (name, table) in &b.schema.tables {
            // A partition goes with its parent.
            let parent = b.schema.partitions.get(name).map(|p| &p.def.parent);
            if parent.is_some_and(|parent| !a.schema.tables.contains_key(parent)) {
                continue;
            }
            if !a.schema.tables.contains_key(name)
                && let Some(partition) = b.schema.partitions.get(name)
            {
                changes.main.push(Operation::DropPartition(partition.def.clone()));
                changes.allow[0].insert("destructive");
                continue;
            }
            if !a.schema.tables.contains_key(name) {
                if b.unmapped.iter().any(|u| &u.table == name) {
                    changes.notes.push(format!(
                        "table `{name}` has columns the DSL cannot spell; drop it by hand"
                    ));
                    continue;
                }
                changes.main.push(Operation::DropTable(table.clone()));
                changes.allow[0].insert("destructive");
            }
        }
    }
    changes
}

/// A's tables that B lacks, each after the new tables its foreign keys reference.
fn dependency_order(a: &SchemaDef, b: &SchemaDef) -> Vec<String> {
    let mut pending: Vec<&TableDef> = a.tables.values().filter(|t| !b.tables.contains_key(&t.name)).collect();
    let mut ordered: Vec<String> = Vec::new();
    while !pending.is_empty() {
        let ready = |t: &&TableDef| {
            let parent = a.partitions.get(&t.name).map(|p| &p.def.parent);
            parent.is_none_or(|parent| !pending.iter().any(|p| &p.name == parent))
                && t.foreign_keys.iter().all(|fk| {
                    fk.ref_table == t.name
                        || ordered.contains(&fk.ref_table)
                        || !pending.iter().any(|p| p.name == fk.ref_table)
                })
        };
        // A cycle of references: take the first; its keys to tables not yet created are added after them.
        let at = pending.iter().position(ready).unwrap_or(0);
        ordered.push(pending.remove(at).name.clone());
    }
    ordered
}

/// Adds the table; returns its foreign keys to tables created after it, to add once all exist.
fn create_table(
    name: &str,
    later_tables: &[String],
    live: &Schema,
    a: &Lifted,
    backend: Backend,
    changes: &mut Changes,
) -> Vec<ForeignKeyDef> {
    if a.unmapped.iter().any(|u| u.table == name) {
        // A type the DSL cannot spell: the table as the catalog has it, in raw SQL.
        let mut up = Vec::new();
        create_table_sql(name, &live.tables[name], backend, &mut up);
        changes.main.push(Operation::RawSql {
            up: up.join(";\n"),
            down: Some(format!("DROP TABLE {}", quote_ident(backend, name))),
        });
        changes.backend_specific = true;
        return Vec::new();
    }
    if let Some(partition) = a.schema.partitions.get(name) {
        // The parent gives it its columns, keys and indexes; only its own objects follow.
        changes.main.push(Operation::CreatePartition(partition.def.clone()));
        let own = &a.schema.tables[name];
        changes
            .main
            .extend(own.indexes.iter().cloned().map(Operation::CreateIndex));
        changes.main.extend(own.checks.iter().cloned().map(Operation::AddCheck));
        changes.backend_specific = true;
        return own.foreign_keys.clone();
    }
    let mut table = a.schema.tables[name].clone();
    changes.backend_specific |= table.partition_by.is_some();
    // Keys to new tables created later (a cycle) are added once those exist.
    let (later, now): (Vec<_>, Vec<_>) = table
        .foreign_keys
        .drain(..)
        .partition(|fk| later_tables.contains(&fk.ref_table));
    table.foreign_keys = now;
    changes.backend_specific |= !table.checks.is_empty()
        || table.indexes.iter().any(|i| i.predicate.is_some())
        || table
            .columns
            .iter()
            .any(|c| matches!(c.ty, lockgate_dsl::types::ColumnType::Enum(_)))
        || table.columns.iter().any(|c| {
            matches!(
                c.default,
                Some(lockgate_dsl::DefaultValue::Expr(lockgate_dsl::SqlExpr::Raw { .. }))
            )
        });
    changes.main.push(Operation::CreateTable(table));
    later
}

#[allow(clippy::too_many_arguments)]
fn alter_table(
    name: &str,
    table: &TableDef,
    old: &TableDef,
    a: &Lifted,
    b: &Lifted,
    destructive: bool,
    backend: Backend,
    changes: &mut Changes,
) {
    for column in &table.columns {
        match old.column(&column.name) {
            None => add_column(name, column, changes),
            Some(was) if was != column && destructive => {
                changes.main.push(Operation::AlterColumn {
                    table: name.to_owned(),
                    from: was.clone(),
                    to: column.clone(),
                });
                changes.allow[0].extend(["blocking", "incompatible", "data_dependent"]);
            }
            Some(was) if was != column => changes.notes.push(format!(
                "column `{name}`.`{}` differs ({} in A, {} in B); change it with --allow-destructive or by hand",
                column.name,
                describe(column),
                describe(was)
            )),
            Some(_) => {}
        }
    }
    for unmapped in a.unmapped.iter().filter(|u| u.table == name) {
        if !b
            .unmapped
            .iter()
            .any(|u| u.table == name && u.column == unmapped.column)
            && old.column(&unmapped.column).is_none()
        {
            let table_sql = quote_ident(backend, name);
            changes.main.push(Operation::RawSql {
                up: format!(
                    "ALTER TABLE {table_sql} ADD COLUMN {}",
                    column_sql(&unmapped.live, backend)
                ),
                down: Some(format!(
                    "ALTER TABLE {table_sql} DROP COLUMN {}",
                    quote_ident(backend, &unmapped.column)
                )),
            });
            changes.backend_specific = true;
        }
    }
    for index in &table.indexes {
        if !old.indexes.iter().any(|i| i.name == index.name) {
            let mut index = index.clone();
            index.concurrently = true;
            if index.unique {
                changes.allow[1].insert("data_dependent");
            }
            changes.backend_specific |= index.predicate.is_some();
            changes.concurrent.push(Operation::CreateIndex(index));
        }
    }
    // A constraint B holds `NOT VALID` that A has validated.
    let validated_in_a = table
        .foreign_keys
        .iter()
        .filter(|fk| !fk.not_valid && old.foreign_keys.iter().any(|f| f.name == fk.name && f.not_valid))
        .map(|fk| &fk.name)
        .chain(
            table
                .checks
                .iter()
                .filter(|c| !c.not_valid && old.checks.iter().any(|o| o.name == c.name && o.not_valid))
                .map(|c| &c.name),
        );
    for constraint in validated_in_a {
        changes.validate.push(Operation::ValidateConstraint {
            table: name.to_owned(),
            name: constraint.clone(),
        });
    }
    for fk in &table.foreign_keys {
        if !old.foreign_keys.iter().any(|f| f.name == fk.name) {
            let mut fk = fk.clone();
            fk.not_valid = true;
            changes.validate.push(Operation::ValidateConstraint {
                table: name.to_owned(),
                name: fk.name.clone(),
            });
            // MySQL checks every row as it adds a key: the rule says so, and the migration allows it.
            changes.allow[0].insert("blocking");
            changes.main.push(Operation::AddForeignKey(fk));
        }
    }
    for check in &table.checks {
        if !old.checks.iter().any(|c| c.name == check.name) {
            let mut check = check.clone();
            check.not_valid = true;
            changes.validate.push(Operation::ValidateConstraint {
                table: name.to_owned(),
                name: check.name.clone(),
            });
            changes.allow[0].insert("blocking");
            changes.backend_specific = true;
            changes.main.push(Operation::AddCheck(check));
        }
    }
    for unique in &table.uniques {
        if !old.uniques.iter().any(|u| u.name == unique.name) {
            changes.allow[0].extend(["blocking", "data_dependent"]);
            changes.main.push(Operation::AddUnique(unique.clone()));
        }
    }
    if destructive {
        for column in old.columns.iter().filter(|c| table.column(&c.name).is_none()) {
            changes.main.push(Operation::DropColumn {
                table: name.to_owned(),
                column: column.clone(),
            });
            changes.allow[0].insert("destructive");
        }
        for index in old
            .indexes
            .iter()
            .filter(|i| !table.indexes.iter().any(|n| n.name == i.name))
        {
            let mut index = index.clone();
            index.concurrently = true;
            changes.concurrent.push(Operation::DropIndex(index));
        }
        for fk in old
            .foreign_keys
            .iter()
            .filter(|f| !table.foreign_keys.iter().any(|n| n.name == f.name))
        {
            changes.main.push(Operation::DropForeignKey(fk.clone()));
            changes.allow[0].insert("incompatible");
        }
        for check in old
            .checks
            .iter()
            .filter(|c| !table.checks.iter().any(|n| n.name == c.name))
        {
            changes.main.push(Operation::DropCheck(check.clone()));
            changes.allow[0].insert("incompatible");
            changes.backend_specific = true;
        }
        for unique in old
            .uniques
            .iter()
            .filter(|u| !table.uniques.iter().any(|n| n.name == u.name))
        {
            changes.main.push(Operation::DropUnique(unique.clone()));
            changes.allow[0].insert("incompatible");
        }
    }
}

fn add_column(table: &str, column: &ColumnDef, changes: &mut Changes) {
    if !column.nullable && column.default.is_none() {
        changes.allow[0].insert("data_dependent");
    }
    if column
        .default
        .as_ref()
        .is_some_and(|d| matches!(d, lockgate_dsl::DefaultValue::Expr(_)))
    {
        // A volatile or expression default fills existing rows under lock on PostgreSQL and MySQL.
        changes.allow[0].insert("blocking");
    }
    if matches!(column.ty, lockgate_dsl::types::ColumnType::Enum(_))
        || matches!(
            column.default,
            Some(lockgate_dsl::DefaultValue::Expr(lockgate_dsl::SqlExpr::Raw { .. }))
        )
    {
        changes.backend_specific = true;
    }
    changes.main.push(Operation::AddColumn {
        table: table.to_owned(),
        column: column.clone(),
    });
}

fn describe(column: &ColumnDef) -> String {
    let mut text = column.ty.describe();
    if !column.nullable {
        text.push_str(" not null");
    }
    if let Some(default) = &column.default {
        text.push_str(&format!(" default {default:?}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use lockgate_dsl::Backend;

    use super::generate;
    use crate::schema::{Check, Column, ForeignKey, Index, Schema, Table, emit_rust};

    /// `events` partitioned by year, with the partitions named, each a table with the parent's column.
    fn partitioned(years: &[i32]) -> Schema {
        let mut schema = Schema::default();
        let column = || vec![Column::new("created_on", "date")];
        schema.tables.insert(
            "events".into(),
            Table {
                columns: column(),
                partition_by: Some("RANGE (created_on)".into()),
                ..Table::default()
            },
        );
        for year in years {
            let of = crate::schema::PartitionOf {
                parent: "events".into(),
                bound: format!("FOR VALUES FROM ('{year}-01-01') TO ('{}-01-01')", year + 1),
            };
            let table = Table {
                columns: column(),
                partition_of: Some(of),
                ..Table::default()
            };
            schema.tables.insert(format!("events_{year}"), table);
        }
        schema
    }

    #[test]
    fn partitions_are_dropped_as_partitions_and_go_with_their_parent() {
        let describe = |a: &Schema, b: &Schema| -> Vec<String> {
            let changes = generate(a, b, Backend::Postgres, true);
            changes.main.iter().map(|op| op.describe()).collect()
        };
        assert_eq!(
            describe(&partitioned(&[2025]), &partitioned(&[2024, 2025])),
            ["drop_partition `events_2024` of `events`"]
        );
        assert_eq!(
            describe(&Schema::default(), &partitioned(&[2024, 2025])),
            ["drop_table `events`"]
        );
        let mut plain = partitioned(&[]);
        plain.tables.get_mut("events").unwrap().partition_by = None;
        let changes = generate(&plain, &partitioned(&[]), Backend::Postgres, true);
        assert!(
            changes
                .notes
                .iter()
                .any(|note| note.contains("`events` is partitioned differently")),
            "{changes:?}"
        );
    }

    /// B has `accounts`; A also has an index, a foreign key and a check on it, and `tenants`.
    fn pair() -> (Schema, Schema) {
        let accounts = Table {
            columns: vec![Column::new("id", "bigint"), Column::new("tenant_id", "bigint")],
            primary_key: vec!["id".into()],
            ..Table::default()
        };
        let mut b = Schema::default();
        b.tables.insert("accounts".into(), accounts.clone());
        let mut a = b.clone();
        let mut tenants = Table {
            columns: vec![Column::new("id", "bigint")],
            primary_key: vec!["id".into()],
            ..Table::default()
        };
        tenants.columns[0].nullable = false;
        a.tables.insert("tenants".into(), tenants);
        let table = a.tables.get_mut("accounts").unwrap();
        table.indexes.insert(
            "accounts_tenant_id_idx".into(),
            Index {
                columns: vec!["tenant_id".into()],
                unique: false,
                predicate: None,
                method: Some("btree".into()),
                valid: true,
            },
        );
        table.foreign_keys.insert(
            "accounts_tenant_id_fkey".into(),
            ForeignKey {
                columns: vec!["tenant_id".into()],
                ref_table: "tenants".into(),
                ref_columns: vec!["id".into()],
                on_delete: "CASCADE".into(),
                on_update: "NO ACTION".into(),
                validated: true,
            },
        );
        table.checks.insert(
            "accounts_id_positive".into(),
            Check {
                expression: "(id > 0)".into(),
                validated: true,
            },
        );
        (a, b)
    }

    #[test]
    fn changes_to_existing_tables_are_split_the_way_the_rules_ask() {
        let (a, b) = pair();
        let changes = generate(&a, &b, Backend::Postgres, false);
        let kinds = |ops: &[lockgate_dsl::operation::Operation]| ops.iter().map(|o| o.kind()).collect::<Vec<_>>();
        assert_eq!(kinds(&changes.main), ["create_table", "add_foreign_key", "add_check"]);
        assert_eq!(kinds(&changes.concurrent), ["create_index"]);
        assert_eq!(kinds(&changes.validate), ["validate_constraint", "validate_constraint"]);
        assert!(changes.backend_specific, "the check's text is PostgreSQL's");

        let source = emit_rust(&changes, Backend::Postgres, 1, "Catch");
        for expected in [
            r#"#[migration(version = 1, backends = "postgres", allow(blocking = "#,
            r#"m.add_foreign_key("accounts", ["tenant_id"], "tenants", ["id"]).named("accounts_tenant_id_fkey").on_delete(ReferentialAction::Cascade).not_valid();"#,
            r#"m.add_check(CheckDef::new("accounts", "accounts_id_positive", "(id > 0)").not_valid());"#,
            r#"#[migration(version = 2, transaction = false, backends = "postgres")]"#,
            r#"m.create_index(IndexDef::new("accounts", ["tenant_id"]).named("accounts_tenant_id_idx").concurrently());"#,
            "#[migration(version = 3, backends = \"postgres\")]\npub(crate) struct CatchValidate;",
            r#"m.validate_constraint("accounts", "accounts_tenant_id_fkey");"#,
        ] {
            assert!(source.contains(expected), "{expected}\nnot in:\n{source}");
        }
    }

    #[test]
    fn a_constraint_validated_in_a_only_is_validated() {
        let (a, mut b) = pair();
        b.tables = a.tables.clone();
        let fk = b
            .tables
            .get_mut("accounts")
            .unwrap()
            .foreign_keys
            .get_mut("accounts_tenant_id_fkey")
            .unwrap();
        fk.validated = false;
        let changes = generate(&a, &b, Backend::Postgres, false);
        assert!(changes.main.is_empty() && changes.concurrent.is_empty());
        assert_eq!(changes.validate.len(), 1);
    }
}
