//! A backfill: an `UPDATE` of a live table in small committed batches, walking its key, touching only the rows
//! not yet done.

use serde::{Deserialize, Serialize};

use crate::types::{ColumnType, SqlType};

/// How a backfill cuts its table into batches.
///
/// ```
/// use lockgate_dsl::schema::{Backfill, Batching};
/// assert_eq!(Backfill::keyed::<i64>("contracts", "id").batching, Batching::Keyset);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Batching {
    /// The next `batch_size` rows still to do, in key order: every batch does a full batch of work, whatever the
    /// gaps in the key. Any key type with an order works.
    Keyset,
    /// Fixed ranges of an integer key (`id` from 1 to 1000, then 1001 to 2000…): no query to find a batch's end,
    /// but sparse keys make uneven batches.
    KeyRange,
}

/// One column a backfill sets, and the SQL expression of its new value (it may read the row's other columns).
///
/// ```
/// use lockgate_dsl::schema::Backfill;
/// let b = Backfill::keyed::<i64>("contracts", "id").set("status_code", "upper(status)");
/// assert_eq!(b.set[0].value, "upper(status)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The column.
    pub column: String,
    /// Its new value, as SQL.
    pub value: String,
}

/// What [`Plan::backfill`](crate::Plan::backfill) runs: `UPDATE table SET column = value, …` over the rows still
/// to do, `batch_size` rows per committed batch, in key order, with the position after each batch recorded in
/// the same transaction as the batch. A run that dies resumes after the last committed batch, and a batch
/// that runs again changes nothing, since it only touches rows not yet done.
///
/// Rows not yet done are those where `pending` holds; by default, those where some set column differs from
/// its new value (`IS DISTINCT FROM`, `<=>` on MySQL, `IS NOT` on SQLite).
///
/// ```
/// use std::time::Duration;
/// use lockgate_dsl::schema::Backfill;
/// let b = Backfill::keyed::<i64>("contracts", "id")
///     .set("status_code", "CASE status WHEN 'open' THEN 1 ELSE 0 END")
///     .pending("status_code IS NULL")
///     .batch_size(500)
///     .pause(Duration::from_millis(20));
/// assert_eq!(b.describe(), "backfill `contracts`.`status_code` in batches of 500 by `id`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backfill {
    /// The table.
    pub table: String,
    /// The unique, ordered key batches walk (the primary key, usually).
    pub key: String,
    /// The key's type: how a position along it is written in SQL.
    pub key_type: ColumnType,
    /// The columns set, in order.
    pub set: Vec<Assignment>,
    /// Which rows still need the update (SQL); `None` for the default, any set column that differs.
    pub pending: Option<String>,
    /// How batches are cut.
    pub batching: Batching,
    /// Rows per batch (keys per batch, for [`Batching::KeyRange`]).
    pub batch_size: u32,
    /// Where the rows go when the backfill copies them into another table instead of updating its own
    /// (`INSERT INTO into (set columns) SELECT set values FROM table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    /// A pause after each batch, in milliseconds, to leave room for other writers and replicas.
    pub pause_ms: u32,
}

impl Backfill {
    /// The default number of rows per batch.
    pub const DEFAULT_BATCH_SIZE: u32 = 1000;

    /// A backfill of `table`, walking `key`, a unique column of Rust type `K`.
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::types::{ColumnType, Uuid};
    /// assert_eq!(Backfill::keyed::<Uuid>("templates", "template_id").key_type, ColumnType::Uuid);
    /// ```
    pub fn keyed<K: SqlType>(table: impl Into<String>, key: impl Into<String>) -> Self {
        Self::keyed_by(table, key, K::column_type())
    }

    /// The same with the key's type as a value, for a backfill built from a definition that carries it (an
    /// [`Expansion`](super::Expansion)).
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::types::ColumnType;
    /// assert_eq!(Backfill::keyed_by("t", "id", ColumnType::Int), Backfill::keyed::<i32>("t", "id"));
    /// ```
    pub fn keyed_by(table: impl Into<String>, key: impl Into<String>, key_type: ColumnType) -> Self {
        Backfill {
            table: table.into(),
            key: key.into(),
            key_type,
            set: Vec::new(),
            pending: None,
            batching: Batching::Keyset,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            pause_ms: 0,
            into: None,
        }
    }

