//! The work to run, from migrations and tracking rows: what is pending, what to revert, checksum checks.

use std::collections::BTreeMap;

use lockgate_dsl::session::SessionSetting;
use lockgate_dsl::{Backend, Migration, MigrationMeta, TransactionMode};

use super::Migrator;
use crate::backend::{Driver, Execution};
use crate::conn::TrackedRow;
use crate::error::{Error, MigrationId};
use crate::report::{Direction, DownTarget};
use crate::steps::{self, ExecStep};
use crate::tracking;
use crate::work::Work;

impl Migrator {
    /// Refuses when an applied (or partly applied) migration was edited since.
    pub(crate) fn verify_checksums(&self, rows: &[TrackedRow]) -> Result<(), Error> {
        for row in rows {
            let Some(m) = self.find(row.version) else { continue };
            let done = row.status == tracking::APPLIED || row.status == tracking::SKIPPED;
            let partly = !done && row.progress > 0;
            if done || partly {
                let current = self.checksum_of(row.version).unwrap_or_default().to_owned();
                if current != row.checksum {
                    return Err(Error::ChecksumMismatch {
                        migration: MigrationId {
                            version: row.version,
                            name: m.meta().name.to_owned(),
                        },
                        stored: row.checksum.clone(),
                        current,
                    });
                }
            }
        }
        Ok(())
    }

