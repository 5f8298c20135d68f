//! `migrations![]` refuses two migrations with one version, naming both types.

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
#[migration(version = 20250107162000)]
struct CreateContracts;

impl Change for CreateContracts {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {
    let _ = lockgate::migrations![CreateTenants, CreateContracts];
}
