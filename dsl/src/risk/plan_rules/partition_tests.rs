//! Unit tests of the partition rules: a partition made or dropped under the parent's lock, an attach that scans,
//! a detach that locks the parent or hides its rows.

use super::tests::{Open, after, everything_allowed, plain, plan, rules, rules_after};
use crate::backend::Backend;
use crate::migration::TransactionMode;
use crate::plan::{Plan, PlannedOp};
use crate::schema::{PartitionDef, PartitionStrategy};
use crate::types::Date;

fn create_events(m: &mut Plan<Open>) {
    m.create_table("events", |t| {
        t.column::<i64>("id");
        t.column::<Date>("created_on");
        t.partition_by(PartitionStrategy::Range, ["created_on"]);
    });
}

fn year(year: i32) -> PartitionDef {
    PartitionDef::range(
        format!("events_{year}"),
        "events",
        [format!("{year}-01-01")],
        [format!("{}-01-01", year + 1)],
    )
}

/// `events_<year>` as a table of its own, with the parent's columns.
fn create_year_table(m: &mut Plan<Open>, year: i32) {
    m.create_table(format!("events_{year}"), |t| {
        t.column::<i64>("id");
        t.column::<Date>("created_on");
    });
}

#[test]
fn a_partition_of_an_existing_parent_locks_it_and_one_of_a_new_parent_does_not() {
    let existing = plan(|m| m.create_partition(year(2026)));
    assert_eq!(
        rules(&existing, Backend::Postgres, &plain()),
        ["create-partition-locks-parent"]
    );
    let fresh = plan(|m| {
        create_events(m);
        m.create_partition(year(2026));
    });
    assert!(rules(&fresh, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn an_attach_scans_unless_a_validated_check_proves_the_bound() {
    let attach = plan(|m| m.attach_partition(year(2026)));
    // Nothing known of the table: no check is known either.
    assert_eq!(rules(&attach, Backend::Postgres, &plain()), ["attach-partition-scans"]);

    let table = plan(|m| {
        create_events(m);
        create_year_table(m, 2026);
    });
    let bound = year(2026).bound_check("created_on").unwrap();
    let check_not_valid = plan(|m| m.add_check(bound.clone().not_valid()));
    let validate = plan(|m| m.validate_constraint("events_2026", "events_2026_bound"));
    // Earlier migrations, already applied: the table has rows.
    let unproven = after(vec![table.clone(), check_not_valid.clone()], false, Backend::Postgres);
    assert_eq!(
        rules_after(&attach, Backend::Postgres, &unproven),
        ["attach-partition-scans"]
    );
    let proven = after(vec![table.clone(), check_not_valid, validate], false, Backend::Postgres);
    assert!(rules_after(&attach, Backend::Postgres, &proven).is_empty());
    // A CHECK of another bound proves nothing.
    let other = plan(|m| {
        m.attach_partition(PartitionDef::range(
            "events_2026",
            "events",
            ["2026-01-01"],
            ["2028-01-01"],
        ))
    });
    assert_eq!(
        rules_after(&other, Backend::Postgres, &proven),
        ["attach-partition-scans"]
    );
    // A table created in this run is empty: nothing to scan.
    let this_run = after(vec![table], true, Backend::Postgres);
    assert!(rules_after(&attach, Backend::Postgres, &this_run).is_empty());
}

#[test]
fn a_detach_locks_the_parent_unless_concurrent_and_hides_the_rows_either_way() {
    let locking = plan(|m| m.detach_partition(year(2019), false));
    assert_eq!(
        rules(&locking, Backend::Postgres, &plain()),
        ["detach-partition-locks", "detach-partition-hides-rows"]
    );
    let concurrent = plan(|m| m.detach_partition(year(2019), true));
    let outside = everything_allowed(TransactionMode::None);
    assert!(rules(&concurrent, Backend::Postgres, &outside).is_empty());
    let no_transaction = crate::migration::MigrationMeta {
        transaction: TransactionMode::None,
        ..plain()
    };
    assert_eq!(
        rules(&concurrent, Backend::Postgres, &no_transaction),
        ["detach-partition-hides-rows"]
    );
    // PostgreSQL refuses `CONCURRENTLY` in a transaction block: no allowance lets it through.
    assert_eq!(
        rules(
            &concurrent,
            Backend::Postgres,
            &everything_allowed(TransactionMode::PerMigration)
        ),
        ["pg-concurrently-in-transaction"]
    );
    let mixed: Vec<PlannedOp> = plan(|m| {
        m.detach_partition(year(2019), true);
        m.drop_table("events_2019", |t| {
            t.column::<i64>("id");
        });
    });
    assert!(rules(&mixed, Backend::Postgres, &outside).contains(&"pg-concurrently-mixed"));
}

#[test]
fn dropping_a_partition_loses_its_rows_unless_this_migration_made_it() {
    let existing = plan(|m| m.drop_partition(year(2019)));
    assert_eq!(rules(&existing, Backend::Postgres, &plain()), ["drop-partition"]);
    let fresh = plan(|m| {
        create_events(m);
        m.create_partition(year(2019));
        m.drop_partition(year(2019));
    });
    assert!(rules(&fresh, Backend::Postgres, &plain()).is_empty());
}

#[test]
fn an_attach_postgres_would_refuse_is_refused_first() {
    let attach = plan(|m| m.attach_partition(year(2026)));
    let with_columns = |columns: fn(&mut crate::schema::TableBuilder)| {
        let parent = plan(|m| {
            m.create_table("events", |t| {
                t.column::<i64>("id");
                t.column::<Date>("created_on");
                t.check("events_id_positive", "id > 0");
                t.partition_by(PartitionStrategy::Range, ["created_on"]);
            });
            m.create_table("events_2026", columns);
        });
        let earlier = after(vec![parent], true, Backend::Postgres);
        rules_after(&attach, Backend::Postgres, &earlier)
    };
    // Without the parent's check; with a column of another type; with a nullable key; with a column more.
    let refused: [fn(&mut crate::schema::TableBuilder); 4] = [
        |t| {
            t.column::<i64>("id");
            t.column::<Date>("created_on");
        },
        |t| {
            t.column::<i32>("id");
            t.column::<Date>("created_on");
            t.check("events_id_positive", "id > 0");
        },
        |t| {
            t.column::<i64>("id");
            t.column::<Option<Date>>("created_on");
            t.check("events_id_positive", "id > 0");
        },
        |t| {
            t.column::<i64>("id");
            t.column::<Date>("created_on");
            t.column::<i64>("extra");
            t.check("events_id_positive", "id > 0");
        },
    ];
    for columns in refused {
        assert_eq!(with_columns(columns), ["attach-partition-mismatch"]);
    }
    let fits = with_columns(|t| {
        t.column::<i64>("id");
        t.column::<Date>("created_on");
        t.check("events_id_positive", "id > 0");
    });
    assert!(fits.is_empty(), "{fits:?}");
}

#[test]
fn an_index_on_a_partitioned_table_is_built_on_the_partitions_first() {
    use crate::schema::IndexDef;
    let parent = plan(|m| {
        create_events(m);
        m.create_partition(year(2025));
        m.create_partition(year(2026));
    });
    let by_tenant = |table: &str| IndexDef::new(table, ["created_on", "id"]);
    let built = after(vec![parent.clone()], false, Backend::Postgres);
    // PostgreSQL refuses CONCURRENTLY on the parent, whatever is allowed.
    let concurrent = plan(|m| m.create_index(by_tenant("events").concurrently()));
    let outside = everything_allowed(TransactionMode::None);
    assert_eq!(
        super::check_after(&concurrent, Backend::Postgres, &outside, super::Direction::Up, &built)
            .into_iter()
            .map(|v| v.rule)
            .collect::<Vec<_>>(),
        ["partitioned-index-concurrently"]
    );
    let on_parent = plan(|m| m.create_index(by_tenant("events")));
    assert_eq!(
        rules_after(&on_parent, Backend::Postgres, &built),
        ["partitioned-index-builds"]
    );
    // Once every partition has it, the parent only adopts them.
    let half = plan(|m| m.create_index(by_tenant("events_2025").concurrently()));
    let other_half = plan(|m| m.create_index(by_tenant("events_2026").concurrently()));
    let one = after(vec![parent.clone(), half.clone()], false, Backend::Postgres);
    assert_eq!(
        rules_after(&on_parent, Backend::Postgres, &one),
        ["partitioned-index-builds"]
    );
    let both = after(vec![parent, half, other_half], false, Backend::Postgres);
    assert!(rules_after(&on_parent, Backend::Postgres, &both).is_empty());
}
