//! `embed_migrations!("migrations")`: a folder of SQL files (sqlx, diesel or refinery layout) as lockgate
//! migrations, read at compile time: find them (`layout`), read each header (`header`), expand.

mod header;
mod layout;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// `"folder"`, then optionally `irreversible = "why"` (for migrations without down SQL) and `crate = "path"`.
struct Input {
    folder: LitStr,
    irreversible: Option<LitStr>,
    krate: Option<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let folder: LitStr = input.parse()?;
        let mut irreversible = None;
        let mut krate = None;
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            match key.to_string().as_str() {
                "irreversible" if value.value().trim().is_empty() => {
                    return Err(syn::Error::new(
                        value.span(),
                        "empty reason: say why these migrations cannot be undone",
                    ));
                }
                "irreversible" => irreversible = Some(value),
                "crate" => krate = Some(value.parse()?),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown setting `{key}`: expected `irreversible = \"why\"` or `crate = \"path\"`"),
                    ));
                }
            }
        }
        Ok(Input {
            folder,
            irreversible,
            krate,
        })
    }
}

/// Expands `embed_migrations!(...)` into a `Vec<Box<dyn Migration>>`.
pub(crate) fn embed(input: TokenStream) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let span = input.folder.span();
    let fail = |message: String| syn::Error::new(span, message);
    let root = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR")
            .map_err(|_| fail("CARGO_MANIFEST_DIR is not set: build with cargo".to_owned()))?,
    );
    let folder = root.join(input.folder.value());
    let found = layout::scan(&folder).map_err(fail)?;
    if found.is_empty() {
        return Err(fail(format!(
            "no migrations in `{}`: expected `<version>_<name>.up.sql` (sqlx), `<version>_<name>/up.sql` (diesel) \
             or `V<version>__<name>.sql` (refinery)",
            folder.display()
        )));
    }
    let krate = match &input.krate {
        Some(path) => quote!(#path),
        None => quote!(::lockgate),
    };
    let default_irreversible = input.irreversible.as_ref().map(LitStr::value);
    let mut items = Vec::new();
    let mut entries = Vec::new();
    for (i, migration) in found.iter().enumerate() {
        let shown = relative(&migration.up, &root);
        let up_sql = std::fs::read_to_string(&migration.up).map_err(|e| fail(format!("cannot read `{shown}`: {e}")))?;
        let header = header::read(&up_sql, &shown).map_err(fail)?;
        let down_sql = match &migration.down {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| fail(format!("cannot read `{}`: {e}", relative(path, &root))))?,
            ),
            None => None,
        };
        let has_down = down_sql.as_deref().is_some_and(|sql| !only_comments(sql));
        let irreversible = header
            .irreversible
            .clone()
            .or_else(|| (!has_down).then(|| default_irreversible.clone()).flatten());
        if !has_down && irreversible.is_none() {
            let why = match &migration.down {
                Some(path) => format!("`{}` has no statement", relative(path, &root)),
                None => format!("`{shown}` has no down SQL beside it"),
            };
            return Err(fail(format!(
                "{why}: write the SQL that undoes it, or say it cannot be undone with a line \
                 `-- lockgate: irreversible = \"why\"` at the top of `{shown}` (or `irreversible = \"why\"` here, \
                 for every migration without down SQL)"
            )));
        }
        let meta = quote::format_ident!("META_{}", i);
        let version = migration.version;
        let name = &migration.name;
        let reason = |r: &Option<String>| match r {
            Some(text) => quote!(::core::option::Option::Some(#text)),
            None => quote!(::core::option::Option::None),
        };
        let [destructive, blocking, incompatible, data_dependent] = header.allow.each_ref().map(reason);
        let irreversible_tokens = reason(&irreversible);
        let transaction = if header.transaction {
            quote!(#krate::dsl::TransactionMode::PerMigration)
        } else {
            quote!(#krate::dsl::TransactionMode::None)
        };
        let backends = match &header.backends {
            Some(names) => {
                let variants = names.iter().map(|name| match *name {
                    "postgres" => quote!(#krate::dsl::Backend::Postgres),
                    "mysql" => quote!(#krate::dsl::Backend::MySql),
                    _ => quote!(#krate::dsl::Backend::Sqlite),
                });
                quote!(::core::option::Option::Some(&[#(#variants),*]))
            }
            None => quote!(::core::option::Option::None),
        };
        items.push(quote! {
            static #meta: #krate::dsl::MigrationMeta = #krate::dsl::MigrationMeta {
                version: #version,
                name: #name,
                type_name: #shown,
                allow: #krate::dsl::risk::Allowances {
                    destructive: #destructive,
                    blocking: #blocking,
                    incompatible: #incompatible,
                    data_dependent: #data_dependent,
                },
                irreversible: #irreversible_tokens,
                transaction: #transaction,
                backends: #backends,
            };
        });
        let dsl = quote!(#krate::dsl);
        let session = match crate::expand::session_settings(&dsl, header.foreign_keys_off, &header.session) {
            Some(settings) => {
                let count = usize::from(header.foreign_keys_off) + header.session.len();
                let name = quote::format_ident!("SESSION_{}", i);
                items.push(quote!(static #name: [#dsl::session::SessionSetting; #count] = #settings;));
                quote!(&#name)
            }
            None => quote!(&[]),
        };
        let allowed_in = header.allow_in.iter().map(|(env, why)| quote!((#env, #why)));
        // `include_str!` makes cargo rebuild when a file changes.
        let up_path = migration.up.to_string_lossy().into_owned();
        let down = match (&migration.down, has_down) {
            (Some(path), true) => {
                let path = path.to_string_lossy().into_owned();
                quote!(::core::option::Option::Some(::core::include_str!(#path)))
            }
            _ => quote!(::core::option::Option::None),
        };
        let boxed = quote::format_ident!("boxed_{}", i);
        items.push(quote! {
            fn #boxed() -> ::std::boxed::Box<dyn #krate::dsl::Migration> {
                ::std::boxed::Box::new(#krate::dsl::sql_migration::SqlMigration {
                    meta: &#meta,
                    up: ::core::include_str!(#up_path),
                    down: #down,
                    session: #session,
                    allowed_in: &[#(#allowed_in),*],
                })
            }
            // Registered in the crate's tests, so a derived migration after it finds it for its live round trip.
            #[cfg(test)]
            #krate::__private::inventory::submit! {
                #krate::__private::Registered::new(#version, ::core::module_path!(), #boxed)
            }
        });
        entries.push(quote!(#boxed()));
    }
    Ok(quote! {{
        #(#items)*
        let migrations: ::std::vec::Vec<::std::boxed::Box<dyn #krate::dsl::Migration>> = ::std::vec![#(#entries),*];
        migrations
    }})
}

/// `path` relative to the crate's root, for messages and the migration's location.
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned()
}

/// Whether `sql` holds nothing but whitespace and `--` comments.
fn only_comments(sql: &str) -> bool {
    sql.lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with("--") || line == ";")
}
