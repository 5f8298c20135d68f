//! The migration lock, so that many replicas starting at once apply each migration exactly once.
//!
//! PostgreSQL: a session advisory lock polled with `pg_try_advisory_lock` and backoff. MySQL/MariaDB:
//! `GET_LOCK` with a short positive timeout, polled, its answer checked. SQLite has no session lock: each
//! migration runs in a `BEGIN IMMEDIATE` transaction that re-reads its tracking row, and the busy timeout
//! makes concurrent writers wait.

use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use sea_query::{Value, Values};
use sea_query_sqlx::SqlxValues;

use crate::conn::Conn;
use crate::error::Error;
use crate::report::Event;
use crate::tracking::Tracking;

/// The key the lock is taken under: derived from the tracking table's qualified name, so migrators with
/// different tracking tables do not wait for each other.
fn lock_name(tracking: &Tracking) -> String {
    format!("lockgate:{}", tracking.qualified_table())
}

/// FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
fn fnv1a(text: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_le_bytes(hash.to_le_bytes())
}

fn bound(sql: &str, values: Vec<Value>) -> (String, SqlxValues) {
    (sql.to_owned(), SqlxValues(Values(values)))
}

/// Takes the lock, waiting up to `deadline`; `emit` hears about the wait about once a second.
pub(crate) async fn acquire(
    conn: &mut Conn,
    tracking: &Tracking,
    deadline: Duration,
    emit: &(dyn Fn(Event) + Sync),
) -> Result<(), Error> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(20);
    let mut last_report = Duration::ZERO;
    for attempt in 0u64.. {
        let got = match conn.backend() {
            Backend::Postgres => {
                let key = fnv1a(&lock_name(tracking));
                let answer = conn
                    .fetch_i64(bound("SELECT pg_try_advisory_lock($1)::int", vec![key.into()]))
                    .await?;
                answer == Some(1)
            }
            Backend::MySql => {
                // A bounded timeout, never past our deadline (`GET_LOCK(name, -1)` would wait forever): the first
                // try does not wait, so a busy lock is reported at once; later tries wait up to a second.
                let timeout = if attempt == 0 {
                    0.0
                } else {
                    deadline
                        .saturating_sub(started.elapsed())
                        .min(Duration::from_secs(1))
                        .as_secs_f64()
                };
                let asked = Instant::now();
                let answer = conn
                    .fetch_i64(bound(
                        "SELECT GET_LOCK(LEFT(CONCAT('lockgate:', COALESCE(DATABASE(), ''), ':', ?), 64), ?)",
                        vec![tracking.qualified_table().into(), timeout.into()],
                    ))
                    .await?;
                if attempt > 0 && answer == Some(0) && asked.elapsed() < Duration::from_millis(20) {
                    // A server that rounds fractional timeouts down answers at once: do not spin.
                    tokio::time::sleep(Duration::from_millis(100).min(deadline.saturating_sub(started.elapsed())))
                        .await;
                }
                match answer {
                    Some(1) => true,
                    Some(_) => false,
                    None => {
                        return Err(Error::LockFailed {
                            reason: "GET_LOCK returned NULL (the server ran out of memory or the thread was killed)"
                                .to_owned(),
                        });
                    }
                }
            }
            Backend::Sqlite => return Ok(()),
        };
        if got {
            tracing::debug!(waited = ?started.elapsed(), "migration lock acquired");
            return Ok(());
        }
        let waited = started.elapsed();
        if waited >= deadline {
            return Err(Error::LockTimeout { waited });
        }
        if waited - last_report >= Duration::from_secs(1) || last_report.is_zero() {
            last_report = waited.max(Duration::from_millis(1));
            tracing::info!(?waited, ?deadline, "waiting for the migration lock");
            emit(Event::Waiting { waited, deadline });
        }
        if conn.backend() == Backend::Postgres {
            tokio::time::sleep(delay.min(deadline.saturating_sub(waited))).await;
            delay = (delay * 2).min(Duration::from_millis(250));
        }
    }
    Err(Error::LockTimeout {
        waited: started.elapsed(),
    })
}

/// Releases the lock.
pub(crate) async fn release(conn: &mut Conn, tracking: &Tracking) -> Result<(), Error> {
    match conn.backend() {
        Backend::Postgres => {
            let key = fnv1a(&lock_name(tracking));
            conn.fetch_i64(bound("SELECT pg_advisory_unlock($1)::int", vec![key.into()]))
                .await?;
        }
        Backend::MySql => {
            conn.fetch_i64(bound(
                "SELECT RELEASE_LOCK(LEFT(CONCAT('lockgate:', COALESCE(DATABASE(), ''), ':', ?), 64))",
                vec![tracking.qualified_table().into()],
            ))
            .await?;
        }
        Backend::Sqlite => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn lock_keys_are_stable() {
        assert_eq!(fnv1a(""), i64::from_le_bytes(0xcbf2_9ce4_8422_2325_u64.to_le_bytes()));
        assert_ne!(fnv1a("lockgate:\"a\""), fnv1a("lockgate:\"b\""));
    }
}
