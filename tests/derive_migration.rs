//! `#[derive(Migration)]` at run time: metadata from attributes and docs, the three ways to plan, and the list.

use lockgate::dsl::risk::RiskCategory;
use lockgate::dsl::{DownError, TransactionMode};
use lockgate::prelude::*;

/// Create the dedicated contract template tables.
///
/// More text that is not part of the name.
#[derive(Migration)]
#[migration(version = 20250107162000)]
struct CreateContractTemplates;

impl Change for CreateContractTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table("contract_templates", |t| {
            t.column::<Uuid>("template_id").primary_key();
            t.column::<String>("template_name");
        });
        m.add_column::<Option<Json>>("contract_templates", "template_metadata");
    }
}

#[derive(Migration)]
#[migration(version = 20250108090000, name = "drop legacy flags")]
#[migration(allow(
    destructive = "the flags were copied in 20250107162000",
    incompatible = "no reader left"
))]
struct DropLegacyFlags;

impl Change for DropLegacyFlags {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_column("contracts", ColumnDef::new::<Option<bool>>("is_template"));
        m.rename_column("contracts", "title", "contract_title");
    }
}

#[derive(Migration)]
#[migration(version = 20250109090000, transaction = false)]
struct IndexTenant;

impl Up for IndexTenant {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.create_index(IndexDef::new("contracts", ["tenant"]).concurrently());
    }
}

impl Down for IndexTenant {
    fn down(&self, m: &mut Plan<Self, Backward>) {
        m.drop_index(IndexDef::new("contracts", ["tenant"]).concurrently());
    }
}

#[derive(Migration)]
#[migration(version = 20250110090000, irreversible = "old precision cannot be recovered")]
struct RoundPrices;

impl Up for RoundPrices {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.sql_irreversible("UPDATE prices SET amount = round(amount, 2) WHERE amount <> round(amount, 2)");
    }
}

#[derive(Migration, Default)]
#[migration(version = 20250111090000)]
struct WithFields {
    table: &'static str,
}

impl Change for WithFields {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table(if self.table.is_empty() { "fallback" } else { self.table }, |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

/// Create the mood enum, which only PostgreSQL has.
///
/// Its generated plan test checks PostgreSQL alone: without `backends`, the enum would fail the MySQL and SQLite
/// checks (`enum-postgres-only`) in a build with every backend on, as this one is.
#[derive(Migration)]
#[migration(version = 20250112090000, backends = "postgres")]
struct CreateMood;

impl Change for CreateMood {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood", ["ok", "sad"]);
    }
}

#[derive(Migration)]
#[migration(version = 20250113090000, backends = "sqlite, mysql")]
struct TouchFile;

impl Change for TouchFile {
    fn change(&self, m: &mut Plan<Self>) {
        m.sql("CREATE TABLE touched (id integer)", "DROP TABLE touched");
    }
}

/// Without `backends`, a PostgreSQL enum passes its generated plan test in a PostgreSQL-only build: the MySQL and
/// SQLite rules are not compiled in. (CI runs this file on each single-backend build.)
#[cfg(all(feature = "postgres", not(feature = "mysql"), not(feature = "sqlite")))]
#[derive(Migration)]
#[migration(version = 20250114090000)]
struct CreateMoodInAPostgresBuild;

#[cfg(all(feature = "postgres", not(feature = "mysql"), not(feature = "sqlite")))]
impl Change for CreateMoodInAPostgresBuild {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_enum("mood_everywhere", ["ok", "sad"]);
    }
}

/// Children before parents, with foreign keys off, and a PostgreSQL setting for its own backend.
#[derive(Migration)]
#[migration(
    version = 20250114100000,
    foreign_keys = false,
    session(mysql = "sql_mode = 'ANSI_QUOTES'", postgres = "statement_timeout = '5min'"),
    allow_in(
        production = "the load runs in the maintenance window",
        staging = "staging copies production"
    )
)]
struct LoadChildrenFirst;

impl Change for LoadChildrenFirst {
    fn change(&self, m: &mut Plan<Self>) {
        m.sql(
            "INSERT INTO load_marks (id) VALUES (1)",
            "DELETE FROM load_marks WHERE id = 1",
        );
    }
}

