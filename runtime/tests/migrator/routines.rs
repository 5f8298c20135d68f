//! Functions and triggers on a real PostgreSQL server: a trigger written with the DSL fires on writes, a replaced
//! function changes what it does and `down` puts the old body back, drift sees a trigger dropped or a function
//! rewritten by hand, and `down` takes both away.

use lockgate_dsl::Backend;
use lockgate_dsl::schema::{FunctionDef, TriggerDef, TriggerEvent};
use lockgate_dsl::types::Varchar;
use lockgate_runtime::{DownTarget, Migrator};

use crate::common::{Fixture, TestDb, drift_lines, exec, texts};

fn stamp(label: &str) -> FunctionDef {
    FunctionDef::new("stamp_label").returns("trigger").body(format!(
        "BEGIN NEW.label := coalesce(NEW.label, '{label}'); RETURN NEW; END"
    ))
}

fn stamped() -> TriggerDef {
    TriggerDef::new("notes", "notes_stamp", "stamp_label").on([TriggerEvent::Insert])
}

fn migrations() -> Vec<Box<dyn lockgate_dsl::Migration>> {
    vec![
        Fixture::boxed(1, "notes with a stamp", |m| {
            m.create_table("notes", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Option<Varchar<40>>>("label");
            });
            m.create_function(stamp("v1"));
            m.create_trigger(stamped());
        }),
        Fixture::strict(2, "stamp v2", |m| m.replace_function(stamp("v1"), stamp("v2"))),
    ]
}

async fn labels(db: &lockgate_runtime::Database) -> Vec<String> {
    texts(db, "SELECT coalesce(label, 'none') FROM notes ORDER BY id").await
}

pub(crate) async fn postgres_triggers_and_functions() {
    let Some(test) = TestDb::create(Backend::Postgres, "routines").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(migrations()).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    exec(&db, "INSERT INTO notes (id) VALUES (1)").await;
    migrator.up(&db, None).await.unwrap();
    exec(
        &db,
        "INSERT INTO notes (id) VALUES (2); INSERT INTO notes (id, label) VALUES (3, 'own')",
    )
    .await;
    assert_eq!(
        labels(&db).await,
        ["v1", "v2", "own"],
        "the trigger fires, with the body in force"
    );
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    // Changed by hand: the trigger dropped, the function rewritten.
    exec(
        &db,
        "DROP TRIGGER notes_stamp ON notes; CREATE OR REPLACE FUNCTION stamp_label() RETURNS trigger \
         LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
    )
    .await;
    let drift = drift_lines(&migrator, &db, &test.url).await;
    assert_eq!(drift.len(), 2, "{drift:?}");
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("missing trigger `notes_stamp` on `notes`")),
        "{drift:?}"
    );
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("changed function `stamp_label`") && d.contains("'v2'")),
        "{drift:?}"
    );
    exec(
        &db,
        "CREATE OR REPLACE FUNCTION stamp_label() RETURNS trigger LANGUAGE plpgsql AS \
         $lockgate$BEGIN NEW.label := coalesce(NEW.label, 'v2'); RETURN NEW; END$lockgate$; \
         CREATE TRIGGER notes_stamp BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION stamp_label()",
    )
    .await;
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    // Down puts the first body back, then takes the trigger and the function away.
    migrator.down(&db, DownTarget::To(1)).await.unwrap();
    exec(&db, "INSERT INTO notes (id) VALUES (4)").await;
    assert_eq!(labels(&db).await.last().map(String::as_str), Some("v1"));
    migrator.down(&db, DownTarget::To(0)).await.unwrap();
    let live = migrator.introspect(&db).await.unwrap();
    assert!(live.functions.is_empty() && live.triggers.is_empty(), "{live:?}");
    test.drop_db().await;
}

