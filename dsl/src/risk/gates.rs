//! Compile-time rules: one trait per (operation, risk category), bounding the plan method.
//!
//! `#[derive(Migration)]` implements every gate of each category the migration allows, through
//! [`allow_category!`](crate::allow_category). A plan method whose gate is not implemented fails to
//! compile with the gate's `on_unimplemented` message, which names the operation, the risk and the fix.
//! Hand-written `Down` plans ([`Backward`]) pass every gate: they undo what `Up` did.

use crate::plan::{Backward, OneWay, Reversible};

/// The direction of a plan whose gates the derive implements: `Change` and `Up` plans.
///
/// ```
/// use lockgate_dsl::risk::gates::Forward;
/// fn forward<D: Forward>() {}
/// forward::<lockgate_dsl::plan::Reversible>();
/// ```
pub trait Forward {}
impl Forward for Reversible {}
impl Forward for OneWay {}

/// The marker type of a category, for [`Granted`].
macro_rules! gate_category {
    (destructive) => {
        granted::Destructive
    };
    (blocking) => {
        granted::Blocking
    };
    (incompatible) => {
        granted::Incompatible
    };
    (data_dependent) => {
        granted::DataDependent
    };
}

/// The risk categories as types, for [`Granted`]; not API.
#[doc(hidden)]
pub mod granted {
    /// `allow(destructive = "...")`.
    #[derive(Debug)]
    pub struct Destructive;
    /// `allow(blocking = "...")`.
    #[derive(Debug)]
    pub struct Blocking;
    /// `allow(incompatible = "...")`.
    #[derive(Debug)]
    pub struct Incompatible;
    /// `allow(data_dependent = "...")`.
    #[derive(Debug)]
    pub struct DataDependent;
}

/// What seals the gates: a gate holds only where the migration's `allow(...)` granted its category, and only
/// `#[derive(Migration)]` grants (through [`allow_category!`](crate::allow_category), which is not API). A gate
/// implemented by hand fails to compile with this message.
///
/// ```compile_fail
/// struct Sneaky;
/// impl lockgate_dsl::risk::gates::DropColumn<lockgate_dsl::plan::Reversible> for Sneaky {}
/// ```
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` opens a gate by hand, but only `#[migration(allow(...))]` opens gates",
    label = "not allowed by the migration's `#[migration(allow(...))]`",
    note = "why: a gate implemented by hand silences its rule with no reason for a reviewer to read",
    note = "fix: remove the `impl` and add `#[migration(allow(<category> = \"why this is fine\"))]` to the `#[derive(Migration)]` type"
)]
pub trait Granted<D, C> {}
impl<M: ?Sized, C> Granted<Backward, C> for M {}
impl<M: ?Sized, D, C> Granted<(crate::types::Nullable, D), C> for M {}
impl<M: ?Sized, C> Granted<(crate::types::Required, Backward), C> for M {}

macro_rules! gates {
    ($(
        $(#[$doc:meta])*
        $category:ident $name:ident {
            message: $message:literal,
            label: $label:literal,
            why: $why:literal,
            fix: $fix:literal $(,)?
        }
    )* ; and $($extra:ident),*) => {
        $(
            $(#[$doc])*
            #[diagnostic::on_unimplemented(
                message = $message,
                label = $label,
                note = $why,
                note = $fix,
            )]
            pub trait $name<D>: Granted<D, gate_category!($category)> {}
            impl<M: ?Sized> $name<Backward> for M {}
        )*

        /// Every gate, with its category and messages, for documentation and tests.
        ///
        /// ```
        /// use lockgate_dsl::risk::gates::GATES;
        /// let drop_table = GATES.iter().find(|gate| gate.name == "DropTable").unwrap();
        /// assert_eq!(drop_table.category, "destructive");
        /// ```
        pub const GATES: &[GateInfo] = &[
            $(GateInfo {
                name: stringify!($name),
                category: stringify!($category),
                message: $message,
                why: $why,
                fix: $fix,
            },)*
            $($extra,)*
        ];
    };
}

