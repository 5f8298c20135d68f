//! Column types: the backend-independent [`ColumnType`] and the [`SqlType`] trait that maps Rust types to it.
//!
#![doc = include_str!("mapping.md")]

mod conversion;
mod markers;

pub use conversion::{Conversion, rewrites_table};
pub use markers::{
    Array, Blob, Char, Citext, Date, Decimal, Inet, Interval, Json, JsonText, Time, Timestamp, Timestamptz, Uuid,
    Varchar,
};

use serde::{Deserialize, Serialize};

/// A backend-independent column type; rendering maps it to each backend's own type.
///
/// ```
/// use lockgate_dsl::types::{ColumnType, SqlType};
/// assert_eq!(<i64 as SqlType>::column_type(), ColumnType::BigInt);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// `boolean`.
    Bool,
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Int,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Unbounded text.
    Text,
    /// Text of at most this many characters.
    Varchar(u32),
    /// Binary data.
    Bytes,
    /// A UUID (native on PostgreSQL, `char(36)` on MySQL, text on SQLite).
    Uuid,
    /// JSON (`jsonb` on PostgreSQL).
    Json,
    /// Exact decimal with precision and scale.
    Decimal {
        /// Total digits.
        precision: u8,
        /// Digits after the point.
        scale: u8,
    },
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A timestamp without time zone.
    Timestamp,
    /// A timestamp with time zone.
    Timestamptz,
    /// A PostgreSQL enum type created with [`Plan::create_enum`](crate::Plan::create_enum).
    Enum(String),
    /// Text of exactly this many characters, padded with spaces (`char(n)`).
    Char(u32),
    /// Binary data of at most this many bytes: `bytea` on PostgreSQL, the smallest MySQL blob that holds it
    /// (`tinyblob`, `blob`, `mediumblob`, `longblob`), `blob` on SQLite.
    Blob(u32),
    /// A timestamp with this many fractional-second digits (0 to 6); [`ColumnType::Timestamp`] and
    /// [`ColumnType::Timestamptz`] have 6.
    PreciseTimestamp {
        /// Fractional-second digits, 0 to 6.
        digits: u8,
        /// With time zone (`timestamptz(p)` on PostgreSQL); MySQL's `datetime(p)` holds UTC by convention either way.
        tz: bool,
    },
    /// JSON kept as written (PostgreSQL `json`: key order, duplicates and whitespace preserved).
    JsonText,
    /// An IPv4 or IPv6 host or network address (PostgreSQL `inet`).
    Inet,
    /// Case-insensitive text (PostgreSQL's `citext` extension).
    Citext,
    /// A span of time (PostgreSQL `interval`).
    Interval,
    /// A PostgreSQL array of the element type.
    Array(Box<ColumnType>),
}

impl ColumnType {
    /// A short, backend-independent name for messages.
    ///
    /// ```
    /// use lockgate_dsl::types::ColumnType;
    /// assert_eq!(ColumnType::Varchar(20).describe(), "varchar(20)");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            ColumnType::Bool => "bool".into(),
            ColumnType::SmallInt => "i16".into(),
            ColumnType::Int => "i32".into(),
            ColumnType::BigInt => "i64".into(),
            ColumnType::Real => "f32".into(),
            ColumnType::Double => "f64".into(),
            ColumnType::Text => "text".into(),
            ColumnType::Varchar(n) => format!("varchar({n})"),
            ColumnType::Bytes => "bytes".into(),
            ColumnType::Uuid => "uuid".into(),
            ColumnType::Json => "json".into(),
            ColumnType::Decimal { precision, scale } => format!("decimal({precision}, {scale})"),
            ColumnType::Date => "date".into(),
            ColumnType::Time => "time".into(),
            ColumnType::Timestamp => "timestamp".into(),
            ColumnType::Timestamptz => "timestamptz".into(),
            ColumnType::Enum(name) => format!("enum {name}"),
            ColumnType::Char(n) => format!("char({n})"),
            ColumnType::Blob(n) => format!("blob({n})"),
            ColumnType::PreciseTimestamp { digits, tz: false } => format!("timestamp({digits})"),
            ColumnType::PreciseTimestamp { digits, tz: true } => format!("timestamptz({digits})"),
            ColumnType::JsonText => "json text".into(),
            ColumnType::Inet => "inet".into(),
            ColumnType::Citext => "citext".into(),
            ColumnType::Interval => "interval".into(),
            ColumnType::Array(element) => format!("{}[]", element.describe()),
        }
    }
}

