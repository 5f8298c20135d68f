//! The live schema of the current MySQL or MariaDB database, from `information_schema`.

use crate::backend::catalog::{rows, text};
use crate::conn::SqlConn;
use crate::schema::{Check, Column, ForeignKey, Index, Schema, Table, View, squash};
use lockgate_dsl::schema::{TriggerDef, TriggerEvent, TriggerTiming};

/// With each table's comment (empty for none).
const TABLES: &str = "SELECT CAST(table_name AS CHAR), CAST(table_comment AS CHAR) FROM information_schema.tables \
     WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1";

const COLUMNS: &str = "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), \
     CAST(is_nullable AS CHAR), CAST(column_default AS CHAR), CAST(generation_expression AS CHAR), CAST(extra AS CHAR) \
     FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position";

const INDEXES: &str = "SELECT CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(non_unique AS CHAR), \
     CAST(column_name AS CHAR), CAST(sub_part AS CHAR), CAST(index_type AS CHAR) \
     FROM information_schema.statistics WHERE table_schema = DATABASE() \
     ORDER BY table_name, index_name, seq_in_index";

const UNIQUE_CONSTRAINTS: &str = "SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR) \
     FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND constraint_type = 'UNIQUE'";

const FOREIGN_KEYS: &str = "SELECT CAST(k.table_name AS CHAR), CAST(k.constraint_name AS CHAR), \
     CAST(k.column_name AS CHAR), CAST(k.referenced_table_name AS CHAR), CAST(k.referenced_column_name AS CHAR), \
     CAST(r.delete_rule AS CHAR), CAST(r.update_rule AS CHAR) \
     FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r \
     ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name \
     WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL \
     ORDER BY k.table_name, k.constraint_name, k.ordinal_position";

const CHECKS: &str = "SELECT CAST(tc.table_name AS CHAR), CAST(cc.constraint_name AS CHAR), CAST(cc.check_clause AS CHAR) \
     FROM information_schema.table_constraints tc JOIN information_schema.check_constraints cc \
     ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name \
     WHERE tc.table_schema = DATABASE() AND tc.constraint_type = 'CHECK' ORDER BY 1, 2";

const VIEWS: &str = "SELECT CAST(table_name AS CHAR), CAST(view_definition AS CHAR), CAST(DATABASE() AS CHAR) \
     FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY 1";

/// Triggers users made: not lockgate's own (expand/contract's sync triggers).
const TRIGGERS: &str = "SELECT CAST(event_object_table AS CHAR), CAST(trigger_name AS CHAR), \
     CAST(action_timing AS CHAR), CAST(event_manipulation AS CHAR), CAST(action_statement AS CHAR) \
     FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND trigger_name NOT LIKE 'lockgate\\_%' \
     ORDER BY 1, 2";

/// MariaDB spells "no default" on a nullable column as the text `NULL`.
fn default(value: Option<String>) -> Option<String> {
    value.filter(|v| v != "NULL")
}

/// Reads the schema, leaving out the tables in `skip`.
pub(super) async fn introspect(conn: &mut dyn SqlConn, skip: &[String]) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let keep = |name: &str| crate::schema::introspected(name, skip);
    for row in rows(conn, TABLES).await? {
        let name = text(&row, 0);
        if keep(&name) {
            let comment = text(&row, 1);
            if !comment.is_empty() {
                schema
                    .comments
                    .insert(lockgate_dsl::schema::CommentOn::table(name.clone()), comment);
            }
            schema.tables.insert(name, Table::default());
        }
    }
    for row in rows(conn, COLUMNS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let generated = row.get(5).cloned().flatten().filter(|g| !g.is_empty());
        table.columns.push(Column {
            name: text(&row, 1),
            data_type: text(&row, 2).to_lowercase(),
            nullable: text(&row, 3) == "YES",
            default: if generated.is_some() {
                None
            } else {
                default(row.get(4).cloned().flatten())
            },
            generated: generated.map(|g| squash(&g)),
        });
    }
    let mut unique_constraints = std::collections::BTreeSet::new();
    for row in rows(conn, UNIQUE_CONSTRAINTS).await? {
        unique_constraints.insert((text(&row, 0), text(&row, 1)));
    }
    for row in rows(conn, INDEXES).await? {
        let table_name = text(&row, 0);
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let name = text(&row, 1);
        let mut column = text(&row, 3);
        let sub_part = text(&row, 4);
        if !sub_part.is_empty() {
            column = format!("{column}({sub_part})");
        }
        if name == "PRIMARY" {
            table.primary_key.push(column);
        } else if unique_constraints.contains(&(table_name, name.clone())) {
            table.uniques.entry(name).or_default().push(column);
        } else {
            let index = table.indexes.entry(name).or_insert_with(|| Index {
                columns: Vec::new(),
                unique: text(&row, 2) == "0",
                predicate: None,
                method: Some(text(&row, 5).to_lowercase()),
                valid: true,
            });
            index.columns.push(column);
        }
    }
    for row in rows(conn, FOREIGN_KEYS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let fk = table.foreign_keys.entry(text(&row, 1)).or_insert_with(|| ForeignKey {
            columns: Vec::new(),
            ref_table: text(&row, 3),
            ref_columns: Vec::new(),
            on_delete: text(&row, 5),
            on_update: text(&row, 6),
            validated: true,
        });
        fk.columns.push(text(&row, 2));
        fk.ref_columns.push(text(&row, 4));
    }
    for row in rows(conn, CHECKS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        table.checks.insert(
            text(&row, 1),
            Check {
                expression: squash(&text(&row, 2)),
                validated: true,
            },
        );
    }
    for row in rows(conn, TRIGGERS).await? {
        let table = text(&row, 0);
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let event = match text(&row, 3).as_str() {
            "INSERT" => TriggerEvent::Insert,
            "UPDATE" => TriggerEvent::Update,
            _ => TriggerEvent::Delete,
        };
        let mut def = TriggerDef::with_body(table.clone(), text(&row, 1), text(&row, 4)).on([event]);
        if text(&row, 2) == "AFTER" {
            def.timing = TriggerTiming::After;
        }
        schema.triggers.entry(table).or_default().insert(def.name.clone(), def);
    }
    for row in rows(conn, VIEWS).await? {
        // The catalog qualifies names with the database's; two databases of one schema must compare equal.
        let qualifier = format!("`{}`.", text(&row, 2));
        schema.views.insert(
            text(&row, 0),
            View {
                definition: squash(&text(&row, 1).replace(&qualifier, "")),
            },
        );
    }
    Ok(schema)
}
