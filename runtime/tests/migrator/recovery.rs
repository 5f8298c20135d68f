//! Truthful failure and recovery: a retry after a clean failure loses nothing and runs nothing twice, and what
//! could not be undone is said, not hidden.

use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Error, Migrator, State, UndoError};

use crate::common::{Fixture, TestDb, scalar, texts};
use crate::fixtures::states;

fn create_hot() -> Box<dyn Migration> {
    Fixture::boxed(1, "create hot", |m| {
        m.create_table("hot", |t| {
            t.column::<i32>("id").primary_key();
            t.column::<Option<i32>>("c1");
        });
        m.sql(
            "INSERT INTO hot (id, c1) VALUES (1, 42)",
            "DELETE FROM hot WHERE id = 1",
        );
    })
}

/// Adds a column `hot` already has: fails at its first step, every time.
fn add_c1_again() -> Box<dyn Migration> {
    Fixture::boxed(2, "add c1 again", |m| {
        m.add_column::<Option<i32>>("hot", "c1");
        m.sql("INSERT INTO no_such_table VALUES (1)", "DELETE FROM no_such_table");
    })
}

/// A retry after a clean failure: the failed row is not an interrupted one, so nothing is assumed done and
/// nothing this attempt did not run is undone. (On MariaDB the retry used to treat "duplicate column" as the
/// step having run, then "compensated" by dropping `c1`, with its value 42.)
pub(crate) async fn retry_after_a_clean_failure(backend: Backend) {
    let Some(test) = TestDb::create(backend, "retry_clean").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(vec![create_hot(), add_c1_again()]).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    for attempt in 1..=3 {
        let error = migrator.up(&db, None).await.unwrap_err();
        assert_eq!(error.version(), Some(2), "attempt {attempt}: {error}");
        assert!(
            error.statement().is_some_and(|s| s.contains("ADD COLUMN")),
            "attempt {attempt} fails at the same first step: {error}"
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM hot WHERE id = 1 AND c1 = 42").await,
            1,
            "attempt {attempt}: the value 42 must survive"
        );
    }
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Failed)]);
    let failures = scalar(
        &db,
        "SELECT COUNT(*) FROM lockgate_migrations_history WHERE version = 2 AND outcome <> 'applied'",
    )
    .await;
    assert_eq!(failures, 3, "every attempt is in the history");
    db.close().await;
    test.drop_db().await;
}

/// MySQL: raw SQL of two statements, the second failing after the first committed. The first statement's
/// table is reported as still there, the migration stays failed on every retry, and it is never recorded as
/// applied. (It used to say "0 statements undone, the schema is as before", then apply on the next run.)
pub(crate) async fn mysql_statements_run_before_a_failure_are_reported() {
    let Some(test) = TestDb::create(Backend::MySql, "partial_raw").await else {
        return;
    };
    let db = test.connect().await;
    let two = Fixture::boxed(1, "two tables", |m| {
        m.sql(
            "CREATE TABLE t1 (x INT); CREATE TABLE t2 (y INT, FOREIGN KEY (y) REFERENCES nope (id))",
            "DROP TABLE t2; DROP TABLE t1",
        );
    });
    let migrator = Migrator::new(vec![two]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::CompensationFailed { undo, .. } = &error else {
        panic!("expected the statements run to be reported, got: {error}")
    };
    assert!(matches!(undo.error, UndoError::PartlyRun { statements: 1 }), "{error}");
    assert_eq!(undo.still_applied, ["CREATE TABLE t1 (x INT)"]);
    let message = error.to_string();
    assert!(!message.contains("as it was before"), "{message}");
    assert!(message.contains("still applied: CREATE TABLE t1 (x INT)"), "{message}");
    let tables = "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                  WHERE table_schema = DATABASE() AND table_name IN ('t1', 't2')";
    assert_eq!(texts(&db, tables).await, ["t1"]);

    // The retry does not pretend: it fails (t1 exists), and the migration is never recorded as applied.
    let again = migrator.up(&db, None).await.unwrap_err();
    assert_eq!(again.version(), Some(1), "{again}");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Failed)]);
    db.close().await;
    test.drop_db().await;
}

