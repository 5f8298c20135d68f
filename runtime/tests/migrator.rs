//! The migrator end to end against real PostgreSQL, MariaDB/MySQL and SQLite: one suite, three backends.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Fixture, TestDb, exec, scalar, schema};
use lockgate_dsl::schema::{CheckDef, IndexDef};
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::{Direction, DownTarget, Error, Event, Migrator, State};

fn create_accounts() -> Box<dyn Migration> {
    Fixture::boxed(1, "create accounts", |m| {
        m.create_table("accounts", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<String>("email");
        });
    })
}

fn add_nickname() -> Box<dyn Migration> {
    Fixture::boxed(2, "add nickname", |m| {
        m.add_column::<Option<String>>("accounts", "nickname");
        m.create_index(IndexDef::new("accounts", ["email"]));
        m.add_check(CheckDef::new("accounts", "accounts_email_present", "length(email) > 0"));
    })
}

fn seed_account() -> Box<dyn Migration> {
    Fixture::boxed(3, "seed an account", |m| {
        m.sql(
            "INSERT INTO accounts (id, email) VALUES (1, 'ops@example.com')",
            "DELETE FROM accounts WHERE id = 1",
        );
        m.assert("SELECT COUNT(*) = 1 FROM accounts", "the seed account exists");
    })
}

fn all() -> Vec<Box<dyn Migration>> {
    vec![create_accounts(), add_nickname(), seed_account()]
}

fn states(status: &[lockgate_runtime::MigrationStatus]) -> Vec<(i64, State)> {
    status.iter().map(|s| (s.version, s.state)).collect()
}

async fn lifecycle(backend: Backend) {
    let Some(test) = TestDb::create(backend, "life").await else {
        return;
    };
    let db = test.connect().await;
    let empty = schema(&db).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let migrator = Migrator::new(all())
        .unwrap()
        .with_observer(move |e| seen.lock().unwrap().push(e.clone()));

    // Nothing exists yet: everything is pending, and the plan shows the SQL without running it.
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [(1, State::Pending), (2, State::Pending), (3, State::Pending)]
    );
    let plan = migrator.plan(&db, Direction::Up, None).await.unwrap();
    assert_eq!(plan.iter().map(|p| p.version).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(
        plan[0].statements[0].contains("CREATE TABLE"),
        "{:?}",
        plan[0].statements
    );
    assert!(plan[2].statements[1].starts_with("-- assert: the seed account exists"));
    assert_eq!(schema(&db).await, empty, "plan must not run anything");

    // Up to a version, then the rest.
    let report = migrator.up(&db, Some(1)).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [1]);
    if backend == Backend::Sqlite {
        // The check needs a table rebuild on SQLite: the plan shows it resolved against the live table.
        let plan = migrator.plan(&db, Direction::Up, Some(2)).await.unwrap();
        let sql = plan[0].statements.join("\n");
        assert!(sql.contains(r#"CREATE TABLE "_lockgate_rebuild_accounts""#), "{sql}");
        assert!(sql.contains("PRAGMA foreign_key_check"), "{sql}");
    }
    let report = migrator.up(&db, Some(2)).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [2]);
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [(1, State::Applied), (2, State::Applied), (3, State::Pending)]
    );
    assert!(status[0].applied_by.as_deref().unwrap().contains("lockgate"));
    assert!(status[0].applied_at.is_some());
    let report = migrator.up(&db, None).await.unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM accounts").await, 1);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations WHERE down_sql IS NULL").await,
        0
    );
    assert!(schema(&db).await.iter().any(|c| c.starts_with("accounts.nickname")));
    {
        let events = events.lock().unwrap();
        let finished = events.iter().filter(|e| matches!(e, Event::Finished { .. })).count();
        let started = events.iter().filter(|e| matches!(e, Event::Started { .. })).count();
        assert_eq!((started, finished), (3, 3), "{events:?}");
    }

    // A start with nothing to do costs one query.
    let before = migrator.queries_executed();
    assert!(migrator.up(&db, None).await.unwrap().applied.is_empty());
    assert_eq!(migrator.queries_executed() - before, 1);

    // Down one step, redo, plan down.
    let report = migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    assert_eq!(report.applied[0].version, 3);
    assert_eq!(report.applied[0].direction, Direction::Down);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM accounts").await, 0);
    let with_nickname = schema(&db).await;
    let report = migrator.redo(&db).await.unwrap();
    let done: Vec<_> = report.applied.iter().map(|a| (a.version, a.direction)).collect();
    assert_eq!(done, [(2, Direction::Down), (2, Direction::Up)]);
    assert_eq!(schema(&db).await, with_nickname, "redo must land on the same schema");
    let plan = migrator.plan(&db, Direction::Down, None).await.unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].version, 2);
    assert!(!plan[0].statements.is_empty());

    // Down to the start leaves the schema as it was.
    let report = migrator.down(&db, DownTarget::To(0)).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(schema(&db).await, empty);
    let history = scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations_history").await;
    assert_eq!(history, 3 + 1 + 2 + 2, "one history row per up and down");
    let status = migrator.status(&db).await.unwrap();
    assert!(status.iter().all(|s| s.state == State::Pending));

    db.close().await;
    test.drop_db().await;
}

