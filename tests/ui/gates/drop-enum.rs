//! `drop_enum` needs `allow(destructive)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropStatus;

impl Change for DropStatus {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_enum("contract_status", ["draft", "active"]);
    }
}

fn main() {}
