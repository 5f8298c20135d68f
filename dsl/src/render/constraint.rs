//! Constraints: foreign keys, checks and unique constraints, and `VALIDATE CONSTRAINT`.

use sea_query::{Alias, ForeignKey};

use super::clause::{check_clause, check_fk_names, sea_foreign_key, unique_clause};
use super::quote::{build, check_name, check_names, ident_list, quote_ident};
use super::rebuild::{RebuildChange, rebuild};
use super::{RenderError, Step};
use crate::backend::Backend;
use crate::schema::{CheckDef, ForeignKeyDef, UniqueDef};

fn alter_table(table: &str, backend: Backend) -> String {
    format!("ALTER TABLE {}", quote_ident(backend, table))
}

pub(super) fn add_foreign_key(fk: &ForeignKeyDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_fk_names(fk, backend)?;
    match backend {
        Backend::Sqlite => Ok(rebuild(&fk.table, RebuildChange::AddForeignKey(fk.clone()))),
        Backend::Postgres | Backend::MySql => {
            let mut sql = build(&sea_foreign_key(fk, backend), backend);
            // MySQL has no NOT VALID: the key is added and checked at once there.
            if fk.not_valid && backend == Backend::Postgres {
                sql.push_str(" NOT VALID");
            }
            Ok(vec![Step::sql(sql)])
        }
    }
}

pub(super) fn drop_foreign_key(fk: &ForeignKeyDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_fk_names(fk, backend)?;
    match backend {
        Backend::Sqlite => Ok(rebuild(&fk.table, RebuildChange::DropForeignKey(fk.clone()))),
        Backend::Postgres | Backend::MySql => {
            let stmt = ForeignKey::drop()
                .name(super::quote::raw_name(backend, &fk.name))
                .table(Alias::new(fk.table.as_str()))
                .to_owned();
            Ok(vec![Step::sql(build(&stmt, backend))])
        }
    }
}

pub(super) fn validate(table: &str, name: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [table, name])?;
    match backend {
        Backend::Postgres => Ok(vec![Step::sql(format!(
            "{} VALIDATE CONSTRAINT {}",
            alter_table(table, backend),
            quote_ident(backend, name)
        ))]),
        // MySQL and SQLite check a constraint when it is added: there is nothing left to validate.
        Backend::MySql | Backend::Sqlite => Ok(Vec::new()),
    }
}

pub(super) fn add_check(check: &CheckDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [check.table.as_str(), check.name.as_str()])?;
    match backend {
        Backend::Sqlite => Ok(rebuild(&check.table, RebuildChange::AddCheck(check.clone()))),
        Backend::Postgres | Backend::MySql => {
            let mut sql = format!(
                "{} ADD {}",
                alter_table(&check.table, backend),
                check_clause(check, backend)
            );
            if check.not_valid && backend == Backend::Postgres {
                sql.push_str(" NOT VALID");
            }
            Ok(vec![Step::sql(sql)])
        }
    }
}

pub(super) fn drop_check(check: &CheckDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [check.table.as_str(), check.name.as_str()])?;
    match backend {
        Backend::Sqlite => Ok(rebuild(&check.table, RebuildChange::DropCheck(check.clone()))),
        Backend::Postgres | Backend::MySql => Ok(vec![Step::sql(format!(
            "{} DROP CONSTRAINT {}",
            alter_table(&check.table, backend),
            quote_ident(backend, &check.name)
        ))]),
    }
}

fn check_unique_names(unique: &UniqueDef, backend: Backend) -> Result<(), RenderError> {
    check_names(backend, [unique.table.as_str(), unique.name.as_str()])?;
    check_names(backend, unique.columns.iter().map(String::as_str))?;
    unique
        .using_index
        .as_deref()
        .map_or(Ok(()), |index| check_name(backend, index))
}

/// Adds a unique constraint. With `using_index`, PostgreSQL adopts the index (renaming it to the
/// constraint's name, and refusing an index that is not unique). On MySQL, where a unique
/// constraint *is* a unique index, one `ALTER` drops the index and adds the constraint: InnoDB
/// builds a unique index online, and a rename would not check that the index is unique. SQLite
/// rebuilds the table either way.
pub(super) fn add_unique(unique: &UniqueDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_unique_names(unique, backend)?;
    let table = alter_table(&unique.table, backend);
    let name = quote_ident(backend, &unique.name);
    let sql = match (backend, &unique.using_index) {
        (Backend::Sqlite, _) => return Ok(rebuild(&unique.table, RebuildChange::AddUnique(unique.clone()))),
        (Backend::Postgres, Some(index)) => {
            format!(
                "{table} ADD CONSTRAINT {name} UNIQUE USING INDEX {}",
                quote_ident(backend, index)
            )
        }
        (Backend::MySql, Some(index)) => format!(
            "{table} DROP INDEX {}, ADD {}",
            quote_ident(backend, index),
            unique_clause(unique, backend)
        ),
        (Backend::Postgres | Backend::MySql, None) => format!("{table} ADD {}", unique_clause(unique, backend)),
    };
    Ok(vec![Step::sql(sql)])
}

/// Drops a unique constraint. One added `using_index` gives its index back: PostgreSQL drops the
/// constraint (and with it the adopted index) and builds the index again under its old name, under
/// lock; MySQL swaps the constraint for a unique index of the old name in one `ALTER`.
pub(super) fn drop_unique(unique: &UniqueDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_unique_names(unique, backend)?;
    let table = alter_table(&unique.table, backend);
    let name = quote_ident(backend, &unique.name);
    match (backend, &unique.using_index) {
        (Backend::Sqlite, _) => Ok(rebuild(&unique.table, RebuildChange::DropUnique(unique.clone()))),
        (Backend::Postgres, Some(index)) => Ok(vec![
            Step::sql(format!("{table} DROP CONSTRAINT {name}")),
            Step::sql(format!(
                "CREATE UNIQUE INDEX {} ON {} ({})",
                quote_ident(backend, index),
                quote_ident(backend, &unique.table),
                ident_list(backend, &unique.columns)
            )),
        ]),
        (Backend::MySql, Some(index)) => Ok(vec![Step::sql(format!(
            "{table} DROP INDEX {name}, ADD UNIQUE INDEX {} ({})",
            quote_ident(backend, index),
            ident_list(backend, &unique.columns)
        ))]),
        (Backend::Postgres, None) => Ok(vec![Step::sql(format!("{table} DROP CONSTRAINT {name}"))]),
        // A MySQL unique constraint is an index of the same name.
        (Backend::MySql, None) => Ok(vec![Step::sql(format!("{table} DROP INDEX {name}"))]),
    }
}
