//! Resolves flags, the config file, the environment and the terminal into one `Settings`,
//! in one place (flags > config file > defaults). Nothing downstream reads flags or env.

use crate::cli::{BreachOptions, ColorWhen, Options};
use anyhow::{Context, Result, bail};
use credaudit::analyze;
use credaudit::config::{self, BreachMode, Config, SkipCheck};
use credaudit::model::Format;
use credaudit::rank::Policy;
use credaudit::report::{FailLevel, OutputFormat};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where a master / export password comes from.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordSource {
    /// A no-echo prompt on the terminal, when there is one.
    Prompt,
    /// The first line of stdin.
    Stdin,
    /// An environment variable.
    Env(String),
}

/// Breach-source settings.
#[derive(Clone, Debug, Serialize)]
pub struct BreachSettings {
    pub mode: BreachMode,
    pub hibp_file: Option<PathBuf>,
    #[serde(serialize_with = "serialize_redacted")]
    pub hibp_url: String,
    pub ca_file: Option<PathBuf>,
    #[serde(serialize_with = "serialize_redacted_opt")]
    pub proxy: Option<String>,
    pub concurrency: usize,
    pub cache_dir: Option<PathBuf>,
    #[serde(serialize_with = "serialize_days")]
    pub cache_ttl: chrono::Duration,
    pub progress: bool,
    /// The HIBP breach list as a file (site-breach check, nothing sent).
    pub breaches_file: Option<PathBuf>,
    /// Where the breach list is fetched; `None`: not fetched (see [`breaches_url`]).
    #[serde(serialize_with = "serialize_redacted_opt")]
    pub breaches_url: Option<String>,
}

/// Output settings.
#[derive(Clone, Debug, Serialize)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
    pub top: Option<usize>,
    pub exact_counts: bool,
    /// `--all`: the table and Markdown list stale-only accounts too.
    pub all: bool,
    /// `--redact`: applied to the report before any renderer.
    pub redact: Vec<credaudit::report::redact::Redaction>,
    pub fail_on: FailLevel,
    pub color: bool,
    #[serde(skip)]
    pub width: Option<usize>,
    pub quiet: bool,
}

/// Everything `audit` needs, resolved.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub config_file: Option<PathBuf>,
    pub format: Option<Format>,
    pub key_file: Option<PathBuf>,
    /// Input and key-derivation bounds (command line only).
    #[serde(skip)]
    pub limits: credaudit::vault::Limits,
    pub password: PasswordSource,
    pub include_recycled: bool,
    pub min_score: u8,
    pub since: Option<chrono::NaiveDate>,
    #[serde(serialize_with = "serialize_opt_days")]
    pub max_age: Option<chrono::Duration>,
    pub compromised: Vec<String>,
    pub skip: Vec<SkipCheck>,
    pub account_values: Vec<(String, credaudit::rank::AccountValue)>,
    pub breach: BreachSettings,
    pub output: OutputSettings,
    pub baseline: Option<PathBuf>,
    pub update_baseline: bool,
    pub ignore_file: Option<PathBuf>,
    /// `--personal-words` / config `personal-words`.
    pub personal_words: Option<PathBuf>,
}

fn serialize_days<S: serde::Serializer>(d: &chrono::Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}d", d.num_days()))
}

fn serialize_opt_days<S: serde::Serializer>(
    d: &Option<chrono::Duration>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_days(d, s),
        None => s.serialize_none(),
    }
}

/// The config file in force: `--config` (must exist) or the default location (optional).
pub fn load_config(explicit: Option<&PathBuf>) -> Result<(Config, Option<PathBuf>)> {
    match explicit {
        Some(path) => Ok((Config::load(path, true)?, Some(path.clone()))),
        None => match config::default_path() {
            Some(path) if path.exists() => Ok((Config::load(&path, false)?, Some(path))),
            _ => Ok((Config::default(), None)),
        },
    }
}

