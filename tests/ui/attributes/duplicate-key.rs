//! A key given twice, across attributes, is reported at the second one.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
#[migration(version = 2)]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
