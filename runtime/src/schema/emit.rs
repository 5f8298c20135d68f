//! The SQL that brings one live schema to another of the same backend: additive by default (what B lacks of A),
//! destructive only when asked (what B has that A does not). Definitions are taken as the catalog spells them.

use lockgate_dsl::Backend;
use lockgate_dsl::render::quote_ident;

use super::{Check, Column, ForeignKey, Index, Schema, Table};

/// The statements that turn `found` into `expected` on `backend`; with `destructive`, also the drops of what
/// `expected` lacks. What cannot be expressed (a changed column, a constraint SQLite cannot add) is a `--`
/// comment saying so.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_runtime::schema::{Column, Schema, Table, emit_sql};
/// let mut a = Schema::default();
/// a.tables.insert("t".into(), Table { columns: vec![Column::new("id", "bigint")], ..Table::default() });
/// let b = Schema::default();
/// assert_eq!(emit_sql(&a, &b, Backend::Postgres, false), [r#"CREATE TABLE "t" ("id" bigint NULL)"#]);
/// ```
pub fn emit_sql(expected: &Schema, found: &Schema, backend: Backend, destructive: bool) -> Vec<String> {
    let q = |name: &str| quote_ident(backend, name);
    let mut out = Vec::new();
    for name in &expected.extensions {
        if !found.extensions.contains(name) {
            out.push(format!("CREATE EXTENSION IF NOT EXISTS {}", q(name)));
        }
    }
    for (name, values) in &expected.enums {
        match found.enums.get(name) {
            None => {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| lockgate_dsl::render::quote_literal(backend, v))
                    .collect();
                out.push(format!("CREATE TYPE {} AS ENUM ({})", q(name), values.join(", ")));
            }
            Some(other) if other != values => out.push(format!("-- enum {name} differs; not emitted")),
            Some(_) => {}
        }
    }
    // Partitions after every parent.
    let mut tables: Vec<(&String, &Table)> = expected.tables.iter().collect();
    tables.sort_by_key(|(_, table)| table.partition_of.is_some());
    for (name, table) in tables {
        match found.tables.get(name) {
            None => create_table(name, table, backend, &mut out),
            Some(other) => alter_table(name, table, other, backend, destructive, &mut out),
        }
    }
    for (name, view) in &expected.views {
        match found.views.get(name) {
            None => out.push(format!("CREATE VIEW {} AS {}", q(name), view.definition)),
            Some(other) if other != view => out.push(format!("-- view {name} differs; not emitted")),
            Some(_) => {}
        }
    }
    if destructive {
        for name in found.views.keys().filter(|n| !expected.views.contains_key(*n)) {
            out.push(format!("DROP VIEW {}", q(name)));
        }
        for (name, table) in found.tables.iter().filter(|(n, _)| !expected.tables.contains_key(*n)) {
            // A partition goes with its parent.
            let parent_dropped = table
                .partition_of
                .as_ref()
                .is_some_and(|of| !expected.tables.contains_key(&of.parent));
            if !parent_dropped {
                out.push(format!("DROP TABLE {}", q(name)));
            }
        }
    }
    out
}

