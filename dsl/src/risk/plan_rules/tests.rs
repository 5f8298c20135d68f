//! Unit tests of the plan-time rules: each rule fires where it should, and nowhere else.

use super::{Direction, PLAN_RULES, check, check_direction};
use crate::backend::Backend;
use crate::migration::{MigrationMeta, TransactionMode};
use crate::plan::{Plan, PlannedOp};
use crate::risk::{Allowances, RiskCategory};
use crate::schema::{CheckDef, IndexDef, UniqueDef};
use crate::value::SqlExpr;

/// Builds plans with every gate open: these tests are about plan-time rules only.
pub(super) struct Open;
crate::allow_category!(Open, destructive);
crate::allow_category!(Open, blocking);
crate::allow_category!(Open, incompatible);
crate::allow_category!(Open, data_dependent);

const REASON: Option<&str> = Some("reviewed");

pub(super) fn meta(allow: Allowances, transaction: TransactionMode) -> MigrationMeta {
    MigrationMeta {
        version: 1,
        name: "test",
        type_name: "Test",
        allow,
        irreversible: None,
        transaction,
        backends: None,
    }
}

pub(super) fn plain() -> MigrationMeta {
    meta(Allowances::NONE, TransactionMode::PerMigration)
}

pub(super) fn allowing(category: RiskCategory) -> MigrationMeta {
    let mut allow = Allowances::NONE;
    match category {
        RiskCategory::Destructive => allow.destructive = REASON,
        RiskCategory::Blocking => allow.blocking = REASON,
        RiskCategory::Incompatible => allow.incompatible = REASON,
        RiskCategory::DataDependent => allow.data_dependent = REASON,
    }
    meta(allow, TransactionMode::PerMigration)
}

pub(super) fn everything_allowed(transaction: TransactionMode) -> MigrationMeta {
    let allow = Allowances {
        destructive: REASON,
        blocking: REASON,
        incompatible: REASON,
        data_dependent: REASON,
    };
    meta(allow, transaction)
}

pub(super) fn plan(build: impl FnOnce(&mut Plan<Open>)) -> Vec<PlannedOp> {
    let mut plan = Plan::<Open>::new();
    build(&mut plan);
    plan.into_operations()
}

pub(super) fn rules(ops: &[PlannedOp], backend: Backend, meta: &MigrationMeta) -> Vec<&'static str> {
    check(ops, backend, meta).into_iter().map(|v| v.rule).collect()
}

/// The rules broken on each backend, in `Backend::ALL` order.
fn per_backend(ops: &[PlannedOp], meta: &MigrationMeta) -> [Vec<&'static str>; 3] {
    Backend::ALL.map(|backend| rules(ops, backend, meta))
}

const NONE: [Vec<&str>; 3] = [Vec::new(), Vec::new(), Vec::new()];

fn create_contracts(m: &mut Plan<Open>) {
    m.create_table("contracts", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<i64>("tenant");
    });
}

#[test]
fn index_without_concurrently_blocks_on_postgres_only_for_existing_tables() {
    let ops = plan(|m| m.create_index(IndexDef::new("contracts", ["tenant"])));
    assert_eq!(
        per_backend(&ops, &plain()),
        [vec!["pg-create-index-not-concurrently"], vec![], vec![]]
    );
    assert!(rules(&ops, Backend::Postgres, &allowing(RiskCategory::Blocking)).is_empty());

    let new_table = plan(|m| {
        create_contracts(m);
        m.create_index(IndexDef::new("contracts", ["tenant"]));
    });
    assert_eq!(per_backend(&new_table, &plain()), NONE);
}

#[test]
fn a_table_created_then_renamed_is_still_new() {
    let ops = plan(|m| {
        create_contracts(m);
        m.rename_table("contracts", "agreements");
        m.create_index(IndexDef::new("agreements", ["tenant"]).unique());
        m.add_check(CheckDef::new("agreements", "agreements_tenant_positive", "tenant > 0"));
    });
    assert_eq!(per_backend(&ops, &plain()), NONE);
}

#[test]
fn concurrent_index_operations_need_a_migration_without_transaction() {
    let ops = plan(|m| m.create_index(IndexDef::new("contracts", ["tenant"]).concurrently()));
    assert_eq!(
        rules(&ops, Backend::Postgres, &plain()),
        ["pg-concurrently-in-transaction"]
    );
    // Not allowable: even a migration that allows everything gets it.
    let all = everything_allowed(TransactionMode::PerMigration);
    assert_eq!(rules(&ops, Backend::Postgres, &all), ["pg-concurrently-in-transaction"]);
    assert!(rules(&ops, Backend::Postgres, &meta(Allowances::NONE, TransactionMode::None)).is_empty());
    // Other backends have no CONCURRENTLY, and nothing to complain about.
    assert!(rules(&ops, Backend::MySql, &plain()).is_empty());
}

