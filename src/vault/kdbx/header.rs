//! A read-only look at the outer header of a KeePass file, before any decryption.
//!
//! This walks the header structure with bounds checks, so that a truncated or tampered
//! header becomes a clear error (the `keepass` crate, still used for KeePass 1, panics on
//! short fields), and it tells the versions apart that cannot be read (KDBX 2.x, the
//! KeePass 2 pre-release format). For KDBX 3 it returns the header length (the header hash
//! in the inner XML covers it); for KDBX 4 it checks the header SHA-256, the KDF memory cap
//! and that the HMAC block stream is complete.

use crate::vault::FormatError;
use sha2::{Digest, Sha256};

const SIG1: [u8; 4] = [0x03, 0xd9, 0xa2, 0x9a];
const SIG2_KDB: u32 = 0xb54b_fb65;
const SIG2_KDB2_PRERELEASE: u32 = 0xb54b_fb66;
const SIG2_KDBX: u32 = 0xb54b_fb67;
/// KeePass 1 header: signatures, flags, version, seeds, IV, counts, hash, transform seed/rounds.
const KDB_HEADER_LEN: usize = 124;
/// Refuse Argon2 memory above this: a corrupt or hostile header could otherwise make the
/// allocation abort the process.
const MAX_ARGON2_MEMORY: u64 = 8 << 30;
/// Most AES-KDF rounds accepted (KDBX 3 transform rounds, KDBX 4 `R`, KeePass 1): the key
/// derivation runs before anything can authenticate the header, so a crafted file could
/// otherwise ask for 2^64 rounds and hang the program. KeePassXC keeps the round count in a
/// signed 32-bit int; real databases use millions to a few hundred million.
const MAX_AES_ROUNDS: u64 = i32::MAX as u64;
/// Most Argon2 work accepted: passes times memory, in bytes (64 GiB: 1 GiB x 64 passes,
/// 64 MiB x 1024 passes). For the same reason: 2^40 passes would never finish.
const MAX_ARGON2_WORK: u64 = 64 << 30;

/// What kind of KeePass file the bytes hold, as far as the header tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// KeePass 1.x `.kdb`.
    Kdb,
    /// KDBX 3.x; `header_len` is the length of the outer header, signature included.
    Kdbx3 {
        /// Bytes covered by the header hash (`Meta/HeaderHash` in the inner XML).
        header_len: usize,
    },
    /// KDBX 4.x (header hash checked here, header HMAC and block HMACs in `decrypt`).
    Kdbx4,
}

pub(crate) fn corrupt(detail: &str) -> FormatError {
    FormatError::Invalid(format!("truncated or corrupt KDBX file: {detail}"))
}

fn u16_at(bytes: &[u8], pos: usize) -> Option<u16> {
    let b: [u8; 2] = bytes.get(pos..pos.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_le_bytes(b))
}

