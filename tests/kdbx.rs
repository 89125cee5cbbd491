//! KeePass reader: exact entries on the generated fixtures (`examples/gen_kdbx.rs`), the same
//! database as KDBX 3.1, 4.0, 4.1, KeePass 1 and XML export read alike, wrong and missing
//! credentials, truncation and tampering, and the shared samples when present (a line on
//! stderr says when they are absent and those tests did not run).
//!
//! Assertion messages never contain a password: `Secret` compares redacted.

use chrono::{DateTime, NaiveDate, Utc};
use credaudit::model::{Format, SkipReason};
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, ReadOptions, Vault, read_bytes};
use std::path::{Path, PathBuf};

#[path = "support/binary.rs"]
mod binary;
#[path = "support/keepass_writer.rs"]
mod keepass_writer;
#[path = "support/samples.rs"]
mod samples;

use keepass_writer::WRITER_PASSWORD;
use samples::samples_dir;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/kdbx");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn open_bytes(
    bytes: &[u8],
    password: Option<&str>,
    key_file: Option<&Path>,
    include_recycled: bool,
) -> Result<Vault, FormatError> {
    let mut asked = 0;
    let mut ask = |name: &str| -> Result<Option<Secret>, FormatError> {
        assert_eq!(name, "test.kdbx");
        asked += 1;
        Ok(password.map(Secret::from))
    };
    let mut options = ReadOptions {
        format: Some(Format::Kdbx),
        key_file: key_file.map(Path::to_path_buf),
        password: &mut ask,
        include_recycled,
    };
    let result = read_bytes("test.kdbx", bytes, 0, &mut options);
    assert!(asked <= 1, "the password callback is called at most once");
    result
}

fn open(
    path: &Path,
    password: Option<&str>,
    key_file: Option<&Path>,
) -> Result<Vault, FormatError> {
    let bytes = std::fs::read(path).expect("read fixture");
    open_bytes(&bytes, password, key_file, false)
}

fn at(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|t| t.and_utc())
}

