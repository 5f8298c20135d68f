//! Turning a failure into one readable paragraph: what failed, where, and what to do next.

use std::error::Error as _;

use lockgate_dsl::render::ScriptError;
use serde::Serialize;

use crate::Error;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The migrator reported an error.
    #[error("{command} failed: {source}")]
    Migrate {
        /// The subcommand.
        command: &'static str,
        /// The database URL, with any password hidden.
        url: String,
        /// What went wrong (boxed: the runtime's error is large, and this one travels in every `Result`).
        source: Box<Error>,
    },
    /// An offline plan (`plan --backend`) met a migration without a down, or one the backend cannot express.
    #[error("{command} failed: {source}")]
    Script {
        /// The subcommand.
        command: &'static str,
        /// Which migration, and why.
        source: ScriptError,
    },
    /// The migration list itself is wrong (duplicate or unordered versions).
    #[error("the migrations compiled into this binary cannot run: {0}")]
    Migrations(#[source] Box<Error>),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// `new` could not write the migration's file.
    #[error("new failed: {0}")]
    Scaffold(String),
}

/// A failure as the JSON document `--format json` prints on stdout.
#[derive(Debug, Serialize)]
pub(crate) struct FailureJson {
    pub(crate) error: FailureBody,
}

/// The fields of a JSON failure.
#[derive(Debug, Serialize)]
pub(crate) struct FailureBody {
    /// The subcommand that failed.
    pub(crate) command: Option<&'static str>,
    /// The headline message.
    pub(crate) message: String,
    /// Further lines of the message (what was undone, what is still applied).
    pub(crate) details: Vec<String>,
    /// The migration the failure is about.
    pub(crate) version: Option<i64>,
    /// The failing SQL statement.
    pub(crate) statement: Option<String>,
    /// What to do next.
    pub(crate) hint: Option<String>,
    /// The error's sources, outermost first.
    pub(crate) causes: Vec<String>,
    /// The process exit code.
    pub(crate) exit_code: u8,
}

impl Failure {
    /// The paragraph printed on stderr: a headline, then indented detail lines. `verbose` adds the whole
    /// statement and the cause chain.
    pub(crate) fn paragraph(&self, verbose: bool) -> String {
        let mut out = format!("error: {}", self.headline());
        for detail in self.details() {
            out.push_str(&format!("\n  {detail}"));
        }
        if let Failure::Migrate { url, source, .. } = self {
            if let Some(statement) = source.statement() {
                if verbose {
                    out.push_str("\n  statement:");
                    for line in statement.lines() {
                        out.push_str("\n    ");
                        out.push_str(line.trim_end());
                    }
                } else {
                    out.push_str(&format!("\n  statement: {}", abbreviate(statement, 100)));
                }
            }
            if matches!(**source, Error::Connect { .. } | Error::UnsupportedUrl { .. }) {
                out.push_str(&format!("\n  database: {url}"));
            }
        }
        if verbose {
            for cause in self.causes() {
                out.push_str(&format!("\n  caused by: {cause}"));
            }
        }
        if let Some(hint) = self.hint(verbose) {
            out.push_str(&format!("\n  hint: {hint}"));
        }
        out
    }

    /// The JSON form.
    pub(crate) fn to_json(&self, exit_code: u8) -> FailureJson {
        let (command, version, statement) = match self {
            Failure::Migrate { command, source, .. } => {
                (Some(*command), source.version(), source.statement().map(str::to_owned))
            }
            Failure::Migrations(source) => (None, source.version(), None),
            Failure::Script { command, source } => (Some(*command), Some(source.version()), None),
            Failure::Runtime(_) | Failure::Output(_) => (None, None, None),
            Failure::Scaffold(_) => (Some("new"), None, None),
        };
        FailureJson {
            error: FailureBody {
                command,
                message: self.headline(),
                details: self.details(),
                version,
                statement,
                hint: self.hint(true),
                causes: self.causes(),
                exit_code,
            },
        }
    }

    /// The first line of the message: what failed and why.
    fn headline(&self) -> String {
        match self {
            Failure::Migrate { command, source, .. } => format!("{command} failed: {}", source.headline()),
            Failure::Migrations(source) => {
                format!(
                    "the migrations compiled into this binary cannot run: {}",
                    source.headline()
                )
            }
            Failure::Script { .. } | Failure::Runtime(_) | Failure::Output(_) | Failure::Scaffold(_) => {
                self.to_string()
            }
        }
    }

    /// The lines the headline leaves out (`undo failed at: …`, `still applied: …`), from the error's fields;
    /// the paragraph shows the statement on its own terms.
    fn details(&self) -> Vec<String> {
        match self {
            Failure::Migrate { source, .. } | Failure::Migrations(source) => source.details(),
            Failure::Script { .. } | Failure::Runtime(_) | Failure::Output(_) | Failure::Scaffold(_) => Vec::new(),
        }
    }

