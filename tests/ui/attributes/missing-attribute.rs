//! A migration without `#[migration(...)]` misses its version.

use lockgate::prelude::*;

/// Add the citext extension.
#[derive(Migration)]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
