//! An index definition: columns, uniqueness, an optional partial predicate, and how it is built.

use serde::{Deserialize, Serialize};

use super::{default_name, names};

/// An index. Dropping an index takes its full definition so `down` can rebuild it.
///
/// ```
/// use lockgate_dsl::schema::IndexDef;
/// let idx = IndexDef::new("contracts", ["tenant", "created_at"]).unique().predicate("deleted_at IS NULL");
/// assert_eq!(idx.name, "contracts_tenant_created_at_key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDef {
    /// Index name.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether the index is unique.
    pub unique: bool,
    /// A partial-index predicate (`WHERE ...`), as SQL.
    pub predicate: Option<String>,
    /// Built and dropped with `CONCURRENTLY` on PostgreSQL (outside a transaction).
    pub concurrently: bool,
}

impl IndexDef {
    /// Whether `other` indexes the same way (columns, uniqueness, predicate), whatever its name and table: the
    /// index PostgreSQL adopts on a partition for its parent's.
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// let parent = IndexDef::new("events", ["tenant_id"]);
    /// assert!(parent.same_as(&IndexDef::new("events_2025", ["tenant_id"]).named("by_tenant")));
    /// assert!(!parent.same_as(&IndexDef::new("events_2025", ["tenant_id"]).unique()));
    /// ```
    pub fn same_as(&self, other: &IndexDef) -> bool {
        self.columns == other.columns && self.unique == other.unique && self.predicate == other.predicate
    }

    /// An index on `columns`, named `<table>_<columns>_idx` (`_key` once unique).
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// assert_eq!(IndexDef::new("t", ["a"]).name, "t_a_idx");
    /// ```
    pub fn new<I, S>(table: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let table = table.into();
        let columns = names(columns);
        IndexDef {
            name: default_name(&table, &columns, "idx"),
            table,
            columns,
            unique: false,
            predicate: None,
            concurrently: false,
        }
    }

    /// Makes the index unique (and renames a default `_idx` name to `_key`).
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// assert!(IndexDef::new("t", ["a"]).unique().unique);
    /// ```
    #[must_use]
    pub fn unique(mut self) -> Self {
        if self.name == default_name(&self.table, &self.columns, "idx") {
            self.name = default_name(&self.table, &self.columns, "key");
        }
        self.unique = true;
        self
    }

    /// Gives the index an explicit name.
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// assert_eq!(IndexDef::new("t", ["a"]).named("by_a").name, "by_a");
    /// ```
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Makes the index partial: only rows matching the SQL predicate are indexed.
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// assert!(IndexDef::new("t", ["a"]).predicate("a > 0").predicate.is_some());
    /// ```
    #[must_use]
    pub fn predicate(mut self, sql: impl Into<String>) -> Self {
        self.predicate = Some(sql.into());
        self
    }

    /// Builds (and drops) the index with `CONCURRENTLY` on PostgreSQL; the migration must then run
    /// outside a transaction.
    ///
    /// ```
    /// use lockgate_dsl::schema::IndexDef;
    /// assert!(IndexDef::new("t", ["a"]).concurrently().concurrently);
    /// ```
    #[must_use]
    pub fn concurrently(mut self) -> Self {
        self.concurrently = true;
        self
    }
}