#[test]
fn session_settings_are_declared_in_the_attribute() {
    use lockgate::dsl::Backend;
    use lockgate::dsl::session::SessionSetting;
    assert_eq!(
        LoadChildrenFirst.session(),
        [
            SessionSetting::ForeignKeysOff,
            SessionSetting::set(Backend::MySql, "sql_mode", "'ANSI_QUOTES'"),
            SessionSetting::set(Backend::Postgres, "statement_timeout", "'5min'"),
        ]
    );
    assert!(CreateContractTemplates.session().is_empty());
    assert_eq!(
        LoadChildrenFirst.allowed_in(),
        [
            ("production", "the load runs in the maintenance window"),
            ("staging", "staging copies production")
        ]
    );
    assert!(CreateContractTemplates.allowed_in().is_empty());
    // They are part of the checksum; a migration without them keeps the checksum it always had.
    assert!(lockgate::dsl::checksum::canonical(&LoadChildrenFirst).contains(r#""session":["foreign_keys_off""#));
    assert!(!lockgate::dsl::checksum::canonical(&CreateContractTemplates).contains("session"));
}

#[test]
fn a_backend_left_out_is_not_checked() {
    let backends = lockgate::dsl::check::enabled_backends();
    assert_eq!(
        backends.contains(&lockgate::dsl::Backend::Postgres),
        cfg!(feature = "postgres")
    );
    assert_eq!(
        backends.contains(&lockgate::dsl::Backend::MySql),
        cfg!(feature = "mysql")
    );
    assert_eq!(
        backends.contains(&lockgate::dsl::Backend::Sqlite),
        cfg!(feature = "sqlite")
    );
}

#[test]
fn backends_name_what_a_migration_is_for() {
    use lockgate::dsl::Backend;
    assert_eq!(CreateMood.meta().backends, Some(&[Backend::Postgres][..]));
    assert_eq!(TouchFile.meta().backends, Some(&[Backend::Sqlite, Backend::MySql][..]));
    assert_eq!(CreateContractTemplates.meta().backends, None);
    assert!(CreateMood.meta().targets(Backend::Postgres));
    assert!(!CreateMood.meta().targets(Backend::Sqlite));
    // The check the generated test runs passes, though the enum cannot render for MySQL or SQLite.
    lockgate::dsl::check::check_migration(&CreateMood).unwrap();
    let script =
        lockgate::dsl::render::script(&CreateMood, Backend::Sqlite, lockgate::dsl::render::Direction::Up).unwrap();
    assert!(
        script.contains("-- not for sqlite: recorded as skipped, nothing runs"),
        "{script}"
    );
}

#[test]
fn name_is_the_first_doc_line_and_meta_has_the_attributes() {
    let meta = CreateContractTemplates.meta();
    assert_eq!(meta.version, 20250107162000);
    assert_eq!(meta.name, "Create the dedicated contract template tables.");
    assert_eq!(meta.type_name, "CreateContractTemplates");
    assert_eq!(meta.transaction, TransactionMode::PerMigration);
    assert!(meta.is_reversible());
    assert!(RiskCategory::ALL.iter().all(|c| !meta.allow.allows(*c)));
}

#[test]
fn name_attribute_and_allowances_from_several_attributes() {
    let meta = DropLegacyFlags.meta();
    assert_eq!(meta.name, "drop legacy flags");
    assert_eq!(meta.allow.destructive, Some("the flags were copied in 20250107162000"));
    assert_eq!(meta.allow.incompatible, Some("no reader left"));
    assert_eq!(meta.allow.blocking, None);
    assert_eq!(meta.allow.data_dependent, None);
}

#[test]
fn name_defaults_to_the_type_name() {
    assert_eq!(IndexTenant.meta().name, "IndexTenant");
    assert_eq!(IndexTenant.meta().transaction, TransactionMode::None);
}

#[test]
fn change_derives_down_as_the_inverse_in_reverse_order() {
    let up: Vec<_> = CreateContractTemplates
        .up_operations()
        .into_iter()
        .map(|p| p.op.kind())
        .collect();
    assert_eq!(up, ["create_table", "add_column"]);
    let down: Vec<_> = CreateContractTemplates
        .down_operations()
        .unwrap()
        .into_iter()
        .map(|p| p.op.describe())
        .collect();
    assert_eq!(
        down,
        [
            "drop_column `contract_templates`.`template_metadata`",
            "drop_table `contract_templates`"
        ]
    );
}

// `Up::up` plans and `Migration::up_operations` returns the plan: distinct names, so a type that
// implements both calls either without naming the trait.
#[test]
fn up_and_down_are_hand_written() {
    assert_eq!(IndexTenant.up_operations()[0].op.kind(), "create_index");
    assert_eq!(IndexTenant.down_operations().unwrap()[0].op.kind(), "drop_index");
}

#[test]
fn irreversible_down_is_declared() {
    assert_eq!(RoundPrices.up_operations()[0].op.kind(), "raw_sql");
    assert_eq!(
        RoundPrices.down_operations(),
        Err(DownError::Declared {
            reason: "old precision cannot be recovered"
        })
    );
    assert_eq!(
        RoundPrices.meta().irreversible,
        Some("old precision cannot be recovered")
    );
}

#[test]
fn plan_locations_point_at_the_migration_source() {
    let up = CreateContractTemplates.up_operations();
    assert!(
        up[0].location.starts_with("tests/derive_migration.rs:"),
        "{}",
        up[0].location
    );
}

#[test]
fn the_list_is_boxed_in_order_and_builds_types_with_fields_by_default() {
    let all = lockgate::migrations![
        CreateContractTemplates,
        DropLegacyFlags,
        IndexTenant,
        RoundPrices,
        WithFields,
    ];
    let versions: Vec<i64> = all.iter().map(|m| m.meta().version).collect();
    assert_eq!(
        versions,
        [
            20250107162000,
            20250108090000,
            20250109090000,
            20250110090000,
            20250111090000
        ]
    );
    assert_eq!(all[4].up_operations()[0].op.describe(), "create_table `fallback`");
    let empty = lockgate::migrations![];
    assert!(empty.is_empty());
}

// The generated `#[test]` of a migration declared inside a function cannot be named, so the harness
// skips it and rustc warns; migrations belong at module level.
#[allow(unnameable_test_items)]
#[test]
fn a_migration_declared_inside_a_function_still_works() {
    #[derive(Migration)]
    #[migration(version = 7)]
    struct Local;
    impl Change for Local {
        fn change(&self, m: &mut Plan<Self>) {
            m.create_extension("citext");
        }
    }
    assert_eq!(Local.meta().version, 7);
}
