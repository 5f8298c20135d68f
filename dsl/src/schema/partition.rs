//! PostgreSQL partitioned tables: how a table is split (its key), and each partition's bound.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::CheckDef;

/// How the rows of a partitioned table are split among its partitions.
///
/// ```
/// use lockgate_dsl::schema::PartitionStrategy;
/// assert_eq!(PartitionStrategy::Range.sql(), "RANGE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    /// Each partition holds a range of key values (`FROM .. TO ..`): time series, by month or year.
    Range,
    /// Each partition holds listed key values (`IN (..)`): by region, by tenant tier.
    List,
    /// Rows are spread by a hash of the key (`MODULUS .., REMAINDER ..`).
    Hash,
}

impl PartitionStrategy {
    /// Its SQL keyword.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionStrategy;
    /// assert_eq!(PartitionStrategy::Hash.sql(), "HASH");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            PartitionStrategy::Range => "RANGE",
            PartitionStrategy::List => "LIST",
            PartitionStrategy::Hash => "HASH",
        }
    }
}

/// A partitioned table's key: `PARTITION BY <strategy> (<columns>)`.
///
/// ```
/// use lockgate_dsl::schema::{PartitionKey, PartitionStrategy};
/// let key = PartitionKey::new(PartitionStrategy::Range, ["created_on"]);
/// assert_eq!(key.to_string(), "RANGE (created_on)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionKey {
    /// Range, list or hash.
    pub strategy: PartitionStrategy,
    /// The key's columns, in order.
    pub columns: Vec<String>,
}

impl PartitionKey {
    /// A key over `columns`.
    ///
    /// ```
    /// use lockgate_dsl::schema::{PartitionKey, PartitionStrategy};
    /// assert_eq!(PartitionKey::new(PartitionStrategy::List, ["region"]).columns, ["region"]);
    /// ```
    pub fn new<I, S>(strategy: PartitionStrategy, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PartitionKey {
            strategy,
            columns: super::names(columns),
        }
    }
}

impl fmt::Display for PartitionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.strategy.sql(), self.columns.join(", "))
    }
}

/// One value of a partition bound: PostgreSQL casts it to the key column's type.
///
/// ```
/// use lockgate_dsl::schema::PartitionValue;
/// assert_eq!(PartitionValue::from("2025-01-01"), PartitionValue::Text("2025-01-01".into()));
/// assert_eq!(PartitionValue::from(7), PartitionValue::Int(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionValue {
    /// An integer.
    Int(i64),
    /// A string literal, for text, dates and timestamps alike (`'2025-01-01'`).
    Text(String),
    /// Below every value (`MINVALUE`): a range open at the bottom.
    MinValue,
    /// Above every value (`MAXVALUE`): a range open at the top.
    MaxValue,
}

impl From<i64> for PartitionValue {
    fn from(value: i64) -> Self {
        PartitionValue::Int(value)
    }
}

impl From<i32> for PartitionValue {
    fn from(value: i32) -> Self {
        PartitionValue::Int(i64::from(value))
    }
}

impl From<&str> for PartitionValue {
    fn from(value: &str) -> Self {
        PartitionValue::Text(value.to_owned())
    }
}

impl From<String> for PartitionValue {
    fn from(value: String) -> Self {
        PartitionValue::Text(value)
    }
}

impl PartitionValue {
    /// The value as PostgreSQL reads it in a bound.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionValue;
    /// assert_eq!(PartitionValue::from("o'neil").sql(), "'o''neil'");
    /// assert_eq!(PartitionValue::MaxValue.sql(), "MAXVALUE");
    /// ```
    pub fn sql(&self) -> String {
        match self {
            PartitionValue::Int(n) => n.to_string(),
            PartitionValue::Text(text) => format!("'{}'", text.replace('\'', "''")),
            PartitionValue::MinValue => "MINVALUE".to_owned(),
            PartitionValue::MaxValue => "MAXVALUE".to_owned(),
        }
    }
}

/// Which rows a partition holds.
///
/// ```
/// use lockgate_dsl::schema::PartitionBound;
/// let bound = PartitionBound::Hash { modulus: 4, remainder: 1 };
/// assert_eq!(bound.sql(), "FOR VALUES WITH (MODULUS 4, REMAINDER 1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionBound {
    /// Key values from `from` (included) to `to` (excluded), one value per key column.
    Range {
        /// The lowest key value held.
        from: Vec<PartitionValue>,
        /// The first key value not held.
        to: Vec<PartitionValue>,
    },
    /// The listed key values.
    List(Vec<PartitionValue>),
    /// The rows whose key hashes to `remainder` modulo `modulus`.
    Hash {
        /// How many ways the hash splits.
        modulus: u32,
        /// Which of them this partition holds.
        remainder: u32,
    },
    /// Every row no other partition holds.
    Default,
}

impl PartitionBound {
    /// The bound as `CREATE TABLE .. PARTITION OF` and `ATTACH PARTITION` spell it.
    ///
    /// ```
    /// use lockgate_dsl::schema::{PartitionBound, PartitionValue};
    /// let bound = PartitionBound::List(vec!["eu".into(), "uk".into()]);
    /// assert_eq!(bound.sql(), "FOR VALUES IN ('eu', 'uk')");
    /// assert_eq!(PartitionBound::Default.sql(), "DEFAULT");
    /// ```
    pub fn sql(&self) -> String {
        let list = |values: &[PartitionValue]| values.iter().map(PartitionValue::sql).collect::<Vec<_>>().join(", ");
        match self {
            PartitionBound::Range { from, to } => format!("FOR VALUES FROM ({}) TO ({})", list(from), list(to)),
            PartitionBound::List(values) => format!("FOR VALUES IN ({})", list(values)),
            PartitionBound::Hash { modulus, remainder } => {
                format!("FOR VALUES WITH (MODULUS {modulus}, REMAINDER {remainder})")
            }
            PartitionBound::Default => "DEFAULT".to_owned(),
        }
    }

