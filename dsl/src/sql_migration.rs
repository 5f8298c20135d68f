//! A migration written as SQL files (`embed_migrations!`): its up SQL, and its down SQL or why it has none.

use crate::migration::{DownError, Migration, MigrationMeta};
use crate::operation::Operation;
use crate::plan::PlannedOp;
use crate::session::SessionSetting;

/// A migration from a folder of SQL files: one raw-SQL operation each way, judged by the raw-SQL rules like any
/// `m.sql(up, down)`. `lockgate::embed_migrations!` builds these at compile time; they mix with typed migrations
/// in one list.
///
/// ```
/// use lockgate_dsl::sql_migration::SqlMigration;
/// use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, risk::Allowances};
/// static META: MigrationMeta = MigrationMeta { version: 20240101000000, name: "create users",
///     type_name: "migrations/20240101000000_create_users.up.sql", allow: Allowances::NONE, irreversible: None,
///     transaction: TransactionMode::PerMigration, backends: None };
/// let m = SqlMigration { meta: &META, up: "CREATE TABLE users (id bigint PRIMARY KEY)", down: Some("DROP TABLE users"),
///     session: &[], allowed_in: &[] };
/// assert_eq!(m.up_operations()[0].op.kind(), "raw_sql");
/// assert_eq!(m.down_operations().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SqlMigration {
    /// Version (from the file name), name, the header's allowances and settings.
    pub meta: &'static MigrationMeta,
    /// The up SQL.
    pub up: &'static str,
    /// The down SQL; `None` when the migration is declared irreversible.
    pub down: Option<&'static str>,
    /// The header's session settings (`-- lockgate: foreign_keys = false`).
    pub session: &'static [SessionSetting],
    /// The header's `allow_in(<environment> = "why")`.
    pub allowed_in: &'static [(&'static str, &'static str)],
}

impl SqlMigration {
    fn planned(&self, up: &str, down: Option<&str>) -> PlannedOp {
        PlannedOp {
            op: Operation::RawSql {
                up: up.to_owned(),
                down: down.map(str::to_owned),
            },
            location: self.meta.type_name.to_owned(),
        }
    }
}

impl Migration for SqlMigration {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }

    fn up_operations(&self) -> Vec<PlannedOp> {
        vec![self.planned(self.up, self.down)]
    }

    fn session(&self) -> &'static [SessionSetting] {
        self.session
    }

    fn allowed_in(&self) -> &'static [(&'static str, &'static str)] {
        self.allowed_in
    }

    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        match self.down {
            Some(down) => Ok(vec![self.planned(down, Some(self.up))]),
            None => Err(DownError::Declared {
                reason: self.meta.irreversible.unwrap_or("the migration has no down SQL"),
            }),
        }
    }
}
