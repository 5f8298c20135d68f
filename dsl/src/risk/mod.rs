//! Risk categories, the migration's allowances, and the rules that enforce them.
//!
//! Rules come in two kinds. Compile-time rules ([`gates`]) are trait bounds on the plan methods: a
//! risky method only compiles for a migration that allows the rule's category. Plan-time rules
//! ([`plan_rules`]) need the whole plan or a backend (an index on a table created in the same
//! migration is safe; `CONCURRENTLY` cannot run in a transaction) and run when the plan is built:
//! `#[derive(Migration)]` emits a `#[test]` per migration that calls [`check_migration`] for every
//! enabled backend, so `cargo test` catches them before any database sees the migration.
//!
//! A compile-time rule is silenced by the `allow(...)` of its category, with a reason. A plan-time
//! rule is either *allowable* the same way, or a plan error that no attribute silences (it would
//! fail, or leave the schema half-migrated). An operation on a table created earlier in the same
//! plan is never blocking nor data-dependent.
//!
//! # Every rule
//!
#![doc = include_str!("rules.md")]

mod exposure;
pub mod gates;
pub mod plan_rules;
pub(crate) mod raw_sql;
mod table;

pub use exposure::{Exposure, exposures};
pub use table::rules_table;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an operation is risky on a live database.
///
/// ```
/// use lockgate_dsl::risk::RiskCategory;
/// assert_eq!(RiskCategory::DataDependent.attribute(), "data_dependent");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    /// Drops data.
    Destructive,
    /// Holds a long lock, rewrites or scans a live table.
    Blocking,
    /// Breaks application code that is still running (renames, type changes, dropped guarantees).
    Incompatible,
    /// May fail on production data even though it passed in development.
    DataDependent,
}

impl RiskCategory {
    /// Every category.
    pub const ALL: [RiskCategory; 4] = [
        RiskCategory::Destructive,
        RiskCategory::Blocking,
        RiskCategory::Incompatible,
        RiskCategory::DataDependent,
    ];

    /// The key used in `#[migration(allow(...))]`.
    ///
    /// ```
    /// use lockgate_dsl::risk::RiskCategory;
    /// assert_eq!(RiskCategory::Blocking.attribute(), "blocking");
    /// ```
    pub fn attribute(self) -> &'static str {
        match self {
            RiskCategory::Destructive => "destructive",
            RiskCategory::Blocking => "blocking",
            RiskCategory::Incompatible => "incompatible",
            RiskCategory::DataDependent => "data_dependent",
        }
    }
}

impl fmt::Display for RiskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.attribute())
    }
}

/// The risk categories a migration allows, each with the author's reason.
///
/// ```
/// use lockgate_dsl::risk::{Allowances, RiskCategory};
/// let allow = Allowances { destructive: Some("the columns were copied in 20250107"), ..Allowances::NONE };
/// assert!(allow.allows(RiskCategory::Destructive));
/// assert!(!allow.allows(RiskCategory::Blocking));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Allowances {
    /// Reason destructive operations are fine.
    pub destructive: Option<&'static str>,
    /// Reason blocking operations are fine.
    pub blocking: Option<&'static str>,
    /// Reason incompatible operations are fine.
    pub incompatible: Option<&'static str>,
    /// Reason data-dependent operations are fine.
    pub data_dependent: Option<&'static str>,
}

impl Allowances {
    /// Nothing allowed.
    pub const NONE: Allowances = Allowances {
        destructive: None,
        blocking: None,
        incompatible: None,
        data_dependent: None,
    };

    /// The reason given for a category, if it is allowed.
    ///
    /// ```
    /// use lockgate_dsl::risk::{Allowances, RiskCategory};
    /// assert_eq!(Allowances::NONE.reason(RiskCategory::Incompatible), None);
    /// ```
    pub fn reason(&self, category: RiskCategory) -> Option<&'static str> {
        match category {
            RiskCategory::Destructive => self.destructive,
            RiskCategory::Blocking => self.blocking,
            RiskCategory::Incompatible => self.incompatible,
            RiskCategory::DataDependent => self.data_dependent,
        }
    }

    /// Whether a category is allowed.
    ///
    /// ```
    /// use lockgate_dsl::risk::{Allowances, RiskCategory};
    /// assert!(!Allowances::NONE.allows(RiskCategory::Destructive));
    /// ```
    pub fn allows(&self, category: RiskCategory) -> bool {
        self.reason(category).is_some()
    }
}
