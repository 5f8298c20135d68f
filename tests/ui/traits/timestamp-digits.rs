//! A timestamp has 0 to 6 fractional-second digits; `Timestamp<9>` does not compile.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1)]
struct AddSeenAt;

impl Change for AddSeenAt {
    fn change(&self, m: &mut Plan<Self>) {
        m.add_column::<Option<Timestamp<9>>>("accounts", "seen_at");
    }
}

fn main() {}
