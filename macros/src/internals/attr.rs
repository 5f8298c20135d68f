//! Parses `#[migration(...)]` attributes into [`Container`].
//!
//! None of the parsing functions return a `Result`: an unknown, malformed or duplicated attribute
//! is recorded in the [`Ctxt`] with a span on the offending token and otherwise skipped, so the
//! user sees every mistake of the derive at once rather than just the first.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, Lit, LitStr, Token};

use super::ctxt::Ctxt;
use super::suggest::closest;
use super::symbol::{
    ALLOW, ALLOW_IN, BACKEND_NAMES, BACKENDS, BLOCKING, CATEGORIES, CRATE, DATA_DEPENDENT, DESTRUCTIVE, FOREIGN_KEYS,
    INCOMPATIBLE, IRREVERSIBLE, KEYS, MIGRATION, NAME, SAMPLE, SESSION, Symbol, TRANSACTION, VERSION,
};

/// An attribute value that may be set once; a second setting is reported at its key.
struct Attr<'c, T> {
    cx: &'c Ctxt,
    what: &'static str,
    name: Symbol,
    seen: bool,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    fn none(cx: &'c Ctxt, what: &'static str, name: Symbol) -> Self {
        Attr {
            cx,
            what,
            name,
            seen: false,
            value: None,
        }
    }

    fn set(&mut self, value: T) {
        self.value = Some(value);
    }

    /// Reports a second occurrence of the key at `obj` and returns true, or returns false the first time.
    fn duplicate<A: ToTokens>(&mut self, obj: A) -> bool {
        if self.seen {
            self.cx
                .error_spanned_by(obj, format!("duplicate {} `{}`", self.what, self.name));
            return true;
        }
        self.seen = true;
        false
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

/// A value and where it was written.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// The risk categories allowed, with their reasons.
#[derive(Default)]
pub(crate) struct Allow {
    pub(crate) destructive: Option<String>,
    pub(crate) blocking: Option<String>,
    pub(crate) incompatible: Option<String>,
    pub(crate) data_dependent: Option<String>,
}

impl Allow {
    /// The `allow_category!` keyword of every allowed category.
    pub(crate) fn categories(&self) -> Vec<&'static str> {
        [
            (&self.destructive, DESTRUCTIVE),
            (&self.blocking, BLOCKING),
            (&self.incompatible, INCOMPATIBLE),
            (&self.data_dependent, DATA_DEPENDENT),
        ]
        .into_iter()
        .filter(|(reason, _)| reason.is_some())
        .map(|(_, symbol)| symbol.0)
        .collect()
    }
}

/// Everything `#[migration(...)]` says about a migration type.
pub(crate) struct Container {
    pub(crate) version: Option<Spanned<i64>>,
    /// Whether `version` was written at all, or an attribute was too malformed to tell (either way an
    /// error was reported where it was written).
    pub(crate) version_written: bool,
    pub(crate) name: Option<String>,
    pub(crate) allow: Allow,
    pub(crate) irreversible: Option<String>,
    /// `transaction = false`: run without a transaction (`CONCURRENTLY`).
    pub(crate) transaction: bool,
    /// `backends = "postgres, mysql"`: the backends the migration is for, by name; `None` for every backend.
    pub(crate) backends: Option<Vec<&'static str>>,
    /// `crate = "..."`: the path of the `lockgate` facade.
    pub(crate) krate: Option<syn::Path>,
    /// `sample = "INSERT ..."`, repeatable: rows `verify` inserts before the round trip.
    pub(crate) samples: Vec<String>,
    /// `foreign_keys = false`: foreign keys are not enforced while the migration runs.
    pub(crate) foreign_keys_off: bool,
    /// `session(<backend> = "<variable> = <value>")`, repeatable: (backend, variable, value).
    pub(crate) session: Vec<(&'static str, String, String)>,
    /// `allow_in(<environment> = "why")`: (environment, reason).
    pub(crate) allow_in: Vec<(String, String)>,
}

impl Container {
    /// Reads every `#[migration(...)]` attribute of the input.
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut version = Attr::none(cx, "migration attribute", VERSION);
        let mut name = Attr::none(cx, "migration attribute", NAME);
        let mut irreversible = Attr::none(cx, "migration attribute", IRREVERSIBLE);
        let mut transaction = Attr::none(cx, "migration attribute", TRANSACTION);
        let mut krate = Attr::none(cx, "migration attribute", CRATE);
        let mut backends = Attr::none(cx, "migration attribute", BACKENDS);
        let mut destructive = Attr::none(cx, "risk category", DESTRUCTIVE);
        let mut blocking = Attr::none(cx, "risk category", BLOCKING);
        let mut incompatible = Attr::none(cx, "risk category", INCOMPATIBLE);
        let mut data_dependent = Attr::none(cx, "risk category", DATA_DEPENDENT);
        let mut samples = Vec::new();
        let mut foreign_keys = Attr::none(cx, "migration attribute", FOREIGN_KEYS);
        let mut session = Vec::new();
        let mut allow_in: Vec<(String, String)> = Vec::new();
        let mut malformed = false;

