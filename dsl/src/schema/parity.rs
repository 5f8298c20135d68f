//! One side of a parity checkpoint: a table's rows counted (or a column summed) per group.

use serde::{Deserialize, Serialize};

/// What a parity side measures per group.
///
/// ```
/// use lockgate_dsl::schema::{Measure, Parity};
/// assert_eq!(Parity::sum("invoices", "tenant_id", "amount").measure, Measure::Sum("amount".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The number of rows.
    Rows,
    /// The sum of a column (0 for a group whose values are all NULL); compared as the backend prints it, so give
    /// both sides the same column type.
    Sum(String),
}

/// One side of [`Plan::assert_parity`](crate::Plan::assert_parity): a table, the column that groups it (the
/// tenant, say), what is measured per group, and an optional filter.
///
/// ```
/// use lockgate_dsl::schema::Parity;
/// let legacy = Parity::rows("contracts", "tenant_id").filter("is_template");
/// assert_eq!(legacy.describe(), "rows of `contracts` where is_template");
/// assert_eq!(Parity::sum("ledger", "tenant_id", "amount").describe(), "the sum of `amount` in `ledger`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parity {
    /// The table.
    pub table: String,
    /// The column whose values are the groups.
    pub group_by: String,
    /// What is measured per group.
    pub measure: Measure,
    /// A condition rows must meet to count (SQL), when not all do.
    pub filter: Option<String>,
}

impl Parity {
    /// The rows of `table` per value of `group_by`.
    ///
    /// ```
    /// use lockgate_dsl::schema::{Measure, Parity};
    /// assert_eq!(Parity::rows("contract_templates", "tenant_id").measure, Measure::Rows);
    /// ```
    pub fn rows(table: impl Into<String>, group_by: impl Into<String>) -> Self {
        Parity {
            table: table.into(),
            group_by: group_by.into(),
            measure: Measure::Rows,
            filter: None,
        }
    }

    /// The sum of `column` in `table` per value of `group_by`.
    ///
    /// ```
    /// use lockgate_dsl::schema::Parity;
    /// assert_eq!(Parity::sum("invoices", "tenant_id", "amount").group_by, "tenant_id");
    /// ```
    pub fn sum(table: impl Into<String>, group_by: impl Into<String>, column: impl Into<String>) -> Self {
        Parity {
            table: table.into(),
            group_by: group_by.into(),
            measure: Measure::Sum(column.into()),
            filter: None,
        }
    }

    /// Counts only the rows that meet `condition` (SQL).
    ///
    /// ```
    /// use lockgate_dsl::schema::Parity;
    /// assert_eq!(Parity::rows("contracts", "tenant_id").filter("is_template").filter.as_deref(), Some("is_template"));
    /// ```
    pub fn filter(mut self, condition: impl Into<String>) -> Self {
        self.filter = Some(condition.into());
        self
    }

    /// What the side measures, for messages.
    ///
    /// ```
    /// use lockgate_dsl::schema::Parity;
    /// assert_eq!(Parity::rows("contracts", "tenant_id").describe(), "rows of `contracts`");
    /// ```
    pub fn describe(&self) -> String {
        let measured = match &self.measure {
            Measure::Rows => format!("rows of `{}`", self.table),
            Measure::Sum(column) => format!("the sum of `{column}` in `{}`", self.table),
        };
        match &self.filter {
            Some(filter) => format!("{measured} where {filter}"),
            None => measured,
        }
    }
}
