//! An expand/contract change of one column (a rename, a new type): the old and the new column side by side,
//! kept equal by triggers both ways, while old and new code run together.

use serde::{Deserialize, Serialize};

use super::ColumnDef;
use crate::types::{ColumnType, SqlType};

/// What [`Plan::expand_column`](crate::Plan::expand_column) and [`Plan::contract_column`](crate::Plan::contract_column)
/// change: `from`, the column running code uses, and `to`, the one it moves to, with how a value goes from one to
/// the other. In each expression `{}` stands for the source value.
///
/// ```
/// use lockgate_dsl::schema::{ColumnDef, Expansion};
/// let rename = Expansion::rename::<i64>("contracts", "id", ColumnDef::new::<Option<String>>("title"), "name");
/// assert_eq!(rename.to.name, "name");
/// assert_eq!(rename.forward, "{}");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expansion {
    /// The table.
    pub table: String,
    /// The table's key, which the backfill walks.
    pub key: String,
    /// The key's type.
    pub key_type: ColumnType,
    /// The column running code uses now.
    pub from: ColumnDef,
    /// The column it moves to; added nullable, so that rows written by old code can be filled by the trigger.
    pub to: ColumnDef,
    /// `to`'s value from `from`'s (SQL, `{}` for `from`'s value).
    pub forward: String,
    /// `from`'s value from `to`'s (SQL, `{}` for `to`'s value).
    pub backward: String,
}

impl Expansion {
    /// A rename of `column` to `to`, same type.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let e = Expansion::rename::<i64>("t", "id", ColumnDef::new::<String>("a"), "b");
    /// assert!(e.to.nullable, "the new column starts nullable");
    /// ```
    pub fn rename<K: SqlType>(
        table: impl Into<String>,
        key: impl Into<String>,
        column: ColumnDef,
        to: impl Into<String>,
    ) -> Self {
        let mut new = column.clone();
        new.name = to.into();
        Self::retype::<K>(table, key, column, new, "{}", "{}")
    }

    /// A change of `from` into `to` (a new type, a new name, or both), with the conversion each way.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let e = Expansion::retype::<i64>(
    ///     "invoices", "id",
    ///     ColumnDef::new::<i32>("amount"), ColumnDef::new::<Option<i64>>("amount_cents"),
    ///     "{} * 100", "CAST({} / 100 AS integer)",
    /// );
    /// assert_eq!(e.forward_from("\"amount\""), "\"amount\" * 100");
    /// ```
    pub fn retype<K: SqlType>(
        table: impl Into<String>,
        key: impl Into<String>,
        from: ColumnDef,
        to: ColumnDef,
        forward: impl Into<String>,
        backward: impl Into<String>,
    ) -> Self {
        let mut to = to;
        to.nullable = true;
        Expansion {
            table: table.into(),
            key: key.into(),
            key_type: K::column_type(),
            from,
            to,
            forward: forward.into(),
            backward: backward.into(),
        }
    }

    /// `to`'s value computed from `source`, a SQL reference to `from`'s value.
    pub fn forward_from(&self, source: &str) -> String {
        self.forward.replace("{}", source)
    }

    /// `from`'s value computed from `source`, a SQL reference to `to`'s value.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let e = Expansion::rename::<i64>("t", "id", ColumnDef::new::<String>("a"), "b");
    /// assert_eq!(e.backward_from("NEW.b"), "NEW.b");
    /// ```
    pub fn backward_from(&self, source: &str) -> String {
        self.backward.replace("{}", source)
    }

    /// What it changes, for messages: ``contracts`.`title` → `name``.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ColumnDef, Expansion};
    /// let e = Expansion::rename::<i64>("t", "id", ColumnDef::new::<String>("a"), "b");
    /// assert_eq!(e.describe(), "`t`.`a` to `b`");
    /// ```
    pub fn describe(&self) -> String {
        format!("`{}`.`{}` to `{}`", self.table, self.from.name, self.to.name)
    }
}
