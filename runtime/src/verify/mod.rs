//! Looking at the schema a database really has: the round trip of every migration (`verify`), the live schema
//! against what the applied migrations produce (`drift`), and two live databases side by side (`diff`).

mod report;

use std::collections::BTreeSet;

pub use report::{RoundTrip, Stage, VerifiedMigration, VerifyReport};

use crate::backend::Scratch;
use crate::conn::bound;
use crate::database::Database;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::report::{DownTarget, Report};
use crate::schema::{CompareOptions, Difference, Schema, compare};
use crate::session::Session;

/// What a round trip may change: where a re-added column lands (no backend but MySQL can say where), and a
/// constraint's validation (`VALIDATE` has no inverse).
pub(crate) const ROUND_TRIP: CompareOptions = CompareOptions {
    ignore_constraint_names: false,
    ignore_column_order: true,
    accept_validated: true,
};

impl Migrator {
    /// The live schema of `db`, without this migrator's tracking tables.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let schema = m.introspect(&db).await?;
    /// for (name, table) in &schema.tables {
    ///     println!("{name}: {} columns", table.columns.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn introspect(&self, db: &Database) -> Result<Schema, Error> {
        let mut session = Session::open(&self.settings, db).await?;
        let skip = session.tracking.own_tables();
        session.driver.introspect(&skip).await.map_err(Error::Database)
    }

    /// Round-trips every migration in a fresh scratch database beside `url` (created on its server, or a
    /// temporary SQLite file, and dropped afterwards): up, down (the schema must be as before up, and rows in
    /// tables the migration does not touch must survive), up again (the schema must be as after the first up).
    /// Column order and a constraint left validated by a `VALIDATE` that cannot be undone do not count.
    /// Irreversible migrations are applied and reported as skipped with their reason. Verification stops at the
    /// first failure, since the scratch database is then in a state no later migration expects.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.verify("postgres://postgres@127.0.0.1:5432/test").await?;
    /// if let Some(failure) = report.first_failure() {
    ///     eprintln!("{failure}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn verify(&self, url: &str) -> Result<VerifyReport, Error> {
        self.verify_in_scratch(url, 0).await
    }

    /// [`Migrator::verify`] of the last migration only: the ones before it are applied in the scratch database
    /// first, unchecked. What the derive's test runs for one migration when `LOCKGATE_VERIFY_URL` is set.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator) -> Result<(), lockgate_runtime::Error> {
    /// let report = m.verify_last("sqlite::memory:").await?;
    /// assert!(report.migrations.len() <= 1);
    /// # Ok(()) }
    /// ```
    pub async fn verify_last(&self, url: &str) -> Result<VerifyReport, Error> {
        self.verify_in_scratch(url, self.migrations.len().saturating_sub(1))
            .await
    }

    async fn verify_in_scratch(&self, url: &str, from: usize) -> Result<VerifyReport, Error> {
        let scratch = Scratch::create(url).await?;
        let result = async {
            let db = Database::connect(&scratch.url).await?;
            let report = match from.checked_sub(1).and_then(|i| self.migrations.get(i)) {
                Some(before) => match self.up_in_scratch(&db, Some(before.meta().version)).await {
                    Ok(_) => self.verify_from(&db, from).await,
                    Err(e) => Err(e),
                },
                None => self.verify_from(&db, 0).await,
            };
            db.close().await;
            report
        }
        .await;
        scratch.remove().await;
        result
    }

    /// [`Migrator::verify`] on a database the caller made; it must be empty.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// assert!(m.verify_on(&db).await?.is_ok());
    /// # Ok(()) }
    /// ```
    pub async fn verify_on(&self, db: &Database) -> Result<VerifyReport, Error> {
        self.verify_from(db, 0).await
    }

    /// Round-trips the migrations from index `from` on, the ones before already applied.
    async fn verify_from(&self, db: &Database, from: usize) -> Result<VerifyReport, Error> {
        let mut report = VerifyReport::default();
        for m in self.migrations.iter().skip(from) {
            let meta = m.meta();
            let version = meta.version;
            let name = meta.name.to_owned();
            if let Some(failure) = run_samples(self, db, m.samples()).await? {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Failed {
                        stage: Stage::Sample,
                        differences: vec![failure],
                    },
                });
                break;
            }
            let lossy = Lossy::of(&m.up_operations());
            let before = self.introspect(db).await?;
            let contents_before = contents(self, db, &before, &lossy).await?;
            self.up_in_scratch(db, Some(version)).await?;
            if !meta.targets(db.backend()) {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Skipped {
                        reason: format!("not for {}", db.backend()),
                    },
                });
                continue;
            }
            if let Some(reason) = meta.irreversible {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Skipped {
                        reason: format!("irreversible: {reason}"),
                    },
                });
                continue;
            }
            let after_up = self.introspect(db).await?;
            self.down(db, DownTarget::Steps(1)).await?;
            let after_down = self.introspect(db).await?;
            let mut differences = compare(&before, &after_down, ROUND_TRIP);
            let ops: Vec<_> = m.up_operations().into_iter().map(|p| p.op).collect();
            let partitions_of = |parent: &str| {
                before
                    .tables
                    .iter()
                    .filter(|(_, t)| t.partition_of.as_ref().is_some_and(|of| of.parent == parent))
                    .map(|(name, _)| name.clone())
                    .collect()
            };
            differences.retain(|d| !left_by_design(&ops, d, partitions_of));
            let touched: BTreeSet<String> = m
                .up_operations()
                .iter()
                .filter_map(|p| p.op.table().map(str::to_owned))
                .collect();
            // Rows of untouched tables must survive; with samples, those of the touched tables must come back.
            let checked =
                |table: &String| !lossy.tables.contains(table) && (!touched.contains(table) || !m.samples().is_empty());
            let contents_after = contents(self, db, &after_down, &lossy).await?;
            for (table, rows) in contents_before.iter().filter(|(t, _)| checked(t)) {
                match contents_after.iter().find(|(t, _)| t == table) {
                    Some((_, after)) if after == rows => {}
                    Some((_, after)) => differences.push(Difference {
                        object: format!("rows of `{table}`"),
                        change: crate::schema::Change::Changed {
                            expected: rows.describe(),
                            found: after.describe_against(rows),
                        },
                    }),
                    None => {}
                }
            }
            if !differences.is_empty() {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Failed {
                        stage: Stage::Down,
                        differences,
                    },
                });
                // The scratch database is now in a state no migration expects: stop at the first failure.
                break;
            }
            self.up_in_scratch(db, Some(version)).await?;
            let again = self.introspect(db).await?;
            let differences = compare(&after_up, &again, ROUND_TRIP);
            if differences.is_empty() {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Verified,
                });
            } else {
                report.migrations.push(VerifiedMigration {
                    version,
                    name,
                    outcome: RoundTrip::Failed {
                        stage: Stage::UpAgain,
                        differences,
                    },
                });
                break;
            }
        }
        Ok(report)
    }

    /// The live schema of `db` against the schema its applied migrations produce, replayed in a scratch
    /// database beside `scratch_url` (or beside `db`'s own URL): what is missing, extra or changed live.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// let drift = m.drift(&db, "postgres://postgres@127.0.0.1:5432/test").await?;
    /// for difference in &drift {
    ///     println!("{difference}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn drift(&self, db: &Database, scratch_url: &str) -> Result<Vec<Difference>, Error> {
        let applied: Vec<i64> = self
            .status(db)
            .await?
            .into_iter()
            .filter(|s| {
                matches!(
                    s.state,
                    crate::State::Applied | crate::State::Changed | crate::State::Skipped
                )
            })
            .filter(|s| self.find(s.version).is_some())
            .map(|s| s.version)
            .collect();
        let live = self.introspect(db).await?;
        let replayed = self.replay(scratch_url, applied.last().copied()).await?;
        Ok(compare(&replayed, &live, CompareOptions::default()))
    }

    /// The schema the migrations up to `to` produce (none when `None`), applied in a scratch database beside
    /// `scratch_url` that is dropped afterwards.
    async fn replay(&self, scratch_url: &str, to: Option<i64>) -> Result<Schema, Error> {
        let scratch = Scratch::create(scratch_url).await?;
        let result = async {
            let replay = Database::connect(&scratch.url).await?;
            let result = async {
                if let Some(to) = to {
                    self.up_in_scratch(&replay, Some(to)).await?;
                }
                self.introspect(&replay).await
            }
            .await;
            replay.close().await;
            result
        }
        .await;
        scratch.remove().await;
        result
    }
}

