//! Range bodies (`SUFFIX:COUNT` lines) and the plumbing shared by the range API and its cache:
//! a strict parser, the [`RangeFetcher`] trait and [`RangeSource`], which turns any fetcher into
//! a [`BreachSource`].
//!
//! The parser is strict on purpose: a body with a line that is not `35 hex ':' digits` is
//! malformed as a whole (it may be truncated or not a range body at all), so the caller retries
//! or reports the prefix as unchecked, never as clean.

use super::{BreachSource, Prefix, Progress, Sha1Hash, Verdict};
use std::collections::HashMap;
use std::fmt;

/// Length of a SHA-1 suffix in a range body (40 - 5 hex characters).
pub const SUFFIX_LEN: usize = 35;

/// One parsed range body: the rows with a non-zero count (padding rows are dropped), sorted by
/// suffix. Suffixes are stored as upper-case ASCII hex.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RangeBody {
    rows: Vec<([u8; SUFFIX_LEN], u64)>,
}

impl fmt::Debug for RangeBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rows are public data, but keep logs short.
        write!(f, "RangeBody({} rows)", self.rows.len())
    }
}

/// Why a range body was rejected. Carries no hash material, only a line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeParseError {
    /// Not a single row (a real bucket always has rows; padding guarantees at least ten).
    #[error("empty range response")]
    Empty,
    /// A line is not `35 hex ':' digits`.
    #[error("malformed range response (line {0})")]
    BadLine(usize),
}

impl RangeBody {
    /// Parses a body: `SUFFIX:COUNT` lines separated by CRLF or LF, final newline optional, any
    /// hex case. Blank lines are tolerated; any other deviation makes the whole body malformed.
    pub fn parse(body: &[u8]) -> Result<Self, RangeParseError> {
        let mut rows = Vec::with_capacity(body.len() / 40 + 1);
        let mut seen_any = false;
        for (index, raw) in body.split(|&b| b == b'\n').enumerate() {
            let line = trim_line(raw);
            if line.is_empty() {
                continue;
            }
            let (suffix, count) = parse_row(line).ok_or(RangeParseError::BadLine(index + 1))?;
            seen_any = true;
            if count > 0 {
                rows.push((suffix, count));
            }
        }
        if !seen_any {
            return Err(RangeParseError::Empty);
        }
        rows.sort_unstable_by_key(|r| r.0);
        // A duplicated suffix keeps its largest count.
        rows.dedup_by(|next, kept| {
            if next.0 == kept.0 {
                kept.1 = kept.1.max(next.1);
                true
            } else {
                false
            }
        });
        Ok(Self { rows })
    }

    /// Builds a body from rows (suffix as upper- or lower-case hex, count). Rows that are not a
    /// 35-hex suffix are ignored; count-0 rows are dropped. For tests and fakes.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, u64)>) -> Self {
        let text: Vec<String> = rows
            .into_iter()
            .map(|(suffix, count)| format!("{suffix}:{count}"))
            .collect();
        Self::parse(text.join("\r\n").as_bytes()).unwrap_or_default()
    }

    /// Number of rows with a non-zero count.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no row has a non-zero count.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The count for a hash whose prefix this body answers: `Seen(n)` or `NotSeen`.
    pub fn verdict(&self, hash: &Sha1Hash) -> Verdict {
        let suffix = suffix_ascii(hash);
        match self.rows.binary_search_by(|row| row.0.cmp(&suffix)) {
            Ok(i) => self
                .rows
                .get(i)
                .map_or(Verdict::NotSeen, |r| Verdict::Seen(r.1)),
            Err(_) => Verdict::NotSeen,
        }
    }

    /// Serializes the rows (no padding) as the API does: `SUFFIX:COUNT` joined by CRLF.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.rows.len() * 44);
        for (i, (suffix, count)) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push_str("\r\n");
            }
            out.extend(suffix.iter().map(|&b| char::from(b)));
            out.push(':');
            out.push_str(&count.to_string());
        }
        out
    }
}

/// Fewest rows with a non-zero count a range answer may have and still be taken as complete.
/// Every real range has hundreds (about 2,000 in 2026; about 480 even in the 2018 corpus), so
/// fewer means a body cut off at a line boundary, or a stub that is not the corpus.
pub const MIN_REAL_ROWS: usize = 100;

/// Why a parsed range answer cannot be a real one, if it cannot: padding only, or far too few
/// rows. The text names the problem, never a hash.
///
/// Run on answers to padded requests (`Add-Padding: true`), where a real range always has
/// non-zero rows.
pub fn implausibility(body: &RangeBody) -> Option<String> {
    if body.is_empty() {
        return Some(
            "range data has only padding rows (count 0), but every real range has real rows"
                .to_owned(),
        );
    }
    if body.len() < MIN_REAL_ROWS {
        return Some(format!(
            "range data too short ({} rows; a real range has hundreds): cut off?",
            body.len()
        ));
    }
    None
}

