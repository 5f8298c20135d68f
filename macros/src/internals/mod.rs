//! The typed model of a `#[derive(Migration)]` input, and the error collector used while building it.

pub(crate) mod ast;
pub(crate) mod attr;
pub(crate) mod check;
pub(crate) mod ctxt;
mod suggest;
pub(crate) mod symbol;
