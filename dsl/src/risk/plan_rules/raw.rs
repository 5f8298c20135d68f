//! The plan-time rules for raw SQL: each statement, as the backend's parser reads it, judged like a typed operation.

use super::PlanRule;
use super::catalogue::*;
use super::seen::Seen;
use crate::backend::Backend;
use crate::migration::{MigrationMeta, TransactionMode};
use crate::risk::raw_sql::{self, DefaultKind, Fact, ReadSql};

/// A rule broken by raw SQL, with the statement that broke it described for the message.
pub(super) type RawBroken = (&'static PlanRule, Option<String>);

fn statement(text: &str) -> Option<String> {
    Some(format!("sql `{text}`"))
}

/// The rules `read` (the up SQL of one `sql` operation) breaks, given what earlier operations did.
pub(super) fn raw_sql_rules(read: &ReadSql, seen: &Seen<'_>, backend: Backend, meta: &MigrationMeta) -> Vec<RawBroken> {
    let statements = match read {
        ReadSql::Read(statements) => statements,
        ReadSql::Unreadable { unchecked: Some(_), .. } => return Vec::new(),
        ReadSql::Unreadable { error, first_line, .. } => {
            return vec![(
                &SQL_UNREADABLE,
                Some(format!("sql `{first_line}` (the {backend} parser says: {error})")),
            )];
        }
    };
    let mut broken = Vec::new();
    // What earlier statements of the same SQL created counts as new too.
    let mut created: Vec<&str> = Vec::new();
    for statement in statements {
        let existing = |table: &str| !seen.is_new(table) && !created.iter().any(|c| c.eq_ignore_ascii_case(table));
        let mut rules: Vec<&'static PlanRule> = Vec::new();
        for fact in &statement.facts {
            match fact {
                Fact::CreatesTable(_) | Fact::CreatesView(_) | Fact::CreatesObject(_) => {}
                Fact::DropsTable(table) if existing(table) => rules.push(&SQL_DROP_TABLE),
                Fact::DropsColumn { table, .. } if existing(table) => rules.push(&SQL_DROP_COLUMN),
                Fact::Truncates(table) if existing(table) => rules.push(&SQL_TRUNCATE),
                Fact::DeletesAllRows(table) if existing(table) => rules.push(&SQL_DELETE_ALL_ROWS),
                Fact::UpdatesAllRows(table) if existing(table) => rules.push(&SQL_UPDATE_ALL_ROWS),
                Fact::DropsSchema(_) => rules.push(&SQL_DROP_SCHEMA),
                Fact::RenamesTable { from, .. } if existing(from) => rules.push(&SQL_RENAME_TABLE),
                Fact::RenamesColumn { table, .. } if existing(table) => rules.push(&SQL_RENAME_COLUMN),
                Fact::ChangesColumnType { table, .. } if existing(table) => rules.extend([
                    &SQL_CHANGE_COLUMN_TYPE,
                    &SQL_CHANGE_COLUMN_TYPE_READERS,
                    &SQL_CHANGE_COLUMN_TYPE_CASTS,
                ]),
                Fact::SetsNotNull { table, .. } if existing(table) => {
                    rules.extend([&SQL_SET_NOT_NULL, &SQL_SET_NOT_NULL_FAILS]);
                }
                Fact::DropsNotNull { table, .. } if existing(table) => rules.push(&SQL_DROP_NOT_NULL),
                Fact::DropsDefault { table, .. } if existing(table) => rules.push(&SQL_DROP_DEFAULT),
                Fact::DropsObject(object) if existing(object) => rules.push(&SQL_DROP_OBJECT),
                Fact::CreatesIndex {
                    table,
                    unique,
                    concurrently,
                    ..
                } => {
                    if *concurrently && meta.transaction == TransactionMode::PerMigration {
                        rules.push(&SQL_CONCURRENTLY_IN_TRANSACTION);
                    }
                    if existing(table) {
                        if !concurrently {
                            rules.push(&SQL_PG_CREATE_INDEX);
                        }
                        if *unique {
                            rules.push(&SQL_UNIQUE_ON_EXISTING_DATA);
                        }
                    }
                }
                Fact::DropsIndex { name, concurrently } => {
                    if *concurrently && meta.transaction == TransactionMode::PerMigration {
                        rules.push(&SQL_CONCURRENTLY_IN_TRANSACTION);
                    }
                    if !concurrently && existing(name) {
                        rules.push(&SQL_PG_DROP_INDEX);
                    }
                }
                Fact::AddsValidatedConstraint { table, not_valid, .. } if existing(table) => {
                    if !not_valid {
                        rules.push(&SQL_PG_ADD_CONSTRAINT_VALIDATED);
                    }
                    rules.push(&SQL_MYSQL_ADD_CONSTRAINT);
                }
                Fact::AddsUnique { table, using_index } if existing(table) => {
                    if !using_index {
                        rules.push(&SQL_PG_ADD_UNIQUE_WITHOUT_INDEX);
                    }
                    // `USING INDEX` adopts an index an earlier migration built, so the data was checked then.
                    if !using_index || backend != Backend::Postgres {
                        rules.push(&SQL_UNIQUE_ON_EXISTING_DATA);
                    }
                }
                Fact::DropsConstraint { table } if existing(table) => rules.push(&SQL_DROP_CONSTRAINT),
                Fact::ValidatesConstraint { table, name } => {
                    if seen
                        .not_valid
                        .iter()
                        .any(|(t, n)| t.eq_ignore_ascii_case(table) && n.eq_ignore_ascii_case(name))
                        || statements_before_add_not_valid(statements, statement, table, name)
                    {
                        rules.push(&PG_VALIDATE_SAME_MIGRATION);
                    }
                }
                Fact::AddsColumn {
                    table,
                    required,
                    default,
                    ..
                } if existing(table) => {
                    if *default == Some(DefaultKind::Volatile) {
                        rules.extend([&SQL_PG_VOLATILE_DEFAULT, &SQL_MYSQL_EXPRESSION_DEFAULT]);
                    }
                    if *required {
                        rules.push(&SQL_ADD_REQUIRED_COLUMN);
                    }
                }
                Fact::DropsView(view) if existing(view) => rules.push(&SQL_DROP_VIEW),
                Fact::LocksTable(_) => rules.push(&SQL_LOCK_TABLE),
                Fact::Revokes => rules.push(&SQL_REVOKE),
                Fact::ControlsTransaction => rules.push(&SQL_TRANSACTION_CONTROL),
                // On a table or view this plan created: nothing to lose, nobody to break.
                Fact::DropsTable(_)
                | Fact::DropsColumn { .. }
                | Fact::Truncates(_)
                | Fact::DeletesAllRows(_)
                | Fact::UpdatesAllRows(_)
                | Fact::RenamesTable { .. }
                | Fact::RenamesColumn { .. }
                | Fact::ChangesColumnType { .. }
                | Fact::SetsNotNull { .. }
                | Fact::DropsNotNull { .. }
                | Fact::DropsDefault { .. }
                | Fact::DropsObject(_)
                | Fact::AddsValidatedConstraint { .. }
                | Fact::AddsUnique { .. }
                | Fact::DropsConstraint { .. }
                | Fact::AddsColumn { .. }
                | Fact::DropsView(_) => {}
            }
        }
        for fact in &statement.facts {
            match fact {
                Fact::CreatesTable(name) | Fact::CreatesView(name) | Fact::CreatesObject(name) => created.push(name),
                Fact::CreatesIndex { name: Some(name), .. } => created.push(name),
                _ => {}
            }
        }
        broken.extend(rules.into_iter().map(|rule| (rule, self::statement(&statement.text))));
    }
    broken
}

/// Whether an earlier statement of the same SQL added constraint `name` on `table` `NOT VALID`.
fn statements_before_add_not_valid(
    statements: &[raw_sql::ReadStatement],
    current: &raw_sql::ReadStatement,
    table: &str,
    name: &str,
) -> bool {
    statements
        .iter()
        .take_while(|s| !std::ptr::eq(*s, current))
        .flat_map(|s| &s.facts)
        .any(|fact| {
            matches!(fact, Fact::AddsValidatedConstraint { table: t, name: Some(n), not_valid: true }
                if t.eq_ignore_ascii_case(table) && n.eq_ignore_ascii_case(name))
        })
}

/// `sql(up, down)` where the parser shows that down leaves behind something up creates.
pub(super) fn down_leaves_behind(up: &ReadSql, down: &ReadSql) -> Option<RawBroken> {
    let (ReadSql::Read(up), ReadSql::Read(down)) = (up, down) else {
        return None;
    };
    let drops: Vec<&Fact> = down.iter().flat_map(|s| &s.facts).collect();
    let dropped_table = |table: &str| {
        drops
            .iter()
            .any(|f| matches!(f, Fact::DropsTable(t) if t.eq_ignore_ascii_case(table)))
    };
    for statement in up {
        for fact in &statement.facts {
            let undone = match fact {
                Fact::CreatesTable(table) => dropped_table(table),
                Fact::CreatesView(view) => drops
                    .iter()
                    .any(|f| matches!(f, Fact::DropsView(v) if v.eq_ignore_ascii_case(view))),
                Fact::CreatesIndex {
                    table,
                    name: Some(name),
                    ..
                } => {
                    dropped_table(table)
                        || drops
                            .iter()
                            .any(|f| matches!(f, Fact::DropsIndex { name: n, .. } if n.eq_ignore_ascii_case(name)))
                }
                Fact::AddsColumn { table, column, .. } => {
                    dropped_table(table)
                        || drops.iter().any(|f| {
                            matches!(f, Fact::DropsColumn { table: t, column: c }
                                if t.eq_ignore_ascii_case(table) && c.eq_ignore_ascii_case(column))
                        })
                }
                _ => true,
            };
            if !undone {
                return Some((&SQL_DOWN_DOES_NOT_INVERT, self::statement(&statement.text)));
            }
        }
    }
    None
}
