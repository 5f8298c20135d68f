//! `check_migration`, the check behind the `#[test]` the derive generates: plan-time rules per
//! enabled backend, allowances, plan errors, and rendering of both directions.

use lockgate::dsl::DownError;
use lockgate::dsl::check::{PlanProblem, check_migration};
use lockgate::dsl::plan::{PlannedOp, inverse_of};
use lockgate::dsl::risk::Allowances;
use lockgate::dsl::risk::plan_rules::Direction;
use lockgate::dsl::{MigrationMeta, TransactionMode};
use lockgate::prelude::*;

/// Index contract tenants without blocking writes.
#[derive(Migration)]
#[migration(version = 20250109090000, transaction = false)]
struct IndexTenant;

impl Change for IndexTenant {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_index(IndexDef::new("contracts", ["tenant"]).concurrently());
    }
}

/// A migration built from a plan of another type, so tests can give it any attributes.
struct Built {
    meta: &'static MigrationMeta,
    up: Vec<PlannedOp>,
}

/// Plans with every gate open: these tests are about the plan-time check.
struct Open;
lockgate::dsl::allow_category!(Open, destructive);
lockgate::dsl::allow_category!(Open, blocking);
lockgate::dsl::allow_category!(Open, incompatible);
lockgate::dsl::allow_category!(Open, data_dependent);

fn built(allow: Allowances, transaction: TransactionMode, plan: impl FnOnce(&mut Plan<Open>)) -> Built {
    let mut m = Plan::<Open>::new();
    plan(&mut m);
    let meta = Box::leak(Box::new(MigrationMeta {
        version: 1,
        name: "built",
        type_name: "Built",
        allow,
        irreversible: None,
        transaction,
        backends: None,
    }));
    Built {
        meta,
        up: m.into_operations(),
    }
}

impl Migration for Built {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        self.up.clone()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Ok(inverse_of(&self.up)?)
    }
}

