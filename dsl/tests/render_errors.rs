//! Names a backend cannot hold and operations it cannot express are typed errors, never panics.

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::render::{RenderError, Step, render};
use lockgate_dsl::schema::{CheckDef, ColumnDef, EnumDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef, ViewDef};
use lockgate_dsl::types::ColumnType;

/// Every operation that renders `name` somewhere, once per place a name goes.
fn ops_naming(name: &str) -> Vec<Operation> {
    let n = || name.to_owned();
    let table = |table: &str, column: &str| {
        TableDef::build(table, |t| {
            t.column::<i64>(column).primary_key();
        })
    };
    vec![
        Operation::CreateTable(table(name, "id")),
        Operation::CreateTable(table("t", name)),
        Operation::CreateTable(TableDef::build("t", |t| {
            t.column::<i64>("id");
            t.index(["id"]).named(name);
        })),
        Operation::CreateTable(TableDef::build("t", |t| {
            t.column::<i64>("id");
            t.check(name, "id > 0");
        })),
        Operation::DropTable(table(name, "id")),
        Operation::RenameTable {
            from: "t".into(),
            to: n(),
        },
        Operation::AddColumn {
            table: "t".into(),
            column: ColumnDef::new::<Option<i32>>(name),
        },
        Operation::DropColumn {
            table: n(),
            column: ColumnDef::new::<Option<i32>>("c"),
        },
        Operation::RenameColumn {
            table: "t".into(),
            from: "c".into(),
            to: n(),
        },
        Operation::AlterColumn {
            table: "t".into(),
            from: ColumnDef::new::<i32>(name),
            to: ColumnDef::new::<i64>(name),
        },
        Operation::CreateIndex(IndexDef::new("t", ["c"]).named(name)),
        Operation::DropIndex(IndexDef::new("t", ["c"]).named(name)),
        Operation::AddForeignKey(ForeignKeyDef::new("t", ["c"], "u", ["id"]).named(name)),
        Operation::AddForeignKey(ForeignKeyDef::new("t", ["c"], name, ["id"])),
        Operation::DropForeignKey(ForeignKeyDef::new("t", ["c"], "u", ["id"]).named(name)),
        Operation::ValidateConstraint {
            table: "t".into(),
            name: n(),
        },
        Operation::AddCheck(CheckDef::new("t", name, "c > 0")),
        Operation::DropCheck(CheckDef::new("t", name, "c > 0")),
        Operation::AddUnique(UniqueDef::new("t", ["c"]).named(name)),
        Operation::AddUnique(UniqueDef::new("t", ["c"]).using_index(name)),
        Operation::DropUnique(UniqueDef::new("t", ["c"]).named(name)),
        Operation::CreateView(ViewDef::new(name, "SELECT 1")),
        Operation::DropView(ViewDef::new(name, "SELECT 1")),
        Operation::ReplaceView {
            from: ViewDef::new(name, "SELECT 1"),
            to: ViewDef::new(name, "SELECT 2"),
        },
    ]
}

fn pg_only_ops_naming(name: &str) -> Vec<Operation> {
    vec![
        Operation::CreateEnum(EnumDef::new(name, ["a"])),
        Operation::DropEnum(EnumDef::new(name, ["a"])),
        Operation::AddEnumValue {
            name: name.to_owned(),
            value: "b".into(),
            before: None,
        },
        Operation::CreateExtension { name: name.to_owned() },
    ]
}

fn assert_invalid(op: &Operation, backend: Backend, name: &str) {
    match render(op, backend) {
        Err(RenderError::InvalidName {
            name: got,
            backend: b,
            reason,
        }) => {
            assert_eq!((got.as_str(), b), (name, backend), "{}", op.describe());
            assert!(!reason.is_empty());
        }
        other => panic!(
            "{} on {backend}: expected an invalid name, got {other:?}",
            op.describe()
        ),
    }
}

