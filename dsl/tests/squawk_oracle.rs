//! squawk as an oracle: every warning it gives on the PostgreSQL SQL lockgate renders for a snapshot case, and on
//! raw SQL written the way squawk's rules describe, is accounted for by a lockgate rule or listed here with why not.
//!
//! `dsl/src/risk/mapping.md` is the same mapping for readers; `the_mapping_page_lists_every_squawk_rule` keeps the
//! two together.

#[path = "common/cases.rs"]
mod cases;

use std::collections::BTreeSet;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::plan::{OneWay, Plan, PlannedOp};
use lockgate_dsl::render::{Step, render};
use lockgate_dsl::risk::Allowances;
use lockgate_dsl::risk::plan_rules::check;
use lockgate_dsl::types::rewrites_table;
use lockgate_dsl::{MigrationMeta, TransactionMode};
use squawk_linter::{Linter, Rule};

/// For each squawk rule: the lockgate gates (compile time, by trait name) and plan rules (by id), any of which
/// accounts for its warning.
const ACCOUNTS: &[(&str, &[&str])] = &[
    // An archive drops too (its data kept aside): the incompatible gate accounts for what running code sees.
    (
        "ban-drop-table",
        &["DropTable", "ArchiveTable", "drop-partition", "sql-drop-table"],
    ),
    ("require-concurrent-partition-detach", &["detach-partition-locks"]),
    ("ban-drop-column", &["DropColumn", "ArchiveColumn", "sql-drop-column"]),
    ("ban-drop-database", &["sql-drop-schema"]),
    ("ban-drop-schema", &["sql-drop-schema"]),
    ("ban-truncate-cascade", &["sql-truncate"]),
    ("renaming-table", &["RenameTable", "sql-rename-table"]),
    ("renaming-column", &["RenameColumn", "sql-rename-column"]),
    (
        "changing-column-type",
        &["change-column-type-rewrites", "sql-change-column-type"],
    ),
    // lockgate keeps a default across a type change by dropping and setting it in the same transaction: the
    // type change's own gates account for it there.
    (
        "ban-drop-default",
        &["drop-default", "sql-drop-default", "ChangeColumnTypeBreaksReaders"],
    ),
    // A restored column is a required column added back (NULL until its values are copied, then NOT NULL).
    (
        "adding-not-nullable-field",
        &["set-not-null-scans", "sql-set-not-null", "pg-add-required-column"],
    ),
    ("ban-drop-not-null", &["DropNotNull", "sql-drop-not-null"]),
    (
        "adding-required-field",
        &["AddRequiredColumn", "pg-add-required-column", "sql-add-required-column"],
    ),
    (
        "adding-field-with-default",
        &[
            "pg-volatile-default",
            "sql-pg-volatile-default",
            "add-generated-column-rewrites",
        ],
    ),
    (
        "adding-serial-primary-key-field",
        &["sql-pg-add-unique-without-index", "pg-add-unique-without-index"],
    ),
    (
        "require-concurrent-index-creation",
        &[
            "pg-create-index-not-concurrently",
            "sql-pg-create-index-not-concurrently",
            "pg-drop-unique-rebuilds-index",
        ],
    ),
    (
        "require-concurrent-index-deletion",
        &["pg-drop-index-not-concurrently", "sql-pg-drop-index-not-concurrently"],
    ),
    (
        "constraint-missing-not-valid",
        &[
            "pg-add-foreign-key-validated",
            "pg-add-check-validated",
            "pg-add-unique-without-index",
            "sql-pg-add-constraint-validated",
            "sql-pg-add-unique-without-index",
            "pg-validate-in-same-migration",
        ],
    ),
    (
        "adding-foreign-key-constraint",
        &["pg-add-foreign-key-validated", "sql-pg-add-constraint-validated"],
    ),
    (
        "disallowed-unique-constraint",
        &["pg-add-unique-without-index", "sql-pg-add-unique-without-index"],
    ),
    (
        "ban-drop-constraint",
        &["DropForeignKey", "DropCheck", "DropUnique", "sql-drop-constraint"],
    ),
    (
        "ban-drop-view",
        &["DropView", "ReplaceView", "drop-materialized-view", "sql-drop-view"],
    ),
    ("ban-drop-type", &["DropEnum", "sql-drop-object"]),
    ("ban-drop-extension", &["pg-drop-extension", "sql-drop-object"]),
    ("ban-drop-function", &["drop-function", "sql-drop-object"]),
    ("ban-drop-sequence", &["drop-sequence", "sql-drop-object"]),
    ("ban-drop-trigger", &["drop-trigger", "sql-drop-object"]),
    ("ban-drop-policy", &["drop-policy", "sql-drop-object"]),
    ("ban-revoke", &["revoke-breaks-code", "sql-revoke"]),
    (
        "ban-concurrent-index-creation-in-transaction",
        &["sql-concurrently-in-transaction", "pg-concurrently-in-transaction"],
    ),
    ("transaction-nesting", &["sql-transaction-control"]),
    ("ban-uncommitted-transaction", &["sql-transaction-control"]),
    ("identifier-too-long", &["identifier-too-long"]),
];

