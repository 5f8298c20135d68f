//! `change_column_type` needs `allow(blocking)`: the table is rewritten under lock.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, allow(incompatible = "reviewed", data_dependent = "reviewed"))]
struct WidenQuantity;

impl Change for WidenQuantity {
    fn change(&self, m: &mut Plan<Self>) {
        m.change_column_type::<i32, i64>("lines", "quantity");
    }
}

fn main() {}
