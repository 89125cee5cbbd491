//! The outer header of a KeePass file, walked once, before any key derivation.
//!
//! [`inspect`] walks the header with bounds checks, so that a truncated or tampered header
//! becomes a clear error (the `keepass` crate, still used for KeePass 1, panics on short
//! fields), tells apart the versions that cannot be read (KDBX 2.x, the KeePass 2
//! pre-release format), caps the key-derivation cost (see [`Limits`]), and returns every field
//! [`super::decrypt`] needs, borrowed from the file: the KDBX 4 header SHA-256 is checked
//! here, and the HMAC block stream is split into blocks (complete, ended by its empty
//! block) that `decrypt` authenticates once the key is known.

use crate::vault::{FormatError, Limits};
use sha2::{Digest, Sha256};

const SIG1: [u8; 4] = [0x03, 0xd9, 0xa2, 0x9a];
const SIG2_KDB: u32 = 0xb54b_fb65;
const SIG2_KDB2_PRERELEASE: u32 = 0xb54b_fb66;
const SIG2_KDBX: u32 = 0xb54b_fb67;
/// KeePass 1 header: signatures, flags, version, seeds, IV, counts, hash, transform seed/rounds.
const KDB_HEADER_LEN: usize = 124;
/// Cipher UUID of ChaCha20, the only stream cipher (any payload length is fine).
pub(crate) const CIPHER_CHACHA20: [u8; 16] = [
    0xd6, 0x03, 0x8a, 0x2b, 0x8b, 0x6f, 0x4c, 0xb5, 0xa5, 0x24, 0x33, 0x9a, 0x31, 0xdb, 0xb5, 0x9a,
];
const KDF_AES_KDBX3: [u8; 16] = [
    0xc9, 0xd9, 0xf3, 0x9a, 0x62, 0x8a, 0x44, 0x60, 0xbf, 0x74, 0x0d, 0x08, 0xc1, 0x8a, 0x4f, 0xea,
];
const KDF_AES_KDBX4: [u8; 16] = [
    0x7c, 0x02, 0xbb, 0x82, 0x79, 0xa7, 0x4a, 0xc0, 0x92, 0x7d, 0x11, 0x4a, 0x00, 0x64, 0x82, 0x38,
];
const KDF_ARGON2D: [u8; 16] = [
    0xef, 0x63, 0x6d, 0xdf, 0x8c, 0x29, 0x44, 0x4b, 0x91, 0xf7, 0xa9, 0xa4, 0x03, 0xe3, 0x0a, 0x0c,
];
const KDF_ARGON2ID: [u8; 16] = [
    0x9e, 0x29, 0x8b, 0x19, 0x56, 0xdb, 0x47, 0x73, 0xb2, 0x3d, 0xfc, 0x3e, 0xc6, 0xf0, 0xa1, 0xe6,
];

/// What a KeePass file holds, as far as the header tells.
pub(crate) enum Header<'a> {
    /// KeePass 1.x `.kdb` (read by the `keepass` crate).
    Kdb,
    /// KDBX 3.1.
    Kdbx3(Kdbx3<'a>),
    /// KDBX 4.x.
    Kdbx4(Kdbx4<'a>),
}

/// Fields both KDBX versions have.
pub(crate) struct Common<'a> {
    pub cipher: &'a [u8],
    /// 0 none, 1 gzip.
    pub compression: u32,
    pub master_seed: &'a [u8],
    pub iv: &'a [u8],
}

pub(crate) struct Kdbx3<'a> {
    pub common: Common<'a>,
    pub kdf: Kdf<'a>,
    /// Inner random stream id and key (KDBX 4 keeps them in the inner header).
    pub stream_id: u32,
    pub stream_key: &'a [u8],
    pub stream_start: &'a [u8],
    /// SHA-256 of the outer header, which `Meta/HeaderHash` in the inner XML must match.
    pub header_sha256: [u8; 32],
    /// The encrypted payload after the header.
    pub payload: &'a [u8],
}