/// If the first row of a body is a full 40-hex hash (`HASH:COUNT`, as in a corpus file) rather
/// than a 35-hex suffix, the reason it is not this prefix's range; `None` otherwise.
pub fn foreign_rows(raw: &[u8], prefix: super::Prefix) -> Option<String> {
    let first = raw
        .split(|&b| b == b'\n')
        .map(trim_line)
        .find(|l| !l.is_empty())?;
    let (hex, rest) = first.split_at_checked(SUFFIX_LEN + 5)?;
    if !rest.starts_with(b":") || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let ours = prefix.to_string();
    Some(if hex[..5].eq_ignore_ascii_case(ours.as_bytes()) {
        "range data holds full hashes instead of suffixes: not a range API".to_owned()
    } else {
        "range data is for another prefix: the server answered a different request".to_owned()
    })
}

/// Strips a trailing `\r` and surrounding spaces/tabs.
pub(crate) fn trim_line(line: &[u8]) -> &[u8] {
    let mut line = line;
    while let [rest @ .., last] = line {
        if matches!(last, b'\r' | b' ' | b'\t') {
            line = rest;
        } else {
            break;
        }
    }
    while let [first, rest @ ..] = line {
        if matches!(first, b' ' | b'\t') {
            line = rest;
        } else {
            break;
        }
    }
    line
}

/// Parses `35 hex ':' digits` (already trimmed) into an upper-case suffix and a count.
fn parse_row(line: &[u8]) -> Option<([u8; SUFFIX_LEN], u64)> {
    let (hex, rest) = line.split_at_checked(SUFFIX_LEN)?;
    let digits = rest.strip_prefix(b":")?;
    let count = parse_count(digits)?;
    let mut suffix = [0u8; SUFFIX_LEN];
    for (out, &c) in suffix.iter_mut().zip(hex) {
        if !c.is_ascii_hexdigit() {
            return None;
        }
        *out = c.to_ascii_uppercase();
    }
    Some((suffix, count))
}

/// Parses a non-empty run of ASCII digits (up to 20) as a u64.
pub(crate) fn parse_count(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The 35-character upper-case suffix of a hash, as ASCII.
fn suffix_ascii(hash: &Sha1Hash) -> [u8; SUFFIX_LEN] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = [0u8; SUFFIX_LEN];
    // Nibble 5 onwards: the low nibble of byte 2, then every following byte.
    let nibbles = hash
        .0
        .iter()
        .flat_map(|b| [b >> 4, b & 0xF])
        .skip(5)
        .map(|n| DIGITS[usize::from(n)]);
    for (o, n) in out.iter_mut().zip(nibbles) {
        *o = n;
    }
    out
}

/// The outcome of fetching one prefix: a parsed body, or why it could not be had (a reason that
/// never contains hash material).
pub type FetchResult = Result<RangeBody, String>;

/// Something that answers range queries for many prefixes: the online client, the cache wrapper,
/// or a fake in tests.
pub trait RangeFetcher: Send + Sync {
    /// Fetches every prefix (the caller passes them deduplicated) and calls `done(i, result)`
    /// once per prefix, `i` being its index in `prefixes`, in completion order.
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult));
}

impl<F: RangeFetcher + ?Sized> RangeFetcher for Box<F> {
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
        (**self).fetch_all(prefixes, done);
    }
}

impl<F: RangeFetcher + ?Sized> RangeFetcher for std::sync::Arc<F> {
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
        (**self).fetch_all(prefixes, done);
    }
}

/// A [`BreachSource`] over any [`RangeFetcher`]: one fetch per unique prefix, each body matched
/// against the exact 35-character suffixes of the hashes that share that prefix, then dropped.
pub struct RangeSource<F> {
    fetcher: F,
}

impl<F: RangeFetcher> RangeSource<F> {
    /// Wraps a fetcher.
    pub fn new(fetcher: F) -> Self {
        Self { fetcher }
    }

    /// The wrapped fetcher.
    pub fn fetcher(&self) -> &F {
        &self.fetcher
    }
}

