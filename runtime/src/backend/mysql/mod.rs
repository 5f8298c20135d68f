//! MySQL and MariaDB: `GET_LOCK` with a bounded wait, `lock_wait_timeout`, and DDL that commits by itself, so
//! migrations run step by step and a failure is compensated.

mod inline;
mod introspect;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use lockgate_dsl::render::Step;
use lockgate_dsl::render::quote_ident;
use sea_query::MysqlQueryBuilder;
use sea_query_sqlx::SqlxBinder;
use sqlx::MySql;
use sqlx::error::DatabaseError;
use sqlx::mysql::{MySqlDatabaseError, MySqlPool, MySqlPoolOptions};

use super::{Dialect, Driver, Execution, LockWait, Scope};
use crate::conn::{BoxFuture, Conn, SqlConn, bound};
use crate::database::Database;
use crate::error::Error;

/// The URL schemes this driver takes; sqlx knows only `mysql`, and MariaDB speaks the same protocol.
pub(super) const SCHEMES: [&str; 2] = ["mysql", "mariadb"];

/// How its URLs start, for messages.
pub(super) const URL_FORMS: [&str; 2] = ["mysql://", "mariadb://"];

static DIALECT: Dialect = Dialect {
    backend: Backend::MySql,
    title: "MySQL/MariaDB",
    select: |s| s.build_sqlx(MysqlQueryBuilder),
    insert: |s| s.build_sqlx(MysqlQueryBuilder),
    update: |s| s.build_sqlx(MysqlQueryBuilder),
    delete: |s| s.build_sqlx(MysqlQueryBuilder),
    create_table: |s| s.to_string(MysqlQueryBuilder),
    // MySQL has no `CREATE INDEX IF NOT EXISTS` (and sea-query cannot qualify its table): inline it.
    create_index: None,
    create_schema: Some(|schema| format!("CREATE DATABASE IF NOT EXISTS {schema}")),
    // DATETIME, not TIMESTAMP: MariaDB gives the first TIMESTAMP column an ON UPDATE clause.
    timestamp: "datetime(6)",
    long_text: "longtext",
    integer_rowid: false,
    script: None,
    inline: Some(inline::inline),
};

/// sqlx knows only the `mysql` scheme.
fn sqlx_url(url: &str) -> String {
    match url.strip_prefix("mariadb") {
        Some(rest) => format!("mysql{rest}"),
        None => url.to_owned(),
    }
}

#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(super) async fn probe(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    sqlx::MySqlConnection::connect(&sqlx_url(url)).await?.close().await
}

pub(super) async fn connect(url: &str) -> Result<Database, Error> {
    let url = sqlx_url(url);
    let pool = MySqlPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .map_err(|source| Error::Connect {
            backend: Backend::MySql,
            source,
        })?;
    Ok(Database::MySql(pool))
}

fn number(error: &dyn DatabaseError) -> Option<u16> {
    error
        .try_downcast_ref::<MySqlDatabaseError>()
        .map(MySqlDatabaseError::number)
}

