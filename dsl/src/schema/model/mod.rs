//! The schema a list of operations builds, predicted from their definitions alone.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{
    CommentOn, EnumDef, FunctionDef, GrantObject, IndexDef, PartitionDef, PolicyDef, Privilege, RowSecurity,
    SequenceDef, TableDef, TriggerDef, ViewDef,
};
use crate::operation::Operation;

mod partition;

/// Every object a plan defines, by name: what the DSL predicts the database holds after the plan ran.
///
/// Raw SQL is opaque to it: [`SchemaDef::apply`] refuses it rather than guess.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::schema::{ColumnDef, SchemaDef, TableDef};
/// let mut schema = SchemaDef::default();
/// schema.apply(&Operation::CreateTable(TableDef::build("t", |t| { t.column::<i64>("id"); }))).unwrap();
/// schema.apply(&Operation::AddColumn { table: "t".into(), column: ColumnDef::new::<String>("name") }).unwrap();
/// assert_eq!(schema.tables["t"].columns.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SchemaDef {
    /// Tables, by name, with their columns, keys, constraints and indexes.
    pub tables: BTreeMap<String, TableDef>,
    /// Views, by name.
    pub views: BTreeMap<String, ViewDef>,
    /// Enum types, by name.
    pub enums: BTreeMap<String, EnumDef>,
    /// Extensions.
    pub extensions: BTreeSet<String>,
    /// PostgreSQL materialized views, by name, with their indexes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub materialized_views: BTreeMap<String, MaterializedView>,
    /// PostgreSQL schemas created by the plan.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub schemas: BTreeSet<String>,
    /// PostgreSQL sequences of the current schema, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, SequenceDef>,
    /// PostgreSQL functions of the current schema, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, FunctionDef>,
    /// PostgreSQL triggers, by table and then by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub triggers: BTreeMap<String, BTreeMap<String, TriggerDef>>,
    /// Comments on tables and columns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub comments: BTreeMap<CommentOn, String>,
    /// Row-level security, by table; a table without an entry has it off.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub row_security: BTreeMap<String, RowSecurity>,
    /// Row-level security policies, by table and then by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<String, BTreeMap<String, PolicyDef>>,
    /// Privileges granted, one entry per object, role and privilege.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub grants: BTreeSet<(GrantObject, String, Privilege)>,
    /// PostgreSQL partitions, by name. Each is also in `tables`, with the parent's columns and only the keys,
    /// indexes and constraints of its own: those it takes from the parent are the parent's.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub partitions: BTreeMap<String, Partition>,
}

/// A partition in the model: its parent and bound, and the names its own objects had when an attach made them
/// the parent's, which a detach gives back.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::schema::{PartitionDef, PartitionStrategy, SchemaDef, TableDef};
/// use lockgate_dsl::types::Date;
/// let schema = SchemaDef::after(&[
///     Operation::CreateTable(TableDef::build("events", |t| {
///         t.column::<Date>("created_on");
///         t.partition_by(PartitionStrategy::Range, ["created_on"]);
///     })),
///     Operation::CreatePartition(PartitionDef::range("events_2025", "events", ["2025-01-01"], ["2026-01-01"])),
/// ])
/// .unwrap();
/// assert_eq!(schema.partitions["events_2025"].def.parent, "events");
/// assert_eq!(schema.tables["events_2025"].columns.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partition {
    /// Its name, parent and bound.
    pub def: PartitionDef,
    /// For each index, unique constraint or foreign key of the parent that an attach matched with one of the
    /// partition's own: the parent object's name, and the partition's.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub adopted: BTreeMap<String, String>,
}

/// A materialized view in the model: its query and the indexes built on it.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::schema::{IndexDef, SchemaDef, ViewDef};
/// let schema = SchemaDef::after(&[
///     Operation::CreateMaterializedView(ViewDef::new("totals", "SELECT 1 AS id")),
///     Operation::CreateIndex(IndexDef::new("totals", ["id"]).unique()),
/// ])
/// .unwrap();
/// assert!(schema.materialized_views["totals"].indexes[0].unique);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaterializedView {
    /// Its name and query.
    pub view: ViewDef,
    /// Its indexes.
    pub indexes: Vec<IndexDef>,
}

