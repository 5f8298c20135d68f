//! `transaction` takes `true` or `false`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, transaction = "none")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
