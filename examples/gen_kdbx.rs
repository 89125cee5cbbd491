//! Writes the KeePass fixtures under `fixtures/kdbx/` (see `fixtures/kdbx/README.md`).
//!
//! `cargo run --example gen_kdbx`
//!
//! Two writers: the `keepass` crate (KDBX 4 with Argon2d/Argon2id and an XML v2 key file;
//! fresh seeds and IVs on every run, so those committed files were written once and only
//! their content is fixed), and credaudit's own test writer `tests/support/keepass_writer.rs`
//! (one database as KDBX 3.1, 4.0, 4.1, key-file-only KDBX 3.1, XML export and KeePass 1;
//! deterministic, and `tests/kdbx.rs` checks the committed bytes against it). The key
//! derivation is deliberately cheap (Argon2 1 MiB x 1 pass, AES-KDF 1,000 rounds): fixtures,
//! not vaults.

#![allow(clippy::print_stdout)]

use chrono::{NaiveDate, NaiveDateTime};
use keepass::config::{DatabaseConfig, KdfConfig};
use keepass::db::{
    CustomDataItem, CustomDataValue, EntryId, EntryMut, GroupId, GroupMut, History, fields,
};
use keepass::{Database, DatabaseKey};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use uuid::Uuid;

#[path = "../tests/support/keepass_writer.rs"]
mod keepass_writer;

/// Master password of `password.kdbx`.
const PASSWORD_MAIN: &str = "credaudit-fixture";
/// Master password of `password-keyfile.kdbx` (plus `password-keyfile.key`).
const PASSWORD_COMBINED: &str = "fixture-pw-2";

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("valid fixture date")
}

fn eid(n: u128) -> EntryId {
    EntryId::from_uuid(Uuid::from_u128(
        0x0000_0000_0000_4000_8000_0000_0000_0000 | n,
    ))
}

fn gid(n: u128) -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(
        0x1111_1111_1111_4111_8111_0000_0000_0000 | n,
    ))
}

/// Adds entry `n` to `group`: a login with this title, user name and (protected) password.
fn add_login<'g>(
    group: &'g mut GroupMut<'_>,
    n: u128,
    title: &str,
    user: &str,
    password: &str,
) -> EntryMut<'g> {
    let mut e = group.add_entry_with_id(eid(n)).expect("fresh id");
    e.set_unprotected(fields::TITLE, title);
    e.set_unprotected(fields::USERNAME, user);
    e.set_protected(fields::PASSWORD, password);
    e
}

/// Adds group `n`, named `name`, to `parent`.
fn add_group<'g>(parent: &'g mut GroupMut<'_>, n: u128, name: &str) -> GroupMut<'g> {
    let mut group = parent.add_group_with_id(gid(n)).expect("fresh id");
    group.name = name.into();
    group
}

fn argon2d_cheap() -> DatabaseConfig {
    let mut config = DatabaseConfig::default();
    if let KdfConfig::Argon2 {
        iterations,
        memory,
        parallelism,
        ..
    } = &mut config.kdf_config
    {
        *iterations = 1;
        *memory = 1 << 20;
        *parallelism = 1;
    }
    config
}

fn argon2id_cheap() -> DatabaseConfig {
    let mut config = DatabaseConfig::default();
    if let KdfConfig::Argon2 { version, .. } = config.kdf_config {
        config.kdf_config = KdfConfig::Argon2id {
            iterations: 1,
            memory: 1 << 20,
            parallelism: 1,
            version,
        };
    }
    config
}

fn aes_cheap() -> DatabaseConfig {
    let mut config = DatabaseConfig::default();
    config.kdf_config = KdfConfig::Aes { rounds: 1_000 };
    config
}

