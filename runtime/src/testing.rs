//! Helpers for a user's own tests: every migration up, down and up again against a real server, and one
//! snapshot of all their SQL.
//!
//! ```no_run
//! # async fn t(migrator: lockgate_runtime::Migrator) {
//! // In an async test, against the server the test suite already uses (a scratch database is made beside it):
//! lockgate_runtime::testing::assert_round_trip(&migrator, "postgres://postgres@127.0.0.1:5432/test").await;
//! # }
//! ```

use std::fmt;

pub use lockgate_dsl::render::sql_snapshot;

use crate::backend::Scratch;
use crate::database::Database;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::report::DownTarget;
use crate::schema::{Difference, compare};
use crate::verify::{ROUND_TRIP, VerifiedMigration, VerifyReport};

/// What a round trip found wrong.
///
/// ```
/// use lockgate_runtime::testing::RoundTripError;
/// let e = RoundTripError::LeftBehind { after: 0, objects: vec!["table `accounts`".into()] };
/// assert_eq!(e.to_string(), "after every migration down to version 0, the schema still has: table `accounts`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoundTripError {
    /// The migrator failed (a statement, the connection, an irreversible migration on the way down).
    #[error(transparent)]
    Migrator(#[from] Error),
    /// One migration's own round trip failed (see [`Migrator::verify`]).
    #[error("{0}")]
    Migration(Box<VerifiedMigration>),
    /// The whole list went down but left objects behind.
    #[error("after every migration down to version {after}, the schema still has: {}", objects.join(", "))]
    LeftBehind {
        /// The version the list went down to (0: all of it; else the last irreversible migration).
        after: i64,
        /// What is left, as `compare` names it.
        objects: Vec<String>,
    },
    /// The whole list went down and up again, and the schema is not what the first `up` gave.
    #[error("the whole list up, down and up again gives another schema than up once:\n{}", Lines(.0))]
    SecondUp(Vec<Difference>),
}

/// Differences, one per line.
struct Lines<'a>(&'a [Difference]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            writeln!(f, "  {d}")?;
        }
        Ok(())
    }
}

/// Runs the migrations up, down and up again in a scratch database beside `url` (on its server, or a temporary
/// SQLite file; the database at `url` itself is not touched), and reports what came back wrong:
///
/// 1. each migration on its own, as [`Migrator::verify`] does (schema and untouched rows after `down` as before
///    `up`, schema after the second `up` as after the first);
/// 2. then the whole list: `up`, `down` as far as the migrations are reversible (to 0, or to the last
///    irreversible one), which must leave nothing behind when it goes to 0, and `up` again, which must give the
///    schema the first `up` gave.
///
/// ```no_run
/// # async fn t(migrator: lockgate_runtime::Migrator) {
/// use lockgate_runtime::testing::round_trip;
/// let report = round_trip(&migrator, "sqlite::memory:").await.unwrap();
/// assert!(report.is_ok());
/// # }
/// ```
pub async fn round_trip(migrator: &Migrator, url: &str) -> Result<VerifyReport, RoundTripError> {
    let report = migrator.verify(url).await?;
    if let Some(failed) = report.first_failure() {
        return Err(RoundTripError::Migration(Box::new(failed.clone())));
    }
    let scratch = Scratch::create(url).await?;
    let result = whole_list(migrator, &scratch.url).await;
    scratch.remove().await;
    result.map(|()| report)
}

/// [`round_trip`], panicking with what came back wrong: for `#[tokio::test]`s.
///
/// ```no_run
/// # async fn t(migrator: lockgate_runtime::Migrator) {
/// let report = lockgate_runtime::testing::assert_round_trip(&migrator, "sqlite::memory:").await;
/// assert!(!report.migrations.is_empty());
/// # }
/// ```
pub async fn assert_round_trip(migrator: &Migrator, url: &str) -> VerifyReport {
    match round_trip(migrator, url).await {
        Ok(report) => report,
        Err(error) => panic!("the migrations do not round-trip: {error}"),
    }
}

async fn whole_list(migrator: &Migrator, url: &str) -> Result<(), RoundTripError> {
    let db = Database::connect(url).await?;
    let result = async {
        let empty = migrator.introspect(&db).await?;
        migrator.up_in_scratch(&db, None).await?;
        let once = migrator.introspect(&db).await?;
        // Down as far as it goes: an irreversible migration stops it, and stays applied.
        let floor = migrator
            .migrations()
            .iter()
            .filter(|m| !m.meta().is_reversible())
            .map(|m| m.meta().version)
            .max()
            .unwrap_or(0);
        migrator.down(&db, DownTarget::To(floor)).await?;
        if floor == 0 {
            let left = compare(&empty, &migrator.introspect(&db).await?, ROUND_TRIP);
            if !left.is_empty() {
                return Err(RoundTripError::LeftBehind {
                    after: floor,
                    objects: left.into_iter().map(|d| d.object).collect(),
                });
            }
        }
        migrator.up_in_scratch(&db, None).await?;
        let twice = migrator.introspect(&db).await?;
        let differences = compare(&once, &twice, ROUND_TRIP);
        if differences.is_empty() {
            Ok(())
        } else {
            Err(RoundTripError::SecondUp(differences))
        }
    }
    .await;
    db.close().await;
    result
}
