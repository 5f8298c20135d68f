//! Definitions of schema objects: what an operation creates, and what its inverse needs to recreate it.

mod archive;
mod backfill;
mod column;
mod constraint;
mod expansion;
mod index;
mod model;
mod objects;
mod parity;
mod partition;
mod routine;
mod security;
mod table;
mod view;

pub(crate) use archive::fit_name;
pub use archive::{BACKUP_PREFIX, backup_table};
pub use backfill::{Assignment, Backfill, Batching, Undo};
pub use column::ColumnDef;
pub use constraint::{CheckDef, ForeignKeyDef, ReferentialAction, UniqueDef};
pub use expansion::Expansion;
pub use index::IndexDef;
pub use model::{MaterializedView, Partition, SchemaDef, Unpredictable};
pub use objects::{CommentOn, SequenceDef};
pub use parity::{Measure, Parity};
pub use partition::{PartitionBound, PartitionDef, PartitionKey, PartitionStrategy, PartitionValue};
pub use routine::{FunctionDef, TriggerDef, TriggerEvent, TriggerTiming};
pub use security::{GrantDef, GrantObject, PolicyCommand, PolicyDef, Privilege, RowSecurity};
pub use table::{ColumnBuilder, ForeignKeyBuilder, IndexBuilder, TableBuilder, TableDef};
pub use view::{EnumDef, ViewDef};

/// Joins names into the `a_b_c` form used for default constraint and index names.
pub(crate) fn default_name(table: &str, columns: &[String], suffix: &str) -> String {
    let mut name = String::from(table);
    for column in columns {
        name.push('_');
        name.push_str(column);
    }
    name.push('_');
    name.push_str(suffix);
    name
}

/// Turns anything that lists column names into owned names.
pub(crate) fn names<I, S>(columns: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    columns.into_iter().map(Into::into).collect()
}
