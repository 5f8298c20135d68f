//! A migration must implement `Change`, `Up` + `Down`, or `Up` with `irreversible`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext;


fn main() {}
