//! `migrations![]` only takes `#[derive(Migration)]` types.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct CreateTenants;

impl Change for CreateTenants {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

struct Helper;

fn main() {
    let _ = lockgate::migrations![CreateTenants, Helper];
}
