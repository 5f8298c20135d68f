//! Reads the `-- lockgate: ...` lines at the top of a migration's up SQL: the same settings as
//! `#[migration(...)]`, parsed by the derive's own attribute parser.

use crate::internals::attr::Container;
use crate::internals::ctxt::Ctxt;

/// What the header of one migration says.
pub(crate) struct Header {
    pub(crate) allow: [Option<String>; 4],
    pub(crate) irreversible: Option<String>,
    pub(crate) transaction: bool,
    pub(crate) backends: Option<Vec<&'static str>>,
    pub(crate) foreign_keys_off: bool,
    pub(crate) session: Vec<(&'static str, String, String)>,
    pub(crate) allow_in: Vec<(String, String)>,
}

/// Reads the leading comment lines of `sql` that start with `-- lockgate:` (but not `-- lockgate:unchecked`,
/// which the raw-SQL rules read in the body); `file` names the file in errors.
pub(crate) fn read(sql: &str, file: &str) -> Result<Header, String> {
    let mut settings = Vec::new();
    for line in sql.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix("--") else {
            break;
        };
        let Some(setting) = comment.trim_start().strip_prefix("lockgate:") else {
            continue;
        };
        if setting.starts_with("unchecked") {
            continue;
        }
        settings.push(setting.trim().to_owned());
    }
    let attribute = format!("#[migration({})]", settings.join(", "));
    let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, &attribute)
        .map_err(|e| format!("`{file}`: its `-- lockgate:` lines do not parse: {e}"))?;
    let cx = Ctxt::new();
    let container = Container::from_ast(&cx, &parsed);
    let mut problems: Vec<String> = Vec::new();
    if let Err(errors) = cx.check() {
        problems.extend(errors.into_iter().map(|e| e.to_string()));
    }
    if container.version_written {
        problems.push("the version comes from the file name; remove `version` from the header".to_owned());
    }
    if !container.samples.is_empty() || container.krate.is_some() || container.name.is_some() {
        problems.push(
            "a header takes `allow(...)`, `allow_in(...)`, `irreversible`, `transaction`, `backends`, \
             `foreign_keys` and `session(...)` only"
                .to_owned(),
        );
    }
    if !problems.is_empty() {
        return Err(format!("`{file}`: {}", problems.join("; ")));
    }
    let allow = container.allow;
    Ok(Header {
        allow: [
            allow.destructive,
            allow.blocking,
            allow.incompatible,
            allow.data_dependent,
        ],
        irreversible: container.irreversible,
        transaction: container.transaction,
        backends: container.backends,
        foreign_keys_off: container.foreign_keys_off,
        session: container.session,
        allow_in: container.allow_in,
    })
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn reads_the_settings_of_the_leading_comments() {
        let header = read(
            "-- lockgate: allow(blocking = \"small table\")\n-- a plain comment\n\
             -- lockgate: transaction = false, backends = \"postgres\"\n\
             -- lockgate:unchecked read by the raw-SQL rules, not here\nCREATE INDEX CONCURRENTLY i ON t (a);\n\
             -- lockgate: irreversible = \"too late: after the first statement\"",
            "m.up.sql",
        )
        .unwrap();
        assert_eq!(header.allow[1].as_deref(), Some("small table"));
        assert!(!header.transaction);
        assert_eq!(header.backends, Some(vec!["postgres"]));
        assert_eq!(header.irreversible, None);
        let header = read(
            "-- lockgate: foreign_keys = false\n-- lockgate: session(mysql = \"sql_mode = ''\")\nSELECT 1",
            "m.up.sql",
        )
        .unwrap();
        assert!(header.foreign_keys_off);
        assert_eq!(header.session, [("mysql", "sql_mode".to_owned(), "''".to_owned())]);
    }

    #[test]
    fn a_mistake_names_the_file_and_says_what_is_wrong() {
        let error = read("-- lockgate: allow(destructiv = \"x\")\nDROP TABLE t", "m.up.sql")
            .err()
            .unwrap();
        assert!(error.starts_with("`m.up.sql`: "), "{error}");
        assert!(error.contains("destructive"), "{error}");
        let error = read("-- lockgate: version = 3\nSELECT 1", "m.up.sql").err().unwrap();
        assert!(error.contains("the version comes from the file name"), "{error}");
        let error = read("-- lockgate: allow(blocking = \nSELECT 1", "m.up.sql")
            .err()
            .unwrap();
        assert!(error.contains("do not parse"), "{error}");
    }
}
