//! Many processes against one database: 8 migrators racing on an empty database, and a migrator killed with
//! SIGKILL in the middle of a long migration. On PostgreSQL, MariaDB/MySQL and SQLite.
//!
//! A plain `main` (`harness = false`): the same binary is the orchestrator and, started again with
//! `LOCKGATE_WORKER` set, each worker process.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Fixture, TestDb, exec, scalar};
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Database, Migrator, State};

const WORKERS: usize = 8;
const ROUNDS: usize = 10;
const RACE_MIGRATIONS: i64 = 5;

/// Each migration records itself in `race_audit` inside its own transaction (step by step on MySQL): a row
/// counted twice would mean it ran twice.
fn race_migrations() -> Vec<Box<dyn Migration>> {
    let mut list = vec![Fixture::boxed(1, "create the audit table", |m| {
        m.create_table("race_audit", |t| {
            t.column::<i64>("version");
        });
        m.sql(
            "INSERT INTO race_audit (version) VALUES (1)",
            "DELETE FROM race_audit WHERE version = 1",
        );
    })];
    for v in 2..=RACE_MIGRATIONS {
        list.push(Fixture::boxed(v, &format!("race step {v}"), move |m| {
            m.create_table(format!("race_{v}"), |t| {
                t.column::<i64>("id").primary_key();
            });
            m.sql(
                format!("INSERT INTO race_audit (version) VALUES ({v})"),
                format!("DELETE FROM race_audit WHERE version = {v}"),
            );
        }));
    }
    list
}

/// The long step waits until the test creates a row in `crash_flag`, so the same migration (same checksum)
/// is slow in the killed process and fast in the recovering one.
fn slow_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM crash_flag) THEN 0 ELSE 30 END)",
        Backend::MySql => "SELECT SLEEP(IF(EXISTS (SELECT 1 FROM crash_flag), 0, 30))",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
             WHERE x < (CASE WHEN EXISTS (SELECT 1 FROM crash_flag) THEN 1 ELSE 2000000000 END)) \
             SELECT count(*) FROM c"
        }
    }
}

