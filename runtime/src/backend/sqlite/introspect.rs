//! The live schema of a SQLite database, from `sqlite_master` and the `pragma_*` table functions. SQLite keeps
//! no catalog of constraint names or check expressions, so those are read from the table's `CREATE TABLE` text.

use crate::backend::catalog::{rows, text};
use crate::conn::SqlConn;
use crate::schema::{Check, Column, ForeignKey, Index, Schema, Table, View, squash};
use lockgate_dsl::render::split_items;
use lockgate_dsl::schema::{TriggerDef, TriggerEvent, TriggerTiming};

const TABLES: &str = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";

const COLUMNS: &str = "SELECT m.name, p.name, p.type, CAST(p.\"notnull\" AS TEXT), p.dflt_value, CAST(p.pk AS TEXT), \
     CAST(p.hidden AS TEXT) FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid";

const INDEXES: &str = "SELECT m.name, il.name, CAST(il.\"unique\" AS TEXT), il.origin, ix.sql, \
     (SELECT group_concat(COALESCE(ii.name, '<expression>'), char(31)) FROM \
        (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) \
     FROM sqlite_master m JOIN pragma_index_list(m.name) il \
     LEFT JOIN sqlite_master ix ON ix.type = 'index' AND ix.name = il.name \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, il.name";

const FOREIGN_KEYS: &str = "SELECT m.name, CAST(f.id AS TEXT), f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.on_update \
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq";

const VIEWS: &str = "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY 1";

/// Triggers users made: not lockgate's own (expand/contract's sync triggers).
const TRIGGERS: &str = "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' \
     AND name NOT LIKE 'lockgate\\_%' ESCAPE '\\' ORDER BY 1, 2";

/// A trigger from its `CREATE TRIGGER` text: timing, event, `WHEN` and the statements between `BEGIN` and `END`;
/// `None` for what the DSL cannot spell (`INSTEAD OF`, `UPDATE OF` columns).
fn trigger(table: &str, name: &str, sql: &str) -> Option<TriggerDef> {
    let upper = sql.to_ascii_uppercase();
    let begin = upper.find(" BEGIN ").or_else(|| upper.find("\nBEGIN"))?;
    let end = upper.rfind("END")?;
    let header = &upper[..begin];
    let words: Vec<&str> = header.split_whitespace().collect();
    let timing = if words.contains(&"BEFORE") {
        TriggerTiming::Before
    } else if words.contains(&"AFTER") {
        TriggerTiming::After
    } else {
        return None;
    };
    let event = match *words.iter().find(|w| matches!(**w, "INSERT" | "UPDATE" | "DELETE"))? {
        "INSERT" => TriggerEvent::Insert,
        "UPDATE" if words.windows(2).any(|pair| pair == ["UPDATE", "OF"]) => return None,
        "UPDATE" => TriggerEvent::Update,
        _ => TriggerEvent::Delete,
    };
    let mut def = TriggerDef::with_body(table, name, sql[begin + " BEGIN ".len()..end].trim()).on([event]);
    def.timing = timing;
    def.when = header.find(" WHEN ").map(|at| squash(&sql[at + " WHEN ".len()..begin]));
    Some(def)
}

/// An identifier as written, without its quotes.
fn unquote(word: &str) -> String {
    let word = word.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if let Some(inner) = word.strip_prefix(open).and_then(|w| w.strip_suffix(close)) {
            return inner.to_owned();
        }
    }
    word.to_owned()
}

/// The items of a `CREATE TABLE` statement's parenthesised list.
fn items(create: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (create.find('('), create.rfind(')')) else {
        return Vec::new();
    };
    split_items(&create[open + 1..close]).unwrap_or_default()
}

/// The named constraints of a `CREATE TABLE` text: (name, rest) for `CONSTRAINT name rest` items.
fn named_constraints(create: &str) -> Vec<(String, String)> {
    items(create)
        .into_iter()
        .filter_map(|item| {
            let rest = item
                .strip_prefix("CONSTRAINT ")
                .or_else(|| item.strip_prefix("constraint "))?;
            let rest = rest.trim_start();
            let end = if rest.starts_with(['"', '`', '[']) {
                let close = match rest.as_bytes()[0] {
                    b'[' => ']',
                    other => char::from(other),
                };
                rest[1..].find(close).map_or(rest.len(), |i| i + 2)
            } else {
                rest.find(char::is_whitespace).unwrap_or(rest.len())
            };
            Some((unquote(&rest[..end]), rest[end..].trim().to_owned()))
        })
        .collect()
}

