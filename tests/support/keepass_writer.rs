//! A small, deterministic KeePass writer for tests, fixtures and benchmarks: one database
//! description written as a KeePass XML export, as KDBX 3.1, as KDBX 4.0/4.1 and as KeePass
//! 1 (`.kdb`), so the same content can be read through every path.
//!
//! Shared by `tests/kdbx.rs`, `examples/gen_kdbx.rs` and `benches/kdbx.rs` (included by
//! path). Seeds and IVs are derived from a label, so the same call gives the same bytes and
//! committed fixtures can be checked against a fresh build. It writes what KeePassXC writes
//! (protected passwords, history copies, `Meta/HeaderHash` for KDBX 3.1, base64 times for
//! KDBX 4); the `keepass` crate reads every KDBX it writes (see `tests/kdbx.rs`).
#![allow(dead_code)]

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use base64::Engine as _;
use cbc::cipher::{KeyIvInit, StreamCipher};
use hmac::Mac;
use sha2::{Digest, Sha256, Sha512};
use std::fmt::Write as _;
use std::io::Write as _;

/// One version of an entry: its password and when it was saved (Unix seconds).
#[derive(Clone)]
pub struct Version {
    pub password: String,
    pub modified: i64,
}

#[derive(Clone)]
pub struct Item {
    /// Entry UUID; `None` writes no `<UUID>` element.
    pub uuid: Option<u128>,
    pub title: String,
    pub username: String,
    pub url: String,
    pub password: String,
    /// Further string fields (custom fields, notes), written unprotected.
    pub extra: Vec<(String, String)>,
    /// Custom string fields written protected (`Protected="True"` in a KDBX,
    /// `ProtectInMemory="True"` in an export), as KeePassXC writes a field marked hidden.
    pub protected: Vec<(String, String)>,
    pub created: i64,
    pub modified: i64,
    /// Older versions, oldest first, as KeePass writes them.
    pub history: Vec<Version>,
    pub quality_check: bool,
}

impl Item {
    pub fn new(uuid: u128, title: &str, username: &str, password: &str) -> Self {
        Self {
            uuid: Some(uuid),
            title: title.to_owned(),
            username: username.to_owned(),
            url: String::new(),
            password: password.to_owned(),
            extra: Vec::new(),
            protected: Vec::new(),
            created: DAY_2020,
            modified: DAY_2020,
            history: Vec::new(),
            quality_check: true,
        }
    }
}

#[derive(Clone)]
pub struct Group {
    pub uuid: u128,
    pub name: String,
    pub items: Vec<Item>,
    pub groups: Vec<Group>,
}

