//! Finds the migrations in a folder of SQL files, in sqlx, diesel or refinery layout.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One migration found in the folder.
pub(crate) struct Found {
    /// The version, from the file or folder name (digits only, so diesel's `2024-03-13-120000` is `20240313120000`).
    pub(crate) version: i64,
    /// How many digits the version was written with, for a layout that orders versions as text (diesel's).
    pub(crate) text_digits: Option<usize>,
    /// The name after the version, with `_` as spaces.
    pub(crate) name: String,
    /// The up SQL file.
    pub(crate) up: PathBuf,
    /// The down SQL file, when the layout has one and it exists.
    pub(crate) down: Option<PathBuf>,
}

/// The migrations of `dir`, by version; an error names the file that does not fit.
pub(crate) fn scan(dir: &Path) -> Result<Vec<Found>, String> {
    let entries = fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read the migrations folder `{}`: {e}; the path is relative to the crate's Cargo.toml",
            dir.display()
        )
    })?;
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    names.sort();
    let mut found: BTreeMap<i64, Found> = BTreeMap::new();
    let mut downs: BTreeMap<i64, PathBuf> = BTreeMap::new();
    for (file, path) in names {
        let migration = if path.is_dir() {
            // diesel: `<version>_<name>/up.sql` and `down.sql`.
            let up = path.join("up.sql");
            if !up.is_file() {
                continue;
            }
            let down = path.join("down.sql");
            let (version, digits, name) = version_and_name(&file)?;
            Found {
                version,
                text_digits: Some(digits),
                name,
                up,
                down: down.is_file().then_some(down),
            }
        } else if let Some(stem) = file.strip_suffix(".down.sql") {
            // sqlx: the reverse of `<version>_<name>.up.sql`.
            let (version, _, _) = version_and_name(stem)?;
            downs.insert(version, path);
            continue;
        } else if let Some(stem) = file.strip_suffix(".up.sql") {
            let (version, _, name) = version_and_name(stem)?;
            Found {
                version,
                text_digits: None,
                name,
                up: path,
                down: None,
            }
        } else if let Some(stem) = file.strip_suffix(".sql") {
            // refinery `V<n>__<name>.sql`, or sqlx's one-way `<version>_<name>.sql`.
            let stem = match stem.strip_prefix('V') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.replacen("__", "_", 1),
                _ => stem.to_owned(),
            };
            let (version, _, name) = version_and_name(&stem)?;
            Found {
                version,
                text_digits: None,
                name,
                up: path,
                down: None,
            }
        } else {
            continue;
        };
        if let Some(other) = found.get(&migration.version) {
            return Err(format!(
                "two migrations have version {}: `{}` and `{}`; give each its own version",
                migration.version,
                other.up.display(),
                migration.up.display()
            ));
        }
        found.insert(migration.version, migration);
    }
    for (version, path) in downs {
        match found.get_mut(&version) {
            Some(migration) => migration.down = Some(path),
            None => {
                return Err(format!(
                    "`{}` has no `.up.sql` beside it; rename it, or add the up SQL",
                    path.display()
                ));
            }
        }
    }
    let found: Vec<Found> = found.into_values().collect();
    let text_ordered: Vec<(&Found, usize)> = found.iter().filter_map(|f| Some((f, f.text_digits?))).collect();
    if let (Some(short), Some(long)) = (
        text_ordered.iter().min_by_key(|(_, digits)| *digits),
        text_ordered.iter().max_by_key(|(_, digits)| *digits),
    ) && short.1 != long.1
    {
        return Err(format!(
            "diesel orders versions as text, and `{}` and `{}` write theirs with different numbers of digits, so \
             that order and lockgate's (by number) differ; write every version with the same number of digits",
            short.0.up.display(),
            long.0.up.display()
        ));
    }
    Ok(found)
}

