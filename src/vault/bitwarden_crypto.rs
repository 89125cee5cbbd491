//! Offline decryption of Bitwarden password-protected exports (PBKDF2 or Argon2id).
//!
//! The scheme (as in Bitwarden's clients and KeePassXC's `BitwardenReader`):
//! 1. the export's `salt` string itself (its UTF-8 bytes, not base64-decoded) salts the KDF;
//! 2. `kdfType` 0: PBKDF2-HMAC-SHA256(password, salt, iterations, 32);
//!    `kdfType` 1: Argon2id(password, SHA-256(salt), t, m MiB, p, 32);
//! 3. `enc = HKDF-Expand-SHA256(key, "enc", 32)`, `mac = HKDF-Expand-SHA256(key, "mac", 32)`;
//! 4. an EncString `2.<iv b64>|<ct b64>|<mac b64>` is authenticated with
//!    HMAC-SHA256(mac, iv ‖ ct) and then decrypted with AES-256-CBC/PKCS#7.
//!
//! KDF parameters come from an untrusted file, so they are bounded before any work is done.
//! Every derived key and plaintext lives in a zeroizing buffer.

use super::FormatError;
use aes::Aes256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

type HmacSha256 = hmac::Hmac<Sha256>;

/// Highest PBKDF2 iteration count accepted (Bitwarden's clients allow up to 2,000,000).
pub const MAX_PBKDF2_ITERATIONS: u32 = 5_000_000;
/// Highest Argon2id iteration count accepted (Bitwarden allows up to 10).
pub const MAX_ARGON2_ITERATIONS: u32 = 32;
/// Highest Argon2id memory accepted, in MiB (Bitwarden allows up to 1024).
pub const MAX_ARGON2_MEMORY_MIB: u32 = 1024;
/// Highest Argon2id parallelism accepted (Bitwarden allows up to 16).
pub const MAX_ARGON2_PARALLELISM: u32 = 16;

/// The key-derivation function of a password-protected export, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kdf {
    /// `kdfType` 0.
    Pbkdf2 {
        /// `kdfIterations`.
        iterations: u32,
    },
    /// `kdfType` 1.
    Argon2id {
        /// `kdfIterations` (time cost).
        iterations: u32,
        /// `kdfMemory`, in MiB.
        memory_mib: u32,
        /// `kdfParallelism`.
        parallelism: u32,
    },
}

impl Kdf {
    /// Builds the KDF from the export's `kdfType`, `kdfIterations`, `kdfMemory` and
    /// `kdfParallelism`, rejecting values that are missing, unknown or absurd (they would
    /// hang the program or exhaust memory).
    pub fn from_export(
        kdf_type: Option<i64>,
        iterations: Option<i64>,
        memory: Option<i64>,
        parallelism: Option<i64>,
    ) -> Result<Self, FormatError> {
        let bounded = |what: &str, value: Option<i64>, min: u32, max: u32| {
            let v = value.ok_or_else(|| {
                FormatError::Invalid(format!("password-protected Bitwarden export lacks {what}"))
            })?;
            if v < i64::from(min) || v > i64::from(max) {
                return Err(FormatError::Invalid(format!(
                    "password-protected Bitwarden export: {what} {v} is outside {min}..={max}"
                )));
            }
            // In range of u32 by the check above.
            Ok(u32::try_from(v).unwrap_or(max))
        };
        match kdf_type {
            Some(0) => Ok(Kdf::Pbkdf2 {
                iterations: bounded("kdfIterations", iterations, 1, MAX_PBKDF2_ITERATIONS)?,
            }),
            Some(1) => Ok(Kdf::Argon2id {
                iterations: bounded("kdfIterations", iterations, 1, MAX_ARGON2_ITERATIONS)?,
                memory_mib: bounded("kdfMemory", memory, 1, MAX_ARGON2_MEMORY_MIB)?,
                parallelism: bounded("kdfParallelism", parallelism, 1, MAX_ARGON2_PARALLELISM)?,
            }),
            Some(other) => Err(FormatError::Unsupported(format!(
                "password-protected Bitwarden export uses unknown kdfType {other}"
            ))),
            None => Err(FormatError::Invalid(
                "password-protected Bitwarden export lacks kdfType".to_owned(),
            )),
        }
    }

    /// `kdfType` as written in the export.
    pub fn type_code(self) -> u8 {
        match self {
            Kdf::Pbkdf2 { .. } => 0,
            Kdf::Argon2id { .. } => 1,
        }
    }
}

