//! Start-up cost of a migrator with nothing to do: the number of queries and the time of a no-op `up` with
//! 1,000 applied migrations, per backend. Prints numbers; asserts nothing about speed.
//!
//! `cargo run --release -p lockgate-runtime --example startup_bench [migrations] [runs]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Fixture, TestDb};
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::Migrator;

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

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    println!("no-op `up` with {count} applied migrations, {runs} runs per backend");
    println!(
        "{:<9} {:>10} {:>16} {:>12} {:>12} {:>12}",
        "backend", "apply all", "queries/no-op", "median", "min", "max"
    );
    for backend in Backend::ALL {
        let Some(test) = TestDb::create(backend, "bench").await else {
            continue;
        };
        let db = test.connect().await;
        let migrator = Migrator::new(migrations(count)).expect("migrator");
        let started = Instant::now();
        let report = migrator.up(&db, None).await.expect("apply all");
        let apply = started.elapsed();
        assert_eq!(report.applied.len(), usize::try_from(count).unwrap_or(0));

        // A fresh migrator per run, as at a service's start-up.
        let mut samples = Vec::with_capacity(runs);
        let mut queries = Vec::with_capacity(runs);
        for _ in 0..runs {
            let migrator = Migrator::new(migrations(count)).expect("migrator");
            let started = Instant::now();
            let report = migrator.up(&db, None).await.expect("no-op up");
            samples.push(started.elapsed());
            assert!(report.applied.is_empty());
            queries.push(migrator.queries_executed());
        }
        let max = samples.iter().max().copied().unwrap_or_default();
        let min = samples.iter().min().copied().unwrap_or_default();
        queries.dedup();
        println!(
            "{:<9} {:>10.2?} {:>16} {:>12.2?} {:>12.2?} {:>12.2?}",
            backend.name(),
            apply,
            format!("{queries:?}"),
            median(samples),
            min,
            max
        );
        db.close().await;
        test.drop_db().await;
    }
}
