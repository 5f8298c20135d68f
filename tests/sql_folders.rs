//! `embed_migrations!` reads diesel's and refinery's layouts too (sqlx's is `examples/sql_folder`): the
//! versions and names come from the files, diesel's down SQL runs on the way down, and refinery's folder, which
//! has no down SQL, is irreversible for the reason the call gives.

use lockgate::runtime::{Database, DownTarget, Error, Migrator, State};

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
    let migrator = Migrator::new(lockgate::embed_migrations!("tests/sql_folders/diesel")).unwrap();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 2);
    assert_eq!(
        applied(&migrator, &db).await,
        [(20240313120000, State::Applied), (20240314090000, State::Applied)]
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(status[1].name, "add body");
    migrator.down(&db, DownTarget::To(0)).await.unwrap();
    assert_eq!(
        applied(&migrator, &db).await,
        [(20240313120000, State::Pending), (20240314090000, State::Pending)]
    );
}

#[tokio::test]
async fn refinery_files_are_irreversible_for_the_reason_given() {
    let migrator = Migrator::new(lockgate::embed_migrations!(
        "tests/sql_folders/refinery",
        irreversible = "refinery migrations have no down SQL"
    ))
    .unwrap();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 2);
    assert_eq!(
        applied(&migrator, &db).await,
        [(1, State::Applied), (2, State::Applied)]
    );
    let error = migrator.down(&db, DownTarget::Steps(1)).await.unwrap_err();
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
    let migrator = Migrator::new(migrations).unwrap();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    // Books come before their authors: with foreign keys on, the first insert would fail.
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 2);
    let Database::Sqlite(pool) = &db else { unreachable!() };
    let books: i64 = sqlx::query_scalar("SELECT count(*) FROM books JOIN authors ON authors.id = books.author_id")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(books, 1);
    assert_eq!(migrator.down(&db, DownTarget::Steps(1)).await.unwrap().applied.len(), 1);
}
