//! The database backends lockgate renders SQL for.

use std::fmt;

/// A database backend.
///
/// ```
/// use lockgate_dsl::Backend;
/// assert_eq!(Backend::Postgres.max_identifier_len(), Some(63));
/// assert_eq!(Backend::ALL.len(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// Every backend, in a fixed order.
    pub const ALL: [Backend; 3] = [Backend::Postgres, Backend::MySql, Backend::Sqlite];

    /// How long `name` is as the backend counts an identifier's length: PostgreSQL counts bytes, MySQL and
    /// MariaDB count characters.
    ///
    /// ```
    /// use lockgate_dsl::Backend;
    /// assert_eq!(Backend::Postgres.identifier_len("größe"), 7);
    /// assert_eq!(Backend::MySql.identifier_len("größe"), 5);
    /// ```
    pub fn identifier_len(self, name: &str) -> usize {
        match self {
            Backend::MySql => name.chars().count(),
            Backend::Postgres | Backend::Sqlite => name.len(),
        }
    }

    /// The unit [`identifier_len`](Backend::identifier_len) counts in, for messages.
    ///
    /// ```
    /// assert_eq!(lockgate_dsl::Backend::MySql.identifier_unit(), "characters");
    /// ```
    pub fn identifier_unit(self) -> &'static str {
        match self {
            Backend::MySql => "characters",
            Backend::Postgres | Backend::Sqlite => "bytes",
        }
    }

    /// The longest identifier the backend accepts, counted by [`identifier_len`](Backend::identifier_len)
    /// (`None` when unlimited).
    ///
    /// ```
    /// use lockgate_dsl::Backend;
    /// assert_eq!(Backend::MySql.max_identifier_len(), Some(64));
    /// assert_eq!(Backend::Sqlite.max_identifier_len(), None);
    /// ```
    pub fn max_identifier_len(self) -> Option<usize> {
        match self {
            Backend::Postgres => Some(63),
            Backend::MySql => Some(64),
            Backend::Sqlite => None,
        }
    }

    /// Whether DDL statements can be rolled back inside a transaction.
    ///
    /// ```
    /// use lockgate_dsl::Backend;
    /// assert!(Backend::Postgres.transactional_ddl());
    /// assert!(!Backend::MySql.transactional_ddl());
    /// ```
    pub fn transactional_ddl(self) -> bool {
        !matches!(self, Backend::MySql)
    }

    /// The lowercase name used in messages, snapshots and the CLI.
    ///
    /// ```
    /// use lockgate_dsl::Backend;
    /// assert_eq!(Backend::Sqlite.name(), "sqlite");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
