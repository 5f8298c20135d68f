//! `irreversible` with `Change` is refused: `Change` derives a way down.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, irreversible = "citext may be in use")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
