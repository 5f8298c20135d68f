//! `set_not_null` needs `allow(blocking)`: the table is scanned under lock.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(data_dependent = "reviewed"))]
struct RequireTemplate;

impl Change for RequireTemplate {
    fn change(&self, m: &mut Plan<Self>) {
        m.set_not_null::<Uuid>("lines", "template_id");
    }
}

fn main() {}
