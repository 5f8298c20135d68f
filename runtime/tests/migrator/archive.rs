//! Lossless drops with real rows: an archived column and an archived table keep their data in backup tables,
//! `down` restores every value, `purge` drops the backups, and a restore without its backup refuses, changing
//! nothing.

use lockgate_dsl::schema::ColumnDef;
use lockgate_dsl::types::Varchar;
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{DownTarget, Error, Migrator, State};

use lockgate_dsl::plan::{Plan, inverse_of};

use crate::common::{Fixture, TestDb, UpDownFixture, scalar, schema};
use crate::fixtures::states;

fn tables() -> Box<dyn Migration> {
    Fixture::boxed(1, "accounts and legacy", |m| {
        m.create_table("accounts", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Varchar<100>>("email");
            t.column::<Option<String>>("note");
        });
        m.create_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Varchar<20>>("label");
        });
        m.sql(
            "INSERT INTO accounts (id, email, note) VALUES (1, 'a@example.com', NULL), (2, 'b@example.com', 'it''s'), \
             (3, 'c@example.com', 'x')",
            "DELETE FROM accounts",
        );
        m.sql(
            "INSERT INTO legacy (id, label) VALUES (1, 'old'), (2, 'older')",
            "DELETE FROM legacy",
        );
    })
}

/// A migration that allows incompatible operations, as `#[migration(allow(incompatible = "..."))]` does.
struct Archiving;
lockgate_dsl::allow_category!(Archiving, incompatible);

fn archive() -> Box<dyn Migration> {
    let plan = || {
        let mut m = Plan::<Archiving>::new();
        m.archive_column("accounts", ColumnDef::new::<Varchar<100>>("email"), ["id"]);
        m.archive_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Varchar<20>>("label");
        });
        m.into_operations()
    };
    UpDownFixture::boxed(2, "archive the email and the legacy table", plan, move || {
        inverse_of(&plan()).unwrap()
    })
}

async fn assert_restored(db: &lockgate_runtime::Database) {
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM accounts WHERE (id = 1 AND email = 'a@example.com' AND note IS NULL) \
             OR (id = 2 AND email = 'b@example.com' AND note = 'it''s') OR (id = 3 AND email = 'c@example.com')"
        )
        .await,
        3,
        "every value back in place"
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM legacy WHERE (id = 1 AND label = 'old') OR (id = 2 AND label = 'older')"
        )
        .await,
        2
    );
}

pub(crate) async fn archive_and_restore(backend: Backend) {
    let Some(test) = TestDb::create(backend, "archive").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(vec![tables(), archive()]).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    let before = schema(&db).await;

    migrator.up(&db, None).await.unwrap();
    let after = schema(&db).await;
    assert!(
        after
            .iter()
            .all(|line| !line.contains("email") && !line.contains("legacy")),
        "{after:?}"
    );
    assert!(
        after.iter().all(|line| !line.contains("lockgate_backup")),
        "backups are not schema: {after:?}"
    );
    let backups = migrator.backups(&db).await.unwrap();
    let listed: Vec<(&str, i64)> = backups.iter().map(|b| (b.table.as_str(), b.rows)).collect();
    assert_eq!(
        listed,
        [("lockgate_backup_accounts__email", 3), ("lockgate_backup_legacy", 2)]
    );
    assert_eq!(
        backups.iter().all(|b| b.bytes.is_some()),
        backend != Backend::Sqlite,
        "{backups:?}"
    );

    // Down restores every value, NOT NULL included, and drops the backups.
    migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    assert_restored(&db).await;
    let mut restored = schema(&db).await;
    let mut expected = before.clone();
    restored.sort();
    expected.sort();
    assert_eq!(restored, expected, "the schema as before the archive");
    assert!(migrator.backups(&db).await.unwrap().is_empty());

    // Up again, then purge: a name that is no backup is refused, naming the backups there are.
    migrator.up(&db, None).await.unwrap();
    let error = migrator.purge(&db, Some("accounts")).await.unwrap_err();
    assert!(matches!(error, Error::UnknownBackup { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "there is no backup `accounts`; the backups are: lockgate_backup_accounts__email, lockgate_backup_legacy"
    );
    let purged = migrator.purge(&db, None).await.unwrap();
    assert_eq!(purged.len(), 2);
    assert!(migrator.backups(&db).await.unwrap().is_empty());

    // Without its backup the restore refuses before changing anything.
    let error = migrator.down(&db, DownTarget::Steps(1)).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("is gone (`purge` drops backups)"), "{text}");
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Applied)]);
    assert_eq!(schema(&db).await, after, "nothing changed");
    db.close().await;
    test.drop_db().await;
}
