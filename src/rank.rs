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
//!   other 0 (from [`classify`]).
//! - **C, count of further reasons** beyond the first, capped at 9.
//!
//! Because `100 * 9 + 10 * 5 + 9 < 1000`, the tier always decides first, so the order
//! properties hold by construction: compromised-linked > breached > variant of a breached
//! password > reused > variant > weak > stale. Within a tier, more accounts involved, then a
//! more valuable account, then more reasons. Equal scores are ordered by account value, then
//! title (case-insensitive, then exact), then entry id, then input position: deterministic.
//!
//! Rows: every entry with at least one reason, except entries the user excluded from reports
//! (their passwords still count for the others' reuse, variants and blast radius).

use crate::analyze::{EntryFindings, ExposureKind, Findings, Staleness, WeakKind};
use crate::breach::Verdict;
use crate::model::{Entry, Timestamp};
use serde::{Deserialize, Serialize};

pub mod values;

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
    /// A weak licence key or similar non-login secret (reported apart, lowest weight).
    WeakLicenseKey,
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

impl AccountValue {
    /// W in the score formula: e-mail 5, finance 4, shopping 3, work 2, social 1, other 0.
    pub fn weight(self) -> u32 {
        match self {
            AccountValue::Email => 5,
            AccountValue::Finance => 4,
            AccountValue::Shopping => 3,
            AccountValue::Work => 2,
            AccountValue::Social => 1,
            AccountValue::Other => 0,
        }
    }
}

impl ReasonCode {
    /// T in the score formula when this code is an account's most severe reason.
    /// (A variant of a breached password uses tier 6 although its code is `variant`.)
    pub fn tier(self) -> u32 {
        match self {
            ReasonCode::Compromised => 9,
            ReasonCode::ExposedByCompromise => 8,
            ReasonCode::Breached | ReasonCode::ReusedBreached => 7,
            ReasonCode::Reused | ReasonCode::RotatedAwayReuse => 5,
            ReasonCode::Variant => 4,
            ReasonCode::Weak | ReasonCode::InsecureUrl => 3,
            ReasonCode::Stale => 2,
            ReasonCode::WeakPin
            | ReasonCode::WeakLicenseKey
            | ReasonCode::StaleUnknown
            | ReasonCode::Unchecked => 1,
        }
    }
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A text normalised for keyword matching: lower-case words joined by single spaces, with a
/// space at each end; plus the lower-cased raw text for `~substring` keywords.
struct Hay {
    words: String,
    raw: String,
}

impl Hay {
    fn new(text: &str) -> Self {
        Hay {
            words: format!(" {} ", words(text).join(" ")),
            raw: text.to_lowercase(),
        }
    }

