//! Expand/contract: renaming a column or changing its type while old and new code run side by side.

use super::{Plan, push};
use crate::operation::Operation;
use crate::risk::gates::DropColumn;
use crate::schema::Expansion;

impl<M: ?Sized, D> Plan<M, D> {
    /// The expand step: adds the new column (nullable), triggers that keep the old and the new column equal
    /// on every insert and update (on PostgreSQL a trigger function, on MySQL `BEFORE` triggers, on SQLite
    /// `AFTER` triggers that update the row), and a backfill of the rows written before. Old code keeps using
    /// the old column, new code the new one. Declare the migration `transaction = false` on PostgreSQL (the
    /// backfill commits in batches). Contract in a later migration with [`contract_column`](Self::contract_column).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let mut m = Plan::<()>::new();
    /// m.expand_column(Expansion::rename::<i64>("templates", "id", ColumnDef::new::<String>("title"), "name"));
    /// assert_eq!(m.operations()[0].op.describe(), "expand_column `templates`.`title` to `name`");
    /// ```
    #[track_caller]
    pub fn expand_column(&mut self, expansion: Expansion) {
        push(
            &mut self.ops,
            Operation::ExpandColumn {
                expansion: Box::new(expansion),
                reverse: false,
            },
        );
    }

    /// The contract step, once no running code uses the old column: drops the triggers and the old column.
    /// Its `down` brings the old column back with its values from the new one, and the triggers. Give it the
    /// same [`Expansion`] as the expand.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let mut m = Plan::<Allowed>::new();
    /// m.contract_column(Expansion::rename::<i64>("templates", "id", ColumnDef::new::<String>("title"), "name"));
    /// assert_eq!(m.operations()[0].op.kind(), "contract_column");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, destructive);
    /// ```
    #[track_caller]
    pub fn contract_column(&mut self, expansion: Expansion)
    where
        M: DropColumn<D>,
    {
        push(
            &mut self.ops,
            Operation::ContractColumn {
                expansion: Box::new(expansion),
                reverse: false,
            },
        );
    }
}