        for attr in attrs.iter().filter(|attr| attr.path() == MIGRATION) {
            if let syn::Meta::Path(path) = &attr.meta {
                cx.error_spanned_by(path, "expected `#[migration(version = ...)]`");
                malformed = true;
                continue;
            }
            let parsed = attr.parse_nested_meta(|meta| {
                let duplicate = (meta.path == VERSION && version.duplicate(&meta.path))
                    || (meta.path == NAME && name.duplicate(&meta.path))
                    || (meta.path == IRREVERSIBLE && irreversible.duplicate(&meta.path))
                    || (meta.path == TRANSACTION && transaction.duplicate(&meta.path))
                    || (meta.path == CRATE && krate.duplicate(&meta.path))
                    || (meta.path == FOREIGN_KEYS && foreign_keys.duplicate(&meta.path))
                    || (meta.path == BACKENDS && backends.duplicate(&meta.path));
                if duplicate {
                    return skip_value(&meta);
                }
                if meta.path == VERSION {
                    let expr: Expr = meta.value()?.parse()?;
                    if let Some(value) = parse_version(cx, &expr) {
                        version.set(Spanned { value, span: span_of(&expr) });
                    }
                } else if meta.path == NAME {
                    let expr: Expr = meta.value()?.parse()?;
                    if let Some(value) = parse_text(
                        cx,
                        &expr,
                        "expected the name as a string literal, like `name = \"add contract templates\"`",
                        "migration name must not be empty",
                    ) {
                        name.set(value);
                    }
                } else if meta.path == IRREVERSIBLE {
                    if !meta.input.peek(Token![=]) {
                        cx.error_spanned_by(
                            &meta.path,
                            "`irreversible` needs a reason: `irreversible = \"why this cannot be undone\"`",
                        );
                        return Ok(());
                    }
                    let expr: Expr = meta.value()?.parse()?;
                    let empty = "empty reason for `irreversible`: say why this migration cannot be undone";
                    if let Some(value) = parse_text(
                        cx,
                        &expr,
                        "expected the reason as a string literal, like `irreversible = \"why this cannot be undone\"`",
                        empty,
                    ) {
                        irreversible.set(value);
                    }
                } else if meta.path == TRANSACTION {
                    let expr: Expr = meta.value()?.parse()?;
                    match &expr {
                        Expr::Lit(ExprLit { lit: Lit::Bool(value), .. }) => transaction.set(value.value),
                        other => cx.error_spanned_by(other, "expected `transaction = false` or `transaction = true`"),
                    }
                } else if meta.path == BACKENDS {
                    let expr: Expr = meta.value()?.parse()?;
                    if let Some(names) = parse_backends(cx, &expr) {
                        backends.set(names);
                    }
                } else if meta.path == SAMPLE {
                    let expr: Expr = meta.value()?.parse()?;
                    if let Some(sql) = parse_text(
                        cx,
                        &expr,
                        "expected the sample as a string literal of SQL, like `sample = \"INSERT INTO t (a) VALUES (1)\"`",
                        "empty `sample`: give the SQL statement that inserts sample rows",
                    ) {
                        samples.push(sql);
                    }
                } else if meta.path == FOREIGN_KEYS {
                    let expr: Expr = meta.value()?.parse()?;
                    match &expr {
                        Expr::Lit(ExprLit { lit: Lit::Bool(value), .. }) => foreign_keys.set(value.value),
                        other => cx.error_spanned_by(
                            other,
                            "expected `foreign_keys = false` (foreign keys are not enforced while the migration runs)",
                        ),
                    }
                } else if meta.path == SESSION {
                    parse_session(cx, &meta, &mut session)?;
                } else if meta.path == ALLOW_IN {
                    parse_allow_in(cx, &meta, &mut allow_in)?;
                } else if meta.path == CRATE {
                    let expr: Expr = meta.value()?.parse()?;
                    match &expr {
                        Expr::Lit(ExprLit { lit: Lit::Str(path), .. }) => match path.parse::<syn::Path>() {
                            Ok(parsed) => krate.set(parsed),
                            Err(_) => cx.error_spanned_by(path, "`crate` must be a path, like `crate = \"::lockgate\"`"),
                        },
                        other => cx.error_spanned_by(other, "`crate` must be a string, like `crate = \"::lockgate\"`"),
                    }
                } else if meta.path == ALLOW {
                    if !meta.input.peek(syn::token::Paren) {
                        cx.error_spanned_by(
                            &meta.path,
                            "expected `allow(<category> = \"reason\")`, with a category among \
                             `destructive`, `blocking`, `incompatible` and `data_dependent`",
                        );
                        skip_value(&meta)?;
                        return Ok(());
                    }
                    let content;
                    syn::parenthesized!(content in meta.input.fork());
                    if content.is_empty() {
                        meta.input.parse::<proc_macro2::Group>()?;
                        cx.error_spanned_by(
                            &meta.path,
                            "empty `allow()`: name a risk category and why it is fine, like `allow(blocking = \"...\")`",
                        );
                        return Ok(());
                    }
                    meta.parse_nested_meta(|inner| {
                        let slot = if inner.path == DESTRUCTIVE {
                            &mut destructive
                        } else if inner.path == BLOCKING {
                            &mut blocking
                        } else if inner.path == INCOMPATIBLE {
                            &mut incompatible
                        } else if inner.path == DATA_DEPENDENT {
                            &mut data_dependent
                        } else {
                            unknown(cx, &inner.path, "risk category", CATEGORIES);
                            return skip_value(&inner);
                        };
                        if slot.duplicate(&inner.path) {
                            return skip_value(&inner);
                        }
                        let category = inner.path.get_ident().map(ToString::to_string).unwrap_or_default();
                        if !inner.input.peek(Token![=]) {
                            cx.error_spanned_by(
                                &inner.path,
                                format!("`allow({category})` needs a reason: `allow({category} = \"why this is fine\")`"),
                            );
                            return Ok(());
                        }
                        let expr: Expr = inner.value()?.parse()?;
                        let empty_reason =
                            format!("empty reason for `allow({category})`: say why this {category} change is fine");
                        if let Some(reason) = parse_text(
                            cx,
                            &expr,
                            &format!("expected the reason as a string literal, like `{category} = \"why this is fine\"`"),
                            &empty_reason,
                        ) {
                            slot.set(reason);
                        }
                        Ok(())
                    })?;
                } else {
                    unknown(cx, &meta.path, "migration attribute", KEYS);
                    skip_value(&meta)?;
                }
                Ok(())
            });
            if let Err(error) = parsed {
                cx.syn_error(error);
                malformed = true;
            }
        }

