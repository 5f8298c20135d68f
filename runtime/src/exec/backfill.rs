//! A backfill, batch by batch: each batch's `UPDATE` commits with the position it reached, so a run that dies
//! resumes after the last committed batch and no batch's rows change twice.

use std::time::{Duration, Instant};

use lockgate_dsl::render::{BackfillStep, RenderError};
use lockgate_dsl::schema::Batching;

use crate::error::Error;
use crate::report::Event;
use crate::session::Session;
use crate::tracking;
use crate::work::Work;

/// How far a backfill has got.
struct Position {
    /// The last key of the last committed batch; `None` before the first.
    after: Option<String>,
    /// Rows changed so far.
    done: u64,
}

/// Runs the backfill of step `index` of `work`. Where the backfill commits its batches, the migration runs no
/// transaction around it (the step runs outside one); on SQLite it runs in the migration's.
pub(super) async fn run(
    session: &mut Session<'_>,
    work: &Work,
    index: usize,
    step: &BackfillStep,
) -> Result<(), Error> {
    let commits = step.commits_batches();
    let step_key = i64::try_from(index).unwrap_or(i64::MAX);
    let mut position = Position { after: None, done: 0 };
    if commits {
        let create = session.tracking.create_backfill();
        session
            .driver
            .conn()
            .execute(&create)
            .await
            .map_err(|source| Error::Tracking {
                action: "create",
                source,
            })?;
        // Resuming the step an interrupted run was on: carry on from its last committed batch. Anything else
        // starts from the beginning (a position left by an earlier `up` that was reverted since means nothing).
        if work.retrying && index == work.resume_from {
            if let Some(recorded) = read_position(session, work.version, step_key).await? {
                tracing::info!(
                    version = work.version,
                    after = recorded.after.as_deref().unwrap_or(""),
                    done = recorded.done,
                    "resuming a backfill after its last committed batch"
                );
                position = recorded;
            }
        } else {
            let forget = session.tracking.delete_backfill(work.version, step_key);
            session.write_tracking(forget).await?;
        }
    }
    let remaining = fetch_count(session, work, &step.count()).await?;
    let mut progress = Progress {
        version: work.version,
        // The table written: the target of a copy.
        table: step
            .backfill
            .into
            .clone()
            .unwrap_or_else(|| step.backfill.table.clone()),
        started: Instant::now(),
        resumed_at: position.done,
        total: position.done + remaining,
    };
    progress.report(session, position.done);
    let pause = Duration::from_millis(u64::from(step.backfill.pause_ms));
    match step.backfill.batching {
        Batching::Keyset => loop {
            let next = step
                .next_batch(position.after.as_deref())
                .map_err(|e| render(work, e))?;
            let row = fetch_row(session, work, &next).await?;
            let Some(Some(upto)) = row.into_iter().next() else {
                break;
            };
            batch(session, work, step, step_key, &mut position, upto, commits).await?;
            progress.report(session, position.done);
            pause_after(pause).await;
        },
        Batching::KeyRange => {
            let range = fetch_row(session, work, &step.key_range()).await?;
            let mut bounds = range.into_iter().map(|v| v.and_then(|v| v.trim().parse::<i64>().ok()));
            let (Some(Some(first)), Some(Some(last))) = (bounds.next(), bounds.next()) else {
                return Ok(());
            };
            let mut after = match position.after.as_deref().map(str::parse::<i64>) {
                Some(Ok(after)) => after,
                _ => first.saturating_sub(1),
            };
            let width = i64::from(step.backfill.batch_size);
            while after < last {
                let upto = after.saturating_add(width).min(last);
                batch(session, work, step, step_key, &mut position, upto.to_string(), commits).await?;
                after = upto;
                progress.report(session, position.done);
                pause_after(pause).await;
            }
        }
    }
    Ok(())
}

