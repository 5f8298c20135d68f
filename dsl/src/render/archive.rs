//! Archived columns and tables: their data copied to a backup table before the drop, and copied back by the
//! restore, which first checks the backup is still there.

use super::table::{add_column, alter_column, create_table, drop_column, drop_table};
use super::{RenderError, Step, check_name, quote_ident, quote_literal};
use crate::backend::Backend;
use crate::schema::{ColumnDef, TableDef, backup_table};

/// A query that is true when `table` exists in the connection's schema.
fn exists(backend: Backend, table: &str) -> String {
    let name = quote_literal(backend, table);
    match backend {
        Backend::Postgres => format!(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = {name})"
        ),
        Backend::MySql => format!(
            "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = {name}"
        ),
        Backend::Sqlite => format!("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = {name}"),
    }
}

/// Refuses to archive over a backup an earlier archive left.
fn no_backup_yet(backend: Backend, backup: &str, what: &str) -> Step {
    Step::Assert {
        query: format!("SELECT NOT ({})", exists(backend, backup)),
        message: format!(
            "a backup `{backup}` of {what} is already there, from an earlier archive; `purge {backup}` drops it \
             (and the data it keeps), then run this migration again"
        ),
    }
}

/// Refuses to restore from a backup that is gone, which would bring the data back empty.
fn backup_still_there(backend: Backend, backup: &str, what: &str) -> Step {
    Step::Assert {
        query: exists(backend, backup),
        message: format!(
            "the backup `{backup}` of {what} is gone (`purge` drops backups), so going down would bring it back \
             empty; restore `{backup}` from a copy of the database first"
        ),
    }
}

fn columns(backend: Backend, names: &[&str]) -> String {
    names
        .iter()
        .map(|name| quote_ident(backend, name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn archive_column(
    table: &str,
    column: &ColumnDef,
    key: &[String],
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    let backup = backup_table(table, Some(&column.name));
    check_name(backend, &backup)?;
    if key.is_empty() || key.contains(&column.name) {
        return Err(RenderError::Unsupported {
            operation: format!("archive_column `{table}`.`{}`", column.name),
            backend,
            hint: "give the columns that identify a row (the primary key), not the archived column itself",
        });
    }
    let what = format!("`{table}`.`{}`", column.name);
    let mut copied: Vec<&str> = key.iter().map(String::as_str).collect();
    copied.push(&column.name);
    let mut steps = vec![
        no_backup_yet(backend, &backup, &what),
        Step::sql(format!(
            "CREATE TABLE {} AS SELECT {} FROM {}",
            quote_ident(backend, &backup),
            columns(backend, &copied),
            quote_ident(backend, table)
        )),
    ];
    steps.extend(drop_column(table, column, backend)?);
    Ok(steps)
}

pub(super) fn restore_column(
    table: &str,
    column: &ColumnDef,
    key: &[String],
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    let backup = backup_table(table, Some(&column.name));
    check_name(backend, &backup)?;
    let what = format!("`{table}`.`{}`", column.name);
    // NULL until the values are back, then NOT NULL again where it was.
    let mut loose = column.clone();
    loose.nullable = true;
    let mut steps = vec![backup_still_there(backend, &backup, &what)];
    steps.extend(add_column(table, &loose, backend)?);
    let (t, b) = (quote_ident(backend, table), quote_ident(backend, &backup));
    let matches = key
        .iter()
        .map(|k| {
            let k = quote_ident(backend, k);
            format!("{b}.{k} = {t}.{k}")
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    let c = quote_ident(backend, &column.name);
    steps.push(Step::sql(format!(
        "UPDATE {t} SET {c} = (SELECT {b}.{c} FROM {b} WHERE {matches}) WHERE EXISTS (SELECT 1 FROM {b} WHERE {matches})"
    )));
    if !column.nullable {
        steps.extend(alter_column(table, &loose, column, backend)?);
    }
    steps.push(Step::sql(format!("DROP TABLE {b}")));
    Ok(steps)
}

pub(super) fn archive_table(table: &TableDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    let backup = backup_table(&table.name, None);
    check_name(backend, &backup)?;
    let what = format!("`{}`", table.name);
    let mut steps = vec![
        no_backup_yet(backend, &backup, &what),
        Step::sql(format!(
            "CREATE TABLE {} AS SELECT * FROM {}",
            quote_ident(backend, &backup),
            quote_ident(backend, &table.name)
        )),
    ];
    steps.extend(drop_table(table, backend)?);
    Ok(steps)
}

pub(super) fn restore_table(table: &TableDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    let backup = backup_table(&table.name, None);
    check_name(backend, &backup)?;
    let what = format!("`{}`", table.name);
    let mut steps = vec![backup_still_there(backend, &backup, &what)];
    steps.extend(create_table(table, backend)?);
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let names = columns(backend, &names);
    let (t, b) = (quote_ident(backend, &table.name), quote_ident(backend, &backup));
    steps.push(Step::sql(format!("INSERT INTO {t} ({names}) SELECT {names} FROM {b}")));
    steps.push(Step::sql(format!("DROP TABLE {b}")));
    Ok(steps)
}
