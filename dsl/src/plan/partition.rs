//! Partitions of PostgreSQL partitioned tables: create, drop, attach and detach.

use super::{Plan, push};
use crate::operation::Operation;
use crate::schema::PartitionDef;

impl<M: ?Sized, D> Plan<M, D> {
    /// Creates a partition of a partitioned table (one made with
    /// [`TableBuilder::partition_by`](crate::schema::TableBuilder::partition_by)); `down` drops it. It takes the
    /// parent's columns, keys, indexes and constraints. On a parent this migration did not create, PostgreSQL
    /// locks the parent against reads and writes meanwhile (plan rule `create-partition-locks-parent`): create a
    /// table alone and [`attach_partition`](Self::attach_partition) it instead.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{PartitionDef, PartitionStrategy};
    /// use lockgate_dsl::types::Date;
    /// let mut m = Plan::<()>::new();
    /// m.create_table("events", |t| {
    ///     t.column::<i64>("id");
    ///     t.column::<Date>("created_on");
    ///     t.partition_by(PartitionStrategy::Range, ["created_on"]);
    /// });
    /// m.create_partition(PartitionDef::range("events_2025", "events", ["2025-01-01"], ["2026-01-01"]));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "drop_partition");
    /// ```
    #[track_caller]
    pub fn create_partition(&mut self, partition: PartitionDef) {
        push(&mut self.ops, Operation::CreatePartition(partition));
    }

    /// Drops a partition and its rows, given its bound so `down` can create it again (empty). PostgreSQL locks
    /// the parent meanwhile (plan rule `drop-partition`): detach it `concurrently` first, then drop the table.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PartitionDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_partition(PartitionDef::range("events_2019", "events", ["2019-01-01"], ["2020-01-01"]));
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_partition");
    /// ```
    #[track_caller]
    pub fn drop_partition(&mut self, partition: PartitionDef) {
        push(&mut self.ops, Operation::DropPartition(partition));
    }

    /// Makes an existing table, with the parent's columns, a partition; `down` detaches it. PostgreSQL scans the
    /// table to prove its rows fit the bound unless a validated CHECK already says so (plan rule
    /// `attach-partition-scans`; [`PartitionDef::bound_check`] is that CHECK); the parent stays readable and
    /// writable meanwhile.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PartitionDef;
    /// let mut m = Plan::<()>::new();
    /// m.attach_partition(PartitionDef::range("events_2026", "events", ["2026-01-01"], ["2027-01-01"]));
    /// assert_eq!(m.inverse().unwrap()[0].op.describe(), "detach_partition `events_2026` from `events`");
    /// ```
    #[track_caller]
    pub fn attach_partition(&mut self, partition: PartitionDef) {
        push(&mut self.ops, Operation::AttachPartition(partition));
    }

    /// Makes a partition a table of its own, keeping its rows, which leave the parent's queries; `down` attaches
    /// it again. `concurrently` (PostgreSQL 14 and later) lets queries on the parent go on and runs outside a
    /// transaction, in a `#[migration(transaction = false)]` migration; without it the parent is locked
    /// (plan rule `detach-partition-locks`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::PartitionDef;
    /// let mut m = Plan::<()>::new();
    /// m.detach_partition(PartitionDef::range("events_2019", "events", ["2019-01-01"], ["2020-01-01"]), true);
    /// assert_eq!(m.operations()[0].op.describe(), "detach_partition `events_2019` from `events` concurrently");
    /// ```
    #[track_caller]
    pub fn detach_partition(&mut self, partition: PartitionDef, concurrently: bool) {
        push(
            &mut self.ops,
            Operation::DetachPartition {
                partition,
                concurrently,
            },
        );
    }
}
