//! Walks a plan in order, tracking the tables it creates, drops and renames, and reports the rules each operation breaks.

use super::catalogue::*;
use super::earlier::Earlier;
use super::seen::Seen;
use super::{PlanRule, raw};
use crate::backend::Backend;
use crate::migration::{MigrationMeta, TransactionMode};
use crate::operation::Operation;
use crate::plan::PlannedOp;
use crate::risk::raw_sql::{self, ReadSql};
use crate::types::{ColumnType, Conversion, rewrites_table};

/// A rule broken by an operation; for raw SQL, by which statement.
pub(super) struct Broken<'a> {
    pub(super) rule: &'static PlanRule,
    pub(super) planned: &'a PlannedOp,
    /// For raw SQL: the statement that breaks it, described for the message.
    pub(super) statement: Option<String>,
}

/// Every rule an operation breaks on `backend`, before filtering by the rule's backends, direction and the
/// migration's allowances.
pub(super) fn broken_rules<'a>(
    ops: &'a [PlannedOp],
    backend: Backend,
    meta: &MigrationMeta,
    earlier: &'a Earlier,
) -> Vec<Broken<'a>> {
    let has_concurrent = ops.iter().any(|p| concurrent_statement(&p.op));
    let locked_out = locked_out_tables(ops, earlier);
    let refresh_refused = refreshes_without_unique_index(ops, earlier);
    let (scanning_attaches, mismatched_attaches) = judge_attaches(ops, earlier);
    // Read before the walk: `seen` keeps names borrowed from what the parser read.
    let reads: Vec<Option<ReadSql>> = ops
        .iter()
        .map(|planned| match &planned.op {
            Operation::RawSql { up, .. } => Some(raw_sql::read(up, backend)),
            _ => None,
        })
        .collect();
    let mut seen = Seen::default();
    // Tables an earlier migration of this same run creates are as new as the migration's own.
    seen.created.extend(earlier.fresh());
    let mut broken = Vec::new();
    for (at, (planned, read)) in ops.iter().zip(&reads).enumerate() {
        if refresh_refused.contains(&at) {
            broken.push(Broken {
                rule: &REFRESH_CONCURRENTLY_NEEDS_UNIQUE_INDEX,
                planned,
                statement: None,
            });
        }
        if mismatched_attaches.contains(&at) {
            broken.push(Broken {
                rule: &ATTACH_PARTITION_MISMATCH,
                planned,
                statement: None,
            });
        }
        if scanning_attaches.contains(&at) {
            broken.push(Broken {
                rule: &ATTACH_PARTITION_SCANS,
                planned,
                statement: None,
            });
        }
        if locks_out(&planned.op, &locked_out) {
            broken.push(Broken {
                rule: &ROW_SECURITY_LOCKS_OUT,
                planned,
                statement: None,
            });
        }
        for rule in operation_rules(&planned.op, &seen, backend, meta, has_concurrent, earlier) {
            broken.push(Broken {
                rule,
                planned,
                statement: None,
            });
        }
        if let Some(read) = read {
            let mut raw = raw::raw_sql_rules(read, &seen, backend, meta);
            if let Operation::RawSql { down: Some(down), .. } = &planned.op {
                raw.extend(raw::down_leaves_behind(read, &raw_sql::read(down, backend)));
            }
            broken.extend(raw.into_iter().map(|(rule, statement)| Broken {
                rule,
                planned,
                statement,
            }));
            seen.record_sql(read);
        }
        seen.record(&planned.op);
    }
    broken
}

/// The tables the plan leaves with row-level security on and no permissive policy, judged on the schema after
/// the whole plan: on PostgreSQL a migration's statements take effect together, so a policy created after
/// `enable_row_security` in the same migration is in time. Tables whose earlier state is unknown are left out.
fn locked_out_tables(ops: &[PlannedOp], earlier: &Earlier) -> std::collections::BTreeSet<String> {
    let touches = |op: &Operation| {
        matches!(
            op,
            Operation::AlterRowSecurity { .. }
                | Operation::CreatePolicy(_)
                | Operation::DropPolicy(_)
                | Operation::AlterPolicy { .. }
        )
    };
    if !ops.iter().any(|p| touches(&p.op)) {
        return Default::default();
    }
    let known_before = earlier.schema();
    let mut schema = known_before.cloned().unwrap_or_default();
    let mut created = std::collections::BTreeSet::new();
    for planned in ops {
        if let Operation::CreateTable(table) = &planned.op {
            created.insert(table.name.clone());
        }
        // Raw SQL or an object the model never saw: what follows is unknown, so nothing is claimed.
        if schema.apply(&planned.op).is_err() {
            return Default::default();
        }
    }
    schema
        .row_security
        .iter()
        .filter(|(table, security)| security.enabled && (known_before.is_some() || created.contains(*table)))
        .filter(|(table, _)| {
            schema
                .policies
                .get(*table)
                .is_none_or(|policies| policies.values().all(|p| p.restrictive))
        })
        .map(|(table, _)| table.clone())
        .collect()
}

