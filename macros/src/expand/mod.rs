//! Expansion: from the checked model to tokens, or to the errors and a stub impl.

mod fallback;
mod list;
mod migration;

pub(crate) use list::list;
pub(crate) use migration::session_settings;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::internals::ast::Container;
use crate::internals::check;
use crate::internals::ctxt::Ctxt;

/// `#[derive(Migration)]`: the impls, or every attribute error beside a stub impl so that code
/// using the type does not add a cascade of secondary errors.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let cont = Container::from_ast(&cx, input);
    check::check(&cx, &cont);
    match cx.check() {
        Ok(()) => migration::expand(&cont),
        Err(errors) => fallback::expand(&cont, errors),
    }
}
