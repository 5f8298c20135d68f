//! Which way a plan goes: shared by the rules, the checks and rendering, so none of them owns it.

use std::fmt;

use serde::Serialize;

/// Which way a plan goes.
///
/// ```
/// use lockgate_dsl::Direction;
/// assert_eq!(Direction::Down.to_string(), "down");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// `up`: every rule applies.
    Up,
    /// `down`: only the plan errors that would break a rollback apply; risk was accepted going up.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}
