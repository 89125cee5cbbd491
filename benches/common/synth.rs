//! Synthetic vault for the analysis benchmark and `examples/analyze_scale.rs`: a realistic
//! mix, deterministic (fixed seed).
//!
//! Per 100 entries: 35 random strong 16-char passwords; 20 shared (groups of 5);
//! 20 near variants (stems with years/counters/case, clusters of 4); 10 weak dictionary-ish;
//! 5 PINs; 10 four-word passphrases. 10% carry one or two past passwords; dates spread over
//! 2015-2025.

use chrono::{Duration, TimeZone, Utc};
use credaudit::model::{Entry, EntryId, PastPassword};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@^_";
const WORDS: &[&str] = &[
    "tulip", "sunset", "dragon", "monkey", "coffee", "garden", "purple", "summer", "winter",
    "castle", "rocket", "silver", "falcon", "ginger", "meadow", "pepper", "harbor", "violet",
    "thunder", "blossom", "kumamon", "sakura", "panda", "tiger", "orange", "mountain", "river",
    "forest", "planet", "shadow", "wizard", "pirate", "banana", "cookie", "pickle", "marble",
];

fn random_pw(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn word(rng: &mut StdRng) -> &'static str {
    WORDS[rng.random_range(0..WORDS.len())]
}

/// `n` synthetic entries.
pub fn entries(n: usize) -> Vec<Entry> {
    let mut rng = StdRng::seed_from_u64(42);
    let base = Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap();
    let mut out = Vec::with_capacity(n);
    let mut shared: Vec<String> = Vec::new();
    let mut stem: (String, usize) = (String::new(), 0);
    for i in 0..n {
        let slot = i % 100;
        let (title, password) = match slot {
            0..=34 => (format!("Site {i}"), random_pw(&mut rng, 16)),
            35..=54 => {
                if i % 5 == 0 || shared.is_empty() {
                    shared.push(random_pw(&mut rng, 12));
                }
                (
                    format!("Shop {i}"),
                    shared.last().cloned().unwrap_or_default(),
                )
            }
            55..=74 => {
                if stem.1 == 0 {
                    stem = (format!("{}{}", word(&mut rng), rng.random_range(10..99)), 4);
                }
                stem.1 -= 1;
                let year = 2015 + rng.random_range(0..10);
                let s = if rng.random_bool(0.3) {
                    let mut c = stem.0.clone();
                    c[..1].make_ascii_uppercase();
                    c
                } else {
                    stem.0.clone()
                };
                (format!("Forum {i}"), format!("{s}#{year}!"))
            }
            75..=84 => (
                format!("Old {i}"),
                format!("{}{}", word(&mut rng), rng.random_range(0..1000)),
            ),
            85..=89 => (
                format!("Card PIN {i}"),
                format!("{}", rng.random_range(1000..999_999)),
            ),
            _ => (
                format!("Phrase {i}"),
                format!(
                    "{}-{}-{}-{}",
                    word(&mut rng),
                    word(&mut rng),
                    word(&mut rng),
                    word(&mut rng)
                ),
            ),
        };
        let mut e = Entry {
            id: EntryId(format!("id-{i:06}")),
            title,
            username: format!("user{i}@example.com"),
            urls: vec![format!("https://login.site{i}.example.com/")],
            password: password.into(),
            modified: Some(base + Duration::days(rng.random_range(0..4000))),
            ..Default::default()
        };
        if i % 10 == 3 {
            e.history = (0..rng.random_range(1..3))
                .map(|_| PastPassword {
                    password: random_pw(&mut rng, 14).into(),
                    retired: Some(base + Duration::days(rng.random_range(0..3000))),
                })
                .collect();
        }
        out.push(e);
    }
    out
}
