//! A connection pool to one of the supported backends.

use lockgate_dsl::Backend;
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlPool;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgPool;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqlitePool;

/// A database the migrator runs against: a sqlx pool of one backend. [`Database::connect`] is with the drivers
/// (`backend/`), which know the URLs.
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
    #[cfg(feature = "postgres")]
    Postgres(PgPool),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    MySql(MySqlPool),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(SqlitePool),
}

impl Database {
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
            #[cfg(feature = "postgres")]
            Database::Postgres(_) => Backend::Postgres,
            #[cfg(feature = "mysql")]
            Database::MySql(_) => Backend::MySql,
            #[cfg(feature = "sqlite")]
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
            #[cfg(feature = "postgres")]
            Database::Postgres(pool) => pool.close().await,
            #[cfg(feature = "mysql")]
            Database::MySql(pool) => pool.close().await,
            #[cfg(feature = "sqlite")]
            Database::Sqlite(pool) => pool.close().await,
        }
    }
}

#[cfg(feature = "postgres")]
impl From<PgPool> for Database {
    fn from(pool: PgPool) -> Self {
        Database::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl From<MySqlPool> for Database {
    fn from(pool: MySqlPool) -> Self {
        Database::MySql(pool)
    }
}

#[cfg(feature = "sqlite")]
impl From<SqlitePool> for Database {
    fn from(pool: SqlitePool) -> Self {
        Database::Sqlite(pool)
    }
}

#[cfg(test)]
mod tests {
    use super::Database;
    use crate::error::Error;

    /// A build without a backend's feature refuses its URLs, naming what this build takes; it never falls
    /// back to another backend. (Run by CI on each single-backend build.)
    #[tokio::test]
    async fn urls_of_backends_left_out_are_refused() {
        let left_out = [
            (cfg!(feature = "postgres"), "postgres://postgres@127.0.0.1:5432/test"),
            (cfg!(feature = "mysql"), "mysql://root@127.0.0.1:3306/test"),
            (cfg!(feature = "sqlite"), "sqlite::memory:"),
        ];
        for (_, url) in left_out.iter().filter(|(enabled, _)| !enabled) {
            match Database::connect(url).await {
                Err(Error::UnsupportedUrl { scheme, supported }) => {
                    assert!(url.starts_with(&scheme), "{scheme} of {url}");
                    assert!(!supported.iter().any(|form| url.starts_with(form)), "{supported:?}");
                }
                other => panic!("{url} must be refused by this build, got {other:?}"),
            }
        }
    }
}
