//! Comparing two schemas: an ordered list of what is missing, extra or changed, with both sides.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::{Check, Column, ForeignKey, Index, Policy, Schema, Table};

/// What to leave out of a comparison.
///
/// ```
/// use lockgate_runtime::schema::CompareOptions;
/// let lenient = CompareOptions { ignore_constraint_names: true, ..CompareOptions::default() };
/// assert!(!lenient.ignore_column_order);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompareOptions {
    /// Match indexes, foreign keys, checks and unique constraints by what they do, not by name.
    pub ignore_constraint_names: bool,
    /// Compare a table's columns as a set, not in order.
    pub ignore_column_order: bool,
    /// A foreign key or check found validated where `NOT VALID` was expected is no difference: `VALIDATE` has no
    /// inverse, and a validated constraint promises more, not less.
    pub accept_validated: bool,
}

/// How one object differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// In the expected schema only.
    Missing {
        /// The object as expected.
        expected: String,
    },
    /// In the found schema only.
    Extra {
        /// The object as found.
        found: String,
    },
    /// In both, not alike.
    Changed {
        /// The object as expected.
        expected: String,
        /// The object as found.
        found: String,
    },
}

/// One difference between an expected schema and a found one.
///
/// ```
/// use lockgate_runtime::schema::{Change, Difference};
/// let d = Difference { object: "column `accounts`.`nickname`".into(), change: Change::Extra { found: "text NULL".into() } };
/// assert_eq!(d.to_string(), "extra column `accounts`.`nickname`: text NULL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What differs, e.g. ``column `accounts`.`email` ``.
    pub object: String,
    /// How.
    #[serde(flatten)]
    pub change: Change,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            Change::Missing { expected } => write!(f, "missing {}: {expected}", self.object),
            Change::Extra { found } => write!(f, "extra {}: {found}", self.object),
            Change::Changed { expected, found } => {
                write!(f, "changed {}: expected {expected}, found {found}", self.object)
            }
        }
    }
}