impl Migrator {
    /// [`Migrator::baseline`], after checking that the live schema is exactly what the migrations up to
    /// `version` produce, replayed in a scratch database beside `scratch_url`; refuses with
    /// [`Error::SchemaMismatch`] (recording nothing) otherwise.
    ///
    /// ```no_run
    /// # async fn run(m: lockgate_runtime::Migrator, db: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
    /// m.baseline_verified(&db, 20250107162000, "postgres://postgres@127.0.0.1:5432/test").await?;
    /// # Ok(()) }
    /// ```
    pub async fn baseline_verified(&self, db: &Database, version: i64, scratch_url: &str) -> Result<Report, Error> {
        if self.find(version).is_none() {
            return Err(Error::UnknownVersion { version });
        }
        let live = self.introspect(db).await?;
        let replayed = self.replay(scratch_url, Some(version)).await?;
        let differences = compare(&replayed, &live, CompareOptions::default());
        if !differences.is_empty() {
            return Err(Error::SchemaMismatch { version, differences });
        }
        self.baseline(db, version).await
    }
}

/// The differences between two live databases: what `b` lacks, has extra or has changed against `a`.
///
/// ```no_run
/// # async fn run(staging: lockgate_runtime::Database, production: lockgate_runtime::Database) -> Result<(), lockgate_runtime::Error> {
/// use lockgate_runtime::schema::CompareOptions;
/// let differences = lockgate_runtime::diff(&staging, &production, CompareOptions::default()).await?;
/// # Ok(()) }
/// ```
pub async fn diff(a: &Database, b: &Database, options: CompareOptions) -> Result<Vec<Difference>, Error> {
    let migrator = Migrator::new(Vec::new())?;
    let expected = migrator.introspect(a).await?;
    let found = migrator.introspect(b).await?;
    Ok(compare(&expected, &found, options))
}