    /// Copies the rows into `target` instead of updating them in place: each `.set(column, value)` names a
    /// column of `target` and its value from the source row. A copy needs `.pending(..)`, the source rows not
    /// copied yet (a `NOT EXISTS` on the target), so that a batch that runs again copies nothing twice.
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::types::Uuid;
    /// let copy = Backfill::keyed::<Uuid>("contracts", "id")
    ///     .into_table("contract_templates")
    ///     .set("template_id", "id")
    ///     .set("template_name", "name")
    ///     .pending("is_template AND NOT EXISTS (SELECT 1 FROM contract_templates t WHERE t.template_id = contracts.id)");
    /// assert_eq!(copy.describe(), "backfill `contract_templates`.`template_id`, `template_name` from `contracts` in batches of 1000 by `id`");
    /// ```
    pub fn into_table(mut self, target: impl Into<String>) -> Self {
        self.into = Some(target.into());
        self
    }

    /// Sets `column` to `value` (SQL, which may read the row).
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// let b = Backfill::keyed::<i64>("t", "id").set("a", "1").set("b", "a * 2");
    /// assert_eq!(b.set.len(), 2);
    /// ```
    pub fn set(mut self, column: impl Into<String>, value: impl Into<String>) -> Self {
        self.set.push(Assignment {
            column: column.into(),
            value: value.into(),
        });
        self
    }

    /// Which rows still need the update, as SQL (`status_code IS NULL`), instead of comparing each set column
    /// with its new value. Cheaper, and needed where a new value differs on every run (`now()`).
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// let b = Backfill::keyed::<i64>("t", "id").set("a", "1").pending("a IS NULL");
    /// assert_eq!(b.pending.as_deref(), Some("a IS NULL"));
    /// ```
    pub fn pending(mut self, condition: impl Into<String>) -> Self {
        self.pending = Some(condition.into());
        self
    }

    /// Rows per committed batch (at least 1).
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// assert_eq!(Backfill::keyed::<i64>("t", "id").batch_size(0).batch_size, 1);
    /// ```
    pub fn batch_size(mut self, rows: u32) -> Self {
        self.batch_size = rows.max(1);
        self
    }

    /// A pause after each batch, so that other writers and replicas keep up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockgate_dsl::schema::Backfill;
    /// assert_eq!(Backfill::keyed::<i64>("t", "id").pause(Duration::from_millis(50)).pause_ms, 50);
    /// ```
    pub fn pause(mut self, pause: std::time::Duration) -> Self {
        self.pause_ms = u32::try_from(pause.as_millis()).unwrap_or(u32::MAX);
        self
    }

    /// Cuts batches as fixed ranges of an integer key instead of counting rows.
    ///
    /// ```
    /// use lockgate_dsl::schema::{Backfill, Batching};
    /// assert_eq!(Backfill::keyed::<i64>("t", "id").by_key_range().batching, Batching::KeyRange);
    /// ```
    pub fn by_key_range(mut self) -> Self {
        self.batching = Batching::KeyRange;
        self
    }

    /// Whether the key is an integer (written in SQL as a number, and able to cut key ranges).
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::types::Uuid;
    /// assert!(Backfill::keyed::<i32>("t", "id").integer_key());
    /// assert!(!Backfill::keyed::<Uuid>("t", "id").integer_key());
    /// ```
    pub fn integer_key(&self) -> bool {
        matches!(
            self.key_type,
            ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt
        )
    }

    /// What the backfill does, for messages.
    ///
    /// ```
    /// use lockgate_dsl::schema::Backfill;
    /// let b = Backfill::keyed::<i64>("t", "id").set("a", "1").set("b", "2");
    /// assert_eq!(b.describe(), "backfill `t`.`a`, `b` in batches of 1000 by `id`");
    /// ```
    pub fn describe(&self) -> String {
        let columns = self
            .set
            .iter()
            .map(|a| format!("`{}`", a.column))
            .collect::<Vec<_>>()
            .join(", ");
        let table = self.into.as_ref().unwrap_or(&self.table);
        let columns = if columns.is_empty() {
            format!("`{table}`")
        } else {
            format!("`{table}`.{columns}")
        };
        let source = match &self.into {
            Some(_) => format!(" from `{}`", self.table),
            None => String::new(),
        };
        format!(
            "backfill {columns}{source} in batches of {} by `{}`",
            self.batch_size, self.key
        )
    }
}

/// What undoes a backfill going down, which [`Plan::backfill`](crate::Plan::backfill) asks for so that every
/// backfill says.
///
/// ```
/// use lockgate_dsl::schema::{Backfill, Undo};
/// let undo = Undo::Fill(Backfill::keyed::<i64>("t", "id").set("status", "'open'").pending("status IS NULL"));
/// assert!(matches!(undo, Undo::Fill(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undo {
    /// Nothing: the columns it fills go away with the inverse of an earlier operation (the `add_column` they
    /// came with), or their old values do not matter.
    Nothing,
    /// This backfill, which puts the old values back.
    Fill(Backfill),
    /// This SQL (deleting the rows a copy inserted, say).
    Sql(String),
}
