//! A database of its own for one test, created on a server and dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};

// Database names come from `unique_name`: never input.
use sqlx::{AssertSqlSafe, Connection};

use crate::server::{Server, with_database};
use crate::skip::unreachable;

/// A name no other test, running or crashed, uses: `lockgate_<suite>_<pid>_<counter>`.
///
/// The process id separates test binaries running at the same time; the counter separates the tests of one
/// binary.
///
/// ```
/// let a = lockgate_test_support::unique_name("doc");
/// let b = lockgate_test_support::unique_name("doc");
/// assert!(a.starts_with(&format!("lockgate_doc_{}_", std::process::id())));
/// assert_ne!(a, b);
/// ```
pub fn unique_name(suite: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("lockgate_{suite}_{}_{n}", std::process::id())
}

/// A database created on a [`Server`] for one test; [`TestDatabase::drop_database`] removes it.
#[derive(Debug)]
pub struct TestDatabase {
    server: Server,
    name: String,
    url: String,
    admin_url: String,
}

impl TestDatabase {
    /// Creates a database named by [`unique_name`] on `server` (dropping a leftover of the same name first).
    ///
    /// `None` when the server cannot be reached and the test should return: under `CI=true` that panics
    /// instead, otherwise it prints a `SKIPPED:` line (see [`crate::unreachable`]). A server that answers
    /// but refuses the `CREATE DATABASE` panics: the test cannot run, and nothing is skipped silently.
    ///
    /// ```no_run
    /// use lockgate_test_support::{Server, TestDatabase};
    ///
    /// # async fn example() {
    /// let Some(database) = TestDatabase::create(Server::MySql, "doc").await else {
    ///     return;
    /// };
    /// assert!(database.name().starts_with("lockgate_doc_"));
    /// # }
    /// ```
    pub async fn create(server: Server, suite: &str) -> Option<TestDatabase> {
        let name = unique_name(suite);
        let admin_url = server.admin_url();
        let quoted = quote(server, &name);
        let statements = [
            format!("DROP DATABASE IF EXISTS {quoted}"),
            format!("CREATE DATABASE {quoted}"),
        ];
        match on_server(server, &admin_url, statements).await {
            Err(e) => {
                unreachable(server, e);
                return None;
            }
            Ok(Err(e)) => panic!("cannot create the test database `{name}` on {server}: {e}"),
            Ok(Ok(())) => {}
        }
        Some(TestDatabase {
            server,
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        })
    }

    /// The server the database is on.
    ///
    /// ```no_run
    /// # use lockgate_test_support::{Server, TestDatabase};
    /// # async fn example() {
    /// # let Some(database) = TestDatabase::create(Server::Postgres, "doc").await else { return };
    /// assert_eq!(database.server(), Server::Postgres);
    /// # }
    /// ```
    pub fn server(&self) -> Server {
        self.server
    }

    /// The database's name, `lockgate_<suite>_<pid>_<counter>`.
    ///
    /// ```no_run
    /// # use lockgate_test_support::{Server, TestDatabase};
    /// # async fn example() {
    /// # let Some(database) = TestDatabase::create(Server::Postgres, "doc").await else { return };
    /// let schema = format!("{}_ops", database.name());
    /// # }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL that connects to the database: the server's admin URL with the database name replaced.
    ///
    /// ```no_run
    /// # use lockgate_test_support::{Server, TestDatabase};
    /// # async fn example() {
    /// # let Some(database) = TestDatabase::create(Server::Postgres, "doc").await else { return };
    /// assert!(database.url().ends_with(database.name()));
    /// # }
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drops the database, closing whatever still connects to it on PostgreSQL (`WITH (FORCE)`).
    ///
    /// The error is the caller's to judge: a suite may treat a failed clean-up as a failure or ignore it.
    ///
    /// ```no_run
    /// # use lockgate_test_support::{Server, TestDatabase};
    /// # async fn example() {
    /// # let Some(database) = TestDatabase::create(Server::Postgres, "doc").await else { return };
    /// database.drop_database().await.expect("drop the test database");
    /// # }
    /// ```
    pub async fn drop_database(self) -> Result<(), sqlx::Error> {
        let quoted = quote(self.server, &self.name);
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"),
            Server::MySql => format!("DROP DATABASE IF EXISTS {quoted}"),
        };
        on_server(self.server, &self.admin_url, [sql]).await?
    }
}

/// A database name as an identifier in the server's SQL.
fn quote(server: Server, name: &str) -> String {
    match server {
        Server::Postgres => format!("\"{name}\""),
        Server::MySql => format!("`{name}`"),
    }
}

/// Runs statements on one connection to `url`, in order, stopping at the first that fails. The outer error
/// is the connection's (the server is unreachable), the inner one a statement's.
async fn on_server<const N: usize>(
    server: Server,
    url: &str,
    statements: [String; N],
) -> Result<Result<(), sqlx::Error>, sqlx::Error> {
    match server {
        Server::Postgres => run::<sqlx::PgConnection, N>(url, statements).await,
        Server::MySql => run::<sqlx::MySqlConnection, N>(url, statements).await,
    }
}

async fn run<C, const N: usize>(url: &str, statements: [String; N]) -> Result<Result<(), sqlx::Error>, sqlx::Error>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let mut connection = C::connect(url).await?;
    let mut result = Ok(());
    for sql in statements {
        result = sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut connection)
            .await
            .map(drop);
        if result.is_err() {
            break;
        }
    }
    connection.close().await.ok();
    Ok(result)
}
