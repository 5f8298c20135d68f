//! The work to run for one migration in one direction: its rendered steps and what its tracking row records.

use lockgate_dsl::plan::PlannedOp;

use crate::error::MigrationId;
use crate::report::Direction;
use crate::steps::ExecStep;

/// What to run for one migration in one direction.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    pub(crate) version: i64,
    pub(crate) name: String,
    pub(crate) direction: Direction,
    /// Up: the checksum to record. Down: the stored one.
    pub(crate) checksum: String,
    pub(crate) steps: Vec<ExecStep>,
    /// The operations the steps render, for compensation on MySQL; empty for steps read from storage.
    pub(crate) ops: Vec<PlannedOp>,
    /// Up: the down steps to store, encoded.
    pub(crate) down_sql: Option<String>,
    /// The migration is not for this backend: nothing runs, the tracking row says `skipped` (up) or goes (down).
    pub(crate) skipped: bool,
    /// Whether the migration runs in one transaction (where DDL is transactional).
    pub(crate) transactional: bool,
    /// Up, without a transaction: the steps already done by an earlier, interrupted attempt.
    pub(crate) resume_from: usize,
    /// Up, without a transaction: an earlier attempt was interrupted, so the step it was running may have taken
    /// effect without its progress being recorded.
    pub(crate) resuming: bool,
    /// Up, without a transaction: an earlier attempt failed or was interrupted at step `resume_from`, so a
    /// backfill there carries on from its recorded position.
    pub(crate) retrying: bool,
    /// The session settings it runs with on this backend: the run's, then its own.
    pub(crate) session: Vec<lockgate_dsl::session::SessionSetting>,
}

impl Work {
    /// Which migration this is, for errors.
    pub(crate) fn id(&self) -> MigrationId {
        MigrationId {
            version: self.version,
            name: self.name.clone(),
        }
    }

    /// The work of a migration that is not for this backend: no steps; its tracking row records that.
    pub(crate) fn skipped(version: i64, name: &str, direction: Direction, checksum: String) -> Work {
        Work {
            version,
            name: name.to_owned(),
            direction,
            checksum,
            steps: Vec::new(),
            ops: Vec::new(),
            down_sql: None,
            skipped: true,
            transactional: true,
            resume_from: 0,
            resuming: false,
            retrying: false,
            session: Vec::new(),
        }
    }
}