#[test]
fn names_longer_than_the_backend_allows_are_refused_everywhere_they_go() {
    for (backend, max) in [(Backend::Postgres, 63), (Backend::MySql, 64)] {
        let long = "n".repeat(max + 1);
        let fits = "n".repeat(max);
        let mut ops = ops_naming(&long);
        if backend == Backend::Postgres {
            ops.extend(pg_only_ops_naming(&long));
        }
        for op in &ops {
            assert_invalid(op, backend, &long);
        }
        for op in ops_naming(&fits) {
            assert!(render(&op, backend).is_ok(), "{} fits on {backend}", op.describe());
        }
    }
    // SQLite has no limit.
    for op in ops_naming(&"n".repeat(200)) {
        assert!(render(&op, Backend::Sqlite).is_ok(), "{}", op.describe());
    }
}

#[test]
fn empty_names_are_refused_on_every_backend() {
    for backend in Backend::ALL {
        for op in ops_naming("") {
            assert_invalid(&op, backend, "");
        }
    }
    let err = render(&Operation::CreateView(ViewDef::new("", "SELECT 1")), Backend::MySql).unwrap_err();
    assert_eq!(err.to_string(), "invalid name `` on mysql: a name cannot be empty");
    let long = "x".repeat(64);
    let err = render(
        &Operation::CreateView(ViewDef::new(long.clone(), "SELECT 1")),
        Backend::Postgres,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid name `{long}` on postgres: it is 64 bytes long and postgres allows at most 63")
    );
}

#[test]
fn postgres_only_objects_are_errors_elsewhere() {
    let enum_column = Operation::CreateTable(TableDef::build("t", |t| {
        t.column_def(ColumnDef::of_type("s", ColumnType::Enum("status".into()), false));
    }));
    let to_enum = Operation::AlterColumn {
        table: "t".into(),
        from: ColumnDef::new::<String>("s"),
        to: ColumnDef::of_type("s", ColumnType::Enum("status".into()), false),
    };
    for backend in [Backend::MySql, Backend::Sqlite] {
        for op in pg_only_ops_naming("thing").iter().chain([&enum_column, &to_enum]) {
            let err = render(op, backend).expect_err("postgres only");
            let RenderError::Unsupported { backend: b, hint, .. } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(*b, backend);
            assert!(!hint.is_empty());
        }
        assert!(render(&Operation::DropExtension { name: "x".into() }, backend).is_err());
    }
    let err = render(&enum_column, Backend::MySql).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `s` of enum type `status` is not supported on mysql: only PostgreSQL has named enum types; \
         use a varchar column with a check constraint"
    );
}

#[test]
fn partial_indexes_are_an_error_on_mysql_only() {
    let op = Operation::CreateIndex(IndexDef::new("t", ["a"]).predicate("a > 0"));
    assert!(matches!(
        render(&op, Backend::MySql),
        Err(RenderError::Unsupported { .. })
    ));
    assert!(render(&op, Backend::Postgres).is_ok());
    assert!(render(&op, Backend::Sqlite).is_ok());
}

#[test]
fn alter_column_keeps_the_name() {
    let op = Operation::AlterColumn {
        table: "t".into(),
        from: ColumnDef::new::<i32>("a"),
        to: ColumnDef::new::<i32>("b"),
    };
    for backend in Backend::ALL {
        assert!(matches!(render(&op, backend), Err(RenderError::Unsupported { .. })));
    }
}

#[test]
fn validation_renders_nothing_where_constraints_are_checked_when_added() {
    let op = Operation::ValidateConstraint {
        table: "t".into(),
        name: "fk".into(),
    };
    assert_eq!(render(&op, Backend::MySql).unwrap(), []);
    assert_eq!(render(&op, Backend::Sqlite).unwrap(), []);
    assert_eq!(render(&op, Backend::Postgres).unwrap().len(), 1);
}

