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
    /// A timestamp without time zone.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, SqlType, Timestamp};
    /// assert_eq!(Timestamp::column_type(), ColumnType::Timestamp);
    /// ```
    Timestamp,
    /// A timestamp with time zone.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, SqlType, Timestamptz};
    /// assert_eq!(Timestamptz::column_type(), ColumnType::Timestamptz);
    /// ```
    Timestamptz,
}