/// The expression inside the first top-level parentheses after `CHECK`.
fn check_expression(rest: &str) -> Option<String> {
    let upper = rest.to_ascii_uppercase();
    let at = upper.find("CHECK")?;
    let open = rest[at..].find('(')? + at;
    let close = rest.rfind(')')?;
    (close > open).then(|| squash(&rest[open + 1..close]))
}

/// The query of `CREATE VIEW name AS query`, as the other backends keep a view: the text after the `AS` that
/// follows the view's name.
fn view_query<'a>(create: &'a str, name: &str) -> &'a str {
    let upper = create.to_ascii_uppercase();
    let after_name = upper
        .find("VIEW")
        .and_then(|at| create[at..].find(name).map(|n| at + n + name.len()));
    after_name
        .and_then(|from| {
            upper[from..]
                .find(" AS ")
                .or_else(|| upper[from..].find("\nAS "))
                .map(|at| from + at + 4)
        })
        .map_or(create, |at| &create[at..])
}

/// Reads the schema, leaving out the tables in `skip`.
pub(super) async fn introspect(conn: &mut dyn SqlConn, skip: &[String]) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let mut creates = std::collections::BTreeMap::new();
    for row in rows(conn, TABLES).await? {
        let name = text(&row, 0);
        if crate::schema::introspected(&name, skip) {
            creates.insert(name.clone(), text(&row, 1));
            schema.tables.insert(name, Table::default());
        }
    }
    let mut keys: std::collections::BTreeMap<String, Vec<(i64, String)>> = std::collections::BTreeMap::new();
    for row in rows(conn, COLUMNS).await? {
        let table_name = text(&row, 0);
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let name = text(&row, 1);
        let pk: i64 = text(&row, 5).parse().unwrap_or(0);
        if pk > 0 {
            keys.entry(table_name.clone()).or_default().push((pk, name.clone()));
        }
        // hidden 2 and 3: generated columns, whose expression only the CREATE TABLE text holds.
        let generated = matches!(text(&row, 6).as_str(), "2" | "3").then(|| {
            items(&creates[&table_name])
                .into_iter()
                .find(|item| unquote(item.split_whitespace().next().unwrap_or_default()) == name)
                .map(|item| squash(&generation(&item)))
                .unwrap_or_default()
        });
        table.columns.push(Column {
            name,
            data_type: text(&row, 2).to_lowercase(),
            nullable: text(&row, 3) == "0" && pk == 0,
            default: row.get(4).cloned().flatten(),
            generated,
        });
    }
    for (table_name, mut columns) in keys {
        columns.sort();
        if let Some(table) = schema.tables.get_mut(&table_name) {
            table.primary_key = columns.into_iter().map(|(_, name)| name).collect();
        }
    }
    for row in rows(conn, INDEXES).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let columns: Vec<String> = text(&row, 5).split('\u{1f}').map(str::to_owned).collect();
        match text(&row, 3).as_str() {
            "pk" => {}
            "u" => {
                let name = format!("unique ({})", columns.join(", "));
                table.uniques.insert(name, columns);
            }
            _ => {
                let sql = text(&row, 4);
                let predicate = sql
                    .to_ascii_uppercase()
                    .rfind(" WHERE ")
                    .map(|at| squash(&sql[at + 7..]));
                table.indexes.insert(
                    text(&row, 1),
                    Index {
                        columns,
                        unique: text(&row, 2) == "1",
                        predicate,
                        method: None,
                        valid: true,
                    },
                );
            }
        }
    }
    let mut foreign_keys: std::collections::BTreeMap<(String, String), ForeignKey> = std::collections::BTreeMap::new();
    for row in rows(conn, FOREIGN_KEYS).await? {
        let key = (text(&row, 0), text(&row, 1));
        let fk = foreign_keys.entry(key).or_insert_with(|| ForeignKey {
            columns: Vec::new(),
            ref_table: text(&row, 2),
            ref_columns: Vec::new(),
            on_delete: text(&row, 5),
            on_update: text(&row, 6),
            validated: true,
        });
        fk.columns.push(text(&row, 3));
        fk.ref_columns.push(text(&row, 4));
    }
    for ((table_name, _), fk) in foreign_keys {
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        // Named by its CONSTRAINT clause when it has one, else by what it does.
        let named = named_constraints(&creates[&table_name]).into_iter().find(|(_, rest)| {
            let upper = rest.to_ascii_uppercase();
            upper.starts_with("FOREIGN KEY")
                && rest.contains(&format!("\"{}\"", fk.columns.join("\", \"")))
                && rest.contains(&fk.ref_table)
        });
        let name = named.map_or_else(
            || format!("({}) -> {}", fk.columns.join(", "), fk.ref_table),
            |(name, _)| name,
        );
        table.foreign_keys.insert(name, fk);
    }
    for (table_name, create) in &creates {
        let Some(table) = schema.tables.get_mut(table_name) else {
            continue;
        };
        for item in items(create) {
            let (name, rest) = match named_constraints(&format!("({item})")).into_iter().next() {
                Some((name, rest)) => (Some(name), rest),
                None => (None, item.clone()),
            };
            if !rest.to_ascii_uppercase().starts_with("CHECK") {
                continue;
            }
            if let Some(expression) = check_expression(&rest) {
                let name = name.unwrap_or_else(|| format!("check ({expression})"));
                table.checks.insert(
                    name,
                    Check {
                        expression,
                        validated: true,
                    },
                );
            }
        }
    }
    for row in rows(conn, TRIGGERS).await? {
        let table = text(&row, 0);
        if !schema.tables.contains_key(&table) {
            continue;
        }
        if let Some(def) = trigger(&table, &text(&row, 1), &text(&row, 2)) {
            schema.triggers.entry(table).or_default().insert(def.name.clone(), def);
        }
    }
    for row in rows(conn, VIEWS).await? {
        let (name, create) = (text(&row, 0), text(&row, 1));
        schema.views.insert(
            name.clone(),
            View {
                definition: squash(view_query(&create, &name)),
            },
        );
    }
    Ok(schema)
}

