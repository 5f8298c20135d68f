//! `baseline` and `adopt`: record migrations as applied without running them.

use std::collections::BTreeSet;
use std::time::Duration;

use lockgate_dsl::Backend;

use super::Migrator;
use super::history::History;
use super::run::applied;
use crate::conn::bound;
use crate::database::Database;
use crate::error::Error;
use crate::report::Report;
use crate::session::Session;
use crate::tracking;

impl Migrator {
    pub(crate) async fn run_baseline(&self, db: &Database, version: i64) -> Result<Report, Error> {
        tracing::info!(backend = %db.backend(), version, "baselining");
        let versions: BTreeSet<i64> = self
            .migrations
            .iter()
            .map(|m| m.meta().version)
            .filter(|v| *v <= version)
            .collect();
        self.mark_applied(db, &versions, "baseline").await
    }

    pub(crate) async fn run_adopt_sqlx(&self, db: &Database) -> Result<Report, Error> {
        tracing::info!(backend = %db.backend(), "adopting sqlx's migration history");
        let mut session = Session::open(&self.settings, db).await?;
        let statement = session.tracking.select_sqlx_history();
        let history = session
            .driver
            .conn()
            .fetch_sqlx_history(statement)
            .await
            .map_err(|source| {
                if crate::backend::is_missing_table(&source) {
                    Error::Plan {
                        migration: None,
                        reason: "there is no `_sqlx_migrations` table on this database; nothing to adopt".to_owned(),
                    }
                } else {
                    Error::Database(source)
                }
            })?;
        drop(session);
        if let Some((version, description, _)) = history.iter().find(|(_, _, success)| !success) {
            return Err(Error::SqlxMigrationFailed {
                version: *version,
                description: description.clone(),
            });
        }
        let mut versions = BTreeSet::new();
        for (version, description, _) in &history {
            if self.find(*version).is_some() {
                versions.insert(*version);
            } else {
                tracing::warn!(
                    version,
                    description,
                    "sqlx applied a migration this binary does not know; skipped"
                );
            }
        }
        self.mark_applied(db, &versions, "adopted").await
    }

    pub(crate) async fn run_adopt(&self, db: &Database, history: History) -> Result<Report, Error> {
        tracing::info!(backend = %db.backend(), tool = history.name(), "adopting another tool's migration history");
        let mut session = Session::open(&self.settings, db).await?;
        let text = if session.backend() == Backend::MySql {
            "CHAR"
        } else {
            "TEXT"
        };
        let statement = bound(
            &format!("SELECT CAST(version AS {text}) FROM {}", history.table()),
            Vec::new(),
        );
        let rows = session.driver.conn().fetch_text(statement).await.map_err(|source| {
            if crate::backend::is_missing_table(&source) {
                Error::Plan {
                    migration: None,
                    reason: format!(
                        "there is no `{}` table on this database, so {} recorded nothing here to adopt",
                        history.table(),
                        history.name()
                    ),
                }
            } else {
                Error::Database(source)
            }
        })?;
        drop(session);
        let mut versions = BTreeSet::new();
        for recorded in rows.into_iter().filter_map(|row| row.into_iter().next().flatten()) {
            match history.version(&recorded) {
                Some(version) if self.find(version).is_some() => {
                    versions.insert(version);
                }
                Some(version) => tracing::warn!(
                    version,
                    recorded,
                    tool = history.name(),
                    "the tool applied a migration this binary does not know; skipped"
                ),
                None => tracing::warn!(
                    recorded,
                    tool = history.name(),
                    "the tool recorded a version with no number in it; skipped"
                ),
            }
        }
        self.mark_applied(db, &versions, "adopted").await
    }

    /// How many migrations each other tool recorded on this database, for the tools whose table is there.
    pub(crate) async fn run_histories(&self, db: &Database) -> Result<Vec<(History, i64)>, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        let mut found = Vec::new();
        for history in History::ALL {
            let statement = bound(&format!("SELECT COUNT(*) FROM {}", history.table()), Vec::new());
            match session.driver.conn().fetch_i64(statement).await {
                Ok(count) => found.push((history, count.unwrap_or(0))),
                Err(source) if crate::backend::is_missing_table(&source) => {}
                Err(source) => return Err(Error::Database(source)),
            }
        }
        Ok(found)
    }

    /// Records `versions` (all known) as applied, without running them, under the lock.
    async fn mark_applied(&self, db: &Database, versions: &BTreeSet<i64>, outcome: &str) -> Result<Report, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        session.lock().await?;
        let result = async {
            let rows = session.read_rows_or_create().await?;
            self.verify_checksums(&rows)?;
                        let mut report = Report::default();
            for (m, row) in self.pending(&rows, None, session.backend()) {
                if !versions.contains(&m.meta().version) {
                    continue;
                }
                let work = self.up_work(m, row, &*session.driver)?;
                tracing::info!(version = work.version, name = %work.name, outcome, "recording as applied without running");
                if work.skipped {
                    session.write_row(&work, tracking::SKIPPED, 0, Duration::ZERO).await?;
                    session.history(&work, "skipped", None, Duration::ZERO).await?;
                    report.skipped.push(applied(&work, Duration::ZERO));
                } else {
                    session.write_row(&work, tracking::APPLIED, work.steps.len(), Duration::ZERO).await?;
                    session.history(&work, outcome, None, Duration::ZERO).await?;
                    report.applied.push(applied(&work, Duration::ZERO));
                }
            }
            Ok(report)
        }
        .await;
        session.unlock().await;
        result
    }
}
