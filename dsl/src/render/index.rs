//! Indexes: create and drop, unique, partial and `CONCURRENTLY`.

use sea_query::{Alias, ConditionalStatement, Index};

use super::quote::{build, check_name, check_names, raw_name};
use super::types::raw_expr;
use super::{RenderError, Step};
use crate::backend::Backend;
use crate::schema::IndexDef;

pub(super) fn create_index(index: &IndexDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_names(backend, [index.name.as_str(), index.table.as_str()])?;
    check_names(backend, index.columns.iter().map(String::as_str))?;
    let concurrently = index.concurrently && backend == Backend::Postgres;
    let mut stmt = Index::create();
    stmt.name(raw_name(backend, &index.name))
        .table(Alias::new(index.table.as_str()));
    for column in &index.columns {
        stmt.col(Alias::new(column.as_str()));
    }
    if index.unique {
        stmt.unique();
    }
    if concurrently {
        stmt.concurrently();
    }
    if let Some(predicate) = &index.predicate {
        if backend == Backend::MySql {
            return Err(RenderError::Unsupported {
                operation: format!(
                    "create_index `{}` on `{}` with a WHERE predicate",
                    index.name, index.table
                ),
                backend,
                hint: "MySQL has no partial indexes; index the whole column, or a generated column",
            });
        }
        stmt.and_where(raw_expr(predicate.clone()));
    }
    Ok(vec![Step::Sql {
        sql: build(&stmt, backend),
        outside_transaction: concurrently,
    }])
}

pub(super) fn drop_index(index: &IndexDef, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check_name(backend, &index.name)?;
    check_name(backend, &index.table)?;
    let concurrently = index.concurrently && backend == Backend::Postgres;
    let mut stmt = Index::drop();
    stmt.name(raw_name(backend, &index.name));
    // MySQL names the table; PostgreSQL and SQLite would read it as a schema.
    if backend == Backend::MySql {
        stmt.table(Alias::new(index.table.as_str()));
    }
    if concurrently {
        stmt.concurrently();
    }
    Ok(vec![Step::Sql {
        sql: build(&stmt, backend),
        outside_transaction: concurrently,
    }])
}
