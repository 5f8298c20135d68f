//! The SQLite table rebuild: the 12-step procedure for changes SQLite's `ALTER TABLE` cannot make.
//!
//! The live `CREATE TABLE` text is split into its top-level items; the item(s) the change touches
//! are replaced, removed or added, and every other item is kept verbatim, so column constraints,
//! checks and keys survive. The rows are copied into a new table that then takes the old name, and
//! the indexes and triggers of the old table are created again.

mod tokenizer;

use serde::Serialize;

pub use tokenizer::split_items;
use tokenizer::{Kind, Token, tokenize};

use super::RenderError;
use super::clause::{check_clause, fk_clause, unique_clause};
use super::quote::{ident_list, quote_ident};
use super::types::{column_sql, column_type_sql, default_sql};
use crate::backend::Backend;
use crate::schema::{CheckDef, ColumnDef, ForeignKeyDef, UniqueDef};

const SQLITE: Backend = Backend::Sqlite;

/// What a rebuild changes in the table.
///
/// ```
/// use lockgate_dsl::render::RebuildChange;
/// use lockgate_dsl::schema::CheckDef;
/// let change = RebuildChange::AddCheck(CheckDef::new("t", "t_a_positive", "a > 0"));
/// assert_eq!(change.describe(), r#"add CONSTRAINT "t_a_positive" CHECK (a > 0)"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum RebuildChange {
    /// Changes a column's type, nullability or default.
    AlterColumn {
        /// The column as it is.
        from: ColumnDef,
        /// The column as it becomes.
        to: ColumnDef,
    },
    /// Adds a column `ADD COLUMN` refuses (an expression default, or NOT NULL without a default).
    AddColumn(ColumnDef),
    /// Adds a foreign key.
    AddForeignKey(ForeignKeyDef),
    /// Drops a foreign key (found by name, else by its columns and referenced table).
    DropForeignKey(ForeignKeyDef),
    /// Adds a check constraint.
    AddCheck(CheckDef),
    /// Drops a check constraint (found by name, else by its expression).
    DropCheck(CheckDef),
    /// Adds a unique constraint.
    AddUnique(UniqueDef),
    /// Drops a unique constraint (found by name, else by its columns).
    DropUnique(UniqueDef),
}

impl RebuildChange {
    /// A one-line description for `plan` output.
    ///
    /// ```
    /// use lockgate_dsl::render::RebuildChange;
    /// use lockgate_dsl::schema::ColumnDef;
    /// let change = RebuildChange::AlterColumn { from: ColumnDef::new::<Option<i32>>("n"), to: ColumnDef::new::<i32>("n") };
    /// assert_eq!(change.describe(), r#"alter column "n" to "n" integer NOT NULL"#);
    /// ```
    pub fn describe(&self) -> String {
        let column = |c: &ColumnDef| column_sql(c, SQLITE).unwrap_or_else(|e| e.to_string());
        match self {
            RebuildChange::AlterColumn { from, to } => {
                format!("alter column {} to {}", quote_ident(SQLITE, &from.name), column(to))
            }
            RebuildChange::AddColumn(c) => format!("add column {}", column(c)),
            RebuildChange::AddForeignKey(fk) => format!("add {}", fk_clause(fk, SQLITE)),
            RebuildChange::DropForeignKey(fk) => format!("drop foreign key {}", quote_ident(SQLITE, &fk.name)),
            RebuildChange::AddCheck(c) => format!("add {}", check_clause(c, SQLITE)),
            RebuildChange::DropCheck(c) => format!("drop check {}", quote_ident(SQLITE, &c.name)),
            RebuildChange::AddUnique(u) => format!("add {}", unique_clause(u, SQLITE)),
            RebuildChange::DropUnique(u) => format!("drop unique {}", quote_ident(SQLITE, &u.name)),
        }
    }
}

/// What the runtime reads from `sqlite_master` for a rebuild: the table's `CREATE TABLE` text and
/// the `CREATE INDEX` / `CREATE TRIGGER` text of its dependents.
///
/// ```
/// use lockgate_dsl::render::LiveTable;
/// let live = LiveTable::from_master_rows("t", [
///     ("table".to_owned(), "t".to_owned(), Some(r#"CREATE TABLE "t" ("a" integer)"#.to_owned())),
///     ("index".to_owned(), "sqlite_autoindex_t_1".to_owned(), None),
///     ("index".to_owned(), "t_a_idx".to_owned(), Some(r#"CREATE INDEX "t_a_idx" ON "t" ("a")"#.to_owned())),
/// ]).unwrap();
/// assert_eq!(live.dependents.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveTable {
    /// The table's `CREATE TABLE` statement.
    pub create_sql: String,
    /// The `CREATE INDEX` and `CREATE TRIGGER` statements of its explicit indexes and triggers.
    pub dependents: Vec<String>,
}