/// Why [`SchemaDef::apply`] could not follow an operation.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::schema::SchemaDef;
/// let err = SchemaDef::default().apply(&Operation::RenameTable { from: "a".into(), to: "b".into() }).unwrap_err();
/// assert_eq!(err.to_string(), "table `a` does not exist");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unpredictable {
    /// The operation names an object the schema does not have.
    #[error("{kind} `{name}` does not exist")]
    Missing {
        /// `table`, `column`, `index`, …
        kind: &'static str,
        /// The object's name.
        name: String,
    },
    /// Raw SQL: its effect is not known from its text.
    #[error("raw SQL has no predictable effect: `{0}`")]
    RawSql(String),
    /// The operation says an object is in one state, and the operations before it left it in another.
    #[error("{object} is {found} here, not {expected} as the operation says")]
    NotAsSaid {
        /// The object, e.g. ``row-level security of `contracts` ``.
        object: String,
        /// What the operation says.
        expected: String,
        /// What the plan so far says.
        found: String,
    },
}

fn missing(kind: &'static str, name: &str) -> Unpredictable {
    Unpredictable::Missing {
        kind,
        name: name.to_owned(),
    }
}

impl SchemaDef {
    /// The schema after each of `ops` in order.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// use lockgate_dsl::schema::SchemaDef;
    /// let schema = SchemaDef::after(&[Operation::CreateExtension { name: "citext".into() }]).unwrap();
    /// assert!(schema.extensions.contains("citext"));
    /// ```
    pub fn after<'a>(ops: impl IntoIterator<Item = &'a Operation>) -> Result<SchemaDef, Unpredictable> {
        let mut schema = SchemaDef::default();
        for op in ops {
            schema.apply(op)?;
        }
        Ok(schema)
    }

    /// Follows one operation; assertions change nothing.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// use lockgate_dsl::schema::{SchemaDef, ViewDef};
    /// let mut schema = SchemaDef::default();
    /// schema.apply(&Operation::CreateView(ViewDef::new("v", "SELECT 1"))).unwrap();
    /// assert!(schema.views.contains_key("v"));
    /// ```
    pub fn apply(&mut self, op: &Operation) -> Result<(), Unpredictable> {
        self.apply_one(op)?;
        // PostgreSQL changes a partitioned table's columns in every partition too.
        if let Some(parent) = partition::column_change(op) {
            for partition in self.partitions_of(parent) {
                let mut op = op.clone();
                if let Operation::AddColumn { table, .. }
                | Operation::DropColumn { table, .. }
                | Operation::RenameColumn { table, .. }
                | Operation::AlterColumn { table, .. } = &mut op
                {
                    *table = partition;
                }
                self.apply(&op)?;
            }
        }
        Ok(())
    }

    fn apply_one(&mut self, op: &Operation) -> Result<(), Unpredictable> {
        match op {
            Operation::CreateTable(table) => {
                self.tables.insert(table.name.clone(), table.clone());
            }
            Operation::DropTable(table) => {
                self.tables
                    .remove(&table.name)
                    .ok_or_else(|| missing("table", &table.name))?;
                // PostgreSQL drops them with the table.
                self.comments.retain(|on, _| on.table_name() != table.name);
                self.triggers.remove(&table.name);
                self.row_security.remove(&table.name);
                self.policies.remove(&table.name);
                self.grants
                    .retain(|(on, _, _)| *on != GrantObject::Table(table.name.clone()));
                self.partitions.remove(&table.name);
                // A partitioned table goes with its partitions.
                for partition in self.partitions_of(&table.name) {
                    self.apply(&Operation::DropTable(TableDef::new(partition)))?;
                }
            }
            Operation::RenameTable { from, to } => {
                let mut table = self.tables.remove(from).ok_or_else(|| missing("table", from))?;
                table.name.clone_from(to);
                table.indexes.iter_mut().for_each(|i| i.table.clone_from(to));
                table.uniques.iter_mut().for_each(|u| u.table.clone_from(to));
                table.checks.iter_mut().for_each(|c| c.table.clone_from(to));
                table.foreign_keys.iter_mut().for_each(|f| f.table.clone_from(to));
                self.tables.insert(to.clone(), table);
                let comments: Vec<(CommentOn, String)> = self
                    .comments
                    .iter()
                    .filter(|(on, _)| on.table_name() == from)
                    .map(|(on, text)| (on.clone(), text.clone()))
                    .collect();
                for (on, text) in comments {
                    self.comments.remove(&on);
                    let moved = match on {
                        CommentOn::Table(_) => CommentOn::Table(to.clone()),
                        CommentOn::Column { column, .. } => CommentOn::Column {
                            table: to.clone(),
                            column,
                        },
                    };
                    self.comments.insert(moved, text);
                }
                if let Some(mut triggers) = self.triggers.remove(from) {
                    triggers.values_mut().for_each(|t| t.table.clone_from(to));
                    self.triggers.insert(to.clone(), triggers);
                }
                if let Some(security) = self.row_security.remove(from) {
                    self.row_security.insert(to.clone(), security);
                }
                if let Some(mut policies) = self.policies.remove(from) {
                    policies.values_mut().for_each(|p| p.table.clone_from(to));
                    self.policies.insert(to.clone(), policies);
                }
                let old = GrantObject::Table(from.clone());
                let moved: Vec<_> = self.grants.iter().filter(|(on, _, _)| *on == old).cloned().collect();
                for (_, role, privilege) in moved {
                    self.grants.remove(&(old.clone(), role.clone(), privilege));
                    self.grants.insert((GrantObject::Table(to.clone()), role, privilege));
                }
                for other in self.tables.values_mut() {
                    for fk in other.foreign_keys.iter_mut().filter(|fk| &fk.ref_table == from) {
                        fk.ref_table.clone_from(to);
                    }
                }
                if let Some(mut partition) = self.partitions.remove(from) {
                    partition.def.name.clone_from(to);
                    self.partitions.insert(to.clone(), partition);
                }
                for partition in self.partitions.values_mut().filter(|p| &p.def.parent == from) {
                    partition.def.parent.clone_from(to);
                }
            }
            Operation::AddColumn { table, column } => self.table(table)?.columns.push(column.clone()),
            Operation::DropColumn { table, column } => {
                let def = self.table(table)?;
                let before = def.columns.len();
                def.columns.retain(|c| c.name != column.name);
                if def.columns.len() == before {
                    return Err(missing("column", &column.name));
                }
                self.comments.remove(&CommentOn::column(table, &column.name));
                let def = self.table(table)?;
                // What the backends drop with the column: indexes and constraints over it alone.
                def.indexes.retain(|i| i.columns != [column.name.clone()]);
                def.uniques.retain(|u| u.columns != [column.name.clone()]);
            }
            Operation::RenameColumn { table, from, to } => {
                let def = self.table(table)?;
                let column = def
                    .columns
                    .iter_mut()
                    .find(|c| &c.name == from)
                    .ok_or_else(|| missing("column", from))?;
                column.name.clone_from(to);
                if let Some(text) = self.comments.remove(&CommentOn::column(table, from)) {
                    self.comments.insert(CommentOn::column(table, to), text);
                }
                let def = self.table(table)?;
                let rename = |names: &mut Vec<String>| {
                    for name in names.iter_mut().filter(|n| *n == from) {
                        name.clone_from(to);
                    }
                };
                rename(&mut def.primary_key);
                def.indexes.iter_mut().for_each(|i| rename(&mut i.columns));
                def.uniques.iter_mut().for_each(|u| rename(&mut u.columns));
                def.foreign_keys.iter_mut().for_each(|f| rename(&mut f.columns));
            }
            Operation::AlterColumn { table, from, to } => {
                let def = self.table(table)?;
                let column = def
                    .columns
                    .iter_mut()
                    .find(|c| c.name == from.name)
                    .ok_or_else(|| missing("column", &from.name))?;
                *column = to.clone();
            }
            Operation::CreateIndex(index) => match self.materialized_views.get_mut(&index.table) {
                Some(view) => view.indexes.push(index.clone()),
                None => {
                    self.table(&index.table)?.indexes.push(index.clone());
                    // On a partitioned table, PostgreSQL makes a partition's index like it the new one's.
                    for partition in self.partitions_of(&index.table) {
                        let table = self.table(&partition)?;
                        if let Some(own) = remove_where(&mut table.indexes, |own| index.same_as(own))
                            && let Some(entry) = self.partitions.get_mut(&partition)
                        {
                            entry.adopted.insert(index.name.clone(), own.name);
                        }
                    }
                }
            },
            Operation::DropIndex(index) => {
                let indexes = match self.materialized_views.get_mut(&index.table) {
                    Some(view) => &mut view.indexes,
                    None => &mut self.table(&index.table)?.indexes,
                };
                remove_named(indexes, &index.name, |i| &i.name).ok_or_else(|| missing("index", &index.name))?;
                // The partitions' share of it goes with it, the ones they had before too.
                for partition in self.partitions.values_mut().filter(|p| p.def.parent == index.table) {
                    partition.adopted.remove(&index.name);
                }
            }
            Operation::AddForeignKey(fk) => self.table(&fk.table)?.foreign_keys.push(fk.clone()),
            Operation::DropForeignKey(fk) => {
                let def = self.table(&fk.table)?;
                remove_named(&mut def.foreign_keys, &fk.name, |f| &f.name)
                    .ok_or_else(|| missing("foreign key", &fk.name))?;
            }
            Operation::ValidateConstraint { table, name } => {
                let def = self.table(table)?;
                if let Some(fk) = def.foreign_keys.iter_mut().find(|f| &f.name == name) {
                    fk.not_valid = false;
                } else if let Some(check) = def.checks.iter_mut().find(|c| &c.name == name) {
                    check.not_valid = false;
                } else {
                    return Err(missing("constraint", name));
                }
            }
            Operation::AddCheck(check) => self.table(&check.table)?.checks.push(check.clone()),
            Operation::DropCheck(check) => {
                let def = self.table(&check.table)?;
                remove_named(&mut def.checks, &check.name, |c| &c.name).ok_or_else(|| missing("check", &check.name))?;
            }
            Operation::AddUnique(unique) => {
                let def = self.table(&unique.table)?;
                // The index becomes the constraint's, under the constraint's name.
                if let Some(index) = &unique.using_index {
                    remove_named(&mut def.indexes, index, |i| &i.name).ok_or_else(|| missing("index", index))?;
                }
                def.uniques.push(unique.clone());
            }
            Operation::DropUnique(unique) => {
                let def = self.table(&unique.table)?;
                remove_named(&mut def.uniques, &unique.name, |u| &u.name)
                    .ok_or_else(|| missing("unique constraint", &unique.name))?;
                // One added `using_index` gives its index back.
                if let Some(index) = &unique.using_index {
                    let mut index = IndexDef::new(&unique.table, unique.columns.clone()).named(index);
                    index.unique = true;
                    def.indexes.push(index);
                }
            }
            Operation::CreateView(view) => {
                self.views.insert(view.name.clone(), view.clone());
            }
            Operation::ReplaceView { to, .. } => {
                self.views.insert(to.name.clone(), to.clone());
            }
            Operation::DropView(view) => {
                self.views
                    .remove(&view.name)
                    .ok_or_else(|| missing("view", &view.name))?;
            }
            Operation::CreateEnum(def) => {
                self.enums.insert(def.name.clone(), def.clone());
            }
            Operation::AddEnumValue { name, value, before } => {
                let def = self.enums.get_mut(name).ok_or_else(|| missing("enum", name))?;
                let at = match before {
                    Some(before) => def
                        .values
                        .iter()
                        .position(|v| v == before)
                        .ok_or_else(|| missing("enum value", before))?,
                    None => def.values.len(),
                };
                def.values.insert(at, value.clone());
            }
            Operation::DropEnum(def) => {
                self.enums.remove(&def.name).ok_or_else(|| missing("enum", &def.name))?;
            }
            Operation::CreateExtension { name } => {
                self.extensions.insert(name.clone());
            }
            Operation::DropExtension { name } => {
                if !self.extensions.remove(name) {
                    return Err(missing("extension", name));
                }
            }
            Operation::AlterRowSecurity { table, from, to } => {
                self.table(table)?;
                let found = self.row_security.get(table).copied().unwrap_or_default();
                if found != *from {
                    return Err(Unpredictable::NotAsSaid {
                        object: format!("row-level security of `{table}`"),
                        expected: from.to_string(),
                        found: found.to_string(),
                    });
                }
                if *to == RowSecurity::OFF {
                    self.row_security.remove(table);
                } else {
                    self.row_security.insert(table.clone(), *to);
                }
            }
            Operation::CreatePolicy(policy) => {
                self.table(&policy.table)?;
                self.policies
                    .entry(policy.table.clone())
                    .or_default()
                    .insert(policy.name.clone(), policy.clone());
            }
            Operation::DropPolicy(policy) => {
                remove_per_table(&mut self.policies, &policy.table, &policy.name)
                    .ok_or_else(|| missing("policy", &policy.name))?;
            }
            Operation::CreateFunction(function) => {
                self.functions.insert(function.name.clone(), (**function).clone());
            }
            Operation::DropFunction(function) => {
                self.functions
                    .remove(&function.name)
                    .ok_or_else(|| missing("function", &function.name))?;
            }
            Operation::ReplaceFunction { from, to } => {
                self.functions
                    .remove(&from.name)
                    .ok_or_else(|| missing("function", &from.name))?;
                self.functions.insert(to.name.clone(), (**to).clone());
            }
            Operation::CreateTrigger(trigger) => {
                self.table(&trigger.table)?;
                self.triggers
                    .entry(trigger.table.clone())
                    .or_default()
                    .insert(trigger.name.clone(), (**trigger).clone());
            }
            Operation::DropTrigger(trigger) => {
                remove_per_table(&mut self.triggers, &trigger.table, &trigger.name)
                    .ok_or_else(|| missing("trigger", &trigger.name))?;
            }
            Operation::CreateSchema { name } => {
                self.schemas.insert(name.clone());
            }
            Operation::DropSchema { name } => {
                if !self.schemas.remove(name) {
                    return Err(missing("schema", name));
                }
            }
            Operation::CreateSequence(sequence) => {
                self.sequences.insert(sequence.name.clone(), sequence.clone());
            }
            Operation::DropSequence(sequence) => {
                self.sequences
                    .remove(&sequence.name)
                    .ok_or_else(|| missing("sequence", &sequence.name))?;
            }
            Operation::SetComment { on, from, to } => {
                let table = self.table(on.table_name())?;
                if let CommentOn::Column { column, .. } = on
                    && table.column(column).is_none()
                {
                    return Err(missing("column", column));
                }
                let found = self.comments.get(on);
                if found != from.as_ref() {
                    let say = |text: Option<&String>| {
                        text.map_or_else(|| "without comment".to_owned(), |t| format!("commented `{t}`"))
                    };
                    return Err(Unpredictable::NotAsSaid {
                        object: on.to_string(),
                        expected: say(from.as_ref()),
                        found: say(found),
                    });
                }
                match to {
                    Some(text) => self.comments.insert(on.clone(), text.clone()),
                    None => self.comments.remove(on),
                };
            }
            Operation::CreateMaterializedView(view) => {
                self.materialized_views.insert(
                    view.name.clone(),
                    MaterializedView {
                        view: view.clone(),
                        indexes: Vec::new(),
                    },
                );
            }
            Operation::DropMaterializedView(view) => {
                self.materialized_views
                    .remove(&view.name)
                    .ok_or_else(|| missing("materialized view", &view.name))?;
            }
            Operation::RefreshMaterializedView { name, .. } => {
                if !self.materialized_views.contains_key(name) {
                    return Err(missing("materialized view", name));
                }
            }
            Operation::AlterPolicy { from, to } => {
                remove_per_table(&mut self.policies, &from.table, &from.name)
                    .ok_or_else(|| missing("policy", &from.name))?;
                self.apply(&Operation::CreatePolicy((**to).clone()))?;
            }
            Operation::CreatePartition(partition) => {
                let parent = self.partitioned(&partition.parent)?;
                let table = TableDef {
                    columns: parent.columns.clone(),
                    ..TableDef::new(&partition.name)
                };
                self.tables.insert(partition.name.clone(), table);
                self.partitions.insert(
                    partition.name.clone(),
                    Partition {
                        def: partition.clone(),
                        adopted: BTreeMap::new(),
                    },
                );
            }
            Operation::DropPartition(partition) => {
                self.partition(&partition.name)?;
                // A dropped table leaves the partitions too.
                self.apply(&Operation::DropTable(TableDef::new(&partition.name)))?;
            }
            Operation::AttachPartition(partition) => {
                let parent = self.partitioned(&partition.parent)?.clone();
                let table = self.table(&partition.name)?;
                let adopted = partition::adopt(table, &parent);
                self.partitions.insert(
                    partition.name.clone(),
                    Partition {
                        def: partition.clone(),
                        adopted,
                    },
                );
            }
            Operation::DetachPartition {
                partition,
                concurrently,
            } => {
                let adopted = self.partition(&partition.name)?.adopted.clone();
                let parent = self.partitioned(&partition.parent)?.clone();
                // `CONCURRENTLY` leaves the bound on the table as a CHECK of PostgreSQL's naming, which lets an
                // attach back skip its scan.
                let check = concurrently.then(|| partition::concurrent_detach_check(&self.tables, partition, &parent));
                let table = self.table(&partition.name)?;
                partition::give_back(table, &parent, &adopted);
                table.checks.extend(check);
                self.partitions.remove(&partition.name);
            }
            Operation::Grant(grant) => {
                if let GrantObject::Table(name) = &grant.on
                    && !self.tables.contains_key(name)
                    && !self.views.contains_key(name)
                    && !self.materialized_views.contains_key(name)
                {
                    return Err(missing("table", name));
                }
                for (role, privilege) in grant.pairs() {
                    self.grants.insert((grant.on.clone(), role.to_owned(), privilege));
                }
            }
            Operation::Revoke(grant) => {
                for (role, privilege) in grant.pairs() {
                    if !self.grants.remove(&(grant.on.clone(), role.to_owned(), privilege)) {
                        return Err(missing(
                            "grant",
                            &format!("{} on {} to {role}", privilege.sql(), grant.on),
                        ));
                    }
                }
            }
            Operation::RawSql { up, .. } => return Err(Unpredictable::RawSql(up.clone())),
            Operation::ArchiveColumn { .. }
            | Operation::ArchiveTable { .. }
            | Operation::ExpandColumn { .. }
            | Operation::ContractColumn { .. } => {
                if let Some(plain) = op.schema_equivalent() {
                    self.apply(&plain)?;
                }
            }
            // Rows change, not the schema.
            Operation::Assert { .. } | Operation::AssertParity { .. } | Operation::Backfill { .. } => {}
        }
        Ok(())
    }

    fn table(&mut self, name: &str) -> Result<&mut TableDef, Unpredictable> {
        self.tables.get_mut(name).ok_or_else(|| missing("table", name))
    }

    /// The partitioned table `name`.
    fn partitioned(&self, name: &str) -> Result<&TableDef, Unpredictable> {
        let table = self.tables.get(name).ok_or_else(|| missing("table", name))?;
        if table.partition_by.is_none() {
            return Err(Unpredictable::NotAsSaid {
                object: format!("table `{name}`"),
                expected: "partitioned".to_owned(),
                found: "not partitioned".to_owned(),
            });
        }
        Ok(table)
    }

    fn partition(&self, name: &str) -> Result<&Partition, Unpredictable> {
        self.partitions.get(name).ok_or_else(|| missing("partition", name))
    }

    /// The partitions of `parent`, by name.
    fn partitions_of(&self, parent: &str) -> Vec<String> {
        self.partitions
            .values()
            .filter(|p| p.def.parent == parent)
            .map(|p| p.def.name.clone())
            .collect()
    }
}