/// The two 32-byte keys stretched from the file password. Wiped on drop; `Debug` redacted.
pub struct Keys {
    enc: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

/// Derives the encryption and MAC keys from the file password and the export's salt string.
pub fn derive_keys(password: &[u8], salt: &str, kdf: Kdf) -> Result<Keys, FormatError> {
    let mut master = Zeroizing::new([0u8; 32]);
    match kdf {
        Kdf::Pbkdf2 { iterations } => {
            pbkdf2::pbkdf2_hmac::<Sha256>(password, salt.as_bytes(), iterations, &mut *master);
        }
        Kdf::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        } => {
            let salt_hash = Sha256::digest(salt.as_bytes());
            let params = argon2::Params::new(
                memory_mib.saturating_mul(1024),
                iterations,
                parallelism,
                Some(32),
            )
            .map_err(|e| {
                FormatError::Invalid(format!(
                    "password-protected Bitwarden export: bad Argon2id parameters ({e})"
                ))
            })?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(password, &salt_hash, &mut *master)
                .map_err(|e| {
                    FormatError::Invalid(format!(
                        "password-protected Bitwarden export: Argon2id failed ({e})"
                    ))
                })?;
        }
    }
    let hk = hkdf::Hkdf::<Sha256>::from_prk(&*master)
        .map_err(|_| FormatError::Invalid("key derivation failed".to_owned()))?;
    let mut enc = Zeroizing::new([0u8; 32]);
    let mut mac = Zeroizing::new([0u8; 32]);
    hk.expand(b"enc", &mut *enc)
        .and_then(|()| hk.expand(b"mac", &mut *mac))
        .map_err(|_| FormatError::Invalid("key derivation failed".to_owned()))?;
    Ok(Keys { enc, mac })
}

/// Why an EncString could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// Not a well-formed type-2 EncString (`2.iv|ct|mac`); says what was wrong.
    Malformed(&'static str),
    /// The MAC does not match: wrong password, or the data was altered.
    BadMac,
    /// The MAC matched but the padding is wrong (cannot happen with an honest writer).
    BadPadding,
}

struct EncString {
    iv: [u8; 16],
    ct: Vec<u8>,
    mac: [u8; 32],
}

fn parse_enc_string(s: &str) -> Result<EncString, DecryptError> {
    let body = s
        .trim()
        .strip_prefix("2.")
        .ok_or(DecryptError::Malformed("not a type-2 EncString"))?;
    let mut parts = body.split('|');
    let (Some(iv), Some(ct), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DecryptError::Malformed("EncString needs iv|data|mac"));
    };
    let iv: [u8; 16] = B64
        .decode(iv)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(DecryptError::Malformed("bad IV"))?;
    let mac: [u8; 32] = B64
        .decode(mac)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(DecryptError::Malformed("bad MAC"))?;
    let ct = B64
        .decode(ct)
        .map_err(|_| DecryptError::Malformed("bad base64 in data"))?;
    if ct.is_empty() || ct.len() % 16 != 0 {
        return Err(DecryptError::Malformed("data is not whole AES blocks"));
    }
    Ok(EncString { iv, ct, mac })
}

fn mac_for(keys: &Keys, iv: &[u8], ct: &[u8]) -> Result<HmacSha256, DecryptError> {
    // HMAC accepts keys of any length, so this does not fail for a 32-byte key.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(&*keys.mac)
        .map_err(|_| DecryptError::Malformed("bad MAC key length"))?;
    m.update(iv);
    m.update(ct);
    Ok(m)
}

/// Authenticates and decrypts a type-2 EncString. The plaintext is wiped on drop.
pub fn decrypt(enc_string: &str, keys: &Keys) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let parsed = parse_enc_string(enc_string)?;
    mac_for(keys, &parsed.iv, &parsed.ct)?
        .verify_slice(&parsed.mac)
        .map_err(|_| DecryptError::BadMac)?;
    let mut buf = Zeroizing::new(parsed.ct);
    let len = cbc::Decryptor::<Aes256>::new_from_slices(&*keys.enc, &parsed.iv)
        .map_err(|_| DecryptError::Malformed("bad key or IV length"))?
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| DecryptError::BadPadding)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Encrypts `plaintext` as a type-2 EncString (the inverse of [`decrypt`]).
pub fn encrypt(plaintext: &[u8], keys: &Keys, iv: [u8; 16]) -> String {
    let mut buf = Zeroizing::new(vec![0u8; plaintext.len() + 16]);
    buf[..plaintext.len()].copy_from_slice(plaintext);
    let ct_len = match cbc::Encryptor::<Aes256>::new_from_slices(&*keys.enc, &iv) {
        Ok(c) => c
            .encrypt_padded::<Pkcs7>(&mut buf, plaintext.len())
            .map(<[u8]>::len)
            .unwrap_or(0),
        Err(_) => 0,
    };
    let ct = &buf[..ct_len];
    let mac = mac_for(keys, &iv, ct)
        .map(|m| m.finalize().into_bytes().to_vec())
        .unwrap_or_default();
    format!(
        "2.{}|{}|{}",
        B64.encode(iv),
        B64.encode(ct),
        B64.encode(mac)
    )
}

