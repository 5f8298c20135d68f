//! `drop_column` needs `allow(destructive)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropTemplateFlag;

impl Change for DropTemplateFlag {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_column("contracts", ColumnDef::new::<Option<bool>>("is_template"));
    }
}

fn main() {}
