//! Step 3: the dedicated template tables, with their foreign keys added `NOT VALID`.

use lockgate::prelude::*;

/// Create the dedicated contract template tables.
///
/// The tables are new, so their indexes need no `CONCURRENTLY`. The foreign keys between them are
/// added `NOT VALID` (PostgreSQL) so adding them takes no long lock; a later migration validates
/// them once the backfill is checked. MySQL checks a key as it adds it, and SQLite rebuilds the
/// table to add one: cheap here, as the tables are still empty.
#[derive(Migration)]
#[migration(version = 20250107162000)]
pub(crate) struct CreateContractTemplates;

impl Change for CreateContractTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table("contract_templates", |t| {
            t.column::<Uuid>("template_id").primary_key();
            t.column::<Uuid>("tenant");
            t.column::<Varchar<200>>("template_name");
            t.column::<Option<Json>>("template_metadata");
            t.column::<Timestamptz>("created_at").default_now();
            t.index(["tenant", "template_name"]);
        });
        m.create_table("contract_template_lines", |t| {
            t.column::<Uuid>("line_id").primary_key();
            t.column::<Uuid>("template_id");
            t.column::<i32>("line_no");
            t.column::<Varchar<200>>("description");
            t.column::<i32>("quantity").default(1);
            t.column::<Option<Json>>("template_metadata");
            t.index(["template_id", "line_no"]).unique();
        });
        m.create_table("contract_template_line_services", |t| {
            t.column::<Uuid>("service_id").primary_key();
            t.column::<Uuid>("line_id");
            t.column::<Varchar<64>>("service_code");
            t.index(["line_id"]);
        });
        m.create_table("pricing_schedules", |t| {
            t.column::<Uuid>("schedule_id").primary_key();
            t.column::<Uuid>("line_id");
            t.column::<Decimal<12, 2>>("unit_price");
            t.column::<Varchar<3>>("currency");
            t.column::<Varchar<16>>("billing_period");
            t.index(["line_id"]);
        });
        m.add_foreign_key(
            "contract_template_lines",
            ["template_id"],
            "contract_templates",
            ["template_id"],
        )
        .not_valid();
        m.add_foreign_key(
            "contract_template_line_services",
            ["line_id"],
            "contract_template_lines",
            ["line_id"],
        )
        .not_valid();
        m.add_foreign_key("pricing_schedules", ["line_id"], "contract_template_lines", ["line_id"])
            .not_valid();
    }
}