/// Implements every gate of one risk category for a migration type, for `Change` and `Up` plans.
/// `#[derive(Migration)]` calls it once for each category in `allow(...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! allow_category {
    ($ty:ty, destructive) => {
        $crate::__gate_impls!($ty; Destructive; DropTable DropColumn DropEnum);
    };
    ($ty:ty, blocking) => {
        $crate::__gate_impls!($ty; Blocking;);
    };
    ($ty:ty, incompatible) => {
        $crate::__gate_impls!($ty; Incompatible; RenameTable RenameColumn ChangeColumnTypeBreaksReaders DropNotNull
            DropForeignKey DropCheck DropUnique DropView ReplaceView ArchiveColumn ArchiveTable);
    };
    ($ty:ty, data_dependent) => {
        $crate::__gate_impls!($ty; DataDependent;);
        impl $crate::risk::gates::Granted<($crate::types::Required, $crate::plan::Reversible), $crate::risk::gates::granted::DataDependent> for $ty {}
        impl $crate::risk::gates::Granted<($crate::types::Required, $crate::plan::OneWay), $crate::risk::gates::granted::DataDependent> for $ty {}
        impl $crate::risk::gates::AddRequiredColumn<$crate::types::Required, $crate::plan::Reversible> for $ty {}
        impl $crate::risk::gates::AddRequiredColumn<$crate::types::Required, $crate::plan::OneWay> for $ty {}
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __gate_impls {
    ($ty:ty; $category:ident; $($gate:ident)*) => {
        impl $crate::risk::gates::Granted<$crate::plan::Reversible, $crate::risk::gates::granted::$category> for $ty {}
        impl $crate::risk::gates::Granted<$crate::plan::OneWay, $crate::risk::gates::granted::$category> for $ty {}
        $(
            impl $crate::risk::gates::$gate<$crate::plan::Reversible> for $ty {}
            impl $crate::risk::gates::$gate<$crate::plan::OneWay> for $ty {}
        )*
    };
}

/// A compile-time rule, as listed in the documentation.
///
/// ```
/// use lockgate_dsl::risk::gates::GATES;
/// assert!(GATES.iter().all(|gate| gate.why.starts_with("why: ") && gate.fix.starts_with("fix: ")));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct GateInfo {
    /// The gate trait's name.
    pub name: &'static str,
    /// The risk category that allows it.
    pub category: &'static str,
    /// The error message.
    pub message: &'static str,
    /// Why the operation is risky.
    pub why: &'static str,
    /// The safe alternative or the attribute to add.
    pub fix: &'static str,
}

