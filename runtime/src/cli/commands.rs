//! Running one parsed command against the database and printing its result.

use std::io::Write as _;

use lockgate_dsl::Backend;

use super::args::{Cli, Command, DownArgs, InterruptedStep, OutputFormat, PlanArgs, PlanDirection};
use super::context::{Context, print};
use super::exit::Exit;
use super::failure::Failure;
use super::human;
use super::json::{self, PlanDoc, RunDoc, StatusDoc};
use super::offline::{self, OfflineError};
use super::probe::probe;
use super::progress::Progress;
use crate::{Database, Direction, DownTarget, Error, Migrator, PlannedMigration, Report, State, StepFate};

/// Connects, runs the command and prints its result; the exit code on success. `plan --backend`
/// never connects.
pub(crate) async fn execute(cli: Cli, migrator: Migrator, cx: &Context) -> Result<Exit, Failure> {
    let command = name(&cli.command);
    if let Command::Plan(args) = &cli.command
        && let Some(backend) = args.backend
    {
        return plan_offline(args, backend.into(), &migrator, cx);
    }
    if let Command::Diff(args) = &cli.command {
        return super::live::diff(args, cx).await;
    }
    if let Command::New(args) = &cli.command {
        return super::scaffold::new_migration(args);
    }
    // A command that only reads never creates the database file a mistyped path (or no URL at all) names: it
    // reads an empty in-memory database instead, which is what that file would hold, and says so.
    let reads_only = matches!(cli.command, Command::Status(_) | Command::Plan(_) | Command::Drift(_));
    let missing = reads_only
        .then(|| crate::backend::missing_database_file(&cx.url))
        .flatten();
    let url = match &missing {
        Some(path) => {
            let note = format!(
                "note: no database file at `{}` yet; `{command}` reads it as empty and does not create it \
                 (`up` does)",
                path.display()
            );
            let _ = writeln!(std::io::stderr().lock(), "{}", cx.palette.dim(&note));
            "sqlite::memory:"
        }
        None => cx.url.as_str(),
    };
    probe(url).await.map_err(cx.fail(command))?;
    let db = Database::connect(url).await.map_err(cx.fail(command))?;
    let result = dispatch(cli.command, migrator, &db, cx).await;
    db.close().await;
    result
}

async fn dispatch(command: Command, migrator: Migrator, db: &Database, cx: &Context) -> Result<Exit, Failure> {
    let name = name(&command);
    let fail = cx.fail(name);
    match command {
        Command::Status(args) => {
            let rows = migrator.status(db).await.map_err(&fail)?;
            let backups = migrator.backups(db).await.map_err(&fail)?;
            match cx.format {
                OutputFormat::Human => {
                    print(&human::status(&rows, cx.palette))?;
                    if !backups.is_empty() {
                        print(&human::backups(&backups, cx.palette))?;
                    }
                    // A database another tool migrated, that lockgate has recorded nothing on yet: say how to adopt.
                    if rows.iter().all(|r| r.state == State::Pending) {
                        for (tool, count) in migrator.histories(db).await.map_err(&fail)? {
                            let note = format!(
                                "note: {} recorded {count} migration(s) on this database (`{}`); `adopt {}` records \
                                 those this binary knows as applied, without running them",
                                tool.name(),
                                tool.table(),
                                tool.name()
                            );
                            let _ = writeln!(std::io::stderr().lock(), "{}", cx.palette.dim(&note));
                        }
                    }
                }
                OutputFormat::Json => print(&json::to_line(&StatusDoc {
                    backend: db.backend(),
                    pending: json::pending(&rows),
                    migrations: &rows,
                    backups: &backups,
                }))?,
            }
            if !args.check {
                return Ok(Exit::Success);
            }
            if rows.iter().any(|r| matches!(r.state, State::Failed | State::Changed)) {
                Ok(Exit::Failure)
            } else if json::pending(&rows) > 0 {
                Ok(Exit::Pending)
            } else {
                Ok(Exit::Success)
            }
        }
        Command::Plan(args) => {
            let direction = plan_direction(&args);
            let planned = migrator.plan(db, direction, args.to).await.map_err(&fail)?;
            print_plan(db.backend(), direction, &planned, false, cx)?;
            Ok(Exit::Success)
        }
        Command::Up(args) => {
            let migrator = match args.interrupted_step {
                Some(InterruptedStep::TookEffect) => migrator.with_interrupted_step(StepFate::TookEffect),
                Some(InterruptedStep::DidNotTakeEffect) => migrator.with_interrupted_step(StepFate::DidNotTakeEffect),
                None => migrator,
            };
            run(name, migrator, db, cx, async |m| m.up(db, args.to).await).await
        }
        Command::Down(args) => {
            let target = down_target(&args);
            run(name, migrator, db, cx, async |m| m.down(db, target).await).await
        }
        Command::Redo => run(name, migrator, db, cx, async |m| m.redo(db).await).await,
        Command::Reset => run(name, migrator, db, cx, async |m| m.reset(db).await).await,
        Command::Fresh => run(name, migrator, db, cx, async |m| m.fresh(db).await).await,
        Command::Protect(args) => {
            migrator.protect(db, &args.reason).await.map_err(&fail)?;
            let protection = migrator.protection(db).await.map_err(&fail)?;
            match cx.format {
                OutputFormat::Human => print(&format!(
                    "protected: `fresh` and `reset` refuse to run on this database ({}); `unprotect` lifts it\n",
                    args.reason
                ))?,
                OutputFormat::Json => print(&json::to_line(&protection))?,
            }
            Ok(Exit::Success)
        }
        Command::Purge(args) => {
            let purged = migrator.purge(db, args.table.as_deref()).await.map_err(&fail)?;
            match cx.format {
                OutputFormat::Human if purged.is_empty() => print("no backups to purge\n")?,
                OutputFormat::Human => {
                    for table in &purged {
                        print(&format!("purged {table}\n"))?;
                    }
                }
                OutputFormat::Json => print(&json::to_line(&serde_json::json!({ "purged": purged })))?,
            }
            Ok(Exit::Success)
        }
        Command::Unprotect => {
            let lifted = migrator.unprotect(db).await.map_err(&fail)?;
            match cx.format {
                OutputFormat::Human if lifted => print("no longer protected\n")?,
                OutputFormat::Human => print("the database was not protected\n")?,
                OutputFormat::Json => print(&json::to_line(&serde_json::json!({ "lifted": lifted })))?,
            }
            Ok(Exit::Success)
        }
        Command::Baseline(args) if args.verify => {
            let scratch = args.scratch_url.clone().unwrap_or_else(|| cx.url.clone());
            run(name, migrator, db, cx, async |m| {
                m.baseline_verified(db, args.version, &scratch).await
            })
            .await
        }
        Command::Baseline(args) => run(name, migrator, db, cx, async |m| m.baseline(db, args.version).await).await,
        Command::Adopt(args) => run(name, migrator, db, cx, async |m| m.adopt(db, args.tool.into()).await).await,
        Command::Verify(args) => super::live::verify(&migrator, db, &args, cx).await,
        Command::Drift(args) => super::live::drift(&migrator, db, &args, cx).await,
        // `diff` connects to its own two databases; `execute` sends it there before connecting.
        Command::Diff(args) => super::live::diff(&args, cx).await,
        // `new` connects to nothing; `execute` sends it there before connecting.
        Command::New(args) => super::scaffold::new_migration(&args),
    }
}

