//! `credaudit::site`: hosts, registrable domains and network classes of the messy URLs found in
//! vaults, and the analyzers and ranking that use them.

use credaudit::analyze::urls::insecure_urls;
use credaudit::model::Entry;
use credaudit::site::{
    SiteUrl, host_is_under, host_of, is_loopback_host, is_private_host, registrable_domain,
    site_labels, site_name, site_words, site_words_of_hosts,
};
use proptest::prelude::*;

/// Checks `host_of` on each `(value, expected host)`.
fn assert_hosts(cases: &[(&str, Option<&str>)]) {
    for (url, expected) in cases {
        assert_eq!(host_of(url).as_deref(), *expected, "host of {url:?}");
    }
}

/// Checks `registrable_domain` on each `(host, expected domain)`.
fn assert_registrable(cases: &[(&str, &str)]) {
    for (host, expected) in cases {
        assert_eq!(registrable_domain(host), *expected, "domain of {host:?}");
    }
}

#[test]
fn bare_hosts_without_a_scheme() {
    assert_hosts(&[
        ("example.com/login", Some("example.com")),
        ("example.com:8080/login", Some("example.com")),
        ("mastodon.social", Some("mastodon.social")),
        ("Login.Example.COM", Some("login.example.com")),
        ("example.com\\login", Some("example.com")),
    ]);
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
    assert_hosts(&[
        ("androidapp://com.Example.App", Some("com.example.app")),
        (
            "androidapp://com.example.app/path?x=1",
            Some("com.example.app"),
        ),
        ("ios://", None),
    ]);
    assert_eq!(
        SiteUrl::parse("androidapp://com.example.app")
            .unwrap()
            .scheme(),
        Some("androidapp")
    );
}

#[test]
fn ip_addresses() {
    assert_hosts(&[
        ("http://192.168.1.1:8080/admin", Some("192.168.1.1")),
        ("http://[::1]:80/", Some("::1")),
        ("http://[FE80::1]/", Some("fe80::1")),
        ("10.0.0.7/login", Some("10.0.0.7")),
        // The url crate reads the other IPv4 spellings too: a loopback stays a loopback.
        ("http://2130706433/", Some("127.0.0.1")),
    ]);
    assert_registrable(&[("10.0.0.1", "10.0.0.1"), ("fe80::1", "fe80::1")]);
    assert!(site_labels("192.168.1.1").is_empty());
    assert!(site_labels("::1").is_empty());
    for (host, private) in [
        ("10.0.0.7", true),
        ("172.16.5.4", true),
        ("169.254.1.1", true),
        ("fd00::1", true),
        ("fe80::1", true),
        ("8.8.8.8", false),
        ("2001:db8::1", false),
    ] {
        assert_eq!(is_private_host(host), private, "{host} private");
    }
    for (host, loopback) in [
        ("127.0.0.1", true),
        ("127.9.9.9", true),
        ("::1", true),
        ("::ffff:127.0.0.1", true),
        ("localhost", true),
        ("app.localhost", true),
        ("localhost.example.com", false),
    ] {
        assert_eq!(is_loopback_host(host), loopback, "{host} loopback");
    }
}

#[test]
fn internationalized_names() {
    assert_hosts(&[
        ("https://Bücher.de/login", Some("bücher.de")),
        ("https://www.xn--bcher-kva.de/", Some("www.bücher.de")),
    ]);
    // The last: a public suffix that is itself internationalized.
    assert_registrable(&[
        ("www.bücher.de", "bücher.de"),
        ("www.例え.東京.jp", "例え.東京.jp"),
    ]);
    assert_eq!(site_labels("www.bücher.de"), vec!["bücher"]);
    assert_eq!(site_name("shop.bücher.de"), "bücher");
    assert_eq!(site_labels("www.例え.東京.jp"), vec!["例え"]);
    // In a report the URL keeps its xn-- form: look-alike letters stay visible.
    assert_eq!(
        SiteUrl::parse("http://bücher.de/a").unwrap().sanitized(),
        "http://xn--bcher-kva.de/a"
    );
}

#[test]
fn ports_and_user_info() {
    assert_hosts(&[
        (
            "https://user:pw@Login.Example.com:8443/x?y#z",
            Some("login.example.com"),
        ),
        ("https://user@example.com:8443/x?y", Some("example.com")),
        // An @ in the password: the host is after the last one.
        ("https://user:p@ss@example.com/", Some("example.com")),
        ("john@example.com", Some("example.com")),
    ]);
    assert_eq!(
        SiteUrl::parse("http://user:secret@shop.example.com:8080/login?token=abc#f")
            .unwrap()
            .sanitized(),
        "http://shop.example.com:8080/login"
    );
}

#[test]
fn whitespace_and_junk() {
    assert_hosts(&[
        ("  https://example.com/login \n", Some("example.com")),
        ("\thttps://example.com", Some("example.com")),
        ("https://exa mple.com", None),
        ("Example Login Page", None),
        ("", None),
        ("   ", None),
        ("https://", None),
        ("file:///home/me/notes.txt", None),
        ("https://www.amazon.co.jp.", Some("www.amazon.co.jp")),
    ]);
}

#[test]
fn registrable_domains_from_the_public_suffix_list() {
    assert_registrable(&[
        ("www.amazon.co.jp", "amazon.co.jp"),
        ("login.example.com", "example.com"),
        ("example.com", "example.com"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        // Suffixes the old hand list did not have.
        ("shop.example.com.de", "example.com.de"),
        ("a.b.example.kawasaki.jp", "b.example.kawasaki.jp"),
        ("fril.jp", "fril.jp"),
        // Private section: each user's pages are a site of their own.
        ("alice.github.io", "alice.github.io"),
        // Public suffixes and unknown single labels are their own registrable domain.
        ("co.uk", "co.uk"),
        ("router", "router"),
        ("nas.local", "nas.local"),
    ]);
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
    assert_eq!(
        site_words_of_hosts("My Bank: Online", &["www.online.mybank.co.uk".to_owned()]),
        vec!["bank", "online", "mybank"]
    );
}

#[test]
fn an_entry_parses_its_hosts_once_in_url_order() {
    let e = Entry {
        urls: vec![
            "https://Login.Example.com/x".into(),
            "not a url at all".into(),
            "example.com".into(),
            "https://login.example.com/again".into(),
        ],
        ..Default::default()
    };
    let expected: Vec<String> = e.urls.iter().filter_map(|u| host_of(u)).collect();
    assert_eq!(
        e.hosts(),
        ["login.example.com", "example.com", "login.example.com"]
    );
    assert_eq!(e.hosts(), expected.as_slice());
    assert_eq!(e.first_host(), Some("login.example.com"));
    // A copy keeps them; an entry without a host-bearing URL has none.
    assert_eq!(e.clone().hosts(), e.hosts());
    assert_eq!(Entry::default().first_host(), None);
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
