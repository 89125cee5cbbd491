//! Runs the full analysis (no breach check) plus ranking on N synthetic entries and prints
//! timings, for peak-memory measurement:
//! `cargo build --release --example analyze_scale && /usr/bin/time -v target/release/examples/analyze_scale 10000`
#![allow(clippy::print_stdout)]

use credaudit::analyze::{self, Settings};
use credaudit::breach::NoProgress;
use credaudit::rank::{self, Policy};
use std::time::Instant;

#[path = "../benches/common/synth.rs"]
mod synth;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let t0 = Instant::now();
    let entries = synth::entries(n);
    let t1 = Instant::now();
    let settings = Settings {
        max_age: Some(chrono::Duration::days(365)),
        compromised: vec!["Shop 40".into()],
        ..Settings::default()
    };
    let findings = analyze::run(&entries, None, &settings, &NoProgress);
    let t2 = Instant::now();
    let rows = rank::rank(&entries, &findings, &Policy::default());
    let t3 = Instant::now();
    // Parts, for the notes.
    let mut seen = std::collections::HashSet::new();
    let nodes: Vec<analyze::variants::Node<'_>> = entries
        .iter()
        .map(|e| e.password.expose())
        .filter(|p| seen.insert(*p))
        .map(analyze::variants::Node::bare)
        .collect();
    let t4 = Instant::now();
    let clusters = analyze::variants::clusters(&nodes);
    let t5 = Instant::now();
    let strengths = analyze::strength::analyze(&entries);
    let t6 = Instant::now();
    println!(
        "variants_only_ms={:.1} (distinct={} clusters={}) strength_only_ms={:.1} (scored={})",
        (t5 - t4).as_secs_f64() * 1e3,
        nodes.len(),
        clusters.len(),
        (t6 - t5).as_secs_f64() * 1e3,
        strengths.iter().flatten().count()
    );
    println!(
        "entries={n} generate_ms={:.1} analyze_ms={:.1} rank_ms={:.1} rows={} reuse_groups={} variant_clusters={}",
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3,
        (t3 - t2).as_secs_f64() * 1e3,
        rows.len(),
        findings.reuse_groups.len(),
        findings.variant_clusters.len()
    );
}
