//! The plan-time rules: what each one catches, on which backends, why it matters and what to do instead.

use super::PlanRule;
use crate::backend::Backend;
use crate::risk::RiskCategory;

const PG: &[Backend] = &[Backend::Postgres];
const MYSQL: &[Backend] = &[Backend::MySql];
const SQLITE: &[Backend] = &[Backend::Sqlite];
const ALL: &[Backend] = &[Backend::Postgres, Backend::MySql, Backend::Sqlite];
const NOT_PG: &[Backend] = &[Backend::MySql, Backend::Sqlite];
const NAMED: &[Backend] = &[Backend::Postgres, Backend::MySql];

macro_rules! rules {
    ($($konst:ident = $id:literal: $category:ident, $allowable:ident, $backends:ident, down: $down:literal,
        $summary:literal, why: $why:literal, fix: $fix:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $summary, ".")]
            ///
            /// ```
            #[doc = concat!("use lockgate_dsl::risk::plan_rules::", stringify!($konst), " as RULE;")]
            #[doc = concat!("assert_eq!(RULE.id, \"", $id, "\");")]
            #[doc = concat!("assert_eq!(lockgate_dsl::risk::plan_rules::rule(\"", $id, "\"), Some(&RULE));")]
            /// ```
            pub const $konst: PlanRule = PlanRule {
                id: $id,
                category: RiskCategory::$category,
                allowable: rules!(@allowable $allowable),
                backends: $backends,
                checks_down: $down,
                summary: $summary,
                why: $why,
                fix: $fix,
            };
        )*

        /// Every plan-time rule, in the order of the documentation table.
        ///
        /// ```
        /// use lockgate_dsl::risk::plan_rules::PLAN_RULES;
        /// assert!(PLAN_RULES.iter().any(|rule| rule.id == "pg-validate-in-same-migration" && !rule.allowable));
        /// ```
        pub const PLAN_RULES: &[PlanRule] = &[$($konst),*];
    };
    (@allowable allowable) => { true };
    (@allowable always) => { false };
}

