//! Writes the bundled demo: `fixtures/demo/vault.json` (a Bitwarden export of someone whose
//! flea-market account was just taken over) and `fixtures/demo/pwned-sample.txt` (a tiny
//! corpus in the Pwned Passwords downloader's format, so the demo runs offline).
//!
//! Run: `cargo run --example gen_demo`. Output is deterministic; every password here is
//! synthetic and the breach counts are illustrative.

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use std::fmt::Write as _;

struct Login {
    id: &'static str,
    name: &'static str,
    folder: Option<&'static str>,
    uri: &'static str,
    username: &'static str,
    password: &'static str,
    revised: &'static str,
    history: &'static [(&'static str, &'static str)],
    totp: bool,
}

const LOGINS: &[Login] = &[
    Login {
        id: "6d1a0c1e-0001-4d6b-9a1e-000000000001",
        name: "Mercari",
        folder: Some("Shopping"),
        uri: "https://jp.mercari.com/login",
        username: "hana.sato@example.jp",
        password: "Tulip#2001",
        revised: "2021-03-14T09:12:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0002-4d6b-9a1e-000000000002",
        name: "Rakuten",
        folder: Some("Shopping"),
        uri: "https://www.rakuten.co.jp/",
        username: "hana.sato@example.jp",
        password: "Tulip#2001",
        revised: "2020-06-02T11:40:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0003-4d6b-9a1e-000000000003",
        name: "Rakuma",
        folder: Some("Shopping"),
        uri: "https://fril.jp/",
        username: "hanasato",
        password: "vR2m#Lq8-kX9!wTb",
        revised: "2019-12-08T20:05:00.000Z",
        history: &[("Tulip#2001", "2019-12-08T20:05:00.000Z")],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0004-4d6b-9a1e-000000000004",
        name: "Gmail",
        folder: Some("Email"),
        uri: "https://accounts.google.com/",
        username: "hana.sato@example.jp",
        password: "Tulip#2002",
        revised: "2022-01-09T08:00:00.000Z",
        history: &[],
        totp: true,
    },
    Login {
        id: "6d1a0c1e-0005-4d6b-9a1e-000000000005",
        name: "PayPay",
        folder: Some("Money"),
        uri: "https://www.paypay.ne.jp/",
        username: "09012345678",
        password: "tulip#2001",
        revised: "2021-11-20T10:30:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0006-4d6b-9a1e-000000000006",
        name: "Amazon",
        folder: Some("Shopping"),
        uri: "https://www.amazon.co.jp/",
        username: "hana.sato@example.jp",
        password: "password1",
        revised: "2018-04-01T12:00:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0007-4d6b-9a1e-000000000007",
        name: "X",
        folder: Some("Social"),
        uri: "https://x.com/login",
        username: "@hana_s",
        password: "iloveyou",
        revised: "2017-09-15T18:00:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0008-4d6b-9a1e-000000000008",
        name: "Instagram",
        folder: Some("Social"),
        uri: "https://www.instagram.com/",
        username: "hana_s",
        password: "iloveyou",
        revised: "2017-09-15T18:05:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0009-4d6b-9a1e-000000000009",
        name: "MUFG Bank",
        folder: Some("Money"),
        uri: "https://direct.bk.mufg.jp/",
        username: "hsato1988",
        password: "9vQ#e2LtW!pZ4xGm",
        revised: "2024-02-11T07:45:00.000Z",
        history: &[("Kumamon2017!", "2024-02-11T07:45:00.000Z")],
        totp: true,
    },
    Login {
        id: "6d1a0c1e-0010-4d6b-9a1e-000000000010",
        name: "Work Slack",
        folder: Some("Work"),
        uri: "https://acme-jp.slack.com/",
        username: "h.sato@acme.example",
        password: "Kumamon2018!",
        revised: "2023-04-03T09:00:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0011-4d6b-9a1e-000000000011",
        name: "Work Jira",
        folder: Some("Work"),
        uri: "https://acme-jp.atlassian.net/",
        username: "h.sato@acme.example",
        password: "Kumamon2019!",
        revised: "2023-04-03T09:05:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0012-4d6b-9a1e-000000000012",
        name: "Home router",
        folder: Some("Home"),
        uri: "http://192.168.1.1/",
        username: "admin",
        password: "Summer2019!",
        revised: "2019-07-01T15:00:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0013-4d6b-9a1e-000000000013",
        name: "Card PIN",
        folder: Some("Money"),
        uri: "",
        username: "",
        password: "4921",
        revised: "2016-05-05T05:05:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0014-4d6b-9a1e-000000000014",
        name: "Anime forum",
        folder: None,
        uri: "https://forum.example.org/",
        username: "hana",
        password: "q7Vn!3xTr#8LpZ2w",
        revised: "2014-02-20T22:10:00.000Z",
        history: &[],
        totp: false,
    },
    Login {
        id: "6d1a0c1e-0015-4d6b-9a1e-000000000015",
        name: "Netflix",
        folder: None,
        uri: "https://www.netflix.com/",
        username: "hana.sato@example.jp",
        password: "Wq8#tL2v!Rz5nX7k",
        revised: "2025-08-30T19:00:00.000Z",
        history: &[],
        totp: false,
    },
];

