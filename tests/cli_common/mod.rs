//! Running the `attn` binary as a user would, for the command-line tests.
#![allow(dead_code)] // each test file uses its own share of these helpers

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub fn attn_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attn"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the attn binary starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub fn attn(args: &[&str]) -> Output {
    attn_with_stdin(args, "")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Runs successfully and returns stdout.
pub fn ok(args: &[&str]) -> String {
    let o = attn(args);
    assert!(o.status.success(), "attn {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

pub fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("--json prints valid JSON")
}

/// Fails with exit status 1 and one `error: …` line mentioning `expected`; no panic.
pub fn fails(args: &[&str], stdin: &str, expected: &str) {
    let o = attn_with_stdin(args, stdin);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "attn {args:?}: {err}");
    assert!(err.starts_with("error: ") && err.contains(expected), "attn {args:?}: expected '{expected}' in {err:?}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked") && o.stdout.is_empty());
}

/// A path in the temporary folder, unique to this test run, ending in `extension`.
pub fn temp_path(extension: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!("attn-cli-{}-{}.{extension}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)))
}

/// A JSON file in the temporary folder, unique to this test run.
pub fn temp_file(contents: &str) -> PathBuf {
    let path = temp_path("json");
    std::fs::write(&path, contents).unwrap();
    path
}

/// A folder of the repository, as an absolute path.
pub fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Fails as clap does for a malformed command line: exit status 2, `error: …` mentioning
/// `expected`, no panic.
pub fn usage_error(args: &[&str], expected: &str) {
    let o = attn(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "attn {args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(expected) && !err.contains("panicked"),
        "attn {args:?}: expected '{expected}' in {err}"
    );
}

/// The words of the first line of `table` that starts with `prefix` (a row of a printed table).
pub fn table_row<'a>(table: &'a str, prefix: &str) -> Vec<&'a str> {
    table.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix} in {table}")).split_whitespace().collect()
}
