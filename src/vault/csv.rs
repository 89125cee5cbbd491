//! The CSV family: KeePassXC, KeePass 1.x, Bitwarden, 1Password 8, LastPass, Chrome, Firefox,
//! Apple, Dashlane, Proton Pass and NordPass exports.
//!
//! Columns are mapped by name (case-insensitive, trimmed), never by position, so every known
//! width of a format reads. Values are kept as written; passwords are never trimmed or
//! decoded. Records may end in LF, CRLF or LastPass's `\r\r\n`; blank lines are skipped.

use super::detect::strip_bom;
use super::{FormatError, VaultBuilder};
use crate::model::{Entry, EntryId, Format, SkipReason, Timestamp};
use crate::secret::Secret;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::HashMap;

/// Reads a CSV export of `format`, in memory, into `builder`.
pub fn read(bytes: &[u8], format: Format, builder: &mut VaultBuilder) -> Result<(), FormatError> {
    read_from(strip_bom(bytes), format, builder)
}

/// Reads a CSV export of `format` from a stream (after any byte-order mark) into `builder`,
/// one row at a time: only the current record and the csv crate's 8 KiB read buffer are in
/// memory besides the entries (neither is wiped: the crate owns them; core dumps and swap
/// are dealt with process-wide, see the README's privacy section). A read error of the
/// stream (including the input-size cap) is its one-line message.
pub fn read_from<R: std::io::Read>(
    input: R,
    format: Format,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let spec = Spec::of(format)?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = ::csv::ByteRecord::new();

    let columns = loop {
        if !next_record(&mut reader, &mut record)? {
            return Err(FormatError::MissingColumn(spec.password.to_owned()));
        }
        if !is_blank(&record) {
            break Columns::new(&record);
        }
    };
    let password_col = columns
        .index(&spec.password.to_lowercase())
        .ok_or_else(|| FormatError::MissingColumn(spec.password.to_owned()))?;
    let mut record = ::csv::ByteRecord::new();
    while next_record(&mut reader, &mut record)? {
        if is_blank(&record) {
            continue;
        }
        let row = Row {
            record: &record,
            columns: &columns,
            password_col,
        };
        match (spec.map)(&row)? {
            Mapped::Login(entry) => builder.push(*entry),
            Mapped::Skip(reason) => builder.skip(reason),
            Mapped::Identity(items) => {
                items.into_iter().for_each(|i| builder.personal(i));
                builder.skip(SkipReason::NotALogin);
            }
        }
    }
    Ok(())
}

/// What a format needs: the password column as the format spells it, and a row mapper.
type MapFn = fn(&Row<'_>) -> Result<Mapped, FormatError>;

struct Spec {
    password: &'static str,
    map: MapFn,
}

impl Spec {
    fn of(format: Format) -> Result<Spec, FormatError> {
        let (password, map): (&'static str, MapFn) = match format {
            Format::KeepassxcCsv => ("Password", keepassxc),
            Format::Keepass1Csv => ("Password", keepass1),
            Format::BitwardenCsv => ("login_password", bitwarden),
            Format::OnepasswordCsv => ("Password", onepassword),
            Format::LastpassCsv => ("password", lastpass),
            Format::ChromeCsv => ("password", chrome),
            Format::FirefoxCsv => ("password", firefox),
            Format::AppleCsv => ("Password", apple),
            Format::DashlaneCsv => ("password", dashlane),
            Format::ProtonCsv => ("password", proton),
            Format::NordpassCsv => ("password", nordpass),
            Format::Onepassword1pux => {
                return Err(FormatError::Unsupported(
                    "1Password export.data JSON on its own is not read here: audit the .1pux file"
                        .to_owned(),
                ));
            }
            other @ (Format::Kdbx
            | Format::Kdb
            | Format::KeepassXml
            | Format::BitwardenJson
            | Format::ProtonJson
            | Format::EnpassJson) => {
                return Err(FormatError::Unsupported(format!(
                    "{other} is not a CSV format"
                )));
            }
        };
        Ok(Spec { password, map })
    }
}

enum Mapped {
    Login(Box<Entry>),
    Skip(SkipReason),
    /// An identity row: not audited, its values feed the personal-data check.
    Identity(Vec<crate::model::PersonalItem>),
}

fn login(entry: Entry) -> Result<Mapped, FormatError> {
    Ok(Mapped::Login(Box::new(entry)))
}

fn next_record<R: std::io::Read>(
    reader: &mut ::csv::Reader<R>,
    record: &mut ::csv::ByteRecord,
) -> Result<bool, FormatError> {
    reader.read_byte_record(record).map_err(|e| {
        if let ::csv::ErrorKind::Io(cause) = e.kind() {
            return FormatError::Invalid(cause.to_string());
        }
        let line = e.position().map(|p| p.line()).unwrap_or_default();
        FormatError::Invalid(format!("malformed CSV near line {line}"))
    })
}

fn is_blank(record: &::csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// Header name (lower-cased, trimmed) to column index; the first occurrence wins.
struct Columns(HashMap<String, usize>);

impl Columns {
    fn new(header: &::csv::ByteRecord) -> Self {
        let mut map = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            let key = name.trim_start_matches('\u{feff}').trim().to_lowercase();
            map.entry(key).or_insert(i);
        }
        Columns(map)
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }
}

struct Row<'a> {
    record: &'a ::csv::ByteRecord,
    columns: &'a Columns,
    password_col: usize,
}

