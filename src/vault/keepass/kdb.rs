//! KeePass 1 (`.kdb`) through the `keepass` crate, behind `catch_unwind`, into the same
//! [`RawDb`] as KDBX. The crate does not expose KeePass 1 UUIDs or times (it fills in "now"),
//! so entries get positional ids and unknown times.

use super::header::corrupt;
use super::xml::{RawDb, RawEntry, RawGroup, is_used_field};
use super::{KeyFile, WHAT, attempts};
use crate::secret::Secret;
use crate::vault::FormatError;
use keepass::db::{CustomDataValue, GroupId};
use keepass::error::{CryptographyError, DatabaseFormatError, DatabaseKeyError, DatabaseOpenError};
use keepass::{Database, DatabaseKey};
use zeroize::Zeroizing;

/// Opens a KeePass 1 database, trying the credential combinations in order.
pub(super) fn open(
    bytes: &[u8],
    password: Option<&Secret>,
    key_file: Option<&KeyFile>,
) -> Result<RawDb, FormatError> {
    open_database(bytes, password, key_file).map(|db| raw_from_crate(&db))
}

fn open_database(
    bytes: &[u8],
    password: Option<&Secret>,
    key_file: Option<&KeyFile>,
) -> Result<Database, FormatError> {
    let mut last = FormatError::WrongKey;
    for (pw, use_key_file) in attempts(password, key_file)? {
        let key_file = key_file.filter(|_| use_key_file);
        if pw.is_none() && key_file.is_some_and(|k| k.key_len != 32) {
            // The crate would panic on a key-file-only KeePass 1 key that is not 32 bytes.
            last = FormatError::BadKeyFile(
                "this XML key file does not hold a 32-byte key, which a KeePass 1 database needs"
                    .to_owned(),
            );
            continue;
        }
        let mut key = DatabaseKey::new();
        if let Some(pw) = pw {
            key = key.with_password(pw.expose());
        }
        if let Some(key_file) = key_file {
            key = key
                .with_keyfile(&mut key_file.content.as_slice())
                .map_err(|e| FormatError::BadKeyFile(e.to_string()))?;
        }
        match open_once(bytes, key) {
            Ok(db) => return Ok(db),
            Err(FormatError::WrongKey) => last = FormatError::WrongKey,
            Err(e) => return Err(e),
        }
    }
    if key_file.is_none()
        && let Some(pw) = password
        && let Some(db) = open_kdb_with_cp1252(bytes, pw)
    {
        return Ok(db);
    }
    Err(last)
}

/// KeePass 1 hashed the master password in the Windows code page, usually CP-1252; the crate
/// hashes UTF-8. For a non-ASCII password, retry with the CP-1252 bytes. The crate takes only
/// `&str` passwords, but a KeePass 1 key made of one 32-byte element is used as is, and a
/// 32-byte key file is that element: so pass SHA-256(CP-1252 bytes) as a key file.
fn open_kdb_with_cp1252(bytes: &[u8], password: &Secret) -> Option<Database> {
    use sha2::{Digest, Sha256};
    if password.expose().is_ascii() {
        return None;
    }
    let encoded = Zeroizing::new(cp1252(password.expose())?);
    let mut element = Zeroizing::new([0u8; 32]);
    element.copy_from_slice(&Sha256::digest(encoded.as_slice()));
    let key = DatabaseKey::new()
        .with_keyfile(&mut element.as_slice())
        .ok()?;
    open_once(bytes, key).ok()
}

/// Windows-1252 code points 0x80..=0x9F (the undefined ones map to the C1 controls).
const CP1252_HIGH: [char; 32] = [
    '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
];

/// Encodes in Windows-1252; `None` when a character has no CP-1252 byte.
fn cp1252(s: &str) -> Option<Vec<u8>> {
    s.chars()
        .map(|c| match u32::from(c) {
            u @ (0..=0x7f | 0xa0..=0xff) => u8::try_from(u).ok(),
            _ => CP1252_HIGH
                .iter()
                .position(|&h| h == c)
                .and_then(|i| u8::try_from(0x80 + i).ok()),
        })
        .collect()
}

/// One attempt with one key (KeePass 1). The crate is called behind `catch_unwind`: the
/// header checks remove the panics known in 0.17, this keeps any other from taking the
/// process down.
fn open_once(bytes: &[u8], key: DatabaseKey) -> Result<Database, FormatError> {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Database::parse(bytes, key).map_err(map_open_error)
    }));
    attempt.unwrap_or_else(|_| Err(corrupt("the KeePass library could not parse it")))
}

