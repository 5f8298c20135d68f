//! A table definition and the builder used inside `create_table`.

use serde::{Deserialize, Serialize};

use super::{
    CheckDef, ColumnDef, ForeignKeyDef, IndexDef, PartitionKey, PartitionStrategy, ReferentialAction, UniqueDef,
};
use crate::types::SqlType;
use crate::value::{DefaultValue, SqlExpr};

/// A full table definition: what `create_table` creates and what `drop_table` needs to recreate.
///
/// ```
/// use lockgate_dsl::schema::TableDef;
/// let table = TableDef::build("tenants", |t| {
///     t.column::<i64>("id").primary_key();
///     t.column::<String>("name");
/// });
/// assert_eq!(table.primary_key, ["id"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDef {
    /// Table name.
    pub name: String,
    /// Columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Primary-key columns (empty when none).
    pub primary_key: Vec<String>,
    /// Unique constraints.
    pub uniques: Vec<UniqueDef>,
    /// Check constraints.
    pub checks: Vec<CheckDef>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// Indexes created with the table (safe without `CONCURRENTLY`: the table is new).
    pub indexes: Vec<IndexDef>,
    /// PostgreSQL: the key that splits its rows among partitions (`PARTITION BY`); `None` for a plain table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionKey>,
}

impl TableDef {
    /// An empty table definition.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// assert!(TableDef::new("t").columns.is_empty());
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        TableDef {
            name: name.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            partition_by: None,
        }
    }

    /// Builds a definition with a [`TableBuilder`].
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); });
    /// assert_eq!(t.columns.len(), 1);
    /// ```
    pub fn build(name: impl Into<String>, define: impl FnOnce(&mut TableBuilder)) -> Self {
        let mut builder = TableBuilder {
            def: TableDef::new(name),
        };
        define(&mut builder);
        builder.def
    }

    /// The column with this name.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); });
    /// assert!(t.column("a").is_some());
    /// ```
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Declares the columns, keys, constraints and indexes of a new table.
///
/// ```
/// use lockgate_dsl::schema::TableDef;
/// use lockgate_dsl::types::{Timestamptz, Uuid};
/// let t = TableDef::build("templates", |t| {
///     t.column::<Uuid>("id").primary_key();
///     t.column::<Uuid>("tenant");
///     t.column::<Timestamptz>("created_at").default_now();
///     t.index(["tenant"]);
///     t.check("templates_tenant_set", "tenant IS NOT NULL");
/// });
/// assert_eq!(t.indexes[0].name, "templates_tenant_idx");
/// ```
#[derive(Debug)]
pub struct TableBuilder {
    def: TableDef,
}

