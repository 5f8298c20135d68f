//! `version` must be positive.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 0)]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
