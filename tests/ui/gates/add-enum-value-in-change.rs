//! `add_enum_value` has no inverse, so a `Change` plan cannot hold it.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddArchived;

impl Change for AddArchived {
    fn change(&self, m: &mut Plan<Self>) {
        m.add_enum_value("contract_status", "archived", Some("ended"));
    }
}

fn main() {}
