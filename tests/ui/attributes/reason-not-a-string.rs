//! A reason must be a string literal.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(blocking = true))]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
