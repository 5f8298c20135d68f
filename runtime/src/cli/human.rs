//! Human output: the status table, the plan as an SQL script, and durations.

use std::time::Duration;

use lockgate_dsl::Backend;

use super::style::Palette;
use super::table::Table;
use crate::{Direction, MigrationStatus, PlannedMigration, State};

/// The status table followed by a one-line summary.
pub(crate) fn status(rows: &[MigrationStatus], palette: Palette) -> String {
    if rows.is_empty() {
        return "no migrations: this binary lists none and the database has recorded none\n".to_owned();
    }
    let mut table = Table::new(["VERSION", "NAME", "STATE", "APPLIED AT", "DURATION", "APPLIED BY"]);
    for row in rows {
        table.row([
            row.version.to_string(),
            row.name.clone(),
            state(row.state, palette),
            row.applied_at
                .map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_default(),
            row.duration.map(duration).unwrap_or_default(),
            row.applied_by.clone().unwrap_or_default(),
        ]);
    }
    let mut out = table.render(|h| palette.bold(h));
    out.push('\n');
    out.push_str(&summary(rows, palette));
    out.push('\n');
    out
}

/// `9 migrations: 7 applied, 2 pending`, listing only the states that occur.
pub(crate) fn summary(rows: &[MigrationStatus], palette: Palette) -> String {
    let states = [
        State::Applied,
        State::Pending,
        State::Failed,
        State::Running,
        State::Changed,
        State::Unknown,
        State::Skipped,
    ];
    let counts: Vec<String> = states
        .iter()
        .filter_map(|&s| {
            let n = rows.iter().filter(|r| r.state == s).count();
            (n > 0).then(|| format!("{n} {}", state(s, palette)))
        })
        .collect();
    let noun = if rows.len() == 1 { "migration" } else { "migrations" };
    format!("{} {noun}: {}", rows.len(), counts.join(", "))
}

/// A state, coloured by what it asks of the reader.
pub(crate) fn state(state: State, palette: Palette) -> String {
    match state {
        State::Applied => palette.ok(state.name()),
        State::Pending | State::Running | State::Unknown => palette.warn(state.name()),
        State::Skipped => palette.dim(state.name()),
        State::Failed | State::Changed => palette.error(state.name()),
    }
}

/// The plan as an SQL script a person can read and a database can run: a comment per migration, then
/// its statements, each ending in `;`. An `offline` plan (`plan --backend`) says in its first line
/// what it assumed about the database it never saw.
pub(crate) fn plan(
    backend: Backend,
    direction: Direction,
    planned: &[PlannedMigration],
    offline: bool,
    palette: Palette,
) -> String {
    let assumed = match (offline, direction) {
        (false, _) => "",
        (true, Direction::Up) => ", offline, as if the database were empty",
        (true, Direction::Down) => ", offline, as if every migration were applied",
    };
    if planned.is_empty() {
        let nothing = match (offline, direction) {
            (false, Direction::Up) => "-- nothing to apply: every migration is applied".to_owned(),
            (false, Direction::Down) => "-- nothing to revert: no migration is applied".to_owned(),
            (true, _) => format!("-- {direction} on {backend}{assumed}: no migrations"),
        };
        return format!("{}\n", palette.dim(&nothing));
    }
    let noun = if planned.len() == 1 { "migration" } else { "migrations" };
    let mut out = palette.dim(&format!(
        "-- {direction} on {backend}{assumed}: {} {noun}",
        planned.len()
    ));
    out.push('\n');
    for migration in planned {
        out.push('\n');
        out.push_str(&palette.bold(&format!("-- {} {} ({direction})", migration.version, migration.name)));
        out.push('\n');
        if migration.statements.is_empty() {
            out.push_str(&palette.dim("-- (no statements)"));
            out.push('\n');
        }
        for statement in &migration.statements {
            out.push_str(&terminated(statement));
            out.push('\n');
        }
    }
    out
}

