//! KeePass reader cost on top of key derivation (see BENCHMARKS.md, section 3).
//!
//! Two KDBX 4 files with the same cheap KDF (Argon2d, 1 MiB, 1 pass): one with a single
//! entry, one with 10,000 entries (200 groups of 50, every tenth entry with 3 history
//! versions). Opening the small one costs the key derivation plus fixed overhead; the
//! difference is what reading and mapping 10,000 entries adds.

use chrono::NaiveDate;
use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, ReadOptions, read_bytes};
use criterion::{Criterion, criterion_group, criterion_main};
use keepass::config::{DatabaseConfig, KdfConfig};
use keepass::db::{History, fields};
use keepass::{Database, DatabaseKey};
use std::hint::black_box;
use std::time::Duration;

const PASSWORD: &str = "bench-password";

fn cheap_config() -> DatabaseConfig {
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

fn build(entries: usize) -> Vec<u8> {
    let mut db = Database::new();
    db.config = cheap_config();
    let when = NaiveDate::from_ymd_opt(2022, 3, 4)
        .and_then(|d| d.and_hms_opt(5, 6, 7))
        .expect("date");
    let mut root = db.root_mut();
    root.name = "Root".into();
    let groups = entries.div_ceil(50);
    let mut n = 0;
    for g in 0..groups {
        let mut group = root.add_group();
        group.name = format!("Group {g}");
        for _ in 0..50 {
            if n == entries {
                break;
            }
            let mut e = group.add_entry();
            e.set_unprotected(fields::TITLE, format!("Account {n}"));
            e.set_unprotected(fields::USERNAME, format!("user{n}@example.com"));
            e.set_unprotected(fields::URL, format!("https://site{n}.example.com/login"));
            e.set_unprotected(fields::NOTES, "some notes about this account");
            e.times.creation = Some(when);
            e.times.last_modification = Some(when);
            if n % 10 == 0 {
                let mut history = History::default();
                for v in 0..3 {
                    e.set_protected(fields::PASSWORD, format!("old-{n}-{v}-Xq9!"));
                    let mut snapshot = (*e).clone();
                    snapshot.history = None;
                    history.add_entry(snapshot);
                }
                e.history = Some(history);
            }
            e.set_protected(fields::PASSWORD, format!("pw-{n}-Zr8#k2"));
            n += 1;
        }
    }
    let mut out = Vec::new();
    db.save(&mut out, DatabaseKey::new().with_password(PASSWORD))
        .expect("save");
    out
}

fn read(bytes: &[u8]) -> usize {
    let mut ask =
        |_: &str| -> Result<Option<Secret>, FormatError> { Ok(Some(Secret::from(PASSWORD))) };
    let mut options = ReadOptions {
        format: Some(Format::Kdbx),
        key_file: None,
        password: &mut ask,
        include_recycled: false,
    };
    read_bytes("bench.kdbx", bytes, 0, &mut options)
        .expect("opens")
        .entries
        .len()
}

fn bench(c: &mut Criterion) {
    let small = build(1);
    let large = build(10_000);
    assert_eq!(read(&large), 10_000);

    let mut group = c.benchmark_group("kdbx");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function("open_1_entry (KDF + fixed cost)", |b| {
        b.iter(|| read(black_box(&small)))
    });
    group.bench_function("crate_get_xml_10k (decrypt + decompress only)", |b| {
        b.iter(|| {
            Database::get_xml(
                &mut black_box(&large[..]),
                DatabaseKey::new().with_password(PASSWORD),
            )
            .expect("decrypt")
            .len()
        })
    });
    group.bench_function("crate_parse_10k (keepass::Database::parse only)", |b| {
        b.iter(|| {
            Database::parse(
                black_box(&large),
                DatabaseKey::new().with_password(PASSWORD),
            )
            .expect("parse")
            .num_entries()
        })
    });
    group.bench_function("open_and_map_10k (credaudit reader)", |b| {
        b.iter(|| read(black_box(&large)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
