//! KeePass databases: KDBX 3.1/4.x decrypted and parsed by credaudit itself, KeePass 1
//! (KDB) through the `keepass` crate, plus the integrity checks the crate skips.
//!
//! * Before anything else, [`header::inspect`] walks the outer header with bounds checks,
//!   refuses KDBX 2.x and the KeePass 2 pre-release format with advice, and checks the
//!   KDBX 4 header SHA-256.
//! * Key files are checked by [`keyfile::check`]: XML v2 `Hash` attributes, undecodable
//!   hex/base64.
//! * KDBX: [`decrypt`] derives the key once per credential attempt and decrypts (header
//!   HMAC, block HMACs or block hashes, outer cipher, gzip, inner header), then
//!   [`inner::parse`] streams the inner XML, decrypting protected values with the inner
//!   random stream and checking the KDBX 3 `Meta/HeaderHash`. The crate's serde XML model
//!   was 10x slower than decryption and KDBX 3 needed a second decryption for the header
//!   hash; see BENCHMARKS.md, section 3.
//! * KDB: `keepass::Database::parse`, behind `catch_unwind`.
//!
//! Entry mapping:
//! * id: the entry UUID, hyphenated lowercase (`3f2504e0-4f89-11d3-9a0c-0305e82c3301`);
//!   KeePass 1 files get `#<position>` (the crate does not expose their UUIDs).
//! * group: the group names from the root down, without the root group's own name.
//! * URLs: `URL`, then custom fields `KP2A_URL*` and `URL_*` (sorted by field name).
//! * TOTP: fields `otp`, `TOTP Seed`, `TimeOtp-Secret*`, `HmacOtp-Secret*`.
//! * times: creation, last modification; `password_changed` is the save time of the oldest
//!   version (current or history) in the newest run of versions holding the current
//!   password, i.e. when it was set, and only when the entry has history.
//! * history: one [`PastPassword`] per distinct earlier password, newest first, without the
//!   current password; `retired` is the save time of the version that replaced it.
//! * excluded: `QualityCheck=False` or custom data `KnownBad=true`; recycled: anywhere under
//!   the recycle bin group.
//! * KeePass 1: meta-stream records (`Meta-Info`/`SYSTEM`/`$`) are skipped as internal; the
//!   crate does not read KeePass 1 times (it fills in "now"), so all times are unknown.

mod decrypt;
mod header;
mod inner;
mod keyfile;

use super::{FormatError, ReadOptions, VaultBuilder};
use crate::model::{Entry, EntryId, Format, PastPassword, SkipReason, Timestamp};
use crate::secret::Secret;
use header::{Kind, corrupt};
use inner::{RawDb, RawEntry, RawGroup};
use keepass::db::{CustomDataValue, GroupId};
use keepass::error::{
    BlockStreamError, CryptographyError, DatabaseFormatError, DatabaseKeyError, DatabaseOpenError,
    Kdbx3OpenError, Kdbx4OpenError,
};
use keepass::{Database, DatabaseKey};
use zeroize::Zeroizing;

/// What the error messages call the database when asking for its password.
const WHAT: &str = "KeePass database";

/// Opens a KeePass database and reads its entries into `builder`.
pub fn read(
    name: &str,
    bytes: &[u8],
    format: Format,
    options: &mut ReadOptions<'_>,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let _ = format; // the header decides between KDB and KDBX
    let kind = header::inspect(bytes)?;
    let key_file = match &options.key_file {
        Some(path) => {
            let content = keyfile::load(path)?;
            let key_len = keyfile::check(&content)?;
            Some((content, key_len))
        }
        None => None,
    };
    let password = (options.password)(name)?;
    let db = if kind == Kind::Kdb {
        let db = open_with(kind, bytes, password.as_ref(), key_file.as_ref())?;
        raw_from_crate(&db)
    } else {
        open_kdbx(kind, bytes, password.as_ref(), key_file.as_ref())?
    };
    map_entries(&db, kind == Kind::Kdb, builder);
    Ok(())
}

/// The credential combinations to try, in order: (password, use the key file).
fn attempts<'a>(
    password: Option<&'a Secret>,
    key_file: Option<&(Zeroizing<Vec<u8>>, usize)>,
) -> Result<Vec<(Option<&'a Secret>, bool)>, FormatError> {
    Ok(match (password, key_file) {
        (None, None) => return Err(FormatError::PasswordRequired(WHAT)),
        (Some(pw), None) => vec![(Some(pw), false)],
        (None, Some(_)) => vec![(None, true)],
        // An empty answer at the prompt next to a key file most likely means "no password";
        // an empty master password is possible too, so try both.
        (Some(pw), Some(_)) if pw.is_empty() => vec![(None, true), (Some(pw), true)],
        (Some(pw), Some(_)) => vec![(Some(pw), true)],
    })
}

