//! What the migrations before the one being checked built: the schema they predict, and which tables are new in
//! this run, so rules judge an operation against the schema it will meet.

use std::collections::BTreeSet;

use crate::backend::Backend;
use crate::migration::Migration;
use crate::operation::Operation;
use crate::schema::{PartitionDef, SchemaDef, TableDef};

/// The schema the earlier migrations of a list predict, for the plan-time rules.
///
/// [`Earlier::nothing`] knows nothing: each migration is judged alone. [`Earlier::advance`] follows a migration's
/// way up. The prediction stops being trusted (`complete` turns false) at the first operation the model cannot
/// follow (raw SQL, an object it never saw): from there on the rules only know what the migration itself shows.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::Earlier;
/// let earlier = Earlier::nothing();
/// assert!(!earlier.is_fresh("contracts"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    schema: SchemaDef,
    complete: bool,
    fresh: BTreeSet<String>,
}

impl Earlier {
    /// Nothing known: every table a migration does not create itself exists, with unknown contents.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// assert!(Earlier::nothing().schema().is_none());
    /// ```
    pub fn nothing() -> Earlier {
        Earlier::default()
    }

    /// The start of a list: an empty schema, known completely.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// assert!(Earlier::start().schema().is_some());
    /// ```
    pub fn start() -> Earlier {
        Earlier {
            complete: true,
            ..Earlier::default()
        }
    }

    /// Follows `migration`'s way up on `backend` (a migration for other backends only changes nothing).
    /// `runs_now`: it is pending and runs in the same run as the migrations checked after it, so the tables it
    /// creates are new and empty for them.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// # use lockgate_dsl::{Backend, Migration, MigrationMeta, TransactionMode, DownError, risk::Allowances};
    /// # use lockgate_dsl::plan::{Plan, PlannedOp};
    /// # struct CreateContracts;
    /// # impl Migration for CreateContracts {
    /// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 1, name: "c", type_name: "C",
    /// #         allow: Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
    /// #     fn up_operations(&self) -> Vec<PlannedOp> { let mut m = Plan::<()>::new();
    /// #         m.create_table("contracts", |t| { t.column::<i64>("id"); }); m.into_operations() }
    /// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(Vec::new()) }
    /// # }
    /// let mut earlier = Earlier::start();
    /// earlier.advance(&CreateContracts, Backend::Postgres, true);
    /// assert!(earlier.is_fresh("contracts"));
    /// assert!(earlier.schema().unwrap().tables.contains_key("contracts"));
    /// ```
    pub fn advance(&mut self, migration: &dyn Migration, backend: Backend, runs_now: bool) {
        if !migration.meta().targets(backend) {
            return;
        }
        for planned in migration.up_operations() {
            if runs_now
                && let Operation::CreateTable(TableDef { name, .. })
                | Operation::CreatePartition(PartitionDef { name, .. }) = &planned.op
            {
                self.fresh.insert(name.clone());
            }
            if let Operation::DropTable(table) = &planned.op {
                self.fresh.remove(&table.name);
            }
            if let Operation::RenameTable { from, to } = &planned.op
                && self.fresh.remove(from)
            {
                self.fresh.insert(to.clone());
            }
            if self.complete && self.schema.apply(&planned.op).is_err() {
                self.complete = false;
            }
        }
    }

    /// Whether the earlier migrations made `table` a partitioned table (false where that is not known).
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// assert!(!Earlier::start().is_partitioned("events"));
    /// ```
    pub fn is_partitioned(&self, table: &str) -> bool {
        self.schema()
            .and_then(|schema| schema.tables.get(table))
            .is_some_and(|t| t.partition_by.is_some())
    }

    /// Whether every partition of `index`'s table already has an index like it, which PostgreSQL adopts rather
    /// than build (false where that is not known).
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// use lockgate_dsl::schema::IndexDef;
    /// assert!(!Earlier::nothing().partitions_have(&IndexDef::new("events", ["tenant_id"])));
    /// ```
    pub fn partitions_have(&self, index: &crate::schema::IndexDef) -> bool {
        let Some(schema) = self.schema() else {
            return false;
        };
        schema
            .partitions
            .values()
            .filter(|p| p.def.parent == index.table)
            .all(|p| {
                schema
                    .tables
                    .get(&p.def.name)
                    .is_some_and(|table| table.indexes.iter().any(|own| index.same_as(own)))
            })
    }

    /// The predicted schema, while it is trusted.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// assert!(Earlier::start().schema().unwrap().tables.is_empty());
    /// ```
    pub fn schema(&self) -> Option<&SchemaDef> {
        self.complete.then_some(&self.schema)
    }

    /// Whether `table` was created by a migration that runs in this same run, before the one checked: it is
    /// empty, and no running code uses it yet.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::Earlier;
    /// assert!(!Earlier::start().is_fresh("t"));
    /// ```
    pub fn is_fresh(&self, table: &str) -> bool {
        self.fresh.contains(table)
    }

    /// The tables created in this run before the migration checked.
    pub(super) fn fresh(&self) -> impl Iterator<Item = &str> {
        self.fresh.iter().map(String::as_str)
    }

    /// Whether a validated `CHECK (column IS NOT NULL)` on `table` proves the column holds no NULL.
    pub(super) fn proves_not_null(&self, table: &str, column: &str) -> bool {
        let Some(def) = self.schema().and_then(|schema| schema.tables.get(table)) else {
            return false;
        };
        let wanted = format!("{}isnotnull", column.to_ascii_lowercase());
        def.checks.iter().any(|check| {
            let expr: String = check
                .expr
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '"' | '`'))
                .collect::<String>()
                .to_ascii_lowercase();
            !check.not_valid && expr == wanted
        })
    }

    /// The foreign keys of other tables that reference `table`, as (their table, their name).
    pub(super) fn references_to(&self, table: &str) -> Vec<(&str, &str)> {
        let Some(schema) = self.schema() else {
            return Vec::new();
        };
        schema
            .tables
            .values()
            .filter(|def| def.name != table)
            .flat_map(|def| &def.foreign_keys)
            .filter(|fk| fk.ref_table == table)
            .map(|fk| (fk.table.as_str(), fk.name.as_str()))
            .collect()
    }

    /// The views whose SQL reads `column` of `table` (by name, or through `*`).
    pub(super) fn views_reading(&self, table: &str, column: &str) -> Vec<&str> {
        let Some(schema) = self.schema() else {
            return Vec::new();
        };
        schema
            .views
            .values()
            .filter(|view| {
                let words = words(&view.sql);
                words.iter().any(|w| w.eq_ignore_ascii_case(table))
                    && words.iter().any(|w| w.eq_ignore_ascii_case(column) || w == "*")
            })
            .map(|view| view.name.as_str())
            .collect()
    }
}

/// The identifiers and `*` of a SQL text, unquoted.
fn words(sql: &str) -> Vec<String> {
    use sqlparser::dialect::GenericDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|token| match token {
            Token::Word(word) => Some(word.value),
            Token::Mul => Some("*".to_owned()),
            _ => None,
        })
        .collect()
}
