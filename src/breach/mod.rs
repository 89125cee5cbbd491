//! Breach checks against Have I Been Pwned's Pwned Passwords.
//!
//! One question, "how often has this SHA-1 been seen?", behind one trait with three
//! implementations: the k-anonymity range API ([`online`]), a cache wrapper ([`cache`]) and
//! the downloaded corpus ([`offline`], verified once by [`corpus_index`]). Tests swap them
//! freely. [`catalog`] answers the other HIBP question, "which sites lost their passwords,
//! and when?", from the breach list. [`range`] holds the range-body
//! parser and the [`range::RangeFetcher`] plumbing shared by the online client and the cache.

use crate::secret::Secret;
use sha1::{Digest, Sha1};
use std::fmt;

pub mod cache;
pub mod catalog;
pub mod corpus_index;
pub mod offline;
pub mod online;
pub mod range;

/// SHA-1 of a password. `Debug` is redacted: a full hash must never be printed or stored.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha1Hash(pub [u8; 20]);

impl Sha1Hash {
    /// Hashes a password (UTF-8 bytes, as HIBP does).
    pub fn of(password: &Secret) -> Self {
        Self(Sha1::digest(password.expose().as_bytes()).into())
    }

    /// The first five upper-case hex characters: the only part that ever leaves the machine.
    pub fn prefix(&self) -> Prefix {
        Prefix(
            (u32::from(self.0[0]) << 12)
                | (u32::from(self.0[1]) << 4)
                | (u32::from(self.0[2]) >> 4),
        )
    }

    /// The remaining 35 upper-case hex characters, for matching a range response.
    pub fn suffix_hex(&self) -> String {
        let full = hex_upper(&self.0);
        full[5..].to_owned()
    }
}

impl fmt::Debug for Sha1Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha1Hash(<redacted>)")
    }
}

/// The 20-bit prefix of a SHA-1, as sent to the range API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix(pub u32);

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05X}", self.0)
    }
}

/// Upper-case hex of bytes.
pub fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xF)] as char);
    }
    out
}

/// The answer for one password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Found in the corpus this many times.
    Seen(u64),
    /// Checked and not found.
    NotSeen,
    /// Could not be checked; the reason says why. Never to be read as clean.
    Unchecked(String),
}

/// Receives progress of a breach check (prefixes done of total); the binary draws it.
pub trait Progress: Sync {
    /// Sets the total amount of work.
    fn start(&self, total: u64);
    /// Reports `n` more units done.
    fn advance(&self, n: u64);
    /// The work is over.
    fn finish(&self);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A source of breach counts.
pub trait BreachSource: Send + Sync {
    /// Looks up every hash; the answer has one verdict per input hash, in input order.
    /// Implementations deduplicate: one request or lookup per unique prefix or hash.
    fn lookup(&self, hashes: &[Sha1Hash], progress: &dyn Progress) -> Vec<Verdict>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix_of_password() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        let h = Sha1Hash::of(&Secret::from("password"));
        assert_eq!(h.prefix().to_string(), "5BAA6");
        assert_eq!(h.suffix_hex(), "1E4C9B93F3F0682250B6CF8331B7EE68FD8");
        assert_eq!(format!("{h:?}"), "Sha1Hash(<redacted>)");
    }
}
