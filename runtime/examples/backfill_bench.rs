//! What a backfill costs the application: the write latency of a concurrent writer (single-row updates at
//! random keys) while a table of `rows` rows is filled, once as one `UPDATE` through a bare sqlx pool and once
//! as lockgate's batched backfill, against the same writer with nothing else running.
//!
//! The writer keeps a schedule (one write every 2 ms, as an application's requests arrive whether or not the
//! last one is done), and a write's latency counts from its scheduled start: a write stuck behind a lock
//! delays every write due meanwhile, and each of them counts the delay.
//!
//! Prints, per backend, each phase's duration and the writer's p50, p99 and worst latency; asserts nothing.
//!
//! `cargo run --release -p lockgate-runtime --example backfill_bench [rows=1000000] [batch=1000]
//! [backends=postgres,mysql]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Fixture, TestDb, exec};
use lockgate_dsl::schema::{Backfill, Undo};
use lockgate_dsl::{Backend, TransactionMode};
use lockgate_runtime::{Database, Migrator};
use sqlx::AssertSqlSafe;

/// The fill every phase makes: a code computed from the row.
const CODE: &str = "CASE WHEN status = 'open' THEN 1 ELSE 0 END + (id % 7)";

struct Settings {
    rows: i64,
    batch: u32,
    backends: Vec<Backend>,
}

fn settings() -> Settings {
    let mut settings = Settings {
        rows: 1_000_000,
        batch: 1000,
        backends: vec![Backend::Postgres, Backend::MySql],
    };
    for arg in std::env::args().skip(1) {
        let (key, value) = arg.split_once('=').unwrap_or((&arg, ""));
        match key {
            "rows" => settings.rows = value.parse().expect("rows=<number>"),
            "batch" => settings.batch = value.parse().expect("batch=<number>"),
            "backends" => {
                settings.backends = value
                    .split(',')
                    .map(|b| match b {
                        "postgres" => Backend::Postgres,
                        "mysql" => Backend::MySql,
                        "sqlite" => Backend::Sqlite,
                        _ => panic!("unknown backend {b}"),
                    })
                    .collect();
            }
            _ => panic!("unknown argument {arg}: expected rows=, batch= or backends="),
        }
    }
    settings
}

/// A fresh database with `bench` holding `rows` rows, `code` empty.
async fn loaded(backend: Backend, rows: i64) -> Option<(TestDb, Database)> {
    let test = TestDb::create(backend, "backfill_bench").await?;
    let db = test.connect().await;
    exec(&db, "CREATE TABLE digits (i integer NOT NULL)").await;
    exec(
        &db,
        "INSERT INTO digits (i) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
    )
    .await;
    exec(
        &db,
        "CREATE TABLE bench (id bigint PRIMARY KEY, status varchar(10) NOT NULL, writes bigint NOT NULL, code integer)",
    )
    .await;
    exec(
        &db,
        &format!(
            "INSERT INTO bench (id, status, writes) SELECT n, CASE WHEN n % 3 = 0 THEN 'closed' ELSE 'open' END, 0 \
             FROM (SELECT a.i + 10 * b.i + 100 * c.i + 1000 * d.i + 10000 * e.i + 100000 * f.i + 1 AS n \
             FROM digits a, digits b, digits c, digits d, digits e, digits f) s WHERE n <= {rows}"
        ),
    )
    .await;
    if backend == Backend::Postgres {
        exec(&db, "VACUUM ANALYZE bench").await;
    }
    Some((test, db))
}

/// How often the writer's writes are due.
const EVERY: Duration = Duration::from_millis(2);

/// Single-row updates at pseudo-random keys, one due every [`EVERY`], until `stop`; each one's latency from
/// when it was due.
async fn writer(db: Database, rows: i64, stop: Arc<Mutex<Option<Instant>>>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    let mut key: i64 = 12345;
    let first = Instant::now();
    let mut n: u32 = 0;
    loop {
        let started = first + EVERY * n;
        // Writes due before the work ended still run, late as they are.
        if stop.lock().unwrap().is_some_and(|at| started >= at) {
            break;
        }
        n += 1;
        key = (key.wrapping_mul(1_103_515_245).wrapping_add(12345)).rem_euclid(rows) + 1;
        let sql = AssertSqlSafe(format!("UPDATE bench SET writes = writes + 1 WHERE id = {key}"));
        if let Some(wait) = started.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let result = match &db {
            Database::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Database::MySql(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Database::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        };
        result.expect("the writer's update");
        latencies.push(started.elapsed());
    }
    latencies
}

/// Runs `work` with the writer beside it; the work's duration and the writer's latencies.
async fn with_writer<F: std::future::Future<Output = ()>>(
    db: &Database,
    rows: i64,
    work: F,
) -> (Duration, Vec<Duration>) {
    let stop = Arc::new(Mutex::new(None));
    let handle = tokio::spawn(writer(db.clone(), rows, Arc::clone(&stop)));
    // The writer's first statements open its connection before the clock starts.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    work.await;
    let took = started.elapsed();
    *stop.lock().unwrap() = Some(Instant::now());
    (took, handle.await.expect("the writer"))
}

fn percentile(latencies: &mut [Duration], p: f64) -> Duration {
    latencies.sort();
    let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
    latencies.get(index).copied().unwrap_or_default()
}

fn line(phase: &str, took: Duration, mut latencies: Vec<Duration>) {
    let p50 = percentile(&mut latencies, 0.50);
    let p99 = percentile(&mut latencies, 0.99);
    let worst = latencies.last().copied().unwrap_or_default();
    println!(
        "| {phase} | {:.2} s | {} | {:.2} ms | {:.2} ms | {:.1} ms |",
        took.as_secs_f64(),
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let settings = settings();
    for backend in &settings.backends {
        let backend = *backend;
        println!("\n{backend}: {} rows, batches of {}", settings.rows, settings.batch);
        println!("| phase | duration | writes | writer p50 | writer p99 | writer worst |");
        println!("|---|---|---|---|---|---|");

        let Some((test, db)) = loaded(backend, settings.rows).await else {
            println!("SKIPPED: {backend} is unreachable");
            continue;
        };
        let (took, latencies) = with_writer(&db, settings.rows, tokio::time::sleep(Duration::from_secs(3))).await;
        line("writer alone (floor)", took, latencies);

        let update = format!("UPDATE bench SET code = {CODE}");
        let (took, latencies) = with_writer(&db, settings.rows, exec(&db, &update)).await;
        line("one `UPDATE` (bare sqlx)", took, latencies);
        db.close().await;
        test.drop_db().await;

        let Some((test, db)) = loaded(backend, settings.rows).await else {
            continue;
        };
        let batch = settings.batch;
        let migrator = Migrator::new(vec![Fixture::with_mode(
            1,
            "fill codes",
            TransactionMode::None,
            move |m| {
                m.backfill(
                    Backfill::keyed::<i64>("bench", "id")
                        .set("code", CODE)
                        .pending("code IS NULL")
                        .batch_size(batch),
                    Undo::Nothing,
                );
            },
        )])
        .expect("migrator");
        let run = async {
            migrator.up(&db, None).await.expect("the backfill");
        };
        let (took, latencies) = with_writer(&db, settings.rows, run).await;
        line("lockgate `backfill`", took, latencies);
        let filled = common::scalar(&db, "SELECT COUNT(*) FROM bench WHERE code IS NOT NULL").await;
        assert_eq!(filled, settings.rows, "the backfill filled every row");
        db.close().await;
        test.drop_db().await;
    }
}
