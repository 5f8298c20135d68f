//! Expand/contract of a column: the new column beside the old, triggers that keep them equal both ways on every
//! backend, and the backfill of the rows written before; then the contract that drops the old column.

use super::table::{add_column, alter_column, drop_column};
use super::{BackfillStep, RenderError, Step, check_name, quote_ident};
use crate::backend::Backend;
use crate::schema::{Backfill, ColumnDef, Expansion, fit_name};

/// The name of the sync objects (function, triggers) of `e`, with a suffix.
fn sync_name(e: &Expansion, suffix: &str) -> String {
    fit_name(format!("lockgate_sync_{}_{}{suffix}", e.table, e.from.name))
}

/// The triggers that keep `from` and `to` equal while both exist: a value written to one is converted into the
/// other, on insert (when only one is given) and on update (when only one changes).
fn create_sync(e: &Expansion, backend: Backend) -> Result<Vec<Step>, RenderError> {
    let q = |name: &str| quote_ident(backend, name);
    let (t, from, to) = (q(&e.table), q(&e.from.name), q(&e.to.name));
    let forward = |row: &str| format!("({})", e.forward_from(&format!("{row}.{from}")));
    let backward = |row: &str| format!("({})", e.backward_from(&format!("{row}.{to}")));
    Ok(match backend {
        Backend::Postgres => {
            let function = q(&sync_name(e, ""));
            check_name(backend, &sync_name(e, ""))?;
            vec![
                Step::sql(format!(
                    "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $lockgate$\n\
                     BEGIN\n  \
                       IF TG_OP = 'INSERT' THEN\n    \
                         IF NEW.{to} IS NULL AND NEW.{from} IS NOT NULL THEN NEW.{to} := {fwd};\n    \
                         ELSIF NEW.{from} IS NULL AND NEW.{to} IS NOT NULL THEN NEW.{from} := {bwd};\n    \
                         END IF;\n  \
                       ELSIF NEW.{from} IS DISTINCT FROM OLD.{from} AND NEW.{to} IS NOT DISTINCT FROM OLD.{to} THEN\n    \
                         NEW.{to} := {fwd};\n  \
                       ELSIF NEW.{to} IS DISTINCT FROM OLD.{to} AND NEW.{from} IS NOT DISTINCT FROM OLD.{from} THEN\n    \
                         NEW.{from} := {bwd};\n  \
                       END IF;\n  \
                       RETURN NEW;\n\
                     END\n$lockgate$",
                    fwd = forward("NEW"),
                    bwd = backward("NEW"),
                )),
                Step::sql(format!(
                    "CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {function}()"
                )),
            ]
        }
        Backend::MySql => {
            let (insert, update) = (sync_name(e, "_ins"), sync_name(e, "_upd"));
            check_name(backend, &insert)?;
            check_name(backend, &update)?;
            vec![
                Step::sql(format!(
                    "CREATE TRIGGER {} BEFORE INSERT ON {t} FOR EACH ROW BEGIN\n  \
                       IF NEW.{to} IS NULL AND NEW.{from} IS NOT NULL THEN SET NEW.{to} = {fwd};\n  \
                       ELSEIF NEW.{from} IS NULL AND NEW.{to} IS NOT NULL THEN SET NEW.{from} = {bwd};\n  \
                       END IF;\n\
                     END",
                    q(&insert),
                    fwd = forward("NEW"),
                    bwd = backward("NEW"),
                )),
                Step::sql(format!(
                    "CREATE TRIGGER {} BEFORE UPDATE ON {t} FOR EACH ROW BEGIN\n  \
                       IF NOT (NEW.{from} <=> OLD.{from}) AND (NEW.{to} <=> OLD.{to}) THEN SET NEW.{to} = {fwd};\n  \
                       ELSEIF NOT (NEW.{to} <=> OLD.{to}) AND (NEW.{from} <=> OLD.{from}) THEN SET NEW.{from} = {bwd};\n  \
                       END IF;\n\
                     END",
                    q(&update),
                    fwd = forward("NEW"),
                    bwd = backward("NEW"),
                )),
            ]
        }
        // SQLite cannot change NEW in a trigger: each trigger updates the row it fired for, by rowid.
        Backend::Sqlite => {
            let triggers = [
                (
                    "_ins_fwd",
                    "AFTER INSERT",
                    format!("NEW.{to} IS NULL AND NEW.{from} IS NOT NULL"),
                    format!("{to} = {}", forward("NEW")),
                ),
                (
                    "_ins_back",
                    "AFTER INSERT",
                    format!("NEW.{from} IS NULL AND NEW.{to} IS NOT NULL"),
                    format!("{from} = {}", backward("NEW")),
                ),
                (
                    "_upd_fwd",
                    &*format!("AFTER UPDATE OF {from}"),
                    format!("NEW.{from} IS NOT OLD.{from} AND NEW.{to} IS OLD.{to}"),
                    format!("{to} = {}", forward("NEW")),
                ),
                (
                    "_upd_back",
                    &*format!("AFTER UPDATE OF {to}"),
                    format!("NEW.{to} IS NOT OLD.{to} AND NEW.{from} IS OLD.{from}"),
                    format!("{from} = {}", backward("NEW")),
                ),
            ];
            let mut steps = Vec::new();
            for (suffix, event, when, set) in triggers {
                let name = sync_name(e, suffix);
                check_name(backend, &name)?;
                steps.push(Step::sql(format!(
                    "CREATE TRIGGER {} {event} ON {t} FOR EACH ROW WHEN {when} BEGIN UPDATE {t} SET {set} WHERE rowid = NEW.rowid; END",
                    q(&name)
                )));
            }
            steps
        }
    })
}

