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
