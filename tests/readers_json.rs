//! Integration tests of the JSON and zip readers: Bitwarden (plain, password-protected,
//! account-encrypted), Proton Pass (JSON and zip), Enpass, 1Password 1PUX and the Dashlane zip.
//!
//! Inputs are the synthetic fixtures in `fixtures/readers-json/` (hand-written) or built here;
//! real sample exports in `../shared/samples` are read when that folder exists.
//! Assertion messages never contain a password: passwords are compared by [`check_secrets`],
//! which names only the entry id.

#[path = "support/exports.rs"]
mod exports;
use credaudit::model::{Format, SkipReason};
use credaudit::secret::Secret;
use credaudit::vault::bitwarden_crypto::{self, Kdf};
use credaudit::vault::{FormatError, ReadOptions, Vault, read_bytes};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/readers-json");
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/samples");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).expect("fixture present")
}

/// Reads `bytes` as `format`, answering password prompts with `password`; also returns how
/// often the password was asked for.
fn read_counting(
    bytes: &[u8],
    format: Format,
    password: Option<&str>,
) -> (Result<Vault, FormatError>, usize) {
    let mut asked = 0;
    let mut prompt = |_: &str| -> Result<Option<Secret>, FormatError> {
        asked += 1;
        Ok(password.map(Secret::from))
    };
    let mut options = ReadOptions {
        format: Some(format),
        key_file: None,
        password: &mut prompt,
        include_recycled: false,
    };
    // Hidden fields (entries of their own, `field` set) are checked in tests/hidden_fields.rs;
    // these tests compare the logins.
    let result = read_bytes("test-input", bytes, 0, &mut options).map(|mut vault| {
        vault.entries.retain(|e| e.field.is_none());
        vault
    });
    (result, asked)
}

fn read(bytes: &[u8], format: Format, password: Option<&str>) -> Result<Vault, FormatError> {
    read_counting(bytes, format, password).0
}

/// Everything of an entry except secrets, with times as Unix seconds.
#[derive(Debug, PartialEq)]
struct Row {
    id: String,
    group: Vec<String>,
    title: String,
    username: String,
    urls: Vec<String>,
    has_totp: bool,
    created: Option<i64>,
    modified: Option<i64>,
    password_changed: Option<i64>,
    history_retired: Vec<Option<i64>>,
    excluded: bool,
    recycled: bool,
}

