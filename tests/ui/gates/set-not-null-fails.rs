//! `set_not_null` needs `allow(data_dependent)`: existing NULLs make it fail.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(blocking = "reviewed"))]
struct RequireTemplate;

impl Change for RequireTemplate {
    fn change(&self, m: &mut Plan<Self>) {
        m.set_not_null::<Uuid>("lines", "template_id");
    }
}

fn main() {}
