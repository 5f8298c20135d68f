//! The plan a migration builds: its operations in order, each with where it was planned.
//!
//! The plan's methods are the DSL. Risky methods carry compile-time gates ([`crate::risk::gates`]);
//! methods without an inverse exist only in one-way plans.

mod archive;
mod expansion;
mod materialized;
mod methods;
mod objects;
mod partition;
mod routine;
mod security;

use std::marker::PhantomData;
use std::panic::Location;

use crate::operation::{Inverse, Operation};

/// A `Change` plan: reversed automatically, so every operation in it must have an inverse.
#[derive(Debug, Clone, Copy)]
pub struct Reversible;

/// An `Up` plan of an irreversible migration, or of one with a hand-written `Down`.
#[derive(Debug, Clone, Copy)]
pub struct OneWay;

/// A hand-written `Down` plan: it undoes its `Up`, so risk gates do not apply to it.
#[derive(Debug, Clone, Copy)]
pub struct Backward;

/// One planned operation and the source line that planned it.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::plan::PlannedOp;
/// let planned = PlannedOp::here(Operation::CreateExtension { name: "citext".into() });
/// assert!(planned.location.ends_with(".rs:6:15") || planned.location.contains(".rs:"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOp {
    /// The operation.
    pub op: Operation,
    /// `file:line:column` of the plan call, for messages.
    pub location: String,
}

impl PlannedOp {
    /// Records an operation planned at the caller's location.
    #[track_caller]
    pub fn here(op: Operation) -> Self {
        let caller = Location::caller();
        PlannedOp {
            op,
            location: format!("{}:{}:{}", caller.file(), caller.line(), caller.column()),
        }
    }
}

/// The operations of one migration in one direction, built by the migration's `change`, `up` or `down`.
///
/// `M` is the migration type (its allowances gate risky methods at compile time); `D` is the plan's
/// direction: [`Reversible`] (`Change`), [`OneWay`] (`Up`) or [`Backward`] (`Down`).
///
/// ```
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::types::{Timestamptz, Uuid};
///
/// let mut m = Plan::<()>::new();
/// m.create_table("templates", |t| {
///     t.column::<Uuid>("id").primary_key();
///     t.column::<Timestamptz>("created_at").default_now();
/// });
/// let down = m.inverse().unwrap();
/// assert_eq!(down[0].op.kind(), "drop_table");
/// ```
#[derive(Debug)]
pub struct Plan<M: ?Sized = (), D = Reversible> {
    pub(crate) ops: Vec<PlannedOp>,
    pub(crate) _migration: PhantomData<fn(&M, D)>,
}

impl<M: ?Sized, D> Default for Plan<M, D> {
    fn default() -> Self {
        Plan {
            ops: Vec::new(),
            _migration: PhantomData,
        }
    }
}

impl<M: ?Sized, D> Plan<M, D> {
    /// An empty plan.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// assert!(Plan::<()>::new().operations().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The planned operations, in order.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_extension("pgcrypto");
    /// assert_eq!(m.operations().len(), 1);
    /// ```
    pub fn operations(&self) -> &[PlannedOp] {
        &self.ops
    }

    /// Takes the planned operations.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_extension("pgcrypto");
    /// assert_eq!(m.into_operations()[0].op.kind(), "create_extension");
    /// ```
    pub fn into_operations(self) -> Vec<PlannedOp> {
        self.ops
    }

    /// The inverse plan: each operation's inverse, in reverse order. Fails on the first operation
    /// that has none (only possible in one-way plans).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_extension("pgcrypto");
    /// m.create_extension("citext");
    /// let down = m.inverse().unwrap();
    /// assert_eq!(down[0].op.describe(), "drop_extension `citext`");
    /// ```
    pub fn inverse(&self) -> Result<Vec<PlannedOp>, IrreversibleOp> {
        inverse_of(&self.ops)
    }
}

/// Appends an operation planned at the caller's location. A free function rather than a method of
/// `Plan<M, D>`, so it is compiled once rather than once per migration type.
#[track_caller]
pub(crate) fn push(ops: &mut Vec<PlannedOp>, op: Operation) -> &mut Operation {
    ops.push(PlannedOp::here(op));
    &mut ops.last_mut().expect("an operation was just pushed").op
}

/// The inverse of a list of planned operations: each inverse, in reverse order.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::plan::{inverse_of, PlannedOp};
/// let ops = vec![PlannedOp::here(Operation::RawSql { up: "SELECT 1".into(), down: None })];
/// assert!(inverse_of(&ops).is_err());
/// ```
pub fn inverse_of(ops: &[PlannedOp]) -> Result<Vec<PlannedOp>, IrreversibleOp> {
    let mut inverse = Vec::with_capacity(ops.len());
    for planned in ops.iter().rev() {
        match planned.op.inverse() {
            Inverse::Op(op) => inverse.push(PlannedOp {
                op,
                location: planned.location.clone(),
            }),
            Inverse::Nothing => {}
            Inverse::Irreversible(reason) => {
                return Err(IrreversibleOp {
                    operation: planned.op.describe(),
                    reason,
                    location: planned.location.clone(),
                });
            }
        }
    }
    Ok(inverse)
}

/// An operation without an inverse was found where one was needed.
///
/// ```
/// use lockgate_dsl::plan::IrreversibleOp;
/// let e = IrreversibleOp { operation: "raw_sql".into(), reason: "no reverse SQL", location: "m.rs:3:5".into() };
/// assert_eq!(e.to_string(), "raw_sql at m.rs:3:5 cannot be reversed: no reverse SQL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} at {location} cannot be reversed: {reason}")]
pub struct IrreversibleOp {
    /// The operation.
    pub operation: String,
    /// Why it has no inverse.
    pub reason: &'static str,
    /// Where it was planned.
    pub location: String,
}
