//! `irreversible` with a `Down` impl is refused.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, irreversible = "citext may be in use")]
struct AddCitext;

impl Up for AddCitext {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.create_extension("citext");
    }
}

impl Down for AddCitext {
    fn down(&self, m: &mut Plan<Self, Backward>) {
        m.drop_extension("citext");
    }
}

fn main() {}
