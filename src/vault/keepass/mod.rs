//! KeePass, in every form credaudit reads: KDBX 3.1/4.x databases (decrypted by credaudit
//! itself), KeePass 1 `.kdb` databases (through the `keepass` crate), and KeePass 2 /
//! KeePassXC XML exports. All three end in one [`RawDb`] and one entry mapping, so the same
//! database reads the same entries, history and findings whichever form the user audits.
//!
//! * [`header::inspect`] walks the outer header once, with bounds checks: it refuses KDBX
//!   2.x and the KeePass 2 pre-release format with advice, caps the key-derivation cost,
//!   checks the KDBX 4 header SHA-256 and splits the HMAC block stream.
//! * [`keyfile`] reads key files and refuses damaged XML ones.
//! * [`decrypt`] derives the key once per credential attempt and decrypts (header HMAC,
//!   block HMACs or block hashes, outer cipher, gzip, inner header).
//! * [`xml::parse`] streams the KeePass XML, of a decrypted KDBX (protected values through
//!   the inner random stream, `Meta/HeaderHash` checked) or of an export (plain values).
//! * [`kdb`] reads KeePass 1 through the crate.
//!
//! Entry mapping, the same for every form:
//! * id: the entry UUID, hyphenated lowercase (`3f2504e0-4f89-11d3-9a0c-0305e82c3301`). An
//!   entry without a valid UUID gets `derived-` and 16 hex digits of a SHA-256 over its group
//!   path, title, username and URL (never its password), plus `-2`, `-3`, ... for
//!   duplicates: stable across runs, so baselines keep working. KeePass 1 entries get
//!   `#<position>` (the crate does not expose their UUIDs).
//! * group: the group names from the root down, without the root group's own name.
//! * title, username, URL, password: byte-exact, never trimmed.
//! * URLs: `URL`, then custom fields `KP2A_URL`, `KP2A_URL_<n>` and `URL_<n>` sorted by field
//!   name; blank ones and repeats are dropped.
//! * TOTP: a non-blank field `otp`, `TOTP Seed`, `TimeOtp-Secret*` or `HmacOtp-Secret*`.
//! * hidden fields: every other protected custom string (`Protected="True"` in a KDBX,
//!   `ProtectInMemory="True"` in an export) is a secret of its own: an extra entry with the
//!   parent's title, username and URLs, id `UUID/field/NAME` (see
//!   [`VaultBuilder::push_with_fields`]). OTP seeds and their settings
//!   (`TOTP Settings`, `TimeOtp-Length`, ...) are not.
//! * times: creation and last modification of the entry.
//! * excluded: `QualityCheck=False` or custom data `KnownBad=true`; recycled: anywhere under
//!   the recycle bin group.
//! * KeePass 1: meta-stream records (`Meta-Info`/`SYSTEM`/`$`) are skipped as internal; all
//!   times are unknown.
//!
//! History rule (as KeePassXC keeps it): each history item is an earlier version of the
//! entry, a full copy saved with its own `LastModificationTime`, the time that version was
//! saved. Versions are ordered by that time (file order breaking ties; KeePass appends), the
//! current entry being the newest. A password was therefore set by the oldest version of
//! the newest run of versions holding it, and retired when the next newer version was saved.
//! * `password_changed`: the save time of the oldest version in the newest run holding the
//!   current password (the entry's own modification time when no history item holds it);
//!   unknown without history.
//! * `history`: one [`PastPassword`] per distinct earlier password, newest first, without
//!   the current password, empty passwords and `{REF:` references (a reference is not a
//!   password); `retired` is the save time of the version that replaced its newest holder.
//!
//! Example: items `a@01-01, b@01-03, a@01-04`, current `c@01-05`: `a` retired 01-05, `b`
//! retired 01-04, `c` set 01-05.

mod decrypt;
mod header;
mod kdb;
mod keyfile;
mod xml;

use super::{FormatError, Limits, ReadOptions, VaultBuilder};
use crate::model::{Entry, EntryId, PastPassword, SkipReason, Timestamp};
use crate::secret::Secret;
use header::Header;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use xml::{Origin, RawDb, RawEntry, RawGroup};
use zeroize::Zeroizing;

/// What the error messages call the database when asking for its password.
const WHAT: &str = "KeePass database";

/// KDBX 3 without `Meta/HeaderHash` (KDBX 3.0, or an empty one): nothing authenticates the
/// outer header, so its protected-stream key or KDF could be altered without the password.
const UNAUTHENTICATED_HEADER: &str = "this KDBX 3 file's header is not authenticated (no \
     HeaderHash), so it could have been altered without the master password: open and save it \
     in KeePassXC to upgrade it to KDBX 4";

/// A key file's content and the length of the key it yields.
struct KeyFile {
    content: Zeroizing<Vec<u8>>,
    key_len: usize,
}

