//! The seed's story end to end, through the binary: Rakuma (`fril.jp`) taken over, the Rakuten
//! ID (`rakuten.co.jp`) it signs in with, one password shared with Gmail, Amazon and Mercari,
//! Netflix already rotated after the incident, Mercari in both the KeePass database and a
//! Chrome export, and two accounts whose only problem is their age.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/keepass_writer.rs"]
mod keepass_writer;

use binary::{credaudit, run};
use keepass_writer::{Db, Group, Item, Kdf4, Key, WRITER_PASSWORD, version};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// 2025-01-01: before the incident.
const BEFORE: i64 = 1_735_689_600;
/// 2026-11-29: the day after the incident.
const AFTER: i64 = 1_795_910_400;
const INCIDENT: &str = "2026-11-28";
const SHARED: &str = "Sakura#1988-hana";
const USER: &str = "hana@example.jp";

fn item(uuid: u128, title: &str, url: &str, password: &str) -> Item {
    let mut item = Item::new(uuid, title, USER, password);
    item.url = url.into();
    item.created = BEFORE;
    item.modified = BEFORE;
    item
}

/// The KeePass database; with `rakuma_rotated`, Rakuma's password was already changed the day
/// after the incident.
fn vault(dir: &Path, rakuma_rotated: bool) -> PathBuf {
    let mut netflix = item(
        6,
        "Netflix",
        "https://www.netflix.com/",
        "vT9#qL2m!xR7&bZ4Kp",
    );
    netflix.history = vec![version(SHARED, BEFORE)];
    netflix.modified = AFTER;
    let mut forum = item(
        7,
        "Old forum",
        "https://forum.example.org/",
        "Qm7$wE2r!pZ9&kL4x",
    );
    forum.username = "hana".into();
    let mut rakuma = item(1, "Rakuma", "https://fril.jp/", SHARED);
    if rakuma_rotated {
        rakuma.password = "Fresh#Rakuma-2026-xQ9v".into();
        rakuma.history = vec![version(SHARED, BEFORE)];
        rakuma.modified = AFTER;
    }
    let mut root = Group::new(100, "Root");
    root.items = vec![
        rakuma,
        item(2, "Rakuten ID", "https://www.rakuten.co.jp/", SHARED),
        item(3, "Gmail", "https://mail.google.com/", SHARED),
        item(4, "Amazon", "https://www.amazon.co.jp/", SHARED),
        item(5, "Mercari", "https://jp.mercari.com/", SHARED),
        netflix,
        forum,
    ];
    let db = Db {
        root,
        recycle_bin: None,
    };
    let key = Key {
        password: Some(WRITER_PASSWORD),
        key_file: None,
    };
    let path = dir.join("vault.kdbx");
    let bytes = keepass_writer::kdbx4(&db, key, Kdf4::Aes { rounds: 1_000 }, 0, "plan");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn chrome(dir: &Path) -> PathBuf {
    let path = dir.join("chrome.csv");
    std::fs::write(
        &path,
        format!(
            "name,url,username,password\n\
             jp.mercari.com,https://jp.mercari.com/,{USER},{SHARED}\n\
             instagram.com,https://www.instagram.com/,hana_s,Zx8!vB3#nM6$qW1e\n"
        ),
    )
    .unwrap();
    path
}

struct Story {
    code: i32,
    report: Value,
    stderr: String,
}

fn audit(extra: &[&str]) -> Story {
    audit_vault(false, extra)
}

fn audit_vault(rakuma_rotated: bool, extra: &[&str]) -> Story {
    let home = tempfile::tempdir().unwrap();
    let kdbx = vault(home.path(), rakuma_rotated);
    let csv = chrome(home.path());
    let mut cmd = credaudit(home.path());
    cmd.env("CREDAUDIT_NOW", "2026-12-01T00:00:00Z")
        .env("VAULT_PW", WRITER_PASSWORD)
        .arg("audit")
        .arg(&kdbx)
        .arg(&csv)
        .args(["--password-env", "VAULT_PW", "--breach", "off"])
        .args(["--since", INCIDENT, "-o", "json"])
        .args(extra);
    let r = run(&mut cmd);
    let report = serde_json::from_str(&r.1).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.1, r.2));
    Story {
        code: r.0,
        report,
        stderr: r.2,
    }
}

