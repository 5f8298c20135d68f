//! Gates apply to `Up` plans too: `drop_table` needs `allow(destructive)` there.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, irreversible = "the rows are archived elsewhere")]
struct DropLegacy;

impl Up for DropLegacy {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.drop_table("legacy", |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

fn main() {}
