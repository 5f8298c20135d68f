//! `crate = "..."` must hold a path.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, crate = "not a path")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
