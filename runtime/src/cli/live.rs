//! `verify`, `drift` and `diff`: the schema a database really has, printed for people or as JSON.

use lockgate_dsl::Backend;
use serde::Serialize;

use super::args::{DiffArgs, OutputFormat, ScratchArgs};
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
    if args.emit.is_some() {
        let result = emit(&pools[0], &pools[1], args.allow_destructive)
            .await
            .map_err(fail(&args.b));
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

/// The SQL that brings `b` to `a`, one statement a line.
async fn emit(a: &Database, b: &Database, destructive: bool) -> Result<String, crate::Error> {
    let migrator = Migrator::new(Vec::new())?;
    let expected = migrator.introspect(a).await?;
    let found = migrator.introspect(b).await?;
    let statements = crate::schema::emit_sql(&expected, &found, b.backend(), destructive);
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
