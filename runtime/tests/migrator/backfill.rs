//! A batched backfill with real rows: values right after up, down and up again; a batch that fails stops the
//! migration, and the retry resumes after the last committed batch without touching a row twice.

use std::sync::{Arc, Mutex};

use lockgate_dsl::schema::{Backfill, Undo};
use lockgate_dsl::{Backend, Migration, TransactionMode};
use lockgate_runtime::{DownTarget, Event, Migrator, State};

use crate::common::{Fixture, TestDb, exec, scalar};
use crate::fixtures::states;

const ROWS: i64 = 250;
const BATCH: u32 = 40;
/// The accounts with a switch row at first: the fifth batch (161 to 200) fails.
const SWITCHED: i64 = 160;

/// `accounts` with `ROWS` rows, a third of them closed, and `switch`, which the backfill reads per row: a row
/// without a switch row makes its batch fail.
fn accounts() -> Box<dyn Migration> {
    Fixture::boxed(1, "accounts", |m| {
        m.sql(
            "CREATE TABLE accounts (id integer PRIMARY KEY, status varchar(10) NOT NULL, touched integer NOT NULL)",
            "DROP TABLE accounts",
        );
        m.sql("CREATE TABLE switch (id integer PRIMARY KEY)", "DROP TABLE switch");
        let rows = (1..=ROWS)
            .map(|id| format!("({id}, '{}', 0)", if id % 3 == 0 { "closed" } else { "open" }))
            .collect::<Vec<_>>()
            .join(", ");
        m.sql(
            format!("INSERT INTO accounts (id, status, touched) VALUES {rows}"),
            "DELETE FROM accounts",
        );
        m.sql(
            format!("INSERT INTO switch (id) SELECT id FROM accounts WHERE id <= {SWITCHED}"),
            "DELETE FROM switch",
        );
    })
}

/// Adds `status_code` and fills it in batches, counting in `touched` how often each row was updated.
fn fill(batching_by_range: bool) -> Box<dyn Migration> {
    Fixture::with_mode(2, "status codes", TransactionMode::None, move |m| {
        m.add_column::<Option<i32>>("accounts", "status_code");
        let mut fill = Backfill::keyed::<i32>("accounts", "id")
            .set("status_code", "CASE status WHEN 'open' THEN 1 ELSE 0 END")
            // NULL, so the batch fails, where `switch` has no row for the account.
            .set(
                "touched",
                "touched + 1 + (SELECT 0 * id FROM switch WHERE switch.id = accounts.id)",
            )
            .pending("status_code IS NULL")
            .batch_size(BATCH);
        if batching_by_range {
            fill = fill.by_key_range();
        }
        m.backfill(fill, Undo::Nothing);
    })
}

/// Backfill progress events as they arrive, as (done, total).
type Seen = Arc<Mutex<Vec<(u64, u64)>>>;

/// The backfill progress events of a migrator.
fn observed(migrator: Migrator) -> (Migrator, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let migrator = migrator.with_observer(move |event| {
        if let Event::Backfill { done, total, .. } = event {
            sink.lock().unwrap().push((*done, *total));
        }
    });
    (migrator, seen)
}

async fn assert_filled(db: &lockgate_runtime::Database, touched: i64) {
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM accounts WHERE status_code = 1 AND status = 'open'"
        )
        .await,
        ROWS - ROWS / 3
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM accounts WHERE status_code = 0 AND status = 'closed'"
        )
        .await,
        ROWS / 3
    );
    assert_eq!(
        scalar(db, &format!("SELECT COUNT(*) FROM accounts WHERE touched = {touched}")).await,
        ROWS,
        "every row updated exactly once per up"
    );
}

pub(crate) async fn backfill(backend: Backend) {
    for by_range in [false, true] {
        let Some(test) = TestDb::create(backend, "backfill").await else {
            return;
        };
        let db = test.connect().await;

        // Rows 161 on have no switch row yet: the fifth batch fails.
        let (migrator, events) = observed(Migrator::new(vec![accounts(), fill(by_range)]).unwrap());
        migrator.up(&db, None).await.unwrap_err();
        exec(
            &db,
            &format!("INSERT INTO switch (id) SELECT id FROM accounts WHERE id > {SWITCHED}"),
        )
        .await;
        let status = migrator.status(&db).await.unwrap();
        assert_eq!(states(&status), [(1, State::Applied), (2, State::Failed)]);
        let committed = SWITCHED;
        if backend == Backend::Sqlite {
            // One transaction: the failure rolled every batch back, the added column with them.
            assert_eq!(
                scalar(&db, "SELECT COUNT(*) FROM accounts WHERE touched = 0").await,
                ROWS
            );
        } else {
            // Four batches committed with their position.
            assert_eq!(
                scalar(&db, "SELECT COUNT(*) FROM accounts WHERE touched = 1").await,
                committed
            );
            assert_eq!(
                scalar(&db, "SELECT MAX(id) + 0 * COUNT(*) FROM accounts WHERE touched = 1").await,
                committed
            );
        }
        events.lock().unwrap().clear();

        // The retry resumes after the last committed batch.
        let report = migrator.up(&db, None).await.unwrap();
        assert_eq!(report.applied.len(), 1);
        assert_filled(&db, 1).await;
        let seen = events.lock().unwrap().clone();
        let resumed_at = if backend == Backend::Sqlite {
            0
        } else {
            committed as u64
        };
        assert_eq!(seen.first(), Some(&(resumed_at, ROWS as u64)), "{seen:?}");
        assert_eq!(seen.last(), Some(&(ROWS as u64, ROWS as u64)), "{seen:?}");
        let batches = (ROWS as u64 - resumed_at).div_ceil(u64::from(BATCH)) as usize;
        assert_eq!(
            seen.len(),
            batches + 1,
            "one event before the first batch, one per batch: {seen:?}"
        );

        // Down drops the column (nothing to undo in the backfill); up again fills it afresh, from the start.
        migrator.down(&db, DownTarget::Steps(1)).await.unwrap();
        events.lock().unwrap().clear();
        migrator.up(&db, None).await.unwrap();
        assert_filled(&db, 2).await;
        assert_eq!(events.lock().unwrap().first(), Some(&(0, ROWS as u64)));
        db.close().await;
        test.drop_db().await;
    }
}