#[test]
fn a_backfill_needs_no_transaction_on_postgres_and_mixes_with_ddl() {
    let ops = plan(|m| {
        m.add_column::<Option<i32>>("contracts", "code");
        m.backfill(
            crate::schema::Backfill::keyed::<i64>("contracts", "id").set("code", "1"),
            crate::schema::Undo::Nothing,
        );
    });
    assert_eq!(rules(&ops, Backend::Postgres, &plain()), ["backfill-in-transaction"]);
    let all = everything_allowed(TransactionMode::PerMigration);
    assert_eq!(rules(&ops, Backend::Postgres, &all), ["backfill-in-transaction"]);
    // Without a transaction, each step (the add, each batch) commits with its progress: nothing to refuse.
    assert!(rules(&ops, Backend::Postgres, &meta(Allowances::NONE, TransactionMode::None)).is_empty());
    // MySQL runs every migration step by step; SQLite runs the batches in the migration's transaction.
    assert!(rules(&ops, Backend::MySql, &plain()).is_empty());
    assert!(rules(&ops, Backend::Sqlite, &plain()).is_empty());
}

#[test]
fn expand_and_contract_never_share_a_migration() {
    let rename = || {
        crate::schema::Expansion::rename::<i64>(
            "contracts",
            "id",
            crate::schema::ColumnDef::new::<String>("title"),
            "name",
        )
    };
    let both = plan(|m| {
        m.expand_column(rename());
        m.contract_column(rename());
    });
    let no_transaction = everything_allowed(TransactionMode::None);
    for backend in Backend::ALL {
        assert_eq!(
            rules(&both, backend, &no_transaction),
            ["expand-contract-same-migration"],
            "{backend}"
        );
    }
    // Apart, each is fine without a transaction; in one, PostgreSQL wants none (the expand backfills, and so
    // does the contract's way down).
    let expand = plan(|m| m.expand_column(rename()));
    let contract = plan(|m| m.contract_column(rename()));
    assert!(rules(&expand, Backend::Postgres, &no_transaction).is_empty());
    assert!(rules(&contract, Backend::Postgres, &no_transaction).is_empty());
    assert_eq!(rules(&expand, Backend::Postgres, &plain()), ["backfill-in-transaction"]);
}

#[test]
fn a_transactionless_migration_holds_only_its_concurrent_operations() {
    let ops = plan(|m| {
        m.create_index(IndexDef::new("contracts", ["tenant"]).concurrently());
        m.assert("SELECT true", "still fine");
        m.add_column::<Option<String>>("contracts", "note");
    });
    let no_transaction = everything_allowed(TransactionMode::None);
    assert_eq!(
        rules(&ops, Backend::Postgres, &no_transaction),
        ["pg-concurrently-mixed"]
    );
    assert_eq!(
        check(&ops, Backend::Postgres, &no_transaction)[0].operation,
        "add_column `contracts`.`note`"
    );
}

#[test]
fn drop_index_without_concurrently_blocks_on_postgres() {
    let ops = plan(|m| m.drop_index(IndexDef::new("contracts", ["tenant"])));
    assert_eq!(
        per_backend(&ops, &plain()),
        [vec!["pg-drop-index-not-concurrently"], vec![], vec![]]
    );
    let concurrent = plan(|m| m.drop_index(IndexDef::new("contracts", ["tenant"]).concurrently()));
    assert!(
        rules(
            &concurrent,
            Backend::Postgres,
            &meta(Allowances::NONE, TransactionMode::None)
        )
        .is_empty()
    );
}

#[test]
fn dropping_a_unique_index_is_incompatible_everywhere() {
    let unique = || IndexDef::new("contracts", ["tenant"]).unique().concurrently();
    let ops = plan(|m| m.drop_index(unique()));
    let no_transaction = meta(Allowances::NONE, TransactionMode::None);
    for backend in Backend::ALL {
        assert_eq!(
            rules(&ops, backend, &no_transaction),
            ["drop-unique-index"],
            "{backend}"
        );
    }
    let mut allowed = allowing(RiskCategory::Incompatible);
    allowed.transaction = TransactionMode::None;
    assert!(rules(&ops, Backend::Postgres, &allowed).is_empty());
    // A plain index guards nothing running code relies on; a table made in the same migration has no readers.
    let plain_index = plan(|m| m.drop_index(IndexDef::new("contracts", ["tenant"]).concurrently()));
    assert!(rules(&plain_index, Backend::Postgres, &no_transaction).is_empty());
    let fresh = plan(|m| {
        m.create_table("contracts", |t| {
            t.column::<i64>("tenant");
        });
        m.drop_index(unique());
    });
    assert!(!rules(&fresh, Backend::Sqlite, &plain()).contains(&"drop-unique-index"));
}

