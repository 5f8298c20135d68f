//! One migration's up or down as a readable SQL script, rendered without a database (for review and snapshots).

use crate::backend::Backend;
use crate::migration::{DownError, Migration};
use crate::plan::PlannedOp;

use super::{RenderError, Step, render_all};

/// Which way a script goes: the plan-time rules' direction, reused so the dsl has one such type.
///
/// ```
/// use lockgate_dsl::render::Direction;
/// assert_eq!(Direction::Up.to_string(), "up");
/// ```
pub use crate::direction::Direction;

/// The one comment line put before a SQLite rebuild, whose statements depend on the live table.
const REBUILD_NOTE: &str =
    "-- the statements of this rebuild depend on the live table: only a plan against the database shows them";

/// Why a migration's script cannot be rendered.
///
/// ```
/// use lockgate_dsl::render::{script, Direction, ScriptError};
/// use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
/// use lockgate_dsl::plan::PlannedOp;
/// use lockgate_dsl::risk::Allowances;
///
/// struct Round;
/// impl Migration for Round {
///     fn meta(&self) -> &'static MigrationMeta {
///         &MigrationMeta { version: 7, name: "round prices", type_name: "Round", allow: Allowances::NONE,
///             irreversible: Some("precision is lost"), transaction: TransactionMode::PerMigration, backends: None }
///     }
///     fn up_operations(&self) -> Vec<PlannedOp> { Vec::new() }
///     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
///         Err(DownError::Declared { reason: "precision is lost" })
///     }
/// }
/// let err = script(&Round, Backend::Postgres, Direction::Down).unwrap_err();
/// assert!(matches!(err, ScriptError::Irreversible { version: 7, .. }));
/// assert_eq!(
///     err.to_string(),
///     "migration 7 `round prices` has no down: the migration is declared irreversible: precision is lost"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// The down of an irreversible migration was asked for.
    #[error("migration {version} `{name}` has no down: {source}")]
    Irreversible {
        /// The migration's version.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// Why it has no down.
        #[source]
        source: DownError,
    },
    /// An operation of the migration cannot be expressed on the backend.
    #[error("migration {version} `{name}` cannot be rendered ({direction}) for {backend}: {source}")]
    Render {
        /// The migration's version.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// The backend.
        backend: Backend,
        /// The direction rendered.
        direction: Direction,
        /// What the backend cannot express.
        #[source]
        source: RenderError,
    },
}

impl ScriptError {
    /// The version of the migration that could not be scripted.
    ///
    /// ```
    /// use lockgate_dsl::DownError;
    /// use lockgate_dsl::render::ScriptError;
    /// let e = ScriptError::Irreversible { version: 4, name: "n", source: DownError::Declared { reason: "lossy" } };
    /// assert_eq!(e.version(), 4);
    /// ```
    pub fn version(&self) -> i64 {
        match self {
            ScriptError::Irreversible { version, .. } | ScriptError::Render { version, .. } => *version,
        }
    }
}

/// Renders a migration's up or down for `backend` as an SQL script a person can review and a
/// snapshot test can pin: a header comment (version, name, backend, direction), then every step.
///
/// Each statement ends in `;`. A statement that must run outside a transaction (PostgreSQL
/// `CONCURRENTLY`) is preceded by `-- outside a transaction`; an assertion is shown as a comment
/// with its message, then its query. A SQLite rebuild reads the live table's definition, so it is
/// shown as a comment describing the rebuild, after one line saying so. The output depends only on
/// the migration and the backend (no timestamps), so it is stable across runs and machines.
///
/// ```
/// use lockgate_dsl::plan::{Plan, PlannedOp};
/// use lockgate_dsl::render::{script, Direction};
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
///         Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?)
///     }
/// }
///
/// assert_eq!(
///     script(&CreateTenants, Backend::Postgres, Direction::Up).unwrap(),
///     "-- migration 1: Create the tenants table.\n\
///      -- backend: postgres, direction: up\n\
///      \n\
///      CREATE TABLE \"tenants\" ( \"id\" bigint NOT NULL, PRIMARY KEY (\"id\") );\n"
/// );
/// assert!(script(&CreateTenants, Backend::MySql, Direction::Down).unwrap().ends_with("\nDROP TABLE `tenants`;\n"));
/// ```
pub fn script(migration: &dyn Migration, backend: Backend, direction: Direction) -> Result<String, ScriptError> {
    let meta = migration.meta();
    let mut out = format!(
        "-- migration {}: {}\n-- backend: {backend}, direction: {direction}\n\n",
        meta.version,
        one_line(meta.name)
    );
    let statements = script_statements(migration, backend, direction)?;
    if statements.is_empty() {
        out.push_str("-- (no statements)\n");
    }
    for statement in statements {
        out.push_str(&statement);
        out.push('\n');
    }
    Ok(out)
}