/// `fresh` drops every kind of object the migrations create, the schemas they create included, so the list
/// applies again from nothing.
pub(crate) async fn postgres_fresh_drops_every_object_kind() {
    use lockgate_dsl::schema::{CommentOn, SequenceDef};
    let Some(test) = TestDb::create(Backend::Postgres, "fresh_objects").await else {
        return;
    };
    let db = test.connect().await;
    let mut all = migrations();
    all.push(Fixture::boxed(3, "every object kind", |m| {
        m.create_schema("reporting");
        m.create_sequence(SequenceDef::new("ticket_numbers").start(100));
        m.create_materialized_view("label_counts", "SELECT label, count(*) AS n FROM notes GROUP BY label");
        m.set_comment(CommentOn::table("notes"), None, Some("one row per note"));
    }));
    let migrator = Migrator::new(all).unwrap();
    migrator.up(&db, None).await.unwrap();
    exec(&db, "CREATE TABLE reporting.kept_by_cascade (id integer)").await;
    let report = migrator.fresh(&db).await.unwrap();
    assert_eq!(report.applied.len(), 3, "{report:?}");
    let live = migrator.introspect(&db).await.unwrap();
    assert!(live.schemas.contains("reporting"));
    assert!(live.sequences.contains_key("ticket_numbers"));
    assert!(live.materialized_views.contains_key("label_counts"));
    assert_eq!(live.comments[&CommentOn::table("notes")], "one row per note");
    assert!(live.functions.contains_key("stamp_label"));
    assert_eq!(
        texts(
            &db,
            "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'reporting'"
        )
        .await,
        ["0"],
        "the schema was dropped and created again"
    );
    test.drop_db().await;
}

/// `diff` between a database with every new object kind and one without turns into a migration of typed
/// operations (`generate`, then `emit_rust` for the file): applied to the second database, it leaves no
/// difference.
pub(crate) async fn postgres_generate_carries_every_object_kind() {
    use lockgate_dsl::operation::Operation;
    use lockgate_dsl::plan::PlannedOp;
    use lockgate_dsl::schema::{CommentOn, GrantDef, PolicyDef, Privilege, SequenceDef};
    use lockgate_runtime::schema::{CompareOptions, emit_rust, generate};

    use crate::common::UpDownFixture;

    let Some(with) = TestDb::create(Backend::Postgres, "generate_a").await else {
        return;
    };
    let Some(without) = TestDb::create(Backend::Postgres, "generate_b").await else {
        with.drop_db().await;
        return;
    };
    let table = || {
        Fixture::boxed(1, "notes", |m| {
            m.create_table("notes", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<i64>("tenant_id");
                t.column::<Option<Varchar<40>>>("label");
            });
        })
    };
    let objects = Fixture::boxed(2, "every object kind", |m| {
        m.create_schema("reporting");
        m.create_sequence(SequenceDef::new("ticket_numbers").start(100));
        m.create_function(stamp("v1"));
        m.create_trigger(TriggerDef::new("notes", "notes_stamp", "stamp_label").on([TriggerEvent::Insert]));
        m.create_materialized_view("label_counts", "SELECT label, count(*) AS n FROM notes GROUP BY label");
        m.enable_row_security("notes");
        m.create_policy(
            PolicyDef::new("notes", "tenant_notes")
                .to(["pg_monitor"])
                .using("tenant_id = 1"),
        );
        m.grant(GrantDef::on_table("notes", [Privilege::Select]).to(["pg_monitor"]));
        m.set_comment(CommentOn::table("notes"), None, Some("one row per note"));
    });
    let (a, b) = (with.connect().await, without.connect().await);
    Migrator::new(vec![table(), objects])
        .unwrap()
        .up(&a, None)
        .await
        .unwrap();
    Migrator::new(vec![table()]).unwrap().up(&b, None).await.unwrap();

    let empty = Migrator::new(Vec::new()).unwrap();
    let (live_a, live_b) = (empty.introspect(&a).await.unwrap(), empty.introspect(&b).await.unwrap());
    let changes = generate(&live_a, &live_b, Backend::Postgres, false);
    assert!(
        changes.concurrent.is_empty() && changes.validate.is_empty(),
        "{changes:?}"
    );
    let kinds: Vec<&str> = changes.main.iter().map(Operation::kind).collect();
    assert_eq!(
        kinds,
        [
            "create_schema",
            "create_sequence",
            "create_function",
            "create_trigger",
            "create_materialized_view",
            "alter_row_security",
            "create_policy",
            "grant",
            "set_comment"
        ],
        "{changes:?}"
    );
    let rust = emit_rust(&changes, Backend::Postgres, 20990101000000, "bring_up_to_date");
    for call in [
        "m.create_policy(PolicyDef::new(\"notes\", \"tenant_notes\").to([\"pg_monitor\"])",
        "m.grant(GrantDef::on_table(\"notes\", [Privilege::Select]).to([\"pg_monitor\"]));",
        "m.alter_row_security(\"notes\", RowSecurity::OFF, RowSecurity::ON);",
        "m.create_trigger(TriggerDef::new(\"notes\", \"notes_stamp\", \"stamp_label\").on([TriggerEvent::Insert]));",
    ] {
        assert!(rust.contains(call), "{call} not in:\n{rust}");
    }

    let ops = changes.main.clone();
    let planned = move || ops.iter().cloned().map(PlannedOp::here).collect::<Vec<_>>();
    let generated = UpDownFixture::boxed(3, "generated", planned, Vec::new);
    Migrator::new(vec![table(), generated])
        .unwrap()
        .up(&b, None)
        .await
        .unwrap();
    let left = lockgate_runtime::diff(&a, &b, CompareOptions::default()).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    with.drop_db().await;
    without.drop_db().await;
}

