//! Compile-time behaviour, through trybuild: every risk gate, attribute mistake, wrong trait
//! combination and list mistake fails with the message in its `.stderr`; `pass/` compiles and runs.
//!
//! The `.stderr` files are rustc 1.95's output: generate them with `TRYBUILD=overwrite cargo test
//! --test compiletest`, then read every one before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/gates/*.rs");
    t.compile_fail("tests/ui/attributes/*.rs");
    t.compile_fail("tests/ui/traits/*.rs");
    t.compile_fail("tests/ui/list/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