#[test]
fn not_valid_renders_a_plain_constraint_on_mysql() {
    let fk = Operation::AddForeignKey(ForeignKeyDef::new("t", ["c"], "u", ["id"]).not_valid());
    let check = Operation::AddCheck(CheckDef::new("t", "c_positive", "c > 0").not_valid());
    for op in [&fk, &check] {
        let pg = render(op, Backend::Postgres).unwrap()[0].to_string();
        let my = render(op, Backend::MySql).unwrap()[0].to_string();
        assert!(pg.ends_with(" NOT VALID;"), "{pg}");
        assert!(!my.contains("NOT VALID"), "{my}");
        assert!(matches!(render(op, Backend::Sqlite).unwrap()[0], Step::Rebuild(_)));
    }
}

#[test]
fn only_postgres_concurrently_runs_outside_a_transaction() {
    let index = IndexDef::new("t", ["a"]).concurrently();
    for op in [Operation::CreateIndex(index.clone()), Operation::DropIndex(index)] {
        assert!(render(&op, Backend::Postgres).unwrap()[0].outside_transaction());
        assert!(!render(&op, Backend::MySql).unwrap()[0].outside_transaction());
        assert!(!render(&op, Backend::Sqlite).unwrap()[0].outside_transaction());
    }
    let plain = Operation::CreateIndex(IndexDef::new("t", ["a"]));
    assert!(!render(&plain, Backend::Postgres).unwrap()[0].outside_transaction());
}

#[test]
fn postgres_alter_column_is_one_statement_per_aspect() {
    let op = Operation::AlterColumn {
        table: "t".into(),
        from: ColumnDef::new::<Option<i32>>("n").default(1),
        to: ColumnDef::new::<i64>("n").default(2),
    };
    let steps: Vec<String> = render(&op, Backend::Postgres)
        .unwrap()
        .iter()
        .map(Step::to_string)
        .collect();
    assert_eq!(
        steps,
        [
            r#"ALTER TABLE "t" ALTER COLUMN "n" DROP DEFAULT;"#,
            r#"ALTER TABLE "t" ALTER COLUMN "n" TYPE bigint USING "n"::bigint;"#,
            r#"ALTER TABLE "t" ALTER COLUMN "n" SET DEFAULT 2;"#,
            r#"ALTER TABLE "t" ALTER COLUMN "n" SET NOT NULL;"#,
        ]
    );
    let mysql = render(&op, Backend::MySql).unwrap();
    assert_eq!(
        mysql[0].to_string(),
        "ALTER TABLE `t` MODIFY COLUMN `n` bigint NOT NULL DEFAULT 2;"
    );
}

#[test]
fn steps_serialize_with_a_tag() {
    let steps = render(
        &Operation::RenameTable {
            from: "a".into(),
            to: "b".into(),
        },
        Backend::Sqlite,
    )
    .unwrap();
    let json = serde_json::to_value(&steps[0]).unwrap();
    assert_eq!(json["step"], "sql");
    assert_eq!(json["outside_transaction"], false);
    let check = Operation::AddCheck(CheckDef::new("t", "c", "a > 0"));
    let json = serde_json::to_value(&render(&check, Backend::Sqlite).unwrap()[0]).unwrap();
    assert_eq!(json["step"], "rebuild");
    assert_eq!(json["table"], "t");
    assert_eq!(json["change"]["change"], "add_check");
}

#[test]
fn mysql_counts_an_identifier_in_characters_postgres_in_bytes() {
    // 64 characters, 128 bytes: MariaDB takes it, PostgreSQL does not.
    let name = "ü".repeat(64);
    for op in ops_naming(&name) {
        assert!(render(&op, Backend::MySql).is_ok(), "{} fits on mysql", op.describe());
        assert_invalid(&op, Backend::Postgres, &name);
    }
    let longer = "ü".repeat(65);
    let err = render(
        &Operation::CreateView(ViewDef::new(longer.clone(), "SELECT 1")),
        Backend::MySql,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid name `{longer}` on mysql: it is 65 characters long and mysql allows at most 64")
    );
}

