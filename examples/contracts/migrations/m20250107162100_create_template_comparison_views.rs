//! Step 4: views that count template rows per tenant on both sides, and compare the counts.

use lockgate::prelude::*;

/// Create the template comparison views.
///
/// `legacy_template_rows` and `new_template_rows` count templates and template lines per tenant;
/// `template_parity` sets the two counts side by side for every tenant either side knows. The
/// SQL is plain enough for PostgreSQL, MariaDB/MySQL and SQLite alike.
#[derive(Migration)]
#[migration(version = 20250107162100)]
pub(crate) struct CreateTemplateComparisonViews;

impl Change for CreateTemplateComparisonViews {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.create_view(
            "legacy_template_rows",
            "SELECT c.tenant AS tenant, 'template' AS kind, COUNT(*) AS row_count \
             FROM contracts c WHERE c.is_template = TRUE GROUP BY c.tenant \
             UNION ALL \
             SELECT c.tenant AS tenant, 'line' AS kind, COUNT(*) AS row_count \
             FROM contract_lines l JOIN contracts c ON c.id = l.contract_id \
             WHERE l.is_template = TRUE GROUP BY c.tenant",
        );
        // language=SQL
        m.create_view(
            "new_template_rows",
            "SELECT t.tenant AS tenant, 'template' AS kind, COUNT(*) AS row_count \
             FROM contract_templates t GROUP BY t.tenant \
             UNION ALL \
             SELECT t.tenant AS tenant, 'line' AS kind, COUNT(*) AS row_count \
             FROM contract_template_lines l JOIN contract_templates t ON t.template_id = l.template_id \
             GROUP BY t.tenant",
        );
        // language=SQL
        m.create_view(
            "template_parity",
            "SELECT k.tenant AS tenant, k.kind AS kind, \
             COALESCE((SELECT o.row_count FROM legacy_template_rows o \
                       WHERE o.tenant = k.tenant AND o.kind = k.kind), 0) AS legacy_count, \
             COALESCE((SELECT n.row_count FROM new_template_rows n \
                       WHERE n.tenant = k.tenant AND n.kind = k.kind), 0) AS new_count \
             FROM (SELECT tenant, kind FROM legacy_template_rows \
                   UNION SELECT tenant, kind FROM new_template_rows) k",
        );
    }
}
