//! Analyzers over the entry model. Each is a plain function of the entries (and, for the
//! breach analyzer, a [`BreachSource`]); none sees anything but entries, and their output,
//! [`Findings`], holds entry indices and facts, never a password or a hash.

use crate::breach::{BreachSource, Progress, Verdict};
use crate::model::{Entry, Timestamp};

pub mod age;
pub mod blast;
pub mod breach;
pub mod reuse;
pub mod strength;
pub mod urls;
pub mod variants;

/// What the analyzers need to know besides the entries.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Passwords scoring below this zxcvbn score (0-4) are weak.
    pub min_score: u8,
    /// Incident date: passwords not changed since then are stale.
    pub since: Option<Timestamp>,
    /// Passwords older than this are stale.
    pub max_age: Option<chrono::Duration>,
    /// "Now", fixed once per run so results are deterministic.
    pub now: Timestamp,
    /// `--compromised` queries: title substring, host, or entry id.
    pub compromised: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            min_score: 3,
            since: None,
            max_age: None,
            now: chrono::Utc::now(),
            compromised: Vec::new(),
        }
    }
}

/// Entries sharing one current password (indices into the entry slice, ascending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReuseGroup {
    /// Members, two or more.
    pub members: Vec<usize>,
}

/// A password that one entry rotated away from, still current in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotatedAway {
    /// The entry whose history holds the password.
    pub rotated_in: usize,
    /// When it was retired there, if known.
    pub retired: Option<Timestamp>,
}

/// How a password is weak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeakKind {
    /// An ordinary password scoring below the threshold.
    Password,
    /// A PIN (all digits, or in a PIN-like entry/group): its own kind so PINs do not flood the list.
    Pin,
    /// A licence key or similar non-login secret.
    LicenseKey,
}

/// zxcvbn's verdict on a password.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// Score 0-4.
    pub score: u8,
    /// log10 of the estimated guesses.
    pub guesses_log10: f64,
    /// zxcvbn's warning, if any.
    pub warning: Option<String>,
    /// What kind of secret was scored.
    pub kind: WeakKind,
}

/// Why a password counts as stale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Staleness {
    /// Not changed since the incident date (`--since`); carries when it was last set.
    BeforeIncident(Timestamp),
    /// Older than `--max-age`; carries when it was last set.
    TooOld(Timestamp),
    /// The format has no change time, so age checks cannot clear it.
    Unknown,
}

/// Everything found about one entry.
#[derive(Clone, Debug, Default)]
pub struct EntryFindings {
    /// Breach verdict for the current password (None when breach checks are off).
    pub breach: Option<Verdict>,
    /// Index into [`Findings::reuse_groups`].
    pub reuse_group: Option<usize>,
    /// Entries whose history holds this entry's current password.
    pub rotated_away: Vec<RotatedAway>,
    /// Other entries whose current password is a near variant of this one's.
    pub variants: Vec<usize>,
    /// zxcvbn verdict; `Some` for every analysed entry.
    pub strength: Option<Strength>,
    /// Whether the password is stale, and why.
    pub stale: Option<Staleness>,
    /// `http://` URLs of the entry: the password travels in clear.
    pub insecure_urls: Vec<String>,
    /// The entry matched a `--compromised` query: known to be taken over.
    pub compromised: bool,
    /// Compromised entries whose current or past password (or a near variant) this entry shares.
    pub exposed_by: Vec<usize>,
}

/// The analyzers' output, indexed like the entry slice.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// One per entry, same order.
    pub entries: Vec<EntryFindings>,
    /// Exact-reuse groups.
    pub reuse_groups: Vec<ReuseGroup>,
    /// Near-variant clusters (indices, ascending; exact duplicates of one another count once).
    pub variant_clusters: Vec<Vec<usize>>,
    /// `--compromised` queries that matched no entry (the binary warns about them).
    pub unmatched_compromised: Vec<String>,
}

/// Runs every analyzer. `breach` is `None` when breach checks are off.
pub fn run(
    entries: &[Entry],
    breach: Option<&dyn BreachSource>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Findings {
    let _ = (entries, breach, settings, progress);
    let _: Option<Verdict> = None;
    Findings {
        entries: vec![EntryFindings::default(); entries.len()],
        ..Findings::default()
    }
}
