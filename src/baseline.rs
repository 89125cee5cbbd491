//! Baselines for cron: remember which findings were already reported, report only new ones.
//!
//! A baseline stores account keys (`source#id`), finding codes and, for breaches, an
//! order-of-magnitude bucket of the count: never a password, a hash or anything derived from
//! a password.
//!
//! An incomplete run does not rewrite history: the breach findings of an account whose breach
//! check could not answer this time carry over from the previous baseline (they are neither
//! "fixed" now nor "new" next time), and the `reused` such an account shows instead of
//! `reused-breached` is the same finding seen without its breach half.

use crate::model::Timestamp;
use crate::rank::ReasonCode;
use crate::report::{BaselineSummary, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// Version of the baseline file format. 2: accounts by [`Report`] account key (version 1 used
/// the vault path as typed and the entry id; it is read and migrated).
pub const BASELINE_VERSION: u32 = 2;

/// The findings known at one point in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// File format version.
    pub baseline_version: u32,
    /// When it was written.
    pub written_at: Timestamp,
    /// Known findings.
    pub findings: BTreeSet<KnownFinding>,
}

/// One known finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KnownFinding {
    /// The account's key (`id:...` or `site:...`; version 1: `source#id`).
    pub account: String,
    /// The finding's code.
    pub code: ReasonCode,
    /// For breaches: `1+`, `10+`, `100+`, ... so a jump in count is news again.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bucket: Option<String>,
}

/// A baseline that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// I/O.
    #[error("baseline {path}: {cause}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        cause: std::io::Error,
    },
    /// Not a baseline file.
    #[error(
        "baseline {path}: not a credaudit baseline ({detail}); delete it or write a new one with --update-baseline"
    )]
    Invalid {
        /// File.
        path: String,
        /// Parser message.
        detail: String,
    },
}

/// The report's bucket (`1,000+`) as baselines store it since version 1 (`1000+`).
fn stored_bucket(report_bucket: &str) -> String {
    report_bucket.replace(',', "")
}

fn findings_of(report: &Report) -> BTreeSet<KnownFinding> {
    let mut set = BTreeSet::new();
    for account in &report.accounts {
        for reason in &account.reasons {
            if let Some(f) = known(
                &account.key(),
                account.breach_bucket.as_deref(),
                reason.code,
            ) {
                set.insert(f);
            }
        }
    }
    set
}

/// The finding a breach-derived code shows as when the breach check could not answer.
fn without_breach(code: ReasonCode) -> Option<ReasonCode> {
    match code {
        ReasonCode::ReusedBreached => Some(ReasonCode::Reused),
        _ => None,
    }
}

/// Keys of the accounts whose breach check could not answer in this run.
fn unchecked_accounts(report: &Report) -> BTreeSet<String> {
    report
        .accounts
        .iter()
        .filter(|a| a.reasons.iter().any(|r| r.code == ReasonCode::Unchecked))
        .map(|a| a.key())
        .collect()
}

/// This run's findings as a baseline sees them: the previous baseline's breach findings of
/// accounts left unchecked carry over, and stand in for their breach-less forms.
fn effective_findings(report: &Report, previous: Option<&Baseline>) -> BTreeSet<KnownFinding> {
    let mut current = findings_of(report);
    let Some(previous) = previous else {
        return current;
    };
    let unchecked = unchecked_accounts(report);
    // Without the HIBP breach list this run, earlier `site-breached` findings stand.
    let site_list_missing = report.site_breaches_incomplete.is_some();
    let carried: Vec<&KnownFinding> = previous
        .findings
        .iter()
        .filter(|f| {
            (f.code.spec().breach_count && unchecked.contains(&f.account))
                || (site_list_missing && f.code == ReasonCode::SiteBreached)
        })
        .collect();
    for old in carried {
        if let Some(shown_as) = without_breach(old.code) {
            current.retain(|f| !(f.account == old.account && f.code == shown_as));
        }
        current.insert(old.clone());
    }
    current
}

fn known(account: &str, breach_bucket: Option<&str>, code: ReasonCode) -> Option<KnownFinding> {
    if !code.is_finding() {
        // Not a finding: it is reported every time until the check succeeds.
        return None;
    }
    let bucket = if code.spec().breach_count {
        breach_bucket.map(stored_bucket)
    } else {
        None
    };
    Some(KnownFinding {
        account: account.to_owned(),
        code,
        bucket,
    })
}

