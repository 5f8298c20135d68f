//! `verify`, `drift` and `diff`: the schema a database really has, printed for people or as JSON.

use lockgate_dsl::Backend;
use serde::Serialize;

use super::args::{DiffArgs, Emit, OutputFormat, ScratchArgs};
use super::context::{Context, print};
use super::exit::Exit;
use super::failure::{Failure, redact};
use super::probe::probe;
use super::style::Palette;
use crate::schema::{CompareOptions, Difference};
use crate::verify::{RoundTrip, VerifyReport};
use crate::{Database, Migrator};

/// `verify`: the round trip of every migration.
#[derive(Debug, Serialize)]
struct VerifyDoc<'a> {
    command: &'static str,
    backend: Backend,
    ok: bool,
    #[serde(flatten)]
    report: &'a VerifyReport,
}

/// `drift` and `diff`: the differences found.
#[derive(Debug, Serialize)]
struct DifferencesDoc<'a> {
    command: &'static str,
    backend: Backend,
    differences: &'a [Difference],
}

/// Where the scratch database goes: `--scratch-url`, else beside the database.
fn scratch_url<'a>(args: &'a ScratchArgs, cx: &'a Context) -> &'a str {
    args.scratch_url.as_deref().unwrap_or(&cx.url)
}

pub(super) async fn verify(
    migrator: &Migrator,
    db: &Database,
    args: &ScratchArgs,
    cx: &Context,
) -> Result<Exit, Failure> {
    let report = migrator
        .verify(scratch_url(args, cx))
        .await
        .map_err(cx.fail("verify"))?;
    match cx.format {
        OutputFormat::Human => print(&verify_text(&report, cx.palette))?,
        OutputFormat::Json => print(&super::json::to_line(&VerifyDoc {
            command: "verify",
            backend: db.backend(),
            ok: report.is_ok(),
            report: &report,
        }))?,
    }
    Ok(if report.is_ok() { Exit::Success } else { Exit::Failure })
}

pub(super) async fn drift(
    migrator: &Migrator,
    db: &Database,
    args: &ScratchArgs,
    cx: &Context,
) -> Result<Exit, Failure> {
    let differences = migrator
        .drift(db, scratch_url(args, cx))
        .await
        .map_err(cx.fail("drift"))?;
    let clean = "no drift: the schema is what the applied migrations produce";
    differences_out("drift", db.backend(), &differences, clean, cx)
}

pub(super) async fn diff(args: &DiffArgs, cx: &Context) -> Result<Exit, Failure> {
    let fail = |url: &str| {
        let url = redact(url);
        move |source| Failure::Migrate {
            command: "diff",
            url: url.clone(),
            source: Box::new(source),
        }
    };
    let mut pools = Vec::with_capacity(2);
    for url in [&args.a, &args.b] {
        probe(url).await.map_err(fail(url))?;
        pools.push(Database::connect(url).await.map_err(fail(url))?);
    }
    let options = CompareOptions {
        ignore_constraint_names: args.ignore_constraint_names,
        ignore_column_order: args.ignore_column_order,
        accept_validated: false,
    };
    if let Some(format) = args.emit {
        let result = emit(&pools[0], &pools[1], format, args).await.map_err(fail(&args.b));
        for pool in &pools {
            pool.close().await;
        }
        print(&result?)?;
        return Ok(Exit::Success);
    }
    let result = crate::diff(&pools[0], &pools[1], options).await.map_err(fail(&args.b));
    for pool in &pools {
        pool.close().await;
    }
    let differences = result?;
    let clean = "no differences: B has the schema of A";
    differences_out("diff", pools[1].backend(), &differences, clean, cx)
}

