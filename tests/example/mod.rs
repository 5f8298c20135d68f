//! The `contracts` example binary for the suites that run it: built once per test process, run as a
//! subprocess, and a temporary directory that cleans up after itself.
// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lockgate_test_support::unique_name;
use serde_json::Value;

/// The example binary, built once per test process with the same cargo and target dir as this test.
pub(crate) fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let output = Command::new(cargo)
            .args([
                "build",
                "--example",
                "contracts",
                "--features",
                "cli derive",
                "--message-format=json",
            ])
            .arg("--manifest-path")
            .arg(&manifest)
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "building the example failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The executable's path is in cargo's artifact message, wherever the target dir is.
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "contracts")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the example's executable")
    })
}

/// What one run of the binary returned.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is one JSON document ({e}):\n{}", self.stdout))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the example in `dir` with `args`, without colour and without an inherited `DATABASE_URL`, `RUST_LOG` or
/// `LOCKGATE_ENV`.
pub(crate) fn contracts(dir: &Path, args: &[&str]) -> Run {
    contracts_with(dir, args, &[])
}

/// [`contracts`] with these environment variables set.
pub(crate) fn contracts_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let Output { status, stdout, stderr } = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env_remove("LOCKGATE_ENV")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the example runs");
    Run {
        code: status.code().expect("the example exits normally"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Runs the example against `url` and asserts its exit code.
pub(crate) fn expect(url: &str, args: &[&str], code: i32) -> Run {
    let mut all = vec!["--database-url", url];
    all.extend_from_slice(args);
    let run = contracts(&std::env::temp_dir(), &all);
    assert_eq!(
        run.code,
        code,
        "`{}` exited with {}:\n{run:?}",
        args.join(" "),
        run.code
    );
    run
}

/// A directory under the system's temporary directory, removed when dropped (also after a panic).
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(suite: &str) -> Self {
        let dir = std::env::temp_dir().join(unique_name(suite));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