/// squawk rules lockgate does not turn into a refusal, with why. Each is also on the mapping page.
const NOT_COVERED: &[(&str, &str)] = &[
    (
        "prefer-bigint-over-int",
        "style: the DSL renders the type the migration declares",
    ),
    (
        "prefer-bigint-over-smallint",
        "style: the DSL renders the type the migration declares",
    ),
    (
        "prefer-text-field",
        "style: `Varchar<N>` is a declared length; widening it later is `change_column_type`, which is gated",
    ),
    (
        "prefer-timestamp-tz",
        "style: `Timestamp` is declared on purpose; `Timestamptz` exists",
    ),
    ("ban-char-field", "style: the DSL has no `char(n)`"),
    (
        "prefer-identity",
        "style: the DSL's integer keys render as the backend's identity form",
    ),
    (
        "prefer-robust-stmts",
        "the runtime records progress per step and, before a retry, drops the INVALID index a failed CONCURRENTLY build left",
    ),
    (
        "require-lock-timeout",
        "the migrator sets lock_timeout on its connection before each migration",
    ),
    (
        "require-statement-timeout",
        "a statement timeout would abort legitimate long builds (CONCURRENTLY, VALIDATE); lockgate bounds lock waits instead",
    ),
];

fn lint(sql: &str, in_transaction: bool) -> BTreeSet<String> {
    let file = squawk_syntax::SourceFile::parse(sql);
    // The default rules, and the opt-in ones about dropping objects and privileges that lockgate also checks.
    let mut linter = Linter::with_rules(&[Rule::BanRevoke, Rule::BanDropTrigger, Rule::BanDropPolicy], &[]);
    linter.settings.assume_in_transaction = in_transaction;
    linter
        .lint(&file, sql)
        .into_iter()
        .map(|v| v.code.to_string())
        .collect()
}

/// The compile-time gates planning `op` forward needs.
fn gates(op: &Operation) -> Vec<&'static str> {
    match op {
        Operation::DropTable(_) => vec!["DropTable"],
        Operation::RenameTable { .. } => vec!["RenameTable"],
        Operation::DropColumn { .. } => vec!["DropColumn"],
        Operation::ArchiveColumn { restore: false, .. } => vec!["ArchiveColumn"],
        // Contracting drops the old column; undoing an expand drops the new one.
        Operation::ContractColumn { reverse: false, .. } | Operation::ExpandColumn { reverse: true, .. } => {
            vec!["DropColumn"]
        }
        Operation::ArchiveTable { restore: false, .. } => vec!["ArchiveTable"],
        Operation::RenameColumn { .. } => vec!["RenameColumn"],
        Operation::AddColumn { column, .. } if !column.nullable && column.default.is_none() => {
            vec!["AddRequiredColumn"]
        }
        Operation::AlterColumn { from, to, .. } => {
            let mut gates = Vec::new();
            if from.ty != to.ty {
                gates.push("ChangeColumnTypeBreaksReaders");
            }
            if !from.nullable && to.nullable {
                gates.push("DropNotNull");
            }
            gates
        }
        Operation::DropForeignKey(_) => vec!["DropForeignKey"],
        Operation::DropCheck(_) => vec!["DropCheck"],
        Operation::DropUnique(_) => vec!["DropUnique"],
        Operation::DropView(_) => vec!["DropView"],
        Operation::ReplaceView { .. } => vec!["ReplaceView"],
        Operation::DropEnum(_) => vec!["DropEnum"],
        _ => Vec::new(),
    }
}

