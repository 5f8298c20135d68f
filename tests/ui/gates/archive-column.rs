//! `archive_column` keeps the data but takes the column away from running code: it needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct ArchiveTemplateFlag;

impl Change for ArchiveTemplateFlag {
    fn change(&self, m: &mut Plan<Self>) {
        m.archive_column("contracts", ColumnDef::new::<bool>("is_template"), ["id"]);
    }
}

fn main() {}
