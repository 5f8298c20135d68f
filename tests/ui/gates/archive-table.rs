//! `archive_table` keeps the rows but takes the table away from running code: it needs `allow(incompatible)`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct ArchiveLegacyTemplates;

impl Change for ArchiveLegacyTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.archive_table("legacy_templates", |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

fn main() {}
