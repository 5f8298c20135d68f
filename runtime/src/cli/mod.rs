//! The embeddable command line: a user's binary hands its migrator to [`run`] and gets `status`, `up`,
//! `down`, `redo`, `plan` and `baseline`.
//!
//! ```no_run
//! use std::process::ExitCode;
//! use lockgate_runtime::Migrator;
//!
//! fn main() -> ExitCode {
//!     let migrations = Vec::new(); // usually `lockgate::migrations![...]`
//!     lockgate_runtime::cli::run(Migrator::new(migrations))
//! }
//! ```
//!
//! The database comes from `--database-url` or `DATABASE_URL`, and defaults to an SQLite file named
//! after the binary in the working directory (`sqlite:<binary>.db?mode=rwc`). Human output is aligned
//! tables, coloured on a terminal unless `NO_COLOR` is set; `--format json` prints one JSON document
//! per command. Exit codes: 0 success, 1 failure, 2 usage error, 3 pending migrations
//! (`status --check`).
//!
//! The JSON documents, one line each on stdout (field names are stable):
//!
//! | command | fields |
//! | --- | --- |
//! | `status` | `backend`, `pending`, `migrations[]`: `version`, `name`, `state`, `applied_at`, `duration_ms`, `applied_by` |
//! | `up`, `down`, `redo`, `baseline` | `command`, `backend`, `applied[]`: `version`, `name`, `direction`, `duration_ms`; `migrations[]` as in `status`, afterwards |
//! | `plan` | `backend`, `direction`, `offline`, `migrations[]`: `version`, `name`, `direction`, `statements[]` |
//! | any failure | `error`: `command`, `message`, `details[]`, `version`, `statement`, `hint`, `causes[]`, `exit_code` |
//!
//! `plan` connects and prints the exact SQL `up` or `down` would run on that database. `plan --backend
//! postgres|mysql|sqlite` connects to nothing (any database URL is ignored): `up` renders every migration,
//! or those up to `--to`, as if the database were empty; `down` renders every migration after `--to`
//! (default: all of them), newest first, as if every one were applied, and fails on an irreversible
//! one. Each migration's statements are those of [`lockgate_dsl::render::script`]; a SQLite table
//! rebuild, which reads the live table, is a comment describing it. Teams review this output, or
//! snapshot it in CI, per backend.
//!
//! A failure also prints one paragraph on stderr: what failed (command, migration), the statement,
//! and a hint; `-v` adds the whole statement and the error's cause chain.

mod args;
mod commands;
mod context;
mod exit;
mod failure;
#[cfg(test)]
mod fixtures;
mod human;
mod json;
mod live;
mod offline;
mod probe;
mod progress;
mod scaffold;
mod style;
mod table;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use args::{
    AdoptArgs, AdoptTool, BaselineArgs, Cli, ColorChoice, Command, DiffArgs, DownArgs, Emit, GlobalArgs,
    InterruptedStep, NewArgs, OutputFormat, PlanArgs, PlanBackend, PlanDirection, ProtectArgs, PurgeArgs, ScratchArgs,
    StatusArgs, UpArgs,
};
pub use exit::Exit;
pub use style::Palette;
pub use table::Table;

use crate::{Error, Migrator};
use context::Context;
use failure::Failure;

/// What [`run`] accepts: a [`Migrator`], or the `Result` of [`Migrator::new`], whose error is then
/// reported like any other failure.
///
/// ```
/// use lockgate_runtime::Migrator;
/// use lockgate_runtime::cli::IntoMigrator;
/// assert!(Migrator::new(Vec::new()).into_migrator().is_ok());
/// ```
pub trait IntoMigrator {
    /// The migrator, or why there is none.
    // NOTE: the same large error type `Migrator::new` returns; boxing it here would only move the cost.
    #[allow(clippy::result_large_err)]
    fn into_migrator(self) -> Result<Migrator, Error>;
}

impl IntoMigrator for Migrator {
    #[allow(clippy::result_large_err)]
    fn into_migrator(self) -> Result<Migrator, Error> {
        Ok(self)
    }
}

impl IntoMigrator for Result<Migrator, Error> {
    #[allow(clippy::result_large_err)]
    fn into_migrator(self) -> Result<Migrator, Error> {
        self
    }
}

/// Runs the command line of the current process with `migrator`: parses `std::env::args`, starts a
/// tokio runtime, runs the command and returns the exit code for `main` to return.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     lockgate_runtime::cli::run(lockgate_runtime::Migrator::new(Vec::new()))
/// }
/// ```
pub fn run(migrator: impl IntoMigrator) -> ExitCode {
    log_to_stderr();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run_async(migrator, std::env::args_os())),
        Err(error) => report(&Failure::Runtime(error), OutputFormat::Human, false),
    }
}

