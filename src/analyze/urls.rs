//! Insecure (`http://`) login URLs, plus the URL/host helpers the other analyzers and the
//! ranking share (host extraction, registrable domain, site labels).
//!
//! Policy:
//! - `http://` to a **loopback** host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) is
//!   not flagged: the password never leaves the machine.
//! - `http://` to a **private / LAN** host (RFC 1918, link-local, `fc00::/7`, `*.local`,
//!   `*.lan`, `*.home.arpa`, `*.internal`, single-label names such as `router`) is still
//!   flagged (anyone on the Wi-Fi can sniff it), but [`is_private_host`] lets the ranking give
//!   it a lower weight.
//! - The URL kept in the findings is rebuilt as `scheme://host[:port]/path`: user info
//!   (`http://user:pass@host`), query and fragment are dropped, because they can carry secrets.

use crate::model::Entry;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Two-label public suffixes common enough to matter (`amazon.co.jp`, `bbc.co.uk`).
/// A short, documented list rather than the full Public Suffix List.
const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "co.jp", "ne.jp", "or.jp",
    "ac.jp", "go.jp", "gr.jp", "ad.jp", "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz",
    "org.nz", "com.br", "net.br", "com.cn", "net.cn", "org.cn", "com.mx", "co.in", "net.in",
    "co.kr", "or.kr", "com.tw", "com.hk", "co.za", "com.sg", "com.tr", "com.ar", "co.id", "com.my",
    "co.th", "com.ph", "com.vn", "co.il", "com.ua", "com.pl", "co.at",
];

/// The parts of a URL credaudit cares about.
struct Parsed<'a> {
    scheme: Option<&'a str>,
    /// `host[:port]`, without user info.
    hostport: &'a str,
    host: String,
    /// Path without query and fragment (may be empty).
    path: &'a str,
}

fn parse(url: &str) -> Option<Parsed<'_>> {
    let s = url.trim();
    let (scheme, rest) = match s.find("://") {
        Some(i)
            if i > 0
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            (Some(&s[..i]), &s[i + 3..])
        }
        _ => (None, s),
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let after = &rest[end..];
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let path = &after[..path_end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(stripped) = hostport.strip_prefix('[') {
        stripped.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_lowercase();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    Some(Parsed {
        scheme,
        hostport,
        host,
        path,
    })
}

/// The lower-cased host of a URL (`https://user@Login.Example.com:8443/x` -> `login.example.com`).
/// Scheme-less values (`example.com/login`) are read as a host; `None` when there is none.
pub fn host_of(url: &str) -> Option<String> {
    parse(url).map(|p| p.host)
}

/// The registrable domain of a host: the last two labels, or three under a known two-label
/// public suffix (`www.amazon.co.jp` -> `amazon.co.jp`). IP addresses come back unchanged.
pub fn registrable_domain(host: &str) -> &str {
    if host.parse::<IpAddr>().is_ok() {
        return host;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n <= 2 {
        return host;
    }
    let keep =
        if TWO_LABEL_SUFFIXES.contains(&format!("{}.{}", labels[n - 2], labels[n - 1]).as_str()) {
            3
        } else {
            2
        };
    if n <= keep {
        return host;
    }
    let skip: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &host[skip..]
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
    if name_part.is_empty() {
        return vec![host];
    }
    name_part
        .split('.')
        .filter(|l| !l.is_empty() && *l != "www")
        .collect()
}

/// True for loopback hosts: `localhost`, `*.localhost`, `127.0.0.0/8`, `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// True for hosts on a private network: RFC 1918, link-local, unique-local IPv6, `*.local`,
/// `*.lan`, `*.home.arpa`, `*.internal`, and single-label names (`router`, `nas`).
pub fn is_private_host(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => is_private_v4(v4),
        Ok(IpAddr::V6(v6)) => is_private_v6(v6),
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

/// The URL as it may appear in a report: `scheme://host[:port]/path`, with user info, query and
/// fragment removed (they can hold credentials or tokens).
pub fn sanitized(url: &str) -> Option<String> {
    let p = parse(url)?;
    let scheme = p.scheme.unwrap_or("").to_ascii_lowercase();
    Some(format!(
        "{scheme}://{}{}",
        p.hostport.to_lowercase(),
        p.path
    ))
}

/// The entry's `http://` URLs (sanitized, in entry order, deduplicated), loopback excepted.
pub fn insecure_urls(entry: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in &entry.urls {
        let Some(p) = parse(url) else { continue };
        if !p.scheme.is_some_and(|s| s.eq_ignore_ascii_case("http")) {
            continue;
        }
        if is_loopback_host(&p.host) {
            continue;
        }
        if let Some(s) = sanitized(url)
            && !out.contains(&s)
        {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://user:pw@Login.Example.com:8443/x?y#z").as_deref(),
            Some("login.example.com")
        );
        assert_eq!(host_of("example.com/login").as_deref(), Some("example.com"));
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host_of("   ").as_deref(), None);
        assert_eq!(host_of("https://").as_deref(), None);
        assert_eq!(
            host_of("https://www.amazon.co.jp.").as_deref(),
            Some("www.amazon.co.jp")
        );
    }

    #[test]
    fn registrable() {
        assert_eq!(registrable_domain("www.amazon.co.jp"), "amazon.co.jp");
        assert_eq!(registrable_domain("login.example.com"), "example.com");
        assert_eq!(registrable_domain("example.com"), "example.com");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
        assert_eq!(registrable_domain("10.0.0.1"), "10.0.0.1");
        assert_eq!(site_labels("login.amazon.co.jp"), vec!["login", "amazon"]);
        assert_eq!(site_labels("www.ebay.com"), vec!["ebay"]);
        assert_eq!(site_labels("router"), vec!["router"]);
        assert!(site_labels("192.168.1.1").is_empty());
    }

    #[test]
    fn insecure_policy() {
        let e = Entry {
            urls: vec![
                "http://user:secretpw@shop.example.com/login?token=abc".into(),
                "https://secure.example.com".into(),
                "http://localhost:8080/".into(),
                "http://127.0.0.1/".into(),
                "HTTP://192.168.1.1/admin".into(),
                "http://shop.example.com/login".into(),
            ],
            ..Default::default()
        };
        assert_eq!(
            insecure_urls(&e),
            vec![
                "http://shop.example.com/login".to_owned(),
                "http://192.168.1.1/admin".to_owned()
            ]
        );
        assert!(is_private_host("192.168.1.1"));
        assert!(is_private_host("router"));
        assert!(is_private_host("nas.local"));
        assert!(!is_private_host("example.com"));
        assert!(is_loopback_host("::1"));
        assert!(!is_loopback_host("10.0.0.1"));
    }
}