fn accounts(report: &Value) -> &Vec<Value> {
    report["accounts"].as_array().unwrap()
}

fn account<'a>(report: &'a Value, title: &str) -> &'a Value {
    accounts(report)
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("{title} has no row"))
}

fn codes(account: &Value) -> Vec<&str> {
    account["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

fn text_of<'a>(account: &'a Value, code: &str) -> &'a str {
    account["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .and_then(|r| r["text"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {account}"))
}

#[test]
fn the_day_after_the_takeover() {
    let story = audit(&["--compromised", "fril.jp"]);
    let report = &story.report;
    assert_eq!(story.code, 1, "{}", story.stderr);
    assert_eq!(report["schema_version"], 3);
    assert!(
        story.stderr.contains(
            "credaudit: --compromised \"fril.jp\" matched by site fril.jp: Rakuma (fril.jp, hana@example.jp), Rakuten ID (rakuten.co.jp, hana@example.jp) (same login, rakuten.co.jp backend)"
        ),
        "{}",
        story.stderr
    );

    // Ranks and tiers: the takeover and its sign-in first, then everything sharing the
    // password (e-mail first), then the account already done, then the stale-only ones.
    let titles: Vec<&str> = accounts(report)
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 8, "{titles:?}");
    let mut top2 = titles[..2].to_vec();
    top2.sort();
    assert_eq!(top2, ["Rakuma", "Rakuten ID"]);
    assert_eq!(titles[2], "Gmail");
    let mut exposed = titles[3..5].to_vec();
    exposed.sort();
    assert_eq!(exposed, ["Amazon", "Mercari"]);
    assert_eq!(titles[5], "Netflix");
    let mut last = titles[6..].to_vec();
    last.sort();
    assert_eq!(last, ["Old forum", "instagram.com"]);
    for (title, tier) in [
        ("Rakuma", 9),
        ("Rakuten ID", 9),
        ("Gmail", 8),
        ("Mercari", 8),
    ] {
        let score = account(report, title)["score"].as_u64().unwrap();
        assert_eq!(score / 1000, tier, "{title}");
    }

    // The Rakuten ID is compromised because Rakuma signs in with it, and says so.
    let rakuten = account(report, "Rakuten ID");
    assert_eq!(codes(rakuten)[0], "compromised");
    assert_eq!(
        text_of(rakuten, "compromised"),
        "signs in with the same login as Rakuma (rakuten.co.jp backend): treat it as taken over too"
    );
    assert_eq!(rakuten["sign_in"], "rakuten.co.jp");
    assert_eq!(account(report, "Rakuma")["sign_in"], "rakuten.co.jp");
    // One login on two sites is not reuse of itself.
    assert!(!text_of(account(report, "Rakuma"), "reused").contains("Rakuten"));

    // Mercari is one account read from both sources.
    let mercari = account(report, "Mercari");
    let sources: Vec<&str> = mercari["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(sources[0].ends_with("vault.kdbx") && sources[1].ends_with("chrome.csv"));
    assert_eq!(report["summary"]["accounts_audited"], 8);

    // Statuses and progress.
    let status = |title: &str| {
        account(report, title)["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for title in ["Rakuma", "Rakuten ID", "Gmail", "Amazon", "Mercari"] {
        assert_eq!(status(title), "rotate", "{title}");
    }
    assert_eq!(status("Netflix"), "done");
    assert!(
        account(report, "Netflix")["action"]
            .as_str()
            .unwrap()
            .starts_with(
                "done: password changed on 2026-11-29, after the incident date (2026-11-28)"
            )
    );
    assert_eq!(status("Old forum"), "stale-only");
    assert_eq!(status("instagram.com"), "stale-only");
    assert_eq!(report["summary"]["done"], 1);
    assert_eq!(report["summary"]["stale_only"], 2);
    assert!(
        text_of(account(report, "Gmail"), "exposed-by-compromise")
            .ends_with("; 1 of 6 linked accounts rotated since 2026-11-28"),
        "{}",
        account(report, "Gmail")
    );

    // Groups as data: the shared password (with Netflix, rotated since) and the sign-in.
    let groups = report["groups"].as_array().unwrap();
    let key = |title: &str| account(report, title)["key"].clone();
    let shared = groups
        .iter()
        .find(|g| g["kind"] == "same-password")
        .expect("same-password group");
    assert_eq!(shared["members"].as_array().unwrap().len(), 6);
    assert_eq!(shared["members"][5], key("Netflix"));
    assert_eq!(shared["rotated"], 1);
    assert_eq!(shared["compromised"], true);
    let sign_in = groups
        .iter()
        .find(|g| g["kind"] == "shared-sign-in")
        .expect("shared-sign-in group");
    assert_eq!(sign_in["sign_in"], "rakuten.co.jp");
    let mut members: Vec<Value> = sign_in["members"].as_array().unwrap().clone();
    members.sort_by_key(|m| m.to_string());
    let mut expected = vec![key("Rakuma"), key("Rakuten ID")];
    expected.sort_by_key(|m| m.to_string());
    assert_eq!(members, expected);
    for (i, group) in groups.iter().enumerate() {
        for member in group["members"].as_array().unwrap() {
            let row = accounts(report)
                .iter()
                .find(|a| &a["key"] == member)
                .unwrap();
            assert!(row["groups"].as_array().unwrap().contains(&i.into()));
        }
    }
    // Ordered by their best-ranked member.
    assert!(groups.len() >= 2);

    // Change-password links on every account with a site.
    assert_eq!(
        account(report, "Gmail")["change_password"]["url"],
        "https://myaccount.google.com/signinoptions/password"
    );
    assert_eq!(
        account(report, "Gmail")["change_password"]["source"],
        "apple"
    );
    assert_eq!(
        mercari["change_password"]["url"],
        "https://mercari.com/.well-known/change-password"
    );
    assert_eq!(mercari["change_password"]["source"], "well-known");
    for a in accounts(report) {
        assert!(a["change_password"]["url"].is_string(), "{a}");
    }

    // 2FA missing on Gmail: the site offers it (2fa.directory), the entry has no seed; Gmail
    // is linked to the compromise, so its action starts with it.
    let gmail = account(report, "Gmail");
    assert!(
        text_of(gmail, "2fa-available").contains("authenticator app"),
        "{gmail}"
    );
    assert_eq!(gmail["two_factor"]["enabled"], false);
    assert!(
        gmail["action"].as_str().unwrap().starts_with("turn on 2FA"),
        "{gmail}"
    );
}

#[test]
fn json_lists_every_account_with_or_without_all() {
    let plain = audit(&["--compromised", "Rakuma"]);
    let all = audit(&["--compromised", "Rakuma", "--all"]);
    assert_eq!(plain.code, 1);
    let rows = |r: &Value| -> Vec<(String, String)> {
        accounts(r)
            .iter()
            .map(|a| (a["key"].to_string(), a["status"].to_string()))
            .collect()
    };
    assert_eq!(rows(&plain.report), rows(&all.report));
    assert_eq!(rows(&all.report).len(), 8);
    assert!(plain.stderr.contains("matched by title: Rakuma"));
}

#[test]
fn a_takeover_already_dealt_with_is_done() {
    let story = audit_vault(true, &["--compromised", "fril.jp"]);
    let report = &story.report;
    assert_eq!(
        story.code, 1,
        "the Rakuten ID entry still holds the old password"
    );
    let rakuma = account(report, "Rakuma");
    assert_eq!(rakuma["status"], "done");
    assert_eq!(codes(rakuma), ["compromised"]);
    // Done accounts come after every account still to rotate.
    let statuses: Vec<&str> = accounts(report)
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "rotate",
            "rotate",
            "rotate",
            "rotate",
            "done",
            "done",
            "stale-only",
            "stale-only"
        ]
    );
    assert_eq!(account(report, "Rakuten ID")["status"], "rotate");
    let gmail = text_of(account(report, "Gmail"), "exposed-by-compromise");
    assert!(
        gmail.contains("uses a past password of compromised Rakuma")
            && gmail.ends_with("; 2 of 6 linked accounts rotated since 2026-11-28"),
        "{gmail}"
    );
    assert_eq!(report["summary"]["done"], 2);
}
