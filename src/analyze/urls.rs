//! Insecure (`http://`) login URLs.
//!
//! Policy:
//! - `http://` to a **loopback** host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) is
//!   not flagged: the password never leaves the machine.
//! - `http://` to a **private / LAN** host (RFC 1918, link-local, `fc00::/7`, `*.local`,
//!   `*.lan`, `*.home.arpa`, `*.internal`, single-label names such as `router`) is still
//!   flagged (anyone on the Wi-Fi can sniff it), but [`crate::site::is_private_host`] lets the
//!   ranking give it a lower weight.
//! - A value without a scheme (`example.com/login`) is not an `http://` login.
//! - The URL kept in the findings is [`SiteUrl::sanitized`]: user info
//!   (`http://user:pass@host`), query and fragment are dropped, because they can carry secrets.

use crate::model::Entry;
use crate::site::{SiteUrl, is_loopback_host};

/// The entry's `http://` URLs (sanitized, in entry order, deduplicated), loopback excepted.
pub fn insecure_urls(entry: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in &entry.urls {
        let Some(u) = SiteUrl::parse(url) else {
            continue;
        };
        if u.scheme() != Some("http") || u.host().is_none_or(|h| is_loopback_host(&h)) {
            continue;
        }
        let s = u.sanitized();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::is_private_host;

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