/// Maps the crate's errors for a KeePass 1 file to one clear line. Crate messages that might
/// quote decrypted content are not passed on.
fn map_open_error(error: DatabaseOpenError) -> FormatError {
    match error {
        DatabaseOpenError::Key(DatabaseKeyError::IncorrectKey) => FormatError::WrongKey,
        DatabaseOpenError::Key(DatabaseKeyError::EmptyKey) => FormatError::PasswordRequired(WHAT),
        DatabaseOpenError::Key(e) => FormatError::BadKeyFile(e.to_string()),
        // KeePass 1 has no key check before decryption: the payload length was checked, so
        // bad padding means the key decrypted garbage.
        DatabaseOpenError::Cryptography(CryptographyError::InvalidPadding(_)) => {
            FormatError::WrongKey
        }
        DatabaseOpenError::Cryptography(_) => corrupt("decryption failed"),
        DatabaseOpenError::UnexpectedEof | DatabaseOpenError::Io(_) => corrupt("cut short"),
        DatabaseOpenError::VersionParse(e) => corrupt(&e.to_string()),
        DatabaseOpenError::UnsupportedVersion => {
            FormatError::Unsupported("unsupported KeePass database version".to_owned())
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdb(e)) => {
            corrupt(&format!("KeePass 1 content: {e}"))
        }
        _ => corrupt("unreadable content"),
    }
}

/// KeePass 1: the crate's tree as [`RawDb`] (no UUIDs, no times, no history).
fn raw_from_crate(db: &Database) -> RawDb {
    let mut raw = RawDb::default();
    let bin = db.recycle_bin().map(|g| g.id());
    let mut stack: Vec<(GroupId, usize)> = vec![(db.root().id(), 0)];
    while let Some((gid, index)) = stack.pop() {
        let Some(group) = db.group(gid) else {
            continue;
        };
        let entries: Vec<RawEntry> = group
            .entry_ids()
            .filter_map(|eid| db.entry(eid))
            .map(|entry| {
                let mut fields: Vec<(String, Zeroizing<String>)> = entry
                    .fields
                    .iter()
                    .filter(|(k, _)| is_used_field(k))
                    .map(|(k, v)| (k.clone(), Zeroizing::new(v.get().clone())))
                    .collect();
                fields.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                RawEntry {
                    quality_check: entry.quality_check,
                    known_bad: known_bad(&entry),
                    fields,
                    ..RawEntry::new()
                }
            })
            .collect();
        let mut children = Vec::new();
        for sid in group.group_ids() {
            if let Some(sub) = db.group(sid) {
                let sub_index = raw.groups.len();
                raw.groups.push(RawGroup::named(sub.name.clone()));
                children.push(sub_index);
                stack.push((sid, sub_index));
            }
        }
        if let Some(g) = raw.groups.get_mut(index) {
            g.entries = entries;
            g.groups = children;
            if bin == Some(gid) {
                g.uuid = Some([0xff; 16]);
                raw.recycle_bin = Some([0xff; 16]);
            }
        }
    }
    raw
}

/// Legacy KeePassXC custom data `KnownBad=true`. The crate reads every custom data value
/// that happens to be valid base64 as binary, and "true" is valid base64: re-encode it.
fn known_bad(entry: &keepass::db::Entry) -> bool {
    use base64::Engine as _;
    entry
        .custom_data
        .get("KnownBad")
        .and_then(|item| item.value.as_ref())
        .is_some_and(|value| match value {
            CustomDataValue::String(s) => s.trim().eq_ignore_ascii_case("true"),
            CustomDataValue::Binary(b) => base64::engine::general_purpose::STANDARD
                .encode(b)
                .eq_ignore_ascii_case("true"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_encoding() {
        assert_eq!(
            cp1252("\u{201e}pw\u{201d} \u{e9}\u{20ac}"),
            Some(vec![0x84, b'p', b'w', 0x94, b' ', 0xe9, 0x80])
        );
        assert_eq!(cp1252("\u{3a9}"), None);
    }

    #[test]
    fn no_credentials_asks_for_a_password() {
        let r = open(b"", None, None);
        assert!(matches!(r, Err(FormatError::PasswordRequired(_))));
    }
}