#[test]
fn what_sqlite_makes_by_rebuilding_an_existing_table_blocks() {
    let ops = plan(|m| {
        m.set_default::<bool>("contracts", "is_template", None, false);
    });
    assert_eq!(
        per_backend(&ops, &plain()),
        [vec![], vec![], vec!["sqlite-table-rebuild"]]
    );
    assert!(rules(&ops, Backend::Sqlite, &allowing(RiskCategory::Blocking)).is_empty());
    // A table the migration creates is empty and unseen: rebuilding it costs nothing.
    let fresh = plan(|m| {
        m.create_table("contracts", |t| {
            t.column::<bool>("is_template");
        });
        m.set_default::<bool>("contracts", "is_template", None, false);
    });
    assert!(rules(&fresh, Backend::Sqlite, &plain()).is_empty());
    // What SQLite's ALTER TABLE does itself is no rebuild.
    let rename = plan(|m| m.rename_column("contracts", "name", "title"));
    assert!(!rules(&rename, Backend::Sqlite, &plain()).contains(&"sqlite-table-rebuild"));
}

#[test]
fn foreign_keys_need_not_valid_on_postgres_and_block_on_mysql() {
    let validated = plan(|m| {
        m.add_foreign_key("lines", ["contract_id"], "contracts", ["id"]);
    });
    assert_eq!(
        per_backend(&validated, &plain()),
        [
            vec!["pg-add-foreign-key-validated"],
            vec!["mysql-add-foreign-key"],
            vec!["sqlite-table-rebuild"]
        ]
    );
    let not_valid = plan(|m| {
        m.add_foreign_key("lines", ["contract_id"], "contracts", ["id"])
            .not_valid();
    });
    assert_eq!(
        per_backend(&not_valid, &plain()),
        [vec![], vec!["mysql-add-foreign-key"], vec!["sqlite-table-rebuild"]]
    );
    assert!(rules(&not_valid, Backend::MySql, &allowing(RiskCategory::Blocking)).is_empty());
}

#[test]
fn checks_need_not_valid_on_postgres_and_have_no_safe_path_on_mysql() {
    let validated = plan(|m| m.add_check(CheckDef::new("prices", "prices_positive", "amount >= 0")));
    assert_eq!(
        per_backend(&validated, &plain()),
        [
            vec!["pg-add-check-validated"],
            vec!["mysql-add-check"],
            vec!["sqlite-table-rebuild"]
        ]
    );
    let not_valid = plan(|m| m.add_check(CheckDef::new("prices", "prices_positive", "amount >= 0").not_valid()));
    assert_eq!(
        per_backend(&not_valid, &plain()),
        [vec![], vec!["mysql-add-check"], vec!["sqlite-table-rebuild"]]
    );
}

#[test]
fn unique_constraints_lock_on_postgres_and_depend_on_data_everywhere() {
    let ops = plan(|m| m.add_unique(UniqueDef::new("users", ["email"])));
    assert_eq!(
        per_backend(&ops, &plain()),
        [
            vec!["pg-add-unique-without-index", "unique-on-existing-data"],
            vec!["unique-on-existing-data"],
            vec!["sqlite-table-rebuild", "unique-on-existing-data"]
        ]
    );
    assert_eq!(
        rules(&ops, Backend::Postgres, &allowing(RiskCategory::DataDependent)),
        ["pg-add-unique-without-index"]
    );
    // On PostgreSQL, USING INDEX adopts a unique index an earlier migration built (and checked the
    // data with); MySQL and SQLite have no such clause and build the unique index here.
    let using = plan(|m| m.add_unique(UniqueDef::new("users", ["email"]).using_index("users_email_idx")));
    assert_eq!(
        per_backend(&using, &plain()),
        [
            vec![],
            vec!["unique-on-existing-data"],
            vec!["sqlite-table-rebuild", "unique-on-existing-data"]
        ]
    );
}

