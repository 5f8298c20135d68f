//! Plan-time rules: checks that need the whole plan, the migration's attributes, or a backend.
//!
//! Each rule is a [`PlanRule`] in [`PLAN_RULES`]. A rule that is *allowable* is skipped when the
//! migration allows its category (`#[migration(allow(blocking = "..."))]`); the others are plan
//! errors that no attribute silences. An operation on a table created earlier in the same plan is
//! never blocking nor data-dependent: the table is new and empty.

mod catalogue;
mod earlier;
mod evaluate;
#[cfg(test)]
mod partition_tests;
mod raw;
#[cfg(test)]
mod raw_tests;
mod seen;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::Serialize;

pub use catalogue::*;
pub use earlier::Earlier;

use super::RiskCategory;
use crate::backend::Backend;
use crate::migration::MigrationMeta;
use crate::plan::PlannedOp;

/// A plan-time rule, as listed in the documentation.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::PLAN_RULES;
/// assert!(PLAN_RULES.iter().all(|rule| !rule.why.is_empty() && !rule.fix.is_empty()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlanRule {
    /// A stable identifier, kebab-case.
    pub id: &'static str,
    /// The risk category; for an allowable rule, the `allow(...)` key that skips it.
    pub category: RiskCategory,
    /// Whether `allow(<category> = "...")` skips the rule; otherwise it is a plan error.
    pub allowable: bool,
    /// The backends the rule applies to.
    pub backends: &'static [Backend],
    /// Whether the rule is also checked on the way down (plan errors that would break a rollback).
    pub checks_down: bool,
    /// What the rule catches.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// The safe alternative.
    pub fix: &'static str,
}

impl PlanRule {
    /// How to silence the rule, for messages and the documentation table.
    ///
    /// ```
    /// use lockgate_dsl::risk::plan_rules::{PG_VOLATILE_DEFAULT, PG_VALIDATE_SAME_MIGRATION};
    /// assert_eq!(PG_VOLATILE_DEFAULT.how_to_allow(), "`allow(blocking = \"...\")`");
    /// assert_eq!(PG_VALIDATE_SAME_MIGRATION.how_to_allow(), "cannot be allowed");
    /// ```
    pub fn how_to_allow(&self) -> String {
        if self.allowable {
            format!("`allow({} = \"...\")`", self.category.attribute())
        } else {
            "cannot be allowed".to_owned()
        }
    }
}

pub use crate::direction::Direction;

/// A plan-time rule broken by a planned operation.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::{check, Violation};
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
///
/// let mut m = Plan::<()>::new();
/// m.create_index(IndexDef::new("contracts", ["tenant"]));
/// let meta = MigrationMeta { version: 1, name: "index", type_name: "Index", allow: Allowances::NONE,
///     irreversible: None, transaction: TransactionMode::PerMigration, backends: None };
/// let found: Vec<Violation> = check(m.operations(), Backend::Postgres, &meta);
/// assert_eq!(found[0].rule, "pg-create-index-not-concurrently");
/// assert!(found[0].to_string().starts_with("create_index `contracts_tenant_idx` on `contracts` is blocking on postgres"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule's identifier.
    pub rule: &'static str,
    /// The rule's category.
    pub category: RiskCategory,
    /// Whether `allow(<category> = "...")` would have skipped it.
    pub allowable: bool,
    /// The backend the verdict is for.
    pub backend: Backend,
    /// The operation.
    pub operation: String,
    /// Where it was planned.
    pub location: String,
    /// Why it is risky or wrong.
    pub why: String,
    /// The safe alternative or the attribute to add.
    pub fix: String,
}