    /// The CHECK expression that proves, before an attach, that every row of a table fits this bound on a key of
    /// one column, so that `ATTACH PARTITION` skips its scan; `None` for hash and default bounds, and for range
    /// bounds over several columns, which no simple CHECK proves.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionBound;
    /// let bound = PartitionBound::Range { from: vec!["2025-01-01".into()], to: vec!["2026-01-01".into()] };
    /// assert_eq!(
    ///     bound.implied_check("created_on").unwrap(),
    ///     "created_on IS NOT NULL AND created_on >= '2025-01-01' AND created_on < '2026-01-01'"
    /// );
    /// ```
    pub fn implied_check(&self, column: &str) -> Option<String> {
        let mut parts = vec![format!("{column} IS NOT NULL")];
        match self {
            PartitionBound::Range { from, to } if from.len() == 1 && to.len() == 1 => {
                if from[0] != PartitionValue::MinValue {
                    parts.push(format!("{column} >= {}", from[0].sql()));
                }
                if to[0] != PartitionValue::MaxValue {
                    parts.push(format!("{column} < {}", to[0].sql()));
                }
            }
            PartitionBound::List(values) if !values.is_empty() => {
                let list = values.iter().map(PartitionValue::sql).collect::<Vec<_>>().join(", ");
                parts.push(format!("{column} IN ({list})"));
            }
            _ => return None,
        }
        Some(parts.join(" AND "))
    }
}

/// A partition: a table of its own that holds the rows of `parent` within `bound`.
///
/// ```
/// use lockgate_dsl::schema::PartitionDef;
/// let year = PartitionDef::range("events_2025", "events", ["2025-01-01"], ["2026-01-01"]);
/// assert_eq!(year.bound.sql(), "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionDef {
    /// The partition's table.
    pub name: String,
    /// The partitioned table it belongs to.
    pub parent: String,
    /// The rows it holds.
    pub bound: PartitionBound,
}

impl PartitionDef {
    /// A partition of a range-partitioned table, holding keys from `from` (included) to `to` (excluded).
    ///
    /// ```
    /// use lockgate_dsl::schema::{PartitionBound, PartitionDef, PartitionValue};
    /// let p = PartitionDef::range("ids_low", "ids", [PartitionValue::MinValue], [PartitionValue::Int(1000)]);
    /// assert_eq!(p.bound.sql(), "FOR VALUES FROM (MINVALUE) TO (1000)");
    /// ```
    pub fn range<F, T>(
        name: impl Into<String>,
        parent: impl Into<String>,
        from: impl IntoIterator<Item = F>,
        to: impl IntoIterator<Item = T>,
    ) -> Self
    where
        F: Into<PartitionValue>,
        T: Into<PartitionValue>,
    {
        PartitionDef {
            name: name.into(),
            parent: parent.into(),
            bound: PartitionBound::Range {
                from: from.into_iter().map(Into::into).collect(),
                to: to.into_iter().map(Into::into).collect(),
            },
        }
    }

    /// A partition of a list-partitioned table, holding the listed keys.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionDef;
    /// let eu = PartitionDef::list("accounts_eu", "accounts", ["de", "fr"]);
    /// assert_eq!(eu.bound.sql(), "FOR VALUES IN ('de', 'fr')");
    /// ```
    pub fn list<V: Into<PartitionValue>>(
        name: impl Into<String>,
        parent: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        PartitionDef {
            name: name.into(),
            parent: parent.into(),
            bound: PartitionBound::List(values.into_iter().map(Into::into).collect()),
        }
    }

    /// A partition of a hash-partitioned table.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionDef;
    /// let shard = PartitionDef::hash("sessions_0", "sessions", 4, 0);
    /// assert_eq!(shard.bound.sql(), "FOR VALUES WITH (MODULUS 4, REMAINDER 0)");
    /// ```
    pub fn hash(name: impl Into<String>, parent: impl Into<String>, modulus: u32, remainder: u32) -> Self {
        PartitionDef {
            name: name.into(),
            parent: parent.into(),
            bound: PartitionBound::Hash { modulus, remainder },
        }
    }

    /// The default partition: every row no other partition holds.
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionDef;
    /// assert_eq!(PartitionDef::default_of("events_rest", "events").bound.sql(), "DEFAULT");
    /// ```
    pub fn default_of(name: impl Into<String>, parent: impl Into<String>) -> Self {
        PartitionDef {
            name: name.into(),
            parent: parent.into(),
            bound: PartitionBound::Default,
        }
    }

    /// The CHECK constraint `<name>_bound` that lets [`attach_partition`](crate::Plan::attach_partition) skip
    /// its scan: add it `not_valid`, validate it in a later migration, then attach (plan rule
    /// `attach-partition-scans`). `column` is the parent's key column; `None` where no CHECK proves the bound
    /// (see [`PartitionBound::implied_check`]).
    ///
    /// ```
    /// use lockgate_dsl::schema::PartitionDef;
    /// let check = PartitionDef::list("accounts_eu", "accounts", ["de"]).bound_check("region").unwrap();
    /// assert_eq!((check.table.as_str(), check.name.as_str()), ("accounts_eu", "accounts_eu_bound"));
    /// assert_eq!(check.expr, "region IS NOT NULL AND region IN ('de')");
    /// ```
    pub fn bound_check(&self, column: &str) -> Option<CheckDef> {
        let expr = self.bound.implied_check(column)?;
        Some(CheckDef::new(&self.name, format!("{}_bound", self.name), expr))
    }
}
