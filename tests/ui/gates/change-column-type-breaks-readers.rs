//! `change_column_type` needs `allow(incompatible)`: running code reads the old type.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct WidenQuantity;

impl Change for WidenQuantity {
    fn change(&self, m: &mut Plan<Self>) {
        m.change_column_type::<i32, i64>("lines", "quantity");
    }
}

fn main() {}
