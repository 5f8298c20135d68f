//! `version` is required.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(name = "add citext")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
