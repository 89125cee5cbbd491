//! Streaming reader of the inner XML of a decrypted KDBX (quick-xml events, no serde).
//!
//! It keeps only what the entry mapping needs (group tree and names, recycle bin, entry
//! UUIDs, the fields that matter, times, `QualityCheck`, custom data `KnownBad`, history)
//! and decrypts every `Protected="True"` value, wherever it is (Meta binaries, custom
//! fields, history copies), in document order: the inner random stream is one keystream
//! over the whole file, as KeePass writes it. Text is trimmed of XML whitespace, as the
//! `keepass` crate's serde reader did.

use super::decrypt::InnerStream;
use super::header::corrupt;
use crate::model::Timestamp;
use crate::vault::FormatError;
use crate::vault::keepass_xml::{is_totp_key, parse_time, resolve_entity};
use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use zeroize::Zeroizing;

/// One entry (or history copy) as far as the mapping needs it.
#[derive(Default)]
pub(crate) struct RawEntry {
    /// Hyphenated lowercase UUID; empty when unknown (KeePass 1).
    pub id: String,
    /// Fields that matter, in file order (a later duplicate wins, as in the crate's map).
    pub fields: Vec<(String, Zeroizing<String>)>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub quality_check: bool,
    pub known_bad: bool,
    /// History copies in file order.
    pub history: Vec<RawEntry>,
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
        || key.starts_with("KP2A_URL")
        || key.starts_with("URL_")
        || is_totp_key(key)
}

/// One group; `groups` index [`RawDb::groups`].
pub(crate) struct RawGroup {
    pub uuid: Option<[u8; 16]>,
    pub name: String,
    pub entries: Vec<RawEntry>,
    pub groups: Vec<usize>,
}

/// The group tree; `groups[0]` is the root group.
pub(crate) struct RawDb {
    pub groups: Vec<RawGroup>,
    pub recycle_bin: Option<[u8; 16]>,
}

/// The root group name is never shown; a database without one has no entries.
impl Default for RawDb {
    fn default() -> Self {
        Self {
            groups: vec![RawGroup {
                uuid: None,
                name: String::new(),
                entries: Vec::new(),
                groups: Vec::new(),
            }],
            recycle_bin: None,
        }
    }
}

fn malformed() -> FormatError {
    corrupt("the decrypted XML is malformed")
}

fn header_hash_mismatch() -> FormatError {
    FormatError::Invalid("header hash mismatch: the file was tampered with or corrupted".to_owned())
}

fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
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

/// KDBX 4 times are base64 of 8 bytes (seconds since 0001-01-01): decoded directly, the
/// general parser (ISO first) for anything else.
fn time_of(s: &str) -> Option<Timestamp> {
    if s.len() == 12 && s.ends_with('=') {
        let mut raw = [0u8; 9];
        if let Ok(8) = base64::engine::general_purpose::STANDARD.decode_slice(s, &mut raw)
            && let Some(secs) = raw
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .map(i64::from_le_bytes)
                .and_then(|n| n.checked_sub(62_135_596_800))
        {
            return chrono::DateTime::from_timestamp(secs, 0);
        }
    }
    parse_time(s)
}

fn xml_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
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
}

struct Parser<'s> {
    stream: &'s mut InnerStream,
    /// KDBX 3: the SHA-256 of the outer header, checked against `Meta/HeaderHash`.
    header_hash: Option<[u8; 32]>,
    stack: Vec<Tag>,
    /// Whether the innermost open element is `Protected="True"`.
    protected: bool,
    /// Whether the open `String/Value` belongs to a field that is not read.
    skip_value: bool,
    /// Text of the innermost element (reused buffer).
    text: Zeroizing<String>,
    /// Decrypted protected bytes and text (reused buffers).
    scratch: Zeroizing<Vec<u8>>,
    plain: Zeroizing<String>,
    db: RawDb,
    /// Open groups: index into `db.groups`, position of their tag in `stack`.
    groups: Vec<(usize, usize)>,
    seen_root_group: bool,
    /// Open entries (the current entry and, inside `History`, the copy being read), with
    /// the position of their tag in `stack`.
    entries: Vec<(RawEntry, usize)>,
    key: Zeroizing<String>,
    item_key: String,
}

