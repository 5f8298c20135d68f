//! A bad attribute is the only error: the type still works as a migration and in the list.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = "one", allow(destructive = "the table was archived"))]
struct DropLegacy;

impl Change for DropLegacy {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

fn main() {
    let migration: &dyn Migration = &DropLegacy;
    let _ = migration.up_operations();
    let _ = lockgate::migrations![DropLegacy];
}
