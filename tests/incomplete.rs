//! Honest when things fail (issue 10), through the binary: a breach check that could not
//! finish says so once; `--breach off` never reads as "0 breached"; `check` never says "ok"
//! without an answer; nothing read is an error; an incomplete cron week does not rewrite the
//! baseline; breach counts are buckets unless asked for.

#[path = "support/hibp_server.rs"]
mod hibp_server;
#[path = "support/samples.rs"]
mod samples;

use assert_cmd::Command;
use hibp_server::HibpServer;
use std::path::{Path, PathBuf};

const DEMO: &str = "fixtures/demo/vault.json";
const DEMO_CORPUS: &str = "fixtures/demo/pwned-sample.txt";

/// The binary with a private home and a fixed "now" (as in tests/cli.rs).
fn credaudit(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("credaudit").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("CREDAUDIT_NOW", "2026-11-25T00:00:00Z")
        .env_remove("CREDAUDIT_CONFIG")
        .env_remove("NO_COLOR");
    cmd
}

/// A loopback URL nothing listens on: every connection is refused.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A loopback range server answering from the demo's breach sample.
fn demo_server() -> HibpServer {
    let server = HibpServer::start();
    let corpus = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO_CORPUS))
        .expect("demo corpus");
    for line in corpus.lines() {
        if let Some((hash, count)) = line.split_once(':') {
            server.add_hash(hash, count.trim().parse().expect("count"));
        }
    }
    server
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run credaudit");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn audit_down(home: &Path, url: &str, output: &str) -> Run {
    run(credaudit(home).args(["audit", DEMO, "--hibp-url", url, "--no-cache", "-o", output]))
}

#[test]
fn a_failed_breach_check_says_so_once_with_the_way_out() {
    let home = tempfile::tempdir().unwrap();
    let url = closed_port_url();
    let port = url.rsplit(':').next().unwrap();
    let expected = format!(
        "breach check incomplete: connection refused by 127.0.0.1:{port}; 13 passwords unchecked (use --hibp-file, or --breach off)"
    );

    let table = audit_down(home.path(), &url, "table");
    assert_eq!(table.code, 5, "findings and incomplete: {}", table.stderr);
    let lines = lines_with(&table.stderr, "incomplete");
    assert_eq!(
        lines,
        [format!("credaudit: {expected}")],
        "{}",
        table.stderr
    );
    assert!(
        table.stdout.contains(&format!("; {expected}")),
        "summary line"
    );
    // Accounts with only an unchecked verdict are one line; the others keep rows and the mark.
    assert!(
        table.stdout.contains(
            "unchecked: the breach check could not answer for 4 more accounts (not clean"
        )
    );
    assert!(!table.stdout.contains("Netflix"), "{}", table.stdout);
    assert!(table.stdout.contains("weak PIN, unchecked"));

    let json = audit_down(home.path(), &url, "json");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["warnings"][0], serde_json::json!(expected));
    assert_eq!(report["accounts"].as_array().unwrap().len(), 15);
    assert_eq!(report["summary"]["unchecked"], 15);

    let csv = audit_down(home.path(), &url, "csv");
    assert_eq!(csv.stdout.lines().count(), 1 + 15, "one row per account");

    let markdown = audit_down(home.path(), &url, "markdown");
    assert!(markdown.stdout.contains(&format!("; {expected}.")));
    assert!(
        markdown
            .stdout
            .contains("could not answer for 4 more accounts")
    );
    assert!(!markdown.stdout.contains("Netflix"));
    assert!(markdown.stdout.contains("## Warnings"));
}

