//! The command line: clap definitions only. Resolution into settings lives in `settings.rs`.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use credaudit::config::{BreachMode, SkipCheck};
use credaudit::model::Format;
use credaudit::report::redact::Redaction;
use credaudit::report::{FailLevel, OutputFormat};
use std::path::PathBuf;

/// A domain enum the command line takes by name. The domain types carry no clap derives: they
/// list their values (`ALL`) and names, and this maps them to clap's possible values.
pub trait Named: Copy + Send + Sync + 'static {
    /// Every value, in the order help lists them.
    fn all() -> &'static [Self];
    /// The name on the command line and its help line.
    fn name_and_help(self) -> (&'static str, &'static str);
}

macro_rules! named {
    ($($ty:ty => $name_and_help:expr;)*) => {$(
        impl Named for $ty {
            fn all() -> &'static [Self] {
                <$ty>::ALL
            }
            fn name_and_help(self) -> (&'static str, &'static str) {
                $name_and_help(self)
            }
        }
    )*};
}

named! {
    Format => |f: Format| (f.name(), f.help());
    FailLevel => FailLevel::name_and_help;
    OutputFormat => OutputFormat::name_and_help;
    BreachMode => BreachMode::name_and_help;
    SkipCheck => SkipCheck::name_and_help;
    Redaction => Redaction::name_and_help;
}

/// Parses a [`Named`] value; `--help`, completions and the man page list every name.
fn named<T: Named>() -> impl TypedValueParser<Value = T> {
    let values = T::all().iter().map(|v| {
        let (name, help) = v.name_and_help();
        PossibleValue::new(name).help(help)
    });
    PossibleValuesParser::new(values).try_map(|name: String| {
        T::all()
            .iter()
            .copied()
            .find(|v| v.name_and_help().0 == name)
            .ok_or_else(|| format!("unknown value {name:?}"))
    })
}

const AFTER_HELP: &str = "\
Examples:
  # Prompt for the master password (no echo), check online by k-anonymity
  credaudit audit vault.kdbx
  # A Bitwarden export that never touches the disk
  bw export --raw --format json | credaudit audit -
  # Which accounts share (or nearly share) the taken-over account's password?
  credaudit audit vault.kdbx chrome.csv --compromised mercari --since 2026-11-21
  # Fully offline, against the downloaded Pwned Passwords corpus
  credaudit audit vault.kdbx --hibp-file pwnedpasswords.txt
  # From cron: mail only what is new
  credaudit audit vault.kdbx --password-env VAULT_PW --baseline state.json --update-baseline --quiet

Exit codes:
  0  nothing at or above --fail-on, and every check complete
  1  findings at or above --fail-on
  2  error: nothing was audited (bad arguments, unreadable vault, wrong password, ...)
  4  incomplete: some passwords could not be checked against the breach source
  5  findings (1) and incomplete (4)";

/// Find the passwords to change first: reused, near-variant, weak, stale and breached ones,
/// ranked by what to rotate first.
#[derive(Debug, Parser)]
#[command(name = "credaudit", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Config file [default: ~/.config/credaudit/config.toml]
    #[arg(long, global = true, env = "CREDAUDIT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to colour the table (NO_COLOR is honoured under auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// No status or progress on stderr; print nothing at all when there is nothing (new) to report
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one or more vaults and print the ranked list of accounts to rotate
    #[command(after_help = AFTER_HELP)]
    Audit(AuditArgs),
    /// Check one candidate password (strength and breach count) before you use it
    Check(CheckArgs),
    /// List the supported vault formats and how each is detected
    Formats,
    /// Print the effective settings (config file + flags)
    Config(ConfigArgs),
    /// Prepare a downloaded Pwned Passwords corpus for --hibp-file
    Corpus {
        /// What to do with it
        #[command(subcommand)]
        command: CorpusCommand,
    },
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
    /// Print the licences and credits of the crates and data sets built into credaudit
    Licenses,
    /// List the site data built into credaudit: each set's date, upstream commit, licence, size
    Data(DataArgs),
}

/// `credaudit data`.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Show what the data says about these hosts (shared sign-in, change-password page, 2FA,
    /// passkeys) instead of listing the sets
    #[arg(value_name = "HOST", conflicts_with = "json")]
    pub hosts: Vec<String>,
    /// Print the list as JSON
    #[arg(long)]
    pub json: bool,
}

/// `credaudit corpus ...`.
#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// Verify every line once (order, shape, all 1,048,576 prefixes) and write PATH.cidx
    /// beside it; --hibp-file needs it for any corpus over 4 MiB
    Index {
        /// The single sorted file or the per-prefix directory
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Accept a corpus that lacks some prefixes (a sample or test corpus); every run that
        /// uses it warns
        #[arg(long)]
        partial: bool,
    },
}

/// `credaudit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Vault files to audit together (reuse across them counts); `-` reads an export from stdin
    #[arg(value_name = "VAULT", required = true)]
    pub vaults: Vec<String>,

    #[command(flatten)]
    pub options: Options,
}

