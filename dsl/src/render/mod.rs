//! Rendering operations to SQL, per backend, through sea-query. The only module that writes SQL.

use serde::Serialize;

use crate::backend::Backend;
use crate::operation::Operation;
use crate::plan::PlannedOp;

/// One step of a rendered migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// One SQL statement.
    Sql {
        /// The statement.
        sql: String,
        /// Must run outside a transaction (`CONCURRENTLY`).
        outside_transaction: bool,
    },
    /// A query that must return a true value.
    Assert {
        /// The query.
        query: String,
        /// The failure message.
        message: String,
    },
}

/// An operation a backend cannot express, or a name it cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The backend has no way to run this operation.
    #[error("{operation} is not supported on {backend}: {hint}")]
    Unsupported {
        /// The operation.
        operation: String,
        /// The backend.
        backend: Backend,
        /// What to do instead.
        hint: &'static str,
    },
}

/// Renders one operation for a backend.
pub fn render(op: &Operation, backend: Backend) -> Result<Vec<Step>, RenderError> {
    Err(RenderError::Unsupported {
        operation: op.describe(),
        backend,
        hint: "rendering is not built yet",
    })
}

/// Renders planned operations in order.
pub fn render_all(ops: &[PlannedOp], backend: Backend) -> Result<Vec<Step>, RenderError> {
    let mut steps = Vec::new();
    for planned in ops {
        steps.extend(render(&planned.op, backend)?);
    }
    Ok(steps)
}
