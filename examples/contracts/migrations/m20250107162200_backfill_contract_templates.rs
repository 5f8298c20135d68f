//! Step 5: the idempotent backfill of template rows into the new tables.

use lockgate::prelude::*;

/// Backfill the template tables from legacy rows.
///
/// Every statement is `INSERT … SELECT … WHERE NOT EXISTS`, so running it again (after a crash, or
/// while the old code still writes templates) copies only what is missing. The rows keep their
/// legacy ids: a template is its legacy contract's id, a template line its legacy line's id, and
/// since a legacy line holds at most one service and one price, those rows reuse the line id too.
/// The reverse deletes exactly the copied rows, children first.
#[derive(Migration)]
#[migration(version = 20250107162200)]
pub(crate) struct BackfillContractTemplates;

impl Change for BackfillContractTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.sql(
            "INSERT INTO contract_templates (template_id, tenant, template_name, template_metadata, created_at) \
             SELECT c.id, c.tenant, c.name, c.template_metadata, c.created_at FROM contracts c \
             WHERE c.is_template = TRUE \
             AND NOT EXISTS (SELECT 1 FROM contract_templates t WHERE t.template_id = c.id)",
            "DELETE FROM contract_templates \
             WHERE template_id IN (SELECT c.id FROM contracts c WHERE c.is_template = TRUE)",
        );
        // language=SQL
        m.sql(
            "INSERT INTO contract_template_lines (line_id, template_id, line_no, description, quantity, template_metadata) \
             SELECT l.id, l.contract_id, l.line_no, l.description, l.quantity, l.template_metadata FROM contract_lines l \
             WHERE l.is_template = TRUE \
             AND NOT EXISTS (SELECT 1 FROM contract_template_lines t WHERE t.line_id = l.id)",
            "DELETE FROM contract_template_lines \
             WHERE line_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)",
        );
        // language=SQL
        m.sql(
            "INSERT INTO contract_template_line_services (service_id, line_id, service_code) \
             SELECT l.id, l.id, l.service_code FROM contract_lines l \
             WHERE l.is_template = TRUE AND l.service_code IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM contract_template_line_services s WHERE s.service_id = l.id)",
            "DELETE FROM contract_template_line_services \
             WHERE service_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)",
        );
        // language=SQL
        m.sql(
            "INSERT INTO pricing_schedules (schedule_id, line_id, unit_price, currency, billing_period) \
             SELECT l.id, l.id, l.unit_price, l.currency, l.billing_period FROM contract_lines l \
             WHERE l.is_template = TRUE \
             AND NOT EXISTS (SELECT 1 FROM pricing_schedules p WHERE p.schedule_id = l.id)",
            "DELETE FROM pricing_schedules \
             WHERE schedule_id IN (SELECT l.id FROM contract_lines l WHERE l.is_template = TRUE)",
        );
    }
}
