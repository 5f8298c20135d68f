//! Partitioned tables on a real PostgreSQL server: rows go to the partition their key falls in, a table attached
//! with the CHECK that proves its bound needs no allowance, a detach `CONCURRENTLY` keeps the rows in a table of
//! their own, a detach cancelled half-way is finished by the retry, drift sees a partition detached by hand, and
//! `down` takes everything back.

use lockgate_dsl::schema::{IndexDef, PartitionDef, PartitionStrategy};
use lockgate_dsl::types::Date;
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::{DownTarget, Error, Migrator, State};
use sqlx::{AssertSqlSafe, Connection};

use crate::common::{Fixture, TestDb, drift_lines, exec, scalar, texts};

fn year(year: i32) -> PartitionDef {
    PartitionDef::range(
        format!("events_{year}"),
        "events",
        [format!("{year}-01-01")],
        [format!("{}-01-01", year + 1)],
    )
}

fn migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Fixture::strict(1, "events by year", |m| {
            m.create_table("events", |t| {
                t.column::<i64>("id");
                t.column::<Date>("created_on");
                t.column::<i64>("tenant_id");
                t.primary_key(["id", "created_on"]);
                t.index(["tenant_id"]);
                t.check("events_id_positive", "id > 0");
                t.partition_by(PartitionStrategy::Range, ["created_on"]);
            });
            m.create_partition(year(2024));
            m.create_partition(year(2025));
        }),
        // The recipe that spares the parent: a table of its own, with the CHECK of its bound, validated later.
        Fixture::strict(2, "2026 as a table", |m| {
            m.create_table("events_2026", |t| {
                t.column::<i64>("id");
                t.column::<Date>("created_on");
                t.column::<i64>("tenant_id");
                t.check("events_id_positive", "id > 0");
            });
            m.add_check(year(2026).bound_check("created_on").unwrap().not_valid());
        }),
        Fixture::strict(3, "2026 bound proven", |m| {
            m.validate_constraint("events_2026", "events_2026_bound");
        }),
        Fixture::strict(4, "2026 attached", |m| m.attach_partition(year(2026))),
    ]
}

fn detach_2024() -> Box<dyn Migration> {
    Fixture::with_mode(5, "2024 out of the parent", TransactionMode::None, |m| {
        m.detach_partition(year(2024), true);
    })
}

/// An index on the parent without building it under a lock: on each partition concurrently, then on the parent,
/// which adopts them.
fn index_by_day() -> Vec<Box<dyn Migration>> {
    let by_day = |table: &str| IndexDef::new(table, ["created_on", "id"]);
    vec![
        Fixture::with_mode(6, "by day on each partition", TransactionMode::None, move |m| {
            m.create_index(by_day("events_2025").named("events_2025_by_day").concurrently());
            m.create_index(by_day("events_2026").concurrently());
        }),
        Fixture::strict(7, "by day on the parent", move |m| m.create_index(by_day("events"))),
    ]
}

/// `(table holding the row, id)` for every row read through the parent.
async fn placed(db: &lockgate_runtime::Database) -> Vec<String> {
    texts(
        db,
        "SELECT tableoid::regclass::text || ':' || id FROM events ORDER BY id",
    )
    .await
}

