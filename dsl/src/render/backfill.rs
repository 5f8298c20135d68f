//! The statements of a backfill: counting the rows to do, finding where the next batch ends, and updating one
//! batch, with a position along the key written in as a literal.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{RenderError, check_name, quote_ident, quote_literal};
use crate::backend::Backend;
use crate::schema::{Backfill, Batching};

/// A backfill rendered for one backend. The runtime runs it batch by batch: [`next_batch`](Self::next_batch)
/// (or [`key_range`](Self::key_range) once) to find where a batch ends, then [`update`](Self::update) for the
/// rows after the previous batch up to that end, committed with the position reached.
///
/// ```
/// use lockgate_dsl::render::BackfillStep;
/// use lockgate_dsl::schema::Backfill;
/// use lockgate_dsl::Backend;
/// let b = Backfill::keyed::<i64>("t", "id").set("n", "n + 1").pending("n = 0").batch_size(10);
/// let step = BackfillStep::new(&b, Backend::Sqlite).unwrap();
/// assert_eq!(
///     step.update(Some("10"), "20").unwrap(),
///     r#"UPDATE "t" SET "n" = n + 1 WHERE "id" > 10 AND "id" <= 20 AND (n = 0)"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackfillStep {
    /// What it does.
    pub backfill: Backfill,
    /// The backend it is written for.
    pub backend: Backend,
}

impl BackfillStep {
    /// Checks the backfill for `backend`: names it can hold, something to set, a key range over an integer key.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// assert!(BackfillStep::new(&Backfill::keyed::<i64>("t", "id"), Backend::Postgres).is_err());
    /// ```
    pub fn new(backfill: &Backfill, backend: Backend) -> Result<Self, RenderError> {
        check_name(backend, &backfill.table)?;
        check_name(backend, &backfill.key)?;
        let invalid = |reason: &str| RenderError::InvalidBackfill {
            backfill: backfill.describe(),
            reason: reason.to_owned(),
        };
        if backfill.set.is_empty() {
            return Err(invalid("it sets no column; add `.set(column, value)`"));
        }
        for assignment in &backfill.set {
            check_name(backend, &assignment.column)?;
            if super::is_blank_sql(&assignment.value) {
                return Err(invalid(&format!("the value of `{}` is empty", assignment.column)));
            }
        }
        if let Some(into) = &backfill.into {
            check_name(backend, into)?;
            if backfill.pending.is_none() {
                return Err(invalid(
                    "a copy needs `.pending(..)`, the source rows not copied yet (a `NOT EXISTS` on the target), \
                     so that a batch that runs again copies nothing twice",
                ));
            }
        } else if backfill.set.iter().any(|a| a.column == backfill.key) {
            return Err(invalid("it sets its own key, which would move rows across batches"));
        }
        if backfill.batching == Batching::KeyRange && !backfill.integer_key() {
            return Err(invalid(
                "key ranges need an integer key; leave out `.by_key_range()` to batch by rows in key order",
            ));
        }
        Ok(BackfillStep {
            backfill: backfill.clone(),
            backend,
        })
    }

    /// Whether the batches commit one by one (outside the migration's transaction): everywhere but SQLite, which
    /// takes no lock outside a transaction and so runs them in the migration's.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let b = Backfill::keyed::<i64>("t", "id").set("n", "1");
    /// assert!(BackfillStep::new(&b, Backend::MySql).unwrap().commits_batches());
    /// assert!(!BackfillStep::new(&b, Backend::Sqlite).unwrap().commits_batches());
    /// ```
    pub fn commits_batches(&self) -> bool {
        self.backend != Backend::Sqlite
    }

    fn ident(&self, name: &str) -> String {
        quote_ident(self.backend, name)
    }

