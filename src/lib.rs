//! lockgate: database schema migrations that are typed, reversible and safe by construction.
//!
//! A migration is a Rust type with `#[derive(Migration)]`. Its operations are planned through a
//! typed DSL that renders up **and** down SQL for PostgreSQL, MySQL/MariaDB and SQLite; the
//! compiler refuses a migration that cannot be reversed, or that would drop data, hold a long lock
//! or break running code, unless its author says why.
//!
//! # A migration
//!
//! ```
//! use lockgate::prelude::*;
//!
//! /// Create the dedicated contract template tables.
//! #[derive(Migration)]
//! #[migration(version = 20250107162000)]
//! pub struct CreateContractTemplates;
//!
//! impl Change for CreateContractTemplates {
//!     fn change(&self, m: &mut Plan<Self>) {
//!         m.create_table("contract_templates", |t| {
//!             t.column::<Uuid>("template_id").primary_key();
//!             t.column::<Uuid>("tenant"); // NOT NULL: not an Option
//!             t.column::<String>("template_name");
//!             t.column::<Option<Json>>("template_metadata"); // nullable
//!             t.column::<Timestamptz>("created_at").default_now();
//!             t.index(["tenant", "template_name"]).unique(); // safe: the table is new
//!         });
//!     }
//! }
//!
//! let migration = CreateContractTemplates;
//! assert_eq!(migration.meta().version, 20250107162000);
//! assert_eq!(migration.meta().name, "Create the dedicated contract template tables.");
//! // `down` is derived: the inverse of every operation, in reverse order.
//! assert_eq!(migration.down_operations().unwrap()[0].op.kind(), "drop_table");
//!
//! // The runtime takes the list; versions are checked unique and ascending at compile time.
//! let all = lockgate::migrations![CreateContractTemplates];
//! assert_eq!(all.len(), 1);
//! ```
//!
//! # Three ways to plan
//!
//! - `impl Change`: one plan; `down` is its inverse. Only operations with a derivable inverse
//!   exist in a `Change` plan: `drop_column` takes the full column definition, a type change takes
//!   the old and new types, raw SQL takes its reverse SQL.
//! - `impl Up` and `impl Down`: hand-written ways up and down, for changes the inverse cannot
//!   express (data backfills, raw SQL without a plain reverse). Risk gates do not apply to `Down`.
//! - `impl Up` alone, with `#[migration(irreversible = "why")]`: `down_operations()` returns
//!   [`DownError::Declared`](dsl::DownError::Declared).
//!
//! Any other combination (none of them, `Up` without `Down`, `Change` with `irreversible`, …) is a
//! compile error on the type that says which trait to implement.
//!
//! # Attributes
//!
//! | attribute | meaning |
//! |---|---|
//! | `version = 20250107162000` | required; unique and ascending (usually the UTC time of writing) |
//! | `name = "..."` | the human name; defaults to the doc comment's first line, then the type name |
//! | `allow(destructive = "why")` | allows operations that drop data |
//! | `allow(blocking = "why")` | allows long locks, rewrites and scans of live tables |
//! | `allow(incompatible = "why")` | allows changes that break running code (renames, type changes) |
//! | `allow(data_dependent = "why")` | allows operations that may fail on production data |
//! | `irreversible = "why"` | the migration has no way down; implement `Up` alone |
//! | `transaction = false` | runs without a transaction, for `CONCURRENTLY` index operations |
//! | `backends = "postgres"` | the backends the migration is for (comma-separated); elsewhere its plan test checks nothing and the runtime records it as `skipped` without running it |
//! | `sample = "INSERT ..."` | repeatable: rows `verify` inserts before the migration's `up`, so its round trip checks that `down` gives the rows of the tables it touches back |
//! | `crate = "path"` | where the `lockgate` crate is, when it is re-exported under another name |
//!
//! The test the derive writes checks the migration's plans on every enabled backend; with
//! `LOCKGATE_VERIFY_URL` set (a server URL, or `sqlite::memory:`) it also runs the migration's live round
//! trip in a scratch database, on top of the migrations of its crate before it.
//!
//! Every reason must be a non-empty string: it is the review note a colleague reads. Every
//! attribute mistake of a derive is reported at once, on the offending token.
//!
//! # What the compiler refuses
//!
//! A risky DSL method only compiles in a migration that allows its category: without
//! `allow(destructive = "...")`, `m.drop_table(..)` fails with a message that names the operation,
//! the category, why it is risky and the safe alternative. A rule that needs the whole plan or a
//! backend (an index without `CONCURRENTLY` on an existing table, `VALIDATE` in the migration that
//! added the constraint `NOT VALID`, an enum type on MySQL, …) is a *plan-time* rule. The full
//! catalogue of both kinds, with the safe alternative of each, is in [`dsl::risk`].
//!
//! # `cargo test` checks every migration
//!
//! For each derived type the derive also emits a `#[cfg(test)] #[test]` function named
//! `lockgate_check_<type_in_snake_case>` beside the type. It calls
//! [`dsl::check::check_migration`], which builds `up` and `down` and, for every backend enabled
//! by the `postgres`, `mysql` and `sqlite` features, runs every plan-time rule and renders both
//! directions. So `cargo test` in the crate that defines the migrations fails on a migration that
//! breaks a plan-time rule it does not allow, or that a backend cannot express, before any
//! database sees it. Declare migrations at module level: the test of a migration declared inside a
//! function cannot be named, so the harness skips it (and rustc warns `unnameable_test_items`).
//!
//! # Snapshot-testing your SQL
//!
//! [`dsl::render::script`] renders one migration's up or down for one backend as an SQL script,
//! without a database: a header comment (version, name, backend, direction), then every statement
//! ending in `;`, with `-- outside a transaction` before `CONCURRENTLY` statements, assertions as a
//! comment and their query, and SQLite table rebuilds (which read the live table) as a comment
//! describing them. The output is deterministic, so a snapshot of it shows in review exactly what
//! SQL a change to a migration changes. An irreversible down, or an operation a backend cannot
//! express, is a [`dsl::render::ScriptError`].
//!
//! ```
//! use lockgate::prelude::*;
//! use lockgate::dsl::Backend;
//! use lockgate::dsl::render::{script, Direction};
//!
//! /// Add the template flag.
//! #[derive(Migration)]
//! #[migration(version = 20250107162500)]
//! pub struct AddTemplateFlag;
//!
//! impl Change for AddTemplateFlag {
//!     fn change(&self, m: &mut Plan<Self>) {
//!         m.add_column_with_default::<bool>("contracts", "is_template", false);
//!     }
//! }
//!
//! let up = script(&AddTemplateFlag, Backend::Postgres, Direction::Up).unwrap();
//! assert_eq!(
//!     up,
//!     "-- migration 20250107162500: Add the template flag.\n\
//!      -- backend: postgres, direction: up\n\
//!      \n\
//!      ALTER TABLE \"contracts\" ADD COLUMN \"is_template\" boolean NOT NULL DEFAULT FALSE;\n"
//! );
//! let down = script(&AddTemplateFlag, Backend::MySql, Direction::Down).unwrap();
//! assert!(down.ends_with("ALTER TABLE `contracts` DROP COLUMN `is_template`;\n"));
//! ```
//!
//! With [insta](https://insta.rs) as a dev-dependency, one test per backend and direction keeps a
//! reviewed `.snap` file beside the tests; `cargo insta review` shows the SQL diff of a change:
//!
//! ```ignore
//! use lockgate::dsl::Backend;
//! use lockgate::dsl::render::{script, Direction, ScriptError};
//!
//! #[test]
//! fn add_template_flag_sql() -> Result<(), ScriptError> {
//!     for backend in [Backend::Postgres, Backend::MySql, Backend::Sqlite] {
//!         for direction in [Direction::Up, Direction::Down] {
//!             let name = format!("add_template_flag_{backend}_{direction}");
//!             insta::assert_snapshot!(name, script(&AddTemplateFlag, backend, direction)?);
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! The command line does the same for every migration at once: `plan --backend postgres` (or
//! `mysql`, `sqlite`) prints the script of every migration as if the database were empty, and
//! `plan down --backend ...` every way down, newest first, without connecting to any database.
//!
//! # Features
//!
//! `derive` (the macros), `postgres`, `mysql`, `sqlite` (backends), `cli` (the embeddable command line).
//! All are on by default. A backend feature brings its sqlx driver, its [`runtime::Database`] variant and
//! runtime driver, and its plan-time rules in the generated tests; a build without it has none of them:
//!
//! ```toml
//! lockgate = { version = "0.1", default-features = false, features = ["derive", "postgres", "cli"] }
//! ```
//!
//! That build links no MySQL or SQLite driver and refuses `sqlite:` URLs. SQL for every backend can still
//! be rendered offline (`plan --backend`), since rendering needs no driver.
//!
//! One list can carry migrations for some backends only: `#[migration(backends = "postgres")]` on a
//! PostgreSQL enum keeps it out of the SQLite checks, and on SQLite the runtime records it as `skipped` and
//! runs nothing, so a service that tests on SQLite and ships on PostgreSQL keeps one list.

/// The typed DSL: operations, column types, plans, risk rules, rendering and checksums.
///
/// A module of its own rather than a renamed crate, so the compiler's messages name its items by the path
/// users write (`lockgate::dsl::risk::gates::DropColumn`), not by the crate behind it.
pub mod dsl {
    pub use lockgate_dsl::*;
}
/// The migrator: apply, revert, track and verify migrations.
pub use lockgate_runtime as runtime;
/// Helpers for tests: the up-down-up round trip against a server, and one SQL snapshot of a whole list.
pub use lockgate_runtime::testing;

/// The embeddable command line: `lockgate::cli::run(migrator)`.
#[cfg(feature = "cli")]
pub use lockgate_runtime::cli;

/// A migration the runtime can apply and revert; see the [crate docs](crate) for the derive.
///
/// ```
/// # use lockgate::prelude::*;
/// # #[derive(Migration)]
/// # #[migration(version = 1)]
/// # struct AddCitext;
/// # impl Change for AddCitext {
/// #     fn change(&self, m: &mut Plan<Self>) { m.create_extension("citext"); }
/// # }
/// let migration: &dyn lockgate::Migration = &AddCitext;
/// assert_eq!(migration.up_operations()[0].op.describe(), "create_extension `citext`");
/// ```
pub use lockgate_dsl::Migration;

/// `#[derive(Migration)]`: implements [`Migration`] for a type that implements `Change`,
/// `Up` + `Down`, or `Up` alone with `irreversible`; see the [crate docs](crate).
#[cfg(feature = "derive")]
pub use lockgate_macros::Migration;

#[cfg(feature = "derive")]
#[doc(hidden)]
pub use lockgate_macros::__migration_list;

/// What `#[derive(Migration)]` expands to uses at run time; not a public API.
#[cfg(feature = "derive")]
#[doc(hidden)]
#[path = "registry.rs"]
pub mod __private;

/// The list of migrations for the runtime, as `Vec<Box<dyn lockgate::Migration>>`.
///
/// Each entry is a `#[derive(Migration)]` type (a type with fields must implement `Default`). Versions
/// must be unique and ascending; the compiler checks it and names the two types out of order.
///
/// ```
/// use lockgate::prelude::*;
///
/// #[derive(Migration)]
/// #[migration(version = 1)]
/// struct CreateTenants;
/// impl Change for CreateTenants {
///     fn change(&self, m: &mut Plan<Self>) {
///         m.create_table("tenants", |t| { t.column::<i64>("id").primary_key(); });
///     }
/// }
///
/// #[derive(Migration)]
/// #[migration(version = 2)]
/// struct AddTenantName;
/// impl Change for AddTenantName {
///     fn change(&self, m: &mut Plan<Self>) {
///         m.add_column::<Option<String>>("tenants", "name");
///     }
/// }
///
/// let all: Vec<Box<dyn lockgate::Migration>> = lockgate::migrations![CreateTenants, AddTenantName];
/// assert_eq!(all[1].meta().version, 2);
/// ```
#[cfg(feature = "derive")]
#[macro_export]
macro_rules! migrations {
    ($($list:tt)*) => {
        $crate::__migration_list!($crate; $($list)*)
    };
}

/// The migrations in a folder of SQL files, read at compile time, as `Vec<Box<dyn lockgate::Migration>>`.
///
/// The folder (relative to the crate's `Cargo.toml`) may be in any of these layouts:
///
/// - sqlx: `<version>_<name>.up.sql` with `<version>_<name>.down.sql`, or a one-way `<version>_<name>.sql`;
/// - diesel: `<version>_<name>/up.sql` with `down.sql` (a version such as `2024-03-13-120000` counts its
///   digits only, `20240313120000`; diesel orders versions as text, so they must all have as many digits);
/// - refinery: `V<version>__<name>.sql` (refinery has no down SQL).
///
/// Each migration is raw SQL with its reverse, and the raw-SQL rules judge it like `m.sql(up, down)`
/// before `up` runs it. The settings of `#[migration(...)]` go in `-- lockgate:` lines at the top of the up
/// SQL: `-- lockgate: allow(destructive = "why")`, `-- lockgate: transaction = false`,
/// `-- lockgate: backends = "postgres"`, `-- lockgate: irreversible = "why"`.
///
/// Down SQL that is missing or empty is refused at compile time unless the migration says why it cannot be
/// undone, in its header or for the whole folder: `embed_migrations!("migrations", irreversible = "why")`.
/// Mix the list with typed migrations through [`runtime::Migrator::from_lists`], which orders them by
/// version. Cargo rebuilds when a file changes; a new file needs a rebuild (`touch` the crate, or print
/// `cargo:rerun-if-changed=migrations` from a build script).
///
/// ```ignore
/// let migrator = lockgate::runtime::Migrator::from_lists([
///     lockgate::embed_migrations!("migrations"),
///     lockgate::migrations![BackfillTemplates],
/// ])?;
/// ```
#[cfg(feature = "derive")]
pub use lockgate_macros::embed_migrations;

/// The names a migration file needs.
///
/// ```
/// use lockgate::prelude::*;
///
/// #[derive(Migration)]
/// #[migration(version = 20250107162500)]
/// struct AddTemplateFlag;
///
/// impl Change for AddTemplateFlag {
///     fn change(&self, m: &mut Plan<Self>) {
///         m.add_column_with_default::<bool>("contracts", "is_template", false);
///     }
/// }
/// # assert_eq!(AddTemplateFlag.meta().version, 20250107162500);
/// ```
pub mod prelude {
    pub use crate::Migration;
    pub use lockgate_dsl::plan::{Backward, OneWay, Plan};
    pub use lockgate_dsl::schema::{
        Backfill, CheckDef, ColumnDef, CommentOn, Expansion, ForeignKeyDef, FunctionDef, GrantDef, IndexDef, Parity,
        PartitionBound, PartitionDef, PartitionStrategy, PartitionValue, PolicyCommand, PolicyDef, Privilege,
        ReferentialAction, RowSecurity, SequenceDef, TriggerDef, TriggerEvent, Undo, UniqueDef,
    };
    pub use lockgate_dsl::types::{
        Array, Blob, Char, Citext, Date, Decimal, Inet, Interval, Json, JsonText, Time, Timestamp, Timestamptz, Uuid,
        Varchar,
    };
    pub use lockgate_dsl::{Change, DefaultValue, Down, SqlExpr, Up};
}