#[test]
fn a_unique_index_on_an_existing_table_depends_on_data() {
    let ops = plan(|m| m.create_index(IndexDef::new("users", ["email"]).unique().concurrently()));
    let no_transaction = meta(Allowances::NONE, TransactionMode::None);
    assert_eq!(
        per_backend(&ops, &no_transaction),
        [
            vec!["unique-on-existing-data"],
            vec!["unique-on-existing-data"],
            vec!["unique-on-existing-data"]
        ]
    );
}

#[test]
fn validate_in_the_migration_that_added_not_valid_is_a_plan_error() {
    let ops = plan(|m| {
        m.add_foreign_key("lines", ["contract_id"], "contracts", ["id"])
            .not_valid();
        m.validate_constraint("lines", "lines_contract_id_fkey");
    });
    let all = everything_allowed(TransactionMode::PerMigration);
    let found = check(&ops, Backend::Postgres, &all);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "pg-validate-in-same-migration");
    assert!(!found[0].allowable);
    assert_eq!(found[0].fix, "move `validate_constraint` to a later migration");

    let later = plan(|m| m.validate_constraint("lines", "lines_contract_id_fkey"));
    assert!(rules(&later, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn volatile_defaults_rewrite_on_postgres_and_expression_defaults_copy_on_mysql() {
    let uuid = plan(|m| m.add_column_with_default::<crate::types::Uuid>("contracts", "token", SqlExpr::GenRandomUuid));
    assert_eq!(
        per_backend(&uuid, &plain()),
        [
            vec!["pg-volatile-default"],
            vec!["mysql-expression-default"],
            vec!["sqlite-table-rebuild"]
        ]
    );
    let now = plan(|m| m.add_column_with_default::<crate::types::Timestamptz>("contracts", "seen_at", SqlExpr::Now));
    assert_eq!(
        per_backend(&now, &plain()),
        [vec![], vec!["mysql-expression-default"], vec!["sqlite-table-rebuild"]]
    );
    let literal = plan(|m| m.add_column_with_default::<bool>("contracts", "is_template", false));
    assert_eq!(per_backend(&literal, &plain()), NONE);
    // MySQL takes a literal default on a TEXT, BLOB or JSON column only as an expression, and copies the table.
    let text = plan(|m| m.add_column_with_default::<String>("contracts", "source", "web"));
    assert_eq!(
        per_backend(&text, &plain()),
        [vec![], vec!["mysql-expression-default"], vec![]]
    );
    let varchar = plan(|m| m.add_column_with_default::<crate::types::Varchar<20>>("contracts", "source", "web"));
    assert_eq!(per_backend(&varchar, &plain()), NONE);
}

#[test]
fn a_required_column_without_default_has_a_verdict_per_backend() {
    let ops = plan(|m| m.add_column::<i64>("contracts", "tenant"));
    assert_eq!(
        per_backend(&ops, &plain()),
        [
            vec!["pg-add-required-column"],
            vec!["mysql-add-required-column"],
            vec!["sqlite-table-rebuild", "sqlite-add-required-column"]
        ]
    );
    let mysql = check(&ops, Backend::MySql, &plain());
    assert!(mysql[0].why.contains("zero value"), "{}", mysql[0].why);
    assert!(rules(&ops, Backend::MySql, &allowing(RiskCategory::DataDependent)).is_empty());
    let new_table = plan(|m| {
        create_contracts(m);
        m.add_column::<i64>("contracts", "owner");
    });
    assert_eq!(per_backend(&new_table, &plain()), NONE);
}

#[test]
fn operations_on_a_dropped_table_are_plan_errors_until_it_is_created_again() {
    let ops = plan(|m| {
        m.drop_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.add_column::<Option<String>>("legacy", "note");
        m.create_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.add_column::<Option<String>>("legacy", "comment");
    });
    let all = everything_allowed(TransactionMode::PerMigration);
    for backend in Backend::ALL {
        let found = check(&ops, backend, &all);
        assert_eq!(found.len(), 1, "{backend}: {found:?}");
        assert_eq!(found[0].rule, "table-dropped-earlier");
        assert_eq!(found[0].operation, "add_column `legacy`.`note`");
    }
}

#[test]
fn operations_under_a_name_renamed_away_are_plan_errors() {
    let ops = plan(|m| {
        m.rename_table("contract_template", "contract_templates");
        m.add_column::<Option<String>>("contract_template", "note");
        m.add_column::<Option<String>>("contract_templates", "comment");
    });
    let all = everything_allowed(TransactionMode::PerMigration);
    assert_eq!(rules(&ops, Backend::Sqlite, &all), ["table-renamed-earlier"]);
}

#[test]
fn enum_types_exist_only_on_postgres() {
    let ops = plan(|m| m.create_enum("contract_status", ["draft", "active"]));
    let all = everything_allowed(TransactionMode::PerMigration);
    assert_eq!(
        per_backend(&ops, &all),
        [vec![], vec!["enum-postgres-only"], vec!["enum-postgres-only"]]
    );
    let found = check(&ops, Backend::MySql, &all);
    assert!(
        found[0]
            .to_string()
            .starts_with("create_enum `contract_status` cannot run on mysql [enum-postgres-only]")
    );
}

#[test]
fn identifiers_longer_than_the_backend_allows_are_plan_errors() {
    let long = "a".repeat(64);
    let ops = plan(|m| m.add_column::<Option<i64>>("contracts", long.as_str()));
    assert_eq!(
        per_backend(&ops, &plain()),
        [vec!["identifier-too-long"], vec![], vec![]]
    );
    let longer = "a".repeat(65);
    let ops = plan(|m| {
        m.create_table(longer.as_str(), |t| {
            t.column::<i64>("id");
        })
    });
    assert_eq!(
        per_backend(&ops, &plain()),
        [vec!["identifier-too-long"], vec!["identifier-too-long"], vec![]]
    );
}

#[test]
fn the_way_down_checks_only_rules_that_break_a_rollback() {
    // Going down, risk was accepted going up; only plan errors are reported.
    let down = plan(|m| {
        m.drop_index(IndexDef::new("contracts", ["tenant"]).concurrently());
        m.create_index(IndexDef::new("contracts", ["owner"]));
    });
    let found: Vec<_> = check_direction(&down, Backend::Postgres, &plain(), Direction::Down)
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(found, ["pg-concurrently-in-transaction"]);
}

#[test]
fn allowable_violations_say_how_to_allow_them_and_plan_errors_do_not() {
    let ops = plan(|m| m.create_index(IndexDef::new("contracts", ["tenant"])));
    let message = check(&ops, Backend::Postgres, &plain())[0].to_string();
    assert!(message.starts_with("create_index `contracts_tenant_idx` on `contracts` is blocking on postgres"));
    assert!(message.contains("\n  --> "), "{message}");
    assert!(
        message.contains("\n  = fix: build it with `IndexDef::concurrently()`"),
        "{message}"
    );
    assert!(
        message.ends_with("= or: add `#[migration(allow(blocking = \"why this is fine\"))]`"),
        "{message}"
    );

    let ops = plan(|m| m.create_enum("status", ["a"]));
    let message = check(&ops, Backend::Sqlite, &plain())[0].to_string();
    assert!(!message.contains("allow("), "{message}");
}

#[test]
fn the_catalogue_is_well_formed() {
    assert!(PLAN_RULES.len() >= 13);
    let mut ids: Vec<&str> = PLAN_RULES.iter().map(|rule| rule.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), PLAN_RULES.len(), "rule ids are unique");
    for rule in PLAN_RULES {
        assert!(!rule.backends.is_empty(), "{}", rule.id);
        assert!(
            rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            rule.id
        );
        for text in [rule.summary, rule.why, rule.fix] {
            assert!(!text.is_empty() && !text.ends_with('.'), "{}: {text}", rule.id);
        }
    }
}

#[test]
fn dropping_a_default_running_code_relies_on_is_incompatible() {
    let ops = plan(|m| m.drop_default::<bool>("contracts", "is_template", false));
    let [pg, mysql, sqlite] = per_backend(&ops, &plain());
    assert_eq!(pg, ["drop-default"]);
    assert_eq!(mysql, ["drop-default"]);
    // SQLite also rebuilds the table for it.
    assert_eq!(sqlite, ["sqlite-table-rebuild", "drop-default"]);
    assert!(rules(&ops, Backend::Postgres, &allowing(RiskCategory::Incompatible)).is_empty());
    // Changing a default, or a type that keeps it, leaves inserts working.
    let kept = plan(|m| m.set_default::<bool>("contracts", "is_template", Some(false.into()), true));
    assert!(rules(&kept, Backend::Postgres, &plain()).is_empty());
    let fresh = plan(|m| {
        m.create_table("contracts", |t| {
            t.column::<bool>("is_template").default(false);
        });
        m.drop_default::<bool>("contracts", "is_template", false);
    });
    assert!(rules(&fresh, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn dropping_an_extension_is_incompatible_on_postgres() {
    let ops = plan(|m| m.drop_extension("citext"));
    assert_eq!(rules(&ops, Backend::Postgres, &plain()), ["pg-drop-extension"]);
    assert!(rules(&ops, Backend::Postgres, &allowing(RiskCategory::Incompatible)).is_empty());
    let created = plan(|m| m.create_extension("citext"));
    assert!(rules(&created, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn dropping_a_constraint_that_adopted_an_index_rebuilds_it_on_postgres() {
    let adopted = UniqueDef::new("contracts", ["title"]).using_index("contracts_title_idx");
    let ops = plan(|m| m.drop_unique(adopted.clone()));
    assert_eq!(
        rules(&ops, Backend::Postgres, &plain()),
        ["pg-drop-unique-rebuilds-index"]
    );
    assert!(rules(&ops, Backend::Postgres, &allowing(RiskCategory::Blocking)).is_empty());
    let built_here = plan(|m| m.drop_unique(UniqueDef::new("contracts", ["title"])));
    assert!(rules(&built_here, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn a_type_change_asks_for_what_it_does_on_each_backend() {
    use crate::types::{Decimal, Varchar};
    // `i32` to `i64`: every value converts, but PostgreSQL and MySQL rewrite the table (SQLite rebuilds it).
    let widen = plan(|m| {
        m.change_column_type::<i32, i64>("contracts", "quantity");
    });
    assert_eq!(
        per_backend(&widen, &plain()),
        [
            vec!["change-column-type-rewrites"],
            vec!["change-column-type-rewrites"],
            vec!["sqlite-table-rebuild"]
        ]
    );
    // A longer varchar: PostgreSQL keeps the table, MySQL too while the length prefix keeps its size.
    let longer = plan(|m| {
        m.change_column_type::<Varchar<20>, Varchar<60>>("contracts", "code");
    });
    assert_eq!(
        per_backend(&longer, &plain()),
        [vec![], vec![], vec!["sqlite-table-rebuild"]]
    );
    // A shorter one may not fit.
    let shorter = plan(|m| {
        m.change_column_type::<Varchar<60>, Varchar<20>>("contracts", "code");
    });
    assert_eq!(
        rules(&shorter, Backend::Postgres, &plain()),
        ["change-column-type-rewrites", "change-column-type-casts"]
    );
    let allowed = {
        let mut meta = allowing(RiskCategory::Blocking);
        meta.allow.data_dependent = REASON;
        meta
    };
    assert!(rules(&shorter, Backend::Postgres, &allowed).is_empty());
    // On a table the plan creates, nothing.
    let fresh = plan(|m| {
        m.create_table("contracts", |t| {
            t.column::<Decimal<12, 4>>("amount");
        });
        m.change_column_type::<Decimal<12, 4>, Decimal<12, 2>>("contracts", "amount");
    });
    assert!(rules(&fresh, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn a_lossy_type_change_is_not_reversible() {
    use super::lossy_round_trips;
    use crate::plan::inverse_of;
    use crate::types::Decimal;
    let lossy = plan(|m| {
        m.change_column_type::<Decimal<12, 4>, Decimal<12, 2>>("prices", "amount");
    });
    let down = inverse_of(&lossy).expect("derived down");
    let found = lossy_round_trips(&lossy, &down, Backend::Postgres);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .to_string()
            .contains("cannot run on postgres [lossy-type-change]"),
        "{}",
        found[0]
    );
    // Widening and failing casts lose nothing that down could have kept.
    for ops in [
        plan(|m| {
            m.change_column_type::<i32, i64>("lines", "quantity");
        }),
        plan(|m| {
            m.change_column_type::<i64, i32>("lines", "quantity");
        }),
    ] {
        let down = inverse_of(&ops).expect("derived down");
        assert!(lossy_round_trips(&ops, &down, Backend::Postgres).is_empty());
    }
    // A hand-written down that does something else is the author's answer.
    assert!(lossy_round_trips(&lossy, &[], Backend::Postgres).is_empty());
}

/// A migration made of planned operations, for building what earlier migrations leave.
struct Earlier(Vec<PlannedOp>);

impl crate::migration::Migration for Earlier {
    fn meta(&self) -> &'static MigrationMeta {
        Box::leak(Box::new(plain()))
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        self.0.clone()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, crate::migration::DownError> {
        Ok(Vec::new())
    }
}

pub(super) fn after(migrations: Vec<Vec<PlannedOp>>, runs_now: bool, backend: Backend) -> super::Earlier {
    let mut earlier = super::Earlier::start();
    for ops in migrations {
        earlier.advance(&Earlier(ops), backend, runs_now);
    }
    earlier
}

pub(super) fn rules_after(ops: &[PlannedOp], backend: Backend, earlier: &super::Earlier) -> Vec<&'static str> {
    super::check_after(ops, backend, &plain(), Direction::Up, earlier)
        .into_iter()
        .map(|v| v.rule)
        .collect()
}

fn create_contracts_with_code() -> Vec<PlannedOp> {
    plan(|m| {
        m.create_table("contracts", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Option<String>>("code");
        });
    })
}

#[test]
fn set_not_null_scans_and_may_fail_unless_a_validated_check_proves_it() {
    let set = plan(|m| {
        m.set_not_null::<String>("contracts", "code");
    });
    assert_eq!(
        per_backend(&set, &plain()),
        [
            vec!["set-not-null-scans", "set-not-null-fails"],
            vec!["set-not-null-scans", "set-not-null-fails"],
            vec!["sqlite-table-rebuild", "set-not-null-fails"],
        ]
    );
    // The recipe: the check NOT VALID, validated in a later migration, then `set_not_null` in a third.
    let add_check = plan(|m| m.add_check(CheckDef::new("contracts", "code_not_null", "code IS NOT NULL").not_valid()));
    let validate = plan(|m| m.validate_constraint("contracts", "code_not_null"));
    let proven = after(
        vec![create_contracts_with_code(), add_check.clone(), validate],
        false,
        Backend::Postgres,
    );
    assert!(rules_after(&set, Backend::Postgres, &proven).is_empty());
    // Not validated yet: PostgreSQL still scans.
    let unproven = after(vec![create_contracts_with_code(), add_check], false, Backend::Postgres);
    assert_eq!(
        rules_after(&set, Backend::Postgres, &unproven),
        ["set-not-null-scans", "set-not-null-fails"]
    );
}

#[test]
fn a_table_created_earlier_in_the_same_run_is_new() {
    let index = plan(|m| m.create_index(IndexDef::new("contracts", ["code"])));
    let same_run = after(vec![create_contracts_with_code()], true, Backend::Postgres);
    assert!(rules_after(&index, Backend::Postgres, &same_run).is_empty());
    let applied_before = after(vec![create_contracts_with_code()], false, Backend::Postgres);
    assert_eq!(
        rules_after(&index, Backend::Postgres, &applied_before),
        ["pg-create-index-not-concurrently"]
    );
}

#[test]
fn dropping_a_table_another_table_references_fails() {
    let lines = plan(|m| {
        m.create_table("lines", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<i64>("contract_id");
            t.foreign_key(["contract_id"], "contracts", ["id"]);
        });
    });
    let earlier = after(vec![create_contracts_with_code(), lines], false, Backend::Postgres);
    let drop = plan(|m| {
        m.drop_table("contracts", |t| {
            t.column::<i64>("id").primary_key();
        })
    });
    assert_eq!(
        rules_after(&drop, Backend::Postgres, &earlier),
        ["drop-table-referenced"]
    );
    // Dropping the referencing table (or its key) first is the fix.
    let both = plan(|m| {
        m.drop_table("lines", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.drop_table("contracts", |t| {
            t.column::<i64>("id").primary_key();
        });
    });
    assert!(rules_after(&both, Backend::Postgres, &earlier).is_empty());
    // Judged alone, nothing is known about other tables.
    assert!(rules(&drop, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn dropping_a_column_a_view_reads_fails() {
    let view = plan(|m| m.create_view("coded", "SELECT id, code FROM contracts WHERE code IS NOT NULL"));
    let earlier = after(vec![create_contracts_with_code(), view], false, Backend::Postgres);
    let drop = plan(|m| m.drop_column("contracts", crate::schema::ColumnDef::new::<Option<String>>("code")));
    for backend in Backend::ALL {
        let earlier = after(
            vec![
                create_contracts_with_code(),
                plan(|m| m.create_view("coded", "SELECT id, code FROM contracts WHERE code IS NOT NULL")),
            ],
            false,
            backend,
        );
        assert!(
            rules_after(&drop, backend, &earlier).contains(&"drop-column-used-by-view"),
            "{backend}"
        );
    }
    let replaced_first = plan(|m| {
        m.drop_view("coded", "SELECT id, code FROM contracts WHERE code IS NOT NULL");
        m.drop_column("contracts", crate::schema::ColumnDef::new::<Option<String>>("code"));
    });
    assert!(rules_after(&replaced_first, Backend::Postgres, &earlier).is_empty());
}

#[test]
fn row_security_without_a_permissive_policy_locks_out() {
    use crate::schema::PolicyDef;
    let tenant = || PolicyDef::new("contracts", "tenant").using("tenant_id = 1");
    // Created in the same migration after the switch: in time, since they commit together.
    let with_policy = plan(|m| {
        create_contracts(m);
        m.enable_row_security("contracts");
        m.create_policy(tenant());
    });
    assert!(!rules(&with_policy, Backend::Postgres, &plain()).contains(&"row-security-locks-out"));
    // Only a restrictive policy: it can only take rows away, so no row passes.
    let restrictive_only = plan(|m| {
        create_contracts(m);
        m.enable_row_security("contracts");
        m.create_policy(tenant().restrictive());
    });
    assert!(rules(&restrictive_only, Backend::Postgres, &plain()).contains(&"row-security-locks-out"));
    // The last policy dropped, on a table whose state the plan knows.
    let dropped_last = plan(|m| {
        create_contracts(m);
        m.enable_row_security("contracts");
        m.create_policy(tenant());
        m.drop_policy(tenant());
    });
    let found = rules(&dropped_last, Backend::Postgres, &plain());
    assert_eq!(
        found.iter().filter(|r| **r == "row-security-locks-out").count(),
        2,
        "{found:?}"
    );
    assert!(
        rules(&dropped_last, Backend::Postgres, &allowing(RiskCategory::Incompatible)).is_empty(),
        "allowable"
    );
    // Turned off again at the end: nothing is locked.
    let off_again = plan(|m| {
        create_contracts(m);
        m.enable_row_security("contracts");
        m.disable_row_security("contracts");
    });
    assert!(rules(&off_again, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn revoking_and_dropping_policies_break_running_code_on_existing_tables() {
    use crate::schema::{GrantDef, PolicyDef, Privilege};
    let ops = plan(|m| {
        m.revoke(GrantDef::on_table("contracts", [Privilege::Delete]).to(["app"]));
        m.drop_policy(PolicyDef::new("contracts", "p").using("true"));
    });
    let found = rules(&ops, Backend::Postgres, &plain());
    assert!(
        found.contains(&"revoke-breaks-code") && found.contains(&"drop-policy"),
        "{found:?}"
    );
    let fresh = plan(|m| {
        create_contracts(m);
        m.grant(GrantDef::on_table("contracts", [Privilege::Delete]).to(["app"]));
        m.revoke(GrantDef::on_table("contracts", [Privilege::Delete]).to(["app"]));
    });
    assert!(rules(&fresh, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn refreshing_a_materialized_view() {
    let totals = "SELECT tenant, count(*) AS n FROM contracts GROUP BY tenant";
    // Concurrently without a unique index: PostgreSQL would refuse, so the plan does, and no allowance helps.
    let unindexed = plan(|m| {
        create_contracts(m);
        m.create_materialized_view("totals", totals);
        m.create_index(IndexDef::new("totals", ["tenant"]));
        m.refresh_materialized_view("totals", true);
    });
    for meta in [plain(), everything_allowed(TransactionMode::PerMigration)] {
        assert_eq!(
            rules(&unindexed, Backend::Postgres, &meta),
            ["refresh-concurrently-needs-unique-index"]
        );
    }
    let indexed = plan(|m| {
        create_contracts(m);
        m.create_materialized_view("totals", totals);
        m.create_index(IndexDef::new("totals", ["tenant"]).unique());
        m.refresh_materialized_view("totals", true);
    });
    assert!(rules(&indexed, Backend::Postgres, &plain()).is_empty());
    // Without concurrently, on a view running code reads: its readers wait.
    let existing = plan(|m| m.refresh_materialized_view("totals", false));
    assert_eq!(rules(&existing, Backend::Postgres, &plain()), ["refresh-blocks-reads"]);
    assert!(rules(&existing, Backend::Postgres, &allowing(RiskCategory::Blocking)).is_empty());
}

#[test]
fn a_generated_column_on_an_existing_table_rewrites_it() {
    let existing = plan(|m| m.add_generated_column::<Option<i64>>("contracts", "double_tenant", "tenant * 2"));
    assert_eq!(
        per_backend(&existing, &plain()),
        [
            vec!["add-generated-column-rewrites"],
            vec!["add-generated-column-rewrites"],
            vec!["sqlite-table-rebuild"],
        ]
    );
    let fresh = plan(|m| {
        create_contracts(m);
        m.add_generated_column::<Option<i64>>("contracts", "double_tenant", "tenant * 2");
    });
    assert_eq!(per_backend(&fresh, &plain()), NONE);
}
