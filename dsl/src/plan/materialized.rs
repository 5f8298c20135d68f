//! Materialized views on PostgreSQL: a query's rows stored, read like a table, refreshed by a migration.

use super::{Plan, push};
use crate::operation::Operation;
use crate::schema::ViewDef;

impl<M: ?Sized, D> Plan<M, D> {
    /// Creates a materialized view and fills it with its query's rows; `down` drops it. Index it like a table
    /// with [`create_index`](Self::create_index); a unique index lets it be refreshed `concurrently`.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::IndexDef;
    /// let mut m = Plan::<()>::new();
    /// m.create_materialized_view("tenant_totals", "SELECT tenant_id, count(*) AS n FROM contracts GROUP BY tenant_id");
    /// m.create_index(IndexDef::new("tenant_totals", ["tenant_id"]).unique());
    /// assert_eq!(m.operations()[0].op.kind(), "create_materialized_view");
    /// ```
    #[track_caller]
    pub fn create_materialized_view(&mut self, name: impl Into<String>, sql: impl Into<String>) {
        push(
            &mut self.ops,
            Operation::CreateMaterializedView(ViewDef::new(name, sql)),
        );
    }

    /// Drops a materialized view, given its query so `down` can create (and fill) it again.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.drop_materialized_view("tenant_totals", "SELECT tenant_id, count(*) AS n FROM contracts GROUP BY tenant_id");
    /// assert_eq!(m.inverse().unwrap()[0].op.kind(), "create_materialized_view");
    /// ```
    #[track_caller]
    pub fn drop_materialized_view(&mut self, name: impl Into<String>, sql: impl Into<String>) {
        push(&mut self.ops, Operation::DropMaterializedView(ViewDef::new(name, sql)));
    }

    /// Runs a materialized view's query again. Without `concurrently`, reads of the view wait until it is done
    /// (plan rule `refresh-blocks-reads`); with it, reads go on, and the view needs a unique index without
    /// `WHERE` (plan rule `refresh-concurrently-needs-unique-index`). Nothing to undo: `down` does nothing.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.refresh_materialized_view("tenant_totals", true);
    /// assert_eq!(m.operations()[0].op.describe(), "refresh_materialized_view `tenant_totals` concurrently");
    /// assert!(m.inverse().unwrap().is_empty());
    /// ```
    #[track_caller]
    pub fn refresh_materialized_view(&mut self, name: impl Into<String>, concurrently: bool) {
        push(
            &mut self.ops,
            Operation::RefreshMaterializedView {
                name: name.into(),
                concurrently,
            },
        );
    }
}
