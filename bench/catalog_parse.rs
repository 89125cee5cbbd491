//! Stand-alone timing of the HIBP breach-list parse (BENCHMARKS.md, "HIBP breach list"):
//! `SiteBreach`, `BreachCatalog::parse` and the filter copied from `src/breach/catalog.rs`
//! (registrable-domain keying left out), over a synthetic 950-breach list. Build it as the
//! `main.rs` of a binary crate with serde 1.0.229 (derive), serde_json 1.0.154 and chrono
//! 0.4.45, `--release`, so the measurement needs no release build of credaudit.

use serde::Deserialize;
use std::collections::HashMap;
/// One breach as HIBP describes it (fields credaudit does not use are ignored).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SiteBreach {
    /// HIBP's stable name (`Adobe`).
    pub name: String,
    /// Its title for people.
    #[serde(default)]
    pub title: String,
    /// The site's domain (empty for breaches of no one site).
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain: String,
    /// When the breach happened.
    pub breach_date: chrono::NaiveDate,
    /// What was exposed (`Passwords`, `Email addresses`, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_classes: Vec<String>,
    /// Known not to be real data.
    #[serde(default)]
    pub is_fabricated: bool,
    /// A list of addresses for spam, not a site's breach.
    #[serde(default)]
    pub is_spam_list: bool,
    /// Removed from HIBP's search; the passwords were exposed all the same.
    #[serde(default)]
    pub is_retired: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl SiteBreach {
    /// It exposed passwords of a real site: the only breaches that count.
    pub fn exposed_passwords(&self) -> bool {
        !self.is_fabricated
            && !self.is_spam_list
            && !self.domain.trim().is_empty()
            && self.data_classes.iter().any(|c| c == "Passwords")
    }
}

/// The breaches that count, by registrable domain.
#[derive(Clone, Debug, Default)]
pub struct BreachCatalog {
    by_domain: HashMap<String, Vec<SiteBreach>>,
    listed: usize,
}

impl BreachCatalog {
    /// Parses the JSON array HIBP serves. An HTML page or anything but that array is an error
    /// (a one-line cause), never an empty list.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        if bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'<')
        {
            return Err(
                "got an HTML page instead of the breach list (captive portal? log in to the network, or use --breaches-file)"
                    .to_owned(),
            );
        }
        let all: Vec<SiteBreach> = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not an HIBP breach list (line {}, column {}: {})",
                e.line(),
                e.column(),
                "x"
            )
        })?;
        let listed = all.len();
        let mut by_domain: HashMap<String, Vec<SiteBreach>> = HashMap::new();
        for breach in all.into_iter().filter(SiteBreach::exposed_passwords) {
            let domain = breach
                .domain
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            let key = domain.clone();
            by_domain.entry(key).or_default().push(breach);
        }
        Ok(Self { by_domain, listed })
    }

    /// Breaches that exposed passwords of this registrable domain.
    pub fn for_domain(&self, domain: &str) -> &[SiteBreach] {
        self.by_domain
            .get(&domain.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Breaches in the list, counting or not.
    pub fn listed(&self) -> usize {
        self.listed
    }

    /// Breaches that count (passwords exposed, real, with a domain).
    pub fn counted(&self) -> usize {
        self.by_domain.values().map(Vec::len).sum()
    }
}


fn main() {
    let mut items = Vec::new();
    let desc = "In October 2013, 153 million accounts were breached with each containing an internal ID, username, email, <em>encrypted</em> password and a password hint in plain text. The password cryptography was poorly done and many were quickly resolved back to plain text. The unencrypted hints also <a href='https://example.com/' target='_blank' rel='noopener'>disclosed much about the passwords</a> adding further to the risk that hundreds of millions of customers already faced. ".repeat(2);
    for i in 0..950 {
        let classes = if i % 3 == 0 { r#"["Email addresses","Passwords","Usernames","IP addresses"]"# } else { r#"["Email addresses","Names","Phone numbers","Dates of birth","Genders"]"# };
        items.push(format!(r#"{{"Name":"Breach{i}","Title":"Breach number {i}","Domain":"site{i}.example.com","BreachDate":"20{:02}-{:02}-{:02}","AddedDate":"2024-01-01T00:00:00Z","ModifiedDate":"2024-01-01T00:00:00Z","PwnCount":{},"Description":"{desc}","LogoPath":"https://logos.haveibeenpwned.com/Breach{i}.png","Attribution":null,"DisclosureUrl":null,"DataClasses":{classes},"IsVerified":true,"IsFabricated":{},"IsSensitive":false,"IsRetired":false,"IsSpamList":false,"IsMalware":false,"IsSubscriptionFree":false,"IsStealerLog":false}}"#, 10 + i % 15, 1 + i % 12, 1 + i % 28, 1000 + i * 7919, i % 50 == 0));
    }
    let json = format!("[{}]", items.join(","));
    println!("list: {} breaches, {} bytes", items.len(), json.len());
    let runs = 50;
    let mut best = std::time::Duration::MAX;
    let mut counted = 0;
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let c = BreachCatalog::parse(json.as_bytes()).unwrap();
        best = best.min(t.elapsed());
        counted = c.counted();
    }
    println!("parse + index: best of {runs}: {:.2} ms ({counted} breaches counted)", best.as_secs_f64() * 1000.0);
}
