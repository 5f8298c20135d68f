//! The live schema: introspection, `verify` (the round trip of every migration), `drift` and `diff`, on every
//! backend.

use lockgate_dsl::plan::{Backward, OneWay, Plan};
use lockgate_dsl::schema::ColumnDef;
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::schema::{Change, CompareOptions, emit_sql};
use lockgate_runtime::verify::{RoundTrip, Stage};
use lockgate_runtime::{Migrator, diff};

use crate::common::{OneWayFixture, TestDb, UpDownFixture, drift_lines, exec};
use crate::fixtures::{all, create_accounts};

/// A test migration type that may do anything, for hand-written downs.
struct Anything;
lockgate_dsl::allow_category!(Anything, destructive);

/// Adds `nickname`, and on the way down drops `email` instead: the kind of mistake only a round trip finds.
fn wrong_down() -> Box<dyn Migration> {
    UpDownFixture::boxed(
        2,
        "add nickname, drop the wrong column going down",
        || {
            let mut m = Plan::<Anything, OneWay>::new();
            m.add_column::<Option<String>>("accounts", "nickname");
            m.into_operations()
        },
        || {
            let mut m = Plan::<Anything, Backward>::new();
            m.drop_column("accounts", ColumnDef::new::<String>("email"));
            m.into_operations()
        },
    )
}

pub(crate) async fn introspection(backend: Backend) {
    let Some(test) = TestDb::create(backend, "introspect").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    migrator.up(&db, None).await.unwrap();
    let schema = migrator.introspect(&db).await.unwrap();
    assert_eq!(
        schema.tables.keys().collect::<Vec<_>>(),
        ["accounts"],
        "tracking tables are left out"
    );
    let accounts = &schema.tables["accounts"];
    let columns: Vec<&str> = accounts.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "email", "nickname"]);
    assert_eq!(accounts.primary_key, ["id"]);
    assert!(!accounts.column("email").unwrap().nullable);
    assert!(accounts.column("nickname").unwrap().nullable);
    // MySQL indexes a text column by a prefix: `email(768)`.
    let index = accounts.indexes.get("accounts_email_idx").expect("the index is read");
    assert!(
        index.columns.len() == 1 && index.columns[0].starts_with("email"),
        "{index:?}"
    );
    let check = accounts
        .checks
        .get("accounts_email_present")
        .expect("the check is read");
    assert!(check.expression.contains("length"), "{check:?}");
    db.close().await;
    test.drop_db().await;
}

pub(crate) async fn verify_round_trips(backend: Backend) {
    let Some(test) = TestDb::create(backend, "verify").await else {
        return;
    };
    let mut migrations = all();
    migrations.push(OneWayFixture::boxed(
        4,
        "round emails",
        "lower-case is forever",
        "UPDATE accounts SET email = lower(email)",
    ));
    let report = Migrator::new(migrations).unwrap().verify(&test.url).await.unwrap();
    assert!(report.is_ok(), "{:?}", report.first_failure());
    let outcomes: Vec<(i64, &RoundTrip)> = report.migrations.iter().map(|m| (m.version, &m.outcome)).collect();
    assert_eq!(outcomes.len(), 4);
    assert!(
        outcomes[..3].iter().all(|(_, o)| **o == RoundTrip::Verified),
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes[3].1,
        &RoundTrip::Skipped {
            reason: "irreversible: lower-case is forever".into()
        }
    );

    let report = Migrator::new(vec![create_accounts(), wrong_down()])
        .unwrap()
        .verify(&test.url)
        .await
        .unwrap();
    let failure = report.first_failure().expect("the wrong down is caught");
    assert_eq!(failure.version, 2);
    let RoundTrip::Failed { stage, differences } = &failure.outcome else {
        panic!("{failure}")
    };
    assert_eq!(*stage, Stage::Down);
    let text = failure.to_string();
    assert!(
        text.contains("does not go down to the schema and rows it started from"),
        "{text}"
    );
    assert!(
        differences
            .iter()
            .any(|d| d.object == "column `accounts`.`email`" && matches!(d.change, Change::Missing { .. })),
        "{text}"
    );
    assert!(
        differences
            .iter()
            .any(|d| d.object == "column `accounts`.`nickname`" && matches!(d.change, Change::Extra { .. })),
        "{text}"
    );
    test.drop_db().await;
}

