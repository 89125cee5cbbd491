//! The range-API client against a loopback server: privacy of what goes on the wire, padding,
//! faults and retries. No real network.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/connect_proxy.rs"]
mod connect_proxy;
#[path = "support/hibp_server.rs"]
mod hibp_server;

use assert_cmd::Command;
use binary::{credaudit, run};
use connect_proxy::ConnectProxy;
use credaudit::breach::online::{OnlineConfig, OnlineError, OnlineFetcher, OnlineSource};
use credaudit::breach::range::RangeSource;
use credaudit::breach::{BreachSource, NoProgress, Progress, Sha1Hash, Verdict, hex_upper};
use credaudit::secret::Secret;
use hibp_server::{Fault, HibpServer, TestPki, sha1_hex};
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

/// Looks `password` up against a server whose body for its prefix is `body(its suffix)`,
/// with `line_ending` between the padding rows.
fn lookup_in_body(
    password: &str,
    line_ending: &str,
    body: impl FnOnce(&str) -> String,
) -> Vec<Verdict> {
    let target = sha1_hex(password);
    let (prefix, suffix) = target.split_at(5);
    let server = HibpServer::with_bodies(HashMap::from([(prefix.to_owned(), body(suffix))]));
    server.set_line_ending(line_ending);
    source(&server).lookup(&[hash(password)], &NoProgress)
}

#[test]
fn padding_rows_are_ignored_even_for_our_suffix() {
    // The real rows, then a padding-style count-0 row that is exactly our suffix.
    let v = lookup_in_body("correct horse battery staple", "\r\n", |suffix| {
        format!("0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n{suffix}:0")
    });
    assert_eq!(v, vec![Verdict::NotSeen]);
}

#[test]
fn lf_bodies_lowercase_and_final_newline_are_accepted() {
    let v = lookup_in_body("Tulip#2001", "\n", |suffix| {
        format!(
            "0018a45c4d1def81644b54ab7f969b88d65:3\n{}:1234\n",
            suffix.to_ascii_lowercase()
        )
    });
    assert_eq!(v, vec![Verdict::Seen(1234)]);
}

/// Faults the client retries: rate limiting, a server error and every kind of broken body.
fn retried_faults() -> Vec<Fault> {
    vec![
        Fault::RateLimited {
            retry_after_secs: 0,
        },
        Fault::Status(503),
        Fault::Truncate,
        Fault::Malformed,
        Fault::CutMidLine,
        Fault::Empty,
        Fault::Close,
    ]
}

