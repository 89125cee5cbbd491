//! Breach-check benchmarks (plain binary, `harness = false`). Figures: BENCHMARKS.md, section 5.
//!
//! `cargo bench --bench breach` runs the online benchmark against the loopback server and, when
//! the corpus exists (`$CREDAUDIT_HIBP_CORPUS`, default /work/targets/breach/hibp-100m.txt), the
//! offline one. The built binary also has sub-commands used by the bench scripts:
//!
//! - `gen PATH [LINES]`: a sorted corpus of uniformly random SHA-1s plus 1,000 known "leaked"
//!   passwords (`credaudit-bench-leaked-{i}`, count i+1), `HASH:COUNT` LF lines;
//! - `index PATH`: `credaudit corpus index` (full verification, prefix index): time, size, memory;
//! - `offline PATH`: pages per lookup and time of 10,000 lookups (cold after fadvise, then warm),
//!   through the prefix index (built first if missing) and, to compare, without it;
//! - `online`: 1,000 unique prefixes against 50 ms injected latency, then a warm cache;
//! - `online-https`: the same 1,000 prefixes over HTTPS (HTTP/2 by ALPN, a test CA through
//!   `--ca-file`, realistic 2,000-row ranges, brotli), against ceil(1000/concurrency) x RTT;
//! - `make-xml PATH ENTRIES`: a KeePass 2 XML export for `keepassxc-cli import`;
//! - `vault KDBX PASSWORD CORPUS`: the leaked entries of a KDBX (via the keepass crate) and the
//!   time, printed like the side-by-side script expects.
#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

#[path = "../tests/support/hibp_server.rs"]
mod hibp_server;

use credaudit::breach::cache::{CacheConfig, CachedSource};
use credaudit::breach::corpus_index;
use credaudit::breach::offline::OfflineCorpus;
use credaudit::breach::online::{OnlineConfig, OnlineFetcher, OnlineSource};
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict, hex_upper};
use credaudit::secret::Secret;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_CORPUS: &str = "/work/targets/breach/hibp-100m.txt";
const KNOWN: usize = 1000;

fn leaked_password(i: usize) -> String {
    format!("credaudit-bench-leaked-{i}")
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize| args.get(i).cloned();
    match arg(0).as_deref() {
        Some("gen") => {
            let path = PathBuf::from(arg(1).unwrap_or_else(|| DEFAULT_CORPUS.into()));
            let lines = arg(2).and_then(|s| s.parse().ok()).unwrap_or(100_000_000);
            generate(&path, lines);
        }
        Some("index") => index(Path::new(&arg(1).unwrap_or_else(|| DEFAULT_CORPUS.into()))),
        Some("offline") => offline(Path::new(&arg(1).unwrap_or_else(|| DEFAULT_CORPUS.into()))),
        Some("online") => online(),
        Some("online-https") => online_https(),
        Some("make-xml") => make_xml(
            Path::new(&arg(1).expect("PATH")),
            arg(2).and_then(|s| s.parse().ok()).unwrap_or(1000),
        ),
        Some("vault") => vault(
            Path::new(&arg(1).expect("KDBX")),
            &arg(2).expect("PASSWORD"),
            Path::new(&arg(3).expect("CORPUS")),
        ),
        _ => {
            let corpus = std::env::var("CREDAUDIT_HIBP_CORPUS").unwrap_or(DEFAULT_CORPUS.into());
            if Path::new(&corpus).exists() {
                offline(Path::new(&corpus));
            } else {
                println!("offline: skipped, no corpus at {corpus} (run the `gen` sub-command)");
            }
            online();
            online_https();
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn write_line(out: &mut Vec<u8>, hash: &[u8; 20], count: u64) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in hash {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 15)]);
    }
    out.push(b':');
    out.extend_from_slice(count.to_string().as_bytes());
    out.push(b'\n');
}

