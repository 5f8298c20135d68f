//! View and PostgreSQL enum type definitions.

use serde::{Deserialize, Serialize};

/// A view: its name and the `SELECT` that defines it.
///
/// ```
/// use lockgate_dsl::schema::ViewDef;
/// let view = ViewDef::new("active_templates", "SELECT * FROM templates WHERE active");
/// assert_eq!(view.name, "active_templates");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewDef {
    /// View name.
    pub name: String,
    /// The defining query.
    pub sql: String,
}

impl ViewDef {
    /// A view definition.
    ///
    /// ```
    /// use lockgate_dsl::schema::ViewDef;
    /// assert_eq!(ViewDef::new("v", "SELECT 1").sql, "SELECT 1");
    /// ```
    pub fn new(name: impl Into<String>, sql: impl Into<String>) -> Self {
        ViewDef {
            name: name.into(),
            sql: sql.into(),
        }
    }
}

/// A PostgreSQL enum type and its values, in order.
///
/// ```
/// use lockgate_dsl::schema::EnumDef;
/// let status = EnumDef::new("contract_status", ["draft", "active"]);
/// assert_eq!(status.values.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// The labels, in sort order.
    pub values: Vec<String>,
}

impl EnumDef {
    /// An enum type definition.
    ///
    /// ```
    /// use lockgate_dsl::schema::EnumDef;
    /// assert_eq!(EnumDef::new("e", ["a"]).name, "e");
    /// ```
    pub fn new<I, S>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        EnumDef {
            name: name.into(),
            values: super::names(values),
        }
    }
}
