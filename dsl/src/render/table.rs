//! Tables and columns: create, drop, rename, add, drop and alter.

use sea_query::{Alias, Index, Table};

use super::clause::{check_fk_names, fk_clause, sea_foreign_key};
use super::index::create_index;
use super::quote::{build, check_name, check_names, quote_ident, raw_name};
use super::rebuild::{RebuildChange, rebuild};
use super::types::{column_type_sql, default_sql, raw_expr, sea_column, sqlite_constant_default};
use super::{RenderError, Step};
use crate::backend::Backend;
use crate::schema::{ColumnDef, IndexDef, TableDef};

/// Checks every name a table definition renders.
fn check_table_names(t: &TableDef, backend: Backend) -> Result<(), RenderError> {
    check_name(backend, &t.name)?;
    check_names(backend, t.columns.iter().map(|c| c.name.as_str()))?;
    check_names(backend, t.primary_key.iter().map(String::as_str))?;
    for u in &t.uniques {
        check_name(backend, &u.name)?;
        check_names(backend, u.columns.iter().map(String::as_str))?;
    }
    check_names(backend, t.checks.iter().map(|c| c.name.as_str()))?;
    for fk in &t.foreign_keys {
        check_fk_names(fk, backend)?;
    }
    Ok(())
}

/// Checks the names a foreign key renders.
pub(super) fn create_table(t: &TableDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_table_names(t, backend)?;
    let mut stmt = Table::create();
    stmt.table(Alias::new(t.name.as_str()));
    for column in &t.columns {
        stmt.col(sea_column(column, backend)?);
    }
    if !t.primary_key.is_empty() {
        let mut pk = Index::create();
        for column in &t.primary_key {
            pk.col(Alias::new(column.as_str()));
        }
        stmt.primary_key(&mut pk);
    }
    for unique in &t.uniques {
        let mut index = Index::create();
        index.name(raw_name(backend, &unique.name)).unique();
        for column in &unique.columns {
            index.col(Alias::new(column.as_str()));
        }
        stmt.index(&mut index);
    }
    for check in &t.checks {
        stmt.check((Alias::new(check.name.as_str()), raw_expr(check.expr.clone())));
    }
    // sea-query's SQLite builder drops foreign-key names; those are spliced in below instead.
    if backend != Backend::Sqlite {
        for fk in &t.foreign_keys {
            stmt.foreign_key(&mut sea_foreign_key(fk, backend));
        }
    }
    let mut sql = build(&stmt, backend);
    if let Some(key) = &t.partition_by {
        sql.push_str(&super::partition::partition_by(t, key, backend)?);
    }
    if backend == Backend::Sqlite && !t.foreign_keys.is_empty() {
        let body_end = sql.rfind(" )").unwrap_or(sql.len());
        let clauses: String = t
            .foreign_keys
            .iter()
            .map(|fk| format!(", {}", fk_clause(fk, backend)))
            .collect();
        sql.insert_str(body_end, &clauses);
    }
    let mut steps = vec![Step::sql(sql)];
    for index in &t.indexes {
        // The table is new and empty: building its indexes needs no CONCURRENTLY.
        let index = IndexDef {
            concurrently: false,
            ..index.clone()
        };
        steps.extend(create_index(&index, backend)?);
    }
    Ok(steps)
}

/// A foreign key as a sea-query statement; names are escaped here because sea-query writes them raw.
pub(super) fn drop_table(t: &TableDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_table_names(t, backend)?;
    let stmt = Table::drop().table(Alias::new(t.name.as_str())).to_owned();
    Ok(vec![Step::sql(build(&stmt, backend))])
}

pub(super) fn rename_table(from: &str, to: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [from, to])?;
    let stmt = Table::rename().table(Alias::new(from), Alias::new(to)).to_owned();
    Ok(vec![Step::sql(build(&stmt, backend))])
}

pub(super) fn add_column(table: &str, column: &ColumnDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [table, column.name.as_str()])?;
    if backend == Backend::Sqlite {
        // SQLite's ADD COLUMN refuses expression defaults, NOT NULL without a default, and STORED columns.
        let refused = column.generated.is_some()
            || match &column.default {
                Some(default) => !sqlite_constant_default(default),
                None => !column.nullable,
            };
        if refused {
            column_type_sql(&column.ty, backend, &column.name)?;
            return Ok(rebuild(table, RebuildChange::AddColumn(column.clone())));
        }
    }
    let stmt = Table::alter()
        .table(Alias::new(table))
        .add_column(sea_column(column, backend)?)
        .to_owned();
    Ok(vec![Step::sql(build(&stmt, backend))])
}

