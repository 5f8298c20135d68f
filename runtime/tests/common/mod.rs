//! Shared test support: throwaway databases on every backend and hand-written migrations.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicU32, Ordering};

use lockgate_dsl::plan::{OneWay, Plan, PlannedOp, inverse_of};
use lockgate_dsl::risk::Allowances;
use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
use lockgate_runtime::Database;
use sqlx::{AssertSqlSafe, Connection};

type Build = Box<dyn Fn(&mut Plan<()>) + Send + Sync>;

/// A migration built from a closure over a plan.
pub struct Fixture {
    meta: &'static MigrationMeta,
    build: Build,
}

/// An irreversible migration: one raw SQL statement without a way back.
pub struct OneWayFixture {
    meta: &'static MigrationMeta,
    sql: String,
}

impl OneWayFixture {
    /// A migration at `version` running `sql`, declared irreversible for `reason`.
    pub fn boxed(version: i64, name: &str, reason: &str, sql: &str) -> Box<dyn Migration> {
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let reason: &'static str = Box::leak(reason.to_owned().into_boxed_str());
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name,
            type_name: "OneWayFixture",
            allow: Allowances::NONE,
            irreversible: Some(reason),
            transaction: TransactionMode::PerMigration,
        }));
        Box::new(OneWayFixture {
            meta,
            sql: sql.to_owned(),
        })
    }
}

impl Migration for OneWayFixture {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        let mut plan = Plan::<(), OneWay>::new();
        plan.sql_irreversible(self.sql.clone());
        plan.into_operations()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Err(DownError::Declared {
            reason: self.meta.irreversible.unwrap_or("declared irreversible"),
        })
    }
}

impl Fixture {
    /// A migration at `version` whose plan `build` writes.
    pub fn boxed(
        version: i64,
        name: &str,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::with_mode(version, name, TransactionMode::PerMigration, build)
    }

    /// The same, with a transaction mode.
    pub fn with_mode(
        version: i64,
        name: &str,
        transaction: TransactionMode,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        // Test migrations are built a handful of times per process; leaking their metadata is harmless.
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name,
            type_name: "Fixture",
            allow: Allowances::NONE,
            irreversible: None,
            transaction,
        }));
        Box::new(Fixture {
            meta,
            build: Box::new(build),
        })
    }
}

impl Migration for Fixture {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        let mut plan = Plan::<()>::new();
        (self.build)(&mut plan);
        plan.into_operations()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Ok(inverse_of(&self.up_operations())?)
    }
}

/// A throwaway database, dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub backend: Backend,
    pub name: String,
    pub url: String,
    admin_url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn admin_url(backend: Backend) -> String {
    match backend {
        Backend::Postgres => std::env::var("LOCKGATE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
        Backend::MySql => {
            std::env::var("LOCKGATE_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
        }
        Backend::Sqlite => String::new(),
    }
}

/// Replaces the database name in a URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn unreachable(backend: Backend, error: impl std::fmt::Display) -> Option<TestDb> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{backend} unreachable in CI: {error}");
    }
    eprintln!("SKIPPED: {backend} unreachable: {error}");
    None
}

