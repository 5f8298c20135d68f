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
