//! `Change` and `Up` on one migration are two plans.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

impl Up for AddCitext {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.create_extension("citext");
    }
}

fn main() {}
