//! Writes an N-entry synthetic vault for the scale and side-by-side benchmarks (`bench/`):
//! a KeePass 2 XML export (for `keepassxc-cli import`, and read by credaudit directly) and a
//! Bitwarden unencrypted JSON export, with the same entries.
//!
//! `cargo run --release --example gen_vault -- N OUT_PREFIX`
//! writes `OUT_PREFIX.xml`, `OUT_PREFIX.json` and `OUT_PREFIX.csv` (KeePassXC CSV, current
//! passwords only), and prints what was planted on stderr.
//!
//! Entries: the mix of `benches/common/synth.rs` (random strong, shared in groups of 5, near
//! variants, weak words, PINs, passphrases; 10% with password history; dates over 2015-2025),
//! spread over six groups. Some current passwords are replaced by the "known leaked" passwords
//! that the breach bench's corpus generator plants in the 100M-line corpus
//! (`credaudit-bench-leaked-{k}`, seen k+1 times, k < 1000; see `benches/breach.rs`):
//! entries at positions 7 and 8 of every 100, and every 4th shared group (all 5 members), each
//! with the next leaked password. Past 1,000 planted passwords the sequence wraps, so vaults over
//! ~33,000 entries share some leaked passwords across unrelated entries (more reuse).
//! History passwords are never leaked ones (keepassxc-cli analyze ignores history).
//! Deterministic: the same N gives the same files.

#![allow(clippy::print_stderr, missing_docs)]

#[path = "../benches/common/synth.rs"]
mod synth;

use credaudit::model::Entry;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How many leaked passwords the corpus generator plants (`KNOWN` in benches/breach.rs).
const KNOWN_LEAKED: usize = 1000;

fn leaked_password(k: usize) -> String {
    format!("credaudit-bench-leaked-{}", k % KNOWN_LEAKED)
}

fn group_of(i: usize) -> &'static str {
    match i % 100 {
        0..=34 => "Web",
        35..=54 => "Shopping",
        55..=74 => "Forums",
        75..=84 => "Legacy",
        85..=89 => "Cards",
        _ => "Personal",
    }
}

fn uuid_bytes(i: usize, salt: u64) -> [u8; 16] {
    // Deterministic, distinct per (i, salt); not a real UUID version, KeePass does not care.
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(i as u64).to_be_bytes());
    b[8..].copy_from_slice(&salt.to_be_bytes());
    b
}

fn uuid_string(b: [u8; 16]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn iso(t: Option<credaudit::model::Timestamp>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "2015-01-01T00:00:00Z".into())
}

/// Plants leaked passwords; returns how many entries and distinct passwords were planted.
fn plant(entries: &mut [Entry]) -> (usize, usize) {
    let mut next = 0usize;
    let mut planted = 0usize;
    let mut group_pw: Option<(usize, String)> = None;
    for (i, e) in entries.iter_mut().enumerate() {
        let slot = i % 100;
        if slot == 7 || slot == 8 {
            e.password = leaked_password(next).into();
            next += 1;
            planted += 1;
        } else if (35..=54).contains(&slot) {
            // Shared groups start at i % 5 == 0 (synth.rs); every 4th group is leaked.
            let group = i / 5;
            if group % 4 == 0 {
                let pw = match &group_pw {
                    Some((g, pw)) if *g == group => pw.clone(),
                    _ => {
                        let pw = leaked_password(next);
                        next += 1;
                        group_pw = Some((group, pw.clone()));
                        pw
                    }
                };
                e.password = pw.into();
                planted += 1;
            }
        }
    }
    (planted, next.min(KNOWN_LEAKED))
}

fn write_xml(entries: &[Entry]) -> String {
    use base64::Engine;
    let b64 = |b: [u8; 16]| base64::engine::general_purpose::STANDARD.encode(b);
    let mut by_group: BTreeMap<&str, Vec<(usize, &Entry)>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_group.entry(group_of(i)).or_default().push((i, e));
    }
    let mut out = String::with_capacity(entries.len() * 700);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<KeePassFile>\n\t<Meta>\n\t\t<Generator>credaudit gen_vault</Generator>\n\t\t<DatabaseName>bench</DatabaseName>\n\t\t<RecycleBinEnabled>False</RecycleBinEnabled>\n\t</Meta>\n\t<Root>\n",
    );
    let _ = writeln!(
        out,
        "\t\t<Group>\n\t\t\t<UUID>{}</UUID>\n\t\t\t<Name>Root</Name>",
        b64(uuid_bytes(0, 0x6772_6f75_7000_0000))
    );
    for (gi, (name, members)) in by_group.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t\t\t<Group>\n\t\t\t\t<UUID>{}</UUID>\n\t\t\t\t<Name>{name}</Name>",
            b64(uuid_bytes(gi + 1, 0x6772_6f75_7000_0000))
        );
        for (i, e) in members {
            let id = b64(uuid_bytes(*i, 0x656e_7472_7900_0000));
            let fields = |out: &mut String, pw: &str, modified: &str| {
                let _ = write!(
                    out,
                    "<UUID>{id}</UUID><Times><CreationTime>2015-01-01T00:00:00Z</CreationTime><LastModificationTime>{modified}</LastModificationTime><LastAccessTime>{modified}</LastAccessTime><ExpiryTime>2100-01-01T00:00:00Z</ExpiryTime><Expires>False</Expires><UsageCount>0</UsageCount><LocationChanged>{modified}</LocationChanged></Times><String><Key>Title</Key><Value>{}</Value></String><String><Key>UserName</Key><Value>{}</Value></String><String><Key>Password</Key><Value ProtectInMemory=\"True\">{}</Value></String><String><Key>URL</Key><Value>{}</Value></String>",
                    xml_escape(&e.title),
                    xml_escape(&e.username),
                    xml_escape(pw),
                    xml_escape(e.urls.first().map(String::as_str).unwrap_or("")),
                );
            };
            out.push_str("\t\t\t\t<Entry>");
            fields(&mut out, e.password.expose(), &iso(e.modified));
            if !e.history.is_empty() {
                out.push_str("<History>");
                for h in &e.history {
                    out.push_str("<Entry>");
                    fields(&mut out, h.password.expose(), &iso(h.retired));
                    out.push_str("</Entry>");
                }
                out.push_str("</History>");
            }
            out.push_str("</Entry>\n");
        }
        out.push_str("\t\t\t</Group>\n");
    }
    out.push_str("\t\t</Group>\n\t</Root>\n</KeePassFile>\n");
    out
}

