//! `sample` takes the SQL that inserts sample rows, as a string literal; an empty one is refused too.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, sample = 42, sample = "  ")]
struct Backfill;

impl Change for Backfill {
    fn change(&self, m: &mut Plan<Self>) {
        m.sql("UPDATE accounts SET email = LOWER(email)", "SELECT 1");
    }
}

fn main() {}
