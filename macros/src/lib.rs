//! Derive macros for lockgate: `#[derive(Migration)]` and the `migrations![]` list. Use them through the `lockgate` crate.
//!
//! The pipeline follows serde_derive: parse the input into a typed model (`internals::ast`),
//! collecting every attribute mistake at once (`internals::ctxt`), check what spans several
//! attributes (`internals::check`), then expand from the model alone (`expand`).

mod embed;
mod expand;
mod internals;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Implements `lockgate::Migration` for a type that implements `Change`, `Up` + `Down`, or (with
/// `irreversible = "..."`) `Up` alone. See the `lockgate` crate for the attributes.
#[proc_macro_derive(Migration, attributes(migration))]
pub fn derive_migration(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// The list behind `lockgate::migrations![A, B, C]`: `$crate; A, B, C`. Checks at compile time that
/// versions are unique and ascending.
#[doc(hidden)]
#[proc_macro]
pub fn __migration_list(input: TokenStream) -> TokenStream {
    expand::list(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The migrations in a folder of SQL files, read at compile time, as `Vec<Box<dyn lockgate::Migration>>`: see
/// `lockgate::embed_migrations!`.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::embed(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
