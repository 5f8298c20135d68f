//! PostgreSQL: a session advisory lock, `lock_timeout`, transactional DDL, and the catalog probes that recover an
//! index a crashed `CREATE INDEX CONCURRENTLY` left INVALID and a detach `DETACH PARTITION CONCURRENTLY` left pending.

mod introspect;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::plan::PlannedOp;
use lockgate_dsl::render::Step;
use lockgate_dsl::render::quote_ident;
use sea_query::{PostgresQueryBuilder, Value};
use sea_query_sqlx::SqlxBinder;
use sqlx::Postgres;
use sqlx::error::DatabaseError;
use sqlx::postgres::{PgDatabaseError, PgPool, PgPoolOptions};

use super::{Dialect, Driver, Execution, LockWait, Scope, ScriptDialect, StepProbe};
use crate::conn::{BoxFuture, Conn, SqlConn, bound};
use crate::database::Database;
use crate::error::Error;
use crate::steps::ExecStep;

/// The URL schemes this driver takes.
pub(super) const SCHEMES: [&str; 2] = ["postgres", "postgresql"];

/// How its URLs start, for messages.
pub(super) const URL_FORMS: [&str; 1] = ["postgres://"];

static DIALECT: Dialect = Dialect {
    backend: Backend::Postgres,
    title: "PostgreSQL",
    select: |s| s.build_sqlx(PostgresQueryBuilder),
    insert: |s| s.build_sqlx(PostgresQueryBuilder),
    update: |s| s.build_sqlx(PostgresQueryBuilder),
    delete: |s| s.build_sqlx(PostgresQueryBuilder),
    create_table: |s| s.to_string(PostgresQueryBuilder),
    create_index: Some(|s| s.to_string(PostgresQueryBuilder)),
    create_schema: Some(|schema| format!("CREATE SCHEMA IF NOT EXISTS {schema}")),
    timestamp: "timestamptz",
    long_text: "text",
    integer_rowid: false,
    script: Some(ScriptDialect {
        begin: |timeout| format!("BEGIN;\nSET LOCAL lock_timeout = '{}ms'", timeout.as_millis().max(1)),
        mark_start: "SELECT set_config('lockgate.started', clock_timestamp()::text, true)",
        elapsed_since_mark: "(extract(epoch FROM clock_timestamp() - current_setting('lockgate.started')::timestamptz) * 1000)::bigint",
        // Every statement of one simple query shares the moment the query arrived.
        elapsed_since_start: "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::bigint",
        // A data-modifying WITH runs whether or not the statement reads it: one statement to parse, not two.
        // It returns the duration it recorded, for the progress line to show the same.
        together: |row, history| {
            format!(
                "WITH lockgate_tracked AS ({row}) {history} RETURNING duration_ms AS {}",
                crate::script::RECORDED_MS
            )
        },
        // Strings that need escapes are written as E'...', whatever `standard_conforming_strings` says.
        inline_insert: |s| s.to_string(PostgresQueryBuilder),
        inline_delete: |s| s.to_string(PostgresQueryBuilder),
    }),
    // Step by step, PostgreSQL sends its tracking statements on their own (see `exec::stepwise`).
    inline: None,
};

pub(super) async fn connect(url: &str) -> Result<Database, Error> {
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await
        .map_err(|source| Error::Connect {
            backend: Backend::Postgres,
            source,
        })?;
    Ok(Database::Postgres(pool))
}

#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(super) async fn probe(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    sqlx::PgConnection::connect(url).await?.close().await
}