/// Parses the inner XML, decrypting protected values with `stream`. For KDBX 3,
/// `header_hash` is compared with `Meta/HeaderHash` when the file has one.
pub(crate) fn parse(
    xml: &[u8],
    stream: &mut InnerStream,
    header_hash: Option<[u8; 32]>,
) -> Result<RawDb, FormatError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut p = Parser {
        stream,
        header_hash,
        stack: Vec::with_capacity(16),
        protected: false,
        skip_value: false,
        text: Zeroizing::new(String::with_capacity(256)),
        scratch: Zeroizing::new(Vec::with_capacity(256)),
        plain: Zeroizing::new(String::with_capacity(256)),
        db: RawDb::default(),
        groups: Vec::new(),
        seen_root_group: false,
        entries: Vec::new(),
        key: Zeroizing::new(String::new()),
        item_key: String::new(),
    };
    let mut seen_document = false;
    loop {
        match reader.read_event().map_err(|_| malformed())? {
            Event::Start(e) => {
                if p.stack.is_empty() {
                    if seen_document || e.local_name().as_ref() != "KeePassFile" {
                        return Err(malformed());
                    }
                    seen_document = true;
                }
                p.start(&e)?;
            }
            Event::End(_) => p.end()?,
            Event::Text(t) if p.wants_text() => {
                let s = t.xml10_content();
                p.text.push_str(&s);
            }
            Event::CData(t) if p.wants_text() => {
                let s = t.xml10_content();
                p.text.push_str(&s);
            }
            Event::GeneralRef(r) if p.wants_text() => {
                let c = resolve_entity(&r).map_err(|_| malformed())?;
                p.text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_document || !p.stack.is_empty() {
        return Err(malformed());
    }
    Ok(p.db)
}

impl Parser<'_> {
    fn parent(&self, up: usize) -> Tag {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
            .unwrap_or(Tag::Other)
    }

    fn wants_text(&self) -> bool {
        self.protected || (!self.skip_value && self.wants_text_for(self.parent(0)))
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), FormatError> {
        if self.stack.len() > 512 {
            return Err(corrupt("the decrypted XML is nested too deeply"));
        }
        let tag = Tag::of(e.local_name().as_ref());
        self.text.clear();
        self.protected = e
            .try_get_attribute("Protected")
            .ok()
            .flatten()
            .is_some_and(|a| {
                let v = xml_trim(&a.value);
                v.eq_ignore_ascii_case("true") || v == "1"
            });
        self.skip_value = false;
        let depth = self.stack.len();
        let group_is_parent = self.groups.last().is_some_and(|g| g.1 + 1 == depth);
        let entry_is_grandparent = self.entries.len() == 1
            && self.entries.last().is_some_and(|e| e.1 + 2 == depth)
            && self.parent(0) == Tag::History;
        match tag {
            Tag::Group if self.parent(0) == Tag::Root && depth == 2 => {
                if self.seen_root_group {
                    return Err(malformed());
                }
                self.seen_root_group = true;
                self.groups.push((0, depth));
            }
            Tag::Group if group_is_parent => {
                let index = self.db.groups.len();
                self.db.groups.push(RawGroup {
                    uuid: None,
                    name: String::new(),
                    entries: Vec::new(),
                    groups: Vec::new(),
                });
                if let Some(g) = self.current_group() {
                    g.groups.push(index);
                }
                self.groups.push((index, depth));
            }
            Tag::Entry if (group_is_parent && self.entries.is_empty()) || entry_is_grandparent => {
                self.entries.push((RawEntry::new(), depth));
            }
            Tag::String => self.key.clear(),
            Tag::Value if self.parent(0) == Tag::String => {
                self.skip_value = !is_used_field(&self.key);
            }
            Tag::Item => self.item_key.clear(),
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// Decrypts the protected text just read into `self.plain`.
    fn unprotect(&mut self) -> Result<(), FormatError> {
        self.scratch.clear();
        base64::engine::general_purpose::STANDARD
            .decode_vec(xml_trim(&self.text).as_bytes(), &mut self.scratch)
            .map_err(|_| corrupt("a protected value is not valid base64"))?;
        self.stream.apply(&mut self.scratch);
        self.plain.clear();
        self.plain.push_str(&String::from_utf8_lossy(&self.scratch));
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
        let protected = std::mem::take(&mut self.protected);
        if protected {
            self.unprotect()?;
        }
        let value: &str = if protected {
            &self.plain
        } else {
            xml_trim(&self.text)
        };
        let current_group = self
            .groups
            .last()
            .and_then(|&(i, _)| self.db.groups.get_mut(i));
        let entry = self.entries.last_mut().map(|e| &mut e.0);
        match (tag, parent) {
            (Tag::HeaderHash, Tag::Meta) if self.stack.len() == 2 => {
                if let Some(expected) = self.header_hash {
                    let ok = base64::engine::general_purpose::STANDARD
                        .decode(value.as_bytes())
                        .is_ok_and(|h| h.as_slice() == expected.as_slice());
                    if !ok {
                        return Err(header_hash_mismatch());
                    }
                }
            }
            (Tag::RecycleBinUuid, Tag::Meta) if self.stack.len() == 2 => {
                self.db.recycle_bin = uuid_bytes(value);
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
                let id = uuid_bytes(value);
                if let Some(e) = entry {
                    e.id = id.as_ref().map(hyphenated).unwrap_or_default();
                }
            }
            (Tag::Key, Tag::String) => {
                self.key.clear();
                self.key.push_str(value);
            }
            (Tag::Value, Tag::String) if in_entry_child => {
                if is_used_field(&self.key)
                    && let Some(e) = entry
                {
                    e.fields.push((
                        self.key.as_str().to_owned(),
                        Zeroizing::new(value.to_owned()),
                    ));
                }
            }
            (Tag::CreationTime | Tag::LastModificationTime, Tag::Times) if in_entry_child => {
                let t = time_of(value);
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
                    e.quality_check = !(value.eq_ignore_ascii_case("false") || value == "0");
                }
            }
            (Tag::Key, Tag::Item) => {
                self.item_key.clear();
                self.item_key.push_str(value);
            }
            (Tag::Value, Tag::Item)
                if in_custom_data
                    && item_in_entry
                    && self.item_key == "KnownBad"
                    && value.eq_ignore_ascii_case("true") =>
            {
                if let Some(e) = entry {
                    e.known_bad = true;
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
                if let Some((entry, _)) = self.entries.pop() {
                    if entry.id.is_empty() {
                        // The crate refused entries without a valid UUID.
                        return Err(malformed());
                    }
                    if let Some(g) = self
                        .groups
                        .last()
                        .and_then(|&(i, _)| self.db.groups.get_mut(i))
                    {
                        g.entries.push(entry);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Unprotected text is only kept for the elements read in [`Self::end`].
    fn wants_text_for(&self, tag: Tag) -> bool {
        matches!(
            tag,
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

    fn current_group(&mut self) -> Option<&mut RawGroup> {
        let &(i, _) = self.groups.last()?;
        self.db.groups.get_mut(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_base64_times_match_the_general_parser() {
        for t in [
            "zNyX1A4AAAA=",
            "AAAAAAAAAAA=",
            "/////////38=",
            "2010-08-25T16:19:25Z",
        ] {
            assert_eq!(time_of(t), parse_time(t), "{t}");
        }
        assert!(time_of("zNyX1A4AAAA=").is_some());
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
        let mut stream = InnerStream::new(0, b"").expect("plain");
        let db = parse(xml, &mut stream, None).expect("parses");
        assert_eq!(db.groups.len(), 2);
        let root = &db.groups[0];
        assert_eq!(root.entries.len(), 1);
        let e = &root.entries[0];
        assert_eq!(e.field("Password"), "pw");
        assert_eq!(e.field("Title"), "T");
        assert_eq!(e.field("Notes"), "", "unused fields are dropped");
        assert!(!e.quality_check);
        assert_eq!(e.history.len(), 1);
        assert_eq!(e.history[0].field("Password"), "");
        assert_eq!(db.recycle_bin, db.groups[1].uuid);
    }

    #[test]
    fn malformed_inner_xml_is_an_error() {
        let mut stream = InnerStream::new(0, b"").expect("plain");
        for xml in [
            &b"<KeePassFile><Root>"[..],
            b"<Other/>",
            b"<KeePassFile><Root><Group><Entry><UUID>x</UUID></Entry></Group></Root></KeePassFile>",
            b"<KeePassFile><Meta><Binary Protected=\"True\">!!</Binary></Meta></KeePassFile>",
        ] {
            assert!(parse(xml, &mut stream, None).is_err());
        }
    }

    #[test]
    fn header_hash_is_checked_when_present() {
        let mut stream = InnerStream::new(0, b"").expect("plain");
        let xml = b"<KeePassFile><Meta><HeaderHash>AAAA</HeaderHash></Meta></KeePassFile>";
        assert!(parse(xml, &mut stream, Some([0; 32])).is_err());
        let xml = b"<KeePassFile><Meta></Meta></KeePassFile>";
        assert!(parse(xml, &mut stream, Some([0; 32])).is_ok());
    }
}
