//! The per-prefix cache over the range client: warm runs send nothing, TTL, corrupt files,
//! permissions, `--offline`. Loopback only.

#[path = "support/hibp_server.rs"]
mod hibp_server;

use credaudit::breach::cache::{CacheConfig, CachedFetcher, CachedSource, OFFLINE_MISS};
use credaudit::breach::online::{OnlineConfig, OnlineFetcher};
use credaudit::breach::range::RangeSource;
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict};
use credaudit::secret::Secret;
use hibp_server::{Fault, HibpServer, sha1_hex};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn online(server: &HibpServer) -> OnlineFetcher {
    OnlineFetcher::new(OnlineConfig {
        base_url: server.url(),
        concurrency: 4,
        request_timeout: Duration::from_millis(500),
        max_retries: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..OnlineConfig::default()
    })
    .unwrap()
}

fn cached(server: &HibpServer, dir: &Path, ttl: Duration) -> CachedSource<OnlineFetcher> {
    let cfg = CacheConfig {
        dir: dir.to_owned(),
        ttl,
        offline_only: false,
    };
    CachedSource::cached(cfg, Some(online(server))).unwrap()
}

fn hash(pw: &str) -> Sha1Hash {
    Sha1Hash::of(&Secret::from(pw))
}

const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

fn passwords() -> Vec<Sha1Hash> {
    [
        "password",
        "hunter2",
        "Kumamon2019!",
        "unleaked-7f3a9c",
        "password",
    ]
    .iter()
    .map(|p| hash(p))
    .collect()
}

fn expected() -> Vec<Verdict> {
    vec![
        Verdict::Seen(42),
        Verdict::Seen(17),
        Verdict::Seen(2),
        Verdict::NotSeen,
        Verdict::Seen(42),
    ]
}

fn server() -> HibpServer {
    HibpServer::with_passwords(&[("password", 42), ("hunter2", 17), ("Kumamon2019!", 2)])
}

/// A server and a cache directory filled by one lookup of [`passwords`].
fn warmed_cache() -> (HibpServer, tempfile::TempDir) {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    cached(&server, tmp.path(), WEEK).lookup(&passwords(), &NoProgress);
    (server, tmp)
}

/// The cache file for the prefix of `password`.
fn prefix_file(dir: &Path, password: &str) -> PathBuf {
    dir.join(format!("{}.txt", &sha1_hex(password)[..5]))
}

#[test]
fn second_run_within_ttl_sends_zero_requests() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    assert_eq!(
        cached(&server, &dir, WEEK).lookup(&passwords(), &NoProgress),
        expected()
    );
    assert_eq!(server.request_count(), 4);
    server.clear_requests();
    let warm = cached(&server, &dir, WEEK);
    assert_eq!(warm.lookup(&passwords(), &NoProgress), expected());
    assert_eq!(server.request_count(), 0);
    let stats = warm.fetcher().stats();
    assert_eq!((stats.hits, stats.misses), (4, 0));
}

#[test]
fn permissions_are_private_and_no_temp_files_remain() {
    use std::os::unix::fs::PermissionsExt;
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("cache");
    cached(&server, &dir, WEEK).lookup(&passwords(), &NoProgress);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 4);
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.len() == 9 && name.ends_with(".txt"), "{name}");
    }
    // An existing, too open directory is tightened.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    cached(&server, &dir, WEEK);
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn cache_holds_only_what_the_api_returned_without_padding() {
    let (_server, tmp) = warmed_cache();
    let full = sha1_hex("password");
    let text = fs::read_to_string(prefix_file(tmp.path(), "password")).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    // The real rows (ours and the server's filler rows); the padding rows it added are gone.
    let rows = 1 + hibp_server::FILLER_ROWS;
    assert!(
        lines[0].starts_with(&format!("#credaudit-hibp-range v1 rows={rows}")),
        "{}",
        lines[0]
    );
    assert_eq!(text.matches(':').count(), rows);
    assert!(!text.contains(":0\n") && !text.ends_with(":0"));
    assert!(text.contains(&format!("{}:42", &full[5..])));
    // The unleaked password's prefix file holds the filler rows only, nothing of ours.
    let other = sha1_hex("unleaked-7f3a9c");
    let text = fs::read_to_string(prefix_file(tmp.path(), "unleaked-7f3a9c")).unwrap();
    assert!(!text.contains(&other[5..]));
    let filler = hibp_server::FILLER_ROWS;
    assert!(text.starts_with(&format!("#credaudit-hibp-range v1 rows={filler}\n")));
}

fn age(path: &Path, by: Duration) {
    let f = fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - by).unwrap();
}

