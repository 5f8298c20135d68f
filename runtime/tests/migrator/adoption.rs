//! Adopting an existing database: baseline, and a history recorded by sqlx migrations.

use lockgate_dsl::Backend;
use lockgate_runtime::{Error, Migrator, State};

use crate::common::{TestDb, exec, schema};
use crate::fixtures::{all, states};

pub(crate) async fn baseline_and_sqlx_adoption(backend: Backend) {
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
