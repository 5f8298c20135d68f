//! One text holding every migration's SQL for every backend, both ways: one insta snapshot for a whole list.

use crate::Backend;
use crate::migration::Migration;

use super::script::{Direction, ScriptError, script};

/// Every migration of `migrations`, for each of `backends`, up and then down, rendered as `script` renders
/// them and joined in that order; a migration without a down, or one a backend cannot express, is a comment
/// saying why. Made for one snapshot of a whole list:
/// `insta::assert_snapshot!(sql_snapshot(&migrations, &Backend::ALL))`.
///
/// ```
/// use lockgate_dsl::plan::{Plan, PlannedOp, inverse_of};
/// use lockgate_dsl::render::sql_snapshot;
/// use lockgate_dsl::risk::Allowances;
/// use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
///
/// struct CreateTenants;
/// impl Migration for CreateTenants {
///     fn meta(&self) -> &'static MigrationMeta {
///         &MigrationMeta { version: 1, name: "Create the tenants table.", type_name: "CreateTenants",
///             allow: Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None }
///     }
///     fn up_operations(&self) -> Vec<PlannedOp> {
///         let mut m = Plan::<()>::new();
///         m.create_table("tenants", |t| { t.column::<i64>("id").primary_key(); });
///         m.into_operations()
///     }
///     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
///         Ok(inverse_of(&self.up_operations())?)
///     }
/// }
///
/// let migrations: Vec<Box<dyn Migration>> = vec![Box::new(CreateTenants)];
/// let text = sql_snapshot(&migrations, &[Backend::Postgres, Backend::Sqlite]);
/// assert!(text.contains("-- backend: postgres, direction: up\n"));
/// assert!(text.contains("-- backend: sqlite, direction: down\n\nDROP TABLE \"tenants\";\n"));
/// assert_eq!(text.matches("-- migration 1:").count(), 4);
/// ```
pub fn sql_snapshot(migrations: &[Box<dyn Migration>], backends: &[Backend]) -> String {
    let mut out = String::new();
    for migration in migrations {
        for &backend in backends {
            for direction in [Direction::Up, Direction::Down] {
                if !out.is_empty() {
                    out.push('\n');
                }
                match script(&**migration, backend, direction) {
                    Ok(text) => out.push_str(&text),
                    Err(error) => {
                        let meta = migration.meta();
                        let why = match &error {
                            ScriptError::Irreversible { source, .. } => format!("no down: {source}"),
                            other => other.to_string(),
                        };
                        out.push_str(&format!(
                            "-- migration {}: {}\n-- backend: {backend}, direction: {direction}\n\n-- {why}\n",
                            meta.version, meta.name,
                        ));
                    }
                }
            }
        }
    }
    out
}
