//! The migration type as the expansion sees it: its name, how to build a value of it, and its attributes.

use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Ident, Lit, Meta};

use super::attr;
use super::ctxt::Ctxt;
use super::symbol::DOC;

/// How generated code builds a value of the migration type.
pub(crate) enum Construct {
    /// `Type` (a unit struct).
    Unit,
    /// `Type {}`.
    EmptyBraced,
    /// `Type()`.
    EmptyTuple,
    /// `<Type as Default>::default()`: the type has fields, or is an enum.
    Default,
}

/// A `#[derive(Migration)]` input.
pub(crate) struct Container<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) attrs: attr::Container,
    /// The human name: `name = "..."`, else the first line of the doc comment, else the type name.
    pub(crate) name: String,
    pub(crate) construct: Construct,
    pub(crate) original: &'a DeriveInput,
}

impl<'a> Container<'a> {
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let attrs = attr::Container::from_ast(cx, &input.attrs);
        let name = attrs
            .name
            .clone()
            .or_else(|| first_doc_line(&input.attrs))
            .unwrap_or_else(|| type_name(&input.ident));
        let construct = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Unit => Construct::Unit,
                Fields::Named(fields) if fields.named.is_empty() => Construct::EmptyBraced,
                Fields::Unnamed(fields) if fields.unnamed.is_empty() => Construct::EmptyTuple,
                _ => Construct::Default,
            },
            Data::Enum(_) | Data::Union(_) => Construct::Default,
        };
        Container {
            ident: &input.ident,
            attrs,
            name,
            construct,
            original: input,
        }
    }
}

/// The type name as written, without a raw-identifier prefix.
pub(crate) fn type_name(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

/// The first non-empty line of the doc comment.
fn first_doc_line(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|attr| attr.path() == DOC)
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(text), ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| text.lines().map(str::trim).map(str::to_owned).collect::<Vec<_>>())
        .find(|line| !line.is_empty())
}