fn meta(transaction: TransactionMode) -> MigrationMeta {
    MigrationMeta {
        version: 1,
        name: "oracle",
        type_name: "Oracle",
        allow: Allowances::NONE,
        irreversible: None,
        transaction,
        backends: None,
    }
}

/// What lockgate demands for `ops` planned forward on PostgreSQL alone (every table they touch exists).
fn accounts(ops: &[PlannedOp], transaction: TransactionMode) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = ops.iter().flat_map(|p| gates(&p.op)).map(str::to_owned).collect();
    found.extend(
        check(ops, Backend::Postgres, &meta(transaction))
            .into_iter()
            .map(|v| v.rule.to_owned()),
    );
    found
}

/// The squawk warnings on `sql` that neither `found` nor [`NOT_COVERED`] accounts for.
fn unaccounted(sql: &str, in_transaction: bool, found: &BTreeSet<String>) -> Vec<String> {
    lint(sql, in_transaction)
        .into_iter()
        .filter(|warning| !NOT_COVERED.iter().any(|(rule, _)| rule == warning))
        .filter(|warning| {
            let accepted = ACCOUNTS
                .iter()
                .find(|(rule, _)| rule == warning)
                .map_or(&[][..], |(_, by)| *by);
            !accepted.iter().any(|by| found.contains(*by))
        })
        .collect()
}

/// The SQL of `op` on PostgreSQL as one file, and whether it runs in a transaction.
fn rendered(op: &Operation) -> Option<(String, bool)> {
    let steps = render(op, Backend::Postgres).ok()?;
    let mut sql = String::new();
    let mut in_transaction = true;
    for step in steps {
        if let Step::Sql {
            sql: statement,
            outside_transaction,
        } = step
        {
            sql.push_str(&statement);
            sql.push_str(";\n");
            in_transaction &= !outside_transaction;
        }
    }
    Some((sql, in_transaction))
}

fn planned(op: Operation) -> Vec<PlannedOp> {
    vec![PlannedOp::here(op)]
}

#[test]
fn every_squawk_warning_on_rendered_sql_is_accounted_for() {
    let mut problems = Vec::new();
    let mut linted = 0;
    for case in cases::all() {
        if case.unsupported_on.contains(&Backend::Postgres) {
            continue;
        }
        // The way down is judged as the same operation planned forward: lockgate opens every gate on a rollback
        // by design (it restores what was there), so this says what it would have demanded.
        let down = match case.op.inverse() {
            Inverse::Op(op) => Some(op),
            Inverse::Nothing | Inverse::Irreversible(_) => None,
        };
        for (direction, op) in [("up", Some(case.op.clone())), ("down", down)] {
            let Some(op) = op else { continue };
            let Some((sql, in_transaction)) = rendered(&op) else {
                continue;
            };
            linted += 1;
            let transaction = if in_transaction {
                TransactionMode::PerMigration
            } else {
                TransactionMode::None
            };
            // squawk warns on every type change; PostgreSQL keeps the table for the binary-compatible ones
            // (`type_change_rewrites.rs` shows it on the server), and lockgate asks for nothing there.
            let keeps_table = matches!(&op, Operation::AlterColumn { from, to, .. }
                if from.ty != to.ty && !rewrites_table(&from.ty, &to.ty, Backend::Postgres));
            let drops_schema = matches!(&op, Operation::DropSchema { .. });
            let found = accounts(&planned(op), transaction);
            let mut left = unaccounted(&sql, in_transaction, &found);
            if keeps_table {
                left.retain(|w| w != "changing-column-type");
            }
            // squawk does not match a name with an escaped quote to the table created just before it, so it
            // asks for CONCURRENTLY on a table that is new; lockgate sees the name whole.
            if case.name == "hostile_names" {
                left.retain(|w| w != "require-concurrent-index-creation");
            }
            // The sync trigger and its function are lockgate's own, dropped with the expansion they served.
            if matches!(
                &case.op,
                Operation::ExpandColumn { .. } | Operation::ContractColumn { .. }
            ) {
                left.retain(|w| w != "ban-drop-trigger" && w != "ban-drop-function");
            }
            // `DROP SCHEMA` without `CASCADE`: PostgreSQL refuses a schema that holds anything, so no data can go.
            if drops_schema {
                left.retain(|w| w != "ban-drop-schema");
            }
            // A policy's name appears in no statement running code sends: renaming it changes what only
            // migrations read.
            if matches!(&case.op, Operation::AlterPolicy { .. }) {
                left.retain(|w| w != "renaming-object");
            }
            // A restore drops lockgate's own backup table once its data is back in place.
            if direction == "down"
                && matches!(
                    &case.op,
                    Operation::ArchiveColumn { .. } | Operation::ArchiveTable { .. }
                )
            {
                left.retain(|w| w != "ban-drop-table");
            }
            if !left.is_empty() {
                problems.push(format!(
                    "{} {direction}: {left:?} (lockgate: {found:?})\n{sql}",
                    case.name
                ));
            }
        }
    }
    assert!(linted > 60, "only {linted} renderings linted");
    assert!(
        problems.is_empty(),
        "squawk warnings no lockgate rule accounts for:\n{}",
        problems.join("\n")
    );
}