pub(crate) async fn drift_and_diff(backend: Backend) {
    let Some(live) = TestDb::create(backend, "drift").await else {
        return;
    };
    let Some(other) = TestDb::create(backend, "drift_other").await else {
        live.drop_db().await;
        return;
    };
    let db = live.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    migrator.up(&db, None).await.unwrap();
    let drift = migrator.drift(&db, &live.url).await.unwrap();
    assert!(drift.is_empty(), "{drift:?}");

    exec(&db, "ALTER TABLE accounts ADD COLUMN added_by_hand integer").await;
    let lines = drift_lines(&migrator, &db, &live.url).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    // `integer`, or MariaDB's `int(11)`.
    assert!(
        lines[0].starts_with("extra column `accounts`.`added_by_hand`: int"),
        "{lines:?}"
    );

    // Another database two migrations behind: exactly what those two migrations add.
    let behind = other.connect().await;
    migrator.up(&behind, Some(1)).await.unwrap();
    exec(&db, "ALTER TABLE accounts DROP COLUMN added_by_hand").await;
    let differences = diff(&db, &behind, CompareOptions::default()).await.unwrap();
    let objects: Vec<&str> = differences.iter().map(|d| d.object.as_str()).collect();
    assert_eq!(
        objects,
        [
            "column `accounts`.`nickname`",
            "index `accounts_email_idx` on `accounts`",
            "check `accounts_email_present` on `accounts`"
        ],
        "{differences:?}"
    );
    assert!(differences.iter().all(|d| matches!(d.change, Change::Missing { .. })));
    // The SQL `diff --emit sql` prints brings B to A: applied to B, the diff is clean (on SQLite, but for the
    // check it can add only by a table rebuild, which it says).
    let expected = migrator.introspect(&db).await.unwrap();
    let found = migrator.introspect(&behind).await.unwrap();
    let statements = emit_sql(&expected, &found, backend, false);
    for statement in statements.iter().filter(|s| !s.starts_with("--")) {
        exec(&behind, statement).await;
    }
    let left: Vec<String> = diff(&db, &behind, CompareOptions::default())
        .await
        .unwrap()
        .iter()
        .map(|d| d.object.clone())
        .collect();
    if backend == Backend::Sqlite {
        assert_eq!(left, ["check `accounts_email_present` on `accounts`"], "{statements:?}");
        assert!(
            statements
                .iter()
                .any(|s| s.starts_with("-- check accounts_email_present")),
            "{statements:?}"
        );
    } else {
        assert!(left.is_empty(), "{left:?} after {statements:?}");
    }
    // Undo the emitted changes on a fresh pool (SQLite's DROP COLUMN trusts a connection's cached schema), then
    // let the migrations bring B up instead.
    let fresh = other.connect().await;
    behind.close().await;
    let behind = fresh;
    exec(&behind, "ALTER TABLE accounts DROP COLUMN nickname").await;
    let index_drop = match backend {
        Backend::MySql => "DROP INDEX accounts_email_idx ON accounts",
        Backend::Postgres | Backend::Sqlite => "DROP INDEX accounts_email_idx",
    };
    exec(&behind, index_drop).await;
    if backend != Backend::Sqlite {
        exec(&behind, "ALTER TABLE accounts DROP CONSTRAINT accounts_email_present").await;
    }
    migrator.up(&behind, None).await.unwrap();
    assert_eq!(diff(&db, &behind, CompareOptions::default()).await.unwrap(), []);
    db.close().await;
    behind.close().await;
    live.drop_db().await;
    other.drop_db().await;
}

pub(crate) async fn verified_baseline(backend: Backend) {
    let Some(test) = TestDb::create(backend, "baseline_verified").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(all()).unwrap();
    let forget = async |db: &lockgate_runtime::Database| {
        exec(db, "DROP TABLE lockgate_migrations_history").await;
        exec(db, "DROP TABLE lockgate_migrations").await;
    };
    // A database whose schema is the first migration's only, with no record of it (another tool made it).
    migrator.up(&db, Some(1)).await.unwrap();
    forget(&db).await;
    let error = migrator.baseline_verified(&db, 3, &test.url).await.unwrap_err();
    let lockgate_runtime::Error::SchemaMismatch { version, differences } = &error else {
        panic!("{error}")
    };
    assert_eq!(*version, 3);
    assert!(
        differences
            .iter()
            .any(|d| d.object == "column `accounts`.`nickname`" && matches!(d.change, Change::Missing { .. })),
        "{error}"
    );
    assert!(
        error.to_string().contains("is not what the migrations up to 3 produce"),
        "{error}"
    );
    let status = migrator.status(&db).await.unwrap();
    assert!(
        status.iter().all(|s| s.state == lockgate_runtime::State::Pending),
        "a refused baseline records nothing: {status:?}"
    );
    // At version 1 it matches, and is recorded.
    let report = migrator.baseline_verified(&db, 1, &test.url).await.unwrap();
    assert_eq!(report.applied.len(), 1);
    migrator.up(&db, None).await.unwrap();
    db.close().await;
    test.drop_db().await;
}
