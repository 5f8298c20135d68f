//! `fresh`, `reset` and the protection mark that refuses both: starting a disposable database over.

use lockgate_dsl::Backend;

use super::Migrator;
use crate::conn::bound;
use crate::database::Database;
use crate::error::Error;
use crate::report::{DownTarget, Report};
use crate::session::Session;

/// Why and when a database was marked protected (`Migrator::protect`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Protection {
    /// Why, as given.
    pub reason: String,
    /// When, in UTC.
    pub marked_at: String,
    /// Who marked it (host and tool).
    pub marked_by: String,
}

/// Every object of the connection's schema (where the user's objects live), as drop statements in an order that needs no dependency tracking (`CASCADE`
/// takes what depends on what). Extensions' own objects go with their extension.
const POSTGRES_OBJECTS: &str = "SELECT stmt FROM (\
    SELECT 1 AS ord, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname) AS stmt \
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = current_schema() AND e.extname <> 'plpgsql' \
    UNION ALL SELECT 2, format('DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE', schemaname, matviewname) \
      FROM pg_matviews WHERE schemaname = current_schema() \
    UNION ALL SELECT 3, format('DROP VIEW IF EXISTS %I.%I CASCADE', schemaname, viewname) FROM pg_views WHERE schemaname = current_schema() \
    UNION ALL SELECT 4, format('DROP TABLE IF EXISTS %I.%I CASCADE', schemaname, tablename) FROM pg_tables WHERE schemaname = current_schema() \
    UNION ALL SELECT 5, format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', schemaname, sequencename) \
      FROM pg_sequences WHERE schemaname = current_schema() \
    UNION ALL SELECT 6, format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname) \
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
      WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r', 'm') \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e') \
    UNION ALL SELECT 7, format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) \
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
      WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p') \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')\
  ) AS objects ORDER BY ord";

const MYSQL_OBJECTS: &str = "SELECT stmt FROM (\
    SELECT 1 AS ord, CAST(CONCAT('DROP VIEW IF EXISTS `', REPLACE(TABLE_NAME, '`', '``'), '`') AS CHAR) AS stmt \
      FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() \
    UNION ALL SELECT 2, CAST(CONCAT('DROP TABLE IF EXISTS `', REPLACE(TABLE_NAME, '`', '``'), '`') AS CHAR) \
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'\
  ) AS objects ORDER BY ord";

const SQLITE_OBJECTS: &str = "SELECT 'DROP ' || upper(type) || ' IF EXISTS \"' || replace(name, '\"', '\"\"') || '\"' \
    FROM sqlite_master WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table', name";