/// Raw SQL as squawk's rules describe it, one statement per rule that applies to migrations.
const RAW: &[&str] = &[
    "DROP TABLE users",
    "ALTER TABLE users DROP COLUMN email",
    "DROP DATABASE billing",
    "DROP SCHEMA billing CASCADE",
    "TRUNCATE accounts CASCADE",
    "ALTER TABLE users RENAME TO accounts",
    "ALTER TABLE users RENAME COLUMN email TO mail",
    "ALTER TABLE users ALTER COLUMN age TYPE bigint",
    "ALTER TABLE users ALTER COLUMN plan DROP DEFAULT",
    "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
    "ALTER TABLE users ALTER COLUMN email DROP NOT NULL",
    "ALTER TABLE users ADD COLUMN plan text NOT NULL",
    "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
    "ALTER TABLE users ADD COLUMN seq bigserial",
    "ALTER TABLE users ADD PRIMARY KEY (id)",
    "CREATE INDEX users_email_idx ON users (email)",
    "DROP INDEX users_email_idx",
    "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)",
    "ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0)",
    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
    "ALTER TABLE orders DROP CONSTRAINT orders_user_fk",
    "DROP VIEW active_users",
    "DROP TYPE contract_status",
    "DROP EXTENSION citext",
    "DROP FUNCTION touch_updated_at()",
    "DROP SEQUENCE invoice_numbers",
    "DROP TRIGGER touch ON users",
    "DROP POLICY tenant_isolation ON contracts",
    "REVOKE SELECT ON users FROM reporting",
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)",
    "BEGIN; CREATE TABLE t (id bigint); COMMIT",
];

#[test]
fn every_squawk_warning_on_raw_sql_is_accounted_for() {
    let mut problems = Vec::new();
    for sql in RAW {
        let mut plan = Plan::<(), OneWay>::new();
        plan.sql_irreversible(*sql);
        let found = accounts(plan.operations(), TransactionMode::PerMigration);
        let warnings = lint(sql, true);
        assert!(
            !warnings.is_empty(),
            "squawk has nothing to say about `{sql}`: drop it from the list"
        );
        let left = unaccounted(sql, true, &found);
        if !left.is_empty() {
            problems.push(format!("`{sql}`: {left:?} (lockgate: {found:?})"));
        }
    }
    assert!(
        problems.is_empty(),
        "squawk warnings no lockgate rule accounts for:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_mapping_page_lists_every_squawk_rule() {
    let page = include_str!("../src/risk/mapping.md");
    let default_rules = Linter::with_default_rules()
        .rules
        .into_iter()
        .map(|rule| rule.to_string());
    let named_here = ACCOUNTS
        .iter()
        .map(|(rule, _)| rule)
        .chain(NOT_COVERED.iter().map(|(rule, _)| rule));
    for rule in default_rules.chain(named_here.map(|rule| rule.to_string())) {
        assert!(
            page.contains(&format!("| `{rule}` |")),
            "the mapping page has no row for squawk's `{rule}`"
        );
    }
}