/// Opens a KeePass database (KDBX or KDB) and reads its entries into `builder`.
pub fn read(
    name: &str,
    bytes: &[u8],
    options: &mut ReadOptions<'_>,
    limits: &Limits,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let header = header::inspect(bytes, limits)?;
    let key_file = match &options.key_file {
        Some(path) => {
            let content = keyfile::load(path)?;
            let key_len = keyfile::check(&content)?;
            Some(KeyFile { content, key_len })
        }
        None => None,
    };
    let password = (options.password)(name)?;
    let is_kdb = matches!(header, Header::Kdb);
    let db = match header {
        Header::Kdb => kdb::open(bytes, password.as_ref(), key_file.as_ref())?,
        Header::Kdbx3(_) | Header::Kdbx4(_) => {
            let db = open_kdbx(&header, password.as_ref(), key_file.as_ref(), limits)?;
            if matches!(header, Header::Kdbx3(_)) && !db.header_hash_checked {
                builder.warn(UNAUTHENTICATED_HEADER.to_owned());
            }
            db
        }
    };
    map_entries(&db, is_kdb, builder);
    Ok(())
}

/// Reads a KeePass 2 / KeePassXC XML export into `builder`.
pub fn read_xml(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let db = xml::parse(bytes, Origin::Export)?;
    map_entries(&db, false, builder);
    Ok(())
}

/// Fuzzing entry points: the parsers behind the key derivation, reachable without a key.
#[doc(hidden)]
pub mod fuzzing {
    use super::{FormatError, decrypt, keyfile, xml};

    /// The inner-XML reader exactly as the KDBX path runs it, on plaintext inner XML: every
    /// `Protected="True"` value goes through a ChaCha20 inner stream with a fixed key (what a
    /// decrypted KDBX 4 payload holds) and the KDBX 3 header hash is checked against zeros.
    /// Returns the number of entries read.
    pub fn inner_xml(xml: &[u8]) -> Result<usize, FormatError> {
        let mut stream = decrypt::InnerStream::new(3, b"credaudit fuzzing inner stream key")?;
        let db = xml::parse(
            xml,
            xml::Origin::Kdbx {
                stream: &mut stream,
                header_hash: Some([0; 32]),
            },
        )?;
        Ok(db.groups.iter().map(|g| g.entries.len()).sum())
    }

    /// The key-file parser: the check, then the composite-key element, as opening does.
    /// Returns the element's length.
    pub fn key_file(bytes: &[u8]) -> Result<usize, FormatError> {
        keyfile::check(bytes)?;
        Ok(keyfile::key_element(bytes).len())
    }
}

/// The credential combinations to try, in order: (password, use the key file).
fn attempts<'a>(
    password: Option<&'a Secret>,
    key_file: Option<&KeyFile>,
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

