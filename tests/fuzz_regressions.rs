//! Regression tests for what the fuzz targets (fuzz/) found. Each test names the target and
//! carries the (minimized) input inline or builds it from a committed fixture.

use credaudit::vault::{FormatError, Vault};
use sha2::{Digest, Sha256};

// The fuzz targets' own reader call, so a regression runs exactly what the target ran.
#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod common;
use common::read;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn u32_le(b: &[u8], pos: usize) -> usize {
    let v: [u8; 4] = b[pos..pos + 4].try_into().unwrap();
    u32::from_le_bytes(v) as usize
}

/// Rewrites the u64 KDF parameter `key` in a KDBX 4 file's KDF dictionary and fixes the
/// header SHA-256, as an attacker would (nothing keyed protects the header before the KDF).
fn set_kdbx4_kdf_param(file: &[u8], key: &[u8], value: u64) -> Vec<u8> {
    let mut out = file.to_vec();
    let mut pos = 12;
    let mut found = false;
    loop {
        let id = out[pos];
        let len = u32_le(&out, pos + 1);
        let start = pos + 5;
        if id == 11 {
            let mut p = start + 2;
            while out[p] != 0 {
                let key_len = u32_le(&out, p + 1);
                let k = &out[p + 5..p + 5 + key_len];
                let value_len_pos = p + 5 + key_len;
                let value_len = u32_le(&out, value_len_pos);
                if k == key {
                    assert_eq!(value_len, 8, "not a u64 parameter");
                    out[value_len_pos + 4..value_len_pos + 12]
                        .copy_from_slice(&value.to_le_bytes());
                    found = true;
                }
                p = value_len_pos + 4 + value_len;
            }
        }
        pos = start + len;
        if id == 0 {
            break;
        }
    }
    assert!(found, "no KDF parameter {key:?} in the fixture");
    let digest = Sha256::digest(&out[..pos]);
    out[pos..pos + 32].copy_from_slice(&digest);
    out
}

fn assert_refused(result: Result<Vault, FormatError>, what: &str) {
    match result {
        Err(FormatError::Invalid(msg)) => {
            assert!(msg.contains(what), "unexpected message: {msg}");
            assert!(msg.contains("refusing"), "unexpected message: {msg}");
        }
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the file opened"),
    }
}

/// kdbx_header: a KDBX 4 header (with a recomputed SHA-256) asking for 2^40 AES-KDF rounds
/// made the reader run the key derivation for days before the HMAC could reject the file.
#[test]
fn kdbx4_absurd_aes_rounds_are_refused() {
    let file = set_kdbx4_kdf_param(&fixture("kdbx/keyfile-only.kdbx"), b"R", 1 << 40);
    assert_refused(read(&file, None, Some("a")), "AES-KDF rounds");
    // No password given: the header alone is refused too.
    assert_refused(read(&file, None, None), "AES-KDF rounds");
}

/// kdbx_header: the same with 2^40 Argon2 passes.
#[test]
fn kdbx4_absurd_argon2_passes_are_refused() {
    let file = set_kdbx4_kdf_param(&fixture("kdbx/password.kdbx"), b"I", 1 << 40);
    assert_refused(
        read(&file, None, Some("credaudit-fixture")),
        "Argon2 passes",
    );
}

/// kdbx_header: Argon2 work is passes x memory; 1 GiB x 100 passes is over the cap.
#[test]
fn kdbx4_argon2_work_is_bounded() {
    let file = set_kdbx4_kdf_param(&fixture("kdbx/password.kdbx"), b"M", 1 << 30);
    let file = set_kdbx4_kdf_param(&file, b"I", 100);
    assert_refused(read(&file, None, Some("a")), "Argon2 passes");
}

