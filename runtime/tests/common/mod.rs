//! Shared test support: throwaway databases on every backend and hand-written migrations.

#![allow(dead_code, unreachable_pub)]

use lockgate_dsl::plan::{OneWay, Plan, PlannedOp, inverse_of};
use lockgate_dsl::risk::Allowances;
use lockgate_dsl::{Backend, DownError, Migration, MigrationMeta, TransactionMode};
use lockgate_runtime::Database;
use lockgate_test_support::{Server, TestDatabase, unique_name};
use sqlx::{AssertSqlSafe, Connection};

type Build = Box<dyn Fn(&mut Plan<()>) + Send + Sync>;

/// What test migrations allow: the runtime suites exercise the migrator, not the plan rules (they have suites of
/// their own), so their migrations may block, drop or break what the rules guard. [`Fixture::strict`] allows
/// nothing.
const FIXTURE_ALLOWS: Allowances = Allowances {
    destructive: Some("a runtime test fixture"),
    blocking: Some("a runtime test fixture"),
    incompatible: Some("a runtime test fixture"),
    data_dependent: Some("a runtime test fixture"),
};

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
            allow: FIXTURE_ALLOWS,
            irreversible: Some(reason),
            transaction: TransactionMode::PerMigration,
            backends: None,
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

    /// A migration at `version` that allows nothing, as a derived migration without `allow(...)`.
    pub fn strict(
        version: i64,
        name: &str,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::build(
            version,
            name,
            Allowances::NONE,
            TransactionMode::PerMigration,
            None,
            build,
        )
    }

    /// A migration for some backends only (`#[migration(backends = "...")]`).
    pub fn for_backends(
        version: i64,
        name: &str,
        backends: &'static [Backend],
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::build(
            version,
            name,
            FIXTURE_ALLOWS,
            TransactionMode::PerMigration,
            Some(backends),
            build,
        )
    }

    /// A migration for some backends only, with a transaction mode.
    pub fn for_backends_with_mode(
        version: i64,
        name: &str,
        backends: &'static [Backend],
        transaction: TransactionMode,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::build(version, name, FIXTURE_ALLOWS, transaction, Some(backends), build)
    }

    /// The same, with a transaction mode.
    pub fn with_mode(
        version: i64,
        name: &str,
        transaction: TransactionMode,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::build(version, name, FIXTURE_ALLOWS, transaction, None, build)
    }

    fn build(
        version: i64,
        name: &str,
        allow: Allowances,
        transaction: TransactionMode,
        backends: Option<&'static [Backend]>,
        build: impl Fn(&mut Plan<()>) + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        // Test migrations are built a handful of times per process; leaking their metadata is harmless.
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name,
            type_name: "Fixture",
            allow,
            irreversible: None,
            transaction,
            backends,
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
    /// The server's database; a SQLite database is a file at `url`.
    database: Option<TestDatabase>,
}

/// The files a SQLite database at `path` may leave behind.
fn sqlite_files(path: &str) -> impl Iterator<Item = String> {
    ["", "-journal", "-wal", "-shm"]
        .map(|suffix| format!("{path}{suffix}"))
        .into_iter()
}

impl TestDb {
    /// Creates `lockgate_<suite>_<pid>_<counter>` on the backend; `None` (with a loud SKIPPED line) when the
    /// server is unreachable outside CI.
    pub async fn create(backend: Backend, suite: &str) -> Option<TestDb> {
        let server = match backend {
            Backend::Postgres => Server::Postgres,
            Backend::MySql => Server::MySql,
            Backend::Sqlite => {
                let name = unique_name(suite);
                let path = std::env::temp_dir().join(format!("{name}.db"));
                for file in sqlite_files(&path.display().to_string()) {
                    let _ = std::fs::remove_file(file);
                }
                return Some(TestDb {
                    backend,
                    url: format!("sqlite:{}", path.display()),
                    name,
                    database: None,
                });
            }
        };
        let database = TestDatabase::create(server, suite).await?;
        Some(TestDb {
            backend,
            name: database.name().to_owned(),
            url: database.url().to_owned(),
            database: Some(database),
        })
    }

