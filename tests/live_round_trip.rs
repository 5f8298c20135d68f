//! The live round trip the derive's test runs with `LOCKGATE_VERIFY_URL`: each derived migration registers
//! itself, and its round trip runs on top of the migrations before it (here scoped to one module, as a crate
//! scopes it for the derive's test). A hand-written `Down` that drops another column than its `Up` added
//! fails, naming both columns, on every backend; so does a data step whose down loses the sample rows the
//! migration declares (`#[migration(sample = "...")]`), or a sample that cannot run.
//!
//! The migrations of this file are for the scoped calls below: with `LOCKGATE_VERIFY_URL` set, the derive's
//! own test of `wrong_down::AddNickname` fails on purpose.

use lockgate::__private::round_trip;
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
                t.column::<String>("email");
            });
        }
    }

    /// Add a nickname, which needs `accounts` from migration 1.
    #[derive(Migration)]
    #[migration(version = 2)]
    pub(crate) struct AddNickname;

    impl Change for AddNickname {
        fn change(&self, m: &mut Plan<Self>) {
            m.add_column::<Option<String>>("accounts", "nickname");
        }
    }
}

#[path = "shared/wrong_down.rs"]
mod wrong_down;

/// Data steps with sample rows: a down that gives the rows back, and one that does not.
mod samples {
    use lockgate::prelude::*;

    /// Create accounts.
    #[derive(Migration)]
    #[migration(version = 1)]
    pub(crate) struct CreateAccounts;

    impl Change for CreateAccounts {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_table("accounts", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<String>("email");
            });
        }
    }

    /// Upper-case every email; down lower-cases them again, which the samples (all lower case) survive.
    #[derive(Migration)]
    #[migration(
        version = 2,
        allow(blocking = "a handful of accounts: the update is over at once"),
        sample = "INSERT INTO accounts (id, email) VALUES (1, 'ann@old.example'), (2, 'bob@new.example')"
    )]
    pub(crate) struct UpperEmails;

    impl Change for UpperEmails {
        fn change(&self, m: &mut Plan<Self>) {
            m.sql(
                "UPDATE accounts SET email = UPPER(email)",
                "UPDATE accounts SET email = LOWER(email)",
            );
        }
    }

    /// Delete the old domain's accounts; down cannot bring them back, and the samples show it.
    #[derive(Migration)]
    #[migration(
        version = 3,
        sample = "INSERT INTO accounts (id, email) VALUES (3, 'cy@old.example')"
    )]
    pub(crate) struct DeleteOldDomain;

    impl Change for DeleteOldDomain {
        fn change(&self, m: &mut Plan<Self>) {
            m.sql(
                "DELETE FROM accounts WHERE LOWER(email) LIKE '%@old.example'",
                "SELECT 1",
            );
        }
    }

    /// A sample that names a column the table does not have.
    #[derive(Migration)]
    #[migration(version = 4, sample = "INSERT INTO accounts (id, nickname) VALUES (9, 'x')")]
    pub(crate) struct BadSample;

    impl Change for BadSample {
        fn change(&self, m: &mut Plan<Self>) {
            m.sql("SELECT 1", "SELECT 1");
        }
    }
}

async fn check(url: &str) {
    let url = url.to_owned();
    // The helper blocks on a runtime of its own.
    tokio::task::spawn_blocking(move || {
        round_trip(&url, 2, "live_round_trip::good").expect("the right down round-trips");
        round_trip(&url, 1, "live_round_trip::good").expect("the first migration round-trips alone");

        let err = round_trip(&url, 2, "live_round_trip::wrong_down").expect_err("the wrong down is caught");
        assert!(err.contains("failed"), "{err}");
        assert!(
            err.contains("`accounts`.`email`"),
            "names the column the down dropped: {err}"
        );
        assert!(
            err.contains("`accounts`.`nickname`"),
            "names the column left behind: {err}"
        );

        let err = round_trip(&url, 2, "live_round_trip").expect_err("two lists in one scope");
        assert!(
            err.contains("two migrations under `live_round_trip` have version 1"),
            "{err}"
        );
        let err = round_trip(&url, 3, "live_round_trip::good").expect_err("no such version");
        assert!(err.contains("no migration with version 3"), "{err}");

        round_trip(&url, 2, "live_round_trip::samples").expect("the samples come back through the down");
        let err = round_trip(&url, 3, "live_round_trip::samples").expect_err("the deleted sample is gone");
        assert!(err.contains("rows of `accounts`"), "{err}");
        assert!(err.contains("expected 1 row, found 0 rows"), "{err}");
        let err = round_trip(&url, 4, "live_round_trip::samples").expect_err("a sample that cannot run");
        assert!(
            err.contains("sample `INSERT INTO accounts (id, nickname) VALUES (9, 'x')`"),
            "{err}"
        );
    })
    .await
    .expect("the checks ran");
}

async fn on_server(server: Server) {
    let Some(database) = TestDatabase::create(server, "live_round_trip").await else {
        return;
    };
    let url = database.url().to_owned();
    let outcome = tokio::spawn(async move { check(&url).await }).await;
    database.drop_database().await.expect("drop the test database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres() {
    on_server(Server::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql() {
    on_server(Server::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite() {
    check("sqlite::memory:").await;
}
