//! `rename_column` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct RenameTitle;

impl Change for RenameTitle {
    fn change(&self, m: &mut Plan<Self>) {
        m.rename_column("templates", "title", "template_name");
    }
}

fn main() {}
