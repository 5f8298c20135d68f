//! Progress lines printed from the migrator's events while `up`, `down` and `redo` run.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lockgate_dsl::Backend;
use lockgate_dsl::render::render_all;

use super::human::{duration, terminated};
use super::style::Palette;
use crate::{Direction, Event, Migrator};

/// Prints `applying 20250101090000 Create … ok (3 ms)` per migration; with `verbose`, each migration's SQL
/// follows its line. Shared with the error path, which closes a line left open by a failure.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    palette: Palette,
    /// A `Started` line is printed and waits for its outcome.
    open: Arc<AtomicBool>,
    /// Rendered SQL per version and direction, for verbose output.
    sql: Arc<HashMap<(i64, Direction), Vec<String>>>,
    /// Backfill progress: a bar redrawn in place on a terminal, a line every few seconds elsewhere (CI logs).
    backfill: Arc<Mutex<BackfillLine>>,
    terminal: bool,
}

/// What the backfill progress has shown of the migration that is running.
#[derive(Debug, Default)]
struct BackfillLine {
    /// The running migration's line (`applying 2025… name`), to say again once progress lines have followed it.
    label: Option<String>,
    /// A progress bar is drawn and the cursor is at its end.
    bar: bool,
    /// When the last progress line was printed, or the backfill started (not on a terminal).
    printed: Option<Instant>,
    /// A progress line was printed under the migration's line (not on a terminal).
    shown: bool,
}

