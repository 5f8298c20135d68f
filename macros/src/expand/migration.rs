//! The expansion of a valid `#[derive(Migration)]`: the `Migration` and `Listed` impls, the risk
//! gates of the allowed categories, and a `#[test]` that checks the migration's plans.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::internals::ast::{Construct, Container, type_name};

/// The path of the `lockgate` facade, through `crate = "..."` or `::lockgate`.
fn facade(cont: &Container<'_>) -> TokenStream {
    match &cont.attrs.krate {
        Some(path) => quote!(#path),
        None => quote!(::lockgate),
    }
}

/// The paths of the dsl and of its private support module.
pub(crate) fn paths(cont: &Container<'_>) -> (TokenStream, TokenStream) {
    let krate = facade(cont);
    (quote!(#krate::dsl), quote!(#krate::dsl::__private))
}

/// The session settings of `foreign_keys = false` and `session(...)`, as an array expression of
/// `dsl::session::SessionSetting`; `None` when there are none.
pub(crate) fn session_settings(
    dsl: &TokenStream,
    foreign_keys_off: bool,
    session: &[(&'static str, String, String)],
) -> Option<TokenStream> {
    if !foreign_keys_off && session.is_empty() {
        return None;
    }
    let off = foreign_keys_off.then(|| quote!(#dsl::session::SessionSetting::ForeignKeysOff));
    let set = session.iter().map(|(backend, name, value)| {
        let backend = match *backend {
            "postgres" => quote!(#dsl::Backend::Postgres),
            "mysql" => quote!(#dsl::Backend::MySql),
            _ => quote!(#dsl::Backend::Sqlite),
        };
        quote! {
            #dsl::session::SessionSetting::Set {
                backend: #backend,
                name: ::std::borrow::Cow::Borrowed(#name),
                value: ::std::borrow::Cow::Borrowed(#value),
            }
        }
    });
    let all = off.into_iter().chain(set);
    Some(quote!([#(#all),*]))
}

pub(crate) fn expand(cont: &Container<'_>) -> TokenStream {
    let ident = cont.ident;
    let span = ident.span();
    let (dsl, private) = paths(cont);
    let krate = facade(cont);
    let attrs = &cont.attrs;
    let version = attrs.version.as_ref().map_or_else(
        || Literal::i64_unsuffixed(0),
        |version| {
            let mut literal = Literal::i64_unsuffixed(version.value);
            literal.set_span(version.span);
            literal
        },
    );
    let name = &cont.name;
    let type_name = type_name(ident);
    let option = |value: &Option<String>| match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    };
    let destructive = option(&attrs.allow.destructive);
    let blocking = option(&attrs.allow.blocking);
    let incompatible = option(&attrs.allow.incompatible);
    let data_dependent = option(&attrs.allow.data_dependent);
    let irreversible = option(&attrs.irreversible);
    let transaction = if attrs.transaction {
        quote!(#dsl::TransactionMode::PerMigration)
    } else {
        quote!(#dsl::TransactionMode::None)
    };
    let backends = match &attrs.backends {
        Some(names) => {
            let variants = names.iter().map(|name| match *name {
                "postgres" => quote!(#dsl::Backend::Postgres),
                "mysql" => quote!(#dsl::Backend::MySql),
                _ => quote!(#dsl::Backend::Sqlite),
            });
            quote!(::core::option::Option::Some(&[#(#variants),*]))
        }
        None => quote!(::core::option::Option::None),
    };
    let declared = match &attrs.irreversible {
        Some(reason) => quote!(#private::DeclaredIrreversible(#reason)),
        None => quote!(#private::DeclaredReversible),
    };
    let categories = attrs
        .allow
        .categories()
        .into_iter()
        .map(|category| syn::Ident::new(category, Span::call_site()));
    let construct = match cont.construct {
        Construct::Unit => quote!(#ident),
        Construct::EmptyBraced => quote!(#ident {}),
        Construct::EmptyTuple => quote!(#ident()),
        Construct::Default => quote_spanned!(span=> <#ident as #private::Construct>::construct()),
    };
    // Spanned on the type name: a wrong combination of `Change`, `Up` and `Down` is reported there.
    // The probes' types are known before the call, so a wrong combination selects exactly one `Shape`
    // impl, whose never-implemented bound carries the message.
    let planners_fn = respanned(quote!(#private::planners), span);
    let planners = quote_spanned! {span=>
        #planners_fn(&probed, &#declared)
    };
    // Which of `Change`, `Up` and `Down` the type implements decides how it plans. `PLANNERS` is picked in
    // a constant, with the probes in a closure that is never called: nothing here is compiled per
    // migration but the verdict's own `up` and `down`. Comments stay here rather than in the output,
    // which the compiler reads back for every migration at every build.
    // The generated `#[test]` checks the migration's plans for every enabled backend against its crate's
    // earlier migrations; with `LOCKGATE_VERIFY_URL` set, also its live round trip on top of them.
    let test = format_ident!("lockgate_check_{}", snake_case(&type_name));
    // Only where there are samples: every generated function is compiled once per migration.
    let samples = &attrs.samples;
    let samples_fn = (!samples.is_empty()).then(|| {
        quote! {
            fn samples(&self) -> &'static [&'static str] {
                &[#(#samples),*]
            }
        }
    });

    let session_fn = session_settings(&dsl, attrs.foreign_keys_off, &attrs.session).map(|settings| {
        let count = usize::from(attrs.foreign_keys_off) + attrs.session.len();
        quote! {
            fn session(&self) -> &'static [#dsl::session::SessionSetting] {
                static SESSION: [#dsl::session::SessionSetting; #count] = #settings;
                &SESSION
            }
        }
    });

    let allowed_in_fn = (!attrs.allow_in.is_empty()).then(|| {
        let pairs = attrs.allow_in.iter().map(|(env, why)| quote!((#env, #why)));
        quote! {
            fn allowed_in(&self) -> &'static [(&'static str, &'static str)] {
                &[#(#pairs),*]
            }
        }
    });

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #dsl::Migration for #ident {
                fn meta(&self) -> &'static #dsl::MigrationMeta {
                    static META: #dsl::MigrationMeta = #dsl::MigrationMeta {
                        version: #version,
                        name: #name,
                        type_name: #type_name,
                        allow: #dsl::risk::Allowances {
                            destructive: #destructive,
                            blocking: #blocking,
                            incompatible: #incompatible,
                            data_dependent: #data_dependent,
                        },
                        irreversible: #irreversible,
                        transaction: #transaction,
                        backends: #backends,
                    };
                    &META
                }

                fn up_operations(&self) -> ::std::vec::Vec<#dsl::plan::PlannedOp> {
                    (PLANNERS.up)(self)
                }

                fn down_operations(&self) -> ::core::result::Result<::std::vec::Vec<#dsl::plan::PlannedOp>, #dsl::DownError> {
                    (PLANNERS.down)(self, #irreversible)
                }

                #samples_fn
                #session_fn
                #allowed_in_fn
            }

            #[automatically_derived]
            impl #private::Listed for #ident {
                const VERSION: i64 = #version;
                fn boxed() -> ::std::boxed::Box<dyn #dsl::Migration> {
                    ::std::boxed::Box::new(#construct)
                }
            }

            const PLANNERS: #private::Planners<#ident> = {
                #[allow(unused_imports)]
                use #private::probes::*;
                let probed = || {
                    let probe = &&#private::Probe::<#ident>::NEW;
                    (probe.change_impl(), probe.up_impl(), probe.down_impl())
                };
                #planners
            };

            #(#dsl::allow_category!(#ident, #categories);)*

            // Registered, so the test below can apply the migrations before this one for its live round trip;
            // only in the crate's tests, the one place that reads the registry.
            #[cfg(test)]
            #krate::__private::inventory::submit! {
                #krate::__private::Registered::new(
                    <#ident as #private::Listed>::VERSION,
                    ::core::module_path!(),
                    <#ident as #private::Listed>::boxed,
                )
            }
        };

        #[cfg(test)]
        #[test]
        #[allow(non_snake_case)]
        fn #test() {
            #krate::__private::check_in_crate(<#ident as #private::Listed>::VERSION, ::core::module_path!());
            #krate::__private::live_round_trip(<#ident as #private::Listed>::VERSION, ::core::module_path!());
        }
    }
}

/// `tokens` with every span set to `span`: the compiler points an unmet bound of a call at the called
/// path, so the path must carry the span the message should show.
fn respanned(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut inner = proc_macro2::Group::new(group.delimiter(), respanned(group.stream(), span));
                inner.set_span(span);
                token = proc_macro2::TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// `CreateContractTemplates` → `create_contract_templates`.
fn snake_case(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("CreateContractTemplates"), "create_contract_templates");
        assert_eq!(snake_case("AddURLColumn"), "add_url_column");
        assert_eq!(snake_case("V2Backfill"), "v2_backfill");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }
}
