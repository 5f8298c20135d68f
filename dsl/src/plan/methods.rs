//! The DSL: one method per operation, with compile-time gates on the risky ones.

use super::{Plan, Reversible, push};
use crate::operation::Operation;
use crate::risk::gates::{
    AddRequiredColumn, ChangeColumnTypeBreaksReaders, DropCheck, DropColumn, DropEnum, DropForeignKey, DropNotNull,
    DropTable, DropUnique, DropView, EnumValueIsPermanent, RenameColumn, RenameTable, ReplaceView, SqlWithoutReverse,
};
use crate::schema::{
    CheckDef, ColumnDef, EnumDef, ForeignKeyDef, IndexDef, ReferentialAction, TableBuilder, TableDef, UniqueDef,
    ViewDef,
};
use crate::types::{NotNull, SqlType};
use crate::value::DefaultValue;

impl<M: ?Sized, D> Plan<M, D> {
    /// Creates a table. Indexes and constraints declared inside are safe: the table is new.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::types::{Json, Uuid};
    /// let mut m = Plan::<()>::new();
    /// m.create_table("templates", |t| {
    ///     t.column::<Uuid>("id").primary_key();
    ///     t.column::<String>("name");
    ///     t.column::<Option<Json>>("metadata");
    ///     t.index(["name"]).unique();
    /// });
    /// assert_eq!(m.operations()[0].op.kind(), "create_table");
    /// ```
    #[track_caller]
    pub fn create_table(&mut self, name: impl Into<String>, define: impl FnOnce(&mut TableBuilder)) {
        push(&mut self.ops, Operation::CreateTable(TableDef::build(name, define)));
    }