async fn unknown_reverted_from_stored_sql(backend: Backend) {
    let Some(test) = TestDb::create(backend, "unknown").await else {
        return;
    };
    let db = test.connect().await;
    let newer = Migrator::new(vec![create_accounts(), add_nickname()]).unwrap();
    newer.up(&db, None).await.unwrap();
    let after_one = {
        let older = Migrator::new(vec![create_accounts()]).unwrap();
        let status = older.status(&db).await.unwrap();
        assert_eq!(states(&status), [(1, State::Applied), (2, State::Unknown)]);
        assert_eq!(status[1].name, "add nickname");
        // An older binary rolls the newer deploy back from the SQL stored with it.
        let report = older.down(&db, DownTarget::Steps(1)).await.unwrap();
        assert_eq!(report.applied[0].version, 2);
        assert_eq!(states(&older.status(&db).await.unwrap()), [(1, State::Applied)]);
        schema(&db).await
    };
    assert!(!after_one.iter().any(|c| c.contains("nickname")), "{after_one:?}");
    // And the newer binary applies it again.
    assert_eq!(newer.up(&db, None).await.unwrap().applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}

async fn tamper_is_refused(backend: Backend) {
    let Some(test) = TestDb::create(backend, "tamper").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts(), add_nickname()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let edited = Fixture::boxed(2, "add nickname", |m| {
        m.add_column::<Option<String>>("accounts", "display_name");
    });
    let migrator = Migrator::new(vec![create_accounts(), edited, seed_account()]).unwrap();
    let before = schema(&db).await;
    let error = migrator.up(&db, None).await.unwrap_err();
    match &error {
        Error::ChecksumMismatch {
            version,
            name,
            stored,
            current,
        } => {
            assert_eq!(*version, 2);
            assert_eq!(name, "add nickname");
            assert_ne!(stored, current);
        }
        other => panic!("expected a checksum mismatch, got {other}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("migration 2 `add nickname` was changed after it was applied"),
        "{message}"
    );
    assert!(message.contains("put the change in a new migration"), "{message}");
    assert_eq!(schema(&db).await, before, "nothing may run after a refusal");
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM accounts").await,
        0,
        "migration 3 must not run"
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [(1, State::Applied), (2, State::Changed), (3, State::Pending)]
    );
    assert!(matches!(
        migrator.down(&db, DownTarget::Steps(1)).await,
        Err(Error::ChecksumMismatch { .. })
    ));
    db.close().await;
    test.drop_db().await;
}

/// A failing step leaves the schema as it was: rolled back where DDL is transactional, compensated on MySQL.
async fn failure_leaves_schema_as_before(backend: Backend) {
    let Some(test) = TestDb::create(backend, "fail").await else {
        return;
    };
    let db = test.connect().await;
    let base = Migrator::new(vec![create_accounts()]).unwrap();
    base.up(&db, None).await.unwrap();
    let before = schema(&db).await;
    let failing = Fixture::boxed(2, "half a change", |m| {
        m.create_table("invoices", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.add_column::<Option<i64>>("accounts", "invoice_id");
        m.create_index(IndexDef::new("accounts", ["invoice_id"]));
        m.sql("INSERT INTO no_such_table (id) VALUES (1)", "DELETE FROM no_such_table");
    });
    let migrator = Migrator::new(vec![create_accounts(), failing]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert_eq!(error.statement(), Some("INSERT INTO no_such_table (id) VALUES (1)"));
    assert_eq!(error.version(), Some(2));
    match (backend, &error) {
        (Backend::MySql, Error::Compensated { undone, .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("3 statement(s) already run were undone, so the schema is as it was"),
                "{message}"
            );
            assert!(!message.contains("rolled back"), "{message}");
            assert_eq!(undone.len(), 3, "{undone:?}");
            assert!(
                undone[0].contains("DROP INDEX") || undone[0].contains("DROP KEY"),
                "{undone:?}"
            );
            assert!(undone[2].contains("DROP TABLE"), "{undone:?}");
        }
        (Backend::Postgres | Backend::Sqlite, Error::StatementFailed { .. }) => {
            let message = error.to_string();
            assert!(
                message.starts_with("migration 2 `half a change` failed and was rolled back: "),
                "{message}"
            );
            assert!(
                message.ends_with("\n  statement: INSERT INTO no_such_table (id) VALUES (1)"),
                "{message}"
            );
        }
        (_, other) => panic!("unexpected error on {backend}: {other}"),
    }
    assert_eq!(
        schema(&db).await,
        before,
        "the schema must be as before the failed migration"
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Failed)]);
    let failures = scalar(
        &db,
        "SELECT COUNT(*) FROM lockgate_migrations_history WHERE version = 2",
    )
    .await;
    assert_eq!(failures, 1);
    db.close().await;
    test.drop_db().await;
}

async fn assertion_rolls_back(backend: Backend) {
    let Some(test) = TestDb::create(backend, "assert").await else {
        return;
    };
    let db = test.connect().await;
    let before = schema(&db).await;
    let checked = Fixture::boxed(1, "checked", |m| {
        m.create_table("ledger", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.assert("SELECT COUNT(*) = 1 FROM ledger", "the ledger has its opening row");
    });
    let migrator = Migrator::new(vec![checked]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let assertion = match &error {
        Error::Compensated { cause, .. } => &**cause,
        other => other,
    };
    assert!(
        matches!(assertion, Error::AssertionFailed { message, .. } if message == "the ledger has its opening row"),
        "{error}"
    );
    assert!(error.to_string().contains("the ledger has its opening row"));
    assert_eq!(schema(&db).await, before);
    db.close().await;
    test.drop_db().await;
}

async fn baseline_and_sqlx_adoption(backend: Backend) {
    let Some(test) = TestDb::create(backend, "adopt").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();

    // Baseline: recorded as applied, nothing run.
    let report = migrator.baseline(&db, 1).await.unwrap();
    assert_eq!(report.applied.len(), 1);
    assert!(schema(&db).await.is_empty(), "baseline must not run migrations");
    assert_eq!(states(&migrator.status(&db).await.unwrap())[0], (1, State::Applied));
    // The schema the baseline stands for, then the rest applies normally.
    exec(
        &db,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL)",
    )
    .await;
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 2);
    db.close().await;
    test.drop_db().await;

    // sqlx history: adopted for what this migrator knows.
    let Some(test) = TestDb::create(backend, "sqlx").await else {
        return;
    };
    let db = test.connect().await;
    let boolean = if backend == Backend::MySql {
        "TINYINT(1)"
    } else {
        "BOOLEAN"
    };
    exec(
        &db,
        &format!(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             success {boolean} NOT NULL, execution_time BIGINT NOT NULL)"
        ),
    )
    .await;
    exec(
        &db,
        "INSERT INTO _sqlx_migrations (version, description, success, execution_time) VALUES \
         (1, 'create accounts', TRUE, 5), (2, 'add nickname', TRUE, 5), (7, 'not ours', TRUE, 5)",
    )
    .await;
    let report = migrator.adopt_sqlx_history(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [1, 2]);
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [(1, State::Applied), (2, State::Applied), (3, State::Pending)]
    );
    exec(
        &db,
        "INSERT INTO _sqlx_migrations (version, description, success, execution_time) VALUES (3, 'broken', FALSE, 1)",
    )
    .await;
    let error = Migrator::new(all()).unwrap().adopt_sqlx_history(&db).await.unwrap_err();
    assert!(
        matches!(error, Error::SqlxMigrationFailed { version: 3, .. }),
        "{error}"
    );
    db.close().await;
    test.drop_db().await;
}

