//! Rendered migrations as the runtime executes them: steps tied to the operation they came from, and the
//! stored form of a migration's down SQL.

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::plan::PlannedOp;
use lockgate_dsl::render::{self, BackfillStep, RenderError, Step};
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
        self.step.outside_transaction()
    }

    /// Whether the step records its own progress as it goes (a backfill, batch by batch): run again after an
    /// interruption or a failure, it carries on from there, so neither the catalog nor compensation is needed.
    pub(crate) fn resumes_itself(&self) -> bool {
        matches!(self.step, Step::Backfill(_))
    }

    /// The text to show for the step in plans and errors.
    pub(crate) fn describe(&self) -> String {
        match &self.step {
            Step::Sql { sql, .. } => sql.clone(),
            Step::Assert { query, .. } => query.clone(),
            Step::Parity { left, right, .. } => format!("{left};\n{right}"),
            Step::Rebuild(rebuild) => rebuild.describe(),
            Step::Backfill(backfill) => backfill.to_string(),
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
    /// A parity checkpoint.
    Parity { parity: [String; 2], message: String },
    /// A backfill, with the backend it was written for.
    Backfill { backfill: BackfillStep },
    /// A step that depends on the live schema (a SQLite table rebuild): its description for people, and the
    /// operation it renders (with the step's position among that operation's steps) to render it again.
    Live {
        live: String,
        op: Option<Operation>,
        #[serde(default)]
        nth: usize,
    },
}

/// Encodes down steps for the tracking table.
pub(crate) fn encode(steps: &[ExecStep], ops: &[PlannedOp]) -> String {
    let mut stored = Vec::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        stored.push(match &s.step {
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
            Step::Parity { left, right, message } => StoredStep::Parity {
                parity: [left.clone(), right.clone()],
                message: message.clone(),
            },
            Step::Backfill(backfill) => StoredStep::Backfill {
                backfill: backfill.clone(),
            },
            Step::Rebuild(rebuild) => StoredStep::Live {
                live: rebuild.describe(),
                op: s.op.and_then(|o| ops.get(o)).map(|p| p.op.clone()),
                nth: steps[..i]
                    .iter()
                    .filter(|earlier| earlier.op.is_some() && earlier.op == s.op)
                    .count(),
            },
        });
    }
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
}

/// Decodes stored down steps.
pub(crate) fn decode(json: &str) -> Result<Vec<StoredStep>, serde_json::Error> {
    serde_json::from_str(json)
}

/// Steps from storage, as executable steps; live steps are rendered again from their operation.
pub(crate) fn from_stored(stored: Vec<StoredStep>, backend: Backend) -> Result<Vec<ExecStep>, String> {
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
            StoredStep::Parity {
                parity: [left, right],
                message,
            } => Ok(ExecStep {
                op: None,
                step: Step::Parity { left, right, message },
            }),
            StoredStep::Backfill { backfill } => Ok(ExecStep {
                op: None,
                step: Step::Backfill(backfill),
            }),
            StoredStep::Live { live, op, nth } => {
                let unusable = || {
                    format!(
                        "its stored down SQL holds a step that depends on the live schema and cannot be rendered \
                         again by this binary ({live}); revert it with a binary that knows the migration"
                    )
                };
                let op = op.ok_or_else(unusable)?;
                let step = render::render(&op, backend)
                    .ok()
                    .and_then(|steps| steps.into_iter().nth(nth))
                    .filter(|step| matches!(step, Step::Rebuild(_)))
                    .ok_or_else(unusable)?;
                Ok(ExecStep { op: None, step })
            }
        })
        .collect()
}
