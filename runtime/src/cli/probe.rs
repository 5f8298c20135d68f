//! One direct connection attempt before the pool is built, so an unreachable server fails fast and
//! with its real cause.
//!
//! A sqlx pool retries refused connections until its acquire timeout (30 s) and then reports only
//! "pool timed out"; a person at a terminal wants "connection refused" at once.

use std::time::Duration;

use lockgate_dsl::Backend;
use sqlx::Connection;

use crate::Error;

/// How long the probe waits for a server that does not answer at all (a dropped SYN, a firewall).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens and closes one connection to a PostgreSQL or MySQL URL; SQLite and unknown schemes are left
/// to [`crate::Database::connect`], which already fails fast for them.
pub(crate) async fn probe(url: &str) -> Result<(), Error> {
    let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let attempt = async {
        match scheme.as_str() {
            "postgres" | "postgresql" => {
                let connection = sqlx::PgConnection::connect(url)
                    .await
                    .map_err(|e| (Backend::Postgres, e))?;
                connection.close().await.map_err(|e| (Backend::Postgres, e))
            }
            "mysql" | "mariadb" => {
                // sqlx only knows the `mysql` scheme; the runtime rewrites `mariadb` the same way.
                let url = match url.strip_prefix("mariadb") {
                    Some(rest) => format!("mysql{rest}"),
                    None => url.to_owned(),
                };
                let connection = sqlx::MySqlConnection::connect(&url)
                    .await
                    .map_err(|e| (Backend::MySql, e))?;
                connection.close().await.map_err(|e| (Backend::MySql, e))
            }
            _ => Ok(()),
        }
    };
    let backend = if scheme.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::MySql
    };
    match tokio::time::timeout(PROBE_TIMEOUT, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err((backend, source))) => Err(Error::Connect { backend, source }),
        Err(_) => Err(Error::Connect {
            backend,
            source: sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the server did not answer within {} s", PROBE_TIMEOUT.as_secs()),
            )),
        }),
    }
}
