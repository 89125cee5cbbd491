//! Passwords built from the user's own data (the police advice after an account takeover: no
//! passwords from your name, phone number, postal code or car number).
//!
//! The data comes from the vaults' identity items and `--personal-words`; it is never
//! reported: a finding names the kind ("contains your phone number"), never the value.
//!
//! Matching is on normalised forms: the password lower-cased with everything but letters and
//! digits dropped (`090-1234-5678` and `Tom.Smith!` become `09012345678` and `tomsmith`),
//! against tokens made per kind, each with a minimum length so a short item does not match
//! everything:
//! - names, e-mail local parts: every word of 3+ letters (`Tom`, `Smith`);
//! - addresses: every word of 5+ letters but the generic ones (`street`, `avenue`, ...);
//! - phone numbers: all their digits (7+), and their last 4 digits (`...-5678`);
//! - birth dates (`YYYY-MM-DD`, `YYYY/MM/DD`, `DD.MM.YYYY`, `YYYYMMDD`): `YYYYMMDD`,
//!   `YYMMDD`, `DDMMYYYY`, `MMDDYYYY`, `MMDD`, `DDMM` and `YYYY`;
//! - postal codes, ID numbers, car numbers and other words: the whole value's letters and
//!   digits (4+; postal codes 3+ digits).

use crate::model::{Entry, PersonalItem, PersonalKind};
use chrono::{Datelike, NaiveDate};
use std::path::Path;
use zeroize::Zeroizing;

/// Address words that say nothing about the user.
const GENERIC_ADDRESS_WORDS: &[&str] = &[
    "street",
    "avenue",
    "road",
    "apartment",
    "floor",
    "suite",
    "building",
    "house",
    "strasse",
    "chome",
];

/// One normalised piece of personal data.
struct Token {
    kind: PersonalKind,
    text: Zeroizing<String>,
}

/// The personal data of a run, normalised once.
pub struct Matcher {
    tokens: Vec<Token>,
}

/// Lower-case letters and digits only.
fn alnum(s: &str) -> Zeroizing<String> {
    Zeroizing::new(
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

fn digits(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.chars().filter(char::is_ascii_digit).collect())
}

/// Words of at least `min` letters, lower-cased.
fn words(s: &str, min: usize) -> Vec<Zeroizing<String>> {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= min)
        .map(|w| Zeroizing::new(w.to_lowercase()))
        .collect()
}

/// A birth date in the usual written forms.
fn birth_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    [
        "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d", "%Y.%m.%d", "%d/%m/%Y",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

impl Matcher {
    /// Normalises the items into tokens; items too short to match safely give none.
    pub fn new(items: &[PersonalItem]) -> Self {
        use PersonalKind::*;
        let mut tokens: Vec<Token> = Vec::new();
        let mut push = |kind: PersonalKind, text: Zeroizing<String>, min: usize| {
            if text.chars().count() >= min
                && !tokens.iter().any(|t| t.kind == kind && t.text == text)
            {
                tokens.push(Token { kind, text });
            }
        };
        for item in items {
            let value = item.value.expose();
            match item.kind {
                Name => words(value, 3).into_iter().for_each(|w| push(Name, w, 3)),
                Email => {
                    let local = value.split('@').next().unwrap_or_default();
                    words(local, 3).into_iter().for_each(|w| push(Email, w, 3));
                }
                Address => words(value, 5)
                    .into_iter()
                    .filter(|w| !GENERIC_ADDRESS_WORDS.contains(&w.as_str()))
                    .for_each(|w| push(Address, w, 5)),
                Phone => {
                    let d = digits(value);
                    if d.len() >= 7 {
                        push(Phone, d.clone(), 7);
                    }
                    if let Some(last) = d.get(d.len().saturating_sub(4)..) {
                        push(Phone, Zeroizing::new(last.to_owned()), 4);
                    }
                }
                BirthDate => match birth_date(value) {
                    Some(d) => {
                        let (y, m, day) = (d.year(), d.month(), d.day());
                        let yy = y.rem_euclid(100);
                        for form in [
                            format!("{y:04}{m:02}{day:02}"),
                            format!("{yy:02}{m:02}{day:02}"),
                            format!("{day:02}{m:02}{y:04}"),
                            format!("{m:02}{day:02}{y:04}"),
                            format!("{m:02}{day:02}"),
                            format!("{day:02}{m:02}"),
                            format!("{y:04}"),
                        ] {
                            push(BirthDate, Zeroizing::new(form), 4);
                        }
                    }
                    None => push(BirthDate, digits(value), 4),
                },
                PostalCode => {
                    let d = digits(value);
                    let a = alnum(value);
                    if d.len() == a.len() {
                        push(PostalCode, d, 3);
                    } else {
                        push(PostalCode, a, 4);
                    }
                }
                kind @ (IdNumber | Car | Other) => push(kind, alnum(value), 4),
            }
        }
        Self { tokens }
    }

    /// True when there is nothing to match.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The kinds of personal data the password contains, in [`PersonalKind`] order.
    pub fn kinds_in(&self, password: &str) -> Vec<PersonalKind> {
        let normalised = alnum(password);
        let mut kinds: Vec<PersonalKind> = self
            .tokens
            .iter()
            .filter(|t| normalised.contains(t.text.as_str()))
            .map(|t| t.kind)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }
}

/// Whether the personal-data rule applies to an entry: login passwords and PINs, not hidden
/// fields, licence keys or passwords too long to analyse.
pub fn applies_to(entry: &Entry, kind: super::WeakKind) -> bool {
    entry.field.is_none()
        && kind != super::WeakKind::LicenseKey
        && entry.password.expose().len() <= super::LONG_PASSWORD_BYTES
}

/// Parses a `--personal-words` file: one item a line, optionally `kind: value` (see
/// [`PersonalKind::from_label`]); a line whose prefix is not a known kind is a word of its
/// own. Blank lines and lines starting with `#` are skipped.
pub fn parse_words(text: &str) -> Vec<PersonalItem> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| match line.split_once(':') {
            Some((label, value)) => match PersonalKind::from_label(label) {
                Some(kind) => PersonalItem::new(kind, value.trim()),
                None => PersonalItem::new(PersonalKind::Other, line),
            },
            None => PersonalItem::new(PersonalKind::Other, line),
        })
        .filter(|i| !i.value.expose().is_empty())
        .collect()
}

