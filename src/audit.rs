//! The audit as one library call: entries in, the finished report out.
//!
//! [`run`] is the whole pipeline after reading: merge the same login read from several sources
//! into one account ([`crate::plan`]) -> analyse -> rank -> report, then the policy a
//! cron job relies on, in this order: warnings, ignore rules, the new baseline (taken before the
//! old one filters the report, so it holds every finding), the old baseline, the exit facts
//! (on what is still reported), and last `--top` (display only: it never changes the exit code).
//!
//! Loading the ignore file and the baseline, and checking that the files to write can be
//! written, are the caller's job *before* any vault is opened, so a typo fails before the
//! master-password prompt and the key derivation.

use crate::analyze;
use crate::baseline::Baseline;
use crate::breach::{BreachSource, Progress, Verdict};
use crate::finding::FailLevel;
use crate::ignore::IgnoreFile;
use crate::model::Entry;
use crate::rank::{self, Policy};
use crate::report::Report;
use crate::vault::SourceInfo;
use std::collections::{BTreeMap, HashSet};

/// Everything [`run`] needs besides the entries and the breach source.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The analyzers' settings (including "now", fixed once per run).
    pub analysis: analyze::Settings,
    /// The ranking policy.
    pub policy: Policy,
    /// Accepted findings, already loaded and validated.
    pub ignores: Option<IgnoreFile>,
    /// The previous baseline: findings in it are not reported again.
    pub baseline: Option<Baseline>,
    /// Also return the baseline of this run, to be written by the caller.
    pub update_baseline: bool,
    /// The least severe finding that counts for [`AuditOutcome::has_findings`].
    pub fail_on: FailLevel,
    /// Keep only the first N accounts of the report.
    pub top: Option<usize>,
    /// Keep exact breach counts in the report (`--exact-counts`); else only their buckets.
    pub exact_counts: bool,
}

/// Where breach answers come from: `None` when breach checks are off.
#[derive(Clone, Copy)]
pub struct Breach<'a> {
    /// The source.
    pub source: Option<&'a dyn BreachSource>,
    /// How the report names it (`online`, `cache-only`, `corpus`, `off`).
    pub name: &'a str,
}

/// The result of an audit: the report to render and the facts the exit code is made of.
#[derive(Clone, Debug)]
pub struct AuditOutcome {
    /// The finished report (ignores, baseline and `--top` applied; warnings included).
    pub report: Report,
    /// The baseline to write, with `update_baseline`.
    pub baseline_to_write: Option<Baseline>,
    /// Some reported finding is at or above `fail_on`.
    pub has_findings: bool,
    /// Some password could not be checked against the breach source.
    pub incomplete: bool,
}

/// Runs the audit over entries already read (`sources` indexes `entries[..].source`).
pub fn run(
    sources: &[SourceInfo],
    entries: &[Entry],
    breach: Breach<'_>,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> AuditOutcome {
    let now = options.analysis.now;
    // One account is one account: the same login read from several sources is merged here,
    // before any analyzer (see `crate::plan`).
    let merged = crate::plan::merge_same_logins(entries);
    let entries = &merged.entries[..];
    let findings = analyze::run(entries, breach.source, &options.analysis, progress);
    let ranked = rank::rank(entries, &findings, &options.policy);
    let mut report = Report::new(
        sources,
        entries,
        &merged.sources,
        &findings,
        &ranked,
        breach.name,
        now,
    );
    report.since = options.analysis.since.map(|t| t.date_naive());
    for source in sources {
        let name = crate::sanitize::sanitize(&source.name);
        report
            .warnings
            .extend(source.warnings.iter().map(|w| format!("{name}: {w}")));
    }
    if !options.exact_counts {
        report.hide_exact_counts();
    }
    if let Some(line) = breach_incomplete(entries, &findings, breach.name) {
        report
            .warnings
            .push(format!("breach check incomplete: {line}"));
        report.breach_incomplete = Some(line);
    }
    if let Some(why) = options
        .analysis
        .site_breaches
        .as_ref()
        .and_then(|list| list.incomplete.clone())
    {
        report
            .warnings
            .push(format!("site breach check incomplete: {why}"));
        report.site_breaches_incomplete = Some(why);
    }

    if !findings.variants_complete {
        report.warnings.push(format!(
            "near-variant check stopped after {} comparisons (a vault of unusually many look-alike long passwords): some near variants may be missing",
            analyze::variants::EDIT_CHECK_BUDGET
        ));
    }
    for error in &findings.compromised_errors {
        report.warnings.push(error.to_string());
    }
    if let Some(ignores) = &options.ignores {
        let outcome = ignores.apply(&mut report, now.date_naive());
        report.warnings.extend(outcome.warnings);
    }
    let previous = options.baseline.as_ref().map(|old| {
        let (migrated, note) = old.migrated(&report);
        report.warnings.extend(note);
        migrated
    });
    let baseline_to_write = options
        .update_baseline
        .then(|| Baseline::from_report(&report, now, previous.as_ref()));
    if let Some(baseline) = &previous {
        baseline.apply(&mut report);
    }
    let has_findings = report.has_findings_at(options.fail_on);
    let incomplete = report.is_incomplete();
    if let Some(top) = options.top {
        report.truncate(top);
    }
    AuditOutcome {
        report,
        baseline_to_write,
        has_findings,
        incomplete,
    }
}

