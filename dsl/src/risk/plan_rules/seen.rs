//! What the operations of a plan before the current one did to tables, for the rules that judge it.

use std::collections::HashSet;

use crate::operation::Operation;
use crate::risk::raw_sql::{Fact, ReadSql};

/// What the operations before the current one did to tables.
#[derive(Default)]
pub(super) struct Seen<'a> {
    /// Tables created by this plan (and still there): new, empty, unseen by running code. Raw SQL adds the
    /// views and indexes it creates too.
    pub(super) created: HashSet<&'a str>,
    /// Tables dropped by this plan.
    pub(super) dropped: HashSet<&'a str>,
    /// Old names of tables renamed by this plan.
    pub(super) renamed_away: HashSet<&'a str>,
    /// Constraints added `NOT VALID`, as (table, name).
    pub(super) not_valid: HashSet<(&'a str, &'a str)>,
    /// Foreign keys dropped by this plan, as (table, name).
    pub(super) dropped_foreign_keys: HashSet<(&'a str, &'a str)>,
    /// Views dropped (or replaced) by this plan.
    pub(super) dropped_views: HashSet<&'a str>,
    /// Columns this plan expands, as (table, old column).
    pub(super) expanded: HashSet<(&'a str, &'a str)>,
}

impl<'a> Seen<'a> {
    pub(super) fn is_new(&self, table: &str) -> bool {
        self.created.contains(table)
    }

    pub(super) fn record(&mut self, op: &'a Operation) {
        match op {
            Operation::CreateTable(t) => {
                self.created.insert(&t.name);
                self.dropped.remove(t.name.as_str());
                self.renamed_away.remove(t.name.as_str());
            }
            Operation::DropTable(t)
            | Operation::ArchiveTable {
                table: t,
                restore: false,
            } => {
                self.created.remove(t.name.as_str());
                self.dropped.insert(&t.name);
            }
            Operation::ArchiveTable {
                table: t,
                restore: true,
            } => {
                self.created.insert(&t.name);
                self.dropped.remove(t.name.as_str());
            }
            Operation::CreatePartition(partition) => {
                self.created.insert(&partition.name);
                self.dropped.remove(partition.name.as_str());
            }
            Operation::DropPartition(partition) => {
                self.created.remove(partition.name.as_str());
                self.dropped.insert(&partition.name);
            }
            Operation::CreateFunction(function) => {
                self.created.insert(&function.name);
            }
            Operation::CreateSequence(sequence) => {
                self.created.insert(&sequence.name);
            }
            Operation::DropSequence(sequence) => {
                self.created.remove(sequence.name.as_str());
            }
            Operation::CreateMaterializedView(view) => {
                self.created.insert(&view.name);
                self.dropped.remove(view.name.as_str());
            }
            Operation::DropMaterializedView(view) => {
                self.created.remove(view.name.as_str());
                self.dropped.insert(&view.name);
            }
            Operation::RenameTable { from, to } => {
                if self.created.remove(from.as_str()) {
                    self.created.insert(to);
                }
                self.renamed_away.insert(from);
                self.renamed_away.remove(to.as_str());
                self.dropped.remove(to.as_str());
            }
            Operation::AddForeignKey(fk) => {
                if fk.not_valid {
                    self.not_valid.insert((&fk.table, &fk.name));
                }
            }
            Operation::AddCheck(check) => {
                if check.not_valid {
                    self.not_valid.insert((&check.table, &check.name));
                }
            }
            Operation::DropForeignKey(fk) => {
                self.dropped_foreign_keys.insert((&fk.table, &fk.name));
            }
            Operation::DropView(view) => {
                self.dropped_views.insert(&view.name);
            }
            Operation::ReplaceView { from, .. } => {
                self.dropped_views.insert(&from.name);
            }
            Operation::ExpandColumn {
                expansion,
                reverse: false,
            } => {
                self.expanded.insert((&expansion.table, &expansion.from.name));
            }
            // Named here so that a new operation must say whether it creates, drops or renames a table.
            Operation::AddColumn { .. }
            | Operation::DropColumn { .. }
            | Operation::RenameColumn { .. }
            | Operation::AlterColumn { .. }
            | Operation::AttachPartition(_)
            | Operation::DetachPartition { .. }
            | Operation::CreateIndex(_)
            | Operation::DropIndex(_)
            | Operation::ValidateConstraint { .. }
            | Operation::DropCheck(_)
            | Operation::AddUnique(_)
            | Operation::DropUnique(_)
            | Operation::CreateView(_)
            | Operation::CreateEnum(_)
            | Operation::AddEnumValue { .. }
            | Operation::DropEnum(_)
            | Operation::CreateExtension { .. }
            | Operation::DropExtension { .. }
            | Operation::RawSql { .. }
            | Operation::Assert { .. }
            | Operation::AssertParity { .. }
            | Operation::Backfill { .. }
            | Operation::ArchiveColumn { .. }
            | Operation::ExpandColumn { reverse: true, .. }
            | Operation::ContractColumn { .. }
            | Operation::AlterRowSecurity { .. }
            | Operation::CreatePolicy(_)
            | Operation::DropPolicy(_)
            | Operation::AlterPolicy { .. }
            | Operation::RefreshMaterializedView { .. }
            | Operation::CreateSchema { .. }
            | Operation::DropSchema { .. }
            | Operation::SetComment { .. }
            | Operation::CreateTrigger(_)
            | Operation::DropTrigger(_)
            | Operation::ReplaceFunction { .. }
            | Operation::DropFunction(_)
            | Operation::Grant(_)
            | Operation::Revoke(_) => {}
        }
    }

    /// What raw SQL creates, drops and renames, for the rules that judge later operations.
    pub(super) fn record_sql(&mut self, read: &'a ReadSql) {
        for fact in read.statements().iter().flat_map(|s| &s.facts) {
            match fact {
                Fact::CreatesTable(table) => {
                    self.created.insert(table);
                    self.dropped.remove(table.as_str());
                }
                Fact::DropsTable(table) => {
                    self.created.remove(table.as_str());
                    self.dropped.insert(table);
                }
                Fact::RenamesTable { from, to } => {
                    if self.created.remove(from.as_str()) {
                        self.created.insert(to);
                    }
                    self.renamed_away.insert(from);
                }
                Fact::AddsValidatedConstraint {
                    table,
                    name: Some(name),
                    not_valid: true,
                } => {
                    self.not_valid.insert((table, name));
                }
                Fact::CreatesView(view) | Fact::CreatesObject(view) => {
                    self.created.insert(view);
                }
                Fact::CreatesIndex { name: Some(name), .. } => {
                    self.created.insert(name);
                }
                _ => {}
            }
        }
    }
}
