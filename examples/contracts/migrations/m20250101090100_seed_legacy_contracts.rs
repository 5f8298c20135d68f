//! Step 2: a few tenants' legacy rows, so every later step has data to move and check.

use lockgate::prelude::*;

/// Seed a few tenants' legacy contracts.
///
/// Tenant `…a` has two templates and one signed contract, tenant `…b` one template and one
/// contract, tenant `…c` no template at all. The reverse deletes exactly these rows.
#[derive(Migration)]
#[migration(version = 20250101090100)]
pub(crate) struct SeedLegacyContracts;

impl Change for SeedLegacyContracts {
    fn change(&self, m: &mut Plan<Self>) {
        // language=SQL
        m.sql(
            "INSERT INTO contracts (id, tenant, name, is_template, template_metadata) VALUES \
             ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000000a', 'Standard support', TRUE, '{\"renewal\": \"yearly\"}'), \
             ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-00000000000a', 'Premium support', TRUE, '{\"renewal\": \"monthly\"}'), \
             ('00000000-0000-4000-8000-0000000000a3', '00000000-0000-4000-8000-00000000000a', 'Acme 2025 support', FALSE, NULL), \
             ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-00000000000b', 'Hosting', TRUE, '{\"renewal\": \"yearly\"}'), \
             ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-00000000000b', 'Globex hosting', FALSE, NULL), \
             ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-00000000000c', 'Initech audit', FALSE, NULL)",
            "DELETE FROM contracts WHERE id IN ('00000000-0000-4000-8000-0000000000a1', \
             '00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000a3', \
             '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', \
             '00000000-0000-4000-8000-0000000000c1')",
        );
        // language=SQL
        m.sql(
            "INSERT INTO contract_lines \
             (id, contract_id, line_no, description, quantity, service_code, unit_price, currency, billing_period, is_template, template_metadata) VALUES \
             ('00000000-0000-4000-8000-000000000a11', '00000000-0000-4000-8000-0000000000a1', 1, 'Ticket desk', 1, 'SUP-DESK', 120.00, 'EUR', 'monthly', TRUE, '{\"editable\": true}'), \
             ('00000000-0000-4000-8000-000000000a12', '00000000-0000-4000-8000-0000000000a1', 2, 'Onboarding', 1, NULL, 450.00, 'EUR', 'once', TRUE, NULL), \
             ('00000000-0000-4000-8000-000000000a21', '00000000-0000-4000-8000-0000000000a2', 1, 'Ticket desk, 24/7', 1, 'SUP-247', 380.00, 'EUR', 'monthly', TRUE, NULL), \
             ('00000000-0000-4000-8000-000000000a31', '00000000-0000-4000-8000-0000000000a3', 1, 'Ticket desk', 1, 'SUP-DESK', 110.00, 'EUR', 'monthly', FALSE, NULL), \
             ('00000000-0000-4000-8000-000000000b11', '00000000-0000-4000-8000-0000000000b1', 1, 'Virtual machine', 2, 'VM-S', 35.50, 'USD', 'monthly', TRUE, NULL), \
             ('00000000-0000-4000-8000-000000000b12', '00000000-0000-4000-8000-0000000000b1', 2, 'Backups', 1, 'BKP', 9.90, 'USD', 'monthly', TRUE, '{\"retention_days\": 30}'), \
             ('00000000-0000-4000-8000-000000000b21', '00000000-0000-4000-8000-0000000000b2', 1, 'Virtual machine', 4, 'VM-S', 33.00, 'USD', 'monthly', FALSE, NULL), \
             ('00000000-0000-4000-8000-000000000c11', '00000000-0000-4000-8000-0000000000c1', 1, 'Security audit', 1, NULL, 5200.00, 'GBP', 'once', FALSE, NULL)",
            "DELETE FROM contract_lines WHERE contract_id IN ('00000000-0000-4000-8000-0000000000a1', \
             '00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000a3', \
             '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', \
             '00000000-0000-4000-8000-0000000000c1')",
        );
    }
}
