//! Reason texts and actions: what each analyzer finding means for one account, in words
//! (titles of related accounts, counts, dates; never a password).

use super::{Reason, ReasonCode};
use crate::analyze::sites::SiteBreachHit;
use crate::analyze::{EntryFindings, ExposureKind, Findings, Staleness, WeakKind};
use crate::breach::Verdict;
use crate::data::TwoFactorMethod;
use crate::model::{Entry, Timestamp};

/// How an account is named in reason texts: its title, else its first host, else its id;
/// a hidden field adds `(field NAME)`.
pub fn display_name(entry: &Entry) -> String {
    let base = {
        let t = entry.title.trim();
        if !t.is_empty() {
            t.to_owned()
        } else if let Some(h) = entry.first_host() {
            h.to_owned()
        } else {
            format!("entry {}", entry.id)
        }
    };
    match &entry.field {
        Some(name) => format!("{base} (field {name})"),
        None => base,
    }
}

/// The tier of a PIN or licence key's breach finding: every short PIN is in the corpus, and
/// a card PIN is not replayed on websites, so it stays with the weak PINs.
const PIN_BREACH_TIER: u32 = 1;

/// Why a breached PIN or licence key stays low (appended to its breach reason).
const PIN_BREACH_WHY: &str =
    "every short PIN is in the corpus; a card PIN is not replayed on websites";