impl Group {
    pub fn new(uuid: u128, name: &str) -> Self {
        Self {
            uuid,
            name: name.to_owned(),
            items: Vec::new(),
            groups: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    pub root: Group,
    /// UUID of the recycle bin group, when there is one.
    pub recycle_bin: Option<u128>,
}

/// 2020-01-01T00:00:00Z.
pub const DAY_2020: i64 = 1_577_836_800;
const DAY: i64 = 86_400;

/// The database of the cross-format fixtures: reuse, a near variant, history with a
/// password that comes back, a `{REF:` history item, whitespace-significant values, an
/// entry without UUID, a recycle bin, a `QualityCheck=False` entry and extra URLs.
pub fn sample_db() -> Db {
    let mut mail = Item::new(1, "Mail", "alice@example.com", "Tulip#2003");
    mail.url = "https://mail.example.com".into();
    mail.extra = vec![
        ("URL_1".into(), "https://webmail.example.com".into()),
        ("Notes".into(), "multi\nline & <notes>".into()),
    ];
    mail.created = DAY_2020;
    mail.modified = DAY_2020 + 5 * DAY;
    // The example: a@1, b@3, a@4, current c@5.
    mail.history = vec![
        version("Tulip#2001", DAY_2020 + DAY),
        version("Tulip#2002", DAY_2020 + 3 * DAY),
        version(
            "{REF:P@I:00000000000000000000000000000009}",
            DAY_2020 + 3 * DAY + 1,
        ),
        version("Tulip#2001", DAY_2020 + 4 * DAY),
    ];
    let mut shop = Item::new(2, "Rakuma", "alice", "Tulip#2001");
    shop.url = "https://fril.jp/login".into();
    let mut spaced = Item::new(3, "Spaced", " alice ", "  pass word\t");
    spaced.url = "http://router.local/".into();
    let mut bank = Item::new(4, "Bank", "alice", "Bank-pw-42");
    bank.quality_check = false;
    bank.extra = vec![(
        "otp".into(),
        "otpauth://totp/Bank?secret=JBSWY3DPEHPK3PXP".into(),
    )];
    let mut no_uuid = Item::new(0, "Forum", "alice_f", "123456");
    no_uuid.uuid = None;
    let gone = Item::new(6, "Old shop", "alice", "Tulip#2003");

    let mut root = Group::new(100, "Passwords");
    root.items = vec![mail, shop];
    let mut finance = Group::new(101, "Finance");
    finance.items = vec![bank, spaced];
    let mut forums = Group::new(103, "Forums");
    forums.items = vec![no_uuid];
    let mut internet = Group::new(102, "Internet");
    internet.groups = vec![forums];
    let mut bin = Group::new(104, "Recycle Bin");
    bin.items = vec![gone];
    root.groups = vec![finance, internet, bin];
    Db {
        root,
        recycle_bin: Some(104),
    }
}

/// `entries` logins in groups of 50, every tenth with 3 history versions (the benchmark).
pub fn large_db(entries: usize) -> Db {
    let mut root = Group::new(1, "Root");
    for (g, start) in (0..entries).step_by(50).enumerate() {
        let mut group = Group::new(1_000_000 + g as u128, &format!("Group {g}"));
        for n in start..(start + 50).min(entries) {
            let mut e = Item::new(
                n as u128 + 1,
                &format!("Account {n}"),
                &format!("user{n}@example.com"),
                &format!("pw-{n}-Zr8#k2"),
            );
            e.url = format!("https://site{n}.example.com/login");
            e.extra = vec![("Notes".into(), "some notes about this account".into())];
            if n % 10 == 0 {
                e.history = (0..3)
                    .map(|v| version(&format!("old-{n}-{v}-Xq9!"), DAY_2020 - (3 - v) * DAY))
                    .collect();
            }
            group.items.push(e);
        }
        root.groups.push(group);
    }
    Db {
        root,
        recycle_bin: None,
    }
}

pub fn version(password: &str, modified: i64) -> Version {
    Version {
        password: password.to_owned(),
        modified,
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures

/// Master password of the writer's fixtures.
pub const WRITER_PASSWORD: &str = "credaudit-writer";
/// The key-file element of `kdbx31-keyfile-only.kdbx` (`kdbx31-keyfile-only.keyx`).
pub const WRITER_KEY: [u8; 32] = *b"credaudit writer key file bytes!";

fn writer_key() -> Key<'static> {
    Key {
        password: Some(WRITER_PASSWORD),
        key_file: None,
    }
}

/// The fixtures `examples/gen_kdbx.rs` commits under `fixtures/kdbx/`, by file name: the
/// sample database as KDBX 3.1 (AES-KDF), 4.0 (AES-KDF), 4.1 (Argon2id), KDBX 3.1 with a key
/// file only, XML export and KeePass 1, all with cheap key derivations.
pub fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let db = sample_db();
    vec![
        ("kdbx31.kdbx", kdbx3(&db, writer_key(), 1_000, "kdbx31")),
        (
            "kdbx40.kdbx",
            kdbx4(&db, writer_key(), Kdf4::Aes { rounds: 1_000 }, 0, "kdbx40"),
        ),
        (
            "kdbx41.kdbx",
            kdbx4(
                &db,
                writer_key(),
                Kdf4::Argon2id {
                    memory_kib: 1024,
                    passes: 1,
                },
                1,
                "kdbx41",
            ),
        ),
        (
            "kdbx31-keyfile-only.kdbx",
            kdbx3(
                &db,
                Key {
                    password: None,
                    key_file: Some(&WRITER_KEY),
                },
                1_000,
                "kdbx31-keyfile-only",
            ),
        ),
        (
            "kdbx31-keyfile-only.keyx",
            keyx_v2(&WRITER_KEY).into_bytes(),
        ),
        ("sample-export.xml", export_xml(&db).into_bytes()),
        ("kdb1.kdb", kdb(&db, WRITER_PASSWORD, 1_000, "kdb1")),
    ]
}

// ---------------------------------------------------------------------------------------
// XML

/// How times are written: ISO 8601 (KDBX 3.1, KeePass exports) or base64 seconds since
/// 0001-01-01 (KDBX 4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Times {
    Iso,
    Base64,
}

fn time(t: i64, times: Times) -> String {
    match times {
        Times::Iso => chrono::DateTime::from_timestamp(t, 0)
            .expect("valid time")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        Times::Base64 => {
            base64::engine::general_purpose::STANDARD.encode((t + 62_135_596_800).to_le_bytes())
        }
    }
}

fn uuid(u: u128) -> String {
    base64::engine::general_purpose::STANDARD.encode(u.to_be_bytes())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Protected values: plain in an export, base64 of the XOR with the inner stream in a KDBX.
enum Protect<'a> {
    Export,
    Stream(&'a mut dyn FnMut(&mut [u8])),
}

struct XmlWriter<'a> {
    out: String,
    times: Times,
    protect: Protect<'a>,
    /// Memory protection off (KeePassXC: Database settings, Security): every value is plain
    /// `<Value>` text, passwords included.
    unprotected: bool,
}

impl XmlWriter<'_> {
    fn string(&mut self, key: &str, value: &str, protected: bool) {
        let protected = protected && !self.unprotected;
        let value = match (&mut self.protect, protected) {
            (Protect::Stream(apply), true) => {
                let mut bytes = value.as_bytes().to_vec();
                apply(&mut bytes);
                let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                format!("<Value Protected=\"True\">{b64}</Value>")
            }
            (Protect::Export, true) => {
                format!("<Value ProtectInMemory=\"True\">{}</Value>", escape(value))
            }
            (_, false) => format!("<Value>{}</Value>", escape(value)),
        };
        let _ = write!(
            self.out,
            "<String><Key>{}</Key>{value}</String>",
            escape(key)
        );
    }