impl TestDb {
    /// Creates `lockgate_<suite>_<pid>_<counter>` on the backend; `None` (with a loud SKIPPED line) when the
    /// server is unreachable outside CI.
    pub async fn create(backend: Backend, suite: &str) -> Option<TestDb> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("lockgate_{suite}_{}_{n}", std::process::id());
        let admin = admin_url(backend);
        match backend {
            Backend::Postgres => {
                let mut c = match sqlx::PgConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => return unreachable(backend, e),
                };
                sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\"")))
                    .execute(&mut c)
                    .await
                    .expect("drop old test database");
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut c)
                    .await
                    .expect("create test database");
                Some(TestDb {
                    backend,
                    url: with_database(&admin, &name),
                    name,
                    admin_url: admin,
                })
            }
            Backend::MySql => {
                let mut c = match sqlx::MySqlConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => return unreachable(backend, e),
                };
                sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{name}`")))
                    .execute(&mut c)
                    .await
                    .expect("drop old test database");
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await
                    .expect("create test database");
                Some(TestDb {
                    backend,
                    url: with_database(&admin, &name),
                    name,
                    admin_url: admin,
                })
            }
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                for suffix in ["", "-journal", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                Some(TestDb {
                    backend,
                    url: format!("sqlite:{}", path.display()),
                    name,
                    admin_url: String::new(),
                })
            }
        }
    }

    /// A pool on the database.
    pub async fn connect(&self) -> Database {
        Database::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Drops the database.
    pub async fn drop_db(self) {
        match self.backend {
            Backend::Postgres => {
                if let Ok(mut c) = sqlx::PgConnection::connect(&self.admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await;
                }
            }
            Backend::MySql => {
                if let Ok(mut c) = sqlx::MySqlConnection::connect(&self.admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await;
                }
            }
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite:").to_owned();
                for suffix in ["", "-journal", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

/// Runs SQL on the database (test setup and probes).
pub async fn exec(db: &Database, sql: &str) {
    let text = AssertSqlSafe(sql.to_owned());
    match db {
        Database::Postgres(p) => sqlx::raw_sql(text).execute(p).await.map(|_| ()),
        Database::MySql(p) => sqlx::raw_sql(text).execute(p).await.map(|_| ()),
        Database::Sqlite(p) => sqlx::raw_sql(text).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql} failed: {e}"));
}

/// Reads one integer.
pub async fn scalar(db: &Database, sql: &str) -> i64 {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Database::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
        Database::MySql(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
        Database::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
    }
    .expect("scalar query")
}

/// Reads rows of text.
pub async fn texts(db: &Database, sql: &str) -> Vec<String> {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Database::Postgres(p) => sqlx::query_scalar::<_, String>(sql).fetch_all(p).await,
        Database::MySql(p) => sqlx::query_scalar::<_, String>(sql).fetch_all(p).await,
        Database::Sqlite(p) => sqlx::query_scalar::<_, String>(sql).fetch_all(p).await,
    }
    .expect("text query")
}

/// The user tables and their columns, sorted, as `table.column` (tracking tables left out): the schema to
/// compare before and after.
pub async fn schema(db: &Database) -> Vec<String> {
    let sql = match db {
        Database::Postgres(_) => {
            "SELECT (table_name || '.' || column_name || ':' || data_type)::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE 'lockgate_migrations%' ORDER BY 1"
        }
        Database::MySql(_) => {
            "SELECT CAST(CONCAT(table_name, '.', column_name, ':', column_type) AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name NOT LIKE 'lockgate_migrations%' ORDER BY 1"
        }
        Database::Sqlite(_) => {
            "SELECT m.name || '.' || p.name || ':' || p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'lockgate_migrations%' AND m.name NOT LIKE 'sqlite_%' \
             ORDER BY 1"
        }
    };
    let mut out = texts(db, sql).await;
    let indexes = match db {
        Database::Postgres(_) => {
            "SELECT ('index ' || indexname)::text FROM pg_indexes WHERE schemaname = 'public' \
             AND tablename NOT LIKE 'lockgate_migrations%' ORDER BY 1"
        }
        Database::MySql(_) => {
            "SELECT DISTINCT CAST(CONCAT('index ', index_name) AS CHAR) FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND table_name NOT LIKE 'lockgate_migrations%' ORDER BY 1"
        }
        Database::Sqlite(_) => {
            "SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' \
             AND tbl_name NOT LIKE 'lockgate_migrations%' ORDER BY 1"
        }
    };
    out.extend(texts(db, indexes).await);
    out
}

/// Another session holding a lock on a table, so that a migration touching it waits.
pub enum Blocker {
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl Blocker {
    /// PostgreSQL: an ACCESS EXCLUSIVE table lock. MySQL: an open transaction that read the table (its metadata
    /// lock blocks DDL). SQLite: the database write lock (`BEGIN IMMEDIATE`).
    pub async fn hold(test: &TestDb, table: &str) -> Blocker {
        match test.backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&test.url).await.expect("blocker connects");
                let sql = format!("BEGIN; LOCK TABLE \"{table}\" IN ACCESS EXCLUSIVE MODE");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .expect("lock the table");
                Blocker::Postgres(c)
            }
            Backend::MySql => {
                let mut c = sqlx::MySqlConnection::connect(&test.url)
                    .await
                    .expect("blocker connects");
                let sql = format!("START TRANSACTION; SELECT COUNT(*) FROM `{table}`");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .expect("lock the table");
                Blocker::MySql(c)
            }
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&test.url)
                    .await
                    .expect("blocker connects");
                sqlx::raw_sql("BEGIN IMMEDIATE")
                    .execute(&mut c)
                    .await
                    .expect("take the write lock");
                Blocker::Sqlite(c)
            }
        }
    }

    /// Ends the blocking transaction.
    pub async fn release(self) {
        match self {
            Blocker::Postgres(mut c) => sqlx::raw_sql("ROLLBACK").execute(&mut c).await.map(|_| ()),
            Blocker::MySql(mut c) => sqlx::raw_sql("ROLLBACK").execute(&mut c).await.map(|_| ()),
            Blocker::Sqlite(mut c) => sqlx::raw_sql("ROLLBACK").execute(&mut c).await.map(|_| ()),
        }
        .expect("release the lock");
    }
}