/// `plan --backend`: every migration rendered for `backend` without a database.
fn plan_offline(args: &PlanArgs, backend: Backend, migrator: &Migrator, cx: &Context) -> Result<Exit, Failure> {
    let direction = plan_direction(args);
    let planned = offline::plan(migrator, backend, direction, args.to).map_err(|error| match error {
        OfflineError::Runtime(source) => cx.fail("plan")(source),
        OfflineError::Script(source) => Failure::Script {
            command: "plan",
            source,
        },
    })?;
    print_plan(backend, direction, &planned, true, cx)?;
    Ok(Exit::Success)
}

fn plan_direction(args: &PlanArgs) -> Direction {
    match args.direction.unwrap_or_default() {
        PlanDirection::Up => Direction::Up,
        PlanDirection::Down => Direction::Down,
    }
}

/// Prints a plan as an SQL script or as its JSON document.
fn print_plan(
    backend: Backend,
    direction: Direction,
    planned: &[PlannedMigration],
    offline: bool,
    cx: &Context,
) -> Result<(), Failure> {
    match cx.format {
        OutputFormat::Human => print(&human::plan(backend, direction, planned, offline, cx.palette)),
        OutputFormat::Json => print(&json::to_line(&PlanDoc {
            backend,
            direction,
            offline,
            migrations: planned,
        })),
    }
}

/// Runs a command that changes the database, with progress lines, then prints the status table.
async fn run(
    name: &'static str,
    migrator: Migrator,
    db: &Database,
    cx: &Context,
    action: impl AsyncFnOnce(&Migrator) -> Result<Report, Error>,
) -> Result<Exit, Failure> {
    let fail = cx.fail(name);
    let human = cx.format == OutputFormat::Human;
    let progress = Progress::new(&migrator, db.backend(), cx.palette, cx.verbose);
    let observer = progress.clone();
    let migrator = if human {
        migrator.with_observer(move |event| observer.on_event(event))
    } else {
        migrator.with_observer(move |event| observer.on_event_quiet(event))
    };
    let report = match action(&migrator).await {
        Ok(report) => report,
        Err(error) => {
            progress.finish_failed();
            return Err(fail(error));
        }
    };
    let rows = migrator.status(db).await.map_err(&fail)?;
    match cx.format {
        OutputFormat::Human => {
            let mut text = String::new();
            if report.applied.is_empty() {
                text.push_str(match name {
                    "up" => "nothing to apply: the database is up to date\n",
                    "baseline" => "nothing to record: those migrations are already applied\n",
                    _ => "nothing to revert: no migration is applied\n",
                });
            }
            text.push('\n');
            text.push_str(&human::status(&rows, cx.palette));
            print(&text)?;
        }
        OutputFormat::Json => print(&json::to_line(&RunDoc {
            command: name,
            backend: db.backend(),
            applied: &report.applied,
            migrations: &rows,
        }))?,
    }
    Ok(Exit::Success)
}

fn down_target(args: &DownArgs) -> DownTarget {
    match (args.steps, args.to) {
        (_, Some(version)) => DownTarget::To(version),
        (Some(steps), None) => DownTarget::Steps(steps),
        (None, None) => DownTarget::Steps(1),
    }
}

/// The subcommand's name, for messages.
pub(crate) fn name(command: &Command) -> &'static str {
    match command {
        Command::Status(_) => "status",
        Command::Up(_) => "up",
        Command::Down(_) => "down",
        Command::Redo => "redo",
        Command::Reset => "reset",
        Command::Fresh => "fresh",
        Command::Protect(_) => "protect",
        Command::Unprotect => "unprotect",
        Command::Purge(_) => "purge",
        Command::Plan(_) => "plan",
        Command::Baseline(_) => "baseline",
        Command::Verify(_) => "verify",
        Command::Drift(_) => "drift",
        Command::Diff(_) => "diff",
        Command::New(_) => "new",
        Command::Adopt(_) => "adopt",
    }
}