/// Resolves breach options (shared by `audit` and `check`).
pub fn resolve_breach(
    opts: &BreachOptions,
    config: &Config,
    quiet: bool,
) -> Result<BreachSettings> {
    let (mode, hibp_file) = breach_mode(opts, config)?;
    let cache_ttl = match opts.cache_ttl.as_deref().or(config.cache_ttl.as_deref()) {
        Some(text) => config::parse_duration(text)
            .map_err(anyhow::Error::msg)
            .context("--cache-ttl")?,
        None => chrono::Duration::days(7),
    };
    if mode == BreachMode::CacheOnly && opts.no_cache {
        bail!(
            "--breach cache-only answers from the range cache, so it cannot be combined with --no-cache"
        );
    }
    Ok(BreachSettings {
        mode,
        hibp_file,
        hibp_url: opts
            .hibp_url
            .clone()
            .or_else(|| config.hibp_url.clone())
            .unwrap_or_else(|| "https://api.pwnedpasswords.com".to_owned()),
        ca_file: opts.ca_file.clone().or_else(|| config.ca_file.clone()),
        proxy: opts.proxy.clone().or_else(|| config.proxy.clone()),
        concurrency: opts
            .concurrency
            .map(usize::from)
            .or(config.concurrency)
            .unwrap_or(8)
            .clamp(1, 64),
        cache_dir: if opts.no_cache {
            None
        } else {
            opts.cache_dir
                .clone()
                .or_else(|| config.cache_dir.clone())
                .or_else(credaudit::breach::cache::default_cache_dir)
        },
        cache_ttl,
        progress: crate::terminal::progress_allowed(quiet),
        breaches_file: opts
            .breaches_file
            .clone()
            .or_else(|| config.breaches_file.clone()),
        breaches_url: breaches_url(opts, config),
    })
}

/// Where the HIBP breach list is fetched: `--breaches-url` / `breaches-url`, else the public
/// list, except when `--hibp-url` points the range check at a mirror: then nothing goes to
/// haveibeenpwned.com unless asked for.
fn breaches_url(opts: &BreachOptions, config: &Config) -> Option<String> {
    opts.breaches_url
        .clone()
        .or_else(|| config.breaches_url.clone())
        .or_else(|| {
            (opts.hibp_url.is_none() && config.hibp_url.is_none())
                .then(|| credaudit::breach::catalog::DEFAULT_URL.to_owned())
        })
}

/// The breach source and its corpus, flags over the config file. Each layer must agree with
/// itself (`--hibp-file` with `--breach off` or with `--hibp-url` is an error naming both); a
/// flag overrides the file. The old spellings (`--offline`, `offline`) still work, with a
/// one-line warning.
fn breach_mode(opts: &BreachOptions, config: &Config) -> Result<(BreachMode, Option<PathBuf>)> {
    let flag_mode = if opts.offline {
        deprecated("--offline", "--breach cache-only");
        Some(BreachMode::Offline)
    } else {
        opts.breach
    };
    if flag_mode == Some(BreachMode::Offline) && !opts.offline {
        deprecated(
            "--breach offline",
            "--breach cache-only (or --breach corpus)",
        );
    }
    let flag_name = |m: BreachMode| {
        if opts.offline {
            "--offline".to_owned()
        } else {
            format!("--breach {}", m.name_and_help().0)
        }
    };
    let flag_file = opts.hibp_file.as_ref();
    agree(
        flag_mode,
        flag_file,
        opts.hibp_url.is_some(),
        |what| match what {
            Clash::Mode(m) => format!("--hibp-file and {}", flag_name(m)),
            Clash::Url => "--hibp-file and --hibp-url".to_owned(),
        },
    )?;
    if config.breach == Some(BreachMode::Offline) {
        deprecated(
            "breach = \"offline\" in the config file",
            "breach = \"cache-only\" (or \"corpus\" with hibp-file)",
        );
    }
    agree(
        config.breach,
        config.hibp_file.as_ref(),
        config.hibp_url.is_some(),
        |what| match what {
            Clash::Mode(m) => format!(
                "hibp-file and breach = \"{}\" in the config file",
                m.name_and_help().0
            ),
            Clash::Url => "hibp-file and hibp-url in the config file".to_owned(),
        },
    )?;
    // A flag decides over the whole file: `--breach online` ignores the file's hibp-file.
    let (mode, file) = match (flag_mode, flag_file) {
        (Some(mode), file) => (mode, file.or(config.hibp_file.as_ref())),
        (None, Some(file)) => (BreachMode::Corpus, Some(file)),
        (None, None) => (
            config.breach.unwrap_or(if config.hibp_file.is_some() {
                BreachMode::Corpus
            } else {
                BreachMode::Online
            }),
            config.hibp_file.as_ref(),
        ),
    };
    let mode = match mode {
        // The old word meant the cache; with a corpus at hand it was answered from the corpus.
        BreachMode::Offline if file.is_some() => BreachMode::Corpus,
        BreachMode::Offline => BreachMode::CacheOnly,
        other => other,
    };
    match mode {
        BreachMode::Corpus => match file {
            Some(file) => Ok((mode, Some(file.clone()))),
            None => bail!("--breach corpus needs the corpus: --hibp-file PATH"),
        },
        _ => Ok((mode, None)),
    }
}