fn rows(vault: &Vault) -> Vec<Row> {
    vault
        .entries
        .iter()
        .map(|e| Row {
            id: e.id.0.clone(),
            group: e.group.clone(),
            title: e.title.clone(),
            username: e.username.clone(),
            urls: e.urls.clone(),
            has_totp: e.has_totp,
            created: e.created.map(|t| t.timestamp()),
            modified: e.modified.map(|t| t.timestamp()),
            password_changed: e.password_changed.map(|t| t.timestamp()),
            history_retired: e
                .history
                .iter()
                .map(|h| h.retired.map(|t| t.timestamp()))
                .collect(),
            excluded: e.excluded,
            recycled: e.recycled,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    group: &[&str],
    title: &str,
    username: &str,
    urls: &[&str],
    has_totp: bool,
    times: (Option<i64>, Option<i64>, Option<i64>),
    history_retired: &[Option<i64>],
) -> Row {
    Row {
        id: id.to_owned(),
        group: group.iter().map(|s| s.to_string()).collect(),
        title: title.to_owned(),
        username: username.to_owned(),
        urls: urls.iter().map(|s| s.to_string()).collect(),
        has_totp,
        created: times.0,
        modified: times.1,
        password_changed: times.2,
        history_retired: history_retired.to_vec(),
        excluded: false,
        recycled: false,
    }
}

/// Compares current and past passwords per entry id; failure messages name only the id.
fn check_secrets(vault: &Vault, expected: &[(&str, &str, &[&str])]) {
    assert_eq!(vault.entries.len(), expected.len(), "entry count");
    for (entry, (id, password, history)) in vault.entries.iter().zip(expected) {
        assert_eq!(entry.id.0, *id, "entry order");
        assert!(
            entry.password.expose() == *password,
            "password of entry {id} differs from the expected one"
        );
        let past: Vec<&str> = entry.history.iter().map(|h| h.password.expose()).collect();
        assert!(
            past == *history,
            "password history of entry {id} differs from the expected one"
        );
    }
}

fn skipped(pairs: &[(SkipReason, usize)]) -> BTreeMap<SkipReason, usize> {
    pairs.iter().copied().collect()
}

fn ts(rfc3339: &str) -> Option<i64> {
    Some(
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .expect("valid test time")
            .timestamp(),
    )
}

use exports::zip_of;

fn onepux() -> Vec<u8> {
    let attributes =
        br#"{"version":3,"description":"1Password Unencrypted Export","timestamp":1670261487}"#;
    zip_of(&[
        ("export.attributes", attributes),
        ("export.data", &fixture("onepassword-export.data.json")),
        ("files/abc__logo.png", b"\x89PNG not really"),
    ])
}

// ---------------------------------------------------------------------------------------------
// Bitwarden

#[test]
fn bitwarden_personal_export() {
    let (vault, asked) = read_counting(&fixture("bitwarden.json"), Format::BitwardenJson, None);
    let vault = vault.expect("reads");
    assert_eq!(asked, 0, "no password asked for an unencrypted export");
    assert_eq!(vault.format, Format::BitwardenJson);
    assert_eq!(
        rows(&vault),
        vec![
            row(
                "bw-1",
                &["Finance", "Banks"],
                "Kumamon Bank",
                "kuma",
                &[
                    "https://bank.example.com/login",
                    "androidapp://com.example.bank"
                ],
                true,
                (
                    ts("2020-01-02T03:04:05Z"),
                    ts("2023-05-06T07:08:09Z"),
                    ts("2022-02-03T00:00:00Z")
                ),
                // Newest first; the entry equal to the current password is dropped.
                &[ts("2022-02-03T00:00:00Z"), ts("2021-01-01T00:00:00Z")],
            ),
            row(
                "bw-2",
                &["Social"],
                "Mail",
                "",
                &[],
                false,
                (None, None, None),
                &[]
            ),
            row("12345", &[], "42", "7", &[], false, (None, None, None), &[]),
        ]
    );
    check_secrets(
        &vault,
        &[
            ("bw-1", "Kumamon2018!", &["Kumamon2018?", "Kumamon2017!"]),
            ("bw-2", "Tulip#2001", &[]),
            ("12345", " p@ss w0rd, \"quoted\" ", &[]),
        ],
    );
    assert_eq!(
        vault.skipped,
        skipped(&[
            (SkipReason::Recycled, 1),
            (SkipReason::NoPassword, 1),
            (SkipReason::NotALogin, 3),
        ])
    );
}

#[test]
fn bitwarden_recycled_kept_on_request() {
    let mut prompt = |_: &str| -> Result<Option<Secret>, FormatError> { Ok(None) };
    let mut options = ReadOptions {
        format: Some(Format::BitwardenJson),
        key_file: None,
        password: &mut prompt,
        include_recycled: true,
    };
    let vault = read_bytes("x", &fixture("bitwarden.json"), 0, &mut options).expect("reads");
    let recycled: Vec<&str> = vault
        .entries
        .iter()
        .filter(|e| e.recycled)
        .map(|e| e.id.0.as_str())
        .collect();
    assert_eq!(recycled, ["bw-3"]);
}

#[test]
fn bitwarden_org_export_without_encrypted_key() {
    let vault = read(&fixture("bitwarden-org.json"), Format::BitwardenJson, None).expect("reads");
    assert_eq!(
        rows(&vault),
        vec![
            row(
                "org-1",
                &["Ops", "Servers"],
                "Twitter",
                "brand",
                &["https://twitter.com"],
                false,
                (None, None, None),
                &[]
            ),
            row(
                "org-2",
                &[],
                "No collection",
                "x",
                &[],
                false,
                (None, None, None),
                &[]
            ),
        ]
    );
    check_secrets(
        &vault,
        &[("org-1", "Tulip#2001", &[]), ("org-2", "S3cond!", &[])],
    );
}

const CHEAP_PBKDF2: Kdf = Kdf::Pbkdf2 { iterations: 1000 };
const CHEAP_ARGON2: Kdf = Kdf::Argon2id {
    iterations: 1,
    memory_mib: 1,
    parallelism: 2,
};

fn protected(kdf: Kdf, password: &str) -> Vec<u8> {
    bitwarden_crypto::encrypt_export(
        &fixture("bitwarden.json"),
        password,
        "jxJdzv853aLmu0y/mCgSxg==",
        kdf,
        [[1; 16], [2; 16]],
    )
    .expect("encrypts")
    .into_bytes()
}

#[test]
fn bitwarden_password_protected_matches_plain() {
    let plain = read(&fixture("bitwarden.json"), Format::BitwardenJson, None).expect("plain");
    for kdf in [CHEAP_PBKDF2, CHEAP_ARGON2] {
        let (vault, asked) = read_counting(
            &protected(kdf, "correct horse"),
            Format::BitwardenJson,
            Some("correct horse"),
        );
        let vault = vault.expect("decrypts");
        assert_eq!(asked, 1);
        assert_eq!(rows(&vault), rows(&plain), "{kdf:?}");
        assert_eq!(vault.skipped, plain.skipped);
        check_secrets(
            &vault,
            &[
                ("bw-1", "Kumamon2018!", &["Kumamon2018?", "Kumamon2017!"]),
                ("bw-2", "Tulip#2001", &[]),
                ("12345", " p@ss w0rd, \"quoted\" ", &[]),
            ],
        );
    }
}

#[test]
fn bitwarden_wrong_password() {
    for kdf in [CHEAP_PBKDF2, CHEAP_ARGON2] {
        let err = read(
            &protected(kdf, "correct horse"),
            Format::BitwardenJson,
            Some("wrong horse"),
        )
        .unwrap_err();
        assert!(matches!(err, FormatError::WrongPassword), "{err}");
        assert!(!err.to_string().contains("horse"));
    }
}

#[test]
fn bitwarden_missing_password() {
    let err = read(&protected(CHEAP_PBKDF2, "pw"), Format::BitwardenJson, None).unwrap_err();
    assert!(
        matches!(err, FormatError::PasswordRequired(what) if what.contains("password-protected Bitwarden")),
        "{err}"
    );
}

#[test]
fn bitwarden_tampered_data_is_rejected() {
    let text = String::from_utf8(protected(CHEAP_PBKDF2, "pw")).expect("utf8");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let data = doc["data"].as_str().expect("data").to_owned();
    // Flip one base64 character inside the ciphertext.
    let bar = data.find('|').expect("iv|ct|mac");
    let mut bytes = data.into_bytes();
    bytes[bar + 5] = if bytes[bar + 5] == b'A' { b'B' } else { b'A' };
    doc["data"] = serde_json::Value::String(String::from_utf8(bytes).expect("utf8"));
    let err = read(
        doc.to_string().as_bytes(),
        Format::BitwardenJson,
        Some("pw"),
    )
    .unwrap_err();
    assert!(
        matches!(&err, FormatError::Invalid(m) if m.contains("integrity")),
        "{err}"
    );
}

#[test]
fn bitwarden_absurd_kdf_is_refused_before_asking() {
    let text = String::from_utf8(protected(CHEAP_PBKDF2, "pw")).expect("utf8");
    for (key, value) in [
        ("kdfIterations", serde_json::json!(4_000_000_000u64)),
        ("kdfIterations", serde_json::json!(0)),
        ("kdfType", serde_json::json!(9)),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        doc[key] = value;
        let (result, asked) = read_counting(
            doc.to_string().as_bytes(),
            Format::BitwardenJson,
            Some("pw"),
        );
        let err = result.unwrap_err();
        assert_eq!(asked, 0, "{err}");
        assert!(err.to_string().contains("kdf"), "{err}");
    }
    // Argon2id asking for 1 TiB of memory.
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["kdfType"] = 1.into();
    doc["kdfIterations"] = 3.into();
    doc["kdfMemory"] = (1u64 << 20).into();
    doc["kdfParallelism"] = 4.into();
    let err = read(
        doc.to_string().as_bytes(),
        Format::BitwardenJson,
        Some("pw"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("kdfMemory"), "{err}");
}

#[test]
fn bitwarden_account_encrypted_is_unsupported() {
    let doc = br#"{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.AAAA|BBBB|CCCC",
        "folders": [{"id": "f", "name": "2.x|y|z"}],
        "items": [{"id": "i", "type": 1, "name": "2.x|y|z", "login": {"password": "2.x|y|z"}}]}"#;
    let (result, asked) = read_counting(doc, Format::BitwardenJson, Some("pw"));
    let err = result.unwrap_err();
    assert_eq!(asked, 0);
    assert!(
        matches!(&err, FormatError::Unsupported(m) if m.contains("account-encrypted") && m.contains("re-export")),
        "{err}"
    );
}

#[test]
fn bitwarden_protected_envelope_errors() {
    let text = String::from_utf8(protected(CHEAP_PBKDF2, "pw")).expect("utf8");
    for (key, value) in [
        ("salt", serde_json::Value::Null),
        ("data", serde_json::Value::Null),
        ("data", serde_json::json!("2.not|base64|!!")),
        ("encKeyValidation_DO_NOT_EDIT", serde_json::json!("garbage")),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        doc[key] = value;
        let err = read(
            doc.to_string().as_bytes(),
            Format::BitwardenJson,
            Some("pw"),
        )
        .unwrap_err();
        assert!(matches!(err, FormatError::Invalid(_)), "{key}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Proton Pass

fn proton_expected() -> Vec<Row> {
    vec![
        row(
            "pp-1",
            &["Work"],
            "GitLab",
            "me@work.example",
            &["https://gitlab.example.com"],
            true,
            (Some(1_689_182_908), Some(1_700_000_000), None),
            &[],
        ),
        row(
            "pp-2",
            &["Personal"],
            "Old login",
            "olduser",
            &[],
            true,
            (Some(1_600_000_000), Some(1_600_000_500), None),
            &[],
        ),
    ]
}

fn proton_check(vault: &Vault) {
    assert_eq!(vault.format, Format::ProtonJson);
    assert_eq!(rows(vault), proton_expected());
    check_secrets(
        vault,
        &[("pp-1", "Tulip#2002", &[]), ("pp-2", "Kumamon2019!", &[])],
    );
    assert_eq!(
        vault.skipped,
        skipped(&[
            (SkipReason::Recycled, 1),
            (SkipReason::NoPassword, 1),
            (SkipReason::NotALogin, 2),
        ])
    );
}

#[test]
fn proton_json() {
    proton_check(&read(&fixture("proton.json"), Format::ProtonJson, None).expect("reads"));
}

#[test]
fn proton_zip() {
    let bytes = zip_of(&[("Proton Pass/data.json", &fixture("proton.json"))]);
    proton_check(&read(&bytes, Format::ProtonJson, None).expect("reads"));
}

#[test]
fn proton_pgp_zip_is_unsupported() {
    let bytes = zip_of(&[(
        "Proton Pass/data.pgp",
        b"-----BEGIN PGP MESSAGE-----\n...".as_slice(),
    )]);
    let err = read(&bytes, Format::ProtonJson, None).unwrap_err();
    assert!(
        matches!(&err, FormatError::Unsupported(m) if m.contains("PGP")),
        "{err}"
    );
}

#[test]
fn proton_encrypted_flag_is_unsupported() {
    let err = read(
        br#"{"version":"1","userId":"u","encrypted":true,"vaults":{}}"#,
        Format::ProtonJson,
        None,
    )
    .unwrap_err();
    assert!(matches!(err, FormatError::Unsupported(_)), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Enpass

#[test]
fn enpass_json() {
    let vault = read(&fixture("enpass.json"), Format::EnpassJson, None).expect("reads");
    let mut wifi = row(
        "en-7",
        &["Loop B", "Loop A"],
        "Home Wi-Fi",
        "",
        &[],
        false,
        (None, None, None),
        &[],
    );
    wifi.recycled = false;
    assert_eq!(
        rows(&vault),
        vec![
            row(
                "en-1",
                &["Home", "Shopping"],
                "Rakuten",
                "emily@example.com",
                &["https://rakuten.example"],
                true,
                (
                    Some(1_400_000_000),
                    Some(1_700_000_100),
                    Some(1_700_000_000)
                ),
                // Each old value was retired when the next one was set.
                &[Some(1_700_000_000), Some(1_600_000_000)],
            ),
            row(
                "en-2",
                &[],
                "Mercari",
                "mer",
                &[],
                false,
                (
                    Some(1_400_000_000),
                    Some(1_400_000_000),
                    Some(1_450_000_000)
                ),
                &[],
            ),
            wifi,
        ]
    );
    check_secrets(
        &vault,
        &[
            ("en-1", "Rakuten#1", &["Rakuma#1", "Rakuma#0"]),
            ("en-2", "Mercari!9", &[]),
            ("en-7", "wifi-pass-123", &[]),
        ],
    );
    assert_eq!(
        vault.skipped,
        skipped(&[
            (SkipReason::Recycled, 1),
            (SkipReason::NoPassword, 1),
            (SkipReason::NotALogin, 2),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// 1Password 1PUX

#[test]
fn onepassword_1pux() {
    let vault = read(&onepux(), Format::Onepassword1pux, None).expect("reads");
    let mut router = row(
        "op-2",
        &["Private"],
        "Router admin",
        "",
        &[],
        false,
        (Some(1_600_000_000), Some(1_600_000_000), None),
        &[],
    );
    router.excluded = true;
    assert_eq!(
        rows(&vault),
        vec![
            row(
                "op-1",
                &["Private"],
                "Mercari",
                "mer@example.com",
                &["https://mercari.example", "https://jp.mercari.example"],
                true,
                (Some(1_600_000_000), Some(1_650_000_000), None),
                &[Some(1_640_000_000), Some(1_610_000_000)],
            ),
            router,
            row(
                "op-4",
                &["Private"],
                "Build server",
                "root",
                &[],
                false,
                (Some(1_500_000_000), Some(1_550_000_000), None),
                &[],
            ),
        ]
    );
    check_secrets(
        &vault,
        &[
            ("op-1", "Mercari!9", &["Mercari!8", "Mercari!7"]),
            ("op-2", "Tulip#2001", &[]),
            ("op-4", "S3rver!pw", &[]),
        ],
    );
    assert_eq!(
        vault.skipped,
        skipped(&[
            (SkipReason::Recycled, 2),
            (SkipReason::NoPassword, 1),
            (SkipReason::NotALogin, 2),
        ])
    );
}

#[test]
fn onepassword_zip_without_export_data() {
    let bytes = zip_of(&[("readme.txt", b"hello".as_slice())]);
    let err = read(&bytes, Format::Onepassword1pux, None).unwrap_err();
    assert!(
        matches!(&err, FormatError::Invalid(m) if m.contains("export.data")),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Dashlane zip (credentials.csv is parsed by the CSV reader)

#[test]
fn dashlane_zip_delegates_to_csv_reader() {
    let credentials = b"username,username2,username3,title,password,note,url,category,otpSecret\n\
        kuma@example.com,,,Example,Kumamon2018!,,https://example.com,Shopping,\n";
    let notes = b"title,note\nFirst,\"multi\nline\"\nSecond,x\n";
    let bytes = zip_of(&[
        ("credentials.csv", credentials.as_slice()),
        ("securenotes.csv", notes.as_slice()),
        ("payments.csv", b"type,account_name\n".as_slice()),
    ]);
    match read(&bytes, Format::DashlaneCsv, None) {
        Err(FormatError::Unsupported(m)) if m.contains("not readable yet") => {
            // The CSV reader is another helper's work; until it lands only the zip layer runs.
        }
        Ok(vault) => {
            assert_eq!(vault.entries.len(), 1);
            assert!(vault.entries[0].password.expose() == "Kumamon2018!");
            assert_eq!(vault.skipped.get(&SkipReason::NotALogin), Some(&2));
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn dashlane_zip_without_credentials() {
    let bytes = zip_of(&[("securenotes.csv", b"title,note\n".as_slice())]);
    let err = read(&bytes, Format::DashlaneCsv, None).unwrap_err();
    assert!(
        matches!(&err, FormatError::Invalid(m) if m.contains("credentials.csv")),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input: one clear error, never a panic, never a secret in the message

#[test]
fn truncated_json_is_a_clear_error() {
    for (file, format) in [
        ("bitwarden.json", Format::BitwardenJson),
        ("proton.json", Format::ProtonJson),
        ("enpass.json", Format::EnpassJson),
    ] {
        let bytes = fixture(file);
        for cut in [1, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
            let err = read(&bytes[..cut], format, None).unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(err, FormatError::Invalid(_)) && msg.contains("line"),
                "{file} cut at {cut}: {msg}"
            );
            for secret in ["Kumamon", "Tulip", "Rakuten", "Mercari", "p@ss"] {
                assert!(!msg.contains(secret), "{file}: message quotes the input");
            }
        }
    }
}

#[test]
fn wrong_shape_json_is_a_clear_error() {
    for format in [
        Format::BitwardenJson,
        Format::ProtonJson,
        Format::EnpassJson,
    ] {
        for doc in [
            &b"[1, 2, 3]"[..],
            b"{}",
            b"\"Kumamon2018!\"",
            b"{\"items\": 5, \"vaults\": 3}",
            b"\xff\xfe garbage",
        ] {
            let err = read(doc, format, None).unwrap_err();
            assert!(matches!(err, FormatError::Invalid(_)), "{format}: {err}");
            assert!(!err.to_string().contains("Kumamon"));
        }
    }
}

#[test]
fn corrupt_zip_is_a_clear_error() {
    let good = onepux();
    for cut in [4, 30, good.len() / 2, good.len() - 10] {
        let err = read(&good[..cut], Format::Onepassword1pux, None).unwrap_err();
        assert!(
            matches!(&err, FormatError::Invalid(m) if m.contains("zip")),
            "cut {cut}: {err}"
        );
    }
    // Flip bytes in the middle: either rejected or read, never a panic.
    for i in (30..good.len()).step_by(97) {
        let mut bad = good.clone();
        bad[i] ^= 0x5a;
        let _ = read(&bad, Format::Onepassword1pux, None);
        let _ = read(&bad, Format::ProtonJson, None);
        let _ = read(&bad, Format::DashlaneCsv, None);
    }
}

#[test]
fn bom_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fixture("proton.json"));
    proton_check(&read(&bytes, Format::ProtonJson, None).expect("reads"));
}

// ---------------------------------------------------------------------------------------------
// Real sample exports (skipped when ../shared/samples is absent)

fn sample(rel: &str) -> Option<Vec<u8>> {
    let path: PathBuf = Path::new(SAMPLES).join(rel);
    std::fs::read(path).ok()
}

#[test]
fn samples_bitwarden_encrypted_match_their_plaintext() {
    for (file, plain) in [
        (
            "keepassxc/bitwarden_encrypted_export.json",
            "derived/bitwarden_encrypted_export.decrypted.json",
        ),
        (
            "keepassxc/bitwarden_encrypted_argon2id_export.json",
            "derived/bitwarden_encrypted_argon2id_export.decrypted.json",
        ),
    ] {
        let (Some(enc), Some(plain)) = (sample(file), sample(plain)) else {
            return;
        };
        let expected = read(&plain, Format::BitwardenJson, None).expect("plain sample");
        let vault = read(&enc, Format::BitwardenJson, Some("a")).expect("decrypts");
        assert!(!vault.entries.is_empty(), "{file}");
        assert_eq!(rows(&vault), rows(&expected), "{file}");
        assert_eq!(vault.skipped, expected.skipped, "{file}");
        for (a, b) in vault.entries.iter().zip(&expected.entries) {
            assert!(
                a.password.expose() == b.password.expose(),
                "{file}: password of {} differs",
                a.id
            );
        }
        let err = read(&enc, Format::BitwardenJson, Some("b")).unwrap_err();
        assert!(matches!(err, FormatError::WrongPassword), "{file}: {err}");
    }
}

#[test]
fn samples_bitwarden_plain_exports_read() {
    for file in [
        "keepassxc/bitwarden_export.json",
        "bitwarden-help/bitwarden_export.json",
        "bitwarden-help/bitwarden_org_export.json",
        "constructed/bitwarden-unencrypted-modern.json",
        "proton-webclients/bitwarden.json",
        "bitwarden-jslib/bitwardenJson/empty.json",
    ] {
        let Some(bytes) = sample(file) else { continue };
        let vault =
            read(&bytes, Format::BitwardenJson, None).unwrap_or_else(|e| panic!("{file}: {e}"));
        if !file.ends_with("empty.json") {
            assert!(!vault.entries.is_empty(), "{file}");
        }
    }
    if let Some(bytes) = sample("constructed/bitwarden-unencrypted-modern.json") {
        let vault = read(&bytes, Format::BitwardenJson, None).expect("reads");
        let e = &vault.entries[0];
        assert_eq!(e.username, "test@bitwarden.com");
        assert!(e.has_totp && e.created.is_some() && e.modified.is_some());
        assert_eq!(e.history.len(), 1);
        assert_eq!(e.group, ["Important"]);
    }
    if let Some(bytes) = sample("bitwarden-jslib/bitwardenJson/passwordProtected.json") {
        // Its password is unknown (the upstream test mocks the crypto): it must ask for one.
        let err = read(&bytes, Format::BitwardenJson, None).unwrap_err();
        assert!(matches!(err, FormatError::PasswordRequired(_)), "{err}");
    }
}

#[test]
fn samples_onepassword_1pux() {
    let Some(bytes) = sample("keepassxc/1PasswordExport.1pux") else {
        return;
    };
    let vault = read(&bytes, Format::Onepassword1pux, None).expect("reads");
    let titles: Vec<&str> = vault.entries.iter().map(|e| e.title.as_str()).collect();
    assert!(titles.contains(&"UUID 005 Password"), "{titles:?}");
    let login = vault
        .entries
        .iter()
        .find(|e| e.id.0 == "55qbj3r6ftglrawryv46obdotq")
        .expect("the active login");
    assert_eq!(login.username, "team@keepassxc.org");
    assert_eq!(login.group, ["Personal"]);
    assert!(login.has_totp);
    assert!(login.created.is_some() && login.modified.is_some());
    assert!(vault.entries.iter().all(|e| !e.recycled));
    assert_eq!(vault.skipped.get(&SkipReason::Recycled), Some(&1));
    assert!(
        vault
            .skipped
            .get(&SkipReason::NotALogin)
            .copied()
            .unwrap_or(0)
            >= 4
    );
}

#[test]
fn samples_proton_and_enpass() {
    if let Some(bytes) = sample("bitwarden-clients/protonpass-json/protonpass.json") {
        let vault = read(&bytes, Format::ProtonJson, None).expect("proton sample");
        let titles: Vec<&str> = vault.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Test Login - Personal Vault", "Other vault login"]);
        assert_eq!(vault.entries[1].username, "other vault username");
        assert_eq!(vault.entries[1].group, ["Test"]);
        assert!(vault.entries[1].has_totp);
    }
    if let Some(bytes) = sample("pass-import/db/enpass.json") {
        let vault = read(&bytes, Format::EnpassJson, None).expect("enpass sample");
        assert!(vault.entries.len() >= 10, "{}", vault.entries.len());
        assert!(vault.entries.iter().all(|e| !e.title.is_empty()));
    }
    if let Some(bytes) = sample("proton-webclients/enpass.excerpt.json") {
        read(&bytes, Format::EnpassJson, None).expect("enpass excerpt");
    }
}

#[test]
fn duplicate_ids_are_made_unique() {
    let doc = br#"{"items": [
        {"id": "dup", "type": 1, "name": "a", "login": {"password": "one"}},
        {"id": "dup", "type": 1, "name": "b", "login": {"password": "two"}},
        {"id": "dup", "type": 1, "name": "c", "login": {"password": "three"}},
        {"type": 1, "name": "no id", "login": {"password": "four"}}
    ]}"#;
    let vault = read(doc, Format::BitwardenJson, None).expect("reads");
    let ids: Vec<&str> = vault.entries.iter().map(|e| e.id.0.as_str()).collect();
    assert_eq!(ids, ["dup", "dup#2", "dup#3", "#4"]);
    if let Some(bytes) = sample("proton-webclients/bitwarden.json") {
        let vault = read(&bytes, Format::BitwardenJson, None).expect("reads");
        let mut ids: Vec<&str> = vault.entries.iter().map(|e| e.id.0.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "ids unique within the source");
    }
}
