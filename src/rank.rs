//! Ranking: one row per account to rotate, with a risk score from one documented formula,
//! machine-readable reason codes plus human text, and the action to take.
//!
//! # The risk score
//!
//! ```text
//! score = 1000 * T  +  100 * min(E, 9)  +  10 * W  +  min(C, 9)
//! ```
//!
//! - **T, tier** of the account's most severe reason:
//!   9 compromised (matched `--compromised`) ·
//!   8 exposed by a compromised account (same, past, or near-variant password) ·
//!   7 breached (its password is in Pwned Passwords; reuse of it adds the `reused-breached`
//!   code) ·
//!   6 near variant of a breached password ·
//!   5 reused (same current password elsewhere, or still live here after another account
//!   rotated away from it) ·
//!   4 near variant of another account's password ·
//!   3 weak password (zxcvbn below `--min-score`), or a plain-`http://` login to a public host ·
//!   2 stale (not changed since `--since`, or older than `--max-age`) ·
//!   1 weak PIN or licence key, unknown age, `http://` on a private LAN only, breach check
//!   incomplete (`unchecked`).
//! - **E, extent** of that top reason: how many other accounts it involves (compromised
//!   accounts exposing it; accounts sharing the breached password; breached variants; accounts
//!   sharing the password plus accounts that rotated away from it; variant accounts), capped
//!   at 9. 0 for single-account reasons (weak, stale, ...).
//! - **W, account value**: e-mail/identity 5, finance 4, shopping 3, work 2, social 1,
//!   other 0 (from [`classify`], in `account_value.rs`).
//! - **C, count of further reasons** beyond the first, capped at 9.
//!
//! Because `100 * 9 + 10 * 5 + 9 < 1000`, the tier always decides first, so the order
//! properties hold by construction: compromised-linked > breached > variant of a breached
//! password > reused > variant > weak > stale. Within a tier, more accounts involved, then a
//! more valuable account, then more reasons. Equal scores are ordered by account value, then
//! title (case-insensitive, then exact), then entry id, then input position: deterministic.
//!
//! Files: `account_value.rs` (W), `reasons.rs` (texts and actions), `score.rs` (the formula and
//! the order); tiers, labels and codes come from the finding table in [`crate::finding`].
//!
//! Rows: every entry with at least one reason, except entries the user excluded from reports
//! (their passwords still count for the others' reuse, variants and blast radius); and, with
//! `--since`, every account that rotated its password since the incident and is in a group
//! (it rotated away from a shared password), so progress can be counted.
//!
//! # Status and order
//!
//! Each row has a [`AccountStatus`]: `done` when its password was set on or after `--since`
//! and nothing is wrong with the new one (its only reasons are the takeover itself, 2FA or
//! passkey advice, or an unchecked breach verdict); `stale-only` when its only findings are
//! stale / unknown age; else `rotate`. Rows are ordered by status (rotate, done, stale-only),
//! then by score: stale-only accounts come after everything else.

use crate::analyze::Findings;
use crate::model::Entry;
use serde::{Deserialize, Serialize};

mod account_value;
mod reasons;
mod score;
pub mod values;

pub use crate::finding::ReasonCode;
pub use account_value::{AccountValue, classify};
pub use reasons::display_name;

/// One reason an account is listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable machine-readable code.
    pub code: ReasonCode,
    /// Human text (titles of related accounts, counts, dates; never a password).
    pub text: String,
}

/// Where an account stands in the rotation plan (the order of the ranked list).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// To do.
    #[default]
    Rotate,
    /// The password changed on or after the incident date (`--since`) and the new one has no
    /// finding: nothing left to change.
    Done,
    /// Its only findings are stale / unknown age: listed after everything else.
    StaleOnly,
}

/// Reasons a `done` account may still carry: facts of the past or advice, not about its new
/// password.
const DONE_KEEPS: [ReasonCode; 4] = [
    ReasonCode::Compromised,
    ReasonCode::TwoFactorAvailable,
    ReasonCode::PasskeyAvailable,
    ReasonCode::Unchecked,
];

/// Reasons that do not decide whether an account is stale-only (advice, incomplete checks).
const NOT_ROTATION: [ReasonCode; 3] = [
    ReasonCode::TwoFactorAvailable,
    ReasonCode::PasskeyAvailable,
    ReasonCode::Unchecked,
];

fn status_of(reasons: &[Reason], rotated_since: bool) -> AccountStatus {
    if rotated_since && reasons.iter().all(|r| DONE_KEEPS.contains(&r.code)) {
        return AccountStatus::Done;
    }
    let mut rotation = reasons
        .iter()
        .filter(|r| !NOT_ROTATION.contains(&r.code))
        .peekable();
    if rotation.peek().is_some()
        && rotation.all(|r| matches!(r.code, ReasonCode::Stale | ReasonCode::StaleUnknown))
    {
        return AccountStatus::StaleOnly;
    }
    AccountStatus::Rotate
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
    /// Where it stands in the plan.
    pub status: AccountStatus,
}

/// Ranking policy: the account-value table (rules kept as data so a config file can extend it).
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Extra (pattern, value) rules consulted before the built-in table.
    pub value_overrides: Vec<(String, AccountValue)>,
}

/// Ranks every entry with at least one reason (excluded entries produce no row).
/// Ordered by score, then account value, then title, then id, then position. Deterministic.
pub fn rank(entries: &[Entry], findings: &Findings, policy: &Policy) -> Vec<RankedAccount> {
    let mut rows: Vec<RankedAccount> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.excluded {
            continue;
        }
        let found = reasons::reasons_of(i, entries, findings);
        let Some(f) = findings.entries.get(i) else {
            continue;
        };
        // Rotated away from a shared password since the incident: a row, to count progress.
        let progress = f.rotated_since && !f.groups.is_empty();
        if found.is_empty() && !progress {
            continue;
        }
        let value = classify(e, policy);
        let reasons: Vec<Reason> = found.iter().map(|f| f.reason.clone()).collect();
        let status = status_of(&reasons, f.rotated_since);
        let action = match found.first() {
            _ if status == AccountStatus::Done => reasons::done_action(e, findings.since),
            Some(top) => {
                let sharers = reasons::sharers(i, findings).len();
                reasons::action(top, f, sharers, entries)
            }
            None => String::new(),
        };
        rows.push(RankedAccount {
            entry: i,
            score: score::score(&found, value),
            value,
            reasons,
            action,
            status,
        });
    }
    score::order(rows, entries)
}