pub(crate) struct Kdbx4<'a> {
    pub common: Common<'a>,
    pub kdf: Kdf<'a>,
    /// The outer header (signature included), covered by `header_hmac`.
    pub header: &'a [u8],
    pub header_hmac: &'a [u8],
    /// The HMAC block stream, terminating empty block included.
    pub blocks: Vec<HmacBlock<'a>>,
}

/// One block of the KDBX 4 HMAC block stream.
pub(crate) struct HmacBlock<'a> {
    pub hmac: &'a [u8],
    /// The little-endian size field, as authenticated.
    pub size: &'a [u8],
    pub data: &'a [u8],
}

/// The key derivation named by the header.
pub(crate) enum Kdf<'a> {
    Aes {
        seed: &'a [u8],
        rounds: u64,
    },
    Argon2 {
        variant: kdbx_argon2::Variant,
        version: kdbx_argon2::Version,
        salt: &'a [u8],
        memory: u64,
        iterations: u64,
        parallelism: u32,
    },
}

pub(crate) fn corrupt(detail: &str) -> FormatError {
    FormatError::Invalid(format!("truncated or corrupt KDBX file: {detail}"))
}

fn header_hash_mismatch() -> FormatError {
    FormatError::Invalid("header hash mismatch: the file was tampered with or corrupted".to_owned())
}

fn u16_at(bytes: &[u8], pos: usize) -> Option<u16> {
    let b: [u8; 2] = bytes.get(pos..pos.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_le_bytes(b))
}

fn u32_at(bytes: &[u8], pos: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

pub(crate) fn u32_of(value: &[u8]) -> Option<u32> {
    value.try_into().ok().map(u32::from_le_bytes)
}

fn u64_of(value: &[u8]) -> Option<u64> {
    value.try_into().ok().map(u64::from_le_bytes)
}

/// Classifies the file and walks its outer header.
pub(crate) fn inspect<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Header<'a>, FormatError> {
    let sig1 = bytes.get(..4);
    if sig1 != Some(&SIG1[..]) {
        if bytes.len() < 4 && SIG1.starts_with(bytes) {
            return Err(corrupt("shorter than the file signature"));
        }
        return Err(FormatError::Invalid(
            "not a KeePass database: no KDBX/KDB signature".to_owned(),
        ));
    }
    let (Some(sig2), Some(minor), Some(major)) =
        (u32_at(bytes, 4), u16_at(bytes, 8), u16_at(bytes, 10))
    else {
        return Err(corrupt("shorter than the file signature"));
    };
    match sig2 {
        SIG2_KDB => inspect_kdb(bytes, limits).map(|()| Header::Kdb),
        SIG2_KDB2_PRERELEASE => Err(FormatError::Unsupported(
            "KeePass 2 pre-release database format: open it in KeePass 2 or KeePassXC and save \
             it again to upgrade it to KDBX 4"
                .to_owned(),
        )),
        SIG2_KDBX => match major {
            0..=2 => Err(FormatError::Unsupported(format!(
                "KDBX {major}.{minor} (KeePass 2.0x era) is not supported: open the database in \
                 KeePassXC or KeePass 2 and save it again, which upgrades it to KDBX 4"
            ))),
            3 => kdbx3(bytes, limits).map(Header::Kdbx3),
            4 => kdbx4(bytes, limits).map(Header::Kdbx4),
            _ => Err(FormatError::Unsupported(format!(
                "KDBX {major}.{minor} is newer than the versions supported (3.1, 4.0, 4.1): \
                 save a copy as KDBX 4 in KeePassXC or KeePass 2"
            ))),
        },
        _ => Err(FormatError::Invalid(
            "not a KeePass database: unknown KeePass signature".to_owned(),
        )),
    }
}

