//! The finding vocabulary: every kind of finding, with everything each output needs to know
//! about it, in one table ([`ReasonCode::spec`]).
//!
//! A new finding kind is a new variant plus its row here (the compiler points at the one
//! match), and its analyzer/reason text in `rank::reasons`. Tiers, labels, colours, `--fail-on`
//! levels, baseline and ignore handling, serde names and the README table all read this table.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use strum::VariantArray;

/// A finding kind, as it appears in every output format. The codes are stable (JSON, CSV,
/// baselines and ignore files store them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, VariantArray)]
pub enum ReasonCode {
    /// The account matched `--compromised`: known to be taken over.
    Compromised,
    /// Shares its current or a past password (or a near variant) with a compromised account.
    ExposedByCompromise,
    /// The password is in Pwned Passwords.
    Breached,
    /// Reused, and the shared password is breached.
    ReusedBreached,
    /// The site had a breach that exposed passwords after this password was last set.
    SiteBreached,
    /// The same password is current in other accounts.
    Reused,
    /// Another account rotated away from this password, which is still live here.
    RotatedAwayReuse,
    /// A near variant of another account's password.
    Variant,
    /// Weak per zxcvbn.
    Weak,
    /// Built from the user's own personal data (name, phone number, postal code, birth date).
    PersonalData,
    /// A weak PIN-like secret (reported apart so PINs do not flood the list).
    WeakPin,
    /// A weak licence key or similar non-login secret (reported apart, lowest weight).
    WeakLicenseKey,
    /// Not changed since the incident date or older than the maximum age.
    Stale,
    /// Age unknown (the format has no change time) while an age check was asked for.
    StaleUnknown,
    /// The login URL is plain `http://`.
    InsecureUrl,
    /// The site offers 2FA (2fa.directory) and the entry holds no one-time-password seed.
    TwoFactorAvailable,
    /// The site offers passkeys (Passkeys Directory).
    PasskeyAvailable,
    /// A password too long to be analysed (over [`crate::analyze::LONG_PASSWORD_BYTES`]).
    LongPassword,
    /// The breach check could not be completed for this password.
    Unchecked,
}

/// How a renderer colours a row whose most severe finding is of this kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    /// Linked to a compromise: bold red.
    BoldRed,
    /// Breached: red.
    Red,
    /// Shared or near-shared: yellow.
    Yellow,
    /// Weak: cyan.
    Cyan,
    /// No colour.
    Plain,
}

/// Everything the outputs know about one finding kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingSpec {
    /// Stable machine code (JSON, CSV, baseline, ignore file).
    pub code: &'static str,
    /// T in the score formula when this kind is an account's most severe reason (the ranking
    /// may raise or lower it for one documented case each: variant of a breached password,
    /// `http://` on the local network).
    pub tier: u32,
    /// Short human label, for tables.
    pub label: &'static str,
    /// Row colour in the terminal table.
    pub colour: Colour,
    /// The `--fail-on` level this kind reaches; `None`: not a finding (an incomplete check has
    /// its own exit code, is never baselined and cannot be ignored).
    pub fail_level: Option<FailLevel>,
    /// The finding is about the password's breach count: a baseline keeps the count's order
    /// of magnitude with it, so a jump in the count is reported as new.
    pub breach_count: bool,
    /// What the code means (the README's "What is reported" table).
    pub meaning: &'static str,
    /// The default action when this is the account's most severe reason.
    pub action: &'static str,
}

impl ReasonCode {
    /// Every kind, in severity order (the README lists them in this order).
    pub const ALL: &'static [ReasonCode] = Self::VARIANTS;

