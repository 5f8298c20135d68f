//! Session settings: what a migration (or a whole run) changes on its connection while it runs.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::Backend;

/// A setting the migrator applies on its connection before a migration runs and puts back after it, whether the
/// migration succeeded or not.
///
/// Declared per migration with `#[migration(foreign_keys = false)]` or
/// `#[migration(session(mysql = "sql_mode = 'ANSI_QUOTES'"))]` (a `-- lockgate:` header line in SQL files), or
/// for every migration of a run with `Migrator::session`.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::session::SessionSetting;
/// let timeout = SessionSetting::set(Backend::Postgres, "statement_timeout", "'5min'");
/// assert_eq!(timeout.to_string(), "postgres: statement_timeout = '5min'");
/// assert!(timeout.applies_to(Backend::Postgres) && !timeout.applies_to(Backend::MySql));
/// assert!(SessionSetting::ForeignKeysOff.applies_to(Backend::Sqlite));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionSetting {
    /// Foreign keys are not enforced while the migration runs: for table rebuilds and loads that write
    /// children before parents.
    ///
    /// - SQLite: `PRAGMA foreign_keys = OFF` around the migration's transaction; `PRAGMA foreign_key_check`
    ///   runs before it commits, and any row that breaks a foreign key rolls the migration back.
    /// - MySQL and MariaDB: `SET SESSION foreign_key_checks = 0`. The server does not check the rows written
    ///   meanwhile when the checks come back on, and neither does lockgate.
    /// - PostgreSQL: refused before anything runs. It has no such switch for a session; declare the
    ///   constraints `DEFERRABLE` and use `SET CONSTRAINTS ALL DEFERRED` in the migration instead.
    ForeignKeysOff,
    /// A variable of one backend's session: PostgreSQL `SET <name> TO <value>`, MySQL
    /// `SET SESSION <name> = <value>`, SQLite `PRAGMA <name> = <value>`. The value is SQL, written as the backend
    /// takes it (`'5min'`, `0`, `OFF`). The migrator reads the variable first and sets it back afterwards.
    Set {
        /// The backend the setting is for; the others ignore it.
        backend: Backend,
        /// The variable, a plain name (letters, digits, `_` and, for PostgreSQL's extension settings, `.`).
        name: Cow<'static, str>,
        /// Its value, as SQL.
        value: Cow<'static, str>,
    },
}

impl SessionSetting {
    /// A variable of `backend`'s session.
    ///
    /// ```
    /// use lockgate_dsl::{Backend, session::SessionSetting};
    /// let s = SessionSetting::set(Backend::MySql, "foreign_key_checks", "0");
    /// assert!(matches!(s, SessionSetting::Set { .. }));
    /// ```
    pub fn set(backend: Backend, name: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> Self {
        SessionSetting::Set {
            backend,
            name: name.into(),
            value: value.into(),
        }
    }

    /// Whether the setting means anything on `backend` (foreign keys are for every backend).
    ///
    /// ```
    /// use lockgate_dsl::{Backend, session::SessionSetting};
    /// assert!(!SessionSetting::set(Backend::Sqlite, "cache_size", "-20000").applies_to(Backend::Postgres));
    /// ```
    pub fn applies_to(&self, on: Backend) -> bool {
        match self {
            SessionSetting::ForeignKeysOff => true,
            SessionSetting::Set { backend, .. } => *backend == on,
        }
    }

    /// Why the setting cannot be used, when it cannot: a variable name that is not a plain name.
    ///
    /// ```
    /// use lockgate_dsl::{Backend, session::SessionSetting};
    /// assert!(SessionSetting::set(Backend::Postgres, "work_mem", "'64MB'").problem().is_none());
    /// let bad = SessionSetting::set(Backend::Postgres, "work_mem; DROP TABLE t", "1");
    /// assert!(bad.problem().unwrap().contains("not a plain name"));
    /// ```
    pub fn problem(&self) -> Option<String> {
        let SessionSetting::Set { name, value, .. } = self else {
            return None;
        };
        if !is_variable_name(name) {
            return Some(format!(
                "`{name}` is not a plain name: a session variable is letters, digits, `_` and `.`"
            ));
        }
        if value.trim().is_empty() {
            return Some(format!("`{name}` has no value: write it as SQL, like `{name} = 0`"));
        }
        None
    }

    /// Reads `name = value`, as the derive's `session(<backend> = "...")` and SQL headers write it.
    ///
    /// ```
    /// use lockgate_dsl::{Backend, session::SessionSetting};
    /// let s = SessionSetting::parse(Backend::MySql, "sql_mode = 'ANSI_QUOTES'").unwrap();
    /// assert_eq!(s, SessionSetting::set(Backend::MySql, "sql_mode", "'ANSI_QUOTES'"));
    /// assert!(SessionSetting::parse(Backend::MySql, "sql_mode").is_err());
    /// ```
    pub fn parse(backend: Backend, text: &str) -> Result<SessionSetting, String> {
        let Some((name, value)) = text.split_once('=') else {
            return Err(format!("expected `<variable> = <value>`, like `{}`", example(backend)));
        };
        let setting = SessionSetting::set(backend, name.trim().to_owned(), value.trim().to_owned());
        match setting.problem() {
            Some(problem) => Err(problem),
            None => Ok(setting),
        }
    }
}

/// A setting each backend's users reach for, for error messages.
fn example(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "statement_timeout = '5min'",
        Backend::MySql => "foreign_key_checks = 0",
        Backend::Sqlite => "cache_size = -20000",
    }
}

/// Letters, digits, `_` and `.` (PostgreSQL's `extension.setting`), not starting with a digit or `.`.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

impl fmt::Display for SessionSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionSetting::ForeignKeysOff => f.write_str("foreign keys off"),
            SessionSetting::Set { backend, name, value } => write!(f, "{backend}: {name} = {value}"),
        }
    }
}
