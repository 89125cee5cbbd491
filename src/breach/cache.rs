//! On-disk cache of range responses, for cron.
//!
//! One file per prefix, `{dir}/{PREFIX}.txt`, holding what the API returned for that prefix
//! (padding rows removed) after a one-line header. The header carries the row count, so a
//! truncated or otherwise damaged file is detected and refetched, never trusted. Nothing from
//! the vault is written. The directory is created 0700 and files 0600; writes go to a temporary
//! file in the same directory and are renamed into place, so concurrent runs never see a
//! half-written file. Freshness is the file's modification time against the TTL.

use super::Prefix;
use super::range::{FetchResult, RangeBody, RangeFetcher, RangeSource};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// Default time to live of a cached prefix (`--cache-ttl`).
pub const DEFAULT_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// First token of every cache file.
const MAGIC: &str = "#credaudit-hibp-range v1 rows=";

/// Reason given for a miss in `--offline` mode.
pub const OFFLINE_MISS: &str = "not in cache (--offline)";

/// Settings of the cache.
#[derive(Clone, Debug)]
pub struct CacheConfig {
    /// Directory of the per-prefix files (`--cache-dir`).
    pub dir: PathBuf,
    /// Entries older than this are refetched (`--cache-ttl`).
    pub ttl: Duration,
    /// Answer from the cache alone (`--offline`): misses are unchecked.
    pub offline_only: bool,
}

impl CacheConfig {
    /// A cache in `dir` with the default TTL, online.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            ttl: DEFAULT_TTL,
            offline_only: false,
        }
    }
}

/// The user's cache directory for range responses (`~/.cache/credaudit/hibp-range` on Linux),
/// if the platform has one.
pub fn default_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "credaudit").map(|d| d.cache_dir().join("hibp-range"))
}

/// The cache directory could not be prepared.
#[derive(Debug, thiserror::Error)]
#[error("cannot use cache directory {path}")]
pub struct CacheError {
    /// The directory.
    pub path: PathBuf,
    /// What failed.
    #[source]
    pub source: io::Error,
}

/// Counters of one cache, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Prefixes answered from a fresh, valid file.
    pub hits: u64,
    /// Prefixes absent or expired.
    pub misses: u64,
    /// Files rejected as corrupt.
    pub corrupt: u64,
    /// Files written.
    pub writes: u64,
    /// Writes that failed (the answer is still used).
    pub write_errors: u64,
}

/// A [`RangeFetcher`] that answers from the cache and asks `inner` for the rest.
pub struct CachedFetcher<F> {
    config: CacheConfig,
    inner: Option<F>,
    hits: AtomicU64,
    misses: AtomicU64,
    corrupt: AtomicU64,
    writes: AtomicU64,
    write_errors: AtomicU64,
}

/// A cached source over any fetcher: `RangeSource<CachedFetcher<OnlineFetcher>>` is the default
/// online check for cron.
pub type CachedSource<F> = RangeSource<CachedFetcher<F>>;

/// Placeholder fetcher type for an `--offline` cache that has nothing to fall back on.
pub type NoFetcher = Box<dyn RangeFetcher>;

impl<F: RangeFetcher> CachedFetcher<F> {
    /// A cache over `inner`. With `config.offline_only`, `inner` is never called; pass `None`
    /// (see [`CachedFetcher::offline`]). Creates the directory (0700) if needed.
    pub fn new(config: CacheConfig, inner: Option<F>) -> Result<Self, CacheError> {
        prepare_dir(&config.dir).map_err(|source| CacheError {
            path: config.dir.clone(),
            source,
        })?;
        Ok(Self {
            config,
            inner,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            corrupt: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
        })
    }

    /// Counters since creation.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            corrupt: self.corrupt.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    /// The file that holds `prefix`.
    pub fn path_of(&self, prefix: Prefix) -> PathBuf {
        self.config.dir.join(format!("{prefix}.txt"))
    }

