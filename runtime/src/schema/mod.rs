//! The schema a live database really has, read from its catalog: tables, columns, keys, indexes, constraints,
//! views, enums and extensions, and on PostgreSQL row-level security, policies and grants, in one model for
//! every backend, made for comparison.
//!
//! Types, defaults and expressions are kept as the backend spells them (normalised: lowercase types, collapsed
//! whitespace), so two databases of one backend compare exactly. lockgate's own tracking tables are left out.

mod compare;
mod effect;
mod emit;
mod generate;
mod generate_objects;
mod lift;
mod partition;
mod rust;

use std::collections::{BTreeMap, BTreeSet};

use lockgate_dsl::schema::{CommentOn, FunctionDef, GrantObject, Privilege, RowSecurity, SequenceDef, TriggerDef};
use serde::Serialize;

pub use compare::{Change, CompareOptions, Difference, compare};
pub(crate) use effect::{Effect, effect};
pub use emit::emit_sql;
pub use generate::{Changes, generate};
pub use lift::{Lifted, Unmapped, column_type, comparable, default_value, lift};
pub use partition::{partition_bound, partition_key};
pub use rust::emit_rust;

/// A database's schema.
///
/// ```
/// use lockgate_runtime::schema::Schema;
/// let empty = Schema::default();
/// assert!(empty.tables.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    /// Tables, by name.
    pub tables: BTreeMap<String, Table>,
    /// Views, by name.
    pub views: BTreeMap<String, View>,
    /// PostgreSQL enum types with their values in order, by name.
    pub enums: BTreeMap<String, Vec<String>>,
    /// PostgreSQL materialized views, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub materialized_views: BTreeMap<String, MaterializedView>,
    /// PostgreSQL schemas other than `public` and the system's.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub schemas: BTreeSet<String>,
    /// PostgreSQL sequences of the current schema that no column owns (identity and serial columns' own are
    /// part of their column), by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, SequenceDef>,
    /// PostgreSQL functions of the current schema, by name (lockgate's own and extensions' left out), spelled as
    /// the catalog has them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, FunctionDef>,
    /// PostgreSQL triggers, by table and then by name (lockgate's own and constraint triggers left out).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub triggers: BTreeMap<String, BTreeMap<String, TriggerDef>>,
    /// PostgreSQL comments on the current schema's tables and their columns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub comments: BTreeMap<CommentOn, String>,
    /// PostgreSQL extensions (`plpgsql` left out).
    pub extensions: BTreeSet<String>,
    /// PostgreSQL privileges granted to roles other than each object's owner, on the current schema's tables,
    /// views and sequences, and on schemas (PUBLIC's default `USAGE` on `public` left out); `public` for PUBLIC.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub grants: BTreeSet<(GrantObject, String, Privilege)>,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Its columns, in their order.
    pub columns: Vec<Column>,
    /// The primary key's columns, in order (empty without one).
    pub primary_key: Vec<String>,
    /// Indexes that are not the primary key or a unique constraint, by name.
    pub indexes: BTreeMap<String, Index>,
    /// Foreign keys, by name.
    pub foreign_keys: BTreeMap<String, ForeignKey>,
    /// Check constraints, by name.
    pub checks: BTreeMap<String, Check>,
    /// Unique constraints, by name.
    pub uniques: BTreeMap<String, Vec<String>>,
    /// PostgreSQL row-level security.
    #[serde(skip_serializing_if = "is_off")]
    pub row_security: RowSecurity,
    /// PostgreSQL row-level security policies, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<String, Policy>,
    /// PostgreSQL: the key of a partitioned table, as `pg_get_partkeydef` spells it (`RANGE (created_on)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// PostgreSQL: the partitioned table this one is a partition of, and its bound. A partition's keys, indexes
    /// and constraints are only its own: those it takes from the parent are the parent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
}

/// Where a partition belongs.
///
/// ```
/// use lockgate_runtime::schema::PartitionOf;
/// let of = PartitionOf { parent: "events".into(), bound: "FOR VALUES IN (1)".into() };
/// assert_eq!(of.parent, "events");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionOf {
    /// The partitioned table.
    pub parent: String,
    /// Its bound, as `pg_get_expr` spells it (`FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`).
    pub bound: String,
}

fn is_off(security: &RowSecurity) -> bool {
    *security == RowSecurity::OFF
}

/// A row-level security policy, as `pg_policies` has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// Permissive (any one lets a row through) or restrictive (every one must).
    pub permissive: bool,
    /// The roles, in the catalog's order; `public` for PUBLIC.
    pub roles: Vec<String>,
    /// `USING`, as PostgreSQL deparses it.
    pub using: Option<String>,
    /// `WITH CHECK`, as PostgreSQL deparses it.
    pub with_check: Option<String>,
}

impl Table {
    /// The column named `name`.
    ///
    /// ```
    /// use lockgate_runtime::schema::{Column, Table};
    /// let table = Table { columns: vec![Column::new("id", "bigint")], ..Table::default() };
    /// assert_eq!(table.column("id").unwrap().data_type, "bigint");
    /// ```
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type, as the backend spells it, lowercase.
    pub data_type: String,
    /// Whether it accepts NULL.
    pub nullable: bool,
    /// Its default expression, as the backend spells it.
    pub default: Option<String>,
    /// The expression of a generated column.
    pub generated: Option<String>,
}

impl Column {
    /// A nullable column without default.
    ///
    /// ```
    /// let c = lockgate_runtime::schema::Column::new("note", "text");
    /// assert!(c.nullable && c.default.is_none());
    /// ```
    pub fn new(name: &str, data_type: &str) -> Column {
        Column {
            name: name.to_owned(),
            data_type: data_type.to_owned(),
            nullable: true,
            default: None,
            generated: None,
        }
    }
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    /// The indexed columns or expressions, in order.
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
    /// The predicate of a partial index.
    pub predicate: Option<String>,
    /// The access method (`btree`, `gin`, …) where the backend has several.
    pub method: Option<String>,
    /// Whether the index is valid (PostgreSQL: false after a failed `CREATE INDEX CONCURRENTLY`).
    pub valid: bool,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE`, uppercase (`NO ACTION` when none was given).
    pub on_delete: String,
    /// `ON UPDATE`, uppercase.
    pub on_update: String,
    /// Whether existing rows were checked (false after `NOT VALID` until `VALIDATE`).
    pub validated: bool,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Its expression, as the backend spells it.
    pub expression: String,
    /// Whether existing rows were checked.
    pub validated: bool,
}

/// A PostgreSQL materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterializedView {
    /// Its query, as PostgreSQL stores it, with whitespace collapsed.
    pub definition: String,
    /// Its indexes, by name.
    pub indexes: BTreeMap<String, Index>,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    /// Its query, as the backend stores it, with whitespace collapsed.
    pub definition: String,
}

/// Whether introspection reads table `name`: not lockgate's own tables (`skip`), nor the backups archived
/// columns and tables left (`lockgate_backup_*`), which `backups` lists instead.
pub(crate) fn introspected(name: &str, skip: &[String]) -> bool {
    !skip.iter().any(|s| s == name) && !name.starts_with(lockgate_dsl::schema::BACKUP_PREFIX)
}

/// Whitespace collapsed to single spaces and trimmed, for text the catalog reformats.
///
/// ```
/// assert_eq!(lockgate_runtime::schema::squash("SELECT  a\n   FROM t ;"), "SELECT a FROM t");
/// ```
pub fn squash(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.trim_end_matches(';').trim_end().to_owned()
}
