//! PostgreSQL sequences and the comments on tables and columns.

use serde::{Deserialize, Serialize};

/// A sequence: a counter the database keeps outside any table (`nextval('name')`).
///
/// ```
/// use lockgate_dsl::schema::SequenceDef;
/// let invoice_numbers = SequenceDef::new("invoice_numbers").start(1000).increment(10);
/// assert_eq!((invoice_numbers.start, invoice_numbers.increment), (1000, 10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceDef {
    /// Its name, in the current schema.
    pub name: String,
    /// The first value `nextval` returns.
    pub start: i64,
    /// What each `nextval` adds.
    pub increment: i64,
}

impl SequenceDef {
    /// A sequence starting at 1, counting by 1.
    ///
    /// ```
    /// use lockgate_dsl::schema::SequenceDef;
    /// assert_eq!(SequenceDef::new("s").start, 1);
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        SequenceDef {
            name: name.into(),
            start: 1,
            increment: 1,
        }
    }

    /// Starts at `start`.
    ///
    /// ```
    /// use lockgate_dsl::schema::SequenceDef;
    /// assert_eq!(SequenceDef::new("s").start(100).start, 100);
    /// ```
    #[must_use]
    pub fn start(mut self, start: i64) -> Self {
        self.start = start;
        self
    }

    /// Counts by `increment` (negative counts down).
    ///
    /// ```
    /// use lockgate_dsl::schema::SequenceDef;
    /// assert_eq!(SequenceDef::new("s").increment(-1).increment, -1);
    /// ```
    #[must_use]
    pub fn increment(mut self, increment: i64) -> Self {
        self.increment = increment;
        self
    }
}

/// What a comment is on.
///
/// ```
/// use lockgate_dsl::schema::CommentOn;
/// let on = CommentOn::column("contracts", "amount");
/// assert_eq!(on.to_string(), "column `contracts`.`amount`");
/// assert_eq!(on.table_name(), "contracts");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentOn {
    /// A table.
    Table(String),
    /// A column of a table.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
}

impl CommentOn {
    /// On a table.
    ///
    /// ```
    /// use lockgate_dsl::schema::CommentOn;
    /// assert_eq!(CommentOn::table("t"), CommentOn::Table("t".into()));
    /// ```
    pub fn table(name: impl Into<String>) -> Self {
        CommentOn::Table(name.into())
    }

    /// On a column.
    ///
    /// ```
    /// use lockgate_dsl::schema::CommentOn;
    /// assert!(matches!(CommentOn::column("t", "c"), CommentOn::Column { .. }));
    /// ```
    pub fn column(table: impl Into<String>, column: impl Into<String>) -> Self {
        CommentOn::Column {
            table: table.into(),
            column: column.into(),
        }
    }

    /// The table the comment is on, or whose column it is on.
    ///
    /// ```
    /// use lockgate_dsl::schema::CommentOn;
    /// assert_eq!(CommentOn::column("t", "c").table_name(), "t");
    /// ```
    pub fn table_name(&self) -> &str {
        match self {
            CommentOn::Table(table) | CommentOn::Column { table, .. } => table,
        }
    }
}

impl std::fmt::Display for CommentOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommentOn::Table(table) => write!(f, "table `{table}`"),
            CommentOn::Column { table, column } => write!(f, "column `{table}`.`{column}`"),
        }
    }
}
