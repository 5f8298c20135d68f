//! An irreversible migration must implement `Up`.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, irreversible = "citext may be in use")]
struct AddCitext;


fn main() {}