/// Why a personal-words file could not be used (the message never quotes its content).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {cause}")]
pub struct WordsError {
    path: String,
    cause: String,
}

/// Reads a `--personal-words` file.
pub fn load_words(path: &Path) -> Result<Vec<PersonalItem>, WordsError> {
    let error = |cause: String| WordsError {
        path: path.display().to_string(),
        cause,
    };
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| error(e.to_string()))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| error("the personal-words file is not UTF-8 text".to_owned()))?;
    Ok(parse_words(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PersonalKind::*;

    fn matcher(items: &[(PersonalKind, &str)]) -> Matcher {
        let items: Vec<PersonalItem> = items
            .iter()
            .map(|(k, v)| PersonalItem::new(*k, *v))
            .collect();
        Matcher::new(&items)
    }

    #[test]
    fn kinds_by_normalised_form() {
        let m = matcher(&[
            (Name, "Tom Smith"),
            (Phone, "090-1234-5678"),
            (BirthDate, "1985-04-23"),
            (PostalCode, "100-0001"),
            (Car, "1234"),
            (Address, "12 Sakura Street"),
        ]);
        for (password, expected) in [
            ("Tommy!2024", vec![Name]),
            ("smith#X", vec![Name]),
            ("pw5678", vec![Phone]),
            ("090-1234-5678", vec![Phone, Car]),
            ("Tulip0423", vec![BirthDate]),
            ("Tulip2304", vec![BirthDate]),
            ("t850423", vec![BirthDate]),
            ("z1985", vec![BirthDate]),
            ("100-0001xy", vec![PostalCode]),
            ("car1234!", vec![Car]),
            ("sakura-rain", vec![Address]),
            ("Street99", vec![]),
            ("Zq8vN2kLm4", vec![]),
            ("To", vec![]),
        ] {
            assert_eq!(m.kinds_in(password), expected, "{password}");
        }
    }

    #[test]
    fn short_items_match_nothing() {
        let m = matcher(&[(Name, "Al"), (Car, "12"), (PostalCode, "1"), (Other, "ab")]);
        assert!(m.is_empty());
    }

    #[test]
    fn words_file() {
        let items = parse_words("# mine\nphone: 090-1234-5678\n\ncar: 1234\nTama\nhttp://x\n");
        let got: Vec<(PersonalKind, &str)> =
            items.iter().map(|i| (i.kind, i.value.expose())).collect();
        assert_eq!(
            got,
            [
                (Phone, "090-1234-5678"),
                (Car, "1234"),
                (Other, "Tama"),
                (Other, "http://x")
            ]
        );
    }
}
