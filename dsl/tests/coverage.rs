//! Every kind of operation has a case in `common/cases.rs`, and so an insta snapshot of its up and down SQL on
//! every backend (`render_snapshots.rs`) and a round trip on real databases (`roundtrip.rs`), which both run
//! every case. A new operation fails to compile here until it is listed, then fails this test until it has a case.

#[path = "common/cases.rs"]
mod cases;

use std::collections::BTreeSet;

use lockgate_dsl::operation::Operation;

/// Every operation kind, in a fixed order; `slot` maps each variant to its place.
const KINDS: [&str; 26] = [
    "create_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "rename_column",
    "alter_column",
    "create_index",
    "drop_index",
    "add_foreign_key",
    "drop_foreign_key",
    "validate_constraint",
    "add_check",
    "drop_check",
    "add_unique",
    "drop_unique",
    "create_view",
    "replace_view",
    "drop_view",
    "create_enum",
    "add_enum_value",
    "drop_enum",
    "create_extension",
    "drop_extension",
    "raw_sql",
    "assert",
];

/// The place of an operation's kind in [`KINDS`]: an exhaustive match, so a new variant stops the build here.
fn slot(op: &Operation) -> usize {
    match op {
        Operation::CreateTable(_) => 0,
        Operation::DropTable(_) => 1,
        Operation::RenameTable { .. } => 2,
        Operation::AddColumn { .. } => 3,
        Operation::DropColumn { .. } => 4,
        Operation::RenameColumn { .. } => 5,
        Operation::AlterColumn { .. } => 6,
        Operation::CreateIndex(_) => 7,
        Operation::DropIndex(_) => 8,
        Operation::AddForeignKey(_) => 9,
        Operation::DropForeignKey(_) => 10,
        Operation::ValidateConstraint { .. } => 11,
        Operation::AddCheck(_) => 12,
        Operation::DropCheck(_) => 13,
        Operation::AddUnique(_) => 14,
        Operation::DropUnique(_) => 15,
        Operation::CreateView(_) => 16,
        Operation::ReplaceView { .. } => 17,
        Operation::DropView(_) => 18,
        Operation::CreateEnum(_) => 19,
        Operation::AddEnumValue { .. } => 20,
        Operation::DropEnum(_) => 21,
        Operation::CreateExtension { .. } => 22,
        Operation::DropExtension { .. } => 23,
        Operation::RawSql { .. } => 24,
        Operation::Assert { .. } => 25,
    }
}

#[test]
fn every_operation_kind_has_a_snapshot_and_round_trip_case() {
    let mut covered = BTreeSet::new();
    for case in cases::all() {
        let slot = slot(&case.op);
        let kind = KINDS
            .get(slot)
            .unwrap_or_else(|| panic!("operation `{}` has slot {slot}: add its kind to KINDS", case.op.kind()));
        assert_eq!(
            *kind,
            case.op.kind(),
            "KINDS[{slot}] does not match case `{}`",
            case.name
        );
        covered.insert(slot);
    }
    let missing: Vec<&str> = (0..KINDS.len())
        .filter(|slot| !covered.contains(slot))
        .map(|slot| KINDS[slot])
        .collect();
    assert!(
        missing.is_empty(),
        "these operations have no case in dsl/tests/common/cases.rs, so no snapshot and no round trip: {missing:?}"
    );
}