impl LiveTable {
    /// Builds a live table from the rows of
    /// `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?`. Automatic indexes (their
    /// `sql` is NULL) are skipped: the table's own constraints create them again.
    ///
    /// ```
    /// use lockgate_dsl::render::LiveTable;
    /// assert!(LiveTable::from_master_rows("missing", Vec::new()).is_err());
    /// ```
    pub fn from_master_rows(
        table: &str,
        rows: impl IntoIterator<Item = (String, String, Option<String>)>,
    ) -> Result<Self, RenderError> {
        let mut create_sql = None;
        let mut indexes = Vec::new();
        let mut triggers = Vec::new();
        for (kind, _name, sql) in rows {
            let Some(sql) = sql else { continue };
            match kind.as_str() {
                "table" => create_sql = Some(sql),
                "index" => indexes.push(sql),
                "trigger" => triggers.push(sql),
                _ => {}
            }
        }
        let create_sql = create_sql.ok_or_else(|| RenderError::Rebuild {
            table: table.to_owned(),
            reason: "sqlite_master has no CREATE TABLE statement for it".to_owned(),
        })?;
        indexes.extend(triggers);
        Ok(LiveTable {
            create_sql,
            dependents: indexes,
        })
    }
}

/// A SQLite table rebuild: the table and the change. Its statements depend on the live table.
///
/// ```
/// use lockgate_dsl::render::{LiveTable, RebuildChange, TableRebuild};
/// use lockgate_dsl::schema::CheckDef;
/// let rebuild = TableRebuild {
///     table: "t".into(),
///     change: RebuildChange::AddCheck(CheckDef::new("t", "t_a_positive", "a > 0")),
/// };
/// let live = LiveTable { create_sql: r#"CREATE TABLE "t" ( "a" integer NOT NULL )"#.into(), dependents: vec![] };
/// let sql = rebuild.statements(&live).unwrap();
/// assert_eq!(sql[0], r#"CREATE TABLE "_lockgate_rebuild_t" ("a" integer NOT NULL, CONSTRAINT "t_a_positive" CHECK (a > 0))"#);
/// assert_eq!(sql[1], r#"INSERT INTO "_lockgate_rebuild_t" ("a") SELECT "a" FROM "t""#);
/// assert_eq!(sql[4], r#"ALTER TABLE "_lockgate_rebuild_t" RENAME TO "t""#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRebuild {
    /// The rebuilt table.
    pub table: String,
    /// What changes.
    pub change: RebuildChange,
}

/// One top-level item of the table body.
struct Item {
    text: String,
    /// The column's name for a column definition; `None` for a table constraint.
    column: Option<String>,
    /// Generated columns cannot be inserted into.
    generated: bool,
}

impl TableRebuild {
    /// The name of the table the rows are copied into.
    ///
    /// ```
    /// use lockgate_dsl::render::{RebuildChange, TableRebuild};
    /// use lockgate_dsl::schema::CheckDef;
    /// let r = TableRebuild { table: "t".into(), change: RebuildChange::DropCheck(CheckDef::new("t", "c", "a > 0")) };
    /// assert_eq!(r.temporary_name(), "_lockgate_rebuild_t");
    /// ```
    pub fn temporary_name(&self) -> String {
        format!("_lockgate_rebuild_{}", self.table)
    }

