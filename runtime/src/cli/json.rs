//! The JSON documents `--format json` prints: one per command, with stable field names.
//!
//! Every document names the `backend` (`postgres`, `mysql` or `sqlite`). Migrations use the runtime's
//! own serialisations: `version`, `name`, `state`, `applied_at` (RFC 3339), `duration_ms`,
//! `applied_by` for status rows; `version`, `name`, `direction`, `duration_ms` for applied
//! migrations; `version`, `name`, `direction`, `statements` for planned ones.

use lockgate_dsl::Backend;
use serde::Serialize;

use crate::{AppliedMigration, Direction, MigrationStatus, PlannedMigration, State};

/// `status`: every migration and how many are pending.
#[derive(Debug, Serialize)]
pub(crate) struct StatusDoc<'a> {
    pub(crate) backend: Backend,
    pub(crate) pending: usize,
    pub(crate) migrations: &'a [MigrationStatus],
    /// The backups archived columns and tables keep, when there are any.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub(crate) backups: &'a [crate::Backup],
}

/// `up`, `down`, `redo`, `baseline`: what ran, then every migration's status afterwards.
#[derive(Debug, Serialize)]
pub(crate) struct RunDoc<'a> {
    pub(crate) command: &'static str,
    pub(crate) backend: Backend,
    pub(crate) applied: &'a [AppliedMigration],
    pub(crate) migrations: &'a [MigrationStatus],
}

/// `plan`: the statements each migration would run.
#[derive(Debug, Serialize)]
pub(crate) struct PlanDoc<'a> {
    pub(crate) backend: Backend,
    pub(crate) direction: Direction,
    /// Rendered with `--backend`, without a database.
    pub(crate) offline: bool,
    pub(crate) migrations: &'a [PlannedMigration],
}

/// How many rows still wait for `up` (pending, or started and never finished).
pub(crate) fn pending(rows: &[MigrationStatus]) -> usize {
    rows.iter()
        .filter(|r| matches!(r.state, State::Pending | State::Running))
        .count()
}

/// A document as one line of JSON.
pub(crate) fn to_line(doc: &impl Serialize) -> String {
    // Serialising these plain structs cannot fail: no maps with non-string keys, no custom errors.
    serde_json::to_string(doc).unwrap_or_else(|e| format!(r#"{{"error":{{"message":"{e}"}}}}"#))
}