pub(super) fn drop_column(table: &str, column: &ColumnDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [table, column.name.as_str()])?;
    let stmt = Table::alter()
        .table(Alias::new(table))
        .drop_column(Alias::new(column.name.as_str()))
        .to_owned();
    Ok(vec![Step::sql(build(&stmt, backend))])
}

pub(super) fn rename_column(table: &str, from: &str, to: &str, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [table, from, to])?;
    let stmt = Table::alter()
        .table(Alias::new(table))
        .rename_column(Alias::new(from), Alias::new(to))
        .to_owned();
    Ok(vec![Step::sql(build(&stmt, backend))])
}

pub(super) fn alter_column(
    table: &str,
    from: &ColumnDef,
    to: &ColumnDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [table, from.name.as_str(), to.name.as_str()])?;
    if from.name != to.name {
        return Err(RenderError::Unsupported {
            operation: format!("alter_column `{table}`.`{}` to `{}`", from.name, to.name),
            backend,
            hint: "alter_column keeps the column's name; rename it with rename_column",
        });
    }
    // Both types must exist on the backend, so that down renders too.
    column_type_sql(&from.ty, backend, &from.name)?;
    let to_type = column_type_sql(&to.ty, backend, &to.name)?;
    match backend {
        Backend::Postgres => alter_column_postgres(table, from, to, &to_type),
        Backend::MySql => {
            // MODIFY COLUMN restates the whole column: whatever is left out is lost.
            let stmt = Table::alter()
                .table(Alias::new(table))
                .modify_column(sea_column(to, backend)?)
                .to_owned();
            Ok(vec![Step::sql(build(&stmt, backend))])
        }
        Backend::Sqlite => Ok(rebuild(
            table,
            RebuildChange::AlterColumn {
                from: from.clone(),
                to: to.clone(),
            },
        )),
    }
}

/// One statement per changed aspect, so each takes only the lock it needs.
fn alter_column_postgres(
    table: &str,
    from: &ColumnDef,
    to: &ColumnDef,
    to_type: &str,
) -> Result<Vec<Step>, RenderError> {
    let backend = Backend::Postgres;
    let prefix = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        quote_ident(backend, table),
        quote_ident(backend, &to.name)
    );
    let mut steps = Vec::new();
    let type_changes = from.ty != to.ty;
    // A default is typed: the old one may not cast to the new type (text to an enum), so it goes
    // before the type changes and the new one, even if it reads the same, comes after.
    let default_dropped_first = type_changes && from.default.is_some();
    let default_changes = from.default != to.default || default_dropped_first;
    if default_dropped_first {
        steps.push(Step::sql(format!("{prefix} DROP DEFAULT")));
    }
    if type_changes {
        let column = quote_ident(backend, &to.name);
        let stmt = Table::alter()
            .table(Alias::new(table))
            .modify_column(
                sea_query::ColumnDef::new_with_type(
                    Alias::new(to.name.as_str()),
                    sea_query::ColumnType::custom(super::types::raw(to_type.to_owned())),
                )
                .using(raw_expr(format!("{column}::{to_type}"))),
            )
            .to_owned();
        steps.push(Step::sql(build(&stmt, backend)));
    }
    if default_changes {
        match &to.default {
            Some(default) => {
                let stmt = Table::alter()
                    .table(Alias::new(table))
                    .modify_column(
                        sea_query::ColumnDef::new(Alias::new(to.name.as_str()))
                            .default(raw_expr(default_sql(default, &to.ty, backend)?)),
                    )
                    .to_owned();
                steps.push(Step::sql(build(&stmt, backend)));
            }
            None if !default_dropped_first => steps.push(Step::sql(format!("{prefix} DROP DEFAULT"))),
            None => {}
        }
    }
    if from.nullable != to.nullable {
        let mut column = sea_query::ColumnDef::new(Alias::new(to.name.as_str()));
        if to.nullable {
            column.null();
        } else {
            column.not_null();
        }
        let stmt = Table::alter().table(Alias::new(table)).modify_column(column).to_owned();
        steps.push(Step::sql(build(&stmt, backend)));
    }
    Ok(steps)
}
