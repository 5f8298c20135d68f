//! A backend is listed once in `backends`, and the list is not empty.

use lockgate::prelude::*;

#[derive(Migration)]
#[migration(version = 1, backends = "postgres, postgres")]
struct CreateMood;

impl Change for CreateMood {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood", ["ok", "sad"]);
    }
}

#[derive(Migration)]
#[migration(version = 2, backends = "")]
struct CreateMoodToo;

impl Change for CreateMoodToo {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood_too", ["ok", "sad"]);
    }
}

fn main() {}
