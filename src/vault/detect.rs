//! Format auto-detection from content (see `credaudit formats`).
//!
//! Order (research notes, formats.md section 0): binary magic (KeePass, zip), then text after
//! one UTF-8 BOM: XML by its root element, JSON by its top-level keys, CSV by its header.
//! Detection never panics and never quotes file content in an error.

use super::FormatError;
use crate::model::Format;
use serde::Deserialize;
use serde::de::IgnoredAny;

const KEEPASS_SIG1: [u8; 4] = [0x03, 0xD9, 0xA2, 0x9A];
const KDBX_SIG2: [u8; 4] = [0x67, 0xFB, 0x4B, 0xB5];
const KDB_SIG2: [u8; 4] = [0x65, 0xFB, 0x4B, 0xB5];
const KDB2_PRERELEASE_SIG2: [u8; 4] = [0x66, 0xFB, 0x4B, 0xB5];

/// Removes one leading UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Recognises the format of `bytes`.
pub fn detect(bytes: &[u8]) -> Result<Format, FormatError> {
    if bytes.starts_with(&KEEPASS_SIG1) {
        return detect_keepass(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return detect_zip(bytes);
    }
    if bytes.starts_with(b"PK\x05\x06") {
        return Err(FormatError::Invalid("empty zip archive".to_owned()));
    }
    let text = strip_bom(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(FormatError::Invalid("empty file".to_owned()))?;
    let trimmed = text.get(start..).unwrap_or_default();
    if trimmed.starts_with(b"-----BEGIN PGP MESSAGE-----") || is_openpgp_packet(trimmed) {
        return Err(FormatError::Unsupported(
            "OpenPGP-encrypted file: decrypt it first (for example with gpg) and audit the plaintext export from stdin"
                .to_owned(),
        ));
    }
    match trimmed.first() {
        Some(b'<') => detect_xml(text),
        Some(b'{') => detect_json(text),
        _ => detect_csv(text),
    }
}

/// Whether the first bytes of an input are binary content no reader takes: a NUL byte, and
/// neither a KeePass, zip nor OpenPGP signature (every text export is NUL-free).
pub fn is_binary_non_vault(prefix: &[u8]) -> bool {
    prefix.contains(&0)
        && !prefix.starts_with(&KEEPASS_SIG1)
        && !prefix.starts_with(b"PK")
        && !is_openpgp_packet(prefix)
}

fn is_openpgp_packet(bytes: &[u8]) -> bool {
    // Old-format PKESK / SKESK packets as written by gpg (`85 01 0C 03`, `8C 0D 04`), or a
    // new-format packet tag 1/3. Only the binary forms that cannot start a text file.
    matches!(
        bytes,
        [0x84 | 0x85, _, 0x03 | 0x0C, ..] | [0x8C, 0x0D, 0x04, ..] | [0xC1 | 0xC3, ..]
    )
}

fn detect_keepass(bytes: &[u8]) -> Result<Format, FormatError> {
    let sig2 = bytes.get(4..8).unwrap_or_default();
    if sig2 == KDBX_SIG2 {
        let major = match bytes.get(10..12) {
            Some(&[lo, hi]) => u16::from_le_bytes([lo, hi]),
            _ => {
                return Err(FormatError::Invalid(
                    "truncated KeePass database header".to_owned(),
                ));
            }
        };
        return match major {
            3 | 4 => Ok(Format::Kdbx),
            2 => Err(FormatError::Unsupported(
                "KDBX 2.x (KeePass 2.0x): open and save it in KeePassXC or KeePass 2 to upgrade it"
                    .to_owned(),
            )),
            other => Err(FormatError::Unsupported(format!(
                "KDBX major version {other} is not supported (3.x and 4.x are)"
            ))),
        };
    }
    if sig2 == KDB_SIG2 {
        return Ok(Format::Kdb);
    }
    if sig2 == KDB2_PRERELEASE_SIG2 {
        return Err(FormatError::Unsupported(
            "pre-release KeePass 2 database (KDB2 signature): open and save it in KeePass 2 or KeePassXC to upgrade it"
                .to_owned(),
        ));
    }
    if bytes.len() < 8 {
        return Err(FormatError::Invalid(
            "truncated KeePass database header".to_owned(),
        ));
    }
    Err(FormatError::Unknown)
}

fn detect_zip(bytes: &[u8]) -> Result<Format, FormatError> {
    let archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| FormatError::Invalid("corrupt or truncated zip archive".to_owned()))?;
    let names: Vec<&[u8]> = archive.file_names_raw().collect();
    let has = |name: &[u8]| names.contains(&name);
    let base_is = |base: &[u8]| {
        names
            .iter()
            .any(|n| n.rsplit(|&c| c == b'/').next() == Some(base))
    };
    if has(b"export.data") && has(b"export.attributes") {
        return Ok(Format::Onepassword1pux);
    }
    if has(b"Proton Pass/data.json") {
        return Ok(Format::ProtonJson);
    }
    if has(b"Proton Pass/data.pgp") {
        return Err(FormatError::Unsupported(
            "PGP-encrypted Proton Pass export: re-export without encryption".to_owned(),
        ));
    }
    if base_is(b"credentials.csv") {
        return Ok(Format::DashlaneCsv);
    }
    Err(FormatError::Unknown)
}

fn detect_xml(text: &[u8]) -> Result<Format, FormatError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(text);
    let mut buf = Vec::new();
    let mut root_is_database = false;
    // The root element comes within the first few events (declaration, comments, doctype).
    for _ in 0..64 {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                match (root_is_database, e.local_name().as_ref()) {
                    (false, "KeePassFile") => return Ok(Format::KeepassXml),
                    // KeePassX 0.4 has <database><group>; other managers (SafeInCloud) also
                    // use a <database> root, with other children.
                    (false, "database") => root_is_database = true,
                    (true, "group") => return Err(keepassx_legacy()),
                    _ => return Err(FormatError::Unknown),
                }
            }
            Ok(Event::DocType(d)) => {
                let doctype = d.as_bytes();
                if doctype
                    .windows(17)
                    .any(|w| w.eq_ignore_ascii_case(b"KEEPASSX_DATABASE"))
                {
                    return Err(keepassx_legacy());
                }
            }
            Ok(Event::Eof) if root_is_database => return Err(FormatError::Unknown),
            Ok(Event::Eof) => {
                return Err(FormatError::Invalid(
                    "XML without a root element".to_owned(),
                ));
            }
            Ok(_) => {}
            Err(_) => return Err(FormatError::Unknown),
        }
    }
    Err(FormatError::Unknown)
}

