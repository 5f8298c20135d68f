//! Up and down SQL of every operation on PostgreSQL, MySQL and SQLite, one snapshot per case.

#[path = "common/cases.rs"]
mod cases;

use std::fmt::Write;

use lockgate_dsl::Backend;
use lockgate_dsl::operation::{Inverse, Operation};
use lockgate_dsl::render::{LiveTable, Step, quote_ident, render};

use cases::Case;

/// The SQLite definition of the table `op` changes, as the setup creates it.
fn sqlite_fixture(case: &Case) -> Option<LiveTable> {
    let table = case.op.table()?;
    let mut live: Option<LiveTable> = None;
    for op in &case.setup {
        let steps = render(op, Backend::Sqlite).ok()?;
        let statements = steps.iter().filter_map(|s| match s {
            Step::Sql { sql, .. } => Some(sql.clone()),
            _ => None,
        });
        match op {
            Operation::CreateTable(t) if t.name == table => {
                let mut statements = statements;
                live = Some(LiveTable {
                    create_sql: statements.next()?,
                    dependents: statements.collect(),
                });
            }
            Operation::CreateIndex(i) if i.table == table => live.as_mut()?.dependents.extend(statements),
            _ => {}
        }
    }
    live
}

/// Writes rendered steps; a rebuild shows its description and its statements against `live`.
fn write_steps(out: &mut String, result: Result<Vec<Step>, impl std::fmt::Display>, live: &mut Option<LiveTable>) {
    let steps = match result {
        Ok(steps) => steps,
        Err(e) => {
            writeln!(out, "error: {e}").unwrap();
            return;
        }
    };
    if steps.is_empty() {
        writeln!(out, "-- no statements").unwrap();
    }
    for step in steps {
        writeln!(out, "{step}").unwrap();
        if let Step::Rebuild(rebuild) = &step {
            let Some(fixture) = live.as_ref() else {
                writeln!(out, "-- no fixture table").unwrap();
                continue;
            };
            match rebuild.statements(fixture) {
                Ok(statements) => {
                    for sql in &statements {
                        writeln!(out, "{sql};").unwrap();
                    }
                    // After the rename the table holds the new definition under its own name, and the
                    // indexes and triggers the rebuild created after it (the six statements before).
                    let tmp = quote_ident(Backend::Sqlite, &rebuild.temporary_name());
                    let table = quote_ident(Backend::Sqlite, &rebuild.table);
                    *live = Some(LiveTable {
                        create_sql: statements[0].replacen(&tmp, &table, 1),
                        dependents: statements[6..].to_vec(),
                    });
                }
                Err(e) => writeln!(out, "error: {e}").unwrap(),
            }
        }
    }
}

fn snapshot(case: &Case) -> String {
    let mut out = String::new();
    writeln!(out, "-- {}", case.op.describe()).unwrap();
    for backend in Backend::ALL {
        let mut live = if backend == Backend::Sqlite {
            sqlite_fixture(case)
        } else {
            None
        };
        writeln!(out, "\n-- {backend} up").unwrap();
        write_steps(&mut out, render(&case.op, backend), &mut live);
        writeln!(out, "\n-- {backend} down").unwrap();
        match case.op.inverse() {
            Inverse::Op(inverse) => write_steps(&mut out, render(&inverse, backend), &mut live),
            Inverse::Nothing => writeln!(out, "-- nothing to undo").unwrap(),
            Inverse::Irreversible(reason) => writeln!(out, "-- irreversible: {reason}").unwrap(),
        }
    }
    out
}

#[test]
fn every_case_has_a_snapshot() {
    for case in cases::all() {
        insta::assert_snapshot!(case.name, snapshot(&case));
    }
}

#[test]
fn unsupported_backends_refuse_with_a_typed_error() {
    for case in cases::all() {
        for backend in case.unsupported_on {
            let err = render(&case.op, *backend).expect_err(case.name);
            assert!(err.to_string().contains(backend.name()), "{}: {err}", case.name);
        }
    }
}
