//! `2fa-available` and `passkey-available` from the embedded 2fa.directory and Passkeys
//! Directory tables, and "turn on 2FA" first for the top tiers. Asserts only on documented
//! records (Gmail offers authenticator apps and security keys; Google offers passkeys), so the
//! tests hold for the stub tables and for the generated ones.

#[path = "support/binary.rs"]
mod binary;

use binary::{credaudit, run};
use serde_json::Value;
use std::path::Path;

fn login(n: usize, title: &str, url: &str, totp: &str) -> String {
    format!(
        r#"{{"id":"id-{n}","type":1,"name":"{title}","revisionDate":"2026-01-01T00:00:00.000Z",
            "login":{{"username":"user{n}@mail.example","password":"Unique-{n}-kV9#qT2!xL7pWz",
            "totp":"{totp}","uris":[{{"uri":"{url}"}}]}}}}"#
    )
}

fn audit(home: &Path, items: &[String], extra: &[&str]) -> (i32, Value) {
    let vault = home.join("vault.json");
    std::fs::write(
        &vault,
        format!(
            r#"{{"encrypted":false,"folders":[],"items":[{}]}}"#,
            items.join(",")
        ),
    )
    .unwrap();
    let mut cmd = credaudit(home);
    cmd.arg("audit")
        .arg(&vault)
        .args(["--breach", "off", "--skip", "weak", "-o", "json"])
        .args(extra);
    let (code, out, err) = run(&mut cmd);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report)
}

fn account<'a>(report: &'a Value, title: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("{title} not listed: {report}"))
}

fn reason<'a>(account: &'a Value, code: &str) -> Option<&'a str> {
    account["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .map(|r| r["text"].as_str().unwrap())
}

#[test]
fn gmail_without_a_seed_gets_the_finding_with_methods_and_setup_link() {
    let home = tempfile::tempdir().unwrap();
    let (code, report) = audit(
        home.path(),
        &[login(1, "Gmail", "https://mail.google.com/mail/u/0/", "")],
        &[],
    );
    assert_eq!(code, 1);
    let gmail = account(&report, "Gmail");
    let text = reason(gmail, "2fa-available").expect("2fa-available");
    assert!(text.contains("authenticator app"), "{text}");
    assert!(text.contains("security key"), "{text}");
    assert!(text.contains("https://"), "the setup link: {text}");
    let two_factor = &gmail["two_factor"];
    assert_eq!(two_factor["enabled"], false);
    let methods: Vec<&str> = two_factor["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        methods.contains(&"totp") && methods.contains(&"u2f"),
        "{methods:?}"
    );
    assert!(
        two_factor["setup"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[test]
fn a_seed_in_the_entry_means_no_finding_but_the_facts_stay() {
    let home = tempfile::tempdir().unwrap();
    let (_, report) = audit(
        home.path(),
        &[login(
            1,
            "Gmail",
            "https://mail.google.com/",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
        )],
        &[],
    );
    // Listed for its passkey offer, not for 2FA.
    let gmail = account(&report, "Gmail");
    assert_eq!(reason(gmail, "2fa-available"), None);
    assert_eq!(gmail["two_factor"]["enabled"], true);
}

#[test]
fn github_offers_passkeys() {
    // (Google is not in the Passkeys Directory snapshot of 2026-08-04.)
    let home = tempfile::tempdir().unwrap();
    let (_, report) = audit(
        home.path(),
        &[login(1, "GitHub", "https://github.com/login", "")],
        &[],
    );
    let google = account(&report, "GitHub");
    let text = reason(google, "passkey-available").expect("passkey-available");
    assert!(text.contains("passkeys"), "{text}");
    assert!(google["passkey"].is_object(), "{google}");
}

#[test]
fn the_top_tiers_turn_on_2fa_first() {
    let home = tempfile::tempdir().unwrap();
    let (_, report) = audit(
        home.path(),
        &[
            login(1, "Gmail", "https://mail.google.com/", ""),
            login(
                2,
                "Gmail work",
                "https://mail.google.com/",
                "JBSWY3DPEHPK3PXP",
            ),
        ],
        &["--compromised", "id-1"],
    );
    let taken = account(&report, "Gmail");
    assert_eq!(taken["reasons"][0]["code"], "compromised");
    let action = taken["action"].as_str().unwrap();
    assert!(action.starts_with("turn on 2FA"), "{action}");
    // With a seed already there, the action is the tier's own.
    let with_seed = account(&report, "Gmail work");
    let action = with_seed["action"].as_str().unwrap();
    assert!(!action.starts_with("turn on 2FA"), "{action}");
}

#[test]
fn sites_the_tables_do_not_list_get_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (code, report) = audit(
        home.path(),
        &[login(1, "Intranet", "https://intranet.corp.invalid/", "")],
        &[],
    );
    assert_eq!(code, 0, "{report}");
    assert!(report["accounts"].as_array().unwrap().is_empty());
}