fn remove_where<T>(items: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> Option<T> {
    let at = items.iter().position(matches)?;
    Some(items.remove(at))
}

/// Removes `name` from the objects of `table` (policies, triggers), and the table's entry with its last one;
/// `None` when there is no such object.
fn remove_per_table<T>(per_table: &mut BTreeMap<String, BTreeMap<String, T>>, table: &str, name: &str) -> Option<T> {
    let objects = per_table.get_mut(table)?;
    let removed = objects.remove(name)?;
    if objects.is_empty() {
        per_table.remove(table);
    }
    Some(removed)
}

/// Removes the item named `name`; `None` when there is none.
fn remove_named<T>(items: &mut Vec<T>, name: &str, name_of: impl Fn(&T) -> &String) -> Option<T> {
    let at = items.iter().position(|item| name_of(item) == name)?;
    Some(items.remove(at))
}

#[cfg(test)]
mod tests {
    use super::{SchemaDef, Unpredictable};
    use crate::operation::Operation;
    use crate::schema::{GrantDef, PolicyDef, Privilege, RowSecurity, TableDef};

    fn with_table() -> SchemaDef {
        SchemaDef::after(&[Operation::CreateTable(TableDef::build("docs", |t| {
            t.column::<i64>("id");
        }))])
        .unwrap()
    }

    #[test]
    fn row_security_must_be_where_the_operation_says() {
        let mut schema = with_table();
        let force = Operation::AlterRowSecurity {
            table: "docs".into(),
            from: RowSecurity::ON,
            to: RowSecurity::FORCED,
        };
        assert_eq!(
            schema.apply(&force).unwrap_err().to_string(),
            "row-level security of `docs` is off here, not enabled as the operation says"
        );
        schema
            .apply(&Operation::AlterRowSecurity {
                table: "docs".into(),
                from: RowSecurity::OFF,
                to: RowSecurity::ON,
            })
            .unwrap();
        schema.apply(&force).unwrap();
        assert_eq!(schema.row_security["docs"], RowSecurity::FORCED);
    }

    #[test]
    fn policies_and_grants_follow_their_table() {
        let mut schema = with_table();
        schema
            .apply(&Operation::CreatePolicy(PolicyDef::new("docs", "p").using("true")))
            .unwrap();
        schema
            .apply(&Operation::Grant(
                GrantDef::on_table("docs", [Privilege::Select]).to(["PUBLIC"]),
            ))
            .unwrap();
        schema
            .apply(&Operation::RenameTable {
                from: "docs".into(),
                to: "documents".into(),
            })
            .unwrap();
        assert_eq!(schema.policies["documents"]["p"].table, "documents");
        assert!(
            schema
                .grants
                .iter()
                .all(|(on, role, _)| on.name() == "documents" && role == "public")
        );
        let revoke_missing = Operation::Revoke(GrantDef::on_table("documents", [Privilege::Insert]).to(["public"]));
        assert!(matches!(
            schema.apply(&revoke_missing),
            Err(Unpredictable::Missing { kind: "grant", .. })
        ));
        schema
            .apply(&Operation::DropTable(TableDef::build("documents", |t| {
                t.column::<i64>("id");
            })))
            .unwrap();
        assert!(schema.policies.is_empty() && schema.grants.is_empty());
    }

    #[test]
    fn comments_follow_their_column_and_must_be_what_the_operation_says() {
        use crate::schema::CommentOn;
        let mut schema = with_table();
        let set = |from: Option<&str>, to: Option<&str>| Operation::SetComment {
            on: CommentOn::column("docs", "id"),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        };
        schema.apply(&set(None, Some("the key"))).unwrap();
        assert_eq!(
            schema.apply(&set(None, Some("other"))).unwrap_err().to_string(),
            "column `docs`.`id` is commented `the key` here, not without comment as the operation says"
        );
        schema
            .apply(&Operation::RenameColumn {
                table: "docs".into(),
                from: "id".into(),
                to: "key".into(),
            })
            .unwrap();
        assert_eq!(schema.comments[&CommentOn::column("docs", "key")], "the key");
        assert!(matches!(
            schema.apply(&Operation::SetComment {
                on: CommentOn::column("docs", "gone"),
                from: None,
                to: Some("x".into()),
            }),
            Err(Unpredictable::Missing { kind: "column", .. })
        ));
    }
}
