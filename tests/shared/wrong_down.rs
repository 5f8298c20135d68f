//! A migration list whose hand-written `Down` drops another column than its `Up` added: what round-trip
//! checks must catch. Shared by the suites that check it (each includes it as its own `wrong_down` module).

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

/// Add a nickname; the hand-written down drops `email` instead.
#[derive(Migration)]
#[migration(version = 2, allow(destructive = "the mistake this test catches"))]
pub(crate) struct AddNickname;

impl Up for AddNickname {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.add_column::<Option<String>>("accounts", "nickname");
    }
}

impl Down for AddNickname {
    fn down(&self, m: &mut Plan<Self, Backward>) {
        m.drop_column("accounts", ColumnDef::new::<String>("email"));
    }
}
