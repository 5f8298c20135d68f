//! SQLite's table rebuilds keep what the schema model does not describe: a hand-written table's inline
//! constraints, collation, generated column, triggers and views survive a round trip of rebuilds.
//!
//! Every operation's case runs through the migrator on all three backends in `runtime/tests/predicted.rs`,
//! compared with the schema the DSL predicts; this suite checks what that model leaves out.

mod common;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::render::{Step, render};

use common::db::TestDb;

/// The lines only in `left` and only in `right`.
fn diff(left: &[String], right: &[String]) -> String {
    let only = |a: &[String], b: &[String]| a.iter().filter(|l| !b.contains(l)).cloned().collect::<Vec<_>>();
    format!(
        "only before:\n  {}\nonly after:\n  {}",
        only(left, right).join("\n  "),
        only(right, left).join("\n  ")
    )
}

/// A table written by hand, with what sea-query never writes: inline checks, collations, a
/// generated column, a self-reference, comments and odd quoting.
const HAND_WRITTEN: &str = r#"CREATE TABLE "odd, table" (
  "id" INTEGER PRIMARY KEY,
  [label] TEXT NOT NULL COLLATE NOCASE CHECK (length(label) > 0), -- inline check, with a comma
  `qty` INTEGER DEFAULT -1 CONSTRAINT qty_range CHECK (qty >= -1),
  total INTEGER GENERATED ALWAYS AS (qty * 2) VIRTUAL,
  parent_id INTEGER REFERENCES "odd, table" ("id") ON DELETE SET NULL,
  note TEXT,
  UNIQUE (label, parent_id) /* a trailing comment */
)"#;

#[tokio::test]
async fn sqlite_rebuilds_keep_a_hand_written_table() {
    use lockgate_dsl::schema::{CheckDef, ColumnDef, ForeignKeyDef};
    let Some(mut db) = TestDb::create(Backend::Sqlite, "handwritten").await else {
        return;
    };
    db.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    db.execute(HAND_WRITTEN).await.unwrap();
    db.execute(r#"CREATE INDEX "odd_note" ON "odd, table" (note)"#)
        .await
        .unwrap();
    db.execute(r#"CREATE TRIGGER "odd_touch" AFTER UPDATE OF qty ON "odd, table" BEGIN SELECT 1; END"#)
        .await
        .unwrap();
    db.execute(r#"CREATE VIEW "odd_view" AS SELECT label, total FROM "odd, table""#)
        .await
        .unwrap();
    db.execute("INSERT INTO parents (id) VALUES (7)").await.unwrap();
    db.execute(r#"INSERT INTO "odd, table" (id, label, qty, parent_id, note) VALUES (1, 'one', 3, NULL, NULL)"#)
        .await
        .unwrap();
    db.execute(r#"INSERT INTO "odd, table" (id, label, qty, parent_id, note) VALUES (2, 'two', 5, 1, 'kept')"#)
        .await
        .unwrap();
    let rows = "SELECT CAST(id AS TEXT), label, CAST(qty AS TEXT), CAST(total AS TEXT), CAST(parent_id AS TEXT), \
                note FROM \"odd, table\" ORDER BY id";
    let before_rows = db.texts(rows, &[]).await.unwrap();
    let before = db.schema().await.unwrap();

    let table = "odd, table";
    let ops = [
        Operation::AlterColumn {
            table: table.into(),
            from: ColumnDef::new::<Option<String>>("note"),
            to: ColumnDef::new::<String>("note").default("none"),
        },
        Operation::AddCheck(CheckDef::new(table, "odd_qty_small", "qty < 100")),
        Operation::AddForeignKey(ForeignKeyDef::new(table, ["qty"], "parents", ["id"]).named("odd_qty_parent")),
        Operation::AlterColumn {
            table: table.into(),
            from: ColumnDef::new::<Option<i32>>("qty").default(-1),
            to: ColumnDef::new::<Option<i64>>("qty").default(0),
        },
    ];
    for op in &ops {
        if let Operation::AddForeignKey(_) = op {
            // The new key must hold for existing rows: PRAGMA foreign_key_check runs before commit.
            let err = db.apply(op).await.expect_err("qty 3 and 5 have no parent");
            assert!(err.contains("foreign key violations"), "{err}");
            continue;
        }
        db.apply(op).await.unwrap_or_else(|e| panic!("{}: {e}", op.describe()));
        assert!(matches!(render(op, Backend::Sqlite).unwrap()[0], Step::Rebuild(_)));
    }
    // NULL notes took the default while copying; everything else is as it was.
    let mut expected = before_rows.clone();
    expected[0][5] = "none".to_owned();
    assert_eq!(db.texts(rows, &[]).await.unwrap(), expected);
    // Inline constraints and the collation still hold.
    assert!(
        db.execute(r#"INSERT INTO "odd, table" (id, label) VALUES (3, '')"#)
            .await
            .is_err()
    );
    assert!(
        db.execute(r#"INSERT INTO "odd, table" (id, label, qty) VALUES (3, 'x', -5)"#)
            .await
            .is_err()
    );
    assert!(
        db.execute(r#"INSERT INTO "odd, table" (id, label, qty) VALUES (3, 'x', 500)"#)
            .await
            .is_err()
    );
    assert!(
        db.execute(r#"INSERT INTO "odd, table" (id, label, parent_id) VALUES (3, 'ONE', 1)"#)
            .await
            .is_ok()
    );
    assert!(
        db.execute(r#"INSERT INTO "odd, table" (id, label, parent_id) VALUES (4, 'one', 1)"#)
            .await
            .is_err()
    );
    db.execute(r#"DELETE FROM "odd, table" WHERE id = 3"#).await.unwrap();
    assert_eq!(
        db.texts(r#"SELECT label FROM "odd_view" ORDER BY label"#, &[])
            .await
            .unwrap()
            .len(),
        2
    );

    for op in ops.iter().rev().filter(|op| !matches!(op, Operation::AddForeignKey(_))) {
        let Inverse::Op(inverse) = op.inverse() else {
            panic!("reversible")
        };
        db.apply(&inverse)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", inverse.describe()));
    }
    let after = db.schema().await.unwrap();
    assert_eq!(after, before, "{}", diff(&before, &after));
    assert_eq!(db.texts(rows, &[]).await.unwrap(), expected);
    db.finish().await;
}
