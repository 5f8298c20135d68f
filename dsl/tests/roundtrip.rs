//! Every operation's rendered SQL runs: up then down on a fresh database per backend leaves the
//! schema (and the seeded rows) as they were.

mod common;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::render::{RenderError, Step, render};

use common::cases::{self, Case};
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

/// A trigger on `contracts`, so SQLite rebuilds show they bring triggers back.
const SQLITE_TRIGGER: &str =
    "CREATE TRIGGER \"contracts_audit\" AFTER INSERT ON \"contracts\" BEGIN SELECT NEW.\"id\"; END";

async fn run_case(db: &mut TestDb, case: &Case) -> Result<(), String> {
    let backend = db.backend;
    for op in &case.setup {
        db.apply(op).await.map_err(|e| format!("setup: {e}"))?;
    }
    let has_contracts = case
        .setup
        .iter()
        .any(|op| matches!(op, Operation::CreateTable(t) if t.name == "contracts"));
    // Dropping a table drops its triggers, and the table definition cannot bring them back.
    let drops_contracts = matches!(&case.op, Operation::DropTable(t) if t.name == "contracts");
    if backend == Backend::Sqlite && has_contracts && !drops_contracts {
        db.execute(SQLITE_TRIGGER).await?;
    }
    for row in &case.seed {
        db.execute(row).await.map_err(|e| format!("seed: {e}"))?;
    }
    let seeded = !case.seed.is_empty();
    let rows_before = if seeded {
        db.contract_rows("contracts").await?
    } else {
        Vec::new()
    };
    let before = db.schema().await?;

    let up = render(&case.op, backend).map_err(|e| e.to_string())?;
    db.run(&up).await.map_err(|e| format!("up: {e}"))?;
    let after_up = db.schema().await?;
    let changes_nothing = up.is_empty() || matches!(case.op, Operation::Assert { .. });
    if changes_nothing {
        if after_up != before {
            return Err(format!("up changed the schema:\n{}", diff(&before, &after_up)));
        }
    } else if after_up == before {
        return Err("up left the schema as it was".to_owned());
    }
    if seeded && up.iter().any(|s| matches!(s, Step::Rebuild(_))) {
        let rows = db.contract_rows("contracts").await?;
        if rows != rows_before {
            return Err(format!("the rebuild lost rows: {rows_before:?} became {rows:?}"));
        }
    }

    let inverse = match case.op.inverse() {
        Inverse::Op(inverse) => inverse,
        Inverse::Nothing | Inverse::Irreversible(_) => return Ok(()),
    };
    db.apply(&inverse).await.map_err(|e| format!("down: {e}"))?;
    let after_down = db.schema().await?;
    if after_down != before {
        return Err(format!(
            "down did not restore the schema:\n{}",
            diff(&before, &after_down)
        ));
    }
    if seeded {
        let rows = db.contract_rows("contracts").await?;
        // Dropping a column drops its values; down brings the column back, empty.
        let comparable = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
            match case.op {
                Operation::DropColumn { .. } => rows.iter().map(|r| r[..5].to_vec()).collect(),
                _ => rows.to_vec(),
            }
        };
        if comparable(&rows) != comparable(&rows_before) {
            return Err(format!("the round trip changed rows: {rows_before:?} became {rows:?}"));
        }
    }
    Ok(())
}

async fn roundtrip(backend: Backend) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases::all() {
        if case.unsupported_on.contains(&backend) {
            let err = render(&case.op, backend).expect_err(case.name);
            assert!(matches!(err, RenderError::Unsupported { .. }), "{}: {err}", case.name);
            continue;
        }
        let Some(mut db) = TestDb::create(backend, "roundtrip").await else {
            return;
        };
        let result = run_case(&mut db, &case).await;
        db.finish().await;
        if let Err(e) = result {
            failures.push(format!("{}: {e}", case.name));
        }
        ran += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed on {backend}:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!("{backend}: {ran} cases round-tripped");
}

#[tokio::test]
async fn roundtrip_postgres() {
    roundtrip(Backend::Postgres).await;
}

#[tokio::test]
async fn roundtrip_mysql() {
    roundtrip(Backend::MySql).await;
}

#[tokio::test]
async fn roundtrip_sqlite() {
    roundtrip(Backend::Sqlite).await;
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