fn generate(path: &Path, lines: usize) {
    let started = Instant::now();
    let mut rng = SmallRng::seed_from_u64(0x5EED_CAFE);
    let random = lines.saturating_sub(KNOWN);
    let mut keys: Vec<u64> = (0..random).map(|_| rng.random()).collect();
    keys.sort_unstable();
    let mut known: Vec<([u8; 20], u64)> = (0..KNOWN)
        .map(|i| {
            (
                Sha1Hash::of(&Secret::from(leaked_password(i))).0,
                i as u64 + 1,
            )
        })
        .collect();
    known.sort_unstable();
    eprintln!("keys sorted in {:.1?}", started.elapsed());
    let file = std::fs::File::create(path).expect("create corpus");
    let mut w = BufWriter::with_capacity(8 << 20, file);
    let mut buf = Vec::with_capacity(1 << 20);
    let mut k = known.iter().peekable();
    for key in keys {
        let mut hash = [0u8; 20];
        hash[..8].copy_from_slice(&key.to_be_bytes());
        rng.fill(&mut hash[8..]);
        while let Some((h, c)) = k.peek() {
            if *h < hash {
                write_line(&mut buf, h, *c);
                k.next();
            } else {
                break;
            }
        }
        // Counts: mostly small, a long tail.
        let r: u64 = rng.random();
        let count = 1 + ((r & 0xFFFF) >> (r >> 60));
        write_line(&mut buf, &hash, count);
        if buf.len() > (1 << 20) - 100 {
            w.write_all(&buf).expect("write");
            buf.clear();
        }
    }
    for (h, c) in k {
        write_line(&mut buf, h, *c);
    }
    w.write_all(&buf).expect("write");
    w.flush().expect("flush");
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {} lines, {:.2} GB, in {:.1?}",
        lines,
        size as f64 / 1e9,
        started.elapsed()
    );
}

/// Drops the file's pages from the page cache (clean pages only; affects no other file).
fn evict(path: &Path) -> bool {
    use std::os::unix::io::AsRawFd;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    // SAFETY: plain syscall on a valid, open descriptor; no memory is passed.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    rc == 0
}

/// `n` hashes present in the corpus, sampled at random offsets (pread, not via the searcher).
fn sample_present(path: &Path, n: usize, rng: &mut SmallRng) -> Vec<Sha1Hash> {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::open(path).expect("open");
    let len = f.metadata().expect("meta").len();
    let mut out = Vec::with_capacity(n);
    let mut buf = [0u8; 160];
    while out.len() < n {
        let off = rng.random_range(0..len.saturating_sub(200));
        let got = f.read_at(&mut buf, off).unwrap_or(0);
        let Some(nl) = buf[..got].iter().position(|&b| b == b'\n') else {
            continue;
        };
        let Some(line) = buf.get(nl + 1..nl + 41) else {
            continue;
        };
        let mut h = [0u8; 20];
        let ok = line.chunks_exact(2).zip(h.iter_mut()).all(|(p, o)| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .map(|v| *o = v)
                .is_some()
        });
        if ok {
            out.push(Sha1Hash(h));
        }
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The full verification and index build, from a cold page cache.
fn index(path: &Path) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let evicted = evict(path);
    println!(
        "== corpus index: {} ({:.2} GB), page cache evicted: {evicted}, load average before: {}",
        path.display(),
        size as f64 / 1e9,
        load_average()
    );
    let t = Instant::now();
    let summary = corpus_index::build_index(path, false, &NoProgress).expect("index");
    let took = t.elapsed();
    println!(
        "verified {} lines, {} prefixes, in {took:.1?} ({:.0} MB/s); index {} bytes ({:.2} MiB); peak RSS {:.0} MiB; load average after: {}",
        summary.lines,
        summary.present,
        size as f64 / 1e6 / took.as_secs_f64(),
        summary.index_bytes,
        summary.index_bytes as f64 / (1 << 20) as f64,
        peak_rss_mib(),
        load_average()
    );
}

