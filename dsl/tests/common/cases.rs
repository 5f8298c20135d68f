//! The operations every rendering test exercises, each with the schema it needs first.
// Each test binary uses a different part of these fixtures.
#![allow(dead_code)]

use lockgate_dsl::operation::Operation;
use lockgate_dsl::schema::{
    Backfill, CheckDef, ColumnDef, CommentOn, EnumDef, Expansion, ForeignKeyDef, FunctionDef, GrantDef, IndexDef,
    Parity, PolicyCommand, PolicyDef, Privilege, ReferentialAction, RowSecurity, SequenceDef, TableDef, TriggerDef,
    TriggerEvent, Undo, UniqueDef, ViewDef,
};
use lockgate_dsl::types::{
    Array, Blob, Char, Citext, ColumnType, Date, Decimal, Inet, Interval, Json, JsonText, Time, Timestamp, Timestamptz,
    Uuid, Varchar,
};
use lockgate_dsl::{Backend, SqlExpr};

#[path = "partitions.rs"]
mod partitions;

/// One operation to render and run.
pub(crate) struct Case {
    /// Snapshot and report name.
    pub(crate) name: &'static str,
    /// Operations that build the schema the operation needs.
    pub(crate) setup: Vec<Operation>,
    /// Rows inserted after the setup (plain SQL every backend accepts).
    pub(crate) seed: Vec<&'static str>,
    /// The operation under test.
    pub(crate) op: Operation,
    /// Backends that must refuse the operation with a render error.
    pub(crate) unsupported_on: &'static [Backend],
}

impl Case {
    fn new(name: &'static str, setup: Vec<Operation>, op: Operation) -> Self {
        Case {
            name,
            setup,
            seed: Vec::new(),
            op,
            unsupported_on: &[],
        }
    }

    fn seed(mut self, rows: &[&'static str]) -> Self {
        self.seed = rows.to_vec();
        self
    }

    fn unsupported_on(mut self, backends: &'static [Backend]) -> Self {
        self.unsupported_on = backends;
        self
    }
}

/// `tenants (id, name)`.
pub(crate) fn tenants() -> TableDef {
    TableDef::build("tenants", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<Varchar<100>>("name");
    })
}

/// `contracts`, with an index and a check; foreign keys are added by the cases that want one.
pub(crate) fn contracts() -> TableDef {
    TableDef::build("contracts", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<i64>("tenant_id");
        t.column::<Varchar<200>>("title");
        t.column::<Option<Decimal<12, 2>>>("amount");
        t.column::<Varchar<20>>("state").default("draft");
        t.column::<Option<String>>("note");
        t.column::<Timestamptz>("created_at").default_now();
        t.index(["tenant_id"]);
        t.check("contracts_amount_positive", "amount >= 0");
    })
}

fn base() -> Vec<Operation> {
    vec![Operation::CreateTable(tenants()), Operation::CreateTable(contracts())]
}

/// `contracts.title` renamed to `name` by expand/contract.
fn title_to_name() -> Expansion {
    Expansion::rename::<i64>("contracts", "id", column::<Varchar<200>>("title"), "name")
}

/// The base schema with a nullable text column added to `contracts`, for a backfill to fill.
fn with_column(name: &str) -> Vec<Operation> {
    let mut ops = base();
    ops.push(Operation::AddColumn {
        table: "contracts".into(),
        column: column::<Option<Varchar<200>>>(name),
    });
    ops
}

/// Rows for `tenants` and `contracts`; every nullable column holds a value so NOT NULL changes apply.
pub(crate) const ROWS: &[&str] = &[
    "INSERT INTO tenants (id, name) VALUES (1, 'acme'), (2, 'globex')",
    "INSERT INTO contracts (id, tenant_id, title, amount, state, note) VALUES (1, 1, 'first', 10.50, 'draft', 'it''s')",
    "INSERT INTO contracts (id, tenant_id, title, amount, state, note) VALUES (2, 2, 'second', 0, 'active', 'plain')",
];