fn drop_sync(e: &Expansion, backend: Backend) -> Vec<Step> {
    let q = |name: &str| quote_ident(backend, name);
    match backend {
        Backend::Postgres => {
            let function = q(&sync_name(e, ""));
            vec![
                Step::sql(format!("DROP TRIGGER IF EXISTS {function} ON {}", q(&e.table))),
                Step::sql(format!("DROP FUNCTION IF EXISTS {function}()")),
            ]
        }
        Backend::MySql => ["_ins", "_upd"]
            .into_iter()
            .map(|suffix| Step::sql(format!("DROP TRIGGER IF EXISTS {}", q(&sync_name(e, suffix)))))
            .collect(),
        Backend::Sqlite => ["_ins_fwd", "_ins_back", "_upd_fwd", "_upd_back"]
            .into_iter()
            .map(|suffix| Step::sql(format!("DROP TRIGGER IF EXISTS {}", q(&sync_name(e, suffix)))))
            .collect(),
    }
}

/// The rows written before the triggers: `to` filled from `from` (`towards_new`), or the other way.
fn backfill(e: &Expansion, towards_new: bool, backend: Backend) -> Result<Step, RenderError> {
    let q = |name: &str| quote_ident(backend, name);
    let (target, source, value) = if towards_new {
        (&e.to.name, &e.from.name, e.forward_from(&q(&e.from.name)))
    } else {
        (&e.from.name, &e.to.name, e.backward_from(&q(&e.to.name)))
    };
    let fill = Backfill::keyed_by(&e.table, &e.key, e.key_type.clone())
        .set(target.clone(), value)
        .pending(format!("{} IS NULL AND {} IS NOT NULL", q(target), q(source)));
    Ok(Step::Backfill(BackfillStep::new(&fill, backend)?))
}

fn check(e: &Expansion, backend: Backend) -> Result<(), RenderError> {
    for name in [&e.table, &e.key, &e.from.name, &e.to.name] {
        check_name(backend, name)?;
    }
    if e.from.name == e.to.name {
        return Err(RenderError::Unsupported {
            operation: format!("expand_column {}", e.describe()),
            backend,
            hint: "the new column needs a name of its own; change the type in place with change_column_type",
        });
    }
    Ok(())
}

/// Expand: the new column (nullable), the triggers, then the backfill of the rows written before.
pub(super) fn expand(e: &Expansion, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check(e, backend)?;
    let mut steps = add_column(&e.table, &e.to, backend)?;
    steps.extend(create_sync(e, backend)?);
    steps.push(backfill(e, true, backend)?);
    Ok(steps)
}

/// Undoing the expand: the triggers, then the new column.
pub(super) fn unexpand(e: &Expansion, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check(e, backend)?;
    let mut steps = drop_sync(e, backend);
    steps.extend(drop_column(&e.table, &e.to, backend)?);
    Ok(steps)
}

/// Contract: the triggers, then the old column.
pub(super) fn contract(e: &Expansion, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check(e, backend)?;
    let mut steps = drop_sync(e, backend);
    steps.extend(drop_column(&e.table, &e.from, backend)?);
    Ok(steps)
}

/// Undoing the contract: the old column again (nullable until filled), the triggers, its values from the new
/// column, then its NOT NULL where it had one.
pub(super) fn uncontract(e: &Expansion, backend: Backend) -> Result<Vec<Step>, RenderError> {
    check(e, backend)?;
    let loose = ColumnDef {
        nullable: true,
        ..e.from.clone()
    };
    let mut steps = add_column(&e.table, &loose, backend)?;
    steps.extend(create_sync(e, backend)?);
    steps.push(backfill(e, false, backend)?);
    if !e.from.nullable {
        steps.extend(alter_column(&e.table, &loose, &e.from, backend)?);
    }
    Ok(steps)
}
