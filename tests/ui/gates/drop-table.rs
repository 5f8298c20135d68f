//! `drop_table` needs `allow(destructive)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropLegacy;

impl Change for DropLegacy {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

fn main() {}
