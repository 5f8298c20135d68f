//! The command-line grammar, as clap derive types.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit codes, as documented in `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  the command failed (a migration, the connection, or the database), or verify, drift
     or diff found a difference
  2  usage error (unknown command, bad flag or value)
  3  pending migrations exist (only from `status --check`, for CI gates)";

/// The top-level command line of a migration binary.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "down", "--steps", "2"]).unwrap();
/// assert!(matches!(cli.command, Command::Down(ref down) if down.steps == Some(2)));
/// ```
#[derive(Debug, Clone, Parser)]
#[command(
    name = "lockgate",
    about = "Apply, revert and inspect this application's database migrations",
    long_about = "Apply, revert and inspect this application's database migrations.\n\n\
        The migrations are compiled into this binary; each one goes up and, unless it is declared \
        irreversible, comes back down. The database is chosen by --database-url or DATABASE_URL \
        (postgres://, mysql:// or sqlite:).",
    after_help = EXIT_CODES_HELP,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options accepted by every subcommand.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, OutputFormat};
/// let cli = Cli::try_parse_from(["contracts", "status", "--format", "json", "-vv"]).unwrap();
/// assert_eq!(cli.global.format, OutputFormat::Json);
/// assert_eq!(cli.global.verbose, 2);
/// ```
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The database to migrate: postgres://…, mysql://… or sqlite:… (default: an SQLite file named
    /// after this binary, in the working directory).
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The environment (`production`, `staging`, ...): its policy decides which destructive or incompatible
    /// operations `up` may run (`production` runs them only where a migration says `allow_in(production = ...)`).
    #[arg(
        long = "env",
        env = "LOCKGATE_ENV",
        global = true,
        value_name = "NAME",
        hide_env_values = true
    )]
    pub environment: Option<String>,
    /// Output for people (aligned tables) or for scripts (JSON with stable field names).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, global = true)]
    pub format: OutputFormat,
    /// When to colour human output; `auto` colours only a terminal and honours NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Show the SQL of each migration as it runs, and the full cause chain of errors.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// How results are printed.
///
/// ```
/// use lockgate_runtime::cli::OutputFormat;
/// assert_eq!(OutputFormat::default(), OutputFormat::Human);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Aligned tables and progress lines.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
}

