//! Waiting on locks: lock timeouts retried with backoff, a second migrator waiting for the first.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lockgate_dsl::{Backend, TransactionMode};
use lockgate_runtime::{Error, Event, Migrator};

use crate::common::{self, Fixture, TestDb, scalar, schema};
use crate::fixtures::{add_nickname, create_accounts};

/// A statement that waits too long for a table lock fails with a lock timeout, is retried with backoff, and
/// succeeds once the lock is free.
pub(crate) async fn lock_timeout_is_retried(backend: Backend) {
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
    if backend == Backend::Sqlite {
        // SQLite's lock is the database's write lock, and its wait is the wait deadline: it is not retried, so
        // the deadline holds (it used to be retried as a statement's lock timeout, three deadlines and backoff).
        assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
        assert!(retries.is_empty(), "{retries:?}");
        assert!(
            started.elapsed() < Duration::from_millis(300) * 3,
            "{:?}",
            started.elapsed()
        );
    } else {
        assert_eq!(retries, [1, 2], "two retries with backoff");
        // 200 ms + 400 ms of backoff at least.
        assert!(started.elapsed() >= Duration::from_millis(600));
    }
    assert!(!schema(&db).await.iter().any(|c| c.contains("nickname")));
    blocker.release().await;

    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}

/// A second migrator waits for the first one's lock up to its deadline, reporting that it waits, then gives up
/// with a clear error; once the first is done, it has nothing left to do.
pub(crate) async fn second_migrator_waits_for_the_lock(backend: Backend) {
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

/// A step-by-step migration that hits a lock timeout is retried from where it stopped (PostgreSQL
/// `transaction = false`), or from the start after its steps were undone (MySQL): the first step runs once.
pub(crate) async fn stepwise_retry_runs_each_step_once(backend: Backend) {
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

/// SQLite: another process holding the database (an exclusive transaction blocks even readers) makes `up` and
/// `status` wait no longer than the wait deadline, from their very first read, and say so as a lock timeout.
pub(crate) async fn sqlite_reads_before_the_lock_honour_the_deadline() {
    use sqlx::Connection;
    let Some(test) = TestDb::create(lockgate_dsl::Backend::Sqlite, "read_deadline").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let mut holder = sqlx::SqliteConnection::connect(&test.url).await.unwrap();
    sqlx::raw_sql("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();

    let deadline = Duration::from_millis(500);
    let migrator = Migrator::new(vec![create_accounts(), add_nickname()])
        .unwrap()
        .with_wait_deadline(deadline);
    for (command, started, result) in [
        (
            "up",
            std::time::Instant::now(),
            migrator.up(&db, None).await.map(|_| ()),
        ),
        (
            "status",
            std::time::Instant::now(),
            migrator.status(&db).await.map(|_| ()),
        ),
    ] {
        let waited = started.elapsed();
        let error = result.expect_err("the database is held");
        assert!(matches!(error, Error::LockTimeout { .. }), "{command}: {error}");
        assert!(
            error.to_string().contains("another process was writing"),
            "{command}: {error}"
        );
        assert!(
            waited < deadline * 3,
            "{command} waited {waited:?} with a deadline of {deadline:?}"
        );
    }

    sqlx::raw_sql("ROLLBACK").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();
    let report = migrator.up(&db, None).await.expect("the database is free again");
    assert_eq!(report.applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}
