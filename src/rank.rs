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
//! (their passwords still count for the others' reuse, variants and blast radius).

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

/// Ranks every entry with at least one reason (excluded entries produce no row).
/// Ordered by score, then account value, then title, then id, then position. Deterministic.
pub fn rank(entries: &[Entry], findings: &Findings, policy: &Policy) -> Vec<RankedAccount> {
    let mut rows: Vec<RankedAccount> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.excluded {
            continue;
        }
        let found = reasons::reasons_of(i, entries, findings);
        let Some(top) = found.first() else { continue };
        let Some(f) = findings.entries.get(i) else {
            continue;
        };
        let value = classify(e, policy);
        let sharers = f
            .reuse_group
            .and_then(|g| findings.reuse_groups.get(g))
            .map_or(0, |g| g.members.len().saturating_sub(1));
        let action = reasons::action(top, f, sharers, entries);
        rows.push(RankedAccount {
            entry: i,
            score: score::score(&found, value),
            value,
            reasons: found.into_iter().map(|f| f.reason).collect(),
            action,
        });
    }
    score::order(rows, entries)
}
