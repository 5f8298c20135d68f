//! The lockgate migrator: apply, revert, track and verify migrations through sqlx.

#[cfg(feature = "cli")]
pub mod cli;
