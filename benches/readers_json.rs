//! Reading 10,000 entries from each JSON/zip export format (target: under 50 ms each, release),
//! plus the password-protected Bitwarden export: its KDF cost (reported on its own) and the
//! decryption + parse cost with a negligible KDF.
//!
//! Run: `cargo bench --bench readers_json`. Method and figures: BENCHMARKS.md, section 2.

#![allow(clippy::print_stderr)] // a bench reports its input sizes

use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::bitwarden_crypto::{self, Kdf};
use credaudit::vault::{FormatError, ReadOptions, read_bytes};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use std::io::Write;

const N: usize = 10_000;

fn password(i: usize) -> String {
    format!("Pw{i:05}-{}!x", i.wrapping_mul(2_654_435_761) % 1_000_003)
}

/// The `N` items of a generated export, item `i` from `item(i)`.
fn n_items(item: impl Fn(usize) -> Value) -> Vec<Value> {
    (0..N).map(item).collect()
}

fn bitwarden() -> Vec<u8> {
    let folders: Vec<Value> = (0..20)
        .map(|f| json!({"id": format!("folder-{f}"), "name": format!("Folder {f}/Sub")}))
        .collect();
    let items = n_items(|i| {
        json!({
            "passwordHistory": [{"lastUsedDate": "2023-01-29T10:00:00.123Z", "password": format!("old-{i}")}],
            "revisionDate": "2024-01-30T14:09:33.753Z",
            "creationDate": "2024-01-30T11:23:54.416Z",
            "deletedDate": null,
            "id": format!("2b8b3d8e-0000-4000-8000-{i:012}"),
            "organizationId": null,
            "folderId": format!("folder-{}", i % 20),
            "type": 1,
            "reprompt": 0,
            "name": format!("Site {i}"),
            "notes": "Some notes about this account.\nSecond line.",
            "favorite": false,
            "fields": [{"name": "Hidden", "value": "B", "type": 1, "linkedId": null}],
            "login": {
                "fido2Credentials": [],
                "uris": [{"match": null, "uri": format!("https://site{i}.example.com/login")}],
                "username": format!("user{i}@example.com"),
                "password": password(i),
                "totp": if i % 10 == 0 { json!("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP") } else { Value::Null }
            },
            "collectionIds": null
        })
    });
    json!({"encrypted": false, "folders": folders, "items": items})
        .to_string()
        .into_bytes()
}

