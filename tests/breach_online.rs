//! The range-API client against a loopback server: privacy of what goes on the wire, padding,
//! faults and retries. No real network.

#[path = "support/hibp_server.rs"]
mod hibp_server;

use credaudit::breach::online::{OnlineConfig, OnlineError, OnlineFetcher, OnlineSource};
use credaudit::breach::range::RangeSource;
use credaudit::breach::{BreachSource, NoProgress, Progress, Sha1Hash, Verdict, hex_upper};
use credaudit::secret::Secret;
use hibp_server::{Fault, HibpServer, sha1_hex};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn config(server: &HibpServer) -> OnlineConfig {
    OnlineConfig {
        base_url: server.url(),
        concurrency: 4,
        request_timeout: Duration::from_millis(400),
        connect_timeout: Duration::from_millis(400),
        total_timeout: Duration::from_secs(20),
        max_retries: 3,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(40),
        ..OnlineConfig::default()
    }
}

fn source(server: &HibpServer) -> OnlineSource {
    OnlineSource::online(config(server)).unwrap()
}

fn hash(pw: &str) -> Sha1Hash {
    Sha1Hash::of(&Secret::from(pw))
}

/// A hash from a 40-hex string.
fn hash_hex(hex: &str) -> Sha1Hash {
    let mut out = [0u8; 20];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    Sha1Hash(out)
}

fn assert_never_clean(v: &Verdict) {
    assert!(
        matches!(v, Verdict::Unchecked(_)),
        "expected Unchecked, got {v:?}"
    );
}

#[test]
fn privacy_one_padded_request_per_unique_prefix_and_no_full_hash_on_the_wire() {
    let server = HibpServer::with_passwords(&[("password", 42), ("hunter2", 17)]);
    // Two hashes sharing one prefix, one of them present.
    let same_a = "ABCDE0000000000000000000000000000000000A";
    let same_b = "ABCDE1111111111111111111111111111111111B";
    server.add_hash(same_a, 5);
    let hashes = vec![
        hash("password"),
        hash("hunter2"),
        hash("never-leaked-passphrase-9d1e"),
        hash("password"), // duplicate
        hash_hex(same_a),
        hash_hex(same_b),
    ];
    let verdicts = source(&server).lookup(&hashes, &NoProgress);
    assert_eq!(
        verdicts,
        vec![
            Verdict::Seen(42),
            Verdict::Seen(17),
            Verdict::NotSeen,
            Verdict::Seen(42),
            Verdict::Seen(5),
            Verdict::NotSeen,
        ]
    );

    let unique: HashSet<String> = hashes.iter().map(|h| h.prefix().to_string()).collect();
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        unique.len(),
        "one request per unique prefix"
    );
    let seen: HashSet<String> = requests
        .iter()
        .map(|r| r.prefix().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(seen, unique);
    let full: Vec<String> = hashes.iter().map(|h| hex_upper(&h.0)).collect();
    for r in &requests {
        assert_eq!(r.method, "GET");
        let prefix = r.path.strip_prefix("/range/").expect("path is /range/...");
        assert_eq!(prefix.len(), 5);
        assert!(
            prefix
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')),
            "{prefix}"
        );
        assert_eq!(r.header("Add-Padding"), Some("true"));
        assert!(
            r.header("User-Agent")
                .unwrap_or_default()
                .starts_with("credaudit/")
        );
        assert_eq!(r.body_len, 0);
        assert!(r.header("Transfer-Encoding").is_none());
        let wire = format!("{} {:?}", r.path, r.headers).to_ascii_uppercase();
        for h in &full {
            assert!(!wire.contains(h.as_str()), "full hash on the wire");
            assert!(!wire.contains(&h[5..]), "suffix on the wire");
            assert!(!wire.contains(&h[5..15]), "suffix part on the wire");
        }
    }
}

#[test]
fn padding_rows_are_ignored_even_for_our_suffix() {
    let target = sha1_hex("correct horse battery staple");
    let (prefix, suffix) = target.split_at(5);
    let mut bodies = HashMap::new();
    // The real rows, then a padding-style count-0 row that is exactly our suffix.
    bodies.insert(
        prefix.to_owned(),
        format!("0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n{suffix}:0"),
    );
    let server = HibpServer::with_bodies(bodies);
    let v = source(&server).lookup(&[hash("correct horse battery staple")], &NoProgress);
    assert_eq!(v, vec![Verdict::NotSeen]);
}

#[test]
fn lf_bodies_lowercase_and_final_newline_are_accepted() {
    let target = sha1_hex("Tulip#2001");
    let (prefix, suffix) = target.split_at(5);
    let mut bodies = HashMap::new();
    bodies.insert(
        prefix.to_owned(),
        format!(
            "0018a45c4d1def81644b54ab7f969b88d65:3\n{}:1234\n",
            suffix.to_ascii_lowercase()
        ),
    );
    let server = HibpServer::with_bodies(bodies);
    server.set_line_ending("\n");
    let v = source(&server).lookup(&[hash("Tulip#2001")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(1234)]);
}

#[test]
fn each_transient_fault_is_retried_to_the_right_answer() {
    let faults = [
        Fault::RateLimited {
            retry_after_secs: 0,
        },
        Fault::Status(503),
        Fault::Status(500),
        Fault::Status(502),
        Fault::Delay(Duration::from_millis(1500)),
        Fault::Truncate,
        Fault::Malformed,
        Fault::CutMidLine,
        Fault::Empty,
        Fault::Close,
    ];
    for fault in faults {
        let server = HibpServer::with_passwords(&[("password", 9)]);
        server.fail_next("5BAA6", [fault.clone()]);
        let v = source(&server).lookup(&[hash("password")], &NoProgress);
        assert_eq!(v, vec![Verdict::Seen(9)], "after {fault:?}");
        assert!(server.request_count() >= 2, "{fault:?} was retried");
    }
}

