//! The HIBP breach list: which sites lost their users' passwords, and when.
//!
//! `GET https://haveibeenpwned.com/api/v3/breaches` (no key) answers the whole list as one
//! JSON array, so fetching it sends nothing of the vault: no host, no account, no query
//! string. It is fetched through the range client's settings (trust store, `--ca-file`,
//! `--proxy`, `User-Agent`, no redirects), kept in the cache directory as `breaches.json`
//! (mode 0600, fresh for [`DEFAULT_TTL`]) and read from the cache alone with
//! `--breach cache-only`; `--breaches-file` reads the same JSON from a file and sends nothing.
//!
//! Only breaches that count are kept: `Passwords` among the `DataClasses`, not fabricated,
//! not a spam list, and with a domain to match accounts by. Retired breaches still count
//! (the passwords were exposed all the same).

use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The public breach list.
pub const DEFAULT_URL: &str = "https://haveibeenpwned.com/api/v3/breaches";

/// How long a cached breach list is fresh: HIBP adds a few breaches a week, and a daily cron
/// job then fetches it once a day.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);

/// The cached copy, in the cache directory.
pub const CACHE_FILE: &str = "breaches.json";

/// Largest list accepted (the real one is about 1 MB).
const MAX_BYTES: u64 = 64 << 20;

/// One breach as HIBP describes it (fields credaudit does not use are ignored).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SiteBreach {
    /// HIBP's stable name (`Adobe`).
    pub name: String,
    /// Its title for people.
    #[serde(default)]
    pub title: String,
    /// The site's domain (empty for breaches of no one site).
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain: String,
    /// When the breach happened.
    pub breach_date: chrono::NaiveDate,
    /// What was exposed (`Passwords`, `Email addresses`, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_classes: Vec<String>,
    /// Known not to be real data.
    #[serde(default)]
    pub is_fabricated: bool,
    /// A list of addresses for spam, not a site's breach.
    #[serde(default)]
    pub is_spam_list: bool,
    /// Removed from HIBP's search; the passwords were exposed all the same.
    #[serde(default)]
    pub is_retired: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl SiteBreach {
    /// It exposed passwords of a real site: the only breaches that count.
    pub fn exposed_passwords(&self) -> bool {
        !self.is_fabricated
            && !self.is_spam_list
            && !self.domain.trim().is_empty()
            && self.data_classes.iter().any(|c| c == "Passwords")
    }
}

/// The breaches that count, by registrable domain.
#[derive(Clone, Debug, Default)]
pub struct BreachCatalog {
    by_domain: HashMap<String, Vec<SiteBreach>>,
    listed: usize,
}

impl BreachCatalog {
    /// Parses the JSON array HIBP serves. An HTML page or anything but that array is an error
    /// (a one-line cause), never an empty list.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        if bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'<')
        {
            return Err(
                "got an HTML page instead of the breach list (captive portal? log in to the network, or use --breaches-file)"
                    .to_owned(),
            );
        }
        let all: Vec<SiteBreach> = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not an HIBP breach list (line {}, column {}: {})",
                e.line(),
                e.column(),
                e.classify_name()
            )
        })?;
        let listed = all.len();
        let mut by_domain: HashMap<String, Vec<SiteBreach>> = HashMap::new();
        for breach in all.into_iter().filter(SiteBreach::exposed_passwords) {
            let domain = breach
                .domain
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            let key = crate::site::registrable_domain(&domain).to_owned();
            by_domain.entry(key).or_default().push(breach);
        }
        Ok(Self { by_domain, listed })
    }

    /// Breaches that exposed passwords of this registrable domain.
    pub fn for_domain(&self, domain: &str) -> &[SiteBreach] {
        self.by_domain
            .get(&domain.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Breaches in the list, counting or not.
    pub fn listed(&self) -> usize {
        self.listed
    }

    /// Breaches that count (passwords exposed, real, with a domain).
    pub fn counted(&self) -> usize {
        self.by_domain.values().map(Vec::len).sum()
    }
}

/// `classify` of a serde_json error as a word.
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "not the breach list's fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

/// Fetches the whole breach list (a seam tests swap). `Err` is a one-line cause.
pub trait ListFetcher {
    /// The list's bytes.
    fn fetch(&self) -> Result<Vec<u8>, String>;
}

impl ListFetcher for super::online::OnlineFetcher {
    fn fetch(&self) -> Result<Vec<u8>, String> {
        self.get_base(MAX_BYTES)
    }
}

/// Where the list comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListSource {
    /// The cache if fresh, else the fetcher (and the cache is refreshed).
    Online,
    /// The cache alone, whatever its age: nothing is sent.
    CacheOnly,
    /// This file (`--breaches-file`): nothing is sent, the cache is not used.
    File(PathBuf),
}