/// The caps leave real parameters alone: the fixtures still open.
#[test]
fn kdbx4_ordinary_parameters_still_open() {
    let vault = read(
        &fixture("kdbx/password.kdbx"),
        None,
        Some("credaudit-fixture"),
    )
    .expect("fixture opens");
    assert!(!vault.entries.is_empty());
    // 2^20 rounds is ordinary: the file is not refused for its header (the key is wrong).
    let file = set_kdbx4_kdf_param(&fixture("kdbx/keyfile-only.kdbx"), b"R", 1 << 10);
    assert!(matches!(
        read(&file, None, Some("a")),
        Err(FormatError::WrongKey)
    ));
}

/// A KDBX 3.1 outer header with the given transform rounds and one AES block of payload.
fn kdbx3_with_rounds(rounds: u64) -> Vec<u8> {
    let mut h = vec![
        0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5, 0x01, 0x00, 0x03, 0x00,
    ];
    let mut field = |id: u8, value: &[u8]| {
        h.push(id);
        h.extend_from_slice(&(value.len() as u16).to_le_bytes());
        h.extend_from_slice(value);
    };
    // AES-256-CBC cipher UUID
    field(
        2,
        &[
            0x31, 0xc1, 0xf2, 0xe6, 0xbf, 0x71, 0x43, 0x50, 0xbe, 0x58, 0x05, 0x21, 0x6a, 0xfc,
            0x5a, 0xff,
        ],
    );
    field(3, &[0, 0, 0, 0]);
    field(4, &[1; 32]);
    field(5, &[2; 32]);
    field(6, &rounds.to_le_bytes());
    field(7, &[3; 16]);
    field(8, &[4; 32]);
    field(9, &[5; 32]);
    field(10, &[2, 0, 0, 0]);
    field(0, b"\r\n\r\n");
    h.extend_from_slice(&[0; 16]);
    h
}

/// kdbx_header: KDBX 3 has no check at all before the key derivation.
#[test]
fn kdbx3_absurd_transform_rounds_are_refused() {
    assert_refused(
        read(&kdbx3_with_rounds(1 << 40), None, Some("a")),
        "AES-KDF rounds",
    );
    // Few rounds: the header passes, the (garbage) payload is a wrong key or corrupt.
    assert!(!matches!(
        read(&kdbx3_with_rounds(10), None, Some("a")),
        Err(FormatError::Invalid(m)) if m.contains("refusing")
    ));
}

/// kdbx_header: a KeePass 1 header with u32::MAX (4.3 billion) transform rounds.
#[test]
fn kdb_absurd_transform_rounds_are_refused() {
    let mut h = vec![0x03, 0xd9, 0xa2, 0x9a, 0x65, 0xfb, 0x4b, 0xb5];
    h.extend_from_slice(&3u32.to_le_bytes()); // flags: SHA-2 + AES
    h.extend_from_slice(&0x0003_0004u32.to_le_bytes()); // version
    h.resize(120, 7); // seeds, IV, counts, content hash, transform seed
    h.extend_from_slice(&u32::MAX.to_le_bytes());
    h.extend_from_slice(&[0; 16]);
    assert_refused(read(&h, None, Some("a")), "AES-KDF rounds");
}

/// key_file (issue 11 campaign): a damaged XML v2 key file whose key data came out empty was
/// accepted, adding an empty element to the composite key; KeePassXC refuses it.
#[test]
fn xml_key_file_with_empty_key_data_is_refused() {
    let damaged = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<KeyFile>\n\t<Meta>\n\t\x08<Version>2.0</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data Hash7EBBDC7\n\t\t\t10409B95 ABAD3502 F9DEC2F4 2F9DC4B6\n\tcoding=\"utf-8\"?>\r\n<KeyFile>";
    let empty_v1 =
        b"<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data> </Data></Key></KeyFile>";
    for bytes in [&damaged[..], &empty_v1[..]] {
        match credaudit::vault::keepass::fuzzing::key_file(bytes) {
            Err(FormatError::BadKeyFile(msg)) => assert!(!msg.contains('\n'), "{msg}"),
            other => panic!("expected a bad key file, got {other:?}"),
        }
    }
}