#[test]
fn persistent_faults_leave_hashes_unchecked_never_clean() {
    let faults = [
        Fault::Status(503),
        Fault::RateLimited {
            retry_after_secs: 0,
        },
        Fault::Malformed,
        Fault::CutMidLine,
        Fault::Truncate,
        Fault::Empty,
        Fault::Close,
    ];
    for fault in faults {
        let server = HibpServer::with_passwords(&[("password", 9)]);
        server.fail_always(Some(fault.clone()));
        let hashes = [hash("password"), hash("not in the corpus at all")];
        let v = source(&server).lookup(&hashes, &NoProgress);
        for verdict in &v {
            assert_never_clean(verdict);
        }
        // max_retries = 3: four attempts per prefix, no more.
        assert!(
            server.request_count() <= 2 * 4 + 2,
            "{fault:?}: {}",
            server.request_count()
        );
        assert!(
            server.request_count() >= 2 * 4,
            "{fault:?}: {}",
            server.request_count()
        );
    }
}

#[test]
fn persistent_timeouts_are_unchecked() {
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_always(Some(Fault::Delay(Duration::from_millis(1200))));
    let mut cfg = config(&server);
    cfg.request_timeout = Duration::from_millis(100);
    cfg.max_retries = 1;
    let v = OnlineSource::online(cfg)
        .unwrap()
        .lookup(&[hash("password")], &NoProgress);
    assert_never_clean(&v[0]);
    let Verdict::Unchecked(reason) = &v[0] else {
        unreachable!()
    };
    assert!(reason.contains("timed out"), "{reason}");
}

#[test]
fn client_errors_are_not_retried_and_say_why() {
    for (code, words) in [(400, "400"), (403, "403"), (404, "404")] {
        let server = HibpServer::with_passwords(&[("password", 9)]);
        server.fail_always(Some(Fault::Status(code)));
        let v = source(&server).lookup(&[hash("password"), hash("other")], &NoProgress);
        for verdict in &v {
            let Verdict::Unchecked(reason) = verdict else {
                panic!("HTTP {code} gave {verdict:?}");
            };
            assert!(reason.contains(words), "{reason}");
            assert!(!reason.contains("5BAA6"), "no prefix in reasons");
        }
        assert_eq!(server.request_count(), 2, "HTTP {code} is not retried");
    }
}

#[test]
fn retry_after_is_honoured() {
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_next(
        "5BAA6",
        [Fault::RateLimited {
            retry_after_secs: 1,
        }],
    );
    let started = Instant::now();
    let v = source(&server).lookup(&[hash("password")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(9)]);
    // The backoff base is 5 ms: only Retry-After explains a wait of a second.
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.request_count(), 2);
}

#[test]
fn total_time_is_bounded_and_leftovers_are_unchecked() {
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_always(Some(Fault::Status(503)));
    let mut cfg = config(&server);
    cfg.total_timeout = Duration::from_millis(300);
    cfg.backoff_base = Duration::from_millis(200);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.max_retries = 50;
    cfg.concurrency = 1;
    let hashes: Vec<Sha1Hash> = (0..6).map(|i| hash(&format!("pw{i}"))).collect();
    let v = OnlineSource::online(cfg)
        .unwrap()
        .lookup(&hashes, &NoProgress);
    for verdict in &v {
        let Verdict::Unchecked(reason) = verdict else {
            panic!("{verdict:?}")
        };
        assert!(reason.contains("total time limit"), "{reason}");
    }
    assert!(server.request_count() < 6 * 3);
}

#[derive(Default)]
struct Count {
    total: AtomicU64,
    done: AtomicU64,
    finished: AtomicU64,
}
impl Progress for Count {
    fn start(&self, total: u64) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn progress_counts_prefixes_and_connections_are_reused() {
    let server = HibpServer::start();
    let hashes: Vec<Sha1Hash> = (0..60).map(|i| hash(&format!("progress-{i}"))).collect();
    let unique: HashSet<String> = hashes.iter().map(|h| h.prefix().to_string()).collect();
    let progress = Count::default();
    let v = source(&server).lookup(&hashes, &progress);
    assert!(v.iter().all(|v| *v == Verdict::NotSeen));
    assert_eq!(progress.total.load(Ordering::SeqCst), unique.len() as u64);
    assert_eq!(progress.done.load(Ordering::SeqCst), unique.len() as u64);
    assert_eq!(progress.finished.load(Ordering::SeqCst), 1);
    // Keep-alive: at most one connection per concurrent request.
    assert!(
        server.connection_count() <= 4,
        "{}",
        server.connection_count()
    );
}

#[test]
fn the_same_fetcher_serves_several_lookups() {
    let server = HibpServer::with_passwords(&[("password", 3)]);
    let src = RangeSource::new(OnlineFetcher::new(config(&server)).unwrap());
    for _ in 0..3 {
        assert_eq!(
            src.lookup(&[hash("password")], &NoProgress),
            vec![Verdict::Seen(3)]
        );
    }
    assert_eq!(server.request_count(), 3);
}

#[test]
fn bad_base_url_is_an_error() {
    let cfg = OnlineConfig {
        base_url: "api.pwnedpasswords.com".into(),
        ..OnlineConfig::default()
    };
    let err = OnlineSource::online(cfg).err().expect("error");
    assert!(matches!(err, OnlineError::BadUrl(_)));
    assert!(err.to_string().contains("http"));
}