/// A Rust type usable as a column type. `Option<T>` makes the column nullable.
///
/// ```
/// use lockgate_dsl::types::{ColumnType, SqlType, Varchar};
/// assert_eq!(<Varchar<40> as SqlType>::column_type(), ColumnType::Varchar(40));
/// assert!(<Option<String> as SqlType>::NULLABLE);
/// assert!(!<String as SqlType>::NULLABLE);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column type",
    label = "not a column type",
    note = "column types are listed in the table of `lockgate::dsl::types`: integers, floats, `bool`, `String`, \
            `Varchar<N>`, `Char<N>`, `Decimal<P, S>`, `Vec<u8>`, `Blob<N>`, `Uuid`, `Json`, `Date`, `Time`, \
            `Timestamp<P>` and `Timestamptz<P>` (0 to 6 fractional-second digits), and `Option` of any of them"
)]
pub trait SqlType {
    /// [`Nullable`] or [`Required`]: lets plan methods gate NOT NULL columns at compile time.
    type Nullness;
    /// Whether the column accepts NULL.
    const NULLABLE: bool = false;
    /// The column type.
    fn column_type() -> ColumnType;
}

/// Marks a nullable column type (`Option<T>`).
#[derive(Debug)]
pub struct Nullable;

/// Marks a NOT NULL column type.
#[derive(Debug)]
pub struct Required;

/// Implemented by every non-`Option` [`SqlType`]; a bound used to keep `Option<Option<T>>` out.
///
/// ```
/// use lockgate_dsl::types::NotNull;
/// fn takes<T: NotNull>() {}
/// takes::<i32>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column type `Option` can make nullable",
    label = "not a column type",
    note = "column types are listed in the table of `lockgate::dsl::types`: integers, floats, `bool`, `String`, \
            `Varchar<N>`, `Char<N>`, `Decimal<P, S>`, `Vec<u8>`, `Blob<N>`, `Uuid`, `Json`, `Date`, `Time`, \
            `Timestamp<P>` and `Timestamptz<P>` (0 to 6 fractional-second digits); `Option<Option<T>>` is not one"
)]
pub trait NotNull: SqlType {}

macro_rules! sql_types {
    ($($rust:ty => $column:expr),* $(,)?) => {$(
        impl SqlType for $rust {
            type Nullness = Required;
            fn column_type() -> ColumnType { $column }
        }
        impl NotNull for $rust {}
    )*};
}

sql_types! {
    bool => ColumnType::Bool,
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Int,
    i64 => ColumnType::BigInt,
    f32 => ColumnType::Real,
    f64 => ColumnType::Double,
    String => ColumnType::Text,
    Vec<u8> => ColumnType::Bytes,
    Uuid => ColumnType::Uuid,
    Json => ColumnType::Json,
    JsonText => ColumnType::JsonText,
    Inet => ColumnType::Inet,
    Citext => ColumnType::Citext,
    Interval => ColumnType::Interval,
    Date => ColumnType::Date,
    Time => ColumnType::Time,
}

/// Timestamps with 0 to 6 fractional-second digits, and no more: `Timestamp<9>` is no column type. Six is the
/// plain type (and its checksum).
macro_rules! timestamps {
    ($($digits:literal),*) => {$(
        impl SqlType for Timestamp<$digits> {
            type Nullness = Required;
            fn column_type() -> ColumnType {
                match $digits {
                    6 => ColumnType::Timestamp,
                    digits => ColumnType::PreciseTimestamp { digits, tz: false },
                }
            }
        }
        impl NotNull for Timestamp<$digits> {}
        impl SqlType for Timestamptz<$digits> {
            type Nullness = Required;
            fn column_type() -> ColumnType {
                match $digits {
                    6 => ColumnType::Timestamptz,
                    digits => ColumnType::PreciseTimestamp { digits, tz: true },
                }
            }
        }
        impl NotNull for Timestamptz<$digits> {}
    )*};
}

timestamps!(0, 1, 2, 3, 4, 5, 6);

impl<const N: u32> SqlType for Char<N> {
    type Nullness = Required;
    fn column_type() -> ColumnType {
        ColumnType::Char(N)
    }
}
impl<const N: u32> NotNull for Char<N> {}

impl<const N: u32> SqlType for Blob<N> {
    type Nullness = Required;
    fn column_type() -> ColumnType {
        ColumnType::Blob(N)
    }
}
impl<const N: u32> NotNull for Blob<N> {}

impl<T: NotNull> SqlType for Array<T> {
    type Nullness = Required;
    fn column_type() -> ColumnType {
        ColumnType::Array(Box::new(T::column_type()))
    }
}
impl<T: NotNull> NotNull for Array<T> {}

impl<const N: u32> SqlType for Varchar<N> {
    type Nullness = Required;
    fn column_type() -> ColumnType {
        ColumnType::Varchar(N)
    }
}
impl<const N: u32> NotNull for Varchar<N> {}

impl<const P: u8, const S: u8> SqlType for Decimal<P, S> {
    type Nullness = Required;
    fn column_type() -> ColumnType {
        ColumnType::Decimal { precision: P, scale: S }
    }
}
impl<const P: u8, const S: u8> NotNull for Decimal<P, S> {}

impl<T: NotNull> SqlType for Option<T> {
    type Nullness = Nullable;
    const NULLABLE: bool = true;
    fn column_type() -> ColumnType {
        T::column_type()
    }
}