async fn grouped(backend: Backend) {
    let Some(test) = TestDb::create(backend, "grouped").await else {
        return;
    };
    let db = test.connect().await;
    if backend == Backend::MySql {
        let error = Migrator::new(all())
            .unwrap()
            .grouped(true)
            .up(&db, None)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Plan { .. }), "{error}");
        assert!(error.to_string().contains("grouped mode needs transactional DDL"));
    } else {
        let broken = Fixture::boxed(3, "broken", |m| {
            m.sql("INSERT INTO no_such_table VALUES (1)", "SELECT 1");
        });
        let migrator = Migrator::new(vec![create_accounts(), add_nickname(), broken])
            .unwrap()
            .grouped(true);
        assert!(migrator.up(&db, None).await.is_err());
        assert!(schema(&db).await.is_empty(), "a grouped run is all or nothing");
        let status = migrator.status(&db).await.unwrap();
        assert_eq!(
            states(&status),
            [(1, State::Pending), (2, State::Pending), (3, State::Failed)]
        );
        let migrator = Migrator::new(all()).unwrap().grouped(true);
        assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 3);
    }
    db.close().await;
    test.drop_db().await;
}

async fn bad_input(backend: Backend) {
    let Some(test) = TestDb::create(backend, "input").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    assert!(matches!(
        migrator.up(&db, Some(99)).await,
        Err(Error::UnknownVersion { version: 99 })
    ));
    assert!(matches!(migrator.redo(&db).await, Err(Error::NothingApplied { .. })));
    assert!(
        migrator
            .down(&db, DownTarget::Steps(3))
            .await
            .unwrap()
            .applied
            .is_empty()
    );
    db.close().await;
    test.drop_db().await;
}