impl Baseline {
    /// Every finding of `report`, plus what `previous` knew that this run could not
    /// re-evaluate (see the module docs).
    pub fn from_report(report: &Report, now: Timestamp, previous: Option<&Baseline>) -> Self {
        Self {
            baseline_version: BASELINE_VERSION,
            written_at: now,
            findings: effective_findings(report, previous),
        }
    }

    /// Reads a baseline; a missing file is an empty baseline (the first cron run).
    pub fn load(path: &Path) -> Result<Option<Self>, BaselineError> {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => return Err(BaselineError::Io { path: name, cause }),
        };
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
                path: name.clone(),
                detail: e.to_string(),
            })?;
        if !(1..=BASELINE_VERSION).contains(&baseline.baseline_version) {
            return Err(BaselineError::Invalid {
                path: name,
                detail: format!(
                    "version {} is not {}",
                    baseline.baseline_version, BASELINE_VERSION
                ),
            });
        }
        Ok(Some(baseline))
    }

    /// A version 1 baseline with its accounts re-keyed by the accounts of `report` whose old
    /// key (path as typed + id) matches, and a note saying so once; others are as they were.
    pub fn migrated(&self, report: &Report) -> (Baseline, Option<String>) {
        if self.baseline_version == BASELINE_VERSION {
            return (self.clone(), None);
        }
        let keys: std::collections::HashMap<String, String> = report
            .accounts
            .iter()
            .map(|a| (a.path_key(), a.key()))
            .collect();
        let findings = self
            .findings
            .iter()
            .map(|f| KnownFinding {
                account: keys
                    .get(&f.account)
                    .cloned()
                    .unwrap_or_else(|| f.account.clone()),
                ..f.clone()
            })
            .collect();
        let note = "the baseline is from an older credaudit (accounts keyed by the vault path as typed): findings were matched where the path is the same, others show once as new; --update-baseline rewrites it keyed by account".to_owned();
        let migrated = Baseline {
            baseline_version: BASELINE_VERSION,
            written_at: self.written_at,
            findings,
        };
        (migrated, Some(note))
    }

    /// Fails now, before any vault is opened, when [`Self::save`] could not write `path`;
    /// creates its missing parent directories first (mode 0700).
    pub fn check_writable(path: &Path) -> Result<(), BaselineError> {
        crate::fsutil::create_private_parent(path)
            .and_then(|()| crate::fsutil::check_writable(path))
            .map_err(|cause| BaselineError::Io {
                path: path.display().to_string(),
                cause,
            })
    }

    /// Writes the baseline atomically, readable by the owner only.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let name = path.display().to_string();
        let io = |cause| BaselineError::Io {
            path: name.clone(),
            cause,
        };
        let json = serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        crate::fsutil::write_private_atomic(path, json.as_bytes()).map_err(io)
    }

    /// Keeps only findings not in the baseline; accounts left without a finding disappear
    /// (unless they still have an unchecked password). Fills `report.baseline`.
    pub fn apply(&self, report: &mut Report) {
        let current = effective_findings(report, Some(self));
        let mut summary = BaselineSummary {
            fixed: self.findings.difference(&current).count(),
            ..BaselineSummary::default()
        };
        for account in &mut report.accounts {
            let (key, count) = (account.key(), account.breach_bucket.as_deref());
            account
                .reasons
                .retain(|reason| match known(&key, count, reason.code) {
                    // Known, or the breach-less form of a known finding this run could not
                    // re-check (it is not in `current`, which holds the known one instead).
                    Some(f) if self.findings.contains(&f) || !current.contains(&f) => {
                        summary.known += 1;
                        false
                    }
                    Some(_) => {
                        summary.new += 1;
                        true
                    }
                    None => true,
                });
        }
        report.accounts.retain(|a| !a.reasons.is_empty());
        report.renumber();
        report.baseline = Some(summary);
    }
}

#[cfg(test)]
mod tests {
    use super::stored_bucket;
    use crate::report::count_bucket;

    #[test]
    fn stored_buckets_keep_the_version_1_spelling() {
        let stored = |n| stored_bucket(&count_bucket(n));
        assert_eq!(stored(1), "1+");
        assert_eq!(stored(9), "1+");
        assert_eq!(stored(10), "10+");
        assert_eq!(stored(3_861_493), "1000000+");
    }
}
