//! `migrations![]` refuses versions out of order, naming both types.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 20250107162000)]
struct CreateTenants;

impl Change for CreateTenants {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

#[derive(Migration)]
#[migration(version = 20250101000000)]
struct CreateContracts;

impl Change for CreateContracts {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

#[derive(Migration)]
#[migration(version = 20250201000000)]
struct CreateLines;

impl Change for CreateLines {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {
    let _ = lockgate::migrations![CreateTenants, CreateContracts, CreateLines];
}
