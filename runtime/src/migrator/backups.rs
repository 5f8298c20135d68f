//! The backups archived columns and tables leave (`lockgate_backup_*`): listing them, with their size, and
//! `purge`, which drops them for good.

use lockgate_dsl::Backend;
use lockgate_dsl::render::quote_ident;
use lockgate_dsl::schema::BACKUP_PREFIX;

use super::Migrator;
use crate::conn::bound;
use crate::database::Database;
use crate::error::Error;
use crate::session::Session;

/// A backup table an archived column or table left, kept so that `down` can restore the data.
///
/// ```
/// let b = lockgate_runtime::Backup { table: "lockgate_backup_contracts__is_template".into(), rows: 3, bytes: None };
/// assert_eq!(serde_json::to_value(&b).unwrap()["rows"], 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Backup {
    /// The backup table.
    pub table: String,
    /// The rows it holds.
    pub rows: i64,
    /// Its size on disk with its indexes, where the backend tells (not SQLite).
    pub bytes: Option<i64>,
}

/// The connection's schema's tables, with their size where the backend tells.
fn tables_query(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "SELECT tablename::text, pg_total_relation_size(format('%I.%I', schemaname, tablename))::text \
             FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
        Backend::MySql => {
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(DATA_LENGTH + INDEX_LENGTH AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
        }
        Backend::Sqlite => "SELECT name, NULL FROM sqlite_master WHERE type = 'table' ORDER BY name",
    }
}

impl Migrator {
    /// The backups archived columns and tables left, with their rows and size: what `down` restores from,
    /// until [`Migrator::purge`] drops them.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// for backup in m.backups(&db).await? {
    ///     println!("{}: {} rows", backup.table, backup.rows);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn backups(&self, db: &Database) -> Result<Vec<Backup>, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        list(&mut session).await
    }

    /// Drops the backup `table`, or every backup when `None`, for good: the migrations that archived them can
    /// then no longer go down (their restore refuses, naming the missing backup). Returns the tables dropped.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let dropped = m.purge(&db, Some("lockgate_backup_contracts__is_template")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge(&self, db: &Database, table: Option<&str>) -> Result<Vec<String>, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        let backups = list(&mut session).await?;
        let chosen: Vec<String> = match table {
            None => backups.into_iter().map(|b| b.table).collect(),
            Some(name) if backups.iter().any(|b| b.table == name) => vec![name.to_owned()],
            Some(name) => {
                return Err(Error::UnknownBackup {
                    name: name.to_owned(),
                    backups: backups.into_iter().map(|b| b.table).collect(),
                });
            }
        };
        let backend = session.backend();
        for table in &chosen {
            tracing::info!(table = %table, "purging a backup");
            let drop = format!("DROP TABLE {}", quote_ident(backend, table));
            session.driver.conn().execute(&drop).await.map_err(Error::Database)?;
        }
        Ok(chosen)
    }
}

async fn list(session: &mut Session<'_>) -> Result<Vec<Backup>, Error> {
    let backend = session.backend();
    let rows = session
        .driver
        .conn()
        .fetch_text(bound(tables_query(backend), Vec::new()))
        .await
        .map_err(Error::Database)?;
    let mut backups = Vec::new();
    for row in rows {
        let mut columns = row.into_iter();
        let Some(table) = columns.next().flatten().filter(|t| t.starts_with(BACKUP_PREFIX)) else {
            continue;
        };
        let bytes = columns.next().flatten().and_then(|b| b.trim().parse().ok());
        let count = format!("SELECT COUNT(*) FROM {}", quote_ident(backend, &table));
        let rows = session
            .driver
            .conn()
            .fetch_i64(bound(&count, Vec::new()))
            .await
            .map_err(Error::Database)?
            .unwrap_or(0);
        backups.push(Backup { table, rows, bytes });
    }
    Ok(backups)
}