/// With `RUST_LOG` set (`RUST_LOG=lockgate_runtime=debug`), prints the runtime's `tracing` events on stderr;
/// a program that installed its own subscriber keeps it.
fn log_to_stderr() {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() else {
        return;
    };
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .try_init();
}

/// Runs a command line given as `args` (program name first) inside an existing tokio runtime.
///
/// ```no_run
/// # async fn f() {
/// use lockgate_runtime::Migrator;
/// let code = lockgate_runtime::cli::run_async(Migrator::new(Vec::new()), ["app", "status", "--check"]).await;
/// # }
/// ```
pub async fn run_async<I, T>(migrator: impl IntoMigrator, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let program = program_name(args.first());
    let default_url = format!("sqlite:{program}.db?mode=rwc");
    let cli = match parse(&program, &default_url, &args) {
        Ok(cli) => cli,
        Err(exit) => return exit.into(),
    };
    let format = cli.global.format;
    let verbose = cli.global.verbose > 0;
    let migrator = match migrator.into_migrator() {
        Ok(migrator) => match &cli.global.environment {
            Some(environment) => migrator.environment(environment),
            None => migrator,
        },
        Err(error) => return report(&Failure::Migrations(Box::new(error)), format, verbose),
    };
    let cx = Context {
        url: cli.global.database_url.clone().unwrap_or(default_url),
        format,
        palette: Palette::for_stdout(cli.global.color),
        verbose,
    };
    match commands::execute(cli, migrator, &cx).await {
        Ok(exit) => exit.into(),
        Err(failure) => report(&failure, format, verbose),
    }
}

/// Parses the arguments, printing help or usage errors; `Err` carries the exit code to return.
fn parse(program: &str, default_url: &str, args: &[OsString]) -> Result<Cli, Exit> {
    let command = Cli::command().bin_name(program).mut_arg("database_url", |arg| {
        arg.help(format!(
            "The database to migrate: postgres://…, mysql://… or sqlite:… [default: {default_url}]"
        ))
    });
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    parsed.map_err(|error| {
        let _ = error.print();
        if error.use_stderr() { Exit::Usage } else { Exit::Success }
    })
}

/// The binary's file stem, used for the command name and the default SQLite file.
fn program_name(arg0: Option<&OsString>) -> String {
    arg0.and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "lockgate".to_owned())
}

/// Prints a failure (the paragraph on stderr; with `--format json` also the JSON document on stdout).
fn report(failure: &Failure, format: OutputFormat, verbose: bool) -> ExitCode {
    let exit = Exit::Failure;
    if format == OutputFormat::Json {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", json::to_line(&failure.to_json(exit.code())));
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", failure.paragraph(verbose));
    exit.into()
}

#[cfg(test)]
mod tests {
    use lockgate_dsl::{Migration, MigrationMeta};

    use super::fixtures::{CreateTable, ONE};
    use super::*;

    fn migrator(metas: &[&'static MigrationMeta]) -> Result<Migrator, Error> {
        Migrator::new(
            metas
                .iter()
                .map(|m| Box::new(CreateTable(m)) as Box<dyn Migration>)
                .collect(),
        )
    }

    fn args<'a>(rest: &[&'a str]) -> Vec<&'a str> {
        let mut all = vec!["app", "--format", "json", "--database-url", "sqlite::memory:"];
        all.extend_from_slice(rest);
        all
    }

    // It connects to an in-memory SQLite database.
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn status_check_exits_with_3_while_migrations_are_pending() {
        let code = run_async(migrator(&[&ONE]), args(&["status", "--check"])).await;
        assert_eq!(code, ExitCode::from(3));
        let code = run_async(migrator(&[]), args(&["status", "--check"])).await;
        assert_eq!(code, ExitCode::SUCCESS);
    }

    #[tokio::test]
    async fn usage_errors_exit_with_2_and_help_with_0() {
        assert_eq!(run_async(migrator(&[]), args(&["frobnicate"])).await, ExitCode::from(2));
        assert_eq!(
            run_async(migrator(&[]), args(&["down", "--steps", "0"])).await,
            ExitCode::from(2)
        );
        assert_eq!(run_async(migrator(&[]), ["app", "--help"]).await, ExitCode::SUCCESS);
    }

    #[tokio::test]
    async fn a_broken_migration_list_exits_with_1() {
        static ALSO_ONE: MigrationMeta = MigrationMeta {
            name: "create t1 again",
            ..ONE
        };
        let broken = migrator(&[&ONE, &ALSO_ONE]);
        assert!(broken.is_err());
        assert_eq!(run_async(broken, args(&["status"])).await, ExitCode::FAILURE);
    }

    #[test]
    fn the_default_database_is_named_after_the_binary() {
        assert_eq!(
            program_name(Some(&OsString::from("target/debug/examples/contracts"))),
            "contracts"
        );
        assert_eq!(program_name(Some(&OsString::from("migrate.exe"))), "migrate");
        assert_eq!(program_name(None), "lockgate");
    }
}
