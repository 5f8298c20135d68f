//! PostgreSQL partitioned tables: the `PARTITION BY` clause, and creating, dropping, attaching and detaching
//! partitions.

use super::quote::{check_name, check_names, quote_ident};
use super::{RenderError, Step, invalid, postgres_only};
use crate::backend::Backend;
use crate::operation::Operation;
use crate::schema::{PartitionBound, PartitionDef, PartitionKey, TableDef};

const PARTITION_HINT: &str = "lockgate partitions tables on PostgreSQL only (MySQL's partitions are not tables of \
                              their own, SQLite has none); mark the migration `#[migration(backends = \"postgres\")]`, \
                              or keep one table without partitions on this backend";

/// ` PARTITION BY RANGE ("created_on")`, after checking what PostgreSQL would refuse: a key without columns, and
/// a primary key or unique constraint that leaves a key column out.
pub(super) fn partition_by(table: &TableDef, key: &PartitionKey, backend: Backend) -> Result<String, RenderError> {
    let op = Operation::CreateTable(TableDef::new(&table.name));
    if backend != Backend::Postgres {
        return Err(RenderError::Unsupported {
            operation: op.describe(),
            backend,
            hint: PARTITION_HINT,
        });
    }
    check_names(backend, key.columns.iter().map(String::as_str))?;
    if key.columns.is_empty() {
        return Err(invalid(&op, "a partition key needs at least one column"));
    }
    if let Some(missing) = key.columns.iter().find(|c| table.column(c).is_none()) {
        return Err(invalid(
            &op,
            format!("the partition key names `{missing}`, which is not a column of the table"),
        ));
    }
    let keys = std::iter::once(("the primary key".to_owned(), &table.primary_key))
        .filter(|(_, columns)| !columns.is_empty())
        .chain(
            table
                .uniques
                .iter()
                .map(|u| (format!("unique constraint `{}`", u.name), &u.columns)),
        );
    for (what, columns) in keys {
        if let Some(left_out) = key.columns.iter().find(|c| !columns.contains(c)) {
            return Err(invalid(
                &op,
                format!(
                    "{what} must include the partition key's column `{left_out}`: PostgreSQL enforces uniqueness \
                     one partition at a time"
                ),
            ));
        }
    }
    let columns: Vec<String> = key.columns.iter().map(|c| quote_ident(backend, c)).collect();
    Ok(format!(" PARTITION BY {} ({})", key.strategy.sql(), columns.join(", ")))
}

fn check_bound(op: &Operation, partition: &PartitionDef) -> Result<(), RenderError> {
    check_name(Backend::Postgres, &partition.name)?;
    check_name(Backend::Postgres, &partition.parent)?;
    match &partition.bound {
        PartitionBound::Range { from, to } if from.is_empty() || from.len() != to.len() => Err(invalid(
            op,
            "a range bound needs one value per key column, as many in `from` as in `to`",
        )),
        PartitionBound::List(values) if values.is_empty() => Err(invalid(op, "a list bound needs at least one value")),
        PartitionBound::Hash { modulus, remainder } if *modulus == 0 || remainder >= modulus => Err(invalid(
            op,
            format!("a hash bound needs a remainder below a modulus above 0, not {remainder} of {modulus}"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn create_partition(
    op: &Operation,
    partition: &PartitionDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, PARTITION_HINT)?;
    check_bound(op, partition)?;
    Ok(vec![Step::sql(format!(
        "CREATE TABLE {} PARTITION OF {} {}",
        quote_ident(backend, &partition.name),
        quote_ident(backend, &partition.parent),
        partition.bound.sql()
    ))])
}

pub(super) fn drop_partition(
    op: &Operation,
    partition: &PartitionDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, PARTITION_HINT)?;
    check_bound(op, partition)?;
    Ok(vec![Step::sql(format!(
        "DROP TABLE {}",
        quote_ident(backend, &partition.name)
    ))])
}

pub(super) fn attach_partition(
    op: &Operation,
    partition: &PartitionDef,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, PARTITION_HINT)?;
    check_bound(op, partition)?;
    Ok(vec![Step::sql(format!(
        "ALTER TABLE {} ATTACH PARTITION {} {}",
        quote_ident(backend, &partition.parent),
        quote_ident(backend, &partition.name),
        partition.bound.sql()
    ))])
}

/// `CONCURRENTLY` runs only outside a transaction block, like `CREATE INDEX CONCURRENTLY`.
pub(super) fn detach_partition(
    op: &Operation,
    partition: &PartitionDef,
    concurrently: bool,
    backend: Backend,
) -> Result<Vec<Step>, RenderError> {
    postgres_only(op, backend, PARTITION_HINT)?;
    check_bound(op, partition)?;
    Ok(vec![Step::Sql {
        sql: format!(
            "ALTER TABLE {} DETACH PARTITION {}{}",
            quote_ident(backend, &partition.parent),
            quote_ident(backend, &partition.name),
            if concurrently { " CONCURRENTLY" } else { "" }
        ),
        outside_transaction: concurrently,
    }])
}