/// Updates the rows to do after the position up to `upto`, committed with the new position where batches commit.
async fn batch(
    session: &mut Session<'_>,
    work: &Work,
    step: &BackfillStep,
    step_key: i64,
    position: &mut Position,
    upto: String,
    commits: bool,
) -> Result<(), Error> {
    let update = step
        .update(position.after.as_deref(), &upto)
        .map_err(|e| render(work, e))?;
    if commits {
        session.begin().await?;
    }
    let changed = match session.driver.conn().execute_unprepared(&update).await {
        Ok(changed) => changed,
        Err(source) => {
            if commits {
                session.rollback().await;
            }
            return Err(Error::StatementFailed {
                migration: work.id(),
                statement: update,
                source,
            });
        }
    };
    let done = position.done + changed;
    if commits {
        let record =
            session
                .tracking
                .upsert_backfill(work.version, step_key, &upto, i64::try_from(done).unwrap_or(i64::MAX));
        if let Err(e) = session.write_tracking(record).await {
            session.rollback().await;
            return Err(e);
        }
        session.commit().await.map_err(Error::Database)?;
    }
    fail::fail_point!("backfill-batch");
    position.after = Some(upto);
    position.done = done;
    Ok(())
}

async fn pause_after(pause: Duration) {
    if !pause.is_zero() {
        tokio::time::sleep(pause).await;
    }
}

async fn read_position(session: &mut Session<'_>, version: i64, step: i64) -> Result<Option<Position>, Error> {
    let read = |source| Error::Tracking { action: "read", source };
    let query = session
        .tracking
        .select_backfill(version, step, tracking::BACKFILL_POSITION);
    let rows = session.driver.conn().fetch_text(query).await.map_err(read)?;
    let Some(after) = rows.into_iter().next().and_then(|row| row.into_iter().next().flatten()) else {
        return Ok(None);
    };
    let query = session
        .tracking
        .select_backfill(version, step, tracking::BACKFILL_ROWS_DONE);
    let done = session.driver.conn().fetch_i64(query).await.map_err(read)?;
    Ok(Some(Position {
        after: Some(after),
        done: done.and_then(|d| u64::try_from(d).ok()).unwrap_or(0),
    }))
}

async fn fetch_count(session: &mut Session<'_>, work: &Work, query: &str) -> Result<u64, Error> {
    let row = fetch_row(session, work, query).await?;
    Ok(row
        .into_iter()
        .next()
        .flatten()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0))
}

/// The first row of a query, every column as text.
async fn fetch_row(session: &mut Session<'_>, work: &Work, query: &str) -> Result<Vec<Option<String>>, Error> {
    let rows = session
        .driver
        .conn()
        .fetch_text_unprepared(query)
        .await
        .map_err(|source| Error::StatementFailed {
            migration: work.id(),
            statement: query.to_owned(),
            source,
        })?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

fn render(work: &Work, source: RenderError) -> Error {
    Error::Render {
        migration: work.id(),
        source,
    }
}

/// Progress events: rows done against the total, with this run's rate and the time left at that rate.
struct Progress {
    version: i64,
    table: String,
    started: Instant,
    /// Rows an interrupted run had done before this one started, which this run's rate leaves out.
    resumed_at: u64,
    total: u64,
}

impl Progress {
    fn report(&mut self, session: &Session<'_>, done: u64) {
        // Rows written by others meanwhile can make the count grow past the first estimate.
        self.total = self.total.max(done);
        let seconds = self.started.elapsed().as_secs_f64();
        let this_run = done.saturating_sub(self.resumed_at);
        let rate = if seconds > 0.0 { this_run as f64 / seconds } else { 0.0 };
        let eta = (rate > 0.0).then(|| Duration::from_secs_f64(self.total.saturating_sub(done) as f64 / rate));
        session.settings.emit(Event::Backfill {
            version: self.version,
            table: self.table.clone(),
            done,
            total: self.total,
            rate,
            eta,
        });
    }
}
