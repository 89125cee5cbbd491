//! Weak passwords: zxcvbn 3.1 with the account's own words as user inputs.
//!
//! - User inputs: title words and the whole title, the username and its e-mail local part,
//!   the site labels of every URL host (without `www` and the public suffix). Inputs shorter
//!   than three characters are dropped (a one-letter title would match everywhere).
//! - Only the first [`MAX_SCORED_CHARS`] characters are scored (cut on a char boundary), so a
//!   long secret costs no more than a 100-character one.
//! - Scoring runs with rayon over unique (password, relevant inputs) pairs: an input can only
//!   change zxcvbn's result when it can match inside the password (directly, reversed or
//!   through zxcvbn's leet table), so irrelevant inputs are dropped from the cache key and a
//!   password shared by many accounts is scored once.
//! - Kinds: PIN-like entries ([`WeakKind::Pin`]): the title or group says PIN (`pin`,
//!   `pin code`, `pincode`, `passcode`, `geheimzahl`), or the password is all digits, at most
//!   8 long, and the entry does not look like a web login (no http(s) URL with a username).
//!   Licence-key-like entries ([`WeakKind::LicenseKey`]): the title or group says
//!   licence/license/serial/product key/lizenz, or the value looks like `XXXXX-XXXXX-XXXXX`
//!   (three or more dash-separated blocks of 4-6 upper-case letters/digits).

use super::Strength;
use super::WeakKind;
use crate::model::Entry;
use rayon::prelude::*;
use std::collections::HashMap;

/// Characters scored at most.
pub const MAX_SCORED_CHARS: usize = 100;

/// The account's own words, lower-cased and deduplicated, as zxcvbn user inputs: the whole
/// title, the username and its e-mail local part (whole and by words), then the site words
/// ([`crate::site::site_words`]).
pub fn user_inputs(entry: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim().to_lowercase();
        if s.chars().count() >= 3 && !out.contains(&s) {
            out.push(s);
        }
    };
    push(&entry.title);
    push(&entry.username);
    if let Some((local, _)) = entry.username.split_once('@') {
        push(local);
        for w in local.split(|c: char| !c.is_alphanumeric()) {
            push(w);
        }
    }
    for w in crate::site::site_words_of_hosts(&entry.title, entry.hosts()) {
        push(&w);
    }
    out
}

/// The leet classes of zxcvbn's table merged into one canonical char, so "could this input
/// match in this password" is a plain substring test on canonical forms (conservative: it may
/// keep an input that cannot match, never drops one that can).
fn canon(c: char) -> char {
    match c {
        'a' | '4' | '@' => 'a',
        'b' | '8' => 'b',
        'c' | '(' | '{' | '[' | '<' => 'c',
        'e' | '3' => 'e',
        'g' | '6' | '9' => 'g',
        'i' | 'l' | '1' | '!' | '|' | 't' | '7' | '+' => 'i',
        'o' | '0' => 'o',
        's' | '$' | '5' => 's',
        'x' | '%' => 'x',
        'z' | '2' => 'z',
        other => other,
    }
}

fn canon_string(s: &str) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(s.chars().flat_map(char::to_lowercase).map(canon).collect())
}

