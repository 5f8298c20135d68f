//! The environment a migrator runs in and its policy: which pending migrations may run their destructive or
//! incompatible operations there, checked before anything runs.

use std::fmt;

use lockgate_dsl::risk::{RiskCategory, exposures};
use lockgate_dsl::{Backend, Migration};
use serde::Serialize;

use super::Migrator;
use crate::error::{Error, MigrationId};

/// What an environment's policy lets `up` run.
///
/// ```
/// use lockgate_runtime::{Migrator, Policy};
/// let m = Migrator::new(Vec::new()).unwrap().environment("production").policy("production", Policy::AdditiveOnly);
/// assert_eq!(m.policy_for("production"), Some(Policy::AdditiveOnly));
/// assert_eq!(m.policy_for("staging"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// A destructive or incompatible operation runs only in a migration that allows it for the environment,
    /// with a reason: `#[migration(allow_in(production = "why"))]`. The default for `production`.
    Guarded,
    /// Additive only: no destructive or incompatible operation runs, whatever the migration allows.
    AdditiveOnly,
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Guarded => "guarded",
            Policy::AdditiveOnly => "additive-only",
        })
    }
}

/// One operation a policy refused.
///
/// ```
/// use lockgate_runtime::{MigrationId, Refusal};
/// use lockgate_dsl::risk::RiskCategory;
/// let r = Refusal { migration: MigrationId { version: 3, name: "drop note".into() },
///     operation: "drop_column `note` on `contracts`".into(), category: RiskCategory::Destructive, rule: "DropColumn" };
/// assert_eq!(r.to_string(), "migration 3 `drop note`: drop_column `note` on `contracts` is destructive (DropColumn)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The migration.
    pub migration: MigrationId,
    /// The operation.
    pub operation: String,
    /// Its category.
    pub category: RiskCategory,
    /// The gate or rule that names the risk.
    pub rule: &'static str,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "migration {}: {} is {} ({})",
            self.migration,
            self.operation,
            self.category.attribute().replace('_', "-"),
            self.rule
        )
    }
}

/// The variable that names the environment when the migrator was given none.
pub const ENVIRONMENT_VAR: &str = "LOCKGATE_ENV";

impl Migrator {
    /// The environment the policy checks run for: the one given, else `LOCKGATE_ENV`.
    pub(crate) fn current_environment(&self) -> Option<String> {
        self.settings
            .environment
            .clone()
            .or_else(|| std::env::var(ENVIRONMENT_VAR).ok())
            .filter(|env| !env.trim().is_empty())
    }

    /// Refuses, before anything runs, the pending migrations the environment's policy does not let run.
    pub(crate) fn check_policy(&self, pending: &[&dyn Migration], backend: Backend) -> Result<(), Error> {
        let Some(environment) = self.current_environment() else {
            return Ok(());
        };
        let Some(policy) = self.policy_for(&environment) else {
            return Ok(());
        };
        let mut refused = Vec::new();
        for m in pending.iter().filter(|m| m.meta().targets(backend)) {
            let allowed = m.allowed_in().iter().any(|(env, _)| *env == environment);
            if policy == Policy::Guarded && allowed {
                continue;
            }
            let meta = m.meta();
            for exposure in exposures(*m, backend) {
                if matches!(
                    exposure.category,
                    RiskCategory::Destructive | RiskCategory::Incompatible
                ) {
                    refused.push(Refusal {
                        migration: MigrationId {
                            version: meta.version,
                            name: meta.name.to_owned(),
                        },
                        operation: exposure.operation,
                        category: exposure.category,
                        rule: exposure.rule,
                    });
                }
            }
        }
        if refused.is_empty() {
            return Ok(());
        }
        Err(Error::PolicyRefused {
            environment,
            policy,
            refused,
        })
    }
}
