//! `allow_in` names environments, each with a reason, once.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(
    version = 1,
    allow(destructive = "the column is unused"),
    allow_in(production),
    allow_in(staging = ""),
    allow_in(preview = "fine", preview = "twice"),
    allow_in = "production"
)]
struct DropNote;

impl Change for DropNote {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_column("contracts", ColumnDef::new::<Option<String>>("note"));
    }
}

fn main() {}
