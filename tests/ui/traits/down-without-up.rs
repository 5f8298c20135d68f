//! `Down` alone has no way up.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext;

impl Down for AddCitext {
    fn down(&self, m: &mut Plan<Self, Backward>) {
        m.drop_extension("citext");
    }
}

fn main() {}