impl Migrator {
    pub(crate) async fn run_protection(&self, db: &Database) -> Result<Option<Protection>, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        let statement = session.tracking.select_protected();
        match session.driver.conn().fetch_text(statement).await {
            Ok(rows) => Ok(rows.into_iter().next().map(|row| {
                let mut cols = row.into_iter().map(Option::unwrap_or_default);
                Protection {
                    reason: cols.next().unwrap_or_default(),
                    marked_at: cols.next().unwrap_or_default(),
                    marked_by: cols.next().unwrap_or_default(),
                }
            })),
            Err(e) if crate::backend::is_missing_table(&e) => Ok(None),
            Err(e) => Err(Error::Database(e)),
        }
    }

    pub(crate) async fn run_protect(&self, db: &Database, reason: &str) -> Result<(), Error> {
        let mut session = Session::open(&self.settings, db).await?;
        session.read_rows_or_create().await?;
        let create = session.tracking.create_protected();
        session.driver.conn().execute(&create).await.map_err(Error::Database)?;
        let by = session.applied_by.clone();
        for statement in session.tracking.insert_protected(reason, &by) {
            session
                .driver
                .conn()
                .execute_bound(statement)
                .await
                .map_err(Error::Database)?;
        }
        tracing::info!(reason, "the database is protected from fresh and reset");
        Ok(())
    }

    pub(crate) async fn run_unprotect(&self, db: &Database) -> Result<bool, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        let statement = session.tracking.delete_protected();
        match session.driver.conn().execute_bound(statement).await {
            Ok(deleted) => Ok(deleted > 0),
            Err(e) if crate::backend::is_missing_table(&e) => Ok(false),
            Err(e) => Err(Error::Database(e)),
        }
    }

    async fn refuse_protected(&self, db: &Database, action: &'static str) -> Result<(), Error> {
        match self.run_protection(db).await? {
            Some(p) => Err(Error::Protected {
                action,
                reason: p.reason,
                marked_at: p.marked_at,
                marked_by: p.marked_by,
            }),
            None => Ok(()),
        }
    }

    pub(crate) async fn run_reset(&self, db: &Database) -> Result<Report, Error> {
        self.refuse_protected(db, "reset").await?;
        self.run_down(db, DownTarget::To(0)).await
    }

    pub(crate) async fn run_fresh(&self, db: &Database) -> Result<Report, Error> {
        self.refuse_protected(db, "fresh").await?;
        tracing::warn!(backend = %db.backend(), "dropping every object of the schema");
        {
            let mut session = Session::open(&self.settings, db).await?;
            session.lock().await?;
            let dropped = drop_everything(&mut session, &self.created_schemas(db.backend())).await;
            session.unlock().await;
            dropped?;
        }
        self.run_up(db, None).await
    }
}

impl Migrator {
    /// The schemas this list's migrations create: `fresh` drops those and nothing else outside the current
    /// schema, since other schemas may hold what no migration of this list made.
    fn created_schemas(&self, backend: Backend) -> Vec<String> {
        self.migrations()
            .iter()
            .filter(|m| m.meta().targets(backend))
            .flat_map(|m| m.up_operations())
            .filter_map(|planned| match planned.op {
                lockgate_dsl::operation::Operation::CreateSchema { name } => Some(name),
                _ => None,
            })
            .collect()
    }
}

/// Drops every table, view and type of the schema, lockgate's tables too, and the schemas the migrations create:
/// in one transaction on PostgreSQL, with foreign key checks off on MySQL and SQLite (put back after).
async fn drop_everything(session: &mut Session<'_>, created_schemas: &[String]) -> Result<(), Error> {
    let backend = session.backend();
    let (list, off, on) = match backend {
        Backend::Postgres => (POSTGRES_OBJECTS, "BEGIN", "COMMIT"),
        Backend::MySql => (
            MYSQL_OBJECTS,
            "SET SESSION foreign_key_checks = 0",
            "SET SESSION foreign_key_checks = 1",
        ),
        Backend::Sqlite => (SQLITE_OBJECTS, "PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON"),
    };
    let rows = session
        .driver
        .conn()
        .fetch_text(bound(list, Vec::new()))
        .await
        .map_err(Error::Database)?;
    let mut statements: Vec<String> = rows
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    for schema in created_schemas {
        statements.push(format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            session.tracking.quote(schema)
        ));
    }
    // lockgate's tables may live in a schema of their own.
    if let Some(schema) = &session.tracking.schema {
        let tracking = &session.tracking;
        for table in tracking.own_tables() {
            statements.push(format!(
                "DROP TABLE IF EXISTS {}.{}",
                tracking.quote(schema),
                tracking.quote(&table)
            ));
        }
    }
    session.driver.conn().execute(off).await.map_err(Error::Database)?;
    for statement in &statements {
        tracing::info!(sql = %statement, "fresh");
        if let Err(source) = session.driver.conn().execute(statement).await {
            let undo = if backend == Backend::Postgres { "ROLLBACK" } else { on };
            let _ = session.driver.conn().execute(undo).await;
            return Err(Error::Plan {
                migration: None,
                reason: format!("`fresh` could not run `{statement}`: {}", crate::error::Cause(&source)),
            });
        }
    }
    session.driver.conn().execute(on).await.map_err(Error::Database)
}
