//! Checks that need more than one attribute, or the shape of the type: run after parsing.

use super::ast::Container;
use super::ctxt::Ctxt;

/// Records every cross-cutting mistake of the input.
pub(crate) fn check(cx: &Ctxt, cont: &Container<'_>) {
    check_version(cx, cont);
    check_generics(cx, cont);
}

/// Every migration needs a version: it orders migrations and keys the tracking table.
fn check_version(cx: &Ctxt, cont: &Container<'_>) {
    if !cont.attrs.version_written {
        cx.error_spanned_by(
            cont.ident,
            "missing migration version: add `#[migration(version = 20250107162000)]` \
             (unique and ascending, usually the UTC time the migration was written)",
        );
    }
}

/// A migration means one thing forever, so it cannot be generic.
fn check_generics(cx: &Ctxt, cont: &Container<'_>) {
    let generics = &cont.original.generics;
    if !generics.params.is_empty() {
        cx.error_spanned_by(
            generics,
            "a migration cannot be generic: it must mean the same thing forever",
        );
    }
}
