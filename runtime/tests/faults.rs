//! The fault-injection suite: a migrator process dies (aborts, as SIGKILL would end it) at every point a run
//! passes, one death per fresh database, on PostgreSQL, MariaDB/MySQL and SQLite; a plain `up` then recovers.
//! After each recovery: every migration applied exactly once (an audit table, and one `applied` history row
//! each), the data as a clean run leaves it (row counts, a sentinel value, a non-idempotent update applied
//! once), the schema equal to a clean run's (introspection), and every tracking row `applied`.
//!
//! A lock holder stopped with SIGSTOP makes the next migrator give up at its wait deadline; once the holder is
//! killed, a plain `up` recovers.
//!
//! A plain `main` (`harness = false`, feature `fault-injection`): the same binary is the orchestrator and,
//! started again with `LOCKGATE_FAULT` set, the worker that dies.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::{Fixture, TestDb, exec, scalar, texts};
use lockgate_dsl::schema::{Backfill, IndexDef, Undo};
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::schema::{CompareOptions, Schema, compare};
use lockgate_runtime::{Database, Error, Migrator, State, fault};

const VERSIONS: i64 = 4;
/// Rows migration 2 adds to `hot`, beside the sentinel row.
const ROWS: i64 = 1000;

/// Transactional and step-by-step migrations, with data steps, DDL steps and a non-idempotent update.
fn migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Fixture::boxed(1, "create the audit and hot tables with a sentinel", |m| {
            m.create_table("audit", |t| {
                t.column::<i64>("version");
            });
            m.create_table("hot", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Option<i32>>("c1");
            });
            m.sql(
                "INSERT INTO hot (id, c1) VALUES (1, 42)",
                "DELETE FROM hot WHERE id = 1",
            );
            m.sql(
                "INSERT INTO audit (version) VALUES (1)",
                "DELETE FROM audit WHERE version = 1",
            );
        }),
        Fixture::with_mode(2, "copy rows, then update them once", TransactionMode::None, |m| {
            m.sql(
                format!(
                    "INSERT INTO hot (id, c1) WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n \
                     WHERE i < {}) SELECT i, 0 FROM n",
                    ROWS + 1
                ),
                "DELETE FROM hot WHERE id > 1",
            );
            m.sql(
                "UPDATE hot SET c1 = c1 + 1 WHERE id > 1",
                "UPDATE hot SET c1 = c1 - 1 WHERE id > 1",
            );
            m.sql(
                "INSERT INTO audit (version) VALUES (2)",
                "DELETE FROM audit WHERE version = 2",
            );
        }),
        Fixture::with_mode(
            3,
            "add a column and an index, step by step",
            TransactionMode::None,
            |m| {
                m.add_column::<Option<i32>>("hot", "c2");
                m.create_index(IndexDef::new("hot", ["c1"]));
                m.sql(
                    "INSERT INTO audit (version) VALUES (3)",
                    "DELETE FROM audit WHERE version = 3",
                );
            },
        ),
        Fixture::boxed(4, "create a table in one transaction", |m| {
            m.create_table("t4", |t| {
                t.column::<i64>("id").primary_key();
            });
            m.sql(
                "INSERT INTO audit (version) VALUES (4)",
                "DELETE FROM audit WHERE version = 4",
            );
        }),
        // What cannot run in a transaction at all: the catalog (the index, and whether it is valid) decides.
        Fixture::for_backends_with_mode(
            5,
            "build an index concurrently",
            &[Backend::Postgres],
            TransactionMode::None,
            |m| {
                m.create_index(IndexDef::new("hot", ["c2"]).concurrently());
            },
        ),
        // A backfill in batches, with a non-idempotent part: each row's `c1` grows by 1000 exactly once.
        Fixture::with_mode(6, "backfill in batches", TransactionMode::None, |m| {
            m.add_column::<Option<i64>>("hot", "doubled");
            m.backfill(
                Backfill::keyed::<i64>("hot", "id")
                    .set("doubled", "c1 * 2")
                    .set("c1", "c1 + 1000")
                    .pending("doubled IS NULL")
                    .batch_size(250),
                Undo::Nothing,
            );
        }),
    ]
}

fn backend_of(name: &str) -> Backend {
    match name {
        "postgres" => Backend::Postgres,
        "mysql" => Backend::MySql,
        _ => Backend::Sqlite,
    }
}