/// What brings `b` to `a`: SQL, one statement a line, or a Rust file of migrations.
async fn emit(a: &Database, b: &Database, format: Emit, args: &DiffArgs) -> Result<String, crate::Error> {
    let migrator = Migrator::new(Vec::new())?;
    let expected = migrator.introspect(a).await?;
    let found = migrator.introspect(b).await?;
    let destructive = args.allow_destructive;
    let target = args.backend.map(Backend::from);
    let from = b.backend();
    if format == Emit::Rust {
        let changes = crate::schema::generate(&expected, &found, from, destructive);
        let version = args.version.unwrap_or_else(super::scaffold::version_now);
        return Ok(crate::schema::emit_rust(&changes, from, version, &args.name));
    }
    let statements = match target {
        Some(target) if target != from => typed_sql(&expected, &found, from, target, destructive),
        _ => crate::schema::emit_sql(&expected, &found, from, destructive),
    };
    if statements.is_empty() {
        return Ok("-- nothing to do: B has the schema of A".to_owned());
    }
    Ok(statements
        .iter()
        .map(|s| {
            if s.starts_with("--") {
                s.clone()
            } else {
                format!("{s};")
            }
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The typed operations from `from`'s catalogs, rendered for `target`: what another backend's database needs
/// to have `expected`. A change only a table rebuild can make, or only `from`'s SQL can spell, is a comment.
fn typed_sql(
    expected: &crate::schema::Schema,
    found: &crate::schema::Schema,
    from: Backend,
    target: Backend,
    destructive: bool,
) -> Vec<String> {
    use lockgate_dsl::render::{Step, render};
    let changes = crate::schema::generate(expected, found, from, destructive);
    let mut out: Vec<String> = changes.notes.iter().map(|n| format!("-- not generated: {n}")).collect();
    for op in changes.main.iter().chain(&changes.concurrent).chain(&changes.validate) {
        if matches!(op, lockgate_dsl::operation::Operation::RawSql { .. }) {
            out.push(format!("-- {}: spelled for {from} only; not emitted", op.describe()));
            continue;
        }
        match render(op, target) {
            Ok(steps) => out.extend(steps.iter().map(|step| match step {
                Step::Sql { sql, .. } => sql.clone(),
                other => other.to_string(),
            })),
            Err(e) => out.push(format!("-- {}: {e}", op.describe())),
        }
    }
    out
}

fn differences_out(
    command: &'static str,
    backend: Backend,
    differences: &[Difference],
    clean: &str,
    cx: &Context,
) -> Result<Exit, Failure> {
    match cx.format {
        OutputFormat::Human => print(&differences_text(differences, clean, cx.palette))?,
        OutputFormat::Json => print(&super::json::to_line(&DifferencesDoc {
            command,
            backend,
            differences,
        }))?,
    }
    Ok(if differences.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// One line per difference, then a count; or `clean` alone.
fn differences_text(differences: &[Difference], clean: &str, palette: Palette) -> String {
    if differences.is_empty() {
        return palette.ok(clean);
    }
    let mut out = String::new();
    for difference in differences {
        out.push_str(&difference.to_string());
        out.push('\n');
    }
    let noun = if differences.len() == 1 {
        "difference"
    } else {
        "differences"
    };
    out.push_str(&palette.error(&format!("\n{} {noun}", differences.len())));
    out
}

/// One line per migration, its differences under the one that failed, then a summary.
fn verify_text(report: &VerifyReport, palette: Palette) -> String {
    let mut out = String::new();
    let (mut verified, mut skipped) = (0, 0);
    for m in &report.migrations {
        match &m.outcome {
            RoundTrip::Verified => {
                verified += 1;
                out.push_str(&format!("{} {} {}\n", palette.ok("verified"), m.version, m.name));
            }
            RoundTrip::Skipped { reason } => {
                skipped += 1;
                out.push_str(&format!(
                    "{} {} {} {}\n",
                    palette.warn("skipped "),
                    m.version,
                    m.name,
                    palette.dim(&format!("({reason})"))
                ));
            }
            RoundTrip::Failed { differences, .. } => {
                let headline = m.to_string();
                let headline = headline.lines().next().unwrap_or_default();
                out.push_str(&format!("{} {headline}\n", palette.error("FAILED  ")));
                for difference in differences {
                    out.push_str(&format!("  {difference}\n"));
                }
            }
        }
    }
    let summary = match report.first_failure() {
        Some(failure) => palette.error(&format!(
            "\nmigration {} does not round-trip; fix its down (or its up), then run verify again",
            failure.version
        )),
        None => palette.ok(&format!(
            "\n{} migrations: {verified} verified, {skipped} skipped",
            report.migrations.len()
        )),
    };
    out.push_str(&summary);
    out
}
