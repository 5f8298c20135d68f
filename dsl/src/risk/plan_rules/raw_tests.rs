//! Unit tests of the raw-SQL rules: each fires on the statement it names, its safe form passes, and what an
//! earlier operation created is never judged as existing.

use super::{Direction, PLAN_RULES, check, check_direction};
use crate::backend::Backend;
use crate::migration::{MigrationMeta, TransactionMode};
use crate::plan::{OneWay, Plan, PlannedOp};
use crate::risk::Allowances;

const PG: Backend = Backend::Postgres;
const MY: Backend = Backend::MySql;
const LITE: Backend = Backend::Sqlite;

fn meta(transaction: TransactionMode) -> MigrationMeta {
    MigrationMeta {
        version: 1,
        name: "test",
        type_name: "Test",
        allow: Allowances::NONE,
        irreversible: None,
        transaction,
        backends: None,
    }
}

fn one_way(sql: &str) -> Vec<PlannedOp> {
    let mut plan = Plan::<(), OneWay>::new();
    plan.sql_irreversible(sql);
    plan.into_operations()
}

fn rules_of(sql: &str, backend: Backend, transaction: TransactionMode) -> Vec<&'static str> {
    check(&one_way(sql), backend, &meta(transaction))
        .into_iter()
        .map(|v| v.rule)
        .collect()
}

