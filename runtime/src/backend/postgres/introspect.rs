//! The live schema of the current PostgreSQL schema, from `pg_catalog`: `format_type`, `pg_get_expr`,
//! `pg_get_indexdef` and `pg_get_viewdef` give each object in PostgreSQL's own canonical spelling.

use crate::backend::catalog::{rows, text};
use crate::conn::SqlConn;
use lockgate_dsl::schema::{
    CommentOn, FunctionDef, GrantObject, Privilege, RowSecurity, SequenceDef, TriggerDef, TriggerEvent, TriggerTiming,
};

use crate::schema::{
    Check, Column, ForeignKey, Index, MaterializedView, PartitionOf, Policy, Schema, Table, View, squash,
};

fn list(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\u{1f}').map(str::to_owned).collect()
    }
}

/// With a partitioned table's key, and a partition's parent and bound.
const TABLES: &str = "SELECT c.relname::text, c.relrowsecurity::text, c.relforcerowsecurity::text, \
     CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END::text, \
     (SELECT p.relname FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent \
        WHERE h.inhrelid = c.oid AND c.relispartition)::text, \
     CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END::text \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1";

/// Roles joined by U+001F; PUBLIC is `public`.
const POLICIES: &str = "SELECT tablename::text, policyname::text, permissive::text, \
     array_to_string(roles, E'\\x1f')::text, cmd::text, qual::text, with_check::text \
     FROM pg_policies WHERE schemaname = current_schema() ORDER BY 1, 2";

/// Privileges granted to roles other than the owner: on the current schema's tables, views and sequences, and on
/// schemas (without the default `USAGE` PUBLIC has on `public`, which every database starts with).
const GRANTS: &str = "SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, c.relname::text, \
        CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END, a.privilege_type::text \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND a.grantee <> c.relowner \
     UNION ALL \
     SELECT 'schema', n.nspname::text, \
        CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END, a.privilege_type::text \
     FROM pg_namespace n, aclexplode(n.nspacl) a \
     WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND a.grantee <> n.nspowner \
     AND NOT (n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'USAGE') \
     ORDER BY 1, 2, 3, 4";

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)::text, \
     (NOT a.attnotnull)::text, pg_get_expr(d.adbin, d.adrelid)::text, a.attgenerated::text \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

/// Constraints with their columns in key order (joined by U+001F, which no identifier holds); not those a
/// partition takes from its parent.
const CONSTRAINTS: &str = "SELECT c.relname::text, con.conname::text, con.contype::text, \
     (SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n)::text, \
     fc.relname::text, \
     (SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n)::text, \
     con.confdeltype::text, con.confupdtype::text, con.convalidated::text, \
     CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END::text \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class fc ON fc.oid = con.confrelid \
     WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c') \
     AND NOT (c.relispartition AND NOT con.conislocal) ORDER BY 1, 2";

/// Indexes that back no constraint (primary keys and unique constraints are read as constraints), and that are not
/// a partition's share of its parent's index.
const INDEXES: &str = "SELECT t.relname::text, i.relname::text, ix.indisunique::text, ix.indisvalid::text, \
     pg_get_expr(ix.indpred, ix.indrelid)::text, am.amname::text, \
     (SELECT string_agg(pg_get_indexdef(ix.indexrelid, k, true), E'\\x1f' ORDER BY k) \
        FROM generate_series(1, ix.indnkeyatts) k)::text \
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam \
     WHERE n.nspname = current_schema() \
     AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u')) \
     AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = ix.indexrelid) \
     ORDER BY 1, 2";

const VIEWS: &str =
    "SELECT viewname::text, definition::text FROM pg_views WHERE schemaname = current_schema() ORDER BY 1";

const MATERIALIZED_VIEWS: &str = "SELECT matviewname::text, definition::text FROM pg_matviews \
     WHERE schemaname = current_schema() ORDER BY 1";

const SCHEMAS: &str = "SELECT nspname::text FROM pg_namespace \
     WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') ORDER BY 1";

/// Sequences no column owns: an identity or serial column's sequence depends on it (`a` or `i`).
const SEQUENCES: &str = "SELECT c.relname::text, s.seqstart::text, s.seqincrement::text \
     FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d \
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) ORDER BY 1";

