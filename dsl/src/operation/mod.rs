//! The operations a plan records, each carrying what its inverse needs.
//!
//! # Adding an operation
//!
//! Add the variant to [`Operation`]; the compiler then stops at every match that must decide about it:
//!
//! 1. here: [`Operation::kind`], [`Operation::table`], [`Operation::outside_transaction`] and the description;
//! 2. `inverse.rs`: what undoes it ([`Operation::inverse`]), or why nothing can;
//! 3. `render/mod.rs`: its SQL per backend, or a typed [`RenderError`](crate::render::RenderError) where a
//!    backend cannot express it;
//! 4. `risk/plan_rules/evaluate.rs`: the tables it needs and creates, the names it introduces, its plan-time rules.
//!
//! Then the parts no match can demand, each held by a failing test until done:
//!
//! 5. `plan/methods.rs`: the DSL method, behind a gate of `risk/gates.rs` when it is risky (with its row in
//!    `risk/rules.md`, which the rules-table test compares);
//! 6. `dsl/tests/common/cases.rs`: a case, which gives it an insta snapshot of up and down SQL on every backend
//!    and a round trip on real databases against the predicted schema (`dsl/tests/coverage.rs` fails while a kind
//!    has none), which needs its effect in `schema/model.rs` ([`SchemaDef::apply`](crate::schema::SchemaDef::apply));
//! 7. `tests/checksum/mutants.rs`: a variant entry whose every field changes the checksum.

mod inverse;

pub use inverse::Inverse;

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::schema::{
    CheckDef, ColumnDef, CommentOn, EnumDef, ForeignKeyDef, FunctionDef, GrantDef, IndexDef, PartitionDef, PolicyDef,
    RowSecurity, SequenceDef, TableDef, TriggerDef, UniqueDef, ViewDef,
};

