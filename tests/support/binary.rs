//! The `credaudit` binary as the CLI tests run it: from the crate root, with a fixed "now",
//! and nothing from the user's environment (home, config, cache, proxies, colour) leaking in.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// Settings a developer's shell may carry that would change what a test sees.
const OUTSIDE_SETTINGS: [&str; 10] = [
    "CREDAUDIT_CONFIG",
    "NO_COLOR",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The README's story on the bundled demo vault: an audit against the demo breach sample, with
/// Mercari taken over and 2026-11-21 as the incident date.
pub const DEMO_AFTER_TAKEOVER: [&str; 8] = [
    "audit",
    "fixtures/demo/vault.json",
    "--hibp-file",
    "fixtures/demo/pwned-sample.txt",
    "--compromised",
    "mercari",
    "--since",
    "2026-11-21",
];

/// The binary with `home` as its home, config and cache directory.
pub fn credaudit(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("credaudit").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("CREDAUDIT_NOW", "2026-11-25T00:00:00Z");
    for var in OUTSIDE_SETTINGS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` to the end: (exit code, stdout, stderr), the output read as (lossy) UTF-8.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
