//! Reads raw SQL with a real parser per backend into what each statement does, for the plan-time rules.
//!
//! The parser is sqlparser-rs, with its PostgreSQL, MySQL and SQLite dialects. A statement it reads is
//! classified into [`Fact`]s; a statement it cannot read is reported as such, never silently accepted.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, Expr, FromTable, ObjectName, ObjectNamePart, ObjectType,
    RenameTableNameKind, Statement, TableConstraint, TableFactor,
};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::backend::Backend;

/// The comment that marks raw SQL the parser cannot read as checked by hand, followed by the reason.
pub(crate) const UNCHECKED_MARK: &str = "lockgate:unchecked";

/// What one statement of raw SQL does, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fact {
    /// `CREATE TABLE`.
    CreatesTable(String),
    /// `DROP TABLE`.
    DropsTable(String),
    /// `TRUNCATE`.
    Truncates(String),
    /// `DELETE` without `WHERE`.
    DeletesAllRows(String),
    /// `UPDATE` without `WHERE`.
    UpdatesAllRows(String),
    /// `DROP SCHEMA` or `DROP DATABASE`.
    DropsSchema(String),
    /// `ALTER TABLE … ADD COLUMN`.
    AddsColumn {
        table: String,
        column: String,
        /// `NOT NULL` (or `PRIMARY KEY`) without a default.
        required: bool,
        /// The default, if any.
        default: Option<DefaultKind>,
    },
    /// `ALTER TABLE … DROP COLUMN`.
    DropsColumn { table: String, column: String },
    /// `ALTER TABLE … RENAME TO`, `RENAME TABLE`.
    RenamesTable { from: String, to: String },
    /// `ALTER TABLE … RENAME COLUMN`, or MySQL `CHANGE` to another name.
    RenamesColumn { table: String, from: String, to: String },
    /// `ALTER COLUMN … TYPE`, MySQL `MODIFY`/`CHANGE` with a type.
    ChangesColumnType { table: String, column: String },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetsNotNull { table: String, column: String },
    /// `ALTER COLUMN … DROP NOT NULL`.
    DropsNotNull { table: String, column: String },
    /// `ALTER COLUMN … DROP DEFAULT`.
    DropsDefault { table: String, column: String },
    /// `DROP TYPE`, `SEQUENCE`, `EXTENSION`, `FUNCTION`, `TRIGGER` or `POLICY`.
    DropsObject(String),
    /// `CREATE TYPE`, `SEQUENCE`, `EXTENSION` or `FUNCTION`.
    CreatesObject(String),
    /// `CREATE [UNIQUE] INDEX [CONCURRENTLY]`.
    CreatesIndex {
        table: String,
        name: Option<String>,
        unique: bool,
        concurrently: bool,
    },
    /// `DROP INDEX [CONCURRENTLY]`.
    DropsIndex { name: String, concurrently: bool },
    /// `ADD CONSTRAINT … FOREIGN KEY` or `CHECK`, possibly `NOT VALID`.
    AddsValidatedConstraint {
        table: String,
        name: Option<String>,
        not_valid: bool,
    },
    /// `ADD CONSTRAINT … UNIQUE` or `PRIMARY KEY`, possibly adopting an index (`USING INDEX`).
    AddsUnique { table: String, using_index: bool },
    /// `DROP CONSTRAINT`, MySQL `DROP FOREIGN KEY`, `DROP PRIMARY KEY`.
    DropsConstraint { table: String },
    /// `VALIDATE CONSTRAINT`.
    ValidatesConstraint { table: String, name: String },
    /// `CREATE VIEW` (or materialized).
    CreatesView(String),
    /// `DROP VIEW` (or materialized).
    DropsView(String),
    /// `LOCK TABLE(S)`.
    LocksTable(String),
    /// `REVOKE`.
    Revokes,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`.
    ControlsTransaction,
}

/// A column default, by how the backends fill existing rows with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefaultKind {
    /// A constant, or a function PostgreSQL evaluates once per statement (`now()`).
    Constant,
    /// Evaluated per row (`gen_random_uuid()`, `nextval`, a `serial` column): PostgreSQL rewrites the table.
    Volatile,
}

/// One statement as read.
#[derive(Debug, Clone)]
pub(crate) struct ReadStatement {
    /// The statement, printed back by the parser (for messages).
    pub text: String,
    /// What it does.
    pub facts: Vec<Fact>,
}

/// Raw SQL as read for one backend.
#[derive(Debug, Clone)]
pub(crate) enum ReadSql {
    /// Every statement was read.
    Read(Vec<ReadStatement>),
    /// The parser could not read it; `unchecked` holds the reason from a `-- lockgate:unchecked` comment.
    Unreadable {
        /// The parser's error.
        error: String,
        /// The first statement's beginning, for the message.
        first_line: String,
        /// The reason the author gave for running it unchecked.
        unchecked: Option<String>,
    },
}

impl ReadSql {
    /// The statements read; none when unreadable.
    pub(crate) fn statements(&self) -> &[ReadStatement] {
        match self {
            ReadSql::Read(statements) => statements,
            ReadSql::Unreadable { .. } => &[],
        }
    }
}

/// Reads `sql` as `backend` would parse it.
pub(crate) fn read(sql: &str, backend: Backend) -> ReadSql {
    let dialect: &dyn Dialect = match backend {
        Backend::Postgres => &PostgreSqlDialect {},
        Backend::MySql => &MySqlDialect {},
        Backend::Sqlite => &SQLiteDialect {},
    };
    let unreadable = |error: String| ReadSql::Unreadable {
        error,
        first_line: shorten(
            sql.lines()
                .map(str::trim)
                .find(|line| !line.is_empty() && !line.starts_with("--"))
                .unwrap_or_default(),
        ),
        unchecked: unchecked_reason(sql),
    };
    let tokens = match Tokenizer::new(dialect, sql).tokenize() {
        Ok(tokens) => tokens,
        Err(error) => return unreadable(error.to_string()),
    };
    let (tokens, concurrent_drops) = take_drop_index_concurrently(tokens);
    match Parser::new(dialect).with_tokens(tokens).parse_statements() {
        Ok(statements) => ReadSql::Read(
            statements
                .iter()
                .map(|statement| {
                    let mut facts = facts(statement);
                    for fact in &mut facts {
                        if let Fact::DropsIndex { name, concurrently } = fact {
                            *concurrently = concurrent_drops.contains(name);
                        }
                    }
                    let text = statement.to_string();
                    let text = match facts.first() {
                        Some(Fact::DropsIndex { concurrently: true, .. }) => {
                            text.replacen("DROP INDEX", "DROP INDEX CONCURRENTLY", 1)
                        }
                        _ => text,
                    };
                    ReadStatement {
                        text: shorten(&text),
                        facts,
                    }
                })
                .collect(),
        ),
        Err(error) => unreadable(error.to_string()),
    }
}

/// Removes `CONCURRENTLY` from `DROP INDEX CONCURRENTLY` (which the parser does not know) and returns the
/// names of the indexes dropped that way.
fn take_drop_index_concurrently(tokens: Vec<Token>) -> (Vec<Token>, Vec<String>) {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut names = Vec::new();
    // The words of the current statement so far, up to four.
    let mut words: Vec<Keyword> = Vec::new();
    let mut pending = false;
    for token in tokens {
        match &token {
            Token::Whitespace(_) => {}
            Token::SemiColon => {
                words.clear();
                pending = false;
            }
            Token::Word(word) => {
                // Every word after it, so a qualified name's last part is among them.
                if pending && !matches!(word.keyword, Keyword::IF | Keyword::EXISTS) {
                    names.push(word.value.clone());
                }
                if words.len() < 3 {
                    words.push(word.keyword);
                    if words == [Keyword::DROP, Keyword::INDEX, Keyword::CONCURRENTLY] {
                        pending = true;
                        continue;
                    }
                }
            }
            _ => {
                if words.len() < 3 {
                    words.push(Keyword::NoKeyword);
                }
            }
        }
        kept.push(token);
    }
    (kept, names)
}

/// The reason after `-- lockgate:unchecked`, when it is there and not empty.
pub(crate) fn unchecked_reason(sql: &str) -> Option<String> {
    sql.lines().find_map(|line| {
        let comment = line.trim_start().strip_prefix("--")?.trim_start();
        let reason = comment.strip_prefix(UNCHECKED_MARK)?.trim();
        (!reason.is_empty()).then(|| reason.to_owned())
    })
}

fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The last part of a possibly qualified name, unquoted.
fn name(object: &ObjectName) -> String {
    match object.0.last() {
        Some(ObjectNamePart::Identifier(ident)) => ident.value.clone(),
        _ => object.to_string(),
    }
}

fn facts(statement: &Statement) -> Vec<Fact> {
    match statement {
        Statement::CreateTable(create) => vec![Fact::CreatesTable(name(&create.name))],
        Statement::CreateView(view) => vec![Fact::CreatesView(name(&view.name))],
        Statement::CreateType { name: object, .. } | Statement::CreateSequence { name: object, .. } => {
            vec![Fact::CreatesObject(name(object))]
        }
        Statement::CreateExtension(create) => vec![Fact::CreatesObject(create.name.value.clone())],
        Statement::CreateFunction(create) => vec![Fact::CreatesObject(name(&create.name))],
        Statement::CreateIndex(index) => vec![Fact::CreatesIndex {
            table: name(&index.table_name),
            name: index.name.as_ref().map(name),
            unique: index.unique,
            concurrently: index.concurrently,
        }],
        Statement::Drop { object_type, names, .. } => names
            .iter()
            .filter_map(|object| {
                let object = name(object);
                match object_type {
                    ObjectType::Table => Some(Fact::DropsTable(object)),
                    ObjectType::View | ObjectType::MaterializedView => Some(Fact::DropsView(object)),
                    // `CONCURRENTLY` is read from the tokens: see `take_drop_index_concurrently`.
                    ObjectType::Index => Some(Fact::DropsIndex {
                        name: object,
                        concurrently: false,
                    }),
                    ObjectType::Schema | ObjectType::Database => Some(Fact::DropsSchema(object)),
                    ObjectType::Type | ObjectType::Sequence => Some(Fact::DropsObject(object)),
                    _ => None,
                }
            })
            .collect(),
        Statement::Truncate(truncate) => truncate
            .table_names
            .iter()
            .map(|target| Fact::Truncates(name(&target.name)))
            .collect(),
        Statement::Delete(delete) if delete.selection.is_none() && delete.limit.is_none() => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
            };
            tables
                .iter()
                .filter_map(|table| relation(&table.relation))
                .map(Fact::DeletesAllRows)
                .collect()
        }
        Statement::Update(update) if update.selection.is_none() && update.limit.is_none() => {
            relation(&update.table.relation)
                .map(Fact::UpdatesAllRows)
                .into_iter()
                .collect()
        }
        Statement::AlterTable(alter) => {
            let table = name(&alter.name);
            alter
                .operations
                .iter()
                .flat_map(|operation| alter_table(&table, operation))
                .collect()
        }
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|rename| Fact::RenamesTable {
                from: name(&rename.old_name),
                to: name(&rename.new_name),
            })
            .collect(),
        Statement::Lock(lock) => lock.tables.iter().map(|t| Fact::LocksTable(name(&t.name))).collect(),
        Statement::LockTables { tables } => tables.iter().map(|t| Fact::LocksTable(t.table.value.clone())).collect(),
        Statement::Revoke(_) => vec![Fact::Revokes],
        Statement::DropExtension(drop) => drop.names.iter().map(|n| Fact::DropsObject(n.value.clone())).collect(),
        Statement::DropFunction(drop) => drop
            .func_desc
            .iter()
            .map(|f| Fact::DropsObject(name(&f.name)))
            .collect(),
        Statement::DropTrigger(drop) => vec![Fact::DropsObject(name(&drop.trigger_name))],
        Statement::DropPolicy(drop) => vec![Fact::DropsObject(drop.name.value.clone())],
        Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. } => vec![Fact::ControlsTransaction],
        _ => Vec::new(),
    }
}

fn relation(factor: &TableFactor) -> Option<String> {
    match factor {
        TableFactor::Table { name: table, .. } => Some(name(table)),
        _ => None,
    }
}

fn alter_table(table: &str, operation: &AlterTableOperation) -> Vec<Fact> {
    let table = table.to_owned();
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => {
            let mut default = None;
            let mut not_null = false;
            for option in &column_def.options {
                match &option.option {
                    ColumnOption::Default(expr) => default = Some(default_kind(expr)),
                    ColumnOption::NotNull | ColumnOption::PrimaryKey(_) => not_null = true,
                    _ => {}
                }
            }
            let serial = column_def
                .data_type
                .to_string()
                .to_ascii_lowercase()
                .ends_with("serial");
            if serial {
                default = Some(DefaultKind::Volatile);
            }
            vec![Fact::AddsColumn {
                table,
                column: column_def.name.value.clone(),
                required: not_null && default.is_none(),
                default,
            }]
        }
        AlterTableOperation::DropColumn { column_names, .. } => column_names
            .iter()
            .map(|column| Fact::DropsColumn {
                table: table.clone(),
                column: column.value.clone(),
            })
            .collect(),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => vec![Fact::RenamesColumn {
            table,
            from: old_column_name.value.clone(),
            to: new_column_name.value.clone(),
        }],
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            vec![Fact::RenamesTable {
                from: table,
                to: name(to),
            }]
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            options,
            ..
        } => {
            let mut facts = vec![Fact::ChangesColumnType {
                table: table.clone(),
                column: old_name.value.clone(),
            }];
            if old_name.value != new_name.value {
                facts.push(Fact::RenamesColumn {
                    table: table.clone(),
                    from: old_name.value.clone(),
                    to: new_name.value.clone(),
                });
            }
            if options.iter().any(|o| matches!(o, ColumnOption::NotNull)) {
                facts.push(Fact::SetsNotNull {
                    table,
                    column: new_name.value.clone(),
                });
            }
            facts
        }
        AlterTableOperation::ModifyColumn { col_name, options, .. } => {
            let mut facts = vec![Fact::ChangesColumnType {
                table: table.clone(),
                column: col_name.value.clone(),
            }];
            if options.iter().any(|o| matches!(o, ColumnOption::NotNull)) {
                facts.push(Fact::SetsNotNull {
                    table,
                    column: col_name.value.clone(),
                });
            }
            facts
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column = column_name.value.clone();
            match op {
                AlterColumnOperation::SetNotNull => vec![Fact::SetsNotNull { table, column }],
                AlterColumnOperation::DropNotNull => vec![Fact::DropsNotNull { table, column }],
                AlterColumnOperation::DropDefault => vec![Fact::DropsDefault { table, column }],
                AlterColumnOperation::SetDataType { .. } => vec![Fact::ChangesColumnType { table, column }],
                _ => Vec::new(),
            }
        }
        AlterTableOperation::AddConstraint { constraint, not_valid } => match constraint {
            TableConstraint::ForeignKey(fk) => vec![Fact::AddsValidatedConstraint {
                table,
                name: fk.name.as_ref().map(|n| n.value.clone()),
                not_valid: *not_valid,
            }],
            TableConstraint::Check(check) => vec![Fact::AddsValidatedConstraint {
                table,
                name: check.name.as_ref().map(|n| n.value.clone()),
                not_valid: *not_valid,
            }],
            TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => vec![Fact::AddsUnique {
                table,
                using_index: false,
            }],
            TableConstraint::UniqueUsingIndex(_) | TableConstraint::PrimaryKeyUsingIndex(_) => {
                vec![Fact::AddsUnique {
                    table,
                    using_index: true,
                }]
            }
            _ => Vec::new(),
        },
        AlterTableOperation::DropConstraint { .. }
        | AlterTableOperation::DropForeignKey { .. }
        | AlterTableOperation::DropPrimaryKey { .. } => vec![Fact::DropsConstraint { table }],
        AlterTableOperation::ValidateConstraint { name: constraint } => vec![Fact::ValidatesConstraint {
            table,
            name: constraint.value.clone(),
        }],
        _ => Vec::new(),
    }
}

/// Functions PostgreSQL evaluates once per statement, so a default of them fills existing rows without a rewrite.
const STABLE_FUNCTIONS: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "session_user",
];

fn default_kind(expr: &Expr) -> DefaultKind {
    if is_constant(expr) {
        DefaultKind::Constant
    } else {
        DefaultKind::Volatile
    }
}

fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) | Expr::TypedString(_) | Expr::Identifier(_) => true,
        Expr::Nested(inner) | Expr::UnaryOp { expr: inner, .. } | Expr::Cast { expr: inner, .. } => is_constant(inner),
        Expr::BinaryOp { left, right, .. } => is_constant(left) && is_constant(right),
        Expr::Function(function) => {
            let called = name(&function.name).to_ascii_lowercase();
            STABLE_FUNCTIONS.contains(&called.as_str())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts_of(sql: &str, backend: Backend) -> Vec<Fact> {
        match read(sql, backend) {
            ReadSql::Read(statements) => statements.into_iter().flat_map(|s| s.facts).collect(),
            ReadSql::Unreadable { error, .. } => panic!("unreadable: {error}"),
        }
    }

    #[test]
    fn reads_drops_truncates_and_unbounded_writes() {
        let facts = facts_of(
            "DROP TABLE users; TRUNCATE accounts CASCADE; DELETE FROM logs; DELETE FROM logs WHERE id = 1; \
             UPDATE users SET a = 1; UPDATE users SET a = 1 WHERE id = 2",
            Backend::Postgres,
        );
        assert_eq!(
            facts,
            vec![
                Fact::DropsTable("users".into()),
                Fact::Truncates("accounts".into()),
                Fact::DeletesAllRows("logs".into()),
                Fact::UpdatesAllRows("users".into()),
            ]
        );
    }

    #[test]
    fn reads_index_builds_with_and_without_concurrently() {
        let facts = facts_of(
            "CREATE INDEX CONCURRENTLY a_idx ON t (a); CREATE UNIQUE INDEX b_idx ON t (b); \
             DROP INDEX CONCURRENTLY a_idx; DROP INDEX b_idx",
            Backend::Postgres,
        );
        assert_eq!(
            facts,
            vec![
                Fact::CreatesIndex {
                    table: "t".into(),
                    name: Some("a_idx".into()),
                    unique: false,
                    concurrently: true
                },
                Fact::CreatesIndex {
                    table: "t".into(),
                    name: Some("b_idx".into()),
                    unique: true,
                    concurrently: false
                },
                Fact::DropsIndex {
                    name: "a_idx".into(),
                    concurrently: true
                },
                Fact::DropsIndex {
                    name: "b_idx".into(),
                    concurrently: false
                },
            ]
        );
    }

    #[test]
    fn reads_column_changes() {
        let facts = facts_of(
            "ALTER TABLE t ADD COLUMN a uuid NOT NULL DEFAULT gen_random_uuid(), ADD COLUMN b timestamptz DEFAULT now(), \
             ADD COLUMN c int NOT NULL, ADD COLUMN d bigserial; \
             ALTER TABLE t ALTER COLUMN e TYPE bigint, ALTER COLUMN f SET NOT NULL, DROP COLUMN g; \
             ALTER TABLE t RENAME COLUMN h TO i; ALTER TABLE t RENAME TO u",
            Backend::Postgres,
        );
        let t = || "t".to_owned();
        assert_eq!(
            facts,
            vec![
                Fact::AddsColumn {
                    table: t(),
                    column: "a".into(),
                    required: false,
                    default: Some(DefaultKind::Volatile)
                },
                Fact::AddsColumn {
                    table: t(),
                    column: "b".into(),
                    required: false,
                    default: Some(DefaultKind::Constant)
                },
                Fact::AddsColumn {
                    table: t(),
                    column: "c".into(),
                    required: true,
                    default: None
                },
                Fact::AddsColumn {
                    table: t(),
                    column: "d".into(),
                    required: false,
                    default: Some(DefaultKind::Volatile)
                },
                Fact::ChangesColumnType {
                    table: t(),
                    column: "e".into()
                },
                Fact::SetsNotNull {
                    table: t(),
                    column: "f".into()
                },
                Fact::DropsColumn {
                    table: t(),
                    column: "g".into()
                },
                Fact::RenamesColumn {
                    table: t(),
                    from: "h".into(),
                    to: "i".into()
                },
                Fact::RenamesTable {
                    from: t(),
                    to: "u".into()
                },
            ]
        );
    }

    #[test]
    fn reads_constraints() {
        let facts = facts_of(
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID; \
             ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0); \
             ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX k_idx; ALTER TABLE t ADD CONSTRAINT k2 UNIQUE (a); \
             ALTER TABLE t VALIDATE CONSTRAINT fk; ALTER TABLE t DROP CONSTRAINT c",
            Backend::Postgres,
        );
        assert_eq!(
            facts,
            vec![
                Fact::AddsValidatedConstraint {
                    table: "t".into(),
                    name: Some("fk".into()),
                    not_valid: true
                },
                Fact::AddsValidatedConstraint {
                    table: "t".into(),
                    name: Some("c".into()),
                    not_valid: false
                },
                Fact::AddsUnique {
                    table: "t".into(),
                    using_index: true
                },
                Fact::AddsUnique {
                    table: "t".into(),
                    using_index: false
                },
                Fact::ValidatesConstraint {
                    table: "t".into(),
                    name: "fk".into()
                },
                Fact::DropsConstraint { table: "t".into() },
            ]
        );
    }

    #[test]
    fn reads_mysql_modify_change_and_rename_table() {
        let facts = facts_of(
            "ALTER TABLE t MODIFY a BIGINT NOT NULL; ALTER TABLE t CHANGE b c INT; RENAME TABLE t TO u; \
             ALTER TABLE t DROP FOREIGN KEY fk",
            Backend::MySql,
        );
        assert_eq!(
            facts,
            vec![
                Fact::ChangesColumnType {
                    table: "t".into(),
                    column: "a".into()
                },
                Fact::SetsNotNull {
                    table: "t".into(),
                    column: "a".into()
                },
                Fact::ChangesColumnType {
                    table: "t".into(),
                    column: "b".into()
                },
                Fact::RenamesColumn {
                    table: "t".into(),
                    from: "b".into(),
                    to: "c".into()
                },
                Fact::RenamesTable {
                    from: "t".into(),
                    to: "u".into()
                },
                Fact::DropsConstraint { table: "t".into() },
            ]
        );
    }

    #[test]
    fn reads_transaction_control_locks_and_revokes() {
        let facts = facts_of(
            "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; REVOKE SELECT ON t FROM reader; COMMIT",
            Backend::Postgres,
        );
        assert_eq!(
            facts,
            vec![
                Fact::ControlsTransaction,
                Fact::LocksTable("t".into()),
                Fact::Revokes,
                Fact::ControlsTransaction,
            ]
        );
    }

    #[test]
    fn unreadable_sql_keeps_the_authors_reason() {
        let sql = "-- lockgate:unchecked a vendor extension the parser does not know\nFROBNICATE TABLE t";
        match read(sql, Backend::Postgres) {
            ReadSql::Unreadable { unchecked, .. } => {
                assert_eq!(
                    unchecked.as_deref(),
                    Some("a vendor extension the parser does not know")
                );
            }
            ReadSql::Read(_) => panic!("read"),
        }
        assert_eq!(unchecked_reason("-- lockgate:unchecked   \nX"), None);
    }
}
