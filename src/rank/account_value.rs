//! Account value (W in the score): how much an account is worth to an attacker, from its
//! hosts, title and group, via the built-in [`super::values`] table and the config's overrides.

use super::Policy;
use super::values;
use crate::model::Entry;
use serde::{Deserialize, Serialize};

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
struct HostKey<'a> {
    host: &'a str,
    site: &'a str,
}

impl<'a> HostKey<'a> {
    fn new(host: &'a str) -> Self {
        HostKey {
            host,
            site: crate::site::site_name(host),
        }
    }
}

/// Length of the matching host pattern (lower-case), if it matches.
fn host_pattern_len(key: &HostKey<'_>, pattern: &str) -> Option<usize> {
    if let Some(name) = pattern.strip_suffix(".*") {
        return (key.site == name).then_some(name.len());
    }
    crate::site::host_is_under(key.host, pattern).then_some(pattern.len())
}

/// The most valuable class among the 2fa.directory categories of the first host the
/// directory lists, with the length of the domain that matched (the record's domain when the
/// host is under it, else the host's registrable domain, for `additional-domains`).
fn categories_value(hosts: &[HostKey<'_>]) -> Option<(usize, AccountValue)> {
    hosts.iter().find_map(|h| {
        let site = crate::data::two_factor(h.host)?;
        let value = site
            .categories
            .iter()
            .filter_map(|c| {
                values::CATEGORIES
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(c))
                    .map(|(_, v)| *v)
            })
            .max_by_key(|v| v.weight())?;
        let len = if crate::site::host_is_under(h.host, site.domain) {
            site.domain.len()
        } else {
            crate::site::registrable_domain(h.host).len()
        };
        Some((len, value))
    })
}

/// The account value of an entry: `policy.value_overrides` first (a pattern matching a URL
/// host or parent domain, or a word/phrase of the title or group), then the built-in
/// [`values::HOSTS`] table (longest matching pattern over all URLs) and the site's
/// 2fa.directory [`values::CATEGORIES`] (the more specific domain wins; a tie goes to the
/// built-in table), then [`values::KEYWORDS`] on the title, then on the group path; else
/// [`AccountValue::Other`].
pub fn classify(entry: &Entry, policy: &Policy) -> AccountValue {
    let hosts: Vec<HostKey> = entry.hosts().iter().map(|h| HostKey::new(h)).collect();
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
    if let Some((len, value)) = categories_value(&hosts)
        && best.is_none_or(|(l, _)| len > l)
    {
        best = Some((len, value));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn e(title: &str, url: &str) -> Entry {
        Entry::test_login(title, url, "")
    }

    #[test]
    fn value_table() {
        let p = Policy::default();
        for (title, url, value) in [
            ("x", "https://mail.google.com/", AccountValue::Email),
            ("x", "https://www.amazon.co.jp/", AccountValue::Shopping),
            ("x", "https://aws.amazon.com/console", AccountValue::Work),
            ("x", "https://www.paypal.com", AccountValue::Finance),
            ("x", "https://jp.mercari.com", AccountValue::Shopping),
            ("Apple ID", "", AccountValue::Email),
            ("Online Banking", "", AccountValue::Finance),
            ("LINE", "", AccountValue::Social),
            ("Online game", "", AccountValue::Other),
            ("楽天銀行", "", AccountValue::Finance),
            ("Rakuma", "", AccountValue::Shopping),
        ] {
            assert_eq!(classify(&e(title, url), &p), value, "{title} {url}");
        }
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
    fn rakuten_card_is_finance_and_categories_beat_title_words() {
        let p = Policy::default();
        for (title, url) in [
            ("Rakuten Card", ""),
            ("楽天カード", ""),
            ("Rakuten Card", "https://www.rakuten-card.co.jp/e-navi/"),
            ("Rakuten", "https://www.rakuten-card.co.jp/"),
        ] {
            assert_eq!(
                classify(&e(title, url), &p),
                AccountValue::Finance,
                "{title} {url}"
            );
        }
        assert_eq!(
            classify(&e("Rakuten", "https://www.rakuten.co.jp/"), &p),
            AccountValue::Shopping
        );
        // 2fa.directory lists Gmail as email: the category holds even under a title that
        // names a shop (the stub and the generated tables both have this record).
        assert_eq!(
            classify(&e("Rakuten points mail", "https://mail.google.com/"), &p),
            AccountValue::Email
        );
        // ... and it is the category that says so, from the more specific record.
        assert_eq!(
            categories_value(&[HostKey::new("mail.google.com")]),
            Some(("mail.google.com".len(), AccountValue::Email))
        );
        // The config still wins.
        let p = Policy {
            value_overrides: vec![("rakuten-card.co.jp".into(), AccountValue::Shopping)],
        };
        assert_eq!(
            classify(&e("Rakuten Card", "https://www.rakuten-card.co.jp/"), &p),
            AccountValue::Shopping
        );
    }

    #[test]
    fn categories_map_to_the_most_valuable_class() {
        let of = |c: &str| {
            values::CATEGORIES
                .iter()
                .find(|(n, _)| *n == c)
                .map(|(_, v)| *v)
        };
        assert_eq!(of("banking"), Some(AccountValue::Finance));
        assert_eq!(of("identity"), Some(AccountValue::Email));
        assert_eq!(of("retail"), Some(AccountValue::Shopping));
        assert_eq!(of("utilities"), None);
    }

    #[test]
    fn keywords() {
        assert!(keyword_matches("My Apple ID", "apple id"));
        assert!(!keyword_matches("Online", "line"));
        assert!(!keyword_matches("anything", ""));
        assert!(keyword_matches("みずほ銀行", "~銀行"));
    }
}