/// A statement that waits too long for a table lock fails with a lock timeout, is retried with backoff, and
/// succeeds once the lock is free.
async fn lock_timeout_is_retried(backend: Backend) {
    let Some(test) = TestDb::create(backend, "locks").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let migrator = Migrator::new(vec![create_accounts(), add_nickname()])
        .unwrap()
        .with_lock_timeout(Duration::from_millis(100))
        .with_lock_retries(2)
        .with_wait_deadline(Duration::from_millis(300))
        .with_observer(move |e| seen.lock().unwrap().push(e.clone()));

    // Another session holds a lock the migration needs.
    let blocker = common::Blocker::hold(&test, "accounts").await;
    let started = std::time::Instant::now();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert!(error.is_lock_timeout(), "expected a lock timeout, got {error}");
    let retries: Vec<u32> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Retrying { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [1, 2], "two retries with backoff");
    // 200 ms + 400 ms of backoff at least.
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(!schema(&db).await.iter().any(|c| c.contains("nickname")));
    blocker.release().await;

    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}

/// A second migrator waits for the first one's lock up to its deadline, reporting that it waits, then gives up
/// with a clear error; once the first is done, it has nothing left to do.
async fn second_migrator_waits_for_the_lock(backend: Backend) {
    let Some(test) = TestDb::create(backend, "wait").await else {
        return;
    };
    let db = test.connect().await;
    let slow = || {
        let sql = match backend {
            Backend::Postgres => "SELECT pg_sleep(2)",
            Backend::MySql => "SELECT SLEEP(2)",
            Backend::Sqlite => {
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 6000000) SELECT count(*) FROM c"
            }
        };
        vec![
            create_accounts(),
            Fixture::boxed(2, "slow", move |m| m.sql(sql, "SELECT 1")),
        ]
    };
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let first = {
        let db = db.clone();
        let migrator = Migrator::new(slow()).unwrap();
        tokio::spawn(async move { migrator.up(&db, None).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let second = Migrator::new(slow())
        .unwrap()
        .with_wait_deadline(Duration::from_millis(600))
        .with_lock_retries(0)
        .with_observer(move |e| seen.lock().unwrap().push(e.clone()));
    let error = second.up(&db, None).await.unwrap_err();
    match &error {
        Error::LockTimeout { waited } => assert!(*waited >= Duration::from_millis(500), "{waited:?}"),
        other => panic!("expected a lock timeout, got {other}"),
    }
    assert!(
        error.to_string().contains("another migrator held the migration lock"),
        "{error}"
    );
    if backend != Backend::Sqlite {
        // SQLite waits inside `BEGIN IMMEDIATE` (its busy timeout); the others poll and say so.
        assert!(
            events
                .lock()
                .unwrap()
                .iter()
                .any(|e| matches!(e, Event::Waiting { .. }))
        );
    }
    assert_eq!(first.await.unwrap().unwrap().applied.len(), 1);
    assert!(second.up(&db, None).await.unwrap().applied.is_empty());
    db.close().await;
    test.drop_db().await;
}

/// The tracking tables can live under another name and (PostgreSQL, MySQL) in another schema.
async fn custom_tracking_table(backend: Backend) {
    let Some(test) = TestDb::create(backend, "table").await else {
        return;
    };
    let db = test.connect().await;
    let schema_name = format!("{}_ops", test.name);
    let migrator = Migrator::new(all())
        .unwrap()
        .with_table("schema_versions")
        .with_schema(&schema_name);
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 3);
    let count = match backend {
        Backend::Sqlite => scalar(&db, "SELECT COUNT(*) FROM schema_versions").await,
        Backend::Postgres => scalar(&db, &format!("SELECT COUNT(*) FROM \"{schema_name}\".schema_versions")).await,
        Backend::MySql => scalar(&db, &format!("SELECT COUNT(*) FROM `{schema_name}`.schema_versions")).await,
    };
    assert_eq!(count, 3);
    assert!(migrator.up(&db, None).await.unwrap().applied.is_empty());
    // The default table knows nothing of it.
    let default = Migrator::new(all()).unwrap();
    assert!(
        default
            .status(&db)
            .await
            .unwrap()
            .iter()
            .all(|s| s.state == State::Pending)
    );
    if backend == Backend::MySql {
        exec(&db, &format!("DROP DATABASE `{schema_name}`")).await;
    }
    db.close().await;
    test.drop_db().await;
}

/// PostgreSQL: a `CREATE INDEX CONCURRENTLY` that fails leaves an INVALID index; the next run drops and
/// rebuilds it, resuming at the step that failed.
#[tokio::test]
async fn postgres_invalid_index_is_rebuilt() {
    let Some(test) = TestDb::create(Backend::Postgres, "cic").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    exec(
        &db,
        "INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, 'a@example.com')",
    )
    .await;
    let concurrent = || {
        Fixture::with_mode(2, "unique emails", TransactionMode::None, |m| {
            m.create_index(IndexDef::new("accounts", ["email"]).unique().concurrently());
            m.sql(
                "INSERT INTO accounts (id, email) VALUES (3, 'c@example.com')",
                "DELETE FROM accounts WHERE id = 3",
            );
        })
    };
    let migrator = Migrator::new(vec![create_accounts(), concurrent()]).unwrap();
    let plan = migrator.plan(&db, Direction::Up, None).await.unwrap();
    assert!(plan[0].statements[0].starts_with("-- outside a transaction\nCREATE UNIQUE INDEX CONCURRENTLY"));
    let error = migrator.up(&db, None).await.unwrap_err();
    assert!(matches!(error, Error::StepFailed { done: 0, total: 2, .. }), "{error}");
    let invalid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                   WHERE c.relname = 'accounts_email_key' AND NOT i.indisvalid";
    assert_eq!(
        scalar(&db, invalid).await,
        1,
        "the failed build leaves an INVALID index"
    );
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Failed));

    exec(&db, "UPDATE accounts SET email = 'b@example.com' WHERE id = 2").await;
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    assert_eq!(scalar(&db, invalid).await, 0);
    let valid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                 WHERE c.relname = 'accounts_email_key' AND i.indisvalid AND i.indisunique";
    assert_eq!(scalar(&db, valid).await, 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM accounts").await, 3);

    // Down runs outside a transaction too (DROP INDEX CONCURRENTLY).
    assert_eq!(migrator.down(&db, DownTarget::Steps(1)).await.unwrap().applied.len(), 1);
    assert_eq!(scalar(&db, valid).await, 0);
    db.close().await;
    test.drop_db().await;
}