/// The steps of [`script`] without its header, one string per step, in order: for tools that
/// assemble several migrations into one script (the command line's offline `plan`).
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::plan::PlannedOp;
/// use lockgate_dsl::render::{script_statements, Direction};
/// use lockgate_dsl::risk::Allowances;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
///
/// struct IndexTenant;
/// impl Migration for IndexTenant {
///     fn meta(&self) -> &'static MigrationMeta {
///         &MigrationMeta { version: 2, name: "index tenant", type_name: "IndexTenant",
///             allow: Allowances::NONE, irreversible: None, transaction: TransactionMode::None, backends: None }
///     }
///     fn up_operations(&self) -> Vec<PlannedOp> {
///         vec![PlannedOp::here(Operation::CreateIndex(IndexDef::new("contracts", ["tenant"]).concurrently()))]
///     }
///     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
///         Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?)
///     }
/// }
///
/// let statements = script_statements(&IndexTenant, Backend::Postgres, Direction::Down).unwrap();
/// assert_eq!(statements, ["-- outside a transaction\nDROP INDEX CONCURRENTLY \"contracts_tenant_idx\";"]);
/// ```
pub fn script_statements(
    migration: &dyn Migration,
    backend: Backend,
    direction: Direction,
) -> Result<Vec<String>, ScriptError> {
    let meta = migration.meta();
    if !meta.targets(backend) {
        return Ok(vec![format!("-- not for {backend}: recorded as skipped, nothing runs")]);
    }
    let operations: Vec<PlannedOp> = match direction {
        Direction::Up => migration.up_operations(),
        Direction::Down => migration
            .down_operations()
            .map_err(|source| ScriptError::Irreversible {
                version: meta.version,
                name: meta.name,
                source,
            })?,
    };
    let steps = render_all(&operations, backend).map_err(|source| ScriptError::Render {
        version: meta.version,
        name: meta.name,
        backend,
        direction,
        source,
    })?;
    Ok(steps.iter().map(step_text).collect())
}

/// One step as the script shows it; `Step`'s `Display` already ends statements in `;` and marks
/// transaction-less statements and assertions.
fn step_text(step: &Step) -> String {
    match step {
        Step::Rebuild(_) => format!("{REBUILD_NOTE}\n{}", step.describe()),
        Step::Sql { .. } | Step::Assert { .. } | Step::Parity { .. } | Step::Backfill(_) => step.describe(),
    }
}

