//! Step 7: validate the foreign keys added `NOT VALID`, in a migration of its own.

use lockgate::prelude::*;

/// Validate the template foreign keys.
///
/// On PostgreSQL `VALIDATE CONSTRAINT` scans the rows under a lock that lets reads and writes go
/// on; it must not share a transaction with the `NOT VALID` add, hence its own migration. MySQL
/// and SQLite check foreign keys when they are added, so there this is a no-op.
#[derive(Migration)]
#[migration(version = 20250107162400)]
pub(crate) struct ValidateTemplateForeignKeys;

impl Change for ValidateTemplateForeignKeys {
    fn change(&self, m: &mut Plan<Self>) {
        m.validate_constraint("contract_template_lines", "contract_template_lines_template_id_fkey");
        m.validate_constraint(
            "contract_template_line_services",
            "contract_template_line_services_line_id_fkey",
        );
        m.validate_constraint("pricing_schedules", "pricing_schedules_line_id_fkey");
    }
}
