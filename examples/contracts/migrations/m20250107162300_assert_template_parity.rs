//! Step 6: the checkpoint: the backfill must have copied every tenant's template rows.

use lockgate::prelude::*;

/// Check template parity per tenant.
///
/// Every tenant must have as many template rows in the new tables as in the legacy ones. If any
/// tenant's counts differ (a template written by old code after the backfill, a row the
/// backfill missed), the migration fails, nothing later runs, and the foreign keys stay unvalidated.
#[derive(Migration)]
#[migration(version = 20250107162300)]
pub(crate) struct AssertTemplateParity;

impl Change for AssertTemplateParity {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.assert(
            "SELECT NOT EXISTS (SELECT 1 FROM template_parity WHERE legacy_count <> new_count)",
            "a tenant has a different number of template rows in the legacy and the new tables; \
             compare them with `SELECT * FROM template_parity WHERE legacy_count <> new_count`, \
             then run the backfill again (`down` reverts it, `up` applies it and checks again)",
        );
    }
}