/// Whether `difference`, found after `up` and `down` of `ops`, is one that round trip leaves by design, because
/// PostgreSQL adds to a table what a detach then leaves on it:
/// - attaching a table builds the parent's key, indexes and foreign keys on it where it lacked them, and the
///   detach back keeps them;
/// - detaching `CONCURRENTLY` adds a CHECK of the partition's bound, which the attach back keeps (and uses to
///   skip its scan);
/// - an index created on a partitioned table adopts the partitions' indexes like it, and dropping it drops
///   them too: PostgreSQL drops a partitioned index whole.
///
/// ```
/// use lockgate_dsl::operation::Operation;
/// use lockgate_dsl::schema::PartitionDef;
/// use lockgate_runtime::schema::{Change, Difference};
/// use lockgate_runtime::verify::left_by_design;
/// let detach = Operation::DetachPartition {
///     partition: PartitionDef::list("accounts_eu", "accounts", ["de"]),
///     concurrently: true,
/// };
/// let check = Difference {
///     object: "check `accounts_eu_region_check` on `accounts_eu`".into(),
///     change: Change::Extra { found: "CHECK (...)".into() },
/// };
/// assert!(left_by_design(&[detach], &check, |_| Vec::new()));
/// ```
pub fn left_by_design(
    ops: &[lockgate_dsl::operation::Operation],
    difference: &Difference,
    partitions_of: impl Fn(&str) -> Vec<String>,
) -> bool {
    use crate::schema::Change;
    use lockgate_dsl::operation::Operation;
    let object = difference.object.as_str();
    let extra_on = |kinds: &[&str], table: &str| {
        matches!(difference.change, Change::Extra { .. })
            && object.ends_with(&format!("` on `{table}`"))
            && kinds.iter().any(|kind| object.starts_with(&format!("{kind} `")))
    };
    ops.iter().any(|op| match op {
        Operation::AttachPartition(partition) => {
            extra_on(&["index", "unique constraint", "foreign key"], &partition.name)
                || (object == format!("primary key of `{}`", partition.name)
                    && matches!(&difference.change, Change::Changed { expected, .. } if expected == "()"))
        }
        Operation::DetachPartition {
            partition,
            concurrently: true,
        } => extra_on(&["check"], &partition.name) && object.starts_with(&format!("check `{}_", partition.name)),
        Operation::CreateIndex(index) => {
            matches!(difference.change, Change::Missing { .. })
                && object.starts_with("index `")
                && partitions_of(&index.table)
                    .iter()
                    .any(|p| object.ends_with(&format!("` on `{p}`")))
        }
        _ => false,
    })
}