/// The tenant-isolation policy of the playbooks, for a role every PostgreSQL server has (roles are the server's,
/// not a database's, so the cases use a predefined one rather than create their own).
fn tenant_policy() -> PolicyDef {
    PolicyDef::new("contracts", "tenant_isolation")
        .to(["pg_monitor"])
        .using("tenant_id = current_setting('app.tenant_id')::bigint")
        .with_check("tenant_id = current_setting('app.tenant_id')::bigint")
}

/// A trigger function that fills `note` when a write leaves it empty.
fn fill_note() -> FunctionDef {
    FunctionDef::new("fill_note")
        .returns("trigger")
        .body("BEGIN NEW.note := coalesce(NEW.note, 'filled'); RETURN NEW; END")
}

/// `fill_note` before every insert, and before updates that change something.
fn fill_note_trigger() -> TriggerDef {
    TriggerDef::new("contracts", "contracts_fill_note", "fill_note").on([TriggerEvent::Insert, TriggerEvent::Update])
}

fn with_fill_note() -> Vec<Operation> {
    let mut ops = base();
    ops.push(Operation::CreateFunction(Box::new(fill_note())));
    ops
}

const TABLE_COMMENT: &str = "one row per signed contract";

/// The base schema with a comment on `contracts`.
/// `contracts` and `contract_audit (contract_id)`, which a MySQL or SQLite trigger fills.
fn with_audit_table() -> Vec<Operation> {
    let mut ops = base();
    ops.push(Operation::CreateTable(TableDef::build("contract_audit", |t| {
        t.column::<i64>("contract_id");
    })));
    ops
}

/// A trigger with its own statement, as MySQL and SQLite have them: every new contract leaves an audit row.
fn audit_trigger() -> TriggerDef {
    TriggerDef::with_body(
        "contracts",
        "contracts_audit_insert",
        "INSERT INTO contract_audit (contract_id) VALUES (NEW.id)",
    )
    .after()
}

fn with_table_comment() -> Vec<Operation> {
    let mut ops = base();
    ops.push(Operation::SetComment {
        on: CommentOn::table("contracts"),
        from: None,
        to: Some(TABLE_COMMENT.into()),
    });
    ops
}

/// Contracts per tenant, kept as rows.
fn tenant_totals() -> ViewDef {
    ViewDef::new(
        "tenant_totals",
        "SELECT tenant_id, count(*) AS contracts FROM contracts GROUP BY tenant_id",
    )
}

/// The base schema with `contracts` under row-level security and the tenant policy.
fn with_policy() -> Vec<Operation> {
    let mut ops = base();
    ops.push(Operation::AlterRowSecurity {
        table: "contracts".into(),
        from: RowSecurity::OFF,
        to: RowSecurity::ON,
    });
    ops.push(Operation::CreatePolicy(tenant_policy()));
    ops
}

fn column<T: lockgate_dsl::types::SqlType>(name: &str) -> ColumnDef {
    ColumnDef::new::<T>(name)
}

fn alter(from: ColumnDef, to: ColumnDef) -> Operation {
    Operation::AlterColumn {
        table: "contracts".into(),
        from,
        to,
    }
}

fn tenant_fk() -> ForeignKeyDef {
    ForeignKeyDef::new("contracts", ["tenant_id"], "tenants", ["id"])
        .on_delete(ReferentialAction::Cascade)
        .on_update(ReferentialAction::Restrict)
}

fn contracts_with_fk() -> TableDef {
    let mut t = contracts();
    t.foreign_keys.push(tenant_fk());
    t
}

fn contracts_with_unique() -> TableDef {
    let mut t = contracts();
    t.uniques.push(UniqueDef::new("contracts", ["tenant_id", "title"]));
    t
}

