//! Malformed attribute syntax is reported once, without a missing-version error.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version 1)]
struct AddCitext;

impl Change for AddCitext {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension("citext");
    }
}

fn main() {}
