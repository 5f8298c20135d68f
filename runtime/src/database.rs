//! A connection pool to one of the supported backends.

use std::str::FromStr;
use std::time::Duration;

use lockgate_dsl::Backend;
use sqlx::mysql::{MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::error::Error;

/// A database the migrator runs against: a sqlx pool of one backend.
///
/// ```no_run
/// # async fn run() -> Result<(), lockgate_runtime::Error> {
/// use lockgate_runtime::Database;
/// let db = Database::connect("sqlite:app.db").await?;
/// assert_eq!(db.backend(), lockgate_dsl::Backend::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub enum Database {
    /// PostgreSQL.
    Postgres(PgPool),
    /// MySQL or MariaDB.
    MySql(MySqlPool),
    /// SQLite.
    Sqlite(SqlitePool),
}

impl Database {
    /// Connects to `postgres://`, `postgresql://`, `mysql://`, `mariadb://` or `sqlite:` URLs. A SQLite file is
    /// created when missing, with a busy timeout so concurrent migrators wait for each other.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), lockgate_runtime::Error> {
    /// let db = lockgate_runtime::Database::connect("postgres://postgres@127.0.0.1:5432/app").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Database, Error> {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match scheme.as_str() {
            "postgres" | "postgresql" => {
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .connect(url)
                    .await
                    .map_err(|source| connect_error(Backend::Postgres, source))?;
                Ok(Database::Postgres(pool))
            }
            "mysql" | "mariadb" => {
                // sqlx only knows the `mysql` scheme; MariaDB speaks the same protocol.
                let url = match url.strip_prefix("mariadb") {
                    Some(rest) => format!("mysql{rest}"),
                    None => url.to_owned(),
                };
                let pool = MySqlPoolOptions::new()
                    .max_connections(4)
                    .connect(&url)
                    .await
                    .map_err(|source| connect_error(Backend::MySql, source))?;
                Ok(Database::MySql(pool))
            }
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|source| connect_error(Backend::Sqlite, source))?
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(60));
                // Every connection to an in-memory database opens a new, empty one: keep a single connection.
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(if memory { 1 } else { 4 })
                    .connect_with(options)
                    .await
                    .map_err(|source| connect_error(Backend::Sqlite, source))?;
                Ok(Database::Sqlite(pool))
            }
            _ => Err(Error::UnsupportedUrl { scheme }),
        }
    }

    /// The backend this database speaks.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), lockgate_runtime::Error> {
    /// let db = lockgate_runtime::Database::connect("mysql://root@127.0.0.1:3306/app").await?;
    /// assert_eq!(db.backend(), lockgate_dsl::Backend::MySql);
    /// # Ok(()) }
    /// ```
    pub fn backend(&self) -> Backend {
        match self {
            Database::Postgres(_) => Backend::Postgres,
            Database::MySql(_) => Backend::MySql,
            Database::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), lockgate_runtime::Error> {
    /// let db = lockgate_runtime::Database::connect("sqlite::memory:").await?;
    /// db.close().await;
    /// # Ok(()) }
    /// ```
    pub async fn close(&self) {
        match self {
            Database::Postgres(pool) => pool.close().await,
            Database::MySql(pool) => pool.close().await,
            Database::Sqlite(pool) => pool.close().await,
        }
    }
}

fn connect_error(backend: Backend, source: sqlx::Error) -> Error {
    Error::Connect { backend, source }
}

impl From<PgPool> for Database {
    fn from(pool: PgPool) -> Self {
        Database::Postgres(pool)
    }
}

impl From<MySqlPool> for Database {
    fn from(pool: MySqlPool) -> Self {
        Database::MySql(pool)
    }
}

impl From<SqlitePool> for Database {
    fn from(pool: SqlitePool) -> Self {
        Database::Sqlite(pool)
    }
}
