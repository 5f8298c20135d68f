//! `status` and `plan`: read-only views of the database against the migrations.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Migrator;
use crate::conn::TrackedRow;
use crate::database::Database;
use crate::error::Error;
use crate::report::{Direction, DownTarget, MigrationStatus, PlannedMigration, State};
use crate::session::Session;
use crate::tracking;
use crate::work::Work;

impl Migrator {
    pub(crate) async fn run_status(&self, db: &Database) -> Result<Vec<MigrationStatus>, Error> {
        tracing::info!(backend = %db.backend(), "reading migration status");
        let mut session = Session::open(&self.settings, db).await?;
        let rows = session.read_summary().await?.unwrap_or_default();
        let backend = session.backend();
        let mut by_version: BTreeMap<i64, &TrackedRow> = rows.iter().map(|r| (r.version, r)).collect();
        let mut out = Vec::with_capacity(self.migrations.len() + rows.len());
        for m in &self.migrations {
            let meta = m.meta();
            let row = by_version.remove(&meta.version);
            let state = match row {
                None if !meta.targets(backend) => State::Skipped,
                None => State::Pending,
                Some(r) if r.status == tracking::SKIPPED && meta.targets(backend) => State::Pending,
                Some(r) if r.status == tracking::SKIPPED => State::Skipped,
                Some(r) if r.status == tracking::APPLIED => {
                    if Some(r.checksum.as_str()) == self.checksum_of(meta.version) {
                        State::Applied
                    } else {
                        State::Changed
                    }
                }
                Some(r) if r.status == tracking::RUNNING => State::Running,
                Some(_) => State::Failed,
            };
            out.push(status_line(meta.version, meta.name.to_owned(), state, row));
        }
        for (version, row) in by_version {
            let state = if row.status == tracking::APPLIED {
                State::Unknown
            } else if row.status == tracking::SKIPPED {
                State::Skipped
            } else if row.status == tracking::RUNNING {
                State::Running
            } else {
                State::Failed
            };
            out.push(status_line(version, row.name.clone(), state, Some(row)));
        }
        out.sort_by_key(|s| s.version);
        Ok(out)
    }

    pub(crate) async fn run_plan(
        &self,
        db: &Database,
        direction: Direction,
        target: Option<i64>,
    ) -> Result<Vec<PlannedMigration>, Error> {
        tracing::info!(backend = %db.backend(), %direction, ?target, "planning migrations");
        let mut session = Session::open(&self.settings, db).await?;
        let rows = session.read_rows().await?.unwrap_or_default();
        self.verify_checksums(&rows)?;
        let works: Vec<Work> = match direction {
            Direction::Up => {
                if let Some(version) = target
                    && self.find(version).is_none()
                {
                    return Err(Error::UnknownVersion { version });
                }
                let mut works = Vec::new();
                for (m, row) in self.pending(&rows, target, session.backend()) {
                    works.push(self.up_work(m, row, &*session.driver)?);
                }
                works
            }
            Direction::Down => {
                let target = target.map_or(DownTarget::Steps(1), DownTarget::To);
                let mut works = Vec::new();
                for row in self.to_revert(&rows, target) {
                    works.push(self.down_work(row, &*session.driver)?);
                }
                works
            }
        };
        let mut planned = Vec::with_capacity(works.len());
        for work in works {
            let mut statements = Vec::with_capacity(work.steps.len());
            for step in work.steps.iter().skip(work.resume_from) {
                statements.extend(crate::exec::describe_live(&mut session, step).await?);
            }
            planned.push(PlannedMigration {
                version: work.version,
                name: work.name,
                direction: work.direction,
                statements,
            });
        }
        Ok(planned)
    }
}

fn status_line(version: i64, name: String, state: State, row: Option<&TrackedRow>) -> MigrationStatus {
    MigrationStatus {
        version,
        name,
        state,
        applied_at: row.and_then(|r| r.applied_at),
        duration: row.map(|r| Duration::from_millis(u64::try_from(r.execution_ms).unwrap_or(0))),
        applied_by: row.and_then(|r| r.applied_by.clone()),
    }
}