/// The server kills the migration's connection mid-migration: the failure is recorded on a fresh connection,
/// so status says failed (not running forever) and the history has the attempt.
pub(crate) async fn a_dead_connection_still_leaves_a_record(backend: Backend) {
    let kill = match backend {
        Backend::Postgres => "SELECT pg_terminate_backend(pg_backend_pid())",
        // The parser reads `KILL` only with a literal id.
        Backend::MySql => "-- lockgate:unchecked the test kills its own connection\nKILL CONNECTION_ID()",
        // An embedded database has no server to kill the connection.
        Backend::Sqlite => return,
    };
    let Some(test) = TestDb::create(backend, "dead_connection").await else {
        return;
    };
    let db = test.connect().await;
    let killer = Fixture::boxed(1, "killed mid-way", move |m| {
        m.create_table("victim", |t| {
            t.column::<i32>("id").primary_key();
        });
        m.sql(kill, "SELECT 1");
    });
    let migrator = Migrator::new(vec![killer]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert_eq!(error.version(), Some(1), "{error}");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Failed)], "{error}");
    let history = scalar(
        &db,
        "SELECT COUNT(*) FROM lockgate_migrations_history WHERE version = 1 AND outcome <> 'applied'",
    )
    .await;
    assert_eq!(history, 1, "{error}");
    db.close().await;
    test.drop_db().await;
}

/// A dead run's last step was raw DDL that commits by itself: neither its progress nor the catalog can say
/// whether it took effect, so `up` stops and asks, rather than run it a second time; told what a person found,
/// it goes on from there.
///
/// MySQL only: on PostgreSQL such a step commits together with its progress, and SQLite runs every migration in
/// one transaction.
pub(crate) async fn mysql_an_interrupted_step_nobody_can_judge_stops() {
    let backend = Backend::MySql;
    let Some(test) = TestDb::create(backend, "interrupted_unknown").await else {
        return;
    };
    let db = test.connect().await;
    let migration = || {
        Fixture::with_mode(1, "raw ddl", lockgate_dsl::TransactionMode::None, |m| {
            m.sql("CREATE TABLE made_by_hand (x INT)", "DROP TABLE made_by_hand");
            m.sql("CREATE TABLE after_it (x INT)", "DROP TABLE after_it");
        })
    };
    let checksum = lockgate_dsl::checksum::checksum(&*migration());
    // What the dead process left: the first statement's effect, and a running row without progress.
    crate::common::exec(&db, "CREATE TABLE made_by_hand (x INT)").await;
    // An empty list's `up` creates the tracking tables.
    Migrator::new(Vec::new()).unwrap().up(&db, None).await.unwrap();
    let now = "NOW(6)";
    crate::common::exec(
        &db,
        &format!(
            "INSERT INTO lockgate_migrations (version, name, checksum, status, progress, applied_at, execution_ms) \
             VALUES (1, 'raw ddl', '{checksum}', 'running', 0, {now}, 0)"
        ),
    )
    .await;
    let error = Migrator::new(vec![migration()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap_err();
    let Error::Interrupted { step, statement, .. } = &error else {
        panic!("expected the run to stop and ask, got: {error}")
    };
    assert_eq!((*step, statement.as_str()), (1, "CREATE TABLE made_by_hand (x INT)"));
    assert!(error.to_string().contains("check by hand whether it did"), "{error}");
    let report = Migrator::new(vec![migration()])
        .unwrap()
        .with_interrupted_step(lockgate_runtime::StepFate::TookEffect)
        .up(&db, None)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM after_it").await, 0);
    db.close().await;
    test.drop_db().await;
}