/// Worker mode: `count` reports how often each point is passed by a clean run; `point:n` aborts at its nth
/// pass; `slow` runs a migration with a long step, to be stopped and killed from outside.
fn worker(spec: &str) {
    let url = std::env::var("LOCKGATE_FAULT_URL").expect("LOCKGATE_FAULT_URL");
    let backend = backend_of(&std::env::var("LOCKGATE_FAULT_BACKEND").expect("LOCKGATE_FAULT_BACKEND"));
    let mut counts = BTreeMap::new();
    match spec {
        "count" => {
            for point in fault::POINTS {
                counts.insert(*point, fault::count(point).expect("a known point"));
            }
        }
        "slow" | "slow-data" | "slow-backfill" => {}
        _ => {
            let (point, n) = spec.split_once(':').expect("point:n");
            fault::abort_at(point, n.parse().expect("a number")).expect("a known point");
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = runtime.block_on(async {
        let db = Database::connect(&url).await.expect("worker connects");
        let list = match spec {
            "slow" => slow_migrations(backend),
            "slow-data" => slow_data_migrations(backend),
            "slow-backfill" => slow_backfill_migrations(),
            _ => migrations(),
        };
        match Migrator::new(list).expect("migrator").up(&db, None).await {
            Ok(_) => 0,
            Err(e) => {
                eprintln!("worker failed: {e}");
                1
            }
        }
    });
    for (point, count) in counts {
        println!("{point}={}", count.load(Ordering::SeqCst));
    }
    std::process::exit(code);
}

fn spawn(spec: &str, test: &TestDb) -> std::process::Child {
    Command::new(std::env::current_exe().expect("own path"))
        .env("LOCKGATE_FAULT", spec)
        .env("LOCKGATE_FAULT_URL", &test.url)
        .env("LOCKGATE_FAULT_BACKEND", test.backend.name())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn worker")
}

/// What a database holds after a run, to compare with a clean run's.
#[derive(Debug, PartialEq)]
struct Outcome {
    schema: Schema,
    audit: Vec<i64>,
    hot_rows: i64,
    sentinel: i64,
    updated_sum: i64,
    doubled_sum: i64,
    applied_history: Vec<i64>,
}

async fn outcome(migrator: &Migrator, db: &Database) -> Outcome {
    let mut audit = Vec::new();
    let mut applied_history = Vec::new();
    for v in 1..=VERSIONS {
        audit.push(scalar(db, &format!("SELECT COUNT(*) FROM audit WHERE version = {v}")).await);
        applied_history.push(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM lockgate_migrations_history \
                     WHERE version = {v} AND direction = 'up' AND outcome = 'applied'"
                ),
            )
            .await,
        );
    }
    Outcome {
        schema: migrator.introspect(db).await.expect("introspect"),
        audit,
        hot_rows: scalar(db, "SELECT COUNT(*) FROM hot").await,
        sentinel: scalar(db, &format!("SELECT {} FROM hot WHERE id = 1", int(db, "c1"))).await,
        updated_sum: scalar(
            db,
            &format!("SELECT {} FROM hot WHERE id > 1", int(db, "COALESCE(SUM(c1), 0)")),
        )
        .await,
        doubled_sum: scalar(db, &format!("SELECT {} FROM hot", int(db, "COALESCE(SUM(doubled), 0)"))).await,
        applied_history,
    }
}

/// `expr` cast to a 64-bit integer.
fn int(db: &Database, expr: &str) -> String {
    match db.backend() {
        Backend::MySql => format!("CAST({expr} AS SIGNED)"),
        _ => format!("CAST({expr} AS BIGINT)"),
    }
}

/// The tracking rows as `version:status:progress`, for the report.
async fn tracking(db: &Database) -> String {
    let sql = match db.backend() {
        Backend::MySql => {
            "SELECT CAST(CONCAT(version, ':', status, ':', progress) AS CHAR) FROM lockgate_migrations ORDER BY version"
        }
        _ => {
            "SELECT CAST(version AS TEXT) || ':' || status || ':' || CAST(progress AS TEXT) FROM lockgate_migrations \
              ORDER BY version"
        }
    };
    let rows = texts(db, sql).await;
    if rows.is_empty() {
        "none".to_owned()
    } else {
        rows.join(" ")
    }
}

/// One scenario's line for the report.
struct Scenario {
    fault: String,
    after_crash: String,
    recovery: String,
}