gates! {
    /// `drop_table` deletes every row.
    destructive DropTable {
        message: "`drop_table` deletes every row of the table, and migration `{Self}` does not allow destructive operations",
        label: "drops a table and its data",
        why: "why: the rows are gone for good, and running code that still uses the table starts failing",
        fix: "fix: stop using the table in code and deploy first, then add `#[migration(allow(destructive = \"why losing this data is fine\"))]`",
    }
    /// `drop_column` deletes the column's data.
    destructive DropColumn {
        message: "`drop_column` deletes the column's data, and migration `{Self}` does not allow destructive operations",
        label: "drops a column and its data",
        why: "why: `down` can recreate the column from its definition, but not the values it held; code that still reads it breaks",
        fix: "fix: stop reading and writing the column, deploy, then add `#[migration(allow(destructive = \"why losing this data is fine\"))]`",
    }
    /// `archive_column` takes a column away from running code (its values stay in a backup table).
    incompatible ArchiveColumn {
        message: "`archive_column` takes the column away from code that still reads or writes it, and migration `{Self}` does not allow incompatible operations",
        label: "archives a column under running code",
        why: "why: the values are kept for `down`, but code deployed before this migration still uses the column",
        fix: "fix: stop reading and writing the column, deploy, then add `#[migration(allow(incompatible = \"why no running code uses it\"))]`",
    }
    /// `archive_table` takes a table away from running code (its rows stay in a backup table).
    incompatible ArchiveTable {
        message: "`archive_table` takes the table away from code that still uses it, and migration `{Self}` does not allow incompatible operations",
        label: "archives a table under running code",
        why: "why: the rows are kept for `down`, but code deployed before this migration still queries the table",
        fix: "fix: stop using the table, deploy, then add `#[migration(allow(incompatible = \"why no running code uses it\"))]`",
    }
    /// `drop_enum` removes a type columns may depend on.
    destructive DropEnum {
        message: "`drop_enum` removes an enum type, and migration `{Self}` does not allow destructive operations",
        label: "drops an enum type",
        why: "why: every column of this type must be gone first, and its values are lost",
        fix: "fix: drop or retype every column of this type in an earlier migration, then add `#[migration(allow(destructive = \"why dropping this type is fine\"))]`",
    }
    /// Renaming a table breaks running code.
    incompatible RenameTable {
        message: "`rename_table` breaks code that still uses the old name, and migration `{Self}` does not allow incompatible operations",
        label: "renames a table under running code",
        why: "why: application instances deployed before this migration keep querying the old name",
        fix: "fix: keep the SQL name and rename only the Rust type, or leave a view under the old name; or add `#[migration(allow(incompatible = \"why no running code uses the old name\"))]`",
    }
    /// Renaming a column breaks running code.
    incompatible RenameColumn {
        message: "`rename_column` breaks code that still uses the old name, and migration `{Self}` does not allow incompatible operations",
        label: "renames a column under running code",
        why: "why: application instances deployed before this migration keep reading and writing the old column name",
        fix: "fix: add the new column, write both, backfill, move reads, then drop the old one; or add `#[migration(allow(incompatible = \"why no running code uses the old name\"))]`",
    }
    /// Changing a column type breaks readers and writers.
    incompatible ChangeColumnTypeBreaksReaders {
        message: "`change_column_type` changes what running code reads and writes, and migration `{Self}` does not allow incompatible operations",
        label: "changes a column type under running code",
        why: "why: code deployed before this migration still binds and decodes the old type",
        fix: "fix: add a new column of the new type and move code over; or add `#[migration(allow(incompatible = \"why running code is unaffected\"))]`",
    }
    /// Dropping NOT NULL lets NULLs reach code that does not expect them.
    incompatible DropNotNull {
        message: "`drop_not_null` lets NULLs reach code that does not expect them, and migration `{Self}` does not allow incompatible operations",
        label: "makes a column nullable",
        why: "why: readers decode the column as non-null; and `down` (SET NOT NULL) fails once a NULL is written",
        fix: "fix: keep the column NOT NULL with a marker value, or add `#[migration(allow(incompatible = \"why readers handle NULL\"))]`",
    }
    /// Dropping a foreign key removes an integrity guarantee.
    incompatible DropForeignKey {
        message: "`drop_foreign_key` removes an integrity guarantee, and migration `{Self}` does not allow incompatible operations",
        label: "drops a foreign key",
        why: "why: code may rely on the key; re-adding it later must scan and may fail on orphaned rows",
        fix: "fix: keep the key until no code relies on it, then add `#[migration(allow(incompatible = \"why nothing relies on this key\"))]`",
    }
    /// Dropping a check constraint removes an integrity guarantee.
    incompatible DropCheck {
        message: "`drop_check` removes an integrity guarantee, and migration `{Self}` does not allow incompatible operations",
        label: "drops a check constraint",
        why: "why: code may rely on the check; re-adding it later must scan and may fail on rows written meanwhile",
        fix: "fix: keep the check until no code relies on it, then add `#[migration(allow(incompatible = \"why nothing relies on this check\"))]`",
    }
    /// Dropping a unique constraint removes a guarantee.
    incompatible DropUnique {
        message: "`drop_unique` removes a uniqueness guarantee, and migration `{Self}` does not allow incompatible operations",
        label: "drops a unique constraint",
        why: "why: duplicates can be written afterwards, and `down` then fails to restore the constraint",
        fix: "fix: keep the constraint until no code relies on it, then add `#[migration(allow(incompatible = \"why duplicates are fine\"))]`",
    }
    /// Dropping a view breaks its readers.
    incompatible DropView {
        message: "`drop_view` breaks code that still queries the view, and migration `{Self}` does not allow incompatible operations",
        label: "drops a view",
        why: "why: application instances deployed before this migration may still read the view",
        fix: "fix: stop reading the view in code and deploy first, then add `#[migration(allow(incompatible = \"why no running code reads the view\"))]`",
    }
    /// Replacing a view changes what its readers see.
    incompatible ReplaceView {
        message: "`replace_view` changes what running code reads from the view, and migration `{Self}` does not allow incompatible operations",
        label: "replaces a view's query",
        why: "why: readers may depend on the columns or rows the old query returned",
        fix: "fix: create a view under a new name and move readers; or add `#[migration(allow(incompatible = \"why readers are unaffected\"))]`",
    }
    ; and ADD_REQUIRED_COLUMN, SQL_WITHOUT_REVERSE, ENUM_VALUE_IS_PERMANENT
}

