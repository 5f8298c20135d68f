//! Every kind of operation has a case in `common/cases.rs`, and so an insta snapshot of its up and down SQL on
//! every backend (`render_snapshots.rs`) and a round trip through the migrator on real databases, compared with
//! the schema the DSL predicts (`runtime/tests/predicted.rs`); both run every case. A new operation fails this
//! test until it has a case.

#[path = "common/cases.rs"]
mod cases;

use std::collections::BTreeSet;

use lockgate_dsl::operation::Operation;

/// Every operation kind, as the canonical encoding names them: serde lists all the variants it knows when it
/// meets one it does not, and that list cannot miss a variant.
fn every_kind() -> Vec<String> {
    let error = serde_json::from_str::<Operation>(r#"{"op": "?"}"#)
        .expect_err("`?` is no operation")
        .to_string();
    let list = error
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("serde's message changed: {error}"))
        .1;
    list.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn every_operation_kind_has_a_snapshot_and_round_trip_case() {
    let kinds = every_kind();
    assert!(kinds.len() >= 26, "{kinds:?}");
    let covered: BTreeSet<&'static str> = cases::all().iter().map(|case| case.op.kind()).collect();
    for kind in &covered {
        assert!(
            kinds.iter().any(|k| k == kind),
            "`{kind}` is not a kind serde knows: {kinds:?}"
        );
    }
    let missing: Vec<&String> = kinds.iter().filter(|k| !covered.contains(k.as_str())).collect();
    assert!(
        missing.is_empty(),
        "these operations have no case in dsl/tests/common/cases.rs, so no snapshot and no round trip: {missing:?}"
    );
}