/// The positions of the `refresh_materialized_view(.., concurrently)` operations whose view has no unique index
/// without `WHERE` at that point of the plan. Views whose earlier state is unknown are left out.
fn refreshes_without_unique_index(ops: &[PlannedOp], earlier: &Earlier) -> std::collections::BTreeSet<usize> {
    let refreshes = |op: &Operation| matches!(op, Operation::RefreshMaterializedView { concurrently: true, .. });
    if !ops.iter().any(|p| refreshes(&p.op)) {
        return Default::default();
    }
    let known_before = earlier.schema().is_some();
    let mut schema = earlier.schema().cloned().unwrap_or_default();
    let mut created = std::collections::BTreeSet::new();
    let mut refused = std::collections::BTreeSet::new();
    for (at, planned) in ops.iter().enumerate() {
        if let Operation::RefreshMaterializedView {
            name,
            concurrently: true,
        } = &planned.op
            && (known_before || created.contains(name.as_str()))
        {
            let ready = schema.materialized_views.get(name).is_some_and(|view| {
                view.indexes
                    .iter()
                    .any(|index| index.unique && index.predicate.is_none())
            });
            if !ready {
                refused.insert(at);
            }
        }
        if let Operation::CreateMaterializedView(view) = &planned.op {
            created.insert(view.name.as_str());
        }
        if schema.apply(&planned.op).is_err() {
            break;
        }
    }
    refused
}

/// The positions of the `attach_partition` operations, first those whose table holds rows PostgreSQL must scan:
/// a table the plan did not create, without a validated CHECK that proves the bound at that point of the plan
/// (where the earlier schema is unknown, no CHECK is known either, so the attach is judged to scan); then those
/// PostgreSQL would refuse, the table's columns or checks not being the parent's.
fn judge_attaches(
    ops: &[PlannedOp],
    earlier: &Earlier,
) -> (std::collections::BTreeSet<usize>, std::collections::BTreeSet<usize>) {
    if !ops.iter().any(|p| matches!(p.op, Operation::AttachPartition(_))) {
        return Default::default();
    }
    let mut schema = earlier.schema().cloned();
    let mut created = std::collections::BTreeSet::new();
    let (mut scanning, mut mismatched) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for (at, planned) in ops.iter().enumerate() {
        match &planned.op {
            Operation::CreateTable(table) => {
                created.insert(table.name.as_str());
            }
            Operation::AttachPartition(partition) => {
                let fresh = created.contains(partition.name.as_str()) || earlier.is_fresh(&partition.name);
                let proven = schema.as_ref().is_some_and(|schema| proves_bound(schema, partition));
                if !fresh && !proven {
                    scanning.insert(at);
                }
                if schema.as_ref().is_some_and(|schema| !fits_parent(schema, partition)) {
                    mismatched.insert(at);
                }
            }
            _ => {}
        }
        if let Some(known) = &mut schema
            && known.apply(&planned.op).is_err()
        {
            schema = None;
        }
    }
    (scanning, mismatched)
}

/// Whether the table of `partition` has what PostgreSQL asks of a table it attaches: the parent's columns, of the
/// same types, NOT NULL where the parent's are, and the parent's CHECK constraints.
fn fits_parent(schema: &crate::schema::SchemaDef, partition: &crate::schema::PartitionDef) -> bool {
    let (Some(parent), Some(table)) = (schema.tables.get(&partition.parent), schema.tables.get(&partition.name)) else {
        return false;
    };
    let columns_fit = parent.columns.len() == table.columns.len()
        && parent.columns.iter().all(|column| {
            table
                .column(&column.name)
                .is_some_and(|own| own.ty == column.ty && (column.nullable || !own.nullable))
        });
    columns_fit
        && parent
            .checks
            .iter()
            .all(|check| table.checks.iter().any(|own| own.name == check.name))
}

