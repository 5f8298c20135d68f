//! Step 8: the comparison views served the cutover checks; they go before the legacy columns do.

use lockgate::prelude::*;

/// Drop the template comparison views.
///
/// They read the legacy `is_template` columns, which the next migration drops. `down` recreates
/// them, so each view's SQL is restated here rather than shared with the migration that created
/// it: a migration must mean the same thing forever, whatever later code does to a shared constant.
#[derive(Migration)]
#[migration(
    version = 20250114100000,
    allow(incompatible = "only the cutover checks read these views, and they have passed")
)]
pub(crate) struct DropTemplateComparisonViews;

impl Change for DropTemplateComparisonViews {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.drop_view(
            "template_parity",
            "SELECT k.tenant AS tenant, k.kind AS kind, \
             COALESCE((SELECT o.row_count FROM legacy_template_rows o \
                       WHERE o.tenant = k.tenant AND o.kind = k.kind), 0) AS legacy_count, \
             COALESCE((SELECT n.row_count FROM new_template_rows n \
                       WHERE n.tenant = k.tenant AND n.kind = k.kind), 0) AS new_count \
             FROM (SELECT tenant, kind FROM legacy_template_rows \
                   UNION SELECT tenant, kind FROM new_template_rows) k",
        );
        // language=SQL
        m.drop_view(
            "new_template_rows",
            "SELECT t.tenant AS tenant, 'template' AS kind, COUNT(*) AS row_count \
             FROM contract_templates t GROUP BY t.tenant \
             UNION ALL \
             SELECT t.tenant AS tenant, 'line' AS kind, COUNT(*) AS row_count \
             FROM contract_template_lines l JOIN contract_templates t ON t.template_id = l.template_id \
             GROUP BY t.tenant",
        );
        // language=SQL
        m.drop_view(
            "legacy_template_rows",
            "SELECT c.tenant AS tenant, 'template' AS kind, COUNT(*) AS row_count \
             FROM contracts c WHERE c.is_template = TRUE GROUP BY c.tenant \
             UNION ALL \
             SELECT c.tenant AS tenant, 'line' AS kind, COUNT(*) AS row_count \
             FROM contract_lines l JOIN contracts c ON c.id = l.contract_id \
             WHERE l.is_template = TRUE GROUP BY c.tenant",
        );
    }
}
