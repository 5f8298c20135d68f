//! An unknown risk category gets a suggestion.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(destrutive = "copied to the archive"))]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