/// Creates the database `name` on the server of `url` and returns its URL.
pub(super) async fn create_database(url: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection as _;
    let mut admin = sqlx::MySqlConnection::connect(&sqlx_url(url)).await?;
    let sql = format!(
        "CREATE DATABASE {}",
        lockgate_dsl::render::quote_ident(Backend::MySql, name)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await?;
    admin.close().await?;
    Ok(super::with_database(url, name))
}

/// Drops the database `name` on the server of `url`.
pub(super) async fn drop_database(url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    let mut admin = sqlx::MySqlConnection::connect(&sqlx_url(url)).await?;
    let sql = format!(
        "DROP DATABASE IF EXISTS {}",
        lockgate_dsl::render::quote_ident(Backend::MySql, name)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await?;
    admin.close().await
}

pub(super) fn is_lock_timeout(error: &dyn DatabaseError) -> bool {
    // ER_LOCK_WAIT_TIMEOUT.
    number(error) == Some(1205)
}

pub(super) fn is_missing_table(error: &dyn DatabaseError) -> bool {
    // ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR.
    matches!(number(error), Some(1146 | 1049))
}

/// The lock name: per database and tracking table, at most 64 characters as `GET_LOCK` requires.
const LOCK_NAME: &str = "LEFT(CONCAT('lockgate:', COALESCE(DATABASE(), ''), ':', ?), 64)";

/// A MySQL or MariaDB connection.
pub(super) struct MySqlDriver {
    conn: Conn<MySql>,
}

impl MySqlDriver {
    pub(super) async fn open(pool: &MySqlPool, queries: &Arc<AtomicU64>) -> Result<MySqlDriver, sqlx::Error> {
        Ok(MySqlDriver {
            conn: Conn::new(pool.acquire().await?, queries),
        })
    }
}

impl Driver for MySqlDriver {
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
            let mut wait = LockWait::new(deadline, waiting);
            for attempt in 0u64.. {
                // A bounded timeout, never past our deadline (`GET_LOCK(name, -1)` would wait forever): the first
                // try does not wait, so a busy lock is reported at once; later tries wait up to a second.
                let timeout = if attempt == 0 {
                    0.0
                } else {
                    wait.remaining().min(Duration::from_secs(1)).as_secs_f64()
                };
                let asked = Instant::now();
                let answer = self
                    .conn
                    .fetch_i64(bound(
                        &format!("SELECT GET_LOCK({LOCK_NAME}, ?)"),
                        vec![key.into(), timeout.into()],
                    ))
                    .await?;
                match answer {
                    Some(1) => {
                        wait.acquired();
                        return Ok(());
                    }
                    Some(_) => {}
                    None => {
                        return Err(Error::LockFailed {
                            reason: "GET_LOCK returned NULL (the server ran out of memory or the thread was killed)"
                                .to_owned(),
                        });
                    }
                }
                if attempt > 0 && asked.elapsed() < Duration::from_millis(20) {
                    // A server that rounds fractional timeouts down answers at once: do not spin.
                    tokio::time::sleep(Duration::from_millis(100).min(wait.remaining())).await;
                }
                wait.missed()?;
            }
            unreachable!("the lock loop returns from inside")
        })
    }

    fn unlock<'a>(&'a mut self, key: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            self.conn
                .fetch_i64(bound(&format!("SELECT RELEASE_LOCK({LOCK_NAME})"), vec![key.into()]))
                .await
                .map(|_| ())
        })
    }

    fn set_lock_timeout(&mut self, timeout: Duration, _scope: Scope) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        // Whole seconds, rounded up; there is no transaction-local form, and DDL commits anyway.
        let secs = (timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0)).max(1);
        let sql = format!("SET SESSION lock_wait_timeout = {secs}, SESSION innodb_lock_wait_timeout = {secs}");
        Box::pin(async move { self.conn.execute(&sql).await })
    }

    fn reset_lock_timeout(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async move {
            self.conn
                .execute("SET SESSION lock_wait_timeout = DEFAULT, SESSION innodb_lock_wait_timeout = DEFAULT")
                .await
        })
    }

    fn content_digest_sql(&self, table: &str, columns: &[String]) -> String {
        // Order-independent: the sum of each row's checksum, with the count.
        let row = columns
            .iter()
            .map(|c| format!("COALESCE(CAST({} AS CHAR), '<null>')", quote_ident(Backend::MySql, c)))
            .collect::<Vec<_>>();
        let row = if row.is_empty() {
            "''".to_owned()
        } else {
            row.join(", ")
        };
        format!(
            "SELECT CAST(CONCAT(COUNT(*), ':', COALESCE(SUM(CRC32(CONCAT_WS('|', {row}))), 0)) AS CHAR) FROM {}",
            quote_ident(Backend::MySql, table)
        )
    }

    fn introspect<'a>(&'a mut self, skip: &'a [String]) -> BoxFuture<'a, Result<crate::schema::Schema, sqlx::Error>> {
        Box::pin(introspect::introspect(&mut self.conn, skip))
    }

    /// Only data changes and reads: DDL commits by itself, before and after, so a transaction would not hold it
    /// with its progress.
    fn step_in_transaction(&self, step: &Step) -> bool {
        let Step::Sql {
            sql,
            outside_transaction: false,
        } = step
        else {
            return false;
        };
        let first = lockgate_dsl::render::split_statements(sql)
            .first()
            .and_then(|s| {
                s.lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with("--") && !l.starts_with('#'))
                    .and_then(|l| l.split_whitespace().next())
                    .map(str::to_ascii_uppercase)
            })
            .unwrap_or_default();
        // Data changes, and reads (which change nothing, so running one again is harmless).
        matches!(
            first.as_str(),
            "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "DO"
        )
    }

    fn execution(&self, _transactional: bool) -> Execution {
        Execution::Stepwise { compensate: true }
    }
}