fn rules(problems: &[PlanProblem]) -> Vec<(Direction, &'static str, &'static str)> {
    problems
        .iter()
        .filter_map(|problem| match problem {
            PlanProblem::Rule { direction, violation } => Some((*direction, violation.backend.name(), violation.rule)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_generated_test_checks_a_safe_migration() {
    // The derive's `#[test]` is an ordinary function of this module; calling it must not panic.
    lockgate_check_index_tenant();
    assert_eq!(check_migration(&IndexTenant), Ok(()));
}

#[test]
fn a_blocking_index_is_reported_for_postgres_only_until_allowed() {
    let plain = built(Allowances::NONE, TransactionMode::PerMigration, |m| {
        m.create_index(IndexDef::new("contracts", ["tenant"]));
    });
    let problems = check_migration(&plain).unwrap_err();
    assert_eq!(
        rules(&problems),
        [(Direction::Up, "postgres", "pg-create-index-not-concurrently")]
    );
    assert!(
        problems[0]
            .to_string()
            .starts_with("up: create_index `contracts_tenant_idx` on `contracts` is blocking"),
        "{}",
        problems[0]
    );

    let allowed = Allowances {
        blocking: Some("contracts has 300 rows"),
        ..Allowances::NONE
    };
    let allowed = built(allowed, TransactionMode::PerMigration, |m| {
        m.create_index(IndexDef::new("contracts", ["tenant"]));
    });
    assert_eq!(check_migration(&allowed), Ok(()));
}

#[test]
fn plan_errors_are_reported_even_when_everything_is_allowed() {
    let all = Allowances {
        destructive: Some("reviewed"),
        blocking: Some("reviewed"),
        incompatible: Some("reviewed"),
        data_dependent: Some("reviewed"),
    };
    let migration = built(all, TransactionMode::PerMigration, |m| {
        m.add_check(CheckDef::new("prices", "prices_positive", "amount >= 0").not_valid());
        m.validate_constraint("prices", "prices_positive");
        m.create_index(IndexDef::new("prices", ["amount"]).concurrently());
    });
    let problems = check_migration(&migration).unwrap_err();
    let found = rules(&problems);
    assert!(
        found.contains(&(Direction::Up, "postgres", "pg-validate-in-same-migration")),
        "{found:?}"
    );
    assert!(
        found.contains(&(Direction::Up, "postgres", "pg-concurrently-in-transaction")),
        "{found:?}"
    );
    // The way down drops the index CONCURRENTLY too, in the same transaction: a rollback would fail.
    assert!(
        found.contains(&(Direction::Down, "postgres", "pg-concurrently-in-transaction")),
        "{found:?}"
    );
}

#[test]
fn every_enabled_backend_is_checked() {
    let migration = built(Allowances::NONE, TransactionMode::PerMigration, |m| {
        m.create_enum("contract_status", ["draft", "active"]);
    });
    let problems = check_migration(&migration).unwrap_err();
    let found = rules(&problems);
    assert!(
        found.contains(&(Direction::Up, "mysql", "enum-postgres-only")),
        "{found:?}"
    );
    assert!(
        found.contains(&(Direction::Up, "sqlite", "enum-postgres-only")),
        "{found:?}"
    );
    assert!(!found.iter().any(|(_, backend, _)| *backend == "postgres"), "{found:?}");
}

#[test]
fn an_underived_down_is_a_problem() {
    struct OneWaySql;
    impl Migration for OneWaySql {
        fn meta(&self) -> &'static MigrationMeta {
            static META: MigrationMeta = MigrationMeta {
                version: 1,
                name: "one way",
                type_name: "OneWaySql",
                allow: Allowances::NONE,
                irreversible: None,
                transaction: TransactionMode::PerMigration,
                backends: None,
            };
            &META
        }
        fn up_operations(&self) -> Vec<PlannedOp> {
            let mut m = Plan::<(), OneWay>::new();
            m.sql_irreversible("UPDATE prices SET amount = round(amount, 2) WHERE amount <> round(amount, 2)");
            m.into_operations()
        }
        fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
            Ok(inverse_of(&self.up_operations())?)
        }
    }
    let problems = check_migration(&OneWaySql).unwrap_err();
    assert!(matches!(problems[..], [PlanProblem::Irreversible(_)]), "{problems:?}");
    assert!(
        problems[0]
            .to_string()
            .starts_with("down: raw_sql at tests/derive_check.rs:"),
        "{}",
        problems[0]
    );
}

#[test]
fn empty_or_comment_only_sql_is_refused_at_plan_time() {
    // An empty reverse used to be a silent no-op on PostgreSQL and SQLite and "Query was empty" on MySQL.
    let empty_down = built(Allowances::NONE, TransactionMode::PerMigration, |m| {
        m.sql("CREATE TABLE t (id int)", "  -- nothing to undo\n");
    });
    let problems = check_migration(&empty_down).unwrap_err();
    assert!(!problems.is_empty());
    // The raw-SQL rules also see that the down drops nothing up creates; the rest is the empty reverse.
    let (left_behind, problems): (Vec<_>, Vec<_>) = problems.into_iter().partition(
        |p| matches!(p, PlanProblem::Rule { violation, .. } if violation.rule == "sql-down-does-not-invert"),
    );
    assert_eq!(left_behind.len(), lockgate::dsl::check::enabled_backends().len());
    for problem in &problems {
        let text = problem.to_string();
        assert!(
            matches!(
                problem,
                PlanProblem::Render {
                    direction: Direction::Down,
                    ..
                }
            ),
            "{text}"
        );
        assert!(
            text.contains("raw_sql has no statement, only whitespace or comments"),
            "{text}"
        );
    }
    assert_eq!(problems.len(), lockgate::dsl::check::enabled_backends().len());

    let empty_up = built(Allowances::NONE, TransactionMode::PerMigration, |m| {
        m.sql(";", "DROP TABLE t");
    });
    let problems = check_migration(&empty_up).unwrap_err();
    assert!(
        problems.iter().all(|p| matches!(
            p,
            PlanProblem::Render {
                direction: Direction::Up,
                ..
            }
        )),
        "{problems:?}"
    );

    let empty_check = built(Allowances::NONE, TransactionMode::PerMigration, |m| {
        m.assert("/* to do */", "counts match");
    });
    let problems = check_migration(&empty_check).unwrap_err();
    assert!(problems[0].to_string().contains("assert"), "{problems:?}");
}
