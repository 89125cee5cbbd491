//! KDBX 3.1 and 4.x decryption, step for step as the `keepass` crate does it (its
//! `format/kdbx3.rs`, `format/kdbx4/parse.rs`, `crypt/` are the reference), but with one key
//! derivation per attempt and without its XML deserialisation: the result is the plaintext
//! inner XML plus the inner random stream that protects its `Protected="True"` values.
//!
//! * KDBX 4: outer header, composite key, KDF (AES-KDF, Argon2d, Argon2id), header HMAC
//!   (mismatch = wrong key), HMAC block stream, outer cipher (AES-256-CBC, Twofish-CBC,
//!   ChaCha20), gzip, inner header (random stream id and key; binaries skipped).
//! * KDBX 3.1: outer header, composite key, AES-KDF, outer cipher (bad padding = wrong key),
//!   stream start bytes (mismatch = wrong key), SHA-256 hashed blocks, gzip; the inner
//!   random stream comes from the outer header, and the SHA-256 of the outer header is
//!   returned for the `Meta/HeaderHash` check.
//!
//! [`super::header::inspect`] has already walked the outer header (once) and split the
//! KDBX 4 block stream; this module takes its fields and still never indexes without a check.

use super::header::{CIPHER_CHACHA20, Kdbx3, Kdbx4, Kdf, corrupt, u32_of};
use crate::secret::Secret;
use crate::vault::FormatError;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use std::io::Read;
use zeroize::Zeroizing;

const CIPHER_AES256: [u8; 16] = [
    0x31, 0xc1, 0xf2, 0xe6, 0xbf, 0x71, 0x43, 0x50, 0xbe, 0x58, 0x05, 0x21, 0x6a, 0xfc, 0x5a, 0xff,
];
const CIPHER_TWOFISH: [u8; 16] = [
    0xad, 0x68, 0xf2, 0x9f, 0x57, 0x6f, 0x4b, 0xb9, 0xa3, 0x6a, 0xd4, 0x7a, 0xf9, 0x65, 0x34, 0x6c,
];
/// Salsa20 nonce of the KDBX inner random stream.
const SALSA20_NONCE: [u8; 8] = [0xe8, 0x30, 0x09, 0x4b, 0x97, 0x20, 0x5d, 0x2a];

type HmacSha256 = Hmac<Sha256>;

/// The inner random stream: protected values are XORed with it in document order.
pub(crate) enum InnerStream {
    Plain,
    Salsa20(Box<salsa20::Salsa20>),
    ChaCha20(Box<chacha20::ChaCha20>),
}

impl InnerStream {
    /// Inner random stream ids: 0 none, 2 Salsa20 (key SHA-256(key), fixed nonce), 3 ChaCha20
    /// (key and nonce from SHA-512(key)). 1 (ArcFour variant) is not supported, as in the crate.
    pub(crate) fn new(id: u32, key: &[u8]) -> Result<Self, FormatError> {
        let failed = || corrupt("the inner random stream key is unusable");
        match id {
            0 => Ok(Self::Plain),
            2 => {
                let key = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(key)));
                salsa20::Salsa20::new_from_slices(key.as_slice(), &SALSA20_NONCE)
                    .map(|c| Self::Salsa20(Box::new(c)))
                    .map_err(|_| failed())
            }
            3 => {
                let hash = Zeroizing::new(<[u8; 64]>::from(Sha512::digest(key)));
                let (Some(k), Some(n)) = (hash.get(..32), hash.get(32..44)) else {
                    return Err(failed());
                };
                chacha20::ChaCha20::new_from_slices(k, n)
                    .map(|c| Self::ChaCha20(Box::new(c)))
                    .map_err(|_| failed())
            }
            _ => Err(corrupt(&format!("invalid inner random stream id {id}"))),
        }
    }

    /// XORs the next `buf.len()` bytes of the stream into `buf`.
    pub(crate) fn apply(&mut self, buf: &mut [u8]) {
        match self {
            Self::Plain => {}
            Self::Salsa20(c) => c.apply_keystream(buf),
            Self::ChaCha20(c) => c.apply_keystream(buf),
        }
    }
}

/// A decrypted KDBX payload.
pub(crate) struct Decrypted {
    /// The decompressed payload; the XML starts at `xml_start`.
    pub payload: Zeroizing<Vec<u8>>,
    pub xml_start: usize,
    pub inner: InnerStream,
}

