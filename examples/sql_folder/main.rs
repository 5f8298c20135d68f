//! Migrations as a folder of SQL files in sqlx's layout, mixed with a typed migration in one list.
//!
//! `migrations/` holds `<version>_<name>.up.sql` and `.down.sql` pairs; the raw-SQL rules judge each file
//! before `up` runs it, and a `-- lockgate:` line at the top of a file says what `#[migration(...)]` would
//! (here: an irreversible backfill that allows its table-wide `UPDATE`).
//!
//! ```sh
//! cargo run --example sql_folder -- up              # apply everything to ./sql_folder.db (SQLite)
//! cargo run --example sql_folder -- status
//! cargo run --example sql_folder -- plan --backend postgres
//! ```

use std::process::ExitCode;

use lockgate::prelude::*;
use lockgate::runtime::{Error, Migrator};

/// Add order notes
#[derive(Migration)]
#[migration(version = 20240105000000)]
pub struct AddOrderNote;

impl Change for AddOrderNote {
    fn change(&self, m: &mut Plan<Self>) {
        m.add_column::<Option<String>>("orders", "note");
    }
}

/// The SQL folder and the typed migrations, in version order.
fn migrator() -> Result<Migrator, Error> {
    Migrator::from_lists([
        lockgate::embed_migrations!("examples/sql_folder/migrations"),
        lockgate::migrations![AddOrderNote],
    ])
}

fn main() -> ExitCode {
    lockgate::cli::run(migrator())
}

#[cfg(test)]
mod tests {
    use lockgate::dsl::check::check_migration;

    fn all() -> Vec<Box<dyn lockgate::Migration>> {
        let mut all = lockgate::embed_migrations!("examples/sql_folder/migrations");
        all.extend(lockgate::migrations![super::AddOrderNote]);
        all
    }

    #[test]
    fn the_folder_is_read_in_version_order_with_its_headers() {
        let all = all();
        let versions: Vec<i64> = all.iter().map(|m| m.meta().version).collect();
        assert_eq!(
            versions,
            [
                20240101000000,
                20240102000000,
                20240103000000,
                20240104000000,
                20240105000000
            ]
        );
        assert_eq!(all[0].meta().name, "create users");
        let backfill = all[3].meta();
        assert!(
            backfill
                .irreversible
                .is_some_and(|why| why.starts_with("the names are copies"))
        );
        assert!(backfill.allow.blocking.is_some());
        assert!(all[3].down_operations().is_err());
    }

    #[test]
    fn every_migration_passes_its_plan_checks() {
        for migration in all() {
            if let Err(problems) = check_migration(&*migration) {
                panic!("{}: {problems:?}", migration.meta().name);
            }
        }
    }

    /// With `LOCKGATE_VERIFY_URL` set (CI sets it for each backend), every migration runs up, down and up again
    /// in a scratch database beside it, comparing schema and rows; the irreversible backfill is reported as
    /// such. Without it, on an in-memory SQLite database.
    #[tokio::test]
    async fn every_migration_round_trips() {
        let url = std::env::var("LOCKGATE_VERIFY_URL").unwrap_or_else(|_| "sqlite::memory:".to_owned());
        let report = super::migrator().unwrap().verify(&url).await.unwrap();
        assert_eq!(report.migrations.len(), 5, "{report:?}");
        if let Some(failure) = report.first_failure() {
            panic!("{failure:?}");
        }
    }
}
