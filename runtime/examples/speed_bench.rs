//! Start-up and apply speed against a floor measured in the same run: the same SQL through a bare sqlx pool.
//!
//! Prints medians, ratios to the floor, round trips, commits (and fsyncs on SQLite, where `strace` is there to
//! count them) per migration, and the memory of a large no-op start; asserts nothing about speed.
//!
//! `cargo run --release -p lockgate-runtime --example speed_bench [runs=20] [sizes=100,1000,10000] [cold=300]
//! [reps=3] [backends=postgres,mysql,sqlite]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::future::Future;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Fixture, TestDb, scalar};
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Database, Migrator};
use sqlx::AssertSqlSafe;

/// The benchmark's settings, from `key=value` arguments.
struct Settings {
    runs: usize,
    sizes: Vec<i64>,
    cold: i64,
    reps: usize,
    backends: Vec<Backend>,
}

impl Settings {
    fn from_args(args: &[String]) -> Settings {
        let mut settings = Settings {
            runs: 20,
            sizes: vec![100, 1_000, 10_000],
            cold: 300,
            reps: 3,
            backends: Backend::ALL.to_vec(),
        };
        for arg in args {
            let (key, value) = arg.split_once('=').unwrap_or((arg, ""));
            let number = || {
                value
                    .parse::<i64>()
                    .unwrap_or_else(|_| panic!("{key}: not a number: {value}"))
            };
            match key {
                "runs" => settings.runs = usize::try_from(number()).unwrap_or(1).max(1),
                "cold" => settings.cold = number(),
                "reps" => settings.reps = usize::try_from(number()).unwrap_or(1).max(1),
                "sizes" => settings.sizes = value.split(',').filter_map(|s| s.parse().ok()).collect(),
                "backends" => {
                    settings.backends = value
                        .split(',')
                        .map(|b| backend_named(b).unwrap_or_else(|| panic!("unknown backend {b}")))
                        .collect();
                }
                _ => panic!("unknown argument {arg}: expected runs=, sizes=, cold=, reps= or backends="),
            }
        }
        settings
    }
}

fn backend_named(name: &str) -> Option<Backend> {
    Backend::ALL.into_iter().find(|b| b.name() == name)
}

/// `count` migrations of one raw statement each, so that lockgate and the floor run the same SQL.
fn select_migrations(count: i64) -> Vec<Box<dyn Migration>> {
    (1..=count)
        .map(|v| {
            Fixture::boxed(v, &format!("migration {v}"), move |m| {
                m.sql(format!("SELECT {v}"), format!("SELECT -{v}"));
            })
        })
        .collect()
}

fn create_sql(v: i64) -> String {
    format!("CREATE TABLE t{v} (id integer PRIMARY KEY, v integer)")
}