/// SHA-256 over the key elements: SHA-256 of the UTF-8 password, then the key-file element.
pub(crate) fn composite_key(
    password: Option<&Secret>,
    key_file: Option<&[u8]>,
) -> Zeroizing<[u8; 32]> {
    let mut hasher = Sha256::new();
    if let Some(pw) = password {
        let hashed = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(pw.expose().as_bytes())));
        hasher.update(hashed.as_slice());
    }
    if let Some(content) = key_file {
        let element = super::keyfile::key_element(content);
        hasher.update(element.as_slice());
    }
    Zeroizing::new(hasher.finalize().into())
}

fn bad_kdf(detail: &str) -> FormatError {
    corrupt(&format!("invalid key derivation parameters ({detail})"))
}

/// Transforms the composite key. AES-KDF encrypts both halves `rounds` times with the seed
/// as AES-256 key (two blocks per call, so AES-NI pipelines them), then SHA-256.
fn transform(kdf: &Kdf<'_>, composite: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, FormatError> {
    match kdf {
        Kdf::Aes { seed, rounds } => {
            use aes::cipher::BlockCipherEncrypt;
            let cipher =
                aes::Aes256::new_from_slice(seed).map_err(|_| corrupt("decryption failed"))?;
            let mut blocks = [aes::Block::default(), aes::Block::default()];
            let [b1, b2] = &mut blocks;
            b1.copy_from_slice(composite.get(..16).unwrap_or_default());
            b2.copy_from_slice(composite.get(16..).unwrap_or_default());
            for _ in 0..*rounds {
                cipher.encrypt_blocks(&mut blocks);
            }
            let mut hasher = Sha256::new();
            for b in &mut blocks {
                hasher.update(*b);
                zeroize::Zeroize::zeroize(b.as_mut_slice());
            }
            Ok(Zeroizing::new(hasher.finalize().into()))
        }
        Kdf::Argon2 {
            variant,
            version,
            salt,
            memory,
            iterations,
            parallelism,
        } => {
            let mem_cost = u32::try_from(memory / 1024).map_err(|_| bad_kdf("memory"))?;
            let time_cost = u32::try_from(*iterations).map_err(|_| bad_kdf("iterations"))?;
            // Lanes are computed the same in either mode: one thread per lane only while
            // that is a sane number of threads.
            let threads = std::thread::available_parallelism().map_or(1, usize::from);
            let thread_mode = if *parallelism > 1
                && usize::try_from(*parallelism).is_ok_and(|p| p <= threads.max(16))
            {
                kdbx_argon2::ThreadMode::Parallel
            } else {
                kdbx_argon2::ThreadMode::Sequential
            };
            let config = kdbx_argon2::Config {
                ad: &[],
                hash_length: 32,
                lanes: *parallelism,
                mem_cost,
                secret: &[],
                thread_mode,
                time_cost,
                variant: *variant,
                version: *version,
            };
            let key = Zeroizing::new(
                kdbx_argon2::hash_raw(composite, salt, &config)
                    .map_err(|e| bad_kdf(&e.to_string()))?,
            );
            let key: [u8; 32] = key
                .as_slice()
                .try_into()
                .map_err(|_| corrupt("decryption failed"))?;
            Ok(Zeroizing::new(key))
        }
    }
}

fn sha256_of(parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    Zeroizing::new(h.finalize().into())
}

fn sha512_of(parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    Zeroizing::new(h.finalize().into())
}

/// Why the outer decryption failed.
enum OuterError {
    /// PKCS#7 padding did not check out: a wrong key for KDBX 3, corruption for KDBX 4.
    Padding,
    Other(FormatError),
}

/// Decrypts the payload in place with the outer cipher; returns the plaintext length.
fn outer_decrypt(
    cipher: &[u8],
    key: &[u8; 32],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<usize, OuterError> {
    let failed = || OuterError::Other(corrupt("decryption failed"));
    if cipher == CIPHER_AES256 {
        cbc_decrypt::<aes::Aes256>(key, iv, buf)
    } else if cipher == CIPHER_TWOFISH {
        cbc_decrypt::<twofish::Twofish>(key, iv, buf)
    } else if cipher == CIPHER_CHACHA20 {
        let mut c = chacha20::ChaCha20::new_from_slices(key, iv).map_err(|_| failed())?;
        c.apply_keystream(buf);
        Ok(buf.len())
    } else {
        Err(OuterError::Other(corrupt("unknown outer cipher")))
    }
}

/// CBC with PKCS#7 padding; bad padding is how KDBX 3.1 reports a wrong key.
fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(
    key: &[u8; 32],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<usize, OuterError> {
    cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| OuterError::Other(corrupt("decryption failed")))?
        .decrypt_padded::<Pkcs7>(buf)
        .map(<[u8]>::len)
        .map_err(|_| OuterError::Padding)
}

/// Gunzips (compression 1) or copies (0) the payload, to at most `max` bytes: an
/// authenticated file can still be a small gzip bomb. A gzip error reads as "cut short", as
/// the crate's I/O error did.
fn decompress(compression: u32, data: &[u8], max: u64) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    match compression {
        0 => Ok(Zeroizing::new(data.to_vec())),
        1 => {
            let capacity = data
                .len()
                .saturating_mul(4)
                .min(usize::try_from(max).unwrap_or(usize::MAX));
            let mut out = Zeroizing::new(Vec::with_capacity(capacity));
            flate2::read::GzDecoder::new(data)
                .take(max.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|_| corrupt("cut short"))?;
            if out.len() as u64 > max {
                return Err(FormatError::Invalid(format!(
                    "the decrypted database inflates to more than {} MiB \
                     (--max-input-size MIB raises it)",
                    max >> 20
                )));
            }
            Ok(out)
        }
        c => Err(corrupt(&format!("invalid compression algorithm {c}"))),
    }
}