    /// The sources below the top-level error, outermost first, one line each; those the headline
    /// already quotes are left out.
    fn causes(&self) -> Vec<String> {
        let headline = self.headline();
        let mut causes = Vec::new();
        let mut next = match self {
            Failure::Migrate { source, .. } => source.source(),
            other => other.source(),
        };
        while let Some(cause) = next {
            let line = cause.to_string().lines().next().unwrap_or_default().to_owned();
            // sqlx ends a PostgreSQL error with the line of PostgreSQL's own source that raised it.
            let line = match line.rsplit_once(" at line ") {
                Some((text, number)) if number.chars().all(|c| c.is_ascii_digit()) => text.to_owned(),
                _ => line,
            };
            if !headline.contains(&line) {
                causes.push(line);
            }
            next = cause.source();
        }
        causes
    }

    fn hint(&self, verbose: bool) -> Option<String> {
        let more = if verbose {
            ""
        } else {
            " (-v shows the whole statement and the driver's error chain)"
        };
        let hint = match self {
            Failure::Runtime(_) => "the process may have run out of threads or file descriptors; try again".to_owned(),
            Failure::Output(_) => "stdout was closed before the output was written".to_owned(),
            Failure::Scaffold(_) => "pass --dir for another folder, or --version for another version".to_owned(),
            Failure::Migrations(_) => "fix the list of migrations given to the migrator, then rebuild".to_owned(),
            Failure::Script { source, .. } => match source {
                ScriptError::Irreversible { version, .. } => {
                    format!("pass `--to {version}` to plan only the migrations after it")
                }
                ScriptError::Render { .. } => {
                    "change the migration so the backend can express it, or plan for the backend it targets".to_owned()
                }
                // The dsl's error enums are `#[non_exhaustive]`: a kind added there gets no hint until named here.
                _ => return None,
            },
            Failure::Migrate { source, command, .. } => match &**source {
                Error::Connect {
                    source: sqlx::Error::Tls(tls),
                    ..
                } => tls_hint(&tls.to_string()).to_owned(),
                Error::Connect {
                    backend: lockgate_dsl::Backend::Sqlite,
                    ..
                } => "check that the file's directory exists and is writable, and that --database-url \
                      (or DATABASE_URL) names the right file"
                    .to_owned(),
                Error::Connect { .. } => "check that the database server is running and reachable, and that \
                                          --database-url (or DATABASE_URL) names the right database"
                    .to_owned(),
                Error::UnsupportedUrl { supported, .. } => match supported.split_last() {
                    Some((last, [])) => format!("pass --database-url (or set DATABASE_URL) to a {last} URL"),
                    Some((last, rest)) => format!(
                        "pass --database-url (or set DATABASE_URL) to a {} or {last} URL",
                        rest.join(", ")
                    ),
                    None => "rebuild with a backend feature: `postgres`, `mysql` or `sqlite`".to_owned(),
                },
                Error::StatementFailed { .. } | Error::Compensated { .. } => {
                    match driver_error(source).and_then(not_the_statement) {
                        Some(hint) => hint.to_owned(),
                        None => format!(
                            "fix the statement, or the schema or data it trips over, then run the command again{more}"
                        ),
                    }
                }
                Error::AssertionFailed { .. } => format!(
                    "nothing after this migration ran; fix the data the check is about, then run `{command}` again"
                ),
                Error::CompensationFailed { .. } => {
                    "repair the schema by hand using the statements above, then record the outcome with \
                     `baseline` or run `up` again"
                        .to_owned()
                }
                Error::UnknownVersion { .. } => "run `status` to list the versions this binary knows".to_owned(),
                Error::PolicyRefused {
                    environment, policy, ..
                } => match policy {
                    crate::Policy::Guarded => format!(
                        "run these migrations in a release of their own once the code no longer needs what they \
                         drop or change, and say so in each: `#[migration(allow_in({environment} = \"why\"))]`"
                    ),
                    crate::Policy::AdditiveOnly => format!(
                        "`{environment}` takes additive changes only: run these migrations elsewhere, or change \
                         the environment's policy"
                    ),
                },
                Error::UnknownBackup { .. } => {
                    "`status` lists the backups; give one of their names, or none to purge them all".to_owned()
                }
                Error::Protected { action, .. } => format!(
                    "check --database-url (or DATABASE_URL): this is not a database to start over; if it really \
                     is disposable, run `unprotect`, then `{action}`"
                ),
                Error::Tracking { .. } => {
                    "check that the database user may create and write tables in this database".to_owned()
                }
                Error::Database(_) => format!("the database refused the request{more}"),
                Error::Interrupted { .. } => {
                    "check whether the statement took effect, then run `up --interrupted-step \
                                               took-effect` (it did) or `up --interrupted-step did-not-take-effect` \
                                               (it did not)"
                        .to_owned()
                }
                Error::PlanChecks { .. } => "follow the rule, or allow its category with a reason: \
                                             `#[migration(allow(blocking = \"why\"))]`; the migration's \
                                             generated test reports the same under `cargo test`"
                    .to_owned(),
                Error::SchemaMismatch { .. } => {
                    "nothing was recorded; compare with `drift` once a version matches, or \
                                                  change the schema until it matches this version"
                        .to_owned()
                }
                Error::DuplicateVersion { .. }
                | Error::UnorderedVersions { .. }
                | Error::ChecksumMismatch { .. }
                | Error::LockTimeout { .. }
                | Error::LockFailed { .. }
                | Error::Irreversible { .. }
                | Error::StepFailed { .. }
                | Error::NothingApplied { .. }
                | Error::Render { .. }
                | Error::Plan { .. }
                | Error::SqlxMigrationFailed { .. }
                | Error::CorruptTracking { .. } => return None,
            },
        };
        Some(hint)
    }
}

