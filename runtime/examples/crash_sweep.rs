//! The randomized crash sweep: hundreds of runs per backend of a mixed migration set (transactional,
//! step-by-step, data steps, `CREATE INDEX CONCURRENTLY` on PostgreSQL, table rebuilds on SQLite), each migrator
//! process killed with SIGKILL at a random instant and recovered by a plain `up`. After every recovery: each
//! migration applied exactly once (an audit table), the schema equal to a clean run's (introspection), the data
//! sentinels intact. Prints runs, kills that left a run partway (some migrations committed, not all), and
//! violations; asserts nothing.
//!
//! `cargo run --release -p lockgate-runtime --example crash_sweep [runs per backend] [backends...]`
//! (defaults: 300 runs; postgres, mysql and sqlite)

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Fixture, TestDb, scalar};
use lockgate_dsl::schema::{CheckDef, IndexDef};
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::schema::{CompareOptions, Schema, compare};
use lockgate_runtime::{Database, Migrator, State};

/// Rows the data migration copies: enough that a kill often lands inside it.
const ROWS: i64 = 20_000;
const AUDITED: [i64; 5] = [1, 2, 3, 4, 5];

fn migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Fixture::boxed(1, "audit and hot tables, with a sentinel", |m| {
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
            // Five digits crossed: MariaDB stops recursive queries at 1000 iterations.
            let digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 \
                          UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
            m.sql(
                format!(
                    "INSERT INTO hot (id, c1) SELECT n, 0 FROM (SELECT a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 \
                     + f.d + 2 AS n FROM {digits} a, {digits} b, {digits} c, {digits} e, {digits} f) numbers \
                     WHERE n <= {}",
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
        Fixture::with_mode(3, "a column and an index, step by step", TransactionMode::None, |m| {
            m.add_column::<Option<i32>>("hot", "c2");
            m.create_index(IndexDef::new("hot", ["c1"]));
            m.sql(
                "INSERT INTO audit (version) VALUES (3)",
                "DELETE FROM audit WHERE version = 3",
            );
        }),
        // On SQLite, a check on an existing table is a table rebuild that copies every row.
        Fixture::boxed(4, "a check on the hot table", |m| {
            m.add_check(CheckDef::new("hot", "hot_c1_small", "c1 < 1000"));
            m.sql(
                "INSERT INTO audit (version) VALUES (4)",
                "DELETE FROM audit WHERE version = 4",
            );
        }),
        Fixture::boxed(5, "a table and its rows in one transaction", |m| {
            m.create_table("t5", |t| {
                t.column::<i64>("id").primary_key();
            });
            m.sql("INSERT INTO t5 (id) SELECT id FROM hot", "DELETE FROM t5");
            m.sql(
                "INSERT INTO audit (version) VALUES (5)",
                "DELETE FROM audit WHERE version = 5",
            );
        }),
        Fixture::for_backends_with_mode(
            6,
            "an index built concurrently",
            &[Backend::Postgres],
            TransactionMode::None,
            |m| {
                m.create_index(IndexDef::new("hot", ["c2"]).concurrently());
            },
        ),
    ]
}

/// Worker mode: one plain `up`, killed from outside.
fn worker() {
    let url = std::env::var("LOCKGATE_SWEEP_URL").expect("LOCKGATE_SWEEP_URL");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = Database::connect(&url).await.expect("worker connects");
        let _ = Migrator::new(migrations()).expect("migrator").up(&db, None).await;
    });
}

/// What must hold after a recovery, compared with a clean run.
async fn state(migrator: &Migrator, db: &Database) -> (Schema, Vec<i64>, i64, i64, i64) {
    let int = |expr: &str| match db.backend() {
        Backend::MySql => format!("CAST({expr} AS SIGNED)"),
        _ => format!("CAST({expr} AS BIGINT)"),
    };
    let mut audit = Vec::new();
    for v in AUDITED {
        audit.push(scalar(db, &format!("SELECT COUNT(*) FROM audit WHERE version = {v}")).await);
    }
    (
        migrator.introspect(db).await.expect("introspect"),
        audit,
        scalar(db, "SELECT COUNT(*) FROM hot").await,
        scalar(db, &format!("SELECT {} FROM hot WHERE id = 1", int("c1"))).await,
        scalar(
            db,
            &format!("SELECT {} FROM hot WHERE id > 1", int("COALESCE(SUM(c1), 0)")),
        )
        .await,
    )
}

