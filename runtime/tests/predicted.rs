//! Every operation's snapshot case, applied through the migrator to a real database, introspects back to the
//! schema the DSL predicts; its down leaves the schema the DSL predicts before it, and the seeded rows survive.
//!
//! The prediction is [`SchemaDef::after`] the case's operations; both sides are put in the terms the backend
//! can tell apart ([`comparable`]) before they are compared.

#[path = "../../dsl/tests/common/cases.rs"]
mod cases;
mod common;

use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::plan::{PlannedOp, inverse_of};
use lockgate_dsl::render::{RenderError, Step, render};
use lockgate_dsl::risk::Allowances;
use lockgate_dsl::schema::{SchemaDef, TriggerDef};
use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
use lockgate_runtime::schema::{CompareOptions, comparable, lift};
use lockgate_runtime::{Database, DownTarget, Migrator};

use cases::Case;
use common::{TestDb, exec, texts};

/// A migration of the given operations.
struct Ops {
    meta: &'static MigrationMeta,
    ops: Vec<Operation>,
}

impl Ops {
    fn boxed(version: i64, name: &'static str, ops: Vec<Operation>) -> Box<dyn Migration> {
        // Either way: a contract's down backfills the old column.
        let outside = ops.iter().any(|op| {
            op.outside_transaction(Backend::Postgres)
                || matches!(op.inverse(), lockgate_dsl::operation::Inverse::Op(back) if back.outside_transaction(Backend::Postgres))
        });
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name,
            type_name: "Ops",
            allow: Allowances::NONE,
            irreversible: None,
            transaction: if outside {
                TransactionMode::None
            } else {
                TransactionMode::PerMigration
            },
            backends: None,
        }));
        Box::new(Ops { meta, ops })
    }
}

impl Migration for Ops {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        self.ops.iter().cloned().map(PlannedOp::here).collect()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Ok(inverse_of(&self.up_operations())?)
    }
}

/// A trigger on `contracts`, so SQLite rebuilds show they bring triggers back.
const SQLITE_TRIGGER: &str =
    "CREATE TRIGGER \"contracts_audit\" AFTER INSERT ON \"contracts\" BEGIN SELECT NEW.\"id\"; END";

/// The seeded contract rows as text, in id order.
async fn contract_rows(db: &Database, table: &str) -> Vec<String> {
    let (cast, concat) = match db.backend() {
        Backend::Postgres => ("text", " || '|' || "),
        Backend::MySql => ("CHAR", ", '|', "),
        Backend::Sqlite => ("TEXT", " || '|' || "),
    };
    let q = |c: &str| lockgate_dsl::render::quote_ident(db.backend(), c);
    let columns: Vec<String> = ["id", "tenant_id", "title", "amount", "state", "note"]
        .iter()
        .map(|c| format!("COALESCE(CAST({} AS {cast}), 'NULL')", q(c)))
        .collect();
    let row = match db.backend() {
        Backend::MySql => format!("CONCAT({})", columns.join(concat)),
        _ => columns.join(concat),
    };
    texts(
        db,
        &format!("SELECT CAST({row} AS {cast}) FROM {} ORDER BY {}", q(table), q("id")),
    )
    .await
}

/// SQLite's triggers, which the schema model leaves out and table rebuilds must bring back.
async fn sqlite_triggers(db: &Database) -> Vec<String> {
    match db.backend() {
        Backend::Sqlite => texts(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").await,
        _ => Vec::new(),
    }
}

/// What the database holds, against what `ops` predict, both as the backend can tell them apart.
async fn expect_schema(migrator: &Migrator, db: &Database, ops: &[Operation], when: &str) -> Result<(), String> {
    let backend = db.backend();
    let predicted = SchemaDef::after(ops).map_err(|e| format!("{when}: the prediction failed: {e}"))?;
    let live = migrator.introspect(db).await.map_err(|e| format!("{when}: {e}"))?;
    let lifted = lift(&live, backend);
    if !lifted.unmapped.is_empty() {
        return Err(format!("{when}: columns the DSL cannot spell: {:?}", lifted.unmapped));
    }
    let (expected, found) = (comparable(&predicted, backend), comparable(&lifted.schema, backend));
    if expected != found {
        let show = |s: &SchemaDef| serde_json::to_string_pretty(s).unwrap_or_default();
        return Err(format!(
            "{when}: the live schema is not the predicted one\n{}",
            line_diff(&show(&expected), &show(&found))
        ));
    }
    Ok(())
}

/// The lines only in `expected` (`-`) and only in `found` (`+`).
fn line_diff(expected: &str, found: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), found.lines().collect());
    let mut out: Vec<String> = a.iter().filter(|l| !b.contains(l)).map(|l| format!("- {l}")).collect();
    out.extend(b.iter().filter(|l| !a.contains(l)).map(|l| format!("+ {l}")));
    out.join("\n")
}

