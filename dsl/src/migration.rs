//! The traits a migration type implements: [`Migration`] (by the derive) and one of [`Change`],
//! [`Up`] + [`Down`], or [`Up`] alone for an irreversible migration.

use serde::Serialize;

use crate::backend::Backend;
use crate::plan::{Backward, IrreversibleOp, OneWay, Plan, PlannedOp};
use crate::risk::Allowances;

/// Whether the runtime wraps a migration in a transaction.
///
/// ```
/// use lockgate_dsl::TransactionMode;
/// assert_eq!(TransactionMode::default(), TransactionMode::PerMigration);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionMode {
    /// One transaction for the migration and its tracking row, where DDL is transactional.
    #[default]
    PerMigration,
    /// No transaction: each statement commits on its own (`CONCURRENTLY`), with progress recorded per step.
    None,
}

/// What `#[derive(Migration)]` knows about a migration from its attributes.
///
/// ```
/// use lockgate_dsl::{MigrationMeta, TransactionMode};
/// use lockgate_dsl::risk::Allowances;
/// let meta = MigrationMeta {
///     version: 20250107162000,
///     name: "Create the dedicated contract template tables.",
///     type_name: "CreateContractTemplates",
///     allow: Allowances::NONE,
///     irreversible: None,
///     transaction: TransactionMode::PerMigration, backends: None,
/// };
/// assert!(meta.is_reversible());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MigrationMeta {
    /// The version (unique, ascending; usually a `YYYYMMDDhhmmss` timestamp).
    pub version: i64,
    /// A human name: the first line of the doc comment, or the type name.
    pub name: &'static str,
    /// The Rust type name.
    pub type_name: &'static str,
    /// The risk categories allowed, with reasons.
    pub allow: Allowances,
    /// Why the migration cannot be reversed, when it cannot.
    pub irreversible: Option<&'static str>,
    /// Transaction handling.
    pub transaction: TransactionMode,
    /// The backends the migration is for (`#[migration(backends = "postgres")]`); `None` means every backend.
    /// On the others it is checked by nothing, renders nothing, and the runtime records it as skipped.
    pub backends: Option<&'static [Backend]>,
}

impl MigrationMeta {
    /// Whether `down` exists.
    ///
    /// ```
    /// # use lockgate_dsl::{MigrationMeta, TransactionMode, risk::Allowances};
    /// let meta = MigrationMeta { version: 1, name: "n", type_name: "N", allow: Allowances::NONE,
    ///     irreversible: Some("precision is lost"), transaction: TransactionMode::PerMigration, backends: None };
    /// assert!(!meta.is_reversible());
    /// ```
    pub fn is_reversible(&self) -> bool {
        self.irreversible.is_none()
    }

    /// Whether the migration is for `backend`.
    ///
    /// ```
    /// # use lockgate_dsl::{Backend, MigrationMeta, TransactionMode, risk::Allowances};
    /// let meta = MigrationMeta { version: 1, name: "n", type_name: "N", allow: Allowances::NONE, irreversible: None,
    ///     transaction: TransactionMode::PerMigration, backends: Some(&[Backend::Postgres]) };
    /// assert!(meta.targets(Backend::Postgres));
    /// assert!(!meta.targets(Backend::Sqlite));
    /// ```
    pub fn targets(&self, backend: Backend) -> bool {
        self.backends.is_none_or(|backends| backends.contains(&backend))
    }
}