/// Creates the database `name` on the server of `url` and returns its URL.
pub(super) async fn create_database(url: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(url).await?;
    let sql = format!(
        "CREATE DATABASE {}",
        lockgate_dsl::render::quote_ident(Backend::Postgres, name)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await?;
    admin.close().await?;
    Ok(super::with_database(url, name))
}

/// Drops the database `name` on the server of `url`, closing its other sessions.
pub(super) async fn drop_database(url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(url).await?;
    let sql = format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        lockgate_dsl::render::quote_ident(Backend::Postgres, name)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await?;
    admin.close().await
}

pub(super) fn is_lock_timeout(error: &dyn DatabaseError) -> bool {
    // lock_not_available.
    error
        .try_downcast_ref::<PgDatabaseError>()
        .is_some_and(|pg| pg.code() == "55P03")
}

pub(super) fn is_missing_table(error: &dyn DatabaseError) -> bool {
    // undefined_table, invalid_schema_name.
    error
        .try_downcast_ref::<PgDatabaseError>()
        .is_some_and(|pg| matches!(pg.code(), "42P01" | "3F000"))
}

/// FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
fn fnv1a(text: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_le_bytes(hash.to_le_bytes())
}

/// A PostgreSQL connection.
pub(super) struct PostgresDriver {
    conn: Conn<Postgres>,
}

impl PostgresDriver {
    pub(super) async fn open(pool: &PgPool, queries: &Arc<AtomicU64>) -> Result<PostgresDriver, sqlx::Error> {
        Ok(PostgresDriver {
            conn: Conn::new(pool.acquire().await?, queries),
        })
    }

    /// Checks an index a crashed `CREATE INDEX CONCURRENTLY` may have left: drops it when INVALID.
    async fn recover_index(&mut self, index: &str) -> Result<StepProbe, Error> {
        let query = bound(
            "SELECT i.indisvalid::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname = $1 AND pg_table_is_visible(c.oid)",
            vec![Value::from(index)],
        );
        match self.conn.fetch_i64(query).await? {
            Some(1) => Ok(StepProbe::Done),
            Some(_) => {
                tracing::warn!(
                    index,
                    "dropping the INVALID index left by an interrupted CREATE INDEX CONCURRENTLY"
                );
                let sql = format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {}",
                    lockgate_dsl::render::quote_ident(Backend::Postgres, index)
                );
                self.conn.execute(&sql).await?;
                Ok(StepProbe::NotDone)
            }
            None => Ok(StepProbe::NotDone),
        }
    }

    /// Whether the index a `DROP INDEX CONCURRENTLY` drops is there: dropping a partitioned index drops its
    /// partitions' indexes with it, which a later `down` may still name.
    async fn index_to_drop(&mut self, index: &str) -> Result<StepProbe, Error> {
        let query = bound(
            "SELECT 1 FROM pg_class c WHERE c.relname = $1 AND c.relkind IN ('i', 'I') AND pg_table_is_visible(c.oid)",
            vec![Value::from(index)],
        );
        Ok(match self.conn.fetch_i64(query).await? {
            Some(_) => StepProbe::NotDone,
            None => StepProbe::NothingToDo,
        })
    }

    /// Checks a partition a `DETACH PARTITION CONCURRENTLY` left pending: finishes the detach (`FINALIZE`).
    async fn recover_detach(&mut self, partition: &lockgate_dsl::schema::PartitionDef) -> Result<StepProbe, Error> {
        let query = bound(
            "SELECT h.inhdetachpending::int FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid \
             JOIN pg_class p ON p.oid = h.inhparent \
             WHERE c.relname = $1 AND p.relname = $2 AND pg_table_is_visible(c.oid)",
            vec![
                Value::from(partition.name.as_str()),
                Value::from(partition.parent.as_str()),
            ],
        );
        match self.conn.fetch_i64(query).await? {
            Some(1) => {
                tracing::warn!(
                    partition = partition.name,
                    "finishing the detach an interrupted DETACH PARTITION CONCURRENTLY left pending"
                );
                let sql = format!(
                    "ALTER TABLE {} DETACH PARTITION {} FINALIZE",
                    quote_ident(Backend::Postgres, &partition.parent),
                    quote_ident(Backend::Postgres, &partition.name)
                );
                self.conn.execute(&sql).await?;
                Ok(StepProbe::Done)
            }
            Some(_) => Ok(StepProbe::NotDone),
            // Not a partition of the parent (any more): the detach is done, or the table is gone, which the
            // catalog check of the step's effect tells apart.
            None => Ok(StepProbe::Unknown),
        }
    }
}

/// The operation a step outside a transaction comes from: what a crash in a `CONCURRENTLY` statement can leave
/// half-done (an INVALID index, a detach pending) or already done (an index dropped with its partitioned index).
fn outside_transaction_op<'a>(step: &ExecStep, ops: &'a [PlannedOp]) -> Option<&'a Operation> {
    let Step::Sql {
        outside_transaction: true,
        ..
    } = step.step
    else {
        return None;
    };
    Some(&ops.get(step.op?)?.op)
}

impl Driver for PostgresDriver {
    fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

    fn conn(&mut self) -> &mut dyn SqlConn {
        &mut self.conn
    }