async fn faults(backend: Backend) -> Option<Vec<Scenario>> {
    // A clean run: how often each point is passed, and what the database holds afterwards.
    let test = TestDb::create(backend, "faults").await?;
    let out = spawn("count", &test).wait_with_output().expect("worker output");
    assert!(
        out.status.success(),
        "{backend}: the clean run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: Vec<(String, usize)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(p, n)| (p.to_owned(), n.parse().expect("a count")))
        .collect();
    let migrator = Migrator::new(migrations())
        .expect("migrator")
        .with_wait_deadline(Duration::from_secs(20));
    let db = test.connect().await;
    let clean = outcome(&migrator, &db).await;
    assert_eq!(clean.audit, [1; VERSIONS as usize], "{backend}: the clean run");
    // Migration 6 adds 1000 to every row once and doubles what each held before.
    assert_eq!(
        (clean.hot_rows, clean.sentinel, clean.updated_sum, clean.doubled_sum),
        (ROWS + 1, 1042, ROWS + 1000 * ROWS, 2 * (42 + ROWS))
    );
    db.close().await;
    test.drop_db().await;

    let mut report = Vec::new();
    for (point, count) in &hits {
        for n in 1..=*count {
            let spec = format!("{point}:{n}");
            let test = TestDb::create(backend, "faults").await?;
            let out = spawn(&spec, &test).wait_with_output().expect("worker output");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && stderr.contains("fault injected"),
                "{backend} {spec}: the worker did not die there: {stderr}"
            );
            let db = test.connect().await;
            let after_crash = tracking(&db).await;
            let recovered = migrator.up(&db, None).await;
            let recovery = match &recovered {
                Ok(report) => format!(
                    "recovered by applying {:?}",
                    report.applied.iter().map(|a| a.version).collect::<Vec<_>>()
                ),
                Err(e) => panic!("{backend} {spec}: recovery failed ({after_crash}): {e}"),
            };
            let status = migrator.status(&db).await.expect("status");
            assert!(
                status
                    .iter()
                    .all(|s| matches!(s.state, State::Applied | State::Skipped)),
                "{backend} {spec}: {status:?}"
            );
            let found = outcome(&migrator, &db).await;
            let schema = compare(&clean.schema, &found.schema, CompareOptions::default());
            assert!(
                schema.is_empty(),
                "{backend} {spec} ({after_crash}): the schema is not a clean run's: {schema:?}"
            );
            assert_eq!(
                (
                    found.audit.clone(),
                    found.hot_rows,
                    found.sentinel,
                    found.updated_sum,
                    found.doubled_sum
                ),
                (
                    clean.audit.clone(),
                    clean.hot_rows,
                    clean.sentinel,
                    clean.updated_sum,
                    clean.doubled_sum
                ),
                "{backend} {spec} ({after_crash}): each migration once, the data as a clean run's"
            );
            assert_eq!(
                found.applied_history, [1; VERSIONS as usize],
                "{backend} {spec}: one `applied` history row per migration"
            );
            report.push(Scenario {
                fault: spec,
                after_crash,
                recovery,
            });
            db.close().await;
            test.drop_db().await;
        }
    }
    Some(report)
}

/// Migration 2 of this list waits in a long step until `flag` has a row.
fn slow_migrations(backend: Backend) -> Vec<Box<dyn Migration>> {
    let slow = match backend {
        Backend::Postgres => "SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM flag) THEN 0 ELSE 30 END)",
        Backend::MySql => "SELECT SLEEP(IF(EXISTS (SELECT 1 FROM flag), 0, 30))",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
             WHERE x < (CASE WHEN EXISTS (SELECT 1 FROM flag) THEN 1 ELSE 2000000000 END)) SELECT count(*) FROM c"
        }
    };
    vec![
        Fixture::boxed(1, "create the flag table", |m| {
            m.create_table("flag", |t| {
                t.column::<i64>("id");
            });
        }),
        Fixture::boxed(2, "a long migration", move |m| {
            m.create_table("slow_made", |t| {
                t.column::<i64>("id").primary_key();
            });
            m.sql(slow, "SELECT 1");
        }),
    ]
}

/// Whether migration 2 of `slow_migrations` (or `slow_data_migrations`) is inside its long step. A transactional
/// migration leaves no row before it commits: on PostgreSQL the server shows the statement running, on SQLite
/// migration 1 is applied and another writer holds the write lock; on MySQL the progress row is written before
/// the steps.
async fn inside_long_step(test: &TestDb, db: &Database) -> bool {
    let sql = match test.backend {
        Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep%'"
        }
        Backend::MySql => "SELECT COUNT(*) FROM lockgate_migrations WHERE version = 2",
        Backend::Sqlite => {
            if !sqlite_write_lock_taken(&test.url).await {
                return false;
            }
            "SELECT COUNT(*) FROM lockgate_migrations WHERE version = 1 AND status = 'applied'"
        }
    };
    scalar_or_zero(db, sql).await > 0
}

