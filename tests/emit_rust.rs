//! `diff A B --emit rust` between a database with every `contracts` migration (A) and one two migrations in
//! (B), on PostgreSQL, MariaDB and SQLite. The generated file must be the one checked in under `generated/`,
//! which this test binary compiles (so it compiles, and the derive's plan test of every generated migration
//! runs here); applied to B, it must leave `diff A B` clean.
//!
//! After a change to what `--emit rust` writes, `LOCKGATE_BLESS=1 cargo test --test emit_rust` writes the new
//! files; read them before committing.

mod example;

#[rustfmt::skip]
#[path = "generated/postgres.rs"]
mod postgres_generated;
#[rustfmt::skip]
#[path = "generated/mysql.rs"]
mod mysql_generated;
#[rustfmt::skip]
#[path = "generated/sqlite.rs"]
mod sqlite_generated;
#[rustfmt::skip]
#[path = "generated/split.rs"]
mod split_generated;

use std::path::Path;

use example::{TempDir, expect};
use lockgate::Migration;
use lockgate_runtime::{Database, Migrator};
use lockgate_test_support::{Server, TestDatabase};

/// Writes `emitted` to `tests/generated/{name}.rs` under `LOCKGATE_BLESS`, and asserts it is that file.
fn assert_generated(name: &str, emitted: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/generated/{name}.rs"));
    if std::env::var_os("LOCKGATE_BLESS").is_some() {
        std::fs::write(&path, emitted).expect("write the generated file");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        emitted,
        checked_in,
        "`--emit rust` no longer writes {}; if the change is intended, run \
         `LOCKGATE_BLESS=1 cargo test --test emit_rust` and read the new file",
        path.display()
    );
}

/// The version B is left at: the legacy tables, seeded.
const BEHIND: &str = "20250101090100";

async fn scenario(backend: &str, a: &str, b: &str, generated: Vec<Box<dyn Migration>>) {
    expect(a, &["up"], 0);
    expect(b, &["up", "--to", BEHIND], 0);
    let args = [
        "diff",
        a,
        b,
        "--emit",
        "rust",
        "--allow-destructive",
        "--version",
        "20990101000000",
    ];
    let emitted = expect(b, &args, 0).stdout;
    assert_generated(backend, &emitted);

    // The compiled copy of what was just generated, applied to B with the runtime.
    let db = Database::connect(b).await.expect("connect to B");
    let report = Migrator::new(generated)
        .expect("a valid list")
        .up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("the generated migrations apply to B on {backend}: {e}"));
    assert!(!report.applied.is_empty(), "{report:?}");
    db.close().await;
    let clean = expect(b, &["diff", a, b], 0);
    assert!(clean.stdout.contains("no differences"), "{clean:?}");
}

