//! The database servers the suites run against, and their URLs.

use std::fmt;

/// A database server a suite needs (SQLite needs none: its databases are files or memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// PostgreSQL.
    Postgres,
    /// MariaDB or MySQL.
    MySql,
}

impl Server {
    /// The name a `SKIPPED:` line and a panic use, the same as the backend's name in lockgate.
    ///
    /// ```
    /// use lockgate_test_support::Server;
    ///
    /// assert_eq!(Server::MySql.name(), "mysql");
    /// assert_eq!(Server::Postgres.to_string(), "postgres");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::MySql => "mysql",
        }
    }

    /// The environment variable that overrides [`Server::default_url`].
    ///
    /// ```
    /// use lockgate_test_support::Server;
    ///
    /// assert_eq!(Server::Postgres.env_var(), "LOCKGATE_TEST_POSTGRES_URL");
    /// ```
    pub const fn env_var(self) -> &'static str {
        match self {
            Server::Postgres => "LOCKGATE_TEST_POSTGRES_URL",
            Server::MySql => "LOCKGATE_TEST_MYSQL_URL",
        }
    }

    /// The URL of the server's `test` database when nothing overrides it.
    ///
    /// ```
    /// use lockgate_test_support::Server;
    ///
    /// assert_eq!(Server::MySql.default_url(), "mysql://root@127.0.0.1:3306/test");
    /// ```
    pub const fn default_url(self) -> &'static str {
        match self {
            Server::Postgres => "postgres://postgres@127.0.0.1:5432/test",
            Server::MySql => "mysql://root@127.0.0.1:3306/test",
        }
    }

    /// The URL the suites connect to for creating and dropping their databases: [`Server::env_var`] when
    /// set, else [`Server::default_url`].
    ///
    /// ```
    /// use lockgate_test_support::Server;
    ///
    /// let url = Server::Postgres.admin_url();
    /// assert!(url.starts_with("postgres"));
    /// ```
    pub fn admin_url(self) -> String {
        std::env::var(self.env_var()).unwrap_or_else(|_| self.default_url().to_owned())
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `url` with its database name replaced by `name` (or added, when it names none), query string kept.
///
/// ```
/// use lockgate_test_support::with_database;
///
/// assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
/// assert_eq!(with_database("mysql://u@h/test?ssl-mode=disabled", "x"), "mysql://u@h/x?ssl-mode=disabled");
/// assert_eq!(with_database("mysql://u@h:3306", "x"), "mysql://u@h:3306/x");
/// ```
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}
