//! An unknown key far from every known one lists the known keys.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, colour = "blue")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
