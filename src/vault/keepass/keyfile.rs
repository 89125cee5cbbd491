//! Key files: read them and check the XML forms the `keepass` crate accepts without checking.
//!
//! The crate decodes XML key files leniently: undecodable base64 or hex is used as raw bytes
//! (which then reads as "wrong key"), and the version 2.0 `Hash` attribute is never verified,
//! so a damaged `.keyx` opens a database with a wrong key. KeePass and KeePassXC refuse such
//! files; so do we, with the reason.

use crate::vault::FormatError;
use base64::Engine as _;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::Zeroizing;

/// Reads a key file into a buffer wiped on drop.
pub(crate) fn load(path: &Path) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    if path.is_dir() {
        return Err(FormatError::BadKeyFile(format!(
            "{} is a directory",
            path.display()
        )));
    }
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| FormatError::BadKeyFile(format!("cannot read {}: {e}", path.display())))
}

/// Checks a key file and returns the length of the key it yields (what the crate will feed
/// into the composite key).
pub(crate) fn check(bytes: &[u8]) -> Result<usize, FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::BadKeyFile("the key file is empty".to_owned()));
    }
    if let Some(xml) = xml_key(bytes) {
        // An XML key file whose key data is empty would add nothing to the composite key.
        return match check_xml(&xml)? {
            0 => Err(FormatError::BadKeyFile(
                "XML key file: the key data is empty".to_owned(),
            )),
            len => Ok(len),
        };
    }
    // Binary (32 bytes), hex (64 characters) and hashed key files all give 32 bytes.
    Ok(32)
}

/// The key-file element of the composite key, derived exactly as the `keepass` crate does:
/// an XML key file gives its decoded `Data` (hex for version 2.0, base64 otherwise, the raw
/// text when undecodable), a 32-byte file is the key, a 64-character hex file is decoded,
/// and any other file is hashed with SHA-256.
pub(crate) fn key_element(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    if let Some(xml) = xml_key(bytes) {
        if xml.version.as_deref() == Some("2.0") {
            let digits: Zeroizing<String> = Zeroizing::new(
                xml.data
                    .trim()
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '\n' | '\t' | '\r'))
                    .collect(),
            );
            if let Some(raw) = decode_hex(&digits) {
                return raw;
            }
            return Zeroizing::new(xml.data.as_bytes().to_vec());
        }
        return match base64::engine::general_purpose::STANDARD
            .decode(v1_digits(&xml.data).as_bytes())
        {
            Ok(raw) => Zeroizing::new(raw),
            Err(_) => Zeroizing::new(xml.data.as_bytes().to_vec()),
        };
    }
    if bytes.len() == 32 {
        return Zeroizing::new(bytes.to_vec());
    }
    if bytes.len() == 64
        && let Ok(hex) = std::str::from_utf8(bytes)
        && let Some(raw) = decode_hex(hex)
    {
        return raw;
    }
    Zeroizing::new(Sha256::digest(bytes).to_vec())
}

/// The parts of an XML key file, found the way the crate finds them.
struct XmlKey {
    version: Option<String>,
    hash: Option<String>,
    data: Zeroizing<String>,
}

/// Returns the key file's `<KeyFile><Key><Data>` when the crate would read it as an XML key
/// file; `None` when it would fall back to the binary, hex or hashed forms.
fn xml_key(bytes: &[u8]) -> Option<XmlKey> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut version = None;
    let mut hash = None;
    let mut data: Option<Zeroizing<String>> = None;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            // The crate treats unparsable XML as a non-XML key file.
            Err(_) => return None,
        };
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                stack.push(e.name().as_ref().as_bytes().to_vec());
                if stack.len() == 3
                    && stack[0] == b"KeyFile"
                    && stack[1] == b"Key"
                    && stack[2] == b"Data"
                {
                    hash = e
                        .try_get_attribute("Hash")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned());
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                let path: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
                if path == [&b"KeyFile"[..], b"Meta", b"Version"] {
                    version = Some(text.into_owned());
                } else if path == [&b"KeyFile"[..], b"Key", b"Data"] {
                    data = Some(Zeroizing::new(text.into_owned()));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    buf.iter_mut().for_each(|b| *b = 0);
    data.map(|data| XmlKey {
        version,
        hash,
        data,
    })
}

