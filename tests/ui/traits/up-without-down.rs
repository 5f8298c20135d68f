//! `Up` alone needs `Down`, or `irreversible`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext;

impl Up for AddCitext {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.create_extension("citext");
    }
}

fn main() {}
