//! The one reader of the KeePass XML schema: the inner XML of a decrypted KDBX and the XML
//! export of KeePass 2 / KeePassXC are the same document, read by the same streaming parser
//! (quick-xml events, no serde) into the same [`RawDb`].
//!
//! It keeps only what the entry mapping needs (group tree and names, recycle bin, entry
//! UUIDs, the fields that matter, times, `QualityCheck`, custom data `KnownBad`, history).
//! The only difference between the two origins is [`Origin`]:
//! * a KDBX payload: every `Protected="True"` value, wherever it is (Meta binaries, custom
//!   fields, history copies), is base64 XORed with the inner random stream, one keystream
//!   over the whole document in document order, as KeePass writes it; the KDBX 3
//!   `Meta/HeaderHash` is checked;
//! * an export: values are plain text (`ProtectInMemory="True"` is only a hint); a
//!   `Protected="True"` value is encrypted KDBX content without its key, so it is refused.
//!
//! Values are byte-exact: passwords, usernames, URLs, titles, field keys and group names are
//! never trimmed (`<Key> Password </Key>` is a custom field, as in KeePassXC). Only typed
//! values (UUIDs, times, booleans, base64) are read without surrounding whitespace. Within a
//! `<String>`, `<Value>` may come before `<Key>`.

use super::decrypt::InnerStream;
use super::header::corrupt;
use crate::model::Timestamp;
use crate::vault::FormatError;
use crate::vault::detect::{keepassx_legacy, strip_bom};
use base64::Engine as _;
use chrono::{DateTime, NaiveDateTime, Utc};
use quick_xml::events::{BytesStart, Event};
use zeroize::Zeroizing;

/// Seconds from 0001-01-01T00:00:00Z (the .NET epoch KDBX 4 uses) to the Unix epoch.
const DOTNET_EPOCH_OFFSET: i64 = 62_135_596_800;
/// Deeper nesting than any KeePass document has.
const MAX_DEPTH: usize = 512;

/// Where the XML comes from.
pub(crate) enum Origin<'s> {
    /// The decrypted payload of a KDBX file.
    Kdbx {
        stream: &'s mut InnerStream,
        /// KDBX 3: the SHA-256 of the outer header, compared with a non-empty
        /// `Meta/HeaderHash` (KeePassXC skips an empty one too).
        header_hash: Option<[u8; 32]>,
    },
    /// A KeePass 2 / KeePassXC XML export.
    Export,
}

/// One entry (or history copy) as far as the mapping needs it.
#[derive(Default)]
pub(crate) struct RawEntry {
    /// Hyphenated lowercase UUID; empty when absent or invalid (the mapping derives one).
    pub id: String,
    /// Fields that matter, in file order (a later duplicate wins).
    pub fields: Vec<(String, Zeroizing<String>)>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub quality_check: bool,
    pub known_bad: bool,
    /// History copies in file order.
    pub history: Vec<RawEntry>,
    /// Keys of the fields whose value is protected (`Protected="True"` in a KDBX,
    /// `ProtectInMemory="True"` in an export), in file order; their values are in `fields`.
    pub protected: Vec<String>,
}

impl RawEntry {
    pub(crate) fn new() -> Self {
        Self {
            quality_check: true,
            ..Self::default()
        }
    }