    /// The statements of steps 4 to 8, in order: create the new table, copy the rows, drop the old
    /// table, rename the new one (between `PRAGMA legacy_alter_table=ON` and `=OFF`, so views and
    /// triggers of other tables that read this one do not fail the rename), create the indexes and
    /// triggers again. The runtime wraps them as
    /// [`Step::Rebuild`](super::Step::Rebuild) documents (foreign keys off, a transaction, and
    /// `PRAGMA foreign_key_check`).
    ///
    /// ```
    /// use lockgate_dsl::render::{LiveTable, RebuildChange, TableRebuild};
    /// use lockgate_dsl::schema::CheckDef;
    /// let r = TableRebuild { table: "t".into(), change: RebuildChange::DropCheck(CheckDef::new("t", "c", "a > 0")) };
    /// let live = LiveTable { create_sql: r#"CREATE TABLE "t" (a int)"#.into(), dependents: vec![] };
    /// assert!(r.statements(&live).is_err()); // there is no check `c` to drop
    /// ```
    pub fn statements(&self, live: &LiveTable) -> Result<Vec<String>, RenderError> {
        let (mut items, suffix) = self.parse(&live.create_sql)?;
        let old_columns: Vec<String> = items
            .iter()
            .filter(|item| !item.generated)
            .filter_map(|item| item.column.clone())
            .collect();
        let mut selects: Vec<String> = old_columns.iter().map(|c| quote_ident(SQLITE, c)).collect();
        self.apply(&mut items, &old_columns, &mut selects)?;

        let tmp = quote_ident(SQLITE, &self.temporary_name());
        let table = quote_ident(SQLITE, &self.table);
        let body: Vec<&str> = items.iter().map(|item| item.text.as_str()).collect();
        let mut statements = vec![
            format!("CREATE TABLE {tmp} ({}){suffix}", body.join(", ")),
            format!(
                "INSERT INTO {tmp} ({}) SELECT {} FROM {table}",
                ident_list(SQLITE, &old_columns),
                selects.join(", ")
            ),
            format!("DROP TABLE {table}"),
            // Since 3.26 a rename re-checks every view and trigger, and one that reads the table
            // dropped a statement ago fails it; the legacy rename checks nothing and keeps them.
            "PRAGMA legacy_alter_table=ON".to_owned(),
            format!("ALTER TABLE {tmp} RENAME TO {table}"),
            "PRAGMA legacy_alter_table=OFF".to_owned(),
        ];
        // A unique constraint added `using_index` takes the place of that index, as on the other backends;
        // dropping it gives the index back.
        let adopted = match &self.change {
            RebuildChange::AddUnique(unique) => unique.using_index.as_deref(),
            _ => None,
        };
        statements.extend(
            live.dependents
                .iter()
                .filter(|sql| adopted.is_none_or(|index| !creates_index(sql, index)))
                .cloned(),
        );
        if let RebuildChange::DropUnique(unique) = &self.change
            && let Some(index) = &unique.using_index
        {
            statements.push(format!(
                "CREATE UNIQUE INDEX {} ON {table} ({})",
                quote_ident(SQLITE, index),
                ident_list(SQLITE, &unique.columns)
            ));
        }
        Ok(statements)
    }

    /// An SQL comment describing the 12 steps, for `plan` output without a database.
    ///
    /// ```
    /// use lockgate_dsl::render::{RebuildChange, TableRebuild};
    /// use lockgate_dsl::schema::CheckDef;
    /// let r = TableRebuild { table: "t".into(), change: RebuildChange::DropCheck(CheckDef::new("t", "c", "a > 0")) };
    /// assert!(r.describe().starts_with(r#"-- rebuild sqlite table "t": drop check "c""#));
    /// ```
    pub fn describe(&self) -> String {
        let table = quote_ident(SQLITE, &self.table);
        let tmp = quote_ident(SQLITE, &self.temporary_name());
        format!(
            "-- rebuild sqlite table {table}: {change}\n\
             -- (the 12-step procedure of https://www.sqlite.org/lang_altertable.html section 7)\n\
             --   PRAGMA foreign_keys=OFF; BEGIN;\n\
             --   CREATE TABLE {tmp} (the live definition of {table}, changed);\n\
             --   INSERT INTO {tmp} SELECT the columns FROM {table};\n\
             --   DROP TABLE {table};\n\
             --   PRAGMA legacy_alter_table=ON; ALTER TABLE {tmp} RENAME TO {table}; PRAGMA legacy_alter_table=OFF;\n\
             --   create the indexes and triggers of {table} again;\n\
             --   PRAGMA foreign_key_check; COMMIT; PRAGMA foreign_keys=ON;",
            change = self.change.describe()
        )
    }

    fn error(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Rebuild {
            table: self.table.clone(),
            reason: reason.into(),
        }
    }

    /// Splits `CREATE TABLE name (body) suffix` into the body's items and the suffix.
    fn parse(&self, create_sql: &str) -> Result<(Vec<Item>, String), RenderError> {
        let tokens = tokenize(create_sql, &self.table)?;
        let create = tokens.first().is_some_and(|t| t.is("CREATE")) && tokens.iter().take(3).any(|t| t.is("TABLE"));
        let group = tokens.iter().find(|t| t.kind == Kind::Group);
        let (true, Some(group)) = (create, group) else {
            return Err(self.error("its sql is not a CREATE TABLE statement with a column list"));
        };
        let suffix = &create_sql[group.end..];
        let mut items = Vec::new();
        for text in split_items(group.inner()).map_err(|_| self.error("its column list cannot be split"))? {
            let item_tokens = tokenize(&text, &self.table)?;
            let Some(first) = item_tokens.first() else {
                return Err(self.error("its column list has an empty item"));
            };
            let constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
                .iter()
                .any(|k| first.is(k));
            let generated = item_tokens.iter().any(|t| t.is("GENERATED") || t.is("AS"));
            // Comments before the first token or after the last are dropped: a trailing `--`
            // comment would swallow the closing parenthesis.
            let end = item_tokens.last().map_or(text.len(), |t| t.end);
            items.push(Item {
                column: (!constraint).then(|| first.name()),
                generated,
                text: text[first.start..end].to_owned(),
            });
        }
        Ok((items, suffix.to_owned()))
    }