/// How often progress lines are printed where they cannot be redrawn.
const LOG_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    /// A progress printer; `verbose` renders every known migration's SQL for `backend` up front.
    pub(crate) fn new(migrator: &Migrator, backend: Backend, palette: Palette, verbose: bool) -> Self {
        let mut sql = HashMap::new();
        if verbose {
            for migration in migrator.migrations() {
                let version = migration.meta().version;
                if let Ok(steps) = render_all(&migration.up_operations(), backend) {
                    sql.insert(
                        (version, Direction::Up),
                        steps.iter().map(ToString::to_string).collect(),
                    );
                }
                if let Ok(Ok(steps)) = migration.down_operations().map(|ops| render_all(&ops, backend)) {
                    sql.insert(
                        (version, Direction::Down),
                        steps.iter().map(ToString::to_string).collect(),
                    );
                }
            }
        }
        Progress {
            palette,
            open: Arc::new(AtomicBool::new(false)),
            sql: Arc::new(sql),
            backfill: Arc::default(),
            terminal: std::io::stdout().is_terminal(),
        }
    }

    /// Handles one event; output errors are ignored, since progress must never fail a migration.
    pub(crate) fn on_event(&self, event: &Event) {
        let mut out = std::io::stdout().lock();
        let p = self.palette;
        let _ = match event {
            Event::Started {
                version,
                name,
                direction,
            } => {
                let verb = match direction {
                    Direction::Up => "applying ",
                    Direction::Down => "reverting",
                };
                if let Ok(mut line) = self.backfill.lock() {
                    *line = BackfillLine {
                        label: Some(format!("{verb} {version} {name}")),
                        ..BackfillLine::default()
                    };
                }
                let statements = self.sql.get(&(*version, *direction)).filter(|s| !s.is_empty());
                let result = if let Some(statements) = statements {
                    let mut text = format!("{verb} {version} {name}\n");
                    for statement in statements {
                        for line in terminated(statement).lines() {
                            text.push_str(&p.dim(&format!("    {line}")));
                            text.push('\n');
                        }
                    }
                    text.push_str(&format!("{verb} {version} …"));
                    write!(out, "{text}")
                } else {
                    write!(out, "{verb} {version} {name} …")
                };
                self.open.store(true, Ordering::SeqCst);
                result.and_then(|()| out.flush())
            }
            Event::Finished { duration: took, .. } => {
                self.reopen(&mut out);
                self.open.store(false, Ordering::SeqCst);
                writeln!(out, " {} {}", p.ok("ok"), p.dim(&format!("({})", duration(*took))))
            }
            Event::Backfill { .. } => self.backfill_progress(&mut out, event),
            Event::Skipped {
                version,
                name,
                direction,
            } => {
                let note = p.dim("skipped: another migrator ran it first");
                if self.open.swap(false, Ordering::SeqCst) {
                    writeln!(out, " {note}")
                } else {
                    let verb = match direction {
                        Direction::Up => "applying ",
                        Direction::Down => "reverting",
                    };
                    writeln!(out, "{verb} {version} {name} … {note}")
                }
            }
            Event::Waiting { .. } | Event::Retrying { .. } => {
                self.close_line(&mut out);
                match notice(event) {
                    Some(text) => writeln!(out, "{}", p.warn(&text)),
                    None => Ok(()),
                }
            }
            Event::NotForBackend {
                version,
                name,
                direction,
                backend,
            } => {
                self.close_line(&mut out);
                let verb = match direction {
                    Direction::Up => "skipping ",
                    Direction::Down => "unskipping",
                };
                writeln!(
                    out,
                    "{verb} {version} {name} … {}",
                    p.dim(&format!("not for {backend}"))
                )
            }
        };
    }

    /// Handles one event for `--format json`, whose stdout holds only the final document: lock waits and
    /// retries go to stderr, so a script that seems stuck says why.
    pub(crate) fn on_event_quiet(&self, event: &Event) {
        if let Some(text) = notice(event) {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    /// Ends a progress line left open by a migration that failed.
    pub(crate) fn finish_failed(&self) {
        let mut out = std::io::stdout().lock();
        self.reopen(&mut out);
        if self.open.swap(false, Ordering::SeqCst) {
            let _ = writeln!(out, " {}", self.palette.error("failed"));
        }
    }

    /// Shows a backfill's progress under its migration's line: a bar redrawn in place on a terminal, a line at
    /// most every few seconds (and at the end) elsewhere.
    fn backfill_progress(&self, out: &mut impl Write, event: &Event) -> std::io::Result<()> {
        let Event::Backfill {
            table,
            done,
            total,
            rate,
            eta,
            ..
        } = event
        else {
            return Ok(());
        };
        let Ok(mut line) = self.backfill.lock() else {
            return Ok(());
        };
        let text = backfill_text(table, *done, *total, *rate, *eta);
        if self.terminal {
            self.close_line(out);
            line.bar = true;
            write!(out, "\r\x1b[2K    {}", self.palette.dim(&text))?;
            return out.flush();
        }
        // A line at the end of each backfill, and every few seconds while a long one runs.
        let started = *line.printed.get_or_insert_with(Instant::now);
        if done < total && started.elapsed() < LOG_EVERY {
            return Ok(());
        }
        self.close_line(out);
        line.printed = Some(Instant::now());
        line.shown = true;
        writeln!(out, "    {text}")
    }

    /// After backfill progress, ends the bar and writes the running migration's line again, so its outcome
    /// follows it.
    fn reopen(&self, out: &mut impl Write) {
        let Ok(mut line) = self.backfill.lock() else {
            return;
        };
        if std::mem::take(&mut line.bar) {
            let _ = writeln!(out);
        }
        if (line.shown || !self.open.load(Ordering::SeqCst))
            && let Some(label) = line.label.take()
        {
            let _ = write!(out, "{label} …");
            self.open.store(true, Ordering::SeqCst);
        }
        line.printed = None;
        line.shown = false;
    }

    fn close_line(&self, out: &mut impl Write) {
        if self.open.swap(false, Ordering::SeqCst) {
            let _ = writeln!(out);
        }
    }
}

/// The text of a lock wait or a retry; `None` for other events.
fn notice(event: &Event) -> Option<String> {
    match event {
        Event::Waiting { waited, deadline } if waited.as_secs() == 0 => Some(format!(
            "waiting for the migration lock, held by another migrator (giving up after {})",
            duration(*deadline)
        )),
        Event::Waiting { waited, deadline } => Some(format!(
            "still waiting for the migration lock ({} of at most {})",
            duration(*waited),
            duration(*deadline)
        )),
        Event::Retrying {
            version,
            attempt,
            delay,
            ..
        } => Some(format!(
            "migration {version} hit a lock timeout; retry {attempt} in {}",
            duration(*delay)
        )),
        Event::Started { .. }
        | Event::Finished { .. }
        | Event::NotForBackend { .. }
        | Event::Skipped { .. }
        | Event::Backfill { .. } => None,
    }
}

/// `backfill contracts [#####---------------] 25% 250000/1000000 rows, 41000 rows/s, 18.3 s left`.
fn backfill_text(table: &str, done: u64, total: u64, rate: f64, eta: Option<Duration>) -> String {
    const WIDTH: u64 = 20;
    // An empty table is complete.
    let filled = (done.min(total) * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let percent = (done.min(total) * 100).checked_div(total).unwrap_or(100);
    let bar: String = (0..WIDTH).map(|i| if i < filled { '#' } else { '-' }).collect();
    let mut text = format!("backfill {table} [{bar}] {percent}% {done}/{total} rows");
    if rate > 0.0 {
        text.push_str(&format!(", {rate:.0} rows/s"));
    }
    if let Some(eta) = eta.filter(|_| done < total) {
        text.push_str(&format!(", {} left", duration(eta)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backfill_progress_reads_as_a_bar() {
        assert_eq!(
            backfill_text("contracts", 250, 1000, 41_000.4, Some(Duration::from_millis(18_300))),
            "backfill contracts [#####---------------] 25% 250/1000 rows, 41000 rows/s, 18.3 s left"
        );
        // Done: no time left to show; an empty table is complete.
        assert_eq!(
            backfill_text("t", 10, 10, 5.0, Some(Duration::ZERO)),
            "backfill t [####################] 100% 10/10 rows, 5 rows/s"
        );
        assert_eq!(
            backfill_text("t", 0, 0, 0.0, None),
            "backfill t [####################] 100% 0/0 rows"
        );
    }
}
