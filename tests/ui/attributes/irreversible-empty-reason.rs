//! `irreversible` needs a non-blank reason.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, irreversible = "  ")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