/// Two settings of one layer that cannot both hold.
enum Clash {
    /// `hibp-file` with a breach mode other than corpus.
    Mode(BreachMode),
    /// `hibp-file` with `hibp-url`.
    Url,
}

fn agree(
    mode: Option<BreachMode>,
    file: Option<&PathBuf>,
    url: bool,
    name: impl Fn(Clash) -> String,
) -> Result<()> {
    if file.is_none() {
        return Ok(());
    }
    match mode {
        Some(BreachMode::Corpus | BreachMode::Offline) | None => {}
        Some(other) => bail!(
            "{} conflict: the corpus answers only with --breach corpus; drop one",
            name(Clash::Mode(other))
        ),
    }
    if url {
        bail!(
            "{} conflict: the corpus answers and the URL would not be used; drop one",
            name(Clash::Url)
        );
    }
    Ok(())
}

/// One line per deprecated spelling that is still accepted.
#[allow(clippy::print_stderr)]
fn deprecated(old: &str, new: &str) {
    eprintln!("credaudit: warning: {old} is deprecated; use {new}");
}

/// Resolves `audit` / `config` options.
pub fn resolve(
    opts: &Options,
    config: Config,
    config_file: Option<PathBuf>,
    color: ColorWhen,
    quiet: bool,
) -> Result<Settings> {
    // `--output-file plan.html` without `-o` means the HTML plan, not a table in a .html file.
    let html_file = opts.output_file.as_ref().is_some_and(|path| {
        path.extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm"))
    });
    let format = opts
        .output
        .or(html_file.then_some(OutputFormat::Html))
        .or(config.output)
        .unwrap_or_default();
    let to_terminal = opts.output_file.is_none() && std::io::stdout().is_terminal();
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            to_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    } && format == OutputFormat::Table;
    let max_age = match opts.max_age.as_deref().or(config.max_age.as_deref()) {
        Some(text) => Some(
            config::parse_duration(text)
                .map_err(anyhow::Error::msg)
                .context("--max-age")?,
        ),
        None => None,
    };
    let password = match (&opts.password_env, opts.password_stdin) {
        (Some(name), _) => PasswordSource::Env(name.clone()),
        (None, true) => PasswordSource::Stdin,
        (None, false) => PasswordSource::Prompt,
    };
    Ok(Settings {
        breach: resolve_breach(&opts.breach, &config, quiet)?,
        config_file,
        format: opts.format,
        key_file: opts.key_file.clone(),
        limits: limits_of(opts),
        password,
        include_recycled: opts.include_recycled,
        min_score: opts.min_score.or(config.min_score).unwrap_or(3).min(4),
        since: opts.since,
        max_age,
        compromised: opts.compromised.clone(),
        skip: if opts.skip.is_empty() {
            config.skip.clone()
        } else {
            opts.skip.clone()
        },
        account_values: config.values.into_iter().collect(),
        output: OutputSettings {
            format,
            file: opts.output_file.clone(),
            top: opts.top,
            exact_counts: opts.exact_counts,
            all: opts.all,
            redact: opts.redact.clone(),
            fail_on: opts.fail_on.or(config.fail_on).unwrap_or(FailLevel::Any),
            color,
            width: Some(crate::terminal::report_width(to_terminal)),
            quiet,
        },
        baseline: opts.baseline.clone(),
        update_baseline: opts.update_baseline,
        ignore_file: opts.ignore_file.clone().or(config.ignore_file),
        personal_words: opts.personal_words.clone().or(config.personal_words),
    })
}