    fn apply(&self, items: &mut Vec<Item>, old_columns: &[String], selects: &mut [String]) -> Result<(), RenderError> {
        let constraint = |text: String| Item {
            text,
            column: None,
            generated: false,
        };
        match &self.change {
            RebuildChange::AlterColumn { from, to } => {
                let position = items
                    .iter()
                    .position(|item| {
                        item.column
                            .as_deref()
                            .is_some_and(|c| c.eq_ignore_ascii_case(&from.name))
                    })
                    .ok_or_else(|| self.error(format!("it has no column `{}`", from.name)))?;
                items[position].text = self.alter_column_item(&items[position].text, from, to)?;
                if let Some(i) = old_columns.iter().position(|c| c.eq_ignore_ascii_case(&from.name))
                    && from.nullable
                    && !to.nullable
                    && let Some(default) = &to.default
                {
                    // Rows holding NULL take the default instead of failing the copy.
                    selects[i] = format!("COALESCE({}, {})", selects[i], default_sql(default, &to.ty, SQLITE)?);
                }
            }
            RebuildChange::AddColumn(column) => {
                if items.iter().any(|i| {
                    i.column
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(&column.name))
                }) {
                    return Err(self.error(format!("it already has a column `{}`", column.name)));
                }
                let position = items.iter().rposition(|i| i.column.is_some()).map_or(0, |p| p + 1);
                items.insert(
                    position,
                    Item {
                        text: column_sql(column, SQLITE)?,
                        column: Some(column.name.clone()),
                        generated: false,
                    },
                );
            }
            RebuildChange::AddForeignKey(fk) => items.push(constraint(fk_clause(fk, SQLITE))),
            RebuildChange::AddCheck(check) => items.push(constraint(check_clause(check, SQLITE))),
            RebuildChange::AddUnique(unique) => items.push(constraint(unique_clause(unique, SQLITE))),
            RebuildChange::DropForeignKey(fk) => {
                self.remove_constraint(items, &fk.name, "FOREIGN", |tokens| {
                    let columns = group_names(tokens, 0);
                    let references = tokens.iter().position(|t| t.is("REFERENCES"));
                    let ref_table = references.and_then(|p| tokens.get(p + 1)).map(Token::name);
                    columns.as_deref() == Some(fk.columns.as_slice())
                        && ref_table.is_some_and(|t| t.eq_ignore_ascii_case(&fk.ref_table))
                })?;
            }
            RebuildChange::DropCheck(check) => {
                let wanted = squash(&check.expr);
                self.remove_constraint(items, &check.name, "CHECK", |tokens| {
                    tokens
                        .iter()
                        .find(|t| t.kind == Kind::Group)
                        .is_some_and(|g| squash(g.inner()) == wanted)
                })?;
            }
            RebuildChange::DropUnique(unique) => {
                self.remove_constraint(items, &unique.name, "UNIQUE", |tokens| {
                    group_names(tokens, 0).as_deref() == Some(unique.columns.as_slice())
                })?;
            }
        }
        Ok(())
    }

    /// Removes the table constraint named `name`, else the one of `kind` that `matches`.
    fn remove_constraint(
        &self,
        items: &mut Vec<Item>,
        name: &str,
        kind: &str,
        matches: impl Fn(&[Token<'_>]) -> bool,
    ) -> Result<(), RenderError> {
        let mut by_name = None;
        let mut by_shape = None;
        for (index, item) in items.iter().enumerate().filter(|(_, item)| item.column.is_none()) {
            let tokens = tokenize(&item.text, &self.table)?;
            let (constraint_name, body) = match tokens.as_slice() {
                [first, name_token, rest @ ..] if first.is("CONSTRAINT") => (Some(name_token.name()), rest),
                all => (None, all),
            };
            if !body.first().is_some_and(|t| t.is(kind)) {
                continue;
            }
            if constraint_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                by_name = Some(index);
                break;
            }
            if by_shape.is_none() && matches(body) {
                by_shape = Some(index);
            }
        }
        let index = by_name.or(by_shape).ok_or_else(|| {
            self.error(format!(
                "it has no {} constraint `{name}`",
                kind.to_ascii_lowercase().replace("foreign", "foreign key")
            ))
        })?;
        items.remove(index);
        Ok(())
    }

    /// Rewrites one column definition: a new type if it changed, nullability and default as in
    /// `to`, every other column constraint kept.
    fn alter_column_item(&self, text: &str, from: &ColumnDef, to: &ColumnDef) -> Result<String, RenderError> {
        let tokens = tokenize(text, &self.table)?;
        let starts_constraint = |t: &Token<'_>| {
            [
                "CONSTRAINT",
                "PRIMARY",
                "NOT",
                "NULL",
                "UNIQUE",
                "CHECK",
                "DEFAULT",
                "COLLATE",
                "REFERENCES",
                "GENERATED",
                "AS",
            ]
            .iter()
            .any(|k| t.is(k))
        };
        let type_end = tokens
            .iter()
            .skip(1)
            .position(starts_constraint)
            .map_or(tokens.len(), |p| p + 1);
        let name = tokens.first().map_or("", |t| t.text);
        let old_type = match (tokens.get(1), tokens.get(type_end - 1)) {
            (Some(first), Some(last)) if type_end > 1 => &text[first.start..last.end],
            _ => "",
        };
        let new_type = if from.ty == to.ty && !old_type.is_empty() {
            old_type.to_owned()
        } else {
            column_type_sql(&to.ty, SQLITE, &to.name)?
        };
        let mut kept: Vec<&str> = Vec::new();
        let rest = &tokens[type_end..];
        let mut i = 0;
        while i < rest.len() {
            // `CONSTRAINT name` belongs to the clause after it: drop it with that clause.
            let (named, clause) = if rest[i].is("CONSTRAINT") && i + 2 < rest.len() {
                (true, i + 2)
            } else {
                (false, i)
            };
            let drop_len = if rest[clause].is("NOT") && rest.get(clause + 1).is_some_and(|t| t.is("NULL")) {
                2
            } else if rest[clause].is("NULL") {
                1
            } else if rest[clause].is("DEFAULT") {
                let signed = rest.get(clause + 1).is_some_and(|t| t.text == "-" || t.text == "+");
                if signed { 3 } else { 2 }
            } else {
                0
            };
            if drop_len > 0 {
                i = clause + drop_len;
                // An `ON CONFLICT` resolution belongs to the NOT NULL before it.
                if rest.get(i).is_some_and(|t| t.is("ON")) && rest.get(i + 1).is_some_and(|t| t.is("CONFLICT")) {
                    i += 3;
                }
                continue;
            }
            if named {
                kept.push(rest[i].text);
                kept.push(rest[i + 1].text);
                i += 2;
                continue;
            }
            kept.push(rest[i].text);
            i += 1;
        }
        let mut out = format!("{name} {new_type}");
        out.push_str(if to.nullable { " NULL" } else { " NOT NULL" });
        if let Some(default) = &to.default {
            out.push_str(" DEFAULT ");
            out.push_str(&default_sql(default, &to.ty, SQLITE)?);
        }
        for piece in kept {
            out.push(' ');
            out.push_str(piece);
        }
        Ok(out)
    }
}