/// A table with every column type and every kind of default.
pub(crate) fn every_type() -> TableDef {
    TableDef::build("every_type", |t| {
        t.column::<i64>("id").primary_key();
        t.column::<bool>("flag").default(true);
        t.column::<i16>("small").default(-1);
        t.column::<Option<i32>>("int");
        t.column::<i64>("big").default(9_000_000_000i64);
        t.column::<Option<f32>>("real");
        t.column::<f64>("double").default(1.5);
        t.column::<String>("text")
            .default(r#"it's a "quote" \ and a backslash"#);
        t.column::<Varchar<40>>("varchar").default("");
        t.column::<Option<Vec<u8>>>("bytes");
        t.column::<Uuid>("uuid").default(SqlExpr::GenRandomUuid);
        t.column::<Option<Json>>("json");
        t.column::<Decimal<10, 2>>("decimal").default(0);
        t.column::<Date>("date").default(SqlExpr::CurrentDate);
        t.column::<Option<Time>>("time");
        t.column::<Option<Timestamp>>("timestamp");
        t.column::<Timestamptz>("timestamptz").default_now();
        t.column::<i64>("tenant_id");
        t.column::<Varchar<40>>("code").unique();
        t.check("every_type_small_range", "small BETWEEN -100 AND 100");
        t.foreign_key(["tenant_id"], "tenants", ["id"])
            .on_delete(ReferentialAction::Cascade)
            .on_update(ReferentialAction::NoAction);
        t.index(["tenant_id", "big"]);
    })
}

fn status() -> EnumDef {
    EnumDef::new("contract_status", ["draft", "active", "it's done"])
}

fn active_view() -> ViewDef {
    ViewDef::new(
        "active_contracts",
        "SELECT id, title FROM contracts WHERE state = 'active'",
    )
}

/// Every case, in a stable order.
pub(crate) fn all() -> Vec<Case> {
    use Backend::{MySql, Postgres, Sqlite};
    let bad_table = r#"a"; DROP TABLE x; --"#;
    let mut cases = vec![
        Case::new(
            "create_table_every_type",
            vec![Operation::CreateTable(tenants())],
            Operation::CreateTable(every_type()),
        ),
        Case::new(
            "create_table_sized_types",
            Vec::new(),
            Operation::CreateTable(TableDef::build("sized_types", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Char<2>>("country").default("NL");
                t.column::<Option<Blob<255>>>("thumbprint");
                t.column::<Option<Blob<65_535>>>("avatar");
                t.column::<Option<Blob<16_777_215>>>("photo");
                t.column::<Timestamp<3>>("seen_at").default_now();
                t.column::<Option<Timestamptz<0>>>("paid_at");
                t.column::<Option<JsonText>>("raw_payload");
            })),
        ),
        Case::new(
            "create_table_postgres_types",
            vec![Operation::CreateExtension { name: "citext".into() }],
            Operation::CreateTable(TableDef::build("hosts", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Inet>("address");
                t.column::<Citext>("hostname");
                t.column::<Option<Interval>>("lease");
                t.column::<Array<Varchar<20>>>("tags");
                t.column::<Option<Array<i32>>>("ports");
            })),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "assert_parity",
            base(),
            Operation::AssertParity {
                left: Parity::rows("contracts", "tenant_id").filter("title <> ''"),
                right: Parity::rows("tenants", "id"),
            },
        )
        .seed(ROWS),
        Case::new(
            "archive_column",
            base(),
            Operation::ArchiveColumn {
                table: "contracts".into(),
                column: column::<Varchar<200>>("title"),
                key: vec!["id".into()],
                restore: false,
            },
        )
        .seed(ROWS),
        Case::new(
            "archive_table",
            base(),
            Operation::ArchiveTable {
                table: contracts(),
                restore: false,
            },
        )
        .seed(ROWS),
        Case::new(
            "expand_column",
            base(),
            Operation::ExpandColumn {
                expansion: Box::new(title_to_name()),
                reverse: false,
            },
        )
        .seed(ROWS),
        Case::new(
            "contract_column",
            {
                let mut setup = base();
                setup.push(Operation::ExpandColumn {
                    expansion: Box::new(title_to_name()),
                    reverse: false,
                });
                setup
            },
            Operation::ContractColumn {
                expansion: Box::new(title_to_name()),
                reverse: false,
            },
        )
        .seed(ROWS),
        Case::new(
            "backfill",
            with_column("title_upper"),
            Operation::Backfill {
                fill: Box::new(
                    Backfill::keyed::<i64>("contracts", "id")
                        .set("title_upper", "upper(title)")
                        .batch_size(1),
                ),
                undo: Box::new(Undo::Fill(
                    Backfill::keyed::<i64>("contracts", "id")
                        .set("title_upper", "NULL")
                        .pending("title_upper IS NOT NULL"),
                )),
            },
        )
        .seed(ROWS),
        Case::new(
            "backfill_key_range",
            with_column("reviewed"),
            Operation::Backfill {
                fill: Box::new(
                    Backfill::keyed::<i64>("contracts", "id")
                        .set("reviewed", "CASE WHEN state = 'active' THEN 'yes' ELSE 'no' END")
                        .pending("reviewed IS NULL")
                        .by_key_range()
                        .batch_size(500)
                        .pause(std::time::Duration::from_millis(10)),
                ),
                undo: Box::new(Undo::Fill(
                    Backfill::keyed::<i64>("contracts", "id")
                        .set("reviewed", "NULL")
                        .pending("reviewed IS NOT NULL")
                        .by_key_range(),
                )),
            },
        )
        .seed(ROWS),
        Case::new(
            "backfill_copy",
            {
                let mut setup = base();
                setup.push(Operation::CreateTable(TableDef::build("contract_copies", |t| {
                    t.column::<i64>("id").primary_key();
                    t.column::<Varchar<200>>("title");
                })));
                setup
            },
            Operation::Backfill {
                fill: Box::new(
                    Backfill::keyed::<i64>("contracts", "id")
                        .into_table("contract_copies")
                        .set("id", "id")
                        .set("title", "title")
                        .pending("NOT EXISTS (SELECT 1 FROM contract_copies c WHERE c.id = contracts.id)"),
                ),
                undo: Box::new(Undo::Sql("DELETE FROM contract_copies".into())),
            },
        )
        .seed(ROWS),
        Case::new(
            "create_table_enum_column",
            vec![Operation::CreateEnum(status())],
            Operation::CreateTable(TableDef::build("labels", |t| {
                t.column::<i64>("id").primary_key();
                t.column_def(
                    ColumnDef::of_type("status", ColumnType::Enum("contract_status".into()), false).default("draft"),
                );
            })),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new("drop_table", base(), Operation::DropTable(contracts())),
        Case::new(
            "rename_table",
            base(),
            Operation::RenameTable {
                from: "contracts".into(),
                to: "agreements".into(),
            },
        )
        .seed(ROWS),
        Case::new(
            "add_column_nullable",
            base(),
            Operation::AddColumn {
                table: "contracts".into(),
                column: column::<Option<Json>>("metadata"),
            },
        )
        .seed(ROWS),
        Case::new(
            "add_column_with_default",
            base(),
            Operation::AddColumn {
                table: "contracts".into(),
                column: column::<i32>("priority").default(0),
            },
        )
        .seed(ROWS),
        Case::new(
            "add_column_default_now",
            base(),
            Operation::AddColumn {
                table: "contracts".into(),
                column: column::<Timestamptz>("updated_at").default(SqlExpr::Now),
            },
        )
        .seed(ROWS),
        Case::new(
            "drop_column",
            base(),
            Operation::DropColumn {
                table: "contracts".into(),
                column: column::<Option<String>>("note"),
            },
        )
        .seed(ROWS),
        Case::new(
            "rename_column",
            base(),
            Operation::RenameColumn {
                table: "contracts".into(),
                from: "title".into(),
                to: "headline".into(),
            },
        )
        .seed(ROWS),
        Case::new(
            "alter_column_type",
            base(),
            alter(column::<Varchar<200>>("title"), column::<String>("title")),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_type_keeps_default",
            base(),
            alter(
                column::<Varchar<20>>("state").default("draft"),
                column::<Varchar<40>>("state").default("draft"),
            ),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_text_to_enum",
            vec![
                Operation::CreateEnum(EnumDef::new("contract_state", ["draft", "active"])),
                Operation::CreateTable(tenants()),
                Operation::CreateTable(contracts()),
            ],
            alter(
                column::<Varchar<20>>("state").default("draft"),
                ColumnDef::of_type("state", ColumnType::Enum("contract_state".into()), false).default("draft"),
            ),
        )
        .seed(ROWS)
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "alter_column_set_not_null",
            base(),
            alter(column::<Option<String>>("note"), column::<String>("note")),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_drop_not_null",
            base(),
            alter(column::<Varchar<200>>("title"), column::<Option<Varchar<200>>>("title")),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_set_default",
            base(),
            alter(
                column::<Option<String>>("note"),
                column::<Option<String>>("note").default("n/a"),
            ),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_drop_default",
            base(),
            alter(
                column::<Varchar<20>>("state").default("draft"),
                column::<Varchar<20>>("state"),
            ),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_type_null_and_default",
            base(),
            alter(
                column::<Option<Decimal<12, 2>>>("amount"),
                column::<Decimal<14, 2>>("amount").default(0),
            ),
        )
        .seed(ROWS),
        Case::new(
            "alter_column_under_a_view",
            {
                let mut ops = base();
                ops.push(Operation::CreateView(active_view()));
                ops
            },
            alter(column::<Option<String>>("note"), column::<String>("note")),
        )
        .seed(ROWS),
        Case::new(
            "create_index",
            base(),
            Operation::CreateIndex(IndexDef::new("contracts", ["state"])),
        )
        .seed(ROWS),
        Case::new(
            "create_unique_index",
            base(),
            Operation::CreateIndex(IndexDef::new("contracts", ["tenant_id", "title"]).unique()),
        )
        .seed(ROWS),
        Case::new(
            "create_partial_index",
            base(),
            Operation::CreateIndex(
                IndexDef::new("contracts", ["state"])
                    .named("contracts_open_state_idx")
                    .predicate("amount > 0"),
            ),
        )
        .unsupported_on(&[MySql]),
        Case::new(
            "create_index_concurrently",
            base(),
            Operation::CreateIndex(IndexDef::new("contracts", ["created_at"]).concurrently()),
        )
        .seed(ROWS),
        Case::new(
            "drop_index",
            base(),
            Operation::DropIndex(IndexDef::new("contracts", ["tenant_id"])),
        ),
        Case::new("add_foreign_key", base(), Operation::AddForeignKey(tenant_fk())).seed(ROWS),
        Case::new(
            "add_foreign_key_not_valid",
            base(),
            Operation::AddForeignKey(tenant_fk().named("contracts_tenant_fk").not_valid()),
        )
        .seed(ROWS),
        Case::new(
            "drop_foreign_key",
            vec![
                Operation::CreateTable(tenants()),
                Operation::CreateTable(contracts_with_fk()),
            ],
            Operation::DropForeignKey(tenant_fk()),
        )
        .seed(ROWS),
        Case::new(
            "validate_constraint",
            {
                let mut ops = base();
                ops.push(Operation::AddForeignKey(tenant_fk().not_valid()));
                ops
            },
            Operation::ValidateConstraint {
                table: "contracts".into(),
                name: "contracts_tenant_id_fkey".into(),
            },
        )
        .seed(ROWS),
        Case::new(
            "add_check",
            base(),
            Operation::AddCheck(CheckDef::new("contracts", "contracts_title_present", "title <> ''")),
        )
        .seed(ROWS),
        Case::new(
            "add_check_not_valid",
            base(),
            Operation::AddCheck(
                CheckDef::new("contracts", "contracts_state_known", "state IN ('draft', 'active')").not_valid(),
            ),
        )
        .seed(ROWS),
        Case::new(
            "drop_check",
            base(),
            Operation::DropCheck(CheckDef::new("contracts", "contracts_amount_positive", "amount >= 0")),
        )
        .seed(ROWS),
        Case::new(
            "add_unique",
            base(),
            Operation::AddUnique(UniqueDef::new("contracts", ["tenant_id", "title"])),
        )
        .seed(ROWS),
        Case::new(
            "add_unique_using_index",
            {
                let mut ops = base();
                ops.push(Operation::CreateIndex(
                    IndexDef::new("contracts", ["title"])
                        .unique()
                        .named("contracts_title_idx"),
                ));
                ops
            },
            Operation::AddUnique(UniqueDef::new("contracts", ["title"]).using_index("contracts_title_idx")),
        )
        .seed(ROWS),
        Case::new(
            "drop_unique",
            vec![
                Operation::CreateTable(tenants()),
                Operation::CreateTable(contracts_with_unique()),
            ],
            Operation::DropUnique(UniqueDef::new("contracts", ["tenant_id", "title"])),
        )
        .seed(ROWS),
        Case::new("create_view", base(), Operation::CreateView(active_view())),
        Case::new(
            "replace_view",
            {
                let mut ops = base();
                ops.push(Operation::CreateView(active_view()));
                ops
            },
            Operation::ReplaceView {
                from: active_view(),
                to: ViewDef::new(
                    "active_contracts",
                    "SELECT id, title, state FROM contracts WHERE state <> 'draft'",
                ),
            },
        ),
        Case::new(
            "drop_view",
            {
                let mut ops = base();
                ops.push(Operation::CreateView(active_view()));
                ops
            },
            Operation::DropView(active_view()),
        ),
        Case::new("create_enum", Vec::new(), Operation::CreateEnum(status())).unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "add_enum_value",
            vec![Operation::CreateEnum(status())],
            Operation::AddEnumValue {
                name: "contract_status".into(),
                value: "archived".into(),
                before: Some("it's done".into()),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_enum",
            vec![Operation::CreateEnum(status())],
            Operation::DropEnum(status()),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_extension",
            Vec::new(),
            Operation::CreateExtension { name: "citext".into() },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_extension",
            vec![Operation::CreateExtension { name: "citext".into() }],
            Operation::DropExtension { name: "citext".into() },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "raw_sql",
            Vec::new(),
            Operation::RawSql {
                up: "CREATE TABLE raw_made (id integer)".into(),
                down: Some("DROP TABLE raw_made".into()),
            },
        ),
        Case::new(
            "assert",
            base(),
            Operation::Assert {
                query: "SELECT COUNT(*) = 2 FROM contracts".into(),
                message: "both seeded contracts are there".into(),
            },
        )
        .seed(ROWS),
        Case::new(
            "alter_row_security",
            base(),
            Operation::AlterRowSecurity {
                table: "contracts".into(),
                from: RowSecurity::OFF,
                to: RowSecurity::FORCED,
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new("create_policy", base(), Operation::CreatePolicy(tenant_policy())).unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_policy_restrictive",
            with_policy(),
            Operation::CreatePolicy(
                PolicyDef::new("contracts", "hide_archived")
                    .restrictive()
                    .command(PolicyCommand::Select)
                    .using("state <> 'archived'"),
            ),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new("drop_policy", with_policy(), Operation::DropPolicy(tenant_policy()))
            .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "alter_policy",
            with_policy(),
            Operation::AlterPolicy {
                from: Box::new(tenant_policy()),
                to: Box::new(
                    PolicyDef::new("contracts", "tenant_scope")
                        .to(["pg_monitor", "pg_read_all_stats"])
                        .using("tenant_id = current_setting('app.tenant_id', true)::bigint")
                        .with_check("tenant_id = current_setting('app.tenant_id', true)::bigint"),
                ),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_table_generated",
            Vec::new(),
            Operation::CreateTable(TableDef::build("lines", |t| {
                t.column::<i64>("id").primary_key();
                t.column::<i64>("net_cents");
                t.column::<i64>("tax_cents");
                t.column::<Option<i64>>("total_cents")
                    .generated("net_cents + tax_cents");
            })),
        ),
        Case::new(
            "add_generated_column",
            base(),
            Operation::AddColumn {
                table: "contracts".into(),
                column: column::<Option<i32>>("title_length").generated("length(title)"),
            },
        )
        .seed(ROWS),
        Case::new(
            "create_materialized_view",
            base(),
            Operation::CreateMaterializedView(tenant_totals()),
        )
        .seed(ROWS)
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_materialized_view",
            {
                let mut ops = base();
                ops.push(Operation::CreateMaterializedView(tenant_totals()));
                ops
            },
            Operation::DropMaterializedView(tenant_totals()),
        )
        .seed(ROWS)
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "refresh_materialized_view",
            {
                let mut ops = base();
                ops.push(Operation::CreateMaterializedView(tenant_totals()));
                ops.push(Operation::CreateIndex(
                    IndexDef::new("tenant_totals", ["tenant_id"]).unique(),
                ));
                ops
            },
            Operation::RefreshMaterializedView {
                name: "tenant_totals".into(),
                concurrently: true,
            },
        )
        .seed(ROWS)
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_function",
            base(),
            Operation::CreateFunction(Box::new(
                FunctionDef::new("contract_count")
                    .arguments("tenant bigint")
                    .returns("bigint")
                    .language("sql")
                    .body("SELECT count(*) FROM contracts WHERE tenant_id = tenant"),
            )),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_function",
            with_fill_note(),
            Operation::DropFunction(Box::new(fill_note())),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "replace_function",
            with_fill_note(),
            Operation::ReplaceFunction {
                from: Box::new(fill_note()),
                to: Box::new(fill_note().body("BEGIN NEW.note := coalesce(NEW.note, 'filled in'); RETURN NEW; END")),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_trigger",
            with_fill_note(),
            Operation::CreateTrigger(Box::new(fill_note_trigger())),
        )
        .seed(ROWS)
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_trigger_when",
            with_fill_note(),
            Operation::CreateTrigger(Box::new(
                TriggerDef::new("contracts", "contracts_refill", "fill_note")
                    .on([TriggerEvent::Update])
                    .when("OLD.* IS DISTINCT FROM NEW.*"),
            )),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_trigger",
            {
                let mut ops = with_fill_note();
                ops.push(Operation::CreateTrigger(Box::new(fill_note_trigger())));
                ops
            },
            Operation::DropTrigger(Box::new(fill_note_trigger())),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_schema",
            Vec::new(),
            Operation::CreateSchema {
                name: "reporting".into(),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_schema",
            vec![Operation::CreateSchema {
                name: "reporting".into(),
            }],
            Operation::DropSchema {
                name: "reporting".into(),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_sequence",
            Vec::new(),
            Operation::CreateSequence(SequenceDef::new("invoice_numbers").start(1000).increment(10)),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "drop_sequence",
            vec![Operation::CreateSequence(
                SequenceDef::new("invoice_numbers").start(1000),
            )],
            Operation::DropSequence(SequenceDef::new("invoice_numbers").start(1000)),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "set_comment",
            with_table_comment(),
            Operation::SetComment {
                on: CommentOn::column("contracts", "amount"),
                from: None,
                to: Some("in euros, tax included; it's never negative".into()),
            },
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "set_comment_removed",
            with_table_comment(),
            Operation::SetComment {
                on: CommentOn::table("contracts"),
                from: Some(TABLE_COMMENT.into()),
                to: None,
            },
        )
        .unsupported_on(&[Sqlite]),
        Case::new(
            "grant",
            base(),
            Operation::Grant(
                GrantDef::on_table("contracts", [Privilege::Select, Privilege::Insert, Privilege::Update])
                    .to(["pg_monitor"]),
            ),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "grant_on_schema",
            Vec::new(),
            Operation::Grant(GrantDef::on_schema("public", [Privilege::Create]).to(["pg_monitor", "public"])),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "revoke",
            {
                let mut ops = base();
                ops.push(Operation::Grant(
                    GrantDef::on_table("contracts", [Privilege::Select, Privilege::Update]).to(["pg_monitor"]),
                ));
                ops
            },
            Operation::Revoke(GrantDef::on_table("contracts", [Privilege::Update]).to(["pg_monitor"])),
        )
        .unsupported_on(&[MySql, Sqlite]),
        Case::new(
            "create_trigger_with_body",
            with_audit_table(),
            Operation::CreateTrigger(Box::new(audit_trigger())),
        )
        .unsupported_on(&[Postgres]),
        Case::new(
            "drop_trigger_with_body",
            {
                let mut ops = with_audit_table();
                ops.push(Operation::CreateTrigger(Box::new(audit_trigger())));
                ops
            },
            Operation::DropTrigger(Box::new(audit_trigger())),
        )
        .unsupported_on(&[Postgres]),
        Case::new(
            "hostile_names",
            Vec::new(),
            Operation::CreateTable(TableDef::build(bad_table, |t| {
                t.column::<i64>("id").primary_key();
                t.column::<Varchar<40>>("we`ird\"col").unique();
                t.index(["we`ird\"col", "id"]).named("hostile\"`idx");
            })),
        ),
    ];
    cases.extend(partitions::cases());
    cases
}