rules! {
    PG_CREATE_INDEX_NOT_CONCURRENT = "pg-create-index-not-concurrently": Blocking, allowable, PG, down: false,
        "`create_index` without `.concurrently()` on a table this migration did not create",
        why: "PostgreSQL holds a SHARE lock for the whole build: reads go on, every write waits",
        fix: "build it with `IndexDef::concurrently()` in a `#[migration(transaction = false)]` migration of its own";
    PG_DROP_INDEX_NOT_CONCURRENT = "pg-drop-index-not-concurrently": Blocking, allowable, PG, down: false,
        "`drop_index` without `.concurrently()` on a table this migration did not create",
        why: "PostgreSQL takes ACCESS EXCLUSIVE on the table: reads and writes wait",
        fix: "drop it with `IndexDef::concurrently()` in a `#[migration(transaction = false)]` migration of its own";
    DROP_UNIQUE_INDEX = "drop-unique-index": Incompatible, allowable, ALL, down: false,
        "`drop_index` of a unique index on a table this migration did not create",
        why: "the database stops enforcing uniqueness, so running code that relies on it (upserts, lookups by the key) can write duplicates, as with `drop_unique`",
        fix: "stop relying on the uniqueness in the running code, deploy, then allow incompatible";
    SQLITE_TABLE_REBUILD = "sqlite-table-rebuild": Blocking, allowable, SQLITE, down: false,
        "an operation SQLite can only make by rebuilding a table this migration did not create",
        why: "SQLite has no ALTER for it: lockgate copies every row into a new table while the write lock is held, so every writer waits for the whole copy",
        fix: "make the change while the table is small, or allow blocking with the table's size in the reason";
    PG_ADD_FOREIGN_KEY_VALIDATED = "pg-add-foreign-key-validated": Blocking, allowable, PG, down: false,
        "`add_foreign_key` without `.not_valid()` on an existing table",
        why: "PostgreSQL locks both tables against writes (SHARE ROW EXCLUSIVE) while it checks every existing row",
        fix: "add it with `.not_valid()` (new rows are checked at once), then `validate_constraint` in a later migration";
    MYSQL_ADD_FOREIGN_KEY = "mysql-add-foreign-key": Blocking, allowable, MYSQL, down: false,
        "`add_foreign_key` on an existing table",
        why: "MySQL has no NOT VALID: the key is validated against every row and the table is copied while writes wait",
        fix: "create the key with its table, or check for orphaned rows with an `assert` and allow blocking";
    PG_ADD_CHECK_VALIDATED = "pg-add-check-validated": Blocking, allowable, PG, down: false,
        "`add_check` without `.not_valid()` on an existing table",
        why: "PostgreSQL holds ACCESS EXCLUSIVE while it checks every row: reads and writes wait",
        fix: "add it with `CheckDef::not_valid()`, then `validate_constraint` in a later migration";
    MYSQL_ADD_CHECK = "mysql-add-check": Blocking, allowable, MYSQL, down: false,
        "`add_check` on an existing table",
        why: "MySQL and MariaDB check every row while writes wait, and have no NOT VALID: there is no safe path",
        fix: "create the check with its table, or allow blocking for a small table";
    PG_ADD_UNIQUE_LOCKS = "pg-add-unique-without-index": Blocking, allowable, PG, down: false,
        "`add_unique` without `.using_index(..)` on an existing table",
        why: "PostgreSQL builds the unique index under ACCESS EXCLUSIVE: reads and writes wait for the whole build",
        fix: "build a unique index `.concurrently()` in an earlier migration, then `add_unique(.. .using_index(name))`";
    UNIQUE_ON_EXISTING_DATA = "unique-on-existing-data": DataDependent, allowable, ALL, down: false,
        "`add_unique` (without PostgreSQL's `USING INDEX`), or a unique `create_index`, on an existing table",
        why: "the build fails if production rows hold duplicates, which an empty development database never shows",
        fix: "remove duplicates in an earlier migration and `assert` none remain, then allow data_dependent";
    PG_VALIDATE_SAME_MIGRATION = "pg-validate-in-same-migration": Blocking, always, PG, down: false,
        "`validate_constraint` in the migration that added the constraint `NOT VALID`",
        why: "one transaction holds the add's strong lock through the validating scan, so NOT VALID buys nothing",
        fix: "move `validate_constraint` to a later migration";
    PG_CONCURRENTLY_IN_TRANSACTION = "pg-concurrently-in-transaction": Blocking, always, PG, down: true,
        "a `CONCURRENTLY` index operation in a migration that runs in a transaction",
        why: "PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block",
        fix: "put the index operation in its own migration with `#[migration(transaction = false)]`";
    PG_CONCURRENTLY_MIXED = "pg-concurrently-mixed": Blocking, always, PG, down: true,
        "another operation in a `transaction = false` migration that builds or drops an index `CONCURRENTLY`",
        why: "without a transaction, a failure part-way leaves the earlier statements applied and the later ones not",
        fix: "keep a `transaction = false` migration to its `CONCURRENTLY` index operations (and `assert`s); move the rest to a migration of their own";
    PG_VOLATILE_DEFAULT = "pg-volatile-default": Blocking, allowable, PG, down: false,
        "`add_column` with a volatile default (such as `gen_random_uuid()`) on an existing table",
        why: "PostgreSQL rewrites the whole table and its indexes under ACCESS EXCLUSIVE to fill a volatile default",
        fix: "add the column without a default, `set_default` for new rows, then backfill existing rows in batches";
    MYSQL_EXPRESSION_DEFAULT = "mysql-expression-default": Blocking, allowable, MYSQL, down: false,
        "`add_column` with an expression default, or any default on a TEXT, BLOB or JSON column, on an existing table",
        why: "MySQL and MariaDB copy the table to add a column whose default is an expression (which a TEXT, BLOB or JSON default must be); only literal defaults are instant",
        fix: "add the column without a default (or with a literal one), then `set_default` to the expression and backfill";
    PG_ADD_REQUIRED_COLUMN = "pg-add-required-column": DataDependent, allowable, PG, down: false,
        "`add_column` of a NOT NULL column without a default on an existing table",
        why: "PostgreSQL fails at once if the table has any row",
        fix: "add it as `Option<T>`, backfill, then `set_not_null`; or use `add_column_with_default`";
    MYSQL_ADD_REQUIRED_COLUMN = "mysql-add-required-column": DataDependent, allowable, MYSQL, down: false,
        "`add_column` of a NOT NULL column without a default on an existing table",
        why: "MySQL silently fills existing rows with the type's zero value (`0`, `''`), which then looks like real data",
        fix: "add it as `Option<T>`, backfill, then `set_not_null`; or use `add_column_with_default`";
    SQLITE_ADD_REQUIRED_COLUMN = "sqlite-add-required-column": DataDependent, allowable, SQLITE, down: false,
        "`add_column` of a NOT NULL column without a default on an existing table",
        why: "SQLite refuses to add a NOT NULL column without a default, so the table must be rebuilt and every row needs a value",
        fix: "add it as `Option<T>` and backfill; or use `add_column_with_default`";
    TABLE_DROPPED_EARLIER = "table-dropped-earlier": Destructive, always, ALL, down: true,
        "an operation on a table that an earlier operation of the same plan dropped",
        why: "the table no longer exists when the operation runs, so the migration fails half-way",
        fix: "reorder the operations, or remove the ones on the dropped table";
    TABLE_RENAMED_EARLIER = "table-renamed-earlier": Incompatible, always, ALL, down: true,
        "an operation on a table under the name an earlier `rename_table` of the same plan moved it away from",
        why: "no table has the old name any more when the operation runs, so the migration fails half-way",
        fix: "use the new name after `rename_table`, or reorder the operations";
    ENUM_POSTGRES_ONLY = "enum-postgres-only": Incompatible, always, NOT_PG, down: false,
        "`create_enum`, `drop_enum` or `add_enum_value` on a backend without enum types",
        why: "only PostgreSQL has named enum types; MySQL and SQLite have nothing to create, alter or drop",
        fix: "mark the migration `#[migration(backends = \"postgres\")]` if it is for PostgreSQL only, or use a check constraint on a text column";
    IDENTIFIER_TOO_LONG = "identifier-too-long": Incompatible, always, NAMED, down: false,
        "a table, column, index, constraint, view or type name longer than the backend allows",
        why: "PostgreSQL silently truncates names past 63 bytes (so `down` cannot find them by name); MySQL refuses names past 64",
        fix: "choose a shorter name, e.g. with `.named(..)` for a generated index or constraint name";
}

/// The rule with this identifier.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::rule;
/// assert_eq!(rule("pg-volatile-default").unwrap().category.attribute(), "blocking");
/// ```
pub fn rule(id: &str) -> Option<&'static PlanRule> {
    PLAN_RULES.iter().find(|rule| rule.id == id)
}