fn u32_at(bytes: &[u8], pos: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn u64_of(value: &[u8]) -> Option<u64> {
    let b: [u8; 8] = value.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// Classifies and sanity-checks the outer header.
pub(crate) fn inspect(bytes: &[u8]) -> Result<Kind, FormatError> {
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
        SIG2_KDB => inspect_kdb(bytes),
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
            3 => Ok(Kind::Kdbx3 {
                header_len: kdbx3_header(bytes)?,
            }),
            4 => {
                check_kdbx4_header(bytes)?;
                Ok(Kind::Kdbx4)
            }
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

fn inspect_kdb(bytes: &[u8]) -> Result<Kind, FormatError> {
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
    check_aes_rounds(u32_at(bytes, 120).map_or(0, u64::from))?;
    Ok(Kind::Kdb)
}

/// Cipher UUID of ChaCha20, the only stream cipher (any payload length is fine).
const CHACHA20: [u8; 16] = [
    0xd6, 0x03, 0x8a, 0x2b, 0x8b, 0x6f, 0x4c, 0xb5, 0xa5, 0x24, 0x33, 0x9a, 0x31, 0xdb, 0xb5, 0x9a,
];

/// Walks the KDBX 3 header (u8 id, u16 length, value) and returns its length. Also checks
/// that a block cipher's payload is a whole number of blocks, so that a padding error after
/// decryption can only mean a wrong key.
fn kdbx3_header(bytes: &[u8]) -> Result<usize, FormatError> {
    let mut pos = 12usize;
    let mut block_cipher = true;
    loop {
        let (Some(&id), Some(len)) = (bytes.get(pos), u16_at(bytes, pos + 1)) else {
            return Err(corrupt("outer header cut short"));
        };
        let start = pos + 3;
        let end = start + usize::from(len);
        if end > bytes.len() {
            return Err(corrupt("outer header cut short"));
        }
        let expected = match id {
            0 | 1 | 4 | 5 | 7 | 8 | 9 => None,
            2 => Some(16),
            3 | 10 => Some(4),
            6 => Some(8),
            _ => return Err(corrupt(&format!("unknown outer header field {id}"))),
        };
        if expected.is_some_and(|e| e != len) {
            return Err(corrupt(&format!(
                "outer header field {id} has length {len}"
            )));
        }
        if id == 2 {
            block_cipher = bytes.get(start..end) != Some(&CHACHA20[..]);
        }
        if id == 6 {
            check_aes_rounds(bytes.get(start..end).and_then(u64_of).unwrap_or(0))?;
        }
        pos = end;
        if id == 0 {
            let payload = bytes.len() - pos;
            if payload == 0 || (block_cipher && !payload.is_multiple_of(16)) {
                return Err(corrupt("encrypted payload cut short"));
            }
            return Ok(pos);
        }
    }
}

/// Walks the KDBX 4 header (u8 id, u32 length, value), validates its variant dictionaries
/// and compares the SHA-256 stored after it.
fn check_kdbx4_header(bytes: &[u8]) -> Result<(), FormatError> {
    let mut pos = 12usize;
    loop {
        let (Some(&id), Some(len)) = (bytes.get(pos), u32_at(bytes, pos + 1)) else {
            return Err(corrupt("outer header cut short"));
        };
        let start = pos + 5;
        let Some(value) = usize::try_from(len)
            .ok()
            .and_then(|len| start.checked_add(len))
            .and_then(|end| bytes.get(start..end))
        else {
            return Err(corrupt("outer header cut short"));
        };
        match id {
            0 | 1 | 4 | 7 => {}
            2 if value.len() == 16 => {}
            3 if value.len() == 4 => {}
            11 => check_kdf_params(value)?,
            12 => {
                check_variant_dictionary(value)?;
            }
            2 | 3 => {
                return Err(corrupt(&format!(
                    "outer header field {id} has length {len}"
                )));
            }
            _ => return Err(corrupt(&format!("unknown outer header field {id}"))),
        }
        pos = start + value.len();
        if id == 0 {
            break;
        }
    }
    let Some(stored) = bytes.get(pos..pos + 32) else {
        return Err(corrupt("header checksum missing"));
    };
    if bytes.len() < pos + 64 {
        return Err(corrupt("header HMAC missing"));
    }
    let Some(header) = bytes.get(..pos) else {
        return Err(corrupt("outer header cut short"));
    };
    if Sha256::digest(header).as_slice() != stored {
        return Err(FormatError::Invalid(
            "header hash mismatch: the file was tampered with or corrupted".to_owned(),
        ));
    }
    check_kdbx4_blocks(bytes, pos + 64)
}

/// The HMAC block stream must end with its empty terminating block. The crate accepted a
/// stream cut at a block boundary; the blocks it did get are authentic, but the file is not
/// whole, so refuse it.
fn check_kdbx4_blocks(bytes: &[u8], mut pos: usize) -> Result<(), FormatError> {
    loop {
        let Some(size) = u32_at(bytes, pos + 32) else {
            return Err(corrupt("block stream cut short"));
        };
        let Some(end) = usize::try_from(size)
            .ok()
            .and_then(|s| (pos + 36).checked_add(s))
            .filter(|&end| end <= bytes.len())
        else {
            return Err(corrupt("block stream cut short"));
        };
        if size == 0 {
            return Ok(());
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
    let mut items = Vec::new();
    let mut pos = 2usize;
    while pos + 9 < buf.len() {
        let kind = buf.get(pos).copied().ok_or_else(|| bad("cut short"))?;
        let key_len = u32_at(buf, pos + 1).ok_or_else(|| bad("cut short"))?;
        let key_start = pos + 5;
        let key_end = key_start
            .checked_add(usize::try_from(key_len).map_err(|_| bad("cut short"))?)
            .ok_or_else(|| bad("cut short"))?;
        let key = buf
            .get(key_start..key_end)
            .ok_or_else(|| bad("cut short"))?;
        let value_len = u32_at(buf, key_end).ok_or_else(|| bad("cut short"))?;
        let value_start = key_end + 4;
        let value_end = value_start
            .checked_add(usize::try_from(value_len).map_err(|_| bad("cut short"))?)
            .ok_or_else(|| bad("cut short"))?;
        let value = buf
            .get(value_start..value_end)
            .ok_or_else(|| bad("cut short"))?;
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

/// Refuses an AES-KDF round count above [`MAX_AES_ROUNDS`].
fn check_aes_rounds(rounds: u64) -> Result<(), FormatError> {
    if rounds > MAX_AES_ROUNDS {
        return Err(FormatError::Invalid(format!(
            "refusing to open: the header asks for {rounds} AES key-derivation rounds, more than \
             the {MAX_AES_ROUNDS} allowed (a corrupt or hostile file would never finish opening)"
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

fn check_kdf_params(buf: &[u8]) -> Result<(), FormatError> {
    let items = check_variant_dictionary(buf)?;
    let memory = largest_u64(&items, b"M");
    if let Some(memory) = memory
        && memory > MAX_ARGON2_MEMORY
    {
        return Err(corrupt(&format!(
            "the key derivation asks for {} GiB of memory, more than the {} GiB allowed",
            memory >> 30,
            MAX_ARGON2_MEMORY >> 30
        )));
    }
    if let Some(rounds) = largest_u64(&items, b"R") {
        check_aes_rounds(rounds)?;
    }
    if let Some(passes) = largest_u64(&items, b"I") {
        // Argon2 fills at least 8 KiB per pass, even when M says less.
        let work = u128::from(passes) * u128::from(memory.unwrap_or(0).max(8 << 10));
        if work > u128::from(MAX_ARGON2_WORK) {
            return Err(FormatError::Invalid(format!(
                "refusing to open: the header asks for {passes} Argon2 passes over {} MiB, more \
                 than the {} GiB of key-derivation work allowed (a corrupt or hostile file would \
                 never finish opening)",
                memory.unwrap_or(0) >> 20,
                MAX_ARGON2_WORK >> 30
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_keepass_and_short_input() {
        assert!(matches!(
            inspect(b"hello world!"),
            Err(FormatError::Invalid(_))
        ));
        assert!(
            matches!(inspect(&SIG1[..2]), Err(FormatError::Invalid(m)) if m.contains("truncated"))
        );
        let mut kdbx2 = SIG1.to_vec();
        kdbx2.extend_from_slice(&SIG2_KDBX.to_le_bytes());
        kdbx2.extend_from_slice(&[1, 0, 2, 0]);
        assert!(
            matches!(inspect(&kdbx2), Err(FormatError::Unsupported(m)) if m.contains("KDBX 2.1"))
        );
    }

    #[test]
    fn short_fixed_size_fields_are_errors() {
        let mut h = SIG1.to_vec();
        h.extend_from_slice(&SIG2_KDBX.to_le_bytes());
        h.extend_from_slice(&[1, 0, 3, 0]);
        // compression flags of 1 byte: the crate would panic reading a u32
        h.extend_from_slice(&[3, 1, 0, 1, 0, 0, 0]);
        assert!(matches!(inspect(&h), Err(FormatError::Invalid(m)) if m.contains("field 3")));
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