/// Decrypts a KDBX 4.x file with the composite key. A wrong key is [`FormatError::WrongKey`].
pub(crate) fn decrypt_kdbx4(
    file: &Kdbx4<'_>,
    composite: &[u8; 32],
    max_inflated: u64,
) -> Result<Decrypted, FormatError> {
    let common = &file.common;
    let transformed = transform(&file.kdf, composite)?;
    let master_key = sha256_of(&[common.master_seed, transformed.as_slice()]);
    let hmac_key = sha512_of(&[common.master_seed, transformed.as_slice(), &[1]]);
    let block_key = |index: u64| sha512_of(&[&index.to_le_bytes(), hmac_key.as_slice()]);

    let mut mac = HmacSha256::new_from_slice(block_key(u64::MAX).as_slice())
        .map_err(|_| corrupt("decryption failed"))?;
    mac.update(file.header);
    if mac.verify_slice(file.header_hmac).is_err() {
        return Err(FormatError::WrongKey);
    }

    let total: usize = file.blocks.iter().map(|b| b.data.len()).sum();
    let mut encrypted = Zeroizing::new(Vec::with_capacity(total));
    for (index, block) in (0u64..).zip(&file.blocks) {
        let mut mac = HmacSha256::new_from_slice(block_key(index).as_slice())
            .map_err(|_| corrupt("decryption failed"))?;
        mac.update(&index.to_le_bytes());
        mac.update(block.size);
        mac.update(block.data);
        if mac.verify_slice(block.hmac).is_err() {
            return Err(FormatError::Invalid(format!(
                "block HMAC mismatch at block {index}: the file was tampered with or corrupted"
            )));
        }
        encrypted.extend_from_slice(block.data);
    }

    let len = outer_decrypt(common.cipher, &master_key, common.iv, &mut encrypted).map_err(
        |e| match e {
            OuterError::Padding => corrupt("decryption failed"),
            OuterError::Other(e) => e,
        },
    )?;
    let payload = decompress(
        common.compression,
        encrypted.get(..len).unwrap_or_default(),
        max_inflated,
    )?;
    drop(encrypted);

    // Inner header: (u8 id, u32 length, value) up to id 0.
    let inner_cut = || corrupt("inner header: cut short");
    let mut pos = 0usize;
    let mut stream_id = None;
    let mut stream_key: Option<&[u8]> = None;
    loop {
        let id = *payload.get(pos).ok_or_else(inner_cut)?;
        let len = payload
            .get(pos + 1..pos + 5)
            .and_then(u32_of)
            .and_then(|l| usize::try_from(l).ok())
            .ok_or_else(inner_cut)?;
        let end = (pos + 5).checked_add(len).ok_or_else(inner_cut)?;
        let value = payload.get(pos + 5..end).ok_or_else(inner_cut)?;
        pos = end;
        match id {
            0 => break,
            1 => {
                stream_id = Some(u32_of(value).ok_or_else(|| {
                    corrupt("inner header: random stream id has the wrong length")
                })?);
            }
            2 => stream_key = Some(value),
            3 if !value.is_empty() => {}
            3 => return Err(inner_cut()),
            _ => return Err(corrupt(&format!("inner header: invalid entry {id}"))),
        }
    }
    let (Some(stream_id), Some(stream_key)) = (stream_id, stream_key) else {
        return Err(corrupt("inner header: the inner random stream is missing"));
    };
    let inner = InnerStream::new(stream_id, stream_key)?;
    Ok(Decrypted {
        payload,
        xml_start: pos,
        inner,
    })
}

