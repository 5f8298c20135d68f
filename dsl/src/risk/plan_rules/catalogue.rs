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
        fix: "drop it with `IndexDef::concurrently()` in a `#[migration(transaction = false)]` migration of its own (on a partitioned table, where PostgreSQL cannot, allow blocking: the drop itself is quick)";
    DROP_UNIQUE_INDEX = "drop-unique-index": Incompatible, allowable, ALL, down: false,
        "`drop_index` of a unique index on a table this migration did not create",
        why: "the database stops enforcing uniqueness, so running code that relies on it (upserts, lookups by the key) can write duplicates, as with `drop_unique`",
        fix: "stop relying on the uniqueness in the running code, deploy, then allow incompatible";
    PG_DROP_UNIQUE_REBUILDS_INDEX = "pg-drop-unique-rebuilds-index": Blocking, allowable, PG, down: false,
        "`drop_unique` of a constraint that adopted an index (`.using_index(..)`) on a table this migration did not create",
        why: "dropping the constraint drops its index, so lockgate builds the index again, in the migration's transaction and so without CONCURRENTLY: writes wait for the whole build",
        fix: "allow blocking for a small table; on a large one, build a copy of the index `CONCURRENTLY` in an earlier migration, then drop the constraint and keep the copy";
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
        "a `CONCURRENTLY` index operation or partition detach in a migration that runs in a transaction",
        why: "PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY inside a transaction block",
        fix: "put the operation in its own migration with `#[migration(transaction = false)]`";
    PG_CONCURRENTLY_MIXED = "pg-concurrently-mixed": Blocking, always, PG, down: true,
        "another operation in a `transaction = false` migration that builds or drops an index, or detaches a partition, `CONCURRENTLY`",
        why: "without a transaction, a failure part-way leaves the earlier statements applied and the later ones not",
        fix: "keep a `transaction = false` migration to its `CONCURRENTLY` operations (and `assert`s); move the rest to a migration of their own";
    BACKFILL_IN_TRANSACTION = "backfill-in-transaction": Blocking, always, PG, down: true,
        "a `backfill`, or an expand/contract step that backfills, in a migration that runs in a transaction",
        why: "the batches would commit together at the end, holding every row lock they took until then: the one long `UPDATE` a backfill exists to avoid",
        fix: "declare the migration `#[migration(transaction = false)]`; each batch then commits with its position";
    EXPAND_CONTRACT_SAME_MIGRATION = "expand-contract-same-migration": Incompatible, always, ALL, down: false,
        "`contract_column` in the migration that expands the same column",
        why: "old and new code never run side by side: the old column is gone as soon as the new one appears, so instances still running break",
        fix: "contract in a later migration, deployed once no running code reads or writes the old column";
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
    SET_NOT_NULL_SCANS = "set-not-null-scans": Blocking, allowable, NAMED, down: false,
        "`set_not_null` on an existing table, without a validated `CHECK (column IS NOT NULL)` from an earlier migration",
        why: "PostgreSQL scans every row under ACCESS EXCLUSIVE to prove there is no NULL (reads and writes wait); MySQL copies the table",
        fix: "add `CheckDef::new(.., \"column IS NOT NULL\").not_valid()`, `validate_constraint` it in a later migration, then `set_not_null` in a third: PostgreSQL uses the check and skips the scan; or allow blocking";
    SET_NOT_NULL_FAILS = "set-not-null-fails": DataDependent, allowable, ALL, down: false,
        "`set_not_null` on an existing table, without a validated `CHECK (column IS NOT NULL)` from an earlier migration",
        why: "it fails if any row holds NULL, which an empty development database never shows",
        fix: "backfill the NULLs in an earlier migration and prove it with a validated `CHECK (column IS NOT NULL)` (or an `assert`), then allow data_dependent";
    DROP_TABLE_REFERENCED = "drop-table-referenced": Destructive, always, NAMED, down: false,
        "`drop_table` of a table that another table's foreign key (from an earlier migration) references",
        why: "PostgreSQL and MySQL refuse to drop a table a foreign key depends on, so the migration fails half-way",
        fix: "drop the referencing foreign key first (`drop_foreign_key`), in this migration or an earlier one";
    DROP_COLUMN_USED_BY_VIEW = "drop-column-used-by-view": Incompatible, always, ALL, down: false,
        "`drop_column` of a column that a view (from an earlier migration) reads",
        why: "PostgreSQL and SQLite refuse to drop a column a view depends on; MySQL drops it and leaves the view broken",
        fix: "replace or drop the view first, in this migration or an earlier one";
    CHANGE_COLUMN_TYPE_REWRITES = "change-column-type-rewrites": Blocking, allowable, NAMED, down: false,
        "`change_column_type` that makes the backend rewrite or copy a table this migration did not create",
        why: "PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE (all but a longer `varchar`, `varchar` to `text` or more precision at the same scale); MySQL copies it while writes wait (all but a `varchar` whose length prefix keeps its size)",
        fix: "add a new column of the new type, backfill it in batches, move reads, then drop the old column; or allow blocking";
    CHANGE_COLUMN_TYPE_CASTS = "change-column-type-casts": DataDependent, allowable, ALL, down: false,
        "`change_column_type` to a type that not every existing value converts to exactly, on a table this migration did not create",
        why: "a value that does not fit fails the migration (or, for a lossy change, is rounded or cut), which an empty development database never shows; a widening change (`i32` to `i64`, a longer `varchar`) needs nothing",
        fix: "check the values with an `assert` first, then allow data_dependent";
    LOSSY_TYPE_CHANGE = "lossy-type-change": DataDependent, always, ALL, down: false,
        "`change_column_type` that rounds or cuts values (less decimal scale, a float to an integer or to `f32`, a timestamp to a date) in a migration whose down is its plain inverse",
        why: "down changes the type back but cannot bring the values back: on PostgreSQL 12.3456 comes back as 12.35, so the migration is not really reversible",
        fix: "declare `#[migration(irreversible = \"why the lost precision is fine\")]` and implement `Up`, or keep the old column and copy the values into a new one";
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
    DROP_DEFAULT = "drop-default": Incompatible, allowable, ALL, down: false,
        "`drop_default` (or an `alter_column` that ends without the default) on a table this migration did not create",
        why: "running code that inserts without the column relied on the default: on a NOT NULL column those inserts now fail, elsewhere they store NULL",
        fix: "make every insert name the column and deploy first, then allow incompatible";
    ROW_SECURITY_LOCKS_OUT = "row-security-locks-out": Incompatible, allowable, PG, down: true,
        "a table left with row-level security on and no permissive policy: `enable_row_security` or `force_row_security` without one, or `drop_policy` of the last one",
        why: "PostgreSQL then shows every role but the owner (and, when forced, the owner too) no rows and refuses their writes: running code sees an empty table",
        fix: "create the policies in the same migration (they take effect together, in one transaction); allow incompatible only if locking every role out is the point";
    DROP_POLICY = "drop-policy": Incompatible, allowable, PG, down: false,
        "`drop_policy` on a table this migration did not create",
        why: "a permissive policy dropped hides the rows it let roles see, so running code finds them gone; a restrictive one dropped shows rows it kept hidden",
        fix: "create the replacement policy in the same migration (or use `alter_policy`), then allow incompatible";
    REFRESH_CONCURRENTLY_NEEDS_UNIQUE_INDEX = "refresh-concurrently-needs-unique-index": Incompatible, always, PG, down: false,
        "`refresh_materialized_view(.., concurrently)` of a materialized view without a unique index on plain columns",
        why: "PostgreSQL refuses `REFRESH MATERIALIZED VIEW CONCURRENTLY` unless the view has a unique index without `WHERE` on its columns: the migration would fail",
        fix: "create a unique index on the view's key (`create_index(IndexDef::new(view, [key]).unique())`) before the refresh, in this or an earlier migration";
    DROP_MATERIALIZED_VIEW = "drop-materialized-view": Incompatible, allowable, PG, down: false,
        "`drop_materialized_view` of a view this migration did not create",
        why: "running code that still reads the view fails from the moment the migration commits, as with `drop_view`",
        fix: "stop reading the view in code and deploy first, then allow incompatible";
    DROP_SEQUENCE = "drop-sequence": Destructive, allowable, PG, down: false,
        "`drop_sequence` of a sequence this migration did not create",
        why: "where the sequence had got to is lost: `down` creates it again at its start, so numbers already handed out come again",
        fix: "stop calling `nextval` on it in code and deploy first, then allow destructive";
    DROP_FUNCTION = "drop-function": Incompatible, allowable, PG, down: false,
        "`drop_function` of a function this migration did not create",
        why: "statements of running code, views, defaults and triggers that call it fail from the moment the migration commits",
        fix: "stop calling the function in code and in the schema first, then allow incompatible";
    DROP_TRIGGER = "drop-trigger": Incompatible, allowable, ALL, down: false,
        "`drop_trigger` on a table this migration did not create",
        why: "what the trigger did on every write (a timestamp, an audit row, a sync) stops, while running code still relies on it",
        fix: "move what the trigger does into the code that writes, deploy, then allow incompatible";
    ADD_GENERATED_COLUMN_REWRITES = "add-generated-column-rewrites": Blocking, allowable, NAMED, down: false,
        "`add_generated_column` on a table this migration did not create",
        why: "PostgreSQL computes the stored value of every row while it holds ACCESS EXCLUSIVE, and MySQL copies the table for a STORED column: reads and writes wait",
        fix: "add a plain nullable column, fill it with `backfill` in batches and keep it in step from the code or a trigger; or allow blocking for a small table";
    REFRESH_BLOCKS_READS = "refresh-blocks-reads": Blocking, allowable, PG, down: false,
        "`refresh_materialized_view` without `concurrently` of a materialized view this migration did not create",
        why: "PostgreSQL holds ACCESS EXCLUSIVE on the view while its query runs again: every read of the view waits",
        fix: "give the view a unique index and refresh it `concurrently`, or allow blocking if the view is small";
    REVOKE_BREAKS_CODE = "revoke-breaks-code": Incompatible, allowable, PG, down: false,
        "`revoke` of a privilege on an object this migration did not create",
        why: "statements of running code that still use the privilege fail with `permission denied` from the moment the migration commits",
        fix: "stop using the privilege in the roles' code and deploy first, then allow incompatible";
    CREATE_PARTITION_LOCKS_PARENT = "create-partition-locks-parent": Blocking, allowable, PG, down: false,
        "`create_partition` of a partitioned table this migration did not create",
        why: "`CREATE TABLE .. PARTITION OF` takes ACCESS EXCLUSIVE on the parent: every read and write of the partitioned table waits, and behind any long query the lock itself waits",
        fix: "create the table alone with the parent's columns, give it `PartitionDef::bound_check` validated, then `attach_partition`, which lets reads and writes go on; or allow blocking while the parent is quiet";
    ATTACH_PARTITION_SCANS = "attach-partition-scans": Blocking, allowable, PG, down: false,
        "`attach_partition` of a table this migration did not create, without a validated CHECK that proves its bound",
        why: "PostgreSQL reads the whole table to prove every row fits the bound, holding ACCESS EXCLUSIVE on it meanwhile (the parent stays usable)",
        fix: "add `PartitionDef::bound_check` with `.not_valid()`, `validate_constraint` it, then attach: PostgreSQL trusts the CHECK and skips the scan";
    ATTACH_PARTITION_MISMATCH = "attach-partition-mismatch": Incompatible, always, PG, down: true,
        "`attach_partition` of a table whose columns or CHECK constraints are not the parent's",
        why: "PostgreSQL refuses to attach a table without exactly the parent's columns, of the same types, NOT NULL where the parent's are, and each of the parent's CHECK constraints",
        fix: "give the table the parent's columns and checks (its `create_table` with the same definition, without `partition_by`), then attach it";
    PARTITIONED_INDEX_CONCURRENTLY = "partitioned-index-concurrently": Blocking, always, PG, down: true,
        "`create_index` or `drop_index` with `.concurrently()` on a partitioned table",
        why: "PostgreSQL cannot build or drop an index CONCURRENTLY on a partitioned table, and refuses",
        fix: "build the index `.concurrently()` on each partition (a `transaction = false` migration), then `create_index` on the parent without it: PostgreSQL adopts the partitions' indexes and builds nothing";
    PARTITIONED_INDEX_BUILDS = "partitioned-index-builds": Blocking, allowable, PG, down: false,
        "`create_index` on a partitioned table this migration did not create, whose partitions do not all have it yet",
        why: "PostgreSQL builds the index on every partition that lacks it, under a SHARE lock: writes to the partitioned table wait for every build",
        fix: "build the index `.concurrently()` on each partition first (a `transaction = false` migration), then create it on the parent, which then only adopts them (its `down` drops them with it: PostgreSQL drops a partitioned index whole); or allow blocking for small partitions";
    DETACH_PARTITION_LOCKS = "detach-partition-locks": Blocking, allowable, PG, down: false,
        "`detach_partition` without `concurrently` from a partitioned table this migration did not create",
        why: "PostgreSQL takes ACCESS EXCLUSIVE on the parent: every read and write of the partitioned table waits",
        fix: "detach it `concurrently` (PostgreSQL 14 and later) in a `#[migration(transaction = false)]` migration of its own";
    DETACH_PARTITION_HIDES_ROWS = "detach-partition-hides-rows": Incompatible, allowable, PG, down: false,
        "`detach_partition` of a partition this migration did not create",
        why: "its rows leave every query on the parent from the moment the migration commits, while running code may still look for them there",
        fix: "make sure no running code reads those rows through the parent (retention past their age, an archive table read directly), then allow incompatible";
    DROP_PARTITION = "drop-partition": Destructive, allowable, PG, down: false,
        "`drop_partition` of a partition this migration did not create",
        why: "its rows are gone (`down` creates it again, empty), and PostgreSQL takes ACCESS EXCLUSIVE on the parent to drop it",
        fix: "`detach_partition(.., true)` first, archive the table if its rows matter, then drop it in a later migration and allow destructive";
    PG_DROP_EXTENSION = "pg-drop-extension": Incompatible, allowable, PG, down: false,
        "`drop_extension`",
        why: "the extension's functions, types and operators go with it, and running code or columns that use them break",
        fix: "stop using the extension's objects in code and columns first, then allow incompatible";
    SQL_UNREADABLE = "sql-unreadable": Destructive, always, ALL, down: true,
        "raw SQL the backend's parser cannot read, without a `-- lockgate:unchecked <reason>` line",
        why: "lockgate cannot tell what the statement does, so no rule can judge it: it could drop data or lock a table for minutes",
        fix: "write it in a form the parser reads (or as typed operations), restrict the migration to the backend it is written for with `#[migration(backends = \"...\")]`, or add a line `-- lockgate:unchecked <why it is safe>` to the SQL";
    SQL_DROP_TABLE = "sql-drop-table": Destructive, allowable, ALL, down: false,
        "raw `DROP TABLE` of a table this migration did not create",
        why: "every row of the table is gone, and down cannot bring them back",
        fix: "stop using the table in code and deploy first, then allow destructive";
    SQL_DROP_COLUMN = "sql-drop-column": Destructive, allowable, ALL, down: false,
        "raw `ALTER TABLE … DROP COLUMN` on a table this migration did not create",
        why: "the column's values are gone, and running code that still reads or writes it fails",
        fix: "stop reading and writing the column, deploy, then allow destructive";
    SQL_TRUNCATE = "sql-truncate": Destructive, allowable, ALL, down: false,
        "raw `TRUNCATE` of a table this migration did not create",
        why: "every row is deleted (with `CASCADE`, also the rows of every table that references it), and down cannot bring them back",
        fix: "delete the rows that must go with a bounded `DELETE … WHERE`, or allow destructive";
    SQL_DELETE_ALL_ROWS = "sql-delete-all-rows": Destructive, allowable, ALL, down: false,
        "raw `DELETE` without `WHERE` on a table this migration did not create",
        why: "every row is deleted in one transaction that holds a lock on each of them",
        fix: "add the `WHERE` that names the rows meant, or allow destructive";
    SQL_DROP_SCHEMA = "sql-drop-schema": Destructive, allowable, ALL, down: false,
        "raw `DROP SCHEMA` or `DROP DATABASE`",
        why: "every object in it and all their data are gone",
        fix: "drop the objects one by one in migrations that say why, or allow destructive";
    SQL_RENAME_TABLE = "sql-rename-table": Incompatible, allowable, ALL, down: false,
        "raw `ALTER TABLE … RENAME TO` or `RENAME TABLE` of a table this migration did not create",
        why: "running code that still uses the old name fails at once",
        fix: "keep the SQL name, or leave a view under the old name while code moves; or allow incompatible";
    SQL_RENAME_COLUMN = "sql-rename-column": Incompatible, allowable, ALL, down: false,
        "raw `RENAME COLUMN` (or MySQL `CHANGE` to a new name) on a table this migration did not create",
        why: "running code that still uses the old name fails at once",
        fix: "add the new column, write both, backfill, move reads, then drop the old one; or allow incompatible";
    SQL_CHANGE_COLUMN_TYPE = "sql-change-column-type": Blocking, allowable, ALL, down: false,
        "raw `ALTER COLUMN … TYPE` (MySQL `MODIFY`/`CHANGE`) on a table this migration did not create",
        why: "most type changes rewrite the table and its indexes under an exclusive lock (MySQL copies it), so writes wait for the whole rewrite",
        fix: "add a new column of the new type, backfill it in batches, move reads, then drop the old one; or allow blocking";
    SQL_CHANGE_COLUMN_TYPE_READERS = "sql-change-column-type-readers": Incompatible, allowable, ALL, down: false,
        "raw `ALTER COLUMN … TYPE` (MySQL `MODIFY`/`CHANGE`) on a table this migration did not create",
        why: "running code reads and writes the column with the old type",
        fix: "add a new column of the new type and move code over; or allow incompatible";
    SQL_CHANGE_COLUMN_TYPE_CASTS = "sql-change-column-type-casts": DataDependent, allowable, ALL, down: false,
        "raw `ALTER COLUMN … TYPE` (MySQL `MODIFY`/`CHANGE`) on a table this migration did not create",
        why: "every existing value is cast, and one value that does not convert (or is cut short) fails the migration or loses data",
        fix: "check the values with an `assert` first, then allow data_dependent";
    SQL_SET_NOT_NULL = "sql-set-not-null": Blocking, allowable, NAMED, down: false,
        "raw `SET NOT NULL` (MySQL `MODIFY … NOT NULL`) on a table this migration did not create",
        why: "PostgreSQL scans every row under ACCESS EXCLUSIVE (unless a validated `CHECK (col IS NOT NULL)` exists); MySQL copies the table",
        fix: "on PostgreSQL add `CHECK (col IS NOT NULL) NOT VALID`, validate it in a later migration, then set NOT NULL; or allow blocking";
    SQL_SET_NOT_NULL_FAILS = "sql-set-not-null-fails": DataDependent, allowable, NAMED, down: false,
        "raw `SET NOT NULL` (MySQL `MODIFY … NOT NULL`) on a table this migration did not create",
        why: "it fails if any row holds NULL (MySQL in non-strict mode silently turns them into zero values)",
        fix: "backfill the NULLs in an earlier migration and `assert` none remain, then allow data_dependent";
    SQL_DROP_NOT_NULL = "sql-drop-not-null": Incompatible, allowable, NAMED, down: false,
        "raw `DROP NOT NULL` on a table this migration did not create",
        why: "NULLs can reach running code that does not expect them",
        fix: "keep the column NOT NULL, or allow incompatible once every reader handles NULL";
    SQL_PG_CREATE_INDEX = "sql-pg-create-index-not-concurrently": Blocking, allowable, PG, down: false,
        "raw `CREATE INDEX` without `CONCURRENTLY` on a table this migration did not create",
        why: "PostgreSQL holds a SHARE lock for the whole build: reads go on, every write waits",
        fix: "write `CREATE INDEX CONCURRENTLY` in a `#[migration(transaction = false)]` migration of its own";
    SQL_PG_DROP_INDEX = "sql-pg-drop-index-not-concurrently": Blocking, allowable, PG, down: false,
        "raw `DROP INDEX` without `CONCURRENTLY`",
        why: "PostgreSQL takes ACCESS EXCLUSIVE on the index's table: reads and writes wait",
        fix: "write `DROP INDEX CONCURRENTLY` in a `#[migration(transaction = false)]` migration of its own";
    SQL_UNIQUE_ON_EXISTING_DATA = "sql-unique-on-existing-data": DataDependent, allowable, ALL, down: false,
        "raw `CREATE UNIQUE INDEX`, `ADD UNIQUE` or `ADD PRIMARY KEY` (without PostgreSQL's `USING INDEX`) on a table this migration did not create",
        why: "the build fails if production rows hold duplicates, which an empty development database never shows",
        fix: "remove duplicates in an earlier migration and `assert` none remain, then allow data_dependent";
    SQL_PG_ADD_CONSTRAINT_VALIDATED = "sql-pg-add-constraint-validated": Blocking, allowable, PG, down: false,
        "raw `ADD CONSTRAINT … FOREIGN KEY` or `CHECK` without `NOT VALID` on a table this migration did not create",
        why: "PostgreSQL checks every existing row while it holds a lock that stops writes (ACCESS EXCLUSIVE for a check)",
        fix: "add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration";
    SQL_PG_ADD_UNIQUE_WITHOUT_INDEX = "sql-pg-add-unique-without-index": Blocking, allowable, PG, down: false,
        "raw `ADD CONSTRAINT … UNIQUE` or `PRIMARY KEY` without `USING INDEX` on a table this migration did not create",
        why: "PostgreSQL builds the unique index under ACCESS EXCLUSIVE: reads and writes wait for the whole build",
        fix: "build a unique index `CONCURRENTLY` in an earlier migration, then `ADD CONSTRAINT … UNIQUE USING INDEX`";
    SQL_MYSQL_ADD_CONSTRAINT = "sql-mysql-add-constraint": Blocking, allowable, MYSQL, down: false,
        "raw `ADD CONSTRAINT … FOREIGN KEY` or `CHECK` on a table this migration did not create",
        why: "MySQL has no NOT VALID: every row is checked, and the table is copied while writes wait",
        fix: "create the constraint with its table, or allow blocking for a small table";
    SQL_ADD_REQUIRED_COLUMN = "sql-add-required-column": DataDependent, allowable, ALL, down: false,
        "raw `ADD COLUMN … NOT NULL` without a default on a table this migration did not create",
        why: "PostgreSQL and SQLite fail if the table has any row; MySQL fills existing rows with zero values that look like real data",
        fix: "add the column nullable, backfill, then set NOT NULL; or give it a default";
    SQL_PG_VOLATILE_DEFAULT = "sql-pg-volatile-default": Blocking, allowable, PG, down: false,
        "raw `ADD COLUMN` with a volatile default (a function such as `gen_random_uuid()`, or a `serial` type) on a table this migration did not create",
        why: "PostgreSQL rewrites the whole table and its indexes under ACCESS EXCLUSIVE to fill a volatile default",
        fix: "add the column without a default, set the default for new rows, then backfill existing rows in batches";
    SQL_MYSQL_EXPRESSION_DEFAULT = "sql-mysql-expression-default": Blocking, allowable, MYSQL, down: false,
        "raw `ADD COLUMN` with a default that is a function call on a table this migration did not create",
        why: "MySQL and MariaDB copy the table to add a column whose default is an expression; only literal defaults are instant",
        fix: "add the column without a default (or with a literal one), then set the default and backfill";
    SQL_DROP_CONSTRAINT = "sql-drop-constraint": Incompatible, allowable, ALL, down: false,
        "raw `DROP CONSTRAINT`, `DROP FOREIGN KEY` or `DROP PRIMARY KEY` on a table this migration did not create",
        why: "the database stops enforcing an integrity guarantee that running code may rely on",
        fix: "keep the constraint until no code relies on it, then allow incompatible";
    SQL_DROP_VIEW = "sql-drop-view": Incompatible, allowable, ALL, down: false,
        "raw `DROP VIEW` or `DROP MATERIALIZED VIEW` of a view this migration did not create",
        why: "running code that still queries the view fails at once",
        fix: "stop reading the view in code and deploy first, then allow incompatible";
    SQL_DROP_DEFAULT = "sql-drop-default": Incompatible, allowable, ALL, down: false,
        "raw `ALTER COLUMN … DROP DEFAULT` on a table this migration did not create",
        why: "running code that inserts without the column relied on the default: on a NOT NULL column those inserts now fail, elsewhere they store NULL",
        fix: "make every insert name the column and deploy first, then allow incompatible";
    SQL_DROP_OBJECT = "sql-drop-object": Incompatible, allowable, ALL, down: false,
        "raw `DROP TYPE`, `DROP SEQUENCE`, `DROP EXTENSION`, `DROP FUNCTION`, `DROP TRIGGER` or `DROP POLICY` of an object this migration did not create",
        why: "running code, columns or defaults that use the object break (a dropped policy also changes who sees which rows)",
        fix: "stop using the object first, then allow incompatible";
    SQL_UPDATE_ALL_ROWS = "sql-update-all-rows": Blocking, allowable, ALL, down: false,
        "raw `UPDATE` without `WHERE` on a table this migration did not create",
        why: "one transaction writes and locks every row, so concurrent writers wait and the table bloats by its own size",
        fix: "backfill in batches by key range in migrations of their own, or allow blocking for a small table";
    SQL_LOCK_TABLE = "sql-lock-table": Blocking, allowable, ALL, down: false,
        "raw `LOCK TABLE` or `LOCK TABLES`",
        why: "the lock is held until the migration's transaction ends, and every statement queued behind it waits",
        fix: "drop the explicit lock and let each statement take the lock it needs, or allow blocking";
    SQL_REVOKE = "sql-revoke": Incompatible, allowable, ALL, down: false,
        "raw `REVOKE`",
        why: "running code that uses the privilege fails at once",
        fix: "move the code off the privilege and deploy first, then allow incompatible";
    SQL_TRANSACTION_CONTROL = "sql-transaction-control": Blocking, always, ALL, down: true,
        "raw `BEGIN`, `COMMIT`, `ROLLBACK` or `SAVEPOINT`",
        why: "lockgate runs each migration in its own transaction (or in none) and records it there: a statement that ends that transaction early commits half a migration without its record",
        fix: "remove the statement; use `#[migration(transaction = false)]` for SQL that must run outside a transaction";
    SQL_CONCURRENTLY_IN_TRANSACTION = "sql-concurrently-in-transaction": Blocking, always, PG, down: true,
        "raw `CREATE INDEX CONCURRENTLY` or `DROP INDEX CONCURRENTLY` in a migration that runs in a transaction",
        why: "PostgreSQL refuses CONCURRENTLY inside a transaction block",
        fix: "put the statement in its own migration with `#[migration(transaction = false)]`";
    SQL_DOWN_DOES_NOT_INVERT = "sql-down-does-not-invert": Incompatible, always, ALL, down: false,
        "`sql(up, down)` whose down SQL does not drop an object its up SQL creates",
        why: "a rollback leaves the object behind, so running the migration up again fails on it",
        fix: "make down drop every table, column, index and view up creates (in reverse order), or write `Up` and `Down` by hand";
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