#[test]
fn breach_off_says_off_never_zero_breached() {
    let home = tempfile::tempdir().unwrap();
    let r = run(credaudit(home.path()).args(["audit", DEMO, "--breach", "off"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains(": breach check off, "), "{}", r.stdout);
    assert!(!r.stdout.contains("breached"), "{}", r.stdout);
    assert!(!r.stdout.contains("unchecked"), "{}", r.stdout);
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "only the read line: {}",
        r.stderr
    );
}

fn check(home: &Path, candidate: &str, args: &[&str]) -> Run {
    run(credaudit(home)
        .arg("check")
        .args(args)
        .write_stdin(format!("{candidate}\n")))
}

#[test]
fn check_never_says_ok_without_a_breach_answer() {
    let home = tempfile::tempdir().unwrap();
    let strong = "vellum-Orbit-quasar-71-Tundra";
    let url = closed_port_url();
    let down = check(home.path(), strong, &["--hibp-url", &url, "--no-cache"]);
    assert_eq!(down.code, 4, "{}{}", down.stdout, down.stderr);
    assert!(down.stdout.contains("verdict: unknown"), "{}", down.stdout);
    assert!(!down.stdout.contains("ok to use"));

    // Cache-only with an empty cache: a miss is no answer either.
    let cache = home.path().join("empty-cache");
    let missed = check(
        home.path(),
        strong,
        &[
            "--breach",
            "cache-only",
            "--cache-dir",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(missed.code, 4, "{}{}", missed.stdout, missed.stderr);
    assert!(missed.stdout.contains("verdict: unknown"));

    let server = demo_server();
    let ok = check(
        home.path(),
        strong,
        &["--hibp-url", &server.url(), "--no-cache"],
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("verdict: ok to use"));

    let off = check(home.path(), strong, &["--breach", "off"]);
    assert_eq!(off.code, 0);
    assert!(!off.stdout.contains("ok to use"), "{}", off.stdout);
    assert!(off.stdout.contains("not checked against breaches"));
}

#[test]
fn check_advice_does_not_pin_the_password_to_a_short_list() {
    let home = tempfile::tempdir().unwrap();
    let r = check(home.path(), "password", &["--breach", "off"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("This is a very common password."),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("top-10"));
    assert!(!r.stdout.contains("top-100"));
}

#[test]
fn reading_no_login_is_an_error_naming_the_source() {
    let home = tempfile::tempdir().unwrap();
    let header_only = home.path().join("chrome.csv");
    std::fs::write(&header_only, "name,url,username,password\n").unwrap();
    let r = run(credaudit(home.path()).args([
        "audit",
        header_only.to_str().unwrap(),
        "--breach",
        "off",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no report: {}", r.stdout);
    let error: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(error.len(), 1, "{}", r.stderr);
    assert!(error[0].contains("nothing to audit"));
    assert!(error[0].contains("chrome.csv"));

    // Beside a vault with logins, an empty source is a warning and the audit runs.
    let both = run(credaudit(home.path()).args([
        "audit",
        header_only.to_str().unwrap(),
        DEMO,
        "--breach",
        "off",
    ]));
    assert_eq!(both.code, 1, "{}", both.stderr);
    assert!(both.stderr.contains("warning: no login with a password in"));

    // A file misdetected as a format and yielding nothing (pass-import's blur.json as 1PUX).
    let Some(samples) = samples::samples_dir("reading_no_login_is_an_error_naming_the_source")
    else {
        return;
    };
    let blur = samples.join("pass-import/db/blur.json");
    let r = run(credaudit(home.path()).args(["audit", blur.to_str().unwrap(), "--breach", "off"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("blur.json"));
    assert!(r.stderr.contains("nothing to audit"));
}

#[test]
fn breach_counts_are_buckets_unless_asked_for() {
    let home = tempfile::tempdir().unwrap();
    let audit = |extra: &[&str]| {
        run(credaudit(home.path())
            .args(["audit", DEMO, "--hibp-file", DEMO_CORPUS])
            .args(extra))
    };
    let json = audit(&["-o", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let breached: Vec<&serde_json::Value> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a.get("breach_bucket").is_some())
        .collect();
    assert!(!breached.is_empty());
    for account in &breached {
        assert!(account.get("breach_count").is_none(), "{account}");
    }
    assert_eq!(breached[0]["breach_bucket"], "1,000,000+");
    for output in ["table", "json", "csv", "markdown"] {
        let r = audit(&["-o", output]);
        // The exact count of the demo's most common breached password (SHA-1 of a top word).
        assert!(!r.stdout.contains("2330564"), "{output}: {}", r.stdout);
        assert!(!r.stdout.contains("2,330,564"), "{output}");
    }
    let exact = audit(&["-o", "json", "--exact-counts"]);
    assert!(exact.stdout.contains("\"breach_count\": 2330564"));
}

/// Week by week against one baseline, the way cron runs it.
struct Weeks {
    home: tempfile::TempDir,
    baseline: PathBuf,
}

impl Weeks {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let baseline = home.path().join("state/baseline.json");
        Self { home, baseline }
    }

    fn week(&self, url: &str) -> (Run, serde_json::Value) {
        let r = run(credaudit(self.home.path()).args([
            "audit",
            DEMO,
            "--hibp-url",
            url,
            "--no-cache",
            "--baseline",
            self.baseline.to_str().unwrap(),
            "--update-baseline",
            "-o",
            "json",
        ]));
        let report = serde_json::from_str(&r.stdout).expect("JSON report");
        (r, report)
    }

    fn codes(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.baseline).unwrap();
        let baseline: serde_json::Value = serde_json::from_str(&text).unwrap();
        baseline["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["account"], f["code"]))
            .collect()
    }
}

fn reported_codes(report: &serde_json::Value) -> Vec<String> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["reasons"].as_array().unwrap().clone())
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn two_weeks_an_incomplete_week_keeps_the_breach_findings() {
    let weeks = Weeks::new();
    let server = demo_server();
    let (week1, _) = weeks.week(&server.url());
    assert_eq!(week1.code, 1, "{}", week1.stderr);
    let known = weeks.codes();
    assert!(known.iter().any(|c| c.ends_with("\"reused-breached\"")));

    let (week2, report) = weeks.week(&closed_port_url());
    assert_eq!(week2.code, 4, "incomplete, nothing new: {}", week2.stderr);
    assert_eq!(report["baseline"]["fixed"], 0, "nothing fixed by an outage");
    assert_eq!(
        report["baseline"]["new"], 0,
        "reused is reused-breached unchecked"
    );
    let codes = reported_codes(&report);
    assert!(codes.iter().all(|c| c == "unchecked"), "{codes:?}");
    assert_eq!(weeks.codes(), known, "the baseline is unchanged");
}

#[test]
fn three_weeks_nothing_is_new_after_the_outage() {
    let weeks = Weeks::new();
    let server = demo_server();
    let (week1, _) = weeks.week(&server.url());
    assert_eq!(week1.code, 1);
    let known = weeks.codes();
    let (week2, _) = weeks.week(&closed_port_url());
    assert_eq!(week2.code, 4);
    let (week3, report) = weeks.week(&server.url());
    assert_eq!(week3.code, 0, "nothing new: {}", week3.stdout);
    assert_eq!(report["baseline"]["new"], 0);
    assert_eq!(report["baseline"]["fixed"], 0);
    assert!(report["accounts"].as_array().unwrap().is_empty());
    assert_eq!(weeks.codes(), known, "reused-breached did not flip");
}

#[test]
fn the_baseline_directory_is_created_private() {
    let weeks = Weeks::new();
    let (week1, _) = weeks.week(&closed_port_url());
    assert_eq!(week1.code, 5, "{}", week1.stderr);
    let dir = weeks.baseline.parent().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    assert!(weeks.baseline.exists());
}

#[test]
fn config_prints_a_config_file_that_reads_back_unchanged() {
    let home = tempfile::tempdir().unwrap();
    let first = run(credaudit(home.path()).args([
        "config",
        "--hibp-file",
        DEMO_CORPUS,
        "--max-age",
        "1y",
        "--skip",
        "weak",
        "--fail-on",
        "reused",
    ]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let file = home.path().join("printed.toml");
    std::fs::write(&file, &first.stdout).unwrap();
    let again = run(credaudit(home.path()).args(["--config", file.to_str().unwrap(), "config"]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, first.stdout);
    assert!(
        first.stdout.contains("breach = \"corpus\""),
        "{}",
        first.stdout
    );
}

#[test]
fn conflicting_breach_settings_are_an_error_naming_both() {
    let home = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--hibp-file", DEMO_CORPUS, "--breach", "off"],
            "--hibp-file and --breach off",
        ),
        (
            &[
                "--hibp-file",
                DEMO_CORPUS,
                "--hibp-url",
                "http://127.0.0.1:1",
            ],
            "--hibp-file and --hibp-url",
        ),
        (&["--breach", "corpus"], "--breach corpus needs"),
    ];
    for (args, message) in cases {
        let r = run(credaudit(home.path()).args(["audit", DEMO]).args(args));
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
    let config = home.path().join("clash.toml");
    std::fs::write(
        &config,
        "breach = \"off\"\nhibp-file = \"/srv/pwned.txt\"\n",
    )
    .unwrap();
    let r = run(credaudit(home.path()).args(["--config", config.to_str().unwrap(), "audit", DEMO]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("hibp-file and breach = \"off\" in the config file")
    );
}

#[test]
fn old_breach_spellings_work_with_one_warning() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache-dir");
    let flag = run(credaudit(home.path()).args([
        "audit",
        DEMO,
        "--offline",
        "--cache-dir",
        cache.to_str().unwrap(),
        "-o",
        "json",
    ]));
    assert_eq!(
        flag.code, 5,
        "cache-only with an empty cache: {}",
        flag.stderr
    );
    let warnings = lines_with(&flag.stderr, "deprecated");
    assert_eq!(
        warnings,
        ["credaudit: warning: --offline is deprecated; use --breach cache-only"]
    );
    let report: serde_json::Value = serde_json::from_str(&flag.stdout).unwrap();
    assert_eq!(report["breach_source"], "cache-only");
    assert_eq!(report["schema_version"], 3);

    // The old config word with a corpus meant the corpus, and still does.
    let config = home.path().join("old.toml");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO_CORPUS);
    std::fs::write(
        &config,
        format!(
            "breach = \"offline\"\nhibp-file = {:?}\n",
            corpus.to_str().unwrap()
        ),
    )
    .unwrap();
    let r = run(credaudit(home.path()).args([
        "--config",
        config.to_str().unwrap(),
        "audit",
        DEMO,
        "-o",
        "json",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("breach = \"offline\" in the config file is deprecated")
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["breach_source"], "corpus");
}

/// One audit against `baseline` with the corpus, from `dir`, of `vault` (`-` reads `stdin`).
fn keyed_run(
    home: &Path,
    dir: &Path,
    vault: &str,
    stdin: Option<Vec<u8>>,
    baseline: &Path,
) -> serde_json::Value {
    let mut cmd = credaudit(home);
    cmd.current_dir(dir).args([
        "audit",
        vault,
        "--hibp-file",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(DEMO_CORPUS)
            .to_str()
            .unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
        "--update-baseline",
        "-o",
        "json",
    ]);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let r = run(&mut cmd);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("JSON")
}

#[test]
fn the_baseline_knows_accounts_not_paths() {
    let home = tempfile::tempdir().unwrap();
    let baseline = home.path().join("baseline.json");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let first = keyed_run(home.path(), repo, DEMO, None, &baseline);
    assert!(!first["accounts"].as_array().unwrap().is_empty());
    // Absolute path, a copy elsewhere, and the same export through stdin: nothing new.
    let absolute = repo.join(DEMO);
    let copy = home.path().join("copy-of-vault.json");
    std::fs::copy(&absolute, &copy).unwrap();
    let bytes = std::fs::read(&absolute).unwrap();
    for (vault, stdin) in [
        (absolute.to_str().unwrap(), None),
        (copy.to_str().unwrap(), None),
        ("-", Some(bytes)),
    ] {
        let report = keyed_run(home.path(), home.path(), vault, stdin, &baseline);
        assert_eq!(report["baseline"]["new"], 0, "{vault}");
        assert_eq!(report["baseline"]["fixed"], 0, "{vault}");
    }
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(!text.contains("vault.json"), "no path in the keys");
}

#[test]
fn csv_accounts_keep_their_keys_when_entries_are_added_above() {
    let home = tempfile::tempdir().unwrap();
    let baseline = home.path().join("baseline.json");
    let csv = home.path().join("chrome.csv");
    let header = "name,url,username,password\n";
    let rows = "shop.example,https://shop.example/login,hana,Tulip#2001\nmail.example,https://mail.example/,hana,Tulip#2001\n";
    std::fs::write(&csv, format!("{header}{rows}")).unwrap();
    let run = || {
        keyed_run(
            home.path(),
            home.path(),
            csv.to_str().unwrap(),
            None,
            &baseline,
        )
    };
    let first = run();
    assert!(
        !first["accounts"].as_array().unwrap().is_empty(),
        "reused: {first}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let added = text.replace(
        "name,url,username,password\n",
        "name,url,username,password\nnew.example,https://new.example/,hana,vellum-Orbit-quasar-71-Tundra\n",
    );
    std::fs::write(&csv, added).unwrap();
    let second = run();
    assert_eq!(second["baseline"]["new"], 0, "{second}");
    assert_eq!(second["baseline"]["fixed"], 0);
}

#[test]
fn a_version_1_baseline_is_migrated_and_said_once() {
    let home = tempfile::tempdir().unwrap();
    let baseline = home.path().join("baseline.json");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    keyed_run(home.path(), repo, DEMO, None, &baseline);
    // Rewrite it as version 1 wrote it: path as typed + entry id.
    let mut old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    old["baseline_version"] = 1.into();
    for finding in old["findings"].as_array_mut().unwrap() {
        let key = finding["account"].as_str().unwrap().to_owned();
        let id = key
            .strip_prefix("id:")
            .expect("demo ids are the format's own");
        finding["account"] = format!("{DEMO}#{id}").into();
    }
    std::fs::write(&baseline, old.to_string()).unwrap();
    let migrated = keyed_run(home.path(), repo, DEMO, None, &baseline);
    assert_eq!(migrated["baseline"]["new"], 0, "{}", migrated["warnings"]);
    let notes = migrated["warnings"].to_string();
    assert!(
        notes.contains("the baseline is from an older credaudit"),
        "{notes}"
    );
    let again = keyed_run(home.path(), repo, DEMO, None, &baseline);
    assert!(!again["warnings"].to_string().contains("older credaudit"));
    assert_eq!(again["baseline"]["new"], 0);
}

/// The lines of `text` that contain `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}
