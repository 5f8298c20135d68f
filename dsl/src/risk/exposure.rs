//! Which risk categories a migration's operations fall into on a backend, whatever it allows: what a
//! production policy reads to decide whether a migration may run at start-up.

use serde::Serialize;

use super::RiskCategory;
use super::gates::GATES;
use super::plan_rules::{Direction, check_direction};
use crate::Backend;
use crate::migration::{Migration, MigrationMeta};
use crate::operation::Operation;
use crate::risk::Allowances;
use crate::types::Conversion;

/// One operation of a migration in one risk category, and the rule that puts it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// The operation, as messages name it.
    pub operation: String,
    /// Its category.
    pub category: RiskCategory,
    /// The compile-time gate or plan rule that names the risk.
    pub rule: &'static str,
}

/// Every operation of `migration`'s `up` that is risky on `backend`, with its category, as if the migration
/// allowed nothing: the compile-time gates (drops, renames, incompatible type changes, dropped guarantees) and
/// the plan-time rules (raw SQL included).
///
/// ```
/// use lockgate_dsl::plan::{Plan, PlannedOp, inverse_of};
/// use lockgate_dsl::risk::{RiskCategory, exposures};
/// use lockgate_dsl::schema::ColumnDef;
/// use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode, risk::Allowances};
///
/// struct DropNote;
/// lockgate_dsl::allow_category!(DropNote, destructive);
/// impl Migration for DropNote {
///     fn meta(&self) -> &'static MigrationMeta {
///         &MigrationMeta { version: 1, name: "drop note", type_name: "DropNote", allow: Allowances::NONE,
///             irreversible: None, transaction: TransactionMode::PerMigration, backends: None }
///     }
///     fn up_operations(&self) -> Vec<PlannedOp> {
///         let mut m = Plan::<DropNote>::new();
///         m.drop_column("contracts", ColumnDef::new::<Option<String>>("note"));
///         m.into_operations()
///     }
///     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
///         Ok(inverse_of(&self.up_operations())?)
///     }
/// }
///
/// let found = exposures(&DropNote, Backend::Postgres);
/// assert_eq!(found[0].category, RiskCategory::Destructive);
/// assert_eq!(found[0].rule, "DropColumn");
/// ```
pub fn exposures(migration: &dyn Migration, backend: Backend) -> Vec<Exposure> {
    let up = migration.up_operations();
    let mut found: Vec<Exposure> = up
        .iter()
        .filter_map(|planned| {
            let (rule, category) = gate_category(gate(&planned.op)?)?;
            Some(Exposure {
                operation: planned.op.describe(),
                category,
                rule,
            })
        })
        .collect();
    let meta = MigrationMeta {
        allow: Allowances::NONE,
        ..*migration.meta()
    };
    for violation in check_direction(&up, backend, &meta, Direction::Up) {
        let exposure = Exposure {
            operation: violation.operation,
            category: violation.category,
            rule: violation.rule,
        };
        if !found.contains(&exposure) {
            found.push(exposure);
        }
    }
    found
}

/// The compile-time gate an operation passes, when it passes one (its name in [`GATES`]).
fn gate(op: &Operation) -> Option<&'static str> {
    Some(match op {
        Operation::DropTable(_) => "DropTable",
        Operation::DropColumn { .. } | Operation::ContractColumn { reverse: false, .. } => "DropColumn",
        Operation::ArchiveColumn { restore: false, .. } => "ArchiveColumn",
        Operation::ArchiveTable { restore: false, .. } => "ArchiveTable",
        Operation::DropEnum(_) => "DropEnum",
        Operation::RenameTable { .. } => "RenameTable",
        Operation::RenameColumn { .. } => "RenameColumn",
        Operation::AlterColumn { from, to, .. }
            if from.ty != to.ty && Conversion::of(&from.ty, &to.ty) != Conversion::Widening =>
        {
            "ChangeColumnTypeBreaksReaders"
        }
        Operation::AlterColumn { from, to, .. } if !from.nullable && to.nullable => "DropNotNull",
        Operation::DropForeignKey(_) => "DropForeignKey",
        Operation::DropCheck(_) => "DropCheck",
        Operation::DropUnique(_) => "DropUnique",
        Operation::DropView(_) => "DropView",
        Operation::ReplaceView { .. } => "ReplaceView",
        _ => return None,
    })
}

/// A gate's category, as [`GATES`] declares it.
fn gate_category(name: &str) -> Option<(&'static str, RiskCategory)> {
    let gate = GATES.iter().find(|gate| gate.name == name)?;
    let category = RiskCategory::ALL
        .into_iter()
        .find(|category| category.attribute() == gate.category)?;
    Some((gate.name, category))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ColumnDef, ViewDef};

    #[test]
    fn every_gate_an_operation_passes_is_in_the_gate_table() {
        let view = ViewDef::new("v", "SELECT 1");
        let column = ColumnDef::new::<i64>("a");
        let ops = [
            Operation::DropColumn {
                table: "t".into(),
                column: column.clone(),
            },
            Operation::RenameColumn {
                table: "t".into(),
                from: "a".into(),
                to: "b".into(),
            },
            Operation::DropView(view.clone()),
            Operation::ReplaceView {
                from: view.clone(),
                to: view,
            },
        ];
        for op in &ops {
            let name = gate(op).unwrap();
            assert!(gate_category(name).is_some(), "{name} is not in GATES");
        }
        for name in [
            "DropTable",
            "DropEnum",
            "ArchiveColumn",
            "ArchiveTable",
            "RenameTable",
            "ChangeColumnTypeBreaksReaders",
            "DropNotNull",
            "DropForeignKey",
            "DropCheck",
            "DropUnique",
        ] {
            assert!(gate_category(name).is_some(), "{name} is not in GATES");
        }
    }
}
