//! An unknown key gets a suggestion.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, alow(blocking = "the table is small"))]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