fn inspect_kdb(bytes: &[u8], limits: &Limits) -> Result<(), FormatError> {
    if bytes.len() < KDB_HEADER_LEN {
        return Err(corrupt("KeePass 1 header cut short"));
    }
    let payload = bytes.len() - KDB_HEADER_LEN;
    if payload == 0 || !payload.is_multiple_of(16) {
        return Err(corrupt(
            "KeePass 1 payload is not a whole number of cipher blocks",
        ));
    }
    let flags = u32_at(bytes, 8).unwrap_or(0);
    if flags & (2 | 8) == 0 {
        return Err(corrupt("KeePass 1 header names no known cipher"));
    }
    check_aes_rounds(u32_at(bytes, 120).map_or(0, u64::from), limits)
}

/// The outer header fields by id, as the walk found them (a later duplicate wins).
#[derive(Default)]
struct Fields<'a> {
    by_id: [Option<&'a [u8]>; 13],
}

impl<'a> Fields<'a> {
    fn required(&self, id: usize, what: &str) -> Result<&'a [u8], FormatError> {
        self.by_id
            .get(id)
            .copied()
            .flatten()
            .ok_or_else(|| corrupt(&format!("outer header is missing the {what}")))
    }

    fn common(&self) -> Result<Common<'a>, FormatError> {
        let compression = u32_of(self.required(3, "compression flags")?)
            .ok_or_else(|| corrupt("outer header field 3 has the wrong length"))?;
        if compression > 1 {
            return Err(corrupt(&format!(
                "invalid compression algorithm {compression}"
            )));
        }
        Ok(Common {
            cipher: self.required(2, "cipher id")?,
            compression,
            master_seed: self.required(4, "master seed")?,
            iv: self.required(7, "encryption IV")?,
        })
    }
}

/// Walks the header fields (u8 id, length, value) up to the end field 0: KDBX 3 has u16
/// lengths, KDBX 4 u32. Returns the fields and the header length, signature included.
fn walk(bytes: &[u8], wide: bool) -> Result<(Fields<'_>, usize), FormatError> {
    let cut = || corrupt("outer header cut short");
    let mut fields = Fields::default();
    let mut pos = 12usize;
    loop {
        let id = *bytes.get(pos).ok_or_else(cut)?;
        let (len, start) = if wide {
            let len = u32_at(bytes, pos + 1).ok_or_else(cut)?;
            (usize::try_from(len).map_err(|_| cut())?, pos + 5)
        } else {
            (
                usize::from(u16_at(bytes, pos + 1).ok_or_else(cut)?),
                pos + 3,
            )
        };
        let end = start.checked_add(len).ok_or_else(cut)?;
        let value = bytes.get(start..end).ok_or_else(cut)?;
        let expected = match (id, wide) {
            (0 | 1 | 4 | 7, _) | (5 | 8 | 9, false) | (11 | 12, true) => None,
            (2, _) => Some(16),
            (3, _) | (10, false) => Some(4),
            (6, false) => Some(8),
            _ => return Err(corrupt(&format!("unknown outer header field {id}"))),
        };
        if expected.is_some_and(|e| e != len) {
            return Err(corrupt(&format!(
                "outer header field {id} has length {len}"
            )));
        }
        if let Some(slot) = fields.by_id.get_mut(usize::from(id)) {
            *slot = Some(value);
        }
        pos = end;
        if id == 0 {
            return Ok((fields, pos));
        }
    }
}

