//! `lockgate::testing` as a user's test suite calls it: the up-down-up round trip of a whole list against each
//! server, a wrong hand-written `Down` caught with the object it got wrong, and one SQL snapshot of the list.

use lockgate::runtime::Migrator;
use lockgate::testing::{RoundTripError, assert_round_trip, round_trip, sql_snapshot};
use lockgate_test_support::{Server, TestDatabase};

mod good {
    use lockgate::prelude::*;

    /// Create accounts.
    #[derive(Migration)]
    #[migration(version = 1)]
    pub(crate) struct CreateAccounts;

    impl Change for CreateAccounts {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_table("accounts", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Varchar<200>>("email");
            });
        }
    }

    /// Add a nickname.
    #[derive(Migration)]
    #[migration(version = 2)]
    pub(crate) struct AddNickname;

    impl Change for AddNickname {
        fn change(&self, m: &mut Plan<Self>) {
            m.add_column::<Option<String>>("accounts", "nickname");
        }
    }

    /// Index the emails, without locking writes out.
    #[derive(Migration)]
    #[migration(version = 3, transaction = false)]
    pub(crate) struct IndexEmails;

    impl Change for IndexEmails {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_index(IndexDef::new("accounts", ["email"]).concurrently());
        }
    }

    /// Forget the placeholder accounts.
    #[derive(Migration)]
    #[migration(
        version = 4,
        irreversible = "the deleted placeholders are not worth keeping",
        allow(blocking = "a handful of rows")
    )]
    pub(crate) struct ForgetPlaceholders;

    impl Up for ForgetPlaceholders {
        fn up(&self, m: &mut Plan<Self, OneWay>) {
            m.sql_irreversible("DELETE FROM accounts WHERE email LIKE '%@placeholder.invalid'");
        }
    }
}

#[path = "shared/wrong_down.rs"]
mod wrong_down;

fn good() -> Migrator {
    Migrator::new(lockgate::migrations![
        good::CreateAccounts,
        good::AddNickname,
        good::IndexEmails,
        good::ForgetPlaceholders
    ])
    .unwrap()
}

async fn check(url: &str) {
    let report = assert_round_trip(&good(), url).await;
    assert_eq!(report.migrations.len(), 4);
    assert!(report.is_ok());

    let wrong = Migrator::new(lockgate::migrations![
        wrong_down::CreateAccounts,
        wrong_down::AddNickname
    ])
    .unwrap();
    let error = round_trip(&wrong, url).await.unwrap_err();
    assert!(matches!(error, RoundTripError::Migration(_)), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("`accounts`.`email`"),
        "names the column the down dropped: {text}"
    );
    assert!(
        text.contains("`accounts`.`nickname`"),
        "names the column left behind: {text}"
    );
}

async fn on_server(server: Server) {
    let Some(database) = TestDatabase::create(server, "testing_helpers").await else {
        return;
    };
    let url = database.url().to_owned();
    let outcome = tokio::spawn(async move { check(&url).await }).await;
    database.drop_database().await.expect("drop the test database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

#[tokio::test]
async fn postgres() {
    on_server(Server::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    on_server(Server::MySql).await;
}

#[tokio::test]
async fn sqlite() {
    check("sqlite::memory:").await;
}

#[test]
fn one_snapshot_holds_every_migration_for_every_backend_both_ways() {
    let migrations = lockgate::migrations![
        good::CreateAccounts,
        good::AddNickname,
        good::IndexEmails,
        good::ForgetPlaceholders
    ];
    insta::assert_snapshot!(sql_snapshot(&migrations, &lockgate::dsl::Backend::ALL));
}
