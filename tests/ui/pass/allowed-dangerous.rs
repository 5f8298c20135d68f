//! Every risky operation compiles once the migration allows its category with a reason.

use lockgate::prelude::*;

/// Retire the legacy contract columns.
#[derive(Migration)]
#[migration(
    version = 20250114100100,
    allow(
        destructive = "the columns were copied to contract_templates in 20250107162000",
        blocking = "contracts has 2,000 rows; the lock lasts milliseconds",
        incompatible = "release 4.12 stopped reading these columns",
        data_dependent = "20250113 asserted no NULL template_id remains",
    )
)]
struct RetireLegacyColumns;

impl Change for RetireLegacyColumns {
    fn change(&self, m: &mut Plan<Self>) {
        m.drop_column("contracts", ColumnDef::new::<Option<bool>>("is_template"));
        m.drop_table("legacy_templates", |t| {
            t.column::<i64>("id").primary_key();
        });
        m.drop_enum("legacy_status", ["draft", "active"]);
        m.change_column_type::<i32, i64>("lines", "quantity").keep_default(0);
        m.set_not_null::<Uuid>("lines", "template_id");
        m.drop_not_null::<String>("contracts", "legacy_code");
        m.rename_table("contract_template", "contract_templates");
        m.rename_column("contract_templates", "title", "template_name");
        m.drop_foreign_key(ForeignKeyDef::new("lines", ["contract_id"], "contracts", ["id"]));
        m.drop_check(CheckDef::new("prices", "prices_amount_positive", "amount >= 0"));
        m.drop_unique(UniqueDef::new("users", ["email"]));
        m.drop_view("template_counts", "SELECT 1 AS n");
        m.replace_view("active_templates", "SELECT 1 AS n", "SELECT 2 AS n");
        m.add_column::<Uuid>("contracts", "tenant");
    }
}

/// Gates apply to `Up` plans too, and the same allowances open them.
#[derive(Migration)]
#[migration(version = 20250114100200, irreversible = "the archive is the copy", allow(destructive = "archived"))]
struct DropArchivedRows;

impl Up for DropArchivedRows {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.sql_irreversible("DELETE FROM contracts WHERE archived");
        m.drop_table("contract_archive", |t| {
            t.column::<i64>("id").primary_key();
        });
    }
}

fn main() {
    let migration: &dyn Migration = &RetireLegacyColumns;
    assert_eq!(migration.up_operations().len(), 14);
    assert_eq!(migration.down_operations().map(|down| down.len()), Ok(14));
    let archived: &dyn Migration = &DropArchivedRows;
    assert_eq!(archived.meta().allow.destructive, Some("archived"));
}
