//! Column types: the backend-independent [`ColumnType`] and the [`SqlType`] trait that maps Rust types to it.

mod conversion;
mod markers;

pub use conversion::{Conversion, rewrites_table};
pub use markers::{Date, Decimal, Json, Time, Timestamp, Timestamptz, Uuid, Varchar};

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
    Date => ColumnType::Date,
    Time => ColumnType::Time,
    Timestamp => ColumnType::Timestamp,
    Timestamptz => ColumnType::Timestamptz,
}

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