impl Row<'_> {
    /// The cell of column `name` (lower-case), or "" when the column or cell is absent.
    fn get(&self, name: &str) -> Result<&str, FormatError> {
        match self.columns.index(name) {
            Some(i) => self.cell(i),
            None => Ok(""),
        }
    }

    /// Like [`Row::get`], trimmed: for titles, types and ids.
    fn text(&self, name: &str) -> Result<String, FormatError> {
        Ok(self.get(name)?.trim().to_owned())
    }

    /// Like [`Row::get`], byte-exact: usernames and URLs, as the vault holds them (spaces
    /// are part of a value, and two values differing only in them are two values).
    fn exact(&self, name: &str) -> Result<String, FormatError> {
        Ok(self.get(name)?.to_owned())
    }

    fn has(&self, name: &str) -> bool {
        self.columns.index(name).is_some()
    }

    fn cell(&self, i: usize) -> Result<&str, FormatError> {
        match self.record.get(i) {
            Some(bytes) => std::str::from_utf8(bytes).map_err(|_| {
                let line = self.record.position().map(|p| p.line()).unwrap_or_default();
                FormatError::Invalid(format!("line {line}: text is not valid UTF-8"))
            }),
            None => Ok(""),
        }
    }

    fn password(&self) -> Result<Secret, FormatError> {
        Ok(Secret::new(self.cell(self.password_col)?.to_owned()))
    }

    fn line(&self) -> u64 {
        self.record.position().map(|p| p.line()).unwrap_or_default()
    }

    /// The login most formats are: a title, a username and one URL column, and the password.
    fn login(&self, title: &str, username: &str, url: &str) -> Result<Entry, FormatError> {
        Ok(Entry {
            title: self.text(title)?,
            username: self.exact(username)?,
            urls: one(self.exact(url)?),
            password: self.password()?,
            ..Entry::default()
        })
    }
}

/// A one-value list, empty when the value is blank.
fn one(value: String) -> Vec<String> {
    if value.trim().is_empty() {
        Vec::new()
    } else {
        vec![value]
    }
}

/// A cell of comma-separated URLs: one URL is kept byte-exact; the items of a real list are
/// trimmed (the space after a comma is the list's formatting). Blank items are dropped.
fn urls_split(list: &str) -> Vec<String> {
    if !list.contains(',') {
        return one(list.to_owned());
    }
    list.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect()
}

fn path(p: &str, separators: &[char]) -> Vec<String> {
    p.split(separators)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn iso_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|n| n.and_utc())
        })
}

fn unix_seconds(s: &str) -> Option<Timestamp> {
    let n: i64 = s.trim().parse().ok()?;
    if n <= 0 {
        return None;
    }
    DateTime::from_timestamp(n, 0)
}

fn unix_millis(s: &str) -> Option<Timestamp> {
    let n: i64 = s.trim().parse().ok()?;
    if n <= 0 {
        return None;
    }
    DateTime::from_timestamp_millis(n)
}

fn is_true(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")
}

