//! The derive's support at run time: every derived migration registers itself, so that its generated test can
//! run the live round trip against `LOCKGATE_VERIFY_URL` on top of the migrations before it.

pub use inventory;

use crate::Migration;
use crate::runtime::Migrator;

/// A derived migration, as `#[derive(Migration)]` registers it.
///
/// ```
/// fn boxed() -> Box<dyn lockgate::Migration> { unimplemented!() }
/// let entry = lockgate::__private::Registered::new(1, "app::migrations", boxed);
/// assert_eq!(entry.version, 1);
/// ```
#[derive(Debug)]
pub struct Registered {
    /// Its version.
    pub version: i64,
    /// The module it is declared in (`module_path!()`).
    pub module: &'static str,
    /// Builds it.
    pub boxed: fn() -> Box<dyn Migration>,
}

impl Registered {
    /// An entry for the registry; `const` so that `inventory::submit!` takes it.
    ///
    /// ```
    /// fn boxed() -> Box<dyn lockgate::Migration> { unimplemented!() }
    /// const ENTRY: lockgate::__private::Registered = lockgate::__private::Registered::new(7, "app", boxed);
    /// assert_eq!(ENTRY.module, "app");
    /// ```
    pub const fn new(version: i64, module: &'static str, boxed: fn() -> Box<dyn Migration>) -> Self {
        Registered { version, module, boxed }
    }
}

inventory::collect!(Registered);

/// The migrations registered under the module path `scope` (a crate, or a module within it) with versions up to
/// `version`, in version order, an SQL file embedded twice counted once.
fn registered_up_to(scope: &str, version: i64) -> Vec<&'static Registered> {
    let in_scope = |module: &str| module == scope || module.starts_with(&format!("{scope}::"));
    let mut entries: Vec<&Registered> = inventory::iter::<Registered>
        .into_iter()
        .filter(|r| in_scope(r.module) && r.version <= version)
        .collect();
    entries.sort_by_key(|r| r.version);
    entries.dedup_by(same_file);
    entries
}

/// Whether two registrations are one SQL file embedded by two `embed_migrations!` calls (whose `type_name` is
/// the file's path; a derived migration's is its type's name, which has no `.`).
fn same_file(a: &mut &Registered, b: &mut &Registered) -> bool {
    let (first, second) = ((a.boxed)(), (b.boxed)());
    let file = first.meta().type_name;
    a.version == b.version && file.ends_with(".sql") && file == second.meta().type_name
}

/// What the derive's test calls first: the plan checks of the migration at `version`, against the schema the
/// migrations of its crate before it build.
///
/// # Panics
///
/// When a plan check fails, naming every problem; that is the point.
///
/// ```
/// // Nothing is registered under this module: the migration is checked alone, and there is none.
/// lockgate::__private::check_in_crate(1, "app::migrations");
/// ```
#[track_caller]
pub fn check_in_crate(version: i64, module: &'static str) {
    let krate = module.split("::").next().unwrap_or(module);
    let migrations: Vec<Box<dyn Migration>> = registered_up_to(krate, version).iter().map(|r| (r.boxed)()).collect();
    let Some((this, before)) = migrations.split_last() else {
        return;
    };
    if this.meta().version != version {
        return;
    }
    let before: Vec<&dyn Migration> = before.iter().map(|m| &**m).collect();
    lockgate_dsl::__private::assert_migration_checks_after(&**this, &before);
}

/// What the derive's test calls: with `LOCKGATE_VERIFY_URL` set, the live round trip of the migration at
/// `version`, on top of the migrations of its crate before it; without it, nothing.
///
/// # Panics
///
/// When the round trip fails, naming the first difference, or cannot run.
///
/// ```
/// // Without LOCKGATE_VERIFY_URL this does nothing.
/// lockgate::__private::live_round_trip(1, "app::migrations");
/// ```
pub fn live_round_trip(version: i64, module: &'static str) {
    let Ok(url) = std::env::var("LOCKGATE_VERIFY_URL") else {
        return;
    };
    let krate = module.split("::").next().unwrap_or(module);
    if let Err(message) = round_trip(&url, version, krate) {
        panic!("{message}");
    }
}

/// The live round trip of the migration at `version` among those registered under the module path `scope`
/// (a crate, or a module within it), in a scratch database beside `url`.
///
/// ```no_run
/// lockgate::__private::round_trip("sqlite::memory:", 20250101090000, "app").unwrap();
/// ```
///
/// # Errors
///
/// A readable message: the first difference of a failed round trip, two migrations with one version in the
/// scope, or why the round trip could not run.
pub fn round_trip(url: &str, version: i64, scope: &str) -> Result<(), String> {
    let entries = registered_up_to(scope, version);
    if let Some(pair) = entries.windows(2).find(|pair| pair[0].version == pair[1].version) {
        return Err(format!(
            "two migrations under `{scope}` have version {} (in `{}` and `{}`): the live round trip needs one list; \
             give each migration its own version",
            pair[0].version, pair[0].module, pair[1].module
        ));
    }
    if entries.last().is_none_or(|r| r.version != version) {
        return Err(format!(
            "no migration with version {version} is registered under `{scope}`"
        ));
    }
    let migrator = Migrator::new(entries.iter().map(|r| (r.boxed)()).collect()).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime for the live round trip: {e}"))?;
    let report = runtime
        .block_on(migrator.verify_last(url))
        .map_err(|e| format!("the live round trip of migration {version} could not run: {e}"))?;
    match report.first_failure() {
        Some(failure) => Err(format!("the live round trip of migration {version} failed: {failure}")),
        None => Ok(()),
    }
}
