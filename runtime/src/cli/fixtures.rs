//! Test migrations shared by the CLI's unit tests.

use lockgate_dsl::plan::{Plan, PlannedOp, inverse_of};
use lockgate_dsl::risk::Allowances;
use lockgate_dsl::{DownError, Migration, MigrationMeta, TransactionMode};

/// A migration creating table `t<version>`; irreversible when its meta says so.
pub(super) struct CreateTable(pub(super) &'static MigrationMeta);

impl Migration for CreateTable {
    fn meta(&self) -> &'static MigrationMeta {
        self.0
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        let mut m = Plan::<()>::new();
        m.create_table(format!("t{}", self.0.version), |t| {
            t.column::<i64>("id").primary_key();
        });
        m.into_operations()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        match self.0.irreversible {
            Some(reason) => Err(DownError::Declared { reason }),
            None => Ok(inverse_of(&self.up_operations())?),
        }
    }
}

/// Version 1, creating `t1`.
pub(super) const ONE: MigrationMeta = MigrationMeta {
    version: 1,
    name: "create t1",
    type_name: "CreateTable",
    allow: Allowances::NONE,
    irreversible: None,
    transaction: TransactionMode::PerMigration,
    backends: None,
};
