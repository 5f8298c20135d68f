//! Which risk categories a migration's operations fall into on a backend, whatever it allows: what a
//! production policy reads to decide whether a migration may run at start-up.

use serde::Serialize;

use super::RiskCategory;
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
            let (category, rule) = gate(&planned.op)?;
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

/// The compile-time gate an operation passes, when it passes one.
fn gate(op: &Operation) -> Option<(RiskCategory, &'static str)> {
    use RiskCategory::{Destructive, Incompatible};
    Some(match op {
        Operation::DropTable(_) => (Destructive, "DropTable"),
        Operation::DropColumn { .. } => (Destructive, "DropColumn"),
        Operation::DropEnum(_) => (Destructive, "DropEnum"),
        Operation::RenameTable { .. } => (Incompatible, "RenameTable"),
        Operation::RenameColumn { .. } => (Incompatible, "RenameColumn"),
        Operation::AlterColumn { from, to, .. }
            if from.ty != to.ty && Conversion::of(&from.ty, &to.ty) != Conversion::Widening =>
        {
            (Incompatible, "ChangeColumnTypeBreaksReaders")
        }
        Operation::AlterColumn { from, to, .. } if !from.nullable && to.nullable => (Incompatible, "DropNotNull"),
        Operation::DropForeignKey(_) => (Incompatible, "DropForeignKey"),
        Operation::DropCheck(_) => (Incompatible, "DropCheck"),
        Operation::DropUnique(_) => (Incompatible, "DropUnique"),
        Operation::DropView(_) => (Incompatible, "DropView"),
        Operation::ReplaceView { .. } => (Incompatible, "ReplaceView"),
        _ => return None,
    })
}