/// The list for this run, and whether the check is complete.
#[derive(Clone, Debug, Default)]
pub struct LoadedList {
    /// The breaches, when any copy could be read (a stale cached copy after a failed fetch).
    pub catalog: Option<BreachCatalog>,
    /// Why the check is incomplete: no list, or only an out-of-date copy.
    pub incomplete: Option<String>,
}

/// A `--breaches-file` that cannot be used: bad input, exit 2.
#[derive(Debug, thiserror::Error)]
#[error("--breaches-file {path}: {reason}")]
pub struct ListFileError {
    /// The file as given.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

/// Loads the breach list from `source`, with the cache in `cache_dir` (none: no cache).
pub fn load(
    source: &ListSource,
    cache_dir: Option<&Path>,
    fetcher: Option<&dyn ListFetcher>,
    ttl: Duration,
) -> Result<LoadedList, ListFileError> {
    if let ListSource::File(path) = source {
        let err = |reason: String| ListFileError {
            path: path.clone(),
            reason,
        };
        let bytes = read_bounded(path).map_err(err)?;
        return BreachCatalog::parse(&bytes)
            .map(|catalog| LoadedList {
                catalog: Some(catalog),
                incomplete: None,
            })
            .map_err(err);
    }
    let cache_file = cache_dir.map(|d| d.join(CACHE_FILE));
    let cached = cache_file.as_deref().and_then(read_cache);
    let not_cached = |why: &str| LoadedList {
        catalog: None,
        incomplete: Some(why.to_owned()),
    };
    if *source == ListSource::CacheOnly {
        return Ok(match cached {
            Some((catalog, _)) => LoadedList {
                catalog: Some(catalog),
                incomplete: None,
            },
            None => not_cached(
                "no cached breach list (--breach cache-only): run once with --breach online, or use --breaches-file",
            ),
        });
    }
    if let Some((catalog, age)) = &cached
        && *age < ttl
    {
        return Ok(LoadedList {
            catalog: Some(catalog.clone()),
            incomplete: None,
        });
    }
    let Some(fetcher) = fetcher else {
        return Ok(not_cached("no way to fetch the breach list"));
    };
    let fetched = fetcher
        .fetch()
        .and_then(|bytes| BreachCatalog::parse(&bytes).map(|c| (c, bytes)));
    match fetched {
        Ok((catalog, bytes)) => {
            if let (Some(dir), Some(file)) = (cache_dir, &cache_file) {
                // Best effort: a cache that cannot be written costs a fetch next time.
                let _ = write_cache(dir, file, &bytes);
            }
            Ok(LoadedList {
                catalog: Some(catalog),
                incomplete: None,
            })
        }
        Err(cause) => Ok(match cached {
            Some((catalog, age)) => LoadedList {
                catalog: Some(catalog),
                incomplete: Some(format!(
                    "{cause}; used the cached copy from {} days ago (use --breaches-file, or --breach off)",
                    age.as_secs() / 86_400
                )),
            },
            None => LoadedList {
                catalog: None,
                incomplete: Some(format!("{cause} (use --breaches-file, or --breach off)")),
            },
        }),
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("larger than {} MiB", MAX_BYTES >> 20));
    }
    Ok(bytes)
}

/// A cached list that parses, with its age; a damaged copy counts as absent.
fn read_cache(file: &Path) -> Option<(BreachCatalog, Duration)> {
    let age = SystemTime::now()
        .duration_since(std::fs::metadata(file).ok()?.modified().ok()?)
        .unwrap_or_default();
    let bytes = read_bounded(file).ok()?;
    Some((BreachCatalog::parse(&bytes).ok()?, age))
}

