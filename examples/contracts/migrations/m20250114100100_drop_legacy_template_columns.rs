//! Step 9: the cutover's end: legacy template rows and the columns that flagged them go.

use lockgate::dsl::schema::ColumnDef;
use lockgate::prelude::*;

/// Drop the legacy template rows and columns.
///
/// The templates now live in their own tables (checked by the parity step), so the legacy copies
/// are deleted and `is_template` / `template_metadata` archived: the columns go, their values stay in
/// `lockgate_backup_*` tables until `purge`. `down` re-creates the legacy template rows from the new
/// tables (they kept the legacy ids) and puts every column value back from the backups.
#[derive(Migration)]
#[migration(
    version = 20250114100100,
    allow(
        destructive = "templates were copied to the dedicated tables and checked per tenant; \
                         down rebuilds the legacy rows from them",
        incompatible = "the code reading the flag and the metadata was removed in the release before this one"
    )
)]
pub(crate) struct DropLegacyTemplateColumns;

impl Change for DropLegacyTemplateColumns {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.sql(
            "DELETE FROM contract_lines WHERE is_template = TRUE",
            "INSERT INTO contract_lines \
             (id, contract_id, line_no, description, quantity, service_code, unit_price, currency, billing_period, \
              is_template, template_metadata) \
             SELECT l.line_id, l.template_id, l.line_no, l.description, l.quantity, s.service_code, p.unit_price, \
              p.currency, p.billing_period, TRUE, l.template_metadata \
             FROM contract_template_lines l \
             JOIN pricing_schedules p ON p.schedule_id = l.line_id \
             LEFT JOIN contract_template_line_services s ON s.service_id = l.line_id \
             WHERE NOT EXISTS (SELECT 1 FROM contract_lines c WHERE c.id = l.line_id)",
        );
        // language=SQL
        m.sql(
            "DELETE FROM contracts WHERE is_template = TRUE",
            "INSERT INTO contracts (id, tenant, name, is_template, template_metadata, created_at) \
             SELECT t.template_id, t.tenant, t.template_name, TRUE, t.template_metadata, t.created_at \
             FROM contract_templates t \
             WHERE NOT EXISTS (SELECT 1 FROM contracts c WHERE c.id = t.template_id)",
        );
        m.archive_column(
            "contract_lines",
            ColumnDef::new::<Option<Json>>("template_metadata"),
            ["id"],
        );
        m.archive_column(
            "contract_lines",
            ColumnDef::new::<bool>("is_template").default(false),
            ["id"],
        );
        m.archive_column("contracts", ColumnDef::new::<Option<Json>>("template_metadata"), ["id"]);
        m.archive_column(
            "contracts",
            ColumnDef::new::<bool>("is_template").default(false),
            ["id"],
        );
    }
}
