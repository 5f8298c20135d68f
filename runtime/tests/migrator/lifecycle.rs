//! A migration list from empty to applied and back: up, down, redo, plan, status, grouped runs, bad input.

use std::sync::{Arc, Mutex};

use lockgate_dsl::Backend;
use lockgate_runtime::{Direction, DownTarget, Error, Event, Migrator, State};

use crate::common::{self, Fixture, TestDb, scalar, schema};
use crate::fixtures::{add_nickname, all, create_accounts, states};

pub(crate) async fn lifecycle(backend: Backend) {
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

pub(crate) async fn unknown_reverted_from_stored_sql(backend: Backend) {
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

pub(crate) async fn grouped(backend: Backend) {
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
        let migrator = Migrator::new(all()).unwrap();
        let report = migrator.up(&db, None).await.unwrap();
        durations_agree(&report, &migrator.status(&db).await.unwrap());
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
        let report = migrator.up(&db, None).await.unwrap();
        assert_eq!(report.applied.len(), 3);
        durations_agree(&report, &migrator.status(&db).await.unwrap());
    }
    db.close().await;
    test.drop_db().await;
}

/// The report (and so the progress line) shows each migration's duration as its history row keeps it, which is
/// what `status` shows: one duration per migration everywhere.
fn durations_agree(report: &lockgate_runtime::Report, status: &[lockgate_runtime::MigrationStatus]) {
    for applied in &report.applied {
        let row = status.iter().find(|s| s.version == applied.version).unwrap();
        assert_eq!(
            row.duration.map(|d| d.as_millis()),
            Some(applied.duration.as_millis()),
            "migration {}",
            applied.version
        );
    }
}

pub(crate) async fn bad_input(backend: Backend) {
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

pub(crate) async fn irreversible_is_refused(backend: Backend) {
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

pub(crate) async fn unsupported_urls_are_refused() {
    let error = lockgate_runtime::Database::connect("oracle://scott@db/orcl")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unsupported database url `oracle`: expected postgres://, mysql://, mariadb:// or sqlite:"
    );
}

pub(crate) async fn sqlite_in_memory() {
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
pub(crate) async fn futures_are_send() {
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

pub(crate) fn versions_must_be_unique_and_ascending() {
    let twice = Migrator::new(vec![create_accounts(), create_accounts()]).unwrap_err();
    assert!(matches!(twice, Error::DuplicateVersion { version: 1, .. }));
    let unordered = Migrator::new(vec![add_nickname(), create_accounts()]).unwrap_err();
    assert_eq!(
        unordered.to_string(),
        "migration 1 is listed after migration 2; list migrations in ascending version order"
    );
}