/// KDBX 3.1/4.x: one key derivation per attempt, then the XML reader.
fn open_kdbx(
    header: &Header<'_>,
    password: Option<&Secret>,
    key_file: Option<&KeyFile>,
    limits: &Limits,
) -> Result<RawDb, FormatError> {
    let mut last = FormatError::WrongKey;
    for (pw, use_key_file) in attempts(password, key_file)? {
        let content = key_file
            .filter(|_| use_key_file)
            .map(|k| k.content.as_slice());
        let composite = decrypt::composite_key(pw, content);
        let (decrypted, header_hash) = match header {
            Header::Kdbx3(h) => (
                decrypt::decrypt_kdbx3(h, &composite, limits.max_input_bytes),
                Some(h.header_sha256),
            ),
            Header::Kdbx4(h) => (
                decrypt::decrypt_kdbx4(h, &composite, limits.max_input_bytes),
                None,
            ),
            Header::Kdb => return Err(header::corrupt("not a KDBX file")),
        };
        match decrypted {
            Ok(decrypt::Decrypted {
                payload,
                xml_start,
                mut inner,
            }) => {
                let xml = payload.get(xml_start..).unwrap_or_default();
                return xml::parse(
                    xml,
                    Origin::Kdbx {
                        stream: &mut inner,
                        header_hash,
                    },
                );
            }
            Err(FormatError::WrongKey) => last = FormatError::WrongKey,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Walks the groups depth-first (a group's entries, then its subgroups in file order).
fn map_entries(db: &RawDb, is_kdb: bool, builder: &mut VaultBuilder) {
    let is_bin = |g: &RawGroup| db.recycle_bin.is_some() && g.uuid == db.recycle_bin;
    let Some(root) = db.groups.first() else {
        return;
    };
    let mut derived_ids: HashMap<String, usize> = HashMap::new();
    let mut stack: Vec<(usize, Vec<String>, bool)> = vec![(0, Vec::new(), is_bin(root))];
    while let Some((index, path, recycled)) = stack.pop() {
        let Some(group) = db.groups.get(index) else {
            continue;
        };
        for raw in &group.entries {
            if is_kdb && is_kdb_meta_stream(raw) {
                builder.skip(SkipReason::Internal);
                continue;
            }
            let mut entry = map_entry(raw, &path, recycled, is_kdb);
            if entry.id.0.is_empty() && !is_kdb {
                entry.id = EntryId(derived_id(&entry, &mut derived_ids));
            }
            builder.push_with_fields(entry, hidden_fields(raw));
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

/// The protected custom fields of an entry, audited as secrets of their own: not the
/// standard fields (Title, UserName, Password, URL, Notes), not OTP seeds, not extra URLs.
fn hidden_fields(raw: &RawEntry) -> Vec<(String, Secret)> {
    let mut out: Vec<(String, Secret)> = Vec::new();
    for key in &raw.protected {
        if xml::is_standard_field(key)
            || xml::is_totp_key(key)
            || xml::is_otp_setting(key)
            || xml::is_extra_url(key)
            || out.iter().any(|(k, _)| k == key)
        {
            continue;
        }
        out.push((key.clone(), Secret::new(raw.field(key).to_owned())));
    }
    out
}

/// KeePass 1 keeps its own settings in entries titled `Meta-Info`, user `SYSTEM`, URL `$`.
fn is_kdb_meta_stream(raw: &RawEntry) -> bool {
    raw.field("Title") == "Meta-Info"
        && raw.field("UserName") == "SYSTEM"
        && raw.field("URL") == "$"
}

/// A stable id for an entry without a UUID: from its group path, title, username and URL
/// (never its password), numbered when several entries share them.
fn derived_id(entry: &Entry, seen: &mut HashMap<String, usize>) -> String {
    let mut hasher = Sha256::new();
    for part in entry.group.iter().chain([&entry.title, &entry.username]) {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hasher.update(entry.urls.first().map_or("", String::as_str).as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let id = format!("derived-{hex}");
    let count = seen.entry(id.clone()).or_default();
    *count += 1;
    if *count == 1 {
        id
    } else {
        format!("{id}-{count}")
    }
}

fn map_entry(raw: &RawEntry, group: &[String], recycled: bool, is_kdb: bool) -> Entry {
    let url = raw.field("URL");
    let password = raw.field("Password");

    let mut urls: Vec<String> = Vec::new();
    if !url.trim().is_empty() {
        urls.push(url.to_owned());
    }
    let mut extra: Vec<(&str, &str)> = raw
        .fields
        .iter()
        .filter(|(k, v)| xml::is_extra_url(k) && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    extra.sort_unstable();
    for (_, v) in extra {
        if !urls.iter().any(|u| u == v) {
            urls.push(v.to_owned());
        }
    }

    let has_totp = raw
        .fields
        .iter()
        .any(|(k, v)| xml::is_totp_key(k) && !v.trim().is_empty());

    let (created, modified, password_changed, history) = if is_kdb {
        (None, None, None, Vec::new())
    } else {
        let (changed, history) = history_of(raw, password);
        (raw.created, raw.modified, changed, history)
    };

    Entry {
        id: EntryId(raw.id.clone()),
        source: 0,
        group: group.to_vec(),
        title: raw.field("Title").to_owned(),
        username: raw.field("UserName").to_owned(),
        urls,
        password: Secret::new(password.to_owned()),
        has_totp,
        created,
        modified,
        password_changed,
        history,
        excluded: !raw.quality_check || raw.known_bad,
        recycled,
        field: None,
        host_cache: Default::default(),
    }
}

/// The history rule of the module doc: when the current password was set, and the earlier
/// passwords, newest first.
fn history_of(entry: &RawEntry, current: &str) -> (Option<Timestamp>, Vec<PastPassword>) {
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

    let mut set_at = entry.modified;
    let mut in_current_run = true;
    let mut newer_time = entry.modified;
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
    use chrono::DateTime;

    fn version(pw: &str, day: i64) -> RawEntry {
        RawEntry {
            fields: vec![("Password".to_owned(), Zeroizing::new(pw.to_owned()))],
            modified: DateTime::from_timestamp(day * 86_400, 0),
            ..RawEntry::new()
        }
    }

    /// The example of the module doc (issue 9): both origins used to disagree on it.
    #[test]
    fn history_rule_retires_at_the_next_version() {
        let t = |d: i64| DateTime::from_timestamp(d * 86_400, 0);
        fn retired(past: &[PastPassword]) -> Vec<(&str, Option<Timestamp>)> {
            past.iter()
                .map(|p| (p.password.expose(), p.retired))
                .collect()
        }
        let mut entry = version("c", 5);
        entry.history = vec![version("a", 1), version("b", 3), version("a", 4)];
        let (changed, past) = history_of(&entry, "c");
        assert_eq!(changed, t(5));
        let got = retired(&past);
        assert_eq!(got, [("a", t(5)), ("b", t(4))]);

        // Versions out of file order, the current password set by the oldest of its run,
        // references dropped.
        let mut entry = version("c", 9);
        entry.history = vec![
            version("c", 6),
            version("a", 1),
            version("{REF:P@I:0011}", 2),
            version("c", 7),
        ];
        let (changed, past) = history_of(&entry, "c");
        assert_eq!(changed, t(6));
        let got = retired(&past);
        assert_eq!(got, [("a", t(2))]);
        let (changed, past) = history_of(&version("c", 9), "c");
        assert!(changed.is_none() && past.is_empty(), "no history: unknown");
    }
}
