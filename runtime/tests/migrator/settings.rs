//! Session settings: a migration's own and a run's hold while it runs and are put back after it, foreign keys
//! off where the backend has the switch (and checked before commit on SQLite), refused where it has none.

use lockgate_dsl::Backend;
use lockgate_dsl::session::SessionSetting;
use lockgate_runtime::{Error, Migrator, State};

use lockgate_dsl::Migration;

use crate::common::{Attributed, Fixture, TestDb, scalar};
use crate::fixtures::states;

/// A variable each backend has, a value it does not hold by default, and queries that are true when it holds
/// that value and when it does not.
fn variable(backend: Backend) -> (&'static str, &'static str, &'static str, &'static str) {
    match backend {
        Backend::Postgres => (
            "statement_timeout",
            "'1234ms'",
            "SELECT current_setting('statement_timeout') = '1234ms'",
            "SELECT current_setting('statement_timeout') <> '1234ms'",
        ),
        Backend::MySql => (
            "sql_mode",
            "'ANSI_QUOTES'",
            "SELECT @@SESSION.sql_mode = 'ANSI_QUOTES'",
            "SELECT @@SESSION.sql_mode <> 'ANSI_QUOTES'",
        ),
        Backend::Sqlite => (
            "cache_size",
            "-1234",
            "SELECT cache_size = -1234 FROM pragma_cache_size",
            "SELECT cache_size <> -1234 FROM pragma_cache_size",
        ),
    }
}

/// The scenario's migrations, in order; each step of the scenario runs a prefix of them.
fn migrations(backend: Backend, upto: i64) -> Vec<Box<dyn Migration>> {
    let (name, value, holds, gone) = variable(backend);
    let all: Vec<Box<dyn Migration>> = vec![
        Attributed::with_session(
            Fixture::boxed(1, "own setting", move |m| {
                m.assert(holds, "the migration's own setting holds while it runs");
            }),
            vec![SessionSetting::set(backend, name, value)],
        ),
        // The next migration runs on the same connection: the setting must be gone.
        Fixture::boxed(2, "setting put back", move |m| {
            m.assert(gone, "the setting is put back after the migration");
        }),
        Fixture::boxed(3, "the run's setting", move |m| {
            m.assert(holds, "the run's setting holds");
        }),
        Fixture::boxed(10, "parents and children", |m| {
            m.sql("CREATE TABLE parents (id integer PRIMARY KEY)", "DROP TABLE parents");
            m.sql(
                "CREATE TABLE children (id integer PRIMARY KEY, parent_id integer NOT NULL, \
                 FOREIGN KEY (parent_id) REFERENCES parents (id))",
                "DROP TABLE children",
            );
        }),
        // Children written before their parents, which only works with foreign keys off.
        Attributed::with_session(
            Fixture::boxed(11, "children first", |m| {
                m.sql(
                    "INSERT INTO children (id, parent_id) VALUES (11, 1)",
                    "DELETE FROM children WHERE id = 11",
                );
                m.sql(
                    "INSERT INTO parents (id) VALUES (1)",
                    "DELETE FROM parents WHERE id = 1",
                );
            }),
            vec![SessionSetting::ForeignKeysOff],
        ),
        // A child left without its parent.
        Attributed::with_session(
            Fixture::boxed(12, "orphan", |m| {
                m.sql(
                    "INSERT INTO children (id, parent_id) VALUES (12, 99)",
                    "DELETE FROM children WHERE id = 12",
                );
            }),
            vec![SessionSetting::ForeignKeysOff],
        ),
    ];
    all.into_iter().filter(|m| m.meta().version <= upto).collect()
}

pub(crate) async fn session_settings(backend: Backend) {
    let Some(test) = TestDb::create(backend, "session").await else {
        return;
    };
    let db = test.connect().await;
    let (name, value, _, _) = variable(backend);
    let migrator = Migrator::new(migrations(backend, 2)).unwrap();
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 2);

    // A run's setting holds for every migration of the run.
    let migrator = Migrator::new(migrations(backend, 3))
        .unwrap()
        .session(SessionSetting::set(backend, name, value));
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);

    // Foreign keys off.
    let fk = Migrator::new(migrations(backend, 11)).unwrap();
    if backend == Backend::Postgres {
        let error = fk.up(&db, None).await.unwrap_err();
        assert!(matches!(error, Error::Plan { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("postgres cannot turn foreign keys off for a session"),
            "{error}"
        );
        // Refused before anything ran.
        let tables = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'parents'";
        assert_eq!(scalar(&db, tables).await, 0);
    } else {
        assert_eq!(fk.up(&db, None).await.unwrap().applied.len(), 2);
        assert_eq!(scalar(&db, "SELECT count(*) FROM children").await, 1);
        let orphan = Migrator::new(migrations(backend, 12)).unwrap();
        let result = orphan.up(&db, None).await;
        if backend == Backend::Sqlite {
            // Checked before commit: rolled back, and recorded as failed.
            let error = result.unwrap_err();
            assert!(error.to_string().contains("break a foreign key"), "{error}");
            assert_eq!(scalar(&db, "SELECT count(*) FROM children WHERE id = 12").await, 0);
            let status = orphan.status(&db).await.unwrap();
            assert_eq!(states(&status).last(), Some(&(12, State::Failed)));
        } else {
            // MySQL does not check the rows written with its checks off when they come back on (documented).
            assert_eq!(result.unwrap().applied.len(), 1);
            assert_eq!(scalar(&db, "SELECT count(*) FROM children WHERE id = 12").await, 1);
        }
        // Foreign keys are enforced again for a migration that does not turn them off.
        let mut enforced = migrations(backend, 11);
        enforced.push(Fixture::boxed(13, "checks are back", |m| {
            m.sql(
                "INSERT INTO children (id, parent_id) VALUES (13, 98)",
                "DELETE FROM children WHERE id = 13",
            );
        }));
        let enforced = Migrator::new(enforced).unwrap();
        let error = enforced.up(&db, Some(13)).await.unwrap_err();
        assert!(error.to_string().to_lowercase().contains("foreign key"), "{error}");
    }

    // A variable name that is not a plain name is refused before anything runs.
    let mut bad = migrations(backend, 3);
    bad.push(Attributed::with_session(
        Fixture::boxed(20, "bad setting", |m| {
            m.sql("CREATE TABLE never (id integer)", "DROP TABLE never");
        }),
        vec![SessionSetting::set(backend, "x; DROP TABLE parents", "1")],
    ));
    let error = Migrator::new(bad).unwrap().up(&db, Some(20)).await.unwrap_err();
    assert!(error.to_string().contains("is not a plain name"), "{error}");
    db.close().await;
    test.drop_db().await;
}
