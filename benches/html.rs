//! The HTML plan: page size and render time for a 5,000-entry vault (`common/synth.rs`), no
//! breach check, with the incident date set. Groups and change-password links are filled the
//! way the rotation plan fills them (every exact-reuse group, a link per account with a host),
//! so the page is as large as a real one.

use credaudit::analyze::{self, Settings};
use credaudit::breach::NoProgress;
use credaudit::rank::{self, Policy};
use credaudit::report::{Report, html};
use criterion::{Criterion, criterion_group, criterion_main};
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
    // Groups, statuses and change-password links are filled by the report itself.
    let mut report = Report::new(&[], &entries, &[], &findings, &ranked, "off", now);
    report.since = Some(since.date_naive());
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
