//! `fresh` drops everything and applies every migration; `reset` reverts them all; a protected database refuses
//! both and keeps what it holds.

use lockgate_dsl::Backend;
use lockgate_runtime::{Error, Migrator, State};

use crate::common::{TestDb, exec, scalar, schema};
use crate::fixtures::{all, states};

pub(crate) async fn fresh_and_reset(backend: Backend) {
    let Some(test) = TestDb::create(backend, "fresh").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    migrator.up(&db, None).await.unwrap();
    let migrated = schema(&db).await;
    // What a developer added by hand, which `fresh` must sweep away too.
    exec(&db, "CREATE TABLE scratch_notes (id integer PRIMARY KEY, parent bigint, FOREIGN KEY (parent) REFERENCES accounts (id))").await;
    exec(&db, "CREATE VIEW scratch_view AS SELECT id FROM scratch_notes").await;
    if backend == Backend::Postgres {
        exec(
            &db,
            "CREATE TYPE scratch_mood AS ENUM ('ok'); CREATE SEQUENCE scratch_seq",
        )
        .await;
    }
    assert_ne!(schema(&db).await, migrated);

    let report = migrator.fresh(&db).await.unwrap();
    assert_eq!(report.applied.len(), all().len());
    assert_eq!(schema(&db).await, migrated, "only what the migrations make is left");
    if backend == Backend::Postgres {
        let leftovers = "SELECT count(*) FROM pg_type WHERE typname = 'scratch_mood' \
                         UNION ALL SELECT count(*) FROM pg_class WHERE relname IN ('scratch_seq', 'scratch_view')";
        assert_eq!(
            scalar(&db, &format!("SELECT sum(count)::bigint FROM ({leftovers}) AS c")).await,
            0
        );
    }

    // Protected: both refuse, naming the reason, and nothing changes.
    migrator.protect(&db, "production").await.unwrap();
    assert_eq!(migrator.protection(&db).await.unwrap().unwrap().reason, "production");
    for error in [
        migrator.fresh(&db).await.unwrap_err(),
        migrator.reset(&db).await.unwrap_err(),
    ] {
        assert!(matches!(error, Error::Protected { .. }), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("the database is protected (production, marked "),
            "{error}"
        );
    }
    assert_eq!(schema(&db).await, migrated);
    assert!(
        states(&migrator.status(&db).await.unwrap())
            .iter()
            .all(|(_, s)| *s == State::Applied)
    );

    assert!(migrator.unprotect(&db).await.unwrap());
    assert!(!migrator.unprotect(&db).await.unwrap());
    let report = migrator.reset(&db).await.unwrap();
    assert_eq!(report.applied.len(), all().len());
    assert!(schema(&db).await.is_empty(), "{:?}", schema(&db).await);
    assert!(
        states(&migrator.status(&db).await.unwrap())
            .iter()
            .all(|(_, s)| *s == State::Pending)
    );
    db.close().await;
    test.drop_db().await;
}