/// Writes the list to a temporary file in `dir` (0700, files 0600) and renames it into place,
/// so a concurrent run never reads half a list.
fn write_cache(dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let tmp = dir.join(format!(
        ".{CACHE_FILE}.{}.{}.tmp",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    ));
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, file)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"[
      {"Name":"Adobe","Title":"Adobe","Domain":"adobe.com","BreachDate":"2013-10-04",
       "AddedDate":"2013-12-04T00:00:00Z","DataClasses":["Email addresses","Password hints","Passwords","Usernames"],
       "IsVerified":true,"IsFabricated":false,"IsSensitive":false,"IsRetired":false,"IsSpamList":false,"IsMalware":false},
      {"Name":"Fake","Title":"Fake","Domain":"fake.example","BreachDate":"2020-01-01","DataClasses":["Passwords"],"IsFabricated":true},
      {"Name":"Spam","Title":"Spam","Domain":"spam.example","BreachDate":"2020-01-01","DataClasses":["Passwords"],"IsSpamList":true},
      {"Name":"NoPw","Title":"NoPw","Domain":"nopw.example","BreachDate":"2020-01-01","DataClasses":["Email addresses"]},
      {"Name":"Stealer","Title":"Stealer logs","Domain":"","BreachDate":"2024-01-01","DataClasses":["Passwords"]},
      {"Name":"Shop","Title":"Shop","Domain":"www.shop.co.uk","BreachDate":"2021-05-06","DataClasses":["Passwords"],"IsRetired":true}
    ]"#;

    #[test]
    fn keeps_only_breaches_that_exposed_passwords() {
        let catalog = BreachCatalog::parse(LIST.as_bytes()).unwrap();
        assert_eq!(catalog.listed(), 6);
        assert_eq!(catalog.counted(), 2);
        assert_eq!(catalog.for_domain("adobe.com")[0].name, "Adobe");
        assert_eq!(catalog.for_domain("shop.co.uk")[0].name, "Shop");
        for none in ["fake.example", "spam.example", "nopw.example", ""] {
            assert!(catalog.for_domain(none).is_empty(), "{none}");
        }
    }

    /// Answers `LIST` or fails, counting calls.
    struct Fake {
        fail: bool,
        calls: std::cell::Cell<usize>,
    }

    impl ListFetcher for Fake {
        fn fetch(&self) -> Result<Vec<u8>, String> {
            self.calls.set(self.calls.get() + 1);
            if self.fail {
                Err("connection refused by 127.0.0.1:9".to_owned())
            } else {
                Ok(LIST.as_bytes().to_vec())
            }
        }
    }

    fn fake(fail: bool) -> Fake {
        Fake {
            fail,
            calls: std::cell::Cell::new(0),
        }
    }

    #[test]
    fn cache_ttl_stale_copy_and_cache_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let day = DEFAULT_TTL;
        let ok = fake(false);
        let loaded = load(&ListSource::Online, Some(&cache), Some(&ok), day).unwrap();
        assert_eq!((ok.calls.get(), loaded.incomplete), (1, None));
        assert!(cache.join(CACHE_FILE).is_file());
        // Fresh: not fetched again.
        let loaded = load(&ListSource::Online, Some(&cache), Some(&ok), day).unwrap();
        assert_eq!(ok.calls.get(), 1);
        assert_eq!(loaded.catalog.unwrap().counted(), 2);
        // Expired and the fetch fails: the old copy is used, and the check is incomplete.
        let down = fake(true);
        let loaded = load(
            &ListSource::Online,
            Some(&cache),
            Some(&down),
            Duration::ZERO,
        )
        .unwrap();
        assert_eq!(down.calls.get(), 1);
        assert!(loaded.catalog.is_some());
        let why = loaded.incomplete.unwrap();
        assert!(
            why.contains("connection refused") && why.contains("cached copy"),
            "{why}"
        );
        // Cache only: whatever its age, nothing fetched.
        let loaded = load(&ListSource::CacheOnly, Some(&cache), None, Duration::ZERO).unwrap();
        assert!(loaded.catalog.is_some() && loaded.incomplete.is_none());
        // No copy at all: incomplete, never an empty list.
        let empty = dir.path().join("empty");
        let loaded = load(&ListSource::CacheOnly, Some(&empty), None, day).unwrap();
        assert!(loaded.catalog.is_none() && loaded.incomplete.is_some());
        let loaded = load(&ListSource::Online, None, Some(&down), day).unwrap();
        assert!(loaded.catalog.is_none());
        assert!(loaded.incomplete.unwrap().contains("--breaches-file"));
        // A damaged cached copy counts as absent.
        std::fs::write(cache.join(CACHE_FILE), &LIST[..40]).unwrap();
        let loaded = load(&ListSource::CacheOnly, Some(&cache), None, day).unwrap();
        assert!(loaded.catalog.is_none());
    }

    #[test]
    fn rejects_what_is_not_the_list() {
        for (body, want) in [
            ("<!DOCTYPE html><html>", "HTML page"),
            ("[{\"Name\":\"x\"", "not an HIBP breach list"),
            ("{\"a\":1}", "not an HIBP breach list"),
            ("", "not an HIBP breach list"),
        ] {
            let err = BreachCatalog::parse(body.as_bytes()).unwrap_err();
            assert!(err.contains(want), "{body}: {err}");
        }
        assert_eq!(BreachCatalog::parse(b"[]").unwrap().listed(), 0);
    }
}