pub(crate) async fn postgres_partitions() {
    let Some(test) = TestDb::create(Backend::Postgres, "partitions").await else {
        return;
    };
    let db = test.connect().await;
    let mut all = migrations();
    all.push(detach_2024());
    all.extend(index_by_day());
    let migrator = Migrator::new(all).unwrap();
    migrator.up(&db, Some(3)).await.unwrap();
    exec(
        &db,
        "INSERT INTO events VALUES (1, '2024-03-01', 7), (2, '2025-03-01', 7); \
         INSERT INTO events_2026 VALUES (3, '2026-03-01', 7)",
    )
    .await;
    assert_eq!(placed(&db).await, ["events_2024:1", "events_2025:2"]);

    // Strict migrations all through: the attach is proven by the CHECK, so no rule asks for an allowance.
    migrator.up(&db, Some(4)).await.unwrap();
    assert_eq!(
        placed(&db).await,
        ["events_2024:1", "events_2025:2", "events_2026:3"],
        "the attached table's rows are the parent's"
    );
    exec(&db, "INSERT INTO events VALUES (4, '2026-05-01', 7)").await;
    assert_eq!(scalar(&db, "SELECT count(*) FROM events_2026").await, 2);
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    migrator.up(&db, Some(5)).await.unwrap();
    assert_eq!(placed(&db).await, ["events_2025:2", "events_2026:3", "events_2026:4"]);
    assert_eq!(
        texts(&db, "SELECT id::text FROM events_2024").await,
        ["1"],
        "the detached partition keeps its rows"
    );
    assert!(
        migrator.drift(&db, &test.url).await.unwrap().is_empty(),
        "the model knows what a detach leaves: the parent's index and key, PostgreSQL's CHECK"
    );

    // Strict again: the parent adopts the partitions' indexes, so no rule asks for an allowance.
    migrator.up(&db, None).await.unwrap();
    let adopted = "SELECT count(*) FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid \
                   WHERE c.relname IN ('events_2025_by_day', 'events_2026_created_on_id_idx')";
    assert_eq!(
        scalar(&db, adopted).await,
        2,
        "the partitions' indexes are the parent's"
    );
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    // By hand: 2025 detached. Drift says so; attached again, nothing is left to say.
    exec(&db, "ALTER TABLE events DETACH PARTITION events_2025").await;
    let drift = drift_lines(&migrator, &db, &test.url).await;
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("changed partitioning of `events_2025`")
                && d.contains("partition of `events` FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
                && d.ends_with("not a partition")),
        "{drift:?}"
    );
    exec(
        &db,
        "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    )
    .await;
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    // Every step back, then forth again: verify's round trip of each migration.
    let report = migrator.verify(&test.url).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert!(
        report
            .migrations
            .iter()
            .all(|m| m.outcome == lockgate_runtime::verify::RoundTrip::Verified),
        "{report:?}"
    );

    migrator.down(&db, DownTarget::To(0)).await.unwrap();
    let live = migrator.introspect(&db).await.unwrap();
    assert!(live.tables.is_empty(), "{:?}", live.tables.keys());
    test.drop_db().await;
}

/// A partition made on a parent running code uses is refused before anything runs: PostgreSQL would lock the
/// parent against every read and write.
pub(crate) async fn postgres_partition_rules_refuse_before_anything_runs() {
    let Some(test) = TestDb::create(Backend::Postgres, "partition_rules").await else {
        return;
    };
    let db = test.connect().await;
    let mut all = migrations();
    all.truncate(1);
    all.push(Fixture::strict(2, "2026 the quick way", |m| {
        m.create_partition(year(2026))
    }));
    let migrator = Migrator::new(all).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("create-partition-locks-parent"), "{text}");
    assert!(text.contains("attach_partition"), "the error names the fix: {text}");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(status[1].state, State::Pending);
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM pg_class WHERE relname = 'events_2026'").await,
        0
    );
    test.drop_db().await;
}

/// A `DETACH PARTITION CONCURRENTLY` cancelled while it waits for a reader of the parent leaves the partition
/// pending detach: the migration fails, and the retry finishes the detach (`FINALIZE`) instead of running it again.
pub(crate) async fn postgres_cancelled_detach_is_finished_by_the_retry() {
    let Some(test) = TestDb::create(Backend::Postgres, "detach_cancel").await else {
        return;
    };
    let db = test.connect().await;
    let mut all = migrations();
    all.truncate(1);
    all.push(detach_2024());
    let migrator = Migrator::new(all).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    exec(&db, "INSERT INTO events VALUES (1, '2024-03-01', 7)").await;

    // A reader of the parent in an open transaction: the detach's second phase waits for it.
    let mut reader = sqlx::PgConnection::connect(&test.url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe("BEGIN; SELECT count(*) FROM events".to_owned()))
        .execute(&mut reader)
        .await
        .unwrap();
    let pending = "SELECT count(*) FROM pg_inherits WHERE inhdetachpending";
    let cancel = async {
        while scalar(&db, pending).await == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        exec(
            &db,
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity \
             WHERE query LIKE 'ALTER TABLE \"events\" DETACH PARTITION%' AND pid <> pg_backend_pid()",
        )
        .await;
    };
    let (result, ()) = tokio::join!(migrator.up(&db, None), cancel);
    let error = result.unwrap_err();
    assert!(matches!(error, Error::StepFailed { .. }), "{error}");
    assert_eq!(scalar(&db, pending).await, 1, "the partition is left pending detach");
    assert_eq!(migrator.status(&db).await.unwrap()[1].state, State::Failed);
    sqlx::raw_sql("ROLLBACK").execute(&mut reader).await.unwrap();

    let report = migrator.up(&db, None).await.unwrap();
    assert_eq!(report.applied.len(), 1, "{report:?}");
    assert_eq!(scalar(&db, pending).await, 0);
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'events_2024'::regclass"
        )
        .await,
        0,
        "the retry finished the detach"
    );
    assert_eq!(texts(&db, "SELECT id::text FROM events_2024").await, ["1"]);
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());
    test.drop_db().await;
}

