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
//!
//! # What it keeps in the database
//!
//! The tracking table (`lockgate_migrations` unless [`Migrator::with_table`] says otherwise) has one row per
//! migration: `version`, `name`, `checksum` (of the canonical plan, not of SQL text), `status` (`running`,
//! `applied`, `failed`), `progress` (steps done, for migrations that run step by step), `applied_at`,
//! `execution_ms`, `down_sql` (a JSON array of the statements that revert it on this backend, or NULL when it
//! is irreversible) and `applied_by` (host and lockgate version). The history table (`<table>_history`) has one
//! row per attempt, up or down, with its outcome and error text.
//!
//! # How it runs migrations
//!
//! - PostgreSQL and SQLite: each migration and its tracking row in one transaction (or all pending ones, with
//!   [`Migrator::grouped`]). A `running` row committed just before shows a crashed run in `status`; the
//!   transaction itself leaves nothing half-applied. Migrations declared `transaction = false` (`CONCURRENTLY`) run step by step on
//!   PostgreSQL, recording progress; an INVALID index left by a failed build is dropped and built again.
//! - MySQL/MariaDB: DDL commits implicitly, so progress is recorded after every step; when a step fails, the
//!   inverses of the operations already run are executed and the error says what was undone.
//! - Locks: a PostgreSQL advisory lock or MySQL `GET_LOCK`, polled until the wait deadline; on SQLite each
//!   migration's `BEGIN IMMEDIATE` transaction re-reads its tracking row. A start with nothing pending costs one
//!   query and takes no lock.

// A build with some backends left out leaves the helpers only those backends use unused; the full build (the
// default, which CI lints) still reports dead code.
#![cfg_attr(
    not(all(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]

#[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
compile_error!("lockgate's runtime needs a backend: enable the `postgres`, `mysql` or `sqlite` feature");

mod backend;
#[cfg(feature = "cli")]
pub mod cli;
mod conn;
mod database;
mod error;
mod exec;
#[cfg(feature = "fault-injection")]
pub mod fault;
mod migrator;
mod report;
pub mod schema;
mod script;
mod session;
mod steps;
pub mod testing;
mod tracking;
pub mod verify;
mod work;

pub use database::Database;
pub use error::{Error, FailedUndo, MigrationId, UndoError};
pub use migrator::{Backup, DEFAULT_TABLE, ENVIRONMENT_VAR, History, Migrator, Policy, Protection, Refusal};
pub use report::{
    AppliedMigration, Direction, DownTarget, Event, MigrationStatus, PlannedMigration, Report, State, StepFate,
};
pub use verify::diff;
