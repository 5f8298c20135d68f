//! Marker types for column types that have no single obvious Rust type.
//!
//! Migrations name these instead of application types (`uuid::Uuid`, `chrono::DateTime`) so that a
//! migration keeps its meaning when the application's dependencies change.

use std::marker::PhantomData;

/// Text of at most `N` characters.
///
/// ```
/// use lockgate_dsl::types::{ColumnType, SqlType, Varchar};
/// assert_eq!(Varchar::<255>::column_type(), ColumnType::Varchar(255));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Varchar<const N: u32>;

/// An exact decimal with precision `P` and scale `S`.
///
/// ```
/// use lockgate_dsl::types::{ColumnType, Decimal, SqlType};
/// assert_eq!(Decimal::<12, 2>::column_type(), ColumnType::Decimal { precision: 12, scale: 2 });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Decimal<const P: u8, const S: u8>;

/// Text of exactly `N` characters, padded with spaces (`char(N)`).
///
/// ```
/// use lockgate_dsl::types::{Char, ColumnType, SqlType};
/// assert_eq!(Char::<2>::column_type(), ColumnType::Char(2));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Char<const N: u32>;

/// Binary data of at most `N` bytes: on MySQL the smallest blob type that holds it (`Blob<255>` is `tinyblob`,
/// `Blob<65535>` `blob`, `Blob<16777215>` `mediumblob`); `Vec<u8>` is `longblob` there.
///
/// ```
/// use lockgate_dsl::types::{Blob, ColumnType, SqlType};
/// assert_eq!(Blob::<65535>::column_type(), ColumnType::Blob(65535));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Blob<const N: u32>;

/// A timestamp without time zone, with `P` fractional-second digits (0 to 6; 6 when left out).
///
/// ```
/// use lockgate_dsl::types::{ColumnType, SqlType, Timestamp};
/// assert_eq!(<Timestamp>::column_type(), ColumnType::Timestamp);
/// assert_eq!(Timestamp::<3>::column_type(), ColumnType::PreciseTimestamp { digits: 3, tz: false });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Timestamp<const P: u8 = 6>;

/// A timestamp with time zone, with `P` fractional-second digits (0 to 6; 6 when left out).
///
/// ```
/// use lockgate_dsl::types::{ColumnType, SqlType, Timestamptz};
/// assert_eq!(<Timestamptz>::column_type(), ColumnType::Timestamptz);
/// assert_eq!(Timestamptz::<0>::column_type(), ColumnType::PreciseTimestamp { digits: 0, tz: true });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Timestamptz<const P: u8 = 6>;

/// A PostgreSQL array of `T` (`Array<i32>` is `integer[]`). MySQL and SQLite have none: a typed error there
/// suggests `Json`.
///
/// ```
/// use lockgate_dsl::types::{Array, ColumnType, SqlType};
/// assert_eq!(Array::<i32>::column_type(), ColumnType::Array(Box::new(ColumnType::Int)));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Array<T>(PhantomData<T>);

macro_rules! markers {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name(PhantomData<()>);
    )*};
}

markers! {
    /// A UUID column.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, SqlType, Uuid};
    /// assert_eq!(Uuid::column_type(), ColumnType::Uuid);
    /// ```
    Uuid,
    /// A JSON column (`jsonb` on PostgreSQL).
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, Json, SqlType};
    /// assert_eq!(Json::column_type(), ColumnType::Json);
    /// ```
    Json,
    /// A calendar date.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, Date, SqlType};
    /// assert_eq!(Date::column_type(), ColumnType::Date);
    /// ```
    Date,
    /// A time of day.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, SqlType, Time};
    /// assert_eq!(Time::column_type(), ColumnType::Time);
    /// ```
    Time,
    /// JSON kept as written: PostgreSQL `json` (key order, duplicate keys and whitespace preserved), MySQL `json`,
    /// SQLite `text`. [`Json`] is `jsonb` on PostgreSQL.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, JsonText, SqlType};
    /// assert_eq!(JsonText::column_type(), ColumnType::JsonText);
    /// ```
    JsonText,
    /// An IPv4 or IPv6 address, with or without a netmask: PostgreSQL `inet`. A typed error on MySQL and SQLite,
    /// which suggests `Varchar<45>`.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, Inet, SqlType};
    /// assert_eq!(Inet::column_type(), ColumnType::Inet);
    /// ```
    Inet,
    /// Case-insensitive text: PostgreSQL's `citext` (run `create_extension("citext")` in an earlier migration).
    /// A typed error on MySQL and SQLite, which suggests a case-insensitive collation.
    ///
    /// ```
    /// use lockgate_dsl::types::{Citext, ColumnType, SqlType};
    /// assert_eq!(Citext::column_type(), ColumnType::Citext);
    /// ```
    Citext,
    /// A span of time: PostgreSQL `interval`. A typed error on MySQL and SQLite, which suggests a number of
    /// seconds (`i64`).
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, Interval, SqlType};
    /// assert_eq!(Interval::column_type(), ColumnType::Interval);
    /// ```
    Interval,
}