fn kdbx3<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Kdbx3<'a>, FormatError> {
    let (fields, len) = walk(bytes, false)?;
    let rounds = fields.by_id[6].and_then(u64_of);
    if let Some(rounds) = rounds {
        check_aes_rounds(rounds, limits)?;
    }
    let common = fields.common()?;
    // A block cipher's payload must be whole blocks, so that a padding error after
    // decryption can only mean a wrong key.
    let payload = bytes.get(len..).unwrap_or_default();
    let block_cipher = common.cipher != CIPHER_CHACHA20;
    if payload.is_empty() || (block_cipher && !payload.len().is_multiple_of(16)) {
        return Err(corrupt("encrypted payload cut short"));
    }
    let stream_id = u32_of(fields.required(10, "inner random stream id")?)
        .ok_or_else(|| corrupt("outer header field 10 has the wrong length"))?;
    Ok(Kdbx3 {
        kdf: Kdf::Aes {
            seed: fields.required(5, "transform seed")?,
            rounds: rounds
                .ok_or_else(|| corrupt("outer header is missing the transform rounds"))?,
        },
        stream_id,
        stream_key: fields.required(8, "protected stream key")?,
        stream_start: fields.required(9, "stream start bytes")?,
        header_sha256: Sha256::digest(bytes.get(..len).unwrap_or_default()).into(),
        payload,
        common,
    })
}

fn kdbx4<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Kdbx4<'a>, FormatError> {
    let (fields, len) = walk(bytes, true)?;
    // The variant dictionaries are checked structurally before the checksum, their meaning
    // after it.
    let kdf_items = check_variant_dictionary(fields.required(11, "KDF parameters")?)?;
    if let Some(public) = fields.by_id[12] {
        check_variant_dictionary(public)?;
    }
    check_kdf_cost(&kdf_items, limits)?;
    let header = bytes
        .get(..len)
        .ok_or_else(|| corrupt("outer header cut short"))?;
    let Some(stored) = bytes.get(len..len + 32) else {
        return Err(corrupt("header checksum missing"));
    };
    let Some(header_hmac) = bytes.get(len + 32..len + 64) else {
        return Err(corrupt("header HMAC missing"));
    };
    if Sha256::digest(header).as_slice() != stored {
        return Err(header_hash_mismatch());
    }
    let blocks = hmac_blocks(bytes.get(len + 64..).unwrap_or_default())?;
    Ok(Kdbx4 {
        common: fields.common()?,
        kdf: kdf_of(&kdf_items)?,
        header,
        header_hmac,
        blocks,
    })
}

/// Splits the HMAC block stream: (HMAC-SHA-256, u32 size, data), ended by an empty block.
/// The crate accepted a stream cut at a block boundary; the blocks it did get are
/// authentic, but the file is not whole, so refuse it.
fn hmac_blocks(stream: &[u8]) -> Result<Vec<HmacBlock<'_>>, FormatError> {
    let cut = || corrupt("block stream cut short");
    let mut blocks = Vec::new();
    let mut pos = 0usize;
    loop {
        let hmac = stream.get(pos..pos + 32).ok_or_else(cut)?;
        let size = stream.get(pos + 32..pos + 36).ok_or_else(cut)?;
        let len = u32_of(size)
            .and_then(|s| usize::try_from(s).ok())
            .ok_or_else(cut)?;
        let end = (pos + 36).checked_add(len).ok_or_else(cut)?;
        let data = stream.get(pos + 36..end).ok_or_else(cut)?;
        blocks.push(HmacBlock { hmac, size, data });
        if len == 0 {
            return Ok(blocks);
        }
        pos = end;
    }
}

/// One value of a KDBX 4 variant dictionary.
pub(crate) struct VdItem<'a> {
    pub kind: u8,
    pub key: &'a [u8],
    pub value: &'a [u8],
}

