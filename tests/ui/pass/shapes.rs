//! The three ways to plan a migration, `transaction = false`, and the list of all of them.

use lockgate::dsl::{DownError, TransactionMode};
use lockgate::prelude::*;

/// Create the contract templates table.
#[derive(Migration)]
#[migration(version = 20250107162000)]
struct CreateContractTemplates;

impl Change for CreateContractTemplates {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table("contract_templates", |t| {
            t.column::<Uuid>("template_id").primary_key();
            t.column::<Uuid>("tenant");
            t.index(["tenant"]).unique();
        });
        m.add_foreign_key("contract_lines", ["template_id"], "contract_templates", ["template_id"]).not_valid();
    }
}

#[derive(Migration)]
#[migration(version = 20250107162100, name = "copy templates")]
struct CopyTemplates;

impl Up for CopyTemplates {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.sql_irreversible("INSERT INTO contract_templates SELECT id, tenant FROM contracts WHERE is_template");
    }
}

impl Down for CopyTemplates {
    fn down(&self, m: &mut Plan<Self, Backward>) {
        m.sql_irreversible("DELETE FROM contract_templates");
    }
}

#[derive(Migration)]
#[migration(version = 20250107162200, transaction = false)]
struct IndexTemplateName;

impl Change for IndexTemplateName {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_index(IndexDef::new("contract_templates", ["tenant", "template_id"]).concurrently());
    }
}

#[derive(Migration)]
#[migration(version = 20250107162300, irreversible = "PostgreSQL cannot remove an enum value")]
struct AddArchivedStatus;

impl Up for AddArchivedStatus {
    fn up(&self, m: &mut Plan<Self, OneWay>) {
        m.add_enum_value("contract_status", "archived", Some("ended"));
    }
}

#[derive(Migration)]
#[migration(version = 20250107162400)]
pub enum ValidateTemplateKey {
    Only,
}

impl Default for ValidateTemplateKey {
    fn default() -> Self {
        ValidateTemplateKey::Only
    }
}

impl Change for ValidateTemplateKey {
    fn change(&self, m: &mut Plan<Self>) {
        m.validate_constraint("contract_lines", "contract_lines_template_id_fkey");
    }
}

fn main() {
    let all = lockgate::migrations![
        CreateContractTemplates,
        CopyTemplates,
        IndexTemplateName,
        AddArchivedStatus,
        ValidateTemplateKey,
    ];
    assert_eq!(all.len(), 5);
    assert_eq!(all[1].meta().name, "copy templates");
    assert_eq!(all[1].down_operations().map(|down| down.len()), Ok(1));
    assert_eq!(all[2].meta().transaction, TransactionMode::None);
    assert!(matches!(all[3].down_operations(), Err(DownError::Declared { .. })));
    assert_eq!(all[4].up_operations()[0].op.kind(), "validate_constraint");
}