/// Whether another connection holds the SQLite database's write lock: taking it without waiting fails.
async fn sqlite_write_lock_taken(url: &str) -> bool {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions as _, Connection as _};
    let options = url
        .parse::<SqliteConnectOptions>()
        .expect("a SQLite URL")
        .busy_timeout(Duration::ZERO);
    let Ok(mut conn) = options.connect().await else {
        return false;
    };
    let taken = sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut conn).await.is_err();
    if !taken {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
    }
    let _ = conn.close().await;
    taken
}

/// A lock holder stopped with SIGSTOP: the next migrator gives up at its wait deadline, naming the wait; once
/// the holder is killed, a plain `up` recovers.
async fn stopped_holder(backend: Backend) -> Option<Scenario> {
    let test = TestDb::create(backend, "stopped").await?;
    let db = test.connect().await;
    let mut child = spawn("slow", &test);
    let started = Instant::now();
    while !inside_long_step(&test, &db).await {
        if started.elapsed() >= Duration::from_secs(20) {
            // A worker left running would spin for minutes and slow every later test.
            let _ = child.kill();
            panic!("{backend}: the holder never reached migration 2");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().to_string();
    let signal = |name: &str| {
        let ok = Command::new("kill")
            .args([name, &pid])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill {name} {pid}");
    };
    signal("-STOP");

    let deadline = Duration::from_secs(1);
    let migrator = Migrator::new(slow_migrations(backend))
        .expect("migrator")
        .with_wait_deadline(deadline);
    let waited = Instant::now();
    let error = migrator
        .up(&db, None)
        .await
        .expect_err("the stopped holder keeps the lock");
    let waited = waited.elapsed();
    assert!(error.is_lock_timeout(), "{backend}: {error}");
    assert!(matches!(error, Error::LockTimeout { .. }), "{backend}: {error}");
    assert!(
        waited < deadline * 3,
        "{backend}: waited {waited:?} with a deadline of {deadline:?}"
    );
    let after_stop = tracking(&db).await;

    signal("-KILL");
    child.wait().expect("reap the holder");
    end_orphan(&db).await;
    exec(&db, "INSERT INTO flag (id) VALUES (1)").await;
    let migrator = Migrator::new(slow_migrations(backend))
        .expect("migrator")
        .with_wait_deadline(Duration::from_secs(20));
    let report = migrator.up(&db, None).await.expect("recovery after the holder died");
    let status = migrator.status(&db).await.expect("status");
    assert!(
        status.iter().all(|s| s.state == State::Applied),
        "{backend}: {status:?}"
    );
    let made = scalar(&db, "SELECT COUNT(*) FROM slow_made").await;
    assert_eq!(made, 0, "the table exists, empty");
    db.close().await;
    test.drop_db().await;
    Some(Scenario {
        fault: "lock holder SIGSTOP, then SIGKILL".to_owned(),
        after_crash: format!("second migrator: lock timeout after {waited:.1?} ({after_stop})"),
        recovery: format!(
            "recovered by applying {:?}",
            report.applied.iter().map(|a| a.version).collect::<Vec<_>>()
        ),
    })
}

/// The server ends a dead client's session when it next reads from it: a session in the middle of a statement
/// (a long sleep) runs it to the end first. End it, as the server would after the sleep.
async fn end_orphan(db: &Database) {
    match db.backend() {
        Backend::Postgres => {
            exec(
                db,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'",
            )
            .await;
        }
        Backend::MySql => {
            for id in texts(
                db,
                "SELECT CAST(id AS CHAR) FROM information_schema.processlist WHERE db = DATABASE() \
                 AND info LIKE '%SLEEP(%' AND id <> CONNECTION_ID()",
            )
            .await
            {
                exec(db, &format!("KILL {id}")).await;
            }
        }
        Backend::Sqlite => {}
    }
}

/// Migration 2 copies a row in a data step of a step-by-step migration, slowly until `flag` has a row.
fn slow_data_migrations(backend: Backend) -> Vec<Box<dyn Migration>> {
    let slow = match backend {
        Backend::Postgres => {
            "INSERT INTO copied (id) SELECT 1 FROM (SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM flag) THEN 0 ELSE 30 END)) s"
        }
        Backend::MySql => {
            "INSERT INTO copied (id) SELECT 1 FROM (SELECT SLEEP(IF(EXISTS (SELECT 1 FROM flag), 0, 30)) AS s) z"
        }
        Backend::Sqlite => {
            "INSERT INTO copied (id) SELECT 1 FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
             WHERE x < (CASE WHEN EXISTS (SELECT 1 FROM flag) THEN 1 ELSE 2000000000 END)) SELECT count(*) FROM c) z"
        }
    };
    vec![
        Fixture::boxed(1, "create the flag and copied tables", |m| {
            m.create_table("flag", |t| {
                t.column::<i64>("id");
            });
            m.create_table("copied", |t| {
                t.column::<i64>("id");
            });
        }),
        Fixture::with_mode(2, "a long data step, step by step", TransactionMode::None, move |m| {
            m.sql(slow, "DELETE FROM copied");
        }),
    ]
}