    /// A field's value, `""` when absent.
    pub(crate) fn field(&self, key: &str) -> &str {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Whether the mapping reads this field (others are dropped while parsing).
pub(crate) fn is_used_field(key: &str) -> bool {
    matches!(key, "Title" | "UserName" | "URL" | "Password")
        || is_extra_url(key)
        || is_totp_key(key)
}

/// The fields every KeePass entry has: never a hidden field of its own, protected or not.
pub(crate) fn is_standard_field(key: &str) -> bool {
    matches!(key, "Title" | "UserName" | "Password" | "URL" | "Notes")
}

/// `KP2A_URL`, `KP2A_URL_1`, ... and KeePassXC's `URL_1`, ...
pub(crate) fn is_extra_url(key: &str) -> bool {
    let numbered = |rest: &str| {
        rest.strip_prefix('_')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    key == "KP2A_URL"
        || key.strip_prefix("KP2A_URL").is_some_and(numbered)
        || key.strip_prefix("URL").is_some_and(numbered)
}

/// KeePassXC `otp`, legacy `TOTP Seed`, KeePass 2.47+ `TimeOtp-Secret*` / `HmacOtp-Secret*`.
pub(crate) fn is_totp_key(key: &str) -> bool {
    key == "otp"
        || key == "TOTP Seed"
        || key.starts_with("TimeOtp-Secret")
        || key.starts_with("HmacOtp-Secret")
}

/// The settings that go with an OTP seed (`TOTP Settings`, `TimeOtp-Period`, `HmacOtp-Counter`,
/// ...): not secrets of their own.
pub(crate) fn is_otp_setting(key: &str) -> bool {
    key == "TOTP Settings" || key.starts_with("TimeOtp-") || key.starts_with("HmacOtp-")
}

/// One group; `groups` index [`RawDb::groups`].
pub(crate) struct RawGroup {
    pub uuid: Option<[u8; 16]>,
    pub name: String,
    pub entries: Vec<RawEntry>,
    pub groups: Vec<usize>,
}

impl RawGroup {
    pub(crate) fn named(name: String) -> Self {
        Self {
            uuid: None,
            name,
            entries: Vec::new(),
            groups: Vec::new(),
        }
    }
}

/// The group tree; `groups[0]` is the root group.
pub(crate) struct RawDb {
    pub groups: Vec<RawGroup>,
    pub recycle_bin: Option<[u8; 16]>,
    /// Whether a non-empty KDBX 3 `Meta/HeaderHash` matched the outer header.
    pub header_hash_checked: bool,
}

/// The root group name is never shown; a database without one has no entries.
impl Default for RawDb {
    fn default() -> Self {
        Self {
            groups: vec![RawGroup::named(String::new())],
            recycle_bin: None,
            header_hash_checked: false,
        }
    }
}

fn header_hash_mismatch() -> FormatError {
    FormatError::Invalid("header hash mismatch: the file was tampered with or corrupted".to_owned())
}

fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(xml_trim(text).as_bytes())
        .ok()?;
    raw.as_slice().try_into().ok()
}

/// `00112233-4455-6677-8899-aabbccddeeff`.
fn hyphenated(u: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        for nibble in [b >> 4, b & 0x0f] {
            s.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    s
}

/// ISO-8601 (`2010-08-25T16:19:25Z`, KDBX 3 and KeePass exports) or base64 of an int64 LE
/// count of seconds since 0001-01-01 (KDBX 4, and KeePassXC's export of a KDBX 4 database).
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = xml_trim(s);
    if s.len() == 12 && s.ends_with('=') {
        let mut raw = [0u8; 9];
        if let Ok(8) = base64::engine::general_purpose::STANDARD.decode_slice(s, &mut raw)
            && let Some(secs) = raw
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .map(i64::from_le_bytes)
                .and_then(|n| n.checked_sub(DOTNET_EPOCH_OFFSET))
        {
            return DateTime::from_timestamp(secs, 0);
        }
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|n| n.and_utc())
}

/// KeePassXC's booleans: `True`/`true`/`1` and `False`/`false`/`0`.
fn is_false(s: &str) -> bool {
    let s = xml_trim(s);
    s.eq_ignore_ascii_case("false") || s == "0"
}

fn is_true(s: &str) -> bool {
    let s = xml_trim(s);
    s.eq_ignore_ascii_case("true") || s == "1"
}

/// XML whitespace, the only thing stripped, and only from typed values.
fn xml_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// A parse error of an export as one line, without any text content of the file.
fn export_xml_error(e: &quick_xml::Error, pos: u64) -> FormatError {
    use quick_xml::Error as E;
    use quick_xml::errors::IllFormedError as I;
    let what = match e {
        E::Syntax(s) => s.to_string(),
        E::IllFormed(I::MismatchedEndTag { .. } | I::UnmatchedEndTag(_)) => {
            "mismatched closing tag".to_owned()
        }
        E::IllFormed(_) => "ill-formed document".to_owned(),
        E::Encoding(_) => "text is not valid UTF-8".to_owned(),
        E::Escape(_) => "invalid character or entity reference".to_owned(),
        _ => "unreadable document".to_owned(),
    };
    FormatError::Invalid(format!("malformed XML at byte {pos}: {what}"))
}

fn resolve_entity(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    let name: &str = r;
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    KeePassFile,
    Meta,
    HeaderHash,
    RecycleBinUuid,
    Root,
    Group,
    Entry,
    History,
    Uuid,
    Name,
    String,
    Key,
    Value,
    Times,
    CreationTime,
    LastModificationTime,
    QualityCheck,
    CustomData,
    Item,
    Other,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "KeePassFile" => Tag::KeePassFile,
            "Meta" => Tag::Meta,
            "HeaderHash" => Tag::HeaderHash,
            "RecycleBinUUID" => Tag::RecycleBinUuid,
            "Root" => Tag::Root,
            "Group" => Tag::Group,
            "Entry" => Tag::Entry,
            "History" => Tag::History,
            "UUID" => Tag::Uuid,
            "Name" => Tag::Name,
            "String" => Tag::String,
            "Key" => Tag::Key,
            "Value" => Tag::Value,
            "Times" => Tag::Times,
            "CreationTime" => Tag::CreationTime,
            "LastModificationTime" => Tag::LastModificationTime,
            "QualityCheck" => Tag::QualityCheck,
            "CustomData" => Tag::CustomData,
            "Item" => Tag::Item,
            _ => Tag::Other,
        }
    }