/// Comments on tables (column 0) and their columns.
const COMMENTS: &str = "SELECT c.relname::text, a.attname::text, d.description::text \
     FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1, 2";

/// Functions, without lockgate's own (expand/contract's sync functions) and extensions' members.
const FUNCTIONS: &str = "SELECT p.proname::text, pg_get_function_identity_arguments(p.oid)::text, \
     pg_get_function_result(p.oid)::text, l.lanname::text, p.prosrc::text \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang \
     WHERE n.nspname = current_schema() AND p.prokind = 'f' AND p.proname NOT LIKE 'lockgate\\_%' \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid \
        AND d.deptype = 'e') ORDER BY 1, 2";

/// Triggers users made: not the internal ones behind foreign keys, not lockgate's own, not a partition's copy of
/// its parent's.
const TRIGGERS: &str = "SELECT c.relname::text, t.tgname::text, t.tgtype::int4::text, p.proname::text, \
     pg_get_triggerdef(t.oid)::text \
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_proc p ON p.oid = t.tgfoid \
     WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgname NOT LIKE 'lockgate\\_%' \
     AND t.tgparentid = 0 ORDER BY 1, 2";

/// A trigger from `pg_trigger.tgtype`'s bits (row 1, before 2, insert 4, delete 8, update 16, truncate 32) and
/// the `WHEN` of its definition.
fn trigger(table: String, name: String, bits: i32, function: String, definition: &str) -> TriggerDef {
    let events = [
        (4, TriggerEvent::Insert),
        (16, TriggerEvent::Update),
        (8, TriggerEvent::Delete),
        (32, TriggerEvent::Truncate),
    ]
    .into_iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, event)| event);
    let mut def = TriggerDef::new(table, name, function).on(events);
    def.for_each_row = bits & 1 != 0;
    def.timing = if bits & 2 != 0 {
        TriggerTiming::Before
    } else {
        TriggerTiming::After
    };
    def.when = definition
        .split_once(" WHEN (")
        .and_then(|(_, rest)| rest.rsplit_once(") EXECUTE "))
        .map(|(when, _)| squash(when));
    def
}

const ENUMS: &str = "SELECT t.typname::text, e.enumlabel::text FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
     JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() \
     ORDER BY t.typname, e.enumsortorder";

const EXTENSIONS: &str = "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1";

fn action(code: &str) -> String {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        "r" => "RESTRICT",
        _ => "NO ACTION",
    }
    .to_owned()
}

