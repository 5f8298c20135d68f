//! Failures halfway: rollback, compensation on MySQL, interrupted and resumed steps, CONCURRENTLY indexes.

use lockgate_dsl::schema::{CheckDef, IndexDef};
use lockgate_dsl::{Backend, TransactionMode};
use lockgate_runtime::{Direction, DownTarget, Error, Migrator, State};

use crate::common::{self, Fixture, TestDb, exec, scalar, schema};
use crate::fixtures::{create_accounts, states};

/// A failing step leaves the schema as it was: rolled back where DDL is transactional, compensated on MySQL.
pub(crate) async fn failure_leaves_schema_as_before(backend: Backend) {
    let Some(test) = TestDb::create(backend, "fail").await else {
        return;
    };
    let db = test.connect().await;
    let base = Migrator::new(vec![create_accounts()]).unwrap();
    base.up(&db, None).await.unwrap();
    let before = schema(&db).await;
    let failing = Fixture::boxed(2, "half a change", |m| {
        m.create_table("invoices", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.add_column::<Option<i64>>("accounts", "invoice_id");
        m.create_index(IndexDef::new("accounts", ["invoice_id"]));
        m.sql("INSERT INTO no_such_table (id) VALUES (1)", "DELETE FROM no_such_table");
    });
    let migrator = Migrator::new(vec![create_accounts(), failing]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert_eq!(error.statement(), Some("INSERT INTO no_such_table (id) VALUES (1)"));
    assert_eq!(error.version(), Some(2));
    match (backend, &error) {
        (Backend::MySql, Error::Compensated { undone, .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("3 statement(s) this attempt ran before it were undone, so this attempt left the schema as it found it"),
                "{message}"
            );
            assert!(!message.contains("rolled back"), "{message}");
            assert_eq!(undone.len(), 3, "{undone:?}");
            assert!(
                undone[0].contains("DROP INDEX") || undone[0].contains("DROP KEY"),
                "{undone:?}"
            );
            assert!(undone[2].contains("DROP TABLE"), "{undone:?}");
        }
        (Backend::Postgres | Backend::Sqlite, Error::StatementFailed { .. }) => {
            let message = error.to_string();
            assert!(
                message.starts_with("migration 2 `half a change` failed and was rolled back: "),
                "{message}"
            );
            assert!(
                message.ends_with("\n  statement: INSERT INTO no_such_table (id) VALUES (1)"),
                "{message}"
            );
        }
        (_, other) => panic!("unexpected error on {backend}: {other}"),
    }
    assert_eq!(
        schema(&db).await,
        before,
        "the schema must be as before the failed migration"
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Failed)]);
    let failures = scalar(
        &db,
        "SELECT COUNT(*) FROM lockgate_migrations_history WHERE version = 2",
    )
    .await;
    assert_eq!(failures, 1);
    db.close().await;
    test.drop_db().await;
}

/// The statement that failed is named, wherever it stands: after a step of several statements, or as the
/// second statement of such a step (PostgreSQL sends the whole migration in one round trip and learns which
/// part failed from what the server reported before the error).
pub(crate) async fn the_failed_statement_is_named(backend: Backend) {
    let Some(test) = TestDb::create(backend, "named").await else {
        return;
    };
    let db = test.connect().await;
    let cases = [
        (
            "CREATE TABLE a1 (id int); CREATE TABLE a2 (id int)",
            "INSERT INTO nope (id) VALUES (1)",
            2,
        ),
        (
            "CREATE TABLE b1 (id int); INSERT INTO nope (id) VALUES (1)",
            "CREATE TABLE b2 (id int)",
            1,
        ),
    ];
    for (version, (first, second, failing)) in (1..).zip(cases) {
        let migration = Fixture::boxed(version, "two raw steps", move |m| {
            m.sql(first, "SELECT 1");
            m.sql(second, "SELECT 1");
            m.create_table("never_made", |t| {
                t.column::<i64>("id").primary_key();
            });
        });
        // The downs are placeholders (the raw-SQL rules would refuse them): this test is about the failing step.
        let migrator = Migrator::new(vec![migration]).unwrap().with_plan_checks(false);
        let error = migrator.up(&db, None).await.unwrap_err();
        // MySQL names the very statement of the step that failed (its first one committed: the error says the
        // schema needs a person); elsewhere the step is named whole.
        let expected = match (failing, backend) {
            (1, Backend::MySql) => "INSERT INTO nope (id) VALUES (1)",
            (1, _) => first,
            _ => second,
        };
        assert_eq!(error.statement(), Some(expected), "{backend} case {version}: {error}");
        assert_eq!(error.version(), Some(version));
        let made = scalar(
            &db,
            "SELECT COUNT(*) FROM lockgate_migrations_history WHERE outcome <> 'applied'",
        )
        .await;
        assert_eq!(made, version, "{backend}: one failure recorded per case");
    }
    db.close().await;
    test.drop_db().await;
}

