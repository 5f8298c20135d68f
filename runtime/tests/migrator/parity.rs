//! A parity checkpoint after a backfill: a copy that misses a tenant fails the migration naming that tenant, and
//! nothing of it stays (rolled back, or undone on MySQL); the complete copy passes.

use lockgate_dsl::schema::Parity;
use lockgate_dsl::{Backend, Migration};
use lockgate_runtime::{Error, Migrator, State};

use crate::common::{Fixture, TestDb, scalar};
use crate::fixtures::states;

fn tables() -> Box<dyn Migration> {
    Fixture::boxed(1, "legacy and new tables", |m| {
        m.sql(
            "CREATE TABLE legacy_lines (id integer PRIMARY KEY, tenant_id integer NOT NULL, amount integer NOT NULL)",
            "DROP TABLE legacy_lines",
        );
        m.sql(
            "CREATE TABLE copied_lines (id integer PRIMARY KEY, tenant_id integer NOT NULL, amount integer NOT NULL)",
            "DROP TABLE copied_lines",
        );
        m.sql(
            "INSERT INTO legacy_lines (id, tenant_id, amount) VALUES (1, 1, 10), (2, 1, 5), (3, 2, 7), (4, 3, 1)",
            "DELETE FROM legacy_lines",
        );
    })
}

/// Copies the lines of the tenants `condition` selects, then checks the copy per tenant: rows and amounts.
fn backfill(condition: &'static str) -> Box<dyn Migration> {
    Fixture::boxed(2, "copy the lines", move |m| {
        m.sql(
            format!("INSERT INTO copied_lines (id, tenant_id, amount) SELECT id, tenant_id, amount FROM legacy_lines WHERE {condition}"),
            "DELETE FROM copied_lines",
        );
        m.assert_parity(
            Parity::rows("legacy_lines", "tenant_id"),
            Parity::rows("copied_lines", "tenant_id"),
        );
        m.assert_parity(
            Parity::sum("legacy_lines", "tenant_id", "amount"),
            Parity::sum("copied_lines", "tenant_id", "amount"),
        );
    })
}

pub(crate) async fn parity_checkpoint(backend: Backend) {
    let Some(test) = TestDb::create(backend, "parity").await else {
        return;
    };
    let db = test.connect().await;
    let missing_a_tenant = Migrator::new(vec![tables(), backfill("tenant_id < 3")]).unwrap();
    let error = missing_a_tenant.up(&db, None).await.unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, Error::AssertionFailed { .. } | Error::Compensated { .. }),
        "{text}"
    );
    assert!(
        text.contains("rows of `legacy_lines` per `tenant_id` must match rows of `copied_lines` per `tenant_id`; group `3` differs: 1 on the left, no rows on the right"),
        "{text}"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM copied_lines").await,
        0,
        "the partial copy does not stay"
    );
    let status = missing_a_tenant.status(&db).await.unwrap();
    assert_eq!(states(&status), [(1, State::Applied), (2, State::Failed)]);

    let complete = Migrator::new(vec![tables(), backfill("1 = 1")]).unwrap();
    assert_eq!(complete.up(&db, None).await.unwrap().applied.len(), 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM copied_lines").await, 4);
    db.close().await;
    test.drop_db().await;
}
