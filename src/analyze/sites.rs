//! Site-level facts about each entry, from public data rather than the password: breaches of
//! the site (the HIBP breach list) after the password was set, and the site's two-factor and
//! passkey support (the embedded 2fa.directory and Passkeys Directory tables).
//!
//! A site is every URL host of the entry, its registrable domain, and the other domains of
//! its shared sign-in backend ([`crate::data::backend_of`]): a breach of `rakuten.co.jp`
//! exposed the Rakuma (`fril.jp`) login too.

use crate::breach::catalog::BreachCatalog;
use crate::data::{PasskeySite, TwoFactorSite};
use crate::model::Entry;

/// A breach of the entry's site that exposed passwords.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteBreachHit {
    /// HIBP's title of the breach.
    pub title: String,
    /// The breached domain (the entry's own, or its sign-in backend's).
    pub domain: String,
    /// When the breach happened.
    pub date: chrono::NaiveDate,
    /// The entry's password has no known set date: the breach may predate it.
    pub set_date_unknown: bool,
}

/// The site's two-factor support and whether the entry uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// The 2fa.directory record.
    pub site: &'static TwoFactorSite,
    /// The entry holds a one-time-password seed.
    pub enabled: bool,
}

/// Breaches of the entry's sites that exposed passwords on or after the day its password
/// was set (a breach on that very day counts: the day alone cannot order them). With no
/// known set date every such breach is listed, marked [`SiteBreachHit::set_date_unknown`].
/// Oldest first, one per breach.
pub fn site_breaches(
    entry: &Entry,
    hosts: &[String],
    catalog: &BreachCatalog,
) -> Vec<SiteBreachHit> {
    let mut domains: Vec<String> = Vec::new();
    for host in hosts {
        if crate::site::is_private_host(host) || host.parse::<std::net::IpAddr>().is_ok() {
            continue;
        }
        let own = crate::site::registrable_domain(host);
        let backend = crate::data::backend_of(host).map_or(&[][..], |b| b.domains);
        for domain in std::iter::once(own).chain(backend.iter().copied()) {
            if !domains.iter().any(|d| d == domain) {
                domains.push(domain.to_owned());
            }
        }
    }
    let set = entry.password_set_at().map(|t| t.date_naive());
    let mut out: Vec<SiteBreachHit> = Vec::new();
    for domain in domains {
        for breach in catalog.for_domain(&domain) {
            if set.is_some_and(|set| breach.breach_date < set)
                || out
                    .iter()
                    .any(|h| h.title == breach.title && h.date == breach.breach_date)
            {
                continue;
            }
            out.push(SiteBreachHit {
                title: if breach.title.is_empty() {
                    breach.name.clone()
                } else {
                    breach.title.clone()
                },
                domain: domain.clone(),
                date: breach.breach_date,
                set_date_unknown: set.is_none(),
            });
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.title.cmp(&b.title)));
    out
}

/// The 2fa.directory record of the entry's first listed host, when it lists any method.
pub fn two_factor(entry: &Entry, hosts: &[String]) -> Option<TwoFactorStatus> {
    hosts
        .iter()
        .find_map(|h| crate::data::two_factor(h))
        .filter(|site| !site.methods.is_empty())
        .map(|site| TwoFactorStatus {
            site,
            enabled: entry.has_totp,
        })
}

/// The Passkeys Directory record of the entry's first listed host, when it offers passkeys.
pub fn passkey(hosts: &[String]) -> Option<&'static PasskeySite> {
    hosts
        .iter()
        .find_map(|h| crate::data::passkeys(h))
        .filter(|site| site.passwordless.is_some() || site.mfa.is_some())
}
