//! Step 6: the checkpoint: the backfill must have copied every tenant's templates, every template's lines
//! and every line's price.

use lockgate::prelude::*;

/// Check template parity per tenant.
///
/// Parity checkpoints compare the legacy rows with the new ones group by group: templates per tenant,
/// lines per template, the price per line. If any group differs (a template written by old code after the
/// backfill, a row the backfill missed), the migration fails naming the first such group, nothing later
/// runs, and the foreign keys stay unvalidated.
#[derive(Migration)]
#[migration(version = 20250107162300)]
pub(crate) struct AssertTemplateParity;

impl Change for AssertTemplateParity {
    fn change(&self, m: &mut Plan<Self>) {
        m.assert_parity(
            Parity::rows("contracts", "tenant").filter("is_template = TRUE"),
            Parity::rows("contract_templates", "tenant"),
        );
        m.assert_parity(
            Parity::rows("contract_lines", "contract_id").filter("is_template = TRUE"),
            Parity::rows("contract_template_lines", "template_id"),
        );
        m.assert_parity(
            Parity::sum("contract_lines", "id", "unit_price").filter("is_template = TRUE"),
            Parity::sum("pricing_schedules", "line_id", "unit_price"),
        );
    }
}