/// MySQL and SQLite triggers run their own statements: one written with `TriggerDef::with_body` fires on writes,
/// drift sees it dropped by hand, and `down` takes it away.
pub(crate) async fn triggers_with_a_body(backend: Backend) {
    use lockgate_dsl::operation::Operation;
    use lockgate_dsl::render::{Step, render};

    let Some(test) = TestDb::create(backend, "body_triggers").await else {
        return;
    };
    let db = test.connect().await;
    let audit = || {
        TriggerDef::with_body(
            "notes",
            "notes_audit",
            "INSERT INTO note_audit (note_id) VALUES (NEW.id)",
        )
        .after()
    };
    let migrator = Migrator::new(vec![Fixture::boxed(1, "notes with an audit", move |m| {
        m.create_table("notes", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.create_table("note_audit", |t| {
            t.column::<i64>("note_id");
        });
        m.create_trigger(audit());
    })])
    .unwrap();
    migrator.up(&db, None).await.unwrap();
    exec(&db, "INSERT INTO notes (id) VALUES (1)").await;
    exec(&db, "INSERT INTO notes (id) VALUES (2)").await;
    assert_eq!(
        texts(&db, "SELECT CAST(note_id AS CHAR(10)) FROM note_audit ORDER BY note_id").await,
        ["1", "2"],
        "the trigger fires on every insert"
    );
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    exec(&db, "DROP TRIGGER notes_audit").await;
    let drift = drift_lines(&migrator, &db, &test.url).await;
    assert!(
        drift.len() == 1 && drift[0].starts_with("missing trigger `notes_audit` on `notes`"),
        "{drift:?}"
    );
    let create = render(&Operation::CreateTrigger(Box::new(audit())), backend).unwrap();
    let Step::Sql { sql, .. } = &create[0] else {
        panic!("a trigger is one statement: {create:?}");
    };
    exec(&db, sql).await;
    assert!(migrator.drift(&db, &test.url).await.unwrap().is_empty());

    migrator.down(&db, DownTarget::To(0)).await.unwrap();
    let live = migrator.introspect(&db).await.unwrap();
    assert!(live.triggers.is_empty() && live.tables.is_empty(), "{live:?}");
    test.drop_db().await;
}