/// `credaudit config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub options: Options,
}

/// `credaudit check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub breach: BreachOptions,

    /// Score below which the candidate is weak (0-4) [default: 3]
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=4))]
    pub min_score: Option<u8>,

    #[command(flatten)]
    pub vault: CheckVaultOptions,
}

/// `credaudit check --vault`: the vault whose current and past passwords the candidate must
/// not repeat or vary.
#[derive(Debug, Args)]
pub struct CheckVaultOptions {
    /// Refuse a candidate that equals, or is a near variant of, any current or past password
    /// in this vault (repeatable; a file: the candidate comes from stdin)
    #[arg(long = "vault", value_name = "VAULT", help_heading = "Vault")]
    pub vaults: Vec<PathBuf>,

    /// Read --vault as this format instead of detecting it
    #[arg(long, value_parser = named::<Format>(), value_name = "NAME", help_heading = "Vault", requires = "vaults")]
    pub format: Option<Format>,

    /// KeePass key file for --vault
    #[arg(long, value_name = "FILE", help_heading = "Vault", requires = "vaults")]
    pub key_file: Option<PathBuf>,

    /// Read --vault's master password from this environment variable (else it is asked for)
    #[arg(long, value_name = "NAME", help_heading = "Vault", requires = "vaults")]
    pub password_env: Option<String>,
}

/// Options shared by `audit` and `config`.
#[derive(Debug, Args)]
pub struct Options {
    /// Read every vault as this format instead of detecting it (see `credaudit formats`)
    #[arg(long, value_parser = named::<Format>(), value_name = "NAME", help_heading = "Input")]
    pub format: Option<Format>,

    /// KeePass key file (with or without a master password)
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub key_file: Option<PathBuf>,

    /// Most MiB read from one input, and most a KeePass database may inflate to [default: 512]
    ///
    /// Protects against a huge or endless input (a wrong file, /dev/zero, a decompression
    /// bomb) filling memory: bigger inputs are refused.
    #[arg(long, value_name = "MIB", help_heading = "Limits", value_parser = clap::value_parser!(u64).range(1..=1 << 24))]
    pub max_input_size: Option<u64>,

    /// Most MiB of Argon2 memory a KeePass database may ask for [default: 1024]
    ///
    /// The key derivation runs before the password can be checked, so a crafted file could
    /// otherwise make credaudit allocate any amount of memory. KeePassXC, KeePass and
    /// Bitwarden write 64 MiB or less by default.
    #[arg(long, value_name = "MIB", help_heading = "Limits", value_parser = clap::value_parser!(u64).range(1..=1 << 22))]
    pub max_kdf_memory: Option<u64>,

    /// Most seconds of key derivation a KeePass database may ask for [default: 10]
    ///
    /// Bounds AES-KDF rounds and Argon2 passes (converted at rates measured on a 2-core
    /// machine), which run before the password can be checked: a crafted file could otherwise
    /// keep credaudit busy for hours. KeePassXC and KeePass calibrate their default to about
    /// 1 second.
    #[arg(long, value_name = "SECONDS", help_heading = "Limits", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub max_kdf_seconds: Option<u64>,

    /// Read the master / export password from the first line of stdin
    #[arg(long, help_heading = "Input", conflicts_with = "password_env")]
    pub password_stdin: bool,

    /// Read the master / export password from this environment variable (for cron)
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub password_env: Option<String>,

    /// Also audit entries in the recycle bin / trash
    #[arg(long, help_heading = "Input")]
    pub include_recycled: bool,