/// `count` migrations that each create a table: the cold apply.
fn table_migrations(count: i64) -> Vec<Box<dyn Migration>> {
    (1..=count)
        .map(|v| {
            Fixture::boxed(v, &format!("table {v}"), move |m| {
                m.sql(create_sql(v), format!("DROP TABLE t{v}"));
            })
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn timed<T>(work: impl Future<Output = T>) -> (Duration, T) {
    let started = Instant::now();
    let out = work.await;
    (started.elapsed(), out)
}

fn ratio(ours: Duration, floor: Duration) -> f64 {
    ours.as_secs_f64() / floor.as_secs_f64()
}

/// What a tool-less service would do to learn that nothing is pending: read every applied version.
const FLOOR: &str = "SELECT version, checksum FROM lockgate_migrations ORDER BY version";

async fn floor_read(db: &Database) -> usize {
    let sql = AssertSqlSafe(FLOOR);
    let rows = match db {
        Database::Postgres(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
        Database::MySql(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
        Database::Sqlite(pool) => sqlx::raw_sql(sql).fetch_all(pool).await.map(|r| r.len()),
    };
    rows.expect("the floor query runs")
}

/// Runs a script through the simple-query protocol on one pooled connection.
async fn run_script(db: &Database, script: &str) {
    let sql = AssertSqlSafe(script.to_owned());
    let done = match db {
        Database::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        Database::MySql(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
    };
    done.expect("the floor script runs");
}

/// A database's counters of commits, statements and fsyncs, read before and after a run.
#[derive(Clone, Copy, Default)]
struct Counters {
    commits: i64,
    statements: Option<i64>,
    fsyncs: Option<i64>,
}

impl Counters {
    fn since(self, before: Counters) -> Counters {
        Counters {
            commits: self.commits - before.commits,
            statements: self.statements.zip(before.statements).map(|(a, b)| a - b),
            fsyncs: self.fsyncs.zip(before.fsyncs).map(|(a, b)| a - b),
        }
    }
}

/// PostgreSQL: transaction ids handed out (one per writing transaction, every one of which commits here);
/// MariaDB: `Com_commit` (explicit COMMITs: autocommitted writes are not counted), `Questions` and
/// `Innodb_data_fsyncs` (server-wide); SQLite: the file change counter, one per committed write.
async fn counters(test: &TestDb, db: &Database) -> Counters {
    match test.backend {
        // `txid_current()` takes an id of its own: the caller subtracts that one.
        Backend::Postgres => Counters {
            commits: scalar(db, "SELECT txid_current()").await,
            ..Counters::default()
        },
        Backend::MySql => {
            let status = |name: &str| {
                format!(
                    "SELECT CAST(VARIABLE_VALUE AS SIGNED) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '{name}'"
                )
            };
            Counters {
                commits: scalar(db, &status("COM_COMMIT")).await,
                statements: Some(scalar(db, &status("QUESTIONS")).await),
                fsyncs: Some(scalar(db, &status("INNODB_DATA_FSYNCS")).await),
            }
        }
        Backend::Sqlite => {
            let path = test.url.trim_start_matches("sqlite:");
            let header = std::fs::read(path).unwrap_or_default();
            let counter = header
                .get(24..28)
                .map_or(0, |b| i64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])));
            Counters {
                commits: counter,
                ..Counters::default()
            }
        }
    }
}

/// The cost of reading the counters themselves, subtracted from every delta.
fn reading_cost(backend: Backend) -> Counters {
    match backend {
        Backend::Postgres => Counters {
            commits: 1,
            ..Counters::default()
        },
        // The three status reads of the first snapshot, counted by the second.
        Backend::MySql => Counters {
            commits: 0,
            statements: Some(3),
            fsyncs: Some(0),
        },
        Backend::Sqlite => Counters::default(),
    }
}

/// The process's resident memory now and at its peak, in KiB, from `/proc/self/status` where there is one.
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l[name.len()..].trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("memory") => return memory_child(&args[1..]).await,
        Some("sqlite-cold") => return sqlite_cold_child(&args[1..]).await,
        _ => {}
    }
    let settings = Settings::from_args(&args);
    noop(&settings).await;
    cold(&settings).await;
    memory_report(&settings).await;
}

/// A fresh database with `count` migrations recorded as applied without running them: only the tracking rows
/// matter to a no-op start.
async fn applied_database(backend: Backend, count: i64) -> Option<(TestDb, Database)> {
    let test = TestDb::create(backend, "bench").await?;
    let db = test.connect().await;
    Migrator::new(select_migrations(count))
        .expect("migrator")
        .baseline(&db, count)
        .await
        .expect("baseline");
    Some((test, db))
}

/// A no-op `up` and `status` against the floor, warm (the migrator's checksums computed once per process) and
/// at a process's first start (planning and hashing every migration), on a warm pool and on a fresh one.
async fn noop(settings: &Settings) {
    println!(
        "\nno-op `up`: medians of {} runs; floor = `SELECT version, checksum` of every row through a bare pool",
        settings.runs
    );
    println!("(up/1st: its time at this N over its time at the first N: flat in N is 1)");
    println!(
        "{:<9} {:>6} {:>10} {:>10} {:>8} {:>8} {:>10} {:>8} {:>8} {:>11} {:>8} {:>8}",
        "backend",
        "N",
        "floor",
        "up",
        "ratio",
        "up/1st",
        "1st up",
        "ratio",
        "status",
        "fresh floor",
        "fresh up",
        "queries"
    );
    for &backend in &settings.backends {
        let mut smallest = None;
        for &count in &settings.sizes {
            let Some((test, db)) = applied_database(backend, count).await else {
                continue;
            };
            let warm = Migrator::new(select_migrations(count)).expect("migrator");
            warm.up(&db, None).await.expect("no-op up");
            // Each kind in a loop of its own, so that none runs in the wake of another's large read.
            let runs = settings.runs;
            let mut floor = Vec::with_capacity(runs);
            for _ in 0..runs {
                let (t, rows) = timed(floor_read(&db)).await;
                assert_eq!(rows, usize::try_from(count).unwrap_or(0));
                floor.push(t);
            }
            let mut up = Vec::with_capacity(runs);
            let mut queries = Vec::new();
            for _ in 0..runs {
                let before = warm.queries_executed();
                let (t, report) = timed(warm.up(&db, None)).await;
                assert!(report.expect("no-op up").applied.is_empty());
                up.push(t);
                queries.push(warm.queries_executed() - before);
            }
            // A service's first start: the list is built, then planned and hashed once.
            let mut first = Vec::with_capacity(runs);
            for _ in 0..runs {
                let list = select_migrations(count);
                let (t, report) = timed(async { Migrator::new(list).expect("migrator").up(&db, None).await }).await;
                assert!(report.expect("first up").applied.is_empty());
                first.push(t);
            }
            let mut status = Vec::with_capacity(runs);
            for _ in 0..runs {
                let (t, rows) = timed(warm.status(&db)).await;
                assert_eq!(rows.expect("status").len(), usize::try_from(count).unwrap_or(0));
                status.push(t);
            }
            let (mut fresh_floor, mut fresh_up) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
            for _ in 0..runs {
                let (t, ()) = timed(async {
                    let fresh = Database::connect(&test.url).await.expect("connect");
                    floor_read(&fresh).await;
                    fresh.close().await;
                })
                .await;
                fresh_floor.push(t);
                let (t, ()) = timed(async {
                    let fresh = Database::connect(&test.url).await.expect("connect");
                    assert!(warm.up(&fresh, None).await.expect("no-op up").applied.is_empty());
                    fresh.close().await;
                })
                .await;
                fresh_up.push(t);
            }
            queries.sort_unstable();
            queries.dedup();
            let (floor, up, first) = (median(floor), median(up), median(first));
            let fresh_floor = median(fresh_floor);
            let smallest = *smallest.get_or_insert(up);
            println!(
                "{:<9} {:>6} {:>10.2?} {:>10.2?} {:>7.2}x {:>7.2}x {:>10.2?} {:>7.2}x {:>7.2}x {:>11.2?} {:>7.2}x {:>8}",
                backend.name(),
                count,
                floor,
                up,
                ratio(up, floor),
                ratio(up, smallest),
                first,
                ratio(first, floor),
                ratio(median(status), floor),
                fresh_floor,
                ratio(median(fresh_up), fresh_floor),
                format!("{queries:?}")
            );
            db.close().await;
            test.drop_db().await;
        }
    }
}

/// What one cold apply cost.
struct Cold {
    took: Duration,
    counts: Counters,
    round_trips: u64,
}

/// Applies `count` table-creating migrations to a fresh database: the floor (every statement as one script
/// through a bare pool), lockgate one migration per transaction, and lockgate grouped.
async fn cold_once(backend: Backend, count: i64, mode: &str) -> Option<Result<Cold, String>> {
    let test = TestDb::create(backend, "bench").await?;
    let db = test.connect().await;
    let before = counters(&test, &db).await;
    let (result, round_trips) = match mode {
        "floor" => {
            let script: Vec<String> = (1..=count).map(create_sql).collect();
            let (took, ()) = timed(run_script(&db, &script.join(";\n"))).await;
            (Ok(took), 1)
        }
        _ => {
            let migrator = Migrator::new(table_migrations(count))
                .expect("migrator")
                .grouped(mode == "grouped");
            let (took, report) = timed(migrator.up(&db, None)).await;
            (
                report.map(|_| took).map_err(|e| e.to_string()),
                migrator.queries_executed(),
            )
        }
    };
    let after = counters(&test, &db).await;
    let cost = reading_cost(backend);
    let counts = after.since(before).since(cost);
    db.close().await;
    test.drop_db().await;
    Some(result.map(|took| Cold {
        took,
        counts,
        round_trips,
    }))
}

/// Cold apply: medians of `reps`, per-migration counts.
async fn cold(settings: &Settings) {
    let n = settings.cold;
    println!(
        "\ncold apply of {n} migrations (one CREATE TABLE each), medians of {}; floor = the same SQL as one script",
        settings.reps
    );
    println!(
        "{:<9} {:<8} {:>10} {:>8} {:>12} {:>13} {:>12} {:>12}",
        "backend", "mode", "time", "ratio", "round trips", "commits", "statements", "fsyncs"
    );
    let per = |x: f64| x / n as f64;
    const MODES: [&str; 3] = ["floor", "each", "grouped"];
    for &backend in &settings.backends {
        // The modes take turns within each repetition, so a machine that slows down or speeds up during the
        // run weighs on all of them alike.
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut last: [Option<Cold>; 3] = Default::default();
        let mut refused: [Option<String>; 3] = Default::default();
        'reps: for _ in 0..settings.reps {
            for (m, mode) in MODES.iter().enumerate() {
                if refused[m].is_some() {
                    continue;
                }
                match cold_once(backend, n, mode).await {
                    None => break 'reps,
                    Some(Ok(cold)) => {
                        times[m].push(cold.took);
                        last[m] = Some(cold);
                    }
                    Some(Err(e)) => refused[m] = Some(e),
                }
            }
        }
        let mut floor_time = None;
        for (m, mode) in MODES.iter().enumerate() {
            if let Some(e) = &refused[m] {
                println!("{:<9} {:<8} refused: {e}", backend.name(), mode);
                continue;
            }
            let Some(cold) = &last[m] else { continue };
            let took = median(std::mem::take(&mut times[m]));
            if m == 0 {
                floor_time = Some(took);
            }
            let fsyncs = match (backend, cold.counts.fsyncs) {
                (Backend::Sqlite, _) => {
                    sqlite_fsyncs(n, mode).map_or_else(|| "n/a".to_owned(), |f| format!("{:.2}", per(f as f64)))
                }
                (_, Some(f)) => format!("{:.2}", per(f as f64)),
                (_, None) => "-".to_owned(),
            };
            println!(
                "{:<9} {:<8} {:>10.2?} {:>7.2}x {:>12.2} {:>13.2} {:>12} {:>12}",
                backend.name(),
                mode,
                took,
                floor_time.map_or(1.0, |f| ratio(took, f)),
                per(cold.round_trips as f64),
                per(cold.counts.commits as f64),
                cold.counts
                    .statements
                    .map_or_else(|| "-".to_owned(), |s| format!("{:.2}", per(s as f64))),
                fsyncs
            );
        }
    }
}

