//! The steps a rendered operation is made of, and how the runtime must run each one.

use std::fmt;

use serde::Serialize;

use super::backfill::BackfillStep;
use super::rebuild::TableRebuild;

/// One step of a rendered migration. The runtime executes steps in order.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::render::{render, Step};
/// use lockgate_dsl::Backend;
/// let steps = render(&Operation::RenameTable { from: "a".into(), to: "b".into() }, Backend::Postgres).unwrap();
/// assert_eq!(steps, [Step::sql(r#"ALTER TABLE "a" RENAME TO "b""#)]);
/// assert_eq!(steps[0].to_string(), r#"ALTER TABLE "a" RENAME TO "b";"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// One SQL statement, without a trailing semicolon; run it as it is, without bound parameters.
    ///
    /// When `outside_transaction` is false it belongs in the migration's transaction (PostgreSQL,
    /// SQLite; on MySQL DDL commits implicitly anyway). When it is true (PostgreSQL
    /// `CREATE/DROP INDEX CONCURRENTLY`) it must run on its own, in autocommit mode, never inside
    /// `BEGIN`: PostgreSQL refuses it there. A crash can leave an INVALID index behind; the runtime
    /// should drop it (`DROP INDEX CONCURRENTLY IF EXISTS`) before running the step again.
    Sql {
        /// The statement.
        sql: String,
        /// Must run outside any transaction.
        outside_transaction: bool,
    },
    /// A query that must return one row whose first column is true (a boolean, or a non-zero
    /// integer on MySQL and SQLite). Zero rows, NULL, false or 0 fail the migration with `message`,
    /// and the migration's transaction is rolled back. It runs inside the transaction.
    Assert {
        /// The query.
        query: String,
        /// The failure message shown to the operator.
        message: String,
    },
    /// A parity checkpoint: two queries that each return one row per group, the group and its measure as
    /// text (`lockgate_group`, `lockgate_value`). The runtime reads both and fails the migration, naming the first
    /// group (in order) whose values differ or that only one side has. It runs inside the transaction.
    Parity {
        /// The first side's query.
        left: String,
        /// The second side's query.
        right: String,
        /// What must match, for the operator.
        message: String,
    },
    /// A SQLite table rebuild (the 12-step procedure of <https://www.sqlite.org/lang_altertable.html>
    /// section 7), for a change SQLite's `ALTER TABLE` cannot make.
    ///
    /// The statements depend on the live table, so the runtime must:
    /// 1. run `PRAGMA foreign_keys=OFF` **before** `BEGIN` (the pragma is a no-op inside a
    ///    transaction), and remember whether foreign keys were on;
    /// 2. inside the migration's transaction, read
    ///    `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?` with the table's name,
    ///    build a [`LiveTable`](super::LiveTable) with
    ///    [`LiveTable::from_master_rows`](super::LiveTable::from_master_rows), and run every
    ///    statement of [`TableRebuild::statements`] in order;
    /// 3. run `PRAGMA foreign_key_check` before `COMMIT` and roll back if it returns any row;
    /// 4. after `COMMIT` (or rollback), run `PRAGMA foreign_keys=ON` if they were on.
    ///
    /// Rows, indexes, triggers, other column constraints and check constraints of the table survive;
    /// views and other tables' triggers that read it keep working. The statements include
    /// `PRAGMA legacy_alter_table` around the rename, which SQLite accepts inside a transaction.
    Rebuild(TableRebuild),
    /// A backfill, run batch by batch: on PostgreSQL and MySQL each batch commits with the position it reached
    /// (in a table of the runtime's), outside the migration's transaction, so a run that dies resumes after the
    /// last committed batch; on SQLite, in the migration's transaction.
    Backfill(BackfillStep),
}

impl Step {
    /// A statement that runs inside the migration's transaction.
    ///
    /// ```
    /// use lockgate_dsl::render::Step;
    /// assert!(matches!(Step::sql("SELECT 1"), Step::Sql { outside_transaction: false, .. }));
    /// ```
    pub fn sql(sql: impl Into<String>) -> Self {
        Step::Sql {
            sql: sql.into(),
            outside_transaction: false,
        }
    }

    /// Whether the step must run outside a transaction.
    ///
    /// ```
    /// use lockgate_dsl::render::Step;
    /// assert!(!Step::sql("SELECT 1").outside_transaction());
    /// ```
    pub fn outside_transaction(&self) -> bool {
        match self {
            Step::Sql {
                outside_transaction, ..
            } => *outside_transaction,
            Step::Backfill(backfill) => backfill.commits_batches(),
            Step::Assert { .. } | Step::Parity { .. } | Step::Rebuild(_) => false,
        }
    }

    /// A human rendering for `plan` output, without a database: the SQL of a statement, the query
    /// of an assertion, and an SQL comment describing a rebuild.
    ///
    /// ```
    /// use lockgate_dsl::render::Step;
    /// let step = Step::Assert { query: "SELECT 1".into(), message: "always".into() };
    /// assert_eq!(step.describe(), "-- assert: always\nSELECT 1;");
    /// ```
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Sql {
                sql,
                outside_transaction,
            } => {
                if *outside_transaction {
                    writeln!(f, "-- outside a transaction")?;
                }
                write_statement(f, sql)
            }
            Step::Assert { query, message } => {
                let message = message.replace('\n', " ");
                writeln!(f, "-- assert: {message}")?;
                write_statement(f, query)
            }
            Step::Parity { left, right, message } => {
                writeln!(f, "-- parity: {}", message.replace('\n', " "))?;
                write_statement(f, left)?;
                writeln!(f)?;
                write_statement(f, right)
            }
            Step::Rebuild(rebuild) => f.write_str(&rebuild.describe()),
            Step::Backfill(backfill) => backfill.fmt(f),
        }
    }
}

/// Writes a statement ending in one semicolon, whether or not its author wrote one.
fn write_statement(f: &mut fmt::Formatter<'_>, sql: &str) -> fmt::Result {
    let sql = sql.trim_end();
    if sql.ends_with(';') {
        f.write_str(sql)
    } else {
        write!(f, "{sql};")
    }
}