impl Settings {
    /// The settings a config file can hold, as one (`credaudit config` prints it).
    pub fn as_config(&self) -> Config {
        let days = |d: chrono::Duration| format!("{}d", d.num_days());
        let breach = &self.breach;
        Config {
            min_score: Some(self.min_score),
            max_age: self.max_age.map(days),
            fail_on: Some(self.output.fail_on),
            output: Some(self.output.format),
            breach: Some(breach.mode),
            hibp_url: (breach.mode == BreachMode::Online)
                .then(|| credaudit::breach::online::redact_credentials(&breach.hibp_url)),
            ca_file: breach.ca_file.clone(),
            proxy: breach
                .proxy
                .as_deref()
                .map(credaudit::breach::online::redact_credentials),
            hibp_file: breach.hibp_file.clone(),
            cache_dir: breach.cache_dir.clone(),
            cache_ttl: Some(days(breach.cache_ttl)),
            concurrency: Some(breach.concurrency),
            breaches_file: breach.breaches_file.clone(),
            breaches_url: breach
                .breaches_url
                .as_deref()
                .filter(|u| *u != credaudit::breach::catalog::DEFAULT_URL)
                .map(credaudit::breach::online::redact_credentials),
            ignore_file: self.ignore_file.clone(),
            personal_words: self.personal_words.clone(),
            skip: self.skip.clone(),
            values: self.account_values.iter().cloned().collect(),
        }
    }

    /// Comment lines for the settings only flags set (not part of a config file).
    pub fn flag_only_comments(&self) -> String {
        let mut lines = String::new();
        let mut note = |line: String| {
            lines.push_str("# ");
            lines.push_str(&line);
            lines.push('\n');
        };
        if let Some(since) = self.since {
            note(format!("--since {since}"));
        }
        for query in &self.compromised {
            note(format!("--compromised {query:?}"));
        }
        if let Some(baseline) = &self.baseline {
            let update = if self.update_baseline {
                " --update-baseline"
            } else {
                ""
            };
            note(format!("--baseline {}{update}", baseline.display()));
        }
        if let Some(top) = self.output.top {
            note(format!("--top {top}"));
        }
        if self.output.exact_counts {
            note("--exact-counts".to_owned());
        }
        if self.output.all {
            note("--all".to_owned());
        }
        if !self.output.redact.is_empty() {
            let what: Vec<&str> = self
                .output
                .redact
                .iter()
                .map(|r| r.name_and_help().0)
                .collect();
            note(format!("--redact {}", what.join(",")));
        }
        lines
    }

    /// The analyzers' settings; `now` is fixed once per run.
    pub fn analysis(&self, now: chrono::DateTime<chrono::Utc>) -> analyze::Settings {
        analyze::Settings {
            min_score: self.min_score,
            since: self
                .since
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
            max_age: self.max_age,
            now,
            compromised: self.compromised.clone(),
            skip_weak: self.skip.contains(&SkipCheck::Weak),
            skip_variants: self.skip.contains(&SkipCheck::Variants),
            personal: Vec::new(),
            site_breaches: None,
        }
    }

    /// The ranking policy.
    pub fn policy(&self) -> Policy {
        Policy {
            value_overrides: self.account_values.clone(),
        }
    }
}

/// URLs in `credaudit config` output without their credentials.
fn serialize_redacted<S: serde::Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&credaudit::breach::online::redact_credentials(url))
}

fn serialize_redacted_opt<S: serde::Serializer>(
    url: &Option<String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match url {
        Some(url) => serialize_redacted(url, s),
        None => s.serialize_none(),
    }
}

/// The input and key-derivation bounds, from the flags (MiB and seconds) or the defaults.
fn limits_of(opts: &Options) -> credaudit::vault::Limits {
    let defaults = credaudit::vault::Limits::default();
    credaudit::vault::Limits {
        max_input_bytes: opts
            .max_input_size
            .map_or(defaults.max_input_bytes, |mib| mib << 20),
        max_kdf_memory: opts
            .max_kdf_memory
            .map_or(defaults.max_kdf_memory, |mib| mib << 20),
        max_kdf_seconds: opts.max_kdf_seconds.unwrap_or(defaults.max_kdf_seconds),
    }
}
