//! Checking a whole migration before any database sees it: both directions, every enabled backend,
//! every plan-time rule, and rendering.

use std::fmt;

use crate::backend::Backend;
use crate::direction::Direction;
use crate::migration::{DownError, Migration};
use crate::plan::{IrreversibleOp, PlannedOp};
use crate::render::{self, RenderError};
use crate::risk::plan_rules::{self, Earlier, Violation};

/// One thing wrong with a migration, found by [`check_migration`].
///
/// ```
/// use lockgate_dsl::check::PlanProblem;
/// use lockgate_dsl::plan::IrreversibleOp;
/// let problem = PlanProblem::Irreversible(IrreversibleOp {
///     operation: "raw_sql".into(), reason: "no reverse SQL", location: "m.rs:3:5".into() });
/// assert_eq!(problem.to_string(), "down: raw_sql at m.rs:3:5 cannot be reversed: no reverse SQL");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanProblem {
    /// A plan-time rule is broken and the migration does not allow its category.
    Rule {
        /// The direction of the plan.
        direction: Direction,
        /// What is broken.
        violation: Violation,
    },
    /// The backend cannot express an operation.
    Render {
        /// The direction of the plan.
        direction: Direction,
        /// The backend.
        backend: Backend,
        /// The render error.
        error: RenderError,
    },
    /// `down` cannot be derived, although the migration is not declared irreversible.
    Irreversible(IrreversibleOp),
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanProblem::Rule { direction, violation } => write!(f, "{direction}: {violation}"),
            PlanProblem::Render {
                direction,
                backend,
                error,
            } => write!(f, "{direction}: cannot render for {backend}: {error}"),
            PlanProblem::Irreversible(error) => write!(f, "down: {error}"),
        }
    }
}

impl std::error::Error for PlanProblem {}

/// The backends turned on by this crate's `postgres`, `mysql` and `sqlite` features.
///
/// ```
/// use lockgate_dsl::check::enabled_backends;
/// # #[cfg(feature = "postgres")]
/// assert!(enabled_backends().contains(&lockgate_dsl::Backend::Postgres));
/// ```
pub fn enabled_backends() -> Vec<Backend> {
    Backend::ALL
        .into_iter()
        .filter(|backend| match backend {
            Backend::Postgres => cfg!(feature = "postgres"),
            Backend::MySql => cfg!(feature = "mysql"),
            Backend::Sqlite => cfg!(feature = "sqlite"),
        })
        .collect()
}

/// Checks a migration as `cargo test` does for every `#[derive(Migration)]` type: builds `up` and
/// `down`, and for every [enabled backend](enabled_backends) the migration is for runs the [plan-time rules](plan_rules)
/// and renders both directions. Returns every problem found, not just the first.
///
/// ```
/// use lockgate_dsl::check::{check_migration, PlanProblem};
/// # use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, DownError, risk::Allowances};
/// # use lockgate_dsl::plan::{Plan, PlannedOp};
/// # use lockgate_dsl::schema::IndexDef;
/// struct IndexTenant;
/// # impl Migration for IndexTenant {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 7, name: "m", type_name: "IndexTenant",
/// #         allow: Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> {
/// #         let mut m = Plan::<()>::new(); m.create_index(IndexDef::new("contracts", ["tenant"])); m.into_operations() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?) }
/// # }
/// // `create_index` on an existing table without CONCURRENTLY blocks writes on PostgreSQL.
/// let problems = check_migration(&IndexTenant).unwrap_err();
/// # #[cfg(feature = "postgres")]
/// assert!(problems.iter().any(|p| matches!(p, PlanProblem::Rule { violation, .. }
///     if violation.rule == "pg-create-index-not-concurrently")));
/// ```
pub fn check_migration(migration: &dyn Migration) -> Result<(), Vec<PlanProblem>> {
    check_migration_on(migration, &enabled_backends())
}

