//! Column defaults: typed literal values or SQL expressions rendered per backend.

use serde::{Deserialize, Serialize};

/// A column default.
///
/// ```
/// use lockgate_dsl::{DefaultValue, SqlExpr};
/// let now: DefaultValue = SqlExpr::Now.into();
/// let zero: DefaultValue = 0i64.into();
/// assert_ne!(now, zero);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultValue {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string literal (quoted and escaped when rendered).
    Text(String),
    /// An SQL expression.
    Expr(SqlExpr),
}

/// A default computed by the database.
///
/// ```
/// use lockgate_dsl::SqlExpr;
/// assert!(SqlExpr::GenRandomUuid.is_volatile());
/// assert!(!SqlExpr::Now.is_volatile());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlExpr {
    /// The current timestamp (`now()`, `CURRENT_TIMESTAMP`).
    Now,
    /// The current date.
    CurrentDate,
    /// A random UUID (`gen_random_uuid()` on PostgreSQL, `uuid()` on MySQL, a hex blob on SQLite).
    GenRandomUuid,
    /// A raw SQL expression, the same text on every backend. Whether it is volatile is the author's claim.
    Raw {
        /// The expression.
        sql: String,
        /// Whether the expression changes per row (forces a table rewrite on PostgreSQL).
        volatile: bool,
    },
}

impl SqlExpr {
    /// Whether PostgreSQL evaluates the expression per row, which forces a rewrite when a column is added with it.
    ///
    /// ```
    /// use lockgate_dsl::SqlExpr;
    /// assert!(SqlExpr::Raw { sql: "random()".into(), volatile: true }.is_volatile());
    /// ```
    pub fn is_volatile(&self) -> bool {
        match self {
            SqlExpr::Now | SqlExpr::CurrentDate => false,
            SqlExpr::GenRandomUuid => true,
            SqlExpr::Raw { volatile, .. } => *volatile,
        }
    }

    /// A raw, non-volatile SQL expression.
    ///
    /// ```
    /// use lockgate_dsl::SqlExpr;
    /// assert!(!SqlExpr::raw("'active'").is_volatile());
    /// ```
    pub fn raw(sql: impl Into<String>) -> Self {
        SqlExpr::Raw {
            sql: sql.into(),
            volatile: false,
        }
    }
}

impl DefaultValue {
    /// Whether the default is an expression evaluated per row.
    ///
    /// ```
    /// use lockgate_dsl::{DefaultValue, SqlExpr};
    /// assert!(DefaultValue::from(SqlExpr::GenRandomUuid).is_volatile());
    /// assert!(!DefaultValue::from(3).is_volatile());
    /// ```
    pub fn is_volatile(&self) -> bool {
        matches!(self, DefaultValue::Expr(e) if e.is_volatile())
    }
}

impl From<SqlExpr> for DefaultValue {
    fn from(value: SqlExpr) -> Self {
        DefaultValue::Expr(value)
    }
}

impl From<bool> for DefaultValue {
    fn from(value: bool) -> Self {
        DefaultValue::Bool(value)
    }
}

macro_rules! int_defaults {
    ($($t:ty),*) => {$(
        impl From<$t> for DefaultValue {
            fn from(value: $t) -> Self {
                DefaultValue::Int(i64::from(value))
            }
        }
    )*};
}
int_defaults!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for DefaultValue {
    fn from(value: f64) -> Self {
        DefaultValue::Float(value)
    }
}

impl From<&str> for DefaultValue {
    fn from(value: &str) -> Self {
        DefaultValue::Text(value.to_owned())
    }
}

impl From<String> for DefaultValue {
    fn from(value: String) -> Self {
        DefaultValue::Text(value)
    }
}