/// Whether the table of `partition` has a validated CHECK that is, word for word, the one its bound implies on
/// the parent's key.
fn proves_bound(schema: &crate::schema::SchemaDef, partition: &crate::schema::PartitionDef) -> bool {
    let Some(key) = schema
        .tables
        .get(&partition.parent)
        .and_then(|t| t.partition_by.as_ref())
    else {
        return false;
    };
    let [column] = key.columns.as_slice() else {
        return false;
    };
    let Some(implied) = partition.bound.implied_check(column) else {
        return false;
    };
    let words = |text: &str| text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    schema.tables.get(&partition.name).is_some_and(|table| {
        table
            .checks
            .iter()
            .any(|check| !check.not_valid && words(&check.expr) == words(&implied))
    })
}

/// Whether `op` is what leaves its table locked out: turning row-level security on or forcing it, or taking a
/// policy away.
fn locks_out(op: &Operation, locked_out: &std::collections::BTreeSet<String>) -> bool {
    let on_locked = |table: &str| locked_out.contains(table);
    match op {
        Operation::AlterRowSecurity { table, from, to } => {
            on_locked(table) && ((to.enabled && !from.enabled) || (to.forced && !from.forced))
        }
        Operation::DropPolicy(policy) => on_locked(&policy.table),
        Operation::AlterPolicy { from, .. } => on_locked(&from.table),
        _ => false,
    }
}

