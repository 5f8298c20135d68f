//! The migrations most scenarios start from, and how they compare statuses.

use lockgate_dsl::Migration;
use lockgate_dsl::schema::{CheckDef, IndexDef};
use lockgate_runtime::State;

use crate::common::Fixture;

pub(crate) fn create_accounts() -> Box<dyn Migration> {
    Fixture::boxed(1, "create accounts", |m| {
        m.create_table("accounts", |t| {
            t.column::<i64>("id").primary_key();
            t.column::<String>("email");
        });
    })
}

pub(crate) fn add_nickname() -> Box<dyn Migration> {
    Fixture::boxed(2, "add nickname", |m| {
        m.add_column::<Option<String>>("accounts", "nickname");
        m.create_index(IndexDef::new("accounts", ["email"]));
        m.add_check(CheckDef::new("accounts", "accounts_email_present", "length(email) > 0"));
    })
}

pub(crate) fn seed_account() -> Box<dyn Migration> {
    Fixture::boxed(3, "seed an account", |m| {
        m.sql(
            "INSERT INTO accounts (id, email) VALUES (1, 'ops@example.com')",
            "DELETE FROM accounts WHERE id = 1",
        );
        m.assert("SELECT COUNT(*) = 1 FROM accounts", "the seed account exists");
    })
}

pub(crate) fn all() -> Vec<Box<dyn Migration>> {
    vec![create_accounts(), add_nickname(), seed_account()]
}

pub(crate) fn states(status: &[lockgate_runtime::MigrationStatus]) -> Vec<(i64, State)> {
    status.iter().map(|s| (s.version, s.state)).collect()
}