/// KeePassXC CSV: `Group` is the full path including the root group's name, which is dropped
/// (as the KDBX and XML readers do). A `Recycle Bin` segment means recycled.
fn keepassxc(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let mut group = path(r.get("group")?, &['/']);
    if !group.is_empty() {
        group.remove(0);
    }
    let recycled = group.iter().any(|g| g == "Recycle Bin");
    login(Entry {
        group,
        title: r.text("title")?,
        username: r.exact("username")?,
        urls: one(r.exact("url")?),
        password: r.password()?,
        has_totp: !r.get("totp")?.trim().is_empty(),
        created: iso_time(r.get("created")?),
        modified: iso_time(r.get("last modified")?),
        recycled,
        ..Entry::default()
    })
}

fn keepass1(r: &Row<'_>) -> Result<Mapped, FormatError> {
    login(r.login("account", "login name", "web site")?)
}

/// Bitwarden personal (`folder`) and organization (`collections`) CSV.
fn bitwarden(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let kind = r.text("type")?.to_ascii_lowercase();
    if !(kind.is_empty() || kind == "login") {
        return Ok(Mapped::Skip(SkipReason::NotALogin));
    }
    let group = if r.has("folder") {
        path(r.get("folder")?, &['/'])
    } else {
        // Several collections are comma-joined in one cell; the first one is the group.
        let collections = r.get("collections")?;
        path(collections.split(',').next().unwrap_or_default(), &['/'])
    };
    login(Entry {
        group,
        title: r.text("name")?,
        username: r.exact("login_username")?,
        urls: urls_split(r.get("login_uri")?),
        password: r.password()?,
        has_totp: !r.get("login_totp")?.trim().is_empty(),
        ..Entry::default()
    })
}

/// 1Password 8 CSV; archived items count as trash.
fn onepassword(r: &Row<'_>) -> Result<Mapped, FormatError> {
    login(Entry {
        has_totp: !r.get("otpauth")?.trim().is_empty(),
        recycled: is_true(r.get("archived")?),
        ..r.login("title", "username", "url")?
    })
}

/// Decodes the three entities LastPass's browser extension writes into names. Passwords are
/// never decoded: which form is real cannot be known.
fn lastpass_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// LastPass: `http://sn` rows are secure notes, cards, Wi-Fi and other non-login items.
fn lastpass(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let url = r.exact("url")?;
    if url.trim().eq_ignore_ascii_case("http://sn") {
        return Ok(Mapped::Skip(SkipReason::NotALogin));
    }
    login(Entry {
        group: path(&lastpass_unescape(r.get("grouping")?), &['\\', '/']),
        title: lastpass_unescape(&r.text("name")?),
        username: r.exact("username")?,
        urls: one(url),
        password: r.password()?,
        has_totp: !r.get("totp")?.trim().is_empty(),
        ..Entry::default()
    })
}

fn chrome(r: &Row<'_>) -> Result<Mapped, FormatError> {
    login(r.login("name", "username", "url")?)
}

/// Firefox: no title column, so the title is the host. The Firefox-account sync row is internal.
fn firefox(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let url = r.exact("url")?;
    if url
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("chrome://firefoxaccounts")
    {
        return Ok(Mapped::Skip(SkipReason::Internal));
    }
    login(Entry {
        id: EntryId(r.text("guid")?),
        title: crate::site::host_of(&url).unwrap_or_default(),
        username: r.exact("username")?,
        urls: one(url),
        password: r.password()?,
        created: unix_millis(r.get("timecreated")?),
        password_changed: unix_millis(r.get("timepasswordchanged")?),
        ..Entry::default()
    })
}

fn apple(r: &Row<'_>) -> Result<Mapped, FormatError> {
    login(Entry {
        has_totp: !r.get("otpauth")?.trim().is_empty(),
        ..r.login("title", "username", "url")?
    })
}

/// Dashlane `credentials.csv`: the username may sit in `username2`/`username3`.
fn dashlane(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let mut username = r.exact("username")?;
    for alt in ["username2", "username3"] {
        if username.trim().is_empty() {
            username = r.exact(alt)?;
        }
    }
    login(Entry {
        group: path(r.get("category")?, &['/']),
        title: r.text("title")?,
        username,
        urls: one(r.exact("url")?),
        password: r.password()?,
        has_totp: !r.get("otpsecret")?.trim().is_empty() || !r.get("otpurl")?.trim().is_empty(),
        ..Entry::default()
    })
}