    fn times(&mut self, created: i64, modified: i64) {
        let _ = write!(
            self.out,
            "<Times><CreationTime>{}</CreationTime><LastModificationTime>{}</LastModificationTime></Times>",
            time(created, self.times),
            time(modified, self.times)
        );
    }

    fn entry(&mut self, e: &Item) {
        self.out.push_str("<Entry>");
        if let Some(u) = e.uuid {
            let _ = write!(self.out, "<UUID>{}</UUID>", uuid(u));
        }
        if !e.quality_check {
            self.out.push_str("<QualityCheck>False</QualityCheck>");
        }
        self.times(e.created, e.modified);
        self.string("Title", &e.title, false);
        self.string("UserName", &e.username, false);
        self.string("Password", &e.password, true);
        self.string("URL", &e.url, false);
        for (k, v) in &e.extra {
            self.string(k, v, false);
        }
        for (k, v) in &e.protected {
            self.string(k, v, true);
        }
        if !e.history.is_empty() {
            self.out.push_str("<History>");
            for v in &e.history {
                self.out.push_str("<Entry>");
                if let Some(u) = e.uuid {
                    let _ = write!(self.out, "<UUID>{}</UUID>", uuid(u));
                }
                self.times(e.created, v.modified);
                self.string("Title", &e.title, false);
                self.string("UserName", &e.username, false);
                self.string("Password", &v.password, true);
                self.out.push_str("</Entry>");
            }
            self.out.push_str("</History>");
        }
        self.out.push_str("</Entry>\n");
    }

    fn group(&mut self, g: &Group) {
        let _ = writeln!(
            self.out,
            "<Group><UUID>{}</UUID><Name>{}</Name>",
            uuid(g.uuid),
            escape(&g.name)
        );
        for e in &g.items {
            self.entry(e);
        }
        for sub in &g.groups {
            self.group(sub);
        }
        self.out.push_str("</Group>\n");
    }

    fn document(mut self, db: &Db, header_hash: Option<&[u8; 32]>) -> String {
        self.out.push_str(
            "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<KeePassFile>\n<Meta><Generator>credaudit keepass_writer</Generator>",
        );
        if let Some(h) = header_hash {
            let _ = write!(
                self.out,
                "<HeaderHash>{}</HeaderHash>",
                base64::engine::general_purpose::STANDARD.encode(h)
            );
        }
        if let Some(bin) = db.recycle_bin {
            let _ = write!(
                self.out,
                "<RecycleBinEnabled>True</RecycleBinEnabled><RecycleBinUUID>{}</RecycleBinUUID>",
                uuid(bin)
            );
        }
        self.out.push_str("</Meta>\n<Root>\n");
        self.group(&db.root);
        self.out.push_str("</Root>\n</KeePassFile>\n");
        self.out
    }
}