/// Whether the entry holds a PIN or licence key rather than a login password.
fn is_pin_like(f: &EntryFindings) -> bool {
    matches!(f.kind, WeakKind::Pin | WeakKind::LicenseKey)
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

/// The tier of a near variant of a breached password (its code stays `variant`).
const VARIANT_OF_BREACHED_TIER: u32 = 6;

/// The tier of an `http://` login that only reaches the local network.
const LAN_ONLY_HTTP_TIER: u32 = 1;

/// A reason with its tier (the code's own, except for the two cases above) and extent.
pub(super) struct Found {
    /// T in the score.
    pub(super) tier: u32,
    /// E in the score: how many other accounts the reason involves.
    pub(super) extent: usize,
    /// Code and text.
    pub(super) reason: Reason,
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

/// The other accounts sharing entry `i`'s current password, without the sites that sign in
/// with the same login (one login is not reuse of itself).
pub(super) fn sharers(i: usize, findings: &Findings) -> Vec<usize> {
    let sign_in = |e: usize| findings.entries.get(e).and_then(|f| f.sign_in);
    let Some(f) = findings.entries.get(i) else {
        return Vec::new();
    };
    f.reuse_group
        .and_then(|g| findings.reuse_groups.get(g))
        .map(|g| {
            g.members
                .iter()
                .copied()
                .filter(|&m| m != i && (sign_in(i).is_none() || sign_in(m) != sign_in(i)))
                .collect()
        })
        .unwrap_or_default()
}

/// Builds the reasons of one entry, most severe first.
pub(super) fn reasons_of(i: usize, entries: &[Entry], findings: &Findings) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let Some(f) = findings.entries.get(i) else {
        return out;
    };
    let sharers: Vec<usize> = sharers(i, findings);
    let rotated: Vec<usize> = f.rotated_away.iter().map(|r| r.rotated_in).collect();

    if f.compromised {
        let text = match f.compromised_via {
            Some(by) => {
                let backend = f
                    .sign_in
                    .and_then(|g| findings.sign_ins.get(g))
                    .map_or("", |s| s.backend.name);
                format!(
                    "signs in with the same login as {} ({backend} backend): treat it as taken over too",
                    entries.get(by).map(display_name).unwrap_or_default()
                )
            }
            None => "matched --compromised: treat this account as taken over".to_owned(),
        };
        out.push(found(ReasonCode::Compromised, 0, text));
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
        let pin = is_pin_like(f);
        let mut breached = found(
            ReasonCode::Breached,
            sharers.len() + rotated.len(),
            format!(
                "password seen {} times in Pwned Passwords",
                crate::report::count_bucket(n)
            ),
        );
        if pin {
            breached.tier = PIN_BREACH_TIER;
            breached
                .reason
                .text
                .push_str(&format!(" ({PIN_BREACH_WHY})"));
        }
        out.push(breached);
        if !sharers.is_empty() {
            let mut reused = found(
                ReasonCode::ReusedBreached,
                sharers.len(),
                format!(
                    "the breached password is also used by {}: {}",
                    plural(sharers.len(), "other account", "other accounts"),
                    names(entries, &sharers)
                ),
            );
            if pin {
                reused.tier = PIN_BREACH_TIER;
            }
            out.push(reused);
        }
    }
    if !f.site_breaches.is_empty() {
        out.push(site_breached(&f.site_breaches));
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
                tier: VARIANT_OF_BREACHED_TIER,
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
    if !f.personal.is_empty() {
        let kinds: Vec<&str> = f.personal.iter().map(|k| k.describe()).collect();
        let mut r = found(
            ReasonCode::PersonalData,
            0,
            format!("contains {}", kinds.join(" and ")),
        );
        if is_pin_like(f) {
            r.tier = PIN_BREACH_TIER;
        }
        out.push(r);
    }
    if f.long_password {
        out.push(found(
            ReasonCode::LongPassword,
            0,
            format!(
                "the password is over {} KiB: too long to analyse for variants or strength",
                crate::analyze::LONG_PASSWORD_BYTES / 1024
            ),
        ));
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
            r.tier = LAN_ONLY_HTTP_TIER;
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
    if let Some(status) = f.two_factor.filter(|s| !s.enabled) {
        let site = status.site;
        let mut text = format!(
            "{} offers two-factor sign-in ({}) and this entry holds no one-time-password seed",
            site.name,
            TwoFactorMethod::describe(site.methods)
        );
        if let Some(setup) = site.documentation {
            text.push_str(&format!("; set it up: {setup}"));
        }
        out.push(found(ReasonCode::TwoFactorAvailable, 0, text));
    }
    if let Some(site) = f.passkey {
        let mut ways = Vec::new();
        if site.passwordless.is_some() {
            ways.push("to sign in without the password");
        }
        if site.mfa.is_some() {
            ways.push("as a second factor");
        }
        let mut text = format!("{} offers passkeys ({})", site.name, ways.join(", "));
        if let Some(setup) = site.documentation {
            text.push_str(&format!("; set one up: {setup}"));
        }
        out.push(found(ReasonCode::PasskeyAvailable, 0, text));
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

/// The action of a `done` account: when it was changed, against the incident date.
pub(super) fn done_action(entry: &Entry, since: Option<Timestamp>) -> String {
    match (entry.password_set_at(), since) {
        (Some(set), Some(since)) => format!(
            "done: password changed on {}, after the incident date ({}); nothing left to change here",
            date(&set),
            date(&since)
        ),
        _ => "done: password changed after the incident date".to_owned(),
    }
}

/// The tier of a site breach when the password's set date is unknown: it may predate the
/// breach (then rotating is due) or not, like a password of unknown age.
const SITE_BREACH_UNKNOWN_DATE_TIER: u32 = 2;

/// Accounts at or above this tier are told to turn on 2FA first, where the site offers it.
const TWO_FACTOR_FIRST_TIER: u32 = 7;

fn site_breached(hits: &[SiteBreachHit]) -> Found {
    let list: Vec<String> = hits
        .iter()
        .map(|h| format!("{} ({}, {})", h.title, h.domain, h.date.format("%Y-%m-%d")))
        .collect();
    let unknown = hits.iter().all(|h| h.set_date_unknown);
    let text = if unknown {
        format!(
            "the site lost passwords in {}; this export has no change date: rotate unless the password was set after that",
            list.join("; ")
        )
    } else {
        format!(
            "the site lost passwords in {}, after this password was set",
            list.join("; ")
        )
    };
    let mut r = found(ReasonCode::SiteBreached, 0, text);
    if unknown {
        r.tier = SITE_BREACH_UNKNOWN_DATE_TIER;
    }
    r
}

pub(super) fn action(top: &Found, f: &EntryFindings, sharers: usize, entries: &[Entry]) -> String {
    let share = if sharers > 0 {
        format!(
            "; {} this password: give each its own",
            plural(sharers, "other account shares", "other accounts share")
        )
    } else {
        String::new()
    };
    let code = top.reason.code;
    let base = if code == ReasonCode::ExposedByCompromise {
        format!(
            "rotate now: whoever holds {} can try this password here",
            names(entries, &f.exposed_by)
        )
    } else if matches!(code, ReasonCode::Breached | ReasonCode::ReusedBreached)
        && top.tier == PIN_BREACH_TIER
    {
        match f.kind {
            WeakKind::LicenseKey => ReasonCode::WeakLicenseKey.spec().action.to_owned(),
            _ => ReasonCode::WeakPin.spec().action.to_owned(),
        }
    } else if code == ReasonCode::SiteBreached && top.tier == SITE_BREACH_UNKNOWN_DATE_TIER {
        "rotate unless you changed this password after the site's breach".to_owned()
    } else if code == ReasonCode::Variant && top.tier == VARIANT_OF_BREACHED_TIER {
        "rotate now to an unrelated random password: attackers try variants of breached passwords"
            .to_owned()
    } else {
        code.spec().action.to_owned()
    };
    let two_factor_first = match f.two_factor {
        Some(status) if top.tier >= TWO_FACTOR_FIRST_TIER && !status.enabled => {
            format!(
                "turn on 2FA ({}), then ",
                TwoFactorMethod::describe(status.site.methods)
            )
        }
        _ => String::new(),
    };
    format!("{two_factor_first}{base}{share}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use TwoFactorMethod as M;

    #[test]
    fn two_factor_methods_in_words() {
        assert_eq!(
            TwoFactorMethod::describe(&[M::Sms, M::Totp, M::U2f]),
            "authenticator app, security key, SMS"
        );
        assert_eq!(TwoFactorMethod::describe(&[M::Sms]), "SMS only");
        assert_eq!(
            TwoFactorMethod::describe(&[M::Email, M::Sms]),
            "SMS or e-mail only"
        );
        assert_eq!(
            TwoFactorMethod::describe(&[M::CustomSoftware]),
            "the site's own app"
        );
    }
}