/// Parses a variant dictionary exactly as the crate does, with the bounds checks it lacks
/// for fixed-size values.
pub(crate) fn check_variant_dictionary(buf: &[u8]) -> Result<Vec<VdItem<'_>>, FormatError> {
    let bad = |what: &str| corrupt(&format!("header variant dictionary: {what}"));
    let Some(version) = u16_at(buf, 0) else {
        return Err(bad("cut short"));
    };
    if version & 0xff00 != 0x0100 {
        return Err(bad("unknown version"));
    }
    // A u32 length, then that many bytes; returns them and where the next field starts.
    let sized = |pos: usize| -> Option<(&[u8], usize)> {
        let len = usize::try_from(u32_at(buf, pos)?).ok()?;
        let end = (pos + 4).checked_add(len)?;
        Some((buf.get(pos + 4..end)?, end))
    };
    let mut items = Vec::new();
    let mut pos = 2usize;
    while pos + 9 < buf.len() {
        let kind = buf.get(pos).copied().ok_or_else(|| bad("cut short"))?;
        let (key, key_end) = sized(pos + 1).ok_or_else(|| bad("cut short"))?;
        let (value, value_end) = sized(key_end).ok_or_else(|| bad("cut short"))?;
        let expected = match kind {
            0x04 | 0x0c => Some(4),
            0x05 | 0x0d => Some(8),
            0x08 | 0x18 | 0x42 => None,
            _ => return Err(bad("unknown value type")),
        };
        if expected.is_some_and(|e| e != value.len()) {
            return Err(bad("value of the wrong size"));
        }
        items.push(VdItem { kind, key, value });
        pos = value_end;
    }
    if buf.get(pos) != Some(&0) {
        return Err(bad("not terminated"));
    }
    Ok(items)
}

/// Refuses an AES-KDF round count above what `--max-kdf-seconds` allows: the key derivation
/// runs before anything can authenticate the header, so a crafted file could otherwise ask
/// for 2^64 rounds and never finish opening.
fn check_aes_rounds(rounds: u64, limits: &Limits) -> Result<(), FormatError> {
    let max = limits.max_aes_rounds();
    if rounds > max {
        return Err(FormatError::Invalid(format!(
            "refusing to open: the header asks for {rounds} AES-KDF rounds (about {} s), more \
             than --max-kdf-seconds {} allows ({max} rounds); raise it if you trust this file",
            rounds / Limits::AES_KDF_ROUNDS_PER_SECOND,
            limits.max_kdf_seconds
        )));
    }
    Ok(())
}

