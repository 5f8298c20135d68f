//! `change_column_type` needs `allow(data_dependent)`: the cast may fail on production values.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(blocking = "reviewed", incompatible = "reviewed"))]
struct WidenQuantity;

impl Change for WidenQuantity {
    fn change(&self, m: &mut Plan<Self>) {
        m.change_column_type::<i32, i64>("lines", "quantity");
    }
}

fn main() {}
