//! Site-data lookups: the four lookups an audit makes per account (shared backend,
//! change-password link, 2fa.directory, Passkeys Directory) for 5,000 hosts, half of them
//! listed in the tables, half not (the lookup then walks every parent domain and misses).

use credaudit::data;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const LISTED: [&str; 10] = [
    "mail.google.com",
    "www.amazon.co.jp",
    "fril.jp",
    "login.rakuten.co.jp",
    "github.com",
    "www.americanairlines.jp",
    "accounts.firefox.com",
    "themeforest.net",
    "www.paypal.com",
    "jp.mercari.com",
];

fn hosts(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 4 {
            0 | 1 => LISTED[i % LISTED.len()].to_owned(),
            2 => format!("login.shop{i}.example.co.uk"),
            _ => format!("www.site{i}.example.com"),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let hosts = hosts(5_000);
    let mut g = c.benchmark_group("site_data_5k");
    g.sample_size(20);
    g.bench_function("four_lookups", |b| {
        b.iter(|| {
            let mut found = 0usize;
            for host in &hosts {
                let host = black_box(host.as_str());
                found += usize::from(data::backend_of(host).is_some());
                found += usize::from(data::change_password_link(host).is_some());
                found += usize::from(data::two_factor(host).is_some());
                found += usize::from(data::passkeys(host).is_some());
            }
            black_box(found)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