/// One schema change. Every variant that removes something carries its full definition, so its
/// inverse can be derived without looking at the database.
///
/// ```
/// use lockgate_dsl::operation::{Inverse, Operation};
/// let op = Operation::RenameTable { from: "a".into(), to: "b".into() };
/// assert_eq!(op.inverse(), Inverse::Op(Operation::RenameTable { from: "b".into(), to: "a".into() }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Operation {
    /// `CREATE TABLE` with its columns, keys, constraints and indexes.
    CreateTable(TableDef),
    /// `DROP TABLE`; carries the definition to recreate it.
    DropTable(TableDef),
    /// `ALTER TABLE .. RENAME TO`.
    RenameTable {
        /// Current name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// Table.
        table: String,
        /// The new column.
        column: ColumnDef,
    },
    /// `DROP COLUMN`; carries the definition to recreate it.
    DropColumn {
        /// Table.
        table: String,
        /// The dropped column.
        column: ColumnDef,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// Table.
        table: String,
        /// Current name.
        from: String,
        /// New name.
        to: String,
    },
    /// Changes a column's type, nullability or default; `from` and `to` are full definitions of the same column.
    AlterColumn {
        /// Table.
        table: String,
        /// The column as it is.
        from: ColumnDef,
        /// The column as it becomes.
        to: ColumnDef,
    },
    /// `CREATE INDEX`.
    CreateIndex(IndexDef),
    /// `DROP INDEX`; carries the definition to rebuild it.
    DropIndex(IndexDef),
    /// `ADD CONSTRAINT .. FOREIGN KEY`.
    AddForeignKey(ForeignKeyDef),
    /// `DROP CONSTRAINT` of a foreign key; carries its definition.
    DropForeignKey(ForeignKeyDef),
    /// `VALIDATE CONSTRAINT` of a constraint added `NOT VALID` (PostgreSQL; nothing elsewhere).
    ValidateConstraint {
        /// Table.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT .. CHECK`.
    AddCheck(CheckDef),
    /// `DROP CONSTRAINT` of a check; carries its expression.
    DropCheck(CheckDef),
    /// `ADD CONSTRAINT .. UNIQUE`.
    AddUnique(UniqueDef),
    /// `DROP CONSTRAINT` of a unique constraint; carries its definition.
    DropUnique(UniqueDef),
    /// `CREATE VIEW`.
    CreateView(ViewDef),
    /// Replaces a view's query; carries the previous definition.
    ReplaceView {
        /// The view as it is.
        from: ViewDef,
        /// The view as it becomes.
        to: ViewDef,
    },
    /// `DROP VIEW`; carries the definition.
    DropView(ViewDef),
    /// `CREATE TYPE .. AS ENUM` (PostgreSQL).
    CreateEnum(EnumDef),
    /// `ALTER TYPE .. ADD VALUE` (PostgreSQL). Irreversible: PostgreSQL cannot remove an enum value.
    AddEnumValue {
        /// Type name.
        name: String,
        /// The new label.
        value: String,
        /// Place the label before this existing one (otherwise it is appended).
        before: Option<String>,
    },
    /// `DROP TYPE` (PostgreSQL); carries the values.
    DropEnum(EnumDef),
    /// `CREATE EXTENSION IF NOT EXISTS` (PostgreSQL).
    CreateExtension {
        /// Extension name.
        name: String,
    },
    /// `DROP EXTENSION IF EXISTS` (PostgreSQL).
    DropExtension {
        /// Extension name.
        name: String,
    },
    /// Raw SQL, with the SQL that undoes it when known.
    RawSql {
        /// SQL run going up.
        up: String,
        /// SQL that undoes it; `None` makes the operation irreversible.
        down: Option<String>,
    },
    /// A query that must return a true value; otherwise the migration fails with the message and is rolled back.
    Assert {
        /// A query returning one boolean (or 0/1) value.
        query: String,
        /// Why the migration stopped, shown to the operator.
        message: String,
    },
    /// A parity checkpoint: per group, what `left` measures must equal what `right` measures (legacy rows against
    /// the new table's, per tenant); otherwise the migration fails naming the first group that differs.
    AssertParity {
        /// One side (the source, usually).
        left: crate::schema::Parity,
        /// The other side (the copy).
        right: crate::schema::Parity,
    },
    /// Drops a column but keeps its values: they are copied first, with the key, to a backup table
    /// ([`backup_table`](crate::schema::backup_table)), so that `down` puts them back. With `restore`, the way
    /// back: the column is added again, its values copied from the backup, and the backup dropped.
    ArchiveColumn {
        /// Table.
        table: String,
        /// The column.
        column: ColumnDef,
        /// The columns that identify a row (the primary key), copied with the values.
        key: Vec<String>,
        /// The way back.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        restore: bool,
    },
    /// Drops a table but keeps its rows in a backup table, so that `down` recreates it with them. With
    /// `restore`, the way back.
    ArchiveTable {
        /// The table.
        table: TableDef,
        /// The way back.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        restore: bool,
    },
    /// Expand of an expand/contract change: the new column beside the old, triggers that keep both equal on
    /// every write, and a backfill of the rows written before (see [`Expansion`](crate::schema::Expansion)).
    /// With `reverse`, its undoing: the triggers and the new column dropped.
    ExpandColumn {
        /// The change.
        expansion: Box<crate::schema::Expansion>,
        /// The way back.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reverse: bool,
    },
    /// Contract of an expand/contract change, in a later migration: the triggers and the old column dropped.
    /// With `reverse`, its undoing: the old column back, the triggers, and its values from the new one.
    ContractColumn {
        /// The change, as its expand declared it.
        expansion: Box<crate::schema::Expansion>,
        /// The way back.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reverse: bool,
    },
    /// An `UPDATE` of a live table (or an `INSERT … SELECT` from it into another) in committed batches along its
    /// key, outside the migration's transaction, resumable after the last committed batch (see
    /// [`Backfill`](crate::schema::Backfill)).
    Backfill {
        /// What runs going up.
        fill: Box<crate::schema::Backfill>,
        /// What undoes it going down.
        undo: Box<crate::schema::Undo>,
    },
    /// `ALTER TABLE .. ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY` (PostgreSQL).
    AlterRowSecurity {
        /// The table.
        table: String,
        /// Its row-level security before.
        from: RowSecurity,
        /// And after.
        to: RowSecurity,
    },
    /// `CREATE POLICY` (PostgreSQL).
    CreatePolicy(PolicyDef),
    /// `DROP POLICY`; carries the definition to recreate it.
    DropPolicy(PolicyDef),
    /// `ALTER POLICY`: new roles, conditions or name (a new command or kind is a drop and a create).
    AlterPolicy {
        /// The policy before.
        from: Box<PolicyDef>,
        /// And after.
        to: Box<PolicyDef>,
    },
    /// `CREATE MATERIALIZED VIEW` (PostgreSQL): a query's rows stored, read like a table, refreshed on demand.
    CreateMaterializedView(ViewDef),
    /// `DROP MATERIALIZED VIEW`; carries the definition to recreate it (its rows come back with it).
    DropMaterializedView(ViewDef),
    /// `REFRESH MATERIALIZED VIEW`, optionally `CONCURRENTLY` (readers go on; needs a unique index).
    RefreshMaterializedView {
        /// The materialized view.
        name: String,
        /// `CONCURRENTLY`.
        concurrently: bool,
    },
    /// `CREATE SCHEMA` (PostgreSQL).
    CreateSchema {
        /// The schema.
        name: String,
    },
    /// `DROP SCHEMA` (without `CASCADE`: PostgreSQL refuses a schema that holds anything).
    DropSchema {
        /// The schema.
        name: String,
    },
    /// `CREATE SEQUENCE` (PostgreSQL).
    CreateSequence(SequenceDef),
    /// `DROP SEQUENCE`; carries the definition to recreate it (at its start, not where it had got to).
    DropSequence(SequenceDef),
    /// `COMMENT ON TABLE` / `COMMENT ON COLUMN` (PostgreSQL); `None` is no comment.
    SetComment {
        /// The table or column.
        on: CommentOn,
        /// The comment before.
        from: Option<String>,
        /// And after.
        to: Option<String>,
    },
    /// `CREATE FUNCTION` (PostgreSQL).
    CreateFunction(Box<FunctionDef>),
    /// `DROP FUNCTION`; carries the definition to recreate it.
    DropFunction(Box<FunctionDef>),
    /// `CREATE OR REPLACE FUNCTION`, with the definition it replaces for `down`.
    ReplaceFunction {
        /// The function before.
        from: Box<FunctionDef>,
        /// And after.
        to: Box<FunctionDef>,
    },
    /// `CREATE TRIGGER`: calling a function on PostgreSQL, running its own statements on MySQL and SQLite.
    CreateTrigger(Box<TriggerDef>),
    /// `DROP TRIGGER`; carries the definition to recreate it.
    DropTrigger(Box<TriggerDef>),
    /// `GRANT` privileges on a table, sequence or schema to roles (PostgreSQL).
    Grant(GrantDef),
    /// `REVOKE` them.
    Revoke(GrantDef),
    /// `CREATE TABLE .. PARTITION OF` (PostgreSQL): a new partition of a partitioned table.
    CreatePartition(PartitionDef),
    /// `DROP TABLE` of a partition; carries its bound to create it again (empty).
    DropPartition(PartitionDef),
    /// `ALTER TABLE .. ATTACH PARTITION` (PostgreSQL): a table of its own becomes a partition.
    AttachPartition(PartitionDef),
    /// `ALTER TABLE .. DETACH PARTITION`, optionally `CONCURRENTLY`: a partition becomes a table of its own.
    DetachPartition {
        /// The partition and its bound, to attach it again.
        partition: PartitionDef,
        /// `CONCURRENTLY` (PostgreSQL 14 and later): queries on the parent go on; outside a transaction.
        concurrently: bool,
    },
}