/// `20240313120000_create_users` (or diesel's `2024-03-13-120000_create_users`) → (version, digits, name).
fn version_and_name(stem: &str) -> Result<(i64, usize, String), String> {
    let (version, name) = stem.split_once('_').unwrap_or((stem, ""));
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    let only_digits_and_dashes = version.chars().all(|c| c.is_ascii_digit() || c == '-');
    if digits.is_empty() || !only_digits_and_dashes {
        return Err(format!(
            "`{stem}` does not start with a version: name migrations `<version>_<name>.up.sql` (sqlx), \
             `<version>_<name>/up.sql` (diesel) or `V<version>__<name>.sql` (refinery)"
        ));
    }
    let version = digits
        .parse::<i64>()
        .map_err(|_| format!("the version of `{stem}` does not fit in an i64"))?;
    let name = if name.is_empty() {
        stem.to_owned()
    } else {
        name.replace('_', " ")
    };
    Ok((version, digits.len(), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    impl std::ops::Deref for Scratch {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    /// A scratch folder with these files (a `/` in a name makes a subfolder).
    fn folder(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("lockgate_layout_{name}_{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (file, text) in files {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        Scratch(dir)
    }

    fn summary(found: &[Found]) -> Vec<(i64, String, bool)> {
        found
            .iter()
            .map(|f| (f.version, f.name.clone(), f.down.is_some()))
            .collect()
    }

    #[test]
    fn reads_sqlx_pairs_and_one_way_files() {
        let dir = folder(
            "sqlx",
            &[
                ("2_add_name.up.sql", "x"),
                ("2_add_name.down.sql", "x"),
                ("1_create_users.up.sql", "x"),
                ("1_create_users.down.sql", "x"),
                ("3_backfill.sql", "x"),
                ("README.md", "not a migration"),
            ],
        );
        assert_eq!(
            summary(&scan(&dir).unwrap()),
            [
                (1, "create users".to_owned(), true),
                (2, "add name".to_owned(), true),
                (3, "backfill".to_owned(), false)
            ]
        );
    }

    #[test]
    fn reads_diesel_folders_and_their_dashed_versions() {
        let dir = folder(
            "diesel",
            &[
                ("2024-03-13-120000_create_users/up.sql", "x"),
                ("2024-03-13-120000_create_users/down.sql", "x"),
                ("2024-03-14-090000_add_name/up.sql", "x"),
            ],
        );
        assert_eq!(
            summary(&scan(&dir).unwrap()),
            [
                (20240313120000, "create users".to_owned(), true),
                (20240314090000, "add name".to_owned(), false)
            ]
        );
        let mixed = folder(
            "diesel_digits",
            &[
                ("20240313_create_users/up.sql", "x"),
                ("202403140900_add_name/up.sql", "x"),
            ],
        );
        let error = scan(&mixed).err().unwrap();
        assert!(error.contains("different numbers of digits"), "{error}");
    }

    #[test]
    fn reads_refinery_files() {
        let dir = folder("refinery", &[("V1__create_users.sql", "x"), ("V2__add_name.sql", "x")]);
        assert_eq!(
            summary(&scan(&dir).unwrap()),
            [(1, "create users".to_owned(), false), (2, "add name".to_owned(), false)]
        );
    }

    #[test]
    fn names_the_file_that_does_not_fit() {
        let twice = folder("twice", &[("1_a.up.sql", "x"), ("1_b.up.sql", "x")]);
        assert!(scan(&twice).err().unwrap().starts_with("two migrations have version 1"));
        let orphan = folder("orphan", &[("1_a.up.sql", "x"), ("2_b.down.sql", "x")]);
        assert!(scan(&orphan).err().unwrap().contains("has no `.up.sql` beside it"));
        let unversioned = folder("unversioned", &[("create_users.sql", "x")]);
        assert!(
            scan(&unversioned)
                .err()
                .unwrap()
                .contains("does not start with a version")
        );
        let missing = scan(Path::new("/nonexistent/lockgate")).err().unwrap();
        assert!(missing.starts_with("cannot read the migrations folder"), "{missing}");
    }
}
