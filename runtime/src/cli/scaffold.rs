//! `new`: writes the file of a new migration, typed or as SQL, named by the current UTC time.

use std::fs;
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::args::NewArgs;
use super::context::print;
use super::exit::Exit;
use super::failure::Failure;

/// Writes the new migration's file(s) and says what to do next; never overwrites a file.
pub(crate) fn new_migration(args: &NewArgs) -> Result<Exit, Failure> {
    let version = args.version.unwrap_or_else(version_now);
    let snake = args.name.to_snake_case();
    if snake.is_empty() || !snake.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Failure::Scaffold(format!(
            "`{}` cannot name a migration: start it with a letter, like `add contract templates`",
            args.name
        )));
    }
    let files = if args.sql {
        vec![
            (
                args.dir.join(format!("{version}_{snake}.up.sql")),
                format!("-- {}\n", sentence(&args.name)),
            ),
            (
                args.dir.join(format!("{version}_{snake}.down.sql")),
                "-- The SQL that undoes the up SQL.\n".to_owned(),
            ),
        ]
    } else {
        vec![(
            args.dir.join(format!("m{version}_{snake}.rs")),
            typed(&args.name, version),
        )]
    };
    fs::create_dir_all(&args.dir).map_err(|e| write_failure(&args.dir, &e))?;
    for (path, _) in &files {
        if path.exists() {
            return Err(Failure::Scaffold(format!(
                "`{}` exists already; choose another name or pass --version",
                path.display()
            )));
        }
    }
    for (path, text) in &files {
        fs::write(path, text).map_err(|e| write_failure(path, &e))?;
        print(&format!("created {}", path.display()))?;
    }
    let next = if args.sql {
        format!(
            "write the up and down SQL; `embed_migrations!(\"{}\")` reads the folder when the crate is rebuilt",
            args.dir.display()
        )
    } else {
        format!(
            "declare the module (`mod m{version}_{snake};`) and add `{}` to your `migrations![...]` list",
            args.name.to_upper_camel_case()
        )
    };
    print(&format!("next: {next}"))?;
    Ok(Exit::Success)
}

/// A version for a migration written now: the current UTC time as `YYYYMMDDHHMMSS`.
pub(super) fn version_now() -> i64 {
    chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .unwrap_or(1)
}

fn write_failure(path: &Path, error: &std::io::Error) -> Failure {
    Failure::Scaffold(format!("cannot write `{}`: {error}", path.display()))
}

/// `add contract templates` → `Add contract templates`.
fn sentence(name: &str) -> String {
    let words = name.to_snake_case().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The source of a typed migration that plans nothing yet.
fn typed(name: &str, version: i64) -> String {
    let ty = name.to_upper_camel_case();
    let doc = sentence(name);
    format!(
        r#"//! {doc}.

use lockgate::prelude::*;

/// {doc}
#[derive(Migration)]
#[migration(version = {version})]
pub struct {ty};

impl Change for {ty} {{
    fn change(&self, m: &mut Plan<Self>) {{
        // Plan the change; `down` is derived from it. For example:
        // m.create_table("contract_templates", |t| {{
        //     t.column::<i64>("id").primary_key();
        //     t.column::<String>("name");
        // }});
        let _ = m;
    }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_template_names_the_type_and_its_version() {
        let text = typed("add contract templates", 20250101090000);
        assert!(text.contains("pub struct AddContractTemplates;"));
        assert!(text.contains("#[migration(version = 20250101090000)]"));
        assert!(text.starts_with("//! Add contract templates.\n"));
    }
}
