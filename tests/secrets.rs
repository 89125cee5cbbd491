//! Non-negotiable 1: no password, nor its SHA-1, appears in anything credaudit writes:
//! stdout, stderr, the output file, the baseline or the range cache, for every fixture and
//! every output format; online too, with the range cache in place.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/hibp_server.rs"]
mod hibp_server;

use assert_cmd::Command;
use binary::credaudit;
use credaudit::breach::{Sha1Hash, hex_upper};
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, Input, ReadOptions, read};
use std::path::{Path, PathBuf};

/// Fixtures readable without a password, with the extra arguments they need.
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| {
            !path
                .extension()
                .is_some_and(|e| e == "md" || e == "txt" || e == "key" || e == "keyx" || e == "rs")
        })
        .collect();
    out.sort();
    out
}

/// Credentials of the KeePass fixtures (see fixtures/kdbx/README.md).
fn credentials(path: &Path) -> (Option<&'static str>, Option<PathBuf>) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let dir = path.parent().unwrap_or(Path::new("."));
    match name {
        "password.kdbx" => (Some("credaudit-fixture"), None),
        "keyfile-only.kdbx" => (None, Some(dir.join("keyfile-only.keyx"))),
        "password-keyfile.kdbx" => (Some("fixture-pw-2"), Some(dir.join("password-keyfile.key"))),
        _ => (None, None),
    }
}

/// The credential arguments for the binary.
fn credential_args(cmd: &mut Command, path: &Path) {
    let (password, key_file) = credentials(path);
    if let Some(pw) = password {
        cmd.env("CREDAUDIT_TEST_PW", pw)
            .args(["--password-env", "CREDAUDIT_TEST_PW"]);
    }
    if let Some(key) = key_file {
        cmd.arg("--key-file").arg(key);
    }
}

/// Every current and past password of a fixture, read through the library.
fn passwords_of(path: &Path) -> Option<Vec<String>> {
    let (password, key_file) = credentials(path);
    let mut give =
        |_: &str| -> Result<Option<Secret>, FormatError> { Ok(password.map(Secret::from)) };
    let mut options = ReadOptions {
        format: None,
        key_file,
        password: &mut give,
        include_recycled: true,
    };
    let vault = read(&Input::Path(path.to_owned()), 0, &mut options).ok()?;
    let mut all = Vec::new();
    for entry in &vault.entries {
        all.push(entry.password.expose().to_owned());
        all.extend(entry.history.iter().map(|h| h.password.expose().to_owned()));
    }
    Some(all)
}

/// Strings that must never appear: passwords long enough not to occur by coincidence in
/// ordinary text (ids, counts), and the SHA-1 of every password in both cases.
fn forbidden(passwords: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for pw in passwords {
        if pw.chars().count() >= 6 {
            out.push(pw.clone());
        }
        let hex = hex_upper(&Sha1Hash::of(&Secret::from(pw.as_str())).0);
        out.push(hex.to_lowercase());
        out.push(hex[5..].to_owned());
        out.push(hex);
    }
    out
}

fn scan(label: &str, haystack: &[u8], needles: &[String]) {
    let text = String::from_utf8_lossy(haystack);
    for (i, needle) in needles.iter().enumerate() {
        // The needle itself is never printed: only its index.
        assert!(
            !text.contains(needle.as_str()),
            "{label}: forbidden string #{i} leaked"
        );
    }
}

fn scan_dir(label: &str, dir: &Path, needles: &[String]) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan_dir(label, &path, needles);
        } else if let Ok(bytes) = std::fs::read(&path) {
            scan(&format!("{label}: {}", path.display()), &bytes, needles);
        }
    }
}

/// The key of the first account the fixture reports, if it reports any.
fn first_account_key(fixture: &Path) -> Option<String> {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = credaudit(home.path());
    cmd.args(["audit", "--breach", "off", "-o", "json"])
        .arg(fixture);
    credential_args(&mut cmd, fixture);
    let output = cmd.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    json["accounts"][0]["key"].as_str().map(str::to_owned)
}

#[test]
fn no_secret_reaches_any_output() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/pwned-sample.txt");
    let mut checked = 0;
    for fixture in fixtures() {
        let Some(passwords) = passwords_of(&fixture) else {
            continue;
        };
        let needles = forbidden(&passwords);
        let compromised = first_account_key(&fixture);
        for format in ["table", "json", "csv", "markdown", "html"] {
            let home = tempfile::tempdir().unwrap();
            let out_file = home.path().join("report.out");
            let baseline = home.path().join("baseline.json");
            let mut cmd = credaudit(home.path());
            cmd.args(["audit", "--hibp-file"])
                .arg(&corpus)
                .arg(&fixture)
                .args(["-o", format, "--max-age", "1y", "--baseline"])
                .arg(&baseline)
                .arg("--update-baseline");
            // A real account as the compromised one, so the exposure texts are scanned too
            // (`--compromised` matches strictly; a query matching nothing stops the run).
            if let Some(key) = &compromised {
                cmd.args(["--compromised", key]);
            }
            credential_args(&mut cmd, &fixture);
            let output = cmd.output().unwrap();
            let label = format!("{} -o {format}", fixture.display());
            scan(&format!("{label} stdout"), &output.stdout, &needles);
            scan(&format!("{label} stderr"), &output.stderr, &needles);
            let mut cmd = credaudit(home.path());
            cmd.args(["audit", "--hibp-file"])
                .arg(&corpus)
                .arg(&fixture)
                .args(["-o", format, "--output-file"])
                .arg(&out_file);
            credential_args(&mut cmd, &fixture);
            let with_file = cmd.output().unwrap();
            assert!(
                out_file.exists(),
                "{} -o {format}: no output file",
                fixture.display()
            );
            scan(
                &format!("{label} stderr (file)"),
                &with_file.stderr,
                &needles,
            );
            scan_dir(&label, home.path(), &needles);
        }
        checked += 1;
    }
    // The demo, the JSON reader fixtures and the three KeePass fixtures at least.
    assert!(checked >= 8, "only {checked} fixtures were checked");
}
