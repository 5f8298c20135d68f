//! A migration cannot be generic.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext<T>(std::marker::PhantomData<T>);

fn main() {}