pub(crate) async fn assertion_rolls_back(backend: Backend) {
    let Some(test) = TestDb::create(backend, "assert").await else {
        return;
    };
    let db = test.connect().await;
    let before = schema(&db).await;
    let checked = Fixture::boxed(1, "checked", |m| {
        m.create_table("ledger", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.assert("SELECT COUNT(*) = 1 FROM ledger", "the ledger has its opening row");
    });
    let migrator = Migrator::new(vec![checked]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let assertion = match &error {
        Error::Compensated { cause, .. } => &**cause,
        other => other,
    };
    assert!(
        matches!(assertion, Error::AssertionFailed { message, .. } if message == "the ledger has its opening row"),
        "{error}"
    );
    assert!(error.to_string().contains("the ledger has its opening row"));
    assert_eq!(schema(&db).await, before);
    db.close().await;
    test.drop_db().await;
}

/// PostgreSQL: a `CREATE INDEX CONCURRENTLY` that fails leaves an INVALID index; the next run drops and
/// rebuilds it, resuming at the step that failed.
pub(crate) async fn postgres_invalid_index_is_rebuilt() {
    let Some(test) = TestDb::create(Backend::Postgres, "cic").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    exec(
        &db,
        "INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, 'a@example.com')",
    )
    .await;
    let concurrent = || {
        Fixture::with_mode(2, "unique emails", TransactionMode::None, |m| {
            m.create_index(IndexDef::new("accounts", ["email"]).unique().concurrently());
            m.sql(
                "INSERT INTO accounts (id, email) VALUES (3, 'c@example.com')",
                "DELETE FROM accounts WHERE id = 3",
            );
        })
    };
    // Breaks `pg-concurrently-mixed` on purpose (a step after the index build is what this test recovers), so
    // the run-time plan checks are off.
    let migrator = Migrator::new(vec![create_accounts(), concurrent()])
        .unwrap()
        .with_plan_checks(false);
    let plan = migrator.plan(&db, Direction::Up, None).await.unwrap();
    assert!(plan[0].statements[0].starts_with("-- outside a transaction\nCREATE UNIQUE INDEX CONCURRENTLY"));
    let error = migrator.up(&db, None).await.unwrap_err();
    assert!(matches!(error, Error::StepFailed { done: 0, total: 2, .. }), "{error}");
    let invalid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                   WHERE c.relname = 'accounts_email_key' AND NOT i.indisvalid";
    assert_eq!(
        scalar(&db, invalid).await,
        1,
        "the failed build leaves an INVALID index"
    );
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Failed));

    exec(&db, "UPDATE accounts SET email = 'b@example.com' WHERE id = 2").await;
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    assert_eq!(scalar(&db, invalid).await, 0);
    let valid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                 WHERE c.relname = 'accounts_email_key' AND i.indisvalid AND i.indisunique";
    assert_eq!(scalar(&db, valid).await, 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM accounts").await, 3);

    // Down runs outside a transaction too (DROP INDEX CONCURRENTLY).
    assert_eq!(migrator.down(&db, DownTarget::Steps(1)).await.unwrap().applied.len(), 1);
    assert_eq!(scalar(&db, valid).await, 0);
    db.close().await;
    test.drop_db().await;
}

/// PostgreSQL: a CONCURRENTLY step in a migration that asks for a transaction is refused before anything runs.
pub(crate) async fn postgres_concurrently_needs_no_transaction() {
    let Some(test) = TestDb::create(Backend::Postgres, "cictx").await else {
        return;
    };
    let db = test.connect().await;
    let wrong = || {
        Fixture::boxed(2, "index in a transaction", |m| {
            m.create_index(IndexDef::new("accounts", ["email"]).concurrently());
        })
    };
    let migrator = Migrator::new(vec![create_accounts(), wrong()]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::PlanChecks {
        migration, problems, ..
    } = &error
    else {
        panic!("expected the plan checks to refuse: {error}");
    };
    assert_eq!(migration.version, 2);
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("[pg-concurrently-in-transaction]")),
        "{error}"
    );
    assert!(error.to_string().contains("transaction = false"));
    // Without the checks, the runtime still refuses the same migration before running it.
    let error = Migrator::new(vec![create_accounts(), wrong()])
        .unwrap()
        .with_plan_checks(false)
        .up(&db, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Plan { migration: Some(m), .. } if m.version == 2),
        "{error}"
    );
    db.close().await;
    test.drop_db().await;
}