/// `add_column` of a NOT NULL column without a default: fails on PostgreSQL and SQLite, silently
/// zero-fills on MySQL. Nullable columns (`Option<T>`) pass; so do hand-written `Down` plans.
#[diagnostic::on_unimplemented(
    message = "`add_column` adds a NOT NULL column without a default, and migration `{Self}` does not allow data-dependent operations",
    label = "NOT NULL column without a default",
    note = "why: PostgreSQL fails on any populated table, MySQL silently fills existing rows with zero values, SQLite refuses",
    note = "fix: add it as `Option<T>`, backfill, then `set_not_null`; or use `add_column_with_default`; or add `#[migration(allow(data_dependent = \"why the table is empty\"))]`"
)]
pub trait AddRequiredColumn<N, D>: Granted<(N, D), granted::DataDependent> {}
impl<M: ?Sized, D> AddRequiredColumn<crate::types::Nullable, D> for M {}
impl<M: ?Sized> AddRequiredColumn<crate::types::Required, Backward> for M {}

/// [`AddRequiredColumn`], as listed in the documentation (the same text as its attribute).
///
/// ```
/// assert_eq!(lockgate_dsl::risk::gates::ADD_REQUIRED_COLUMN.category, "data_dependent");
/// ```
pub const ADD_REQUIRED_COLUMN: GateInfo = GateInfo {
    name: "AddRequiredColumn",
    category: "data_dependent",
    message: "`add_column` adds a NOT NULL column without a default, and migration `{Self}` does not allow data-dependent operations",
    why: "why: PostgreSQL fails on any populated table, MySQL silently fills existing rows with zero values, SQLite refuses",
    fix: "fix: add it as `Option<T>`, backfill, then `set_not_null`; or use `add_column_with_default`; or add `#[migration(allow(data_dependent = \"why the table is empty\"))]`",
};

/// `sql_irreversible` has no reverse SQL: it exists only in one-way plans (`Up`, `Down`), never in `Change`.
#[diagnostic::on_unimplemented(
    message = "`sql_irreversible` has no reverse SQL, so it cannot be planned in `Change`",
    label = "has no inverse",
    note = "why: `Change` derives `down` by inverting every operation, and raw SQL can only be inverted by the SQL you give",
    note = "fix: give it its reverse with `sql(up, down)`; or declare `#[migration(irreversible = \"why this cannot be undone\")]` and implement `Up` instead of `Change`; or implement `Up` and `Down` by hand"
)]
pub trait SqlWithoutReverse {}
impl SqlWithoutReverse for OneWay {}
impl SqlWithoutReverse for Backward {}

/// [`SqlWithoutReverse`], as listed in the documentation (the same text as its attribute).
///
/// ```
/// assert_eq!(lockgate_dsl::risk::gates::SQL_WITHOUT_REVERSE.category, "irreversible");
/// ```
pub const SQL_WITHOUT_REVERSE: GateInfo = GateInfo {
    name: "SqlWithoutReverse",
    category: "irreversible",
    message: "`sql_irreversible` has no reverse SQL, so it cannot be planned in `Change`",
    why: "why: `Change` derives `down` by inverting every operation, and raw SQL can only be inverted by the SQL you give",
    fix: "fix: give it its reverse with `sql(up, down)`; or declare `#[migration(irreversible = \"why this cannot be undone\")]` and implement `Up` instead of `Change`; or implement `Up` and `Down` by hand",
};

/// `add_enum_value` cannot be undone: it exists only in one-way plans (`Up`, `Down`), never in `Change`.
#[diagnostic::on_unimplemented(
    message = "`add_enum_value` cannot be undone, so it cannot be planned in `Change`",
    label = "has no inverse",
    note = "why: `Change` derives `down` by inverting every operation, and PostgreSQL cannot remove a value from an enum type",
    note = "fix: put it in a migration of its own with `#[migration(irreversible = \"why this cannot be undone\")]` that implements `Up` instead of `Change`"
)]
pub trait EnumValueIsPermanent {}
impl EnumValueIsPermanent for OneWay {}
impl EnumValueIsPermanent for Backward {}

/// [`EnumValueIsPermanent`], as listed in the documentation (the same text as its attribute).
///
/// ```
/// assert_eq!(lockgate_dsl::risk::gates::ENUM_VALUE_IS_PERMANENT.category, "irreversible");
/// ```
pub const ENUM_VALUE_IS_PERMANENT: GateInfo = GateInfo {
    name: "EnumValueIsPermanent",
    category: "irreversible",
    message: "`add_enum_value` cannot be undone, so it cannot be planned in `Change`",
    why: "why: `Change` derives `down` by inverting every operation, and PostgreSQL cannot remove a value from an enum type",
    fix: "fix: put it in a migration of its own with `#[migration(irreversible = \"why this cannot be undone\")]` that implements `Up` instead of `Change`",
};
