//! One direct connection attempt before the pool is built, so an unreachable server fails fast and
//! with its real cause.
//!
//! A sqlx pool retries refused connections until its acquire timeout (30 s) and then reports only
//! "pool timed out"; a person at a terminal wants "connection refused" at once.

use std::time::Duration;

use crate::Error;

/// How long the probe waits for a server that does not answer at all (a dropped SYN, a firewall).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens and closes one connection to a server's URL; embedded databases and unknown schemes are left to
/// [`crate::Database::connect`], which already fails fast for them.
pub(crate) async fn probe(url: &str) -> Result<(), Error> {
    let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let Some((backend, attempt)) = crate::backend::probe(&scheme, url) else {
        return Ok(());
    };
    match tokio::time::timeout(PROBE_TIMEOUT, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(Error::Connect { backend, source }),
        Err(_) => Err(Error::Connect {
            backend,
            source: sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the server did not answer within {} s", PROBE_TIMEOUT.as_secs()),
            )),
        }),
    }
}
