//! `drop_view` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropCounts;

impl Change for DropCounts {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_view("template_counts", "SELECT tenant, count(*) AS n FROM templates GROUP BY tenant");
    }
}

fn main() {}
