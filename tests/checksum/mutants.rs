//! Every operation, and for each field a copy with only that field changed.

use lockgate::dsl::SqlExpr;
use lockgate::dsl::operation::Operation;
use lockgate::dsl::schema::{
    CheckDef, ColumnDef, EnumDef, ForeignKeyDef, IndexDef, ReferentialAction, TableDef, UniqueDef, ViewDef,
};
use lockgate::dsl::types::{ColumnType, Uuid};

fn column() -> ColumnDef {
    ColumnDef::new::<Option<String>>("note")
}

fn table() -> TableDef {
    TableDef::build("contracts", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<String>("state").default("draft");
        t.index(["state"]);
        t.check("contracts_state_set", "state <> ''");
        t.unique(["state"]);
        t.foreign_key(["id"], "tenants", ["id"]);
    })
}

fn fk() -> ForeignKeyDef {
    ForeignKeyDef::new("lines", ["contract_id"], "contracts", ["id"])
}

fn check_def() -> CheckDef {
    CheckDef::new("prices", "prices_positive", "amount >= 0")
}

fn index() -> IndexDef {
    IndexDef::new("contracts", ["tenant"])
}

fn unique() -> UniqueDef {
    UniqueDef::new("users", ["email"])
}

/// Every variant, each with every field that matters changed once; labels name the change.
pub(crate) fn mutants() -> Vec<(&'static str, Operation)> {
    use Operation as O;
    let with_table = |label, change: fn(&mut TableDef)| {
        let mut t = table();
        change(&mut t);
        (label, O::CreateTable(t))
    };
    let with_column = |label, change: fn(&mut ColumnDef)| {
        let mut c = column();
        change(&mut c);
        (
            label,
            O::AddColumn {
                table: "contracts".into(),
                column: c,
            },
        )
    };
    let with_index = |label, change: fn(&mut IndexDef)| {
        let mut i = index();
        change(&mut i);
        (label, O::CreateIndex(i))
    };
    let with_fk = |label, change: fn(&mut ForeignKeyDef)| {
        let mut f = fk();
        change(&mut f);
        (label, O::AddForeignKey(f))
    };
    let with_check = |label, change: fn(&mut CheckDef)| {
        let mut c = check_def();
        change(&mut c);
        (label, O::AddCheck(c))
    };
    let with_unique = |label, change: fn(&mut UniqueDef)| {
        let mut u = unique();
        change(&mut u);
        (label, O::AddUnique(u))
    };
    let view = |name: &str, sql: &str| ViewDef::new(name, sql);
    vec![
        ("create_table", O::CreateTable(table())),
        with_table("create_table.name", |t| t.name = "agreements".into()),
        with_table("create_table.columns", |t| t.columns.pop().map(drop).unwrap_or(())),
        with_table("create_table.column.type", |t| t.columns[0].ty = ColumnType::Int),
        with_table("create_table.column.nullable", |t| t.columns[0].nullable = true),
        with_table("create_table.column.default", |t| {
            t.columns[1].default = Some("active".into())
        }),
        with_table("create_table.primary_key", |t| t.primary_key = vec!["state".into()]),
        with_table("create_table.partition_by", |t| {
            t.partition_by = Some(PartitionKey::new(PartitionStrategy::Range, ["state"]));
        }),
        with_table("create_table.partition_by.strategy", |t| {
            t.partition_by = Some(PartitionKey::new(PartitionStrategy::List, ["state"]));
        }),
        with_table("create_table.partition_by.columns", |t| {
            t.partition_by = Some(PartitionKey::new(PartitionStrategy::Range, ["id"]));
        }),
        with_table("create_table.uniques", |t| t.uniques.clear()),
        with_table("create_table.checks", |t| t.checks[0].expr = "state <> 'x'".into()),
        with_table("create_table.foreign_keys", |t| {
            t.foreign_keys[0].on_delete = Some(ReferentialAction::Cascade)
        }),
        with_table("create_table.indexes", |t| t.indexes[0].unique = true),
        ("drop_table", O::DropTable(table())),
        (
            "rename_table",
            O::RenameTable {
                from: "a".into(),
                to: "b".into(),
            },
        ),
        (
            "rename_table.from",
            O::RenameTable {
                from: "c".into(),
                to: "b".into(),
            },
        ),
        (
            "rename_table.to",
            O::RenameTable {
                from: "a".into(),
                to: "c".into(),
            },
        ),
        with_column("add_column", |_| {}),
        (
            "add_column.table",
            O::AddColumn {
                table: "lines".into(),
                column: column(),
            },
        ),
        with_column("add_column.name", |c| c.name = "comment".into()),
        with_column("add_column.type", |c| c.ty = ColumnType::Varchar(40)),
        with_column("add_column.nullable", |c| c.nullable = false),
        with_column("add_column.default.text", |c| c.default = Some("n/a".into())),
        with_column("add_column.default.int", |c| c.default = Some(0.into())),
        with_column("add_column.default.float", |c| c.default = Some(0.5.into())),
        with_column("add_column.default.bool", |c| c.default = Some(false.into())),
        with_column("add_column.default.now", |c| c.default = Some(SqlExpr::Now.into())),
        with_column("add_column.default.uuid", |c| {
            c.default = Some(SqlExpr::GenRandomUuid.into())
        }),
        with_column("add_column.default.raw", |c| {
            c.default = Some(SqlExpr::raw("'x'").into())
        }),
        with_column("add_column.default.raw.volatile", |c| {
            c.default = Some(
                SqlExpr::Raw {
                    sql: "'x'".into(),
                    volatile: true,
                }
                .into(),
            );
        }),
        (
            "drop_column",
            O::DropColumn {
                table: "contracts".into(),
                column: column(),
            },
        ),
        (
            "rename_column",
            O::RenameColumn {
                table: "t".into(),
                from: "a".into(),
                to: "b".into(),
            },
        ),
        (
            "rename_column.table",
            O::RenameColumn {
                table: "u".into(),
                from: "a".into(),
                to: "b".into(),
            },
        ),
        (
            "rename_column.from",
            O::RenameColumn {
                table: "t".into(),
                from: "c".into(),
                to: "b".into(),
            },
        ),
        (
            "rename_column.to",
            O::RenameColumn {
                table: "t".into(),
                from: "a".into(),
                to: "c".into(),
            },
        ),
        (
            "alter_column",
            O::AlterColumn {
                table: "t".into(),
                from: column(),
                to: ColumnDef::new::<String>("note"),
            },
        ),
        (
            "alter_column.table",
            O::AlterColumn {
                table: "u".into(),
                from: column(),
                to: ColumnDef::new::<String>("note"),
            },
        ),
        (
            "alter_column.from",
            O::AlterColumn {
                table: "t".into(),
                from: ColumnDef::new::<Option<Uuid>>("note"),
                to: ColumnDef::new::<String>("note"),
            },
        ),
        (
            "alter_column.to",
            O::AlterColumn {
                table: "t".into(),
                from: column(),
                to: ColumnDef::new::<String>("note").default("x"),
            },
        ),
        with_index("create_index", |_| {}),
        with_index("create_index.name", |i| i.name = "by_tenant".into()),
        with_index("create_index.table", |i| i.table = "lines".into()),
        with_index("create_index.columns", |i| i.columns.push("id".into())),
        with_index("create_index.unique", |i| i.unique = true),
        with_index("create_index.predicate", |i| i.predicate = Some("tenant > 0".into())),
        with_index("create_index.concurrently", |i| i.concurrently = true),
        ("drop_index", O::DropIndex(index())),
        with_fk("add_foreign_key", |_| {}),
        with_fk("add_foreign_key.name", |f| f.name = "fk".into()),
        with_fk("add_foreign_key.table", |f| f.table = "items".into()),
        with_fk("add_foreign_key.columns", |f| f.columns = vec!["agreement_id".into()]),
        with_fk("add_foreign_key.ref_table", |f| f.ref_table = "agreements".into()),
        with_fk("add_foreign_key.ref_columns", |f| f.ref_columns = vec!["uuid".into()]),
        with_fk("add_foreign_key.on_delete", |f| {
            f.on_delete = Some(ReferentialAction::SetNull)
        }),
        with_fk("add_foreign_key.on_update", |f| {
            f.on_update = Some(ReferentialAction::Restrict)
        }),
        with_fk("add_foreign_key.not_valid", |f| f.not_valid = true),
        ("drop_foreign_key", O::DropForeignKey(fk())),
        (
            "validate_constraint",
            O::ValidateConstraint {
                table: "t".into(),
                name: "c".into(),
            },
        ),
        (
            "validate_constraint.table",
            O::ValidateConstraint {
                table: "u".into(),
                name: "c".into(),
            },
        ),
        (
            "validate_constraint.name",
            O::ValidateConstraint {
                table: "t".into(),
                name: "d".into(),
            },
        ),
        with_check("add_check", |_| {}),
        with_check("add_check.name", |c| c.name = "positive".into()),
        with_check("add_check.table", |c| c.table = "costs".into()),
        with_check("add_check.expr", |c| c.expr = "amount > 0".into()),
        with_check("add_check.not_valid", |c| c.not_valid = true),
        ("drop_check", O::DropCheck(check_def())),
        with_unique("add_unique", |_| {}),
        with_unique("add_unique.name", |u| u.name = "uq".into()),
        with_unique("add_unique.table", |u| u.table = "people".into()),
        with_unique("add_unique.columns", |u| u.columns.push("tenant".into())),
        with_unique("add_unique.using_index", |u| {
            u.using_index = Some("users_email_idx".into())
        }),
        ("drop_unique", O::DropUnique(unique())),
        ("create_view", O::CreateView(view("v", "SELECT 1"))),
        ("create_view.name", O::CreateView(view("w", "SELECT 1"))),
        ("create_view.sql", O::CreateView(view("v", "SELECT 2"))),
        (
            "replace_view",
            O::ReplaceView {
                from: view("v", "SELECT 1"),
                to: view("v", "SELECT 2"),
            },
        ),
        (
            "replace_view.from",
            O::ReplaceView {
                from: view("v", "SELECT 3"),
                to: view("v", "SELECT 2"),
            },
        ),
        (
            "replace_view.to",
            O::ReplaceView {
                from: view("v", "SELECT 1"),
                to: view("v", "SELECT 3"),
            },
        ),
        ("drop_view", O::DropView(view("v", "SELECT 1"))),
        ("create_enum", O::CreateEnum(EnumDef::new("status", ["a", "b"]))),
        ("create_enum.name", O::CreateEnum(EnumDef::new("state", ["a", "b"]))),
        ("create_enum.values", O::CreateEnum(EnumDef::new("status", ["b", "a"]))),
        (
            "add_enum_value",
            O::AddEnumValue {
                name: "status".into(),
                value: "c".into(),
                before: None,
            },
        ),
        (
            "add_enum_value.name",
            O::AddEnumValue {
                name: "state".into(),
                value: "c".into(),
                before: None,
            },
        ),
        (
            "add_enum_value.value",
            O::AddEnumValue {
                name: "status".into(),
                value: "d".into(),
                before: None,
            },
        ),
        (
            "add_enum_value.before",
            O::AddEnumValue {
                name: "status".into(),
                value: "c".into(),
                before: Some("a".into()),
            },
        ),
        ("drop_enum", O::DropEnum(EnumDef::new("status", ["a", "b"]))),
        ("create_extension", O::CreateExtension { name: "citext".into() }),
        (
            "create_extension.name",
            O::CreateExtension {
                name: "pgcrypto".into(),
            },
        ),
        ("drop_extension", O::DropExtension { name: "citext".into() }),
        (
            "raw_sql",
            O::RawSql {
                up: "SELECT 1".into(),
                down: Some("SELECT 2".into()),
            },
        ),
        (
            "raw_sql.up",
            O::RawSql {
                up: "SELECT 3".into(),
                down: Some("SELECT 2".into()),
            },
        ),
        (
            "raw_sql.down",
            O::RawSql {
                up: "SELECT 1".into(),
                down: Some("SELECT 3".into()),
            },
        ),
        (
            "raw_sql.irreversible",
            O::RawSql {
                up: "SELECT 1".into(),
                down: None,
            },
        ),
        (
            "assert",
            O::Assert {
                query: "SELECT true".into(),
                message: "ok".into(),
            },
        ),
        (
            "assert.query",
            O::Assert {
                query: "SELECT false".into(),
                message: "ok".into(),
            },
        ),
        (
            "assert.message",
            O::Assert {
                query: "SELECT true".into(),
                message: "fine".into(),
            },
        ),
        (
            "assert_parity",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::rows("a", "tenant"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant"),
            },
        ),
        (
            "assert_parity.left.table",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::rows("c", "tenant"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant"),
            },
        ),
        (
            "assert_parity.left.group_by",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::rows("a", "account"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant"),
            },
        ),
        (
            "assert_parity.left.measure",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::sum("a", "tenant", "amount"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant"),
            },
        ),
        (
            "assert_parity.left.filter",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::rows("a", "tenant").filter("live"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant"),
            },
        ),
        (
            "assert_parity.right",
            O::AssertParity {
                left: lockgate::dsl::schema::Parity::rows("a", "tenant"),
                right: lockgate::dsl::schema::Parity::rows("b", "tenant").filter("live"),
            },
        ),
        ("backfill", backfill(fill(), None)),
        ("expand_column", expand(expansion(), false)),
        ("expand_column.reverse", expand(expansion(), true)),
        (
            "expand_column.expansion.table",
            expand(
                Expansion {
                    table: "u".into(),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.key",
            expand(
                Expansion {
                    key: "key".into(),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.key_type",
            expand(
                Expansion {
                    key_type: lockgate::dsl::types::ColumnType::Int,
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.from",
            expand(
                Expansion {
                    from: ColumnDef::new::<i32>("a"),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.to",
            expand(
                Expansion {
                    to: ColumnDef::new::<Option<i32>>("c"),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.forward",
            expand(
                Expansion {
                    forward: "{} + 0".into(),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "expand_column.expansion.backward",
            expand(
                Expansion {
                    backward: "{} + 0".into(),
                    ..expansion()
                },
                false,
            ),
        ),
        (
            "contract_column",
            O::ContractColumn {
                expansion: Box::new(expansion()),
                reverse: false,
            },
        ),
        (
            "contract_column.reverse",
            O::ContractColumn {
                expansion: Box::new(expansion()),
                reverse: true,
            },
        ),
        ("archive_column", archive_column("t", "c", "id", false)),
        ("archive_column.table", archive_column("u", "c", "id", false)),
        ("archive_column.column", archive_column("t", "d", "id", false)),
        ("archive_column.key", archive_column("t", "c", "key", false)),
        ("archive_column.restore", archive_column("t", "c", "id", true)),
        (
            "archive_table",
            O::ArchiveTable {
                table: lockgate::dsl::schema::TableDef::build("t", |t| {
                    t.column::<i64>("id");
                }),
                restore: false,
            },
        ),
        (
            "archive_table.table",
            O::ArchiveTable {
                table: lockgate::dsl::schema::TableDef::build("u", |t| {
                    t.column::<i64>("id");
                }),
                restore: false,
            },
        ),
        (
            "archive_table.restore",
            O::ArchiveTable {
                table: lockgate::dsl::schema::TableDef::build("t", |t| {
                    t.column::<i64>("id");
                }),
                restore: true,
            },
        ),
        (
            "backfill.fill.table",
            backfill(Backfill::keyed::<i64>("u", "id").set("n", "1"), None),
        ),
        (
            "backfill.fill.key",
            backfill(Backfill::keyed::<i64>("t", "key").set("n", "1"), None),
        ),
        (
            "backfill.fill.key_type",
            backfill(Backfill::keyed::<i32>("t", "id").set("n", "1"), None),
        ),
        (
            "backfill.fill.set.column",
            backfill(Backfill::keyed::<i64>("t", "id").set("m", "1"), None),
        ),
        (
            "backfill.fill.set.value",
            backfill(Backfill::keyed::<i64>("t", "id").set("n", "2"), None),
        ),
        ("backfill.fill.pending", backfill(fill().pending("n IS NULL"), None)),
        ("backfill.fill.batching", backfill(fill().by_key_range(), None)),
        ("backfill.fill.batch_size", backfill(fill().batch_size(10), None)),
        (
            "backfill.fill.pause_ms",
            backfill(fill().pause(std::time::Duration::from_millis(5)), None),
        ),
        ("backfill.undo", backfill(fill(), Some(fill()))),
        (
            "backfill.fill.into",
            backfill(fill().into_table("u").pending("true"), None),
        ),
        (
            "backfill.undo.sql",
            lockgate::dsl::operation::Operation::Backfill {
                fill: Box::new(fill()),
                undo: Box::new(lockgate::dsl::schema::Undo::Sql("DELETE FROM u".into())),
            },
        ),
        (
            "alter_row_security",
            O::AlterRowSecurity {
                table: "t".into(),
                from: RowSecurity::OFF,
                to: RowSecurity::ON,
            },
        ),
        (
            "alter_row_security.table",
            O::AlterRowSecurity {
                table: "u".into(),
                from: RowSecurity::OFF,
                to: RowSecurity::ON,
            },
        ),
        (
            "alter_row_security.from",
            O::AlterRowSecurity {
                table: "t".into(),
                from: RowSecurity::FORCED,
                to: RowSecurity::ON,
            },
        ),
        (
            "alter_row_security.to",
            O::AlterRowSecurity {
                table: "t".into(),
                from: RowSecurity::OFF,
                to: RowSecurity::FORCED,
            },
        ),
        ("create_policy", O::CreatePolicy(policy())),
        (
            "create_policy.table",
            O::CreatePolicy(PolicyDef {
                table: "u".into(),
                ..policy()
            }),
        ),
        (
            "create_policy.name",
            O::CreatePolicy(PolicyDef {
                name: "q".into(),
                ..policy()
            }),
        ),
        (
            "create_policy.command",
            O::CreatePolicy(policy().command(PolicyCommand::Update)),
        ),
        ("create_policy.restrictive", O::CreatePolicy(policy().restrictive())),
        ("create_policy.roles", O::CreatePolicy(policy().to(["reader"]))),
        ("create_policy.using", O::CreatePolicy(policy().using("tenant = 2"))),
        (
            "create_policy.with_check",
            O::CreatePolicy(policy().with_check("tenant = 1")),
        ),
        ("drop_policy", O::DropPolicy(policy())),
        (
            "alter_policy",
            O::AlterPolicy {
                from: Box::new(policy()),
                to: Box::new(policy().to(["reader"])),
            },
        ),
        (
            "alter_policy.from",
            O::AlterPolicy {
                from: Box::new(policy().using("true")),
                to: Box::new(policy().to(["reader"])),
            },
        ),
        (
            "create_materialized_view",
            O::CreateMaterializedView(view("m", "SELECT 1")),
        ),
        (
            "create_materialized_view.name",
            O::CreateMaterializedView(view("n", "SELECT 1")),
        ),
        (
            "create_materialized_view.sql",
            O::CreateMaterializedView(view("m", "SELECT 2")),
        ),
        ("drop_materialized_view", O::DropMaterializedView(view("m", "SELECT 1"))),
        (
            "refresh_materialized_view",
            O::RefreshMaterializedView {
                name: "m".into(),
                concurrently: false,
            },
        ),
        (
            "refresh_materialized_view.name",
            O::RefreshMaterializedView {
                name: "n".into(),
                concurrently: false,
            },
        ),
        (
            "refresh_materialized_view.concurrently",
            O::RefreshMaterializedView {
                name: "m".into(),
                concurrently: true,
            },
        ),
        ("create_function", O::CreateFunction(Box::new(function()))),
        (
            "create_function.name",
            O::CreateFunction(Box::new(FunctionDef {
                name: "g".into(),
                ..function()
            })),
        ),
        (
            "create_function.arguments",
            O::CreateFunction(Box::new(function().arguments("a integer"))),
        ),
        (
            "create_function.returns",
            O::CreateFunction(Box::new(function().returns("bigint"))),
        ),
        (
            "create_function.language",
            O::CreateFunction(Box::new(function().language("plpgsql"))),
        ),
        (
            "create_function.body",
            O::CreateFunction(Box::new(function().body("SELECT 2"))),
        ),
        ("drop_function", O::DropFunction(Box::new(function()))),
        (
            "replace_function",
            O::ReplaceFunction {
                from: Box::new(function()),
                to: Box::new(function().body("SELECT 2")),
            },
        ),
        (
            "replace_function.from",
            O::ReplaceFunction {
                from: Box::new(function().body("SELECT 3")),
                to: Box::new(function().body("SELECT 2")),
            },
        ),
        ("create_trigger", O::CreateTrigger(Box::new(trigger()))),
        (
            "create_trigger.table",
            O::CreateTrigger(Box::new(TriggerDef {
                table: "u".into(),
                ..trigger()
            })),
        ),
        (
            "create_trigger.name",
            O::CreateTrigger(Box::new(TriggerDef {
                name: "tr2".into(),
                ..trigger()
            })),
        ),
        ("create_trigger.timing", O::CreateTrigger(Box::new(trigger().after()))),
        (
            "create_trigger.events",
            O::CreateTrigger(Box::new(trigger().on([TriggerEvent::Delete]))),
        ),
        (
            "create_trigger.for_each_row",
            O::CreateTrigger(Box::new(trigger().for_each_statement())),
        ),
        (
            "create_trigger.when",
            O::CreateTrigger(Box::new(trigger().when("true"))),
        ),
        (
            "create_trigger.function",
            O::CreateTrigger(Box::new(TriggerDef {
                function: "g".into(),
                ..trigger()
            })),
        ),
        (
            "create_trigger.body",
            O::CreateTrigger(Box::new(TriggerDef {
                body: Some("SELECT 1;".into()),
                ..trigger()
            })),
        ),
        ("drop_trigger", O::DropTrigger(Box::new(trigger()))),
        (
            "add_column.column.generated",
            O::AddColumn {
                table: "t".into(),
                column: column().generated("upper(name)"),
            },
        ),
        ("create_schema", O::CreateSchema { name: "s".into() }),
        ("create_schema.name", O::CreateSchema { name: "r".into() }),
        ("drop_schema", O::DropSchema { name: "s".into() }),
        ("create_sequence", O::CreateSequence(SequenceDef::new("s"))),
        ("create_sequence.name", O::CreateSequence(SequenceDef::new("r"))),
        (
            "create_sequence.start",
            O::CreateSequence(SequenceDef::new("s").start(5)),
        ),
        (
            "create_sequence.increment",
            O::CreateSequence(SequenceDef::new("s").increment(2)),
        ),
        ("drop_sequence", O::DropSequence(SequenceDef::new("s"))),
        (
            "set_comment",
            O::SetComment {
                on: CommentOn::table("t"),
                from: None,
                to: Some("x".into()),
            },
        ),
        (
            "set_comment.on",
            O::SetComment {
                on: CommentOn::column("t", "c"),
                from: None,
                to: Some("x".into()),
            },
        ),
        (
            "set_comment.from",
            O::SetComment {
                on: CommentOn::table("t"),
                from: Some("w".into()),
                to: Some("x".into()),
            },
        ),
        (
            "set_comment.to",
            O::SetComment {
                on: CommentOn::table("t"),
                from: None,
                to: Some("y".into()),
            },
        ),
        ("grant", O::Grant(grant())),
        (
            "grant.on",
            O::Grant(GrantDef {
                on: GrantObject::Sequence("t".into()),
                ..grant()
            }),
        ),
        (
            "grant.on.kind",
            O::Grant(GrantDef {
                on: GrantObject::Schema("t".into()),
                ..grant()
            }),
        ),
        (
            "grant.privileges",
            O::Grant(GrantDef {
                privileges: vec![Privilege::Insert],
                ..grant()
            }),
        ),
        ("grant.roles", O::Grant(grant().to(["writer"]))),
        ("revoke", O::Revoke(grant())),
        ("create_partition", O::CreatePartition(partition())),
        (
            "create_partition.name",
            O::CreatePartition(PartitionDef {
                name: "p2".into(),
                ..partition()
            }),
        ),
        (
            "create_partition.parent",
            O::CreatePartition(PartitionDef {
                parent: "u".into(),
                ..partition()
            }),
        ),
        (
            "create_partition.bound.from",
            O::CreatePartition(PartitionDef::range("p", "t", [PartitionValue::MinValue], [10])),
        ),
        (
            "create_partition.bound.to",
            O::CreatePartition(PartitionDef::range("p", "t", [0], [PartitionValue::MaxValue])),
        ),
        (
            "create_partition.bound.value_type",
            O::CreatePartition(PartitionDef::range("p", "t", ["0"], [10])),
        ),
        (
            "create_partition.bound.list",
            O::CreatePartition(PartitionDef::list("p", "t", [0, 10])),
        ),
        (
            "create_partition.bound.hash",
            O::CreatePartition(PartitionDef::hash("p", "t", 2, 0)),
        ),
        (
            "create_partition.bound.hash.remainder",
            O::CreatePartition(PartitionDef::hash("p", "t", 2, 1)),
        ),
        (
            "create_partition.bound.default",
            O::CreatePartition(PartitionDef::default_of("p", "t")),
        ),
        ("drop_partition", O::DropPartition(partition())),
        ("attach_partition", O::AttachPartition(partition())),
        (
            "detach_partition",
            O::DetachPartition {
                partition: partition(),
                concurrently: false,
            },
        ),
        (
            "detach_partition.concurrently",
            O::DetachPartition {
                partition: partition(),
                concurrently: true,
            },
        ),
    ]
}

use lockgate::dsl::schema::{PartitionDef, PartitionKey, PartitionStrategy, PartitionValue};

fn partition() -> PartitionDef {
    PartitionDef::range("p", "t", [0], [10])
}

use lockgate::dsl::schema::Backfill;
use lockgate::dsl::schema::{
    CommentOn, FunctionDef, GrantDef, GrantObject, PolicyCommand, PolicyDef, Privilege, RowSecurity, SequenceDef,
    TriggerDef, TriggerEvent,
};

fn policy() -> PolicyDef {
    PolicyDef::new("t", "p").to(["app"]).using("tenant = 1")
}

fn function() -> FunctionDef {
    FunctionDef::new("f")
        .returns("integer")
        .language("sql")
        .body("SELECT 1")
}

fn trigger() -> TriggerDef {
    TriggerDef::new("t", "tr", "f")
}

fn grant() -> GrantDef {
    GrantDef::on_table("t", [Privilege::Select]).to(["app"])
}

fn archive_column(table: &str, column: &str, key: &str, restore: bool) -> lockgate::dsl::operation::Operation {
    lockgate::dsl::operation::Operation::ArchiveColumn {
        table: table.into(),
        column: lockgate::dsl::schema::ColumnDef::new::<i64>(column),
        key: vec![key.into()],
        restore,
    }
}

use lockgate::dsl::schema::Expansion;

fn expansion() -> Expansion {
    Expansion::rename::<i64>("t", "id", ColumnDef::new::<i64>("a"), "b")
}

fn expand(expansion: Expansion, reverse: bool) -> lockgate::dsl::operation::Operation {
    lockgate::dsl::operation::Operation::ExpandColumn {
        expansion: Box::new(expansion),
        reverse,
    }
}

fn fill() -> Backfill {
    Backfill::keyed::<i64>("t", "id").set("n", "1")
}

fn backfill(fill: Backfill, undo: Option<Backfill>) -> lockgate::dsl::operation::Operation {
    lockgate::dsl::operation::Operation::Backfill {
        fill: Box::new(fill),
        undo: Box::new(undo.map_or(lockgate::dsl::schema::Undo::Nothing, lockgate::dsl::schema::Undo::Fill)),
    }
}