    /// Unprotected text is only kept for the elements read in [`Parser::end`].
    fn has_used_text(self) -> bool {
        matches!(
            self,
            Tag::HeaderHash
                | Tag::RecycleBinUuid
                | Tag::Uuid
                | Tag::Name
                | Tag::Key
                | Tag::Value
                | Tag::CreationTime
                | Tag::LastModificationTime
                | Tag::QualityCheck
        )
    }
}

/// The `<String>` being read: its key and value, in whichever order they come (the key
/// buffer is reused from one string to the next).
#[derive(Default)]
struct OpenString {
    key: Zeroizing<String>,
    has_key: bool,
    value: Option<Zeroizing<String>>,
    /// The value is `Protected="True"` (KDBX) or `ProtectInMemory="True"` (export): the
    /// user marked the field as a secret.
    hidden: bool,
}

struct Parser<'s> {
    origin: Origin<'s>,
    stack: Vec<Tag>,
    /// Whether the innermost open element is `Protected="True"`.
    protected: bool,
    /// Whether the open `String/Value` belongs to a field that is not read.
    skip_value: bool,
    /// Text of the innermost element (reused buffer).
    text: Zeroizing<String>,
    /// Decrypted protected bytes (reused buffer).
    scratch: Zeroizing<Vec<u8>>,
    db: RawDb,
    /// Open groups: index into `db.groups`, position of their tag in `stack`.
    groups: Vec<(usize, usize)>,
    seen_root_group: bool,
    /// Open entries (the current entry and, inside `History`, the copy being read), with
    /// the position of their tag in `stack`.
    entries: Vec<(RawEntry, usize)>,
    string: OpenString,
    item_key: String,
}