/// The main fixture: groups, history, recycle bin, exclusions, TOTP, a reference, a note.
fn main_db() -> Database {
    let mut db = Database::new_with_root_id(gid(0));
    db.config = argon2d_cheap();
    db.meta.generator = Some("credaudit gen_kdbx".into());
    db.meta.database_name = Some("credaudit fixture".into());
    let mut root = db.root_mut();
    root.name = "Passwords".into();
    root.times.creation = Some(at(2019, 1, 1));
    root.times.last_modification = Some(at(2019, 1, 1));

    // "Mail": six versions, the current password set on 2021-01-01.
    {
        let mut e = root.add_entry_with_id(eid(1)).expect("fresh id");
        e.set_unprotected(fields::TITLE, "Mail");
        e.set_unprotected(fields::USERNAME, "alice@example.com");
        e.set_unprotected(fields::URL, "https://mail.example.com");
        e.set_unprotected("KP2A_URL", "https://webmail.example.com");
        e.set_unprotected("URL_2", "https://m.example.com");
        e.set_unprotected("KP2A_URL_1", "https://mail.example.com");
        e.times.creation = Some(at(2019, 6, 1));
        let versions = [
            (at(2019, 6, 1), "Tulip#2002"),
            (at(2020, 1, 1), "Tulip#2001"),
            (at(2020, 6, 1), "Tulip#2002"),
            (at(2021, 1, 1), "Tulip#2003"),
            (at(2021, 2, 1), "Tulip#2003"),
        ];
        let mut history = History::default();
        for (time, pw) in versions {
            e.set_protected(fields::PASSWORD, pw);
            e.times.last_modification = Some(time);
            let mut snapshot = (*e).clone();
            snapshot.history = None;
            history.add_entry(snapshot);
        }
        e.set_protected(fields::PASSWORD, "Tulip#2003");
        e.times.last_modification = Some(at(2022, 5, 5));
        e.history = Some(history);
    }
    // A field reference to Mail's password: skipped as a reference.
    {
        let mut e = root.add_entry_with_id(eid(2)).expect("fresh id");
        e.set_unprotected(fields::TITLE, "Mail alias");
        e.set_unprotected(fields::USERNAME, "alias@example.com");
        e.set_unprotected(
            fields::PASSWORD,
            "{REF:P@I:00000000000040008000000000000001}",
        );
    }
    // A note without a password: skipped.
    {
        let mut e = root.add_entry_with_id(eid(3)).expect("fresh id");
        e.set_unprotected(fields::TITLE, "Wifi note");
        e.set_unprotected(fields::NOTES, "the guest network has no password");
    }

    let mut finance = add_group(&mut root, 1, "Finance");
    {
        let mut e = add_login(&mut finance, 4, "Bank", "alice", "Bank-pw-42");
        e.set_unprotected(fields::URL, "https://bank.example.com/login");
        e.set_protected(
            fields::OTP,
            "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank",
        );
        e.quality_check = false;
        e.times.creation = Some(at(2018, 3, 3));
        e.times.last_modification = Some(at(2018, 3, 4));
    }
    {
        let mut e = add_login(&mut finance, 5, "Legacy broker", "alice01", "broker-pw");
        e.set_protected("TimeOtp-Secret-Base32", "JBSWY3DPEHPK3PXP");
        e.custom_data.insert(
            "KnownBad".into(),
            CustomDataItem {
                value: Some(CustomDataValue::String("true".into())),
                last_modification_time: None,
            },
        );
        e.times.creation = Some(at(2017, 7, 7));
        e.times.last_modification = Some(at(2017, 7, 8));
    }

    let mut internet = add_group(&mut root, 2, "Internet");
    let mut forums = add_group(&mut internet, 3, "Forums");
    {
        let mut e = add_login(&mut forums, 6, "Forum", "alice_f", "forum-pw");
        e.set_unprotected(fields::URL, "http://forum.example.org");
        e.times.creation = Some(at(2016, 2, 2));
        e.times.last_modification = Some(at(2016, 2, 2));
    }

    let mut bin = add_group(&mut root, 4, "Recycle Bin");
    add_login(&mut bin, 7, "Old shop", "alice", "shop-pw");
    let mut deleted = add_group(&mut bin, 5, "Deleted group");
    add_login(&mut deleted, 8, "Older", "bob", "older-pw");
    db.meta.recyclebin_enabled = Some(true);
    db.meta.recyclebin_uuid = Some(gid(4).uuid());
    db
}

fn single_entry_db(config: DatabaseConfig, n: u128, title: &str, user: &str, pw: &str) -> Database {
    let mut db = Database::new_with_root_id(gid(100 + n));
    db.config = config;
    let mut root = db.root_mut();
    root.name = "Root".into();
    let mut e = add_login(&mut root, 100 + n, title, user, pw);
    e.times.creation = Some(at(2023, 1, 1));
    e.times.last_modification = Some(at(2023, 1, 2));
    db
}

/// An XML v2 key file with a correct `Hash` attribute.
fn keyx_file() -> String {
    keepass_writer::keyx_v2(&Sha256::digest(b"credaudit kdbx fixture key").into())
}

fn save(db: &Database, path: &Path, key: DatabaseKey) {
    let mut out = Vec::new();
    db.save(&mut out, key).expect("save fixture");
    std::fs::write(path, out).expect("write fixture");
    println!("wrote {}", path.display());
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/kdbx");
    std::fs::create_dir_all(&dir).expect("create fixtures/kdbx");
    for (name, bytes) in keepass_writer::fixtures() {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        println!("wrote {}", path.display());
    }
    if std::env::args().any(|a| a == "--writer-only") {
        return;
    }

    save(
        &main_db(),
        &dir.join("password.kdbx"),
        DatabaseKey::new().with_password(PASSWORD_MAIN),
    );

    let keyx = keyx_file();
    std::fs::write(dir.join("keyfile-only.keyx"), &keyx).expect("write key file");
    save(
        &single_entry_db(aes_cheap(), 1, "Router", "admin", "router-pw-1"),
        &dir.join("keyfile-only.kdbx"),
        DatabaseKey::new()
            .with_keyfile(&mut keyx.as_bytes())
            .expect("key file"),
    );

    let hashed_key = b"credaudit: any file can be a key file; this one is hashed.\n";
    std::fs::write(dir.join("password-keyfile.key"), hashed_key).expect("write key file");
    save(
        &single_entry_db(argon2id_cheap(), 2, "Server", "root", "server-pw-2"),
        &dir.join("password-keyfile.kdbx"),
        DatabaseKey::new()
            .with_password(PASSWORD_COMBINED)
            .with_keyfile(&mut &hashed_key[..])
            .expect("key file"),
    );
}
