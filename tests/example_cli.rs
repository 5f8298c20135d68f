//! The `contracts` example binary, run as a subprocess against SQLite, PostgreSQL and MariaDB.

mod example;

use example::{TempDir, contracts, contracts_with, expect};
use lockgate_test_support::{Server, TestDatabase};
use serde_json::Value;
// Statements come from this file or the example's `plan`: never input.
use sqlx::AssertSqlSafe;

const MIGRATIONS: usize = 9;
const BACKFILL: &str = "20250107162200";
const PARITY_CHECK: &str = "20250107162300";

fn states(status: &Value) -> Vec<String> {
    status["migrations"]
        .as_array()
        .expect("a migrations array")
        .iter()
        .map(|m| m["state"].as_str().expect("a state").to_owned())
        .collect()
}

/// A database the scenario may write to directly, to break the parity check on purpose.
enum Direct {
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

impl Direct {
    /// Runs SQL this file wrote, or that the example's own `plan` printed.
    async fn execute(&self, sql: &str) {
        let result = match self {
            Direct::Postgres(pool) => sqlx::raw_sql(AssertSqlSafe(sql)).execute(pool).await.map(drop),
            Direct::MySql(pool) => sqlx::raw_sql(AssertSqlSafe(sql)).execute(pool).await.map(drop),
            Direct::Sqlite(pool) => sqlx::raw_sql(AssertSqlSafe(sql)).execute(pool).await.map(drop),
        };
        result.unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
    }