pub(crate) fn keepassx_legacy() -> FormatError {
    FormatError::Unsupported(
        "KeePassX 0.4 XML export (<database>): import it into KeePassXC and export it again as KeePass XML or CSV"
            .to_owned(),
    )
}

/// Top-level keys that tell JSON exports apart. Unknown keys are ignored; nothing is kept.
#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonProbe {
    encrypted: Option<serde_json::Value>,
    #[serde(rename = "passwordProtected")]
    password_protected: Option<serde_json::Value>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    enc_key_validation: Option<IgnoredAny>,
    items: Option<ItemsProbe>,
    folders: Option<IgnoredAny>,
    collections: Option<IgnoredAny>,
    accounts: Option<IgnoredAny>,
    vaults: Option<IgnoredAny>,
    #[serde(rename = "userId")]
    user_id: Option<IgnoredAny>,
    version: Option<IgnoredAny>,
    #[serde(rename = "AUTHENTIFIANT")]
    dashlane_legacy: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ItemsProbe {
    List(Vec<ItemProbe>),
    Other(IgnoredAny),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ItemProbe {
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
    template_type: Option<IgnoredAny>,
    category: Option<IgnoredAny>,
    fields: Option<IgnoredAny>,
}

fn detect_json(text: &[u8]) -> Result<Format, FormatError> {
    let probe: JsonProbe = match serde_json::from_slice(text) {
        Ok(p) => p,
        // Only the position: serde_json messages can quote values.
        Err(e) => {
            return Err(FormatError::Invalid(format!(
                "malformed JSON at line {} column {}",
                e.line(),
                e.column()
            )));
        }
    };
    let is_true = |v: &Option<serde_json::Value>| matches!(v, Some(serde_json::Value::Bool(true)));
    if is_true(&probe.encrypted)
        && (is_true(&probe.password_protected) || probe.enc_key_validation.is_some())
    {
        // Password-protected or account-encrypted Bitwarden: the JSON reader decrypts the
        // first and explains the second.
        return Ok(Format::BitwardenJson);
    }
    if probe.accounts.is_some() {
        return Ok(Format::Onepassword1pux);
    }
    if probe.vaults.is_some() && (probe.user_id.is_some() || probe.version.is_some()) {
        return Ok(Format::ProtonJson);
    }
    if let Some(ItemsProbe::List(items)) = &probe.items {
        let enpass = items
            .iter()
            .any(|i| (i.template_type.is_some() || i.category.is_some()) && i.fields.is_some());
        if enpass {
            return Ok(Format::EnpassJson);
        }
        let bitwarden_items = items
            .iter()
            .all(|i| matches!(&i.kind, Some(serde_json::Value::Number(_))));
        if bitwarden_items
            && (!items.is_empty() || probe.folders.is_some() || probe.collections.is_some())
        {
            return Ok(Format::BitwardenJson);
        }
    }
    if probe.dashlane_legacy.is_some() {
        return Err(FormatError::Unsupported(
            "legacy Dashlane JSON export: export from current Dashlane (CSV zip) instead"
                .to_owned(),
        ));
    }
    Err(FormatError::Unknown)
}

/// The CSV format of an input from its first bytes alone, so the CSV reader can stream the
/// rest: `Some` only when [`detect`] on the whole input could say nothing else, i.e. the
/// prefix is text, detects as a CSV format, and holds the whole header record (it ends
/// before the prefix does, unless the prefix is the whole input). `None` means "read whole".
pub fn csv_format_of_prefix(prefix: &[u8], is_whole: bool) -> Option<Format> {
    let text = strip_bom(prefix);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    if matches!(first, b'<' | b'{')
        || prefix.starts_with(&KEEPASS_SIG1)
        || prefix.starts_with(b"PK")
    {
        return None;
    }
    let format = detect(prefix).ok()?;
    if is_whole {
        return Some(format);
    }
    // Where the header record ends: it must end inside the prefix, or the rest of it (and so
    // the detection) is not known yet.
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = ::csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).ok()? {
        if !record.iter().all(<[u8]>::is_empty) {
            let end = reader.position().byte();
            return (end < text.len() as u64).then_some(format);
        }
    }
    None
}

