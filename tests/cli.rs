//! The binary as a user runs it: one scenario per test, asserting exit codes and output.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/hibp_server.rs"]
mod hibp_server;

use assert_cmd::Command;
use binary::credaudit;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const DEMO: &str = "fixtures/demo/vault.json";
const DEMO_CORPUS: &str = "fixtures/demo/pwned-sample.txt";

/// `credaudit audit DEMO --hibp-file DEMO_CORPUS EXTRA...`: the demo vault, fully offline.
fn audit_demo(home: &Path, extra: &[&str]) -> Command {
    let mut cmd = credaudit(home);
    cmd.args(["audit", DEMO, "--hibp-file", DEMO_CORPUS])
        .args(extra);
    cmd
}

/// Writes `content` to `dir/name` and returns the path.
fn write_file(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write test file");
    path
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn json_of(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("stdout is JSON")
}

#[test]
fn help_teaches_exit_codes_and_examples() {
    let h = home();
    credaudit(h.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("credaudit audit -"));
}

#[test]
fn formats_lists_every_format() {
    let h = home();
    let out = credaudit(h.path())
        .arg("formats")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for format in credaudit::model::Format::ALL {
        assert!(text.contains(format.name()), "{} missing", format.name());
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let h = home();
    let dir = h.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    let empty = write_file(h.path(), "empty.csv", b"");
    let garbage = write_file(
        h.path(),
        "garbage.bin",
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect::<Vec<_>>(),
    );
    let no_pw_column = write_file(
        h.path(),
        "chrome.csv",
        "name,url,username,note\nx,https://x,y,z\n",
    );
    let cases: Vec<(PathBuf, &str)> = vec![
        (h.path().join("missing.kdbx"), "No such file"),
        (dir, "directory"),
        (empty, "empty"),
        (garbage, "unknown format"),
        (PathBuf::from("Cargo.toml"), "unknown format"),
    ];
    for (path, needle) in cases {
        let assert = credaudit(h.path())
            .args(["audit", "--breach", "off"])
            .arg(&path)
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{}: {stderr}", path.display());
        assert!(stderr.contains(needle), "{}: {stderr}", path.display());
        assert!(assert.get_output().stdout.is_empty());
    }
    let _ = no_pw_column;
}

#[test]
fn missing_password_env_is_an_error() {
    let h = home();
    credaudit(h.path())
        .args([
            "audit",
            DEMO,
            "--breach",
            "off",
            "--password-env",
            "CREDAUDIT_TEST_UNSET_VAR",
        ])
        .env_remove("CREDAUDIT_TEST_UNSET_VAR")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CREDAUDIT_TEST_UNSET_VAR"));
}

#[test]
fn stdin_operand_reads_the_export() {
    let h = home();
    let vault = std::fs::read(DEMO).unwrap();
    credaudit(h.path())
        .args(["audit", "-", "--breach", "off", "-o", "json"])
        .write_stdin(vault)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin> (bitwarden-json)"));
}

#[test]
fn demo_ranks_the_compromise_first() {
    let h = home();
    let out = audit_demo(h.path(), &["--compromised", "mercari", "-o", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = json_of(&out);
    assert_eq!(report["schema_version"], 3);
    assert_eq!(report["breach_source"], "corpus");
    let titles: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.first(), Some(&"Mercari"), "{titles:?}");
    let pos = |t: &str| titles.iter().position(|x| *x == t).unwrap_or(usize::MAX);
    // Linked to the compromise before breached, breached before reused, reused before weak.
    assert!(pos("Rakuten") < pos("Amazon"), "{titles:?}");
    assert!(pos("Gmail") < pos("Amazon"), "{titles:?}");
    assert!(pos("Amazon") < pos("Work Slack"), "{titles:?}");
    // The PIN is in the corpus, as every short PIN is, but a card PIN keeps its own low
    // tier: below a mere variant (issue 12).
    assert!(pos("Work Slack") < pos("Card PIN"), "{titles:?}");
    assert!(!titles.contains(&"Netflix"), "{titles:?}");
    assert_eq!(report["summary"]["unchecked"], 0);
    assert_eq!(report["sources"][0]["skipped"]["recycled"], 1);
}

#[test]
fn every_format_renders_without_escapes_when_not_a_tty() {
    let h = home();
    for format in ["table", "json", "csv", "markdown"] {
        let out = audit_demo(h.path(), &["-o", format])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'), "{format} has escapes");
        assert!(text.contains("Amazon"), "{format}");
    }
    let out = audit_demo(h.path(), &["--color", "always"])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains('\u{1b}'));
}

#[test]
fn exit_code_matrix() {
    let h = home();
    // A vault with one strong unique password: clean.
    let clean = write_file(
        h.path(),
        "clean.csv",
        "name,url,username,password\nexample.com,https://example.com/,me,wW8#kP2v!Lq9zR4t\n",
    );
    credaudit(h.path())
        .args(["audit", "--hibp-file", DEMO_CORPUS])
        .arg(&clean)
        .assert()
        .code(0);
    // Findings.
    audit_demo(h.path(), &[]).assert().code(1);
    // Findings below --fail-on: clean exit.
    credaudit(h.path())
        .args(["audit", DEMO, "--breach", "off", "--fail-on", "compromised"])
        .assert()
        .code(0);
    // Incomplete: offline against an empty cache leaves everything unchecked.
    credaudit(h.path())
        .args(["audit", "--offline"])
        .arg(&clean)
        .assert()
        .code(4);
    // Findings and incomplete.
    credaudit(h.path())
        .args(["audit", DEMO, "--offline"])
        .assert()
        .code(5);
    // Error.
    credaudit(h.path())
        .args(["audit", "nope.csv"])
        .assert()
        .code(2);
}

#[test]
fn baseline_reports_only_new_findings() {
    let h = home();
    let baseline = h.path().join("baseline.json");
    let base = |cmd: &mut Command| {
        cmd.args(["audit", DEMO, "--hibp-file", DEMO_CORPUS, "--baseline"])
            .arg(&baseline);
    };
    let mut first = credaudit(h.path());
    base(&mut first);
    first.arg("--update-baseline").assert().code(1);
    assert!(baseline.exists());
    let mut second = credaudit(h.path());
    base(&mut second);
    second
        .arg("--quiet")
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&baseline).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn ignore_file_hides_and_warns() {
    let h = home();
    let ignore = write_file(
        h.path(),
        "ignore.toml",
        "[[ignore]]\ntitle = \"card pin\"\nreason = \"bank-mandated\"\n\n[[ignore]]\ntitle = \"no such account\"\nreason = \"x\"\n\n[[ignore]]\ntitle = \"amazon\"\nreason = \"old\"\nexpires = 2020-01-01\n",
    );
    let assert = audit_demo(h.path(), &["-o", "json", "--ignore-file"])
        .arg(&ignore)
        .assert()
        .code(1);
    let report = json_of(&assert.get_output().stdout);
    let titles: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(!titles.contains(&"Card PIN"));
    assert!(titles.contains(&"Amazon"));
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("matches no account"), "{warnings}");
    assert!(warnings.contains("expired"), "{warnings}");
}

#[test]
fn config_file_sets_defaults_and_flags_override() {
    let h = home();
    let config = write_file(h.path(), "c.toml", "min-score = 2\noutput = \"csv\"\n");
    credaudit(h.path())
        .args(["config", "--config"])
        .arg(&config)
        .assert()
        .success()
        .stdout(predicate::str::contains("min-score = 2"))
        .stdout(predicate::str::contains("output = \"csv\""));
    credaudit(h.path())
        .args(["config", "--min-score", "4", "--config"])
        .arg(&config)
        .assert()
        .success()
        .stdout(predicate::str::contains("min-score = 4"));
    std::fs::write(&config, "bogus = 1\n").unwrap();
    credaudit(h.path())
        .args(["config", "--config"])
        .arg(&config)
        .assert()
        .code(2);
}

#[test]
fn check_rates_a_candidate() {
    let h = home();
    credaudit(h.path())
        .args(["check", "--hibp-file", DEMO_CORPUS])
        .write_stdin("password1\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("seen 1,000,000+ times"))
        .stdout(predicate::str::contains("password1").not());
    credaudit(h.path())
        .args(["check", "--hibp-file", DEMO_CORPUS])
        .write_stdin("wW8#kP2v!Lq9zR4t-tulip\n")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("not found"));
}

#[test]
fn completions_and_man() {
    let h = home();
    credaudit(h.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("credaudit"));
    credaudit(h.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH"));
}

#[test]
fn online_sends_only_padded_prefixes_and_a_warm_cache_sends_nothing() {
    let h = home();
    let server = hibp_server::HibpServer::with_passwords(&[
        ("password1", 2_418_984),
        ("iloveyou", 2_330_564),
    ]);
    let run = || {
        credaudit(h.path())
            .args(["audit", DEMO, "-o", "json", "--hibp-url", &server.url()])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let report = json_of(&run());
    assert_eq!(report["breach_source"], "online");
    assert_eq!(report["summary"]["unchecked"], 0);
    let requests = server.requests();
    // 15 logins, 13 distinct passwords, 13 distinct prefixes.
    assert_eq!(requests.len(), 13);
    for request in &requests {
        assert_eq!(request.method, "GET");
        let prefix = request.path.strip_prefix("/range/").expect("range path");
        assert!(
            prefix.len() == 5
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(request.header("add-padding"), Some("true"));
        assert_eq!(request.body_len, 0);
    }
    server.clear_requests();
    let again = json_of(&run());
    assert_eq!(server.request_count(), 0, "a warm cache sends no request");
    assert_eq!(again["accounts"], report["accounts"]);
}

#[test]
fn failing_api_is_unchecked_never_clean() {
    let h = home();
    let server = hibp_server::HibpServer::start();
    server.fail_always(Some(hibp_server::Fault::Status(503)));
    let clean = write_file(
        h.path(),
        "clean.csv",
        "name,url,username,password\nexample.com,https://example.com/,me,wW8#kP2v!Lq9zR4t\n",
    );
    let assert = credaudit(h.path())
        .args([
            "audit",
            "-o",
            "json",
            "--no-cache",
            "--hibp-url",
            &server.url(),
        ])
        .arg(&clean)
        .assert()
        .code(4);
    let report = json_of(&assert.get_output().stdout);
    assert_eq!(report["summary"]["unchecked"], 1);
    assert_eq!(report["accounts"][0]["reasons"][0]["code"], "unchecked");
}

/// One snapshot per output format of the demo, offline and with a fixed clock.
#[test]
fn output_format_snapshots() {
    let h = home();
    for format in ["table", "json", "csv", "markdown"] {
        let out = audit_demo(
            h.path(),
            &["--compromised", "mercari", "--max-age", "3y", "-o", format],
        )
        .env("COLUMNS", "200")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
        let text = String::from_utf8(out)
            .unwrap()
            .replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(format!("demo_{format}"), text);
    }
}

#[test]
fn skip_leaves_only_the_cheap_checks() {
    let h = home();
    let out = audit_demo(
        h.path(),
        &["--skip", "weak", "--skip", "variants", "-o", "json"],
    )
    .assert()
    .code(1)
    .get_output()
    .stdout
    .clone();
    let report = json_of(&out);
    let codes: Vec<String> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["code"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(codes.iter().any(|c| c == "breached"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "reused"), "{codes:?}");
    assert!(
        !codes
            .iter()
            .any(|c| c.starts_with("weak") || c == "variant"),
        "{codes:?}"
    );
}

#[test]
fn keepass_master_password_from_stdin_env_or_nowhere() {
    let h = home();
    let kdbx = "fixtures/kdbx/password.kdbx";
    credaudit(h.path())
        .args(["audit", kdbx, "--password-stdin", "--breach", "off"])
        .write_stdin("credaudit-fixture\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(kdbx): 4 logins"));
    credaudit(h.path())
        .args([
            "audit",
            kdbx,
            "--password-env",
            "CREDAUDIT_TEST_PW",
            "--breach",
            "off",
        ])
        .env("CREDAUDIT_TEST_PW", "not-the-password")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "wrong master password or key file",
        ))
        .stderr(predicate::str::contains("not-the-password").not());
    // No terminal, no flag: a clear error instead of a hang.
    credaudit(h.path())
        .args(["audit", kdbx, "--breach", "off"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a password"));
    // The vault on stdin and the password on stdin cannot both work.
    credaudit(h.path())
        .args(["audit", "-", "--password-stdin"])
        .write_stdin("x")
        .assert()
        .code(2);
}

/// Every cheap check fails before the vault is opened: a KDBX with no password source would
/// otherwise fail with "needs a password" (or prompt, then derive the key). Each I/O error
/// prints its cause once, on one line.
#[test]
fn io_errors_fail_before_the_vault_and_print_their_cause_once() {
    let h = home();
    let kdbx = "fixtures/kdbx/password.kdbx";
    let file = write_file(h.path(), "file", "not a directory");
    let under_file = |name: &str| file.join(name).display().to_string();
    let missing = h.path().join("missing").display().to_string();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["--hibp-file".into(), format!("{missing}/pwned.txt")],
            format!(
                "cannot read HIBP corpus {missing}/pwned.txt: No such file or directory (os error 2)"
            ),
        ),
        (
            vec![
                "--cache-dir".into(),
                under_file("cache"),
                "--hibp-url".into(),
                "http://127.0.0.1:9".into(),
            ],
            format!(
                "cannot use cache directory {}: Not a directory (os error 20)",
                under_file("cache")
            ),
        ),
        (
            vec![
                "--breach".into(),
                "off".into(),
                "--baseline".into(),
                under_file("baseline.json"),
                "--update-baseline".into(),
            ],
            format!(
                "baseline {}: Not a directory (os error 20)",
                under_file("baseline.json")
            ),
        ),
        (
            vec![
                "--breach".into(),
                "off".into(),
                "--output-file".into(),
                format!("{missing}/report.json"),
            ],
            format!("cannot write {missing}/report.json: No such file or directory (os error 2)"),
        ),
        (
            vec![
                "--breach".into(),
                "off".into(),
                "--ignore-file".into(),
                format!("{missing}/ignore.toml"),
            ],
            format!("ignore file {missing}/ignore.toml: No such file or directory (os error 2)"),
        ),
    ];
    for (args, message) in cases {
        let assert = credaudit(h.path())
            .args(["audit", kdbx])
            .args(&args)
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert_eq!(stderr, format!("credaudit: error: {message}\n"), "{args:?}");
    }
    assert!(!h.path().join("missing").exists());
    // `check` too fails on the corpus path before it reads the candidate.
    credaudit(h.path())
        .args(["check", "--hibp-file", &format!("{missing}/pwned.txt")])
        .write_stdin("candidate\n")
        .assert()
        .code(2)
        .stderr(format!(
            "credaudit: error: cannot read HIBP corpus {missing}/pwned.txt: No such file or directory (os error 2)\n"
        ));
}