        Container {
            version_written: version.seen || malformed,
            version: version.get(),
            name: name.get(),
            allow: Allow {
                destructive: destructive.get(),
                blocking: blocking.get(),
                incompatible: incompatible.get(),
                data_dependent: data_dependent.get(),
            },
            irreversible: irreversible.get(),
            transaction: transaction.get().unwrap_or(true),
            backends: backends.get(),
            krate: krate.get(),
            samples,
            foreign_keys_off: foreign_keys.get() == Some(false),
            session,
            allow_in,
        }
    }
}

/// Reads `allow_in(production = "why", staging = "why")` into (environment, reason).
fn parse_allow_in(cx: &Ctxt, meta: &ParseNestedMeta<'_>, allow_in: &mut Vec<(String, String)>) -> syn::Result<()> {
    const EXPECTED: &str = "expected `allow_in(<environment> = \"why\")`, like \
                            `allow_in(production = \"the column has been unused since v41\")`";
    if !meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(&meta.path, EXPECTED);
        return skip_value(meta);
    }
    meta.parse_nested_meta(|inner| {
        let environment = inner.path.to_token_stream().to_string();
        if !inner.input.peek(Token![=]) {
            cx.error_spanned_by(
                &inner.path,
                format!("`allow_in({environment})` needs a reason: `allow_in({environment} = \"why\")`"),
            );
            return Ok(());
        }
        let expr: Expr = inner.value()?.parse()?;
        if allow_in.iter().any(|(env, _)| *env == environment) {
            cx.error_spanned_by(&inner.path, format!("`allow_in({environment})` is given twice"));
            return Ok(());
        }
        if let Some(reason) = parse_text(
            cx,
            &expr,
            &format!("expected the reason as a string literal, like `allow_in({environment} = \"why\")`"),
            &format!("empty reason for `allow_in({environment})`: say why it may run there"),
        ) {
            allow_in.push((environment, reason));
        }
        Ok(())
    })
}