/// (rule, backend, SQL that breaks it, the safe form that does not).
const CASES: &[(&str, Backend, &str, &str)] = &[
    (
        "sql-drop-table",
        PG,
        "DROP TABLE users",
        "CREATE TABLE t (id int); DROP TABLE t",
    ),
    (
        "sql-drop-table",
        MY,
        "DROP TABLE users",
        "CREATE TABLE t (id int); DROP TABLE t",
    ),
    (
        "sql-drop-table",
        LITE,
        "DROP TABLE users",
        "CREATE TABLE t (id int); DROP TABLE t",
    ),
    (
        "sql-drop-column",
        PG,
        "ALTER TABLE users DROP COLUMN email",
        "ALTER TABLE users ADD COLUMN nickname text",
    ),
    (
        "sql-drop-column",
        LITE,
        "ALTER TABLE users DROP COLUMN email",
        "ALTER TABLE users ADD COLUMN nickname text",
    ),
    (
        "sql-truncate",
        PG,
        "TRUNCATE accounts CASCADE",
        "DELETE FROM accounts WHERE closed",
    ),
    (
        "sql-truncate",
        MY,
        "TRUNCATE TABLE accounts",
        "DELETE FROM accounts WHERE closed = 1",
    ),
    (
        "sql-delete-all-rows",
        PG,
        "DELETE FROM sessions",
        "DELETE FROM sessions WHERE expires_at < now()",
    ),
    (
        "sql-delete-all-rows",
        LITE,
        "DELETE FROM sessions",
        "DELETE FROM sessions WHERE id < 10",
    ),
    (
        "sql-update-all-rows",
        PG,
        "UPDATE users SET flag = true",
        "UPDATE users SET flag = true WHERE id < 1000",
    ),
    (
        "sql-update-all-rows",
        MY,
        "UPDATE users SET flag = 1",
        "UPDATE users SET flag = 1 WHERE id < 1000",
    ),
    (
        "sql-drop-schema",
        PG,
        "DROP SCHEMA billing CASCADE",
        "CREATE SCHEMA billing",
    ),
    (
        "sql-drop-schema",
        MY,
        "DROP DATABASE billing",
        "CREATE DATABASE billing",
    ),
    (
        "sql-rename-table",
        PG,
        "ALTER TABLE users RENAME TO accounts",
        "CREATE VIEW accounts AS SELECT * FROM users",
    ),
    (
        "sql-rename-table",
        MY,
        "RENAME TABLE users TO accounts",
        "CREATE TABLE accounts (id int)",
    ),
    (
        "sql-rename-column",
        PG,
        "ALTER TABLE users RENAME COLUMN email TO mail",
        "ALTER TABLE users ADD COLUMN mail text",
    ),
    (
        "sql-rename-column",
        MY,
        "ALTER TABLE users CHANGE email mail VARCHAR(255)",
        "ALTER TABLE users ADD COLUMN mail text",
    ),
    (
        "sql-change-column-type",
        PG,
        "ALTER TABLE users ALTER COLUMN age TYPE bigint",
        "ALTER TABLE users ADD COLUMN age2 bigint",
    ),
    (
        "sql-change-column-type",
        MY,
        "ALTER TABLE users MODIFY age BIGINT",
        "ALTER TABLE users ADD COLUMN age2 BIGINT",
    ),
    (
        "sql-change-column-type-readers",
        PG,
        "ALTER TABLE users ALTER COLUMN age TYPE text",
        "ALTER TABLE users ADD COLUMN age2 text",
    ),
    (
        "sql-change-column-type-casts",
        PG,
        "ALTER TABLE users ALTER COLUMN age TYPE int",
        "ALTER TABLE users ADD COLUMN age2 int",
    ),
    (
        "sql-set-not-null",
        PG,
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
        "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID",
    ),
    (
        "sql-set-not-null",
        MY,
        "ALTER TABLE users MODIFY email VARCHAR(255) NOT NULL",
        "ALTER TABLE users ADD COLUMN mail text",
    ),
    (
        "sql-set-not-null-fails",
        PG,
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
        "ALTER TABLE users ALTER COLUMN email SET DEFAULT ''",
    ),
    (
        "sql-drop-not-null",
        PG,
        "ALTER TABLE users ALTER COLUMN email DROP NOT NULL",
        "ALTER TABLE users ALTER COLUMN email DROP DEFAULT",
    ),
    (
        "sql-pg-create-index-not-concurrently",
        PG,
        "CREATE INDEX users_email_idx ON users (email)",
        "CREATE TABLE t (email text); CREATE INDEX t_email_idx ON t (email)",
    ),
    (
        "sql-pg-drop-index-not-concurrently",
        PG,
        "DROP INDEX users_email_idx",
        "CREATE TABLE t (email text); CREATE INDEX t_idx ON t (email); DROP INDEX t_idx",
    ),
    (
        "sql-unique-on-existing-data",
        PG,
        "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)",
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)",
    ),
    (
        "sql-unique-on-existing-data",
        MY,
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
        "ALTER TABLE users ADD COLUMN mail text",
    ),
    (
        "sql-unique-on-existing-data",
        LITE,
        "CREATE UNIQUE INDEX users_email_key ON users (email)",
        "CREATE INDEX users_email_idx ON users (email)",
    ),
    (
        "sql-pg-add-constraint-validated",
        PG,
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID",
    ),
    (
        "sql-pg-add-unique-without-index",
        PG,
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx",
    ),
    (
        "sql-mysql-add-constraint",
        MY,
        "ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0)",
        "CREATE TABLE t (total int, CONSTRAINT t_total CHECK (total >= 0))",
    ),
    (
        "sql-add-required-column",
        PG,
        "ALTER TABLE users ADD COLUMN plan text NOT NULL",
        "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free'",
    ),
    (
        "sql-add-required-column",
        MY,
        "ALTER TABLE users ADD COLUMN plan VARCHAR(20) NOT NULL",
        "ALTER TABLE users ADD COLUMN plan VARCHAR(20) NOT NULL DEFAULT 'free'",
    ),
    (
        "sql-add-required-column",
        LITE,
        "ALTER TABLE users ADD COLUMN plan text NOT NULL",
        "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free'",
    ),
    (
        "sql-pg-volatile-default",
        PG,
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
        "ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT now()",
    ),
    (
        "sql-pg-volatile-default",
        PG,
        "ALTER TABLE users ADD COLUMN seq bigserial",
        "ALTER TABLE users ADD COLUMN seq bigint",
    ),
    (
        "sql-mysql-expression-default",
        MY,
        "ALTER TABLE users ADD COLUMN token CHAR(36) DEFAULT (uuid())",
        "ALTER TABLE users ADD COLUMN plan VARCHAR(20) DEFAULT 'free'",
    ),
    (
        "sql-drop-constraint",
        PG,
        "ALTER TABLE orders DROP CONSTRAINT orders_user_fk",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk",
    ),
    (
        "sql-drop-constraint",
        MY,
        "ALTER TABLE orders DROP FOREIGN KEY orders_user_fk",
        "ALTER TABLE orders ADD COLUMN note text",
    ),
    (
        "sql-drop-view",
        PG,
        "DROP VIEW active_users",
        "CREATE VIEW v AS SELECT 1; DROP VIEW v",
    ),
    (
        "sql-drop-view",
        PG,
        "DROP MATERIALIZED VIEW totals",
        "CREATE VIEW totals2 AS SELECT 1",
    ),
    (
        "sql-drop-default",
        PG,
        "ALTER TABLE users ALTER COLUMN plan DROP DEFAULT",
        "ALTER TABLE users ALTER COLUMN plan SET DEFAULT 'pro'",
    ),
    (
        "sql-drop-object",
        PG,
        "DROP TYPE contract_status",
        "CREATE TYPE s AS ENUM ('a'); DROP TYPE s",
    ),
    (
        "sql-drop-object",
        PG,
        "DROP EXTENSION citext",
        "CREATE EXTENSION IF NOT EXISTS citext",
    ),
    ("sql-drop-object", PG, "DROP FUNCTION touch_updated_at()", "SELECT 1"),
    ("sql-drop-object", PG, "DROP TRIGGER touch ON users", "SELECT 1"),
    (
        "sql-drop-object",
        PG,
        "DROP POLICY tenant_isolation ON contracts",
        "SELECT 1",
    ),
    (
        "sql-drop-object",
        PG,
        "DROP SEQUENCE invoice_numbers",
        "CREATE SEQUENCE invoice_numbers2",
    ),
    (
        "sql-lock-table",
        PG,
        "LOCK TABLE users IN ACCESS EXCLUSIVE MODE",
        "SELECT 1",
    ),
    ("sql-lock-table", MY, "LOCK TABLES users WRITE", "SELECT 1"),
    (
        "sql-revoke",
        PG,
        "REVOKE SELECT ON users FROM reporting",
        "GRANT SELECT ON users TO reporting",
    ),
    (
        "sql-transaction-control",
        PG,
        "COMMIT; CREATE TABLE t (id int)",
        "CREATE TABLE t (id int)",
    ),
    (
        "sql-transaction-control",
        LITE,
        "BEGIN; CREATE TABLE t (id int); COMMIT",
        "CREATE TABLE t (id int)",
    ),
    (
        "sql-unreadable",
        PG,
        "FROBNICATE users",
        "-- lockgate:unchecked a vendor command, run by hand on staging first\nFROBNICATE users",
    ),
    (
        "sql-unreadable",
        MY,
        "CREATE TABLE t (id int) WITH (fillfactor = 70",
        "CREATE TABLE t (id int)",
    ),
    (
        "pg-validate-in-same-migration",
        PG,
        "ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT c",
        "ALTER TABLE orders VALIDATE CONSTRAINT c",
    ),
];