/// Proton Pass CSV (11, 10 and 9 columns).
fn proton(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let kind = r.text("type")?.to_ascii_lowercase();
    if !(kind.is_empty() || kind == "login") {
        return Ok(Mapped::Skip(SkipReason::NotALogin));
    }
    let mut username = r.exact("username")?;
    if username.trim().is_empty() {
        username = r.exact("email")?;
    }
    login(Entry {
        group: one(r.text("vault")?),
        title: r.text("name")?,
        username,
        urls: urls_split(r.get("url")?),
        password: r.password()?,
        has_totp: !r.get("totp")?.trim().is_empty(),
        created: unix_seconds(r.get("createtime")?),
        modified: unix_seconds(r.get("modifytime")?),
        ..Entry::default()
    })
}

/// NordPass CSV, every width. Folder rows are internal records; notes, cards and identities
/// are not logins. The oldest width has no `type` column: kinds are inferred from content.
fn nordpass(r: &Row<'_>) -> Result<Mapped, FormatError> {
    let kind = r.text("type")?.to_ascii_lowercase();
    let card = ["cardholdername", "cardnumber", "cvc", "expirydate"];
    let kind = if kind.is_empty() && !r.has("type") {
        let any = |cols: &[&str]| -> Result<bool, FormatError> {
            for c in cols {
                if !r.get(c)?.trim().is_empty() {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        if any(&card)? {
            "credit_card".to_owned()
        } else if any(&["full_name", "phone_number", "address1", "city"])? {
            "identity".to_owned()
        } else if any(&["url", "username", "password"])? {
            "password".to_owned()
        } else if !r.get("note")?.trim().is_empty() {
            "note".to_owned()
        } else if !r.get("folder")?.trim().is_empty() {
            // An item inside a folder, with nothing filled in: an empty login.
            "password".to_owned()
        } else {
            "folder".to_owned()
        }
    } else {
        kind
    };
    match kind.as_str() {
        "password" | "login" | "" => {}
        "folder" => return Ok(Mapped::Skip(SkipReason::Internal)),
        "identity" => return nordpass_identity(r),
        _ => return Ok(Mapped::Skip(SkipReason::NotALogin)),
    }
    let mut username = r.exact("username")?;
    if username.trim().is_empty() {
        username = r.exact("email")?;
    }
    let mut urls = one(r.exact("url")?);
    let extra = r.get("additional_urls")?.trim();
    if !extra.is_empty() {
        match serde_json::from_str::<Vec<String>>(extra) {
            Ok(list) => urls.extend(
                list.into_iter()
                    .map(|u| u.trim().to_owned())
                    .filter(|u| !u.is_empty()),
            ),
            Err(_) => {
                return Err(FormatError::Invalid(format!(
                    "line {}: additional_urls is not a JSON list",
                    r.line()
                )));
            }
        }
    }
    login(Entry {
        group: path(r.get("folder")?, &['/']),
        title: r.text("name")?,
        username,
        urls,
        password: r.password()?,
        ..Entry::default()
    })
}

/// A NordPass identity row's values by kind.
fn nordpass_identity(r: &Row<'_>) -> Result<Mapped, FormatError> {
    use crate::model::{PersonalItem, PersonalKind::*};
    let mut items = Vec::new();
    for (kind, column) in [
        (Name, "full_name"),
        (Phone, "phone_number"),
        (PostalCode, "zipcode"),
        (Address, "address1"),
        (Address, "address2"),
        (Address, "city"),
        (Email, "email"),
    ] {
        let value = r.get(column)?;
        if !value.trim().is_empty() {
            items.push(PersonalItem::new(kind, value));
        }
    }
    Ok(Mapped::Identity(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lastpass_names_only() {
        assert_eq!(lastpass_unescape("A &amp; B &lt;x&gt;"), "A & B <x>");
        assert_eq!(lastpass_unescape("&amp;lt;"), "&lt;");
    }

    #[test]
    fn times() {
        assert_eq!(
            unix_millis("1612345678900").map(|t| t.timestamp_millis()),
            Some(1_612_345_678_900)
        );
        assert_eq!(unix_seconds("x"), None);
        assert!(iso_time("2021-08-30T17:05:58Z").is_some());
    }
}