/// [`check_migration`] for the given backends only: what the migrator checks, for the backend it is connected
/// to, before it runs anything.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::check::check_migration_on;
/// # use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, DownError};
/// # use lockgate_dsl::plan::{Plan, PlannedOp};
/// # use lockgate_dsl::schema::IndexDef;
/// # struct IndexTenant;
/// # impl Migration for IndexTenant {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 2, name: "index tenant", type_name: "IndexTenant",
/// #         allow: lockgate_dsl::risk::Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> { let mut m = Plan::<()>::new(); m.create_index(IndexDef::new("contracts", ["tenant"])); m.into_operations() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?) }
/// # }
/// // A plain index on an existing table blocks writes on PostgreSQL only.
/// assert!(check_migration_on(&IndexTenant, &[Backend::Postgres]).is_err());
/// assert!(check_migration_on(&IndexTenant, &[Backend::Sqlite]).is_ok());
/// ```
pub fn check_migration_on(migration: &dyn Migration, backends: &[Backend]) -> Result<(), Vec<PlanProblem>> {
    let nothing = Earlier::nothing();
    let earlier: Vec<(Backend, &Earlier)> = backends.iter().map(|&backend| (backend, &nothing)).collect();
    check_migration_after(migration, &earlier)
}

/// [`check_migration_on`] against what the migrations before this one built, per backend: what the migrator
/// checks before a run (with the tables that run creates first counted as new), and what the derive's test
/// checks with its crate's earlier migrations.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::check::check_migration_after;
/// use lockgate_dsl::risk::plan_rules::Earlier;
/// # use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, DownError};
/// # use lockgate_dsl::plan::{Plan, PlannedOp};
/// # use lockgate_dsl::schema::IndexDef;
/// # struct CreateContracts;
/// # impl Migration for CreateContracts {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 1, name: "create", type_name: "C",
/// #         allow: lockgate_dsl::risk::Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> { let mut m = Plan::<()>::new(); m.create_table("contracts", |t| { t.column::<i64>("tenant"); }); m.into_operations() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?) }
/// # }
/// # struct IndexTenant;
/// # impl Migration for IndexTenant {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 2, name: "index tenant", type_name: "IndexTenant",
/// #         allow: lockgate_dsl::risk::Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> { let mut m = Plan::<()>::new(); m.create_index(IndexDef::new("contracts", ["tenant"])); m.into_operations() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?) }
/// # }
/// // The table is created by a migration of the same run: it is empty, so a plain index blocks nobody.
/// let mut earlier = Earlier::start();
/// earlier.advance(&CreateContracts, Backend::Postgres, true);
/// assert!(check_migration_after(&IndexTenant, &[(Backend::Postgres, &earlier)]).is_ok());
/// // Applied long ago, it holds rows.
/// let mut earlier = Earlier::start();
/// earlier.advance(&CreateContracts, Backend::Postgres, false);
/// assert!(check_migration_after(&IndexTenant, &[(Backend::Postgres, &earlier)]).is_err());
/// ```
pub fn check_migration_after(
    migration: &dyn Migration,
    backends: &[(Backend, &Earlier)],
) -> Result<(), Vec<PlanProblem>> {
    let meta = migration.meta();
    let up = migration.up_operations();
    let mut problems = Vec::new();
    let nothing = Earlier::nothing();
    let down = match migration.down_operations() {
        Ok(down) => Some(down),
        Err(DownError::Declared { .. }) => None,
        Err(DownError::Operation(error)) => {
            problems.push(PlanProblem::Irreversible(error));
            None
        }
    };
    // A migration for some backends only is checked on those: on the others it never runs.
    for &(backend, earlier) in backends.iter().filter(|(b, _)| meta.targets(*b)) {
        let mut directions: Vec<(Direction, &[PlannedOp])> = vec![(Direction::Up, &up)];
        if let Some(down) = &down {
            directions.push((Direction::Down, down));
        }
        if let Some(down) = &down {
            for violation in plan_rules::lossy_round_trips(&up, down, backend) {
                problems.push(PlanProblem::Rule {
                    direction: Direction::Up,
                    violation,
                });
            }
        }
        for (direction, ops) in directions {
            // The way down meets the schema up left, which the model of the earlier migrations does not hold.
            let known = match direction {
                Direction::Up => earlier,
                Direction::Down => &nothing,
            };
            for violation in plan_rules::check_after(ops, backend, meta, direction, known) {
                problems.push(PlanProblem::Rule { direction, violation });
            }
            // Rendering is the final word on what a backend can express: a render error is a problem too.
            if let Err(error) = render::render_all(ops, backend) {
                problems.push(PlanProblem::Render {
                    direction,
                    backend,
                    error,
                });
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}