/// When human output is coloured.
///
/// ```
/// use lockgate_runtime::cli::ColorChoice;
/// assert_eq!(ColorChoice::default(), ColorChoice::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "baseline", "20250101090000"]).unwrap();
/// assert!(matches!(cli.command, Command::Baseline(ref b) if b.version == 20250101090000));
/// ```
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Show every migration and whether it is applied.
    ///
    /// Lists the migrations this binary knows and those the database has recorded, with their
    /// state (applied, pending, failed, running, changed, unknown), when and by whom they were
    /// applied and how long they took.
    #[command(after_help = EXIT_CODES_HELP)]
    Status(StatusArgs),
    /// Apply pending migrations, all of them or up to a version.
    ///
    /// Each migration runs in its own transaction where the database supports transactional DDL,
    /// under a lock so that concurrent runs apply each migration exactly once.
    #[command(after_help = EXIT_CODES_HELP)]
    Up(UpArgs),
    /// Revert applied migrations: the last one by default, N of them, or down to a version.
    #[command(after_help = EXIT_CODES_HELP)]
    Down(DownArgs),
    /// Revert the last applied migration and apply it again.
    #[command(after_help = EXIT_CODES_HELP)]
    Redo,
    /// Revert every applied migration, newest first (`down --to 0`). Refused on a protected database.
    #[command(after_help = EXIT_CODES_HELP)]
    Reset,
    /// Drop every table, view, type, sequence, routine and extension of the schema, then apply every migration.
    ///
    /// For a disposable database (development, CI). Refused on a database marked with `protect`.
    #[command(after_help = EXIT_CODES_HELP)]
    Fresh,
    /// Mark the database protected: `fresh` and `reset` refuse to run on it until `unprotect`.
    #[command(after_help = EXIT_CODES_HELP)]
    Protect(ProtectArgs),
    /// Lift the mark of `protect`.
    #[command(after_help = EXIT_CODES_HELP)]
    Unprotect,
    /// Drop the backups archived columns and tables keep (`lockgate_backup_*`, listed by `status`).
    ///
    /// All of them, or the one named. The migrations that archived them can then no longer go down.
    #[command(after_help = EXIT_CODES_HELP)]
    Purge(PurgeArgs),
    /// Print the SQL that `up` or `down` would run, without running it; offline with --backend.
    ///
    /// Connected (the default), the plan is the exact SQL for that database: the pending migrations
    /// for `up`, the applied ones `down` would revert. With --backend postgres|mysql|sqlite, nothing
    /// connects: `up` renders every migration (or up to --to) as if the database were empty, and
    /// `down` every migration after --to (default: all), newest first, as if all were applied. SQLite
    /// table rebuilds read the live table, so offline they are shown as a comment describing them.
    #[command(after_help = EXIT_CODES_HELP)]
    Plan(PlanArgs),
    /// Record migrations up to a version as applied without running them (adopt an existing database).
    #[command(after_help = EXIT_CODES_HELP)]
    Baseline(BaselineArgs),
    /// Round-trip every migration in a scratch database: up, down, up again, comparing the schema.
    ///
    /// The scratch database is created beside the database (on its server, or as a temporary SQLite
    /// file) and dropped afterwards; the database itself is only read. After `down` the schema must be
    /// as before `up` (and rows of tables the migration does not touch must remain); after `up` again,
    /// as after the first `up`. Irreversible migrations are applied and reported as skipped. Stops at
    /// the first migration that fails, naming each difference.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(ScratchArgs),
    /// Compare the database's schema with the schema its applied migrations produce.
    ///
    /// The applied migrations are replayed in a scratch database (see `verify`); every object that is
    /// missing, extra or changed in the database is listed. Exits with 1 when there is drift.
    #[command(after_help = EXIT_CODES_HELP)]
    Drift(ScratchArgs),
    /// Compare two live databases: what B lacks, has extra, or has changed against A.
    ///
    /// Connects to both URLs (--database-url is not used), e.g. staging as A and production as B.
    /// Exits with 1 when they differ.
    #[command(after_help = EXIT_CODES_HELP)]
    Diff(DiffArgs),
    /// Record as applied the migrations another tool's history lists, without running them.
    ///
    /// Reads sqlx's `_sqlx_migrations`, diesel's `__diesel_schema_migrations`, refinery's
    /// `refinery_schema_history` or sea-orm's `seaql_migrations`, and records each version this binary knows as
    /// applied (diesel's `2024-03-13-120000` is `20240313120000`; sea-orm's `m20220101_000001_name` is
    /// `20220101000001`). Versions it does not know are skipped with a warning.
    #[command(after_help = EXIT_CODES_HELP)]
    Adopt(AdoptArgs),
    /// Write the file of a new migration, versioned by the current UTC time (nothing connects).
    ///
    /// By default a typed migration, `<dir>/m<version>_<name>.rs`, whose `Change` plans nothing yet; with
    /// --sql, `<dir>/<version>_<name>.up.sql` and `.down.sql` for `embed_migrations!`. Never overwrites a file.
    #[command(after_help = EXIT_CODES_HELP)]
    New(NewArgs),
}

/// Whose history `adopt` reads.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{AdoptTool, Cli, Command};
/// let cli = Cli::try_parse_from(["app", "adopt", "diesel"]).unwrap();
/// assert!(matches!(cli.command, Command::Adopt(ref a) if a.tool == AdoptTool::Diesel));
/// ```
#[derive(Debug, Clone, Args)]
pub struct AdoptArgs {
    /// The tool whose history to adopt.
    #[arg(value_enum)]
    pub tool: AdoptTool,
}

/// A migration tool `adopt` knows.
///
/// ```
/// use lockgate_runtime::{History, cli::AdoptTool};
/// assert_eq!(History::from(AdoptTool::SeaOrm), History::SeaOrm);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdoptTool {
    /// sqlx (`_sqlx_migrations`).
    Sqlx,
    /// diesel (`__diesel_schema_migrations`).
    Diesel,
    /// refinery (`refinery_schema_history`).
    Refinery,
    /// sea-orm-migration (`seaql_migrations`).
    #[value(name = "sea-orm")]
    SeaOrm,
}

impl From<AdoptTool> for crate::History {
    fn from(tool: AdoptTool) -> Self {
        match tool {
            AdoptTool::Sqlx => crate::History::Sqlx,
            AdoptTool::Diesel => crate::History::Diesel,
            AdoptTool::Refinery => crate::History::Refinery,
            AdoptTool::SeaOrm => crate::History::SeaOrm,
        }
    }
}