/// The expression of a generated column's definition: what `AS (...)` holds, its own parentheses kept
/// whole; the definition itself where there is none.
fn generation(item: &str) -> String {
    let upper = item.to_ascii_uppercase();
    let Some(start) = upper
        .find(" AS")
        .and_then(|at| item[at + 3..].find('(').map(|open| at + 3 + open))
    else {
        return item.to_owned();
    };
    let mut depth = 0usize;
    for (offset, c) in item[start..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return item[start + 1..start + offset].to_owned();
                }
            }
            _ => {}
        }
    }
    item.to_owned()
}

#[cfg(test)]
mod tests {
    use super::generation;

    #[test]
    fn a_trigger_is_read_from_its_text() {
        use lockgate_dsl::schema::{TriggerEvent, TriggerTiming};
        let def = super::trigger(
            "t",
            "t_audit",
            "CREATE TRIGGER \"t_audit\" AFTER DELETE ON \"t\" FOR EACH ROW WHEN OLD.id > 0 BEGIN INSERT INTO a VALUES (OLD.id); END",
        )
        .unwrap();
        assert_eq!(
            (def.timing, def.events.as_slice()),
            (TriggerTiming::After, &[TriggerEvent::Delete][..])
        );
        assert_eq!(def.when.as_deref(), Some("OLD.id > 0"));
        assert_eq!(def.body.as_deref(), Some("INSERT INTO a VALUES (OLD.id);"));
        let hand = super::trigger("t", "x", "CREATE TRIGGER x BEFORE INSERT ON t BEGIN SELECT 1; END").unwrap();
        assert_eq!((hand.timing, hand.when), (TriggerTiming::Before, None));
        assert!(super::trigger("t", "y", "CREATE TRIGGER y AFTER UPDATE OF a ON t BEGIN SELECT 1; END").is_none());
        assert!(super::trigger("v", "z", "CREATE TRIGGER z INSTEAD OF INSERT ON v BEGIN SELECT 1; END").is_none());
    }

    #[test]
    fn a_generated_column_s_expression_is_what_as_holds() {
        assert_eq!(
            generation("\"total\" bigint GENERATED ALWAYS AS (net + (tax * 2)) STORED NULL"),
            "net + (tax * 2)"
        );
        assert_eq!(generation("t integer AS (length(title)) VIRTUAL"), "length(title)");
        assert_eq!(generation("plain integer"), "plain integer");
    }
}