/// The differences between `expected` and `found`, tables first (each table's columns, keys, indexes,
/// constraints, row-level security and policies in turn), then views, materialized views, enums, extensions,
/// schemas, sequences, functions, triggers, comments and grants; empty when they are alike.
///
/// ```
/// use lockgate_runtime::schema::{Column, CompareOptions, Schema, Table, compare};
/// let mut expected = Schema::default();
/// expected.tables.insert("t".into(), Table { columns: vec![Column::new("a", "text")], ..Table::default() });
/// let mut found = expected.clone();
/// found.tables.get_mut("t").unwrap().columns.push(Column::new("b", "integer"));
/// let differences = compare(&expected, &found, CompareOptions::default());
/// assert_eq!(differences[0].to_string(), "extra column `t`.`b`: integer NULL");
/// ```
pub fn compare(expected: &Schema, found: &Schema, options: CompareOptions) -> Vec<Difference> {
    let mut out = Vec::new();
    each(
        &expected.tables,
        &found.tables,
        &mut out,
        |name| format!("table `{name}`"),
        table_line,
        |name, a, b, out| {
            compare_tables(name, a, b, options, out);
        },
    );
    each(
        &expected.views,
        &found.views,
        &mut out,
        |name| format!("view `{name}`"),
        |v| v.definition.clone(),
        |name, a, b, out| {
            if a.definition != b.definition {
                out.push(changed(
                    format!("view `{name}`"),
                    a.definition.clone(),
                    b.definition.clone(),
                ));
            }
        },
    );
    each(
        &expected.enums,
        &found.enums,
        &mut out,
        |name| format!("enum `{name}`"),
        |v| v.join(", "),
        |name, a, b, out| {
            if a != b {
                out.push(changed(format!("enum `{name}`"), a.join(", "), b.join(", ")));
            }
        },
    );
    each(
        &expected.materialized_views,
        &found.materialized_views,
        &mut out,
        |name| format!("materialized view `{name}`"),
        |v| v.definition.clone(),
        |name, a, b, out| {
            if a.definition != b.definition {
                out.push(changed(
                    format!("materialized view `{name}`"),
                    a.definition.clone(),
                    b.definition.clone(),
                ));
            }
            compare_named(name, "index", &a.indexes, &b.indexes, options, index_line, out);
        },
    );
    let names =
        |set: &std::collections::BTreeSet<String>| set.iter().map(|e| (e.clone(), ())).collect::<BTreeMap<_, _>>();
    each(
        &names(&expected.extensions),
        &names(&found.extensions),
        &mut out,
        |name| format!("extension `{name}`"),
        |()| "installed".to_owned(),
        |_, (), (), _| {},
    );
    each(
        &names(&expected.schemas),
        &names(&found.schemas),
        &mut out,
        |name| format!("schema `{name}`"),
        |()| "created".to_owned(),
        |_, (), (), _| {},
    );
    let sequence_line =
        |s: &lockgate_dsl::schema::SequenceDef| format!("START WITH {} INCREMENT BY {}", s.start, s.increment);
    each(
        &expected.sequences,
        &found.sequences,
        &mut out,
        |name| format!("sequence `{name}`"),
        sequence_line,
        |name, a, b, out| {
            if a != b {
                out.push(changed(
                    format!("sequence `{name}`"),
                    sequence_line(a),
                    sequence_line(b),
                ));
            }
        },
    );
    let function_line = |f: &lockgate_dsl::schema::FunctionDef| {
        format!(
            "{} RETURNS {} LANGUAGE {} AS $${}$$",
            f.signature(),
            f.returns,
            f.language,
            f.body
        )
    };
    each(
        &expected.functions,
        &found.functions,
        &mut out,
        |name| format!("function `{name}`"),
        function_line,
        |name, a, b, out| {
            if a != b {
                out.push(changed(
                    format!("function `{name}`"),
                    function_line(a),
                    function_line(b),
                ));
            }
        },
    );
    let trigger_line = |t: &lockgate_dsl::schema::TriggerDef| {
        let events: Vec<&str> = t.events.iter().map(|e| e.sql()).collect();
        format!(
            "{} {} FOR EACH {}{} EXECUTE FUNCTION {}()",
            t.timing.sql(),
            events.join(" OR "),
            if t.for_each_row { "ROW" } else { "STATEMENT" },
            t.when.as_deref().map(|w| format!(" WHEN ({w})")).unwrap_or_default(),
            t.function
        )
    };
    let triggers = |map: &BTreeMap<String, BTreeMap<String, lockgate_dsl::schema::TriggerDef>>| {
        map.iter()
            .flat_map(|(table, triggers)| {
                triggers
                    .iter()
                    .map(move |(name, t)| (format!("trigger `{name}` on `{table}`"), t.clone()))
            })
            .collect::<BTreeMap<_, _>>()
    };
    each(
        &triggers(&expected.triggers),
        &triggers(&found.triggers),
        &mut out,
        |object| object.to_owned(),
        trigger_line,
        |object, a, b, out| {
            if a != b {
                out.push(changed(object.to_owned(), trigger_line(a), trigger_line(b)));
            }
        },
    );
    let comments = |map: &BTreeMap<lockgate_dsl::schema::CommentOn, String>| {
        map.iter()
            .map(|(on, text)| (format!("comment on {on}"), text.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    each(
        &comments(&expected.comments),
        &comments(&found.comments),
        &mut out,
        |object| object.to_owned(),
        |text| format!("'{text}'"),
        |object, a, b, out| {
            if a != b {
                out.push(changed(object.to_owned(), format!("'{a}'"), format!("'{b}'")));
            }
        },
    );
    let grants = |set: &std::collections::BTreeSet<(
        lockgate_dsl::schema::GrantObject,
        String,
        lockgate_dsl::schema::Privilege,
    )>| {
        set.iter()
            .map(|(on, role, privilege)| (format!("{} on {on} to `{role}`", privilege.sql()), ()))
            .collect::<BTreeMap<_, _>>()
    };
    each(
        &grants(&expected.grants),
        &grants(&found.grants),
        &mut out,
        |grant| format!("grant of {grant}"),
        |()| "granted".to_owned(),
        |_, (), (), _| {},
    );
    out
}

fn changed(object: String, expected: String, found: String) -> Difference {
    Difference {
        object,
        change: Change::Changed { expected, found },
    }
}

/// Walks two maps by key: missing, extra, and `both` for the keys in both.
fn each<V>(
    expected: &BTreeMap<String, V>,
    found: &BTreeMap<String, V>,
    out: &mut Vec<Difference>,
    object: impl Fn(&str) -> String,
    line: impl Fn(&V) -> String,
    mut both: impl FnMut(&str, &V, &V, &mut Vec<Difference>),
) {
    for (name, a) in expected {
        match found.get(name) {
            Some(b) => both(name, a, b, out),
            None => out.push(Difference {
                object: object(name),
                change: Change::Missing { expected: line(a) },
            }),
        }
    }
    for (name, b) in found {
        if !expected.contains_key(name) {
            out.push(Difference {
                object: object(name),
                change: Change::Extra { found: line(b) },
            });
        }
    }
}

fn table_line(table: &Table) -> String {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    format!("({})", columns.join(", "))
}

fn column_line(c: &Column) -> String {
    let mut line = c.data_type.clone();
    line.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    if let Some(default) = &c.default {
        line.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(generated) = &c.generated {
        line.push_str(&format!(" GENERATED AS ({generated})"));
    }
    line
}

fn index_line(i: &Index) -> String {
    let mut line = format!("{}({})", if i.unique { "UNIQUE " } else { "" }, i.columns.join(", "));
    if let Some(method) = &i.method {
        line.push_str(&format!(" USING {method}"));
    }
    if let Some(predicate) = &i.predicate {
        line.push_str(&format!(" WHERE {predicate}"));
    }
    if !i.valid {
        line.push_str(" INVALID");
    }
    line
}

fn policy_line(p: &Policy) -> String {
    let mut line = format!(
        "{} FOR {} TO {}",
        if p.permissive { "PERMISSIVE" } else { "RESTRICTIVE" },
        p.command,
        p.roles.join(", ")
    );
    if let Some(using) = &p.using {
        line.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = &p.with_check {
        line.push_str(&format!(" WITH CHECK ({check})"));
    }
    line
}

fn fk_line(fk: &ForeignKey) -> String {
    format!(
        "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}{}",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", "),
        fk.on_delete,
        fk.on_update,
        if fk.validated { "" } else { " NOT VALID" }
    )
}

fn check_line(c: &Check) -> String {
    format!(
        "CHECK ({}){}",
        c.expression,
        if c.validated { "" } else { " NOT VALID" }
    )
}

/// Re-keys named objects by what they say, when names are to be ignored.
fn keyed<V>(map: &BTreeMap<String, V>, by_name: bool, line: impl Fn(&V) -> String) -> BTreeMap<String, (String, &V)> {
    map.iter()
        .map(|(name, v)| {
            let key = if by_name { name.clone() } else { line(v) };
            (key, (name.clone(), v))
        })
        .collect()
}

/// How a found object may differ from the expected one and still count as alike.
trait Alike {
    fn alike(&self, found: &Self, options: CompareOptions) -> bool;
}

impl Alike for Index {
    fn alike(&self, found: &Self, _: CompareOptions) -> bool {
        self == found
    }
}

impl Alike for Vec<String> {
    fn alike(&self, found: &Self, _: CompareOptions) -> bool {
        self == found
    }
}

impl Alike for ForeignKey {
    fn alike(&self, found: &Self, options: CompareOptions) -> bool {
        let validated = options.accept_validated && !self.validated && found.validated;
        self == found
            || validated
                && &ForeignKey {
                    validated: true,
                    ..self.clone()
                } == found
    }
}

impl Alike for Check {
    fn alike(&self, found: &Self, options: CompareOptions) -> bool {
        let validated = options.accept_validated && !self.validated && found.validated;
        let same = unquoted(&self.expression) == unquoted(&found.expression);
        same && (self.validated == found.validated || validated)
    }
}

/// An expression without identifier quotes: SQLite rewrites `length(email)` as `length("email")` when it renames
/// the column, and the two say the same. String literals keep every character.
fn unquoted(expression: &str) -> String {
    let mut out = String::with_capacity(expression.len());
    let mut in_literal = false;
    for c in expression.chars() {
        match c {
            '\'' => {
                in_literal = !in_literal;
                out.push(c);
            }
            '"' | '`' if !in_literal => {}
            _ => out.push(c),
        }
    }
    out
}

fn compare_named<V: Alike>(
    table: &str,
    kind: &str,
    expected: &BTreeMap<String, V>,
    found: &BTreeMap<String, V>,
    options: CompareOptions,
    line: impl Fn(&V) -> String + Copy,
    out: &mut Vec<Difference>,
) {
    let by_name = !options.ignore_constraint_names;
    let a = keyed(expected, by_name, line);
    let b = keyed(found, by_name, line);
    for (key, (name, va)) in &a {
        let object = format!("{kind} `{name}` on `{table}`");
        match b.get(key) {
            Some((_, vb)) if va.alike(vb, options) => {}
            Some((_, vb)) => out.push(changed(object, line(va), line(vb))),
            None => out.push(Difference {
                object,
                change: Change::Missing { expected: line(va) },
            }),
        }
    }
    for (key, (name, vb)) in &b {
        if !a.contains_key(key) {
            out.push(Difference {
                object: format!("{kind} `{name}` on `{table}`"),
                change: Change::Extra { found: line(vb) },
            });
        }
    }
}

fn compare_tables(name: &str, a: &Table, b: &Table, options: CompareOptions, out: &mut Vec<Difference>) {
    for column in &a.columns {
        let object = format!("column `{name}`.`{}`", column.name);
        match b.column(&column.name) {
            None => out.push(Difference {
                object,
                change: Change::Missing {
                    expected: column_line(column),
                },
            }),
            Some(other) if other != column => out.push(changed(object, column_line(column), column_line(other))),
            Some(_) => {}
        }
    }
    for column in &b.columns {
        if a.column(&column.name).is_none() {
            out.push(Difference {
                object: format!("column `{name}`.`{}`", column.name),
                change: Change::Extra {
                    found: column_line(column),
                },
            });
        }
    }
    if !options.ignore_column_order {
        let order = |t: &Table, other: &Table| -> Vec<String> {
            t.columns
                .iter()
                .filter(|c| other.column(&c.name).is_some())
                .map(|c| c.name.clone())
                .collect()
        };
        let (ours, theirs) = (order(a, b), order(b, a));
        if ours != theirs {
            out.push(changed(
                format!("column order of `{name}`"),
                ours.join(", "),
                theirs.join(", "),
            ));
        }
    }
    if a.primary_key != b.primary_key {
        out.push(changed(
            format!("primary key of `{name}`"),
            format!("({})", a.primary_key.join(", ")),
            format!("({})", b.primary_key.join(", ")),
        ));
    }
    compare_named(name, "index", &a.indexes, &b.indexes, options, index_line, out);
    compare_named(
        name,
        "foreign key",
        &a.foreign_keys,
        &b.foreign_keys,
        options,
        fk_line,
        out,
    );
    compare_named(name, "check", &a.checks, &b.checks, options, check_line, out);
    compare_named(
        name,
        "unique constraint",
        &a.uniques,
        &b.uniques,
        options,
        |cols: &Vec<String>| format!("UNIQUE ({})", cols.join(", ")),
        out,
    );
    if a.partition_by != b.partition_by {
        let key = |t: &Table| t.partition_by.clone().unwrap_or_else(|| "not partitioned".to_owned());
        out.push(changed(format!("partition key of `{name}`"), key(a), key(b)));
    }
    if a.partition_of != b.partition_of {
        let of = |t: &Table| {
            t.partition_of.as_ref().map_or_else(
                || "not a partition".to_owned(),
                |of| format!("partition of `{}` {}", of.parent, of.bound),
            )
        };
        out.push(changed(format!("partitioning of `{name}`"), of(a), of(b)));
    }
    if a.row_security != b.row_security {
        out.push(changed(
            format!("row-level security of `{name}`"),
            a.row_security.to_string(),
            b.row_security.to_string(),
        ));
    }
    each(
        &a.policies,
        &b.policies,
        out,
        |policy| format!("policy `{policy}` on `{name}`"),
        policy_line,
        |policy, x, y, out| {
            if x != y {
                out.push(changed(
                    format!("policy `{policy}` on `{name}`"),
                    policy_line(x),
                    policy_line(y),
                ));
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::unquoted;

    #[test]
    fn identifier_quotes_do_not_count_but_literals_do() {
        assert_eq!(unquoted(r#"length("email") > 0"#), unquoted("length(email) > 0"));
        assert_ne!(unquoted(r#"a = '"x"'"#), unquoted("a = 'x'"));
    }
}
