//! Fault injection for the crash tests (feature `fault-injection`): the process aborts, as a SIGKILL would end
//! it, at the Nth time a run passes a named point.
//!
//! The points:
//!
//! - `step-executed`: a step's statement has run; its progress is not recorded yet (in a transaction,
//!   neither is committed).
//! - `step-recorded`: a step-by-step migration's step and its progress are recorded; the next step has not
//!   started.
//! - `before-commit`: a transactional migration's steps and tracking row are written, not committed.
//! - `backfill-batch`: a backfill's batch is committed with its position (on SQLite, run inside the
//!   migration's transaction); the next batch has not started.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every point, in the order a run can pass them.
pub const POINTS: &[&str] = &["step-executed", "step-recorded", "before-commit", "backfill-batch"];

/// Aborts the process the `hit`th time a run passes `point` (counting from 1).
///
/// ```
/// lockgate_runtime::fault::abort_at("step-executed", 3).unwrap();
/// # lockgate_runtime::fault::clear();
/// ```
///
/// # Errors
///
/// When `point` is not one of [`POINTS`].
pub fn abort_at(point: &str, hit: usize) -> Result<(), String> {
    known(point)?;
    let passed = AtomicUsize::new(0);
    let name = point.to_owned();
    fail::cfg_callback(point, move || {
        if passed.fetch_add(1, Ordering::SeqCst) + 1 == hit {
            eprintln!("fault injected: abort at {name} #{hit}");
            std::process::abort();
        }
    })
}

/// Counts the times a run passes `point`, without stopping it.
///
/// ```
/// let count = lockgate_runtime::fault::count("before-commit").unwrap();
/// assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 0);
/// # lockgate_runtime::fault::clear();
/// ```
///
/// # Errors
///
/// When `point` is not one of [`POINTS`].
pub fn count(point: &str) -> Result<Arc<AtomicUsize>, String> {
    known(point)?;
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    fail::cfg_callback(point, move || {
        counter.fetch_add(1, Ordering::SeqCst);
    })?;
    Ok(count)
}

/// Removes every configured point.
///
/// ```
/// lockgate_runtime::fault::clear();
/// ```
pub fn clear() {
    for point in POINTS {
        fail::remove(point);
    }
}

fn known(point: &str) -> Result<(), String> {
    if POINTS.contains(&point) {
        Ok(())
    } else {
        Err(format!("unknown fault point `{point}`; the points are {POINTS:?}"))
    }
}