/// What PostgreSQL would refuse about a policy or a grant is refused before it reaches the database, with the fix.
#[test]
fn policies_and_grants_postgres_would_refuse() {
    use lockgate_dsl::schema::{GrantDef, PolicyCommand, PolicyDef, Privilege, RowSecurity};
    let refused = |op: Operation| match render(&op, Backend::Postgres) {
        Err(e @ RenderError::Invalid { .. }) => e.to_string(),
        other => panic!("{op:?} rendered {other:?}"),
    };
    let insert_with_using = PolicyDef::new("t", "p")
        .command(PolicyCommand::Insert)
        .using("owner = current_user");
    assert_eq!(
        refused(Operation::CreatePolicy(insert_with_using)),
        "cannot create_policy `p` on `t`: an INSERT policy has no rows to see, so it takes only `with_check`; move \
         the condition there"
    );
    let select_with_check = PolicyDef::new("t", "p")
        .command(PolicyCommand::Select)
        .with_check("true");
    assert!(
        refused(Operation::CreatePolicy(select_with_check)).contains("a SELECT policy writes no rows"),
        "a SELECT policy with WITH CHECK"
    );
    assert!(refused(Operation::CreatePolicy(PolicyDef::new("t", "p"))).contains("has no condition"));
    assert_eq!(
        refused(Operation::Grant(
            GrantDef::on_table("t", [Privilege::Usage]).to(["app"])
        )),
        "cannot grant USAGE on table `t` to app: USAGE is not a privilege on a table; a table takes SELECT, INSERT, \
         UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"
    );
    assert!(
        refused(Operation::Revoke(
            GrantDef::on_schema("app", [Privilege::Select]).to(["app"])
        ))
        .contains("SELECT is not a privilege on a schema; a schema takes USAGE, CREATE")
    );
    assert!(refused(Operation::Grant(GrantDef::on_table("t", [Privilege::Select]))).contains("names no role"));
    assert!(refused(Operation::Grant(GrantDef::on_table("t", []).to(["app"]))).contains("names no privilege"));
    assert!(
        refused(Operation::AlterRowSecurity {
            table: "t".into(),
            from: RowSecurity::ON,
            to: RowSecurity::ON,
        })
        .contains("it changes nothing")
    );
}

/// A function or trigger PostgreSQL would refuse, or whose body would end early, is refused with the fix.
#[test]
fn functions_and_triggers_postgres_would_refuse() {
    use lockgate_dsl::schema::{FunctionDef, TriggerDef, TriggerEvent};
    let refused = |op: Operation| match render(&op, Backend::Postgres) {
        Err(e @ RenderError::Invalid { .. }) => e.to_string(),
        other => panic!("{op:?} rendered {other:?}"),
    };
    let quoted = FunctionDef::new("f").body("BEGIN RETURN '$lockgate$'; END");
    assert_eq!(
        refused(Operation::CreateFunction(Box::new(quoted))),
        "cannot create_function `f()`: its body holds `$lockgate$`, the quote lockgate puts around bodies"
    );
    assert!(refused(Operation::CreateFunction(Box::new(FunctionDef::new("f")))).contains("its body is empty"));
    let language = FunctionDef::new("f").language("sql; DROP TABLE t").body("SELECT 1");
    assert!(refused(Operation::CreateFunction(Box::new(language))).contains("is not a language name"));
    let truncate_rows = TriggerDef::new("t", "tr", "f").on([TriggerEvent::Truncate]);
    assert!(
        refused(Operation::CreateTrigger(Box::new(truncate_rows))).contains("TRUNCATE fires statement triggers only")
    );
    let statement_new = TriggerDef::new("t", "tr", "f").for_each_statement().when("NEW.a > 0");
    assert!(refused(Operation::CreateTrigger(Box::new(statement_new))).contains("cannot read `OLD` or `NEW`"));
    assert!(
        refused(Operation::CreateTrigger(Box::new(
            TriggerDef::new("t", "tr", "f").on([])
        )))
        .contains("no statement")
    );
}
