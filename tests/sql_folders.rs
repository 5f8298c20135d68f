//! `embed_migrations!` reads diesel's and refinery's layouts too (sqlx's is `examples/sql_folder`, which CI runs
//! on each backend): the versions and names come from the files, diesel's down SQL runs on the way down, and
//! refinery's folder, which has no down SQL, is irreversible for the reason the call gives. Each runs on SQLite,
//! PostgreSQL and MariaDB.

use lockgate::runtime::{Database, DownTarget, Error, Migrator, State};
use lockgate_test_support::{Server, TestDatabase};

/// Runs `check` on an in-memory SQLite database, then on a throwaway database on each server.
async fn on_every_backend(suite: &str, check: impl AsyncFn(&Database)) {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    check(&db).await;
    db.close().await;
    for server in [Server::Postgres, Server::MySql] {
        let Some(test) = TestDatabase::create(server, suite).await else {
            continue;
        };
        let db = Database::connect(test.url()).await.unwrap();
        check(&db).await;
        db.close().await;
        test.drop_database().await.unwrap();
    }
}

async fn applied(migrator: &Migrator, db: &Database) -> Vec<(i64, State)> {
    migrator
        .status(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.version, s.state))
        .collect()
}

#[tokio::test]
async fn diesel_folders_run_up_and_down() {
    on_every_backend("diesel_folders", diesel_folders).await;
}

async fn diesel_folders(db: &Database) {
    let migrator = Migrator::new(lockgate::embed_migrations!("tests/sql_folders/diesel")).unwrap();
    assert_eq!(migrator.up(db, None).await.unwrap().applied.len(), 2);
    assert_eq!(
        applied(&migrator, db).await,
        [(20240313120000, State::Applied), (20240314090000, State::Applied)]
    );
    let status = migrator.status(db).await.unwrap();
    assert_eq!(status[1].name, "add body");
    migrator.down(db, DownTarget::To(0)).await.unwrap();
    assert_eq!(
        applied(&migrator, db).await,
        [(20240313120000, State::Pending), (20240314090000, State::Pending)]
    );
}

#[tokio::test]
async fn refinery_files_are_irreversible_for_the_reason_given() {
    on_every_backend("refinery_files", refinery_files).await;
}

async fn refinery_files(db: &Database) {
    let migrator = Migrator::new(lockgate::embed_migrations!(
        "tests/sql_folders/refinery",
        irreversible = "refinery migrations have no down SQL"
    ))
    .unwrap();
    assert_eq!(migrator.up(db, None).await.unwrap().applied.len(), 2);
    assert_eq!(applied(&migrator, db).await, [(1, State::Applied), (2, State::Applied)]);
    let error = migrator.down(db, DownTarget::Steps(1)).await.unwrap_err();
    assert!(matches!(error, Error::Irreversible { .. }), "{error}");
    assert!(
        error.to_string().contains("refinery migrations have no down SQL"),
        "{error}"
    );
}

#[tokio::test]
async fn a_header_turns_foreign_keys_off_for_its_migration() {
    use lockgate::dsl::session::SessionSetting;
    let migrations = lockgate::embed_migrations!("tests/sql_folders/foreign_keys");
    assert_eq!(migrations[1].session(), [SessionSetting::ForeignKeysOff]);
    assert!(migrations[0].session().is_empty());
    on_every_backend("foreign_keys_folder", foreign_keys_folder).await;
}

async fn foreign_keys_folder(db: &Database) {
    let migrator = Migrator::new(lockgate::embed_migrations!("tests/sql_folders/foreign_keys")).unwrap();
    if db.backend() == lockgate::dsl::Backend::Postgres {
        // PostgreSQL has no such switch: refused before anything runs.
        let error = migrator.up(db, None).await.unwrap_err();
        assert!(
            error.to_string().contains("postgres cannot turn foreign keys off"),
            "{error}"
        );
        assert_eq!(applied(&migrator, db).await[0], (20240301000000, State::Pending));
        return;
    }
    // Books come before their authors: with foreign keys on, the first insert would fail.
    assert_eq!(migrator.up(db, None).await.unwrap().applied.len(), 2);
    assert_eq!(applied(&migrator, db).await[1], (20240302000000, State::Applied));
    assert_eq!(migrator.down(db, DownTarget::Steps(1)).await.unwrap().applied.len(), 1);
}
