//! The tracking tables: edited migrations refused by their checksum, custom table names and schemas.

use lockgate_dsl::Backend;
use lockgate_runtime::{DownTarget, Error, Migrator, State};

use crate::common::{Fixture, TestDb, exec, scalar, schema};
use crate::fixtures::{add_nickname, all, create_accounts, seed_account, states};

pub(crate) async fn tamper_is_refused(backend: Backend) {
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
            migration,
            stored,
            current,
        } => {
            assert_eq!(migration.version, 2);
            assert_eq!(migration.name, "add nickname");
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

/// The tracking tables can live under another name and (PostgreSQL, MySQL) in another schema.
pub(crate) async fn custom_tracking_table(backend: Backend) {
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

/// A start with nothing to do reads one short row, the digest of the applied set, whatever the number of
/// migrations; any change to the applied set (down, an interrupted run) forgets it first, so the shortcut can
/// never skip a pending migration; a database from before digests gets one on its first start.
pub(crate) async fn digest_shortcut(backend: Backend) {
    let Some(test) = TestDb::create(backend, "digest").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    migrator.up(&db, None).await.unwrap();
    let fresh = Migrator::new(all()).unwrap();
    assert!(fresh.up(&db, None).await.unwrap().applied.is_empty());
    assert_eq!(fresh.queries_executed(), 1, "one short row");

    // After a down, the shortcut must not hide the reverted migration.
    migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    let fresh = Migrator::new(all()).unwrap();
    let report = fresh.up(&db, None).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.version).collect::<Vec<_>>(), [3]);

    // A binary that knows fewer migrations never takes the shortcut, and never records a digest.
    let older = Migrator::new(vec![create_accounts(), add_nickname()]).unwrap();
    assert!(older.up(&db, None).await.unwrap().applied.is_empty());
    let digests = scalar(&db, "SELECT COUNT(*) FROM lockgate_migrations_state").await;
    assert_eq!(digests, 1);

    // A database from before digests (no state table): its first start records one, the next takes one row.
    exec(&db, "DROP TABLE lockgate_migrations_state").await;
    let fresh = Migrator::new(all()).unwrap();
    assert!(fresh.up(&db, None).await.unwrap().applied.is_empty());
    let fresh = Migrator::new(all()).unwrap();
    assert!(fresh.up(&db, None).await.unwrap().applied.is_empty());
    assert_eq!(fresh.queries_executed(), 1);
    db.close().await;
    test.drop_db().await;
}