impl TableBuilder {
    /// Adds a column of Rust type `T`; `Option<T>` makes it nullable.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<Option<String>>("note"); });
    /// assert!(t.columns[0].nullable);
    /// ```
    pub fn column<T: SqlType>(&mut self, name: impl Into<String>) -> ColumnBuilder<'_> {
        self.def.columns.push(ColumnDef::new::<T>(name));
        let index = self.def.columns.len() - 1;
        ColumnBuilder {
            table: &mut self.def,
            index,
        }
    }

    /// Adds a column from a full definition.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ColumnDef, TableDef};
    /// let t = TableDef::build("t", |t| { t.column_def(ColumnDef::new::<i32>("a")); });
    /// assert_eq!(t.columns[0].name, "a");
    /// ```
    pub fn column_def(&mut self, column: ColumnDef) -> ColumnBuilder<'_> {
        self.def.columns.push(column);
        let index = self.def.columns.len() - 1;
        ColumnBuilder {
            table: &mut self.def,
            index,
        }
    }

    /// Sets a (possibly composite) primary key.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| {
    ///     t.column::<i32>("a");
    ///     t.column::<i32>("b");
    ///     t.primary_key(["a", "b"]);
    /// });
    /// assert_eq!(t.primary_key, ["a", "b"]);
    /// ```
    pub fn primary_key<I, S>(&mut self, columns: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.def.primary_key = super::names(columns);
    }

    /// Makes it a PostgreSQL partitioned table: its rows live in partitions split by `strategy` over `columns`
    /// (see [`Plan::create_partition`](crate::Plan::create_partition)). PostgreSQL wants the key's columns in
    /// the primary key and every unique constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::{PartitionStrategy, TableDef};
    /// use lockgate_dsl::types::Date;
    /// let t = TableDef::build("events", |t| {
    ///     t.column::<i64>("id");
    ///     t.column::<Date>("created_on");
    ///     t.primary_key(["id", "created_on"]);
    ///     t.partition_by(PartitionStrategy::Range, ["created_on"]);
    /// });
    /// assert_eq!(t.partition_by.unwrap().to_string(), "RANGE (created_on)");
    /// ```
    pub fn partition_by<I, S>(&mut self, strategy: PartitionStrategy, columns: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.def.partition_by = Some(PartitionKey::new(strategy, columns));
    }

    /// Adds an index; chain `.unique()`, `.named(..)` or `.predicate(..)` on the result.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| {
    ///     t.column::<i32>("a");
    ///     t.index(["a"]).unique();
    /// });
    /// assert!(t.indexes[0].unique);
    /// ```
    pub fn index<I, S>(&mut self, columns: I) -> IndexBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let index = IndexDef::new(self.def.name.clone(), columns);
        self.def.indexes.push(index);
        IndexBuilder {
            index: self.def.indexes.last_mut().expect("an index was just pushed"),
        }
    }

    /// Adds a unique constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.unique(["a"]); });
    /// assert_eq!(t.uniques[0].name, "t_a_key");
    /// ```
    pub fn unique<I, S>(&mut self, columns: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let unique = UniqueDef::new(self.def.name.clone(), columns);
        self.def.uniques.push(unique);
    }

    /// Adds a named check constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.check("t_a_positive", "a > 0"); });
    /// assert_eq!(t.checks[0].expr, "a > 0");
    /// ```
    pub fn check(&mut self, name: impl Into<String>, expr: impl Into<String>) {
        let check = CheckDef::new(self.def.name.clone(), name, expr);
        self.def.checks.push(check);
    }

    /// Adds a foreign key from `columns` to `ref_table(ref_columns)`.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ReferentialAction, TableDef};
    /// let t = TableDef::build("lines", |t| {
    ///     t.column::<i64>("contract_id");
    ///     t.foreign_key(["contract_id"], "contracts", ["id"]).on_delete(ReferentialAction::Cascade);
    /// });
    /// assert_eq!(t.foreign_keys[0].ref_table, "contracts");
    /// ```
    pub fn foreign_key<I, S, J, T>(
        &mut self,
        columns: I,
        ref_table: impl Into<String>,
        ref_columns: J,
    ) -> ForeignKeyBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let fk = ForeignKeyDef::new(self.def.name.clone(), columns, ref_table, ref_columns);
        self.def.foreign_keys.push(fk);
        ForeignKeyBuilder {
            fk: self.def.foreign_keys.last_mut().expect("a foreign key was just pushed"),
        }
    }
}

/// Refines the column just added to a [`TableBuilder`].
///
/// ```
/// use lockgate_dsl::schema::TableDef;
/// let t = TableDef::build("t", |t| { t.column::<bool>("active").default(true); });
/// assert!(t.columns[0].default.is_some());
/// ```
#[derive(Debug)]
pub struct ColumnBuilder<'a> {
    table: &'a mut TableDef,
    index: usize,
}