#[test]
fn each_raw_sql_rule_fires_on_its_statement_and_not_on_the_safe_form() {
    for (rule, backend, unsafe_sql, safe_sql) in CASES {
        let found = rules_of(unsafe_sql, *backend, TransactionMode::PerMigration);
        assert!(
            found.contains(rule),
            "{rule} on {backend}: `{unsafe_sql}` broke {found:?}"
        );
        let found = rules_of(safe_sql, *backend, TransactionMode::PerMigration);
        assert!(
            !found.contains(rule),
            "{rule} on {backend}: the safe `{safe_sql}` broke {found:?}"
        );
    }
}

#[test]
fn every_raw_sql_rule_has_a_case() {
    for rule in PLAN_RULES.iter().filter(|rule| rule.id.starts_with("sql-")) {
        let covered = rule.id == "sql-concurrently-in-transaction" || rule.id == "sql-down-does-not-invert";
        assert!(
            covered || CASES.iter().any(|(id, ..)| *id == rule.id),
            "{} has no case",
            rule.id
        );
    }
}

#[test]
fn concurrently_needs_a_migration_without_a_transaction() {
    for sql in [
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)",
        "DROP INDEX CONCURRENTLY users_email_idx",
        "DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx",
    ] {
        assert_eq!(
            rules_of(sql, PG, TransactionMode::PerMigration),
            ["sql-concurrently-in-transaction"],
            "{sql}"
        );
        assert!(rules_of(sql, PG, TransactionMode::None).is_empty(), "{sql}");
    }
}

