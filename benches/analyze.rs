//! Analysis benchmark: 10,000 synthetic entries (see `common/synth.rs`), no breach check.

use credaudit::analyze::{self, Settings, variants};
use credaudit::breach::NoProgress;
use credaudit::rank::{self, Policy};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "common/synth.rs"]
mod synth;

fn bench(c: &mut Criterion) {
    let entries = synth::entries(10_000);
    let settings = Settings {
        max_age: Some(chrono::Duration::days(365)),
        compromised: vec!["Shop 40".into()],
        ..Settings::default()
    };
    let mut g = c.benchmark_group("analyze_10k");
    g.sample_size(10);
    g.bench_function("full_run_and_rank", |b| {
        b.iter(|| {
            let f = analyze::run(black_box(&entries), None, &settings, &NoProgress);
            black_box(rank::rank(&entries, &f, &Policy::default()))
        })
    });
    // Variants alone over 10,000 distinct passwords.
    let mut seen = std::collections::HashSet::new();
    let nodes: Vec<variants::Node<'_>> = entries
        .iter()
        .map(|e| e.password.expose())
        // Top up towards 10,000 distinct passwords with the entries' past passwords.
        .chain(
            entries
                .iter()
                .flat_map(|e| e.history.iter().map(|h| h.password.expose())),
        )
        .filter(|p| seen.insert(*p))
        .take(10_000)
        .map(variants::Node::bare)
        .collect();
    g.bench_function(format!("variants_only_{}", nodes.len()), |b| {
        b.iter(|| black_box(variants::cluster_labels(black_box(&nodes))))
    });
    g.bench_function("strength_only", |b| {
        b.iter(|| black_box(analyze::strength::analyze(black_box(&entries))))
    });
    g.finish();
}

/// URL handling alone: value classification, site words (variants and zxcvbn inputs) and the
/// insecure-URL check over 10,000 entries with the URL shapes vaults hold.
fn bench_sites(c: &mut Criterion) {
    const SHAPES: [&str; 8] = [
        "https://login.site{i}.example.com/path?q=1",
        "site{i}.example.co.jp/login",
        "http://user:pw@shop{i}.example.co.uk:8080/x",
        "androidapp://com.site{i}.app",
        "http://192.168.{i}.1/admin",
        "https://www.bücher{i}.de/",
        "https://www.amazon.co.jp/ap/signin",
        "  https://mail.google.com/  ",
    ];
    let entries: Vec<credaudit::model::Entry> = (0..10_000)
        .map(|i| credaudit::model::Entry {
            title: format!("Site {i} Login"),
            username: format!("user{i}@example.com"),
            urls: vec![SHAPES[i % SHAPES.len()].replace("{i}", &(i % 250).to_string())],
            ..Default::default()
        })
        .collect();
    let policy = Policy::default();
    let mut g = c.benchmark_group("sites_10k");
    g.sample_size(10);
    g.bench_function("classify_words_insecure", |b| {
        b.iter(|| {
            for e in black_box(&entries) {
                black_box(rank::classify(e, &policy));
                black_box(variants::site_tokens(e));
                black_box(analyze::strength::user_inputs(e));
                black_box(analyze::urls::insecure_urls(e));
            }
        })
    });
    g.finish();
}

/// Adversarial input for near-variant clustering (issue 11): 1,200 distinct passwords that
/// all start with the same six characters and repeat them, so every window of every password
/// hits the containment index's largest bucket, while no password contains another (each
/// ends in its own number between two letters).
fn adversarial_containment(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}x{i}y", "abcdef".repeat(2 + i % 40)))
        .collect()
}

/// Adversarial input for the edit-distance rule (issue 11): `n` passwords of 25 to 128
/// letters in four length classes; within a class every password is the class's base text
/// with one of its five blocking segments replaced by random letters. So any two share three
/// or four of the five segments the pigeonhole index keys on (every pair is a candidate),
/// while almost none are within two edits. Every 50th password also gets a one-substitution
/// sibling, so real variants are there to be found.
fn adversarial_edit(n: usize) -> Vec<String> {
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut letter = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let i = (state % 52) as u8;
        char::from(if i < 26 { b'a' + i } else { b'A' + i - 26 })
    };
    let lengths = [25, 59, 93, 128];
    let bases: Vec<Vec<char>> = lengths
        .iter()
        .map(|&l| (0..l).map(|_| letter()).collect())
        .collect();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if out.len() == n {
            break;
        }
        let class = i % lengths.len();
        let mut chars = bases[class].clone();
        let len = chars.len();
        let k = (i / lengths.len()) % 5;
        for c in &mut chars[len * k / 5..len * (k + 1) / 5] {
            *c = letter();
        }
        let password: String = chars.iter().collect();
        if i % 50 == 0 && out.len() + 1 < n {
            let mut sibling = chars.clone();
            sibling[0] = if sibling[0] == 'q' { 'r' } else { 'q' };
            out.push(sibling.into_iter().collect());
        }
        out.push(password);
    }
    out
}

fn bench_adversarial(c: &mut Criterion) {
    let passwords = adversarial_containment(1_200);
    let nodes: Vec<variants::Node<'_>> =
        passwords.iter().map(|p| variants::Node::bare(p)).collect();
    let mut g = c.benchmark_group("variants_adversarial");
    g.sample_size(10);
    g.bench_function("containment_1200", |b| {
        b.iter(|| black_box(variants::cluster_labels(black_box(&nodes))))
    });
    for n in [1_200, 5_000] {
        let passwords = adversarial_edit(n);
        let nodes: Vec<variants::Node<'_>> =
            passwords.iter().map(|p| variants::Node::bare(p)).collect();
        g.bench_function(format!("edit_distance_{n}"), |b| {
            b.iter(|| black_box(variants::cluster_labels(black_box(&nodes))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_sites, bench_adversarial);
criterion_main!(benches);