fn operation_rules(
    op: &Operation,
    seen: &Seen<'_>,
    backend: Backend,
    meta: &MigrationMeta,
    has_concurrent: bool,
    earlier: &Earlier,
) -> Vec<&'static PlanRule> {
    let mut rules = Vec::new();
    let existing = |table: &str| !seen.is_new(table);

    for table in tables_used(op) {
        if seen.dropped.contains(table) {
            rules.push(&TABLE_DROPPED_EARLIER);
        } else if seen.renamed_away.contains(table) {
            rules.push(&TABLE_RENAMED_EARLIER);
        }
    }

    let concurrent = concurrent_statement(op);
    if concurrent && meta.transaction == TransactionMode::PerMigration {
        rules.push(&PG_CONCURRENTLY_IN_TRANSACTION);
    }
    // A backfill, or a step of an expand/contract change that backfills: its batches commit one by one.
    if !concurrent && op.outside_transaction(Backend::Postgres) && meta.transaction == TransactionMode::PerMigration {
        rules.push(&BACKFILL_IN_TRANSACTION);
    }
    if !concurrent
        && has_concurrent
        && meta.transaction == TransactionMode::None
        && !matches!(op, Operation::Assert { .. } | Operation::AssertParity { .. })
    {
        rules.push(&PG_CONCURRENTLY_MIXED);
    }

    if backend == Backend::Sqlite && op.table().is_some_and(existing) && rebuilds_on_sqlite(op) {
        rules.push(&SQLITE_TABLE_REBUILD);
    }

    match op {
        Operation::ContractColumn {
            expansion,
            reverse: false,
        } if seen
            .expanded
            .contains(&(expansion.table.as_str(), expansion.from.name.as_str())) =>
        {
            rules.push(&EXPAND_CONTRACT_SAME_MIGRATION);
        }
        // An archive is a drop (a restore an add) to every rule: the backup changes nothing for running code; so
        // are the column steps of an expand/contract change.
        Operation::ArchiveColumn { .. }
        | Operation::ArchiveTable { .. }
        | Operation::ExpandColumn { .. }
        | Operation::ContractColumn { .. } => {
            if let Some(plain) = op.schema_equivalent() {
                for rule in operation_rules(&plain, seen, backend, meta, has_concurrent, earlier) {
                    if !rules.contains(&rule) {
                        rules.push(rule);
                    }
                }
            }
        }
        Operation::CreateIndex(index) if earlier.is_partitioned(&index.table) => {
            if index.concurrently {
                rules.push(&PARTITIONED_INDEX_CONCURRENTLY);
            } else if existing(&index.table) && !earlier.partitions_have(index) {
                rules.push(&PARTITIONED_INDEX_BUILDS);
            }
            if existing(&index.table) && index.unique {
                rules.push(&UNIQUE_ON_EXISTING_DATA);
            }
        }
        Operation::DropIndex(index) if index.concurrently && earlier.is_partitioned(&index.table) => {
            rules.push(&PARTITIONED_INDEX_CONCURRENTLY);
        }
        Operation::CreateIndex(index) => {
            if existing(&index.table) {
                if !index.concurrently {
                    rules.push(&PG_CREATE_INDEX_NOT_CONCURRENT);
                }
                if index.unique {
                    rules.push(&UNIQUE_ON_EXISTING_DATA);
                }
            }
        }
        Operation::DropIndex(index) => {
            if existing(&index.table) && !index.concurrently {
                rules.push(&PG_DROP_INDEX_NOT_CONCURRENT);
            }
            if existing(&index.table) && index.unique {
                rules.push(&DROP_UNIQUE_INDEX);
            }
        }
        Operation::AddForeignKey(fk) => {
            if existing(&fk.table) {
                if !fk.not_valid {
                    rules.push(&PG_ADD_FOREIGN_KEY_VALIDATED);
                }
                rules.push(&MYSQL_ADD_FOREIGN_KEY);
            }
        }
        Operation::AddCheck(check) => {
            if existing(&check.table) {
                if !check.not_valid {
                    rules.push(&PG_ADD_CHECK_VALIDATED);
                }
                rules.push(&MYSQL_ADD_CHECK);
            }
        }
        Operation::AddUnique(unique) => {
            if existing(&unique.table) {
                if unique.using_index.is_none() {
                    rules.push(&PG_ADD_UNIQUE_LOCKS);
                }
                // PostgreSQL's `USING INDEX` adopts a unique index an earlier migration built, so the data
                // was checked then; other backends build the unique index here, on existing rows.
                if unique.using_index.is_none() || backend != Backend::Postgres {
                    rules.push(&UNIQUE_ON_EXISTING_DATA);
                }
            }
        }
        Operation::ValidateConstraint { table, name } => {
            if seen.not_valid.contains(&(table.as_str(), name.as_str())) {
                rules.push(&PG_VALIDATE_SAME_MIGRATION);
            }
        }
        Operation::AddColumn { table, column } if column.generated.is_some() => {
            if existing(table) {
                rules.push(&ADD_GENERATED_COLUMN_REWRITES);
            }
        }
        Operation::AddColumn { table, column } => {
            if existing(table) {
                match &column.default {
                    Some(default) => {
                        if default.is_volatile() {
                            rules.push(&PG_VOLATILE_DEFAULT);
                        }
                        // MySQL takes a literal default on a TEXT, BLOB or JSON column only as an expression.
                        let mysql_expression = matches!(default, crate::value::DefaultValue::Expr(_))
                            || (matches!(default, crate::value::DefaultValue::Text(_))
                                && matches!(
                                    column.ty,
                                    ColumnType::Text
                                        | ColumnType::Bytes
                                        | ColumnType::Blob(_)
                                        | ColumnType::Json
                                        | ColumnType::JsonText
                                ));
                        if mysql_expression {
                            rules.push(&MYSQL_EXPRESSION_DEFAULT);
                        }
                    }
                    None if !column.nullable => {
                        rules.extend([
                            &PG_ADD_REQUIRED_COLUMN,
                            &MYSQL_ADD_REQUIRED_COLUMN,
                            &SQLITE_ADD_REQUIRED_COLUMN,
                        ]);
                    }
                    None => {}
                }
            }
        }
        Operation::CreateEnum(_) | Operation::DropEnum(_) | Operation::AddEnumValue { .. } => {
            rules.push(&ENUM_POSTGRES_ONLY);
        }
        Operation::AlterColumn { table, from, to } => {
            if existing(table) && from.default.is_some() && to.default.is_none() {
                rules.push(&DROP_DEFAULT);
            }
            if existing(table) && from.nullable && !to.nullable && !earlier.proves_not_null(table, &to.name) {
                // SQLite rebuilds the table for it; `sqlite-table-rebuild` says so.
                if backend != Backend::Sqlite {
                    rules.push(&SET_NOT_NULL_SCANS);
                }
                rules.push(&SET_NOT_NULL_FAILS);
            }
            if existing(table) && from.ty != to.ty {
                // SQLite rebuilds the table for any type change; `sqlite-table-rebuild` says so.
                if backend != Backend::Sqlite && rewrites_table(&from.ty, &to.ty, backend) {
                    rules.push(&CHANGE_COLUMN_TYPE_REWRITES);
                }
                if matches!(
                    Conversion::of(&from.ty, &to.ty),
                    Conversion::MayFail | Conversion::Lossy
                ) {
                    rules.push(&CHANGE_COLUMN_TYPE_CASTS);
                }
            }
        }
        Operation::DropExtension { .. } => rules.push(&PG_DROP_EXTENSION),
        Operation::DropTable(table) => {
            let referenced = earlier
                .references_to(&table.name)
                .into_iter()
                .any(|(from, name)| !seen.dropped.contains(from) && !seen.dropped_foreign_keys.contains(&(from, name)));
            if referenced {
                rules.push(&DROP_TABLE_REFERENCED);
            }
        }
        Operation::DropColumn { table, column } => {
            let read_by_view = earlier
                .views_reading(table, &column.name)
                .into_iter()
                .any(|view| !seen.dropped_views.contains(view));
            if read_by_view {
                rules.push(&DROP_COLUMN_USED_BY_VIEW);
            }
        }
        Operation::DropUnique(unique) => {
            if existing(&unique.table) && unique.using_index.is_some() {
                rules.push(&PG_DROP_UNIQUE_REBUILDS_INDEX);
            }
        }
        // No plan-time rule yet: their risks are compile-time gates. Named so that a new operation must be
        // placed here or given its rules.
        Operation::CreateTable(_)
        | Operation::RenameTable { .. }
        | Operation::RenameColumn { .. }
        | Operation::DropForeignKey(_)
        | Operation::DropCheck(_)
        | Operation::CreateView(_)
        | Operation::ReplaceView { .. }
        | Operation::DropView(_)
        | Operation::CreateExtension { .. }
        | Operation::RawSql { .. }
        | Operation::Assert { .. }
        | Operation::AssertParity { .. }
        | Operation::Backfill { .. }
        | Operation::Grant(_)
        | Operation::CreateMaterializedView(_)
        | Operation::CreateSchema { .. }
        | Operation::DropSchema { .. }
        | Operation::CreateSequence(_)
        | Operation::SetComment { .. }
        | Operation::CreateFunction(_)
        | Operation::ReplaceFunction { .. }
        | Operation::CreateTrigger(_) => {}
        Operation::DropFunction(function) => {
            if existing(&function.name) {
                rules.push(&DROP_FUNCTION);
            }
        }
        Operation::DropTrigger(trigger) => {
            if existing(&trigger.table) {
                rules.push(&DROP_TRIGGER);
            }
        }
        Operation::DropSequence(sequence) => {
            if existing(&sequence.name) {
                rules.push(&DROP_SEQUENCE);
            }
        }
        Operation::DropMaterializedView(view) => {
            if existing(&view.name) {
                rules.push(&DROP_MATERIALIZED_VIEW);
            }
        }
        Operation::DropPolicy(policy) if existing(&policy.table) => rules.push(&DROP_POLICY),
        Operation::RefreshMaterializedView {
            name,
            concurrently: false,
        } if existing(name) => rules.push(&REFRESH_BLOCKS_READS),
        // A concurrent refresh: `refresh-concurrently-needs-unique-index` follows the plan's model.
        Operation::RefreshMaterializedView { .. } => {}
        Operation::Revoke(grant) => {
            let fresh = match &grant.on {
                crate::schema::GrantObject::Table(table) => !existing(table),
                crate::schema::GrantObject::Sequence(_) | crate::schema::GrantObject::Schema(_) => false,
            };
            if !fresh {
                rules.push(&REVOKE_BREAKS_CODE);
            }
        }
        Operation::CreatePartition(partition) => {
            if existing(&partition.parent) {
                rules.push(&CREATE_PARTITION_LOCKS_PARENT);
            }
        }
        Operation::DropPartition(partition) => {
            if existing(&partition.name) {
                rules.push(&DROP_PARTITION);
            }
        }
        Operation::DetachPartition {
            partition,
            concurrently,
        } => {
            if existing(&partition.parent) && !concurrently {
                rules.push(&DETACH_PARTITION_LOCKS);
            }
            if existing(&partition.name) {
                rules.push(&DETACH_PARTITION_HIDES_ROWS);
            }
        }
        // `attach-partition-scans` follows the plan's model: see `judge_attaches`.
        Operation::AttachPartition(_) => {}
        // `row-security-locks-out` judges the whole plan: see `locked_out_tables`.
        Operation::AlterRowSecurity { .. }
        | Operation::CreatePolicy(_)
        | Operation::DropPolicy(_)
        | Operation::AlterPolicy { .. } => {}
    }

    if let Some(limit) = backend.max_identifier_len()
        && new_names(op).iter().any(|name| backend.identifier_len(name) > limit)
    {
        rules.push(&IDENTIFIER_TOO_LONG);
    }
    rules
}

