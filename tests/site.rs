//! `credaudit::site`: hosts, registrable domains and network classes of the messy URLs found in
//! vaults, and the analyzers and ranking that use them.

use credaudit::analyze::urls::insecure_urls;
use credaudit::model::Entry;
use credaudit::site::{
    SiteUrl, host_is_under, host_of, is_loopback_host, is_private_host, registrable_domain,
    site_labels, site_name, site_words,
};
use proptest::prelude::*;

fn host(url: &str) -> Option<String> {
    host_of(url)
}

#[test]
fn bare_hosts_without_a_scheme() {
    assert_eq!(host("example.com/login").as_deref(), Some("example.com"));
    assert_eq!(
        host("example.com:8080/login").as_deref(),
        Some("example.com")
    );
    assert_eq!(host("mastodon.social").as_deref(), Some("mastodon.social"));
    assert_eq!(
        host("Login.Example.COM").as_deref(),
        Some("login.example.com")
    );
    assert_eq!(host("example.com\\login").as_deref(), Some("example.com"));
    // A bare host has no scheme: it is never an http:// login.
    let bare = SiteUrl::parse("example.com/login").unwrap();
    assert_eq!(bare.scheme(), None);
    let e = Entry {
        urls: vec!["example.com/login".into()],
        ..Default::default()
    };
    assert!(insecure_urls(&e).is_empty());
}

#[test]
fn app_schemes() {
    assert_eq!(
        host("androidapp://com.Example.App").as_deref(),
        Some("com.example.app")
    );
    assert_eq!(
        host("androidapp://com.example.app/path?x=1").as_deref(),
        Some("com.example.app")
    );
    assert_eq!(
        SiteUrl::parse("androidapp://com.example.app")
            .unwrap()
            .scheme(),
        Some("androidapp")
    );
    assert_eq!(host("ios://").as_deref(), None);
}

#[test]
fn ip_addresses() {
    assert_eq!(
        host("http://192.168.1.1:8080/admin").as_deref(),
        Some("192.168.1.1")
    );
    assert_eq!(host("http://[::1]:80/").as_deref(), Some("::1"));
    assert_eq!(host("http://[FE80::1]/").as_deref(), Some("fe80::1"));
    assert_eq!(host("10.0.0.7/login").as_deref(), Some("10.0.0.7"));
    assert_eq!(registrable_domain("10.0.0.1"), "10.0.0.1");
    assert_eq!(registrable_domain("fe80::1"), "fe80::1");
    assert!(site_labels("192.168.1.1").is_empty());
    assert!(site_labels("::1").is_empty());
    assert!(is_private_host("10.0.0.7"));
    assert!(is_private_host("172.16.5.4"));
    assert!(is_private_host("169.254.1.1"));
    assert!(is_private_host("fd00::1"));
    assert!(is_private_host("fe80::1"));
    assert!(!is_private_host("8.8.8.8"));
    assert!(!is_private_host("2001:db8::1"));
    assert!(is_loopback_host("127.0.0.1"));
    assert!(is_loopback_host("127.9.9.9"));
    assert!(is_loopback_host("::1"));
    assert!(is_loopback_host("::ffff:127.0.0.1"));
    assert!(is_loopback_host("localhost"));
    assert!(is_loopback_host("app.localhost"));
    assert!(!is_loopback_host("localhost.example.com"));
    // The url crate reads the other IPv4 spellings too: a loopback stays a loopback.
    assert_eq!(host("http://2130706433/").as_deref(), Some("127.0.0.1"));
}

#[test]
fn internationalized_names() {
    assert_eq!(
        host("https://Bücher.de/login").as_deref(),
        Some("bücher.de")
    );
    assert_eq!(
        host("https://www.xn--bcher-kva.de/").as_deref(),
        Some("www.bücher.de")
    );
    assert_eq!(registrable_domain("www.bücher.de"), "bücher.de");
    assert_eq!(site_labels("www.bücher.de"), vec!["bücher"]);
    assert_eq!(site_name("shop.bücher.de"), "bücher");
    // A public suffix that is itself internationalized.
    assert_eq!(registrable_domain("www.例え.東京.jp"), "例え.東京.jp");
    assert_eq!(site_labels("www.例え.東京.jp"), vec!["例え"]);
    // In a report the URL keeps its xn-- form: look-alike letters stay visible.
    assert_eq!(
        SiteUrl::parse("http://bücher.de/a").unwrap().sanitized(),
        "http://xn--bcher-kva.de/a"
    );
}

#[test]
fn ports_and_user_info() {
    assert_eq!(
        host("https://user:pw@Login.Example.com:8443/x?y#z").as_deref(),
        Some("login.example.com")
    );
    assert_eq!(
        host("https://user@example.com:8443/x?y").as_deref(),
        Some("example.com")
    );
    // An @ in the password: the host is after the last one.
    assert_eq!(
        host("https://user:p@ss@example.com/").as_deref(),
        Some("example.com")
    );
    assert_eq!(host("john@example.com").as_deref(), Some("example.com"));
    assert_eq!(
        SiteUrl::parse("http://user:secret@shop.example.com:8080/login?token=abc#f")
            .unwrap()
            .sanitized(),
        "http://shop.example.com:8080/login"
    );
}