/// KDBX 3.1/4.x with credaudit's own decryption: one key derivation per attempt.
fn open_kdbx(
    kind: Kind,
    bytes: &[u8],
    password: Option<&Secret>,
    key_file: Option<&(Zeroizing<Vec<u8>>, usize)>,
) -> Result<RawDb, FormatError> {
    let mut last = FormatError::WrongKey;
    for (pw, use_key_file) in attempts(password, key_file)? {
        let content = key_file
            .filter(|_| use_key_file)
            .map(|(content, _)| content.as_slice());
        let composite = decrypt::composite_key(pw, content);
        match decrypt::decrypt(bytes, kind, &composite) {
            Ok(decrypted) => {
                let decrypt::Decrypted {
                    payload,
                    xml_start,
                    mut inner,
                    kdbx3_header_hash,
                } = decrypted;
                let xml = payload.get(xml_start..).unwrap_or_default();
                return inner::parse(xml, &mut inner, kdbx3_header_hash);
            }
            Err(FormatError::WrongKey) => last = FormatError::WrongKey,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// KeePass 1 through the crate: the credential combinations to try, in order.
fn open_with(
    kind: Kind,
    bytes: &[u8],
    password: Option<&Secret>,
    key_file: Option<&(Zeroizing<Vec<u8>>, usize)>,
) -> Result<Database, FormatError> {
    let mut last = FormatError::WrongKey;
    for (pw, use_key_file) in attempts(password, key_file)? {
        let key_file = key_file.filter(|_| use_key_file);
        if kind == Kind::Kdb
            && pw.is_none()
            && let Some((_, key_len)) = key_file
            && *key_len != 32
        {
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
        if let Some((content, _)) = key_file {
            key = key
                .with_keyfile(&mut content.as_slice())
                .map_err(|e| FormatError::BadKeyFile(e.to_string()))?;
        }
        match open_once(kind, bytes, key) {
            Ok(db) => return Ok(db),
            Err(FormatError::WrongKey) => last = FormatError::WrongKey,
            Err(e) => return Err(e),
        }
    }
    if kind == Kind::Kdb
        && key_file.is_none()
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
    open_once(Kind::Kdb, bytes, key).ok()
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
fn open_once(kind: Kind, bytes: &[u8], key: DatabaseKey) -> Result<Database, FormatError> {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Database::parse(bytes, key).map_err(|e| map_open_error(kind, e))
    }));
    attempt.unwrap_or_else(|_| Err(corrupt("the KeePass library could not parse it")))
}

/// Maps the crate's errors to one clear line. Crate messages that might quote decrypted
/// content (XML errors) are not passed on.
fn map_open_error(kind: Kind, error: DatabaseOpenError) -> FormatError {
    match error {
        DatabaseOpenError::Key(DatabaseKeyError::IncorrectKey) => FormatError::WrongKey,
        DatabaseOpenError::Key(DatabaseKeyError::EmptyKey) => FormatError::PasswordRequired(WHAT),
        DatabaseOpenError::Key(e) => FormatError::BadKeyFile(e.to_string()),
        // KDBX 3 and KeePass 1 have no key check before decryption: the payload length was
        // checked, so bad padding means the key decrypted garbage.
        DatabaseOpenError::Cryptography(CryptographyError::InvalidPadding(_))
            if kind != Kind::Kdbx4 =>
        {
            FormatError::WrongKey
        }
        DatabaseOpenError::Cryptography(CryptographyError::Argon2(e)) => {
            corrupt(&format!("invalid key derivation parameters ({e})"))
        }
        DatabaseOpenError::Cryptography(_) => corrupt("decryption failed"),
        DatabaseOpenError::UnexpectedEof | DatabaseOpenError::Io(_) => corrupt("cut short"),
        DatabaseOpenError::VersionParse(e) => corrupt(&e.to_string()),
        DatabaseOpenError::UnsupportedVersion => {
            FormatError::Unsupported("unsupported KeePass database version".to_owned())
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx3(
            Kdbx3OpenError::BlockHashMismatch(i),
        )) => FormatError::Invalid(format!(
            "block hash mismatch at block {i}: the file was tampered with or corrupted"
        )),
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(
            Kdbx4OpenError::HeaderHashMismatch,
        )) => FormatError::Invalid(
            "header hash mismatch: the file was tampered with or corrupted".to_owned(),
        ),
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(Kdbx4OpenError::BlockStream(
            BlockStreamError::BlockHashMismatch { block_index },
        ))) => FormatError::Invalid(format!(
            "block HMAC mismatch at block {block_index}: the file was tampered with or corrupted"
        )),
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx3(Kdbx3OpenError::Xml(_)))
        | DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(Kdbx4OpenError::Xml(_))) => {
            corrupt("the decrypted XML is malformed")
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx3(Kdbx3OpenError::OuterHeader(e))) => {
            corrupt(&e.to_string())
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(Kdbx4OpenError::OuterHeader(e))) => {
            corrupt(&e.to_string())
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(Kdbx4OpenError::InnerHeader(e))) => {
            corrupt(&format!("inner header: {e}"))
        }
        DatabaseOpenError::Format(DatabaseFormatError::Kdbx4(Kdbx4OpenError::BlockStream(_))) => {
            corrupt("block stream cut short")
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
                    .filter(|(k, _)| inner::is_used_field(k))
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
                raw.groups.push(RawGroup {
                    uuid: None,
                    name: sub.name.clone(),
                    entries: Vec::new(),
                    groups: Vec::new(),
                });
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

/// Walks the groups depth-first (a group's entries, then its subgroups in file order).
fn map_entries(db: &RawDb, is_kdb: bool, builder: &mut VaultBuilder) {
    let is_bin = |g: &RawGroup| db.recycle_bin.is_some() && g.uuid == db.recycle_bin;
    let Some(root) = db.groups.first() else {
        return;
    };
    let mut stack: Vec<(usize, Vec<String>, bool)> = vec![(0, Vec::new(), is_bin(root))];
    while let Some((index, path, recycled)) = stack.pop() {
        let Some(group) = db.groups.get(index) else {
            continue;
        };
        for entry in &group.entries {
            map_entry(entry, &path, recycled, is_kdb, builder);
        }
        for &sid in group.groups.iter().rev() {
            if let Some(sub) = db.groups.get(sid) {
                let mut sub_path = path.clone();
                sub_path.push(sub.name.clone());
                stack.push((sid, sub_path, recycled || is_bin(sub)));
            }
        }
    }
}

fn map_entry(
    entry: &RawEntry,
    group: &[String],
    recycled: bool,
    is_kdb: bool,
    builder: &mut VaultBuilder,
) {
    let title = entry.field("Title");
    let username = entry.field("UserName");
    let url = entry.field("URL");
    let password = entry.field("Password");
    if is_kdb && title == "Meta-Info" && username == "SYSTEM" && url == "$" {
        builder.skip(SkipReason::Internal);
        return;
    }

    let mut urls: Vec<String> = Vec::new();
    if !url.trim().is_empty() {
        urls.push(url.to_owned());
    }
    let mut extra: Vec<(&str, &str)> = entry
        .fields
        .iter()
        .filter(|(k, _)| k.starts_with("KP2A_URL") || k.starts_with("URL_"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    extra.sort_unstable();
    for (_, v) in extra {
        if !urls.iter().any(|u| u == v) {
            urls.push(v.to_owned());
        }
    }

    let has_totp = entry.fields.iter().any(|(k, v)| {
        (k == "otp"
            || k == "TOTP Seed"
            || k.starts_with("TimeOtp-Secret")
            || k.starts_with("HmacOtp-Secret"))
            && !v.trim().is_empty()
    });

    let excluded = !entry.quality_check || entry.known_bad;

    let (created, modified, password_changed, history) = if is_kdb {
        (None, None, None, Vec::new())
    } else {
        let (changed, history) = history_of(entry, password, entry.modified);
        (entry.created, entry.modified, changed, history)
    };

    builder.push(Entry {
        id: EntryId(entry.id.clone()),
        source: 0,
        group: group.to_vec(),
        title: title.to_owned(),
        username: username.to_owned(),
        urls,
        password: Secret::new(password.to_owned()),
        has_totp,
        created,
        modified,
        password_changed,
        history,
        excluded,
        recycled,
    });
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

/// From the history versions: when the current password was set, and the earlier
/// passwords, newest first.
fn history_of(
    entry: &RawEntry,
    current: &str,
    modified: Option<Timestamp>,
) -> (Option<Timestamp>, Vec<PastPassword>) {
    let items = &entry.history;
    if items.is_empty() {
        return (None, Vec::new());
    }
    // Newest first: by last modification, file order breaking ties (KeePass appends).
    let mut order: Vec<(Option<Timestamp>, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, e)| (e.modified, i))
        .collect();
    order.sort_unstable_by(|a, b| b.cmp(a));

    let mut set_at = modified;
    let mut in_current_run = true;
    let mut newer_time = modified;
    let mut seen: Vec<&str> = Vec::new();
    let mut past = Vec::new();
    for (time, i) in order {
        let Some(version) = items.get(i) else {
            continue;
        };
        let pw = version.field("Password");
        if pw == current {
            if in_current_run {
                set_at = time;
            }
        } else {
            in_current_run = false;
            if !pw.is_empty() && !seen.contains(&pw) && !super::is_reference(pw) {
                seen.push(pw);
                past.push(PastPassword {
                    password: Secret::new(pw.to_owned()),
                    retired: newer_time.or(time),
                });
            }
        }
        newer_time = time;
    }
    (set_at, past)
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
        let r = open_with(Kind::Kdbx4, b"", None, None);
        assert!(matches!(r, Err(FormatError::PasswordRequired(_))));
    }
}
