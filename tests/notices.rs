//! The licence notices shipped inside the binary: printed by `credaudit licenses`, and complete
//! for the crates actually built (a new dependency without regenerated notices fails here).

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

const CRATE_NOTICES: &str = include_str!("../THIRD-PARTY-NOTICES.md");

#[test]
fn licenses_prints_crate_and_data_notices() {
    let out = Command::cargo_bin("credaudit")
        .expect("binary")
        .arg("licenses")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    for expected in [
        "# Third-party notices",
        "Apache License",
        "reqwest ",
        "# Data notices",
        "Copyright 2020 - 2026 Apple Inc.",
        "2fa.directory",
        "Passkeys Directory by 2factorauth",
        "Creative Commons Attribution 4.0 International",
    ] {
        assert!(
            text.contains(expected),
            "`credaudit licenses` lacks {expected:?}"
        );
    }
}

/// Every crate compiled into the binary for this host (normal dependencies, transitively; not
/// build scripts' or tests' crates) is named, with its version, in THIRD-PARTY-NOTICES.md.
/// `cargo tree -e normal` resolves features as a release build does (dev-dependencies' features
/// not unified in), like cargo-about; `cargo metadata` would not.
#[test]
fn every_crate_in_the_build_has_a_notice() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "--manifest-path"])
        .arg(&manifest)
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Lines read "NAME vVERSION", with " (proc-macro)", " (*)" or the root's path after.
    let shipped: BTreeSet<String> = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let version = words.next()?.strip_prefix('v')?;
            (name != env!("CARGO_PKG_NAME")).then(|| format!("{name} {version}"))
        })
        .collect();
    assert!(
        shipped.len() > 50,
        "suspiciously few crates: {}",
        shipped.len()
    );

    let missing: Vec<&String> = shipped
        .iter()
        .filter(|name_version| !CRATE_NOTICES.contains(name_version.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "THIRD-PARTY-NOTICES.md is out of date (run scripts/notices.sh); missing: {missing:?}"
    );
}
