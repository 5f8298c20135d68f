//! `plan --backend`: the SQL of every migration for one backend, rendered without a database.

use lockgate_dsl::Backend;
use lockgate_dsl::render::{self, ScriptError};

use crate::{Direction, Error, Migrator, PlannedMigration};

/// Why an offline plan cannot be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OfflineError {
    /// `--to` names a version this binary does not know.
    #[error(transparent)]
    Runtime(#[from] Error),
    /// A migration has no down, or cannot be rendered for the backend.
    #[error(transparent)]
    Script(#[from] ScriptError),
}

/// The migrations `up` would apply to an empty database (up to `to`), or those `down --to` would
/// revert from a database with every migration applied (all of them when `to` is `None`), newest
/// first; each with the statements of its script.
pub(crate) fn plan(
    migrator: &Migrator,
    backend: Backend,
    direction: Direction,
    to: Option<i64>,
) -> Result<Vec<PlannedMigration>, OfflineError> {
    let migrations = migrator.migrations();
    let chosen: Vec<_> = match direction {
        Direction::Up => {
            if let Some(version) = to
                && !migrations.iter().any(|m| m.meta().version == version)
            {
                return Err(Error::UnknownVersion { version }.into());
            }
            migrations
                .iter()
                .filter(|m| to.is_none_or(|to| m.meta().version <= to))
                .collect()
        }
        Direction::Down => migrations
            .iter()
            .rev()
            .filter(|m| to.is_none_or(|to| m.meta().version > to))
            .collect(),
    };
    let script_direction = match direction {
        Direction::Up => render::Direction::Up,
        Direction::Down => render::Direction::Down,
    };
    chosen
        .into_iter()
        .map(|m| {
            let meta = m.meta();
            Ok(PlannedMigration {
                version: meta.version,
                name: meta.name.to_owned(),
                direction,
                statements: render::script_statements(&**m, backend, script_direction)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use lockgate_dsl::{Migration, MigrationMeta};

    use super::super::fixtures::{CreateTable, ONE};
    use super::*;

    static TWO: MigrationMeta = MigrationMeta {
        version: 2,
        name: "create t2",
        ..ONE
    };
    static THREE: MigrationMeta = MigrationMeta {
        version: 3,
        name: "create t3",
        irreversible: Some("t3 is shared"),
        ..ONE
    };

    fn migrator() -> Migrator {
        let all: [&'static MigrationMeta; 3] = [&ONE, &TWO, &THREE];
        Migrator::new(
            all.into_iter()
                .map(|m| Box::new(CreateTable(m)) as Box<dyn Migration>)
                .collect(),
        )
        .expect("versions are ascending")
    }

    fn versions(planned: &[PlannedMigration]) -> Vec<i64> {
        planned.iter().map(|p| p.version).collect()
    }

    #[test]
    fn up_is_every_migration_or_up_to_a_known_version() {
        let m = migrator();
        let all = plan(&m, Backend::Postgres, Direction::Up, None).unwrap();
        assert_eq!(versions(&all), [1, 2, 3]);
        assert_eq!(
            all[0].statements,
            [r#"CREATE TABLE "t1" ( "id" bigint NOT NULL, PRIMARY KEY ("id") );"#]
        );
        let some = plan(&m, Backend::MySql, Direction::Up, Some(2)).unwrap();
        assert_eq!(versions(&some), [1, 2]);
        assert!(matches!(
            plan(&m, Backend::MySql, Direction::Up, Some(5)),
            Err(OfflineError::Runtime(Error::UnknownVersion { version: 5 }))
        ));
    }

    #[test]
    fn down_goes_newest_first_and_stops_at_an_irreversible_migration() {
        let m = migrator();
        let down = plan(&m, Backend::Sqlite, Direction::Down, Some(1)).unwrap_err();
        assert!(
            matches!(
                &down,
                OfflineError::Script(ScriptError::Irreversible { version: 3, .. })
            ),
            "{down}"
        );
        let after_three = plan(&m, Backend::Sqlite, Direction::Down, Some(3)).unwrap();
        assert!(after_three.is_empty());
        static REVERSIBLE: MigrationMeta = MigrationMeta {
            irreversible: None,
            ..THREE
        };
        let m = Migrator::new(
            [&ONE, &TWO, &REVERSIBLE]
                .into_iter()
                .map(|m| Box::new(CreateTable(m)) as Box<dyn Migration>)
                .collect(),
        )
        .unwrap();
        let all = plan(&m, Backend::Sqlite, Direction::Down, None).unwrap();
        assert_eq!(versions(&all), [3, 2, 1]);
        assert_eq!(all[2].statements, [r#"DROP TABLE "t1";"#]);
        assert_eq!(all[2].direction, Direction::Down);
    }
}
