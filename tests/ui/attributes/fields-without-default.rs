//! A migration with fields must implement `Default`: the list and the plan check build it.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddExtension {
    name: &'static str,
}

impl Change for AddExtension {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_extension(self.name);
    }
}

fn main() {}