/// The migrator runs the plan checks for the connected backend before anything runs: a migration that allows
/// nothing and builds a plain index on an existing PostgreSQL table (one an earlier run created) is refused,
/// naming the rule, and leaves no trace; with the checks off it runs.
pub(crate) async fn postgres_plan_checks_run_before_anything() {
    let Some(test) = TestDb::create(Backend::Postgres, "checks").await else {
        return;
    };
    let db = test.connect().await;
    let index = || {
        Fixture::strict(2, "index emails", |m| {
            m.create_index(IndexDef::new("accounts", ["email"]));
        })
    };
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let migrator = Migrator::new(vec![create_accounts(), index()]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::PlanChecks {
        migration, problems, ..
    } = &error
    else {
        panic!("expected the plan checks to refuse: {error}");
    };
    assert_eq!(migration.version, 2);
    assert!(
        error.headline().starts_with(
            "migration 2 `index emails` fails 1 plan check(s) on postgres, so nothing ran: \
             up: create_index `accounts_email_idx` on `accounts` is blocking on postgres \
             [pg-create-index-not-concurrently]"
        ),
        "{error}"
    );
    assert_eq!(error.details().len(), problems.len());
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Pending)]);
    let report = Migrator::new(vec![create_accounts(), index()])
        .unwrap()
        .with_plan_checks(false)
        .up(&db, None)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    db.close().await;
    test.drop_db().await;
}

/// The plan checks know the migrations before the one they judge: a table a pending migration of the same run
/// creates is new and empty, so a plain index on it blocks nobody; and the checks stop a whole run before its
/// first migration when a later one fails them.
pub(crate) async fn postgres_plan_checks_know_the_same_run() {
    let Some(test) = TestDb::create(Backend::Postgres, "same_run").await else {
        return;
    };
    let db = test.connect().await;
    let index = Fixture::strict(2, "index emails", |m| {
        m.create_index(IndexDef::new("accounts", ["email"]));
    });
    let report = Migrator::new(vec![create_accounts(), index])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 2);
    let index_name = Fixture::strict(3, "index names", |m| {
        m.create_index(IndexDef::new("accounts", ["id", "email"]));
    });
    let create_other = Fixture::strict(4, "create other", |m| {
        m.create_table("other", |t| {
            t.column::<i64>("id").primary_key();
        });
    });
    let migrator = Migrator::new(vec![
        create_accounts(),
        Fixture::strict(2, "index emails", |m| {
            m.create_index(IndexDef::new("accounts", ["email"]));
        }),
        index_name,
        create_other,
    ])
    .unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    assert!(
        matches!(&error, Error::PlanChecks { migration, .. } if migration.version == 3),
        "{error}"
    );
    let status = migrator.status(&db).await.unwrap();
    assert_eq!(
        states(&status),
        [
            (1, State::Applied),
            (2, State::Applied),
            (3, State::Pending),
            (4, State::Pending)
        ]
    );
    db.close().await;
    test.drop_db().await;
}