/// Reads the schema, leaving out the tables in `skip`.
pub(super) async fn introspect(conn: &mut dyn SqlConn, skip: &[String]) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let keep = |name: &str| crate::schema::introspected(name, skip);
    for row in rows(conn, TABLES).await? {
        let name = text(&row, 0);
        if keep(&name) {
            let row_security = RowSecurity {
                enabled: text(&row, 1) == "true",
                forced: text(&row, 2) == "true",
            };
            let partition_of = row.get(4).cloned().flatten().map(|parent| PartitionOf {
                parent,
                bound: text(&row, 5),
            });
            schema.tables.insert(
                name,
                Table {
                    row_security,
                    partition_by: row.get(3).cloned().flatten(),
                    partition_of,
                    ..Table::default()
                },
            );
        }
    }
    for row in rows(conn, COLUMNS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let generated = text(&row, 5);
        let default = row.get(4).cloned().flatten();
        table.columns.push(Column {
            name: text(&row, 1),
            data_type: text(&row, 2).to_lowercase(),
            nullable: text(&row, 3) == "true",
            default: if generated.is_empty() { default.clone() } else { None },
            generated: if generated.is_empty() { None } else { default },
        });
    }
    for row in rows(conn, CONSTRAINTS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let name = text(&row, 1);
        let columns = list(&text(&row, 3));
        let validated = text(&row, 8) == "true";
        match text(&row, 2).as_str() {
            "p" => table.primary_key = columns,
            "u" => {
                table.uniques.insert(name, columns);
            }
            "f" => {
                table.foreign_keys.insert(
                    name,
                    ForeignKey {
                        columns,
                        ref_table: text(&row, 4),
                        ref_columns: list(&text(&row, 5)),
                        on_delete: action(&text(&row, 6)),
                        on_update: action(&text(&row, 7)),
                        validated,
                    },
                );
            }
            _ => {
                table.checks.insert(
                    name,
                    Check {
                        expression: squash(&text(&row, 9)),
                        validated,
                    },
                );
            }
        }
    }
    for row in rows(conn, MATERIALIZED_VIEWS).await? {
        schema.materialized_views.insert(
            text(&row, 0),
            MaterializedView {
                definition: squash(&text(&row, 1)),
                indexes: Default::default(),
            },
        );
    }
    for row in rows(conn, INDEXES).await? {
        let on = text(&row, 0);
        let indexes = match (schema.tables.get_mut(&on), schema.materialized_views.get_mut(&on)) {
            (Some(table), _) => &mut table.indexes,
            (None, Some(view)) => &mut view.indexes,
            (None, None) => continue,
        };
        indexes.insert(
            text(&row, 1),
            Index {
                columns: list(&text(&row, 6)),
                unique: text(&row, 2) == "true",
                valid: text(&row, 3) == "true",
                predicate: row.get(4).cloned().flatten().map(|p| squash(&p)),
                method: Some(text(&row, 5)),
            },
        );
    }
    for row in rows(conn, VIEWS).await? {
        schema.views.insert(
            text(&row, 0),
            View {
                definition: squash(&text(&row, 1)),
            },
        );
    }
    for row in rows(conn, ENUMS).await? {
        schema.enums.entry(text(&row, 0)).or_default().push(text(&row, 1));
    }
    for row in rows(conn, EXTENSIONS).await? {
        schema.extensions.insert(text(&row, 0));
    }
    for row in rows(conn, FUNCTIONS).await? {
        let function = FunctionDef::new(text(&row, 0))
            .arguments(text(&row, 1))
            .returns(text(&row, 2))
            .language(text(&row, 3))
            .body(text(&row, 4));
        schema.functions.insert(function.name.clone(), function);
    }
    for row in rows(conn, TRIGGERS).await? {
        let table = text(&row, 0);
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let bits = text(&row, 2).parse().unwrap_or_default();
        let def = trigger(table.clone(), text(&row, 1), bits, text(&row, 3), &text(&row, 4));
        schema.triggers.entry(table).or_default().insert(def.name.clone(), def);
    }
    for row in rows(conn, SCHEMAS).await? {
        schema.schemas.insert(text(&row, 0));
    }
    for row in rows(conn, SEQUENCES).await? {
        let number = |i: usize| text(&row, i).parse::<i64>().unwrap_or_default();
        let sequence = SequenceDef::new(text(&row, 0)).start(number(1)).increment(number(2));
        schema.sequences.insert(sequence.name.clone(), sequence);
    }
    for row in rows(conn, COMMENTS).await? {
        let table = text(&row, 0);
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let on = match row.get(1).cloned().flatten() {
            Some(column) => CommentOn::column(table, column),
            None => CommentOn::table(table),
        };
        schema.comments.insert(on, text(&row, 2));
    }
    for row in rows(conn, POLICIES).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        table.policies.insert(
            text(&row, 1),
            Policy {
                permissive: text(&row, 2) == "PERMISSIVE",
                roles: list(&text(&row, 3)),
                command: text(&row, 4),
                using: row.get(5).cloned().flatten().map(|e| squash(&e)),
                with_check: row.get(6).cloned().flatten().map(|e| squash(&e)),
            },
        );
    }
    for row in rows(conn, GRANTS).await? {
        let name = text(&row, 1);
        let on = match text(&row, 0).as_str() {
            "sequence" => GrantObject::Sequence(name),
            "schema" => GrantObject::Schema(name),
            _ if !keep(&name) => continue,
            _ => GrantObject::Table(name),
        };
        // A privilege lockgate does not model (PostgreSQL 17's MAINTAIN) is left out rather than misnamed.
        if let Some(privilege) = Privilege::from_sql(&text(&row, 3)) {
            schema.grants.insert((on, text(&row, 2), privilege));
        }
    }
    Ok(schema)
}