/// A statement ending in exactly one `;` (a trailing comment line is left alone).
pub(crate) fn terminated(statement: &str) -> String {
    let trimmed = statement.trim_end();
    let last = trimmed.lines().last().unwrap_or_default().trim_start();
    if trimmed.ends_with(';') || last.starts_with("--") {
        trimmed.to_owned()
    } else {
        format!("{trimmed};")
    }
}

/// The backups archived columns and tables keep, after the status table.
pub(crate) fn backups(backups: &[crate::Backup], palette: Palette) -> String {
    let mut out = format!(
        "\n{}\n",
        palette.dim("retained backups of archived columns and tables (`purge` drops them; `down` restores from them):")
    );
    let width = backups.iter().map(|b| b.table.len()).max().unwrap_or(0);
    for backup in backups {
        let size = backup.bytes.map(|b| format!(", {}", bytes(b))).unwrap_or_default();
        out.push_str(&format!("  {:<width$}  {} row(s){size}\n", backup.table, backup.rows));
    }
    out
}

/// A size in bytes, as people read it.
fn bytes(n: i64) -> String {
    match n {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{} KiB", n / 1024),
        n => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
    }
}

/// A duration for people: `<1 ms`, `12 ms`, `34.0 s`, `2 min 05 s`.
pub(crate) fn duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        // The tracking table stores whole milliseconds, so finer figures would be noise.
        "<1 ms".to_owned()
    } else if micros < 10_000_000 {
        format!("{} ms", d.as_millis())
    } else if d.as_secs() < 120 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} min {:02} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i64, state: State) -> MigrationStatus {
        MigrationStatus {
            version,
            name: format!("migration {version}"),
            state,
            applied_at: None,
            duration: None,
            applied_by: None,
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_micros(840)), "<1 ms");
        assert_eq!(duration(Duration::ZERO), "<1 ms");
        assert_eq!(duration(Duration::from_millis(12)), "12 ms");
        assert_eq!(duration(Duration::from_millis(3_400)), "3400 ms");
        assert_eq!(duration(Duration::from_millis(34_000)), "34.0 s");
        assert_eq!(duration(Duration::from_secs(125)), "2 min 05 s");
    }

    #[test]
    fn summary_lists_only_present_states() {
        let rows = [row(1, State::Applied), row(2, State::Applied), row(3, State::Pending)];
        assert_eq!(summary(&rows, Palette::plain()), "3 migrations: 2 applied, 1 pending");
    }

    #[test]
    fn status_is_an_aligned_table() {
        let rows = [row(1, State::Applied), row(20250101090000, State::Pending)];
        assert_eq!(
            status(&rows, Palette::plain()),
            "VERSION         NAME                      STATE    APPLIED AT  DURATION  APPLIED BY\n\
             1               migration 1               applied\n\
             20250101090000  migration 20250101090000  pending\n\
             \n\
             2 migrations: 1 applied, 1 pending\n"
        );
    }

    #[test]
    fn an_offline_plan_says_what_it_assumed() {
        let planned = [PlannedMigration {
            version: 1,
            name: "create t1".into(),
            direction: Direction::Down,
            statements: vec![r#"DROP TABLE "t1";"#.into()],
        }];
        assert_eq!(
            plan(Backend::Sqlite, Direction::Down, &planned, true, Palette::plain()),
            "-- down on sqlite, offline, as if every migration were applied: 1 migration\n\n\
             -- 1 create t1 (down)\n\
             DROP TABLE \"t1\";\n"
        );
        assert_eq!(
            plan(Backend::Postgres, Direction::Up, &[], true, Palette::plain()),
            "-- up on postgres, offline, as if the database were empty: no migrations\n"
        );
        assert_eq!(
            plan(Backend::Postgres, Direction::Up, &[], false, Palette::plain()),
            "-- nothing to apply: every migration is applied\n"
        );
    }

    #[test]
    fn statements_end_in_one_semicolon() {
        assert_eq!(terminated("SELECT 1"), "SELECT 1;");
        assert_eq!(terminated("SELECT 1;\n"), "SELECT 1;");
        assert_eq!(terminated("-- check: ok\nSELECT 1"), "-- check: ok\nSELECT 1;");
    }
}