/// A migration the runtime can apply and revert. Implemented by `#[derive(Migration)]`; object safe.
///
/// ```
/// use lockgate_dsl::{Migration, MigrationMeta, TransactionMode};
/// use lockgate_dsl::plan::{Plan, PlannedOp};
/// use lockgate_dsl::risk::Allowances;
///
/// struct AddCitext;
/// impl Migration for AddCitext {
///     fn meta(&self) -> &'static MigrationMeta {
///         &MigrationMeta { version: 1, name: "add citext", type_name: "AddCitext",
///             allow: Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None }
///     }
///     fn up_operations(&self) -> Vec<PlannedOp> {
///         let mut m = Plan::<()>::new();
///         m.create_extension("citext");
///         m.into_operations()
///     }
///     fn down_operations(&self) -> Result<Vec<PlannedOp>, lockgate_dsl::DownError> {
///         Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?)
///     }
/// }
/// assert_eq!(AddCitext.down_operations().unwrap()[0].op.kind(), "drop_extension");
/// ```
pub trait Migration: Send + Sync + 'static {
    /// Version, name, allowances and transaction mode.
    fn meta(&self) -> &'static MigrationMeta;
    /// The operations going up.
    fn up_operations(&self) -> Vec<PlannedOp>;
    /// The operations going down, or why there are none.
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError>;
    /// Statements (`#[migration(sample = "INSERT ...")]`) that `verify` runs in its scratch database before
    /// this migration's `up`, so the round trip checks that `down` gives the rows of the tables it touches
    /// back as they were. None by default.
    fn samples(&self) -> &'static [&'static str] {
        &[]
    }
    /// What the migration changes on its connection while it runs (`#[migration(foreign_keys = false)]`,
    /// `#[migration(session(postgres = "statement_timeout = '5min'"))]`); the migrator puts it back after. None
    /// by default.
    fn session(&self) -> &'static [crate::session::SessionSetting] {
        &[]
    }
    /// The environments where a policy lets this migration run its destructive or incompatible operations, each
    /// with why (`#[migration(allow_in(production = "the column has been unused since v41"))]`). Not part of the
    /// checksum: the decision to run it may come after it was written. None by default.
    fn allowed_in(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
}

/// Why a migration has no `down`.
///
/// ```
/// use lockgate_dsl::DownError;
/// let e = DownError::Declared { reason: "old precision cannot be recovered" };
/// assert_eq!(e.to_string(), "the migration is declared irreversible: old precision cannot be recovered");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DownError {
    /// `#[migration(irreversible = "...")]`.
    #[error("the migration is declared irreversible: {reason}")]
    Declared {
        /// The declared reason.
        reason: &'static str,
    },
    /// An operation of the plan has no inverse.
    #[error(transparent)]
    Operation(#[from] IrreversibleOp),
}

/// A migration whose `down` is derived: the inverse of `change`, in reverse order.
///
/// ```
/// use lockgate_dsl::{Change, plan::Plan};
/// struct CreateTenants;
/// impl Change for CreateTenants {
///     fn change(&self, m: &mut Plan<Self>) {
///         m.create_table("tenants", |t| { t.column::<i64>("id").primary_key(); });
///     }
/// }
/// ```
pub trait Change {
    /// Plans the migration going up; going down is its inverse.
    fn change(&self, m: &mut Plan<Self>);
}

/// The way up of a migration with a hand-written [`Down`], or of an irreversible one.
///
/// ```
/// use lockgate_dsl::{Up, plan::{OneWay, Plan}};
/// struct Widen;
/// impl Up for Widen {
///     fn up(&self, m: &mut Plan<Self, OneWay>) {
///         m.sql_irreversible("UPDATE prices SET amount = round(amount, 2)");
///     }
/// }
/// ```
pub trait Up {
    /// Plans the migration going up.
    fn up(&self, m: &mut Plan<Self, OneWay>);
}

/// The hand-written way down. `verify`, and the derive's test when `LOCKGATE_VERIFY_URL` is set, round-trip it on a
/// real database and fail when it does not undo [`Up`].
///
/// ```
/// use lockgate_dsl::{Down, plan::{Backward, Plan}};
/// struct Widen;
/// impl Down for Widen {
///     fn down(&self, m: &mut Plan<Self, Backward>) {
///         m.sql_irreversible("SELECT 1");
///     }
/// }
/// ```
pub trait Down {
    /// Plans the migration going down.
    fn down(&self, m: &mut Plan<Self, Backward>);
}