/// MySQL: when undoing fails too, the error names the statement that could not be undone and what stays applied,
/// and the tracking row keeps the progress of what remains.
pub(crate) async fn mysql_compensation_failure_is_reported() {
    let Some(test) = TestDb::create(Backend::MySql, "undo").await else {
        return;
    };
    let db = test.connect().await;
    let fragile = Fixture::boxed(1, "fragile", |m| {
        m.create_table("fragile", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.sql("INSERT INTO fragile (id) VALUES (1)", "DELETE FROM gone_table");
        m.sql("INSERT INTO missing_table (id) VALUES (1)", "SELECT 1");
    });
    let migrator = Migrator::new(vec![fragile]).unwrap();
    let error = migrator.up(&db, None).await.unwrap_err();
    let Error::CompensationFailed { undo, .. } = &error else {
        panic!("expected a compensation failure: {error}")
    };
    assert!(undo.undone.is_empty());
    assert_eq!(undo.failed_statement, "DELETE FROM gone_table");
    assert_eq!(undo.still_applied.len(), 2, "{:?}", undo.still_applied);
    let message = error.to_string();
    assert!(
        message.contains("could not be undone; the schema is half-migrated and needs a person"),
        "{message}"
    );
    assert!(message.contains("undo failed at: DELETE FROM gone_table"), "{message}");
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is in the source chain"
    );
    assert_eq!(
        scalar(&db, "SELECT progress FROM lockgate_migrations WHERE version = 1").await,
        2
    );
    assert_eq!(states(&migrator.status(&db).await.unwrap()), [(1, State::Failed)]);
    let outcome = common::texts(&db, "SELECT outcome FROM lockgate_migrations_history").await;
    assert_eq!(outcome, ["compensation_failed"]);
    db.close().await;
    test.drop_db().await;
}

/// A process that died right after a step took effect (DDL commits on its own) but before recording its progress:
/// the next run sees the step's effect and continues after it, on MySQL and for PostgreSQL `CONCURRENTLY` steps.
pub(crate) async fn interrupted_step_that_took_effect(backend: Backend) {
    let Some(test) = TestDb::create(backend, "resume").await else {
        return;
    };
    let db = test.connect().await;
    Migrator::new(vec![create_accounts()])
        .unwrap()
        .up(&db, None)
        .await
        .unwrap();
    let (migration, effect) = match backend {
        Backend::MySql => (
            Fixture::boxed(2, "two steps", |m| {
                m.create_table("invoices", |t| {
                    t.column::<i64>("id").primary_key();
                });
                m.sql(
                    "INSERT INTO invoices (id) VALUES (1)",
                    "DELETE FROM invoices WHERE id = 1",
                );
            }),
            "CREATE TABLE invoices (id BIGINT PRIMARY KEY)",
        ),
        _ => (
            Fixture::with_mode(2, "two steps", TransactionMode::None, |m| {
                m.create_index(IndexDef::new("accounts", ["email"]).concurrently());
                m.sql(
                    "INSERT INTO accounts (id, email) VALUES (1, 'x')",
                    "DELETE FROM accounts WHERE id = 1",
                );
            }),
            "CREATE INDEX accounts_email_idx ON accounts (email)",
        ),
    };
    let checksum = lockgate_dsl::checksum::checksum(&*migration);
    // What the dead process left: the first step's effect, and a running row without progress.
    exec(&db, effect).await;
    let now = if backend == Backend::MySql { "NOW(6)" } else { "now()" };
    exec(
        &db,
        &format!(
            "INSERT INTO lockgate_migrations (version, name, checksum, status, progress, applied_at, execution_ms) \
             VALUES (2, 'two steps', '{checksum}', 'running', 0, {now}, 0)"
        ),
    )
    .await;
    // On PostgreSQL the migration breaks `pg-concurrently-mixed` on purpose (it needs a step after the index
    // build), so the run-time plan checks are off.
    let migrator = Migrator::new(vec![create_accounts(), migration])
        .unwrap()
        .with_plan_checks(false);
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Running));
    assert_eq!(migrator.up(&db, None).await.unwrap().applied.len(), 1);
    assert_eq!(states(&migrator.status(&db).await.unwrap())[1], (2, State::Applied));
    let table = if backend == Backend::MySql {
        "invoices"
    } else {
        "accounts"
    };
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await, 1);
    db.close().await;
    test.drop_db().await;
}

