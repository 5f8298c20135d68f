//! `drop_not_null` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct LoosenCode;

impl Change for LoosenCode {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_not_null::<String>("contracts", "legacy_code");
    }
}

fn main() {}
