//! `site-breached`: the HIBP breach list, fetched once from a loopback server, cached,
//! read from the cache alone or from `--breaches-file`; a list that cannot be had makes the
//! run incomplete. Loopback only: the real HIBP is never called.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/hibp_server.rs"]
mod hibp_server;

use binary::{credaudit, run};
use hibp_server::{HibpServer, TestPki};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Breaches on example.com (counts, 2024-06-01), rakuten.co.jp (counts, 2025-03-01) and
/// four that do not count: fabricated, spam list, no passwords exposed, no domain.
const LIST: &str = r#"[
  {"Name":"Example","Title":"Example Forum","Domain":"example.com","BreachDate":"2024-06-01",
   "AddedDate":"2024-07-01T00:00:00Z","ModifiedDate":"2024-07-01T00:00:00Z","PwnCount":1000,
   "Description":"x","LogoPath":"x","DataClasses":["Email addresses","Passwords"],
   "IsVerified":true,"IsFabricated":false,"IsSensitive":false,"IsRetired":false,
   "IsSpamList":false,"IsMalware":false,"IsSubscriptionFree":false,"IsStealerLog":false},
  {"Name":"RakutenTest","Title":"Rakuten Test","Domain":"rakuten.co.jp","BreachDate":"2025-03-01",
   "DataClasses":["Passwords"]},
  {"Name":"Fabricated","Title":"Fabricated","Domain":"fabricated.example","BreachDate":"2025-01-01",
   "DataClasses":["Passwords"],"IsFabricated":true},
  {"Name":"Spam","Title":"Spam","Domain":"spam.example","BreachDate":"2025-01-01",
   "DataClasses":["Passwords"],"IsSpamList":true},
  {"Name":"NoPasswords","Title":"No Passwords","Domain":"nopw.example","BreachDate":"2025-01-01",
   "DataClasses":["Email addresses","Phone numbers"]},
  {"Name":"Stealer","Title":"Stealer log","Domain":"","BreachDate":"2025-01-01",
   "DataClasses":["Passwords"],"IsMalware":true}
]"#;

/// One Bitwarden login: (title, url, password set on).
fn login(n: usize, title: &str, url: &str, set: &str) -> String {
    format!(
        r#"{{"id":"id-{n}","type":1,"name":"{title}","revisionDate":"{set}T00:00:00.000Z",
            "login":{{"username":"user{n}@mail.example","password":"Unique-{n}-kV9#qT2!xL7pWz",
            "uris":[{{"uri":"{url}"}}],"passwordRevisionDate":"{set}T00:00:00.000Z"}}}}"#
    )
}

fn vault(dir: &Path) -> PathBuf {
    let items = [
        login(
            1,
            "Old example",
            "https://www.example.com/login",
            "2023-01-01",
        ),
        login(2, "New example", "https://example.com/", "2025-01-01"),
        login(3, "Fabricated", "https://fabricated.example/", "2020-01-01"),
        login(4, "Spam", "https://spam.example/", "2020-01-01"),
        login(5, "No passwords", "https://nopw.example/", "2020-01-01"),
        login(6, "Rakuma", "https://fril.jp/", "2024-01-01"),
        login(7, "Same day", "https://example.com/", "2024-06-01"),
    ];
    let path = dir.join("vault.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"encrypted":false,"folders":[],"items":[{}]}}"#,
            items.join(",")
        ),
    )
    .unwrap();
    path
}

/// Reasons by account title, as (code, text) pairs.
fn reasons(report: &Value, title: &str) -> Vec<(String, String)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == title)
        .flat_map(|a| a["reasons"].as_array().unwrap().clone())
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_owned(),
                r["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn site_breached(report: &Value, title: &str) -> Option<String> {
    reasons(report, title)
        .into_iter()
        .find(|(code, _)| code == "site-breached")
        .map(|(_, text)| text)
}

/// Audits the vault online against `server`, with `extra` flags; (exit, report, stderr).
fn audit(home: &Path, server: &HibpServer, extra: &[&str]) -> (i32, Value, String) {
    let vault = vault(home);
    let cache = home.join("cache-dir");
    let mut cmd = credaudit(home);
    cmd.arg("audit")
        .arg(&vault)
        .args(["--skip", "weak", "--skip", "variants", "-o", "json"])
        .args(["--hibp-url", &server.url()])
        .args(["--breaches-url", &server.breach_list_url()])
        .arg("--cache-dir")
        .arg(&cache)
        .args(extra);
    let (code, out, err) = run(&mut cmd);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report, err)
}

fn breach_list_requests(server: &HibpServer) -> Vec<hibp_server::RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v3/breaches"))
        .collect()
}

