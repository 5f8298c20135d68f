//! The canonical, backend-independent encoding of a migration's plan and its SHA-256 checksum.
//!
//! The encoding is versioned JSON of the operations (without source locations), so reformatting the
//! code, moving it, or a new sea-query that renders SQL differently never changes a checksum;
//! changing any operation does.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::migration::{Migration, TransactionMode};
use crate::operation::Operation;
use crate::plan::PlannedOp;
use crate::session::SessionSetting;

/// The version of the canonical encoding; stored beside every checksum.
pub const ENCODING_VERSION: u32 = 1;

#[derive(Serialize)]
struct Canonical<'a> {
    encoding: u32,
    version: i64,
    transaction: TransactionMode,
    up: Vec<&'a Operation>,
    down: Option<Vec<&'a Operation>>,
    /// Left out when empty, so that migrations without settings keep the checksums they had.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    session: &'a [SessionSetting],
}

/// The canonical encoding of a migration: what the checksum hashes.
///
/// ```
/// use lockgate_dsl::checksum::canonical;
/// # use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, DownError};
/// # use lockgate_dsl::plan::{Plan, PlannedOp};
/// # struct M;
/// # impl Migration for M {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 7, name: "m", type_name: "M",
/// #         allow: lockgate_dsl::risk::Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> { let mut m = Plan::<()>::new(); m.create_extension("citext"); m.into_operations() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(lockgate_dsl::plan::inverse_of(&self.up_operations())?) }
/// # }
/// assert!(canonical(&M).starts_with(r#"{"encoding":1,"version":7"#));
/// ```
pub fn canonical(migration: &dyn Migration) -> String {
    let meta = migration.meta();
    let up = migration.up_operations();
    let down = migration.down_operations().ok();
    let encoded = Canonical {
        encoding: ENCODING_VERSION,
        version: meta.version,
        transaction: meta.transaction,
        up: ops(&up),
        down: down.as_deref().map(ops),
        session: migration.session(),
    };
    serde_json::to_string(&encoded).expect("operations always serialize")
}

/// The SHA-256 of the canonical encoding, as lowercase hex.
///
/// ```
/// use lockgate_dsl::checksum::checksum;
/// # use lockgate_dsl::{Migration, MigrationMeta, TransactionMode, DownError};
/// # use lockgate_dsl::plan::{Plan, PlannedOp};
/// # struct M;
/// # impl Migration for M {
/// #     fn meta(&self) -> &'static MigrationMeta { &MigrationMeta { version: 7, name: "m", type_name: "M",
/// #         allow: lockgate_dsl::risk::Allowances::NONE, irreversible: None, transaction: TransactionMode::PerMigration, backends: None } }
/// #     fn up_operations(&self) -> Vec<PlannedOp> { Vec::new() }
/// #     fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> { Ok(Vec::new()) }
/// # }
/// assert_eq!(checksum(&M).len(), 64);
/// ```
pub fn checksum(migration: &dyn Migration) -> String {
    hex(&Sha256::digest(canonical(migration).as_bytes()))
}

/// Lowercase hex of `bytes`, without a `format!` per byte (a start-up hashes every migration).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The digest of a list of migrations: SHA-256 over each one's version and checksum, in order. A database
/// that records the digest of what it has applied can tell a start with nothing to do from one row.
///
/// ```
/// use lockgate_dsl::checksum::list_digest;
/// let a = list_digest([(1, "aa"), (2, "bb")]);
/// assert_ne!(a, list_digest([(1, "aa")]));
/// assert_eq!(a.len(), 64);
/// ```
pub fn list_digest<'a>(entries: impl IntoIterator<Item = (i64, &'a str)>) -> String {
    let mut hasher = Sha256::new();
    for (version, checksum) in entries {
        hasher.update(version.to_le_bytes());
        hasher.update(checksum.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

fn ops(planned: &[PlannedOp]) -> Vec<&Operation> {
    planned.iter().map(|p| &p.op).collect()
}