/// Reads `session(postgres = "statement_timeout = '5min'", mysql = "...")` into (backend, variable, value).
fn parse_session(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    session: &mut Vec<(&'static str, String, String)>,
) -> syn::Result<()> {
    const EXPECTED: &str = "expected `session(<backend> = \"<variable> = <value>\")`, like \
                            `session(postgres = \"statement_timeout = '5min'\")`";
    if !meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(&meta.path, EXPECTED);
        return skip_value(meta);
    }
    meta.parse_nested_meta(|inner| {
        let Some(backend) = BACKEND_NAMES.iter().find(|symbol| inner.path == **symbol) else {
            unknown(cx, &inner.path, "backend", BACKEND_NAMES);
            return skip_value(&inner);
        };
        if !inner.input.peek(Token![=]) {
            cx.error_spanned_by(&inner.path, EXPECTED);
            return Ok(());
        }
        let expr: Expr = inner.value()?.parse()?;
        let Expr::Lit(ExprLit {
            lit: Lit::Str(text), ..
        }) = &expr
        else {
            cx.error_spanned_by(&expr, EXPECTED);
            return Ok(());
        };
        let written = text.value();
        let Some((name, value)) = written.split_once('=').map(|(n, v)| (n.trim(), v.trim())) else {
            cx.error_spanned_by(
                text,
                format!("expected `<variable> = <value>` in `session({backend} = ...)`"),
            );
            return Ok(());
        };
        let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !plain {
            cx.error_spanned_by(
                text,
                format!("`{name}` is not a plain name: a session variable is letters, digits, `_` and `.`"),
            );
        } else if value.is_empty() {
            cx.error_spanned_by(
                text,
                format!("`{name}` has no value: write it as SQL, like `{name} = 0`"),
            );
        } else {
            session.push((backend.0, name.to_owned(), value.to_owned()));
        }
        Ok(())
    })
}

/// Reports an unknown key, with the closest known one when it looks like a typo.
fn unknown(cx: &Ctxt, path: &syn::Path, what: &str, known: &[Symbol]) {
    let word = path.to_token_stream().to_string().replace(' ', "");
    let message = match closest(&word, known) {
        Some(suggestion) => format!("unknown {what} `{word}`, did you mean `{suggestion}`?"),
        None => {
            let list: Vec<String> = known.iter().map(|symbol| format!("`{symbol}`")).collect();
            format!("unknown {what} `{word}`, expected one of {}", list.join(", "))
        }
    };
    cx.error_spanned_by(path, message);
}

/// Consumes the value of a key that will not be used (`= expr` or `(...)`), so parsing goes on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<TokenStream>().map(drop)?;
    }
    Ok(())
}

fn parse_version(cx: &Ctxt, expr: &Expr) -> Option<i64> {
    let message = "migration version must be a positive integer literal, like `20250107162000`";
    let Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) = expr else {
        cx.error_spanned_by(expr, message);
        return None;
    };
    match int.base10_parse::<i64>() {
        Ok(value) if value > 0 => Some(value),
        _ => {
            cx.error_spanned_by(int, message);
            None
        }
    }
}

/// A non-empty string literal; reports `expected` for another expression and `empty` for a blank string.
fn parse_text(cx: &Ctxt, expr: &Expr, expected: &str, empty: &str) -> Option<String> {
    let Expr::Lit(ExprLit {
        lit: Lit::Str(text), ..
    }) = expr
    else {
        cx.error_spanned_by(expr, expected);
        return None;
    };
    let value = LitStr::value(text);
    if value.trim().is_empty() {
        cx.error_spanned_by(text, empty);
        return None;
    }
    Some(value)
}

/// `backends = "postgres, mysql"`: a non-empty, comma-separated list of known backend names, each once.
fn parse_backends(cx: &Ctxt, expr: &Expr) -> Option<Vec<&'static str>> {
    let expected = "expected the backends as a string literal, like `backends = \"postgres\"` or \
                    `backends = \"postgres, mysql\"`";
    let Expr::Lit(ExprLit {
        lit: Lit::Str(text), ..
    }) = expr
    else {
        cx.error_spanned_by(expr, expected);
        return None;
    };
    let value = text.value();
    let mut names: Vec<&'static str> = Vec::new();
    let mut ok = true;
    for word in value.split(',').map(str::trim) {
        match BACKEND_NAMES.iter().find(|symbol| symbol.0 == word) {
            Some(symbol) if names.contains(&symbol.0) => {
                cx.error_spanned_by(text, format!("backend `{word}` is listed twice in `backends`"));
                ok = false;
            }
            Some(symbol) => names.push(symbol.0),
            None if word.is_empty() => {
                cx.error_spanned_by(
                    text,
                    "empty backend name in `backends`: list one or more of `postgres`, `mysql` and `sqlite`, \
                     separated by commas",
                );
                ok = false;
            }
            None => {
                let list = BACKEND_NAMES
                    .iter()
                    .map(|symbol| format!("`{symbol}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = match closest(word, BACKEND_NAMES) {
                    Some(suggestion) => format!("unknown backend `{word}` in `backends`, did you mean `{suggestion}`?"),
                    None => format!("unknown backend `{word}` in `backends`, expected one of {list}"),
                };
                cx.error_spanned_by(text, message);
                ok = false;
            }
        }
    }
    ok.then_some(names)
}

fn span_of(expr: &Expr) -> Span {
    syn::spanned::Spanned::span(expr)
}
