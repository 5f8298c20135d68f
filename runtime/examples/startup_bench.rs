//! Start-up cost of a migrator with nothing to do, against a floor measured in the same run: the same check
//! through a bare sqlx pool with no tool (one `SELECT version, checksum` of the tracking table). Prints medians,
//! ratios to the floor and query counts per backend and list size, then the peak memory; asserts nothing
//! about speed.
//!
//! `cargo run --release -p lockgate-runtime --example startup_bench [runs] [sizes...]`
//! (defaults: 20 runs; 100, 1000 and 10000 migrations)

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Fixture, TestDb};
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Database, Migrator};
use sqlx::AssertSqlSafe;

fn migrations(count: i64) -> Vec<Box<dyn Migration>> {
    (1..=count)
        .map(|v| {
            Fixture::boxed(v, &format!("migration {v}"), move |m| {
                m.sql(format!("SELECT {v}"), format!("SELECT -{v}"));
            })
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// What a tool-less service would do to learn that nothing is pending: read every applied version.
const FLOOR: &str = "SELECT version, checksum FROM lockgate_migrations ORDER BY version";

async fn floor(db: &Database) -> usize {
    let sql = AssertSqlSafe(FLOOR);
    let rows = match db {
        Database::Postgres(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
        Database::MySql(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
        Database::Sqlite(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
    };
    rows.expect("the floor query runs")
}

/// The process's peak resident memory, from `/proc/self/status` where there is one.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let mut sizes: Vec<i64> = args.filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![100, 1_000, 10_000];
    }
    println!("no-op `up`, a fresh migrator per run as at a service's start, {runs} runs, warm pool");
    println!(
        "{:<9} {:>7} {:>12} {:>12} {:>8} {:>9}",
        "backend", "N", "floor", "lockgate", "ratio", "queries"
    );
    for backend in Backend::ALL {
        for &count in &sizes {
            let Some(test) = TestDb::create(backend, "bench").await else {
                continue;
            };
            let db = test.connect().await;
            // Recorded as applied without running: only the tracking rows matter to a no-op start.
            let migrator = Migrator::new(migrations(count)).expect("migrator");
            migrator.baseline(&db, count).await.expect("baseline");
            let mut ours = Vec::with_capacity(runs);
            let mut theirs = Vec::with_capacity(runs);
            let mut queries = Vec::with_capacity(runs);
            for _ in 0..runs {
                let list = migrations(count);
                let migrator = Migrator::new(list).expect("migrator");
                let started = Instant::now();
                let report = migrator.up(&db, None).await.expect("no-op up");
                ours.push(started.elapsed());
                assert!(report.applied.is_empty());
                queries.push(migrator.queries_executed());
                let started = Instant::now();
                let rows = floor(&db).await;
                theirs.push(started.elapsed());
                assert_eq!(rows, usize::try_from(count).unwrap_or(0));
            }
            queries.sort_unstable();
            queries.dedup();
            let (ours, theirs) = (median(ours), median(theirs));
            println!(
                "{:<9} {:>7} {:>12.2?} {:>12.2?} {:>7.2}x {:>9}",
                backend.name(),
                count,
                theirs,
                ours,
                ours.as_secs_f64() / theirs.as_secs_f64(),
                format!("{queries:?}")
            );
            db.close().await;
            test.drop_db().await;
        }
    }
    println!("peak resident memory: {}", peak_rss());
}
