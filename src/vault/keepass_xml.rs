//! KeePass 2 / KeePassXC XML export (ISO and base64 timestamps).
//!
//! A streaming reader over the KDBX inner-XML schema: groups give the path (the root group's
//! own name excluded, as in the KDBX reader), `Meta/RecycleBinUUID` marks the recycle bin and
//! everything below it, `<History>` copies give past passwords. Values marked
//! `Protected="True"` are XOR-encrypted KDBX content, not an export, and are refused.

use super::detect::{keepassx_legacy, strip_bom};
use super::{FormatError, VaultBuilder};
use crate::model::{Entry, EntryId, PastPassword, Timestamp};
use crate::secret::Secret;
use base64::Engine as _;
use chrono::{DateTime, NaiveDateTime, Utc};
use quick_xml::events::{BytesStart, Event};
use zeroize::Zeroizing;

/// Seconds from 0001-01-01T00:00:00Z (the .NET epoch KDBX 4 uses) to the Unix epoch.
const DOTNET_EPOCH_OFFSET: i64 = 62_135_596_800;

/// Reads a KeePass XML export into `builder`.
pub fn read(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let mut reader = quick_xml::Reader::from_reader(strip_bom(bytes));
    reader.config_mut().expand_empty_elements = true;
    let mut state = State::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(&e, reader.error_position()))?;
        match event {
            Event::Start(e) => state.start(&e)?,
            Event::End(_) => state.end(builder)?,
            Event::Text(t) => {
                if state.wants_text() {
                    let s = t.xml10_content();
                    state.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if state.wants_text() {
                    let s = t.xml10_content();
                    state.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if state.wants_text() {
                    let c = resolve_entity(&r)?;
                    state.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::DocType(_) => {}
        }
    }
    if !state.seen_root {
        return Err(FormatError::Invalid(
            "not a KeePass XML export: no <KeePassFile> root".to_owned(),
        ));
    }
    if !state.stack.is_empty() {
        return Err(FormatError::Invalid(
            "truncated XML: the file ends inside an element".to_owned(),
        ));
    }
    Ok(())
}

/// A parse error as one line, without any text content of the file.
pub(super) fn xml_error(e: &quick_xml::Error, pos: u64) -> FormatError {
    use quick_xml::Error as E;
    let what = match e {
        E::Syntax(s) => s.to_string(),
        E::IllFormed(i) => match i {
            quick_xml::errors::IllFormedError::MismatchedEndTag { .. }
            | quick_xml::errors::IllFormedError::UnmatchedEndTag(_) => {
                "mismatched closing tag".to_owned()
            }
            _ => "ill-formed document".to_owned(),
        },
        E::Encoding(_) => "text is not valid UTF-8".to_owned(),
        E::Escape(_) => "invalid character or entity reference".to_owned(),
        _ => "unreadable document".to_owned(),
    };
    FormatError::Invalid(format!("malformed XML at byte {pos}: {what}"))
}

pub(super) fn resolve_entity(r: &quick_xml::events::BytesRef<'_>) -> Result<char, FormatError> {
    let bad = || FormatError::Invalid("malformed XML: invalid entity reference".to_owned());
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten().ok_or_else(bad);
    }
    let name: &str = r;
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(bad()),
    }
}

/// Elements whose position matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    KeePassFile,
    Meta,
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

struct GroupAcc {
    name: String,
    recycled: bool,
}

#[derive(Default)]
struct EntryAcc {
    uuid: String,
    title: String,
    username: String,
    password: Secret,
    url: String,
    extra_urls: Vec<String>,
    has_totp: bool,
    created: Option<Timestamp>,
    modified: Option<Timestamp>,
    quality_check_off: bool,
    known_bad: bool,
    /// History copies, in file order (KeePass writes oldest first).
    history: Vec<(Secret, Option<Timestamp>)>,
}

#[derive(Default)]
struct State {
    stack: Vec<Tag>,
    seen_root: bool,
    text: Zeroizing<String>,
    recycle_bin: String,
    groups: Vec<GroupAcc>,
    entries: Vec<EntryAcc>,
    key: Zeroizing<String>,
    item_key: String,
    item_value: String,
}

impl State {
    fn parent(&self, up: usize) -> Tag {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
            .unwrap_or(Tag::Other)
    }