/// What a round trip cannot give back: the tables `up` drops and the columns it drops or changes.
#[derive(Default)]
struct Lossy {
    tables: BTreeSet<String>,
    columns: BTreeSet<(String, String)>,
}

impl Lossy {
    fn of(ops: &[lockgate_dsl::plan::PlannedOp]) -> Lossy {
        use lockgate_dsl::operation::Operation;
        let mut lossy = Lossy::default();
        for planned in ops {
            match &planned.op {
                Operation::DropTable(table) => {
                    lossy.tables.insert(table.name.clone());
                }
                Operation::DropPartition(partition) => {
                    lossy.tables.insert(partition.name.clone());
                }
                Operation::DropColumn { table, column } | Operation::AlterColumn { table, to: column, .. } => {
                    lossy.columns.insert((table.clone(), column.name.clone()));
                }
                _ => {}
            }
        }
        lossy
    }
}

/// A table's rows as the driver's digest says: their count, and a value that changes with any of them.
#[derive(Debug, PartialEq, Eq)]
struct Rows {
    count: String,
    digest: String,
}

impl Rows {
    fn describe(&self) -> String {
        let plural = if self.count == "1" { "" } else { "s" };
        format!("{} row{plural}", self.count)
    }

    fn describe_against(&self, expected: &Rows) -> String {
        if self.count == expected.count {
            format!("{}, not all as they were", self.describe())
        } else {
            self.describe()
        }
    }
}

/// Runs a migration's samples; the first that fails, as a difference naming it.
async fn run_samples(migrator: &Migrator, db: &Database, samples: &[&str]) -> Result<Option<Difference>, Error> {
    if samples.is_empty() {
        return Ok(None);
    }
    let mut session = Session::open(&migrator.settings, db).await?;
    for sample in samples {
        if let Err(e) = session.driver.conn().execute_bound(bound(sample, Vec::new())).await {
            return Ok(Some(Difference {
                object: format!("sample `{sample}`"),
                change: crate::schema::Change::Changed {
                    expected: "it inserts its rows".to_owned(),
                    found: e.to_string(),
                },
            }));
        }
    }
    Ok(None)
}

/// Every table's rows, over the columns a round trip can give back.
async fn contents(
    migrator: &Migrator,
    db: &Database,
    schema: &Schema,
    lossy: &Lossy,
) -> Result<Vec<(String, Rows)>, Error> {
    let mut session = Session::open(&migrator.settings, db).await?;
    let mut out = Vec::with_capacity(schema.tables.len());
    for (name, table) in &schema.tables {
        let columns: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !lossy.columns.contains(&(name.clone(), c.name.clone())))
            .map(|c| c.name.clone())
            .collect();
        let sql = session.driver.content_digest_sql(name, &columns);
        let rows = session.driver.conn().fetch_text(bound(&sql, Vec::new())).await?;
        let value = rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .unwrap_or_default();
        let (count, digest) = value.split_once(':').unwrap_or((value.as_str(), ""));
        out.push((
            name.clone(),
            Rows {
                count: count.to_owned(),
                digest: digest.to_owned(),
            },
        ));
    }
    Ok(out)
}