/// PostgreSQL: a CONCURRENTLY step in a migration that asks for a transaction is refused before anything runs.
#[tokio::test]
async fn postgres_concurrently_needs_no_transaction() {
    let Some(test) = TestDb::create(Backend::Postgres, "cictx").await else {
        return;
    };
    let db = test.connect().await;
    let wrong = Fixture::boxed(2, "index in a transaction", |m| {
        m.create_index(IndexDef::new("accounts", ["email"]).concurrently());
    });
    let migrator = Migrator::new(vec![create_accounts(), wrong]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert!(matches!(error, Error::Plan { version: 2, .. }), "{error}");
    assert!(error.to_string().contains("transaction = none"));
    db.close().await;
    test.drop_db().await;
}

async fn irreversible_is_refused(backend: Backend) {
    let Some(test) = TestDb::create(backend, "oneway").await else {
        return;
    };
    let db = test.connect().await;
    let one_way = || {
        common::OneWayFixture::boxed(
            2,
            "normalize emails",
            "the original case of emails is lost",
            "UPDATE accounts SET email = LOWER(email)",
        )
    };
    let migrator = Migrator::new(vec![create_accounts(), one_way()]).unwrap();
    migrator.up(&db, None).await.unwrap();
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations WHERE down_sql IS NULL").await,
        1
    );
    let error = migrator.down(&db, DownTarget::To(0)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "migration 2 `normalize emails` cannot be reverted: the migration is declared irreversible: \
         the original case of emails is lost"
    );
    // An older binary cannot revert it either: no down SQL was stored.
    let older = Migrator::new(vec![create_accounts()]).unwrap();
    let error = older.down(&db, DownTarget::Steps(1)).await.unwrap_err();
    assert!(error.to_string().contains("no down SQL was stored"), "{error}");
    assert_eq!(
        states(&migrator.status(&db).await.unwrap()),
        [(1, State::Applied), (2, State::Applied)]
    );
    db.close().await;
    test.drop_db().await;
}

