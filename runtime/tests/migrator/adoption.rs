//! Adopting an existing database: baseline, and a history recorded by sqlx migrations.

use lockgate_dsl::Backend;
use lockgate_runtime::{Error, History, Migrator, State};

use crate::common::{Fixture, TestDb, exec, schema};
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

/// diesel's, refinery's and sea-orm-migration's histories: each version the tool recorded and this migrator knows
/// is recorded as applied without running; the others stay pending, and a version the migrator does not know is
/// skipped. A database without the tool's table says so.
pub(crate) async fn other_tools_histories_are_adopted(backend: Backend) {
    let text = if backend == Backend::MySql {
        "VARCHAR(255)"
    } else {
        "TEXT"
    };
    let tools = [
        (
            History::Diesel,
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, run_on TIMESTAMP)".to_owned(),
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240313120000'), ('2024-03-14-090000'), ('20991231000000')",
            [20240313120000_i64, 20240314090000, 20240315000000],
        ),
        (
            History::Refinery,
            format!(
                "CREATE TABLE refinery_schema_history (version INT PRIMARY KEY, name {text}, applied_on {text}, \
                 checksum {text})"
            ),
            "INSERT INTO refinery_schema_history (version, name) VALUES (1, 'create'), (2, 'add'), (99, 'unknown')",
            [1, 2, 3],
        ),
        (
            History::SeaOrm,
            "CREATE TABLE seaql_migrations (version VARCHAR(255) PRIMARY KEY, applied_at BIGINT NOT NULL)".to_owned(),
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20220101_000001_create_accounts', 1), \
             ('m20220102_000001_add_nickname', 2)",
            [20220101000001, 20220102000001, 20220103000001],
        ),
    ];
    for (history, create, insert, versions) in tools {
        let Some(test) = TestDb::create(backend, &history.name().replace('-', "_")).await else {
            return;
        };
        let db = test.connect().await;
        let migrator = || {
            Migrator::new(
                versions
                    .iter()
                    .map(|&v| {
                        Fixture::boxed(v, "create", move |m| {
                            m.create_table(format!("t{v}"), |t| {
                                t.column::<i64>("id").primary_key();
                            });
                        })
                    })
                    .collect(),
            )
            .unwrap()
        };
        let error = migrator().adopt(&db, history).await.unwrap_err();
        assert!(
            error
                .to_string()
                .contains(&format!("there is no `{}` table", history.table())),
            "{error}"
        );
        exec(&db, &create).await;
        exec(&db, insert).await;
        let report = migrator().adopt(&db, history).await.unwrap();
        assert_eq!(report.applied.len(), 2, "{}: {report:?}", history.name());
        let status = migrator().status(&db).await.unwrap();
        assert_eq!(
            states(&status),
            [
                (versions[0], State::Applied),
                (versions[1], State::Applied),
                (versions[2], State::Pending)
            ],
            "{}",
            history.name()
        );
        // Nothing ran: only the tool's table and lockgate's own are there.
        assert!(
            schema(&db).await.iter().all(|t| !t.starts_with('t')),
            "{}: {:?}",
            history.name(),
            schema(&db).await
        );
        assert_eq!(migrator().up(&db, None).await.unwrap().applied.len(), 1);
        db.close().await;
        test.drop_db().await;
    }
}