#[test]
fn each_transient_fault_is_retried_to_the_right_answer() {
    // Also other server errors, and a slow answer (too slow to repeat to the retry limit).
    let faults = retried_faults().into_iter().chain([
        Fault::Status(500),
        Fault::Status(502),
        Fault::Delay(Duration::from_millis(1500)),
    ]);
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
    let faults = retried_faults();
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

// ---------------------------------------------------------------------------------------------
// The online path in the real world: HTTPS, trust, proxies, redirects, failing sources.

/// A config for an HTTPS test server, trusting `ca` through `--ca-file`.
fn https_config(server: &HibpServer, ca: Option<&std::path::Path>) -> OnlineConfig {
    OnlineConfig {
        base_url: server.https_url(),
        ca_file: ca.map(std::path::Path::to_path_buf),
        ..config(server)
    }
}

fn only_reason(verdicts: &[Verdict]) -> String {
    let reasons: HashSet<String> = verdicts
        .iter()
        .map(|v| match v {
            Verdict::Unchecked(r) => r.clone(),
            other => panic!("expected unchecked, got {other:?}"),
        })
        .collect();
    assert_eq!(reasons.len(), 1, "one cause, one text: {reasons:?}");
    let reason = reasons.into_iter().next().unwrap_or_default();
    assert!(!reason.contains('\n'), "one line: {reason}");
    reason
}

#[test]
fn https_with_ca_file_speaks_http2_by_alpn_and_pads_one_request_per_prefix() {
    let pki = TestPki::new();
    let server = HibpServer::start_https(&pki.server_cert(), &["h2", "http/1.1"]);
    server.add_hash(&sha1_hex("password"), 42);
    let hashes = [hash("password"), hash("unleaked-8c1f"), hash("password")];
    let ca = pki.ca_file();
    let v = OnlineSource::online(https_config(&server, Some(&ca)))
        .unwrap()
        .lookup(&hashes, &NoProgress);
    assert_eq!(
        v,
        vec![Verdict::Seen(42), Verdict::NotSeen, Verdict::Seen(42)]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one request per unique prefix");
    for r in &requests {
        assert_eq!(r.version, "HTTP/2.0");
        assert_eq!(r.header("add-padding"), Some("true"));
        assert!(
            r.header("user-agent")
                .unwrap_or_default()
                .starts_with("credaudit/")
        );
        assert!(r.header("referer").is_none());
        assert_eq!(r.prefix().map(str::len), Some(5));
    }
}

#[test]
fn https_falls_back_to_http1_when_only_that_is_offered() {
    let pki = TestPki::new();
    let server = HibpServer::start_https(&pki.server_cert(), &["http/1.1"]);
    server.add_hash(&sha1_hex("password"), 7);
    let ca = pki.ca_file();
    let v = OnlineSource::online(https_config(&server, Some(&ca)))
        .unwrap()
        .lookup(&[hash("password")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(7)]);
    assert!(server.requests().iter().all(|r| r.version == "HTTP/1.1"));
}

#[test]
fn https_gzip_and_brotli_bodies_are_decoded() {
    let pki = TestPki::new();
    let ca = pki.ca_file();
    for encoding in ["gzip", "br"] {
        let server = HibpServer::start_https(&pki.server_cert(), &["h2", "http/1.1"]);
        server.add_hash(&sha1_hex("password"), 11);
        server.set_encoding(Some(encoding));
        let v = OnlineSource::online(https_config(&server, Some(&ca)))
            .unwrap()
            .lookup(&[hash("password"), hash("other-3b7e")], &NoProgress);
        assert_eq!(v, vec![Verdict::Seen(11), Verdict::NotSeen], "{encoding}");
        assert_eq!(server.served_encodings(), vec![encoding; 2], "{encoding}");
    }
}

#[test]
fn untrusted_wrong_name_expired_and_self_signed_certificates_are_named_and_unchecked() {
    let pki = TestPki::new();
    let ca = pki.ca_file();
    let cases = [
        (pki.server_cert(), None, "not trusted"),
        (pki.wrong_name_cert(), Some(&ca), "not valid for 127.0.0.1"),
        (pki.expired_cert(), Some(&ca), "expired"),
        (TestPki::self_signed_cert(), None, "not trusted"),
        (TestPki::self_signed_cert(), Some(&ca), "not trusted"),
    ];
    for (cert, ca, words) in cases {
        let server = HibpServer::start_https(&cert, &["h2", "http/1.1"]);
        let hashes: Vec<Sha1Hash> = (0..40).map(|i| hash(&format!("tls-{i}"))).collect();
        let v = OnlineSource::online(https_config(&server, ca.map(|p| p.as_path())))
            .unwrap()
            .lookup(&hashes, &NoProgress);
        let reason = only_reason(&v);
        assert!(reason.contains(words), "{words}: {reason}");
        // A certificate problem is not retried, and stops the run: no request got through, and
        // at most one handshake per concurrent slot was tried.
        assert_eq!(server.request_count(), 0);
        assert!(
            server.connection_count() <= 4,
            "{}",
            server.connection_count()
        );
    }
    let v = OnlineSource::online(https_config(
        &HibpServer::start_https(&pki.server_cert(), &["h2"]),
        None,
    ))
    .unwrap()
    .lookup(&[hash("x")], &NoProgress);
    assert!(only_reason(&v).contains("--ca-file"));
}

#[test]
fn a_ca_file_without_certificates_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("ca.pem");
    std::fs::write(&bogus, "not a certificate\n").unwrap();
    for path in [bogus, dir.path().join("missing.pem")] {
        let cfg = OnlineConfig {
            ca_file: Some(path),
            ..OnlineConfig::default()
        };
        let err = OnlineSource::online(cfg).err().expect("error");
        assert!(matches!(err, OnlineError::CaFile { .. }), "{err}");
        assert!(err.to_string().starts_with("--ca-file "), "{err}");
    }
}

#[test]
fn redirects_are_not_followed_and_no_referer_is_sent() {
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_always(Some(Fault::Redirect(
        "http://login.portal.example/?next=/range/5BAA6".to_owned(),
    )));
    let v = source(&server).lookup(&[hash("password"), hash("zz-other")], &NoProgress);
    let reason = only_reason(&v);
    assert!(
        reason.contains("redirected to login.portal.example"),
        "{reason}"
    );
    assert!(
        !reason.contains("5BAA6") && !reason.contains("/range/"),
        "{reason}"
    );
    // No redirect followed, nothing retried: a redirect stops the run at once.
    assert!(server.request_count() <= 2, "{}", server.request_count());
    for r in server.requests() {
        assert!(r.header("referer").is_none());
    }
}

#[test]
fn implausible_bodies_are_failures_not_clean() {
    let cases = [
        (Fault::PaddingOnly, "only padding"),
        (Fault::Short, "too short"),
        (Fault::OtherPrefix, "another prefix"),
        (Fault::Html, "HTML page"),
    ];
    for (fault, words) in cases {
        let server = HibpServer::with_passwords(&[("password", 9)]);
        server.fail_always(Some(fault.clone()));
        let v = source(&server).lookup(&[hash("password"), hash("other-91")], &NoProgress);
        let reason = only_reason(&v);
        assert!(reason.contains(words), "{fault:?}: {reason}");
    }
    // Without padding rows or filler, a range with real rows only is still fine.
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.set_padding(false);
    let v = source(&server).lookup(&[hash("password")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(9)]);
    // One implausible answer is retried to the right answer.
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_next("5BAA6", [Fault::Short, Fault::PaddingOnly]);
    let v = source(&server).lookup(&[hash("password")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(9)]);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let server = HibpServer::with_passwords(&[("password", 9)]);
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    server.fail_next("5BAA6", [Fault::RateLimitedUntil(at)]);
    let started = Instant::now();
    let v = source(&server).lookup(&[hash("password")], &NoProgress);
    assert_eq!(v, vec![Verdict::Seen(9)]);
    // HTTP dates have whole seconds: at least one of the two seconds is waited for.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2);
}

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_source_that_is_down_fails_fast_with_one_cause() {
    let port = closed_port();
    let hashes: Vec<Sha1Hash> = (0..300).map(|i| hash(&format!("down-{i}"))).collect();
    for (base, words) in [
        (
            format!("http://127.0.0.1:{port}"),
            format!("connection refused by 127.0.0.1:{port}"),
        ),
        (
            "http://credaudit-test.invalid".to_owned(),
            "cannot resolve credaudit-test.invalid".to_owned(),
        ),
    ] {
        let cfg = OnlineConfig {
            base_url: base,
            // The defaults: retries with 250 ms backoff would take minutes over 300 prefixes.
            ..OnlineConfig::default()
        };
        let started = Instant::now();
        let v = OnlineSource::online(cfg)
            .unwrap()
            .lookup(&hashes, &NoProgress);
        let took = started.elapsed();
        assert_eq!(only_reason(&v), words);
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
}

#[test]
fn server_errors_do_not_count_as_down() {
    // 503 for one prefix, fine for the others: the others are answered, the 503 one is
    // retried to its limit.
    let server = HibpServer::with_passwords(&[("password", 9)]);
    server.fail_next("5BAA6", std::iter::repeat_n(Fault::Status(503), 10));
    let others: Vec<Sha1Hash> = (0..20).map(|i| hash(&format!("fine-{i}"))).collect();
    let mut hashes = vec![hash("password")];
    hashes.extend(&others);
    let v = source(&server).lookup(&hashes, &NoProgress);
    let Verdict::Unchecked(reason) = &v[0] else {
        panic!("{:?}", v[0])
    };
    assert_eq!(reason, "server error (HTTP 503) (gave up after 4 attempts)");
    assert!(v[1..].iter().all(|v| *v == Verdict::NotSeen));
}

// ---- through the binary --------------------------------------------------------------------

/// A one-login CSV export whose password is `password` (breached in the test servers).
fn vault(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("vault.csv");
    std::fs::write(
        &path,
        "name,url,username,password\nexample.com,https://example.com/,me,password\nshop.example,https://shop.example/,me,wW8#kP2v!Lq9zR4t\n",
    )
    .unwrap();
    path
}

/// Runs an audit, returns (exit code, stdout, stderr).
fn audit(cmd: &mut Command, vault: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    run(cmd
        .args(["audit", "--no-cache", "-o", "json"])
        .args(args)
        .arg(vault))
}

fn unchecked_reasons(stdout: &str) -> HashSet<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).expect("JSON report");
    report["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| a["reasons"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["code"] == "unchecked")
        .map(|r| r["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The one "unchecked" reason of a report that must have exactly one.
fn only_unchecked_reason(stdout: &str) -> String {
    let reasons = unchecked_reasons(stdout);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    reasons.into_iter().next().unwrap()
}

/// A private home holding the one-login vault, and a test CA (`ca`: its certificate file).
struct HttpsAudit {
    home: tempfile::TempDir,
    vault: std::path::PathBuf,
    pki: TestPki,
    ca: String,
}

impl HttpsAudit {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let vault = vault(home.path());
        let pki = TestPki::new();
        let ca = pki.ca_file().to_str().unwrap().to_owned();
        Self {
            home,
            vault,
            pki,
            ca,
        }
    }

    fn credaudit(&self) -> Command {
        credaudit(self.home.path())
    }

    /// An HTTPS server with a certificate from the test CA, where `password` is breached.
    fn trusted_server(&self) -> HibpServer {
        let server = HibpServer::start_https(&self.pki.server_cert(), &["h2", "http/1.1"]);
        server.add_hash(&sha1_hex("password"), 42);
        server
    }
}

#[test]
fn audit_over_https_needs_the_ca_file_or_the_system_store() {
    let t = HttpsAudit::new();
    let server = t.trusted_server();
    let url = server.https_url();

    // With --ca-file: checked, the breached password found (exit 1: findings).
    let (code, out, err) = audit(
        &mut t.credaudit(),
        &t.vault,
        &["--hibp-url", &url, "--ca-file", &t.ca],
    );
    assert_eq!(code, 1, "{err}");
    assert!(unchecked_reasons(&out).is_empty(), "{out}");
    assert!(out.contains("breached"), "{out}");

    // Without it: unchecked, exit 5 (findings and incomplete), one reason naming the fix.
    let (code, out, err) = audit(&mut t.credaudit(), &t.vault, &["--hibp-url", &url]);
    assert_eq!(code, 5, "{err}");
    let reason = only_unchecked_reason(&out);
    assert!(
        reason.contains("not trusted") && reason.contains("--ca-file"),
        "{reason}"
    );

    // The system trust store is what is used: with the test CA as the system's bundle
    // (SSL_CERT_FILE, as OpenSSL and rustls-native-certs read it), no --ca-file is needed.
    let (code, out, err) = audit(
        t.credaudit().env("SSL_CERT_FILE", &t.ca),
        &t.vault,
        &["--hibp-url", &url],
    );
    assert_eq!(code, 1, "{err}");
    assert!(unchecked_reasons(&out).is_empty(), "{out}");

    // A system without any trust store: the bundled roots take over, --ca-file still adds.
    let nothing = t.home.path().join("no-such-bundle");
    let (code, out, err) = audit(
        t.credaudit()
            .env("SSL_CERT_FILE", &nothing)
            .env("SSL_CERT_DIR", &nothing),
        &t.vault,
        &["--hibp-url", &url, "--ca-file", &t.ca],
    );
    assert_eq!(code, 1, "{err}");
    assert!(unchecked_reasons(&out).is_empty(), "{out}");
}

#[test]
fn certificate_problems_exit_incomplete_with_one_line_naming_them() {
    let t = HttpsAudit::new();
    for (cert, words) in [
        (t.pki.wrong_name_cert(), "not valid for 127.0.0.1"),
        (t.pki.expired_cert(), "expired"),
        (TestPki::self_signed_cert(), "not trusted"),
    ] {
        let server = HibpServer::start_https(&cert, &["h2", "http/1.1"]);
        let (code, out, err) = audit(
            &mut t.credaudit(),
            &t.vault,
            &["--hibp-url", &server.https_url(), "--ca-file", &t.ca],
        );
        assert!(code == 4 || code == 5, "{code}: {err}");
        let reason = only_unchecked_reason(&out);
        assert!(reason.contains(words) && !reason.contains('\n'), "{reason}");
    }
}

#[test]
fn https_proxy_carries_every_request_and_no_proxy_bypasses_it() {
    let t = HttpsAudit::new();
    let server = t.trusted_server();
    let url = server.https_url();
    let target = server.addr().to_string();

    // reqwest does not exempt loopback from proxies on its own, so the proxy sees the test
    // server's traffic exactly as it would see api.pwnedpasswords.com's. Both spellings count.
    for var in ["HTTPS_PROXY", "https_proxy"] {
        let proxy = ConnectProxy::start();
        let before = server.connection_count();
        let (code, out, err) = audit(
            t.credaudit().env(var, proxy.url()),
            &t.vault,
            &["--hibp-url", &url, "--ca-file", &t.ca],
        );
        assert_eq!(code, 1, "{var}: {err}");
        assert!(unchecked_reasons(&out).is_empty(), "{out}");
        let connects = proxy.connects();
        assert!(
            !connects.is_empty(),
            "{var}: nothing went through the proxy"
        );
        assert!(connects.iter().all(|c| c.target == target), "{connects:?}");
        assert_eq!(
            server.connection_count() - before,
            connects.len() as u64,
            "every connection came through the proxy"
        );
    }

    // NO_PROXY: straight to the server.
    let proxy = ConnectProxy::start();
    let (code, _, err) = audit(
        t.credaudit()
            .env("HTTPS_PROXY", proxy.url())
            .env("NO_PROXY", "127.0.0.1"),
        &t.vault,
        &["--hibp-url", &url, "--ca-file", &t.ca],
    );
    assert_eq!(code, 1, "{err}");
    assert!(proxy.connects().is_empty());

    // --proxy, with credentials: used, sent as Proxy-Authorization, never printed.
    let proxy = ConnectProxy::start();
    let (code, out, err) = audit(
        &mut t.credaudit(),
        &t.vault,
        &[
            "--hibp-url",
            &url,
            "--ca-file",
            &t.ca,
            "--proxy",
            &proxy.url_with_credentials("hana", "s3cret-proxy-pw"),
        ],
    );
    assert_eq!(code, 1, "{err}");
    let connects = proxy.connects();
    assert!(!connects.is_empty());
    assert!(connects.iter().all(|c| c.authorization.is_some()));
    assert!(!out.contains("s3cret") && !err.contains("s3cret"));
}

#[test]
fn a_refusing_proxy_is_named_and_its_credentials_are_not() {
    let t = HttpsAudit::new();
    let server = HibpServer::start_https(&t.pki.server_cert(), &["h2", "http/1.1"]);
    for (status, words) in [(403, "refused CONNECT"), (407, "requires authentication")] {
        let proxy = ConnectProxy::refusing(status);
        let (code, out, err) = audit(
            t.credaudit().env(
                "HTTPS_PROXY",
                proxy.url_with_credentials("hana", "s3cret-pw"),
            ),
            &t.vault,
            &["--hibp-url", &server.https_url(), "--ca-file", &t.ca],
        );
        assert!(code == 4 || code == 5, "{code}: {err}");
        let reason = only_unchecked_reason(&out);
        assert!(reason.contains(words), "{reason}");
        assert!(reason.contains(&proxy.addr().to_string()), "{reason}");
        assert!(reason.contains("HTTPS_PROXY"), "{reason}");
        assert!(!out.contains("s3cret") && !err.contains("s3cret"));
        assert_eq!(server.request_count(), 0);
        // Refused once, the run stops: at most one CONNECT per concurrent slot.
        assert!(proxy.connects().len() <= 8, "{}", proxy.connects().len());
    }
}

#[test]
fn config_shows_the_proxy_without_its_credentials() {
    let h = tempfile::tempdir().unwrap();
    let out = credaudit(h.path())
        .args([
            "config",
            "--proxy",
            "http://hana:s3cret-pw@proxy.corp.example:3128",
            "--ca-file",
            "/etc/corp/ca.pem",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("s3cret") && !text.contains("hana"), "{text}");
    assert!(text.contains("proxy.corp.example:3128"), "{text}");
    assert!(text.contains("/etc/corp/ca.pem"), "{text}");
}

#[test]
fn no_network_reaches_the_report_in_under_five_seconds() {
    let h = tempfile::tempdir().unwrap();
    for url in [
        format!("http://127.0.0.1:{}", closed_port()),
        "https://credaudit-test.invalid".to_owned(),
    ] {
        let started = Instant::now();
        let (code, out, err) = audit(
            &mut credaudit(h.path()),
            std::path::Path::new("fixtures/demo/vault.json"),
            &["--hibp-url", &url],
        );
        let took = started.elapsed();
        assert_eq!(code, 5, "{err}");
        assert_eq!(unchecked_reasons(&out).len(), 1, "{out}");
        assert!(took < Duration::from_secs(5), "{url}: {took:?}");
    }
}