/// Resolves the `--compromised` queries against the accounts of a run (the same login in
/// several sources merged first, as [`run`] does), before the audit: one line per query
/// saying what it matched, for the binary to print, or the first query that cannot be used
/// (no match, ambiguous, empty), for exit 2.
pub fn check_compromised(
    entries: &[Entry],
    queries: &[String],
) -> Result<Vec<String>, analyze::blast::QueryError> {
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let merged = crate::plan::merge_same_logins(entries);
    let entries = &merged.entries[..];
    let keys = crate::plan::account_keys(entries);
    let sign_ins = crate::plan::sign_ins(entries);
    let mut lines = Vec::new();
    for query in queries {
        let matched = analyze::blast::match_query(entries, &keys, query)?;
        let how = match &matched.by {
            analyze::blast::MatchedBy::Id => "id".to_owned(),
            analyze::blast::MatchedBy::Site(site) => format!("site {site}"),
            analyze::blast::MatchedBy::Title => "title".to_owned(),
        };
        let mut names: Vec<String> = matched
            .entries
            .iter()
            .filter_map(|&i| entries.get(i))
            .map(|e| analyze::blast::describe(e, None))
            .collect();
        for &i in &matched.entries {
            let Some(group) = sign_ins.of_entry.get(i).copied().flatten() else {
                continue;
            };
            let Some(sign_in) = sign_ins.groups.get(group) else {
                continue;
            };
            for &m in &sign_in.members {
                if !matched.entries.contains(&m)
                    && let Some(e) = entries.get(m)
                {
                    names.push(format!(
                        "{} (same login, {} backend)",
                        analyze::blast::describe(e, None),
                        sign_in.backend.name
                    ));
                }
            }
        }
        lines.push(format!(
            "--compromised {:?} matched by {how}: {}",
            matched.query,
            names.join(", ")
        ));
    }
    Ok(lines)
}

/// No login was read from any source: nothing was audited, so there is no report to give.
#[derive(Debug, thiserror::Error)]
#[error(
    "nothing to audit: no login with a password in {0} (an empty export, or not the format it was read as? see `credaudit formats` and --format)"
)]
pub struct NothingToAudit(String);

/// Refuses a run that read no login at all: an empty export, a header-only CSV or a file
/// misdetected as a format it is not would otherwise give a clean report. A source without a
/// login beside others that have some is only a warning (returned, for the caller to print).
pub fn check_not_empty(sources: &[SourceInfo]) -> Result<Vec<String>, NothingToAudit> {
    let describe = |s: &SourceInfo| {
        let skipped: usize = s.skipped.values().sum();
        format!(
            "{} (read as {}; {skipped} other items)",
            crate::sanitize::sanitize(&s.name),
            s.format
        )
    };
    let empty: Vec<String> = sources
        .iter()
        .filter(|s| s.logins == 0)
        .map(describe)
        .collect();
    if empty.len() == sources.len() {
        return Err(NothingToAudit(empty.join(", ")));
    }
    Ok(empty
        .into_iter()
        .map(|source| format!("no login with a password in {source}"))
        .collect())
}

/// One line for an incomplete breach check: the cause (the most frequent first, when several),
/// how many distinct passwords are unchecked, and the way out for this source.
fn breach_incomplete(
    entries: &[Entry],
    findings: &analyze::Findings,
    source_name: &str,
) -> Option<String> {
    let mut passwords: HashSet<&str> = HashSet::new();
    let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
    for (entry, found) in entries.iter().zip(&findings.entries) {
        if let Some(Verdict::Unchecked(why)) = &found.breach
            && passwords.insert(entry.password.expose())
        {
            *causes.entry(why.as_str()).or_default() += 1;
        }
    }
    if passwords.is_empty() {
        return None;
    }
    let mut causes: Vec<(&str, usize)> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    const SHOWN: usize = 3;
    let cause = match causes.as_slice() {
        [(only, _)] => (*only).to_owned(),
        many => {
            let mut parts: Vec<String> = many
                .iter()
                .take(SHOWN)
                .map(|(cause, n)| format!("{cause} ({n})"))
                .collect();
            if many.len() > SHOWN {
                parts.push(format!("{} other causes", many.len() - SHOWN));
            }
            parts.join(", ")
        }
    };
    let count = passwords.len();
    let noun = if count == 1 { "password" } else { "passwords" };
    let way_out = match source_name {
        "online" => "use --hibp-file, or --breach off",
        "cache-only" => "run with --breach online to fill the cache, or use --hibp-file",
        _ => "re-run credaudit corpus index on the corpus, or --breach off",
    };
    Some(format!("{cause}; {count} {noun} unchecked ({way_out})"))
}