impl<F: RangeFetcher> BreachSource for RangeSource<F> {
    fn lookup(&self, hashes: &[Sha1Hash], progress: &dyn Progress) -> Vec<Verdict> {
        // Group input positions by prefix, keeping first-seen order of prefixes.
        let mut by_prefix: HashMap<Prefix, usize> = HashMap::new();
        let mut prefixes: Vec<Prefix> = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        for (i, hash) in hashes.iter().enumerate() {
            let p = hash.prefix();
            let slot = *by_prefix.entry(p).or_insert_with(|| {
                prefixes.push(p);
                members.push(Vec::new());
                prefixes.len() - 1
            });
            if let Some(m) = members.get_mut(slot) {
                m.push(i);
            }
        }
        let mut verdicts: Vec<Option<Verdict>> = vec![None; hashes.len()];
        progress.start(prefixes.len() as u64);
        self.fetcher.fetch_all(&prefixes, &mut |slot, result| {
            let Some(indices) = members.get(slot) else {
                return;
            };
            for &i in indices {
                let verdict = match (&result, hashes.get(i)) {
                    (Ok(body), Some(hash)) => body.verdict(hash),
                    (Err(reason), _) => Verdict::Unchecked(reason.clone()),
                    (Ok(_), None) => continue,
                };
                if let Some(v) = verdicts.get_mut(i) {
                    *v = Some(verdict);
                }
            }
            progress.advance(1);
        });
        progress.finish();
        verdicts
            .into_iter()
            .map(|v| {
                v.unwrap_or_else(|| Verdict::Unchecked("no answer for this prefix".to_owned()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const PW_SUFFIX: &str = "1E4C9B93F3F0682250B6CF8331B7EE68FD8"; // "password"

    #[test]
    fn parses_crlf_lf_lowercase_and_ignores_padding() {
        let h = Sha1Hash::of(&Secret::from("password"));
        for sep in ["\r\n", "\n"] {
            for tail in ["", sep] {
                let body = format!(
                    "0018A45C4D1DEF81644B54AB7F969B88D65:1{sep}{}:42{sep}FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0{tail}",
                    PW_SUFFIX.to_ascii_lowercase()
                );
                let parsed = RangeBody::parse(body.as_bytes()).unwrap();
                assert_eq!(parsed.len(), 2);
                assert_eq!(parsed.verdict(&h), Verdict::Seen(42));
            }
        }
    }

    #[test]
    fn padding_row_for_our_suffix_is_not_a_hit() {
        let h = Sha1Hash::of(&Secret::from("password"));
        let body = format!("0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n{PW_SUFFIX}:0");
        assert_eq!(
            RangeBody::parse(body.as_bytes()).unwrap().verdict(&h),
            Verdict::NotSeen
        );
    }

    #[test]
    fn exact_suffix_only() {
        let h = Sha1Hash::of(&Secret::from("password"));
        // A row that contains the suffix's first 34 characters is not a match.
        let body = format!("{}0:9", &PW_SUFFIX[..34]);
        assert_eq!(
            RangeBody::parse(body.as_bytes()).unwrap().verdict(&h),
            Verdict::NotSeen
        );
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "\r\n",
            "0018A45C4D1DEF81644B54AB7F969B88D65:",
            "0018A45C4D1DEF81644B54AB7F969B88D6:1",
            "0018A45C4D1DEF81644B54AB7F969B88D65X:1",
            "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n0018A45C4D1DEF81644B5",
            "0018A45C4D1DEF81644B54AB7F969B88D65:1x",
            "<html>error</html>",
            "0018A45C4D1DEF81644B54AB7F969B88G65:1",
            "0018A45C4D1DEF81644B54AB7F969B88D65:123456789012345678901",
        ] {
            assert!(RangeBody::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn text_round_trip() {
        let body =
            RangeBody::from_rows([(PW_SUFFIX, 5), ("0018A45C4D1DEF81644B54AB7F969B88D65", 1)]);
        let again = RangeBody::parse(body.to_text().as_bytes()).unwrap();
        assert_eq!(body, again);
        assert!(!body.to_text().ends_with('\n'));
    }

    #[test]
    fn implausible_ranges_are_named() {
        let padding_only = RangeBody::parse(format!("{PW_SUFFIX}:0").as_bytes()).unwrap();
        assert!(
            implausibility(&padding_only)
                .unwrap()
                .contains("only padding")
        );
        let short = RangeBody::from_rows([(PW_SUFFIX, 3)]);
        assert!(implausibility(&short).unwrap().contains("too short"));
        let rows: Vec<String> = (0..MIN_REAL_ROWS).map(|i| format!("{i:035X}")).collect();
        let full = RangeBody::from_rows(rows.iter().map(|r| (r.as_str(), 1)));
        assert_eq!(implausibility(&full), None);
    }

    #[test]
    fn rows_of_another_prefix_are_named() {
        let prefix = super::super::Prefix(0x5BAA6);
        let other = format!("FFFFF{PW_SUFFIX}:3\r\n");
        assert!(
            foreign_rows(other.as_bytes(), prefix)
                .unwrap()
                .contains("another prefix")
        );
        let ours = format!("5baa6{PW_SUFFIX}:3");
        assert!(
            foreign_rows(ours.as_bytes(), prefix)
                .unwrap()
                .contains("full hashes")
        );
        assert_eq!(
            foreign_rows(format!("{PW_SUFFIX}:3").as_bytes(), prefix),
            None
        );
    }

    struct Fake;
    impl RangeFetcher for Fake {
        fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
            for (i, p) in prefixes.iter().enumerate().rev() {
                if p.to_string() == "5BAA6" {
                    done(i, Ok(RangeBody::from_rows([(PW_SUFFIX, 7)])));
                } else {
                    done(i, Err("down".to_owned()));
                }
            }
        }
    }

    #[test]
    fn source_maps_results_back_in_input_order() {
        let a = Sha1Hash::of(&Secret::from("password"));
        let b = Sha1Hash::of(&Secret::from("something else"));
        let v = RangeSource::new(Fake).lookup(&[a, b, a], &super::super::NoProgress);
        assert_eq!(
            v,
            vec![
                Verdict::Seen(7),
                Verdict::Unchecked("down".to_owned()),
                Verdict::Seen(7)
            ]
        );
    }
}
