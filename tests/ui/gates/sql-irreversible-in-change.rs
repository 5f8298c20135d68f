//! Raw SQL without its reverse has no inverse, so a `Change` plan cannot hold it.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct RoundPrices;

impl Change for RoundPrices {
    fn change(&self, m: &mut Plan<Self>) {
        m.sql_irreversible("UPDATE prices SET amount = round(amount, 2)");
    }
}

fn main() {}
