//! Builds the breach source the settings ask for: the downloaded corpus, the range API behind
//! the cache, the cache alone, or none. The names it returns are the report's `breach_source`.

use crate::settings::BreachSettings;
use anyhow::{Context, Result};
use credaudit::breach::BreachSource;
use credaudit::breach::cache::{CacheConfig, CachedSource, NoFetcher};
use credaudit::breach::catalog::{self, ListFetcher, ListSource, LoadedList};
use credaudit::breach::offline::OfflineCorpus;
use credaudit::breach::online::{OnlineConfig, OnlineFetcher, OnlineSource};
use credaudit::config::BreachMode;

/// The breach source and the name the report shows for it (`None` with `--breach off`).
pub fn open(settings: &BreachSettings) -> Result<(Option<Box<dyn BreachSource>>, &'static str)> {
    if settings.mode == BreachMode::Off {
        return Ok((None, "off"));
    }
    if settings.mode == BreachMode::Corpus
        && let Some(path) = &settings.hibp_file
    {
        let corpus = OfflineCorpus::open(path)?;
        if let Some(warning) = corpus.partial_warning() {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("credaudit: warning: {warning}");
            }
        }
        return Ok((Some(Box::new(corpus)), "corpus"));
    }
    let ttl = settings.cache_ttl.to_std().unwrap_or_default();
    if settings.mode == BreachMode::CacheOnly {
        let dir = settings
            .cache_dir
            .clone()
            .context("--breach cache-only needs a cache directory (--cache-dir)")?;
        let config = CacheConfig {
            dir,
            ttl,
            offline_only: true,
        };
        return Ok((
            Some(Box::new(CachedSource::<NoFetcher>::cached(config, None)?)),
            "cache-only",
        ));
    }
    let online = OnlineConfig {
        base_url: settings.hibp_url.clone(),
        concurrency: settings.concurrency,
        ca_file: settings.ca_file.clone(),
        proxy: settings.proxy.clone(),
        ..OnlineConfig::default()
    };
    let fetcher = OnlineFetcher::new(online)?;
    let source: Box<dyn BreachSource> = match &settings.cache_dir {
        Some(dir) => {
            let config = CacheConfig {
                dir: dir.clone(),
                ttl,
                offline_only: false,
            };
            Box::new(CachedSource::cached(config, Some(fetcher))?)
        }
        None => Box::new(OnlineSource::new(fetcher)),
    };
    Ok((Some(source), "online"))
}

/// The HIBP breach list for the site-breach check, while it is being fetched.
pub enum SiteBreachList {
    /// The check is off.
    Off,
    /// Read already (`--breaches-file`).
    Ready(LoadedList),
    /// Loading from the cache or the network on its own thread, so the vault's password
    /// prompt and key derivation do not wait for it.
    Loading(std::thread::JoinHandle<LoadedList>),
}

impl SiteBreachList {
    /// The list, waiting for it if need be (`None`: the check is off).
    pub fn finish(self) -> Option<LoadedList> {
        match self {
            SiteBreachList::Off => None,
            SiteBreachList::Ready(list) => Some(list),
            SiteBreachList::Loading(handle) => Some(handle.join().unwrap_or_else(|_| LoadedList {
                catalog: None,
                incomplete: Some("loading the breach list failed unexpectedly".to_owned()),
            })),
        }
    }
}

/// Starts loading the HIBP breach list the settings ask for: `--breaches-file` (read now: a
/// bad file is an error before any vault is opened); else the cache and the list URL online,
/// the cache alone with `cache-only`; off with `--breach off`, with the corpus (nothing is
/// sent then), or when no URL is set (`--hibp-url` without `--breaches-url`). A list that
/// cannot be had is an incomplete check, said in the report.
pub fn site_breach_list(settings: &BreachSettings) -> Result<SiteBreachList> {
    let source = match (&settings.breaches_file, settings.mode) {
        (Some(file), _) => ListSource::File(file.clone()),
        (None, BreachMode::Off | BreachMode::Corpus) => return Ok(SiteBreachList::Off),
        (None, BreachMode::CacheOnly | BreachMode::Offline) => ListSource::CacheOnly,
        (None, BreachMode::Online) if settings.breaches_url.is_none() => {
            return Ok(SiteBreachList::Off);
        }
        (None, BreachMode::Online) => ListSource::Online,
    };
    let cache_dir = settings.cache_dir.clone();
    if let ListSource::File(_) = source {
        let list = catalog::load(&source, None, None, catalog::DEFAULT_TTL)?;
        return Ok(SiteBreachList::Ready(list));
    }
    let online = settings.breaches_url.clone().map(|url| OnlineConfig {
        base_url: url,
        ca_file: settings.ca_file.clone(),
        proxy: settings.proxy.clone(),
        total_timeout: std::time::Duration::from_secs(60),
        ..OnlineConfig::default()
    });
    let handle = std::thread::Builder::new()
        .name("breach-list".to_owned())
        .spawn(move || {
            let fetcher = match online.filter(|_| source == ListSource::Online) {
                Some(config) => match OnlineFetcher::new(config) {
                    Ok(fetcher) => Some(fetcher),
                    Err(e) => {
                        return LoadedList {
                            catalog: None,
                            incomplete: Some(e.to_string()),
                        };
                    }
                },
                None => None,
            };
            catalog::load(
                &source,
                cache_dir.as_deref(),
                fetcher.as_ref().map(|f| f as &dyn ListFetcher),
                catalog::DEFAULT_TTL,
            )
            // Only a --breaches-file errs, and that was read above.
            .unwrap_or_default()
        })
        .context("cannot start the breach-list thread")?;
    Ok(SiteBreachList::Loading(handle))
}
