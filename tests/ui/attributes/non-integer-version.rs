//! `version` must be an integer literal.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = "20250107162000")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