    /// Drops a table, given its full definition so `down` can recreate it (not its rows).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_table("legacy", |t| { t.column::<i64>("id").primary_key(); });
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, destructive);
    /// ```
    #[track_caller]
    pub fn drop_table(&mut self, name: impl Into<String>, define: impl FnOnce(&mut TableBuilder))
    where
        M: DropTable<D>,
    {
        push(&mut self.ops, Operation::DropTable(TableDef::build(name, define)));
    }

    /// Renames a table.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.rename_table("contract_template", "contract_templates");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn rename_table(&mut self, from: impl Into<String>, to: impl Into<String>)
    where
        M: RenameTable<D>,
    {
        push(
            &mut self.ops,
            Operation::RenameTable {
                from: from.into(),
                to: to.into(),
            },
        );
    }

    /// Adds a column of Rust type `T`. A NOT NULL `T` without a default is data-dependent: use
    /// `Option<T>` or [`add_column_with_default`](Self::add_column_with_default).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::types::Json;
    /// let mut m = Plan::<()>::new();
    /// m.add_column::<Option<Json>>("contracts", "template_metadata");
    /// assert_eq!(m.operations()[0].op.kind(), "add_column");
    /// ```
    #[track_caller]
    pub fn add_column<T: SqlType>(&mut self, table: impl Into<String>, name: impl Into<String>)
    where
        M: AddRequiredColumn<T::Nullness, D>,
    {
        push(
            &mut self.ops,
            Operation::AddColumn {
                table: table.into(),
                column: ColumnDef::new::<T>(name),
            },
        );
    }

    /// Adds a column whose value PostgreSQL, MySQL or SQLite computes from `expression` on every write
    /// (`GENERATED ALWAYS AS (...) STORED`); existing rows get theirs at once, which rewrites the table (plan rule
    /// `add-generated-column-rewrites`). A NOT NULL `T` is data-dependent, as with
    /// [`add_column`](Self::add_column): the expression may be NULL for some row.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.add_generated_column::<Option<i64>>("lines", "total_cents", "net_cents + tax_cents");
    /// assert_eq!(m.operations()[0].op.kind(), "add_column");
    /// ```
    #[track_caller]
    pub fn add_generated_column<T: SqlType>(
        &mut self,
        table: impl Into<String>,
        name: impl Into<String>,
        expression: impl Into<String>,
    ) where
        M: AddRequiredColumn<T::Nullness, D>,
    {
        push(
            &mut self.ops,
            Operation::AddColumn {
                table: table.into(),
                column: ColumnDef::new::<T>(name).generated(expression),
            },
        );
    }

    /// Adds a column with a default; existing rows get the default.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.add_column_with_default::<bool>("contracts", "is_template", false);
    /// assert_eq!(m.operations()[0].op.kind(), "add_column");
    /// ```
    #[track_caller]
    pub fn add_column_with_default<T: SqlType>(
        &mut self,
        table: impl Into<String>,
        name: impl Into<String>,
        default: impl Into<DefaultValue>,
    ) {
        let column = ColumnDef::new::<T>(name).default(default);
        push(
            &mut self.ops,
            Operation::AddColumn {
                table: table.into(),
                column,
            },
        );
    }

    /// Drops a column, given its full definition so `down` can recreate it (not its values).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::ColumnDef;
    /// use lockgate_dsl::types::Json;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_column("contracts", ColumnDef::new::<Option<Json>>("template_metadata"));
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, destructive);
    /// ```
    #[track_caller]
    pub fn drop_column(&mut self, table: impl Into<String>, column: ColumnDef)
    where
        M: DropColumn<D>,
    {
        push(
            &mut self.ops,
            Operation::DropColumn {
                table: table.into(),
                column,
            },
        );
    }

    /// Renames a column.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.rename_column("templates", "title", "template_name");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn rename_column(&mut self, table: impl Into<String>, from: impl Into<String>, to: impl Into<String>)
    where
        M: RenameColumn<D>,
    {
        push(
            &mut self.ops,
            Operation::RenameColumn {
                table: table.into(),
                from: from.into(),
                to: to.into(),
            },
        );
    }

    /// Changes a column's type from `From` to `To` (nullability follows the types). The returned
    /// handle records the column's current default, which MySQL must restate.
    ///
    /// Running code reads the old type, so this needs `allow(incompatible)` to compile. What else it costs
    /// depends on the two types and the backend, and is judged when the plan is built: whether the backend
    /// rewrites the table (`change-column-type-rewrites`), whether some value may not convert
    /// (`change-column-type-casts`; a widening change such as `i32` to `i64` needs nothing), and whether a
    /// derived `down` could bring the values back (`lossy-type-change`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.change_column_type::<i32, i64>("lines", "quantity").keep_default(0);
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn change_column_type<From: SqlType, To: SqlType>(
        &mut self,
        table: impl Into<String>,
        column: impl Into<String>,
    ) -> AlterColumn<'_>
    where
        M: ChangeColumnTypeBreaksReaders<D>,
    {
        let column = column.into();
        let from = ColumnDef::new::<From>(column.clone());
        let to = ColumnDef::new::<To>(column);
        AlterColumn::new(push(
            &mut self.ops,
            Operation::AlterColumn {
                table: table.into(),
                from,
                to,
            },
        ))
    }

    /// Makes a nullable column of type `T` NOT NULL.
    ///
    /// What it costs is judged when the plan is built, against the migrations before it: on an existing
    /// table it scans every row under an exclusive lock (`set-not-null-scans`) and fails on a NULL
    /// (`set-not-null-fails`), unless an earlier migration added and validated `CHECK (column IS NOT NULL)`,
    /// which proves it to PostgreSQL (the safe recipe: `add_check(..).not_valid()`, then
    /// `validate_constraint` in a later migration, then this).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::types::Uuid;
    /// let mut m = Plan::<()>::new();
    /// m.set_not_null::<Uuid>("lines", "template_id");
    /// assert_eq!(m.operations()[0].op.kind(), "alter_column");
    /// ```
    #[track_caller]
    pub fn set_not_null<T: NotNull>(&mut self, table: impl Into<String>, column: impl Into<String>) -> AlterColumn<'_> {
        let column = column.into();
        let from = ColumnDef::new::<Option<T>>(column.clone());
        let to = ColumnDef::new::<T>(column);
        AlterColumn::new(push(
            &mut self.ops,
            Operation::AlterColumn {
                table: table.into(),
                from,
                to,
            },
        ))
    }

    /// Makes a NOT NULL column of type `T` nullable.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_not_null::<String>("contracts", "legacy_code");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn drop_not_null<T: NotNull>(&mut self, table: impl Into<String>, column: impl Into<String>) -> AlterColumn<'_>
    where
        M: DropNotNull<D>,
    {
        let column = column.into();
        let from = ColumnDef::new::<T>(column.clone());
        let to = ColumnDef::new::<Option<T>>(column);
        AlterColumn::new(push(
            &mut self.ops,
            Operation::AlterColumn {
                table: table.into(),
                from,
                to,
            },
        ))
    }

    /// Sets a column's default; `from` is the default it has now (`None` when it has none), so `down` can restore it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.set_default::<String>("contracts", "state", None, "draft");
    /// assert_eq!(m.operations()[0].op.kind(), "alter_column");
    /// ```
    #[track_caller]
    pub fn set_default<T: SqlType>(
        &mut self,
        table: impl Into<String>,
        column: impl Into<String>,
        from: Option<DefaultValue>,
        to: impl Into<DefaultValue>,
    ) {
        let column = column.into();
        let mut before = ColumnDef::new::<T>(column.clone());
        before.default = from;
        let after = ColumnDef::new::<T>(column).default(to);
        push(
            &mut self.ops,
            Operation::AlterColumn {
                table: table.into(),
                from: before,
                to: after,
            },
        );
    }

    /// Drops a column's default; `from` is the default it has now, so `down` can restore it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.drop_default::<bool>("contracts", "is_template", false);
    /// assert_eq!(m.operations()[0].op.kind(), "alter_column");
    /// ```
    #[track_caller]
    pub fn drop_default<T: SqlType>(
        &mut self,
        table: impl Into<String>,
        column: impl Into<String>,
        from: impl Into<DefaultValue>,
    ) {
        let column = column.into();
        let before = ColumnDef::new::<T>(column.clone()).default(from);
        let after = ColumnDef::new::<T>(column);
        push(
            &mut self.ops,
            Operation::AlterColumn {
                table: table.into(),
                from: before,
                to: after,
            },
        );
    }

    /// Creates an index on an existing table. On PostgreSQL, a table that this plan did not create
    /// needs `.concurrently()` (and a non-transactional migration) or `allow(blocking)`; the plan check enforces it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::IndexDef;
    /// let mut m = Plan::<()>::new();
    /// m.create_index(IndexDef::new("contracts", ["tenant"]).concurrently());
    /// assert_eq!(m.operations()[0].op.kind(), "create_index");
    /// ```
    #[track_caller]
    pub fn create_index(&mut self, index: IndexDef) {
        push(&mut self.ops, Operation::CreateIndex(index));
    }

    /// Drops an index, given its full definition so `down` can rebuild it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::IndexDef;
    /// let mut m = Plan::<()>::new();
    /// m.drop_index(IndexDef::new("contracts", ["is_template"]).concurrently());
    /// assert_eq!(m.operations()[0].op.kind(), "drop_index");
    /// ```
    #[track_caller]
    pub fn drop_index(&mut self, index: IndexDef) {
        push(&mut self.ops, Operation::DropIndex(index));
    }

    /// Adds a foreign key; returns a handle to name it, set actions, or add it `NOT VALID`.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.add_foreign_key("contract_lines", ["template_id"], "contract_templates", ["template_id"]).not_valid();
    /// assert_eq!(m.operations()[0].op.kind(), "add_foreign_key");
    /// ```
    #[track_caller]
    pub fn add_foreign_key<I, S, J, T>(
        &mut self,
        table: impl Into<String>,
        columns: I,
        ref_table: impl Into<String>,
        ref_columns: J,
    ) -> AddForeignKey<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let fk = ForeignKeyDef::new(table, columns, ref_table, ref_columns);
        let Operation::AddForeignKey(fk) = push(&mut self.ops, Operation::AddForeignKey(fk)) else {
            unreachable!("push returns the operation it was given")
        };
        AddForeignKey { fk }
    }

    /// Drops a foreign key, given its full definition so `down` can add it back.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::ForeignKeyDef;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_foreign_key(ForeignKeyDef::new("lines", ["contract_id"], "contracts", ["id"]));
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn drop_foreign_key(&mut self, fk: ForeignKeyDef)
    where
        M: DropForeignKey<D>,
    {
        push(&mut self.ops, Operation::DropForeignKey(fk));
    }

    /// Validates a constraint added `NOT VALID` (PostgreSQL); a no-op elsewhere. Must not share a
    /// transaction with the `NOT VALID` add: plan it in a later migration.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.validate_constraint("contract_lines", "contract_lines_template_id_fkey");
    /// assert_eq!(m.operations()[0].op.kind(), "validate_constraint");
    /// ```
    #[track_caller]
    pub fn validate_constraint(&mut self, table: impl Into<String>, name: impl Into<String>) {
        push(
            &mut self.ops,
            Operation::ValidateConstraint {
                table: table.into(),
                name: name.into(),
            },
        );
    }

    /// Adds a check constraint.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::CheckDef;
    /// let mut m = Plan::<()>::new();
    /// m.add_check(CheckDef::new("prices", "prices_amount_positive", "amount >= 0").not_valid());
    /// assert_eq!(m.operations()[0].op.kind(), "add_check");
    /// ```
    #[track_caller]
    pub fn add_check(&mut self, check: CheckDef) {
        push(&mut self.ops, Operation::AddCheck(check));
    }

    /// Drops a check constraint, given its expression so `down` can add it back.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::CheckDef;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_check(CheckDef::new("prices", "prices_amount_positive", "amount >= 0"));
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn drop_check(&mut self, check: CheckDef)
    where
        M: DropCheck<D>,
    {
        push(&mut self.ops, Operation::DropCheck(check));
    }

    /// Adds a unique constraint (on PostgreSQL, `.using_index(..)` adopts an index built `CONCURRENTLY`).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::UniqueDef;
    /// let mut m = Plan::<()>::new();
    /// m.add_unique(UniqueDef::new("users", ["email"]).using_index("users_email_idx"));
    /// assert_eq!(m.operations()[0].op.kind(), "add_unique");
    /// ```
    #[track_caller]
    pub fn add_unique(&mut self, unique: UniqueDef) {
        push(&mut self.ops, Operation::AddUnique(unique));
    }

    /// Drops a unique constraint, given its definition.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::UniqueDef;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_unique(UniqueDef::new("users", ["email"]));
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn drop_unique(&mut self, unique: UniqueDef)
    where
        M: DropUnique<D>,
    {
        push(&mut self.ops, Operation::DropUnique(unique));
    }

    /// Creates a view.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_view("template_counts", "SELECT tenant, count(*) AS n FROM templates GROUP BY tenant");
    /// assert_eq!(m.operations()[0].op.kind(), "create_view");
    /// ```
    #[track_caller]
    pub fn create_view(&mut self, name: impl Into<String>, sql: impl Into<String>) {
        push(&mut self.ops, Operation::CreateView(ViewDef::new(name, sql)));
    }

    /// Replaces a view's query, given the query it has now so `down` can restore it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.replace_view("v", "SELECT 1 AS n", "SELECT 2 AS n");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn replace_view(&mut self, name: impl Into<String>, from_sql: impl Into<String>, to_sql: impl Into<String>)
    where
        M: ReplaceView<D>,
    {
        let name = name.into();
        push(
            &mut self.ops,
            Operation::ReplaceView {
                from: ViewDef::new(name.clone(), from_sql),
                to: ViewDef::new(name, to_sql),
            },
        );
    }

    /// Drops a view, given its query so `down` can recreate it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_view("v", "SELECT 1 AS n");
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, incompatible);
    /// ```
    #[track_caller]
    pub fn drop_view(&mut self, name: impl Into<String>, sql: impl Into<String>)
    where
        M: DropView<D>,
    {
        push(&mut self.ops, Operation::DropView(ViewDef::new(name, sql)));
    }

    /// Creates a PostgreSQL enum type (other backends: a typed render error).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_enum("contract_status", ["draft", "active", "ended"]);
    /// assert_eq!(m.operations()[0].op.kind(), "create_enum");
    /// ```
    #[track_caller]
    pub fn create_enum<I, S>(&mut self, name: impl Into<String>, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        push(&mut self.ops, Operation::CreateEnum(EnumDef::new(name, values)));
    }

    /// Drops a PostgreSQL enum type, given its values so `down` can recreate it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<Allowed>::new();
    /// m.drop_enum("contract_status", ["draft", "active", "ended"]);
    /// # struct Allowed;
    /// # lockgate_dsl::allow_category!(Allowed, destructive);
    /// ```
    #[track_caller]
    pub fn drop_enum<I, S>(&mut self, name: impl Into<String>, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        M: DropEnum<D>,
    {
        push(&mut self.ops, Operation::DropEnum(EnumDef::new(name, values)));
    }

    /// Creates a PostgreSQL extension if it is missing.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.create_extension("pgcrypto");
    /// assert_eq!(m.operations()[0].op.kind(), "create_extension");
    /// ```
    #[track_caller]
    pub fn create_extension(&mut self, name: impl Into<String>) {
        push(&mut self.ops, Operation::CreateExtension { name: name.into() });
    }

    /// Drops a PostgreSQL extension if present.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.drop_extension("pgcrypto");
    /// assert_eq!(m.operations()[0].op.kind(), "drop_extension");
    /// ```
    #[track_caller]
    pub fn drop_extension(&mut self, name: impl Into<String>) {
        push(&mut self.ops, Operation::DropExtension { name: name.into() });
    }

    /// Runs raw SQL, with the SQL that reverses it.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.sql(
    ///     "INSERT INTO templates (id, name) SELECT id, name FROM contracts WHERE is_template",
    ///     "DELETE FROM templates",
    /// );
    /// assert!(m.inverse().is_ok());
    /// ```
    #[track_caller]
    pub fn sql(&mut self, up: impl Into<String>, down: impl Into<String>) {
        push(
            &mut self.ops,
            Operation::RawSql {
                up: up.into(),
                down: Some(down.into()),
            },
        );
    }

    /// A validation checkpoint: the query must return a true value, or the migration fails with
    /// `message` and is rolled back.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// let mut m = Plan::<()>::new();
    /// m.assert("SELECT count(*) = 0 FROM contracts WHERE tenant IS NULL", "every contract has a tenant");
    /// assert_eq!(m.operations()[0].op.kind(), "assert");
    /// ```
    #[track_caller]
    pub fn assert(&mut self, query: impl Into<String>, message: impl Into<String>) {
        push(
            &mut self.ops,
            Operation::Assert {
                query: query.into(),
                message: message.into(),
            },
        );
    }

    /// A parity checkpoint: per group, what `left` measures must equal what `right` measures (the legacy rows
    /// against the new table's, per tenant), or the migration fails naming the first group that differs, and is
    /// rolled back where the backend allows. Going down there is nothing to check.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::Parity;
    /// let mut m = Plan::<()>::new();
    /// m.assert_parity(
    ///     Parity::rows("contracts", "tenant_id").filter("is_template"),
    ///     Parity::rows("contract_templates", "tenant_id"),
    /// );
    /// assert_eq!(m.operations()[0].op.kind(), "assert_parity");
    /// ```
    #[track_caller]
    pub fn assert_parity(&mut self, left: crate::schema::Parity, right: crate::schema::Parity) {
        push(&mut self.ops, Operation::AssertParity { left, right });
    }

    /// Fills rows of a live table in small committed batches along its key, outside the migration's
    /// transaction (declare it `transaction = false` on PostgreSQL), touching only the rows not yet done: see
    /// [`Backfill`](crate::schema::Backfill). A run that dies resumes after the last committed batch. `undo` says
    /// what undoes it going down.
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// use lockgate_dsl::schema::{Backfill, Undo};
    /// let mut m = Plan::<()>::new();
    /// m.add_column::<Option<i32>>("contracts", "status_code");
    /// m.backfill(
    ///     Backfill::keyed::<i64>("contracts", "id")
    ///         .set("status_code", "CASE status WHEN 'open' THEN 1 ELSE 0 END")
    ///         .pending("status_code IS NULL"),
    ///     Undo::Nothing, // the column goes away with the add's inverse
    /// );
    /// assert_eq!(m.operations()[1].op.kind(), "backfill");
    /// ```
    #[track_caller]
    pub fn backfill(&mut self, fill: crate::schema::Backfill, undo: crate::schema::Undo) {
        push(
            &mut self.ops,
            Operation::Backfill {
                fill: Box::new(fill),
                undo: Box::new(undo),
            },
        );
    }

    /// Runs raw SQL that cannot be reversed. Only in one-way plans (`Up` of an irreversible migration, or `Down`).
    ///
    /// ```
    /// use lockgate_dsl::plan::{OneWay, Plan};
    /// let mut m = Plan::<(), OneWay>::new();
    /// m.sql_irreversible("UPDATE contracts SET state = 'archived' WHERE ended_at < now()");
    /// assert!(m.inverse().is_err());
    /// ```
    #[track_caller]
    pub fn sql_irreversible(&mut self, up: impl Into<String>)
    where
        D: SqlWithoutReverse,
    {
        push(
            &mut self.ops,
            Operation::RawSql {
                up: up.into(),
                down: None,
            },
        );
    }

    /// Adds a value to a PostgreSQL enum type. Irreversible: PostgreSQL cannot remove enum values.
    ///
    /// ```
    /// use lockgate_dsl::plan::{OneWay, Plan};
    /// let mut m = Plan::<(), OneWay>::new();
    /// m.add_enum_value("contract_status", "archived", Some("ended"));
    /// assert_eq!(m.operations()[0].op.kind(), "add_enum_value");
    /// ```
    #[track_caller]
    pub fn add_enum_value(&mut self, name: impl Into<String>, value: impl Into<String>, before: Option<&str>)
    where
        D: EnumValueIsPermanent,
    {
        push(
            &mut self.ops,
            Operation::AddEnumValue {
                name: name.into(),
                value: value.into(),
                before: before.map(str::to_owned),
            },
        );
    }
}