    /// A fresh, valid cached body, or `None` (absent, expired or corrupt).
    fn read_fresh(&self, prefix: Prefix) -> Option<RangeBody> {
        let path = self.path_of(prefix);
        let meta = fs::metadata(&path).ok()?;
        let age = SystemTime::now()
            .duration_since(meta.modified().ok()?)
            .ok()?;
        if age >= self.config.ttl {
            return None;
        }
        let bytes = fs::read(&path).ok()?;
        match decode(&bytes) {
            Some(body) => Some(body),
            None => {
                self.corrupt.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    fn store(&self, prefix: Prefix, body: &RangeBody) {
        match write_atomic(&self.config.dir, &self.path_of(prefix), &encode(body)) {
            Ok(()) => self.writes.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.write_errors.fetch_add(1, Ordering::Relaxed),
        };
    }
}

impl<F: RangeFetcher> CachedSource<F> {
    /// A cached source over `inner` (`None` with `offline_only`).
    pub fn cached(config: CacheConfig, inner: Option<F>) -> Result<Self, CacheError> {
        Ok(RangeSource::new(CachedFetcher::new(config, inner)?))
    }
}

impl CachedFetcher<NoFetcher> {
    /// An `--offline` cache: answers from the files alone, misses are unchecked.
    pub fn offline(dir: impl Into<PathBuf>, ttl: Duration) -> Result<Self, CacheError> {
        let config = CacheConfig {
            dir: dir.into(),
            ttl,
            offline_only: true,
        };
        Self::new(config, None)
    }
}

impl<F: RangeFetcher> RangeFetcher for CachedFetcher<F> {
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
        let mut missing: Vec<usize> = Vec::new();
        for (i, &prefix) in prefixes.iter().enumerate() {
            match self.read_fresh(prefix) {
                Some(body) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    done(i, Ok(body));
                }
                None => {
                    self.misses.fetch_add(1, Ordering::Relaxed);
                    missing.push(i);
                }
            }
        }
        if missing.is_empty() {
            return;
        }
        let inner = match (&self.inner, self.config.offline_only) {
            (Some(inner), false) => inner,
            _ => {
                for i in missing {
                    done(i, Err(OFFLINE_MISS.to_owned()));
                }
                return;
            }
        };
        let wanted: Vec<Prefix> = missing
            .iter()
            .filter_map(|&i| prefixes.get(i).copied())
            .collect();
        inner.fetch_all(&wanted, &mut |j, result| {
            let Some(&i) = missing.get(j) else {
                return;
            };
            if let (Ok(body), Some(&prefix)) = (&result, wanted.get(j)) {
                self.store(prefix, body);
            }
            done(i, result);
        });
    }
}

/// Creates the directory with mode 0700 (and tightens it if it already exists).
fn prepare_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let meta = fs::metadata(dir)?;
        if meta.permissions().mode() & 0o777 != 0o700 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)?;
    if !fs::metadata(dir)?.is_dir() {
        return Err(io::Error::other("not a directory"));
    }
    Ok(())
}

fn encode(body: &RangeBody) -> Vec<u8> {
    let mut out = format!("{MAGIC}{}\n", body.len()).into_bytes();
    out.extend_from_slice(body.to_text().as_bytes());
    out
}

/// Parses a cache file; `None` unless the header is right, every row is well-formed and the row
/// count matches.
fn decode(bytes: &[u8]) -> Option<RangeBody> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (header, rest) = bytes.split_at(newline);
    let rows: usize = std::str::from_utf8(header)
        .ok()?
        .strip_prefix(MAGIC)?
        .parse()
        .ok()?;
    let rest = rest.get(1..)?;
    if rows == 0 {
        return rest.is_empty().then(RangeBody::default);
    }
    let body = RangeBody::parse(rest).ok()?;
    // Duplicates are merged by the parser, so a well-formed file has exactly `rows` rows.
    (body.len() == rows).then_some(body)
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: a new temporary file (0600) in the same directory,
/// renamed over the target.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nonce: u64 = rand::random();
    let tmp = dir.join(format!(".tmp-{}-{n}-{nonce:016x}", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.flush()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip_and_rejects_damage() {
        let body = RangeBody::from_rows([
            ("1E4C9B93F3F0682250B6CF8331B7EE68FD8", 9),
            ("0018A45C4D1DEF81644B54AB7F969B88D65", 1),
        ]);
        let bytes = encode(&body);
        assert_eq!(decode(&bytes), Some(body.clone()));
        // Truncated at a line boundary: the row count no longer matches.
        let cut = bytes.iter().rposition(|&b| b == b'\n').unwrap();
        assert_eq!(decode(&bytes[..cut - 1]), None);
        assert_eq!(decode(&bytes[..cut]), None);
        assert_eq!(decode(b""), None);
        assert_eq!(decode(b"garbage\n"), None);
        assert_eq!(
            decode(format!("{MAGIC}0\n").as_bytes()),
            Some(RangeBody::default())
        );
        assert_eq!(decode(format!("{MAGIC}0\nX").as_bytes()), None);
    }
}