/// The fsyncs of one SQLite cold apply, counted by running it in a child process under `strace`.
fn sqlite_fsyncs(count: i64, mode: &str) -> Option<u64> {
    let out_file = std::env::temp_dir().join(format!("lockgate-bench-strace-{}", std::process::id()));
    let status = Command::new("strace")
        .args(["-f", "-qq", "-c", "-e", "trace=fsync,fdatasync", "-o"])
        .arg(&out_file)
        .arg(std::env::current_exe().ok()?)
        .args(["sqlite-cold", &count.to_string(), mode])
        .status()
        .ok()?;
    let summary = std::fs::read_to_string(&out_file).ok();
    let _ = std::fs::remove_file(&out_file);
    if !status.success() {
        return None;
    }
    // `strace -c` prints a table whose fourth column is the number of calls.
    Some(
        summary?
            .lines()
            .filter(|l| l.ends_with("fsync") || l.ends_with("fdatasync"))
            .filter_map(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
            .sum(),
    )
}

/// Child process: one SQLite cold apply, for `strace` to count its fsyncs.
async fn sqlite_cold_child(args: &[String]) {
    let count: i64 = args.first().and_then(|a| a.parse().ok()).expect("a count");
    let mode = args.get(1).map_or("each", String::as_str);
    if cold_once(Backend::Sqlite, count, mode).await.is_none() {
        std::process::exit(1);
    }
}

/// Child process: the memory of a no-op start over `count` migrations on a prepared database, apart from
/// everything else.
async fn memory_child(args: &[String]) {
    let count: i64 = args.first().and_then(|a| a.parse().ok()).expect("a count");
    let url = args.get(1).expect("a database URL");
    let (base, _) = memory().unwrap_or_default();
    let list = select_migrations(count);
    let (with_list, _) = memory().unwrap_or_default();
    let db = Database::connect(url).await.expect("connect");
    let migrator = Migrator::new(list).expect("migrator");
    assert!(migrator.up(&db, None).await.expect("no-op up").applied.is_empty());
    let (after, peak) = memory().unwrap_or_default();
    println!("{base} {with_list} {after} {peak}");
    db.close().await;
}

/// The memory of a no-op start at the largest size, each backend in a process of its own.
async fn memory_report(settings: &Settings) {
    let Some(&count) = settings.sizes.iter().max() else {
        return;
    };
    println!("\nmemory of a no-op start over {count} migrations, in a process of its own (KiB)");
    println!(
        "{:<9} {:>10} {:>10} {:>10} {:>10} {:>16}",
        "backend", "before", "+list", "after up", "peak", "beyond list / N"
    );
    for &backend in &settings.backends {
        let Some((test, db)) = applied_database(backend, count).await else {
            continue;
        };
        db.close().await;
        let out = Command::new(std::env::current_exe().expect("own path"))
            .args(["memory", &count.to_string(), &test.url])
            .output()
            .expect("the memory child runs");
        test.drop_db().await;
        let text = String::from_utf8_lossy(&out.stdout);
        let numbers: Vec<u64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        let [base, list, after, peak] = numbers[..] else {
            println!(
                "{:<9} not measured: {}",
                backend.name(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            continue;
        };
        let beyond = peak.saturating_sub(list) as f64 * 1024.0 / count as f64;
        println!(
            "{:<9} {:>10} {:>10} {:>10} {:>10} {:>13.0} B",
            backend.name(),
            base,
            list,
            after,
            peak,
            beyond
        );
    }
}
