//! The ignore file: accepted findings, each with a reason and an optional expiry date.
//!
//! ```toml
//! [[ignore]]
//! title = "bank pin"          # or id = "...", host = "example.com", group = "PINs"
//! kinds = ["weak-pin"]        # finding codes; empty or absent = every kind
//! reason = "bank-mandated 5-digit PIN"
//! expires = 2027-01-01        # optional; an expired rule stops applying and is reported
//! ```

use crate::rank::ReasonCode;
use crate::report::{Account, Report};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;

/// A parsed ignore file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreFile {
    /// The rules.
    #[serde(default, rename = "ignore")]
    pub rules: Vec<IgnoreRule>,
}

/// One accepted finding (or set of findings).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// Exact entry id.
    pub id: Option<String>,
    /// Case-insensitive substring of the title.
    pub title: Option<String>,
    /// Host of the account's URL, or a parent domain of it.
    pub host: Option<String>,
    /// Group path prefix (case-insensitive), e.g. `Banking/PINs`.
    pub group: Option<String>,
    /// Finding codes this rule hides; empty hides every kind.
    #[serde(default)]
    pub kinds: Vec<ReasonCode>,
    /// Why the finding is accepted (required: an ignore without a reason is forgotten).
    pub reason: String,
    /// Date from which the rule stops applying (a TOML date, or a `YYYY-MM-DD` string).
    #[serde(default, deserialize_with = "toml_date")]
    pub expires: Option<NaiveDate>,
}

fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Date(toml::value::Datetime),
        Text(String),
    }
    let parsed = match Raw::deserialize(d)? {
        Raw::Date(dt) => dt.date.and_then(|x| {
            NaiveDate::from_ymd_opt(i32::from(x.year), u32::from(x.month), u32::from(x.day))
        }),
        Raw::Text(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok(),
    };
    parsed
        .map(Some)
        .ok_or_else(|| D::Error::custom("expires must be a date like 2027-06-30"))
}

/// An ignore file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    /// I/O.
    #[error("ignore file {path}: {cause}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        cause: std::io::Error,
    },
    /// Bad TOML or an unknown key.
    #[error("ignore file {path}: {detail}")]
    Invalid {
        /// File.
        path: String,
        /// Parser message.
        detail: String,
    },
}

/// What applying the ignore file did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoreOutcome {
    /// Findings hidden.
    pub ignored: usize,
    /// Warnings: expired rules, rules that matched nothing.
    pub warnings: Vec<String>,
}

impl IgnoreFile {
    /// Reads and validates an ignore file.
    pub fn load(path: &Path) -> Result<Self, IgnoreError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|cause| IgnoreError::Io {
            path: name.clone(),
            cause,
        })?;
        Self::parse(&text).map_err(|detail| IgnoreError::Invalid { path: name, detail })
    }

    /// Parses TOML text; every rule needs a selector and a reason.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: IgnoreFile = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        for (i, rule) in file.rules.iter().enumerate() {
            if rule.id.is_none()
                && rule.title.is_none()
                && rule.host.is_none()
                && rule.group.is_none()
            {
                return Err(format!(
                    "rule {} selects nothing: give id, title, host or group",
                    i + 1
                ));
            }
            if rule.reason.trim().is_empty() {
                return Err(format!("rule {} has an empty reason", i + 1));
            }
        }
        Ok(file)
    }

    /// Removes ignored findings from the report; accounts left without findings disappear.
    pub fn apply(&self, report: &mut Report, today: NaiveDate) -> IgnoreOutcome {
        let mut outcome = IgnoreOutcome::default();
        for (i, rule) in self.rules.iter().enumerate() {
            let label = rule.label(i);
            if rule.expires.is_some_and(|d| d <= today) {
                outcome.warnings.push(format!(
                    "ignore {label} expired on {}: it no longer applies",
                    rule.expires.unwrap_or(today)
                ));
                continue;
            }
            let mut matched = false;
            for account in report.accounts.iter_mut().filter(|a| rule.selects(a)) {
                matched = true;
                let before = account.reasons.len();
                account
                    .reasons
                    .retain(|r| !r.code.is_finding() || !rule.covers(r.code));
                outcome.ignored += before - account.reasons.len();
            }
            if !matched {
                outcome
                    .warnings
                    .push(format!("ignore {label} matches no account"));
            }
        }
        report.accounts.retain(|a| !a.reasons.is_empty());
        report.renumber();
        report.summary.ignored += outcome.ignored;
        outcome
    }
}

impl IgnoreRule {
    fn label(&self, index: usize) -> String {
        let selector = [
            ("id", &self.id),
            ("title", &self.title),
            ("host", &self.host),
            ("group", &self.group),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v:?}")))
        .collect::<Vec<_>>()
        .join(" ");
        format!("rule {} ({selector})", index + 1)
    }

    fn covers(&self, code: ReasonCode) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&code)
    }

    fn selects(&self, account: &Account) -> bool {
        let lower = |s: &str| s.to_lowercase();
        // The entry id as before, or the account key baselines use.
        self.id
            .as_ref()
            .is_none_or(|id| *id == account.id || *id == account.key)
            && self
                .title
                .as_ref()
                .is_none_or(|t| lower(&account.title).contains(&lower(t)))
            && self
                .group
                .as_ref()
                .is_none_or(|g| lower(&account.group).starts_with(&lower(g)))
            && self.host.as_ref().is_none_or(|h| {
                account
                    .url
                    .as_deref()
                    .and_then(crate::site::host_of)
                    .is_some_and(|host| crate::site::host_is_under(&host, &lower(h)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_need_selector_and_reason() {
        assert!(IgnoreFile::parse("[[ignore]]\nreason = \"x\"").is_err());
        assert!(IgnoreFile::parse("[[ignore]]\ntitle = \"pin\"\nreason = \"\"").is_err());
        assert!(
            IgnoreFile::parse("[[ignore]]\ntitle = \"pin\"\nreason = \"bank\"\nbogus = 1").is_err()
        );
        let f = IgnoreFile::parse("[[ignore]]\ntitle = \"pin\"\nkinds = [\"weak-pin\"]\nreason = \"bank\"\nexpires = 2027-01-01").unwrap();
        assert_eq!(f.rules[0].kinds, vec![ReasonCode::WeakPin]);
        assert_eq!(f.rules[0].expires, NaiveDate::from_ymd_opt(2027, 1, 1));
        let quoted =
            IgnoreFile::parse("[[ignore]]\nid = \"x\"\nreason = \"r\"\nexpires = \"2027-02-03\"")
                .unwrap();
        assert_eq!(quoted.rules[0].expires, NaiveDate::from_ymd_opt(2027, 2, 3));
    }
}
