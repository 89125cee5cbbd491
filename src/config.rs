//! The config file (TOML): defaults for flags, account-value overrides, the weak threshold and
//! the breach source. Flags override the file; `credaudit config` prints the effective result.
//!
//! Looked up at `--config FILE`, else `$CREDAUDIT_CONFIG`, else the user's config directory
//! (`~/.config/credaudit/config.toml` on Linux).

use crate::rank::AccountValue;
use crate::report::{FailLevel, OutputFormat};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every setting the file may hold; all optional. Written as TOML, which leaves `None` out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// zxcvbn score below which a password is weak (0-4).
    pub min_score: Option<u8>,
    /// Maximum password age, e.g. `365d`, `1y`.
    pub max_age: Option<String>,
    /// `--fail-on` default.
    pub fail_on: Option<FailLevel>,
    /// `--output` default.
    pub output: Option<OutputFormat>,
    /// Breach source: `online` (default), `cache-only`, `corpus` (with `hibp-file`) or `off`.
    pub breach: Option<BreachMode>,
    /// Base URL of the Pwned Passwords range API (an internal mirror).
    pub hibp_url: Option<String>,
    /// Extra trusted CA certificates (PEM) for the range API (`--ca-file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Proxy for range requests (`--proxy`); may hold credentials, never printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Downloaded Pwned Passwords corpus (file or per-prefix directory).
    pub hibp_file: Option<PathBuf>,
    /// Range-cache directory.
    pub cache_dir: Option<PathBuf>,
    /// Range-cache time to live, e.g. `7d`.
    pub cache_ttl: Option<String>,
    /// Concurrent range requests.
    pub concurrency: Option<usize>,
    /// The HIBP breach list as a file (`--breaches-file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaches_file: Option<PathBuf>,
    /// Where the HIBP breach list is fetched (`--breaches-url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaches_url: Option<String>,
    /// Ignore file.
    pub ignore_file: Option<PathBuf>,
    /// Personal-words file (`--personal-words`).
    pub personal_words: Option<PathBuf>,
    /// Analyses to skip (`--skip`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<SkipCheck>,
    /// Extra account-value rules: host or title pattern -> value class, consulted before the
    /// built-in table.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, AccountValue>,
}

named_enum! {
    /// Where breach answers come from.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum BreachMode {
        #[default]
        Online = ("online", "The Pwned Passwords range API, through the cache"),
        CacheOnly = ("cache-only", "The range cache only, nothing sent; misses are unchecked"),
        Corpus = ("corpus", "The downloaded corpus given with --hibp-file, nothing sent"),
        Off = ("off", "No breach checks"),
        Offline = ("offline", "Deprecated: cache-only (or corpus with --hibp-file)"),
    }
}

named_enum! {
    /// An analysis that can be skipped (`--skip`), e.g. to run only the breach check.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum SkipCheck {
        Weak = ("weak", "The zxcvbn strength check (the costliest analysis)"),
        Variants = ("variants", "Near-variant detection"),
    }
}

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// I/O.
    #[error("config {path}: {cause}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        cause: std::io::Error,
    },
    /// Bad TOML or an unknown key.
    #[error("config {path}: {detail}")]
    Invalid {
        /// File.
        path: String,
        /// Parser message.
        detail: String,
    },
}

/// The default config file location.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "credaudit").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Reads a config file. With `required == false` a missing file is an empty config.
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Self::default());
            }
            Err(cause) => return Err(ConfigError::Io { path: name, cause }),
        };
        toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: name,
            detail: e.message().to_owned(),
        })
    }
}

/// Parses a duration such as `90d`, `12w`, `6m` (months of 30 days), `1y` (365 days), `36h`.
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration like 90d, 12w, 6m or 1y"))?;
    let days = match unit.trim() {
        "h" | "hour" | "hours" => return Ok(chrono::Duration::hours(n)),
        "d" | "day" | "days" => n,
        "w" | "week" | "weeks" => n * 7,
        "m" | "mo" | "month" | "months" => n * 30,
        "y" | "year" | "years" => n * 365,
        _ => {
            return Err(format!(
                "'{text}' is not a duration like 90d, 12w, 6m or 1y"
            ));
        }
    };
    Ok(chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d").unwrap(), chrono::Duration::days(90));
        assert_eq!(parse_duration("1y").unwrap(), chrono::Duration::days(365));
        assert_eq!(parse_duration("2w").unwrap(), chrono::Duration::days(14));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn writes_only_what_is_set() {
        let config = Config {
            min_score: Some(2),
            ..Config::default()
        };
        assert_eq!(toml::to_string(&config).unwrap(), "min-score = 2\n");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<Config>("min-score = 2\nbogus = 1").is_err());
        let c: Config =
            toml::from_str("min-score = 2\n[values]\n\"corp.example\" = \"work\"").unwrap();
        assert_eq!(c.min_score, Some(2));
        assert_eq!(c.values.get("corp.example"), Some(&AccountValue::Work));
    }
}
