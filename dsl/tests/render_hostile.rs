//! Hostile names are created and dropped as literal names on all three backends.

mod common;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::schema::TableDef;
use lockgate_dsl::types::Varchar;

use common::db::TestDb;

const TABLE: &str = r#"a"; DROP TABLE x; --"#;
const COLUMN: &str = "we`ird\"col'umn";

fn hostile() -> TableDef {
    TableDef::build(TABLE, |t| {
        t.column::<i64>("id").primary_key();
        t.column::<Varchar<40>>(COLUMN).unique().default("it's `odd` \"here\"");
        t.index([COLUMN, "id"]).named("hostile\"`idx");
        t.check("hostile`\"check", "id > 0");
    })
}

/// Tables and columns named exactly so, found through bound parameters.
async fn find(db: &mut TestDb, table: &str, column: &str) -> (usize, usize) {
    let (tables, columns) = match db.backend {
        Backend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1",
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2",
        ),
        Backend::MySql => (
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = ?",
            "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?",
        ),
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
            "SELECT name FROM pragma_table_info(?) WHERE name = ?",
        ),
    };
    let t = db.texts(tables, &[table]).await.expect("list tables").len();
    let c = db.texts(columns, &[table, column]).await.expect("list columns").len();
    (t, c)
}

async fn hostile_names_stay_literal(backend: Backend) {
    let Some(mut db) = TestDb::create(backend, "hostile").await else {
        return;
    };
    let x = TableDef::build("x", |t| {
        t.column::<i64>("id").primary_key();
    });
    db.apply(&Operation::CreateTable(x)).await.expect("create x");
    let create = Operation::CreateTable(hostile());
    db.apply(&create).await.expect("create the hostile table");
    assert_eq!(
        find(&mut db, TABLE, COLUMN).await,
        (1, 1),
        "{backend}: the hostile table exists as named"
    );
    assert_eq!(find(&mut db, "x", "id").await, (1, 1), "{backend}: x survives");
    db.execute(&format!(
        "INSERT INTO {} ({}) VALUES (1)",
        lockgate_dsl::render::quote_ident(backend, TABLE),
        lockgate_dsl::render::quote_ident(backend, "id")
    ))
    .await
    .expect("insert into the hostile table");

    let Inverse::Op(drop) = create.inverse() else {
        panic!("create_table has an inverse")
    };
    db.apply(&drop).await.expect("drop the hostile table");
    assert_eq!(
        find(&mut db, TABLE, COLUMN).await,
        (0, 0),
        "{backend}: the hostile table is gone"
    );
    assert_eq!(find(&mut db, "x", "id").await, (1, 1), "{backend}: x still exists");
    db.finish().await;
}

#[tokio::test]
async fn hostile_names_postgres() {
    hostile_names_stay_literal(Backend::Postgres).await;
}

#[tokio::test]
async fn hostile_names_mysql() {
    hostile_names_stay_literal(Backend::MySql).await;
}

#[tokio::test]
async fn hostile_names_sqlite() {
    hostile_names_stay_literal(Backend::Sqlite).await;
}