#[test]
fn a_violation_names_the_statement_and_the_allowance() {
    let found = check(
        &one_way("CREATE TABLE t (id int);\nALTER TABLE users DROP COLUMN email"),
        PG,
        &meta(TransactionMode::PerMigration),
    );
    assert_eq!(found.len(), 1);
    let message = found[0].to_string();
    assert!(
        message.starts_with("sql `ALTER TABLE users DROP COLUMN email` is destructive on postgres [sql-drop-column]"),
        "{message}"
    );
    assert!(message.contains("allow(destructive = "), "{message}");
}

#[test]
fn an_unreadable_statement_says_what_the_parser_said() {
    let found = check(&one_way("FROBNICATE users"), PG, &meta(TransactionMode::PerMigration));
    let message = found[0].to_string();
    assert!(
        message.starts_with("sql `FROBNICATE users` (the postgres parser says: sql parser error: "),
        "{message}"
    );
    assert!(message.contains("-- lockgate:unchecked"), "{message}");
    // No allowance silences it: only the comment with a reason does.
    let mut everything = meta(TransactionMode::PerMigration);
    everything.allow = Allowances {
        destructive: Some("r"),
        blocking: Some("r"),
        incompatible: Some("r"),
        data_dependent: Some("r"),
    };
    assert_eq!(
        check(&one_way("FROBNICATE users"), PG, &everything)
            .into_iter()
            .map(|v| v.rule)
            .collect::<Vec<_>>(),
        ["sql-unreadable"]
    );
}

#[test]
fn the_category_allowance_silences_raw_sql_rules() {
    let mut allowed = meta(TransactionMode::PerMigration);
    allowed.allow.destructive = Some("the table was emptied and unused since 2.3");
    assert!(check(&one_way("DROP TABLE legacy"), PG, &allowed).is_empty());
    // Another category's allowance does not.
    let mut other = meta(TransactionMode::PerMigration);
    other.allow.blocking = Some("reviewed");
    assert_eq!(
        check(&one_way("DROP TABLE legacy"), PG, &other)
            .into_iter()
            .map(|v| v.rule)
            .collect::<Vec<_>>(),
        ["sql-drop-table"]
    );
}

#[test]
fn tables_created_earlier_in_the_plan_are_new() {
    let mut plan = Plan::<(), OneWay>::new();
    plan.create_table("audit", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<String>("actor");
    });
    plan.sql_irreversible("CREATE INDEX audit_actor_idx ON audit (actor); UPDATE audit SET actor = 'x'");
    assert!(check(plan.operations(), PG, &meta(TransactionMode::PerMigration)).is_empty());
}

#[test]
fn down_sql_is_checked_on_the_way_down() {
    let mut plan = Plan::<()>::new();
    plan.sql("CREATE TABLE t (id int)", "COMMIT; DROP TABLE t");
    let down = plan.inverse().expect("reversible");
    let found: Vec<_> = check_direction(&down, PG, &meta(TransactionMode::PerMigration), Direction::Down)
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(found, ["sql-transaction-control"]);
}

#[test]
fn down_must_drop_what_up_creates() {
    let rules = |up: &str, down: &str| -> Vec<&'static str> {
        let mut plan = Plan::<()>::new();
        plan.sql(up, down);
        check(plan.operations(), PG, &meta(TransactionMode::PerMigration))
            .into_iter()
            .map(|v| v.rule)
            .collect()
    };
    assert_eq!(
        rules(
            "ALTER TABLE users ADD COLUMN nickname text",
            "ALTER TABLE users DROP COLUMN name"
        ),
        ["sql-down-does-not-invert"]
    );
    assert_eq!(rules("CREATE TABLE t (id int)", ""), ["sql-down-does-not-invert"]);
    assert!(rules("CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id)", "DROP TABLE t").is_empty());
    assert!(rules("CREATE VIEW v AS SELECT 1", "DROP VIEW v").is_empty());
    assert!(
        rules(
            "ALTER TABLE users ADD COLUMN nickname text",
            "ALTER TABLE users DROP COLUMN nickname"
        )
        .is_empty()
    );
    // Data statements carry no object to compare.
    assert!(rules("INSERT INTO t VALUES (1)", "DELETE FROM t WHERE id = 1").is_empty());
}