/// MySQL: a failing `down` is compensated too, by re-running the inverse (the up) of what it had undone.
pub(crate) async fn mysql_failed_down_is_compensated() {
    let Some(test) = TestDb::create(Backend::MySql, "downundo").await else {
        return;
    };
    let db = test.connect().await;
    let migration = || {
        Fixture::boxed(1, "down fails halfway", |m| {
            m.sql("SELECT 1", "INSERT INTO missing_table (id) VALUES (1)");
            m.create_table("kept", |t| {
                t.column::<i64>("id").primary_key();
            });
        })
    };
    let migrator = Migrator::new(vec![migration()]).unwrap();
    migrator.up(&db, None).await.unwrap();
    let before = schema(&db).await;
    let error = migrator.down(&db, DownTarget::Steps(1)).await.unwrap_err();
    let Error::Compensated { undone, .. } = &error else {
        panic!("expected compensation: {error}")
    };
    assert!(undone[0].starts_with("CREATE TABLE"), "{undone:?}");
    assert_eq!(schema(&db).await, before, "the table the down dropped is back");
    assert_eq!(states(&migrator.status(&db).await.unwrap()), [(1, State::Applied)]);
    db.close().await;
    test.drop_db().await;
}

/// The recipe the rules recommend for a NOT NULL on a live table runs with no allowance at all: the check
/// `NOT VALID`, validated by a later migration, then `set_not_null`, which PostgreSQL makes without a scan.
pub(crate) async fn postgres_the_not_null_recipe_needs_no_allowance() {
    let Some(test) = TestDb::create(Backend::Postgres, "recipe").await else {
        return;
    };
    let db = test.connect().await;
    let create = || {
        Fixture::strict(1, "create accounts", |m| {
            m.create_table("accounts", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Option<String>>("nickname");
            });
        })
    };
    Migrator::new(vec![create()]).unwrap().up(&db, None).await.unwrap();
    exec(&db, "INSERT INTO accounts (id, nickname) VALUES (1, 'ann')").await;
    let recipe = || {
        vec![
            create(),
            Fixture::strict(2, "check nickname", |m| {
                m.add_check(CheckDef::new("accounts", "nickname_present", "nickname IS NOT NULL").not_valid());
            }),
            Fixture::strict(3, "validate nickname", |m| {
                m.validate_constraint("accounts", "nickname_present");
            }),
            Fixture::strict(4, "require nickname", |m| {
                m.set_not_null::<String>("accounts", "nickname");
            }),
        ]
    };
    let report = Migrator::new(recipe()).unwrap().up(&db, None).await.unwrap();
    assert_eq!(report.applied.len(), 3);
    let nullable = scalar(
        &db,
        "SELECT count(*) FROM information_schema.columns \
         WHERE table_name = 'accounts' AND column_name = 'nickname' AND is_nullable = 'YES'",
    )
    .await;
    assert_eq!(nullable, 0);
    // Without the validation, the same `set_not_null` is refused before anything runs.
    let Some(test2) = TestDb::create(Backend::Postgres, "recipe_short").await else {
        return;
    };
    let db2 = test2.connect().await;
    Migrator::new(vec![create()]).unwrap().up(&db2, None).await.unwrap();
    let mut short = recipe();
    short.remove(2);
    let error = Migrator::new(short).unwrap().up(&db2, None).await.unwrap_err();
    assert!(error.to_string().contains("[set-not-null-scans]"), "{error}");
    db.close().await;
    test.drop_db().await;
    db2.close().await;
    test2.drop_db().await;
}