fn proton() -> Vec<u8> {
    let mut vaults = serde_json::Map::new();
    for v in 0..5 {
        let items: Vec<Value> = (v * N / 5..(v + 1) * N / 5)
            .map(|i| {
                json!({
                    "itemId": format!("item-{i}-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
                    "shareId": format!("share-{v}"),
                    "data": {
                        "metadata": {"name": format!("Site {i}"), "note": "note", "itemUuid": format!("{i:08x}")},
                        "extraFields": [],
                        "type": "login",
                        "content": {
                            "itemEmail": format!("user{i}@example.com"),
                            "password": password(i),
                            "urls": [format!("https://site{i}.example.com/")],
                            "totpUri": "",
                            "passkeys": [],
                            "itemUsername": ""
                        }
                    },
                    "state": 1,
                    "aliasEmail": null,
                    "contentFormatVersion": 1,
                    "createTime": 1_689_182_908 + i,
                    "modifyTime": 1_700_000_000 + i,
                    "pinned": false
                })
            })
            .collect();
        vaults.insert(
            format!("share-{v}"),
            json!({"name": format!("Vault {v}"), "description": "", "items": items}),
        );
    }
    json!({"version": "1.21.2", "userId": "u", "encrypted": false, "vaults": vaults})
        .to_string()
        .into_bytes()
}

fn enpass() -> Vec<u8> {
    let items = n_items(|i| {
        json!({
            "archived": 0, "auto_submit": 1, "category": "login", "createdAt": 1_697_729_073,
            "favorite": 0, "folders": ["f1"], "note": "", "subtitle": "", "template_type": "login.default",
            "title": format!("Site {i}"), "trashed": 0, "updated_at": 1_697_729_073, "uuid": format!("uuid-{i}"),
            "fields": [
                {"deleted": 0, "label": "Username", "order": 1, "sensitive": 0, "type": "username", "uid": 10,
                 "updated_at": 1_698_057_141, "value": format!("user{i}"), "value_updated_at": 1_698_057_141},
                {"deleted": 0, "label": "E-mail", "order": 2, "sensitive": 0, "type": "email", "uid": 12,
                 "updated_at": 1_698_057_141, "value": format!("user{i}@example.com"), "value_updated_at": 1_698_057_141},
                {"deleted": 0, "label": "Password", "order": 3, "sensitive": 1, "type": "password", "uid": 11,
                 "updated_at": 1_698_057_141, "value": password(i), "value_updated_at": 1_698_057_141,
                 "history": [{"encrypted": false, "updated_at": 1_534_490_049, "value": format!("old-{i}")}]},
                {"deleted": 0, "label": "Website", "order": 4, "sensitive": 0, "type": "url", "uid": 13,
                 "updated_at": 1_698_057_141, "value": format!("https://site{i}.example.com"), "value_updated_at": 1_698_057_141},
                {"deleted": 0, "label": "One-time code", "order": 5, "sensitive": 0, "type": "totp", "uid": 102,
                 "updated_at": 1_698_057_141, "value": "", "value_updated_at": 1_698_057_141}
            ]
        })
    });
    json!({"folders": [{"icon": "1008", "parent_uuid": "", "title": "Home", "updated_at": 1, "uuid": "f1"}], "items": items})
        .to_string()
        .into_bytes()
}

fn onepux() -> Vec<u8> {
    let items = n_items(|i| {
        json!({
            "uuid": format!("{i:026}"), "favIndex": 0, "createdAt": 1_663_642_010, "updatedAt": 1_668_287_305,
            "state": "active", "categoryUuid": "001",
            "details": {
                "loginFields": [
                    {"value": password(i), "id": "", "name": "password", "fieldType": "P", "designation": "password"},
                    {"value": format!("user{i}@example.com"), "id": "", "name": "username", "fieldType": "T", "designation": "username"}
                ],
                "notesPlain": "Note",
                "sections": [{"title": "Extra", "name": "add more", "fields": [
                    {"title": "phone", "id": "p", "value": {"phone": "555-123-45678"}, "indexAtSource": 0,
                     "guarded": false, "multiline": false, "dontGenerate": false,
                     "inputTraits": {"keyboard": "namePhonePad", "correction": "no", "capitalization": "none"}}
                ]}],
                "passwordHistory": [{"value": format!("old-{i}"), "time": 1_600_000_000}]
            },
            "overview": {
                "subtitle": format!("user{i}@example.com"), "icons": null,
                "urls": [{"label": "website", "url": format!("https://site{i}.example.com")}],
                "title": format!("Site {i}"), "url": format!("https://site{i}.example.com"),
                "ps": 60, "pbe": 0.0, "pgrng": false, "watchtowerExclusions": null
            }
        })
    });
    let data = json!({"accounts": [{"attrs": {"accountName": "a", "name": "a", "email": "a@example.com", "uuid": "u", "domain": "d"},
        "vaults": [{"attrs": {"uuid": "v", "desc": "", "avatar": "", "name": "Personal", "type": "P"}, "items": items}]}]})
    .to_string();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let attributes =
        br#"{"version":3,"description":"1Password Unencrypted Export","timestamp":1670261487}"#;
    for (name, bytes) in [
        ("export.attributes", attributes.as_slice()),
        ("export.data", data.as_bytes()),
    ] {
        w.start_file(name, opts).expect("zip member");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

fn read(bytes: &[u8], format: Format, password: Option<&str>) -> usize {
    let mut prompt =
        |_: &str| -> Result<Option<Secret>, FormatError> { Ok(password.map(Secret::from)) };
    let mut options = ReadOptions {
        format: Some(format),
        key_file: None,
        password: &mut prompt,
        include_recycled: false,
    };
    let vault = read_bytes("bench", bytes, 0, &mut options).expect("reads");
    assert_eq!(vault.entries.len(), N);
    vault.entries.len()
}

fn formats(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_10k");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(30);
    let inputs = [
        ("bitwarden_json", bitwarden(), Format::BitwardenJson),
        ("proton_json", proton(), Format::ProtonJson),
        ("enpass_json", enpass(), Format::EnpassJson),
        ("onepassword_1pux", onepux(), Format::Onepassword1pux),
    ];
    for (name, bytes, format) in &inputs {
        eprintln!("{name}: {} KiB input", bytes.len() / 1024);
        group.bench_function(*name, |b| b.iter(|| read(black_box(bytes), *format, None)));
        if *format != Format::Onepassword1pux {
            // Floor: serde_json only scanning the same bytes, building nothing.
            group.bench_function(format!("{name}_serde_floor"), |b| {
                b.iter(|| {
                    serde_json::from_slice::<serde::de::IgnoredAny>(black_box(bytes))
                        .expect("valid JSON")
                })
            });
        }
    }
    // Decryption and parse of a password-protected export, with a negligible KDF.
    let protected = bitwarden_crypto::encrypt_export(
        &bitwarden(),
        "pw",
        "salt",
        Kdf::Pbkdf2 { iterations: 1 },
        [[1; 16], [2; 16]],
    )
    .expect("encrypts")
    .into_bytes();
    group.bench_function("bitwarden_protected_json_kdf1", |b| {
        b.iter(|| read(black_box(&protected), Format::BitwardenJson, Some("pw")))
    });
    group.finish();
}

fn kdf(c: &mut Criterion) {
    let mut group = c.benchmark_group("bitwarden_kdf");
    group.sample_size(10);
    for (name, kdf) in [
        (
            "pbkdf2_600000",
            Kdf::Pbkdf2 {
                iterations: 600_000,
            },
        ),
        (
            "argon2id_t3_m64_p4",
            Kdf::Argon2id {
                iterations: 3,
                memory_mib: 64,
                parallelism: 4,
            },
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| bitwarden_crypto::derive_keys(black_box(b"password"), "salt", kdf))
        });
    }
    group.finish();
}

criterion_group!(benches, formats, kdf);
criterion_main!(benches);