/// Passwords "seen" in the bundled sample corpus, with illustrative counts.
const BREACHED: &[(&str, u64)] = &[
    ("password1", 2_418_984),
    ("iloveyou", 2_330_564),
    ("Summer2019!", 2_917),
    ("4921", 11_405),
];

fn sha1_hex(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

/// A deterministic pseudo-random generator (xorshift) for the filler hashes.
fn filler(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count)
        .map(|i| {
            let mut bytes = Vec::with_capacity(20);
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.extend_from_slice(&state.to_be_bytes());
            }
            let hex: String = bytes[..20].iter().map(|b| format!("{b:02X}")).collect();
            format!("{hex}:{}", 1 + (i * 7919) % 5000)
        })
        .collect()
}

fn main() -> std::io::Result<()> {
    let items: Vec<Value> = LOGINS
        .iter()
        .map(|l| {
            let history: Vec<Value> =
                l.history.iter().map(|(pw, date)| json!({"lastUsedDate": date, "password": pw})).collect();
            let uris: Vec<Value> = if l.uri.is_empty() { vec![] } else { vec![json!({"match": null, "uri": l.uri})] };
            json!({
                "passwordHistory": if history.is_empty() { Value::Null } else { Value::Array(history) },
                "revisionDate": l.revised,
                "creationDate": "2014-01-01T00:00:00.000Z",
                "deletedDate": null,
                "id": l.id,
                "organizationId": null,
                "folderId": l.folder.map(|f| format!("f-{}", f.to_lowercase())),
                "type": 1,
                "reprompt": 0,
                "name": l.name,
                "notes": null,
                "favorite": false,
                "login": {
                    "uris": uris,
                    "username": if l.username.is_empty() { Value::Null } else { json!(l.username) },
                    "password": l.password,
                    "passwordRevisionDate": l.revised,
                    "totp": if l.totp { json!("otpauth://totp/demo?secret=JBSWY3DPEHPK3PXP") } else { Value::Null },
                },
                "collectionIds": null,
            })
        })
        .chain([
            json!({"id": "6d1a0c1e-0100-4d6b-9a1e-000000000100", "type": 2, "name": "Recovery codes", "notes": "kept on paper", "secureNote": {"type": 0}, "folderId": null, "favorite": false, "reprompt": 0, "organizationId": null, "collectionIds": null}),
            json!({"id": "6d1a0c1e-0101-4d6b-9a1e-000000000101", "type": 1, "name": "Old Mercari (deleted)", "deletedDate": "2023-01-01T00:00:00.000Z", "login": {"uris": [], "username": "hana", "password": "Tulip#1999", "totp": null}, "folderId": null, "favorite": false, "reprompt": 0, "organizationId": null, "collectionIds": null}),
        ])
        .collect();
    let folders: Vec<Value> = ["Email", "Home", "Money", "Shopping", "Social", "Work"]
        .iter()
        .map(|f| json!({"id": format!("f-{}", f.to_lowercase()), "name": f}))
        .collect();
    let vault = json!({"encrypted": false, "folders": folders, "items": items});
    std::fs::write(
        "fixtures/demo/vault.json",
        serde_json::to_string_pretty(&vault)? + "\n",
    )?;

    let mut lines = filler(2000);
    lines.extend(
        BREACHED
            .iter()
            .map(|(pw, n)| format!("{}:{n}", sha1_hex(pw))),
    );
    lines.sort();
    std::fs::write("fixtures/demo/pwned-sample.txt", lines.join("\n") + "\n")?;
    Ok(())
}