impl Operation {
    /// The operation's name as the DSL method that plans it.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// let op = Operation::CreateExtension { name: "pgcrypto".into() };
    /// assert_eq!(op.kind(), "create_extension");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Operation::CreateTable(_) => "create_table",
            Operation::DropTable(_) => "drop_table",
            Operation::RenameTable { .. } => "rename_table",
            Operation::AddColumn { .. } => "add_column",
            Operation::DropColumn { .. } => "drop_column",
            Operation::RenameColumn { .. } => "rename_column",
            Operation::AlterColumn { .. } => "alter_column",
            Operation::CreateIndex(_) => "create_index",
            Operation::DropIndex(_) => "drop_index",
            Operation::AddForeignKey(_) => "add_foreign_key",
            Operation::DropForeignKey(_) => "drop_foreign_key",
            Operation::ValidateConstraint { .. } => "validate_constraint",
            Operation::AddCheck(_) => "add_check",
            Operation::DropCheck(_) => "drop_check",
            Operation::AddUnique(_) => "add_unique",
            Operation::DropUnique(_) => "drop_unique",
            Operation::CreateView(_) => "create_view",
            Operation::ReplaceView { .. } => "replace_view",
            Operation::DropView(_) => "drop_view",
            Operation::CreateEnum(_) => "create_enum",
            Operation::AddEnumValue { .. } => "add_enum_value",
            Operation::DropEnum(_) => "drop_enum",
            Operation::CreateExtension { .. } => "create_extension",
            Operation::DropExtension { .. } => "drop_extension",
            Operation::RawSql { .. } => "raw_sql",
            Operation::Assert { .. } => "assert",
            Operation::AssertParity { .. } => "assert_parity",
            Operation::Backfill { .. } => "backfill",
            Operation::ArchiveColumn { .. } => "archive_column",
            Operation::ArchiveTable { .. } => "archive_table",
            Operation::ExpandColumn { .. } => "expand_column",
            Operation::ContractColumn { .. } => "contract_column",
            Operation::AlterRowSecurity { .. } => "alter_row_security",
            Operation::CreatePolicy(_) => "create_policy",
            Operation::DropPolicy(_) => "drop_policy",
            Operation::AlterPolicy { .. } => "alter_policy",
            Operation::CreateMaterializedView(_) => "create_materialized_view",
            Operation::DropMaterializedView(_) => "drop_materialized_view",
            Operation::RefreshMaterializedView { .. } => "refresh_materialized_view",
            Operation::CreateSchema { .. } => "create_schema",
            Operation::DropSchema { .. } => "drop_schema",
            Operation::CreateSequence(_) => "create_sequence",
            Operation::DropSequence(_) => "drop_sequence",
            Operation::SetComment { .. } => "set_comment",
            Operation::CreateFunction(_) => "create_function",
            Operation::DropFunction(_) => "drop_function",
            Operation::ReplaceFunction { .. } => "replace_function",
            Operation::CreateTrigger(_) => "create_trigger",
            Operation::DropTrigger(_) => "drop_trigger",
            Operation::Grant(_) => "grant",
            Operation::Revoke(_) => "revoke",
            Operation::CreatePartition(_) => "create_partition",
            Operation::DropPartition(_) => "drop_partition",
            Operation::AttachPartition(_) => "attach_partition",
            Operation::DetachPartition { .. } => "detach_partition",
        }
    }

    /// The table the operation changes, if it changes one.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// let op = Operation::ValidateConstraint { table: "lines".into(), name: "fk".into() };
    /// assert_eq!(op.table(), Some("lines"));
    /// ```
    pub fn table(&self) -> Option<&str> {
        match self {
            Operation::CreateTable(t) | Operation::DropTable(t) => Some(&t.name),
            Operation::RenameTable { from, .. } => Some(from),
            Operation::AddColumn { table, .. }
            | Operation::DropColumn { table, .. }
            | Operation::RenameColumn { table, .. }
            | Operation::AlterColumn { table, .. }
            | Operation::ValidateConstraint { table, .. } => Some(table),
            Operation::CreateIndex(i) | Operation::DropIndex(i) => Some(&i.table),
            Operation::AddForeignKey(f) | Operation::DropForeignKey(f) => Some(&f.table),
            Operation::AddCheck(c) | Operation::DropCheck(c) => Some(&c.table),
            Operation::AddUnique(u) | Operation::DropUnique(u) => Some(&u.table),
            Operation::CreateView(_)
            | Operation::ReplaceView { .. }
            | Operation::DropView(_)
            | Operation::CreateEnum(_)
            | Operation::AddEnumValue { .. }
            | Operation::DropEnum(_)
            | Operation::CreateExtension { .. }
            | Operation::DropExtension { .. }
            | Operation::RawSql { .. }
            | Operation::Assert { .. } => None,
            Operation::AssertParity { left, .. } => Some(&left.table),
            Operation::Backfill { fill, .. } => Some(&fill.table),
            Operation::ArchiveColumn { table, .. } => Some(table),
            Operation::ArchiveTable { table, .. } => Some(&table.name),
            Operation::ExpandColumn { expansion, .. } | Operation::ContractColumn { expansion, .. } => {
                Some(&expansion.table)
            }
            Operation::AlterRowSecurity { table, .. } => Some(table),
            Operation::CreateMaterializedView(_)
            | Operation::DropMaterializedView(_)
            | Operation::RefreshMaterializedView { .. }
            | Operation::CreateSchema { .. }
            | Operation::DropSchema { .. }
            | Operation::CreateSequence(_)
            | Operation::DropSequence(_) => None,
            Operation::SetComment { on, .. } => Some(on.table_name()),
            Operation::CreateFunction(_) | Operation::DropFunction(_) | Operation::ReplaceFunction { .. } => None,
            Operation::CreateTrigger(t) | Operation::DropTrigger(t) => Some(&t.table),
            Operation::CreatePolicy(p) | Operation::DropPolicy(p) => Some(&p.table),
            Operation::AlterPolicy { from, .. } => Some(&from.table),
            // The partitioned table: the partition's rows appear in it or leave it.
            Operation::CreatePartition(p)
            | Operation::DropPartition(p)
            | Operation::AttachPartition(p)
            | Operation::DetachPartition { partition: p, .. } => Some(&p.parent),
            Operation::Grant(g) | Operation::Revoke(g) => match &g.on {
                crate::schema::GrantObject::Table(table) => Some(table),
                crate::schema::GrantObject::Sequence(_) | crate::schema::GrantObject::Schema(_) => None,
            },
        }
    }

    /// Whether the operation must run outside a transaction on this backend (`CONCURRENTLY` on PostgreSQL).
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// use lockgate_dsl::schema::IndexDef;
    /// use lockgate_dsl::Backend;
    /// let op = Operation::CreateIndex(IndexDef::new("t", ["a"]).concurrently());
    /// assert!(op.outside_transaction(Backend::Postgres));
    /// assert!(!op.outside_transaction(Backend::Sqlite));
    /// ```
    pub fn outside_transaction(&self, backend: Backend) -> bool {
        match self {
            Operation::CreateIndex(i) | Operation::DropIndex(i) => backend == Backend::Postgres && i.concurrently,
            Operation::DetachPartition { concurrently, .. } => backend == Backend::Postgres && *concurrently,
            // Each batch commits on its own; SQLite, with no lock outside a transaction, runs them in the
            // migration's.
            Operation::Backfill { .. }
            | Operation::ExpandColumn { reverse: false, .. }
            | Operation::ContractColumn { reverse: true, .. } => backend != Backend::Sqlite,
            Operation::ExpandColumn { reverse: true, .. } | Operation::ContractColumn { reverse: false, .. } => false,
            Operation::CreateTable(_)
            | Operation::DropTable(_)
            | Operation::RenameTable { .. }
            | Operation::AddColumn { .. }
            | Operation::DropColumn { .. }
            | Operation::RenameColumn { .. }
            | Operation::AlterColumn { .. }
            | Operation::AddForeignKey(_)
            | Operation::DropForeignKey(_)
            | Operation::ValidateConstraint { .. }
            | Operation::AddCheck(_)
            | Operation::DropCheck(_)
            | Operation::AddUnique(_)
            | Operation::DropUnique(_)
            | Operation::CreateView(_)
            | Operation::ReplaceView { .. }
            | Operation::DropView(_)
            | Operation::CreateEnum(_)
            | Operation::AddEnumValue { .. }
            | Operation::DropEnum(_)
            | Operation::CreateExtension { .. }
            | Operation::DropExtension { .. }
            | Operation::RawSql { .. }
            | Operation::Assert { .. }
            | Operation::AssertParity { .. }
            | Operation::ArchiveColumn { .. }
            | Operation::ArchiveTable { .. }
            | Operation::AlterRowSecurity { .. }
            | Operation::CreatePolicy(_)
            | Operation::DropPolicy(_)
            | Operation::AlterPolicy { .. }
            | Operation::CreateMaterializedView(_)
            | Operation::DropMaterializedView(_)
            | Operation::RefreshMaterializedView { .. }
            | Operation::CreateSchema { .. }
            | Operation::DropSchema { .. }
            | Operation::CreateSequence(_)
            | Operation::DropSequence(_)
            | Operation::SetComment { .. }
            | Operation::CreateFunction(_)
            | Operation::DropFunction(_)
            | Operation::ReplaceFunction { .. }
            | Operation::CreateTrigger(_)
            | Operation::DropTrigger(_)
            | Operation::Grant(_)
            | Operation::Revoke(_)
            | Operation::CreatePartition(_)
            | Operation::DropPartition(_)
            | Operation::AttachPartition(_) => false,
        }
    }

    /// What the operation does to the schema, as the plain operation that does the same (an archived column is
    /// a dropped column, its restore an added one), for the schema model and the plan rules; `None` for the
    /// others.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// use lockgate_dsl::schema::ColumnDef;
    /// let column = ColumnDef::new::<Option<bool>>("flag");
    /// let archive = Operation::ArchiveColumn { table: "t".into(), column, key: vec!["id".into()], restore: false };
    /// assert_eq!(archive.schema_equivalent().unwrap().kind(), "drop_column");
    /// ```
    pub fn schema_equivalent(&self) -> Option<Operation> {
        Some(match self {
            Operation::ArchiveColumn {
                table,
                column,
                restore: false,
                ..
            } => Operation::DropColumn {
                table: table.clone(),
                column: column.clone(),
            },
            Operation::ArchiveColumn { table, column, .. } => Operation::AddColumn {
                table: table.clone(),
                column: column.clone(),
            },
            Operation::ArchiveTable { table, restore: false } => Operation::DropTable(table.clone()),
            Operation::ArchiveTable { table, .. } => Operation::CreateTable(table.clone()),
            Operation::ExpandColumn { expansion, reverse } => {
                let column = expansion.to.clone();
                let table = expansion.table.clone();
                if *reverse {
                    Operation::DropColumn { table, column }
                } else {
                    Operation::AddColumn { table, column }
                }
            }
            Operation::ContractColumn { expansion, reverse } => {
                let column = expansion.from.clone();
                let table = expansion.table.clone();
                if *reverse {
                    Operation::AddColumn { table, column }
                } else {
                    Operation::DropColumn { table, column }
                }
            }
            _ => return None,
        })
    }

    /// A short human description, e.g. ``drop_column `contracts`.`is_template` ``.
    ///
    /// ```
    /// use lockgate_dsl::operation::Operation;
    /// let op = Operation::RenameTable { from: "a".into(), to: "b".into() };
    /// assert_eq!(op.describe(), "rename_table `a` to `b`");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateTable(t) | Operation::DropTable(t) => format!("{} `{}`", self.kind(), t.name),
            Operation::RenameTable { from, to } => format!("rename_table `{from}` to `{to}`"),
            Operation::AddColumn { table, column } | Operation::DropColumn { table, column } => {
                format!("{} `{table}`.`{}`", self.kind(), column.name)
            }
            Operation::RenameColumn { table, from, to } => format!("rename_column `{table}`.`{from}` to `{to}`"),
            Operation::AlterColumn { table, to, .. } => format!("alter_column `{table}`.`{}`", to.name),
            Operation::CreateIndex(i) | Operation::DropIndex(i) => {
                format!("{} `{}` on `{}`", self.kind(), i.name, i.table)
            }
            Operation::AddForeignKey(f) | Operation::DropForeignKey(f) => {
                format!("{} `{}` on `{}`", self.kind(), f.name, f.table)
            }
            Operation::ValidateConstraint { table, name } => format!("validate_constraint `{name}` on `{table}`"),
            Operation::AddCheck(c) | Operation::DropCheck(c) => {
                format!("{} `{}` on `{}`", self.kind(), c.name, c.table)
            }
            Operation::AddUnique(u) | Operation::DropUnique(u) => {
                format!("{} `{}` on `{}`", self.kind(), u.name, u.table)
            }
            Operation::CreateView(v) | Operation::DropView(v) => format!("{} `{}`", self.kind(), v.name),
            Operation::ReplaceView { to, .. } => format!("replace_view `{}`", to.name),
            Operation::CreateEnum(e) | Operation::DropEnum(e) => format!("{} `{}`", self.kind(), e.name),
            Operation::AddEnumValue { name, value, .. } => format!("add_enum_value `{value}` to `{name}`"),
            Operation::CreateExtension { name } | Operation::DropExtension { name } => {
                format!("{} `{name}`", self.kind())
            }
            Operation::RawSql { .. } => "raw_sql".to_owned(),
            Operation::Assert { message, .. } => format!("assert ({message})"),
            Operation::Backfill { fill, .. } => fill.describe(),
            Operation::ExpandColumn { expansion, reverse } => {
                format!(
                    "{}expand_column {}",
                    if *reverse { "undo " } else { "" },
                    expansion.describe()
                )
            }
            Operation::ContractColumn { expansion, reverse } => {
                format!(
                    "{}contract_column {}",
                    if *reverse { "undo " } else { "" },
                    expansion.describe()
                )
            }
            Operation::ArchiveColumn {
                table,
                column,
                restore: false,
                ..
            } => format!(
                "archive_column `{table}`.`{}` to `{}`",
                column.name,
                crate::schema::backup_table(table, Some(&column.name))
            ),
            Operation::ArchiveColumn { table, column, .. } => format!(
                "restore_column `{table}`.`{}` from `{}`",
                column.name,
                crate::schema::backup_table(table, Some(&column.name))
            ),
            Operation::ArchiveTable { table, restore } => format!(
                "{} `{}` {} `{}`",
                if *restore { "restore_table" } else { "archive_table" },
                table.name,
                if *restore { "from" } else { "to" },
                crate::schema::backup_table(&table.name, None)
            ),
            Operation::AlterRowSecurity { table, from, to } => {
                format!("alter_row_security `{table}` from {from} to {to}")
            }
            Operation::CreatePolicy(p) | Operation::DropPolicy(p) => {
                format!("{} `{}` on `{}`", self.kind(), p.name, p.table)
            }
            Operation::AlterPolicy { to, .. } => format!("alter_policy `{}` on `{}`", to.name, to.table),
            Operation::CreateMaterializedView(v) | Operation::DropMaterializedView(v) => {
                format!("{} `{}`", self.kind(), v.name)
            }
            Operation::CreateSchema { name } | Operation::DropSchema { name } => format!("{} `{name}`", self.kind()),
            Operation::CreateSequence(s) | Operation::DropSequence(s) => format!("{} `{}`", self.kind(), s.name),
            Operation::CreateFunction(f) | Operation::DropFunction(f) => {
                format!("{} `{}`", self.kind(), f.signature())
            }
            Operation::ReplaceFunction { to, .. } => format!("replace_function `{}`", to.signature()),
            Operation::CreateTrigger(t) | Operation::DropTrigger(t) => {
                format!("{} `{}` on `{}`", self.kind(), t.name, t.table)
            }
            Operation::SetComment { on, to: Some(_), .. } => format!("set_comment on {on}"),
            Operation::SetComment { on, to: None, .. } => format!("set_comment on {on} (removed)"),
            Operation::RefreshMaterializedView { name, concurrently } => format!(
                "refresh_materialized_view `{name}`{}",
                if *concurrently { " concurrently" } else { "" }
            ),
            Operation::Grant(g) => format!(
                "grant {} on {} to {}",
                privilege_list(&g.privileges),
                g.on,
                g.roles.join(", ")
            ),
            Operation::Revoke(g) => format!(
                "revoke {} on {} from {}",
                privilege_list(&g.privileges),
                g.on,
                g.roles.join(", ")
            ),
            Operation::CreatePartition(p) | Operation::DropPartition(p) | Operation::AttachPartition(p) => {
                format!("{} `{}` of `{}`", self.kind(), p.name, p.parent)
            }
            Operation::DetachPartition {
                partition,
                concurrently,
            } => format!(
                "detach_partition `{}` from `{}`{}",
                partition.name,
                partition.parent,
                if *concurrently { " concurrently" } else { "" }
            ),
            Operation::AssertParity { left, right } => {
                format!(
                    "assert_parity ({} per `{}` against {} per `{}`)",
                    left.describe(),
                    left.group_by,
                    right.describe(),
                    right.group_by
                )
            }
        }
    }
}

/// `SELECT, INSERT`.
fn privilege_list(privileges: &[crate::schema::Privilege]) -> String {
    privileges.iter().map(|p| p.sql()).collect::<Vec<_>>().join(", ")
}