    /// The migrations `up` would run, with their tracking rows (failed or interrupted attempts). A migration
    /// skipped as not for `backend` is pending again once it is for it.
    pub(crate) fn pending<'r>(
        &self,
        rows: &'r [TrackedRow],
        to: Option<i64>,
        backend: Backend,
    ) -> Vec<(&dyn Migration, Option<&'r TrackedRow>)> {
        let by_version: BTreeMap<i64, &TrackedRow> = rows.iter().map(|r| (r.version, r)).collect();
        self.migrations
            .iter()
            .map(|m| &**m)
            .filter(|m| to.is_none_or(|to| m.meta().version <= to))
            .filter_map(|m| {
                let row = by_version.get(&m.meta().version).copied();
                match row {
                    Some(r) if r.status == tracking::APPLIED => None,
                    Some(r) if r.status == tracking::SKIPPED && !m.meta().targets(backend) => None,
                    _ => Some((m, row)),
                }
            })
            .collect()
    }

    /// The applied (or skipped) rows `down` would revert, newest first.
    pub(crate) fn to_revert<'r>(&self, rows: &'r [TrackedRow], target: DownTarget) -> Vec<&'r TrackedRow> {
        let mut applied: Vec<&TrackedRow> = rows
            .iter()
            .filter(|r| r.status == tracking::APPLIED || r.status == tracking::SKIPPED)
            .collect();
        applied.sort_by_key(|r| std::cmp::Reverse(r.version));
        match target {
            DownTarget::Steps(n) => applied
                .into_iter()
                .take(usize::try_from(n).unwrap_or(usize::MAX))
                .collect(),
            DownTarget::To(version) => applied.into_iter().take_while(|r| r.version > version).collect(),
        }
    }

    /// The work of applying `m`.
    pub(crate) fn up_work(
        &self,
        m: &dyn Migration,
        row: Option<&TrackedRow>,
        driver: &dyn Driver,
    ) -> Result<Work, Error> {
        let backend = driver.backend();
        let meta = m.meta();
        if !meta.targets(backend) {
            return Ok(Work::skipped(
                meta.version,
                meta.name,
                Direction::Up,
                self.checksum_of(meta.version).unwrap_or_default().to_owned(),
            ));
        }
        let ops = m.up_operations();
        let steps = steps::render_ops(&ops, backend).map_err(|source| Error::Render {
            migration: id(meta),
            source,
        })?;
        let down_sql = match m.down_operations() {
            Ok(down) => match steps::render_ops(&down, backend) {
                Ok(steps) => Some(steps::encode(&steps, &down)),
                Err(e) => {
                    tracing::warn!(version = meta.version, error = %e, "the down of this migration cannot be rendered; none is stored");
                    None
                }
            },
            Err(_) => None,
        };
        let transactional = meta.transaction == TransactionMode::PerMigration;
        let execution = driver.execution(transactional);
        check_transaction(&id(meta), execution, &steps)?;
        let stepwise = execution != Execution::Transaction;
        // A failed attempt recorded how far it got (after its compensation, where it had one); a run that died
        // left its row `running`, and only then may the step at that point have taken effect unrecorded.
        let earlier = row.filter(|r| stepwise && (r.status == tracking::RUNNING || r.status == tracking::FAILED));
        let resume_from = earlier.map_or(0, |r| usize::try_from(r.progress).unwrap_or(0));
        let interrupted = earlier.filter(|r| r.status == tracking::RUNNING);
        Ok(Work {
            version: meta.version,
            name: meta.name.to_owned(),
            direction: Direction::Up,
            checksum: self.checksum_of(meta.version).unwrap_or_default().to_owned(),
            steps,
            ops,
            down_sql,
            skipped: false,
            transactional,
            resume_from,
            resuming: interrupted.is_some(),
            retrying: earlier.is_some(),
            session: self.session_for(m.session(), backend),
        })
    }

    /// The work of reverting the migration of `row`: from the binary when it knows it, else from the stored SQL.
    pub(crate) fn down_work(&self, row: &TrackedRow, driver: &dyn Driver) -> Result<Work, Error> {
        let backend = driver.backend();
        if row.status == tracking::SKIPPED {
            return Ok(Work::skipped(
                row.version,
                &row.name,
                Direction::Down,
                row.checksum.clone(),
            ));
        }
        if let Some(m) = self.find(row.version) {
            let meta = m.meta();
            let ops = m.down_operations().map_err(|e| Error::Irreversible {
                migration: id(meta),
                reason: e.to_string(),
            })?;
            let steps = steps::render_ops(&ops, backend).map_err(|source| Error::Render {
                migration: id(meta),
                source,
            })?;
            let transactional = meta.transaction == TransactionMode::PerMigration;
            check_transaction(&id(meta), driver.execution(transactional), &steps)?;
            return Ok(Work {
                version: meta.version,
                name: meta.name.to_owned(),
                direction: Direction::Down,
                checksum: row.checksum.clone(),
                steps,
                ops,
                down_sql: None,
                skipped: false,
                transactional,
                resume_from: 0,
                resuming: false,
                retrying: false,
                session: self.session_for(m.session(), backend),
            });
        }
        let irreversible = |reason: String| Error::Irreversible {
            migration: MigrationId {
                version: row.version,
                name: row.name.clone(),
            },
            reason,
        };
        let Some(json) = &row.down_sql else {
            return Err(irreversible(
                "this binary does not know it and no down SQL was stored when it was applied".to_owned(),
            ));
        };
        let stored = steps::decode(json).map_err(|e| Error::CorruptTracking {
            version: row.version,
            reason: format!("its down SQL is not valid JSON: {e}"),
        })?;
        let steps = steps::from_stored(stored, backend).map_err(irreversible)?;
        let transactional = !steps.iter().any(|s| s.step_outside_transaction());
        Ok(Work {
            version: row.version,
            name: row.name.clone(),
            direction: Direction::Down,
            checksum: row.checksum.clone(),
            steps,
            ops: Vec::new(),
            down_sql: None,
            skipped: false,
            transactional,
            resume_from: 0,
            resuming: false,
            retrying: false,
            session: self.session_for(&[], backend),
        })
    }

    /// The settings a migration runs with on `backend`: the run's, then its own.
    fn session_for(&self, own: &[SessionSetting], backend: Backend) -> Vec<SessionSetting> {
        let all = self.settings.session.iter().chain(own);
        all.filter(|s| s.applies_to(backend)).cloned().collect()
    }
}

/// A step that must run outside a transaction cannot be part of a transactional migration.
fn check_transaction(migration: &MigrationId, execution: Execution, steps: &[ExecStep]) -> Result<(), Error> {
    if execution == Execution::Transaction && steps.iter().any(ExecStep::step_outside_transaction) {
        return Err(Error::Plan {
            migration: Some(migration.clone()),
            reason: "a step must run outside a transaction (an index built or dropped CONCURRENTLY, or a backfill \
                     that commits its batches); declare the migration with `transaction = false`"
                .to_owned(),
        });
    }
    Ok(())
}

pub(super) fn id(meta: &MigrationMeta) -> MigrationId {
    MigrationId {
        version: meta.version,
        name: meta.name.to_owned(),
    }
}
