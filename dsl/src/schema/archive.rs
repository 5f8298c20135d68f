//! Where an archived column or table keeps its data until `purge`: the backup table's name; and names of lockgate's
//! own objects cut to fit every backend.

use sha2::{Digest, Sha256};

/// Every backup table's name starts with this; introspection leaves such tables out, and `purge` drops them.
pub const BACKUP_PREFIX: &str = "lockgate_backup_";

/// The longest name every backend holds (PostgreSQL's 63 bytes).
const LONGEST: usize = 63;

/// The backup table of an archived table (`column` is `None`) or of an archived column:
/// `lockgate_backup_<table>` or `lockgate_backup_<table>__<column>`. A name too long for PostgreSQL keeps its
/// first part and ends in a hash of the whole, so that it stays unique.
///
/// ```
/// use lockgate_dsl::schema::backup_table;
/// assert_eq!(backup_table("contracts", Some("is_template")), "lockgate_backup_contracts__is_template");
/// assert_eq!(backup_table("legacy", None), "lockgate_backup_legacy");
/// let long = backup_table(&"t".repeat(60), Some("c"));
/// assert_eq!(long.len(), 63);
/// assert!(long.starts_with("lockgate_backup_ttt"));
/// ```
pub fn backup_table(table: &str, column: Option<&str>) -> String {
    let name = match column {
        Some(column) => format!("{BACKUP_PREFIX}{table}__{column}"),
        None => format!("{BACKUP_PREFIX}{table}"),
    };
    fit_name(name)
}

/// `name` when every backend holds it; else its first part and a hash of the whole, so that it stays unique.
pub(crate) fn fit_name(name: String) -> String {
    if name.len() <= LONGEST {
        return name;
    }
    let digest = Sha256::digest(name.as_bytes());
    let hash = crate::checksum::hex(&digest[..4]);
    let mut cut = LONGEST - hash.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &name[..cut])
}
