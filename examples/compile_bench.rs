//! Compile time of derived migrations against the same migrations written as plain `impl Migration`: a clean
//! build of the crate that holds them (its dependencies already built) and an incremental one after one file
//! changes. Each crate also builds the list the runtime takes (`migrations![]`, or a `vec!` of boxes for the
//! plain ones), as a real crate of migrations does. Prints medians and ratios; asserts nothing.
//!
//! `cargo run --release --example compile_bench [count=300] [reps=3]`

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One migration: a table with a key, a name and a timestamp, and an index.
fn body(v: usize) -> String {
    format!(
        r#"m.create_table("t{v}", |t| {{
            t.column::<i64>("id").primary_key();
            t.column::<String>("name");
            t.column::<Timestamptz>("created_at").default_now();
        }});
        m.create_index(IndexDef::new("t{v}", ["name"]));"#
    )
}

fn derived(v: usize) -> String {
    format!(
        r#"//! Migration {v}.
use lockgate::prelude::*;

/// Creates table {v}.
#[derive(Migration)]
#[migration(version = {v})]
pub struct M{v};

impl Change for M{v} {{
    fn change(&self, m: &mut Plan<Self>) {{
        {body}
    }}
}}
"#,
        body = body(v)
    )
}

fn plain(v: usize) -> String {
    format!(
        r#"//! Migration {v}.
use lockgate::dsl::plan::{{inverse_of, Plan, PlannedOp}};
use lockgate::dsl::risk::Allowances;
use lockgate::dsl::{{DownError, Migration, MigrationMeta, TransactionMode}};
use lockgate::prelude::{{IndexDef, Timestamptz}};

/// Creates table {v}.
pub struct M{v};

static META: MigrationMeta = MigrationMeta {{
    version: {v},
    name: "m{v}",
    type_name: "M{v}",
    allow: Allowances::NONE,
    irreversible: None,
    transaction: TransactionMode::PerMigration,
    backends: None,
}};

impl Migration for M{v} {{
    fn meta(&self) -> &'static MigrationMeta {{
        &META
    }}

    fn up_operations(&self) -> Vec<PlannedOp> {{
        let mut m = Plan::<()>::new();
        {body}
        m.into_operations()
    }}

    fn down_operations(&self) -> Result<Vec<PlannedOp>, DownError> {{
        Ok(inverse_of(&self.up_operations())?)
    }}
}}
"#,
        body = body(v)
    )
}

/// The derived crate's list, as users write it.
fn derived_list(count: usize) -> String {
    let types: Vec<String> = (1..=count).map(|v| format!("m{v}::M{v}")).collect();
    format!(
        "pub fn migrations() -> Vec<Box<dyn lockgate::Migration>> {{\n    lockgate::migrations![{}]\n}}\n",
        types.join(", ")
    )
}

/// The plain crate's list: no derive, so no `migrations![]`.
fn plain_list(count: usize) -> String {
    let boxes: Vec<String> = (1..=count).map(|v| format!("Box::new(m{v}::M{v})")).collect();
    format!(
        "pub fn migrations() -> Vec<Box<dyn lockgate::Migration>> {{\n    vec![{}]\n}}\n",
        boxes.join(", ")
    )
}

/// Writes a crate named `name` holding `count` migrations rendered by `render` and listed by `list`.
fn write_crate(root: &Path, name: &str, count: usize, render: fn(usize) -> String, list: fn(usize) -> String) {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).expect("crate folder");
    let lockgate = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nlockgate = {{ path = {:?} }}\n",
            lockgate.display().to_string()
        ),
    )
    .expect("manifest");
    let mut lib = String::from("//! Generated migrations.\n#![allow(missing_docs)]\n");
    for v in 1..=count {
        writeln!(lib, "pub mod m{v};").expect("write");
        std::fs::write(dir.join("src").join(format!("m{v}.rs")), render(v)).expect("migration file");
    }
    lib.push_str(&list(count));
    std::fs::write(dir.join("src/lib.rs"), lib).expect("lib.rs");
}

fn cargo(root: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo {args:?} failed in {}", root.display());
    started.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut count = 300;
    let mut reps = 3;
    for arg in std::env::args().skip(1) {
        match arg.split_once('=') {
            Some(("count", n)) => count = n.parse().expect("count=N"),
            Some(("reps", n)) => reps = n.parse().expect("reps=N"),
            _ => panic!("unknown argument {arg}: expected count= or reps="),
        }
    }
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-bench");
    let _ = std::fs::remove_dir_all(root.join("derived"));
    let _ = std::fs::remove_dir_all(root.join("plain"));
    std::fs::create_dir_all(&root).expect("bench folder");
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"derived\", \"plain\"]\nresolver = \"3\"\n",
    )
    .expect("workspace manifest");
    write_crate(&root, "derived", count, derived, derived_list);
    write_crate(&root, "plain", count, plain, plain_list);
    println!("{count} migrations in one crate, dev profile, medians of {reps}; dependencies built beforehand");
    // Dependencies once, untimed.
    cargo(&root, &["build", "--workspace"]);
    let crates = ["derived", "plain"];
    let mut clean: [Vec<Duration>; 2] = Default::default();
    let mut incremental: [Vec<Duration>; 2] = Default::default();
    for rep in 0..reps {
        // The two crates take turns, so a machine that slows down weighs on both alike.
        for (i, name) in crates.iter().enumerate() {
            cargo(&root, &["clean", "-p", name]);
            clean[i].push(cargo(&root, &["build", "-p", name]));
            let file = root.join(name).join("src").join(format!("m{}.rs", count / 2 + 1));
            let mut text = std::fs::read_to_string(&file).expect("migration file");
            writeln!(text, "// edit {rep}").expect("write");
            std::fs::write(&file, text).expect("migration file");
            incremental[i].push(cargo(&root, &["build", "-p", name]));
        }
    }
    println!("{:<12} {:>10} {:>10} {:>7}", "build", "derived", "plain", "ratio");
    for (label, samples) in [("clean", clean), ("incremental", incremental)] {
        let [derived, plain] = samples.map(median);
        println!(
            "{:<12} {:>10.2?} {:>10.2?} {:>6.2}x",
            label,
            derived,
            plain,
            derived.as_secs_f64() / plain.as_secs_f64()
        );
    }
}