/// `statement` on one line, cut to about `max` characters.
fn abbreviate(statement: &str, max: usize) -> String {
    let flat = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// `url` with any password replaced by `***`, so it can be printed.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The driver error under a failed statement.
fn driver_error(error: &Error) -> Option<&sqlx::Error> {
    match error {
        Error::StatementFailed { source, .. } => Some(source),
        Error::Compensated { cause, .. } | Error::StepFailed { cause, .. } => driver_error(cause),
        _ => None,
    }
}

/// A hint for a connection that failed to set up TLS: this build has none, or the server offers none.
fn tls_hint(message: &str) -> &'static str {
    if message.contains("without TLS support") {
        "this build has no TLS: turn on lockgate's `tls-rustls` feature (or `tls-rustls-native-roots`, \
         `tls-native-tls`), or connect without requiring TLS"
    } else if message.contains("does not support TLS") {
        "the server does not offer TLS: turn TLS on in the server, or connect without requiring it \
         (`sslmode=prefer` on PostgreSQL, `ssl-mode=preferred` on MySQL)"
    } else {
        "check the server's certificate and the URL's TLS settings (`sslmode`, `sslrootcert`; `ssl-mode`, `ssl-ca`)"
    }
}

/// A hint for a statement that failed through no fault of its own: the connection went away, or the user lacks
/// a privilege.
fn not_the_statement(source: &sqlx::Error) -> Option<&'static str> {
    const LOST: &str = "the connection to the database was lost while the statement ran: check that the server is \
                        up, run `status` to see what lockgate recorded, then run the command again";
    const DENIED: &str = "the database user lacks a privilege this statement needs: grant it (or connect as a user \
                          that has it), then run the command again";
    match source {
        sqlx::Error::Io(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::WorkerCrashed => Some(LOST),
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let message = db.message().to_ascii_lowercase();
            // PostgreSQL: a terminated backend (57P01..57P03); MySQL: a killed query or connection (70100).
            if code.starts_with("57P") || code == "70100" || message.contains("connection was killed") {
                Some(LOST)
            } else if code == "42501" || message.contains("denied") {
                Some(DENIED)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FailedUndo, MigrationId, UndoError};

    /// The hint of a statement that failed with `source`.
    fn hint_for(source: sqlx::Error) -> String {
        let failure = Failure::Migrate {
            command: "up",
            url: String::new(),
            source: Box::new(Error::StatementFailed {
                migration: MigrationId {
                    version: 1,
                    name: "m".into(),
                },
                statement: "SELECT 1".into(),
                source,
            }),
        };
        failure.hint(false).expect("a hint")
    }

    /// Real errors from PostgreSQL: a connection the server terminated, and a user without the privilege.
    #[cfg(feature = "postgres")]
    #[tokio::test]
    async fn a_lost_connection_and_a_missing_privilege_are_not_the_statements_fault() {
        use lockgate_test_support::{Server, TestDatabase};
        use sqlx::{Connection, Executor, PgConnection};
        let Some(database) = TestDatabase::create(Server::Postgres, "hints").await else {
            return;
        };
        let mut conn = PgConnection::connect(database.url()).await.unwrap();
        let killed = conn
            .execute("SELECT pg_terminate_backend(pg_backend_pid())")
            .await
            .unwrap_err();
        assert!(hint_for(killed).starts_with("the connection to the database was lost"));

        let role = database.name().to_owned();
        let mut admin = PgConnection::connect(database.url()).await.unwrap();
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE ROLE \"{role}\" LOGIN; CREATE TABLE owned (id int)"
            )))
            .await
            .unwrap();
        // The same server and database, as the new role (the test servers trust local users).
        let url = database.url();
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let host = rest.split_once('@').map_or(rest, |(_, host)| host);
        let mut limited = PgConnection::connect(&format!("postgres://{role}@{host}"))
            .await
            .unwrap();
        let denied = limited.execute("INSERT INTO owned VALUES (1)").await.unwrap_err();
        // The message says what PostgreSQL said, without the line of its C source that sqlx appends.
        assert_eq!(
            crate::error::Cause(&denied).to_string(),
            "error returned from database: permission denied for table owned (code 42501)"
        );
        assert!(hint_for(denied).starts_with("the database user lacks a privilege"));
        drop(limited);
        drop(admin);
        database.drop_database().await.unwrap();
        let mut cleanup = PgConnection::connect(&Server::Postgres.admin_url()).await.unwrap();
        cleanup
            .execute(sqlx::AssertSqlSafe(format!("DROP ROLE \"{role}\"")))
            .await
            .unwrap();
    }

    /// A URL that requires TLS names the feature when the build has none, and the server when it offers none.
    #[test]
    fn tls_failures_say_what_is_missing() {
        let connect = |message: &str| Failure::Migrate {
            command: "status",
            url: "postgres://db/app?sslmode=require".into(),
            source: Box::new(Error::Connect {
                backend: lockgate_dsl::Backend::Postgres,
                source: sqlx::Error::Tls(message.to_owned().into()),
            }),
        };
        let built = connect("TLS upgrade required by connect options but SQLx was built without TLS support enabled");
        let hint = built.hint(false).unwrap();
        assert!(
            hint.starts_with("this build has no TLS: turn on lockgate's `tls-rustls` feature"),
            "{hint}"
        );
        let hint = connect("server does not support TLS").hint(false).unwrap();
        assert!(hint.starts_with("the server does not offer TLS"), "{hint}");
    }

    /// A plain statement mistake keeps the usual hint.
    #[test]
    fn a_statement_mistake_keeps_the_usual_hint() {
        let hint = hint_for(sqlx::Error::RowNotFound);
        assert!(hint.starts_with("fix the statement"), "{hint}");
        assert!(hint_for(sqlx::Error::PoolClosed).starts_with("the connection to the database was lost"));
    }

    #[test]
    fn further_lines_of_a_message_are_kept() {
        let failure = Failure::Migrate {
            command: "up",
            url: "mysql://root@db/app".into(),
            source: Box::new(Error::CompensationFailed {
                migration: MigrationId {
                    version: 3,
                    name: "add t".into(),
                },
                statement: "CREATE TABLE t".into(),
                cause: Box::new(Error::UnknownVersion { version: 3 }),
                undo: Box::new(FailedUndo {
                    undone: Vec::new(),
                    failed_statement: "DROP TABLE t".into(),
                    error: UndoError::NoInverse { reason: "gone".into() },
                    still_applied: vec!["CREATE TABLE t".into()],
                }),
            }),
        };
        assert_eq!(
            failure.details(),
            [
                "undo failed at: DROP TABLE t: it has no inverse: gone",
                "still applied: CREATE TABLE t"
            ]
        );
        assert!(
            failure
                .paragraph(false)
                .contains("\n  undo failed at: DROP TABLE t: it has no inverse: gone")
        );
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1:3306/test"),
            "mysql://root@127.0.0.1:3306/test"
        );
        assert_eq!(redact("sqlite:contracts.db?mode=rwc"), "sqlite:contracts.db?mode=rwc");
    }

    #[test]
    fn long_statements_are_cut_on_one_line() {
        assert_eq!(abbreviate("SELECT 1\n  FROM t", 100), "SELECT 1 FROM t");
        assert_eq!(abbreviate("SELECT 1 FROM t", 8), "SELECT 1…");
    }

    #[test]
    fn a_failed_check_names_migration_statement_and_next_step() {
        let failure = Failure::Migrate {
            command: "up",
            url: "sqlite:x.db".into(),
            source: Box::new(Error::AssertionFailed {
                migration: MigrationId {
                    version: 7,
                    name: "check parity".into(),
                },
                message: "counts differ".into(),
                query: "SELECT NOT EXISTS (SELECT 1 FROM template_parity)".into(),
            }),
        };
        let text = failure.paragraph(false);
        assert_eq!(
            text,
            "error: up failed: migration 7 `check parity` stopped at a check and was rolled back: counts differ\n  \
             statement: SELECT NOT EXISTS (SELECT 1 FROM template_parity)\n  \
             hint: nothing after this migration ran; fix the data the check is about, then run `up` again"
        );
    }
}
