//! A column definition: name, type, nullability and default.

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
}
