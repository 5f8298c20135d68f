//! `drop_unique` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropEmailKey;

impl Change for DropEmailKey {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_unique(UniqueDef::new("users", ["email"]));
    }
}

fn main() {}