async fn run_case(test: &TestDb, case: &Case) -> Result<(), String> {
    let backend = test.backend;
    let db = test.connect().await;
    let mut migrations = Vec::new();
    if !case.setup.is_empty() {
        migrations.push(Ops::boxed(1, "setup", case.setup.clone()));
    }
    migrations.push(Ops::boxed(3, case.name, vec![case.op.clone()]));
    // Every operation's case, risky ones included: what is checked here is rendering against the live
    // catalog, not the plan rules (which have suites of their own).
    let migrator = Migrator::new(migrations)
        .map_err(|e| e.to_string())?
        .with_plan_checks(false);

    if !case.setup.is_empty() {
        migrator.up(&db, Some(1)).await.map_err(|e| format!("setup: {e}"))?;
    }
    let has_contracts = case
        .setup
        .iter()
        .any(|op| matches!(op, Operation::CreateTable(t) if t.name == "contracts"));
    // Dropping a table drops its triggers, and the table definition cannot bring them back.
    let drops_contracts =
        matches!(&case.op, Operation::DropTable(t) | Operation::ArchiveTable { table: t, .. } if t.name == "contracts");
    // Written by hand, as a trigger lockgate did not make: its model is a trigger with a body.
    let mut setup = case.setup.clone();
    if backend == Backend::Sqlite && has_contracts && !drops_contracts {
        exec(&db, SQLITE_TRIGGER).await;
        let audit = TriggerDef::with_body("contracts", "contracts_audit", "SELECT NEW.\"id\";").after();
        setup.push(Operation::CreateTrigger(Box::new(audit)));
    }
    for row in &case.seed {
        exec(&db, row).await;
    }
    let seeded = !case.seed.is_empty();
    let rows_before = if seeded {
        contract_rows(&db, "contracts").await
    } else {
        Vec::new()
    };
    let before = migrator.introspect(&db).await.map_err(|e| e.to_string())?;
    let triggers = sqlite_triggers(&db).await;
    expect_schema(&migrator, &db, &setup, "after the setup").await?;

    migrator.up(&db, None).await.map_err(|e| format!("up: {e}"))?;
    let after_up = migrator.introspect(&db).await.map_err(|e| e.to_string())?;
    let mut all = setup.clone();
    all.push(case.op.clone());
    match &case.op {
        // Raw SQL has no prediction: it must change the schema, and its down must undo it.
        Operation::RawSql { .. } => {
            if after_up == before {
                return Err("up left the schema as it was".to_owned());
            }
        }
        _ => expect_schema(&migrator, &db, &all, "after up").await?,
    }
    let up = render(&case.op, backend).map_err(|e| e.to_string())?;
    if seeded && up.iter().any(|s| matches!(s, Step::Rebuild(_))) {
        let rows = contract_rows(&db, "contracts").await;
        if rows != rows_before {
            return Err(format!("the rebuild lost rows: {rows_before:?} became {rows:?}"));
        }
    }
    match case.op.inverse() {
        // A backfill's undo SQL deletes the rows it copied: the schema stays.
        Inverse::Op(Operation::RawSql { .. }) if matches!(case.op, Operation::Backfill { .. }) => {}
        Inverse::Op(inverse) => all.push(inverse),
        Inverse::Nothing => {}
        Inverse::Irreversible(_) => return Ok(()),
    }

    migrator
        .down(&db, DownTarget::To(1))
        .await
        .map_err(|e| format!("down: {e}"))?;
    let after_down = migrator.introspect(&db).await.map_err(|e| e.to_string())?;
    if !matches!(case.op, Operation::RawSql { .. }) {
        expect_schema(&migrator, &db, &all, "after down").await?;
    }
    // What the prediction leaves out (expression text, where the backend rewrites it) must round-trip too,
    // but for what no down can restore: a re-added column's position, a validation.
    let lenient = CompareOptions {
        ignore_column_order: true,
        accept_validated: true,
        ..CompareOptions::default()
    };
    let mut differences = lockgate_runtime::schema::compare(&before, &after_down, lenient);
    differences
        .retain(|d| !lockgate_runtime::verify::left_by_design(std::slice::from_ref(&case.op), d, |_| Vec::new()));
    if !differences.is_empty() {
        let list: Vec<String> = differences.iter().map(ToString::to_string).collect();
        return Err(format!("down did not restore the schema:\n{}", list.join("\n")));
    }
    if sqlite_triggers(&db).await != triggers {
        return Err("the round trip lost a trigger".to_owned());
    }
    if seeded {
        let rows = contract_rows(&db, "contracts").await;
        // Dropping a column drops its values; down brings the column back, empty.
        let comparable = |rows: &[String]| -> Vec<String> {
            match case.op {
                Operation::DropColumn { .. } => rows.iter().map(|r| r.rsplit_once('|').unwrap().0.to_owned()).collect(),
                _ => rows.to_vec(),
            }
        };
        if comparable(&rows) != comparable(&rows_before) {
            return Err(format!("the round trip changed rows: {rows_before:?} became {rows:?}"));
        }
    }
    db.close().await;
    Ok(())
}

async fn every_case(backend: Backend) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases::all() {
        if case.unsupported_on.contains(&backend) {
            let err = render(&case.op, backend).expect_err(case.name);
            assert!(matches!(err, RenderError::Unsupported { .. }), "{}: {err}", case.name);
            continue;
        }
        let Some(test) = TestDb::create(backend, "predicted").await else {
            return;
        };
        let result = run_case(&test, &case).await;
        test.drop_db().await;
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
    eprintln!("{backend}: {ran} cases introspected back to their prediction");
}

#[tokio::test]
async fn postgres() {
    every_case(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    every_case(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite() {
    every_case(Backend::Sqlite).await;
}
