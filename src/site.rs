//! Sites: the host, registrable domain and network class of a vault entry's URL. Every part of
//! credaudit that asks "which site is this?" (analyzers, ranking, ignore rules, readers) asks
//! here, so it gets one answer.
//!
//! - URLs are parsed by the `url` crate (WHATWG rules). Vault URLs are messy: surrounding
//!   whitespace is trimmed, and a value without `scheme://` (`example.com/login`,
//!   `example.com:8080`) is read as if it began with `http://`, but keeps "no scheme" (it is
//!   never an `http://` login). User info, port, query and fragment never reach the host.
//! - Hosts are lower-case, without a trailing dot or IPv6 brackets. Internationalized names
//!   are given in Unicode (`bücher.de`, also from `xn--bcher-kva.de`): site words must match
//!   what a person types into a password. App schemes (`androidapp://com.example.app`) have
//!   their host read the same way.
//! - The registrable domain comes from the Public Suffix List compiled into the `psl` crate,
//!   ICANN and private sections (`alice.github.io` is a site of its own, as in browsers).
//!   A host that is itself a public suffix, an unknown single label or an IP address is its
//!   own registrable domain.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// A parsed vault URL.
#[derive(Clone, Debug)]
pub struct SiteUrl {
    url: Url,
    /// Whether the value named its scheme (`https://...`) rather than being a bare host.
    explicit_scheme: bool,
}

impl SiteUrl {
    /// Parses a vault URL value; `None` when it has no usable host-bearing form.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        if s.is_empty() {
            return None;
        }
        let explicit_scheme = has_scheme(s);
        let url = if explicit_scheme {
            Url::parse(s).ok()?
        } else {
            Url::parse(&format!("http://{s}")).ok()?
        };
        Some(SiteUrl {
            url,
            explicit_scheme,
        })
    }

    /// The scheme, lower-case; `None` for a bare host (`example.com/login`).
    pub fn scheme(&self) -> Option<&str> {
        self.explicit_scheme.then(|| self.url.scheme())
    }

    /// The host (see the module docs for its form); `None` when the URL has none.
    pub fn host(&self) -> Option<String> {
        let host = match self.url.host()? {
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
            Host::Domain(d) if self.url.is_special() => unicode_host(d),
            // Opaque host of an app scheme: percent-encoded and case as written.
            Host::Domain(d) => unicode_host(
                &percent_encoding::percent_decode_str(d)
                    .decode_utf8_lossy()
                    .to_lowercase(),
            ),
        };
        let host = host.trim_end_matches('.');
        (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| host.to_owned())
    }

    /// The URL as it may appear in a report: without user info, query and fragment (they can
    /// hold credentials or tokens), in the `url` crate's normal form (lower-case scheme and
    /// host, default port dropped, IDN in `xn--` form so look-alike letters stay visible).
    pub fn sanitized(&self) -> String {
        let mut u = self.url.clone();
        // Both fail only for URLs without a host, which have no user info to remove.
        let _ = u.set_username("");
        let _ = u.set_password(None);
        u.set_query(None);
        u.set_fragment(None);
        u.into()
    }
}

