//! The checksum: any change to an operation changes it; moving code, reformatting it and source
//! locations do not; a golden value pins the canonical encoding.

use std::collections::HashMap;

use lockgate::dsl::checksum::{ENCODING_VERSION, canonical, checksum};
use lockgate::dsl::operation::Operation;
use lockgate::dsl::plan::{PlannedOp, inverse_of};
use lockgate::dsl::risk::Allowances;
use lockgate::dsl::types::Uuid;
use lockgate::dsl::{DownError, MigrationMeta, TransactionMode};
use lockgate::prelude::*;

/// A migration made of given operations, for comparing checksums of arbitrary plans.
struct Ops {
    meta: &'static MigrationMeta,
    up: Vec<Operation>,
}

impl Ops {
    fn new(version: i64, transaction: TransactionMode, up: Vec<Operation>) -> Self {
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name: "ops",
            type_name: "Ops",
            allow: Allowances::NONE,
            irreversible: None,
            transaction,
            backends: None,
        }));
        Ops { meta, up }
    }
}

impl Migration for Ops {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        self.up.iter().cloned().map(PlannedOp::here).collect()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Ok(inverse_of(&Migration::up_operations(self))?)
    }
}

fn sum(op: Operation) -> String {
    checksum(&Ops::new(1, TransactionMode::PerMigration, vec![op]))
}

mod mutants;

use mutants::mutants;

/// Every operation kind, as the canonical encoding names them: serde lists all the variants it knows when it
/// meets one it does not, and that list cannot miss a variant.
fn every_kind() -> Vec<String> {
    let error = serde_json::from_str::<lockgate::dsl::operation::Operation>(r#"{"op": "?"}"#)
        .expect_err("`?` is no operation")
        .to_string();
    let list = error
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("serde's message changed: {error}"))
        .1;
    list.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn every_variant_and_every_field_changes_the_checksum() {
    let mutants = mutants();
    let kinds: std::collections::BTreeSet<&str> = mutants.iter().map(|(_, op)| op.kind()).collect();
    let missing: Vec<String> = every_kind()
        .into_iter()
        .filter(|k| !kinds.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "these operations have no entry in `mutants()`: {missing:?}"
    );
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (label, op) in mutants {
        if let Some(other) = seen.insert(sum(op), label) {
            panic!("`{label}` and `{other}` have the same checksum");
        }
    }
}

#[test]
fn version_and_transaction_mode_change_the_checksum() {
    let op = || vec![Operation::CreateExtension { name: "citext".into() }];
    let base = checksum(&Ops::new(1, TransactionMode::PerMigration, op()));
    assert_ne!(base, checksum(&Ops::new(2, TransactionMode::PerMigration, op())));
    assert_ne!(base, checksum(&Ops::new(1, TransactionMode::None, op())));
}

#[test]
fn order_of_operations_changes_the_checksum() {
    let a = Operation::CreateExtension { name: "citext".into() };
    let b = Operation::CreateExtension {
        name: "pgcrypto".into(),
    };
    let ab = checksum(&Ops::new(1, TransactionMode::PerMigration, vec![a.clone(), b.clone()]));
    let ba = checksum(&Ops::new(1, TransactionMode::PerMigration, vec![b, a]));
    assert_ne!(ab, ba);
}

/// Create the contract templates table.
#[derive(Migration)]
#[migration(version = 20250107162000)]
struct Compact;

impl Change for Compact {
    fn change(&self, m: &mut Plan<Self>) {
        m.create_table("contract_templates", |t| {
            t.column::<Uuid>("template_id").primary_key();
            t.column::<String>("template_name");
        });
        m.add_column_with_default::<bool>("contracts", "is_template", false);
    }
}

/// The same migration, renamed, moved, reformatted and built through a helper.
#[derive(Migration)]
#[migration(version = 20250107162000, name = "a different name")]
struct Spread;

fn templates(m: &mut Plan<Spread>) {
    m.create_table("contract_templates", |t| {
        t.column::<Uuid>("template_id").primary_key();

        t.column::<String>("template_name");
    });
}

impl Change for Spread {
    fn change(&self, m: &mut Plan<Self>) {
        templates(m);
        m.add_column_with_default::<bool>("contracts", "is_template", false);
    }
}

#[test]
fn moving_reformatting_and_renaming_code_keeps_the_checksum() {
    let (compact, spread) = (Migration::up_operations(&Compact), Migration::up_operations(&Spread));
    assert_ne!(compact[0].location, spread[0].location, "the source locations differ");
    assert_eq!(checksum(&Compact), checksum(&Spread));
}

#[test]
fn the_canonical_encoding_and_checksum_are_pinned() {
    // A changed value here means every applied migration's checksum changed: bump ENCODING_VERSION
    // and teach the runtime to accept the previous encoding instead of updating this test.
    assert_eq!(ENCODING_VERSION, 1);
    assert_eq!(
        canonical(&Compact),
        concat!(
            r#"{"encoding":1,"version":20250107162000,"transaction":"per_migration","up":["#,
            r#"{"op":"create_table","name":"contract_templates","columns":["#,
            r#"{"name":"template_id","type":"uuid","nullable":false,"default":null},"#,
            r#"{"name":"template_name","type":"text","nullable":false,"default":null}],"#,
            r#""primary_key":["template_id"],"uniques":[],"checks":[],"foreign_keys":[],"indexes":[]},"#,
            r#"{"op":"add_column","table":"contracts","column":{"name":"is_template","type":"bool","nullable":false,"default":{"bool":false}}}],"#,
            r#""down":[{"op":"drop_column","table":"contracts","column":{"name":"is_template","type":"bool","nullable":false,"default":{"bool":false}}},"#,
            r#"{"op":"drop_table","name":"contract_templates","columns":["#,
            r#"{"name":"template_id","type":"uuid","nullable":false,"default":null},"#,
            r#"{"name":"template_name","type":"text","nullable":false,"default":null}],"#,
            r#""primary_key":["template_id"],"uniques":[],"checks":[],"foreign_keys":[],"indexes":[]}]}"#,
        )
    );
    assert_eq!(
        checksum(&Compact),
        "8b0270cac93628184f4966ac2f8f3e13eefb16b4d1fc071e4952906b45aa7cd9"
    );
}
