//! Ranking: one row per account to rotate, with a risk score from one documented formula,
//! machine-readable reason codes plus human text, and the action to take.

use crate::analyze::Findings;
use crate::model::Entry;
use serde::{Deserialize, Serialize};

/// How much an account is worth to an attacker, from its host and title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountValue {
    /// E-mail and identity providers: they reset everything else.
    Email,
    /// Banks, payment, brokers, crypto.
    Finance,
    /// Shops and marketplaces with stored value, cards or points.
    Shopping,
    /// Work accounts.
    Work,
    /// Social networks and messaging.
    Social,
    /// Anything else.
    Other,
}

/// A finding kind, as it appears in every output format. The serde names are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// The account matched `--compromised`: known to be taken over.
    Compromised,
    /// Shares its current or a past password (or a near variant) with a compromised account.
    ExposedByCompromise,
    /// The password is in Pwned Passwords.
    Breached,
    /// Reused, and the shared password is breached.
    ReusedBreached,
    /// The same password is current in other accounts.
    Reused,
    /// Another account rotated away from this password, which is still live here.
    RotatedAwayReuse,
    /// A near variant of another account's password.
    Variant,
    /// Weak per zxcvbn.
    Weak,
    /// A weak PIN-like secret (reported apart so PINs do not flood the list).
    WeakPin,
    /// Not changed since the incident date or older than the maximum age.
    Stale,
    /// Age unknown (the format has no change time) while an age check was asked for.
    StaleUnknown,
    /// The login URL is plain `http://`.
    InsecureUrl,
    /// The breach check could not be completed for this password.
    Unchecked,
}

/// One reason an account is listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable machine-readable code.
    pub code: ReasonCode,
    /// Human text (titles of related accounts, counts, dates; never a password).
    pub text: String,
}

/// One account in the ranked list.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedAccount {
    /// Index into the entry slice.
    pub entry: usize,
    /// Risk score; higher first.
    pub score: u32,
    /// Account value class.
    pub value: AccountValue,
    /// Reasons, most severe first.
    pub reasons: Vec<Reason>,
    /// What to do, in one sentence.
    pub action: String,
}

/// Ranking policy: the account-value table (rules kept as data so a config file can extend it).
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Extra (pattern, value) rules consulted before the built-in table.
    pub value_overrides: Vec<(String, AccountValue)>,
}

/// Ranks every entry with at least one reason. Deterministic.
pub fn rank(entries: &[Entry], findings: &Findings, policy: &Policy) -> Vec<RankedAccount> {
    let _ = (entries, findings, policy);
    Vec::new()
}
