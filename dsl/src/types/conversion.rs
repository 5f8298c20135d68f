//! What converting a column from one type to another does: to its values (widening, failing casts, silent loss)
//! and, per backend, to the table (rewritten or not).

use super::ColumnType;
use crate::backend::Backend;

/// What a type change does to the values already in the column.
///
/// ```
/// use lockgate_dsl::types::{ColumnType, Conversion};
/// assert_eq!(Conversion::of(&ColumnType::Int, &ColumnType::BigInt), Conversion::Widening);
/// assert_eq!(Conversion::of(&ColumnType::BigInt, &ColumnType::Int), Conversion::MayFail);
/// let (wide, narrow) = (ColumnType::Decimal { precision: 10, scale: 4 }, ColumnType::Decimal { precision: 10, scale: 2 });
/// assert_eq!(Conversion::of(&wide, &narrow), Conversion::Lossy);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// The types are the same.
    Same,
    /// Every value converts exactly: the cast cannot fail and nothing is lost.
    Widening,
    /// Some values may not convert, and the statement fails on them (the data decides).
    MayFail,
    /// Some values convert to something else without an error (rounded, cut): going back cannot restore them.
    Lossy,
}

impl Conversion {
    /// What changing a column from `from` to `to` does to its values.
    ///
    /// ```
    /// use lockgate_dsl::types::{ColumnType, Conversion};
    /// assert_eq!(Conversion::of(&ColumnType::Varchar(50), &ColumnType::Text), Conversion::Widening);
    /// assert_eq!(Conversion::of(&ColumnType::Double, &ColumnType::Int), Conversion::Lossy);
    /// ```
    pub fn of(from: &ColumnType, to: &ColumnType) -> Conversion {
        use ColumnType as T;
        if from == to {
            return Conversion::Same;
        }
        if is_widening(from, to) {
            return Conversion::Widening;
        }
        match (from, to) {
            // Rounded to the new scale.
            (T::Decimal { scale, .. }, T::Decimal { scale: to_scale, .. }) if to_scale < scale => Conversion::Lossy,
            // Rounded to fewer digits, or to a whole number.
            (T::Double, T::Real)
            | (T::Real | T::Double, T::SmallInt | T::Int | T::BigInt)
            | (T::Int | T::BigInt, T::Real)
            | (T::BigInt, T::Double) => Conversion::Lossy,
            (T::Decimal { scale, .. }, T::SmallInt | T::Int | T::BigInt) if *scale > 0 => Conversion::Lossy,
            (T::Decimal { .. }, T::Real | T::Double) => Conversion::Lossy,
            // The time of day (and the offset) is dropped.
            (T::Timestamp | T::Timestamptz, T::Date) => Conversion::Lossy,
            _ => Conversion::MayFail,
        }
    }

    /// Whether the cast can fail on some value.
    ///
    /// ```
    /// use lockgate_dsl::types::Conversion;
    /// assert!(!Conversion::Widening.may_fail());
    /// ```
    pub fn may_fail(self) -> bool {
        matches!(self, Conversion::MayFail)
    }
}

/// Every value of `from` is a value of `to`, exactly.
fn is_widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    let integer_digits = |ty: &ColumnType| match ty {
        T::SmallInt => Some(5),
        T::Int => Some(10),
        T::BigInt => Some(19),
        _ => None,
    };
    match (from, to) {
        (T::SmallInt, T::Int | T::BigInt | T::Real | T::Double) | (T::Int, T::BigInt | T::Double) => true,
        (T::Real, T::Double) => true,
        (T::Varchar(n), T::Varchar(m)) => m >= n,
        // Text holds every value's text form; bytes have none that round-trips everywhere.
        (from, T::Text) => !matches!(from, T::Bytes | T::Json),
        (T::Uuid, T::Varchar(n)) => *n >= 36,
        (
            T::Decimal { precision, scale },
            T::Decimal {
                precision: to_precision,
                scale: to_scale,
            },
        ) => to_scale >= scale && (to_precision - to_scale) >= (precision - scale),
        (from, T::Decimal { precision, scale }) => {
            integer_digits(from).is_some_and(|digits| precision.saturating_sub(*scale) >= digits)
        }
        (T::Date, T::Timestamp) => true,
        _ => false,
    }
}