pub(super) fn column_sql(column: &Column, backend: Backend) -> String {
    let mut sql = format!("{} {}", quote_ident(backend, &column.name), column.data_type);
    if let Some(generated) = &column.generated {
        // PostgreSQL (before 18) has stored generated columns only, and needs the word.
        let stored = if backend == Backend::Postgres { " STORED" } else { "" };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({generated}){stored}"));
    }
    // MariaDB takes no NULL or NOT NULL after a generated column.
    if !(backend == Backend::MySql && column.generated.is_some()) {
        sql.push_str(if column.nullable { " NULL" } else { " NOT NULL" });
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    sql
}

fn index_sql(table: &str, name: &str, index: &Index, backend: Backend) -> String {
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(backend, name),
        quote_ident(backend, table),
        index.columns.join(", ")
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

fn fk_clause(name: &str, fk: &ForeignKey, backend: Backend) -> String {
    let list = |cols: &[String]| {
        cols.iter()
            .map(|c| quote_ident(backend, c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        quote_ident(backend, name),
        list(&fk.columns),
        quote_ident(backend, &fk.ref_table),
        list(&fk.ref_columns),
        fk.on_delete,
        fk.on_update
    )
}

fn check_clause(name: &str, check: &Check, backend: Backend) -> String {
    format!("CONSTRAINT {} CHECK ({})", quote_ident(backend, name), check.expression)
}

pub(super) fn create_table(name: &str, table: &Table, backend: Backend, out: &mut Vec<String>) {
    let q = |n: &str| quote_ident(backend, n);
    if let Some(of) = &table.partition_of {
        // The parent gives it its columns, keys and indexes; the catalog lists only its own.
        out.push(format!(
            "CREATE TABLE {} PARTITION OF {} {}",
            q(name),
            q(&of.parent),
            of.bound
        ));
        for (check, def) in &table.checks {
            out.push(format!(
                "ALTER TABLE {} ADD {}",
                q(name),
                check_clause(check, def, backend)
            ));
        }
        for (index, def) in &table.indexes {
            out.push(index_sql(name, index, def, backend));
        }
        return;
    }
    let mut items: Vec<String> = table.columns.iter().map(|c| column_sql(c, backend)).collect();
    if !table.primary_key.is_empty() {
        let key: Vec<String> = table.primary_key.iter().map(|c| q(c)).collect();
        items.push(format!("PRIMARY KEY ({})", key.join(", ")));
    }
    for (unique, columns) in &table.uniques {
        let columns: Vec<String> = columns.iter().map(|c| q(c)).collect();
        items.push(format!("CONSTRAINT {} UNIQUE ({})", q(unique), columns.join(", ")));
    }
    for (check, def) in &table.checks {
        items.push(check_clause(check, def, backend));
    }
    for (fk, def) in &table.foreign_keys {
        items.push(fk_clause(fk, def, backend));
    }
    let partitioned = table
        .partition_by
        .as_ref()
        .map(|key| format!(" PARTITION BY {key}"))
        .unwrap_or_default();
    out.push(format!("CREATE TABLE {} ({}){partitioned}", q(name), items.join(", ")));
    for (index, def) in &table.indexes {
        out.push(index_sql(name, index, def, backend));
    }
}

fn alter_table(name: &str, a: &Table, b: &Table, backend: Backend, destructive: bool, out: &mut Vec<String>) {
    let table = quote_ident(backend, name);
    for column in &a.columns {
        match b.column(&column.name) {
            None => out.push(format!(
                "ALTER TABLE {table} ADD COLUMN {}",
                column_sql(column, backend)
            )),
            Some(other) if other != column => {
                out.push(format!(
                    "-- column {name}.{} differs; change it by a typed migration",
                    column.name
                ));
            }
            Some(_) => {}
        }
    }
    let sqlite = backend == Backend::Sqlite;
    for (index, def) in &a.indexes {
        if !b.indexes.contains_key(index) {
            out.push(index_sql(name, index, def, backend));
        }
    }
    for (fk, def) in &a.foreign_keys {
        if !b.foreign_keys.contains_key(fk) {
            out.push(if sqlite {
                format!("-- foreign key {fk} on {name}: SQLite adds it only by a table rebuild; not emitted")
            } else {
                format!("ALTER TABLE {table} ADD {}", fk_clause(fk, def, backend))
            });
        }
    }
    for (check, def) in &a.checks {
        if !b.checks.contains_key(check) {
            out.push(if sqlite {
                format!("-- check {check} on {name}: SQLite adds it only by a table rebuild; not emitted")
            } else {
                format!("ALTER TABLE {table} ADD {}", check_clause(check, def, backend))
            });
        }
    }
    if destructive {
        for column in b.columns.iter().filter(|c| a.column(&c.name).is_none()) {
            out.push(format!(
                "ALTER TABLE {table} DROP COLUMN {}",
                quote_ident(backend, &column.name)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use lockgate_dsl::Backend;

    use super::emit_sql;
    use crate::schema::{Column, PartitionOf, Schema, Table};

    #[test]
    fn a_partition_follows_its_parent_and_takes_its_columns() {
        let mut a = Schema::default();
        let of = PartitionOf {
            parent: "events".into(),
            bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')".into(),
        };
        // Named to sort before its parent.
        a.tables.insert(
            "a_events_2025".into(),
            Table {
                columns: vec![Column::new("created_on", "date")],
                partition_of: Some(of),
                ..Table::default()
            },
        );
        a.tables.insert(
            "events".into(),
            Table {
                columns: vec![Column::new("created_on", "date")],
                partition_by: Some("RANGE (created_on)".into()),
                ..Table::default()
            },
        );
        assert_eq!(
            emit_sql(&a, &Schema::default(), Backend::Postgres, false),
            [
                r#"CREATE TABLE "events" ("created_on" date NULL) PARTITION BY RANGE (created_on)"#,
                r#"CREATE TABLE "a_events_2025" PARTITION OF "events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"#,
            ]
        );
        assert_eq!(
            emit_sql(&Schema::default(), &a, Backend::Postgres, true),
            [r#"DROP TABLE "events""#],
            "the partition goes with its parent"
        );
    }
}
