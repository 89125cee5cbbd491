//! The HTML plan: page size and render time for a 5,000-entry vault (`common/synth.rs`), no
//! breach check, with the incident date set. Groups and change-password links are filled the
//! way the rotation plan fills them (every exact-reuse group, a link per account with a host),
//! so the page is as large as a real one.

use credaudit::analyze::{self, Settings};
use credaudit::breach::NoProgress;
use credaudit::rank::{self, Policy};
use credaudit::report::{Group, GroupKind, Report, html};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::hint::black_box;

#[path = "common/synth.rs"]
mod synth;

fn report_of(n: usize) -> Report {
    let entries = synth::entries(n);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
        .unwrap()
        .to_utc();
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let settings = Settings {
        since: Some(since),
        now,
        ..Settings::default()
    };
    let findings = analyze::run(&entries, None, &settings, &NoProgress);
    let ranked = rank::rank(&entries, &findings, &Policy::default());
    let mut report = Report::new(&[], &entries, &findings, &ranked, "off", now);
    report.since = Some(since.date_naive());
    let key_of: HashMap<usize, String> = ranked
        .iter()
        .zip(&report.accounts)
        .map(|(r, a)| (r.entry, a.key.clone()))
        .collect();
    report.groups = findings
        .reuse_groups
        .iter()
        .map(|g| Group {
            kind: GroupKind::SamePassword,
            members: g
                .members
                .iter()
                .filter_map(|m| key_of.get(m).cloned())
                .collect(),
            breached: false,
            compromised: false,
            rotated: 0,
        })
        .collect();
    for account in &mut report.accounts {
        account.change_password = account
            .url
            .as_deref()
            .and_then(credaudit::site::host_of)
            .and_then(|h| credaudit::data::change_password_link(&h));
    }
    report
}

fn bench(c: &mut Criterion) {
    let report = report_of(5_000);
    let mut page = Vec::new();
    html::render(&report, &mut page).unwrap();
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "html plan, 5,000 entries: {} accounts listed, {} groups, page {} bytes ({:.2} MiB)",
            report.accounts.len(),
            report.groups.len(),
            page.len(),
            page.len() as f64 / (1024.0 * 1024.0)
        );
    }
    let mut g = c.benchmark_group("html_5k");
    g.sample_size(20);
    g.bench_function("render", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(page.len());
            html::render(black_box(&report), &mut out).unwrap();
            black_box(out)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
