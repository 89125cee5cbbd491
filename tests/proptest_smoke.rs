//! Property-test smoke over the public parsing entry points, run by `cargo test` on stable.
//! A few hundred cases per property, a few seconds in all: the deep search is the job of the
//! cargo-fuzz targets in fuzz/, this keeps the basic guarantees checked on every test run.
//!
//! Guarantees checked: no reader panics on arbitrary bytes and every error is one line;
//! well-formed CSV and Bitwarden JSON give back exactly the passwords written; range bodies
//! and the offline corpus answer the counts written.

// The fuzz targets' reader call (no password: nothing here may start a key derivation).
#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod fuzz_common;

use credaudit::breach::offline::OfflineCorpus;
use credaudit::breach::range::RangeBody;
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict};
use credaudit::model::Format;
use credaudit::vault::detect;
use proptest::prelude::*;

fn any_format() -> impl Strategy<Value = Option<Format>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(Format::ALL.to_vec()).prop_map(Some)
    ]
}

/// Bytes that look a little like the inputs: arbitrary, or text made of the characters the
/// formats are built from, optionally behind a known signature.
fn input_bytes() -> impl Strategy<Value = Vec<u8>> {
    let text = "[a-zA-Z0-9,;:\"'{}\\[\\]<>/=_. \\n\\r\\t-]{0,300}".prop_map(String::into_bytes);
    let prefix = proptest::sample::select(vec![
        &b""[..],
        b"\xEF\xBB\xBF",
        b"name,url,username,password\n",
        b"{\"encrypted\":false,\"items\":[",
        b"<?xml version=\"1.0\"?><KeePassFile><Root><Group>",
        b"PK\x03\x04",
        b"\x03\xd9\xa2\x9a\x67\xfb\x4b\xb5\x01\x00\x04\x00",
        b"\x03\xd9\xa2\x9a\x65\xfb\x4b\xb5",
    ]);
    (
        prefix,
        prop_oneof![proptest::collection::vec(any::<u8>(), 0..300), text],
    )
        .prop_map(|(p, rest)| [p, &rest[..]].concat())
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn detect_never_panics(data in input_bytes()) {
        if let Err(e) = detect::detect(&data) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn readers_never_panic(data in input_bytes(), format in any_format()) {
        match fuzz_common::read(&data, format, None) {
            Ok(vault) => prop_assert!(vault.entries.iter().all(|e| !e.password.is_empty())),
            Err(e) => prop_assert!(!e.to_string().contains('\n'), "{}", e),
        }
    }

    #[test]
    fn range_parse_never_panics(data in input_bytes()) {
        let _ = RangeBody::parse(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chrome_csv_gives_back_the_passwords(
        rows in proptest::collection::vec(("[^\\x00]{0,12}", "[a-z.]{0,12}", "[^\\x00]{0,12}", "[!-~]{1,16}"), 1..8),
        crlf in any::<bool>(),
    ) {
        prop_assume!(rows.iter().all(|r| !r.3.to_ascii_uppercase().starts_with("{REF:")));
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut csv = format!("name,url,username,password{eol}");
        for (name, host, user, password) in &rows {
            let url = format!("https://{host}");
            csv.push_str(&[csv_field(name), csv_field(&url), csv_field(user), csv_field(password)].join(","));
            csv.push_str(eol);
        }
        let vault = fuzz_common::read(csv.as_bytes(), Some(Format::ChromeCsv), None).expect("well-formed CSV reads");
        let got: Vec<&str> = vault.entries.iter().map(|e| e.password.expose()).collect();
        let want: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn bitwarden_json_gives_back_the_passwords(
        items in proptest::collection::vec(("[^\\x00]{0,12}", "[^\\x00]{0,12}", "[!-~]{1,16}"), 1..8),
    ) {
        prop_assume!(items.iter().all(|r| !r.2.to_ascii_uppercase().starts_with("{REF:")));
        let items: Vec<serde_json::Value> = items
            .iter()
            .enumerate()
            .map(|(i, (name, user, password))| serde_json::json!({
                "id": format!("id-{i}"), "type": 1, "name": name,
                "login": {"username": user, "password": password, "uris": []}
            }))
            .collect();
        let export = serde_json::json!({"encrypted": false, "folders": [], "items": items});
        let bytes = serde_json::to_vec(&export).expect("json");
        let vault = fuzz_common::read(&bytes, None, None).expect("well-formed export reads");
        prop_assert_eq!(vault.format, Format::BitwardenJson);
        let got: Vec<&str> = vault.entries.iter().map(|e| e.password.expose()).collect();
        let want: Vec<&str> = export["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["login"]["password"].as_str().expect("password"))
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn range_body_answers_the_written_counts(
        rows in proptest::collection::btree_map("[0-9A-F]{35}", 0u64..1_000_000, 1..20),
        lower in any::<bool>(),
    ) {
        let text: Vec<String> = rows
            .iter()
            .map(|(s, c)| format!("{}:{c}", if lower { s.to_lowercase() } else { s.clone() }))
            .collect();
        let body = RangeBody::parse(text.join("\r\n").as_bytes()).expect("parses");
        for (suffix, count) in &rows {
            let hex = format!("ABCDE{suffix}");
            let mut hash = [0u8; 20];
            for (o, pair) in hash.iter_mut().zip(hex.as_bytes().chunks(2)) {
                *o = u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex");
            }
            let want = if *count == 0 { Verdict::NotSeen } else { Verdict::Seen(*count) };
            prop_assert_eq!(body.verdict(&Sha1Hash(hash)), want);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// A sorted corpus file answers every listed hash with its count and never calls an
    /// unlisted one seen.
    #[test]
    fn offline_corpus_answers_the_written_counts(
        hashes in proptest::collection::btree_map(proptest::array::uniform20(any::<u8>()), 1u64..100_000, 1..200),
        probes in proptest::collection::vec(proptest::array::uniform20(any::<u8>()), 0..8),
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for (h, c) in &hashes {
            let hex: String = h.iter().map(|b| format!("{b:02X}")).collect();
            text.push_str(&format!("{hex}:{c}{eol}"));
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pwned.txt");
        std::fs::write(&path, text).expect("write");
        let corpus = OfflineCorpus::open(&path).expect("a sorted corpus opens");
        let mut asked: Vec<Sha1Hash> = hashes.keys().map(|h| Sha1Hash(*h)).collect();
        asked.extend(probes.iter().map(|h| Sha1Hash(*h)));
        let verdicts = corpus.lookup(&asked, &NoProgress);
        prop_assert_eq!(verdicts.len(), asked.len());
        for (h, v) in asked.iter().zip(&verdicts) {
            let want = hashes.get(&h.0).map_or(Verdict::NotSeen, |c| Verdict::Seen(*c));
            prop_assert_eq!(v, &want);
        }
    }
}
