//! The third-party samples in `../shared/samples` (not in this repository; from a worktree,
//! point `CREDAUDIT_SAMPLES_DIR` at them). Tests that need them call [`samples_dir`], which
//! says on stderr, visibly, when they did not run.

use std::io::Write as _;
use std::path::PathBuf;

/// `../shared/samples` when it exists; otherwise one line on stderr naming the test that
/// did not run (written to the stream itself, so the test harness does not swallow it).
pub fn samples_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("CREDAUDIT_SAMPLES_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/samples")),
        PathBuf::from,
    );
    if dir.join("INDEX.md").is_file() {
        return Some(dir);
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: ../shared/samples is absent, this test did not run"
    );
    None
}