/// The tables an operation needs to exist (not the one it creates).
fn tables_used(op: &Operation) -> Vec<&str> {
    match op {
        Operation::CreateTable(_)
        | Operation::CreateView(_)
        | Operation::ReplaceView { .. }
        | Operation::CreateMaterializedView(_)
        | Operation::CreateSchema { .. }
        | Operation::DropSchema { .. }
        | Operation::CreateSequence(_)
        | Operation::DropSequence(_)
        | Operation::CreateFunction(_)
        | Operation::DropFunction(_)
        | Operation::ReplaceFunction { .. } => Vec::new(),
        Operation::SetComment { on, .. } => vec![on.table_name()],
        Operation::CreateTrigger(t) | Operation::DropTrigger(t) => vec![t.table.as_str()],
        Operation::DropMaterializedView(v) => vec![v.name.as_str()],
        Operation::RefreshMaterializedView { name, .. } => vec![name.as_str()],
        Operation::AddForeignKey(fk) => vec![fk.table.as_str(), fk.ref_table.as_str()],
        Operation::CreatePartition(p) => vec![p.parent.as_str()],
        Operation::DropPartition(p)
        | Operation::AttachPartition(p)
        | Operation::DetachPartition { partition: p, .. } => {
            vec![p.parent.as_str(), p.name.as_str()]
        }
        Operation::DropTable(_)
        | Operation::RenameTable { .. }
        | Operation::AddColumn { .. }
        | Operation::DropColumn { .. }
        | Operation::RenameColumn { .. }
        | Operation::AlterColumn { .. }
        | Operation::CreateIndex(_)
        | Operation::DropIndex(_)
        | Operation::DropForeignKey(_)
        | Operation::ValidateConstraint { .. }
        | Operation::AddCheck(_)
        | Operation::DropCheck(_)
        | Operation::AddUnique(_)
        | Operation::DropUnique(_)
        | Operation::DropView(_)
        | Operation::CreateEnum(_)
        | Operation::AddEnumValue { .. }
        | Operation::DropEnum(_)
        | Operation::CreateExtension { .. }
        | Operation::DropExtension { .. }
        | Operation::RawSql { .. }
        | Operation::Assert { .. }
        | Operation::Backfill { .. }
        | Operation::ArchiveColumn { .. }
        | Operation::ExpandColumn { .. }
        | Operation::ContractColumn { .. }
        | Operation::AlterRowSecurity { .. }
        | Operation::CreatePolicy(_)
        | Operation::DropPolicy(_)
        | Operation::AlterPolicy { .. }
        | Operation::Grant(_)
        | Operation::Revoke(_) => op.table().into_iter().collect(),
        Operation::ArchiveTable { restore: false, .. } => op.table().into_iter().collect(),
        Operation::ArchiveTable { restore: true, .. } => Vec::new(),
        Operation::AssertParity { left, right } => vec![left.table.as_str(), right.table.as_str()],
    }
}

