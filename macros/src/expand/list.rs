//! `migrations![A, B, C]`: the boxed list, with compile-time checks that versions are unique and ascending.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Token, Type};

/// Expands `$crate; A, B, C` (the facade's `migrations!` passes its own `$crate` first).
pub(crate) fn list(input: TokenStream) -> syn::Result<TokenStream> {
    let mut tokens = input.into_iter();
    let mut krate = TokenStream::new();
    for token in tokens.by_ref() {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ';' => break,
            _ => krate.extend([token]),
        }
    }
    let types = Punctuated::<Type, Token![,]>::parse_terminated.parse2(tokens.collect())?;
    let types: Vec<&Type> = types.iter().collect();
    let listed = quote!(#krate::dsl::__private::Listed);

    let checks = types.windows(2).map(|pair| {
        let (before, after) = (pair[0], pair[1]);
        let (before_name, after_name) = (display(before), display(after));
        let same = format!(
            "migrations `{before_name}` and `{after_name}` have the same version; each migration needs its own"
        );
        let descending = format!(
            "migration `{after_name}` is listed after `{before_name}` but has a smaller version; \
             list migrations in ascending version order"
        );
        quote_spanned! {after.span()=>
            if <#before as #listed>::VERSION == <#after as #listed>::VERSION {
                ::core::panic!(#same)
            } else if <#before as #listed>::VERSION > <#after as #listed>::VERSION {
                ::core::panic!(#descending)
            }
        }
    });
    let boxed = types
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #listed>::boxed()));

    Ok(quote! {{
        const _: () = { #(#checks)* };
        let migrations: ::std::vec::Vec<::std::boxed::Box<dyn #krate::dsl::Migration>> = ::std::vec![#(#boxed),*];
        migrations
    }})
}

/// A type as the user wrote it, without the spaces token printing adds around `::` and `<>`.
fn display(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
}
