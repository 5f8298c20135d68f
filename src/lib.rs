//! lockgate: database schema migrations that are typed, reversible and safe by construction.
//!
//! A migration is a Rust type with `#[derive(Migration)]`. Its operations are planned through a
//! typed DSL that renders up **and** down SQL for PostgreSQL, MySQL/MariaDB and SQLite; the
//! compiler refuses a migration that cannot be reversed, or that would drop data, hold a long lock
//! or break running code, unless its author says why.

pub use lockgate_dsl as dsl;
pub use lockgate_runtime as runtime;

/// The embeddable command line: `lockgate::cli::run(migrator)`.
#[cfg(feature = "cli")]
pub use lockgate_runtime::cli;

/// The names a migration file needs.
pub mod prelude {
    pub use lockgate_dsl::plan::{Backward, OneWay, Plan};
    pub use lockgate_dsl::schema::{CheckDef, ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, UniqueDef};
    pub use lockgate_dsl::types::{Date, Decimal, Json, Time, Timestamp, Timestamptz, Uuid, Varchar};
    pub use lockgate_dsl::{Change, DefaultValue, Down, SqlExpr, Up};
}
