//! KeePass reader cost on top of key derivation (see BENCHMARKS.md, section 3).
//!
//! Two KDBX 4.1 files with the same cheap KDF (Argon2d, 1 MiB, 1 pass), written by the test
//! writer (`tests/support/keepass_writer.rs`): one with a single entry, one with 10,000
//! entries (200 groups of 50, every tenth entry with 3 history versions). Opening the small
//! one costs the key derivation plus fixed overhead; the difference is what reading and
//! mapping 10,000 entries adds.

use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, ReadOptions, read_bytes};
use criterion::{Criterion, criterion_group, criterion_main};
use keepass::{Database, DatabaseKey};
use std::hint::black_box;
use std::time::Duration;

#[path = "../tests/support/keepass_writer.rs"]
mod keepass_writer;

const PASSWORD: &str = "bench-password";

/// A KDBX 4.1 of `entries` logins (the test writer's `large_db`), Argon2d 1 MiB x 1 pass.
fn build(entries: usize) -> Vec<u8> {
    keepass_writer::kdbx4(
        &keepass_writer::large_db(entries),
        keepass_writer::Key {
            password: Some(PASSWORD),
            key_file: None,
        },
        keepass_writer::Kdf4::Argon2d {
            memory_kib: 1024,
            passes: 1,
        },
        1,
        "bench",
    )
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
