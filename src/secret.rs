//! Secret strings: passwords live only in [`Secret`], which wipes its memory on drop,
//! never prints itself and cannot be serialized.

use std::fmt;
use zeroize::Zeroizing;

/// A password or other secret read from a vault.
///
/// `Debug` and `Display` are redacted and there is deliberately no `Serialize`, so a secret
/// cannot reach a report, a log line or a cache by accident.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps an owned string; the caller's buffer moves in and is wiped on drop.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The plaintext. Call sites are few and greppable on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of Unicode scalar values.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", vec![s]).contains("hunter2"));
    }
}