/// MySQL: when undoing fails too, the error names the statement that could not be undone and what stays applied,
/// and the tracking row keeps the progress of what remains.
#[tokio::test]
async fn mysql_compensation_failure_is_reported() {
    let Some(test) = TestDb::create(Backend::MySql, "undo").await else {
        return;
    };
    let db = test.connect().await;
    let fragile = Fixture::boxed(1, "fragile", |m| {
        m.create_table("fragile", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.sql("INSERT INTO fragile (id) VALUES (1)", "DELETE FROM gone_table");
        m.sql("INSERT INTO missing_table (id) VALUES (1)", "SELECT 1");
    });
    let migrator = Migrator::new(vec![fragile]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::CompensationFailed { undo, .. } = &error else {
        panic!("expected a compensation failure: {error}")
    };
    assert!(undo.undone.is_empty());
    assert_eq!(undo.failed_statement, "DELETE FROM gone_table");
    assert_eq!(undo.still_applied.len(), 2, "{:?}", undo.still_applied);
    let message = error.to_string();
    assert!(
        message.contains("could not be undone; the schema is half-migrated and needs a person"),
        "{message}"
    );
    assert!(message.contains("undo failed at: DELETE FROM gone_table"), "{message}");
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is in the source chain"
    );
    assert_eq!(
        scalar(&db, "SELECT progress FROM lockgate_migrations WHERE version = 1").await,
        2
    );
    assert_eq!(states(&migrator.status(&db).await.unwrap()), [(1, State::Failed)]);
    let outcome = common::texts(&db, "SELECT outcome FROM lockgate_migrations_history").await;
    assert_eq!(outcome, ["compensation_failed"]);
    db.close().await;
    test.drop_db().await;
}

/// A process that died right after a step took effect (DDL commits on its own) but before recording its progress:
/// the next run sees the step's effect and continues after it, on MySQL and for PostgreSQL `CONCURRENTLY` steps.
async fn interrupted_step_that_took_effect(backend: Backend) {
    let Some(test) = TestDb::create(backend, "resume").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let (migration, effect) = match backend {
        Backend::MySql => (
            Fixture::boxed(2, "two steps", |m| {
                m.create_table("invoices", |t| {
                    t.column::<i64>("id").primary_key();
                });
                m.sql(
                    "INSERT INTO invoices (id) VALUES (1)",
                    "DELETE FROM invoices WHERE id = 1",
                );
            }),
            "CREATE TABLE invoices (id BIGINT PRIMARY KEY)",
        ),
        _ => (
            Fixture::with_mode(2, "two steps", TransactionMode::None, |m| {
                m.create_index(IndexDef::new("accounts", ["email"]).concurrently());
                m.sql(
                    "INSERT INTO accounts (id, email) VALUES (1, 'x')",
                    "DELETE FROM accounts WHERE id = 1",
                );
            }),
            "CREATE INDEX accounts_email_idx ON accounts (email)",
        ),
    };
    let checksum = lockgate_dsl::checksum::checksum(&*migration);
    // What the dead process left: the first step's effect, and a running row without progress.
    exec(&db, effect).await;
    let now = if backend == Backend::MySql { "NOW(6)" } else { "now()" };
    exec(
        &db,
        &format!(
            "INSERT INTO lockgate_migrations (version, name, checksum, status, progress, applied_at, execution_ms) \
             VALUES (2, 'two steps', '{checksum}', 'running', 0, {now}, 0)"
        ),
    )
    .await;
    let migrator = Migrator::new(vec![create_accounts(), migration]).unwrap();
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Running));
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Applied));
    let table = if backend == Backend::MySql {
        "invoices"
    } else {
        "accounts"
    };
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await, 1);
    db.close().await;
    test.drop_db().await;
}