    async fn close(self) {
        match self {
            Direct::Postgres(pool) => pool.close().await,
            Direct::MySql(pool) => pool.close().await,
            Direct::Sqlite(pool) => pool.close().await,
        }
    }
}

/// Everything the example must do on one database, which starts empty.
async fn scenario(backend: &str, url: &str, direct: &Direct) {
    // A fresh database: everything pending, and `status --check` says so with exit code 3.
    let fresh = expect(url, &["status", "--check"], 3);
    assert!(
        fresh
            .stdout
            .contains(&format!("{MIGRATIONS} migrations: {MIGRATIONS} pending")),
        "{fresh:?}"
    );

    // The plan is the exact SQL for this backend; a person has read the snapshot.
    let plan = expect(url, &["plan"], 0);
    insta::assert_snapshot!(format!("plan_up_{backend}"), plan.stdout);
    // The offline plan of an empty database is the same script, but for its first line and, on SQLite,
    // the note before each rebuild (connected, a rebuild of a table that does not exist yet is only
    // described as well).
    let offline = expect(url, &["plan", "--backend", backend], 0);
    assert_eq!(
        without_header(&offline.stdout)
            .lines()
            .filter(|line| !line.starts_with("-- the statements of this rebuild depend on the live table"))
            .collect::<Vec<_>>(),
        without_header(&plan.stdout).lines().collect::<Vec<_>>(),
        "offline:\n{}\nconnected:\n{}",
        offline.stdout,
        plan.stdout
    );
    let plan_json = expect(url, &["plan", "--format", "json"], 0).json();
    assert_eq!(plan_json["backend"], backend);
    assert_eq!(plan_json["direction"], "up");
    assert_eq!(plan_json["migrations"].as_array().map(Vec::len), Some(MIGRATIONS));
    assert!(
        plan_json["migrations"][0]["statements"][0]
            .as_str()
            .is_some_and(|s| s.contains("contracts"))
    );

    // Up applies everything, one progress line each, then prints the status table.
    let up = expect(url, &["up"], 0);
    assert_eq!(
        up.stdout
            .lines()
            .filter(|l| l.starts_with("applying ") && l.contains(" ok ("))
            .count(),
        MIGRATIONS
    );
    assert!(
        up.stdout
            .contains(&format!("{MIGRATIONS} migrations: {MIGRATIONS} applied")),
        "{up:?}"
    );

    let status = expect(url, &["status", "--format", "json"], 0).json();
    assert_eq!(status["backend"], backend);
    assert_eq!(status["pending"], 0);
    assert_eq!(states(&status), vec!["applied"; MIGRATIONS]);
    let first = &status["migrations"][0];
    assert_eq!(first["version"], 20250101090000_i64);
    assert_eq!(first["name"], "Create the legacy contracts tables.");
    assert!(
        first["applied_at"].as_str().is_some_and(|at| at.starts_with("20")),
        "{first}"
    );
    assert!(first["duration_ms"].is_u64(), "{first}");
    assert!(first["applied_by"].is_string(), "{first}");
    expect(url, &["status", "--check"], 0);

    // Down: one step by default, then all the way.
    let down = expect(url, &["down", "--format", "json"], 0).json();
    assert_eq!(down["command"], "down");
    assert_eq!(down["applied"][0]["version"], 20250114100100_i64);
    assert_eq!(down["applied"][0]["direction"], "down");
    let plan_down = expect(url, &["plan", "down", "--to", "0"], 0);
    insta::assert_snapshot!(format!("plan_down_{backend}"), plan_down.stdout);
    let all_down = expect(url, &["down", "--to", "0"], 0);
    assert_eq!(
        all_down.stdout.lines().filter(|l| l.starts_with("reverting ")).count(),
        MIGRATIONS - 1
    );
    let status = expect(url, &["status", "--format", "json"], 0).json();
    assert_eq!(states(&status), vec!["pending"; MIGRATIONS]);

    // Up again, then redo the last one.
    expect(url, &["up"], 0);
    let redo = expect(url, &["redo", "--format", "json"], 0).json();
    let directions: Vec<&str> = redo["applied"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["direction"].as_str())
        .collect();
    assert_eq!(directions, ["down", "up"]);

    // The parity check stops the cutover when a template is written behind the backfill's back.
    expect(url, &["down", "--to", BACKFILL], 0);
    // The backfill is idempotent: its statements, run again on a backfilled database, copy nothing twice
    // (a second copy would break the primary keys, or the parity check below).
    let backfill = plan_json["migrations"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["version"].as_i64() == BACKFILL.parse().ok()))
        .expect("the fresh plan has the backfill");
    for statement in backfill["statements"].as_array().expect("statements") {
        direct.execute(statement.as_str().expect("a statement")).await;
    }
    expect(url, &["up", "--to", PARITY_CHECK], 0);
    expect(url, &["down", "--to", BACKFILL], 0);
    direct
        .execute(
            "INSERT INTO contracts (id, tenant, name, is_template) VALUES \
             ('00000000-0000-4000-8000-0000000000a9', '00000000-0000-4000-8000-00000000000a', 'Late template', TRUE)",
        )
        .await;
    let failed = expect(url, &["up"], 1);
    let paragraph = failed.stderr.trim_end();
    assert!(
        paragraph.starts_with(&format!("error: up failed: migration {PARITY_CHECK}")),
        "{failed:?}"
    );
    // The parity checkpoint names the tenant whose templates differ, and by how much.
    assert!(
        paragraph.contains("group `00000000-0000-4000-8000-00000000000a` differs: 3 on the left, 2 on the right"),
        "{failed:?}"
    );
    assert!(paragraph.contains("\n  hint: "), "{failed:?}");
    assert!(!paragraph.contains("\n\n"), "one paragraph: {failed:?}");
    // A failed migration fails the CI gate with 1, not 3: someone has to look before `up` runs again.
    let gate = expect(url, &["status", "--check"], 1);
    assert!(gate.stdout.contains("1 failed"), "{gate:?}");
    // Reverting the backfill and applying it again copies the late template; the check then passes.
    expect(url, &["down"], 0);
    expect(url, &["up"], 0);
    expect(url, &["status", "--check"], 0);

    // The live schema: every migration round-trips in a scratch database; no drift until a column is added by
    // hand, and none once it is gone again.
    let verify = expect(url, &["verify"], 0);
    assert!(
        verify
            .stdout
            .contains(&format!("{MIGRATIONS} migrations: {MIGRATIONS} verified, 0 skipped")),
        "{verify:?}"
    );
    let verify = expect(url, &["verify", "--format", "json"], 0).json();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["migrations"][0]["outcome"], "verified");
    expect(url, &["drift"], 0);
    direct
        .execute("ALTER TABLE contract_templates ADD COLUMN added_by_hand integer")
        .await;
    let drift = expect(url, &["drift", "--format", "json"], 1).json();
    let differences = drift["differences"].as_array().expect("a differences array");
    assert_eq!(differences.len(), 1, "{drift}");
    assert_eq!(differences[0]["object"], "column `contract_templates`.`added_by_hand`");
    assert_eq!(differences[0]["change"], "extra");
    let drift = expect(url, &["drift"], 1);
    assert!(
        drift
            .stdout
            .starts_with("extra column `contract_templates`.`added_by_hand`: int"),
        "{drift:?}"
    );
    // SQLite's DROP COLUMN trusts the connection's cached schema, which a pooled connection may have read
    // before the ADD: a read first makes it look again.
    direct
        .execute("SELECT * FROM contract_templates LIMIT 0; ALTER TABLE contract_templates DROP COLUMN added_by_hand")
        .await;
    expect(url, &["drift"], 0);
    expect(url, &["diff", url, url], 0);

    // Usage errors exit with 2.
    expect(url, &["down", "--steps", "1", "--to", BACKFILL], 2);
    expect(url, &["frobnicate"], 2);
}

