//! What a test does when it cannot run: fail under CI, else say so where a person sees it.

use std::fmt::Display;
use std::io::Write;

/// Whether the tests run under CI (`CI=true`), where a server that cannot be reached is a failure.
///
/// ```
/// let strict = lockgate_test_support::in_ci();
/// assert_eq!(strict, std::env::var("CI").as_deref() == Ok("true"));
/// ```
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Writes `SKIPPED: <reason>` to the process's stderr.
///
/// libtest captures what `eprintln!` prints in a passing test and never shows it; a write on the stderr
/// handle itself bypasses that capture, so a skip is seen without `--nocapture`.
///
/// ```no_run
/// lockgate_test_support::skip("the UI files are written for another compiler");
/// ```
pub fn skip(reason: impl Display) {
    let line = format!("SKIPPED: {reason}\n");
    // One write for the whole line, so that tests running in parallel do not interleave inside it; a closed
    // stderr leaves nobody to tell.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Reports a server that cannot be reached: a panic under `CI=true`, else a loud
/// `SKIPPED: <backend> unreachable: <error>` line (see [`skip`]). The caller returns without testing.
///
/// ```no_run
/// use lockgate_test_support::{Server, unreachable};
///
/// # async fn example() {
/// match sqlx::PgConnection::connect(&Server::Postgres.admin_url()).await {
///     Ok(connection) => { /* test */ }
///     Err(error) => return unreachable(Server::Postgres, error),
/// }
/// # }
/// # use sqlx::Connection;
/// ```
pub fn unreachable(backend: impl Display, error: impl Display) {
    if in_ci() {
        panic!("{backend} unreachable: {error} (under CI=true an unreachable server fails the test)");
    }
    skip(format_args!("{backend} unreachable: {error}"));
}