    /// Score below which a password is weak, zxcvbn 0-4 [default: 3]
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=4), help_heading = "Analysis")]
    pub min_score: Option<u8>,

    /// Incident date (YYYY-MM-DD): every password not changed since then is stale; an
    /// account changed since then with nothing wrong with its new password is done
    #[arg(long, value_name = "DATE", help_heading = "Analysis")]
    pub since: Option<chrono::NaiveDate>,

    /// Passwords older than this are stale, e.g. 365d, 52w, 1y
    #[arg(long, value_name = "DURATION", help_heading = "Analysis")]
    pub max_age: Option<String>,

    /// An account known to be taken over (repeatable): a site (fril.jp, matched by
    /// registrable domain), an exact title, or an entry id / account key. Every account
    /// sharing its password, a past password or a near variant is exposed, and every site
    /// signing in with the same login is compromised too. No match, or a title of several
    /// accounts, is an error naming the candidates
    #[arg(long, value_name = "QUERY", help_heading = "Analysis")]
    pub compromised: Vec<String>,

    /// Skip an analysis (repeatable): `--skip weak --skip variants` leaves reuse, breach and
    /// age checks, e.g. for a breach-only audit
    #[arg(long, value_parser = named::<SkipCheck>(), value_name = "CHECK", help_heading = "Analysis")]
    pub skip: Vec<SkipCheck>,

    #[command(flatten)]
    pub breach: BreachOptions,

    /// Output format [default: table]
    #[arg(
        short,
        long,
        value_parser = named::<OutputFormat>(),
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub output: Option<OutputFormat>,

    /// Write the report to this file (mode 0600) instead of stdout
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub output_file: Option<PathBuf>,

    /// Show only the first N accounts
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,

    /// List every account in the table and Markdown, the stale-only ones too (otherwise a
    /// count in the summary; JSON and CSV always list all)
    #[arg(long, help_heading = "Output")]
    pub all: bool,

    /// Show exact breach counts instead of their order of magnitude (1,000+). An exact count
    /// matches one line of the public corpus, so next to a username it names the password:
    /// keep such a report private
    #[arg(long, help_heading = "Output")]
    pub exact_counts: bool,

    /// Leave out what identifies you, for a report that will be shared (every format):
    /// `--redact usernames`, `--redact urls`, or `--redact usernames,urls`
    #[arg(
        long,
        value_parser = named::<Redaction>(),
        value_delimiter = ',',
        value_name = "WHAT",
        help_heading = "Output"
    )]
    pub redact: Vec<Redaction>,

    /// Exit 1 only for findings at or above this level [default: any]
    #[arg(long, value_parser = named::<FailLevel>(), value_name = "LEVEL", help_heading = "Output")]
    pub fail_on: Option<FailLevel>,

    /// Report only findings not in this baseline file (a missing file counts as empty)
    #[arg(long, value_name = "FILE", help_heading = "Cron")]
    pub baseline: Option<PathBuf>,

    /// Write every current finding to the --baseline file after reporting
    #[arg(long, requires = "baseline", help_heading = "Cron")]
    pub update_baseline: bool,

    /// TOML file of accepted findings (see the README)
    #[arg(long, value_name = "FILE", help_heading = "Cron")]
    pub ignore_file: Option<PathBuf>,

    /// Your own data, one item a line, optionally `kind: value` (name, phone, postal, birthday,
    /// address, id, email, car): passwords built from it are reported, the data never is
    #[arg(long, value_name = "FILE")]
    pub personal_words: Option<PathBuf>,
}

/// Where breach answers come from.
#[derive(Debug, Args)]
pub struct BreachOptions {
    /// online (range API, cached), cache-only (nothing sent), corpus (--hibp-file) or off
    /// [default: online, or corpus with --hibp-file]
    #[arg(long, value_parser = named::<BreachMode>(), value_name = "MODE", help_heading = "Breach check")]
    pub breach: Option<BreachMode>,

    /// Deprecated: --breach cache-only
    #[arg(
        long,
        hide = true,
        help_heading = "Breach check",
        conflicts_with = "breach"
    )]
    pub offline: bool,

    /// Check against the downloaded Pwned Passwords corpus (sorted file or per-prefix
    /// directory) instead of the API: nothing leaves the machine. Verify it first, once, with
    /// `credaudit corpus index PATH`
    #[arg(long, value_name = "PATH", help_heading = "Breach check")]
    pub hibp_file: Option<PathBuf>,

    /// Range API base URL (an internal mirror) [default: https://api.pwnedpasswords.com]
    #[arg(long, value_name = "URL", help_heading = "Breach check")]
    pub hibp_url: Option<String>,

    /// PEM file of extra trusted CA certificates for the range API (an internal mirror or a
    /// TLS-inspecting proxy); the system's trust store stays in use
    #[arg(long, value_name = "PEM", help_heading = "Breach check")]
    pub ca_file: Option<PathBuf>,

    /// Proxy for range requests, http://[user:password@]host:port [default: HTTPS_PROXY /
    /// HTTP_PROXY, minus NO_PROXY]
    #[arg(long, value_name = "URL", help_heading = "Breach check")]
    pub proxy: Option<String>,

    /// Concurrent range requests [default: 8]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Breach check")]
    pub concurrency: Option<u16>,

    /// Range-cache directory [default: ~/.cache/credaudit/hibp-range]
    #[arg(long, value_name = "DIR", help_heading = "Breach check")]
    pub cache_dir: Option<PathBuf>,

    /// How long cached ranges stay fresh [default: 7d]
    #[arg(long, value_name = "DURATION", help_heading = "Breach check")]
    pub cache_ttl: Option<String>,

    /// Neither read nor write the range cache
    #[arg(long, help_heading = "Breach check")]
    pub no_cache: bool,

    /// The HIBP breach list as a file (the JSON of /api/v3/breaches) for the site-breach
    /// check: nothing is sent
    #[arg(long, value_name = "FILE", help_heading = "Breach check")]
    pub breaches_file: Option<PathBuf>,

    /// Where the HIBP breach list is fetched [default:
    /// https://haveibeenpwned.com/api/v3/breaches; not fetched with --hibp-url unless given]
    #[arg(long, value_name = "URL", help_heading = "Breach check")]
    pub breaches_url: Option<String>,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