/// Decrypts a KDBX 3.1 file with the composite key. A wrong key is [`FormatError::WrongKey`].
pub(crate) fn decrypt_kdbx3(
    file: &Kdbx3<'_>,
    composite: &[u8; 32],
    max_inflated: u64,
) -> Result<Decrypted, FormatError> {
    let common = &file.common;
    let inner = InnerStream::new(file.stream_id, file.stream_key)?;
    let transformed = transform(&file.kdf, composite)?;
    let master_key = sha256_of(&[common.master_seed, transformed.as_slice()]);

    let mut payload = Zeroizing::new(file.payload.to_vec());
    // Bad padding after a whole number of blocks (checked by the header walk) = wrong key.
    let len =
        outer_decrypt(common.cipher, &master_key, common.iv, &mut payload).map_err(
            |e| match e {
                OuterError::Padding => FormatError::WrongKey,
                OuterError::Other(e) => e,
            },
        )?;
    let payload = payload.get(..len).unwrap_or_default();
    match payload.get(..file.stream_start.len()) {
        None => return Err(corrupt("cut short")),
        Some(start) if start != file.stream_start => return Err(FormatError::WrongKey),
        Some(_) => {}
    }

    // Hashed block stream from byte 32: (u32 index, SHA-256, u32 size, data), ended by size 0
    // with an all-zero hash. Indexes count from 0, as KeePassXC checks them.
    let cut = || corrupt("cut short");
    let altered = |what: &str| {
        FormatError::Invalid(format!("{what}: the file was tampered with or corrupted"))
    };
    let mut compressed = Zeroizing::new(Vec::with_capacity(payload.len()));
    let mut pos = 32usize;
    let mut index = 0usize;
    loop {
        let stored_index = payload.get(pos..pos + 4).and_then(u32_of).ok_or_else(cut)?;
        if usize::try_from(stored_index).ok() != Some(index) {
            return Err(altered(&format!("block {index} has index {stored_index}")));
        }
        let hash = payload.get(pos + 4..pos + 36).ok_or_else(cut)?;
        let size = payload
            .get(pos + 36..pos + 40)
            .and_then(u32_of)
            .and_then(|s| usize::try_from(s).ok())
            .ok_or_else(cut)?;
        if size == 0 {
            if hash.iter().any(|&b| b != 0) {
                return Err(altered("the final block's hash is not all zero"));
            }
            break;
        }
        let end = (pos + 40).checked_add(size).ok_or_else(cut)?;
        let block = payload.get(pos + 40..end).ok_or_else(cut)?;
        if Sha256::digest(block).as_slice() != hash {
            return Err(FormatError::Invalid(format!(
                "block hash mismatch at block {index}: the file was tampered with or corrupted"
            )));
        }
        compressed.extend_from_slice(block);
        pos = end;
        index += 1;
    }
    let xml = decompress(common.compression, &compressed, max_inflated)?;
    Ok(Decrypted {
        payload: xml,
        xml_start: 0,
        inner,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_streams_match_the_crate_constants() {
        // Salsa20 with SHA-256(key) and the KDBX nonce; ChaCha20 from SHA-512(key).
        let mut a = InnerStream::new(2, b"key").expect("salsa20");
        let mut b = InnerStream::new(3, b"key").expect("chacha20");
        let mut x = [0u8; 8];
        let mut y = [0u8; 8];
        a.apply(&mut x);
        b.apply(&mut y);
        assert_ne!(x, [0u8; 8]);
        assert_ne!(x, y);
        assert!(InnerStream::new(1, b"key").is_err());
        let mut p = InnerStream::new(0, b"").expect("plain");
        let mut z = [7u8; 3];
        p.apply(&mut z);
        assert_eq!(z, [7u8; 3]);
    }

    #[test]
    fn aes_kdf_matches_one_block_at_a_time() {
        use aes::cipher::BlockCipherEncrypt;
        let seed = [3u8; 32];
        let composite = [9u8; 32];
        let got = transform(
            &Kdf::Aes {
                seed: &seed,
                rounds: 100,
            },
            &composite,
        )
        .expect("kdf");
        let cipher = aes::Aes256::new_from_slice(&seed).expect("key");
        let mut b1 = aes::Block::default();
        let mut b2 = aes::Block::default();
        b1.copy_from_slice(&composite[..16]);
        b2.copy_from_slice(&composite[16..]);
        for _ in 0..100 {
            cipher.encrypt_block(&mut b1);
            cipher.encrypt_block(&mut b2);
        }
        let mut h = Sha256::new();
        h.update(b1);
        h.update(b2);
        assert_eq!(got.as_slice(), h.finalize().as_slice());
    }
}