#[tokio::test]
async fn mysql_interrupted_step_that_took_effect() {
    interrupted_step_that_took_effect(Backend::MySql).await;
}

#[tokio::test]
async fn postgres_interrupted_step_that_took_effect() {
    interrupted_step_that_took_effect(Backend::Postgres).await;
}

/// MySQL: a failing `down` is compensated too, by re-running the inverse (the up) of what it had undone.
#[tokio::test]
async fn mysql_failed_down_is_compensated() {
    let Some(test) = TestDb::create(Backend::MySql, "downundo").await else {
        return;
    };
    let db = test.connect().await;
    let migration = || {
        Fixture::boxed(1, "down fails halfway", |m| {
            m.sql("SELECT 1", "INSERT INTO missing_table (id) VALUES (1)");
            m.create_table("kept", |t| {
                t.column::<i64>("id").primary_key();
            });
        })
    };
    let migrator = Migrator::new(vec![migration()]).unwrap();
    migrator.up(&db, None).await.unwrap();
    let before = schema(&db).await;
    let error = migrator.down(&db, DownTarget::Steps(1)).await.unwrap_err();
    let Error::Compensated { undone, .. } = &error else {
        panic!("expected compensation: {error}")
    };
    assert!(undone[0].starts_with("CREATE TABLE"), "{undone:?}");
    assert_eq!(schema(&db).await, before, "the table the down dropped is back");
    assert_eq!(states(&migrator.status(&db).await.unwrap()), [(1, State::Applied)]);
    db.close().await;
    test.drop_db().await;
}

/// A step-by-step migration that hits a lock timeout is retried from where it stopped (PostgreSQL
/// `transaction = none`), or from the start after its steps were undone (MySQL): the first step runs once.
async fn stepwise_retry_runs_each_step_once(backend: Backend) {
    let Some(test) = TestDb::create(backend, "retry").await else {
        return;
    };
    let db = test.connect().await;
    let setup = || {
        Fixture::boxed(1, "tables", |m| {
            m.create_table("accounts", |t| {
                t.column::<i64>("id").primary_key();
            });
            m.create_table("journal", |t| {
                t.column::<i64>("id").primary_key();
            });
        })
    };
    Migrator::new(vec![setup()]).unwrap().up(&db, None).await.unwrap();
    let two_steps = Fixture::with_mode(2, "journal, then alter", TransactionMode::None, |m| {
        m.sql(
            "INSERT INTO journal (id) VALUES (1)",
            "DELETE FROM journal WHERE id = 1",
        );
        m.add_column::<Option<String>>("accounts", "nickname");
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let migrator = Migrator::new(vec![setup(), two_steps])
        .unwrap()
        .with_lock_timeout(Duration::from_millis(100))
        .with_lock_retries(3)
        .with_observer(move |e| seen.lock().unwrap().push(e.clone()));
    let blocker = common::Blocker::hold(&test, "accounts").await;
    let hold_for = if backend == Backend::MySql { 1500 } else { 300 };
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(hold_for)).await;
        blocker.release().await;
    });
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    release.await.unwrap();
    assert!(
        events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, Event::Retrying { .. })),
        "a retry happened"
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM journal").await, 1);
    assert!(schema(&db).await.iter().any(|c| c.starts_with("accounts.nickname")));
    db.close().await;
    test.drop_db().await;
}