/// A name on one line, so a name with a line break cannot end the header comment early.
fn one_line(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::{MigrationMeta, TransactionMode};
    use crate::operation::Operation;
    use crate::plan::{Plan, inverse_of};
    use crate::risk::Allowances;
    use crate::schema::{ForeignKeyDef, IndexDef};

    /// A migration made of given operations, reversible unless `irreversible` is set.
    struct Ops {
        meta: &'static MigrationMeta,
        up: fn() -> Vec<PlannedOp>,
    }

    impl Migration for Ops {
        fn meta(&self) -> &'static MigrationMeta {
            self.meta
        }
        fn up_operations(&self) -> Vec<PlannedOp> {
            (self.up)()
        }
        fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
            match self.meta.irreversible {
                Some(reason) => Err(DownError::Declared { reason }),
                None => Ok(inverse_of(&self.up_operations())?),
            }
        }
    }

    const META: MigrationMeta = MigrationMeta {
        version: 20250107162000,
        name: "Create the contract\ntemplates.",
        type_name: "Ops",
        allow: Allowances::NONE,
        irreversible: None,
        transaction: TransactionMode::PerMigration,
        backends: None,
    };

    fn templates() -> Vec<PlannedOp> {
        let mut m = Plan::<()>::new();
        m.create_table("templates", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<String>("name");
        });
        m.assert("SELECT COUNT(*) = 0 FROM templates", "the table starts empty");
        m.into_operations()
    }

    #[test]
    fn up_and_down_have_a_header_and_terminated_statements() {
        let m = Ops {
            meta: &META,
            up: templates,
        };
        assert_eq!(
            script(&m, Backend::Postgres, Direction::Up).unwrap(),
            "-- migration 20250107162000: Create the contract templates.\n\
             -- backend: postgres, direction: up\n\
             \n\
             CREATE TABLE \"templates\" ( \"id\" bigint NOT NULL, \"name\" text NOT NULL, PRIMARY KEY (\"id\") );\n\
             -- assert: the table starts empty\n\
             SELECT COUNT(*) = 0 FROM templates;\n"
        );
        assert_eq!(
            script(&m, Backend::MySql, Direction::Down).unwrap(),
            "-- migration 20250107162000: Create the contract templates.\n\
             -- backend: mysql, direction: down\n\
             \n\
             DROP TABLE `templates`;\n"
        );
    }

    #[test]
    fn an_irreversible_down_is_an_error_naming_the_migration() {
        static IRREVERSIBLE: MigrationMeta = MigrationMeta {
            irreversible: Some("the old rows are deleted"),
            ..META
        };
        let m = Ops {
            meta: &IRREVERSIBLE,
            up: templates,
        };
        let err = script(&m, Backend::Sqlite, Direction::Down).unwrap_err();
        assert_eq!(
            err,
            ScriptError::Irreversible {
                version: 20250107162000,
                name: "Create the contract\ntemplates.",
                source: DownError::Declared {
                    reason: "the old rows are deleted"
                },
            }
        );
        assert!(script(&m, Backend::Sqlite, Direction::Up).is_ok());
    }

    #[test]
    fn a_render_error_names_backend_and_direction() {
        let m = Ops {
            meta: &META,
            up: || vec![PlannedOp::here(Operation::CreateExtension { name: "citext".into() })],
        };
        assert!(script(&m, Backend::Postgres, Direction::Up).is_ok());
        let err = script(&m, Backend::MySql, Direction::Down).unwrap_err();
        assert!(matches!(
            err,
            ScriptError::Render {
                backend: Backend::MySql,
                direction: Direction::Down,
                ..
            }
        ));
        assert!(
            err.to_string()
                .starts_with("migration 20250107162000 `Create the contract\ntemplates.` cannot be rendered (down) for mysql: drop_extension `citext` is not supported on mysql"),
            "{err}"
        );
    }

    #[test]
    fn concurrent_indexes_are_marked_outside_a_transaction() {
        static NO_TRANSACTION: MigrationMeta = MigrationMeta {
            transaction: TransactionMode::None,
            backends: None,
            ..META
        };
        let m = Ops {
            meta: &NO_TRANSACTION,
            up: || {
                vec![PlannedOp::here(Operation::CreateIndex(
                    IndexDef::new("templates", ["name"]).concurrently(),
                ))]
            },
        };
        let up = script(&m, Backend::Postgres, Direction::Up).unwrap();
        assert!(
            up.ends_with(
                "\n\n-- outside a transaction\nCREATE INDEX CONCURRENTLY \"templates_name_idx\" ON \"templates\" (\"name\");\n"
            ),
            "{up}"
        );
        // Only PostgreSQL has CONCURRENTLY; elsewhere the index is built the ordinary way.
        let mysql = script(&m, Backend::MySql, Direction::Up).unwrap();
        assert!(!mysql.contains("outside a transaction"), "{mysql}");
    }

    #[test]
    fn sqlite_rebuilds_are_described_after_one_line_saying_why() {
        let m = Ops {
            meta: &META,
            up: || {
                vec![PlannedOp::here(Operation::AddForeignKey(ForeignKeyDef::new(
                    "lines",
                    ["template_id"],
                    "templates",
                    ["id"],
                )))]
            },
        };
        let up = script(&m, Backend::Sqlite, Direction::Up).unwrap();
        let body = up.split_once("\n\n").map(|(_, body)| body).unwrap();
        let mut lines = body.lines();
        assert_eq!(lines.next(), Some(REBUILD_NOTE));
        assert_eq!(
            lines.next(),
            Some(
                "-- rebuild sqlite table \"lines\": add CONSTRAINT \"lines_template_id_fkey\" FOREIGN KEY (\"template_id\") REFERENCES \"templates\" (\"id\")"
            )
        );
        assert!(body.lines().all(|line| line.starts_with("-- ")), "{body}");
        // PostgreSQL adds the key in place: no rebuild, no note.
        let pg = script(&m, Backend::Postgres, Direction::Up).unwrap();
        assert!(!pg.contains(REBUILD_NOTE), "{pg}");
        assert!(pg.contains("ALTER TABLE \"lines\" ADD CONSTRAINT"), "{pg}");
    }

    #[test]
    fn an_empty_plan_says_so() {
        let m = Ops {
            meta: &META,
            up: Vec::new,
        };
        assert!(
            script(&m, Backend::Sqlite, Direction::Up)
                .unwrap()
                .ends_with("direction: up\n\n-- (no statements)\n")
        );
    }
}
