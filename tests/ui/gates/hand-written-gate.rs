//! A gate cannot be opened by implementing it: only `allow(...)` opens gates.

use lockgate::dsl::plan::Reversible;
use lockgate::dsl::risk::gates::DropColumn;
use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct DropTemplateFlag;

impl DropColumn<Reversible> for DropTemplateFlag {}

impl Change for DropTemplateFlag {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_column("contracts", ColumnDef::new::<Option<bool>>("is_template"));
    }
}

fn main() {}