    fn text_type(&self) -> &'static str {
        match self.backend {
            Backend::MySql => "char",
            Backend::Postgres | Backend::Sqlite => "text",
        }
    }

    /// The rows still to do, as SQL.
    fn pending(&self) -> String {
        if let Some(pending) = &self.backfill.pending {
            return pending.clone();
        }
        let differs = self.backfill.set.iter().map(|a| {
            let column = self.ident(&a.column);
            let value = &a.value;
            match self.backend {
                Backend::Postgres => format!("{column} IS DISTINCT FROM ({value})"),
                Backend::MySql => format!("NOT ({column} <=> ({value}))"),
                Backend::Sqlite => format!("{column} IS NOT ({value})"),
            }
        });
        differs.collect::<Vec<_>>().join(" OR ")
    }

    /// A position along the key (as the batch queries return it) as a SQL literal: a number for an integer key,
    /// a quoted string otherwise, which every backend compares with the key in the key's own type.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let step = BackfillStep::new(&Backfill::keyed::<i64>("t", "id").set("n", "1"), Backend::Postgres).unwrap();
    /// assert_eq!(step.key_literal("42").unwrap(), "42");
    /// assert!(step.key_literal("42; DROP TABLE t").is_err());
    /// ```
    pub fn key_literal(&self, key: &str) -> Result<String, RenderError> {
        if self.backfill.integer_key() {
            return key
                .trim()
                .parse::<i64>()
                .map(|n| n.to_string())
                .map_err(|_| RenderError::InvalidBackfill {
                    backfill: self.backfill.describe(),
                    reason: format!(
                        "the integer key `{}` holds `{key}`, which is not an integer",
                        self.backfill.key
                    ),
                });
        }
        Ok(quote_literal(self.backend, key))
    }

    /// How many rows are still to do, for progress: one row, one count (as text).
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let step = BackfillStep::new(&Backfill::keyed::<i64>("t", "id").set("n", "1").pending("n = 0"), Backend::Sqlite).unwrap();
    /// assert_eq!(step.count(), r#"SELECT CAST(COUNT(*) AS text) FROM "t" WHERE (n = 0)"#);
    /// ```
    pub fn count(&self) -> String {
        format!(
            "SELECT CAST(COUNT(*) AS {}) FROM {} WHERE ({})",
            self.text_type(),
            self.ident(&self.backfill.table),
            self.pending()
        )
    }

    /// Where the next batch of [`Batching::Keyset`] ends: one row holding the last key (as text) of the next
    /// `batch_size` rows to do after `after`; no row when none are left. (Not `MAX`: PostgreSQL has none for
    /// `uuid`. The order names the batch's column, not the text output, which PostgreSQL would sort as text.)
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let b = Backfill::keyed::<i64>("t", "id").set("n", "1").pending("n = 0").batch_size(100);
    /// let step = BackfillStep::new(&b, Backend::Postgres).unwrap();
    /// assert_eq!(
    ///     step.next_batch(Some("7")).unwrap(),
    ///     r#"SELECT CAST(lockgate_batch."id" AS text) AS lockgate_upto FROM (SELECT "id" FROM "t" WHERE "id" > 7 AND (n = 0) ORDER BY "id" LIMIT 100) AS lockgate_batch ORDER BY lockgate_batch."id" DESC LIMIT 1"#
    /// );
    /// ```
    pub fn next_batch(&self, after: Option<&str>) -> Result<String, RenderError> {
        let after = after.map(|a| self.key_literal(a)).transpose()?;
        Ok(self.next_batch_with(after.as_deref()))
    }

    fn next_batch_with(&self, after: Option<&str>) -> String {
        let key = self.ident(&self.backfill.key);
        let after = after.map(|a| format!("{key} > {a} AND ")).unwrap_or_default();
        format!(
            "SELECT CAST(lockgate_batch.{key} AS {text}) AS lockgate_upto FROM (SELECT {key} FROM {table} \
             WHERE {after}({pending}) ORDER BY {key} LIMIT {n}) AS lockgate_batch ORDER BY lockgate_batch.{key} DESC LIMIT 1",
            text = self.text_type(),
            table = self.ident(&self.backfill.table),
            pending = self.pending(),
            n = self.backfill.batch_size,
        )
    }

    /// The first and last key of the rows to do, as text, for [`Batching::KeyRange`] (NULLs when none are left).
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let b = Backfill::keyed::<i64>("t", "id").set("n", "1").pending("n = 0").by_key_range();
    /// let step = BackfillStep::new(&b, Backend::MySql).unwrap();
    /// assert_eq!(step.key_range(), "SELECT CAST(MIN(`id`) AS char), CAST(MAX(`id`) AS char) FROM `t` WHERE (n = 0)");
    /// ```
    pub fn key_range(&self) -> String {
        let key = self.ident(&self.backfill.key);
        format!(
            "SELECT CAST(MIN({key}) AS {text}), CAST(MAX({key}) AS {text}) FROM {} WHERE ({})",
            self.ident(&self.backfill.table),
            self.pending(),
            text = self.text_type(),
        )
    }

    /// The update of one batch: the rows to do after `after` (from the start when `None`) up to `upto`; for a
    /// copy ([`Backfill::into_table`]), the `INSERT … SELECT` of those rows.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::types::Uuid;
    /// use lockgate_dsl::Backend;
    /// let b = Backfill::keyed::<Uuid>("t", "id").set("n", "1");
    /// let step = BackfillStep::new(&b, Backend::MySql).unwrap();
    /// assert_eq!(
    ///     step.update(None, "00000000-0000-0000-0000-00000000000a").unwrap(),
    ///     "UPDATE `t` SET `n` = 1 WHERE `id` <= '00000000-0000-0000-0000-00000000000a' AND (NOT (`n` <=> (1)))"
    /// );
    /// ```
    pub fn update(&self, after: Option<&str>, upto: &str) -> Result<String, RenderError> {
        let after = after.map(|a| self.key_literal(a)).transpose()?;
        let upto = self.key_literal(upto)?;
        Ok(self.update_with(after.as_deref(), &upto))
    }

    /// The same change as one statement over every row to do: what a person runs by hand, from `plan`.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let step = BackfillStep::new(&Backfill::keyed::<i64>("t", "id").set("n", "1").pending("n = 0"), Backend::Sqlite).unwrap();
    /// assert_eq!(step.all_at_once(), r#"UPDATE "t" SET "n" = 1 WHERE (n = 0)"#);
    /// ```
    pub fn all_at_once(&self) -> String {
        self.statement(None)
    }

    fn update_with(&self, after: Option<&str>, upto: &str) -> String {
        let key = self.ident(&self.backfill.key);
        let after = after.map(|a| format!("{key} > {a} AND ")).unwrap_or_default();
        self.statement(Some(format!("{after}{key} <= {upto} AND ")))
    }

    /// The update (or the copy) of the rows to do within `range` (a condition ending in `AND `), or all of them.
    fn statement(&self, range: Option<String>) -> String {
        let range = range.unwrap_or_default();
        if let Some(into) = &self.backfill.into {
            let columns = self
                .backfill
                .set
                .iter()
                .map(|a| self.ident(&a.column))
                .collect::<Vec<_>>();
            let values = self.backfill.set.iter().map(|a| a.value.as_str()).collect::<Vec<_>>();
            return format!(
                "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {range}({})",
                self.ident(into),
                columns.join(", "),
                values.join(", "),
                self.ident(&self.backfill.table),
                self.pending()
            );
        }
        let set = self
            .backfill
            .set
            .iter()
            .map(|a| format!("{} = {}", self.ident(&a.column), a.value))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "UPDATE {} SET {set} WHERE {range}({})",
            self.ident(&self.backfill.table),
            self.pending()
        )
    }

    /// What the step does, for messages and `plan`.
    ///
    /// ```
    /// use lockgate_dsl::render::BackfillStep;
    /// use lockgate_dsl::schema::Backfill;
    /// use lockgate_dsl::Backend;
    /// let step = BackfillStep::new(&Backfill::keyed::<i64>("t", "id").set("n", "1"), Backend::Postgres).unwrap();
    /// assert_eq!(step.describe(), "backfill `t`.`n` in batches of 1000 by `id`");
    /// ```
    pub fn describe(&self) -> String {
        self.backfill.describe()
    }
}

impl fmt::Display for BackfillStep {
    /// The statements with the positions as `:after` and `:upto`, as a person reads them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.backfill;
        let pause = match b.pause_ms {
            0 => String::new(),
            ms => format!(", pausing {ms} ms after each"),
        };
        if self.commits_batches() {
            writeln!(
                f,
                "-- {}: each batch commits with its position{pause}, outside the migration's transaction",
                self.describe()
            )?;
        } else {
            writeln!(f, "-- {}{pause}, in the migration's transaction", self.describe())?;
        }
        match b.batching {
            Batching::Keyset => writeln!(f, "-- each batch ends at: {};", self.next_batch_with(Some(":after")))?,
            Batching::KeyRange => writeln!(
                f,
                "-- the range, once: {}; then ranges of {} keys",
                self.key_range(),
                b.batch_size
            )?,
        }
        writeln!(f, "-- each batch: {};", self.update_with(Some(":after"), ":upto"))?;
        writeln!(f, "-- by hand, all at once:")?;
        write!(f, "{};", self.all_at_once())
    }
}
