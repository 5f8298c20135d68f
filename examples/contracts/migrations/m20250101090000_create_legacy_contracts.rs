//! Step 1: the legacy schema, where template rows live among real contracts behind `is_template`.

use lockgate::prelude::*;

/// Create the legacy contracts tables.
///
/// Templates are stored as ordinary `contracts` / `contract_lines` rows flagged by `is_template`,
/// with their extra settings in `template_metadata`: the shape this cutover removes.
#[derive(Migration)]
#[migration(version = 20250101090000)]
pub(crate) struct CreateLegacyContracts;

impl Change for CreateLegacyContracts {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table("contracts", |t| {
            t.column::<Uuid>("id").primary_key();
            t.column::<Uuid>("tenant");
            t.column::<Varchar<200>>("name");
            t.column::<bool>("is_template").default(false);
            t.column::<Option<Json>>("template_metadata");
            t.column::<Timestamptz>("created_at").default_now();
            t.index(["tenant"]);
        });
        m.create_table("contract_lines", |t| {
            t.column::<Uuid>("id").primary_key();
            t.column::<Uuid>("contract_id").references("contracts", "id");
            t.column::<i32>("line_no");
            t.column::<Varchar<200>>("description");
            t.column::<i32>("quantity").default(1);
            t.column::<Option<Varchar<64>>>("service_code");
            t.column::<Decimal<12, 2>>("unit_price");
            t.column::<Varchar<3>>("currency");
            t.column::<Varchar<16>>("billing_period");
            t.column::<bool>("is_template").default(false);
            t.column::<Option<Json>>("template_metadata");
            t.index(["contract_id"]);
        });
    }
}
