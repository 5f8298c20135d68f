//! What the migrator reports: directions, progress events, run reports, status rows and plans.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which way a migration runs.
///
/// ```
/// use lockgate_runtime::Direction;
/// assert_eq!(Direction::Down.to_string(), "down");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Applying.
    Up,
    /// Reverting.
    Down,
}

impl Direction {
    /// The lowercase name, as stored in the history table.
    ///
    /// ```
    /// use lockgate_runtime::Direction;
    /// assert_eq!(Direction::Up.name(), "up");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How far `down` goes.
///
/// ```
/// use lockgate_runtime::DownTarget;
/// let last = DownTarget::Steps(1);
/// assert_eq!(last, DownTarget::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// Revert this many of the most recently applied migrations.
    Steps(u32),
    /// Revert every applied migration with a version above this one.
    To(i64),
}

impl Default for DownTarget {
    fn default() -> Self {
        DownTarget::Steps(1)
    }
}

/// Progress of a run, for a CLI or a log.
///
/// ```
/// use lockgate_runtime::{Direction, Event};
/// let e = Event::Started { version: 1, name: "create tenants".into(), direction: Direction::Up };
/// assert!(matches!(e, Event::Started { version: 1, .. }));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A migration started.
    Started {
        /// The version.
        version: i64,
        /// The migration name.
        name: String,
        /// The direction.
        direction: Direction,
    },
    /// A migration finished successfully.
    Finished {
        /// The version.
        version: i64,
        /// The migration name.
        name: String,
        /// The direction.
        direction: Direction,
        /// How long it took.
        duration: Duration,
    },
    /// The migration is not for this backend (`#[migration(backends = "...")]`): it was recorded as skipped (or,
    /// going down, its skipped record was removed) and nothing ran.
    NotForBackend {
        /// The version.
        version: i64,
        /// The migration name.
        name: String,
        /// Which way.
        direction: Direction,
        /// The backend it is not for.
        backend: lockgate_dsl::Backend,
    },
    /// Another migrator applied (or reverted) the migration first; nothing was run (SQLite, where the check
    /// happens once the write lock is held).
    Skipped {
        /// The version.
        version: i64,
        /// The migration name.
        name: String,
        /// The direction.
        direction: Direction,
    },
    /// Another migrator holds the migration lock; still waiting.
    Waiting {
        /// How long we have waited so far.
        waited: Duration,
        /// How long we wait at most.
        deadline: Duration,
    },
    /// A backfill committed a batch (or is about to start, with `done` at what an interrupted run had done).
    Backfill {
        /// The migration's version.
        version: i64,
        /// The table it fills.
        table: String,
        /// Rows changed so far, by this run and any interrupted one before it.
        done: u64,
        /// Rows to change in all: those done, and those still to do when this run started.
        total: u64,
        /// Rows per second in this run so far.
        rate: f64,
        /// The time left at that rate, once there is a rate.
        eta: Option<Duration>,
    },
    /// A migration hit a lock timeout and will be retried after a pause.
    Retrying {
        /// The version.
        version: i64,
        /// The migration name.
        name: String,
        /// Which retry this is (1 for the first).
        attempt: u32,
        /// The pause before it.
        delay: Duration,
    },
}

/// One migration a run applied or reverted.
///
/// ```
/// use std::time::Duration;
/// use lockgate_runtime::{AppliedMigration, Direction};
/// let a = AppliedMigration { version: 1, name: "n".into(), direction: Direction::Up, duration: Duration::ZERO };
/// assert_eq!(serde_json::to_value(&a).unwrap()["duration_ms"], 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedMigration {
    /// The version.
    pub version: i64,
    /// The migration name.
    pub name: String,
    /// The direction.
    pub direction: Direction,
    /// How long it took (zero for baselined or adopted migrations).
    #[serde(rename = "duration_ms", serialize_with = "millis")]
    pub duration: Duration,
}

/// What a run did.
///
/// ```
/// use lockgate_runtime::Report;
/// assert!(Report::default().applied.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The migrations applied or reverted, in the order they ran.
    pub applied: Vec<AppliedMigration>,
    /// The migrations recorded as skipped (or whose skipped record was removed going down), because they are not
    /// for this backend.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<AppliedMigration>,
}

/// Where a migration stands on a database.
///
/// ```
/// use lockgate_runtime::State;
/// assert_eq!(serde_json::to_string(&State::Applied).unwrap(), r#""applied""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Applied, with the checksum this binary computes.
    Applied,
    /// Not applied yet.
    Pending,
    /// The last attempt failed; `up` tries again.
    Failed,
    /// Started and not finished: running now, or the process died (`up` resumes it once the lock is free).
    Running,
    /// Applied, but the migration was edited since: `up` refuses to run.
    Changed,
    /// Applied, but this binary does not know it (a newer deploy applied it); `down` can revert it from its stored SQL.
    Unknown,
    /// Not for this backend (`#[migration(backends = "...")]`): recorded as skipped, nothing ran.
    Skipped,
}

impl State {
    /// The lowercase name.
    ///
    /// ```
    /// use lockgate_runtime::State;
    /// assert_eq!(State::Unknown.name(), "unknown");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Failed => "failed",
            State::Running => "running",
            State::Changed => "changed",
            State::Unknown => "unknown",
            State::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One line of `status`.
///
/// ```
/// use lockgate_runtime::{MigrationStatus, State};
/// let s = MigrationStatus { version: 1, name: "n".into(), state: State::Pending, applied_at: None,
///     duration: None, applied_by: None };
/// assert_eq!(serde_json::to_value(&s).unwrap()["state"], "pending");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The migration name (from the binary, or from the tracking table for unknown migrations).
    pub name: String,
    /// Where it stands.
    pub state: State,
    /// When it was applied (or last attempted).
    pub applied_at: Option<DateTime<Utc>>,
    /// How long applying took.
    #[serde(rename = "duration_ms", serialize_with = "opt_millis")]
    pub duration: Option<Duration>,
    /// Host and lockgate version that applied it.
    pub applied_by: Option<String>,
}

/// The SQL a migration would run, from `plan`.
///
/// ```
/// use lockgate_runtime::{Direction, PlannedMigration};
/// let p = PlannedMigration { version: 1, name: "n".into(), direction: Direction::Up,
///     statements: vec!["CREATE TABLE t (id bigint)".into()] };
/// assert_eq!(serde_json::to_value(&p).unwrap()["direction"], "up");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedMigration {
    /// The version.
    pub version: i64,
    /// The migration name.
    pub name: String,
    /// The direction.
    pub direction: Direction,
    /// The statements, in order (assertions appear as their query, marked with a leading comment).
    pub statements: Vec<String>,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn opt_millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => millis(d, s),
        None => s.serialize_none(),
    }
}

/// What became of the step a dead run was running, as a person found after checking by hand; given to
/// [`crate::Migrator::with_interrupted_step`] when the catalog cannot tell.
///
/// ```
/// use lockgate_runtime::StepFate;
/// assert_ne!(StepFate::TookEffect, StepFate::DidNotTakeEffect);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepFate {
    /// The step's effect is there: the next run continues after it.
    TookEffect,
    /// The step's effect is not there: the next run runs it.
    DidNotTakeEffect,
}
