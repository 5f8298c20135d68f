//! What `verify` found, migration by migration.

use std::fmt;

use serde::Serialize;

use crate::schema::Difference;

/// The round trip of every migration, in order.
///
/// ```
/// use lockgate_runtime::verify::VerifyReport;
/// assert!(VerifyReport::default().is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VerifyReport {
    /// One entry per migration, in version order.
    pub migrations: Vec<VerifiedMigration>,
}

impl VerifyReport {
    /// Whether every migration that can go down came back exactly.
    ///
    /// ```
    /// use lockgate_runtime::verify::{RoundTrip, VerifiedMigration, VerifyReport};
    /// let report = VerifyReport { migrations: vec![VerifiedMigration { version: 1, name: "n".into(), outcome: RoundTrip::Verified }] };
    /// assert!(report.is_ok());
    /// ```
    pub fn is_ok(&self) -> bool {
        self.first_failure().is_none()
    }

    /// The first migration whose round trip failed.
    ///
    /// ```
    /// use lockgate_runtime::verify::VerifyReport;
    /// assert!(VerifyReport::default().first_failure().is_none());
    /// ```
    pub fn first_failure(&self) -> Option<&VerifiedMigration> {
        self.migrations
            .iter()
            .find(|m| matches!(m.outcome, RoundTrip::Failed { .. }))
    }
}

/// One migration's round trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedMigration {
    /// The version.
    pub version: i64,
    /// The migration name.
    pub name: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: RoundTrip,
}

impl fmt::Display for VerifiedMigration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            RoundTrip::Verified => write!(
                f,
                "migration {} `{}` goes down and up again exactly",
                self.version, self.name
            ),
            RoundTrip::Skipped { reason } => write!(f, "migration {} `{}` skipped: {reason}", self.version, self.name),
            RoundTrip::Failed { stage, differences } => {
                write!(f, "migration {} `{}` {}", self.version, self.name, stage.failure())?;
                for difference in differences {
                    write!(f, "\n  {difference}")?;
                }
                Ok(())
            }
        }
    }
}

/// The outcome of one round trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum RoundTrip {
    /// Down restored the schema before up, and up again the schema after it.
    Verified,
    /// Not round-tripped (irreversible, or not for this backend).
    Skipped {
        /// Why.
        reason: String,
    },
    /// A stage did not restore the schema it should have.
    Failed {
        /// Which stage.
        stage: Stage,
        /// What differs from the schema it should have restored.
        differences: Vec<Difference>,
    },
}

/// The stage of a round trip that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A `sample` statement of the migration failed before `up`.
    Sample,
    /// `down` did not bring back the schema before `up`, or the rows (of tables it does not touch, and with
    /// samples, of those it does).
    Down,
    /// `up` after `down` did not bring back the schema of the first `up`.
    UpAgain,
}

impl Stage {
    fn failure(self) -> &'static str {
        match self {
            Stage::Sample => "has a sample that does not run",
            Stage::Down => "does not go down to the schema and rows it started from",
            Stage::UpAgain => "does not come up again to the schema of its first up",
        }
    }
}
