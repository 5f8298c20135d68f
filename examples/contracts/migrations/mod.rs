//! The cutover's migrations, one type per file, in version order.

mod m20250101090000_create_legacy_contracts;
mod m20250101090100_seed_legacy_contracts;
mod m20250107162000_create_contract_templates;
mod m20250107162100_create_template_comparison_views;
mod m20250107162200_backfill_contract_templates;
mod m20250107162300_assert_template_parity;
mod m20250107162400_validate_template_foreign_keys;
mod m20250114100000_drop_template_comparison_views;
mod m20250114100100_drop_legacy_template_columns;

pub(crate) use m20250101090000_create_legacy_contracts::CreateLegacyContracts;
pub(crate) use m20250101090100_seed_legacy_contracts::SeedLegacyContracts;
pub(crate) use m20250107162000_create_contract_templates::CreateContractTemplates;
pub(crate) use m20250107162100_create_template_comparison_views::CreateTemplateComparisonViews;
pub(crate) use m20250107162200_backfill_contract_templates::BackfillContractTemplates;
pub(crate) use m20250107162300_assert_template_parity::AssertTemplateParity;
pub(crate) use m20250107162400_validate_template_foreign_keys::ValidateTemplateForeignKeys;
pub(crate) use m20250114100000_drop_template_comparison_views::DropTemplateComparisonViews;
pub(crate) use m20250114100100_drop_legacy_template_columns::DropLegacyTemplateColumns;

/// Every migration of the cutover; the list macro checks at compile time that versions ascend.
pub(crate) fn migrations() -> Vec<Box<dyn lockgate::dsl::Migration>> {
    lockgate::migrations![
        CreateLegacyContracts,
        SeedLegacyContracts,
        CreateContractTemplates,
        CreateTemplateComparisonViews,
        BackfillContractTemplates,
        AssertTemplateParity,
        ValidateTemplateForeignKeys,
        DropTemplateComparisonViews,
        DropLegacyTemplateColumns,
    ]
}