#[test]
fn expired_entries_are_refetched() {
    let (server, tmp) = warmed_cache();
    age(
        &prefix_file(tmp.path(), "password"),
        WEEK + Duration::from_secs(60),
    );
    server.clear_requests();
    assert_eq!(
        cached(&server, tmp.path(), WEEK).lookup(&passwords(), &NoProgress),
        expected()
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].prefix(), Some(&sha1_hex("password")[..5]));
    // A zero TTL refetches everything.
    server.clear_requests();
    cached(&server, tmp.path(), Duration::ZERO).lookup(&passwords(), &NoProgress);
    assert_eq!(server.request_count(), 4);
}

#[test]
fn corrupt_files_are_refetched_never_trusted() {
    let (server, tmp) = warmed_cache();
    let path = prefix_file(tmp.path(), "password");
    let good = fs::read(&path).unwrap();
    let corruptions: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"garbage".to_vec(),
        // Header kept, row gone: "rows=1" with nothing after it would read as clean.
        good[..good.iter().position(|&b| b == b'\n').unwrap() + 1].to_vec(),
        // Cut in the middle of the row.
        good[..good.len() - 5].to_vec(),
        // A row that is not hex.
        String::from_utf8(good.clone())
            .unwrap()
            .replacen(':', "Z:", 1)
            .into_bytes(),
    ];
    for bad in corruptions {
        fs::write(&path, &bad).unwrap();
        server.clear_requests();
        let src = cached(&server, tmp.path(), WEEK);
        assert_eq!(src.lookup(&passwords(), &NoProgress), expected());
        assert_eq!(server.request_count(), 1, "refetched");
        assert_eq!(src.fetcher().stats().corrupt, 1);
        assert_eq!(fs::read(&path).unwrap(), good, "rewritten");
    }
}

#[test]
fn offline_mode_answers_from_cache_and_misses_are_unchecked() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    cached(&server, tmp.path(), WEEK).lookup(&passwords()[..2], &NoProgress);
    server.clear_requests();
    let offline = RangeSource::new(CachedFetcher::offline(tmp.path(), WEEK).unwrap());
    let v = offline.lookup(&passwords(), &NoProgress);
    assert_eq!(v[0], Verdict::Seen(42));
    assert_eq!(v[1], Verdict::Seen(17));
    assert_eq!(v[2], Verdict::Unchecked(OFFLINE_MISS.to_owned()));
    assert_eq!(v[3], Verdict::Unchecked(OFFLINE_MISS.to_owned()));
    assert_eq!(v[4], Verdict::Seen(42));
    // offline_only with an inner fetcher still sends nothing.
    let cfg = CacheConfig {
        dir: tmp.path().to_owned(),
        ttl: WEEK,
        offline_only: true,
    };
    let v2 = CachedSource::cached(cfg, Some(online(&server)))
        .unwrap()
        .lookup(&passwords(), &NoProgress);
    assert_eq!(v, v2);
    // An expired entry is a miss too.
    age(&prefix_file(tmp.path(), "password"), WEEK * 2);
    let v3 = offline.lookup(&passwords()[..1], &NoProgress);
    assert!(matches!(v3[0], Verdict::Unchecked(_)));
    assert_eq!(server.request_count(), 0);
}

#[test]
fn failures_are_not_cached() {
    let server = server();
    server.fail_always(Some(Fault::Status(503)));
    let tmp = tempfile::tempdir().unwrap();
    let v = cached(&server, tmp.path(), WEEK).lookup(&passwords(), &NoProgress);
    assert!(v.iter().all(|v| matches!(v, Verdict::Unchecked(_))));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    server.fail_always(None);
    assert_eq!(
        cached(&server, tmp.path(), WEEK).lookup(&passwords(), &NoProgress),
        expected()
    );
}

#[test]
fn concurrent_runs_share_a_directory_safely() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let hashes: Vec<Sha1Hash> = (0..40)
        .map(|i| hash(&format!("shared-{i}")))
        .chain(passwords())
        .collect();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let src = cached(&server, tmp.path(), WEEK);
                let v = src.lookup(&hashes, &NoProgress);
                assert_eq!(&v[40..], &expected()[..]);
                assert_eq!(src.fetcher().stats().write_errors, 0);
            });
        }
    });
    server.clear_requests();
    let warm = cached(&server, tmp.path(), WEEK);
    warm.lookup(&hashes, &NoProgress);
    assert_eq!(server.request_count(), 0);
    assert_eq!(warm.fetcher().stats().corrupt, 0);
    for e in fs::read_dir(tmp.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".tmp"), "{name}");
    }
}
