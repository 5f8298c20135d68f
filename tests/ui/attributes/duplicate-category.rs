//! A risk category allowed twice is reported at the second one.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(blocking = "small table"), allow(blocking = "off hours"))]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
