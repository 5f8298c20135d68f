//! Reading catalog queries whose every column is cast to text, for the backends' introspection.

use crate::conn::{SqlConn, bound};

/// The rows of a catalog query without parameters.
pub(crate) async fn rows(conn: &mut dyn SqlConn, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
    conn.fetch_text(bound(sql, Vec::new())).await
}

/// Column `i` of a row, empty when NULL.
pub(crate) fn text(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}
