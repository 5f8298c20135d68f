//! Step 5: the batched, resumable backfill of template rows into the new tables.

use lockgate::prelude::*;

/// Backfill the template tables from legacy rows.
///
/// Each copy walks its legacy table in batches along the key, every batch committed with the position it
/// reached, outside the migration's transaction (on SQLite, in it): a run that dies resumes after the last
/// committed batch, and since a batch copies only the rows not copied yet (`NOT EXISTS`), running one again
/// copies nothing twice, also while the old code still writes templates. The rows keep their legacy ids: a
/// template is its legacy contract's id, a template line its legacy line's id, and since a legacy line holds
/// at most one service and one price, those rows reuse the line id too. Going down deletes exactly the copied
/// rows, children first.
#[derive(Migration)]
#[migration(version = 20250107162200, transaction = false)]
pub(crate) struct BackfillContractTemplates;

impl Change for BackfillContractTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.backfill(
            Backfill::keyed::<Uuid>("contracts", "id")
                .into_table("contract_templates")
                .set("template_id", "id")
                .set("tenant", "tenant")
                .set("template_name", "name")
                .set("template_metadata", "template_metadata")
                .set("created_at", "created_at")
                .pending(
                    "is_template = TRUE \
                     AND NOT EXISTS (SELECT 1 FROM contract_templates t WHERE t.template_id = contracts.id)",
                ),
            Undo::Sql(
                "DELETE FROM contract_templates \
                 WHERE template_id IN (SELECT c.id FROM contracts c WHERE c.is_template = TRUE)"
                    .into(),
            ),
        );
        m.backfill(
            Backfill::keyed::<Uuid>("contract_lines", "id")
                .into_table("contract_template_lines")
                .set("line_id", "id")
                .set("template_id", "contract_id")
                .set("line_no", "line_no")
                .set("description", "description")
                .set("quantity", "quantity")
                .set("template_metadata", "template_metadata")
                .pending(
                    "is_template = TRUE \
                     AND NOT EXISTS (SELECT 1 FROM contract_template_lines t WHERE t.line_id = contract_lines.id)",
                ),
            Undo::Sql(
                "DELETE FROM contract_template_lines \
                 WHERE line_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)"
                    .into(),
            ),
        );
        m.backfill(
            Backfill::keyed::<Uuid>("contract_lines", "id")
                .into_table("contract_template_line_services")
                .set("service_id", "id")
                .set("line_id", "id")
                .set("service_code", "service_code")
                .pending(
                    "is_template = TRUE AND service_code IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM contract_template_line_services s WHERE s.service_id = contract_lines.id)",
                ),
            Undo::Sql(
                "DELETE FROM contract_template_line_services \
                 WHERE service_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)"
                    .into(),
            ),
        );
        m.backfill(
            Backfill::keyed::<Uuid>("contract_lines", "id")
                .into_table("pricing_schedules")
                .set("schedule_id", "id")
                .set("line_id", "id")
                .set("unit_price", "unit_price")
                .set("currency", "currency")
                .set("billing_period", "billing_period")
                .pending(
                    "is_template = TRUE \
                     AND NOT EXISTS (SELECT 1 FROM pricing_schedules p WHERE p.schedule_id = contract_lines.id)",
                ),
            Undo::Sql(
                "DELETE FROM pricing_schedules \
                 WHERE schedule_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)"
                    .into(),
            ),
        );
    }
}
