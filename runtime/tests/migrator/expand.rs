//! Expand/contract with running code on both sides: while both columns exist, old code writing the old column
//! and new code writing the new one see each other's writes; the contract drops the old column, and going down
//! brings it back with every value.

use lockgate_dsl::plan::{Plan, inverse_of};
use lockgate_dsl::schema::{ColumnDef, Expansion};
use lockgate_dsl::types::Varchar;
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::{Database, DownTarget, Migrator};

use crate::common::{Fixture, TestDb, UpDownFixture, exec, scalar, schema};

fn email_to_address() -> Expansion {
    Expansion::rename::<i64>(
        "accounts",
        "id",
        ColumnDef::new::<Option<Varchar<100>>>("email"),
        "address",
    )
}

fn accounts() -> Box<dyn Migration> {
    Fixture::boxed(1, "accounts", |m| {
        m.create_table("accounts", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Option<Varchar<100>>>("email");
        });
        m.sql(
            "INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com'), (3, NULL)",
            "DELETE FROM accounts",
        );
    })
}

fn expand() -> Box<dyn Migration> {
    Fixture::with_mode(2, "expand email to address", TransactionMode::None, |m| {
        m.expand_column(email_to_address());
    })
}

/// A migration that allows destructive operations, as `#[migration(allow(destructive = "..."))]` does.
struct Contracting;
lockgate_dsl::allow_category!(Contracting, destructive);

fn contract() -> Box<dyn Migration> {
    let plan = || {
        let mut m = Plan::<Contracting>::new();
        m.contract_column(email_to_address());
        m.into_operations()
    };
    UpDownFixture::boxed_with_mode(3, "contract email", TransactionMode::None, plan, move || {
        inverse_of(&plan()).unwrap()
    })
}

async fn count(db: &Database, condition: &str) -> i64 {
    scalar(db, &format!("SELECT COUNT(*) FROM accounts WHERE {condition}")).await
}

pub(crate) async fn expand_and_contract(backend: Backend) {
    let Some(test) = TestDb::create(backend, "expand").await else {
        return;
    };
    let db = test.connect().await;
    let migrator = Migrator::new(vec![accounts(), expand(), contract()]).unwrap();
    migrator.up(&db, Some(1)).await.unwrap();
    let before = schema(&db).await;
    migrator.up(&db, Some(2)).await.unwrap();

    // The backfill copied the rows written before.
    assert_eq!(count(&db, "address = email").await, 2);
    assert_eq!(count(&db, "address IS NULL AND email IS NULL").await, 1);
    // Old code writes `email`, new code writes `address`: each sees the other's writes.
    exec(&db, "INSERT INTO accounts (id, email) VALUES (10, 'old@example.com')").await;
    exec(&db, "INSERT INTO accounts (id, address) VALUES (11, 'new@example.com')").await;
    exec(&db, "UPDATE accounts SET email = 'changed@example.com' WHERE id = 1").await;
    exec(&db, "UPDATE accounts SET address = 'moved@example.com' WHERE id = 2").await;
    for (id, value) in [
        (10, "old@example.com"),
        (11, "new@example.com"),
        (1, "changed@example.com"),
        (2, "moved@example.com"),
    ] {
        assert_eq!(
            count(&db, &format!("id = {id} AND email = '{value}' AND address = '{value}'")).await,
            1,
            "{backend}: row {id} in sync"
        );
    }

    // Contract: the old column and the triggers go; new code keeps writing `address` alone.
    migrator.up(&db, None).await.unwrap();
    assert!(schema(&db).await.iter().all(|line| !line.contains("email")));
    exec(
        &db,
        "INSERT INTO accounts (id, address) VALUES (12, 'later@example.com')",
    )
    .await;

    // Down: `email` comes back with every value, the triggers with it.
    migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    assert_eq!(count(&db, "email = address").await, 5, "{backend}");
    assert_eq!(count(&db, "id = 3 AND email IS NULL AND address IS NULL").await, 1);
    assert_eq!(count(&db, "id = 12 AND email = 'later@example.com'").await, 1);
    exec(&db, "UPDATE accounts SET address = 'again@example.com' WHERE id = 12").await;
    assert_eq!(
        count(&db, "id = 12 AND email = 'again@example.com'").await,
        1,
        "{backend}: synced again"
    );

    // Down again: `address` goes; `email` holds what both sides wrote.
    migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    let mut after = schema(&db).await;
    let mut expected = before;
    after.sort();
    expected.sort();
    assert_eq!(after, expected, "{backend}: the schema as before the expand");
    assert_eq!(count(&db, "id = 2 AND email = 'moved@example.com'").await, 1);
    exec(&db, "INSERT INTO accounts (id, email) VALUES (20, 'plain@example.com')").await;
    db.close().await;
    test.drop_db().await;
}

/// `amount` (whole units, `i32`) moved to `amount_cents` (`i64`): a type change with a conversion each way.
fn to_cents() -> Expansion {
    Expansion::retype::<i64>(
        "invoices",
        "id",
        ColumnDef::new::<Option<i32>>("amount"),
        ColumnDef::new::<Option<i64>>("amount_cents"),
        "{} * 100",
        "{} / 100",
    )
}

async fn invoices(db: &Database, condition: &str) -> i64 {
    scalar(db, &format!("SELECT COUNT(*) FROM invoices WHERE {condition}")).await
}

pub(crate) async fn expand_a_type_change(backend: Backend) {
    let Some(test) = TestDb::create(backend, "retype").await else {
        return;
    };
    let db = test.connect().await;
    let create = Fixture::boxed(1, "invoices", |m| {
        m.create_table("invoices", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<Option<i32>>("amount");
        });
        m.sql(
            "INSERT INTO invoices (id, amount) VALUES (1, 12), (2, 7)",
            "DELETE FROM invoices",
        );
    });
    let expand = Fixture::with_mode(2, "amount in cents", TransactionMode::None, |m| {
        m.expand_column(to_cents());
    });
    let migrator = Migrator::new(vec![create, expand]).unwrap();
    migrator.up(&db, None).await.unwrap();
    assert_eq!(
        invoices(&db, "amount_cents = amount * 100").await,
        2,
        "{backend}: backfilled"
    );
    exec(&db, "INSERT INTO invoices (id, amount) VALUES (3, 5)").await;
    exec(&db, "INSERT INTO invoices (id, amount_cents) VALUES (4, 900)").await;
    exec(&db, "UPDATE invoices SET amount_cents = 4200 WHERE id = 1").await;
    for (id, amount, cents) in [(1, 42, 4200), (2, 7, 700), (3, 5, 500), (4, 9, 900)] {
        assert_eq!(
            invoices(
                &db,
                &format!("id = {id} AND amount = {amount} AND amount_cents = {cents}")
            )
            .await,
            1,
            "{backend}: invoice {id}"
        );
    }
    // Down drops the new column; up again fills it afresh.
    migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
    migrator.up(&db, None).await.unwrap();
    assert_eq!(
        invoices(&db, "amount_cents = amount * 100").await,
        4,
        "{backend}: up again"
    );
    db.close().await;
    test.drop_db().await;
}