impl Violation {
    /// `operation` names the statement of raw SQL that broke the rule, when one did.
    fn new(rule: &PlanRule, backend: Backend, planned: &PlannedOp, operation: Option<String>) -> Self {
        Violation {
            rule: rule.id,
            category: rule.category,
            allowable: rule.allowable,
            backend,
            operation: operation.unwrap_or_else(|| planned.op.describe()),
            location: planned.location.clone(),
            why: rule.why.to_owned(),
            fix: rule.fix.to_owned(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.allowable {
            write!(
                f,
                "{} is {} on {} [{}]",
                self.operation, self.category, self.backend, self.rule
            )?;
        } else {
            write!(f, "{} cannot run on {} [{}]", self.operation, self.backend, self.rule)?;
        }
        write!(
            f,
            "\n  --> {}\n  = why: {}\n  = fix: {}",
            self.location, self.why, self.fix
        )?;
        if self.allowable {
            write!(
                f,
                "\n  = or: add `#[migration(allow({} = \"why this is fine\"))]`",
                self.category.attribute()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}

/// Checks the way up of a migration's plan against every plan-time rule for one backend; allowed
/// categories are skipped.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::check;
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
///
/// let mut m = Plan::<()>::new();
/// m.create_table("contracts", |t| { t.column::<i64>("tenant"); });
/// m.create_index(IndexDef::new("contracts", ["tenant"])); // the table is new: not blocking
/// let meta = MigrationMeta { version: 1, name: "n", type_name: "N", allow: Allowances::NONE,
///     irreversible: None, transaction: TransactionMode::PerMigration, backends: None };
/// assert!(check(m.operations(), Backend::Postgres, &meta).is_empty());
/// ```
pub fn check(ops: &[PlannedOp], backend: Backend, meta: &MigrationMeta) -> Vec<Violation> {
    check_direction(ops, backend, meta, Direction::Up)
}

/// The type changes of `up` that lose values, when `down` is their plain inverse (it casts back): the
/// migration claims a reversibility it does not have. A migration declared irreversible has no `down` to pass.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::lossy_round_trips;
/// use lockgate_dsl::plan::{Plan, inverse_of};
/// use lockgate_dsl::types::Decimal;
/// use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
/// # struct Open;
/// # lockgate_dsl::allow_category!(Open, blocking);
/// # lockgate_dsl::allow_category!(Open, incompatible);
/// # lockgate_dsl::allow_category!(Open, data_dependent);
/// let mut m = Plan::<Open>::new();
/// m.change_column_type::<Decimal<12, 4>, Decimal<12, 2>>("prices", "amount");
/// let down = inverse_of(m.operations()).unwrap();
/// let found = lossy_round_trips(m.operations(), &down, Backend::Postgres);
/// assert_eq!(found[0].rule, "lossy-type-change");
/// ```
pub fn lossy_round_trips(up: &[PlannedOp], down: &[PlannedOp], backend: Backend) -> Vec<Violation> {
    use crate::operation::Operation;
    use crate::types::Conversion;
    up.iter()
        .filter(|planned| {
            let Operation::AlterColumn { table, from, to } = &planned.op else {
                return false;
            };
            Conversion::of(&from.ty, &to.ty) == Conversion::Lossy
                && down.iter().any(|back| {
                    matches!(&back.op, Operation::AlterColumn { table: t, from: f, to: b }
                        if t == table && f.name == to.name && f.ty == to.ty && b.ty == from.ty)
                })
        })
        .map(|planned| Violation::new(&LOSSY_TYPE_CHANGE, backend, planned, None))
        .collect()
}

/// Checks one direction of a plan: [`Direction::Down`] checks only the rules with
/// [`checks_down`](PlanRule::checks_down).
///
/// ```
/// use lockgate_dsl::risk::plan_rules::{check_direction, Direction};
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
///
/// let mut m = Plan::<()>::new();
/// m.drop_index(IndexDef::new("contracts", ["tenant"]).concurrently());
/// let meta = MigrationMeta { version: 1, name: "n", type_name: "N", allow: Allowances::NONE,
///     irreversible: None, transaction: TransactionMode::PerMigration, backends: None };
/// let found = check_direction(m.operations(), Backend::Postgres, &meta, Direction::Down);
/// assert_eq!(found[0].rule, "pg-concurrently-in-transaction");
/// ```
pub fn check_direction(
    ops: &[PlannedOp],
    backend: Backend,
    meta: &MigrationMeta,
    direction: Direction,
) -> Vec<Violation> {
    check_after(ops, backend, meta, direction, &Earlier::nothing())
}

/// [`check_direction`] against what the migrations before this one built: a table an earlier migration of
/// the same run creates is new, a validated `CHECK (column IS NOT NULL)` spares `set_not_null` its scan, and a
/// foreign key or view of an earlier migration that an operation would break is found.
///
/// ```
/// use lockgate_dsl::risk::plan_rules::{check_after, Direction, Earlier};
/// use lockgate_dsl::plan::Plan;
/// use lockgate_dsl::schema::IndexDef;
/// use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
///
/// let mut m = Plan::<()>::new();
/// m.create_index(IndexDef::new("contracts", ["tenant"]));
/// let meta = MigrationMeta { version: 2, name: "n", type_name: "N", allow: Allowances::NONE,
///     irreversible: None, transaction: TransactionMode::PerMigration, backends: None };
/// // Judged alone, `contracts` exists and holds rows: the plain index blocks writes.
/// assert_eq!(check_after(m.operations(), Backend::Postgres, &meta, Direction::Up, &Earlier::nothing()).len(), 1);
/// ```
pub fn check_after(
    ops: &[PlannedOp],
    backend: Backend,
    meta: &MigrationMeta,
    direction: Direction,
    earlier: &Earlier,
) -> Vec<Violation> {
    evaluate::broken_rules(ops, backend, meta, earlier)
        .into_iter()
        .filter(|broken| broken.rule.backends.contains(&backend))
        .filter(|broken| direction == Direction::Up || broken.rule.checks_down)
        .filter(|broken| !(broken.rule.allowable && meta.allow.allows(broken.rule.category)))
        .map(|broken| Violation::new(broken.rule, backend, broken.planned, broken.statement))
        .collect()
}