fn error_text(result: Result<Vault, FormatError>) -> String {
    match result {
        Ok(v) => panic!("expected an error, got {} entries", v.entries.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn password_fixture_exact_entries() {
    let vault = open(&fixture("password.kdbx"), Some("credaudit-fixture"), None).expect("opens");
    let skipped: Vec<(SkipReason, usize)> = vault.skipped.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(
        skipped,
        [
            (SkipReason::Recycled, 2),
            (SkipReason::NoPassword, 1),
            (SkipReason::Reference, 1)
        ]
    );
    let titles: Vec<&str> = vault.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Mail", "Bank", "Legacy broker", "Forum"]);

    let [mail, bank, legacy, forum] = &vault.entries[..] else {
        unreachable!()
    };
    assert_eq!(mail.id.0, "00000000-0000-4000-8000-000000000001");
    assert!(
        mail.group.is_empty(),
        "root entries have an empty group path"
    );
    assert_eq!(mail.username, "alice@example.com");
    assert_eq!(
        mail.urls,
        [
            "https://mail.example.com",
            "https://webmail.example.com",
            "https://m.example.com"
        ]
    );
    assert_eq!(mail.password, Secret::from("Tulip#2003"));
    assert!(!mail.has_totp && !mail.excluded && !mail.recycled);
    assert_eq!(mail.created, at(2019, 6, 1));
    assert_eq!(mail.modified, at(2022, 5, 5));
    // Set by the 2021-01-01 version (the 2021-02-01 and current versions kept it).
    assert_eq!(mail.password_changed, at(2021, 1, 1));
    assert_eq!(mail.password_set_at(), at(2021, 1, 1));
    let history: Vec<(Secret, Option<DateTime<Utc>>)> = mail
        .history
        .iter()
        .map(|h| (h.password.clone(), h.retired))
        .collect();
    assert_eq!(
        history,
        [
            // Newest holder of Tulip#2002 (2020-06-01) was replaced on 2021-01-01; its older
            // 2019 occurrence is deduplicated.
            (Secret::from("Tulip#2002"), at(2021, 1, 1)),
            (Secret::from("Tulip#2001"), at(2020, 6, 1)),
        ]
    );

    assert_eq!(bank.id.0, "00000000-0000-4000-8000-000000000004");
    assert_eq!(bank.group, ["Finance"]);
    assert_eq!(bank.username, "alice");
    assert_eq!(bank.urls, ["https://bank.example.com/login"]);
    assert_eq!(bank.password, Secret::from("Bank-pw-42"));
    assert!(bank.has_totp, "otp field");
    assert!(bank.excluded, "QualityCheck=False");
    assert_eq!(bank.created, at(2018, 3, 3));
    assert_eq!(bank.modified, at(2018, 3, 4));
    assert_eq!(bank.password_changed, None, "no history: modified is used");
    assert!(bank.history.is_empty());

    assert_eq!(legacy.group, ["Finance"]);
    assert_eq!(legacy.password, Secret::from("broker-pw"));
    assert!(legacy.has_totp, "TimeOtp-Secret-Base32");
    assert!(legacy.excluded, "KnownBad=true");
    assert!(legacy.urls.is_empty());

    assert_eq!(forum.group, ["Internet", "Forums"]);
    assert_eq!(forum.urls, ["http://forum.example.org"]);
    assert_eq!(forum.password, Secret::from("forum-pw"));
    assert!(!forum.has_totp && !forum.excluded && !forum.recycled);
}

#[test]
fn recycle_bin_entries_are_flagged_at_any_depth() {
    let bytes = std::fs::read(fixture("password.kdbx")).expect("read");
    let vault = open_bytes(&bytes, Some("credaudit-fixture"), None, true).expect("opens");
    let recycled: Vec<(&str, Vec<String>)> = vault
        .entries
        .iter()
        .filter(|e| e.recycled)
        .map(|e| (e.title.as_str(), e.group.clone()))
        .collect();
    assert_eq!(
        recycled,
        [
            ("Old shop", vec!["Recycle Bin".to_owned()]),
            (
                "Older",
                vec!["Recycle Bin".to_owned(), "Deleted group".to_owned()]
            ),
        ]
    );
    assert_eq!(vault.entries.len(), 6);
}

#[test]
fn key_file_only() {
    let kdbx = fixture("keyfile-only.kdbx");
    let key = fixture("keyfile-only.keyx");
    let vault = open(&kdbx, None, Some(&key)).expect("opens with the key file alone");
    assert_eq!(vault.entries.len(), 1);
    assert_eq!(vault.entries[0].title, "Router");
    assert_eq!(vault.entries[0].username, "admin");
    assert_eq!(vault.entries[0].password, Secret::from("router-pw-1"));
    // An empty answer at the prompt next to a key file means "no password".
    let vault = open(&kdbx, Some(""), Some(&key)).expect("empty password + key file");
    assert_eq!(vault.entries.len(), 1);
    // A non-empty password that the database does not use is wrong.
    assert!(matches!(
        open(&kdbx, Some("x"), Some(&key)),
        Err(FormatError::WrongKey)
    ));
}

#[test]
fn password_and_key_file() {
    let kdbx = fixture("password-keyfile.kdbx");
    let key = fixture("password-keyfile.key");
    let vault = open(&kdbx, Some("fixture-pw-2"), Some(&key)).expect("opens");
    assert_eq!(vault.entries.len(), 1);
    assert_eq!(vault.entries[0].title, "Server");
    assert_eq!(vault.entries[0].password, Secret::from("server-pw-2"));
    assert!(matches!(
        open(&kdbx, Some("fixture-pw-2"), None),
        Err(FormatError::WrongKey)
    ));
    assert!(matches!(
        open(&kdbx, None, Some(&key)),
        Err(FormatError::WrongKey)
    ));
}

#[test]
fn wrong_password_and_wrong_key_file() {
    let msg = error_text(open(&fixture("password.kdbx"), Some("wrong"), None));
    assert!(
        msg.starts_with("wrong master password or key file"),
        "{msg}"
    );
    assert!(msg.contains("YubiKey"), "{msg}");
    assert!(!msg.contains("wrong\""), "no password in the message");
    assert!(matches!(
        open(
            &fixture("keyfile-only.kdbx"),
            None,
            Some(&fixture("password-keyfile.key"))
        ),
        Err(FormatError::WrongKey)
    ));
}

#[test]
fn missing_password_is_required() {
    assert!(matches!(
        open(&fixture("password.kdbx"), None, None),
        Err(FormatError::PasswordRequired(_))
    ));
}

#[test]
fn unreadable_or_damaged_key_files() {
    let missing = fixture("no-such.key");
    assert!(matches!(
        open(&fixture("keyfile-only.kdbx"), None, Some(&missing)),
        Err(FormatError::BadKeyFile(_))
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let keyx = std::fs::read_to_string(fixture("keyfile-only.keyx")).expect("read");
    let start = keyx.find("Hash=\"").expect("hash attribute") + 6;
    let mut damaged = keyx.clone();
    let flipped = if &keyx[start..start + 1] == "0" {
        "1"
    } else {
        "0"
    };
    damaged.replace_range(start..start + 1, flipped);
    let path = dir.path().join("damaged.keyx");
    std::fs::write(&path, damaged).expect("write");
    let msg = error_text(open(&fixture("keyfile-only.kdbx"), None, Some(&path)));
    assert!(msg.contains("Hash attribute"), "{msg}");
    let empty = dir.path().join("empty.key");
    std::fs::write(&empty, b"").expect("write");
    assert!(matches!(
        open(&fixture("keyfile-only.kdbx"), None, Some(&empty)),
        Err(FormatError::BadKeyFile(_))
    ));
}

/// Every prefix of a small KDBX 4 fails cleanly: no panic, no garbage, a one-line error.
#[test]
fn every_truncation_fails_cleanly() {
    let key = fixture("keyfile-only.keyx");
    let bytes = std::fs::read(fixture("keyfile-only.kdbx")).expect("read");
    for len in 1..bytes.len() {
        let msg = error_text(open_bytes(&bytes[..len], None, Some(&key), false));
        assert!(!msg.contains('\n'), "one line at {len}");
        assert!(
            !msg.contains("could not parse"),
            "the preflight, not the panic guard, caught length {len}: {msg}"
        );
    }
}

/// KDBX 4 authenticates every byte: the header by SHA-256 and HMAC, each block by HMAC.
#[test]
fn every_single_byte_corruption_of_kdbx4_is_rejected() {
    let key = fixture("keyfile-only.keyx");
    let bytes = std::fs::read(fixture("keyfile-only.kdbx")).expect("read");
    let mut header_hash = 0;
    let mut block_hmac = 0;
    for pos in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[pos] ^= 0x01;
        let msg = error_text(open_bytes(&tampered, None, Some(&key), false));
        assert!(!msg.contains("could not parse"), "byte {pos}: {msg}");
        header_hash += usize::from(msg.starts_with("header hash mismatch"));
        block_hmac += usize::from(msg.starts_with("block HMAC mismatch"));
    }
    assert!(header_hash > 100, "header tampering is named as such");
    assert!(block_hmac > 100, "block tampering is named as such");
}

#[test]
fn not_a_keepass_file() {
    let msg = error_text(open_bytes(b"Group,Title\n", Some("x"), None, false));
    assert!(msg.contains("not a KeePass database"), "{msg}");
}

// ---------------------------------------------------------------------------------------
// Shared samples (skipped when ../shared/samples is absent)

enum Expect {
    /// Opens, with this many logins (entries with a password, not recycled).
    Logins(usize),
    /// Fails with a message containing this text.
    Fails(&'static str),
}

struct Sample {
    file: &'static str,
    password: Option<&'static str>,
    key_file: Option<&'static str>,
    expect: Expect,
}

const fn s(
    file: &'static str,
    password: Option<&'static str>,
    key_file: Option<&'static str>,
    expect: Expect,
) -> Sample {
    Sample {
        file,
        password,
        key_file,
        expect,
    }
}

/// A sample opened with a master password only.
const fn pw(file: &'static str, password: &'static str, expect: Expect) -> Sample {
    s(file, Some(password), None, expect)
}

/// A sample opened with a key file only.
const fn key(file: &'static str, key_file: &'static str, expect: Expect) -> Sample {
    s(file, None, Some(key_file), expect)
}

use Expect::{Fails, Logins};

const KDBX2: &str = "(KeePass 2.0x era) is not supported";

/// Everything INDEX.md lists under "KeePass binary databases".
const SAMPLE_TABLE: &[Sample] = &[
    pw("keepassxc/NewDatabase.kdbx", "a", Logins(2)),
    pw("keepassxc/NewDatabase2.kdbx", "a", Logins(2)),
    pw("keepassxc/NewDatabaseMulti.kdbx", "a", Logins(4)),
    pw("keepassxc/NewDatabaseBrowser.kdbx", "a", Logins(2)),
    pw("keepassxc/MergeDatabase.kdbx", "a", Logins(2)),
    pw("keepassxc/SyncDatabase.kdbx", "a", Logins(3)),
    pw(
        "keepassxc/SyncDatabaseDifferentPassword.kdbx",
        "b",
        Logins(3),
    ),
    pw("keepassxc/Format300.kdbx", "a", Logins(1)),
    pw("keepassxc/Format400.kdbx", "t", Logins(1)),
    pw("keepassxc/Format200.kdbx", "a", Fails(KDBX2)),
    pw("keepassxc/ProtectedStrings.kdbx", "masterpw", Logins(1)),
    pw("keepassxc/NonAscii.kdbx", "\u{394}\u{f6}\u{636}", Logins(1)),
    pw("keepassxc/Compressed.kdbx", "", Logins(1)),
    pw(
        "keepassxc/BrokenHeaderHash.kdbx",
        "",
        Fails("header hash mismatch"),
    ),
    s(
        "keepassxc/KeyFileProtected.kdbx",
        Some("a"),
        Some("keepassxc/KeyFileProtected.key"),
        Logins(2),
    ),
    key(
        "keepassxc/KeyFileProtectedNoPassword.kdbx",
        "keepassxc/KeyFileProtectedNoPassword.key",
        Logins(2),
    ),
    key(
        "keepassxc/FileKeyXmlV2.kdbx",
        "keepassxc/FileKeyXmlV2.keyx",
        Logins(0),
    ),
    key(
        "keepassxc/FileKeyXmlV2HashFail.kdbx",
        "keepassxc/FileKeyXmlV2HashFail.keyx",
        Fails("invalid key file"),
    ),
    key(
        "keepassxc/FileKeyXmlV2BrokenHex.kdbx",
        "keepassxc/FileKeyXmlV2BrokenHex.keyx",
        Fails("invalid key file"),
    ),
    key(
        "keepassxc/FileKeyXmlBrokenBase64.kdbx",
        "keepassxc/FileKeyXmlBrokenBase64.key",
        Fails("invalid key file"),
    ),
    key(
        "keepassxc/FileKeyBinary.kdbx",
        "keepassxc/FileKeyBinary.key",
        Fails(KDBX2),
    ),
    key(
        "keepassxc/FileKeyHex.kdbx",
        "keepassxc/FileKeyHex.key",
        Fails(KDBX2),
    ),
    key(
        "keepassxc/FileKeyHashed.kdbx",
        "keepassxc/FileKeyHashed.key",
        Fails(KDBX2),
    ),
    key(
        "keepassxc/FileKeyXml.kdbx",
        "keepassxc/FileKeyXml.key",
        Fails(KDBX2),
    ),
    pw("keepassxc/RecycleBinDisabled.kdbx", "123", Logins(5)),
    pw("keepassxc/RecycleBinEmpty.kdbx", "123", Logins(5)),
    pw("keepassxc/RecycleBinNotYetCreated.kdbx", "123", Logins(5)),
    pw("keepassxc/RecycleBinWithData.kdbx", "123", Logins(5)),
    // Needs a YubiKey as well: cannot be told from a wrong password, the message says what to do.
    pw(
        "keepassxc/YubiKeyProtectedPasswords.kdbx",
        "a",
        Fails("YubiKey"),
    ),
    pw("keepassxc/basic.kdb", "masterpw", Logins(1)),
    pw("keepassxc/Twofish.kdb", "masterpw", Logins(0)),
    s(
        "keepassxc/CompositeKey.kdb",
        Some("mypassword"),
        Some("keepassxc/FileKeyHex.key"),
        Logins(0),
    ),
    key(
        "keepassxc/FileKeyBinary.kdb",
        "keepassxc/FileKeyBinary.key",
        Logins(0),
    ),
    key(
        "keepassxc/FileKeyHex.kdb",
        "keepassxc/FileKeyHex.key",
        Logins(0),
    ),
    key(
        "keepassxc/FileKeyHashed.kdb",
        "keepassxc/FileKeyHashed.key",
        Logins(0),
    ),
    // KeePass 1 hashed the password as CP-1252 bytes: retried in that encoding.
    pw(
        "keepassxc/CP-1252.kdb",
        "\u{201e}password\u{201d}",
        Logins(0),
    ),
    pw(
        "keepass-rs/test_db_with_password.kdbx",
        "demopass",
        Logins(5),
    ),
    key(
        "keepass-rs/test_db_with_keyfile.kdbx",
        "keepass-rs/test_key.key",
        Logins(1),
    ),
    key(
        "keepass-rs/test_db_with_keyfile_xml.kdbx",
        "keepass-rs/test_key_xml.key",
        Logins(6),
    ),
    pw(
        "keepass-rs/test_db_kdbx3_with_chacha20_protected_fields.kdbx",
        "password",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_aes.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2_chacha20.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2_twofish.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2id.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2id_chacha20.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_argon2id_twofish.kdbx",
        "demopass",
        Logins(1),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_password_deleted_entry.kdbx",
        "demopass",
        Logins(1),
    ),
    key(
        "keepass-rs/test_db_kdbx4_with_keyfile.kdbx",
        "keepass-rs/test_key.key",
        Logins(1),
    ),
    s(
        "keepass-rs/test_db_kdbx4_with_keyfile_v2.kdbx",
        Some("demopass"),
        Some("keepass-rs/test_db_kdbx4_with_keyfile_v2.keyx"),
        Logins(1),
    ),
    s(
        "keepass-rs/test_db_kdbx4_with_keyfile_v2_alt.kdbx",
        Some("demopass"),
        Some("keepass-rs/test_db_kdbx4_with_keyfile_v2_alt.keyx"),
        Logins(2),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_totp_entry.kdbx",
        "test",
        Logins(0),
    ),
    pw(
        "keepass-rs/test_db_kdbx4_with_totp_sha512_entry.kdbx",
        "test",
        Logins(0),
    ),
    pw(
        "keepass-rs/test_db_kdbx41_with_password_aes.kdbx",
        "demopass",
        Logins(4),
    ),
    pw(
        "keepass-rs/test_db_kdbx41_features.kdbx",
        "demopass",
        Logins(2),
    ),
    pw("keepass-rs/test_db_few_rounds.kdbx", "demopass", Logins(1)),
    pw(
        "keepass-rs/test_db_kdb_with_password.kdb",
        "foobar",
        Logins(3),
    ),
    // HMAC-SHA1 challenge-response, not supported.
    pw(
        "keepass-rs/test_db_with_challenge_response_key.kdbx",
        "demopass",
        Fails("YubiKey"),
    ),
    pw(
        "keepass-rs/broken_kdbx_version.kdbx",
        "x",
        Fails("newer than the versions supported"),
    ),
    pw(
        "keepass-rs/broken_random_data.kdbx",
        "x",
        Fails("not a KeePass database"),
    ),
    pw(
        "pass-import/db/keepass.kdbx",
        "correct horse battery staple",
        Logins(15),
    ),
    pw(
        "pass-import/export/keepass.kdbx",
        "correct horse battery staple",
        Logins(0),
    ),
];

#[test]
fn samples_open_or_fail_as_index_md_says() {
    let Some(dir) = samples_dir("samples_open_or_fail_as_index_md_says") else {
        return;
    };
    for sample in SAMPLE_TABLE {
        let path = dir.join(sample.file);
        if !path.is_file() {
            continue;
        }
        let key = sample.key_file.map(|k| dir.join(k));
        let result = open(&path, sample.password, key.as_deref());
        match (&sample.expect, result) {
            (Logins(n), Ok(vault)) => {
                // Protected custom strings are hidden fields: entries of their own, not logins.
                let logins = vault.entries.iter().filter(|e| e.field.is_none()).count();
                assert_eq!(logins, *n, "{}: logins", sample.file);
                for e in &vault.entries {
                    assert!(!e.password.is_empty(), "{}", sample.file);
                }
            }
            (Logins(_), Err(e)) => panic!("{}: expected to open, got: {e}", sample.file),
            (Fails(text), Ok(v)) => panic!(
                "{}: expected failure '{text}', opened with {} entries",
                sample.file,
                v.entries.len()
            ),
            (Fails(text), Err(e)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(text),
                    "{}: '{msg}' lacks '{text}'",
                    sample.file
                );
                if let Some(pw) = sample.password.filter(|p| p.len() > 2) {
                    assert!(!msg.contains(pw), "{}: password in message", sample.file);
                }
            }
        }
    }
}

#[test]
fn kdb_meta_streams_are_internal_and_times_unknown() {
    let Some(dir) = samples_dir("kdb_meta_streams_are_internal_and_times_unknown") else {
        return;
    };
    let vault = open(&dir.join("keepassxc/basic.kdb"), Some("masterpw"), None).expect("opens");
    assert_eq!(vault.skipped.get(&SkipReason::Internal), Some(&2));
    let e = &vault.entries[0];
    assert_eq!(e.title, "Test entry");
    assert_eq!(e.group, ["Internet"]);
    assert_eq!(e.id.0, "#1", "KeePass 1 entries get positional ids");
    assert_eq!(
        (e.created, e.modified, e.password_changed),
        (None, None, None)
    );
}

/// A KDBX 3 whose header gained a comment field: decryption still works, only the header
/// hash in the inner XML can tell.
#[test]
fn kdbx3_header_tampering_is_caught_by_the_header_hash() {
    let Some(dir) = samples_dir("kdbx3_header_tampering_is_caught_by_the_header_hash") else {
        return;
    };
    let bytes = std::fs::read(dir.join("keepassxc/Compressed.kdbx")).expect("read");
    assert!(open_bytes(&bytes, Some(""), None, false).is_ok());
    let mut tampered = bytes[..12].to_vec();
    tampered.extend_from_slice(&[1, 3, 0, b'h', b'i', b'!']);
    tampered.extend_from_slice(&bytes[12..]);
    let msg = error_text(open_bytes(&tampered, Some(""), None, false));
    assert!(msg.starts_with("header hash mismatch"), "{msg}");
}

/// Prefixes of KDBX 3 and KDB samples: clean errors, never a panic.
#[test]
fn sample_truncations_fail_cleanly() {
    let Some(dir) = samples_dir("sample_truncations_fail_cleanly") else {
        return;
    };
    for (file, pw) in [
        ("keepassxc/Compressed.kdbx", ""),
        ("keepassxc/basic.kdb", "masterpw"),
        ("keepass-rs/test_db_few_rounds.kdbx", "demopass"),
    ] {
        let bytes = std::fs::read(dir.join(file)).expect("read");
        for len in (1..bytes.len()).step_by(7) {
            let msg = error_text(open_bytes(&bytes[..len], Some(pw), None, false));
            assert!(!msg.contains("could not parse"), "{file} at {len}: {msg}");
        }
    }
}

/// The crate panics on a key-file-only KeePass 1 key that is not 32 bytes; we refuse it.
#[test]
fn kdb_with_short_xml_key_is_a_bad_key_file() {
    let Some(dir) = samples_dir("kdb_with_short_xml_key_is_a_bad_key_file") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let key = tmp.path().join("short.key");
    std::fs::write(
        &key,
        "<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>AAECAwQFBgcICQoLDA0ODw==</Data></Key></KeyFile>",
    )
    .expect("write");
    let msg = error_text(open(
        &dir.join("keepassxc/FileKeyHex.kdb"),
        None,
        Some(&key),
    ));
    assert!(msg.starts_with("invalid key file"), "{msg}");
}

// ---------------------------------------------------------------------------------------
// Differential check: credaudit's own KDBX decryption and inner-XML reader against the
// `keepass` crate's full parse, entry by entry.

/// (id, title, username, password, earlier passwords sorted) of every login, sorted.
type Login = (String, String, String, Secret, Vec<Secret>);

fn crate_logins(db: &keepass::Database) -> Vec<Login> {
    let mut out = Vec::new();
    let mut stack = vec![db.root().id()];
    while let Some(gid) = stack.pop() {
        let Some(group) = db.group(gid) else { continue };
        stack.extend(group.group_ids());
        for eid in group.entry_ids() {
            let Some(e) = db.entry(eid) else { continue };
            let get = |e: &keepass::db::Entry, k: &str| e.get(k).unwrap_or_default().to_owned();
            let password = get(&e, "Password");
            if password.is_empty() || password.to_ascii_uppercase().starts_with("{REF:") {
                continue;
            }
            let mut past: Vec<String> = e
                .history
                .as_ref()
                .map(|h| h.get_entries().iter().map(|v| get(v, "Password")).collect())
                .unwrap_or_default();
            past.retain(|p| !p.is_empty() && *p != password && !p.starts_with("{REF:"));
            past.sort();
            past.dedup();
            out.push((
                e.id().to_string(),
                get(&e, "Title"),
                get(&e, "UserName"),
                Secret::from(password.as_str()),
                past.iter().map(|p| Secret::from(p.as_str())).collect(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn our_logins(vault: &Vault) -> Vec<Login> {
    let mut out: Vec<Login> = vault
        .entries
        .iter()
        .filter(|e| e.field.is_none())
        .map(|e| {
            let mut past: Vec<&str> = e.history.iter().map(|h| h.password.expose()).collect();
            past.sort_unstable();
            (
                e.id.0.clone(),
                e.title.clone(),
                e.username.clone(),
                e.password.clone(),
                past.into_iter().map(Secret::from).collect(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn assert_same_as_crate(label: &str, bytes: &[u8], password: Option<&str>, key: Option<&Path>) {
    let vault = open_bytes(bytes, password, key, true).expect("opens");
    let mut db_key = keepass::DatabaseKey::new();
    if let Some(pw) = password {
        db_key = db_key.with_password(pw);
    }
    if let Some(key) = key {
        let content = std::fs::read(key).expect("key file");
        db_key = db_key.with_keyfile(&mut content.as_slice()).expect("key");
    }
    let db = keepass::Database::parse(bytes, db_key).expect("the crate opens it");
    let ours = our_logins(&vault);
    let theirs = crate_logins(&db);
    assert_eq!(ours.len(), theirs.len(), "{label}: login count");
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a.0, b.0, "{label}: ids");
        assert_eq!((&a.1, &a.2), (&b.1, &b.2), "{label}: {} title/user", a.0);
        assert!(a.3 == b.3, "{label}: {} password differs", a.0);
        assert!(a.4 == b.4, "{label}: {} history passwords differ", a.0);
    }
}

#[test]
fn fixtures_read_the_same_as_the_crate() {
    for (file, pw, key) in [
        ("password.kdbx", Some("credaudit-fixture"), None),
        ("keyfile-only.kdbx", None, Some("keyfile-only.keyx")),
        (
            "password-keyfile.kdbx",
            Some("fixture-pw-2"),
            Some("password-keyfile.key"),
        ),
    ] {
        let bytes = std::fs::read(fixture(file)).expect("read");
        let key = key.map(fixture);
        assert_same_as_crate(file, &bytes, pw, key.as_deref());
    }
}

/// The test writer's KDBX 3.1 and 4.x as the crate reads them (the crate refuses an entry
/// without UUID, so the UUID-less one gets one here).
#[test]
fn writer_output_reads_the_same_as_the_crate() {
    use keepass_writer::{Kdf4, Key};
    let mut db = keepass_writer::sample_db();
    for group in &mut db.root.groups {
        for sub in &mut group.groups {
            for item in &mut sub.items {
                item.uuid = item.uuid.or(Some(77));
            }
        }
    }
    let key = Key {
        password: Some(WRITER_PASSWORD),
        key_file: None,
    };
    for (label, bytes) in [
        ("3.1", keepass_writer::kdbx3(&db, key, 10, "x")),
        (
            "4.0",
            keepass_writer::kdbx4(&db, key, Kdf4::Aes { rounds: 10 }, 0, "x"),
        ),
        (
            "4.1 argon2d",
            keepass_writer::kdbx4(
                &db,
                key,
                Kdf4::Argon2d {
                    memory_kib: 64,
                    passes: 1,
                },
                1,
                "x",
            ),
        ),
    ] {
        assert_same_as_crate(label, &bytes, Some(WRITER_PASSWORD), None);
    }
}

/// Many protected values (custom fields, history copies, notes) in one ChaCha20 inner
/// stream: any slip in document order garbles every later password.
#[test]
fn protected_values_in_history_and_custom_fields_decrypt_in_order() {
    use keepass::config::{DatabaseConfig, InnerCipherConfig, KdfConfig, OuterCipherConfig};
    use keepass::db::{History, fields};
    for (outer, inner) in [
        (OuterCipherConfig::AES256, InnerCipherConfig::ChaCha20),
        (OuterCipherConfig::ChaCha20, InnerCipherConfig::Salsa20),
        (OuterCipherConfig::Twofish, InnerCipherConfig::ChaCha20),
    ] {
        let mut config = DatabaseConfig::default();
        config.kdf_config = KdfConfig::Argon2id {
            iterations: 1,
            memory: 1 << 16,
            parallelism: 2,
            version: kdbx_argon2::Version::Version13,
        };
        config.outer_cipher_config = outer;
        config.inner_cipher_config = inner;
        let mut db = keepass::Database::new();
        db.config = config;
        let mut root = db.root_mut();
        for g in 0..3 {
            let mut group = root.add_group();
            group.name = format!("G{g}");
            for n in 0..7 {
                let mut e = group.add_entry();
                e.set_unprotected(fields::TITLE, format!("T{g}-{n}"));
                e.set_protected("Secret note", format!("note {g} {n} \u{e9}"));
                e.set_protected("TimeOtp-Secret-Base32", "JBSWY3DPEHPK3PXP");
                if n % 2 == 0 {
                    let mut history = History::default();
                    for v in 0..3 {
                        e.set_protected(fields::PASSWORD, format!("old-{g}-{n}-{v}"));
                        let mut snapshot = (*e).clone();
                        snapshot.history = None;
                        history.add_entry(snapshot);
                    }
                    e.history = Some(history);
                }
                e.set_protected(fields::PASSWORD, format!("pw-{g}-{n}"));
            }
        }
        let mut bytes = Vec::new();
        db.save(
            &mut bytes,
            keepass::DatabaseKey::new().with_password("order"),
        )
        .expect("save");
        assert_same_as_crate("generated", &bytes, Some("order"), None);
        let vault = open_bytes(&bytes, Some("order"), None, false).expect("opens");
        // Each entry's protected "Secret note" is a hidden field: an entry of its own.
        let (fields, logins): (Vec<_>, Vec<_>) =
            vault.entries.iter().partition(|e| e.field.is_some());
        assert_eq!((logins.len(), fields.len()), (21, 21));
        assert!(logins.iter().all(|e| e.has_totp));
        let with_history = logins.iter().filter(|e| e.history.len() == 3).count();
        assert_eq!(with_history, 12);
    }
}

#[test]
fn samples_read_the_same_as_the_crate() {
    let Some(dir) = samples_dir("samples_read_the_same_as_the_crate") else {
        return;
    };
    for sample in SAMPLE_TABLE {
        let path = dir.join(sample.file);
        if !matches!(sample.expect, Logins(_)) || sample.file.ends_with(".kdb") || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let key = sample.key_file.map(|k| dir.join(k));
        assert_same_as_crate(sample.file, &bytes, sample.password, key.as_deref());
    }
}

// ---------------------------------------------------------------------------------------
// One database in every form (tests/support/keepass_writer.rs): KDBX 3.1, 4.0, 4.1, the
// XML export and KeePass 1 read alike, and the committed fixtures are what the writer makes.

#[test]
fn committed_writer_fixtures_are_what_the_generator_writes() {
    for (name, bytes) in keepass_writer::fixtures() {
        let committed = std::fs::read(fixture(name)).expect("committed fixture");
        assert!(
            committed == bytes,
            "{name} differs from the writer's output: run `cargo run --example gen_kdbx`"
        );
    }
}

/// Everything the audit uses from an entry, passwords compared through `Secret`.
type Seen = (
    String,
    Vec<String>,
    String,
    String,
    Vec<String>,
    Secret,
    bool,
    [Option<DateTime<Utc>>; 3],
    Vec<(Secret, Option<DateTime<Utc>>)>,
    (bool, bool),
);

fn seen(vault: &Vault) -> Vec<Seen> {
    vault
        .entries
        .iter()
        .map(|e| {
            (
                e.id.0.clone(),
                e.group.clone(),
                e.title.clone(),
                e.username.clone(),
                e.urls.clone(),
                e.password.clone(),
                e.has_totp,
                [e.created, e.modified, e.password_changed],
                e.history
                    .iter()
                    .map(|h| (h.password.clone(), h.retired))
                    .collect(),
                (e.excluded, e.recycled),
            )
        })
        .collect()
}

fn read_as(bytes: &[u8], format: Format, key_file: Option<&Path>) -> Vault {
    let mut ask = |_: &str| -> Result<Option<Secret>, FormatError> {
        Ok(Some(Secret::from(WRITER_PASSWORD)))
    };
    let mut options = ReadOptions {
        format: Some(format),
        key_file: key_file.map(Path::to_path_buf),
        password: &mut ask,
        include_recycled: true,
    };
    match read_bytes("same", bytes, 0, &mut options) {
        Ok(v) => v,
        Err(e) => panic!("{format}: {e}"),
    }
}

#[test]
fn the_same_database_reads_the_same_as_kdbx_31_40_41_and_xml_export() {
    let export = std::fs::read(fixture("sample-export.xml")).expect("read");
    let expected = seen(&read_as(&export, Format::KeepassXml, None));
    for name in ["kdbx31.kdbx", "kdbx40.kdbx", "kdbx41.kdbx"] {
        let bytes = std::fs::read(fixture(name)).expect("read");
        assert!(
            seen(&read_as(&bytes, Format::Kdbx, None)) == expected,
            "{name}"
        );
    }
    let key = fixture("kdbx31-keyfile-only.keyx");
    let vault = open(&fixture("kdbx31-keyfile-only.kdbx"), None, Some(&key)).expect("opens");
    assert_eq!(
        vault.entries.len(),
        5,
        "key file only (the recycled entry is skipped)"
    );

    // What the writer put in, through the rules of src/vault/keepass/mod.rs.
    let titles: Vec<&str> = expected.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        titles,
        ["Mail", "Rakuma", "Bank", "Spaced", "Forum", "Old shop"]
    );
    let day = |d: i64| DateTime::from_timestamp(keepass_writer::DAY_2020 + d * 86_400, 0);
    let mail = &expected[0];
    assert_eq!(mail.0, "00000000-0000-0000-0000-000000000001");
    assert_eq!(
        mail.4,
        ["https://mail.example.com", "https://webmail.example.com"]
    );
    // History a@1, b@3, {REF:}@3+1s, a@4, current c@5: a retired on day 5 (its newest
    // holder was replaced then), b when the reference replaced it; the reference is dropped.
    assert_eq!(mail.7, [day(0), day(5), day(5)]);
    assert!(
        mail.8
            == [
                (Secret::from("Tulip#2001"), day(5)),
                (
                    Secret::from("Tulip#2002"),
                    day(3).map(|t| t + chrono::Duration::seconds(1))
                ),
            ],
        "Mail history"
    );
    let spaced = &expected[3];
    assert_eq!(spaced.1, ["Finance"]);
    assert_eq!(spaced.3, " alice ", "usernames are byte-exact");
    assert!(
        spaced.5 == Secret::from("  pass word\t"),
        "passwords are byte-exact"
    );
    let bank = &expected[2];
    assert!(
        bank.6 && bank.9 == (true, false),
        "TOTP, QualityCheck=False"
    );
    let forum = &expected[4];
    assert_eq!(forum.1, ["Internet", "Forums"]);
    assert!(forum.0.starts_with("derived-"), "no UUID: {}", forum.0);
    assert_eq!(expected[5].9, (false, true), "recycle bin");
}

/// The ranked report (every finding but breaches) is the same whichever form is audited.
#[test]
fn the_same_database_gives_the_same_ranked_report() {
    let home = tempfile::tempdir().expect("tempdir");
    let report = |name: &str| -> serde_json::Value {
        let output = binary::credaudit(home.path())
            .env("CREDAUDIT_TEST_PW", WRITER_PASSWORD)
            .args(["audit", "--breach", "off", "-o", "json"])
            .args(["--password-env", "CREDAUDIT_TEST_PW"])
            .arg(fixture(name))
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "{name}: findings");
        let mut json: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("json report");
        for account in json["accounts"].as_array_mut().expect("accounts") {
            account["source"] = serde_json::Value::Null;
            account["sources"] = serde_json::Value::Null;
        }
        serde_json::json!({ "accounts": json["accounts"], "summary": json["summary"] })
    };
    let expected = report("sample-export.xml");
    assert!(
        expected["accounts"]
            .as_array()
            .is_some_and(|a| a.len() >= 4),
        "{expected}"
    );
    for name in ["kdbx31.kdbx", "kdbx40.kdbx", "kdbx41.kdbx"] {
        assert_eq!(report(name), expected, "{name}");
    }
}

#[test]
fn keepass1_fixture_reads_groups_and_passwords() {
    let bytes = std::fs::read(fixture("kdb1.kdb")).expect("read");
    let vault = open_bytes(&bytes, Some(WRITER_PASSWORD), None, false);
    let vault = match vault {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let got: Vec<(String, String)> = vault
        .entries
        .iter()
        .map(|e| (e.group_path(), e.title.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("Passwords".to_owned(), "Mail".to_owned()),
            ("Passwords".to_owned(), "Rakuma".to_owned()),
            ("Finance".to_owned(), "Bank".to_owned()),
            ("Finance".to_owned(), "Spaced".to_owned()),
            ("Internet/Forums".to_owned(), "Forum".to_owned()),
            ("Recycle Bin".to_owned(), "Old shop".to_owned()),
        ]
    );
    assert!(vault.entries[3].password == Secret::from("  pass word\t"));
    assert_eq!(
        vault.entries[0].id.0, "#1",
        "KeePass 1 entries get positional ids"
    );
    assert!(vault.entries.iter().all(|e| e.created.is_none()));
    assert!(matches!(
        open_bytes(&bytes, Some("wrong"), None, false),
        Err(FormatError::WrongKey)
    ));
}

/// KDBX 3.1: a header field added after saving decrypts fine; only the header hash in the
/// inner XML can tell.
#[test]
fn kdbx31_header_tampering_is_caught_by_the_header_hash() {
    let bytes = std::fs::read(fixture("kdbx31.kdbx")).expect("read");
    assert!(open_bytes(&bytes, Some(WRITER_PASSWORD), None, false).is_ok());
    let mut tampered = bytes[..12].to_vec();
    tampered.extend_from_slice(&[1, 3, 0, b'h', b'i', b'!']);
    tampered.extend_from_slice(&bytes[12..]);
    let msg = error_text(open_bytes(&tampered, Some(WRITER_PASSWORD), None, false));
    assert!(msg.starts_with("header hash mismatch"), "{msg}");
}

/// Prefixes of the KDBX 3.1 and KeePass 1 fixtures: clean one-line errors, never a panic.
#[test]
fn kdbx31_and_kdb_truncations_fail_cleanly() {
    for name in ["kdbx31.kdbx", "kdb1.kdb"] {
        let bytes = std::fs::read(fixture(name)).expect("read");
        for len in (1..bytes.len()).step_by(5) {
            let msg = error_text(open_bytes(
                &bytes[..len],
                Some(WRITER_PASSWORD),
                None,
                false,
            ));
            assert!(!msg.contains('\n'), "{name} at {len}");
            assert!(!msg.contains("could not parse"), "{name} at {len}: {msg}");
        }
    }
}