fn write_bitwarden(entries: &[Entry]) -> String {
    let mut folders = BTreeMap::new();
    for i in 0..entries.len().min(100) {
        let name = group_of(i);
        let n = folders.len();
        folders
            .entry(name)
            .or_insert_with(|| uuid_string(uuid_bytes(n + 1, 0x666f_6c64_6572_0000)));
    }
    let items: Vec<serde_json::Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let history: Vec<serde_json::Value> = e
                .history
                .iter()
                .map(|h| json!({"lastUsedDate": iso(h.retired), "password": h.password.expose()}))
                .collect();
            json!({
                "passwordHistory": if history.is_empty() { serde_json::Value::Null } else { history.into() },
                "revisionDate": iso(e.modified),
                "creationDate": "2015-01-01T00:00:00.000Z",
                "deletedDate": null,
                "id": uuid_string(uuid_bytes(i, 0x656e_7472_7900_0000)),
                "organizationId": null,
                "folderId": folders.get(group_of(i)),
                "type": 1,
                "reprompt": 0,
                "name": e.title,
                "notes": null,
                "favorite": false,
                "login": {
                    "fido2Credentials": [],
                    "uris": e.urls.iter().map(|u| json!({"match": null, "uri": u})).collect::<Vec<_>>(),
                    "username": e.username,
                    "password": e.password.expose(),
                    "totp": null
                },
                "collectionIds": null
            })
        })
        .collect();
    let folders: Vec<serde_json::Value> = folders
        .iter()
        .map(|(name, id)| json!({"id": id, "name": name}))
        .collect();
    let doc = json!({"encrypted": false, "folders": folders, "items": items});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The same entries as a KeePassXC CSV export (current passwords only: CSV has no history),
/// for the streaming CSV reader's memory figure (BENCHMARKS.md, "Hostile vaults").
fn write_keepassxc_csv(entries: &[Entry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "Group",
        "Title",
        "Username",
        "Password",
        "URL",
        "Notes",
        "TOTP",
        "Icon",
        "Last Modified",
        "Created",
    ];
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    for (i, e) in entries.iter().enumerate() {
        rows.push(vec![
            format!("Root/{}", group_of(i)),
            e.title.clone(),
            e.username.clone(),
            e.password.expose().to_owned(),
            e.urls.first().cloned().unwrap_or_default(),
            String::new(),
            String::new(),
            "0".to_owned(),
            iso(e.modified),
            "2015-01-01T00:00:00Z".to_owned(),
        ]);
    }
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(prefix)) = (
        args.next().and_then(|a| a.parse::<usize>().ok()),
        args.next(),
    ) else {
        eprintln!("usage: gen_vault N OUT_PREFIX   (writes OUT_PREFIX.xml, .json and .csv)");
        std::process::exit(2);
    };
    let mut entries = synth::entries(n);
    let (planted, distinct) = plant(&mut entries);
    let prefix = PathBuf::from(prefix);
    let xml = prefix.with_extension("xml");
    let bw = prefix.with_extension("json");
    let csv = prefix.with_extension("csv");
    if let Err(e) = std::fs::write(&xml, write_xml(&entries))
        .and_then(|()| std::fs::write(&bw, write_bitwarden(&entries)))
        .and_then(|()| std::fs::write(&csv, write_keepassxc_csv(&entries)))
    {
        eprintln!("gen_vault: cannot write {}: {e}", prefix.display());
        std::process::exit(1);
    }
    eprintln!(
        "gen_vault: {n} entries -> {}, {} and {}; {planted} entries carry one of {distinct} planted leaked passwords",
        xml.display(),
        bw.display(),
        csv.display()
    );
}