    fn lock<'a>(
        &'a mut self,
        key: &'a str,
        deadline: Duration,
        waiting: &'a (dyn Fn(Duration) + Sync),
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            self.conn.close_on_drop();
            let key = fnv1a(key);
            let mut wait = LockWait::new(deadline, waiting);
            let mut delay = Duration::from_millis(20);
            loop {
                let answer = self
                    .conn
                    .fetch_i64(bound("SELECT pg_try_advisory_lock($1)::int", vec![key.into()]))
                    .await?;
                if answer == Some(1) {
                    wait.acquired();
                    return Ok(());
                }
                wait.missed()?;
                tokio::time::sleep(delay.min(wait.remaining())).await;
                delay = (delay * 2).min(Duration::from_millis(250));
            }
        })
    }

    fn unlock<'a>(&'a mut self, key: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            let key = fnv1a(key);
            self.conn
                .fetch_i64(bound("SELECT pg_advisory_unlock($1)::int", vec![key.into()]))
                .await
                .map(|_| ())
        })
    }

    fn set_lock_timeout(&mut self, timeout: Duration, scope: Scope) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        let scope = match scope {
            Scope::Transaction => "SET LOCAL",
            Scope::Session => "SET",
        };
        let sql = format!("{scope} lock_timeout = '{}ms'", timeout.as_millis().max(1));
        Box::pin(async move { self.conn.execute(&sql).await })
    }

    fn reset_lock_timeout(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async move { self.conn.execute("RESET lock_timeout").await })
    }

    fn content_digest_sql(&self, table: &str, columns: &[String]) -> String {
        // Order-independent: the sum of each row's hash, with the count.
        let mut row: Vec<String> = columns.iter().map(|c| quote_ident(Backend::Postgres, c)).collect();
        if row.is_empty() {
            row.push("0".to_owned());
        }
        let row = row.join(", ");
        format!(
            "SELECT (COUNT(*)::text || ':' || COALESCE(SUM(('x' || substr(md5(ROW({row})::text), 1, 15))::bit(60)::bigint), 0)::text) \
             FROM {}",
            quote_ident(Backend::Postgres, table)
        )
    }

    fn introspect<'a>(&'a mut self, skip: &'a [String]) -> BoxFuture<'a, Result<crate::schema::Schema, sqlx::Error>> {
        Box::pin(introspect::introspect(&mut self.conn, skip))
    }

    fn execution(&self, transactional: bool) -> Execution {
        if transactional {
            Execution::Transaction
        } else {
            Execution::Stepwise { compensate: false }
        }
    }

    /// Not the statements PostgreSQL refuses inside a transaction block.
    fn step_in_transaction(&self, step: &Step) -> bool {
        let Step::Sql {
            sql,
            outside_transaction: false,
        } = step
        else {
            return false;
        };
        let words: Vec<String> = sql
            .split_whitespace()
            .take(4)
            .map(|w| w.trim_end_matches(';').to_ascii_uppercase())
            .collect();
        let starts = |prefix: &[&str]| words.iter().zip(prefix).filter(|(w, p)| w == *p).count() == prefix.len();
        !(starts(&["VACUUM"])
            || starts(&["CREATE", "DATABASE"])
            || starts(&["DROP", "DATABASE"])
            || starts(&["CREATE", "TABLESPACE"])
            || starts(&["DROP", "TABLESPACE"])
            || starts(&["ALTER", "SYSTEM"])
            || sql.to_ascii_uppercase().contains("CONCURRENTLY"))
    }

    fn probe_step<'a>(
        &'a mut self,
        step: &'a ExecStep,
        ops: &'a [PlannedOp],
    ) -> BoxFuture<'a, Result<StepProbe, Error>> {
        Box::pin(async move {
            match outside_transaction_op(step, ops) {
                Some(Operation::CreateIndex(index)) if index.concurrently => self.recover_index(&index.name).await,
                Some(Operation::DropIndex(index)) if index.concurrently => self.index_to_drop(&index.name).await,
                Some(Operation::DetachPartition {
                    partition,
                    concurrently: true,
                }) => self.recover_detach(partition).await,
                _ => Ok(StepProbe::Unknown),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn lock_keys_are_stable() {
        assert_eq!(fnv1a(""), i64::from_le_bytes(0xcbf2_9ce4_8422_2325_u64.to_le_bytes()));
        assert_ne!(fnv1a("lockgate:\"a\""), fnv1a("lockgate:\"b\""));
    }
}
