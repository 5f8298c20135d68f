//! `backends` takes a string literal.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, backends = postgres)]
struct CreateMood;

impl Change for CreateMood {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood", ["ok", "sad"]);
    }
}

fn main() {}
