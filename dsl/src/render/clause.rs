//! Clause builders shared by table creation, constraint changes and the SQLite rebuild: the leaves of rendering.

use sea_query::{Alias, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement};

use super::RenderError;
use super::quote::{check_names, ident_list, quote_ident, raw_name};
use crate::backend::Backend;
use crate::schema::{CheckDef, ForeignKeyDef, ReferentialAction, UniqueDef};

/// `CONSTRAINT "name" FOREIGN KEY ("a") REFERENCES "t" ("id") [ON DELETE ..] [ON UPDATE ..]`.
pub(super) fn fk_clause(fk: &ForeignKeyDef, backend: Backend) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(backend, &fk.name),
        ident_list(backend, &fk.columns),
        quote_ident(backend, &fk.ref_table),
        ident_list(backend, &fk.ref_columns)
    );
    if let Some(action) = fk.on_delete {
        sql.push_str(" ON DELETE ");
        sql.push_str(action.sql());
    }
    if let Some(action) = fk.on_update {
        sql.push_str(" ON UPDATE ");
        sql.push_str(action.sql());
    }
    sql
}

/// `CONSTRAINT "name" CHECK (expr)`.
pub(super) fn check_clause(check: &CheckDef, backend: Backend) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(backend, &check.name),
        check.expr
    )
}

/// `CONSTRAINT "name" UNIQUE ("a", "b")`.
pub(super) fn unique_clause(unique: &UniqueDef, backend: Backend) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_ident(backend, &unique.name),
        ident_list(backend, &unique.columns)
    )
}

pub(super) fn check_fk_names(fk: &ForeignKeyDef, backend: Backend) -> Result<(), RenderError> {
    check_names(backend, [fk.name.as_str(), fk.table.as_str(), fk.ref_table.as_str()])?;
    check_names(backend, fk.columns.iter().chain(&fk.ref_columns).map(String::as_str))
}

pub(super) fn sea_foreign_key(fk: &ForeignKeyDef, backend: Backend) -> ForeignKeyCreateStatement {
    let mut stmt = ForeignKey::create();
    stmt.name(raw_name(backend, &fk.name))
        .from_tbl(Alias::new(fk.table.as_str()))
        .to_tbl(Alias::new(fk.ref_table.as_str()));
    for column in &fk.columns {
        stmt.from_col(Alias::new(column.as_str()));
    }
    for column in &fk.ref_columns {
        stmt.to_col(Alias::new(column.as_str()));
    }
    if let Some(action) = fk.on_delete {
        stmt.on_delete(sea_action(action));
    }
    if let Some(action) = fk.on_update {
        stmt.on_update(sea_action(action));
    }
    stmt
}

fn sea_action(action: ReferentialAction) -> ForeignKeyAction {
    match action {
        ReferentialAction::Restrict => ForeignKeyAction::Restrict,
        ReferentialAction::Cascade => ForeignKeyAction::Cascade,
        ReferentialAction::SetNull => ForeignKeyAction::SetNull,
        ReferentialAction::SetDefault => ForeignKeyAction::SetDefault,
        ReferentialAction::NoAction => ForeignKeyAction::NoAction,
    }
}