/// What `new` writes, and where.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["app", "new", "add contract templates", "--dir", "src/migrations"]).unwrap();
/// assert!(matches!(cli.command, Command::New(ref n) if n.name == "add contract templates" && !n.sql));
/// ```
#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// The migration's name, in words or snake_case: `add contract templates`.
    pub name: String,
    /// The folder to write into.
    #[arg(long, default_value = "migrations")]
    pub dir: std::path::PathBuf,
    /// Write an SQL pair (`.up.sql`, `.down.sql`) instead of a typed migration.
    #[arg(long)]
    pub sql: bool,
    /// The version (default: the current UTC time, YYYYMMDDHHMMSS).
    #[arg(long)]
    pub version: Option<i64>,
}

/// Where `verify` and `drift` make their scratch database.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "verify", "--scratch-url", "postgres://localhost/postgres"]).unwrap();
/// assert!(matches!(cli.command, Command::Verify(ref v) if v.scratch_url.is_some()));
/// ```
#[derive(Debug, Clone, Args)]
pub struct ScratchArgs {
    /// A server to make the scratch database on (default: the server of --database-url; for SQLite, a
    /// temporary file).
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
}

/// `diff` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "diff", "sqlite:a.db", "sqlite:b.db", "--ignore-column-order"]).unwrap();
/// assert!(matches!(cli.command, Command::Diff(ref d) if d.ignore_column_order && d.a == "sqlite:a.db"));
/// ```
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The reference database (say, staging).
    #[arg(value_name = "URL_A")]
    pub a: String,
    /// The database compared with it (say, production).
    #[arg(value_name = "URL_B")]
    pub b: String,
    /// Match indexes and constraints by what they do, not by name.
    #[arg(long)]
    pub ignore_constraint_names: bool,
    /// Compare columns as a set, not in order.
    #[arg(long)]
    pub ignore_column_order: bool,
    /// Instead of the report, print what brings B to A: `sql` (statements for B's backend) or `rust` (typed
    /// lockgate migrations). What B lacks is added; changes and drops only with --allow-destructive.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub emit: Option<Emit>,
    /// With --emit: also drop what B has and A does not, and change what differs.
    #[arg(long, requires = "emit")]
    pub allow_destructive: bool,
    /// With --emit sql: the SQL for this backend instead of B's, rendered from typed operations.
    #[arg(long, value_enum, requires = "emit")]
    pub backend: Option<PlanBackend>,
    /// With --emit rust: the first migration's version (default: the current UTC time, YYYYMMDDHHMMSS).
    #[arg(long, requires = "emit")]
    pub version: Option<i64>,
    /// With --emit rust: the first migration's type name.
    #[arg(long, requires = "emit", default_value = "BringUpToDate")]
    pub name: String,
}

/// What `diff --emit` writes.
///
/// ```
/// use lockgate_runtime::cli::Emit;
/// assert_eq!(Emit::Sql, Emit::Sql);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// SQL statements for B's backend, one per line, each ending with `;`.
    Sql,
    /// A Rust file of `#[derive(Migration)]` types, for the migrations folder.
    Rust,
}

/// `status` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "status", "--check"]).unwrap();
/// assert!(matches!(cli.command, Command::Status(ref s) if s.check));
/// ```
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// Exit with code 3 when migrations are pending (and 1 when one failed or changed): a CI gate.
    #[arg(long)]
    pub check: bool,
}

/// `up` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "up", "--to", "20250101090000"]).unwrap();
/// assert!(matches!(cli.command, Command::Up(ref up) if up.to == Some(20250101090000)));
/// ```
#[derive(Debug, Clone, Args)]
pub struct UpArgs {
    /// Stop after applying this version (default: apply everything pending).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<i64>,
    /// After `up` stopped because a dead run's last step cannot be judged from the catalog: what you found
    /// when you checked that statement by hand.
    #[arg(long, value_enum, value_name = "FATE")]
    pub interrupted_step: Option<InterruptedStep>,
}

/// What became of an interrupted step, as checked by hand.
///
/// ```
/// use lockgate_runtime::cli::InterruptedStep;
/// assert_ne!(InterruptedStep::TookEffect, InterruptedStep::DidNotTakeEffect);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InterruptedStep {
    /// Its effect is there: continue after it.
    TookEffect,
    /// Its effect is not there: run it.
    DidNotTakeEffect,
}

