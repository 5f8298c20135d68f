//! The partitioned-table cases: a partitioned table, partitions of every bound, and attach, detach and drop.

use lockgate_dsl::Backend::{MySql, Sqlite};
use lockgate_dsl::operation::Operation;
use lockgate_dsl::schema::{PartitionDef, PartitionStrategy, PartitionValue, TableDef};
use lockgate_dsl::types::{Date, Timestamptz};

use super::Case;

/// `events`, partitioned by the range of `created_on`, with a key, an index and a check its partitions share.
fn events() -> TableDef {
    TableDef::build("events", |t| {
        t.column::<i64>("id");
        t.column::<Date>("created_on");
        t.column::<i64>("tenant_id");
        t.column::<Option<String>>("payload");
        t.primary_key(["id", "created_on"]);
        t.index(["tenant_id"]);
        t.check("events_id_positive", "id > 0");
        t.partition_by(PartitionStrategy::Range, ["created_on"]);
    })
}

fn events_2025() -> PartitionDef {
    PartitionDef::range("events_2025", "events", ["2025-01-01"], ["2026-01-01"])
}

/// `events` with its 2025 partition.
fn with_events_2025() -> Vec<Operation> {
    vec![
        Operation::CreateTable(events()),
        Operation::CreatePartition(events_2025()),
    ]
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case::new("create_partitioned_table", Vec::new(), Operation::CreateTable(events()))
            .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_partition",
            vec![Operation::CreateTable(events())],
            Operation::CreatePartition(events_2025()),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_partition_list",
            vec![Operation::CreateTable(TableDef::build("accounts", |t| {
                t.column::<i64>("id");
                t.column::<String>("region");
                t.partition_by(PartitionStrategy::List, ["region"]);
            }))],
            Operation::CreatePartition(PartitionDef::list("accounts_eu", "accounts", ["de", "fr", "o'neil"])),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_partition_hash",
            vec![Operation::CreateTable(TableDef::build("sessions", |t| {
                t.column::<i64>("id").primary_key();
                t.partition_by(PartitionStrategy::Hash, ["id"]);
            }))],
            Operation::CreatePartition(PartitionDef::hash("sessions_1", "sessions", 4, 1)),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_partition_open_range",
            vec![Operation::CreateTable(TableDef::build("readings", |t| {
                t.column::<i64>("sensor");
                t.column::<Timestamptz>("taken_at");
                t.partition_by(PartitionStrategy::Range, ["sensor", "taken_at"]);
            }))],
            Operation::CreatePartition(PartitionDef::range(
                "readings_low",
                "readings",
                [PartitionValue::MinValue, PartitionValue::MinValue],
                [
                    PartitionValue::Int(100),
                    PartitionValue::Text("2025-06-01 00:00:00+00".into()),
                ],
            )),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_partition_default",
            vec![Operation::CreateTable(events())],
            Operation::CreatePartition(PartitionDef::default_of("events_rest", "events")),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_partition",
            with_events_2025(),
            Operation::DropPartition(events_2025()),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "attach_partition",
            vec![
                Operation::CreateTable(events()),
                Operation::CreateTable(TableDef::build("events_2026", |t| {
                    t.column::<i64>("id");
                    t.column::<Date>("created_on");
                    t.column::<i64>("tenant_id");
                    t.column::<Option<String>>("payload");
                    t.primary_key(["id", "created_on"]);
                    t.index(["tenant_id"]).named("events_2026_by_tenant");
                    t.check("events_id_positive", "id > 0");
                })),
                Operation::AddCheck(
                    PartitionDef::range("events_2026", "events", ["2026-01-01"], ["2027-01-01"])
                        .bound_check("created_on")
                        .expect("a one-column range has a bound check"),
                ),
            ],
            Operation::AttachPartition(PartitionDef::range(
                "events_2026",
                "events",
                ["2026-01-01"],
                ["2027-01-01"],
            )),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "detach_partition",
            with_events_2025(),
            Operation::DetachPartition {
                partition: events_2025(),
                concurrently: false,
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "detach_partition_concurrently",
            with_events_2025(),
            Operation::DetachPartition {
                partition: events_2025(),
                concurrently: true,
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
    ]
}
