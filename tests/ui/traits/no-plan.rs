use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddCitext;


fn main() {}
