//! An empty `allow()` is reported.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow())]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
