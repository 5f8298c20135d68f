//! `add_column` of a NOT NULL column without a default needs `allow(data_dependent)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddTenant;

impl Change for AddTenant {
    fn change(&self, m: &mut Plan<Self>) {
        m.add_column::<Uuid>("contracts", "tenant");
    }
}

fn main() {}