#[test]
fn flags_a_breach_after_the_password_was_set_and_nothing_else() {
    let home = tempfile::tempdir().unwrap();
    let server = HibpServer::start();
    server.set_breach_list(LIST);
    let (code, report, err) = audit(home.path(), &server, &[]);
    assert_eq!(code, 1, "{err}");
    let old = site_breached(&report, "Old example").expect("breach after the set date");
    assert!(old.contains("Example Forum"), "{old}");
    assert!(old.contains("2024-06-01"), "{old}");
    assert!(
        site_breached(&report, "Same day").is_some(),
        "a breach on the day the password was set counts"
    );
    // Rakuma signs in with a Rakuten ID: the Rakuten breach exposed its login too.
    let rakuma = site_breached(&report, "Rakuma").expect("breach of the sign-in backend");
    assert!(
        rakuma.contains("Rakuten Test") && rakuma.contains("rakuten.co.jp"),
        "{rakuma}"
    );
    for clean in ["New example", "Fabricated", "Spam", "No passwords"] {
        assert_eq!(site_breached(&report, clean), None, "{clean}");
    }
    let old_row = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Old example")
        .unwrap();
    assert_eq!(old_row["reasons"][0]["code"], "site-breached");
    assert!(report.get("site_breaches_incomplete").is_none());

    // One plain GET of the whole list: no query string, nothing of the vault.
    let requests = breach_list_requests(&server);
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/api/v3/breaches");
    assert_eq!(request.body_len, 0);
    assert!(
        request
            .header("User-Agent")
            .is_some_and(|ua| ua.starts_with("credaudit/"))
    );
    for (name, value) in &request.headers {
        for secret in ["example", "fril", "user1", "Unique", "kV9"] {
            assert!(
                !value.contains(secret) && !name.contains(secret),
                "{name}: {value}"
            );
        }
    }
}

#[test]
fn the_cached_list_is_reused_and_answers_cache_only_runs() {
    let home = tempfile::tempdir().unwrap();
    let server = HibpServer::start();
    server.set_breach_list(LIST);
    audit(home.path(), &server, &[]);
    assert_eq!(breach_list_requests(&server).len(), 1);
    let cached = home.path().join("cache-dir/breaches.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cached).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Within the day: answered from the cache, nothing fetched.
    let (_, report, _) = audit(home.path(), &server, &[]);
    assert_eq!(breach_list_requests(&server).len(), 1);
    assert!(site_breached(&report, "Old example").is_some());

    // Cache only: nothing sent, same answer, complete.
    server.fail_breach_list(Some(500));
    server.clear_requests();
    let (code, report, err) = audit(home.path(), &server, &["--breach", "cache-only"]);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(site_breached(&report, "Old example").is_some(), "{err}");
    assert!(report.get("site_breaches_incomplete").is_none());
    assert_eq!(code, 1, "the earlier runs filled both caches: {err}");
}

#[test]
fn breaches_file_sends_nothing() {
    let home = tempfile::tempdir().unwrap();
    let list = home.path().join("breaches.json");
    std::fs::write(&list, LIST).unwrap();
    let vault = vault(home.path());
    let mut cmd = credaudit(home.path());
    cmd.arg("audit")
        .arg(&vault)
        .args(["--breach", "off", "--skip", "weak", "--skip", "variants"])
        .args(["-o", "json", "--breaches-file"])
        .arg(&list);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(site_breached(&report, "Old example").is_some());
    assert_eq!(site_breached(&report, "New example"), None);

    // A file that is not the list is bad input: one line, exit 2.
    std::fs::write(&list, "<html>nope</html>").unwrap();
    let mut cmd = credaudit(home.path());
    cmd.arg("audit")
        .arg(&vault)
        .args(["--breach", "off", "--breaches-file"])
        .arg(&list);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--breaches-file"), "{err}");
}

#[test]
fn a_list_that_cannot_be_fetched_makes_the_run_incomplete() {
    let home = tempfile::tempdir().unwrap();
    let server = HibpServer::start();
    server.fail_breach_list(Some(404));
    let (code, report, err) = audit(home.path(), &server, &[]);
    // Incomplete: 4, or 5 should the site tables give one of these hosts a 2FA finding.
    assert!(code == 4 || code == 5, "{code}: {err}");
    let why = report["site_breaches_incomplete"].as_str().expect("cause");
    assert!(why.contains("HTTP 404"), "{why}");
    assert!(
        report["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("site breach check incomplete")),
        "{report}"
    );
    assert!(err.contains("site breach check incomplete"), "{err}");
    assert_eq!(site_breached(&report, "Old example"), None);
}

#[test]
fn an_unknown_set_date_is_said_and_ranks_low() {
    let home = tempfile::tempdir().unwrap();
    let list = home.path().join("breaches.json");
    std::fs::write(&list, LIST).unwrap();
    let csv = home.path().join("chrome.csv");
    std::fs::write(
        &csv,
        "name,url,username,password\nexample.com,https://example.com/,ann,Unique-1-kV9#qT2!xL7pWz\n",
    )
    .unwrap();
    let mut cmd = credaudit(home.path());
    cmd.arg("audit")
        .arg(&csv)
        .args([
            "--breach",
            "off",
            "--skip",
            "weak",
            "-o",
            "json",
            "--breaches-file",
        ])
        .arg(&list);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let text = site_breached(&report, "example.com").expect("listed with unknown date");
    assert!(text.contains("no change date"), "{text}");
    let action = report["accounts"][0]["action"].as_str().unwrap();
    assert!(action.starts_with("rotate unless"), "{action}");
    let score = report["accounts"][0]["score"].as_u64().unwrap();
    assert!(
        score < 3000,
        "an unknown date ranks like a stale password: {score}"
    );
}

#[test]
fn a_run_without_the_list_does_not_rewrite_the_baseline() {
    let home = tempfile::tempdir().unwrap();
    let server = HibpServer::start();
    server.set_breach_list(LIST);
    let baseline = home.path().join("baseline.json");
    let base = baseline.to_str().unwrap();
    let flags = ["--baseline", base, "--update-baseline"];
    let (code, _, err) = audit(home.path(), &server, &flags);
    assert_eq!(code, 1, "{err}");
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("site-breached")
    );

    // The list is gone (and the cached copy too): incomplete, nothing fixed, nothing lost.
    std::fs::remove_file(home.path().join("cache-dir/breaches.json")).unwrap();
    server.fail_breach_list(Some(404));
    let (code, report, err) = audit(home.path(), &server, &flags);
    assert_eq!(code, 4, "{err}");
    assert_eq!(report["baseline"]["fixed"], 0, "{report}");
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("site-breached")
    );

    // Back: nothing new.
    server.fail_breach_list(None);
    let (code, report, err) = audit(home.path(), &server, &flags);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["baseline"]["new"], 0, "{report}");
}

