//! Reading catalog queries whose every column is cast to text, for the backends' introspection.

use sea_query::Values;
use sea_query_sqlx::SqlxValues;

use crate::conn::SqlConn;

/// The rows of a catalog query without parameters.
pub(crate) async fn rows(conn: &mut dyn SqlConn, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
    conn.fetch_text((sql.to_owned(), SqlxValues(Values(Vec::new())))).await
}

/// Column `i` of a row, empty when NULL.
pub(crate) fn text(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}
