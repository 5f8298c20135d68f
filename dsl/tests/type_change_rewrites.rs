//! `rewrites_table` against the servers: PostgreSQL keeps a table's file for exactly the type changes lockgate
//! says it keeps, and MariaDB makes exactly those without copying (`ALGORITHM=NOCOPY` is refused otherwise).

mod common;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::render::{Step, render};
use lockgate_dsl::schema::ColumnDef;
use lockgate_dsl::types::{ColumnType, rewrites_table};

use common::db::TestDb;

fn decimal(precision: u8, scale: u8) -> ColumnType {
    ColumnType::Decimal { precision, scale }
}

/// (from, to): each is a column of its own, changed once.
fn changes() -> Vec<(ColumnType, ColumnType)> {
    use ColumnType as T;
    vec![
        (T::Varchar(20), T::Varchar(60)),
        (T::Varchar(100), T::Varchar(200)),
        (T::Varchar(60), T::Varchar(100)),
        (T::Varchar(40), T::Varchar(20)),
        (T::Varchar(20), T::Text),
        (T::Int, T::BigInt),
        (decimal(12, 2), decimal(14, 2)),
        (decimal(12, 2), decimal(14, 4)),
    ]
}

fn column(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        name: name.to_owned(),
        ty,
        nullable: true,
        default: None,
        generated: None,
    }
}

fn alter(name: &str, from: &ColumnType, to: &ColumnType) -> Operation {
    Operation::AlterColumn {
        table: "probe".to_owned(),
        from: column(name, from.clone()),
        to: column(name, to.clone()),
    }
}

async fn probe_table(db: &mut TestDb) {
    let table = Operation::CreateTable(lockgate_dsl::schema::TableDef {
        name: "probe".to_owned(),
        columns: changes()
            .iter()
            .enumerate()
            .map(|(i, (from, _))| column(&format!("c{i}"), from.clone()))
            .collect(),
        ..lockgate_dsl::schema::TableDef::build("probe", |_| {})
    });
    db.apply(&table).await.expect("create the probe table");
    db.execute("INSERT INTO probe (c0) VALUES ('x')").await.expect("a row");
}

#[tokio::test]
async fn postgres_keeps_the_file_exactly_where_lockgate_says() {
    let Some(mut db) = TestDb::create(Backend::Postgres, "rewrites").await else {
        return;
    };
    probe_table(&mut db).await;
    let filenode = "SELECT pg_relation_filenode('probe')::text";
    for (i, (from, to)) in changes().iter().enumerate() {
        let before = db.texts(filenode, &[]).await.expect("filenode");
        db.apply(&alter(&format!("c{i}"), from, to)).await.expect("alter");
        let after = db.texts(filenode, &[]).await.expect("filenode");
        assert_eq!(
            before != after,
            rewrites_table(from, to, Backend::Postgres),
            "{from:?} -> {to:?}: the file went {before:?} -> {after:?}"
        );
    }
    db.finish().await;
}

#[tokio::test]
async fn mariadb_copies_exactly_where_lockgate_says() {
    let Some(mut db) = TestDb::create(Backend::MySql, "rewrites").await else {
        return;
    };
    probe_table(&mut db).await;
    for (i, (from, to)) in changes().iter().enumerate() {
        let steps = render(&alter(&format!("c{i}"), from, to), Backend::MySql).expect("render");
        let [Step::Sql { sql, .. }] = &steps[..] else {
            panic!("{from:?} -> {to:?}: one statement expected, got {steps:?}");
        };
        let refused = db.execute(&format!("{sql}, ALGORITHM=NOCOPY")).await.is_err();
        assert_eq!(
            refused,
            rewrites_table(from, to, Backend::MySql),
            "{from:?} -> {to:?}: `{sql}, ALGORITHM=NOCOPY` was {}",
            if refused { "refused" } else { "accepted" }
        );
    }
    db.finish().await;
}