fn offline(path: &Path) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "== offline: {} ({:.2} GB), load average {}",
        path.display(),
        size as f64 / 1e9,
        load_average()
    );
    if !corpus_index::index_path(path).exists() {
        index(path);
    }
    let mut rng = SmallRng::seed_from_u64(42);
    let mut queries = sample_present(path, 5_000, &mut rng);
    queries.extend((0..5_000).map(|_| Sha1Hash(rng.random())));
    let mut answers = Vec::new();
    for indexed in [true, false] {
        let label = if indexed {
            "with the prefix index"
        } else {
            "without the index (unverified, 64-line sample)"
        };
        let evicted = evict(path);
        let t = Instant::now();
        let corpus = if indexed {
            OfflineCorpus::open(path)
        } else {
            OfflineCorpus::open_unverified(path)
        }
        .expect("open corpus");
        let open_time = t.elapsed();
        let t = Instant::now();
        let v = corpus.lookup(&queries, &NoProgress);
        let cold = t.elapsed();
        let stats = corpus.stats();
        let seen = v.iter().filter(|v| matches!(v, Verdict::Seen(_))).count();
        let not_seen = v.iter().filter(|v| **v == Verdict::NotSeen).count();
        let unchecked = v.len() - seen - not_seen;
        println!("-- {label}");
        println!(
            "open {open_time:.1?} (page cache evicted: {evicted}); 10,000 lookups: {seen} seen, {not_seen} not seen, {unchecked} unchecked"
        );
        println!(
            "pages per lookup, one batch: {:.2} (total {} pages for {} lookups)",
            stats.pages_per_lookup(),
            stats.pages,
            stats.lookups
        );
        println!("first pass (cold after fadvise DONTNEED): {cold:.1?}");
        let mut warm = Vec::new();
        for _ in 0..11 {
            let t = Instant::now();
            let v2 = corpus.lookup(&queries, &NoProgress);
            warm.push(t.elapsed());
            assert_eq!(v2, v);
        }
        let m = median(warm.clone());
        println!(
            "warm, 10,000 lookups: median {m:.2?} (min {:.2?}, max {:.2?}, 11 runs) = {:.2} us/lookup",
            warm.iter().min().unwrap(),
            warm.iter().max().unwrap(),
            m.as_secs_f64() * 1e6 / 10_000.0
        );
        // One hash per call, as `credaudit check` does: no resume from a previous answer.
        corpus.reset_stats();
        for q in queries.iter().step_by(10) {
            corpus.lookup(std::slice::from_ref(q), &NoProgress);
        }
        println!(
            "pages per lookup, one hash per call (1,000 calls): {:.2}",
            corpus.stats().pages_per_lookup()
        );
        answers.push(v);
    }
    assert_eq!(
        answers[0], answers[1],
        "indexed and unverified answers differ"
    );
    println!("answers with and without the index: identical");
}

// ---------------------------------------------------------------------------------------------

fn spread_hashes(n: u32, rng: &mut SmallRng) -> Vec<Sha1Hash> {
    // n distinct prefixes, evenly spread over the 2^20 prefix space.
    (0..n)
        .map(|i| {
            let p = i * ((1 << 20) / n);
            let mut h: [u8; 20] = rng.random();
            h[0] = (p >> 12) as u8;
            h[1] = (p >> 4) as u8;
            h[2] = ((p & 0xF) as u8) << 4 | (h[2] & 0xF);
            Sha1Hash(h)
        })
        .collect()
}