    /// Whole-word (or `~substring`) match of a lower-case keyword.
    fn matches(&self, keyword: &str) -> bool {
        if let Some(sub) = keyword.strip_prefix('~') {
            return !sub.is_empty() && self.raw.contains(sub);
        }
        if keyword.trim().is_empty() {
            return false;
        }
        self.words.match_indices(keyword).any(|(i, _)| {
            self.words[..i].ends_with(' ') && self.words[i + keyword.len()..].starts_with(' ')
        })
    }
}

/// Whole-word (or `~substring`) keyword match (case-insensitive).
fn keyword_matches(text: &str, keyword: &str) -> bool {
    let kw = keyword.to_lowercase();
    let kw = if kw.starts_with('~') {
        kw
    } else {
        words(&kw).join(" ")
    };
    Hay::new(text).matches(&kw)
}

/// A host with its site label (first label of the registrable domain), computed once: the
/// value table holds a few hundred patterns and every entry is matched against all of them.
struct HostKey {
    host: String,
    site: String,
}

impl HostKey {
    fn new(host: String) -> Self {
        let site = crate::site::site_name(&host).to_owned();
        HostKey { host, site }
    }
}

/// Length of the matching host pattern (lower-case), if it matches.
fn host_pattern_len(key: &HostKey, pattern: &str) -> Option<usize> {
    if let Some(name) = pattern.strip_suffix(".*") {
        return (key.site == name).then_some(name.len());
    }
    crate::site::host_is_under(&key.host, pattern).then_some(pattern.len())
}

/// The account value of an entry: `policy.value_overrides` first (a pattern matching a URL
/// host or parent domain, or a word/phrase of the title or group), then the built-in
/// [`values::HOSTS`] table (longest matching pattern over all URLs), then [`values::KEYWORDS`]
/// on the title, then on the group path; else [`AccountValue::Other`].
pub fn classify(entry: &Entry, policy: &Policy) -> AccountValue {
    let hosts: Vec<HostKey> = entry
        .urls
        .iter()
        .filter_map(|u| crate::site::host_of(u))
        .map(HostKey::new)
        .collect();
    let group = entry.group.join(" / ");
    for (pattern, value) in &policy.value_overrides {
        let p = pattern.trim().to_lowercase();
        if hosts.iter().any(|h| host_pattern_len(h, &p).is_some())
            || keyword_matches(&entry.title, &p)
            || keyword_matches(&group, &p)
        {
            return *value;
        }
    }
    let mut best: Option<(usize, AccountValue)> = None;
    for h in &hosts {
        for (pattern, value) in values::HOSTS {
            if let Some(len) = host_pattern_len(h, pattern)
                && best.is_none_or(|(l, _)| len > l)
            {
                best = Some((len, *value));
            }
        }
    }
    if let Some((_, v)) = best {
        return v;
    }
    for text in [entry.title.as_str(), group.as_str()] {
        let hay = Hay::new(text);
        for (kw, value) in values::KEYWORDS {
            if hay.matches(kw) {
                return *value;
            }
        }
    }
    AccountValue::Other
}

/// How an account is named in reason texts: its title, else its first host, else its id.
pub fn display_name(entry: &Entry) -> String {
    let t = entry.title.trim();
    if !t.is_empty() {
        return t.to_owned();
    }
    if let Some(h) = entry.urls.iter().find_map(|u| crate::site::host_of(u)) {
        return h;
    }
    format!("entry {}", entry.id)
}

/// At most this many names are spelled out in a reason text.
const NAMES_SHOWN: usize = 5;

fn names(entries: &[Entry], idx: &[usize]) -> String {
    let mut list: Vec<String> = idx
        .iter()
        .filter_map(|&i| entries.get(i))
        .map(display_name)
        .collect();
    list.dedup();
    let more = list.len().saturating_sub(NAMES_SHOWN);
    list.truncate(NAMES_SHOWN);
    let mut s = list.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn date(t: &Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A reason with its tier (which may be above the code's own, for variant-of-breached).
struct Found {
    tier: u32,
    extent: usize,
    reason: Reason,
}

fn found(code: ReasonCode, extent: usize, text: String) -> Found {
    Found {
        tier: code.tier(),
        extent,
        reason: Reason { code, text },
    }
}

fn seen_count(f: &EntryFindings) -> Option<u64> {
    match f.breach {
        Some(Verdict::Seen(n)) => Some(n),
        _ => None,
    }
}

/// Builds the reasons of one entry, most severe first.
fn reasons_of(i: usize, entries: &[Entry], findings: &Findings) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let Some(f) = findings.entries.get(i) else {
        return out;
    };
    let sharers: Vec<usize> = f
        .reuse_group
        .and_then(|g| findings.reuse_groups.get(g))
        .map(|g| g.members.iter().copied().filter(|&m| m != i).collect())
        .unwrap_or_default();
    let rotated: Vec<usize> = f.rotated_away.iter().map(|r| r.rotated_in).collect();

    if f.compromised {
        out.push(found(
            ReasonCode::Compromised,
            0,
            "matched --compromised: treat this account as taken over".to_owned(),
        ));
    }
    if !f.exposures.is_empty() {
        let mut parts = Vec::new();
        for (kind, label) in [
            (ExposureKind::SamePassword, "same password as"),
            (ExposureKind::PastPassword, "uses a past password of"),
            (ExposureKind::Variant, "near variant of the password of"),
            (
                ExposureKind::VariantOfPast,
                "near variant of a past password of",
            ),
        ] {
            let by: Vec<usize> = f
                .exposures
                .iter()
                .filter(|x| x.how == kind)
                .map(|x| x.by)
                .collect();
            if !by.is_empty() {
                parts.push(format!("{label} compromised {}", names(entries, &by)));
            }
        }
        out.push(found(
            ReasonCode::ExposedByCompromise,
            f.exposures.len(),
            parts.join("; "),
        ));
    }
    if let Some(n) = seen_count(f) {
        out.push(found(
            ReasonCode::Breached,
            sharers.len() + rotated.len(),
            format!("password seen {n} times in Pwned Passwords"),
        ));
        if !sharers.is_empty() {
            out.push(found(
                ReasonCode::ReusedBreached,
                sharers.len(),
                format!(
                    "the breached password is also used by {}: {}",
                    plural(sharers.len(), "other account", "other accounts"),
                    names(entries, &sharers)
                ),
            ));
        }
    }
    if !sharers.is_empty() && seen_count(f).is_none() {
        out.push(found(
            ReasonCode::Reused,
            sharers.len() + rotated.len(),
            format!(
                "same password as {}: {}",
                plural(sharers.len(), "other account", "other accounts"),
                names(entries, &sharers)
            ),
        ));
    }
    if !f.rotated_away.is_empty() {
        let parts: Vec<String> = f
            .rotated_away
            .iter()
            .map(|r| {
                let name = entries
                    .get(r.rotated_in)
                    .map(display_name)
                    .unwrap_or_default();
                match &r.retired {
                    Some(d) => format!("changed at {name} on {}", date(d)),
                    None => format!("changed at {name}"),
                }
            })
            .collect();
        out.push(found(
            ReasonCode::RotatedAwayReuse,
            sharers.len() + rotated.len(),
            format!("{}, still live here", parts.join("; ")),
        ));
    }
    if !f.variants.is_empty() {
        let breached: Vec<usize> = f
            .variants
            .iter()
            .copied()
            .filter(|&v| findings.entries.get(v).and_then(seen_count).is_some())
            .collect();
        if !breached.is_empty() && seen_count(f).is_none() {
            out.push(Found {
                tier: 6,
                extent: breached.len(),
                reason: Reason {
                    code: ReasonCode::Variant,
                    text: format!(
                        "near variant of a breached password (used at {})",
                        names(entries, &breached)
                    ),
                },
            });
        } else {
            out.push(found(
                ReasonCode::Variant,
                f.variants.len(),
                format!(
                    "near variant of the passwords of {}: {}",
                    plural(f.variants.len(), "other account", "other accounts"),
                    names(entries, &f.variants)
                ),
            ));
        }
    }
    if f.weak
        && let Some(s) = &f.strength
    {
        let mut text = format!(
            "zxcvbn score {}/4 (about 10^{:.1} guesses)",
            s.score, s.guesses_log10
        );
        if let Some(w) = &s.warning {
            text.push_str(": ");
            text.push_str(w);
        }
        let code = match s.kind {
            WeakKind::Password => ReasonCode::Weak,
            WeakKind::Pin => ReasonCode::WeakPin,
            WeakKind::LicenseKey => ReasonCode::WeakLicenseKey,
        };
        out.push(found(code, 0, text));
    }
    if !f.insecure_urls.is_empty() {
        let lan_only = f
            .insecure_urls
            .iter()
            .all(|u| crate::site::host_of(u).is_some_and(|h| crate::site::is_private_host(&h)));
        let mut r = found(
            ReasonCode::InsecureUrl,
            0,
            format!(
                "the password travels in clear over http:// ({}){}",
                f.insecure_urls.join(", "),
                if lan_only {
                    " on the local network"
                } else {
                    ""
                }
            ),
        );
        if lan_only {
            r.tier = 1;
        }
        out.push(r);
    }
    match &f.stale {
        Some(Staleness::BeforeIncident(d)) => out.push(found(
            ReasonCode::Stale,
            0,
            format!("not changed since the incident date (last set {})", date(d)),
        )),
        Some(Staleness::TooOld(d)) => out.push(found(
            ReasonCode::Stale,
            0,
            format!("older than the maximum age (last set {})", date(d)),
        )),
        Some(Staleness::Unknown) => out.push(found(
            ReasonCode::StaleUnknown,
            0,
            "age unknown: this export has no change date".to_owned(),
        )),
        None => {}
    }
    if let Some(Verdict::Unchecked(why)) = &f.breach {
        out.push(found(
            ReasonCode::Unchecked,
            0,
            format!("breach check incomplete: {why}"),
        ));
    }
    // Most severe first; stable, so equal tiers keep the order above.
    out.sort_by_key(|f| std::cmp::Reverse(f.tier));
    out
}

fn action(top: &Found, f: &EntryFindings, sharers: usize, entries: &[Entry]) -> String {
    let share = if sharers > 0 {
        format!(
            "; {} this password: give each its own",
            plural(sharers, "other account shares", "other accounts share")
        )
    } else {
        String::new()
    };
    let base = match (top.reason.code, top.tier) {
        (ReasonCode::Compromised, _) => {
            "treat as taken over: change the password now, sign out other sessions, check the recovery e-mail/phone and 2FA".to_owned()
        }
        (ReasonCode::ExposedByCompromise, _) => {
            let by: Vec<usize> = f.exposed_by.clone();
            format!(
                "rotate now: whoever holds {} can try this password here",
                names(entries, &by)
            )
        }
        (ReasonCode::Breached | ReasonCode::ReusedBreached, _) => {
            "rotate now: this password is in breach lists attackers replay".to_owned()
        }
        (ReasonCode::Variant, 6) => {
            "rotate now to an unrelated random password: attackers try variants of breached passwords".to_owned()
        }
        (ReasonCode::Reused, _) => "rotate now".to_owned(),
        (ReasonCode::RotatedAwayReuse, _) => {
            "rotate now: another account already retired this password".to_owned()
        }
        (ReasonCode::Variant, _) => {
            "rotate to an unrelated random password: near variants are guessed in a few tries"
                .to_owned()
        }
        (ReasonCode::Weak, _) => "replace with a long generated password".to_owned(),
        (ReasonCode::InsecureUrl, _) => {
            "log in over https only; rotate if it was ever used on an untrusted network"
                .to_owned()
        }
        (ReasonCode::Stale, _) => "rotate: the password predates the cut-off".to_owned(),
        (ReasonCode::WeakPin, _) => "use a longer PIN where the service allows".to_owned(),
        (ReasonCode::WeakLicenseKey, _) => {
            "no rotation needed unless the key leaked; keep it out of shared places".to_owned()
        }
        (ReasonCode::StaleUnknown, _) => {
            "check when this password was last changed; rotate if in doubt".to_owned()
        }
        (ReasonCode::Unchecked, _) => {
            "re-run the breach check: this password could not be checked".to_owned()
        }
    };
    format!("{base}{share}")
}

/// Ranks every entry with at least one reason (excluded entries produce no row).
/// Ordered by score, then account value, then title, then id, then position. Deterministic.
pub fn rank(entries: &[Entry], findings: &Findings, policy: &Policy) -> Vec<RankedAccount> {
    let mut rows: Vec<RankedAccount> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.excluded {
            continue;
        }
        let found = reasons_of(i, entries, findings);
        let Some(top) = found.first() else { continue };
        let Some(f) = findings.entries.get(i) else {
            continue;
        };
        let value = classify(e, policy);
        let score = 1000 * top.tier
            + 100 * top.extent.min(9) as u32
            + 10 * value.weight()
            + (found.len() - 1).min(9) as u32;
        let sharers = f
            .reuse_group
            .and_then(|g| findings.reuse_groups.get(g))
            .map_or(0, |g| g.members.len().saturating_sub(1));
        let action = action(top, f, sharers, entries);
        rows.push(RankedAccount {
            entry: i,
            score,
            value,
            reasons: found.into_iter().map(|f| f.reason).collect(),
            action,
        });
    }
    // Sort keys computed once: (score desc, value, lower-case title, title, id, position).
    let mut keyed: Vec<_> = rows
        .into_iter()
        .map(|r| {
            let e = entries.get(r.entry);
            let title = e.map(|e| e.title.as_str()).unwrap_or_default();
            let key = (
                std::cmp::Reverse(r.score),
                r.value,
                title.to_lowercase(),
                title.to_owned(),
                e.map(|e| e.id.clone()).unwrap_or_default(),
                r.entry,
            );
            (key, r)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let rows: Vec<RankedAccount> = keyed.into_iter().map(|(_, r)| r).collect();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(title: &str, url: &str) -> Entry {
        Entry {
            title: title.into(),
            urls: if url.is_empty() {
                vec![]
            } else {
                vec![url.into()]
            },
            ..Default::default()
        }
    }

    #[test]
    fn value_table() {
        let p = Policy::default();
        assert_eq!(
            classify(&e("x", "https://mail.google.com/"), &p),
            AccountValue::Email
        );
        assert_eq!(
            classify(&e("x", "https://www.amazon.co.jp/"), &p),
            AccountValue::Shopping
        );
        assert_eq!(
            classify(&e("x", "https://aws.amazon.com/console"), &p),
            AccountValue::Work
        );
        assert_eq!(
            classify(&e("x", "https://www.paypal.com"), &p),
            AccountValue::Finance
        );
        assert_eq!(
            classify(&e("x", "https://jp.mercari.com"), &p),
            AccountValue::Shopping
        );
        assert_eq!(classify(&e("Apple ID", ""), &p), AccountValue::Email);
        assert_eq!(
            classify(&e("Online Banking", ""), &p),
            AccountValue::Finance
        );
        assert_eq!(classify(&e("LINE", ""), &p), AccountValue::Social);
        assert_eq!(classify(&e("Online game", ""), &p), AccountValue::Other);
        assert_eq!(classify(&e("楽天銀行", ""), &p), AccountValue::Finance);
        assert_eq!(classify(&e("Rakuma", ""), &p), AccountValue::Shopping);
        let mut g = e("Thing", "");
        g.group = vec!["Root".into(), "Work".into()];
        assert_eq!(classify(&g, &p), AccountValue::Work);
        let p = Policy {
            value_overrides: vec![("example.com".into(), AccountValue::Finance)],
        };
        assert_eq!(
            classify(&e("x", "https://login.example.com"), &p),
            AccountValue::Finance
        );
    }

    #[test]
    fn keywords() {
        assert!(keyword_matches("My Apple ID", "apple id"));
        assert!(!keyword_matches("Online", "line"));
        assert!(!keyword_matches("anything", ""));
        assert!(keyword_matches("みずほ銀行", "~銀行"));
    }

    #[test]
    fn score_formula_bounds() {
        // The largest within-tier part stays below one tier step.
        assert!(100 * 9 + 10 * AccountValue::Email.weight() + 9 < 1000);
    }
}