/// A small xorshift generator, seeded from the clock: the kill instants need no more.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

struct Counts {
    runs: usize,
    partway: usize,
    violations: Vec<String>,
}

async fn sweep(backend: Backend, runs: usize, random: &mut Random) -> Option<Counts> {
    let migrator = Migrator::new(migrations())
        .expect("migrator")
        .with_wait_deadline(Duration::from_secs(30));
    // A clean run: its duration bounds the kill instants, its state is the reference.
    let test = TestDb::create(backend, "sweep").await?;
    let db = test.connect().await;
    let started = Instant::now();
    migrator.up(&db, None).await.expect("a clean run");
    let clean_time = started.elapsed();
    let clean = state(&migrator, &db).await;
    db.close().await;
    test.drop_db().await;

    let mut counts = Counts {
        runs: 0,
        partway: 0,
        violations: Vec::new(),
    };
    // A worker process also spends time starting and connecting: kill anywhere up to twice a clean run.
    let window = (clean_time * 2).as_micros().max(1) as u64 + 30_000;
    for run in 0..runs {
        let test = TestDb::create(backend, "sweep").await?;
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env("LOCKGATE_SWEEP_WORKER", "1")
            .env("LOCKGATE_SWEEP_URL", &test.url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn worker");
        let delay = Duration::from_micros(random.next() % window);
        tokio::time::sleep(delay).await;
        let _ = child.kill();
        let _ = child.wait();
        // A server session the worker left mid-statement runs it to its end, then sees the client gone: the
        // recovery waits for the migration lock it holds until then.
        let db = test.connect().await;
        let status = migrator.status(&db).await.unwrap_or_default();
        // Killed partway: something committed, not everything. (A transactional migration leaves no row
        // until it commits, so a kill inside the first one looks like a kill before the run.)
        let started = status
            .iter()
            .any(|s| matches!(s.state, State::Running | State::Applied));
        let finished = status
            .iter()
            .all(|s| matches!(s.state, State::Applied | State::Skipped));
        if started && !finished {
            counts.partway += 1;
        }
        let recovered = migrator.up(&db, None).await;
        let violation = match recovered {
            Err(e) => Some(format!("recovery failed: {e}")),
            Ok(_) => {
                let found = state(&migrator, &db).await;
                let schema = compare(&clean.0, &found.0, CompareOptions::default());
                if !schema.is_empty() {
                    Some(format!("schema differs from a clean run's: {schema:?}"))
                } else if found.1 != clean.1 || (found.2, found.3, found.4) != (clean.2, clean.3, clean.4) {
                    Some(format!(
                        "data: audit {:?}, rows {}, sentinel {}, updated {} (clean: {:?}, {}, {}, {})",
                        found.1, found.2, found.3, found.4, clean.1, clean.2, clean.3, clean.4
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(v) = violation {
            eprintln!("{backend} run {run} (killed after {delay:?}): {v}");
            counts.violations.push(v);
        }
        counts.runs += 1;
        db.close().await;
        test.drop_db().await;
    }
    Some(counts)
}

fn main() {
    if std::env::var_os("LOCKGATE_SWEEP_WORKER").is_some() {
        worker();
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = args.first().and_then(|a| a.parse().ok()).unwrap_or(300);
    let names: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64
        | 1;
    let mut random = Random(seed);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("seed {seed}");
    println!(
        "{:<9} {:>5} {:>13} {:>11} {:>9}",
        "backend", "runs", "left partway", "violations", "time"
    );
    for backend in Backend::ALL {
        if !names.is_empty() && !names.contains(&backend.name()) {
            continue;
        }
        let started = Instant::now();
        if let Some(counts) = runtime.block_on(sweep(backend, runs, &mut random)) {
            println!(
                "{:<9} {:>5} {:>13} {:>11} {:>8.0?}",
                backend.name(),
                counts.runs,
                counts.partway,
                counts.violations.len(),
                started.elapsed()
            );
        }
    }
}