impl<M: ?Sized> Plan<M, Reversible> {
    /// Runs a whole other plan-building function in this plan (to share steps between migrations).
    ///
    /// ```
    /// use lockgate_dsl::plan::Plan;
    /// fn audit(m: &mut Plan<()>) { m.create_extension("pgcrypto"); }
    /// let mut m = Plan::<()>::new();
    /// m.include(audit);
    /// assert_eq!(m.operations().len(), 1);
    /// ```
    pub fn include(&mut self, steps: impl FnOnce(&mut Self)) {
        steps(self);
    }
}

/// Refines a column change: the current default MySQL must restate.
///
/// ```
/// use lockgate_dsl::plan::Plan;
/// let mut m = Plan::<Allowed>::new();
/// m.set_not_null::<bool>("t", "flag").keep_default(false);
/// # struct Allowed;
/// # lockgate_dsl::allow_category!(Allowed, blocking);
/// # lockgate_dsl::allow_category!(Allowed, data_dependent);
/// ```
#[derive(Debug)]
pub struct AlterColumn<'a> {
    op: &'a mut Operation,
}

impl<'a> AlterColumn<'a> {
    fn new(op: &'a mut Operation) -> Self {
        AlterColumn { op }
    }

    /// The column's default, which stays the same across the change.
    pub fn keep_default(self, value: impl Into<DefaultValue>) -> Self {
        if let Operation::AlterColumn { from, to, .. } = &mut *self.op {
            let value = value.into();
            from.default = Some(value.clone());
            to.default = Some(value);
        }
        self
    }
}

/// Refines a foreign key added with [`Plan::add_foreign_key`].
///
/// ```
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::schema::ReferentialAction;
/// let mut m = Plan::<()>::new();
/// m.add_foreign_key("lines", ["template_id"], "templates", ["id"])
///     .named("lines_template_fk")
///     .on_delete(ReferentialAction::Cascade)
///     .not_valid();
/// ```
#[derive(Debug)]
pub struct AddForeignKey<'a> {
    fk: &'a mut ForeignKeyDef,
}

impl AddForeignKey<'_> {
    /// Names the constraint.
    pub fn named(self, name: impl Into<String>) -> Self {
        self.fk.name = name.into();
        self
    }

    /// Sets `ON DELETE`.
    pub fn on_delete(self, action: ReferentialAction) -> Self {
        self.fk.on_delete = Some(action);
        self
    }

    /// Sets `ON UPDATE`.
    pub fn on_update(self, action: ReferentialAction) -> Self {
        self.fk.on_update = Some(action);
        self
    }

    /// Adds the key `NOT VALID` on PostgreSQL; `validate_constraint` it in a later migration.
    pub fn not_valid(self) -> Self {
        self.fk.not_valid = true;
        self
    }
}