/// The largest u64 of entries named `key` (the crate keeps the last of duplicates; checking
/// them all is stricter).
fn largest_u64(items: &[VdItem<'_>], key: &[u8]) -> Option<u64> {
    items
        .iter()
        .filter(|i| i.key == key && i.kind == 0x05)
        .filter_map(|i| u64_of(i.value))
        .max()
}

/// Refuses Argon2 memory above `--max-kdf-memory` (the allocation could abort the process)
/// and AES-KDF rounds or Argon2 work (passes x memory) above `--max-kdf-seconds`.
fn check_kdf_cost(items: &[VdItem<'_>], limits: &Limits) -> Result<(), FormatError> {
    let memory = largest_u64(items, b"M");
    if let Some(memory) = memory
        && memory > limits.max_kdf_memory
    {
        return Err(FormatError::Invalid(format!(
            "refusing to open: the header asks for {} MiB of Argon2 memory, more than \
             --max-kdf-memory {} (MiB) allows; raise it if you trust this file",
            memory >> 20,
            limits.max_kdf_memory >> 20
        )));
    }
    if let Some(rounds) = largest_u64(items, b"R") {
        check_aes_rounds(rounds, limits)?;
    }
    if let Some(passes) = largest_u64(items, b"I") {
        // Argon2 fills at least 8 KiB per pass, even when M says less.
        let work = u128::from(passes) * u128::from(memory.unwrap_or(0).max(8 << 10));
        if work > u128::from(limits.max_argon2_work()) {
            let seconds = work / u128::from(Limits::ARGON2_BYTES_PER_SECOND);
            return Err(FormatError::Invalid(format!(
                "refusing to open: the header asks for {passes} Argon2 passes over {} MiB \
                 (about {seconds} s), more than --max-kdf-seconds {} allows; raise it if you \
                 trust this file",
                memory.unwrap_or(0) >> 20,
                limits.max_kdf_seconds
            )));
        }
    }
    Ok(())
}

/// Reads the KDBX 4 KDF parameters as the crate does (the last of duplicates wins).
fn kdf_of<'a>(items: &[VdItem<'a>]) -> Result<Kdf<'a>, FormatError> {
    let get = |key: &str, kind: u8| -> Result<&'a [u8], FormatError> {
        let item = items
            .iter()
            .rev()
            .find(|i| i.key == key.as_bytes())
            .ok_or_else(|| corrupt(&format!("KDF parameter {key} is missing")))?;
        if item.kind == kind {
            Ok(item.value)
        } else {
            Err(corrupt(&format!("KDF parameter {key} has the wrong type")))
        }
    };
    let wrong_size = || corrupt("KDF parameter of the wrong size");
    let get_u64 = |key: &str| get(key, 0x05).and_then(|v| u64_of(v).ok_or_else(wrong_size));
    let get_u32 = |key: &str| get(key, 0x04).and_then(|v| u32_of(v).ok_or_else(wrong_size));
    let uuid = get("$UUID", 0x42)?;
    if uuid == KDF_AES_KDBX3 || uuid == KDF_AES_KDBX4 {
        return Ok(Kdf::Aes {
            rounds: get_u64("R")?,
            seed: get("S", 0x42)?,
        });
    }
    let variant = if uuid == KDF_ARGON2D {
        kdbx_argon2::Variant::Argon2d
    } else if uuid == KDF_ARGON2ID {
        kdbx_argon2::Variant::Argon2id
    } else {
        return Err(corrupt("unknown key derivation function"));
    };
    // Read in the crate's order, so a file with several bad parameters names the same one.
    Ok(Kdf::Argon2 {
        variant,
        memory: get_u64("M")?,
        salt: get("S", 0x42)?,
        iterations: get_u64("I")?,
        parallelism: get_u32("P")?,
        version: match get_u32("V")? {
            0x10 => kdbx_argon2::Version::Version10,
            0x13 => kdbx_argon2::Version::Version13,
            v => return Err(corrupt(&format!("invalid Argon2 version {v:#x}"))),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_keepass_and_short_input() {
        assert!(matches!(
            inspect(b"hello world!", &Limits::default()).map(|_| ()),
            Err(FormatError::Invalid(_))
        ));
        assert!(
            matches!(inspect(&SIG1[..2], &Limits::default()).map(|_| ()), Err(FormatError::Invalid(m)) if m.contains("truncated"))
        );
        let mut kdbx2 = SIG1.to_vec();
        kdbx2.extend_from_slice(&SIG2_KDBX.to_le_bytes());
        kdbx2.extend_from_slice(&[1, 0, 2, 0]);
        assert!(
            matches!(inspect(&kdbx2, &Limits::default()).map(|_| ()), Err(FormatError::Unsupported(m)) if m.contains("KDBX 2.1"))
        );
    }

    #[test]
    fn short_fixed_size_fields_are_errors() {
        let mut h = SIG1.to_vec();
        h.extend_from_slice(&SIG2_KDBX.to_le_bytes());
        h.extend_from_slice(&[1, 0, 3, 0]);
        // compression flags of 1 byte: the crate would panic reading a u32
        h.extend_from_slice(&[3, 1, 0, 1, 0, 0, 0]);
        assert!(
            matches!(inspect(&h, &Limits::default()).map(|_| ()), Err(FormatError::Invalid(m)) if m.contains("field 3"))
        );
    }

    #[test]
    fn variant_dictionary_sizes_are_checked() {
        // version 1.0, one u32 entry "P" with a 2-byte value, terminator
        let vd = [0, 1, 0x04, 1, 0, 0, 0, b'P', 2, 0, 0, 0, 1, 0, 0];
        assert!(check_variant_dictionary(&vd).is_err());
        let ok = [0, 1, 0x04, 1, 0, 0, 0, b'P', 4, 0, 0, 0, 1, 0, 0, 0, 0];
        assert_eq!(check_variant_dictionary(&ok).map(|v| v.len()).ok(), Some(1));
    }
}
