#![no_main]
//! KeePass databases (KDBX 3/4 and KeePass 1), forced to the KeePass reader so every input
//! reaches the outer-header checks.
//!
//! Each input is read twice:
//! 1. without a password: the header is inspected, then the reader stops at "needs a
//!    password" (no key derivation);
//! 2. with the password "a", only when this harness's own walk of the header finds tiny KDF
//!    parameters (AES-KDF rounds, Argon2 passes/memory/lanes): the reader caps them at values
//!    real databases use, which still take seconds each, too slow for a fuzzer.
//!
//! For KDBX 4 the harness also rewrites the header SHA-256 after the header (when the walk
//! finds where it goes), so mutated headers get past the checksum and into the
//! key-derivation and HMAC code instead of all stopping at "header hash mismatch".
use credaudit::model::Format;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

mod common;

const SIG1: [u8; 4] = [0x03, 0xd9, 0xa2, 0x9a];
const SIG2_KDB: [u8; 4] = [0x65, 0xfb, 0x4b, 0xb5];
const SIG2_KDBX: [u8; 4] = [0x67, 0xfb, 0x4b, 0xb5];

const MAX_AES_ROUNDS: u64 = 1_000;
const MAX_ARGON2_PASSES: u64 = 2;
const MAX_ARGON2_MEMORY: u64 = 1 << 20;
const MAX_ARGON2_LANES: u64 = 2;

fn le(bytes: &[u8]) -> Option<u64> {
    if bytes.len() > 8 || bytes.is_empty() {
        return None;
    }
    let mut b = [0u8; 8];
    b.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some(u64::from_le_bytes(b))
}

fn at(data: &[u8], pos: usize, len: usize) -> Option<&[u8]> {
    data.get(pos..pos.checked_add(len)?)
}

/// KDF cost check for KeePass 1: rounds are the u32 at offset 120.
fn kdb_cheap(data: &[u8]) -> bool {
    at(data, 120, 4)
        .and_then(le)
        .is_some_and(|r| r <= MAX_AES_ROUNDS)
}

/// KDBX 3: every transform-rounds field (id 6) must be small.
fn kdbx3_cheap(data: &[u8]) -> bool {
    let mut pos = 12;
    loop {
        let (Some(&[id]), Some(len)) = (at(data, pos, 1), at(data, pos + 1, 2).and_then(le)) else {
            return false;
        };
        let Ok(len) = usize::try_from(len) else {
            return false;
        };
        let Some(value) = at(data, pos + 3, len) else {
            return false;
        };
        if id == 6 && !le(value).is_some_and(|r| r <= MAX_AES_ROUNDS) {
            return false;
        }
        pos += 3 + len;
        if id == 0 {
            return true;
        }
    }
}

/// Checks the KDF parameters of a KDBX 4 variant dictionary: any R/I/M/P entry must be small.
fn kdbx4_kdf_cheap(vd: &[u8]) -> bool {
    let mut pos = 2;
    while pos < vd.len() {
        let Some(&[kind]) = at(vd, pos, 1) else {
            return false;
        };
        if kind == 0 {
            return true;
        }
        let Some(key_len) = at(vd, pos + 1, 4)
            .and_then(le)
            .and_then(|l| usize::try_from(l).ok())
        else {
            return false;
        };
        let Some(key) = at(vd, pos + 5, key_len) else {
            return false;
        };
        let value_pos = pos + 5 + key_len;
        let Some(value_len) = at(vd, value_pos, 4)
            .and_then(le)
            .and_then(|l| usize::try_from(l).ok())
        else {
            return false;
        };
        let Some(value) = at(vd, value_pos + 4, value_len) else {
            return false;
        };
        let cap = match key {
            b"R" => Some(MAX_AES_ROUNDS),
            b"I" => Some(MAX_ARGON2_PASSES),
            b"M" => Some(MAX_ARGON2_MEMORY),
            b"P" => Some(MAX_ARGON2_LANES),
            _ => None,
        };
        if let Some(cap) = cap
            && !le(value).is_some_and(|v| v <= cap)
        {
            return false;
        }
        pos = value_pos + 4 + value_len;
    }
    false
}

/// KDBX 4: checks every KDF-parameters field (id 11); fixes the header SHA-256 in place.
/// Returns whether the KDF is cheap.
fn kdbx4_fixup(data: &mut [u8]) -> bool {
    let mut pos = 12;
    let mut cheap = true;
    loop {
        let (Some(&[id]), Some(len)) = (at(data, pos, 1), at(data, pos + 1, 4).and_then(le)) else {
            return false;
        };
        let Ok(len) = usize::try_from(len) else {
            return false;
        };
        let Some(value) = at(data, pos + 5, len) else {
            return false;
        };
        if id == 11 {
            cheap &= kdbx4_kdf_cheap(value);
        }
        pos += 5 + len;
        if id == 0 {
            break;
        }
    }
    let digest = Sha256::digest(data.get(..pos).unwrap_or_default());
    if let Some(stored) = data.get_mut(pos..pos + 32) {
        stored.copy_from_slice(&digest);
    }
    cheap
}

fuzz_target!(|data: &[u8]| {
    let (fix_hash, data) = match data.split_first() {
        Some((&flag, rest)) => (flag & 1 == 0, rest),
        None => return,
    };
    let mut data = data.to_vec();
    let cheap = match (data.get(..4), data.get(4..8), data.get(10..12)) {
        (Some(s1), Some(s2), _) if s1 == SIG1 && s2 == SIG2_KDB => kdb_cheap(&data),
        (Some(s1), Some(s2), Some(&[3, 0])) if s1 == SIG1 && s2 == SIG2_KDBX => kdbx3_cheap(&data),
        (Some(s1), Some(s2), Some(&[4, 0])) if s1 == SIG1 && s2 == SIG2_KDBX => {
            let mut copy = data.clone();
            let cheap = kdbx4_fixup(&mut copy);
            if fix_hash {
                data = copy;
            }
            cheap
        }
        _ => false,
    };
    common::read_and_check(&data, Some(Format::Kdbx), None);
    if cheap {
        common::read_and_check(&data, Some(Format::Kdbx), Some("a"));
    }
});