#[test]
fn whitespace_and_junk() {
    assert_eq!(
        host("  https://example.com/login \n").as_deref(),
        Some("example.com")
    );
    assert_eq!(
        host("\thttps://example.com").as_deref(),
        Some("example.com")
    );
    assert_eq!(host("https://exa mple.com").as_deref(), None);
    assert_eq!(host("Example Login Page").as_deref(), None);
    assert_eq!(host("").as_deref(), None);
    assert_eq!(host("   ").as_deref(), None);
    assert_eq!(host("https://").as_deref(), None);
    assert_eq!(host("file:///home/me/notes.txt").as_deref(), None);
    assert_eq!(
        host("https://www.amazon.co.jp.").as_deref(),
        Some("www.amazon.co.jp")
    );
}

#[test]
fn registrable_domains_from_the_public_suffix_list() {
    assert_eq!(registrable_domain("www.amazon.co.jp"), "amazon.co.jp");
    assert_eq!(registrable_domain("login.example.com"), "example.com");
    assert_eq!(registrable_domain("www.bbc.co.uk"), "bbc.co.uk");
    // Suffixes the old hand list did not have.
    assert_eq!(registrable_domain("shop.example.com.de"), "example.com.de");
    assert_eq!(
        registrable_domain("a.b.example.kawasaki.jp"),
        "b.example.kawasaki.jp"
    );
    assert_eq!(registrable_domain("fril.jp"), "fril.jp");
    // Private section: each user's pages are a site of their own.
    assert_eq!(registrable_domain("alice.github.io"), "alice.github.io");
    // Public suffixes and unknown single labels are their own registrable domain.
    assert_eq!(registrable_domain("co.uk"), "co.uk");
    assert_eq!(registrable_domain("router"), "router");
    assert_eq!(registrable_domain("nas.local"), "nas.local");
    assert_eq!(site_labels("login.amazon.co.jp"), vec!["login", "amazon"]);
    assert_eq!(site_labels("www.ebay.com"), vec!["ebay"]);
    assert_eq!(site_labels("router"), vec!["router"]);
    assert_eq!(site_labels("co.uk"), vec!["co"]);
    assert_eq!(site_name("www.paypal.co.uk"), "paypal");
    assert_eq!(site_name("router"), "router");
}

#[test]
fn hosts_under_a_domain() {
    assert!(host_is_under("example.com", "example.com"));
    assert!(host_is_under("login.example.com", "example.com"));
    assert!(!host_is_under("badexample.com", "example.com"));
    assert!(!host_is_under("example.com", "login.example.com"));
    assert!(!host_is_under("example.com", ""));
}

#[test]
fn site_words_are_title_words_then_host_labels() {
    let urls = vec![
        "https://www.online.mybank.co.uk/login".to_owned(),
        "mybank.co.uk".to_owned(),
        "http://10.0.0.1/".to_owned(),
    ];
    assert_eq!(
        site_words("My Bank: Online", &urls),
        vec!["bank", "online", "mybank"]
    );
    assert!(site_words("", &[]).is_empty());
}

#[test]
fn insecure_url_policy_with_messy_values() {
    let e = Entry {
        urls: vec![
            " HTTP://Shop.Example.com/login ".into(),
            "http://[::1]:8080/".into(),
            "http://[::ffff:127.0.0.1]/".into(),
            "http://app.localhost/".into(),
            "androidapp://com.example.app".into(),
            "http://router/".into(),
        ],
        ..Default::default()
    };
    assert_eq!(
        insecure_urls(&e),
        vec![
            "http://shop.example.com/login".to_owned(),
            "http://router/".to_owned()
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Hostile values never panic, and what comes back is consistent.
    #[test]
    fn never_panics(raw in prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:/@\\[\\]%.#?\\\\ \\t-]{0,60}",
        "(https?://|androidapp://|)[a-z0-9.:@\\[\\]-]{0,30}(/[a-z]{0,5})?",
    ]) {
        if let Some(u) = SiteUrl::parse(&raw) {
            let _ = u.sanitized();
            let _ = u.scheme();
        }
        if let Some(h) = host_of(&raw) {
            prop_assert!(!h.is_empty());
            prop_assert!(!h.contains(char::is_whitespace));
            let reg = registrable_domain(&h);
            prop_assert!(h.ends_with(reg));
            for label in site_labels(&h) {
                prop_assert!(h.contains(label));
            }
            let _ = site_name(&h);
            let _ = is_private_host(&h);
            let _ = is_loopback_host(&h);
        }
        let _ = registrable_domain(&raw);
        let _ = site_labels(&raw);
        let _ = site_words(&raw, std::slice::from_ref(&raw));
    }
}