#[tokio::test]
async fn postgres_stepwise_retry_runs_each_step_once() {
    stepwise_retry_runs_each_step_once(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql_stepwise_retry_runs_each_step_once() {
    stepwise_retry_runs_each_step_once(Backend::MySql).await;
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    let error = lockgate_runtime::Database::connect("oracle://scott@db/orcl")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unsupported database url `oracle`: expected postgres://, mysql://, mariadb:// or sqlite:"
    );
}

#[tokio::test]
async fn sqlite_in_memory() {
    let db = lockgate_runtime::Database::connect("sqlite::memory:").await.unwrap();
    let migrator = Migrator::new(all()).unwrap();
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 3);
    assert!(
        migrator
            .status(&db)
            .await
            .unwrap()
            .iter()
            .all(|s| s.state == State::Applied)
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM accounts").await, 1);
}

/// The futures can be spawned on a multi-threaded runtime.
#[tokio::test]
async fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    let migrator = Migrator::new(all()).unwrap();
    let db = lockgate_runtime::Database::Sqlite(sqlx::SqlitePool::connect_lazy("sqlite::memory:").unwrap());
    send(migrator.up(&db, None));
    send(migrator.down(&db, DownTarget::Steps(1)));
    send(migrator.redo(&db));
    send(migrator.status(&db));
    send(migrator.plan(&db, Direction::Up, None));
    send(migrator.baseline(&db, 1));
    send(migrator.adopt_sqlx_history(&db));
}

#[test]
fn versions_must_be_unique_and_ascending() {
    let twice = Migrator::new(vec![create_accounts(), create_accounts()]).unwrap_err();
    assert!(matches!(twice, Error::DuplicateVersion { version: 1, .. }));
    let unordered = Migrator::new(vec![add_nickname(), create_accounts()]).unwrap_err();
    assert_eq!(
        unordered.to_string(),
        "migration 1 is listed after migration 2; list migrations in ascending version order"
    );
}

macro_rules! suite {
    ($($module:ident => $backend:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[tokio::test]
            async fn lifecycle() { super::lifecycle($backend).await }
            #[tokio::test]
            async fn unknown_reverted_from_stored_sql() { super::unknown_reverted_from_stored_sql($backend).await }
            #[tokio::test]
            async fn tamper_is_refused() { super::tamper_is_refused($backend).await }
            #[tokio::test]
            async fn failure_leaves_schema_as_before() { super::failure_leaves_schema_as_before($backend).await }
            #[tokio::test]
            async fn assertion_rolls_back() { super::assertion_rolls_back($backend).await }
            #[tokio::test]
            async fn baseline_and_sqlx_adoption() { super::baseline_and_sqlx_adoption($backend).await }
            #[tokio::test]
            async fn grouped() { super::grouped($backend).await }
            #[tokio::test]
            async fn bad_input() { super::bad_input($backend).await }
            #[tokio::test]
            async fn lock_timeout_is_retried() { super::lock_timeout_is_retried($backend).await }
            #[tokio::test]
            async fn irreversible_is_refused() { super::irreversible_is_refused($backend).await }
            #[tokio::test]
            async fn second_migrator_waits_for_the_lock() { super::second_migrator_waits_for_the_lock($backend).await }
            #[tokio::test]
            async fn custom_tracking_table() { super::custom_tracking_table($backend).await }
        }
    )*};
}

suite! {
    postgres => Backend::Postgres,
    mysql => Backend::MySql,
    sqlite => Backend::Sqlite,
}
