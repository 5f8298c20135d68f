//! Migrations for some backends only: applied where they are for, recorded as skipped elsewhere, so one list can
//! carry a PostgreSQL enum and still run on SQLite in tests.

use std::sync::{Arc, Mutex};

use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{DownTarget, Event, Migrator, State};

use crate::common::{Fixture, TestDb, scalar};
use crate::fixtures::{create_accounts, seed_account, states};

fn create_mood() -> Box<dyn Migration> {
    Fixture::for_backends(2, "create the mood enum", &[Backend::Postgres], |m| {
        m.sql("CREATE TYPE mood AS ENUM ('ok', 'sad')", "DROP TYPE mood");
    })
}

pub(crate) async fn backend_targets(backend: Backend) {
    let Some(test) = TestDb::create(backend, "targets").await else {
        return;
    };
    let db = test.connect().await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let migrator = Migrator::new(vec![create_accounts(), create_mood(), seed_account()])
        .unwrap()
        .with_observer(move |e| seen.lock().unwrap().push(e.clone()));
    let for_it = backend == Backend::Postgres;

    let before = states(&migrator.status(&db).await.unwrap());
    let mood_before = if for_it { State::Pending } else { State::Skipped };
    assert_eq!(before, [(1, State::Pending), (2, mood_before), (3, State::Pending)]);

    let report = migrator.up(&db, None).await.unwrap();
    let applied: Vec<i64> = report.applied.iter().map(|a| a.version).collect();
    let skipped: Vec<i64> = report.skipped.iter().map(|a| a.version).collect();
    if for_it {
        assert_eq!(applied, [1, 2, 3]);
        assert!(skipped.is_empty());
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM pg_type WHERE typname = 'mood'").await,
            1
        );
    } else {
        assert_eq!(applied, [1, 3]);
        assert_eq!(skipped, [2]);
        assert!(events.lock().unwrap().iter().any(|e| matches!(
            e,
            Event::NotForBackend { version: 2, backend: b, .. } if *b == backend
        )));
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM lockgate_migrations_history WHERE version = 2 AND outcome = 'skipped'"
            )
            .await,
            1
        );
    }
    let mood_after = if for_it { State::Applied } else { State::Skipped };
    assert_eq!(
        states(&migrator.status(&db).await.unwrap()),
        [(1, State::Applied), (2, mood_after), (3, State::Applied)]
    );
    // A second start finds nothing to do, on every backend.
    let again = migrator.up(&db, None).await.unwrap();
    assert!(again.applied.is_empty() && again.skipped.is_empty());

    // Going down passes the skipped record like any other: it is removed, and nothing runs.
    let down = migrator.down(&db, DownTarget::To(0)).await.unwrap();
    let reverted: Vec<i64> = down.applied.iter().map(|a| a.version).collect();
    let unskipped: Vec<i64> = down.skipped.iter().map(|a| a.version).collect();
    if for_it {
        assert_eq!(reverted, [3, 2, 1]);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM pg_type WHERE typname = 'mood'").await,
            0
        );
    } else {
        assert_eq!(reverted, [3, 1]);
        assert_eq!(unskipped, [2]);
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations").await, 0);
    db.close().await;
    test.drop_db().await;
}