fn online() {
    println!("== online: loopback server, 50 ms injected latency per request, padding on");
    let server = hibp_server::HibpServer::start();
    let mut rng = SmallRng::seed_from_u64(7);
    let hashes = spread_hashes(1000, &mut rng);
    for h in hashes.iter().step_by(10) {
        server.add_hash(&hex_upper(&h.0), 3);
    }
    server.set_latency(Duration::from_millis(50));
    let config = |c: usize| OnlineConfig {
        base_url: server.url(),
        concurrency: c,
        ..OnlineConfig::default()
    };
    for c in [8usize, 16, 32] {
        server.clear_requests();
        let src = OnlineSource::online(config(c)).expect("client");
        let t = Instant::now();
        let v = src.lookup(&hashes, &NoProgress);
        let took = t.elapsed();
        let ideal = Duration::from_secs_f64(1000.0 / c as f64 * 0.050);
        let unchecked = count_unchecked(&v);
        println!(
            "concurrency {c:>2}: 1,000 prefixes in {took:.2?}; ideal (1000/{c})x50ms = {ideal:.2?}; ratio {:.3} (target <= 1.25); requests {}; connections {}; unchecked {unchecked}",
            took.as_secs_f64() / ideal.as_secs_f64(),
            server.request_count(),
            server.connection_count(),
        );
    }
    let dir = tempfile::tempdir().expect("tmp");
    let cached = || {
        CachedSource::cached(
            CacheConfig::new(dir.path()),
            Some(OnlineFetcher::new(config(8)).expect("client")),
        )
        .expect("cache")
    };
    server.clear_requests();
    let t = Instant::now();
    let cold = cached().lookup(&hashes, &NoProgress);
    let cold_time = t.elapsed();
    let cold_requests = server.request_count();
    server.clear_requests();
    let mut warm_times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let warm = cached().lookup(&hashes, &NoProgress);
        warm_times.push(t.elapsed());
        assert_eq!(warm, cold);
    }
    println!(
        "cache: cold run {cold_time:.2?} with {cold_requests} requests; warm run median {:.2?} with {} requests (5 runs)",
        median(warm_times),
        server.request_count()
    );
}

/// The online benchmark over HTTPS: what a real user's run does (TLS, HTTP/2 multiplexing by
/// ALPN, compressed 2,000-row ranges), with 50 ms injected per request standing in for the RTT.
fn online_https() {
    const RTT: Duration = Duration::from_millis(50);
    // Knobs to separate the client's cost from the test server's (which shares the machine):
    // range size and body encoding (`br`, `gzip` or `none`).
    let rows: usize = std::env::var("CREDAUDIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let encoding = std::env::var("CREDAUDIT_BENCH_ENCODING").unwrap_or_else(|_| "br".into());
    println!(
        "== online over HTTPS: h2 by ALPN, {encoding} bodies, {rows}-row ranges, 50 ms per request"
    );
    let pki = hibp_server::TestPki::new();
    let ca = pki.ca_file();
    let server = hibp_server::HibpServer::start_https(&pki.server_cert(), &["h2", "http/1.1"]);
    server.set_filler_rows(rows);
    server.set_encoding(Some(encoding.as_str()).filter(|e| *e != "none"));
    server.set_latency(RTT);
    let mut rng = SmallRng::seed_from_u64(7);
    let hashes = spread_hashes(1000, &mut rng);
    for h in hashes.iter().step_by(10) {
        server.add_hash(&hex_upper(&h.0), 3);
    }
    for c in [8usize, 16, 32] {
        server.clear_requests();
        let src = OnlineSource::online(OnlineConfig {
            base_url: server.https_url(),
            concurrency: c,
            ca_file: Some(ca.clone()),
            ..OnlineConfig::default()
        })
        .expect("client");
        let t = Instant::now();
        let v = src.lookup(&hashes, &NoProgress);
        let took = t.elapsed();
        let ideal = RTT * 1000usize.div_ceil(c) as u32;
        let unchecked = count_unchecked(&v);
        let versions: std::collections::BTreeSet<String> =
            server.requests().into_iter().map(|r| r.version).collect();
        println!(
            "concurrency {c:>2}: 1,000 prefixes in {took:.2?}; ideal ceil(1000/{c})x50ms = {ideal:.2?}; ratio {:.3} (target <= 1.10); requests {}; TLS connections {}; {versions:?}; unchecked {unchecked}",
            took.as_secs_f64() / ideal.as_secs_f64(),
            server.request_count(),
            server.connection_count(),
        );
    }
}

// ---------------------------------------------------------------------------------------------

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn make_xml(path: &Path, entries: usize) {
    use base64::Engine;
    let b64 = |bytes: [u8; 16]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut rng = SmallRng::seed_from_u64(99);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<KeePassFile>\n<Meta><Generator>credaudit-bench</Generator><DatabaseName>bench</DatabaseName><RecycleBinEnabled>False</RecycleBinEnabled></Meta>\n<Root>\n",
    );
    out.push_str(&format!(
        "<Group><UUID>{}</UUID><Name>Root</Name>\n",
        b64(rng.random())
    ));
    for i in 0..entries {
        // Every 4th entry uses a leaked password (distinct ones up to 3,000 entries).
        let pw = if i % 4 == 0 {
            leaked_password((i / 4) % (KNOWN * 3 / 4))
        } else {
            format!("unique-{i}-{:016x}", rng.random::<u64>())
        };
        out.push_str(&format!(
            "<Entry><UUID>{}</UUID><String><Key>Title</Key><Value>site-{i:05}</Value></String><String><Key>UserName</Key><Value>user{i}</Value></String><String><Key>Password</Key><Value>{}</Value></String><String><Key>URL</Key><Value>https://site{i}.example</Value></String></Entry>\n",
            b64(rng.random()),
            xml_escape(&pw)
        ));
    }
    out.push_str("</Group>\n</Root>\n</KeePassFile>\n");
    std::fs::write(path, out).expect("write xml");
}

