//! Rendered migrations as the runtime executes them: steps tied to the operation they came from, and the
//! stored form of a migration's down SQL.

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::plan::PlannedOp;
use lockgate_dsl::render::{self, RenderError, Step};
use serde::{Deserialize, Serialize};

/// One executable step and the index of the operation it renders (for compensation and index recovery).
#[derive(Debug, Clone)]
pub(crate) struct ExecStep {
    pub(crate) op: Option<usize>,
    pub(crate) step: Step,
}

impl ExecStep {
    /// Whether the step must run outside a transaction.
    pub(crate) fn step_outside_transaction(&self) -> bool {
        matches!(
            self.step,
            Step::Sql {
                outside_transaction: true,
                ..
            }
        )
    }

    /// The text to show for the step in plans and errors.
    pub(crate) fn describe(&self) -> String {
        match &self.step {
            Step::Sql { sql, .. } => sql.clone(),
            Step::Assert { query, .. } => query.clone(),
            #[allow(unreachable_patterns)]
            other => format!("{other:?}"),
        }
    }
}

/// Renders operations into steps, keeping each step's operation index.
pub(crate) fn render_ops(ops: &[PlannedOp], backend: Backend) -> Result<Vec<ExecStep>, RenderError> {
    let mut steps = Vec::new();
    for (index, planned) in ops.iter().enumerate() {
        for step in render::render(&planned.op, backend)? {
            steps.push(ExecStep { op: Some(index), step });
        }
    }
    Ok(steps)
}

/// A step as stored in the tracking table's `down_sql` column: plain JSON a person can read and run by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum StoredStep {
    /// A statement.
    Sql {
        sql: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        outside_transaction: bool,
    },
    /// An assertion.
    Assert { assert: String, message: String },
    /// A step that depends on the live schema (a SQLite table rebuild): only its description is stored.
    Live { live: String },
}

/// Encodes down steps for the tracking table.
pub(crate) fn encode(steps: &[ExecStep]) -> String {
    let stored: Vec<StoredStep> = steps
        .iter()
        .map(|s| match &s.step {
            Step::Sql {
                sql,
                outside_transaction,
            } => StoredStep::Sql {
                sql: sql.clone(),
                outside_transaction: *outside_transaction,
            },
            Step::Assert { query, message } => StoredStep::Assert {
                assert: query.clone(),
                message: message.clone(),
            },
            #[allow(unreachable_patterns)]
            other => StoredStep::Live {
                live: format!("{other:?}"),
            },
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
}

/// Decodes stored down steps; a `Live` step cannot be run from storage and is reported by the caller.
pub(crate) fn decode(json: &str) -> Result<Vec<StoredStep>, serde_json::Error> {
    serde_json::from_str(json)
}

/// Steps from storage, as executable steps without operations.
pub(crate) fn from_stored(stored: Vec<StoredStep>) -> Result<Vec<ExecStep>, String> {
    stored
        .into_iter()
        .map(|s| match s {
            StoredStep::Sql {
                sql,
                outside_transaction,
            } => Ok(ExecStep {
                op: None,
                step: Step::Sql {
                    sql,
                    outside_transaction,
                },
            }),
            StoredStep::Assert { assert, message } => Ok(ExecStep {
                op: None,
                step: Step::Assert { query: assert, message },
            }),
            StoredStep::Live { live } => Err(format!(
                "its stored down SQL holds a step that depends on the live schema ({live}); revert it with a binary \
                 that knows the migration"
            )),
        })
        .collect()
}

/// The name of the index a step builds concurrently on PostgreSQL, when it does: a crash can leave it INVALID.
pub(crate) fn concurrent_index<'a>(step: &ExecStep, ops: &'a [PlannedOp]) -> Option<&'a str> {
    let op = &ops.get(step.op?)?.op;
    match op {
        Operation::CreateIndex(index)
            if index.concurrently
                && matches!(
                    step.step,
                    Step::Sql {
                        outside_transaction: true,
                        ..
                    }
                ) =>
        {
            Some(&index.name)
        }
        _ => None,
    }
}
