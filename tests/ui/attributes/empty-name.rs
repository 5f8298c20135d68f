//! `name = ""` is refused: the name is what operators read in `status`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, name = "")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