fn check_xml(key: &XmlKey) -> Result<usize, FormatError> {
    let version = key.version.as_deref().map(str::trim);
    if version == Some("2.0") {
        let digits: Zeroizing<String> =
            Zeroizing::new(key.data.chars().filter(|c| !c.is_whitespace()).collect());
        let Some(raw) = decode_hex(&digits) else {
            return Err(FormatError::BadKeyFile(
                "XML key file (version 2.0): the key data is not valid hex".to_owned(),
            ));
        };
        if let Some(hash) = key.hash.as_deref() {
            let digest = Sha256::digest(raw.as_slice());
            let expected: String = digest.iter().take(4).map(|b| format!("{b:02X}")).collect();
            if !hash.trim().eq_ignore_ascii_case(&expected) {
                return Err(FormatError::BadKeyFile(
                    "XML key file (version 2.0): the key data does not match its Hash \
                     attribute, so the file is damaged"
                        .to_owned(),
                ));
            }
        }
        return Ok(raw.len());
    }
    if let Some(v) = version
        && !v.starts_with("1.")
    {
        // The version is file content: shown only when it is short printable ASCII, so the
        // error stays one clean line.
        let shown = if v.len() <= 16 && v.bytes().all(|b| b.is_ascii_graphic()) {
            format!(" {v}")
        } else {
            String::new()
        };
        return Err(FormatError::BadKeyFile(format!(
            "XML key file of unknown version{shown}"
        )));
    }
    // Version 1.0: base64; whitespace around or inside it is ignored, as KeePass
    // (Convert.FromBase64String) and KeePassXC (QByteArray::fromBase64) do.
    match base64::engine::general_purpose::STANDARD.decode(v1_digits(&key.data).as_bytes()) {
        Ok(raw) => Ok(Zeroizing::new(raw).len()),
        Err(_) => Err(FormatError::BadKeyFile(
            "XML key file: the key data is not valid base64".to_owned(),
        )),
    }
}

/// The base64 text of a version 1.0 key, without XML whitespace.
fn v1_digits(data: &str) -> Zeroizing<String> {
    Zeroizing::new(
        data.chars()
            .filter(|c| !matches!(c, ' ' | '\n' | '\t' | '\r'))
            .collect(),
    )
}

fn decode_hex(digits: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(digits.len() / 2));
    for pair in digits.as_bytes().chunks_exact(2) {
        let s = std::str::from_utf8(pair).ok()?;
        out.push(u8::from_str_radix(s, 16).ok()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<KeyFile>
    <Meta>
        <Version>2.0</Version>
    </Meta>
    <Key>
        <Data Hash="A65F0C2D">
            36057B1C 35037FD9 62257893 C0A22403
            EE3F8FBB 504D9981 08B821CB 00D28F89
        </Data>
    </Key>
</KeyFile>"#;

    #[test]
    fn v2_hash_is_verified() {
        assert_eq!(check(V2.as_bytes()).ok(), Some(32));
        let tampered = V2.replace("A65F0C2D", "A65F0C2E");
        assert!(
            matches!(check(tampered.as_bytes()), Err(FormatError::BadKeyFile(m)) if m.contains("Hash"))
        );
        let broken = V2.replace("36057B1C", "36057B1X");
        assert!(
            matches!(check(broken.as_bytes()), Err(FormatError::BadKeyFile(m)) if m.contains("hex"))
        );
    }

    #[test]
    fn v1_base64_with_whitespace_is_accepted() {
        let data = "NXyYiJMHg3ls+eBmjbAjWec9lcOToJiofbhNiFMTJMw=";
        let plain = format!(
            "<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>{data}</Data></Key></KeyFile>"
        );
        let spaced = format!(
            "<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>\n\t {data}\r\n  </Data></Key></KeyFile>"
        );
        assert_eq!(check(spaced.as_bytes()).ok(), Some(32));
        assert_eq!(
            key_element(spaced.as_bytes()).as_slice(),
            key_element(plain.as_bytes()).as_slice()
        );
    }

    #[test]
    fn v1_base64_is_verified() {
        let ok = "<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>NXyYiJMHg3ls+eBmjbAjWec9lcOToJiofbhNiFMTJMw=</Data></Key></KeyFile>";
        assert_eq!(check(ok.as_bytes()).ok(), Some(32));
        let bad = ok.replace("NXyY", "N!yY");
        assert!(
            matches!(check(bad.as_bytes()), Err(FormatError::BadKeyFile(m)) if m.contains("base64"))
        );
    }

    #[test]
    fn other_files_are_hashed_or_raw() {
        assert_eq!(check(b"bare-key-file").ok(), Some(32));
        assert_eq!(
            check(b"<Not><A><KeyFile></KeyFile></A></Not>").ok(),
            Some(32)
        );
        assert!(check(b"").is_err());
    }
}
