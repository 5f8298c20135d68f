//! `backends` names backends lockgate knows, and suggests the closest one for a typo.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, backends = "postgress")]
struct CreateMood;

impl Change for CreateMood {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood", ["ok", "sad"]);
    }
}

#[derive(Migration)]
#[migration(version = 2, backends = "postgres, oracle")]
struct CreateMoodToo;

impl Change for CreateMoodToo {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood_too", ["ok", "sad"]);
    }
}

fn main() {}