/// The inputs that can affect zxcvbn's result for this password, sorted.
fn relevant_inputs(password: &str, inputs: &[String]) -> Vec<String> {
    let fwd = canon_string(password);
    let rev: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(fwd.chars().rev().collect());
    let max_chars = fwd.chars().count();
    let mut out: Vec<String> = inputs
        .iter()
        .filter(|i| {
            // An input longer than the scored password cannot match inside it; a long title
            // or username is then not canonicalized for nothing.
            if i.chars().count() > max_chars {
                return false;
            }
            let ci = canon_string(i);
            fwd.contains(ci.as_str()) || rev.contains(ci.as_str())
        })
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The first [`MAX_SCORED_CHARS`] characters of a password.
pub fn truncated(password: &str) -> &str {
    match password.char_indices().nth(MAX_SCORED_CHARS) {
        Some((i, _)) => &password[..i],
        None => password,
    }
}

/// Builds zxcvbn's dictionaries, keyboard graphs and regexes, which it does lazily on its first
/// call (tens of milliseconds on one core, while the other rayon workers wait). The binary calls
/// this on a thread of its own while the vault is read and its key derived, so the scoring
/// starts warm; calling it later, or twice, is harmless.
pub fn warm_up() {
    // One password that reaches every matcher: dictionary, reversed, l33t, spatial, repeat,
    // sequence, regex (recent year) and date.
    let _ = zxcvbn::zxcvbn(
        "P@ssw0rd-drowssap-qwerty-aaaa-abcd-2019-11.25.1999",
        &["warm"],
    );
}

/// zxcvbn's warning as advice that does not narrow the password down: "top-10" and "top-100"
/// name a list short enough to try by hand beside a mailed username, so they become "very
/// common", which keeps the advice.
pub fn advice(warning: zxcvbn::feedback::Warning) -> String {
    use zxcvbn::feedback::Warning;
    match warning {
        Warning::ThisIsATop10Password | Warning::ThisIsATop100Password => {
            Warning::ThisIsACommonPassword.to_string()
        }
        other => other.to_string(),
    }
}

/// Scores one password: (score 0-4, log10 guesses, zxcvbn's warning as [`advice`]).
pub fn score(password: &str, inputs: &[&str]) -> (u8, f64, Option<String>) {
    let e = zxcvbn::zxcvbn(truncated(password), inputs);
    let warning = e.feedback().and_then(|f| f.warning()).map(advice);
    let log10 = e.guesses_log10();
    let log10 = if log10.is_finite() { log10 } else { 0.0 };
    (u8::from(e.score()), log10, warning)
}

/// Whether the title or group path says so (whole words, or two consecutive words; the lists
/// are lower-case ASCII). Every entry is asked, so no word is allocated.
fn labelled(entry: &Entry, singles: &[&str], pairs: &[(&str, &str)]) -> bool {
    // A word equals a listed one ignoring case; a non-ASCII word is compared in lower case
    // (the Kelvin sign folds to `k`).
    let is = |word: &str, listed: &str| {
        if word.is_ascii() {
            word.eq_ignore_ascii_case(listed)
        } else {
            word.to_lowercase() == listed
        }
    };
    std::iter::once(entry.title.as_str())
        .chain(entry.group.iter().map(String::as_str))
        .any(|text| {
            let mut previous: Option<&str> = None;
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .any(|word| {
                    let hit = singles.iter().any(|s| is(word, s))
                        || previous
                            .is_some_and(|p| pairs.iter().any(|(a, b)| is(p, a) && is(word, b)));
                    previous = Some(word);
                    hit
                })
        })
}

fn looks_like_license_key(pw: &str) -> bool {
    let blocks: Vec<&str> = pw.split('-').collect();
    blocks.len() >= 3
        && blocks.iter().all(|b| {
            (4..=6).contains(&b.len())
                && b.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

fn looks_like_web_login(entry: &Entry) -> bool {
    !entry.username.trim().is_empty()
        && entry.urls.iter().any(|u| {
            let u = u.trim_start().to_ascii_lowercase();
            u.starts_with("http://") || u.starts_with("https://")
        })
}

/// What kind of secret an entry holds.
pub fn kind(entry: &Entry) -> WeakKind {
    if labelled(
        entry,
        &[
            "licence",
            "license",
            "licences",
            "licenses",
            "serial",
            "lizenz",
            "productkey",
            "licensekey",
            "licencekey",
        ],
        &[
            ("product", "key"),
            ("license", "key"),
            ("licence", "key"),
            ("serial", "number"),
        ],
    ) || looks_like_license_key(entry.password.expose())
    {
        return WeakKind::LicenseKey;
    }
    if labelled(
        entry,
        &["pin", "pins", "pincode", "passcode", "geheimzahl"],
        &[("pin", "code")],
    ) {
        return WeakKind::Pin;
    }
    let pw = entry.password.expose();
    if !pw.is_empty()
        && pw.len() <= 8
        && pw.bytes().all(|b| b.is_ascii_digit())
        && !looks_like_web_login(entry)
    {
        return WeakKind::Pin;
    }
    WeakKind::Password
}

/// Scores every entry with a password; `None` for entries without one.
pub fn analyze(entries: &[Entry]) -> Vec<Option<Strength>> {
    // Unique (password, relevant inputs) pairs; the key borrows the password.
    let mut slots: HashMap<(&str, Vec<String>), usize> = HashMap::new();
    let mut jobs: Vec<(&str, Vec<String>)> = Vec::new();
    let mut entry_slot: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    for e in entries {
        let pw = e.password.expose();
        if pw.is_empty() {
            entry_slot.push(None);
            continue;
        }
        let scored = truncated(pw);
        let rel = relevant_inputs(scored, &user_inputs(e));
        let next = jobs.len();
        let slot = *slots.entry((scored, rel.clone())).or_insert(next);
        if slot == next {
            jobs.push((scored, rel));
        }
        entry_slot.push(Some(slot));
    }
    drop(slots);
    let results: Vec<(u8, f64, Option<String>)> = jobs
        .par_iter()
        .with_min_len(8)
        .map(|(pw, inputs)| {
            let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            score(pw, &refs)
        })
        .collect();
    entries
        .iter()
        .zip(entry_slot)
        .map(|(e, slot)| {
            let (score, guesses_log10, warning) = results.get(slot?)?.clone();
            Some(Strength {
                score,
                guesses_log10,
                warning,
                kind: kind(e),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, user: &str, url: &str, pw: &str) -> Entry {
        Entry {
            username: user.into(),
            ..Entry::test_login(title, url, pw)
        }
    }

    #[test]
    fn inputs_from_account() {
        let e = entry(
            "My Bank",
            "john.doe@example.com",
            "https://www.online.mybank.co.uk/login",
            "x",
        );
        assert_eq!(
            user_inputs(&e),
            vec![
                "my bank",
                "john.doe@example.com",
                "john.doe",
                "john",
                "doe",
                "bank",
                "online",
                "mybank"
            ]
        );
    }

    #[test]
    fn own_words_make_it_weaker() {
        let e = entry("Site", "jdoe", "", "jdoe1985");
        let with = analyze(std::slice::from_ref(&e))[0].clone().unwrap();
        let (bare, _, _) = score("jdoe1985", &[]);
        assert!(with.score <= bare);
        assert!(with.score <= 1, "score {}", with.score);
    }

    #[test]
    fn scores_and_warnings() {
        let entries = vec![
            entry("A", "u", "", "password"),
            entry("B", "u", "", "correct horse battery staple yes"),
            entry("C", "u", "", "password"),
        ];
        let s = analyze(&entries);
        let a = s[0].clone().unwrap();
        assert_eq!(a.score, 0);
        assert_eq!(a.kind, WeakKind::Password);
        assert!(a.warning.is_some());
        assert!(a.guesses_log10 < 3.0);
        assert_eq!(s[2], s[0]);
        assert_eq!(s[1].clone().unwrap().score, 4);
    }

    #[test]
    fn relevant_inputs_filter() {
        let inputs = vec!["amazon".to_owned(), "jdoe".to_owned(), "x@y.com".to_owned()];
        assert_eq!(relevant_inputs("Am4z0n2020", &inputs), vec!["amazon"]);
        assert_eq!(relevant_inputs("eodj!!", &inputs), vec!["jdoe"]);
        assert!(relevant_inputs("Zq8vN2kLm4", &inputs).is_empty());
    }

    #[test]
    fn inputs_longer_than_the_password_are_dropped_unread() {
        let long_title = "amazon".repeat(40);
        let inputs = vec![long_title, "amazon".to_owned()];
        assert_eq!(relevant_inputs("Amazon2020", &inputs), vec!["amazon"]);
        // Exactly as long as the password still counts.
        assert_eq!(relevant_inputs("amazon", &inputs), vec!["amazon"]);
    }

    #[test]
    fn warm_up_changes_no_score() {
        let entries = vec![
            entry("Amazon", "jdoe", "https://www.amazon.co.jp/", "Amazon2020!"),
            entry("B", "u", "", "Tr0ub4dor&3"),
        ];
        let before = analyze(&entries);
        warm_up();
        warm_up();
        assert_eq!(analyze(&entries), before);
    }

    #[test]
    fn long_passwords_are_truncated() {
        let long = "é".repeat(150);
        assert_eq!(truncated(&long).chars().count(), 100);
        assert_eq!(truncated("short"), "short");
        let e = entry("T", "u", "", &long);
        assert!(analyze(&[e])[0].is_some());
    }

    #[test]
    fn kinds() {
        // (title, username, url, password, kind)
        for (title, user, url, pw, expected) in [
            ("Bank card", "", "", "1234", WeakKind::Pin),
            ("Card PIN", "", "", "abcd", WeakKind::Pin),
            ("Karte Geheimzahl", "", "", "9876", WeakKind::Pin),
            ("Phone pin code", "", "", "a", WeakKind::Pin),
            ("Pinterest", "bob", "", "hunter2", WeakKind::Password),
            // Digits on a web login are a (bad) password, not a PIN.
            (
                "Shop",
                "bob",
                "https://shop.example",
                "12345678",
                WeakKind::Password,
            ),
            ("Office", "", "", "ABCDE-12345-FGHIJ", WeakKind::LicenseKey),
            ("Windows product key", "", "", "x", WeakKind::LicenseKey),
            ("Mail", "bob", "", "Abcdef-12", WeakKind::Password),
            // Words in any case, across punctuation; a pair must be two words in a row.
            ("SERIAL-Number: Tool", "", "", "x", WeakKind::LicenseKey),
            ("Product / Key", "", "", "x", WeakKind::LicenseKey),
            ("Product registration key", "", "", "x", WeakKind::Password),
            ("Spinner", "", "", "x", WeakKind::Password),
            // Non-ASCII words are compared in lower case: the Kelvin sign folds to `k`.
            ("Product \u{212a}ey", "", "", "x", WeakKind::LicenseKey),
            ("Geldautomat PİN", "", "", "x", WeakKind::Password),
        ] {
            assert_eq!(kind(&entry(title, user, url, pw)), expected, "{title}");
        }
        let mut g = entry("Photoshop", "", "", "whatever");
        g.group = vec!["Root".into(), "Licenses".into()];
        assert_eq!(kind(&g), WeakKind::LicenseKey);
    }
}