/// `down` options: `--steps` and `--to` exclude each other; neither means one step.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::Cli;
/// assert!(Cli::try_parse_from(["contracts", "down", "--steps", "1", "--to", "5"]).is_err());
/// ```
#[derive(Debug, Clone, Args)]
pub struct DownArgs {
    /// Revert this many of the most recently applied migrations (default 1).
    #[arg(long, value_name = "N", conflicts_with = "to", value_parser = clap::value_parser!(u32).range(1..))]
    pub steps: Option<u32>,
    /// Revert every migration applied after this version; `--to 0` reverts all of them.
    #[arg(long, value_name = "VERSION")]
    pub to: Option<i64>,
}

/// Which way `plan` looks.
///
/// ```
/// use lockgate_runtime::cli::PlanDirection;
/// assert_eq!(PlanDirection::default(), PlanDirection::Up);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum PlanDirection {
    /// The pending migrations, in the order `up` would apply them.
    #[default]
    Up,
    /// The applied migrations `down` would revert, most recent first.
    Down,
}

/// The backend `plan --backend` renders for, without connecting.
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_runtime::cli::PlanBackend;
/// assert_eq!(Backend::from(PlanBackend::Mysql), Backend::MySql);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanBackend {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    #[value(alias = "mariadb")]
    Mysql,
    /// SQLite.
    Sqlite,
}

impl From<PlanBackend> for lockgate_dsl::Backend {
    fn from(backend: PlanBackend) -> Self {
        match backend {
            PlanBackend::Postgres => lockgate_dsl::Backend::Postgres,
            PlanBackend::Mysql => lockgate_dsl::Backend::MySql,
            PlanBackend::Sqlite => lockgate_dsl::Backend::Sqlite,
        }
    }
}

/// `plan` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command, PlanBackend, PlanDirection};
/// let cli = Cli::try_parse_from(["contracts", "plan", "down", "--to", "0"]).unwrap();
/// assert!(matches!(cli.command, Command::Plan(ref p) if p.direction == Some(PlanDirection::Down)));
/// let cli = Cli::try_parse_from(["contracts", "plan", "--backend", "sqlite"]).unwrap();
/// assert!(matches!(cli.command, Command::Plan(ref p) if p.backend == Some(PlanBackend::Sqlite)));
/// ```
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// `up` (default) or `down`.
    #[arg(value_enum)]
    pub direction: Option<PlanDirection>,
    /// Up: stop after this version. Down: revert everything after this version (default: one step;
    /// with --backend, every migration).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<i64>,
    /// Render for this backend without connecting to any database, as if it were empty (up) or had
    /// every migration applied (down): for review and snapshot tests.
    #[arg(long, value_enum, value_name = "BACKEND")]
    pub backend: Option<PlanBackend>,
}

/// `protect` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "protect", "production"]).unwrap();
/// assert!(matches!(cli.command, Command::Protect(ref p) if p.reason == "production"));
/// ```
#[derive(Debug, Clone, Args)]
pub struct ProtectArgs {
    /// Why the database must not be dropped, shown when `fresh` or `reset` refuses (e.g. `production`).
    #[arg(value_name = "REASON")]
    pub reason: String,
}

/// `purge` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::{Cli, Command};
/// let cli = Cli::try_parse_from(["contracts", "purge", "lockgate_backup_contracts__is_template"]).unwrap();
/// assert!(matches!(cli.command, Command::Purge(ref p) if p.table.is_some()));
/// ```
#[derive(Debug, Clone, Args)]
pub struct PurgeArgs {
    /// The backup table to drop; every backup when left out.
    #[arg(value_name = "TABLE")]
    pub table: Option<String>,
}

/// `baseline` options.
///
/// ```
/// use clap::Parser;
/// use lockgate_runtime::cli::Cli;
/// assert!(Cli::try_parse_from(["contracts", "baseline"]).is_err());
/// ```
#[derive(Debug, Clone, Args)]
pub struct BaselineArgs {
    /// The last version the database already has: it and every earlier migration are recorded as applied.
    #[arg(value_name = "VERSION")]
    pub version: i64,
    /// First check that the schema is exactly what the migrations up to VERSION produce (replayed in a
    /// scratch database), and refuse otherwise, listing every difference.
    #[arg(long)]
    pub verify: bool,
    /// Where `--verify` makes its scratch database (default: beside --database-url).
    #[arg(long, value_name = "URL", requires = "verify")]
    pub scratch_url: Option<String>,
}
