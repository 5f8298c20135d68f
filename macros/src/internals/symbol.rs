//! The keywords of `#[migration(...)]`, as constants compared with the user's paths.

use std::fmt::{self, Display};

use syn::{Ident, Path};

/// One attribute keyword.
#[derive(Copy, Clone)]
pub(crate) struct Symbol(pub(crate) &'static str);

pub(crate) const MIGRATION: Symbol = Symbol("migration");
pub(crate) const DOC: Symbol = Symbol("doc");

pub(crate) const VERSION: Symbol = Symbol("version");
pub(crate) const NAME: Symbol = Symbol("name");
pub(crate) const ALLOW: Symbol = Symbol("allow");
pub(crate) const IRREVERSIBLE: Symbol = Symbol("irreversible");
pub(crate) const TRANSACTION: Symbol = Symbol("transaction");
pub(crate) const CRATE: Symbol = Symbol("crate");
pub(crate) const BACKENDS: Symbol = Symbol("backends");
pub(crate) const SAMPLE: Symbol = Symbol("sample");
pub(crate) const FOREIGN_KEYS: Symbol = Symbol("foreign_keys");
pub(crate) const SESSION: Symbol = Symbol("session");
pub(crate) const ALLOW_IN: Symbol = Symbol("allow_in");

pub(crate) const POSTGRES: Symbol = Symbol("postgres");
pub(crate) const MYSQL: Symbol = Symbol("mysql");
pub(crate) const SQLITE: Symbol = Symbol("sqlite");

pub(crate) const DESTRUCTIVE: Symbol = Symbol("destructive");
pub(crate) const BLOCKING: Symbol = Symbol("blocking");
pub(crate) const INCOMPATIBLE: Symbol = Symbol("incompatible");
pub(crate) const DATA_DEPENDENT: Symbol = Symbol("data_dependent");

/// Every key of `#[migration(...)]`, for suggestions.
pub(crate) const KEYS: &[Symbol] = &[
    VERSION,
    NAME,
    ALLOW,
    IRREVERSIBLE,
    TRANSACTION,
    BACKENDS,
    SAMPLE,
    FOREIGN_KEYS,
    SESSION,
    ALLOW_IN,
    CRATE,
];

/// Every backend name of `backends = "..."`, for suggestions.
pub(crate) const BACKEND_NAMES: &[Symbol] = &[POSTGRES, MYSQL, SQLITE];

/// Every risk category of `allow(...)`, for suggestions.
pub(crate) const CATEGORIES: &[Symbol] = &[DESTRUCTIVE, BLOCKING, INCOMPATIBLE, DATA_DEPENDENT];

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(self.0)
    }
}