impl ColumnBuilder<'_> {
    /// Makes this column the table's primary key (or adds it to a composite one).
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i64>("id").primary_key(); });
    /// assert_eq!(t.primary_key, ["id"]);
    /// ```
    pub fn primary_key(self) -> Self {
        let name = self.table.columns[self.index].name.clone();
        self.table.primary_key.push(name);
        self
    }

    /// Sets a default value or expression.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<String>("state").default("draft"); });
    /// assert!(t.columns[0].default.is_some());
    /// ```
    pub fn default(self, value: impl Into<DefaultValue>) -> Self {
        self.table.columns[self.index].default = Some(value.into());
        self
    }

    /// Generates the column's value from `expression` on every write (`GENERATED ALWAYS AS (...) STORED`).
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("lines", |t| {
    ///     t.column::<i64>("net_cents");
    ///     t.column::<i64>("tax_cents");
    ///     t.column::<Option<i64>>("total_cents").generated("net_cents + tax_cents");
    /// });
    /// assert!(t.columns[2].generated.is_some());
    /// ```
    pub fn generated(self, expression: impl Into<String>) -> Self {
        self.table.columns[self.index].generated = Some(expression.into());
        self
    }

    /// Defaults to the current timestamp.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// use lockgate_dsl::types::Timestamptz;
    /// let t = TableDef::build("t", |t| { t.column::<Timestamptz>("at").default_now(); });
    /// assert!(t.columns[0].default.is_some());
    /// ```
    pub fn default_now(self) -> Self {
        self.default(SqlExpr::Now)
    }

    /// Adds a single-column unique constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<String>("email").unique(); });
    /// assert_eq!(t.uniques.len(), 1);
    /// ```
    pub fn unique(self) -> Self {
        let name = self.table.columns[self.index].name.clone();
        let unique = UniqueDef::new(self.table.name.clone(), [name]);
        self.table.uniques.push(unique);
        self
    }

    /// Adds a single-column foreign key.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i64>("owner_id").references("owners", "id"); });
    /// assert_eq!(t.foreign_keys.len(), 1);
    /// ```
    pub fn references(self, ref_table: impl Into<String>, ref_column: impl Into<String>) -> Self {
        let name = self.table.columns[self.index].name.clone();
        let fk = ForeignKeyDef::new(self.table.name.clone(), [name], ref_table, [ref_column.into()]);
        self.table.foreign_keys.push(fk);
        self
    }
}

/// Refines an index added by [`TableBuilder::index`].
///
/// ```
/// use lockgate_dsl::schema::TableDef;
/// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.index(["a"]).named("by_a").predicate("a > 0"); });
/// assert_eq!(t.indexes[0].name, "by_a");
/// ```
#[derive(Debug)]
pub struct IndexBuilder<'a> {
    index: &'a mut IndexDef,
}

impl IndexBuilder<'_> {
    /// Makes the index unique.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.index(["a"]).unique(); });
    /// assert!(t.indexes[0].unique);
    /// ```
    pub fn unique(self) -> Self {
        *self.index = self.index.clone().unique();
        self
    }

    /// Names the index.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.index(["a"]).named("ix"); });
    /// assert_eq!(t.indexes[0].name, "ix");
    /// ```
    pub fn named(self, name: impl Into<String>) -> Self {
        self.index.name = name.into();
        self
    }

    /// Makes the index partial.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i32>("a"); t.index(["a"]).predicate("a > 0"); });
    /// assert!(t.indexes[0].predicate.is_some());
    /// ```
    pub fn predicate(self, sql: impl Into<String>) -> Self {
        self.index.predicate = Some(sql.into());
        self
    }
}

/// Refines a foreign key added by [`TableBuilder::foreign_key`].
///
/// ```
/// use lockgate_dsl::schema::{ReferentialAction, TableDef};
/// let t = TableDef::build("t", |t| {
///     t.column::<i64>("p");
///     t.foreign_key(["p"], "parents", ["id"]).named("t_parent").on_update(ReferentialAction::Cascade);
/// });
/// assert_eq!(t.foreign_keys[0].name, "t_parent");
/// ```
#[derive(Debug)]
pub struct ForeignKeyBuilder<'a> {
    fk: &'a mut ForeignKeyDef,
}

impl ForeignKeyBuilder<'_> {
    /// Names the constraint.
    ///
    /// ```
    /// use lockgate_dsl::schema::TableDef;
    /// let t = TableDef::build("t", |t| { t.column::<i64>("p"); t.foreign_key(["p"], "q", ["id"]).named("fk"); });
    /// assert_eq!(t.foreign_keys[0].name, "fk");
    /// ```
    pub fn named(self, name: impl Into<String>) -> Self {
        self.fk.name = name.into();
        self
    }

    /// Sets `ON DELETE`.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ReferentialAction, TableDef};
    /// let t = TableDef::build("t", |t| { t.column::<i64>("p"); t.foreign_key(["p"], "q", ["id"]).on_delete(ReferentialAction::Cascade); });
    /// assert!(t.foreign_keys[0].on_delete.is_some());
    /// ```
    pub fn on_delete(self, action: ReferentialAction) -> Self {
        self.fk.on_delete = Some(action);
        self
    }

    /// Sets `ON UPDATE`.
    ///
    /// ```
    /// use lockgate_dsl::schema::{ReferentialAction, TableDef};
    /// let t = TableDef::build("t", |t| { t.column::<i64>("p"); t.foreign_key(["p"], "q", ["id"]).on_update(ReferentialAction::Cascade); });
    /// assert!(t.foreign_keys[0].on_update.is_some());
    /// ```
    pub fn on_update(self, action: ReferentialAction) -> Self {
        self.fk.on_update = Some(action);
        self
    }
}
