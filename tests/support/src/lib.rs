//! Throwaway databases on the test servers for lockgate's test suites, and what an unreachable server means.
//!
//! Every suite that talks to PostgreSQL or MariaDB/MySQL creates its own database with a unique name, runs
//! against it and drops it afterwards. The servers default to `postgres://postgres@127.0.0.1:5432/test` and
//! `mysql://root@127.0.0.1:3306/test`, overridden by `LOCKGATE_TEST_POSTGRES_URL` and `LOCKGATE_TEST_MYSQL_URL`.
//! When the server is down, a test fails under `CI=true` and otherwise prints a `SKIPPED:` line that libtest
//! does not capture.
//!
//! ```no_run
//! use lockgate_test_support::{Server, TestDatabase};
//!
//! # async fn example() {
//! let Some(database) = TestDatabase::create(Server::Postgres, "doc").await else {
//!     return; // skipped, and said so on stderr
//! };
//! // ... connect to `database.url()` and test ...
//! database.drop_database().await.expect("drop the test database");
//! # }
//! ```

mod database;
mod server;
mod skip;

pub use database::{TestDatabase, unique_name};
pub use server::{Server, with_database};
pub use skip::{in_ci, skip, unreachable};
