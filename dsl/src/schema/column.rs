//! A column definition: name, type, nullability, and a default or a generating expression.

use serde::{Deserialize, Serialize};

use crate::types::{ColumnType, SqlType};
use crate::value::DefaultValue;

/// A full column definition. Dropping a column takes one, so the column can be recreated by `down`.
///
/// ```
/// use lockgate_dsl::schema::ColumnDef;
/// let flag = ColumnDef::new::<Option<bool>>("is_template").default(false);
/// assert!(flag.nullable);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Column type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default, if any.
    pub default: Option<DefaultValue>,
    /// `GENERATED ALWAYS AS (expression) STORED`: the column's value, computed from the row's other columns on
    /// every write. Such a column takes no default and is never written by statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
}

impl ColumnDef {
    /// A column of Rust type `T` (`Option<T>` for nullable), without a default.
    ///
    /// ```
    /// use lockgate_dsl::schema::ColumnDef;
    /// use lockgate_dsl::types::ColumnType;
    /// assert_eq!(ColumnDef::new::<i64>("id").ty, ColumnType::BigInt);
    /// ```
    pub fn new<T: SqlType>(name: impl Into<String>) -> Self {
        ColumnDef {
            name: name.into(),
            ty: T::column_type(),
            nullable: T::NULLABLE,
            default: None,
            generated: None,
        }
    }

    /// A column from an explicit [`ColumnType`].
    ///
    /// ```
    /// use lockgate_dsl::schema::ColumnDef;
    /// use lockgate_dsl::types::ColumnType;
    /// let c = ColumnDef::of_type("status", ColumnType::Enum("contract_status".into()), false);
    /// assert!(!c.nullable);
    /// ```
    pub fn of_type(name: impl Into<String>, ty: ColumnType, nullable: bool) -> Self {
        ColumnDef {
            name: name.into(),
            ty,
            nullable,
            default: None,
            generated: None,
        }
    }

    /// The same column with a default.
    ///
    /// ```
    /// use lockgate_dsl::schema::ColumnDef;
    /// assert!(ColumnDef::new::<i32>("n").default(0).default.is_some());
    /// ```
    #[must_use]
    pub fn default(mut self, value: impl Into<DefaultValue>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// The same column, generated from `expression` (`GENERATED ALWAYS AS (...) STORED`).
    ///
    /// ```
    /// use lockgate_dsl::schema::ColumnDef;
    /// let total = ColumnDef::new::<Option<i64>>("total_cents").generated("net_cents + tax_cents");
    /// assert_eq!(total.generated.as_deref(), Some("net_cents + tax_cents"));
    /// ```
    #[must_use]
    pub fn generated(mut self, expression: impl Into<String>) -> Self {
        self.generated = Some(expression.into());
        self
    }
}