#[test]
fn the_list_comes_over_the_range_clients_tls_settings_and_refuses_redirects() {
    let home = tempfile::tempdir().unwrap();
    let pki = TestPki::new();
    let server = HibpServer::start_https(&pki.server_cert(), &["h2", "http/1.1"]);
    server.set_breach_list(LIST);
    let vault = vault(home.path());
    let list_url = format!("{}/api/v3/breaches", server.https_url());
    let audit = |extra: &[&str]| {
        let mut cmd = credaudit(home.path());
        cmd.arg("audit")
            .arg(&vault)
            .args([
                "--skip",
                "weak",
                "--skip",
                "variants",
                "-o",
                "json",
                "--no-cache",
            ])
            .args([
                "--hibp-url",
                &server.https_url(),
                "--breaches-url",
                &list_url,
            ])
            .args(extra);
        let (code, out, err) = run(&mut cmd);
        let report: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        (code, report)
    };
    // The internal CA of --ca-file is trusted for the list as for the ranges.
    let ca = pki.ca_file();
    let (code, report) = audit(&["--ca-file", ca.to_str().unwrap()]);
    assert_eq!(code, 1, "{report}");
    assert!(site_breached(&report, "Old example").is_some());
    // Without it the certificate is not trusted: incomplete, named.
    let (code, report) = audit(&[]);
    assert_eq!(code, 4, "{report}");
    let why = report["site_breaches_incomplete"].as_str().unwrap();
    assert!(why.contains("not trusted"), "{why}");
    // A redirect is a failed request, not a list.
    server.fail_breach_list(Some(302));
    let (code, report) = audit(&["--ca-file", ca.to_str().unwrap()]);
    assert_eq!(code, 4, "{report}");
    let why = report["site_breaches_incomplete"].as_str().unwrap();
    assert!(why.contains("redirect"), "{why}");
}

#[test]
fn with_no_network_the_list_fails_at_once() {
    let home = tempfile::tempdir().unwrap();
    let list = home.path().join("unused");
    let vault = vault(home.path());
    let mut cmd = credaudit(home.path());
    cmd.arg("audit")
        .arg(&vault)
        .args([
            "--breach",
            "cache-only",
            "--skip",
            "weak",
            "--skip",
            "variants",
        ])
        .args(["-o", "json"])
        .arg("--cache-dir")
        .arg(&list);
    // Cache only, no copy: incomplete without sending anything.
    let (code, out, _) = run(&mut cmd);
    assert_eq!(code, 4);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(
        report["site_breaches_incomplete"]
            .as_str()
            .unwrap()
            .contains("no cached breach list")
    );
    // Online with the list's host refusing connections: one attempt, well within a second or two.
    let server = HibpServer::start();
    let started = std::time::Instant::now();
    let mut cmd = credaudit(home.path());
    cmd.arg("audit")
        .arg(&vault)
        .args([
            "--skip",
            "weak",
            "--skip",
            "variants",
            "-o",
            "json",
            "--no-cache",
        ])
        .args(["--hibp-url", &server.url()])
        .args(["--breaches-url", "http://127.0.0.1:9/api/v3/breaches"]);
    let (code, out, _) = run(&mut cmd);
    assert_eq!(code, 4);
    let report: Value = serde_json::from_str(&out).unwrap();
    let why = report["site_breaches_incomplete"].as_str().unwrap();
    assert!(why.contains("connection refused by 127.0.0.1:9"), "{why}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