/// The names listed in the `nth` parenthesised group of a constraint: `("a", b)` → `[a, b]`.
fn group_names(tokens: &[Token<'_>], nth: usize) -> Option<Vec<String>> {
    let group = tokens.iter().filter(|t| t.kind == Kind::Group).nth(nth)?;
    let names = split_items(group.inner()).ok()?;
    names
        .iter()
        .map(|n| tokenize(n, "").ok().and_then(|t| t.first().map(Token::name)))
        .collect()
}

/// SQL text without whitespace, to compare expressions written with different spacing.
fn squash(sql: &str) -> String {
    sql.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A SQLite rebuild of `table`.
pub(in crate::render) fn rebuild(table: &str, change: RebuildChange) -> Vec<super::Step> {
    vec![super::Step::Rebuild(TableRebuild {
        table: table.to_owned(),
        change,
    })]
}

/// Whether `sql` is the `CREATE INDEX` statement of the index `name`.
fn creates_index(sql: &str, name: &str) -> bool {
    let Ok(tokens) = tokenize(sql, name) else {
        return false;
    };
    let Some(at) = tokens.iter().position(|t| t.is("INDEX")) else {
        return false;
    };
    tokens[at + 1..]
        .iter()
        .find(|t| !(t.is("IF") || t.is("NOT") || t.is("EXISTS")))
        .is_some_and(|t| t.name() == name)
}
