//! What an invalid input expands to: its errors, and stub impls so the user sees one error, not a cascade.

use proc_macro2::TokenStream;
use quote::quote;

use super::migration::paths;
use crate::internals::ast::Container;

/// The errors, beside impls that make the type usable as a migration (with every category allowed,
/// so no risk gate adds its own error before the attributes are fixed).
pub(crate) fn expand(cont: &Container<'_>, errors: syn::Error) -> TokenStream {
    let errors = errors.into_compile_error();
    if !cont.original.generics.params.is_empty() {
        return errors;
    }
    let ident = cont.ident;
    let (dsl, private) = paths(cont);
    let categories = ["destructive", "blocking", "incompatible", "data_dependent"]
        .map(|category| syn::Ident::new(category, proc_macro2::Span::call_site()));
    quote! {
        #errors
        #[doc(hidden)]
        #[allow(unused_qualifications, unreachable_code, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #dsl::Migration for #ident {
                fn meta(&self) -> &'static #dsl::MigrationMeta {
                    ::core::unreachable!()
                }
                fn up_operations(&self) -> ::std::vec::Vec<#dsl::plan::PlannedOp> {
                    ::core::unreachable!()
                }
                fn down_operations(&self) -> ::core::result::Result<::std::vec::Vec<#dsl::plan::PlannedOp>, #dsl::DownError> {
                    ::core::unreachable!()
                }
            }
            #[automatically_derived]
            impl #private::Listed for #ident {
                const VERSION: i64 = 0;
                fn boxed() -> ::std::boxed::Box<dyn #dsl::Migration> {
                    ::core::unreachable!()
                }
            }
            #(#dsl::allow_category!(#ident, #categories);)*
        };
    }
}