/// The first CSV record, lower-cased and trimmed.
pub(crate) fn csv_header(text: &[u8]) -> Option<Vec<String>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = ::csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                if record.iter().all(|f| f.is_empty()) {
                    continue;
                }
                return record
                    .iter()
                    .map(|f| {
                        std::str::from_utf8(f)
                            .ok()
                            .map(|s| s.trim_start_matches('\u{feff}').trim().to_lowercase())
                    })
                    .collect();
            }
            Ok(false) | Err(_) => return None,
        }
    }
}

fn detect_csv(text: &[u8]) -> Result<Format, FormatError> {
    // Binary content is not a CSV. (Invalid UTF-8 in the header also fails below; in a later
    // row it is the reader's clean error, with a line number.)
    let head = text.get(..text.len().min(4096)).unwrap_or_default();
    if head.contains(&0) {
        return Err(FormatError::Unknown);
    }
    let header = csv_header(text).ok_or(FormatError::Unknown)?;
    csv_format_from_header(&header).ok_or(FormatError::Unknown)
}

/// Matches a lower-cased, trimmed CSV header: exact sequences first, then key subsets.
pub fn csv_format_from_header(header: &[String]) -> Option<Format> {
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    const EXACT: &[(&[&str], Format)] = &[
        (
            &[
                "group",
                "title",
                "username",
                "password",
                "url",
                "notes",
                "totp",
                "icon",
                "last modified",
                "created",
            ],
            Format::KeepassxcCsv,
        ),
        (
            &["group", "title", "username", "password", "url", "notes"],
            Format::KeepassxcCsv,
        ),
        (
            &["account", "login name", "password", "web site", "comments"],
            Format::Keepass1Csv,
        ),
        (
            &[
                "title", "url", "username", "password", "otpauth", "favorite", "archived", "tags",
                "notes",
            ],
            Format::OnepasswordCsv,
        ),
        (
            &[
                "url", "username", "password", "totp", "extra", "name", "grouping", "fav",
            ],
            Format::LastpassCsv,
        ),
        (
            &[
                "url", "username", "password", "extra", "name", "grouping", "fav",
            ],
            Format::LastpassCsv,
        ),
        (
            &["name", "url", "username", "password", "note"],
            Format::ChromeCsv,
        ),
        (&["name", "url", "username", "password"], Format::ChromeCsv),
        (
            &[
                "url",
                "username",
                "password",
                "httprealm",
                "formactionorigin",
                "guid",
                "timecreated",
                "timelastused",
                "timepasswordchanged",
            ],
            Format::FirefoxCsv,
        ),
        (
            &["title", "url", "username", "password", "notes", "otpauth"],
            Format::AppleCsv,
        ),
        (&["title", "url", "username", "password"], Format::AppleCsv),
        (
            &[
                "username",
                "username2",
                "username3",
                "title",
                "password",
                "note",
                "url",
                "category",
                "otpsecret",
            ],
            Format::DashlaneCsv,
        ),
        (
            &[
                "type",
                "name",
                "url",
                "email",
                "username",
                "password",
                "note",
                "totp",
                "createtime",
                "modifytime",
                "vault",
            ],
            Format::ProtonCsv,
        ),
    ];
    if let Some((_, f)) = EXACT.iter().find(|(cols, _)| *cols == h.as_slice()) {
        return Some(*f);
    }
    let has = |k: &str| h.contains(&k);
    if has("group") && has("title") && has("username") && has("url") && has("notes") {
        return Some(Format::KeepassxcCsv);
    }
    if has("account") && has("login name") {
        return Some(Format::Keepass1Csv);
    }
    if has("type") && has("name") && has("login_uri") {
        return Some(Format::BitwardenCsv);
    }
    if has("cardholdername") {
        return Some(Format::NordpassCsv);
    }
    if has("httprealm") || (has("formactionorigin") && has("guid")) {
        return Some(Format::FirefoxCsv);
    }
    if has("username2") {
        return Some(Format::DashlaneCsv);
    }
    if has("type") && has("name") && (has("createtime") || has("modifytime") || has("vault")) {
        return Some(Format::ProtonCsv);
    }
    if has("otpauth") && has("archived") {
        return Some(Format::OnepasswordCsv);
    }
    if has("title") && has("url") && has("username") && has("otpauth") {
        return Some(Format::AppleCsv);
    }
    if has("extra") && has("grouping") {
        return Some(Format::LastpassCsv);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(s: &str) -> Result<Format, FormatError> {
        detect(s.as_bytes())
    }

    #[test]
    fn kdbx_versions() {
        let mut h = vec![0x03, 0xD9, 0xA2, 0x9A, 0x67, 0xFB, 0x4B, 0xB5, 1, 0, 3, 0];
        assert!(matches!(detect(&h), Ok(Format::Kdbx)));
        h[10] = 4;
        assert!(matches!(detect(&h), Ok(Format::Kdbx)));
        h[10] = 2;
        match detect(&h) {
            Err(FormatError::Unsupported(m)) => assert!(m.contains("KDBX 2.x")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(detect(&h[..9]), Err(FormatError::Invalid(_))));
        h[4] = 0x65;
        assert!(matches!(detect(&h), Ok(Format::Kdb)));
        h[4] = 0x66;
        assert!(matches!(detect(&h), Err(FormatError::Unsupported(_))));
    }

    #[test]
    fn csv_headers() {
        assert!(matches!(
            csv("\u{feff}name,url,username,password\n"),
            Ok(Format::ChromeCsv)
        ));
        assert!(matches!(
            csv(" Name , URL ,Username,Password,Note\r\n"),
            Ok(Format::ChromeCsv)
        ));
        assert!(matches!(
            csv("\n\nurl,username,extra,name,grouping,fav\n"),
            Ok(Format::LastpassCsv)
        ));
        assert!(matches!(csv("a,b,c\n1,2,3\n"), Err(FormatError::Unknown)));
    }

    #[test]
    fn csv_from_a_prefix_only_with_its_whole_header() {
        let text = "name,url,username,password\nT,u,n,p\n";
        assert_eq!(
            csv_format_of_prefix(text.as_bytes(), false),
            Some(Format::ChromeCsv)
        );
        // The prefix ends inside the header: the rest of it could change the format.
        assert_eq!(csv_format_of_prefix(&text.as_bytes()[..20], false), None);
        assert_eq!(csv_format_of_prefix(&text.as_bytes()[..27], false), None);
        assert_eq!(
            csv_format_of_prefix(&text.as_bytes()[..27], true),
            Some(Format::ChromeCsv)
        );
        for other in [
            &b"<KeePassFile>"[..],
            b"{\"items\":[]}",
            b"PK\x03\x04",
            b" \n ",
        ] {
            assert_eq!(csv_format_of_prefix(other, true), None);
        }
    }

    #[test]
    fn json_keys() {
        assert!(matches!(
            detect(br#"{"encrypted":false,"folders":[],"items":[]}"#),
            Ok(Format::BitwardenJson)
        ));
        assert!(matches!(
            detect(br#"{"accounts":[]}"#),
            Ok(Format::Onepassword1pux)
        ));
        assert!(matches!(detect(br#"{"a":1}"#), Err(FormatError::Unknown)));
        assert!(matches!(
            detect(br#"{"items":[{"type":"#),
            Err(FormatError::Invalid(_))
        ));
    }
}
