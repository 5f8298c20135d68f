//! Other tools' migration histories that `adopt` reads: where each keeps its rows, and how its versions map to
//! lockgate's.

/// A migration tool whose history table `Migrator::adopt` reads, to record the same migrations as applied.
///
/// ```
/// use lockgate_runtime::History;
/// assert_eq!(History::Diesel.table(), "__diesel_schema_migrations");
/// assert_eq!(History::Diesel.version("2024-03-13-120000"), Some(20240313120000));
/// assert_eq!(History::SeaOrm.version("m20220101_000001_create_table"), Some(20220101000001));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum History {
    /// sqlx: `_sqlx_migrations`, numeric versions; a failed migration there stops the adoption.
    Sqlx,
    /// diesel: `__diesel_schema_migrations`, text versions (`20240313120000` or `2024-03-13-120000`): their digits.
    Diesel,
    /// refinery: `refinery_schema_history`, integer versions.
    Refinery,
    /// sea-orm-migration: `seaql_migrations`, names like `m20220101_000001_create_table`: the digits of the
    /// leading date and time, `20220101000001`.
    SeaOrm,
}

impl History {
    /// Every tool, for the command line.
    ///
    /// ```
    /// assert_eq!(lockgate_runtime::History::ALL.len(), 4);
    /// ```
    pub const ALL: [History; 4] = [History::Sqlx, History::Diesel, History::Refinery, History::SeaOrm];

    /// The tool's name, as the command line takes it.
    ///
    /// ```
    /// assert_eq!(lockgate_runtime::History::SeaOrm.name(), "sea-orm");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            History::Sqlx => "sqlx",
            History::Diesel => "diesel",
            History::Refinery => "refinery",
            History::SeaOrm => "sea-orm",
        }
    }

    /// The table the tool records its migrations in.
    ///
    /// ```
    /// assert_eq!(lockgate_runtime::History::Refinery.table(), "refinery_schema_history");
    /// ```
    pub fn table(self) -> &'static str {
        match self {
            History::Sqlx => "_sqlx_migrations",
            History::Diesel => "__diesel_schema_migrations",
            History::Refinery => "refinery_schema_history",
            History::SeaOrm => "seaql_migrations",
        }
    }

    /// The lockgate version of a version the tool recorded; `None` when it holds no number.
    ///
    /// ```
    /// use lockgate_runtime::History;
    /// assert_eq!(History::Refinery.version("7"), Some(7));
    /// assert_eq!(History::SeaOrm.version("create_table"), None);
    /// ```
    pub fn version(self, recorded: &str) -> Option<i64> {
        let digits: String = match self {
            History::Sqlx | History::Refinery => recorded.trim().to_owned(),
            History::Diesel => recorded.chars().filter(char::is_ascii_digit).collect(),
            // `m<date>_<time>_<name>`: the digit-only parts before the name.
            History::SeaOrm => recorded
                .strip_prefix('m')
                .unwrap_or(recorded)
                .split('_')
                .take_while(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
                .collect(),
        };
        digits.parse().ok()
    }
}