fn vault(kdbx: &Path, password: &str, corpus: &Path) {
    let t0 = Instant::now();
    let mut f = std::fs::File::open(kdbx).expect("open kdbx");
    let db = keepass::Database::open(&mut f, keepass::DatabaseKey::new().with_password(password))
        .expect("open database");
    let t_open = t0.elapsed();
    let bin = db.recycle_bin().map(|g| g.id());
    let mut titles = Vec::new();
    let mut hashes = Vec::new();
    for e in db.iter_all_entries() {
        // Direct children of the recycle bin (the bench vault has no recycle bin at all).
        let in_bin = Some(e.parent().id()) == bin;
        let Some(pw) = e.get_password().filter(|p| !p.is_empty()) else {
            continue;
        };
        if in_bin {
            continue;
        }
        titles.push(e.get_title().unwrap_or_default().to_owned());
        hashes.push(Sha1Hash::of(&Secret::from(pw)));
    }
    let t1 = Instant::now();
    let source = OfflineCorpus::open(corpus).expect("open corpus");
    let verdicts = source.lookup(&hashes, &NoProgress);
    let t_check = t1.elapsed();
    let mut leaked: Vec<String> = titles
        .iter()
        .zip(&verdicts)
        .filter_map(|(t, v)| match v {
            Verdict::Seen(n) => Some(format!("{t}\t{n}")),
            _ => None,
        })
        .collect();
    leaked.sort();
    for l in &leaked {
        println!("LEAKED\t{l}");
    }
    let unchecked = count_unchecked(&verdicts);
    eprintln!(
        "credaudit(bench): {} entries, {} leaked, {unchecked} unchecked; kdbx open {t_open:.1?}, breach check (open corpus + lookups) {t_check:.2?}; pages/lookup {:.2}",
        titles.len(),
        leaked.len(),
        source.stats().pages_per_lookup()
    );
    eprintln!(
        "TIMES {:.6} {:.6}",
        t_open.as_secs_f64(),
        t_check.as_secs_f64()
    );
}

/// How many lookups could not be completed (never read as clean).
fn count_unchecked(verdicts: &[Verdict]) -> usize {
    verdicts
        .iter()
        .filter(|v| matches!(v, Verdict::Unchecked(_)))
        .count()
}