/// The database as KeePass / KeePassXC export it to XML (plain values, ISO times).
pub fn export_xml(db: &Db) -> String {
    XmlWriter {
        out: String::new(),
        times: Times::Iso,
        protect: Protect::Export,
        unprotected: false,
    }
    .document(db, None)
}

// ---------------------------------------------------------------------------------------
// Keys and crypto

/// The credentials a file is written for: a master password and/or a key-file element
/// (the 32 bytes an XML v2 or binary key file yields).
#[derive(Clone, Copy)]
pub struct Key<'a> {
    pub password: Option<&'a str>,
    pub key_file: Option<&'a [u8; 32]>,
}

impl Key<'_> {
    fn elements(&self) -> Vec<[u8; 32]> {
        let mut out = Vec::new();
        if let Some(pw) = self.password {
            out.push(Sha256::digest(pw.as_bytes()).into());
        }
        if let Some(k) = self.key_file {
            out.push(*k);
        }
        out
    }

    fn composite(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for e in self.elements() {
            h.update(e);
        }
        h.finalize().into()
    }
}

/// An XML v2 key file (`.keyx`) holding `key`, with its `Hash` attribute.
pub fn keyx_v2(key: &[u8; 32]) -> String {
    let hash: String = Sha256::digest(key)
        .iter()
        .take(4)
        .map(|b| format!("{b:02X}"))
        .collect();
    let hex: Vec<String> = key
        .chunks(4)
        .map(|c| c.iter().map(|b| format!("{b:02X}")).collect())
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>2.0</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data Hash=\"{hash}\">\n\t\t\t{}\n\t\t\t{}\n\t\t</Data>\n\t</Key>\n</KeyFile>\n",
        hex[..4].join(" "),
        hex[4..].join(" ")
    )
}

/// Deterministic "random" bytes for seeds and IVs.
fn seeded(label: &str, what: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut counter = 0u32;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(what.as_bytes());
        h.update(counter.to_le_bytes());
        out.extend_from_slice(&h.finalize());
        counter += 1;
    }
    out.truncate(len);
    out
}

fn aes_kdf(composite: &[u8; 32], seed: &[u8], rounds: u64) -> [u8; 32] {
    let cipher = aes::Aes256::new_from_slice(seed).expect("32-byte seed");
    let mut blocks = [aes::Block::default(), aes::Block::default()];
    blocks[0].copy_from_slice(&composite[..16]);
    blocks[1].copy_from_slice(&composite[16..]);
    for _ in 0..rounds {
        cipher.encrypt_blocks(&mut blocks);
    }
    let mut h = Sha256::new();
    h.update(blocks[0]);
    h.update(blocks[1]);
    h.finalize().into()
}

