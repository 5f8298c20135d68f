//! An allowance needs a non-empty reason.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(destructive = ""))]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
