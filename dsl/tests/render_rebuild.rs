//! SQLite rebuilds against hand-written live tables: every item the change does not touch survives verbatim.

use lockgate_dsl::operation::Operation;
use lockgate_dsl::render::{LiveTable, RebuildChange, RenderError, Step, TableRebuild, render};
use lockgate_dsl::schema::{CheckDef, ColumnDef, ForeignKeyDef, UniqueDef};
use lockgate_dsl::types::ColumnType;
use lockgate_dsl::{Backend, SqlExpr};

fn live(sql: &str) -> LiveTable {
    LiveTable {
        create_sql: sql.to_owned(),
        dependents: vec![
            "CREATE INDEX t_b ON t (b)".to_owned(),
            "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; END".to_owned(),
        ],
    }
}

fn rebuild(op: Operation) -> TableRebuild {
    match render(&op, Backend::Sqlite).unwrap().pop() {
        Some(Step::Rebuild(rebuild)) => rebuild,
        other => panic!("expected a rebuild, got {other:?}"),
    }
}

const HAND_WRITTEN: &str = "create table t (\n  \"a,b\" integer primary key autoincrement,\n  b TEXT \
     CONSTRAINT b_nn NOT NULL ON CONFLICT ABORT COLLATE NOCASE DEFAULT 'x, (y)' CHECK (length(b) > 0),\n  \
     c numeric(10, 2) default -1.5 references other (id) on delete cascade,\n  d integer generated always as \
     (c * 2) virtual,\n  [e f] blob,\n  constraint t_c_positive check (c > 0), -- a comment, with a comma\n  \
     foreign key (b) references parents (name) -- a trailing comment\n) without rowid";

#[test]
fn alter_column_keeps_other_column_constraints_and_items() {
    let op = Operation::AlterColumn {
        table: "t".into(),
        from: ColumnDef::new::<String>("b").default("x, (y)"),
        to: ColumnDef::new::<Option<i64>>("b"),
    };
    let sql = rebuild(op).statements(&live(HAND_WRITTEN)).unwrap();
    assert_eq!(
        sql[0],
        "CREATE TABLE \"_lockgate_rebuild_t\" (\"a,b\" integer primary key autoincrement, b bigint NULL COLLATE \
         NOCASE CHECK (length(b) > 0), c numeric(10, 2) default -1.5 references other (id) on delete cascade, \
         d integer generated always as (c * 2) virtual, [e f] blob, constraint t_c_positive check (c > 0), foreign \
         key (b) references parents (name)) without rowid"
    );
    // The generated column is computed, not copied.
    assert_eq!(
        sql[1],
        r#"INSERT INTO "_lockgate_rebuild_t" ("a,b", "b", "c", "e f") SELECT "a,b", "b", "c", "e f" FROM "t""#
    );
    assert_eq!(sql[2], r#"DROP TABLE "t""#);
    assert_eq!(sql[3], "PRAGMA legacy_alter_table=ON");
    assert_eq!(sql[4], r#"ALTER TABLE "_lockgate_rebuild_t" RENAME TO "t""#);
    assert_eq!(sql[5], "PRAGMA legacy_alter_table=OFF");
    assert_eq!(sql[6..], live(HAND_WRITTEN).dependents);
}

#[test]
fn a_negative_default_is_replaced_whole() {
    let op = Operation::AlterColumn {
        table: "t".into(),
        from: ColumnDef::of_type(
            "c",
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            true,
        )
        .default(-1.5),
        to: ColumnDef::of_type(
            "c",
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            false,
        )
        .default(0),
    };
    let sql = rebuild(op).statements(&live(HAND_WRITTEN)).unwrap();
    assert!(
        sql[0].contains("c numeric(10, 2) NOT NULL DEFAULT 0 references other (id) on delete cascade,"),
        "{}",
        sql[0]
    );
    assert!(sql[1].contains(r#"COALESCE("c", 0)"#), "{}", sql[1]);
}

#[test]
fn constraints_are_found_by_name_or_by_shape() {
    let drop_check = Operation::DropCheck(CheckDef::new("t", "T_C_POSITIVE", "c>0"));
    let sql = rebuild(drop_check).statements(&live(HAND_WRITTEN)).unwrap();
    assert!(!sql[0].contains("t_c_positive"), "{}", sql[0]);
    assert!(sql[0].contains("CHECK (length(b) > 0)"));

    // The unnamed foreign key matches by its columns and referenced table.
    let drop_fk = Operation::DropForeignKey(ForeignKeyDef::new("t", ["b"], "parents", ["name"]));
    let sql = rebuild(drop_fk).statements(&live(HAND_WRITTEN)).unwrap();
    assert!(!sql[0].contains("foreign key (b)"), "{}", sql[0]);
    assert!(
        sql[0].contains("references other (id)"),
        "column-level references stay: {}",
        sql[0]
    );

    let drop_unique = Operation::DropUnique(UniqueDef::new("t", ["b"]).named("t_b_key"));
    let err = rebuild(drop_unique).statements(&live(HAND_WRITTEN)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot rebuild sqlite table `t`: it has no unique constraint `t_b_key`"
    );
}

#[test]
fn add_column_goes_after_the_last_column() {
    let op = Operation::AddColumn {
        table: "t".into(),
        column: ColumnDef::new::<i64>("g").default(SqlExpr::raw("1 + 1")),
    };
    let sql = rebuild(op).statements(&live(HAND_WRITTEN)).unwrap();
    assert!(
        sql[0].contains("[e f] blob, \"g\" bigint NOT NULL DEFAULT (1 + 1), constraint t_c_positive"),
        "{}",
        sql[0]
    );
    assert!(
        !sql[1].contains("\"g\""),
        "the new column takes its default: {}",
        sql[1]
    );
}

#[test]
fn malformed_live_tables_are_errors() {
    let r = TableRebuild {
        table: "t".into(),
        change: RebuildChange::AddCheck(CheckDef::new("t", "c", "a > 0")),
    };
    for bad in [
        "",
        "CREATE VIEW t AS SELECT 1",
        "CREATE TABLE t (a int",
        "CREATE TABLE t (a 'int)",
        "CREATE TABLE t (a,, b)",
    ] {
        let err = r.statements(&live(bad)).unwrap_err();
        assert!(matches!(err, RenderError::Rebuild { .. }), "{bad}: {err:?}");
    }
    let alter = TableRebuild {
        table: "t".into(),
        change: RebuildChange::AlterColumn {
            from: ColumnDef::new::<i32>("missing"),
            to: ColumnDef::new::<i64>("missing"),
        },
    };
    let err = alter.statements(&live(HAND_WRITTEN)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot rebuild sqlite table `t`: it has no column `missing`"
    );
}

#[test]
fn the_rebuild_step_describes_itself_as_an_sql_comment() {
    let step = render(&Operation::AddCheck(CheckDef::new("t", "c", "a > 0")), Backend::Sqlite).unwrap();
    let text = step[0].describe();
    assert!(text.lines().all(|l| l.starts_with("--")), "{text}");
    assert!(text.contains("PRAGMA foreign_keys=OFF"));
    assert!(text.contains("PRAGMA foreign_key_check"));
}
