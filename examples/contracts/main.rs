//! A real hard cutover as typed lockgate migrations: contract templates move out of the `contracts`
//! tables into dedicated ones.
//!
//! The steps, one migration each: the legacy schema and a seed of a few tenants' rows; the new
//! template tables with `NOT VALID` foreign keys; views comparing legacy and new rows; an idempotent
//! backfill; a parity check per tenant; `VALIDATE` of the foreign keys; dropping the comparison
//! views; and finally deleting the legacy template rows and dropping their columns.
//!
//! ```sh
//! cargo run --example contracts -- up                 # apply everything to ./contracts.db (SQLite)
//! cargo run --example contracts -- plan down --to 0   # the SQL that would revert it all
//! cargo run --example contracts -- status --database-url postgres://postgres@127.0.0.1:5432/test
//! ```

mod migrations;

use std::process::ExitCode;

fn main() -> ExitCode {
    lockgate::cli::run(lockgate::runtime::Migrator::new(migrations::migrations()))
}