/// Parses a KeePass XML document (see the module doc for what differs by origin).
pub(crate) fn parse(xml: &[u8], origin: Origin<'_>) -> Result<RawDb, FormatError> {
    let export = matches!(origin, Origin::Export);
    let xml = if export { strip_bom(xml) } else { xml };
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut p = Parser {
        origin,
        stack: Vec::with_capacity(16),
        protected: false,
        skip_value: false,
        text: Zeroizing::new(String::with_capacity(256)),
        scratch: Zeroizing::new(Vec::with_capacity(256)),
        db: RawDb::default(),
        groups: Vec::new(),
        seen_root_group: false,
        entries: Vec::new(),
        string: OpenString::default(),
        item_key: String::new(),
    };
    let mut seen_document = false;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) if export => return Err(export_xml_error(&e, reader.error_position())),
            Err(_) => return Err(p.malformed("")),
        };
        match event {
            Event::Start(e) => {
                if p.stack.is_empty() {
                    p.check_root(&e, seen_document)?;
                    seen_document = true;
                }
                p.start(&e)?;
            }
            Event::End(_) => p.end()?,
            Event::Text(t) if p.wants_text() => p.text.push_str(&t.xml10_content()),
            Event::CData(t) if p.wants_text() => p.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if p.wants_text() => match resolve_entity(&r) {
                Some(c) => p.text.push(c),
                None => return Err(p.malformed("malformed XML: invalid entity reference")),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_document {
        return Err(p.malformed("not a KeePass XML export: no <KeePassFile> root"));
    }
    if !p.stack.is_empty() {
        return Err(p.malformed("truncated XML: the file ends inside an element"));
    }
    Ok(p.db)
}

impl Parser<'_> {
    /// A structural error: named for an export, generic for a decrypted payload (whose
    /// content is not the user's to debug).
    fn malformed(&self, export_message: &str) -> FormatError {
        match self.origin {
            Origin::Export => FormatError::Invalid(export_message.to_owned()),
            Origin::Kdbx { .. } => corrupt("the decrypted XML is malformed"),
        }
    }

    fn check_root(&self, e: &BytesStart<'_>, seen_document: bool) -> Result<(), FormatError> {
        let name = e.local_name();
        match (name.as_ref(), &self.origin) {
            ("KeePassFile", _) if !seen_document => Ok(()),
            ("database", Origin::Export) => Err(keepassx_legacy()),
            _ => {
                Err(self
                    .malformed("not a KeePass XML export: the root element is not <KeePassFile>"))
            }
        }
    }

    fn parent(&self, up: usize) -> Tag {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
            .unwrap_or(Tag::Other)
    }

    /// Leaf text is collected only where it is used, so notes and binaries cost nothing;
    /// protected text always, since it advances the inner stream.
    fn wants_text(&self) -> bool {
        self.protected || (!self.skip_value && self.parent(0).has_used_text())
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), FormatError> {
        if self.stack.len() > MAX_DEPTH {
            return Err(match self.origin {
                Origin::Export => {
                    FormatError::Invalid("XML nested too deeply to be a KeePass export".to_owned())
                }
                Origin::Kdbx { .. } => corrupt("the decrypted XML is nested too deeply"),
            });
        }
        let tag = Tag::of(e.local_name().as_ref());
        self.text.clear();
        self.protected = e
            .try_get_attribute("Protected")
            .ok()
            .flatten()
            .is_some_and(|a| is_true(&a.value));
        self.skip_value = false;
        let depth = self.stack.len();
        let group_is_parent = self.groups.last().is_some_and(|g| g.1 + 1 == depth);
        let entry_is_grandparent = self.entries.len() == 1
            && self.entries.last().is_some_and(|e| e.1 + 2 == depth)
            && self.parent(0) == Tag::History;
        match tag {
            Tag::Group if self.parent(0) == Tag::Root && depth == 2 => {
                if self.seen_root_group {
                    return Err(self.malformed("not a KeePass XML export: two root groups"));
                }
                self.seen_root_group = true;
                self.groups.push((0, depth));
            }
            Tag::Group if group_is_parent => {
                let index = self.db.groups.len();
                self.db.groups.push(RawGroup::named(String::new()));
                if let Some(g) = self.current_group() {
                    g.groups.push(index);
                }
                self.groups.push((index, depth));
            }
            Tag::Entry if (group_is_parent && self.entries.is_empty()) || entry_is_grandparent => {
                self.entries.push((RawEntry::new(), depth));
            }
            Tag::String => {
                self.string.has_key = false;
                self.string.value = None;
                self.string.hidden = false;
            }
            Tag::Value if self.parent(0) == Tag::String => {
                if self.protected && matches!(self.origin, Origin::Export) {
                    return Err(FormatError::Invalid(
                        "values are encrypted (Protected=\"True\"): this is not an export; export from KeePass or KeePassXC as XML, or audit the .kdbx"
                            .to_owned(),
                    ));
                }
                self.string.hidden = self.protected
                    || e.try_get_attribute("ProtectInMemory")
                        .ok()
                        .flatten()
                        .is_some_and(|a| is_true(&a.value));
                // With the key already read, an unused field's text is not even collected
                // (a protected field is a secret of its own: always read).
                self.skip_value =
                    self.string.has_key && !self.string.hidden && !is_used_field(&self.string.key);
            }
            Tag::Item => self.item_key.clear(),
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// Decrypts the protected text just read, in place. A field value must decrypt to
    /// UTF-8: garbage means a wrong or altered inner-stream key (KDBX 3 headers without a
    /// `HeaderHash` are not authenticated), and auditing garbage would hide real findings.
    /// Other protected values (binaries) only advance the stream.
    fn unprotect(&mut self, is_field_value: bool) -> Result<(), FormatError> {
        let Origin::Kdbx { stream, .. } = &mut self.origin else {
            return Ok(());
        };
        self.scratch.clear();
        base64::engine::general_purpose::STANDARD
            .decode_vec(xml_trim(&self.text).as_bytes(), &mut self.scratch)
            .map_err(|_| corrupt("a protected value is not valid base64"))?;
        stream.apply(&mut self.scratch);
        self.text.clear();
        if is_field_value {
            let text = std::str::from_utf8(&self.scratch).map_err(|_| {
                FormatError::Invalid(
                    "a protected value does not decrypt to valid UTF-8: the file was altered \
                     or is corrupt"
                        .to_owned(),
                )
            })?;
            self.text.push_str(text);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), FormatError> {
        let tag = self.stack.pop().unwrap_or(Tag::Other);
        let parent = self.parent(0);
        let depth = self.stack.len();
        let in_entry = self.entries.last().is_some_and(|e| e.1 + 1 == depth);
        let in_entry_child = self.entries.last().is_some_and(|e| e.1 + 2 == depth);
        let in_group = self.groups.last().is_some_and(|g| g.1 + 1 == depth);
        let item_in_entry = self.entries.last().is_some_and(|e| e.1 + 3 == depth);
        let entry_closes = self.entries.last().is_some_and(|e| e.1 == depth);
        let open_entries = self.entries.len();
        let in_custom_data = self.parent(1) == Tag::CustomData;
        let group_closes = self.groups.last().is_some_and(|g| g.1 == depth);
        // Every protected value advances the stream, used or not.
        if std::mem::take(&mut self.protected) {
            self.unprotect(tag == Tag::Value && parent == Tag::String)?;
        }
        let value: &str = &self.text;
        let current_group = self
            .groups
            .last()
            .and_then(|&(i, _)| self.db.groups.get_mut(i));
        let entry = self.entries.last_mut().map(|e| &mut e.0);
        match (tag, parent) {
            (Tag::HeaderHash, Tag::Meta) if depth == 2 => {
                if let Origin::Kdbx {
                    header_hash: Some(expected),
                    ..
                } = &self.origin
                    && !xml_trim(value).is_empty()
                {
                    let ok = base64::engine::general_purpose::STANDARD
                        .decode(xml_trim(value).as_bytes())
                        .is_ok_and(|h| h.as_slice() == expected.as_slice());
                    if !ok {
                        return Err(header_hash_mismatch());
                    }
                    self.db.header_hash_checked = true;
                }
            }
            (Tag::RecycleBinUuid, Tag::Meta) if depth == 2 => {
                self.db.recycle_bin = uuid_bytes(value).filter(|u| *u != [0; 16]);
            }
            (Tag::Uuid, Tag::Group) if in_group => {
                if let Some(g) = current_group {
                    g.uuid = uuid_bytes(value);
                }
            }
            (Tag::Name, Tag::Group) if in_group => {
                if let Some(g) = current_group {
                    g.name = value.to_owned();
                }
            }
            (Tag::Group, _) if group_closes => {
                self.groups.pop();
            }
            (Tag::Uuid, Tag::Entry) if in_entry => {
                if let Some(e) = entry {
                    e.id = uuid_bytes(value)
                        .as_ref()
                        .map(hyphenated)
                        .unwrap_or_default();
                }
            }
            (Tag::Key, Tag::String) => {
                self.string.key.clear();
                self.string.key.push_str(value);
                self.string.has_key = true;
            }
            (Tag::Value, Tag::String) if !self.skip_value => {
                self.string.value = Some(Zeroizing::new(value.to_owned()));
            }
            (Tag::String, _) if in_entry => {
                let string = &mut self.string;
                let hidden_field = string.hidden && !is_standard_field(&string.key);
                if string.has_key
                    && (hidden_field || is_used_field(&string.key))
                    && let (Some(value), Some(e)) = (string.value.take(), entry)
                {
                    if hidden_field {
                        e.protected.push(string.key.as_str().to_owned());
                    }
                    e.fields.push((string.key.as_str().to_owned(), value));
                }
            }
            (Tag::CreationTime | Tag::LastModificationTime, Tag::Times) if in_entry_child => {
                let t = parse_time(value);
                if let Some(e) = entry {
                    if tag == Tag::CreationTime {
                        e.created = t;
                    } else {
                        e.modified = t;
                    }
                }
            }
            (Tag::QualityCheck, Tag::Entry) if in_entry => {
                if let Some(e) = entry {
                    e.quality_check = !is_false(value);
                }
            }
            (Tag::Key, Tag::Item) => {
                self.item_key.clear();
                self.item_key.push_str(xml_trim(value));
            }
            (Tag::Value, Tag::Item)
                if in_custom_data && item_in_entry && self.item_key == "KnownBad" =>
            {
                if let Some(e) = entry {
                    e.known_bad |= xml_trim(value).eq_ignore_ascii_case("true");
                }
            }
            (Tag::Entry, _) if open_entries == 2 && entry_closes => {
                if let Some((copy, _)) = self.entries.pop()
                    && let Some((e, _)) = self.entries.last_mut()
                {
                    e.history.push(copy);
                }
            }
            (Tag::Entry, _) if open_entries == 1 && entry_closes => {
                if let Some((entry, _)) = self.entries.pop()
                    && let Some(g) = self.current_group()
                {
                    g.entries.push(entry);
                }
            }
            _ => {}
        }
        self.text.clear();
        Ok(())
    }

    fn current_group(&mut self) -> Option<&mut RawGroup> {
        let &(i, _) = self.groups.last()?;
        self.db.groups.get_mut(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kdbx(xml: &[u8], header_hash: Option<[u8; 32]>) -> Result<RawDb, FormatError> {
        let mut stream = InnerStream::new(0, b"").expect("plain");
        parse(
            xml,
            Origin::Kdbx {
                stream: &mut stream,
                header_hash,
            },
        )
    }

    #[test]
    fn times_both_encodings() {
        let b = parse_time("zNyX1A4AAAA=").map(|t| t.to_rfc3339());
        assert_eq!(b.as_deref(), Some("2019-06-16T06:46:36+00:00"));
        let i = parse_time(" 2010-08-25T16:19:25Z\n").map(|t| t.to_rfc3339());
        assert_eq!(i.as_deref(), Some("2010-08-25T16:19:25+00:00"));
        assert_eq!(parse_time("2010-08-25T16:19:25").map(|t| t.to_rfc3339()), i);
        assert_eq!(parse_time("AAAA"), None);
        assert_eq!(parse_time("/////////38="), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn url_and_totp_keys() {
        assert!(is_extra_url("KP2A_URL"));
        assert!(is_extra_url("KP2A_URL_12"));
        assert!(is_extra_url("URL_1"));
        assert!(!is_extra_url("URL_"));
        assert!(!is_extra_url("URLs"));
        assert!(is_totp_key("TimeOtp-Secret-Base32"));
        assert!(!is_totp_key("TimeOtp-Length"));
    }

    #[test]
    fn uuids_are_hyphenated_lowercase() {
        let u = uuid_bytes("AAAAAAAAQACAAAAAAAAAAQ==").expect("16 bytes");
        assert_eq!(hyphenated(&u), "00000000-0000-4000-8000-000000000001");
        assert_eq!(uuid_bytes("AAAA"), None);
    }

    #[test]
    fn protected_values_are_decrypted_in_document_order() {
        // Plain stream: the values are base64 of the plaintext. A protected Meta binary and
        // a protected notes field in between still parse.
        let xml = br#"<?xml version="1.0"?>
<KeePassFile><Meta><RecycleBinUUID>AAAAAAAAAAAAAAAAAAAAAg==</RecycleBinUUID>
<Binaries><Binary ID="0" Protected="True">AAEC</Binary></Binaries></Meta>
<Root><Group><UUID>AAAAAAAAAAAAAAAAAAAAAQ==</UUID><Name>Root</Name>
<Entry><UUID>AAAAAAAAQACAAAAAAAAAAQ==</UUID>
<String><Key>Notes</Key><Value Protected="True">bm90ZXM=</Value></String>
<String><Key>Password</Key><Value Protected="True">cHc=</Value></String>
<String><Key>Title</Key><Value>  T  </Value></String>
<QualityCheck>False</QualityCheck>
<History><Entry><UUID>AAAAAAAAQACAAAAAAAAAAQ==</UUID>
<String><Key>Password</Key><Value Protected="True"/></String></Entry></History>
</Entry>
<Group><UUID>AAAAAAAAAAAAAAAAAAAAAg==</UUID><Name>Bin</Name></Group>
</Group></Root></KeePassFile>"#;
        let db = kdbx(xml, None).expect("parses");
        assert_eq!(db.groups.len(), 2);
        let root = &db.groups[0];
        assert_eq!(root.entries.len(), 1);
        let e = &root.entries[0];
        assert_eq!(e.field("Password"), "pw");
        assert_eq!(e.field("Title"), "  T  ", "values are byte-exact");
        assert_eq!(e.field("Notes"), "", "unused fields are dropped");
        assert!(!e.quality_check);
        assert_eq!(e.history.len(), 1);
        assert_eq!(e.history[0].field("Password"), "");
        assert_eq!(db.recycle_bin, db.groups[1].uuid);
    }

    #[test]
    fn value_before_key_and_untrimmed_keys() {
        let xml = br#"<KeePassFile><Root><Group><Name>R</Name><Entry>
<String><Value> pw </Value><Key>Password</Key></String>
<String><Key> Password </Key><Value>not the password</Value></String>
<String><Value>https://a.example</Value><Key>URL_1</Key></String>
</Entry></Group></Root></KeePassFile>"#;
        for db in [kdbx(xml, None), parse(xml, Origin::Export)] {
            let db = db.expect("parses");
            let e = &db.groups[0].entries[0];
            assert_eq!(e.field("Password"), " pw ");
            assert_eq!(e.field("URL_1"), "https://a.example");
            assert_eq!(e.fields.len(), 2, "' Password ' is a custom field");
            assert_eq!(e.id, "", "no UUID: the mapping derives one");
        }
    }

    #[test]
    fn malformed_inner_xml_is_an_error() {
        for xml in [
            &b"<KeePassFile><Root>"[..],
            b"<Other/>",
            b"<KeePassFile/><KeePassFile/>",
            b"<KeePassFile><Meta><Binary Protected=\"True\">!!</Binary></Meta></KeePassFile>",
        ] {
            assert!(kdbx(xml, None).is_err());
        }
    }

    #[test]
    fn header_hash_is_checked_when_present() {
        let xml = b"<KeePassFile><Meta><HeaderHash>AAAA</HeaderHash></Meta></KeePassFile>";
        assert!(kdbx(xml, Some([0; 32])).is_err());
        for xml in [
            &b"<KeePassFile><Meta></Meta></KeePassFile>"[..],
            b"<KeePassFile><Meta><HeaderHash/></Meta></KeePassFile>",
        ] {
            assert!(kdbx(xml, Some([0; 32])).is_ok());
        }
    }
}