/// AES-256-CBC with PKCS#7 padding.
fn aes_cbc(key: &[u8; 32], iv: &[u8], data: &[u8]) -> Vec<u8> {
    let cipher = aes::Aes256::new_from_slice(key).expect("32-byte key");
    let pad = 16 - data.len() % 16;
    let mut buf = data.to_vec();
    buf.extend(std::iter::repeat_n(pad as u8, pad));
    let mut prev = aes::Block::default();
    prev.copy_from_slice(iv);
    for chunk in buf.chunks_mut(16) {
        let mut block = aes::Block::default();
        for (b, (c, p)) in block.iter_mut().zip(chunk.iter().zip(prev.iter())) {
            *b = c ^ p;
        }
        cipher.encrypt_block(&mut block);
        chunk.copy_from_slice(&block);
        prev = block;
    }
    buf
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

/// How wide the length of a header field is: `u16` in KDBX 3.1, `u32` in KDBX 4.
enum LengthWidth {
    U16,
    U32,
}

/// Appends header fields as KDBX writes them: one id byte, the value's length, the value.
fn push_fields(out: &mut Vec<u8>, width: LengthWidth, fields: &[(u8, &[u8])]) {
    for (id, value) in fields {
        out.push(*id);
        match width {
            LengthWidth::U16 => out.extend_from_slice(&(value.len() as u16).to_le_bytes()),
            LengthWidth::U32 => out.extend_from_slice(&(value.len() as u32).to_le_bytes()),
        }
        out.extend_from_slice(value);
    }
}

const CIPHER_AES256: [u8; 16] = [
    0x31, 0xc1, 0xf2, 0xe6, 0xbf, 0x71, 0x43, 0x50, 0xbe, 0x58, 0x05, 0x21, 0x6a, 0xfc, 0x5a, 0xff,
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
const SIG: [u8; 8] = [0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5];

// ---------------------------------------------------------------------------------------
// KDBX 3.1

/// KDBX 3.1: AES-KDF with `rounds`, AES-256, gzip, Salsa20 inner stream, `Meta/HeaderHash`.
pub fn kdbx3(db: &Db, key: Key<'_>, rounds: u64, label: &str) -> Vec<u8> {
    kdbx3_with(db, key, rounds, label, &Kdbx3Quirks::default())
}

/// What [`kdbx3_with`] may write differently, for hostile-file tests.
#[derive(Clone, Copy, Default)]
pub struct Kdbx3Quirks {
    /// No `Meta/HeaderHash`, as KDBX 3.0 writers did.
    pub no_header_hash: bool,
    /// The end block's hash (all zero in a valid file).
    pub end_block_hash: [u8; 32],
    /// Added to the end block's index (1 in a valid one-block file).
    pub end_block_index_offset: u32,
    /// Memory protection off: passwords written as plain `<Value>` text.
    pub unprotected: bool,
}

/// [`kdbx3`] with [`Kdbx3Quirks`].
pub fn kdbx3_with(
    db: &Db,
    key: Key<'_>,
    rounds: u64,
    label: &str,
    quirks: &Kdbx3Quirks,
) -> Vec<u8> {
    let master_seed = seeded(label, "master seed", 32);
    let transform_seed = seeded(label, "transform seed", 32);
    let iv = seeded(label, "iv", 16);
    let stream_key = seeded(label, "stream key", 32);
    let stream_start = seeded(label, "stream start", 32);

    let mut header = SIG.to_vec();
    header.extend_from_slice(&[1, 0, 3, 0]); // version 3.1
    push_fields(
        &mut header,
        LengthWidth::U16,
        &[
            (2, &CIPHER_AES256),
            (3, &1u32.to_le_bytes()),
            (4, &master_seed),
            (5, &transform_seed),
            (6, &rounds.to_le_bytes()),
            (7, &iv),
            (8, &stream_key),
            (9, &stream_start),
            (10, &2u32.to_le_bytes()),
            (0, b"\r\n\r\n"),
        ],
    );
    let header_hash: [u8; 32] = Sha256::digest(&header).into();

    let stream_key_hash: [u8; 32] = Sha256::digest(&stream_key).into();
    let mut salsa = salsa20::Salsa20::new_from_slices(
        &stream_key_hash,
        &[0xe8, 0x30, 0x09, 0x4b, 0x97, 0x20, 0x5d, 0x2a],
    )
    .expect("salsa20 key");
    let mut apply = |b: &mut [u8]| salsa.apply_keystream(b);
    let xml = XmlWriter {
        out: String::new(),
        times: Times::Iso,
        protect: Protect::Stream(&mut apply),
        unprotected: quirks.unprotected,
    }
    .document(db, Some(&header_hash).filter(|_| !quirks.no_header_hash));

    let compressed = gzip(xml.as_bytes());
    let mut plain = stream_start.clone();
    // Hashed blocks: (u32 index, SHA-256, u32 size, data), ended by an empty block.
    plain.extend_from_slice(&0u32.to_le_bytes());
    plain.extend_from_slice(&Sha256::digest(&compressed));
    plain.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
    plain.extend_from_slice(&compressed);
    plain.extend_from_slice(&(1 + quirks.end_block_index_offset).to_le_bytes());
    plain.extend_from_slice(&quirks.end_block_hash);
    plain.extend_from_slice(&0u32.to_le_bytes());

    let transformed = aes_kdf(&key.composite(), &transform_seed, rounds);
    let master_key: [u8; 32] = Sha256::new()
        .chain_update(&master_seed)
        .chain_update(transformed)
        .finalize()
        .into();
    let mut out = header;
    out.extend_from_slice(&aes_cbc(&master_key, &iv, &plain));
    out
}

// ---------------------------------------------------------------------------------------
// KDBX 4.x

/// The KDBX 4 key derivation to write.
#[derive(Clone, Copy)]
pub enum Kdf4 {
    Aes { rounds: u64 },
    Argon2d { memory_kib: u32, passes: u32 },
    Argon2id { memory_kib: u32, passes: u32 },
}

fn variant_dictionary(items: &[(u8, &str, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0x00, 0x01];
    for (kind, key, value) in items {
        out.push(*kind);
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    }
    out.push(0);
    out
}

/// KDBX 4.`minor`: AES-256, gzip, ChaCha20 inner stream, base64 times.
pub fn kdbx4(db: &Db, key: Key<'_>, kdf: Kdf4, minor: u16, label: &str) -> Vec<u8> {
    kdbx4_with(db, key, kdf, minor, label, false)
}

/// [`kdbx4`] with memory protection off (`unprotected`): passwords as plain `<Value>` text.
pub fn kdbx4_with(
    db: &Db,
    key: Key<'_>,
    kdf: Kdf4,
    minor: u16,
    label: &str,
    unprotected: bool,
) -> Vec<u8> {
    let master_seed = seeded(label, "master seed", 32);
    let kdf_seed = seeded(label, "kdf seed", 32);
    let iv = seeded(label, "iv", 16);
    let stream_key = seeded(label, "stream key", 64);

    let composite = key.composite();
    let (params, transformed) = match kdf {
        Kdf4::Aes { rounds } => (
            variant_dictionary(&[
                (0x42, "$UUID", KDF_AES_KDBX4.to_vec()),
                (0x05, "R", rounds.to_le_bytes().to_vec()),
                (0x42, "S", kdf_seed.clone()),
            ]),
            aes_kdf(&composite, &kdf_seed, rounds),
        ),
        Kdf4::Argon2d { memory_kib, passes } | Kdf4::Argon2id { memory_kib, passes } => {
            let (uuid, variant) = match kdf {
                Kdf4::Argon2d { .. } => (KDF_ARGON2D, kdbx_argon2::Variant::Argon2d),
                _ => (KDF_ARGON2ID, kdbx_argon2::Variant::Argon2id),
            };
            let config = kdbx_argon2::Config {
                ad: &[],
                hash_length: 32,
                lanes: 1,
                mem_cost: memory_kib,
                secret: &[],
                thread_mode: kdbx_argon2::ThreadMode::Sequential,
                time_cost: passes,
                variant,
                version: kdbx_argon2::Version::Version13,
            };
            let raw = kdbx_argon2::hash_raw(&composite, &kdf_seed, &config).expect("argon2");
            (
                variant_dictionary(&[
                    (0x42, "$UUID", uuid.to_vec()),
                    (0x05, "I", u64::from(passes).to_le_bytes().to_vec()),
                    (
                        0x05,
                        "M",
                        (u64::from(memory_kib) * 1024).to_le_bytes().to_vec(),
                    ),
                    (0x04, "P", 1u32.to_le_bytes().to_vec()),
                    (0x42, "S", kdf_seed.clone()),
                    (0x04, "V", 0x13u32.to_le_bytes().to_vec()),
                ]),
                raw.try_into().expect("32 bytes"),
            )
        }
    };

    let mut header = SIG.to_vec();
    header.extend_from_slice(&minor.to_le_bytes());
    header.extend_from_slice(&4u16.to_le_bytes());
    push_fields(
        &mut header,
        LengthWidth::U32,
        &[
            (2, &CIPHER_AES256),
            (3, &1u32.to_le_bytes()),
            (4, &master_seed),
            (7, &iv),
            (11, &params),
            (0, b"\r\n\r\n"),
        ],
    );

    let hash = Sha512::digest(&stream_key);
    let mut chacha =
        chacha20::ChaCha20::new_from_slices(&hash[..32], &hash[32..44]).expect("chacha20 key");
    let mut apply = |b: &mut [u8]| chacha.apply_keystream(b);
    let xml = XmlWriter {
        out: String::new(),
        times: Times::Base64,
        protect: Protect::Stream(&mut apply),
        unprotected,
    }
    .document(db, None);

    let mut inner = Vec::new();
    push_fields(
        &mut inner,
        LengthWidth::U32,
        &[(1, &3u32.to_le_bytes()), (2, &stream_key), (0, &[])],
    );
    inner.extend_from_slice(xml.as_bytes());

    let master_key: [u8; 32] = Sha256::new()
        .chain_update(&master_seed)
        .chain_update(transformed)
        .finalize()
        .into();
    let hmac_key = Sha512::new()
        .chain_update(&master_seed)
        .chain_update(transformed)
        .chain_update([1])
        .finalize();
    let block_key = |index: u64| {
        Sha512::new()
            .chain_update(index.to_le_bytes())
            .chain_update(hmac_key)
            .finalize()
    };
    let hmac = |index: u64, parts: &[&[u8]]| {
        let mut mac =
            <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&block_key(index)).expect("key");
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes()
    };

    let encrypted = aes_cbc(&master_key, &iv, &gzip(&inner));
    let mut out = header.clone();
    out.extend_from_slice(&Sha256::digest(&header));
    out.extend_from_slice(&hmac(u64::MAX, &[&header]));
    // Blocks of 1 MiB, as KeePass writes them, then the empty end block.
    for (index, data) in (0u64..).zip(encrypted.chunks(1 << 20).chain([&[][..]])) {
        let size = (data.len() as u32).to_le_bytes();
        out.extend_from_slice(&hmac(index, &[&index.to_le_bytes(), &size, data]));
        out.extend_from_slice(&size);
        out.extend_from_slice(data);
    }
    out
}

// ---------------------------------------------------------------------------------------
// KeePass 1

/// KeePass 1 (`.kdb`), AES, password only: groups (level from depth) and their entries'
/// title, username, URL and password (no history, no times: the crate reads none).
pub fn kdb(db: &Db, password: &str, rounds: u32, label: &str) -> Vec<u8> {
    fn field(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    }
    fn text(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    }
    fn walk(
        g: &Group,
        level: u16,
        groups: &mut Vec<(u32, u16, String)>,
        items: &mut Vec<(u32, Item)>,
    ) {
        let id = groups.len() as u32 + 1;
        groups.push((id, level, g.name.clone()));
        items.extend(g.items.iter().map(|e| (id, e.clone())));
        for sub in &g.groups {
            walk(sub, level + 1, groups, items);
        }
    }
    // KeePass 1 has no visible root group: the root's groups are level 0, and its own
    // entries go into a first group named after it.
    let mut groups = Vec::new();
    let mut items = Vec::new();
    let mut top = db.root.clone();
    top.groups.clear();
    walk(&top, 0, &mut groups, &mut items);
    for sub in &db.root.groups {
        walk(sub, 0, &mut groups, &mut items);
    }

    let mut payload = Vec::new();
    for (id, level, name) in &groups {
        field(&mut payload, 1, &id.to_le_bytes());
        field(&mut payload, 2, &text(name));
        field(&mut payload, 8, &level.to_le_bytes());
        field(&mut payload, 0xffff, &[]);
    }
    for (gid, e) in &items {
        field(&mut payload, 1, &e.uuid.unwrap_or(0).to_be_bytes());
        field(&mut payload, 2, &gid.to_le_bytes());
        field(&mut payload, 4, &text(&e.title));
        field(&mut payload, 5, &text(&e.url));
        field(&mut payload, 6, &text(&e.username));
        field(&mut payload, 7, &text(&e.password));
        field(&mut payload, 0xffff, &[]);
    }

    let master_seed = seeded(label, "master seed", 16);
    let iv = seeded(label, "iv", 16);
    let transform_seed = seeded(label, "transform seed", 32);
    let mut out = SIG[..4].to_vec();
    out.extend_from_slice(&[0x65, 0xfb, 0x4b, 0xb5]);
    out.extend_from_slice(&3u32.to_le_bytes()); // SHA-2 + AES
    out.extend_from_slice(&0x0003_0004u32.to_le_bytes());
    out.extend_from_slice(&master_seed);
    out.extend_from_slice(&iv);
    out.extend_from_slice(&(groups.len() as u32).to_le_bytes());
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(&payload));
    out.extend_from_slice(&transform_seed);
    out.extend_from_slice(&rounds.to_le_bytes());
    // A KeePass 1 key of one element (the password) is that element's SHA-256, unhashed again.
    let composite: [u8; 32] = Sha256::digest(password.as_bytes()).into();
    let transformed = aes_kdf(&composite, &transform_seed, u64::from(rounds));
    let master_key: [u8; 32] = Sha256::new()
        .chain_update(&master_seed)
        .chain_update(transformed)
        .finalize()
        .into();
    out.extend_from_slice(&aes_cbc(&master_key, &iv, &payload));
    out
}
