//! `drop_foreign_key` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropLineContract;

impl Change for DropLineContract {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_foreign_key(ForeignKeyDef::new("lines", ["contract_id"], "contracts", ["id"]));
    }
}

fn main() {}