    /// The one table of finding kinds.
    pub const fn spec(self) -> FindingSpec {
        use Colour::*;
        use FailLevel as L;
        match self {
            ReasonCode::Compromised => FindingSpec {
                code: "compromised",
                tier: 9,
                label: "compromised",
                colour: BoldRed,
                fail_level: Some(L::Compromised),
                breach_count: false,
                meaning: "the account matched `--compromised`: it is known to be taken over",
                action: "treat as taken over: change the password now, sign out other sessions, check the recovery e-mail/phone and 2FA",
            },
            ReasonCode::ExposedByCompromise => FindingSpec {
                code: "exposed-by-compromise",
                tier: 8,
                label: "linked to compromise",
                colour: BoldRed,
                fail_level: Some(L::Compromised),
                breach_count: false,
                meaning: "shares the compromised account's current or past password, or a near variant",
                action: "rotate now: whoever holds the compromised account can try this password here",
            },
            ReasonCode::Breached => FindingSpec {
                code: "breached",
                tier: 7,
                label: "breached",
                colour: Red,
                fail_level: Some(L::Breached),
                breach_count: true,
                meaning: "the password is in Pwned Passwords (with its count)",
                action: "rotate now: this password is in breach lists attackers replay",
            },
            ReasonCode::ReusedBreached => FindingSpec {
                code: "reused-breached",
                tier: 7,
                label: "reused+breached",
                colour: Red,
                fail_level: Some(L::Breached),
                breach_count: true,
                meaning: "reused, and the shared password is breached",
                action: "rotate now: this password is in breach lists attackers replay",
            },
            ReasonCode::SiteBreached => FindingSpec {
                code: "site-breached",
                tier: 7,
                label: "site breached",
                colour: Red,
                fail_level: Some(L::Breached),
                breach_count: false,
                meaning: "the site had a breach that exposed passwords after this password was last set (HIBP breach list)",
                action: "rotate now: the site lost its passwords after this one was set",
            },
            ReasonCode::Reused => FindingSpec {
                code: "reused",
                tier: 5,
                label: "reused",
                colour: Yellow,
                fail_level: Some(L::Reused),
                breach_count: false,
                meaning: "the same password is current in other accounts (they are named)",
                action: "rotate now",
            },
            ReasonCode::RotatedAwayReuse => FindingSpec {
                code: "rotated-away-reuse",
                tier: 5,
                label: "rotated elsewhere",
                colour: Yellow,
                fail_level: Some(L::Reused),
                breach_count: false,
                meaning: "another account rotated away from this password, which is still live here",
                action: "rotate now: another account already retired this password",
            },
            ReasonCode::Variant => FindingSpec {
                code: "variant",
                tier: 4,
                label: "variant",
                colour: Yellow,
                fail_level: Some(L::Variant),
                breach_count: false,
                meaning: "a near variant of another account's password",
                action: "rotate to an unrelated random password: near variants are guessed in a few tries",
            },
            ReasonCode::Weak => FindingSpec {
                code: "weak",
                tier: 3,
                label: "weak",
                colour: Cyan,
                fail_level: Some(L::Weak),
                breach_count: false,
                meaning: "zxcvbn score below `--min-score` (default 3)",
                action: "replace with a long generated password",
            },
            ReasonCode::PersonalData => FindingSpec {
                code: "personal-data",
                tier: 3,
                label: "personal data",
                colour: Cyan,
                fail_level: Some(L::Weak),
                breach_count: false,
                meaning: "the password is built from your own data (name, phone number, postal code, birth date): the kind is named, never the data",
                action: "replace with a long generated password: personal data is what an attacker tries first",
            },
            ReasonCode::WeakPin => FindingSpec {
                code: "weak-pin",
                tier: 1,
                label: "weak PIN",
                colour: Cyan,
                fail_level: Some(L::Weak),
                breach_count: false,
                meaning: "a weak PIN-like secret, reported apart from passwords",
                action: "use a longer PIN where the service allows",
            },
            ReasonCode::WeakLicenseKey => FindingSpec {
                code: "weak-license-key",
                tier: 1,
                label: "weak key",
                colour: Cyan,
                fail_level: Some(L::Weak),
                breach_count: false,
                meaning: "a weak licence key or similar non-login secret",
                action: "no rotation needed unless the key leaked; keep it out of shared places",
            },
            ReasonCode::Stale => FindingSpec {
                code: "stale",
                tier: 2,
                label: "stale",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "not changed since `--since`, or older than `--max-age`",
                action: "rotate: the password predates the cut-off",
            },
            ReasonCode::StaleUnknown => FindingSpec {
                code: "stale-unknown",
                tier: 1,
                label: "age unknown",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "an age check was asked for, but the format has no change time",
                action: "check when this password was last changed; rotate if in doubt",
            },
            ReasonCode::InsecureUrl => FindingSpec {
                code: "insecure-url",
                tier: 3,
                label: "http",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "the login page is plain `http://`",
                action: "log in over https only; rotate if it was ever used on an untrusted network",
            },
            ReasonCode::TwoFactorAvailable => FindingSpec {
                code: "2fa-available",
                tier: 1,
                label: "no 2FA",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "the site offers two-factor sign-in (2fa.directory) and the entry holds no one-time-password seed",
                action: "turn on two-factor sign-in",
            },
            ReasonCode::PasskeyAvailable => FindingSpec {
                code: "passkey-available",
                tier: 1,
                label: "passkey",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "the site offers passkeys (Passkeys Directory by 2factorauth)",
                action: "add a passkey: it cannot be phished or reused",
            },
            ReasonCode::LongPassword => FindingSpec {
                code: "long-password",
                tier: 1,
                label: "too long",
                colour: Plain,
                fail_level: Some(L::Any),
                breach_count: false,
                meaning: "the password is over 4 KiB: only exact reuse and the breach check apply, not the variant and strength rules",
                action: "check the entry: a value this long is usually a key or a file pasted into the password field",
            },
            ReasonCode::Unchecked => FindingSpec {
                code: "unchecked",
                tier: 1,
                label: "unchecked",
                colour: Plain,
                fail_level: None,
                breach_count: false,
                meaning: "the breach check could not be completed for this password: never read as clean",
                action: "re-run the breach check: this password could not be checked",
            },
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    /// T in the score formula (see [`FindingSpec::tier`]).
    pub fn tier(self) -> u32 {
        self.spec().tier
    }

    /// Short human label, for tables.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// False for `unchecked`: an incomplete check, not something to rotate.
    pub fn is_finding(self) -> bool {
        self.spec().fail_level.is_some()
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The README's "What is reported" table, generated from [`Self::spec`] (a test keeps
    /// the README in step).
    pub fn markdown_table() -> String {
        let mut out = String::from("| code | meaning |\n|---|---|\n");
        for kind in Self::ALL {
            let spec = kind.spec();
            out.push_str(&format!("| `{}` | {} |\n", spec.code, spec.meaning));
        }
        out
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::from_code(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown finding kind {text:?}; expected one of: {}",
                Self::ALL
                    .iter()
                    .map(|k| k.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

named_enum! {
    /// The least severe finding that makes the exit code 1 (`--fail-on`). Ordered by severity.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum FailLevel {
        Any = ("any", "Any finding at all"),
        Weak = ("weak", "Weak passwords and worse"),
        Variant = ("variant", "Near variants and worse"),
        Reused = ("reused", "Reuse and worse"),
        Breached = ("breached", "Breached passwords and accounts linked to a compromise"),
        Compromised = ("compromised", "Only accounts linked to a --compromised account"),
        Never = ("never", "Never fail on findings"),
    }
}

impl FailLevel {
    /// True when a reason with `code` reaches this level.
    pub fn triggered_by(self, code: ReasonCode) -> bool {
        self != FailLevel::Never && code.spec().fail_level.is_some_and(|s| s >= self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for kind in ReasonCode::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert_eq!(serde_json::from_str::<ReasonCode>(&json).unwrap(), *kind);
            assert_eq!(
                ReasonCode::ALL
                    .iter()
                    .filter(|k| k.code() == kind.code())
                    .count(),
                1
            );
        }
        assert!(serde_json::from_str::<ReasonCode>("\"bogus\"").is_err());
    }

    #[test]
    fn readme_lists_every_kind() {
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(&ReasonCode::markdown_table()),
            "README.md \"What is reported\" must hold exactly this table:\n{}",
            ReasonCode::markdown_table()
        );
    }
}