/// Whether the value starts with `scheme://` (letters, digits, `+ - .` before `://`).
fn has_scheme(s: &str) -> bool {
    s.find("://").is_some_and(|i| {
        i > 0
            && s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// `xn--` labels decoded to Unicode (the `url` crate hands out the ASCII form).
fn unicode_host(ascii: &str) -> String {
    if ascii.contains("xn--") {
        idna::domain_to_unicode(ascii).0
    } else {
        ascii.to_owned()
    }
}

/// The host of a URL (`https://user@Login.Example.com:8443/x` -> `login.example.com`).
/// Scheme-less values (`example.com/login`) are read as a host; `None` when there is none.
/// An entry's hosts are parsed once ([`crate::model::Entry::hosts`]).
pub fn host_of(url: &str) -> Option<String> {
    SiteUrl::parse(url).and_then(|u| u.host())
}

/// The registrable domain of a host (`www.amazon.co.jp` -> `amazon.co.jp`,
/// `alice.github.io` -> itself). IP addresses, public suffixes and unknown single labels
/// come back unchanged.
pub fn registrable_domain(host: &str) -> &str {
    if host.parse::<IpAddr>().is_ok() {
        return host;
    }
    if host.is_ascii() {
        return psl::domain_str(host).unwrap_or(host);
    }
    // The list is matched in ASCII form; each label maps to one label of the Unicode host.
    let Ok(ascii) = idna::domain_to_ascii(host) else {
        return host;
    };
    match psl::domain_str(&ascii) {
        Some(domain) => last_labels(host, domain.split('.').count()),
        None => host,
    }
}

/// The last `n` dot-separated labels of `host` (all of it when it has no more).
fn last_labels(host: &str, n: usize) -> &str {
    match host.rmatch_indices('.').nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &host[i + 1..],
        _ => host,
    }
}

/// The first label of the registrable domain: the name of the site
/// (`login.amazon.co.jp` -> `amazon`).
pub fn site_name(host: &str) -> &str {
    let reg = registrable_domain(host);
    reg.split('.').next().unwrap_or(reg)
}

/// The labels of a host that name the site: without `www` and without the public suffix
/// (`login.amazon.co.jp` -> `["login", "amazon"]`). Empty for IP addresses.
pub fn site_labels(host: &str) -> Vec<&str> {
    if host.parse::<IpAddr>().is_ok() {
        return Vec::new();
    }
    let reg = registrable_domain(host);
    let suffix_len = reg.find('.').map_or(0, |i| reg.len() - i);
    let name_part = &host[..host.len() - suffix_len];
    name_part
        .split('.')
        .filter(|l| !l.is_empty() && *l != "www")
        .collect()
}

/// Whether `host` is `domain` or one of its subdomains (`login.example.com` is under
/// `example.com`; `badexample.com` is not). Both lower-case.
pub fn host_is_under(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// The words that name an entry's site: the words of its title, then the site labels of its
/// URL hosts; lower-case, at least three characters, first occurrence kept. The analyzers filter
/// these further (variants drop stop words; zxcvbn adds the username).
pub fn site_words(title: &str, urls: &[String]) -> Vec<String> {
    let hosts: Vec<String> = urls.iter().filter_map(|u| host_of(u)).collect();
    site_words_of_hosts(title, &hosts)
}

/// [`site_words`] from hosts already parsed ([`crate::model::Entry::hosts`]).
pub fn site_words_of_hosts(title: &str, hosts: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |w: &str| {
        let w = w.to_lowercase();
        if w.chars().count() >= 3 && !out.contains(&w) {
            out.push(w);
        }
    };
    for w in title.split(|c: char| !c.is_alphanumeric()) {
        push(w);
    }
    for host in hosts {
        for label in site_labels(host) {
            push(label);
        }
    }
    out
}

/// True for loopback hosts: `localhost`, `*.localhost`, `127.0.0.0/8`, `::1` (also as
/// `::ffff:127.0.0.1`).
pub fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or(v6.is_loopback(), |v4| v4.is_loopback()),
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// True for hosts on a private network: RFC 1918, link-local, unique-local IPv6, `*.local`,
/// `*.lan`, `*.home.arpa`, `*.internal`, `*.home`, `*.localdomain`, and single-label names
/// (`router`, `nas`).
pub fn is_private_host(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => is_private_v4(v4),
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| is_private_v6(v6), is_private_v4),
        Err(_) => {
            !host.contains('.')
                || [
                    ".local",
                    ".lan",
                    ".home.arpa",
                    ".internal",
                    ".home",
                    ".localdomain",
                ]
                .iter()
                .any(|s| host.ends_with(s))
        }
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    ip.is_private() || ip.is_link_local() || ip.is_unspecified()
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || ip.is_unspecified()
}