    /// A pool on the database.
    pub async fn connect(&self) -> Database {
        Database::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Drops the database.
    pub async fn drop_db(self) {
        match self.database {
            // A database left behind is harmless: its name is never used again.
            Some(database) => {
                let _ = database.drop_database().await;
            }
            None => {
                for file in sqlite_files(self.url.trim_start_matches("sqlite:")) {
                    let _ = std::fs::remove_file(file);
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

/// What `drift` finds, one line per difference.
pub async fn drift_lines(migrator: &lockgate_runtime::Migrator, db: &Database, scratch_url: &str) -> Vec<String> {
    let drift = migrator.drift(db, scratch_url).await.expect("drift runs");
    drift.iter().map(ToString::to_string).collect()
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

/// The user tables' columns (`table.column:type`) and indexes (`index name`), sorted, as the runtime's own
/// introspection reads them (tracking tables left out): the schema to compare before and after.
pub async fn schema(db: &Database) -> Vec<String> {
    let live = lockgate_runtime::Migrator::new(Vec::new())
        .expect("an empty migrator")
        .introspect(db)
        .await
        .expect("introspect the test database");
    let mut out = Vec::new();
    for (name, table) in &live.tables {
        out.extend(
            table
                .columns
                .iter()
                .map(|c| format!("{name}.{}:{}", c.name, c.data_type)),
        );
        out.extend(table.indexes.keys().map(|index| format!("index {index}")));
        out.extend(table.uniques.keys().map(|unique| format!("index {unique}")));
    }
    out.sort();
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

type Ops = Box<dyn Fn() -> Vec<PlannedOp> + Send + Sync>;

/// A migration with a hand-written up and down (`Up` + `Down`), each a function returning its operations.
pub struct UpDownFixture {
    meta: &'static MigrationMeta,
    up: Ops,
    down: Ops,
}

impl UpDownFixture {
    /// A migration at `version` whose up and down the two functions plan.
    pub fn boxed(
        version: i64,
        name: &str,
        up: impl Fn() -> Vec<PlannedOp> + Send + Sync + 'static,
        down: impl Fn() -> Vec<PlannedOp> + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        Self::boxed_with_mode(version, name, TransactionMode::PerMigration, up, down)
    }

    /// The same, with a transaction mode.
    pub fn boxed_with_mode(
        version: i64,
        name: &str,
        transaction: TransactionMode,
        up: impl Fn() -> Vec<PlannedOp> + Send + Sync + 'static,
        down: impl Fn() -> Vec<PlannedOp> + Send + Sync + 'static,
    ) -> Box<dyn Migration> {
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let meta = Box::leak(Box::new(MigrationMeta {
            version,
            name,
            type_name: "UpDownFixture",
            allow: FIXTURE_ALLOWS,
            irreversible: None,
            transaction,
            backends: None,
        }));
        Box::new(UpDownFixture {
            meta,
            up: Box::new(up),
            down: Box::new(down),
        })
    }
}

impl Migration for UpDownFixture {
    fn meta(&self) -> &'static MigrationMeta {
        self.meta
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        (self.up)()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        Ok((self.down)())
    }
}

/// A migration with what `#[migration(...)]` would add to it beyond its plans: session settings
/// (`foreign_keys = false`, `session(...)`) and the environments it may run its risky operations in
/// (`allow_in(production = "why")`).
pub struct Attributed {
    inner: Box<dyn Migration>,
    session: &'static [lockgate_dsl::session::SessionSetting],
    allowed_in: &'static [(&'static str, &'static str)],
}

impl Attributed {
    /// `inner`, run with `session`.
    pub fn with_session(
        inner: Box<dyn Migration>,
        session: Vec<lockgate_dsl::session::SessionSetting>,
    ) -> Box<dyn Migration> {
        Box::new(Attributed {
            inner,
            session: Box::leak(session.into_boxed_slice()),
            allowed_in: &[],
        })
    }

    /// `inner`, allowed in `environments`.
    pub fn allowed_in(
        inner: Box<dyn Migration>,
        environments: &'static [(&'static str, &'static str)],
    ) -> Box<dyn Migration> {
        Box::new(Attributed {
            inner,
            session: &[],
            allowed_in: environments,
        })
    }
}

impl Migration for Attributed {
    fn meta(&self) -> &'static MigrationMeta {
        self.inner.meta()
    }
    fn up_operations(&self) -> Vec<PlannedOp> {
        self.inner.up_operations()
    }
    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {
        self.inner.down_operations()
    }
    fn session(&self) -> &'static [lockgate_dsl::session::SessionSetting] {
        self.session
    }
    fn allowed_in(&self) -> &'static [(&'static str, &'static str)] {
        self.allowed_in
    }
}
