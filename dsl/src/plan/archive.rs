//! The lossless drops: a column or a table taken away with its data kept in a backup table for `down`.

use super::{Plan, push};
use crate::operation::Operation;
use crate::risk::gates::{ArchiveColumn, ArchiveTable};
use crate::schema::{ColumnDef, TableBuilder, TableDef};

impl<M: ?Sized, D> Plan<M, D> {
    /// Drops a column but keeps its values: they are copied first, with `key`, to
    /// `lockgate_backup_<table>__<column>`, so that `down` adds the column back with every value it held.
    /// The backup stays until `purge` drops it (`status` lists it). Running code still loses the column, so
    /// the migration must allow incompatible operations.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::ColumnDef;
    /// let mut m = Plan::<Allowed>::new();
    /// m.archive_column("contracts", ColumnDef::new::<bool>("is_template"), ["id"]);
    /// assert_eq!(m.operations()[0].op.describe(), "archive_column `contracts`.`is_template` to `lockgate_backup_contracts__is_template`");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn archive_column<I, S>(&mut self, table: impl Into<String>, column: ColumnDef, key: I)
    where
        M: ArchiveColumn<D>,
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        push(
            &mut self.ops,
            Operation::ArchiveColumn {
                table: table.into(),
                column,
                key: key.into_iter().map(Into::into).collect(),
                restore: false,
            },
        );
    }

    /// Drops a table but keeps its rows in `lockgate_backup_<table>`, so that `down` recreates it from its
    /// definition with every row. The backup stays until `purge` drops it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.archive_table("legacy_templates", |t| {
    ///     t.column::<i64>("id").primary_key();
    ///     t.column::<String>("name");
    /// });
    /// assert_eq!(m.operations()[0].op.kind(), "archive_table");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn archive_table(&mut self, name: impl Into<String>, define: impl FnOnce(&mut TableBuilder))
    where
        M: ArchiveTable<D>,
    {
        push(
            &mut self.ops,
            Operation::ArchiveTable {
                table: TableDef::build(name, define),
                restore: false,
            },
        );
    }
}
