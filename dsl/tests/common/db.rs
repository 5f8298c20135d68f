//! Fresh databases on real PostgreSQL, MariaDB/MySQL and SQLite: running rendered steps, describing the schema.

// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::str::FromStr;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::Operation;
use lockgate_dsl::render::{LiveTable, Step, render, split_items};
use lockgate_test_support::{Server, TestDatabase};
use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Row};

/// A connection to a database of its own, dropped by [`TestDb::finish`].
pub(crate) enum Conn {
    /// PostgreSQL.
    Pg(PgConnection),
    /// MySQL or MariaDB.
    My(MySqlConnection),
    /// SQLite, in memory: the database lives as long as the connection.
    Lite(SqliteConnection),
}

/// A fresh database for one test case.
pub(crate) struct TestDb {
    pub(crate) backend: Backend,
    pub(crate) conn: Conn,
    /// The server's database; SQLite's lives in the connection.
    database: Option<TestDatabase>,
}

macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Pg($c) => $body,
            Conn::My($c) => $body,
            Conn::Lite($c) => $body,
        }
    };
}

impl TestDb {
    /// Creates a database named `lockgate_<suite>_<pid>_<n>` and connects to it; `None` when the
    /// server is unreachable outside CI.
    pub(crate) async fn create(backend: Backend, suite: &str) -> Option<TestDb> {
        let (conn, database) = match backend {
            Backend::Postgres => {
                let database = TestDatabase::create(Server::Postgres, suite).await?;
                let conn = PgConnection::connect(database.url()).await.expect("connect");
                (Conn::Pg(conn), Some(database))
            }
            Backend::MySql => {
                let database = TestDatabase::create(Server::MySql, suite).await?;
                let conn = MySqlConnection::connect(database.url()).await.expect("connect");
                (Conn::My(conn), Some(database))
            }
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str("sqlite::memory:").expect("a valid sqlite url");
                let conn = SqliteConnection::connect_with(&options.foreign_keys(true))
                    .await
                    .expect("connect");
                (Conn::Lite(conn), None)
            }
        };
        Some(TestDb {
            backend,
            conn,
            database,
        })
    }

    /// Closes the connection and drops the database.
    pub(crate) async fn finish(self) {
        let TestDb { conn, database, .. } = self;
        on_conn!(conn, c => { c.close().await.ok(); });
        if let Some(database) = database {
            database.drop_database().await.expect("drop the test database");
        }
    }

    /// Runs one statement.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), String> {
        let query = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        on_conn!(&mut self.conn, c => query.execute(&mut *c).await.map(drop))
            .map_err(|e| format!("{sql}\n  failed: {e}"))
    }

    /// Runs a query whose columns are all text (or NULL) and returns its rows, NULL as `NULL`.
    pub(crate) async fn texts(&mut self, sql: &str, binds: &[&str]) -> Result<Vec<Vec<String>>, String> {
        let mut out = Vec::new();
        macro_rules! fetch {
            ($c:expr) => {{
                let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
                for bind in binds {
                    query = query.bind(bind.to_string());
                }
                let rows = query
                    .fetch_all(&mut *$c)
                    .await
                    .map_err(|e| format!("{sql}\n  failed: {e}"))?;
                for row in rows {
                    let mut values = Vec::new();
                    for i in 0..row.len() {
                        let value: Option<String> = row.try_get(i).map_err(|e| format!("{sql}\n  column {i}: {e}"))?;
                        values.push(value.unwrap_or_else(|| "NULL".to_owned()));
                    }
                    out.push(values);
                }
            }};
        }
        match &mut self.conn {
            Conn::Pg(c) => fetch!(c),
            Conn::My(c) => fetch!(c),
            Conn::Lite(c) => fetch!(c),
        }
        Ok(out)
    }

    /// Whether a query's single value is true (a boolean, or a non-zero integer).
    pub(crate) async fn truthy(&mut self, sql: &str) -> Result<bool, String> {
        macro_rules! fetch {
            ($c:expr) => {{
                let row = sqlx::query(AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut *$c)
                    .await
                    .map_err(|e| format!("{sql}\n  failed: {e}"))?;
                match (
                    row.try_get::<Option<bool>, _>(0),
                    row.try_get::<Option<i64>, _>(0),
                ) {
                    (Ok(b), _) => Ok(b.unwrap_or(false)),
                    (_, Ok(i)) => Ok(i.is_some_and(|i| i != 0)),
                    (Err(e), _) => Err(format!("{sql}\n  not a boolean: {e}")),
                }
            }};
        }
        match &mut self.conn {
            Conn::Pg(c) => fetch!(c),
            Conn::My(c) => fetch!(c),
            Conn::Lite(c) => fetch!(c),
        }
    }

    /// Renders an operation and runs it as the runtime would: PostgreSQL and SQLite steps in one
    /// transaction (steps marked `outside_transaction` alone), SQLite rebuilds with foreign keys off
    /// around the transaction and `PRAGMA foreign_key_check` before the commit.
    pub(crate) async fn apply(&mut self, op: &Operation) -> Result<(), String> {
        let steps = render(op, self.backend).map_err(|e| e.to_string())?;
        self.run(&steps).await
    }

    /// Runs rendered steps; see [`TestDb::apply`].
    pub(crate) async fn run(&mut self, steps: &[Step]) -> Result<(), String> {
        let transactional = self.backend.transactional_ddl() && !steps.iter().any(Step::outside_transaction);
        let rebuilds = steps.iter().any(|s| matches!(s, Step::Rebuild(_)));
        if rebuilds {
            self.execute("PRAGMA foreign_keys=OFF").await?;
        }
        if transactional {
            self.execute("BEGIN").await?;
        }
        let result = self.run_steps(steps, rebuilds).await;
        if transactional {
            self.execute(if result.is_ok() { "COMMIT" } else { "ROLLBACK" }).await?;
        }
        if rebuilds {
            self.execute("PRAGMA foreign_keys=ON").await?;
        }
        result
    }

    async fn run_steps(&mut self, steps: &[Step], rebuilds: bool) -> Result<(), String> {
        for step in steps {
            match step {
                Step::Sql { sql, .. } => self.execute(sql).await?,
                Step::Assert { query, message } => {
                    if !self.truthy(query).await? {
                        return Err(format!("assertion failed: {message}"));
                    }
                }
                Step::Parity { left, right, message } => {
                    let mut left = self.texts(left, &[]).await?;
                    let mut right = self.texts(right, &[]).await?;
                    left.sort();
                    right.sort();
                    if left != right {
                        return Err(format!("parity failed: {message}"));
                    }
                }
                Step::Backfill(fill) => {
                    // Every batch, as the runtime cuts them; the statements are what is under test here.
                    let mut after: Option<String> = None;
                    loop {
                        let next = fill.next_batch(after.as_deref()).map_err(|e| e.to_string())?;
                        let row = self.texts(&next, &[]).await?.into_iter().next().unwrap_or_default();
                        let Some(upto) = row.into_iter().next().filter(|v| v != "NULL") else {
                            break;
                        };
                        let update = fill.update(after.as_deref(), &upto).map_err(|e| e.to_string())?;
                        self.execute(&update).await?;
                        after = Some(upto);
                    }
                }
                Step::Rebuild(rebuild) => {
                    let rows = self
                        .texts(
                            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?",
                            &[&rebuild.table],
                        )
                        .await?;
                    let rows = rows.into_iter().map(|mut r| {
                        let sql = r.pop().filter(|s| s != "NULL");
                        let name = r.pop().unwrap_or_default();
                        let kind = r.pop().unwrap_or_default();
                        (kind, name, sql)
                    });
                    let live = LiveTable::from_master_rows(&rebuild.table, rows).map_err(|e| e.to_string())?;
                    for sql in rebuild.statements(&live).map_err(|e| e.to_string())? {
                        self.execute(&sql).await?;
                    }
                }
            }
        }
        if rebuilds {
            let violations = self
                .texts("SELECT CAST(\"table\" AS TEXT) FROM pragma_foreign_key_check", &[])
                .await?;
            if !violations.is_empty() {
                return Err(format!("foreign key violations after a rebuild: {violations:?}"));
            }
        }
        Ok(())
    }

    /// Every fact about the schema, one sorted line each: tables, columns (type, nullability,
    /// default), indexes, constraints, views, enum types and extensions. Column order is not part
    /// of it: re-adding a dropped column puts it last on every backend.
    pub(crate) async fn schema(&mut self) -> Result<Vec<String>, String> {
        let mut facts = Vec::new();
        let queries: &[&str] = match self.backend {
            Backend::Postgres => &[
                "SELECT 'table', table_name::text, table_type::text FROM information_schema.tables \
                 WHERE table_schema = 'public'",
                "SELECT 'column', table_name::text, column_name::text, data_type::text, udt_name::text, \
                 character_maximum_length::text, numeric_precision::text, numeric_scale::text, is_nullable::text, \
                 column_default::text FROM information_schema.columns WHERE table_schema = 'public'",
                "SELECT 'index', tablename::text, indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public'",
                "SELECT 'constraint', conrelid::regclass::text, conname::text, contype::text, \
                 pg_get_constraintdef(oid), convalidated::text FROM pg_constraint \
                 WHERE connamespace = 'public'::regnamespace",
                "SELECT 'view', viewname::text, definition FROM pg_views WHERE schemaname = 'public'",
                "SELECT 'enum', t.typname::text, string_agg(e.enumlabel::text, ',' ORDER BY e.enumsortorder) \
                 FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
                "SELECT 'extension', extname::text FROM pg_extension",
            ],
            Backend::MySql => &[
                "SELECT 'table', CAST(table_name AS CHAR), CAST(table_type AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE()",
                "SELECT 'column', CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), \
                 CAST(is_nullable AS CHAR), CAST(column_default AS CHAR), CAST(extra AS CHAR) \
                 FROM information_schema.columns WHERE table_schema = DATABASE()",
                "SELECT 'index', CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(non_unique AS CHAR), \
                 CAST(seq_in_index AS CHAR), CAST(column_name AS CHAR) FROM information_schema.statistics \
                 WHERE table_schema = DATABASE()",
                "SELECT 'constraint', CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), \
                 CAST(constraint_type AS CHAR) FROM information_schema.table_constraints \
                 WHERE table_schema = DATABASE()",
                "SELECT 'check', CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), CAST(check_clause AS CHAR) \
                 FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()",
                "SELECT 'foreign_key', CAST(r.table_name AS CHAR), CAST(r.constraint_name AS CHAR), \
                 CAST(r.referenced_table_name AS CHAR), CAST(r.update_rule AS CHAR), CAST(r.delete_rule AS CHAR), \
                 CAST(k.column_name AS CHAR), CAST(k.referenced_column_name AS CHAR) \
                 FROM information_schema.referential_constraints r JOIN information_schema.key_column_usage k \
                 ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name \
                 AND k.table_name = r.table_name WHERE r.constraint_schema = DATABASE()",
                "SELECT 'view', CAST(table_name AS CHAR), CAST(view_definition AS CHAR) FROM information_schema.views \
                 WHERE table_schema = DATABASE()",
            ],
            Backend::Sqlite => &[
                "SELECT CAST(type AS TEXT), CAST(name AS TEXT), CAST(tbl_name AS TEXT), \
                 CASE WHEN type = 'table' THEN '' ELSE CAST(sql AS TEXT) END FROM sqlite_master \
                 WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_lockgate_%'",
            ],
        };
        for query in queries {
            for row in self.texts(query, &[]).await? {
                facts.push(normalize(&row.join(" | ")));
            }
        }
        if self.backend == Backend::Sqlite {
            facts.extend(self.sqlite_table_facts().await?);
        }
        facts.sort();
        Ok(facts)
    }

    async fn sqlite_table_facts(&mut self) -> Result<Vec<String>, String> {
        let mut facts = Vec::new();
        let tables = self
            .texts(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                &[],
            )
            .await?;
        for row in tables {
            let (table, sql) = (&row[0], &row[1]);
            let per_table: [(&str, &str); 3] = [
                (
                    "column",
                    "SELECT name, type, CAST(\"notnull\" AS TEXT), CAST(dflt_value AS TEXT), CAST(pk AS TEXT) \
                     FROM pragma_table_info(?)",
                ),
                (
                    "index",
                    "SELECT name, CAST(\"unique\" AS TEXT), origin, CAST(partial AS TEXT) FROM pragma_index_list(?)",
                ),
                (
                    "foreign_key",
                    "SELECT CAST(seq AS TEXT), \"table\", \"from\", \"to\", on_update, on_delete \
                     FROM pragma_foreign_key_list(?)",
                ),
            ];
            for (kind, query) in per_table {
                for values in self.texts(query, &[table]).await? {
                    // Automatic index names carry a counter that depends on the constraints' order.
                    let values: Vec<&str> = values
                        .iter()
                        .map(|v| {
                            if v.starts_with("sqlite_autoindex_") {
                                "sqlite_autoindex"
                            } else {
                                v
                            }
                        })
                        .collect();
                    facts.push(format!("{kind} | {table} | {}", values.join(" | ")));
                }
            }
            let unique_columns = self
                .texts(
                    "SELECT group_concat(i.name, ',') FROM pragma_index_list(?) l, pragma_index_info(l.name) i \
                     WHERE l.origin = 'u' GROUP BY l.name",
                    &[table],
                )
                .await?;
            for cols in unique_columns {
                facts.push(format!("unique | {table} | {}", cols.join(",")));
            }
            // Table constraints come from the CREATE TABLE text, spacing aside.
            let body = sql
                .find('(')
                .and_then(|open| sql.rfind(')').map(|close| &sql[open + 1..close]));
            for item in split_items(body.unwrap_or("")).map_err(|e| e.to_string())? {
                let head = item.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(&head.as_str()) {
                    facts.push(format!(
                        "table_constraint | {table} | {}",
                        normalize(&strip_comments(&item))
                    ));
                }
            }
        }
        Ok(facts)
    }

    /// The seeded contract rows as text, in id order.
    pub(crate) async fn contract_rows(&mut self, table: &str) -> Result<Vec<Vec<String>>, String> {
        let cast = match self.backend {
            Backend::Postgres => "text",
            Backend::MySql => "CHAR",
            Backend::Sqlite => "TEXT",
        };
        let q = |c: &str| lockgate_dsl::render::quote_ident(self.backend, c);
        let columns: Vec<String> = ["id", "tenant_id", "title", "amount", "state", "note"]
            .iter()
            .map(|c| format!("CAST({} AS {cast})", q(c)))
            .collect();
        let sql = format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), q(table), q("id"));
        self.texts(&sql, &[]).await
    }
}

/// SQL text with runs of whitespace collapsed and no spaces inside parentheses.
pub(crate) fn normalize(sql: &str) -> String {
    let collapsed = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace("( ", "(").replace(" )", ")")
}

/// SQL text without `--` and `/* */` comments (rebuilds drop comments around items).
fn strip_comments(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}
