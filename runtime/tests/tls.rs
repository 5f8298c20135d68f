//! Migrating over TLS (the `tls-rustls` feature): a URL that requires TLS gets an encrypted connection where the
//! server offers TLS, and a refusal that says so where it does not.
#![cfg(feature = "tls-rustls")]

mod common;

use common::{Fixture, TestDb, scalar, texts};
use lockgate_dsl::Backend;
use lockgate_runtime::{Database, Error, Migrator};

/// The URL with a query parameter added.
fn with_param(url: &str, param: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{param}")
}

fn accounts() -> Migrator {
    Migrator::new(vec![Fixture::boxed(1, "create accounts", |m| {
        m.create_table("accounts", |t| {
            t.column::<i64>("id").primary_key();
        });
    })])
    .unwrap()
}

#[tokio::test]
async fn postgres_requires_tls() {
    let Some(test) = TestDb::create(Backend::Postgres, "tls").await else {
        return;
    };
    let plain = test.connect().await;
    let offered = texts(&plain, "SHOW ssl").await == ["on"];
    plain.close().await;
    let url = with_param(&test.url, "sslmode=require");
    if offered {
        let db = Database::connect(&url).await.unwrap();
        let report = accounts().up(&db, None).await.unwrap();
        assert_eq!(report.applied.len(), 1);
        let encrypted = scalar(
            &db,
            "SELECT count(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl",
        )
        .await;
        assert_eq!(encrypted, 1, "the connection of a `sslmode=require` URL is encrypted");
        db.close().await;
    } else {
        refused(&url).await;
    }
    test.drop_db().await;
}

#[tokio::test]
async fn mysql_requires_tls() {
    let Some(test) = TestDb::create(Backend::MySql, "tls").await else {
        return;
    };
    let plain = test.connect().await;
    let offered = texts(&plain, "SELECT @@have_ssl").await == ["YES"];
    plain.close().await;
    let url = with_param(&test.url, "ssl-mode=required");
    if offered {
        let db = Database::connect(&url).await.unwrap();
        assert_eq!(accounts().up(&db, None).await.unwrap().applied.len(), 1);
        let ciphers = texts(
            &db,
            "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'",
        )
        .await;
        assert!(ciphers.iter().all(|c| !c.is_empty()), "{ciphers:?}");
        db.close().await;
    } else {
        refused(&url).await;
    }
    test.drop_db().await;
}

/// A server without TLS refuses a URL that requires it, before anything runs, saying why.
async fn refused(url: &str) {
    eprintln!("the server offers no TLS here: checking that `{url}` is refused");
    let error = match Database::connect(url).await {
        Ok(db) => accounts().up(&db, None).await.unwrap_err(),
        Err(error) => error,
    };
    assert!(matches!(error, Error::Connect { .. }), "{error}");
    assert!(error.to_string().contains("does not support TLS"), "{error}");
}