async fn server_scenario(server: Server, generated: fn() -> Vec<Box<dyn Migration>>) {
    let Some(a) = TestDatabase::create(server, "emit_rust_a").await else {
        return;
    };
    let Some(b) = TestDatabase::create(server, "emit_rust_b").await else {
        return;
    };
    let (a_url, b_url) = (a.url().to_owned(), b.url().to_owned());
    let outcome = tokio::spawn(async move { scenario(server.name(), &a_url, &b_url, generated()).await }).await;
    a.drop_database().await.expect("drop A");
    b.drop_database().await.expect("drop B");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres() {
    use postgres_generated::BringUpToDate;
    server_scenario(Server::Postgres, || vec![Box::new(BringUpToDate)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql() {
    use mysql_generated::BringUpToDate;
    server_scenario(Server::MySql, || vec![Box::new(BringUpToDate)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite() {
    use sqlite_generated::BringUpToDate;
    let temp = TempDir::new("emit_rust");
    let url = |name: &str| format!("sqlite:{}?mode=rwc", temp.0.join(name).display());
    scenario("sqlite", &url("a.db"), &url("b.db"), vec![Box::new(BringUpToDate)]).await;
}

/// Changes to an existing table: the foreign key and the check go in `NOT VALID` and are validated by a
/// third migration; the index is built `CONCURRENTLY` by a second one, without a transaction. The three
/// compile, and their plan tests (`split_generated::lockgate_check_*`) pass.
#[test]
fn changes_to_an_existing_table_are_three_migrations() {
    use lockgate::dsl::Backend;
    use lockgate_runtime::schema::{Check, Column, ForeignKey, Index, Schema, Table, emit_rust, generate};

    let id = || {
        let mut id = Column::new("id", "bigint");
        id.nullable = false;
        id
    };
    let mut b = Schema::default();
    let accounts = Table {
        columns: vec![id(), Column::new("tenant_id", "bigint")],
        primary_key: vec!["id".into()],
        ..Table::default()
    };
    b.tables.insert("accounts".into(), accounts);
    let mut a = b.clone();
    let tenants = Table {
        columns: vec![id()],
        primary_key: vec!["id".into()],
        ..Table::default()
    };
    a.tables.insert("tenants".into(), tenants);
    let table = a.tables.get_mut("accounts").expect("accounts");
    let index = Index {
        columns: vec!["tenant_id".into()],
        unique: false,
        predicate: None,
        method: Some("btree".into()),
        valid: true,
    };
    table.indexes.insert("accounts_tenant_id_idx".into(), index);
    let fk = ForeignKey {
        columns: vec!["tenant_id".into()],
        ref_table: "tenants".into(),
        ref_columns: vec!["id".into()],
        on_delete: "CASCADE".into(),
        on_update: "NO ACTION".into(),
        validated: true,
    };
    table.foreign_keys.insert("accounts_tenant_id_fkey".into(), fk);
    let check = Check {
        expression: "(id > 0)".into(),
        validated: true,
    };
    table.checks.insert("accounts_id_positive".into(), check);

    let changes = generate(&a, &b, Backend::Postgres, false);
    assert_generated(
        "split",
        &emit_rust(&changes, Backend::Postgres, 20990101000000, "Catch"),
    );
    let versions: Vec<i64> = [
        &split_generated::Catch as &dyn Migration,
        &split_generated::CatchIndexes,
        &split_generated::CatchValidate,
    ]
    .iter()
    .map(|m| m.meta().version)
    .collect();
    assert_eq!(versions, [20990101000000, 20990101000001, 20990101000002]);
}

/// `--emit sql --backend sqlite` from two PostgreSQL databases: the typed changes rendered for SQLite, run on
/// a SQLite database at B's version, give it the schema SQLite has at A's.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_diff_as_sqlite_sql() {
    let Some(a) = TestDatabase::create(Server::Postgres, "emit_sql_a").await else {
        return;
    };
    let Some(b) = TestDatabase::create(Server::Postgres, "emit_sql_b").await else {
        return;
    };
    let (a_url, b_url) = (a.url().to_owned(), b.url().to_owned());
    let outcome = tokio::spawn(async move {
        expect(&a_url, &["up"], 0);
        expect(&b_url, &["up", "--to", BEHIND], 0);
        let args = [
            "diff",
            &a_url,
            &b_url,
            "--emit",
            "sql",
            "--backend",
            "sqlite",
            "--allow-destructive",
        ];
        let sql = expect(&b_url, &args, 0).stdout;
        assert!(sql.contains("CREATE TABLE \"contract_templates\" ("), "{sql}");

        let temp = TempDir::new("emit_sql");
        let url = |name: &str| format!("sqlite:{}?mode=rwc", temp.0.join(name).display());
        let (full, behind) = (url("a.db"), url("b.db"));
        expect(&full, &["up"], 0);
        expect(&behind, &["up", "--to", BEHIND], 0);
        let pool = sqlx::SqlitePool::connect(&behind).await.expect("open B on SQLite");
        // The statements come from the example's own diff, never from input.
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("the SQL runs on SQLite");
        pool.close().await;
        expect(&behind, &["diff", &full, &behind], 0);
    })
    .await;
    a.drop_database().await.expect("drop A");
    b.drop_database().await.expect("drop B");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}
