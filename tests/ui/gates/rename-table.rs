//! `rename_table` needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct RenameTemplates;

impl Change for RenameTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.rename_table("contract_template", "contract_templates");
    }
}

fn main() {}