/// Builds a complete password-protected Bitwarden export around `plaintext` (an unencrypted
/// export document), as `bw export --format encrypted_json --password` does. Used by tests,
/// benchmarks and fixture generators; the IVs are given so the output is reproducible.
pub fn encrypt_export(
    plaintext: &[u8],
    password: &str,
    salt: &str,
    kdf: Kdf,
    ivs: [[u8; 16]; 2],
) -> Result<String, FormatError> {
    let keys = derive_keys(password.as_bytes(), salt, kdf)?;
    let validation = encrypt(b"ae5c7a4b-1ad5-4b0e-9a5b-3f5c5e0d7a1f", &keys, ivs[0]);
    let data = encrypt(plaintext, &keys, ivs[1]);
    let (iterations, memory, parallelism) = match kdf {
        Kdf::Pbkdf2 { iterations } => (iterations, None, None),
        Kdf::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        } => (iterations, Some(memory_mib), Some(parallelism)),
    };
    let doc = serde_json::json!({
        "encrypted": true,
        "passwordProtected": true,
        "salt": salt,
        "kdfType": kdf.type_code(),
        "kdfIterations": iterations,
        "kdfMemory": memory,
        "kdfParallelism": parallelism,
        "encKeyValidation_DO_NOT_EDIT": validation,
        "data": data,
    });
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Kdf = Kdf::Pbkdf2 { iterations: 10 };

    #[test]
    fn round_trip() {
        let keys = derive_keys(b"pw", "c2FsdA==", CHEAP).unwrap();
        for len in [0usize, 1, 15, 16, 17, 100] {
            let pt = vec![b'x'; len];
            let s = encrypt(&pt, &keys, [7; 16]);
            assert_eq!(decrypt(&s, &keys).unwrap().as_slice(), pt.as_slice());
        }
    }

    #[test]
    fn wrong_key_is_bad_mac() {
        let keys = derive_keys(b"pw", "salt", CHEAP).unwrap();
        let other = derive_keys(b"pw2", "salt", CHEAP).unwrap();
        let s = encrypt(b"hello", &keys, [1; 16]);
        assert_eq!(decrypt(&s, &other).unwrap_err(), DecryptError::BadMac);
    }

    #[test]
    fn tampered_is_bad_mac() {
        let keys = derive_keys(b"pw", "salt", CHEAP).unwrap();
        let s = encrypt(b"hello world, sixteen+", &keys, [1; 16]);
        let mut parts: Vec<String> = s.split('|').map(str::to_owned).collect();
        let mut ct = B64.decode(&parts[1]).unwrap();
        ct[0] ^= 1;
        parts[1] = B64.encode(ct);
        assert_eq!(
            decrypt(&parts.join("|"), &keys).unwrap_err(),
            DecryptError::BadMac
        );
    }

    #[test]
    fn malformed_enc_strings() {
        let keys = derive_keys(b"pw", "salt", CHEAP).unwrap();
        for s in [
            "",
            "2.",
            "0.abc|def",
            "2.a|b",
            "2.a|b|c|d",
            "2.!!!|AAAA|AAAA",
            "2.AAAAAAAAAAAAAAAAAAAAAA==||AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            assert!(
                matches!(decrypt(s, &keys), Err(DecryptError::Malformed(_))),
                "{s}"
            );
        }
    }

    #[test]
    fn kdf_bounds() {
        assert!(Kdf::from_export(Some(0), Some(600_000), None, None).is_ok());
        assert!(Kdf::from_export(Some(0), Some(0), None, None).is_err());
        assert!(Kdf::from_export(Some(0), Some(i64::MAX), None, None).is_err());
        assert!(Kdf::from_export(Some(0), None, None, None).is_err());
        assert!(Kdf::from_export(Some(1), Some(3), Some(64), Some(4)).is_ok());
        assert!(Kdf::from_export(Some(1), Some(3), Some(1 << 20), Some(4)).is_err());
        assert!(Kdf::from_export(Some(1), Some(3), Some(64), Some(1000)).is_err());
        assert!(Kdf::from_export(Some(1), Some(3), None, Some(4)).is_err());
        assert!(matches!(
            Kdf::from_export(Some(7), Some(3), None, None),
            Err(FormatError::Unsupported(_))
        ));
    }

    #[test]
    fn argon2id_round_trip() {
        let kdf = Kdf::Argon2id {
            iterations: 1,
            memory_mib: 1,
            parallelism: 1,
        };
        let keys = derive_keys(b"pw", "salt", kdf).unwrap();
        let s = encrypt(b"data", &keys, [3; 16]);
        assert_eq!(decrypt(&s, &keys).unwrap().as_slice(), b"data");
    }

    #[test]
    fn keys_debug_is_redacted() {
        let keys = derive_keys(b"pw", "salt", CHEAP).unwrap();
        assert_eq!(format!("{keys:?}"), "Keys(<redacted>)");
    }
}