    /// Leaf text is collected only where it is used, so notes and binaries cost nothing.
    fn wants_text(&self) -> bool {
        matches!(
            self.parent(0),
            Tag::RecycleBinUuid
                | Tag::Uuid
                | Tag::Name
                | Tag::Key
                | Tag::Value
                | Tag::CreationTime
                | Tag::LastModificationTime
                | Tag::QualityCheck
        )
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let tag = Tag::of(e.local_name().as_ref());
        if self.stack.is_empty() {
            match tag {
                Tag::KeePassFile => self.seen_root = true,
                _ if e.local_name().as_ref() == "database" => return Err(keepassx_legacy()),
                _ => {
                    return Err(FormatError::Invalid(
                        "not a KeePass XML export: the root element is not <KeePassFile>"
                            .to_owned(),
                    ));
                }
            }
        }
        if self.stack.len() > 512 {
            return Err(FormatError::Invalid(
                "XML nested too deeply to be a KeePass export".to_owned(),
            ));
        }
        self.text.clear();
        match tag {
            Tag::Group if self.parent(0) == Tag::Root || self.parent(0) == Tag::Group => {
                let recycled = self.groups.last().is_some_and(|g| g.recycled);
                self.groups.push(GroupAcc {
                    name: String::new(),
                    recycled,
                });
            }
            Tag::Entry if self.parent(0) == Tag::Group || self.parent(0) == Tag::History => {
                self.entries.push(EntryAcc::default());
            }
            Tag::Value if self.parent(0) == Tag::String => {
                let protected = e
                    .try_get_attribute("Protected")
                    .ok()
                    .flatten()
                    .is_some_and(|a| a.value.eq_ignore_ascii_case("true"));
                if protected {
                    return Err(FormatError::Invalid(
                        "values are encrypted (Protected=\"True\"): this is not an export; export from KeePass or KeePassXC as XML, or audit the .kdbx"
                            .to_owned(),
                    ));
                }
            }
            Tag::String => self.key.clear(),
            Tag::Item => {
                self.item_key.clear();
                self.item_value.clear();
            }
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self, builder: &mut VaultBuilder) -> Result<(), FormatError> {
        let tag = self.stack.pop().unwrap_or(Tag::Other);
        let parent = self.parent(0);
        let text = std::mem::take(&mut self.text);
        match (tag, parent) {
            (Tag::RecycleBinUuid, Tag::Meta) => self.recycle_bin = text.trim().to_owned(),
            (Tag::Uuid, Tag::Group) => {
                let id = text.trim();
                let is_bin = !id.is_empty() && id == self.recycle_bin && !is_zero_uuid(id);
                if let Some(g) = self.groups.last_mut() {
                    g.recycled |= is_bin;
                }
            }
            (Tag::Name, Tag::Group) => {
                if let Some(g) = self.groups.last_mut() {
                    g.name = text.trim().to_owned();
                }
            }
            (Tag::Group, Tag::Root | Tag::Group) => {
                self.groups.pop();
            }
            (Tag::Uuid, Tag::Entry) => {
                if let Some(e) = self.entries.last_mut() {
                    e.uuid = text.trim().to_owned();
                }
            }
            (Tag::Key, Tag::String) => self.key = text,
            (Tag::Value, Tag::String) => self.string_value(text),
            (Tag::CreationTime | Tag::LastModificationTime, Tag::Times)
                if self.parent(1) == Tag::Entry =>
            {
                let t = parse_time(&text);
                if let Some(e) = self.entries.last_mut() {
                    if tag == Tag::CreationTime {
                        e.created = t;
                    } else {
                        e.modified = t;
                    }
                }
            }
            (Tag::QualityCheck, Tag::Entry) => {
                if let Some(e) = self.entries.last_mut() {
                    e.quality_check_off = text.trim().eq_ignore_ascii_case("false");
                }
            }
            (Tag::Key, Tag::Item) => self.item_key = text.trim().to_owned(),
            (Tag::Value, Tag::Item) => self.item_value = text.trim().to_owned(),
            (Tag::Item, Tag::CustomData)
                if self.parent(1) == Tag::Entry
                    && self.item_key == "KnownBad"
                    && self.item_value.eq_ignore_ascii_case("true") =>
            {
                if let Some(e) = self.entries.last_mut() {
                    e.known_bad = true;
                }
            }
            (Tag::Entry, Tag::History) => {
                if let Some(old) = self.entries.pop()
                    && let Some(e) = self.entries.last_mut()
                {
                    e.history.push((old.password, old.modified));
                }
            }
            (Tag::Entry, Tag::Group) => {
                if let Some(acc) = self.entries.pop() {
                    let group = self.groups.iter().skip(1).map(|g| g.name.clone()).collect();
                    let recycled = self.groups.last().is_some_and(|g| g.recycled);
                    builder.push(acc.finish(group, recycled));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn string_value(&mut self, value: Zeroizing<String>) {
        let Some(e) = self.entries.last_mut() else {
            return;
        };
        let key = self.key.as_str();
        match key {
            "Title" => e.title = value.trim().to_owned(),
            "UserName" => e.username = value.trim().to_owned(),
            "Password" => e.password = Secret::new(value.as_str().to_owned()),
            "URL" => e.url = value.trim().to_owned(),
            _ if is_extra_url(key) => {
                let url = value.trim();
                if !url.is_empty() {
                    e.extra_urls.push(url.to_owned());
                }
            }
            _ if is_totp_key(key) => e.has_totp |= !value.trim().is_empty(),
            _ => {}
        }
    }
}

fn is_zero_uuid(id: &str) -> bool {
    id == "AAAAAAAAAAAAAAAAAAAAAA=="
}

/// `KP2A_URL`, `KP2A_URL_1`, ... and KeePassXC's `URL_1`, ...
fn is_extra_url(key: &str) -> bool {
    let numbered = |rest: &str| {
        rest.strip_prefix('_')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    key == "KP2A_URL"
        || key.strip_prefix("KP2A_URL").is_some_and(numbered)
        || key.strip_prefix("URL").is_some_and(numbered)
}

/// KeePassXC `otp`, legacy `TOTP Seed`, KeePass 2.47+ `TimeOtp-Secret*` / `HmacOtp-Secret*`.
pub(super) fn is_totp_key(key: &str) -> bool {
    key == "otp"
        || key == "TOTP Seed"
        || key.starts_with("TimeOtp-Secret")
        || key.starts_with("HmacOtp-Secret")
}

impl EntryAcc {
    fn finish(self, group: Vec<String>, recycled: bool) -> Entry {
        let mut urls = Vec::with_capacity(1 + self.extra_urls.len());
        if !self.url.is_empty() {
            urls.push(self.url);
        }
        urls.extend(self.extra_urls);
        let (history, password_changed) =
            past_passwords(&self.password, self.modified, self.history);
        Entry {
            id: EntryId(self.uuid),
            source: 0,
            group,
            title: self.title,
            username: self.username,
            urls,
            password: self.password,
            has_totp: self.has_totp,
            created: self.created,
            modified: self.modified,
            password_changed,
            history,
            excluded: self.quality_check_off || self.known_bad,
            recycled,
        }
    }
}

/// Turns the KDBX history (full copies of the entry, oldest first) into past passwords, newest
/// first, and finds when the current password was set.
///
/// Each history copy with a non-empty password that differs from the current one becomes a
/// [`PastPassword`] whose `retired` is that copy's `LastModificationTime`; runs of copies with
/// the same password collapse into one (the newest copy's time). The current password was set
/// at the modification time of the oldest copy of the trailing run that already holds it, or
/// at the entry's own modification time when no copy holds it; with no history it is unknown.
fn past_passwords(
    current: &Secret,
    modified: Option<Timestamp>,
    copies: Vec<(Secret, Option<Timestamp>)>,
) -> (Vec<PastPassword>, Option<Timestamp>) {
    if copies.is_empty() {
        return (Vec::new(), None);
    }
    let mut changed = modified;
    let mut in_trailing_run = true;
    let mut out: Vec<PastPassword> = Vec::new();
    for (password, time) in copies.into_iter().rev() {
        if in_trailing_run && password == *current {
            changed = time.or(changed);
            continue;
        }
        in_trailing_run = false;
        if password.is_empty() || password == *current {
            continue;
        }
        if out.last().is_some_and(|p| p.password == password) {
            continue;
        }
        out.push(PastPassword {
            password,
            retired: time,
        });
    }
    (out, changed)
}

/// ISO-8601 (`2010-08-25T16:19:25Z`) or base64 of an int64 LE count of seconds since
/// 0001-01-01 (KeePassXC's export of a KDBX 4 database).
pub(super) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(n) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(n.and_utc());
    }
    let raw = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    let bytes: [u8; 8] = raw.as_slice().try_into().ok()?;
    let secs = i64::from_le_bytes(bytes).checked_sub(DOTNET_EPOCH_OFFSET)?;
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_both_encodings() {
        let b = parse_time("zNyX1A4AAAA=").map(|t| t.to_rfc3339());
        assert_eq!(b.as_deref(), Some("2019-06-16T06:46:36+00:00"));
        let i = parse_time("2010-08-25T16:19:25Z").map(|t| t.to_rfc3339());
        assert_eq!(i.as_deref(), Some("2010-08-25T16:19:25+00:00"));
        assert_eq!(parse_time("AAAA"), None);
        assert_eq!(parse_time("/////////38="), None);
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
    fn history_collapses_and_dates_the_change() {
        let t = |d: i64| DateTime::from_timestamp(d, 0);
        let cur = Secret::from("c");
        let copies = vec![
            (Secret::from("a"), t(1)),
            (Secret::from("a"), t(2)),
            (Secret::from("b"), t(3)),
            (Secret::from("c"), t(4)),
            (Secret::from("c"), t(5)),
        ];
        let (h, changed) = past_passwords(&cur, t(6), copies);
        assert_eq!(changed, t(4));
        let got: Vec<_> = h.iter().map(|p| (p.password.expose(), p.retired)).collect();
        assert_eq!(got, vec![("b", t(3)), ("a", t(2))]);
        let (_, changed) = past_passwords(&cur, t(6), vec![(Secret::from("x"), t(1))]);
        assert_eq!(changed, t(6));
        assert_eq!(past_passwords(&cur, t(6), Vec::new()).1, None);
    }
}
