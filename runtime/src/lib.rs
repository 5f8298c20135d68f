//! The lockgate migrator: apply, revert, track and verify migrations through sqlx.
//!
//! A [`Migrator`] holds the migrations of a binary; a [`Database`] is a sqlx pool of PostgreSQL,
//! MySQL/MariaDB or SQLite. The migrator records every migration in a tracking table (version, name,
//! checksum, status, timing, the rendered down SQL and who applied it) and every attempt in a history
//! table, takes a database lock so that many replicas can start at once, and refuses to run when an
//! applied migration was edited.
//!
//! ```no_run
//! # async fn run(migrations: Vec<Box<dyn lockgate_dsl::Migration>>) -> Result<(), lockgate_runtime::Error> {
//! use lockgate_runtime::{Database, Migrator};
//! let db = Database::connect("postgres://postgres@127.0.0.1:5432/app").await?;
//! let report = Migrator::new(migrations)?.up(&db, None).await?;
//! for applied in &report.applied {
//!     println!("applied {} {} in {:?}", applied.version, applied.name, applied.duration);
//! }
//! # Ok(()) }
//! ```

#[cfg(feature = "cli")]
pub mod cli;
mod conn;
mod database;
mod error;
mod exec;
mod lock;
mod migrator;
mod report;
mod session;
mod steps;
mod tracking;

pub use database::Database;
pub use error::{Error, FailedUndo};
pub use migrator::{DEFAULT_TABLE, Migrator};
pub use report::{AppliedMigration, Direction, DownTarget, Event, MigrationStatus, PlannedMigration, Report, State};
