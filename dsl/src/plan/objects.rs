//! Schemas, sequences and comments on PostgreSQL.

use super::{Plan, push};
use crate::operation::Operation;
use crate::schema::{CommentOn, SequenceDef};

impl<M: ?Sized, D> Plan<M, D> {
    /// Creates a schema; `down` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_schema("reporting");
    /// assert_eq!(m.inverse().unwrap()[0].op.describe(), "drop_schema `reporting`");
    /// ```
    #[track_caller]
    pub fn create_schema(&mut self, name: impl Into<String>) {
        push(&mut self.ops, Operation::CreateSchema { name: name.into() });
    }

    /// Drops an empty schema (PostgreSQL refuses one that holds anything); `down` creates it again.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.drop_schema("reporting");
    /// assert_eq!(m.operations()[0].op.kind(), "drop_schema");
    /// ```
    #[track_caller]
    pub fn drop_schema(&mut self, name: impl Into<String>) {
        push(&mut self.ops, Operation::DropSchema { name: name.into() });
    }

    /// Creates a sequence; `down` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::SequenceDef;
    /// let mut m = Plan::<()>::new();
    /// m.create_sequence(SequenceDef::new("invoice_numbers").start(1000));
    /// assert_eq!(m.operations()[0].op.describe(), "create_sequence `invoice_numbers`");
    /// ```
    #[track_caller]
    pub fn create_sequence(&mut self, sequence: SequenceDef) {
        push(&mut self.ops, Operation::CreateSequence(sequence));
    }

    /// Drops a sequence, given its definition so `down` can create it again, at its start: where it had got
    /// to is lost (plan rule `drop-sequence`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::SequenceDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_sequence(SequenceDef::new("invoice_numbers").start(1000));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_sequence");
    /// ```
    #[track_caller]
    pub fn drop_sequence(&mut self, sequence: SequenceDef) {
        push(&mut self.ops, Operation::DropSequence(sequence));
    }

    /// Sets (or, with `None`, removes) the comment on a table or column; `from` is the comment it had, which
    /// `down` puts back. The plan check refuses a `from` the migrations before it did not leave.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::CommentOn;
    /// let mut m = Plan::<()>::new();
    /// m.set_comment(CommentOn::column("contracts", "amount"), None, Some("in cents, tax included"));
    /// assert_eq!(m.operations()[0].op.describe(), "set_comment on column `contracts`.`amount`");
    /// ```
    #[track_caller]
    pub fn set_comment(&mut self, on: CommentOn, from: Option<&str>, to: Option<&str>) {
        push(
            &mut self.ops,
            Operation::SetComment {
                on,
                from: from.map(str::to_owned),
                to: to.map(str::to_owned),
            },
        );
    }
}