/// SIGKILL in the middle of a data step of a step-by-step migration (`transaction = false`): the step and its
/// progress commit together, so the next run copies the row once.
async fn killed_inside_a_data_step(backend: Backend) -> Option<Scenario> {
    let test = TestDb::create(backend, "data_step").await?;
    let db = test.connect().await;
    let mut child = spawn("slow-data", &test);
    let started = Instant::now();
    while !inside_long_step(&test, &db).await {
        if started.elapsed() >= Duration::from_secs(20) {
            // A worker left running would spin for minutes and slow every later test.
            let _ = child.kill();
            panic!("{backend}: the worker never reached migration 2");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    if child.try_wait().expect("worker state").is_some() {
        let out = child.wait_with_output().expect("worker output");
        panic!(
            "{backend}: the worker ended early ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    child.kill().expect("SIGKILL the worker");
    child.wait().expect("reap the worker");
    end_orphan(&db).await;
    let after_crash = tracking(&db).await;
    exec(&db, "INSERT INTO flag (id) VALUES (1)").await;
    let migrator = Migrator::new(slow_data_migrations(backend))
        .expect("migrator")
        .with_wait_deadline(Duration::from_secs(20));
    let report = migrator.up(&db, None).await.expect("recovery after the kill");
    let status = migrator.status(&db).await.expect("status");
    assert!(
        status.iter().all(|s| s.state == State::Applied),
        "{backend}: {status:?}"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM copied").await,
        1,
        "{backend}: the row is copied once"
    );
    db.close().await;
    test.drop_db().await;
    Some(Scenario {
        fault: "SIGKILL inside a data step".to_owned(),
        after_crash,
        recovery: format!(
            "recovered by applying {:?}; the row copied once",
            report.applied.iter().map(|a| a.version).collect::<Vec<_>>()
        ),
    })
}

/// Rows `filled` holds, and the rows per batch of its backfill.
const FILLED: i64 = 600;
const FILL_BATCH: u32 = 10;

/// Migration 2 backfills `filled` in 60 small batches with a pause after each: long enough to be killed
/// part-way. Each row's `n` grows by 1000 exactly once.
fn slow_backfill_migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Fixture::boxed(1, "create the filled table", |m| {
            m.create_table("filled", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<i64>("n");
            });
            m.sql(
                format!(
                    "INSERT INTO filled (id, n) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s \
                     WHERE i < {FILLED}) SELECT i, i FROM s"
                ),
                "DELETE FROM filled",
            );
        }),
        Fixture::with_mode(2, "a slow backfill", TransactionMode::None, |m| {
            m.add_column::<Option<i64>>("filled", "doubled");
            m.backfill(
                Backfill::keyed::<i64>("filled", "id")
                    .set("doubled", "n * 2")
                    .set("n", "n + 1000")
                    .pending("doubled IS NULL")
                    .batch_size(FILL_BATCH)
                    .pause(Duration::from_millis(40)),
                Undo::Nothing,
            );
        }),
    ]
}

/// SIGKILL in the middle of a backfill: the next run resumes after the last committed batch (PostgreSQL,
/// MySQL) or starts it over (SQLite, where the batches run in the migration's transaction), and every row
/// is updated exactly once.
async fn killed_inside_a_backfill(backend: Backend) -> Option<Scenario> {
    let test = TestDb::create(backend, "backfill_kill").await?;
    let db = test.connect().await;
    let mut child = spawn("slow-backfill", &test);
    let started = Instant::now();
    // Part-way: a few batches committed (PostgreSQL, MySQL), or the backfill's transaction open (SQLite).
    let progressed = match backend {
        Backend::Sqlite => "SELECT COUNT(*) FROM lockgate_migrations WHERE version = 1 AND status = 'applied'",
        _ => "SELECT COALESCE(MAX(rows_done), 0) FROM lockgate_migrations_backfill",
    };
    loop {
        let far = scalar_or_zero(&db, progressed).await;
        let ready = match backend {
            Backend::Sqlite => far > 0 && sqlite_write_lock_taken(&test.url).await,
            _ => far >= 5 * i64::from(FILL_BATCH),
        };
        if ready {
            break;
        }
        if started.elapsed() >= Duration::from_secs(20) || child.try_wait().expect("worker state").is_some() {
            let _ = child.kill();
            panic!("{backend}: the worker never got part-way through the backfill");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if backend == Backend::Sqlite {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    child.kill().expect("SIGKILL the worker");
    child.wait().expect("reap the worker");
    let done_before = match backend {
        Backend::Sqlite => 0,
        _ => {
            scalar(
                &db,
                "SELECT COALESCE(MAX(rows_done), 0) FROM lockgate_migrations_backfill",
            )
            .await
        }
    };
    let after_crash = format!("{} ({done_before} rows recorded)", tracking(&db).await);
    let updated = scalar(&db, "SELECT COUNT(*) FROM filled WHERE n > 1000").await;
    assert!(updated < FILLED, "{backend}: the kill came after the backfill ended");
    let first = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = std::sync::Arc::clone(&first);
    let migrator = Migrator::new(slow_backfill_migrations())
        .expect("migrator")
        .with_wait_deadline(Duration::from_secs(20))
        .with_observer(move |event| {
            if let lockgate_runtime::Event::Backfill { done, .. } = event {
                seen.lock().unwrap().get_or_insert(*done);
            }
        });
    let report = migrator.up(&db, None).await.expect("recovery after the kill");
    let resumed_at = first.lock().unwrap().expect("a backfill event");
    assert_eq!(
        i64::try_from(resumed_at).unwrap(),
        done_before,
        "{backend}: the retry resumes after the last committed batch"
    );
    if backend != Backend::Sqlite {
        assert!(done_before > 0, "{backend}: batches committed before the kill");
        assert_eq!(
            updated, done_before,
            "{backend}: committed batches are exactly the recorded ones"
        );
    }
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM filled WHERE n = id + 1000 AND doubled = 2 * id"
        )
        .await,
        FILLED,
        "{backend}: every row updated exactly once"
    );
    db.close().await;
    test.drop_db().await;
    Some(Scenario {
        fault: "SIGKILL inside a backfill".to_owned(),
        after_crash,
        recovery: format!(
            "recovered by applying {:?}, resuming at row {resumed_at}",
            report.applied.iter().map(|a| a.version).collect::<Vec<_>>()
        ),
    })
}

async fn scalar_or_zero(db: &Database, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    let result = match db {
        Database::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
        Database::MySql(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
        Database::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
    };
    result.unwrap_or(0)
}

fn main() {
    if let Ok(spec) = std::env::var("LOCKGATE_FAULT") {
        worker(&spec);
        return;
    }
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut passed = 0;
    for backend in Backend::ALL {
        if !filter.is_empty() && !filter.iter().any(|f| backend.name().contains(f.as_str())) {
            continue;
        }
        let started = Instant::now();
        let (scenarios, more) = runtime.block_on(async {
            let scenarios = faults(backend).await;
            let more: Vec<Scenario> = [
                killed_inside_a_data_step(backend).await,
                killed_inside_a_backfill(backend).await,
                stopped_holder(backend).await,
            ]
            .into_iter()
            .flatten()
            .collect();
            (scenarios, more)
        });
        let Some(scenarios) = scenarios else { continue };
        for s in scenarios.iter().chain(more.iter()) {
            println!(
                "{backend:<8} {:<34} after: {:<40} {}",
                s.fault, s.after_crash, s.recovery
            );
        }
        println!(
            "test faults::{backend} ... ok ({} scenarios, {:.1?})",
            scenarios.len() + more.len(),
            started.elapsed()
        );
        passed += 1;
    }
    println!("test result: ok. {passed} passed");
}
