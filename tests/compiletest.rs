//! Compile-time behaviour, through trybuild: every risk gate, attribute mistake, wrong trait
//! combination and list mistake fails with the message in its `.stderr`; `pass/` compiles and runs.
//!
//! The `.stderr` files are rustc 1.95's output: generate them with `TRYBUILD=overwrite cargo test
//! --test compiletest`, then read every one before committing it. Another compiler words its
//! diagnostics differently, so the test runs only on the toolchain the files were written with.

use std::process::Command;

/// The toolchain the `.stderr` files were generated with.
const PINNED: &str = "rustc 1.95.";

#[test]
fn ui() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    if !version.starts_with(PINNED) {
        // Straight to stderr: libtest would swallow an `eprintln!` from a passing test.
        lockgate_test_support::skip(format_args!(
            "the UI .stderr files are written for {PINNED}x; this is {}",
            version.trim()
        ));
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/gates/*.rs");
    t.compile_fail("tests/ui/attributes/*.rs");
    t.compile_fail("tests/ui/traits/*.rs");
    t.compile_fail("tests/ui/list/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
