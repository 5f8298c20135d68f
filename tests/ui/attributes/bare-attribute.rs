//! A bare `#[migration]` is one error, not also a missing version.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
