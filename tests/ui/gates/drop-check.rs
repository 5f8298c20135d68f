//! `drop_check` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropPositive;

impl Change for DropPositive {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_check(CheckDef::new("prices", "prices_amount_positive", "amount >= 0"));
    }
}

fn main() {}