fn crash_migrations(backend: Backend) -> Vec<Box<dyn Migration>> {
    vec![
        Fixture::boxed(1, "create the flag table", |m| {
            m.create_table("crash_flag", |t| {
                t.column::<i64>("id");
            });
        }),
        Fixture::boxed(2, "a long migration", move |m| {
            m.create_table("crash_half", |t| {
                t.column::<i64>("id").primary_key();
            });
            m.sql(slow_sql(backend), "SELECT 1");
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

/// Worker mode: wait for the start instant, run `up`, report how many migrations this process applied.
fn worker(role: &str) {
    let url = std::env::var("LOCKGATE_WORKER_URL").expect("LOCKGATE_WORKER_URL");
    let backend = backend_of(&std::env::var("LOCKGATE_WORKER_BACKEND").expect("LOCKGATE_WORKER_BACKEND"));
    let start: u128 = std::env::var("LOCKGATE_WORKER_START")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = runtime.block_on(async {
        let db = Database::connect(&url).await.expect("worker connects");
        let migrations = if role == "race" {
            race_migrations()
        } else {
            crash_migrations(backend)
        };
        let migrator = Migrator::new(migrations).expect("migrator");
        // The barrier: every worker starts `up` at the same instant.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        if start > now {
            tokio::time::sleep(Duration::from_millis(u64::try_from(start - now).unwrap_or(0))).await;
        }
        match migrator.up(&db, None).await {
            Ok(report) => {
                println!("applied={}", report.applied.len());
                0
            }
            Err(e) => {
                eprintln!("worker failed: {e}");
                1
            }
        }
    });
    std::process::exit(code);
}

fn spawn(role: &str, test: &TestDb, start: u128) -> Child {
    Command::new(std::env::current_exe().expect("own path"))
        .env("LOCKGATE_WORKER", role)
        .env("LOCKGATE_WORKER_URL", &test.url)
        .env("LOCKGATE_WORKER_BACKEND", test.backend.name())
        .env("LOCKGATE_WORKER_START", start.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn worker")
}

async fn race(backend: Backend) -> bool {
    for round in 0..ROUNDS {
        let Some(test) = TestDb::create(backend, "race").await else {
            return false;
        };
        let start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
            + 700;
        let children: Vec<Child> = (0..WORKERS).map(|_| spawn("race", &test, start)).collect();
        let mut applied = 0;
        for child in children {
            let out = child.wait_with_output().expect("worker output");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{backend} round {round}: a worker failed: {}{}",
                stdout,
                String::from_utf8_lossy(&out.stderr)
            );
            applied += stdout
                .lines()
                .find_map(|l| l.strip_prefix("applied="))
                .and_then(|n| n.parse::<i64>().ok())
                .expect("the worker reports what it applied");
        }
        assert_eq!(
            applied, RACE_MIGRATIONS,
            "{backend} round {round}: each migration is applied by one process"
        );
        let db = test.connect().await;
        for v in 1..=RACE_MIGRATIONS {
            let n = scalar(&db, &format!("SELECT COUNT(*) FROM race_audit WHERE version = {v}")).await;
            assert_eq!(n, 1, "{backend} round {round}: migration {v} ran {n} times");
        }
        let rows = scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations WHERE status = 'applied'").await;
        assert_eq!(rows, RACE_MIGRATIONS);
        db.close().await;
        test.drop_db().await;
    }
    true
}

async fn crash(backend: Backend) -> bool {
    let Some(test) = TestDb::create(backend, "crash").await else {
        return false;
    };
    let db = test.connect().await;
    let mut child = spawn("crash", &test, 0);
    // Wait until migration 2 is inside its long step: on PostgreSQL the server shows the statement running, on
    // MySQL the progress row says its first step is done, on SQLite migration 1 is applied and the write
    // transaction of migration 2 holds its journal.
    let deadline = Instant::now() + Duration::from_secs(20);
    let journal = format!("{}-journal", test.url.trim_start_matches("sqlite:"));
    loop {
        let done = match &db {
            Database::Postgres(p) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep%'",
            )
            .fetch_one(p)
            .await
            .unwrap_or(0),
            Database::MySql(p) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM lockgate_migrations WHERE version = 2 AND progress = 1",
            )
            .fetch_one(p)
            .await
            .unwrap_or(0),
            Database::Sqlite(p) => {
                let applied = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM lockgate_migrations WHERE version = 1 AND status = 'applied'",
                )
                .fetch_one(p)
                .await
                .unwrap_or(0);
                applied * i64::from(std::path::Path::new(&journal).exists())
            }
        };
        if done > 0 {
            break;
        }
        if Instant::now() >= deadline {
            // A worker left running would spin for minutes and slow every later test.
            let _ = child.kill();
            panic!("{backend}: the worker never reached migration 2");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        child.try_wait().expect("worker state").is_none(),
        "{backend}: the worker ended early"
    );
    child.kill().expect("SIGKILL the worker");
    child.wait().expect("reap the worker");

    // The server notices a dead client only when it next talks to it; end its orphaned session, as the server
    // would on its own after the TCP keepalive.
    match backend {
        Backend::Postgres => {
            exec(
                &db,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'",
            )
            .await
        }
        Backend::MySql => {
            let ids = common::texts(
                &db,
                "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
                 WHERE db = DATABASE() AND info LIKE 'SELECT SLEEP%'",
            )
            .await;
            for id in ids {
                exec(&db, &format!("KILL {id}")).await;
            }
        }
        Backend::Sqlite => {}
    }

    let migrator = Migrator::new(crash_migrations(backend))
        .unwrap()
        .with_wait_deadline(Duration::from_secs(20));
    let status = migrator.status(&db).await.unwrap();
    let states: Vec<(i64, State)> = status.iter().map(|s| (s.version, s.state)).collect();
    let table_exists = |db: &Database| {
        let sql = match backend {
            Backend::Postgres => "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'crash_half'",
            Backend::MySql => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() \
                 AND table_name = 'crash_half'"
            }
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE name = 'crash_half'",
        };
        let db = db.clone();
        async move { scalar(&db, sql).await }
    };
    match backend {
        // The transaction died with the process, and its tracking row with it: nothing remains.
        Backend::Postgres => {
            assert_eq!(states, [(1, State::Applied), (2, State::Pending)], "{backend}");
            assert_eq!(
                table_exists(&db).await,
                0,
                "nothing half-applied may remain on PostgreSQL"
            );
        }
        // DDL committed step by step: the first step stands, and the progress says where to resume.
        Backend::MySql => {
            assert_eq!(states, [(1, State::Applied), (2, State::Running)], "{backend}");
            assert_eq!(table_exists(&db).await, 1);
        }
        // The journal rolled the migration's transaction back, and its tracking row with it.
        Backend::Sqlite => {
            assert_eq!(states, [(1, State::Applied), (2, State::Pending)], "{backend}");
            assert_eq!(table_exists(&db).await, 0, "nothing half-applied may remain on SQLite");
        }
    }

    exec(&db, "INSERT INTO crash_flag (id) VALUES (1)").await;
    let report = migrator.up(&db, None).await.expect("the next run recovers");
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [2]);
    let status = migrator.status(&db).await.unwrap();
    assert!(status.iter().all(|s| s.state == State::Applied), "{status:?}");
    assert_eq!(table_exists(&db).await, 1);
    db.close().await;
    test.drop_db().await;
    true
}

fn main() {
    if let Ok(role) = std::env::var("LOCKGATE_WORKER") {
        worker(&role);
        return;
    }
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut ran = 0;
    for backend in Backend::ALL {
        for (name, scenario) in [("race", 0), ("crash", 1)] {
            let full = format!("{name}::{backend}");
            if !filter.is_empty() && !filter.iter().any(|f| full.contains(f.as_str())) {
                continue;
            }
            let started = Instant::now();
            let done = runtime.block_on(async {
                if scenario == 0 {
                    race(backend).await
                } else {
                    crash(backend).await
                }
            });
            if done {
                println!("test {full} ... ok ({:.1?})", started.elapsed());
                ran += 1;
            }
        }
    }
    println!("test result: ok. {ran} passed");
}