/// The names an operation gives to new objects.
fn new_names(op: &Operation) -> Vec<&str> {
    match op {
        Operation::CreateTable(t) => std::iter::once(t.name.as_str())
            .chain(t.columns.iter().map(|c| c.name.as_str()))
            .chain(t.indexes.iter().map(|i| i.name.as_str()))
            .chain(t.uniques.iter().map(|u| u.name.as_str()))
            .chain(t.checks.iter().map(|c| c.name.as_str()))
            .chain(t.foreign_keys.iter().map(|f| f.name.as_str()))
            .collect(),
        Operation::RenameTable { to, .. } | Operation::RenameColumn { to, .. } => vec![to.as_str()],
        Operation::AddColumn { column, .. } => vec![column.name.as_str()],
        Operation::CreateIndex(i) => vec![i.name.as_str()],
        Operation::AddForeignKey(f) => vec![f.name.as_str()],
        Operation::AddCheck(c) => vec![c.name.as_str()],
        Operation::AddUnique(u) => vec![u.name.as_str()],
        Operation::CreateView(v) => vec![v.name.as_str()],
        Operation::CreateEnum(e) => vec![e.name.as_str()],
        Operation::AddEnumValue { value, .. } => vec![value.as_str()],
        Operation::CreateExtension { name } => vec![name.as_str()],
        Operation::CreatePolicy(p) => vec![p.name.as_str()],
        Operation::CreateMaterializedView(v) => vec![v.name.as_str()],
        Operation::CreateSchema { name } => vec![name.as_str()],
        Operation::CreateSequence(s) => vec![s.name.as_str()],
        Operation::CreateFunction(f) => vec![f.name.as_str()],
        Operation::ReplaceFunction { to, .. } => vec![to.name.as_str()],
        Operation::CreateTrigger(t) => vec![t.name.as_str()],
        Operation::CreatePartition(p) => vec![p.name.as_str()],
        Operation::AlterPolicy { to, .. } => vec![to.name.as_str()],
        Operation::ReplaceView { to, .. } => vec![to.name.as_str()],
        Operation::AlterColumn { to, .. } => vec![to.name.as_str()],
        Operation::ArchiveColumn {
            column, restore: true, ..
        } => vec![column.name.as_str()],
        Operation::ArchiveTable { table, restore: true } => std::iter::once(table.name.as_str())
            .chain(table.columns.iter().map(|c| c.name.as_str()))
            .collect(),
        Operation::ExpandColumn {
            expansion,
            reverse: false,
        } => vec![expansion.to.name.as_str()],
        Operation::ContractColumn {
            expansion,
            reverse: true,
        } => vec![expansion.from.name.as_str()],
        Operation::ArchiveColumn { restore: false, .. }
        | Operation::ArchiveTable { restore: false, .. }
        | Operation::ExpandColumn { reverse: true, .. }
        | Operation::ContractColumn { reverse: false, .. } => Vec::new(),
        Operation::DropTable(_)
        | Operation::DropColumn { .. }
        | Operation::DropIndex(_)
        | Operation::DropForeignKey(_)
        | Operation::ValidateConstraint { .. }
        | Operation::DropCheck(_)
        | Operation::DropUnique(_)
        | Operation::DropView(_)
        | Operation::DropEnum(_)
        | Operation::DropExtension { .. }
        | Operation::RawSql { .. }
        | Operation::Assert { .. }
        | Operation::AssertParity { .. }
        | Operation::Backfill { .. }
        | Operation::AlterRowSecurity { .. }
        | Operation::DropPolicy(_)
        | Operation::DropMaterializedView(_)
        | Operation::RefreshMaterializedView { .. }
        | Operation::DropSchema { .. }
        | Operation::DropSequence(_)
        | Operation::SetComment { .. }
        | Operation::DropFunction(_)
        | Operation::DropTrigger(_)
        | Operation::Grant(_)
        | Operation::Revoke(_)
        | Operation::DropPartition(_)
        | Operation::AttachPartition(_)
        | Operation::DetachPartition { .. } => Vec::new(),
    }
}

/// A `CONCURRENTLY` index build or drop, or partition detach, which PostgreSQL runs only outside a transaction
/// block.
fn concurrent_statement(op: &Operation) -> bool {
    matches!(op, Operation::CreateIndex(i) | Operation::DropIndex(i) if i.concurrently)
        || matches!(op, Operation::DetachPartition { concurrently: true, .. })
}

/// Whether SQLite makes `op` by rebuilding its table (its rendering says so).
fn rebuilds_on_sqlite(op: &Operation) -> bool {
    crate::render::render(op, Backend::Sqlite)
        .is_ok_and(|steps| steps.iter().any(|step| matches!(step, crate::render::Step::Rebuild(_))))
}