/// Whether changing a column from `from` to `to` rewrites (or copies) the whole table on `backend`.
///
/// PostgreSQL keeps the table for binary-compatible changes (a longer `varchar`, `varchar` to `text`, more
/// precision at the same scale); MySQL changes a `varchar`'s length in place while its length prefix keeps its
/// size (up to 255 bytes, 63 characters in utf8mb4, or past it on both sides); SQLite always rebuilds (its own
/// rule says so).
///
/// ```
/// use lockgate_dsl::Backend;
/// use lockgate_dsl::types::{ColumnType, rewrites_table};
/// assert!(!rewrites_table(&ColumnType::Varchar(50), &ColumnType::Varchar(100), Backend::Postgres));
/// assert!(rewrites_table(&ColumnType::Int, &ColumnType::BigInt, Backend::Postgres));
/// assert!(rewrites_table(&ColumnType::Varchar(50), &ColumnType::Varchar(100), Backend::MySql));
/// ```
pub fn rewrites_table(from: &ColumnType, to: &ColumnType, backend: Backend) -> bool {
    use ColumnType as T;
    if from == to {
        return false;
    }
    match backend {
        Backend::Postgres => {
            let binary_compatible = match (from, to) {
                (T::Varchar(n), T::Varchar(m)) => m >= n,
                (T::Varchar(_), T::Text) => true,
                (
                    T::Decimal { precision, scale },
                    T::Decimal {
                        precision: to_precision,
                        scale: to_scale,
                    },
                ) => to_scale == scale && to_precision >= precision,
                _ => false,
            };
            !binary_compatible
        }
        Backend::MySql => match (from, to) {
            (T::Varchar(n), T::Varchar(m)) => m < n || ((*n <= 63) != (*m <= 63)),
            _ => true,
        },
        Backend::Sqlite => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_10_2: ColumnType = ColumnType::Decimal {
        precision: 10,
        scale: 2,
    };
    const DEC_12_2: ColumnType = ColumnType::Decimal {
        precision: 12,
        scale: 2,
    };
    const DEC_12_4: ColumnType = ColumnType::Decimal {
        precision: 12,
        scale: 4,
    };

    #[test]
    fn widening_loses_nothing_and_cannot_fail() {
        use ColumnType as T;
        for (from, to) in [
            (T::Int, T::BigInt),
            (T::SmallInt, T::Int),
            (T::Real, T::Double),
            (T::Varchar(50), T::Varchar(100)),
            (T::Varchar(50), T::Text),
            (T::Uuid, T::Text),
            (DEC_10_2, DEC_12_2),
            (DEC_10_2, DEC_12_4),
            (T::Int, DEC_12_2),
            (T::Date, T::Timestamp),
        ] {
            assert_eq!(Conversion::of(&from, &to), Conversion::Widening, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn narrowing_fails_or_loses() {
        use ColumnType as T;
        for (from, to) in [
            (T::BigInt, T::Int),
            (T::Varchar(100), T::Varchar(50)),
            (T::Text, T::Varchar(50)),
            (T::Text, T::Int),
            (DEC_12_2, DEC_10_2),
            (T::Timestamp, T::Timestamptz),
        ] {
            assert_eq!(Conversion::of(&from, &to), Conversion::MayFail, "{from:?} -> {to:?}");
        }
        for (from, to) in [
            (DEC_12_4, DEC_12_2),
            (T::Double, T::Real),
            (T::Double, T::BigInt),
            (T::Timestamptz, T::Date),
            (DEC_12_2, T::Int),
        ] {
            assert_eq!(Conversion::of(&from, &to), Conversion::Lossy, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn which_changes_rewrite_the_table_on_each_backend() {
        use ColumnType as T;
        let pg = |from: &ColumnType, to: &ColumnType| rewrites_table(from, to, Backend::Postgres);
        assert!(!pg(&T::Varchar(50), &T::Varchar(100)));
        assert!(!pg(&T::Varchar(50), &T::Text));
        assert!(!pg(&DEC_10_2, &DEC_12_2));
        assert!(pg(&DEC_10_2, &DEC_12_4));
        assert!(pg(&T::Varchar(100), &T::Varchar(50)));
        assert!(pg(&T::Int, &T::BigInt));
        assert!(pg(&T::Text, &T::Varchar(50)));
        let mysql = |from: &ColumnType, to: &ColumnType| rewrites_table(from, to, Backend::MySql);
        assert!(!mysql(&T::Varchar(20), &T::Varchar(60)));
        assert!(!mysql(&T::Varchar(100), &T::Varchar(200)));
        assert!(mysql(&T::Varchar(60), &T::Varchar(100)));
        assert!(mysql(&T::Int, &T::BigInt));
    }
}
