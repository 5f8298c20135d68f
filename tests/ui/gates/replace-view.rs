//! `replace_view` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct ReplaceCounts;

impl Change for ReplaceCounts {
    fn change(&self, m: &mut Plan<Self>) {
        m.replace_view("template_counts", "SELECT 1 AS n", "SELECT 2 AS n");
    }
}

fn main() {}