/// Partitions are PostgreSQL's here: elsewhere the migration is refused with the fix, and nothing runs.
pub(crate) async fn partitions_are_refused_elsewhere(backend: Backend) {
    let Some(test) = TestDb::create(backend, "no_partitions").await else {
        return;
    };
    let db = test.connect().await;
    let mut all = migrations();
    all.truncate(1);
    let migrator = Migrator::new(all).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(&format!("create_table `events` is not supported on {}", backend.name())),
        "{text}"
    );
    assert!(text.contains("backends = \"postgres\""), "{text}");
    assert_eq!(migrator.status(&db).await.unwrap()[0].state, State::Pending);
    test.drop_db().await;
}

/// `diff` between a database with a partitioned table and an empty one turns into typed operations (`generate`,
/// then `emit_rust`): the parent with its key first, then its partitions; applied, they leave no difference.
pub(crate) async fn postgres_generate_carries_partitions() {
    use lockgate_dsl::operation::Operation;
    use lockgate_dsl::plan::PlannedOp;
    use lockgate_runtime::schema::{CompareOptions, emit_rust, generate};

    use crate::common::UpDownFixture;

    let Some(with) = TestDb::create(Backend::Postgres, "generate_parts_a").await else {
        return;
    };
    let Some(without) = TestDb::create(Backend::Postgres, "generate_parts_b").await else {
        with.drop_db().await;
        return;
    };
    let (a, b) = (with.connect().await, without.connect().await);
    let mut first = migrations();
    first.truncate(1);
    first.push(Fixture::boxed(2, "the rest", |m| {
        m.create_partition(PartitionDef::default_of("events_rest", "events"));
        m.create_table("regions", |t| {
            t.column::<i64>("id");
            t.column::<String>("code");
            t.partition_by(PartitionStrategy::List, ["code"]);
        });
        m.create_partition(PartitionDef::list("regions_eu", "regions", ["de", "fr"]));
    }));
    Migrator::new(first).unwrap().up(&a, None).await.unwrap();

    let empty = Migrator::new(Vec::new()).unwrap();
    let (live_a, live_b) = (empty.introspect(&a).await.unwrap(), empty.introspect(&b).await.unwrap());
    let changes = generate(&live_a, &live_b, Backend::Postgres, false);
    let kinds: Vec<String> = changes.main.iter().map(Operation::describe).collect();
    assert_eq!(
        kinds,
        [
            "create_table `events`",
            "create_partition `events_2024` of `events`",
            "create_partition `events_2025` of `events`",
            "create_partition `events_rest` of `events`",
            "create_table `regions`",
            "create_partition `regions_eu` of `regions`",
        ],
        "{changes:?}"
    );
    let rust = emit_rust(&changes, Backend::Postgres, 20990101000000, "bring_up_to_date");
    for call in [
        "t.partition_by(PartitionStrategy::Range, [\"created_on\"]);",
        "m.create_partition(PartitionDef::range(\"events_2024\", \"events\", [PartitionValue::Text(\"2024-01-01\".into())], [PartitionValue::Text(\"2025-01-01\".into())]));",
        "m.create_partition(PartitionDef::default_of(\"events_rest\", \"events\"));",
        "m.create_partition(PartitionDef::list(\"regions_eu\", \"regions\", [PartitionValue::Text(\"de\".into()), PartitionValue::Text(\"fr\".into())]));",
    ] {
        assert!(rust.contains(call), "{call} not in:\n{rust}");
    }

    let ops = changes.main.clone();
    let planned = move || ops.iter().cloned().map(PlannedOp::here).collect::<Vec<_>>();
    let generated = UpDownFixture::boxed(1, "generated", planned, Vec::new);
    Migrator::new(vec![generated]).unwrap().up(&b, None).await.unwrap();
    let left = lockgate_runtime::diff(&a, &b, CompareOptions::default()).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    with.drop_db().await;
    without.drop_db().await;
}