#[test]
fn sqlite_in_a_temporary_directory() {
    let temp = TempDir::new("example_sqlite");
    let dir = temp.0.clone();
    let url = format!("sqlite:{}?mode=rwc", dir.join("scenario.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("the SQLite file opens");
        let direct = Direct::Sqlite(pool);
        scenario("sqlite", &url, &direct).await;
        direct.close().await;
    });

    // Baseline adopts an existing database: it records migrations as applied without running them.
    let adopted = format!("sqlite:{}?mode=rwc", dir.join("adopted.db").display());
    let baseline = expect(&adopted, &["baseline", "20250101090100", "--format", "json"], 0).json();
    assert_eq!(baseline["command"], "baseline");
    assert_eq!(baseline["applied"].as_array().map(Vec::len), Some(2));
    assert_eq!(baseline["applied"][1]["duration_ms"], 0);
    assert_eq!(states(&baseline)[..3], ["applied", "applied", "pending"]);

    // `diff` against a database two migrations in: exactly what the other seven add, change and drop.
    let full = format!("sqlite:{}?mode=rwc", dir.join("scenario.db").display());
    let behind = format!("sqlite:{}?mode=rwc", dir.join("behind.db").display());
    expect(&behind, &["up", "--to", "20250101090100"], 0);
    let diff = expect(&behind, &["diff", &full, &behind, "--format", "json"], 1).json();
    let differences: Vec<(String, String)> = diff["differences"]
        .as_array()
        .expect("a differences array")
        .iter()
        .map(|d| {
            (
                d["change"].as_str().unwrap().to_owned(),
                d["object"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for table in ["contract_templates", "contract_template_lines", "pricing_schedules"] {
        assert!(
            differences.contains(&("missing".to_owned(), format!("table `{table}`"))),
            "{differences:?}"
        );
    }
    assert!(
        differences.contains(&("extra".to_owned(), "column `contracts`.`is_template`".to_owned())),
        "{differences:?}"
    );
    // `--emit sql` prints what B lacks as SQL, changes only as comments.
    let emitted = expect(&behind, &["diff", &full, &behind, "--emit", "sql"], 0);
    assert!(
        emitted.stdout.contains("CREATE TABLE \"contract_templates\" ("),
        "{emitted:?}"
    );
    assert!(!emitted.stdout.contains("DROP "), "additive unless asked: {emitted:?}");
    let destructive = expect(
        &behind,
        &["diff", &full, &behind, "--emit", "sql", "--allow-destructive"],
        0,
    );
    assert!(
        destructive
            .stdout
            .contains("ALTER TABLE \"contracts\" DROP COLUMN \"is_template\";"),
        "{destructive:?}"
    );
    expect(&behind, &["up"], 0);
    expect(&behind, &["diff", &full, &behind], 0);

    // Without a URL the binary uses `contracts.db` in the working directory: `status` only reads, so it shows
    // everything pending without creating the file; `up` creates it.
    let local = contracts(&dir, &["status", "--format", "json"]);
    assert_eq!(local.code, 0, "{local:?}");
    assert_eq!(states(&local.json()), vec!["pending"; MIGRATIONS]);
    assert!(!dir.join("contracts.db").exists());
    assert_eq!(contracts(&dir, &["up"]).code, 0);
    assert!(dir.join("contracts.db").exists());
}

/// The scenario on a fresh database of `server`, dropped afterwards even when the scenario fails.
async fn fresh_database(server: Server) {
    let Some(database) = TestDatabase::create(server, "example_cli").await else {
        return;
    };
    let url = database.url().to_owned();
    let direct = match server {
        Server::Postgres => Direct::Postgres(sqlx::PgPool::connect(&url).await.expect("connect to the new database")),
        Server::MySql => Direct::MySql(
            sqlx::MySqlPool::connect(&url)
                .await
                .expect("connect to the new database"),
        ),
    };
    let outcome = tokio::spawn(async move {
        scenario(server.name(), &url, &direct).await;
        direct.close().await;
    })
    .await;
    database.drop_database().await.expect("drop database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_fresh_database() {
    fresh_database(Server::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_fresh_database() {
    fresh_database(Server::MySql).await;
}

#[test]
fn an_unreachable_server_is_one_paragraph_and_exit_code_1() {
    let dir = std::env::temp_dir();
    let run = contracts(
        &dir,
        &[
            "status",
            "--database-url",
            "postgres://postgres:secret@127.0.0.1:1/test",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let paragraph = run.stderr.trim_end();
    assert!(
        paragraph.starts_with("error: status failed: cannot connect to the postgres database"),
        "{run:?}"
    );
    assert!(
        paragraph.contains("\n  database: postgres://postgres:***@127.0.0.1:1/test"),
        "{run:?}"
    );
    assert!(
        paragraph.contains("\n  hint: check that the database server is running"),
        "{run:?}"
    );
    assert!(!paragraph.contains("secret"), "the password is never printed: {run:?}");
    assert!(!paragraph.contains("\n\n"), "one paragraph: {run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");

    let json = contracts(
        &dir,
        &[
            "up",
            "--format",
            "json",
            "--database-url",
            "mysql://root@127.0.0.1:1/test",
        ],
    );
    assert_eq!(json.code, 1, "{json:?}");
    let error = &json.json()["error"];
    assert_eq!(error["command"], "up");
    assert_eq!(error["exit_code"], 1);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot connect to the mysql database")),
        "{json:?}"
    );
}

#[test]
fn a_bad_url_is_one_paragraph_and_exit_code_1() {
    let run = contracts(
        &std::env::temp_dir(),
        &["status", "--database-url", "oracle://scott@db/orcl"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: status failed: unsupported database url `oracle`"),
        "{run:?}"
    );
    assert!(run.stderr.contains("\n  hint: pass --database-url"), "{run:?}");
}

#[test]
fn a_command_that_only_reads_never_creates_a_sqlite_file() {
    let dir = std::env::temp_dir().join(format!("lockgate_readonly_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let missing = dir.join("mistyped.db");
    let url = format!("sqlite:{}", missing.display());
    for args in [
        vec!["status", "--database-url", url.as_str()],
        vec!["plan", "--database-url", url.as_str()],
        vec!["status"],
    ] {
        let run = contracts(&dir, &args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert!(
            run.stderr.starts_with("note: no database file at `"),
            "{args:?}: {run:?}"
        );
        assert!(
            run.stderr.contains("` yet; `")
                && run
                    .stderr
                    .contains("reads it as empty and does not create it (`up` does)"),
            "{args:?}: {run:?}"
        );
    }
    let status = contracts(&dir, &["status", "--check", "--database-url", url.as_str()]);
    assert_eq!(status.code, 3, "everything is pending: {status:?}");
    let left: Vec<_> = std::fs::read_dir(&dir).expect("the directory").collect();
    assert!(left.is_empty(), "nothing may be created: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plan's script without its first line, the one that says how the plan was made.
fn without_header(script: &str) -> &str {
    script.split_once('\n').map_or("", |(_, rest)| rest)
}

/// `plan --backend` renders every migration without a database: each URL points at nothing that
/// answers (a closed port, a file in a missing directory), so a connection attempt would fail the run.
#[test]
fn plan_with_a_backend_renders_offline_without_any_database() {
    let missing = TempDir::new("example_offline");
    let sqlite_file = missing.0.join("missing").join("never.db");
    let sqlite_url = format!("sqlite:{}", sqlite_file.display());
    for (backend, url) in [
        ("postgres", "postgres://postgres@127.0.0.1:1/test"),
        ("mysql", "mysql://root@127.0.0.1:1/test"),
        ("sqlite", sqlite_url.as_str()),
    ] {
        let up = expect(url, &["plan", "--backend", backend], 0);
        assert!(up.stderr.is_empty(), "{up:?}");
        insta::assert_snapshot!(format!("plan_offline_up_{backend}"), up.stdout);
        let down = expect(url, &["plan", "down", "--backend", backend], 0);
        insta::assert_snapshot!(format!("plan_offline_down_{backend}"), down.stdout);

        let json = expect(
            url,
            &["plan", "--backend", backend, "--format", "json", "--to", BACKFILL],
            0,
        )
        .json();
        assert_eq!(json["backend"], backend);
        assert_eq!(json["direction"], "up");
        assert_eq!(json["offline"], true);
        let versions: Vec<i64> = json["migrations"]
            .as_array()
            .expect("a migrations array")
            .iter()
            .filter_map(|m| m["version"].as_i64())
            .collect();
        assert_eq!(versions.len(), 5, "{json}");
        assert_eq!(versions.last(), BACKFILL.parse::<i64>().ok().as_ref());
        let down_to = expect(url, &["plan", "down", "--backend", backend, "--to", PARITY_CHECK], 0);
        assert!(
            down_to.stdout.starts_with(&format!(
                "-- down on {backend}, offline, as if every migration were applied: 3 migrations\n"
            )),
            "{down_to:?}"
        );
    }
    // The SQLite URL was never opened: opening it would have failed, or created the file.
    assert!(!sqlite_file.exists());
    // A version this binary does not know is an error, as when connected.
    let unknown = expect(
        "postgres://postgres@127.0.0.1:1/test",
        &["plan", "--backend", "postgres", "--to", "7"],
        1,
    );
    assert!(
        unknown.stderr.starts_with("error: plan failed: ") && unknown.stderr.contains("7"),
        "{unknown:?}"
    );
    assert!(!unknown.stderr.contains("cannot connect"), "{unknown:?}");
    // Without --backend, plan connects, and the closed port fails it.
    expect("postgres://postgres@127.0.0.1:1/test", &["plan"], 1);
    // A backend the binary does not know is a usage error.
    expect(
        "postgres://postgres@127.0.0.1:1/test",
        &["plan", "--backend", "oracle"],
        2,
    );
}

#[test]
fn help_documents_commands_and_exit_codes() {
    let help = contracts(&std::env::temp_dir(), &["--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    insta::assert_snapshot!("help", help.stdout);
    for word in [
        "status",
        "up",
        "down",
        "redo",
        "plan",
        "baseline",
        "verify",
        "drift",
        "diff",
        "DATABASE_URL",
        "Exit codes:",
        "3  pending",
    ] {
        assert!(help.stdout.contains(word), "`{word}` missing from:\n{}", help.stdout);
    }
    let usage = contracts(&std::env::temp_dir(), &["diff", "sqlite:a.db"]);
    assert_eq!(usage.code, 2, "`diff` needs two URLs: {usage:?}");
}

/// `new` writes a typed migration or an SQL pair, named by the version and the name, and never overwrites.
#[test]
fn new_writes_a_migration_file_and_never_overwrites_one() {
    let temp = TempDir::new("example_new");
    let dir = temp.0.clone();
    let run = contracts(&dir, &["new", "add contract templates", "--version", "20250101090000"]);
    assert_eq!(run.code, 0, "{run:?}");
    let file = dir.join("migrations/m20250101090000_add_contract_templates.rs");
    let text = std::fs::read_to_string(&file).expect("the file was written");
    assert!(text.contains("pub struct AddContractTemplates;"), "{text}");
    assert!(text.contains("#[migration(version = 20250101090000)]"), "{text}");
    assert!(
        run.stdout
            .contains("add `AddContractTemplates` to your `migrations![...]` list"),
        "{run:?}"
    );

    let again = contracts(&dir, &["new", "add contract templates", "--version", "20250101090000"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("exists already"), "{again:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the file is untouched");

    let sql = contracts(
        &dir,
        &["new", "backfill names", "--sql", "--dir", "sql", "--version", "7"],
    );
    assert_eq!(sql.code, 0, "{sql:?}");
    assert!(dir.join("sql/7_backfill_names.up.sql").is_file());
    assert!(dir.join("sql/7_backfill_names.down.sql").is_file());
}

/// `adopt <tool>` reads that tool's history table; without one it says so and exits with 1.
#[test]
fn adopt_names_the_table_it_did_not_find() {
    let temp = TempDir::new("example_adopt");
    let url = format!("sqlite:{}?mode=rwc", temp.0.join("adopt.db").display());
    let run = contracts(&temp.0, &["--database-url", &url, "adopt", "diesel"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("there is no `__diesel_schema_migrations` table on this database"),
        "{run:?}"
    );
    // With diesel's table there, `status` points at `adopt diesel`; `adopt` then reads it.
    tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.expect("the SQLite file opens");
            sqlx::raw_sql(
                "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, run_on TIMESTAMP); \
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20250101090000'), ('2099-01-01-000000')",
            )
            .execute(&pool)
            .await
            .expect("diesel's history");
            pool.close().await;
        });
    let status = contracts(&temp.0, &["--database-url", &url, "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status.stderr.contains(
            "note: diesel recorded 2 migration(s) on this database (`__diesel_schema_migrations`); `adopt diesel`"
        ),
        "{status:?}"
    );
    let adopted = contracts(&temp.0, &["--database-url", &url, "adopt", "diesel"]);
    assert_eq!(adopted.code, 0, "{adopted:?}");
    let status = contracts(&temp.0, &["--database-url", &url, "--format", "json", "status"]);
    let doc = status.json();
    assert_eq!(doc["migrations"][0]["version"], 20250101090000_i64, "{status:?}");
    assert_eq!(doc["migrations"][0]["state"], "applied", "{status:?}");
    assert_eq!(doc["migrations"][1]["state"], "pending", "{status:?}");
}

/// With `RUST_LOG` set, the command line prints the runtime's `tracing` events on stderr; without it, none.
#[test]
fn rust_log_shows_the_runtime_events() {
    let temp = TempDir::new("example_log");
    let url = format!("sqlite:{}?mode=rwc", temp.0.join("log.db").display());
    let args = ["--database-url", url.as_str(), "up"];
    let logged = contracts_with(&temp.0, &args, &[("RUST_LOG", "lockgate_runtime=info")]);
    assert_eq!(logged.code, 0, "{logged:?}");
    assert!(logged.stderr.contains("INFO lockgate_runtime"), "{logged:?}");
    let quiet = contracts(&temp.0, &["--database-url", url.as_str(), "status"]);
    assert!(!quiet.stderr.contains("INFO"), "{quiet:?}");
}

#[test]
fn fresh_and_reset_start_over_unless_the_database_is_protected() {
    let temp = TempDir::new("example_fresh");
    let url = format!("sqlite:{}?mode=rwc", temp.0.join("fresh.db").display());
    expect(&url, &["up"], 0);
    let protect = expect(&url, &["protect", "production"], 0);
    assert!(
        protect.stdout.starts_with("protected: `fresh` and `reset` refuse"),
        "{protect:?}"
    );
    for command in ["fresh", "reset"] {
        let refused = expect(&url, &[command], 1);
        assert!(
            refused.stderr.contains(&format!(
                "error: {command} failed: the database is protected (production, marked "
            )),
            "{refused:?}"
        );
        assert!(
            refused.stderr.contains(&format!(
                "if it really is disposable, run `unprotect`, then `{command}`"
            )),
            "{refused:?}"
        );
    }
    let status = expect(&url, &["status", "--format", "json"], 0).json();
    assert_eq!(states(&status), vec!["applied"; MIGRATIONS]);

    expect(&url, &["unprotect"], 0);
    let fresh = expect(&url, &["fresh", "--format", "json"], 0).json();
    assert_eq!(fresh["applied"].as_array().map(Vec::len), Some(MIGRATIONS));
    let reset = expect(&url, &["reset", "--format", "json"], 0).json();
    assert_eq!(reset["applied"].as_array().map(Vec::len), Some(MIGRATIONS));
    let status = expect(&url, &["status", "--format", "json"], 0).json();
    assert_eq!(states(&status), vec!["pending"; MIGRATIONS]);
}

#[test]
fn production_runs_destructive_migrations_only_where_they_allow_it() {
    let temp = TempDir::new("example_policy");
    let url = format!("sqlite:{}?mode=rwc", temp.0.join("policy.db").display());
    let refused = contracts_with(
        &temp.0,
        &["--database-url", &url, "up"],
        &[("LOCKGATE_ENV", "production")],
    );
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("error: up failed: the guarded policy of environment `production` refuses"),
        "{refused:?}"
    );
    assert!(
        refused.stderr.contains("is incompatible (ArchiveColumn)"),
        "{refused:?}"
    );
    assert!(
        refused
            .stderr
            .contains("`#[migration(allow_in(production = \"why\"))]`"),
        "{refused:?}"
    );
    let status = expect(&url, &["status", "--format", "json"], 0).json();
    assert_eq!(states(&status), vec!["pending"; MIGRATIONS], "nothing ran");
    // `--env` names another environment, which has no policy.
    expect(&url, &["--env", "staging", "up"], 0);
}
