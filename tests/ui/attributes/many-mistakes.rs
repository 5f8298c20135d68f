//! Every attribute mistake of one derive is reported at once.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(versoin = 1, allow(destructive = "", blocking), irreversible = "")]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
