//! Deriving the inverse of an operation from the operation alone.

use super::Operation;

/// What undoes an operation.
///
/// ```
/// use lockgate_dsl::operation::{Inverse, Operation};
/// let op = Operation::AddEnumValue { name: "status".into(), value: "archived".into(), before: None };
/// assert!(matches!(op.inverse(), Inverse::Irreversible(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "a value returned and matched at once, never stored in bulk: boxing its operation would only add an allocation"
)]
pub enum Inverse {
    /// This operation undoes it.
    Op(Operation),
    /// Nothing needs undoing (a validation or an assertion).
    Nothing,
    /// It cannot be undone; the reason says why.
    Irreversible(&'static str),
}

impl Operation {
    /// The operation that undoes this one.
    ///
    /// ```
    /// use lockgate_dsl::operation::{Inverse, Operation};
    /// use lockgate_dsl::schema::ColumnDef;
    /// let add = Operation::AddColumn { table: "t".into(), column: ColumnDef::new::<Option<i32>>("n") };
    /// let Inverse::Op(drop) = add.inverse() else { panic!() };
    /// assert_eq!(drop.kind(), "drop_column");
    /// ```
    pub fn inverse(&self) -> Inverse {
        use Operation as O;
        let op = match self {
            O::CreateTable(t) => O::DropTable(t.clone()),
            O::DropTable(t) => O::CreateTable(t.clone()),
            O::RenameTable { from, to } => O::RenameTable {
                from: to.clone(),
                to: from.clone(),
            },
            O::AddColumn { table, column } => O::DropColumn {
                table: table.clone(),
                column: column.clone(),
            },
            O::DropColumn { table, column } => O::AddColumn {
                table: table.clone(),
                column: column.clone(),
            },
            O::RenameColumn { table, from, to } => O::RenameColumn {
                table: table.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            O::AlterColumn { table, from, to } => O::AlterColumn {
                table: table.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            O::CreateIndex(i) => O::DropIndex(i.clone()),
            O::DropIndex(i) => O::CreateIndex(i.clone()),
            O::AddForeignKey(f) => O::DropForeignKey(f.clone()),
            O::DropForeignKey(f) => O::AddForeignKey(f.clone()),
            O::ValidateConstraint { .. } | O::Assert { .. } | O::AssertParity { .. } => return Inverse::Nothing,
            O::AddCheck(c) => O::DropCheck(c.clone()),
            O::DropCheck(c) => O::AddCheck(c.clone()),
            O::AddUnique(u) => O::DropUnique(u.clone()),
            O::DropUnique(u) => O::AddUnique(u.clone()),
            O::CreateView(v) => O::DropView(v.clone()),
            O::DropView(v) => O::CreateView(v.clone()),
            O::ReplaceView { from, to } => O::ReplaceView {
                from: to.clone(),
                to: from.clone(),
            },
            O::CreateEnum(e) => O::DropEnum(e.clone()),
            O::DropEnum(e) => O::CreateEnum(e.clone()),
            O::AddEnumValue { .. } => {
                return Inverse::Irreversible("PostgreSQL cannot remove a value from an enum type");
            }
            O::Backfill { fill, undo } => match &**undo {
                crate::schema::Undo::Fill(undo) => O::Backfill {
                    fill: Box::new(undo.clone()),
                    undo: Box::new(crate::schema::Undo::Fill((**fill).clone())),
                },
                crate::schema::Undo::Sql(sql) => O::RawSql {
                    up: sql.clone(),
                    down: None,
                },
                crate::schema::Undo::Nothing => return Inverse::Nothing,
            },
            O::ArchiveColumn {
                table,
                column,
                key,
                restore,
            } => O::ArchiveColumn {
                table: table.clone(),
                column: column.clone(),
                key: key.clone(),
                restore: !restore,
            },
            O::ExpandColumn { expansion, reverse } => O::ExpandColumn {
                expansion: expansion.clone(),
                reverse: !reverse,
            },
            O::ContractColumn { expansion, reverse } => O::ContractColumn {
                expansion: expansion.clone(),
                reverse: !reverse,
            },
            O::ArchiveTable { table, restore } => O::ArchiveTable {
                table: table.clone(),
                restore: !restore,
            },
            O::AlterRowSecurity { table, from, to } => O::AlterRowSecurity {
                table: table.clone(),
                from: *to,
                to: *from,
            },
            O::CreatePolicy(p) => O::DropPolicy(p.clone()),
            O::DropPolicy(p) => O::CreatePolicy(p.clone()),
            O::AlterPolicy { from, to } => O::AlterPolicy {
                from: to.clone(),
                to: from.clone(),
            },
            O::CreateMaterializedView(v) => O::DropMaterializedView(v.clone()),
            O::DropMaterializedView(v) => O::CreateMaterializedView(v.clone()),
            // Only rows change, and they are the query's.
            O::RefreshMaterializedView { .. } => return Inverse::Nothing,
            O::CreateSchema { name } => O::DropSchema { name: name.clone() },
            O::DropSchema { name } => O::CreateSchema { name: name.clone() },
            O::CreateSequence(s) => O::DropSequence(s.clone()),
            O::DropSequence(s) => O::CreateSequence(s.clone()),
            O::SetComment { on, from, to } => O::SetComment {
                on: on.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            O::CreateFunction(f) => O::DropFunction(f.clone()),
            O::DropFunction(f) => O::CreateFunction(f.clone()),
            O::ReplaceFunction { from, to } => O::ReplaceFunction {
                from: to.clone(),
                to: from.clone(),
            },
            O::CreateTrigger(t) => O::DropTrigger(t.clone()),
            O::DropTrigger(t) => O::CreateTrigger(t.clone()),
            O::Grant(g) => O::Revoke(g.clone()),
            O::Revoke(g) => O::Grant(g.clone()),
            O::CreatePartition(p) => O::DropPartition(p.clone()),
            O::DropPartition(p) => O::CreatePartition(p.clone()),
            // `down` runs in the migration's transaction, where `CONCURRENTLY` may not.
            O::AttachPartition(p) => O::DetachPartition {
                partition: p.clone(),
                concurrently: false,
            },
            O::DetachPartition { partition, .. } => O::AttachPartition(partition.clone()),
            O::CreateExtension { name } => O::DropExtension { name: name.clone() },
            O::DropExtension { name } => O::CreateExtension { name: name.clone() },
            O::RawSql { up, down } => match down {
                Some(down) => O::RawSql {
                    up: down.clone(),
                    down: Some(up.clone()),
                },
                None => return Inverse::Irreversible("raw SQL was given without the SQL that reverses it"),
            },
        };
        Inverse::Op(op)
    }
}
