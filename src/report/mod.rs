//! The report: plain data whose serde form *is* the JSON schema (documented in the README),
//! and its renderers. Renderers only read a [`Report`]; they never compute findings.
//!
//! Every string that came from a vault passes through [`crate::sanitize::sanitize`] when the
//! report is built, so no renderer can emit a terminal escape sequence from a crafted title.

use crate::analyze::Findings;
use crate::breach::Verdict;
pub use crate::finding::FailLevel;
use crate::model::{Entry, SkipReason, Timestamp};
use crate::rank::{AccountValue, RankedAccount, Reason, ReasonCode};
use crate::sanitize::sanitize;
use crate::vault::SourceInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod csv;
mod escape;
pub mod html;
pub mod markdown;
pub mod redact;
pub mod table;

/// Bumped on any incompatible change of the JSON form.
/// 2: `breach_source` names `corpus` and `cache-only`; `breach_count` only with
/// `--exact-counts`, `breach_bucket` always; `breach_incomplete`.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole audit result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Version of this schema.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// When the audit ran (UTC).
    pub generated_at: Timestamp,
    /// What breach source answered: `online`, `cache-only`, `corpus`, or `off` (schema 1 said
    /// `offline` for the corpus and `cache` for cache-only).
    pub breach_source: String,
    /// One per input vault, in command-line order.
    pub sources: Vec<SourceSummary>,
    /// Counts over all accounts.
    pub summary: Summary,
    /// Accounts to rotate, most urgent first.
    pub accounts: Vec<Account>,
    /// Accounts that share one password, near variants of one password, or one sign-in
    /// backend; each account lists the groups it is in (`Account::groups`).
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Present when a baseline was given: what it hid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<BaselineSummary>,
    /// Set when the breach check could not answer for every password: the cause(s), how
    /// many passwords are unchecked and the way out, in one line (also in `warnings`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub breach_incomplete: Option<String>,
    /// Non-fatal problems worth reading (expired ignores, unmatched queries, ...).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The incident date (`--since`), when one was given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub since: Option<chrono::NaiveDate>,
}

/// Name and version of the tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `credaudit`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

/// What was read from one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSummary {
    /// Path as given (`<stdin>` for `-`).
    pub name: String,
    /// Format name, as `--format` takes it.
    pub format: String,
    /// Logins with a password that were audited.
    pub logins: usize,
    /// Items not audited, by reason code.
    pub skipped: BTreeMap<String, usize>,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Logins audited, all sources.
    pub accounts_audited: usize,
    /// Rows in `accounts` with a finding (rows listed only as `unchecked` do not count).
    pub to_rotate: usize,
    /// Accounts whose password is in Pwned Passwords.
    pub breached: usize,
    /// Groups of accounts sharing one password.
    pub reuse_groups: usize,
    /// Accounts in a reuse group.
    pub reused_accounts: usize,
    /// Accounts whose password is a near variant of another's.
    pub variants: usize,
    /// Weak passwords (PINs included).
    pub weak: usize,
    /// Stale passwords (including unknown age when an age check was asked for).
    pub stale: usize,
    /// Passwords whose breach check could not be completed.
    pub unchecked: usize,
    /// Findings hidden by the ignore file.
    pub ignored: usize,
}

/// One account to rotate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// 1-based position in the ranked list.
    pub rank: usize,
    /// Stable id within its source (KDBX UUID, Bitwarden id, ... or `#position`).
    pub id: String,
    /// The key baselines and ignore rules know the account by: `id:ID` from the format's own
    /// id, else `site:DOMAIN|USERNAME|TITLE` (never the path as typed, never anything of the
    /// password); a repeat gets `#2`, `#3`, ... in source and file order.
    pub key: String,
    /// Source name, as in `sources`.
    pub source: String,
    /// Group / folder path joined with `/`.
    pub group: String,
    /// Title.
    pub title: String,
    /// Username.
    pub username: String,
    /// First URL, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// Account value class.
    pub value: AccountValue,
    /// Risk score (higher first; see the README for the formula).
    pub score: u32,
    /// Exact breach count of the current password: only with `--exact-counts`, because an
    /// exact count matches one line of the public corpus and so names the password.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub breach_count: Option<u64>,
    /// Order of magnitude of the breach count (`1,000+`), when checked and seen.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub breach_bucket: Option<String>,
    /// Why, most severe first.
    pub reasons: Vec<Reason>,
    /// What to do.
    pub action: String,
    /// Every source this account was read from, in command-line order (the same login in two
    /// sources is one account); the first is `source`.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Indexes into [`Report::groups`] of the groups this account is in.
    #[serde(default)]
    pub groups: Vec<usize>,
    /// Where the account stands in the plan.
    #[serde(default)]
    pub status: AccountStatus,
    /// The shared sign-in backend this site uses, when it shares one (`rakuten.co.jp`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sign_in: Option<String>,
    /// Where to change the password.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub change_password: Option<crate::data::ChangePasswordLink>,
    /// The site's two-factor support, when 2fa.directory lists it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub two_factor: Option<TwoFactor>,
    /// The site's passkey support, when the Passkeys Directory lists it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub passkey: Option<Passkey>,
    /// When the current password was set (UTC date; the entry's modification date where the
    /// format has no password change time), for the age picture of the HTML plan.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub password_set: Option<chrono::NaiveDate>,
}

/// Where an account stands in the rotation plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// To do.
    #[default]
    Rotate,
    /// The password changed after the incident date (`--since`): nothing left to do for it.
    Done,
    /// Listed only as stale: after everything else.
    StaleOnly,
}

/// What kind of link holds a group together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// The same current password.
    SamePassword,
    /// Near variants of one password.
    Variants,
    /// One login on several sites (a shared sign-in backend).
    SharedSignIn,
}

/// Accounts held together by one password or one login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// What links them.
    pub kind: GroupKind,
    /// Member accounts, by [`Account::key`], in rank order.
    pub members: Vec<String>,
    /// The shared password (or one of the variants) is in Pwned Passwords.
    pub breached: bool,
    /// A member matched `--compromised`.
    pub compromised: bool,
    /// Members whose password changed after `--since` (status `done`).
    pub rotated: usize,
}

/// A site's two-factor support (2fa.directory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactor {
    /// Methods the site offers.
    pub methods: Vec<crate::data::TwoFactorMethod>,
    /// The entry holds a one-time-password seed.
    pub enabled: bool,
    /// The setup page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub setup: Option<String>,
}

/// A site's passkey support (Passkeys Directory by 2factorauth, CC BY 4.0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passkey {
    /// Sign-in with a passkey instead of the password.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub passwordless: Option<crate::data::PasskeySupport>,
    /// A passkey as second factor.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mfa: Option<crate::data::PasskeySupport>,
    /// The setup page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub setup: Option<String>,
}

impl Account {
    /// True when the account has a finding, not just an unchecked breach verdict.
    pub fn needs_rotation(&self) -> bool {
        self.reasons.iter().any(|r| r.code.is_finding())
    }

    /// The key a baseline and an ignore file use for this account (see [`Account::key`]).
    pub fn key(&self) -> String {
        self.key.clone()
    }

    /// The key baselines of version 1 used: the source as typed and the entry id.
    pub fn path_key(&self) -> String {
        format!("{}#{}", self.source, self.id)
    }

    /// The account's name for humans: title, else URL, else id.
    pub fn display_name(&self) -> &str {
        if !self.title.is_empty() {
            &self.title
        } else if let Some(url) = &self.url {
            url
        } else {
            &self.id
        }
    }
}

/// What a baseline hid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// Findings already in the baseline, so not reported again.
    pub known: usize,
    /// Findings not in the baseline: the ones reported.
    pub new: usize,
    /// Baseline findings that no longer occur (fixed).
    pub fixed: usize,
}

impl Report {
    /// Builds the report from the pipeline's outputs.
    pub fn new(
        vaults: &[SourceInfo],
        entries: &[Entry],
        findings: &Findings,
        ranked: &[RankedAccount],
        breach_source: &str,
        generated_at: Timestamp,
    ) -> Self {
        let sources = vaults
            .iter()
            .map(|v| SourceSummary {
                name: sanitize(&v.name),
                format: v.format.name().to_owned(),
                logins: v.logins,
                skipped: v
                    .skipped
                    .iter()
                    .map(|(reason, n)| (skip_code(*reason).to_owned(), *n))
                    .collect(),
            })
            .collect::<Vec<_>>();
        let keys = account_keys(entries);
        let accounts = ranked
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let entry = entries.get(r.entry)?;
                let source = vaults
                    .get(entry.source)
                    .map(|v| v.name.as_str())
                    .unwrap_or("");
                let breach_count = match findings
                    .entries
                    .get(r.entry)
                    .and_then(|f| f.breach.as_ref())
                {
                    Some(Verdict::Seen(n)) => Some(*n),
                    _ => None,
                };
                Some(Account {
                    rank: i + 1,
                    id: sanitize(&entry.id.0),
                    key: keys.get(r.entry).cloned().unwrap_or_default(),
                    source: sanitize(source),
                    group: sanitize(&entry.group_path()),
                    title: sanitize(&entry.title),
                    username: sanitize(&entry.username),
                    url: entry.urls.first().map(|u| sanitize(u)),
                    value: r.value,
                    score: r.score,
                    breach_count,
                    breach_bucket: breach_count.map(count_bucket),
                    reasons: r
                        .reasons
                        .iter()
                        .map(|reason| Reason {
                            code: reason.code,
                            text: sanitize(&reason.text),
                        })
                        .collect(),
                    action: sanitize(&r.action),
                    sources: vec![sanitize(source)],
                    groups: Vec::new(),
                    status: AccountStatus::Rotate,
                    sign_in: None,
                    change_password: None,
                    two_factor: None,
                    passkey: None,
                    password_set: entry.password_set_at().map(|t| t.date_naive()),
                })
            })
            .collect::<Vec<_>>();
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "credaudit".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            generated_at,
            breach_source: breach_source.to_owned(),
            sources,
            summary: Summary::default(),
            accounts,
            groups: Vec::new(),
            baseline: None,
            breach_incomplete: None,
            warnings: Vec::new(),
            since: None,
        };
        report.summary = Summary::of(entries, findings, &report.accounts);
        report
    }

    /// Drops the exact breach counts (the buckets stay): the default, see `--exact-counts`.
    pub fn hide_exact_counts(&mut self) {
        for account in &mut self.accounts {
            account.breach_count = None;
        }
    }

    /// Keeps the first `n` accounts (the summary still counts all findings).
    pub fn truncate(&mut self, n: usize) {
        self.accounts.truncate(n);
    }

    /// Renumbers ranks after accounts were removed (ignores, baseline).
    pub fn renumber(&mut self) {
        for (i, account) in self.accounts.iter_mut().enumerate() {
            account.rank = i + 1;
        }
        self.summary.to_rotate = self.accounts.iter().filter(|a| a.needs_rotation()).count();
    }

    /// True when any reason in the report is at or above `level`.
    pub fn has_findings_at(&self, level: FailLevel) -> bool {
        self.accounts
            .iter()
            .flat_map(|a| &a.reasons)
            .any(|r| level.triggered_by(r.code))
    }

    /// True when some password could not be checked against the breach source.
    pub fn is_incomplete(&self) -> bool {
        self.summary.unchecked > 0
    }

    /// True when breach checks were turned off (`--breach off`): no breach count means
    /// anything then.
    pub fn breach_off(&self) -> bool {
        self.breach_source == "off"
    }

    /// Accounts listed only because their breach check is incomplete: the table and Markdown
    /// count them in one line instead of a row each.
    pub fn unchecked_only(&self) -> usize {
        self.accounts.iter().filter(|a| !a.needs_rotation()).count()
    }
}

impl Summary {
    fn of(entries: &[Entry], findings: &Findings, accounts: &[Account]) -> Self {
        let count = |pred: fn(&crate::analyze::EntryFindings) -> bool| {
            findings.entries.iter().filter(|ef| pred(ef)).count()
        };
        let is_weak = |code: ReasonCode| code.spec().fail_level == Some(FailLevel::Weak);
        Summary {
            accounts_audited: entries.len(),
            to_rotate: accounts.iter().filter(|a| a.needs_rotation()).count(),
            breached: count(|ef| matches!(ef.breach, Some(Verdict::Seen(_)))),
            reuse_groups: findings.reuse_groups.len(),
            reused_accounts: findings.reuse_groups.iter().map(|g| g.members.len()).sum(),
            variants: count(|ef| !ef.variants.is_empty()),
            weak: accounts
                .iter()
                .filter(|a| a.reasons.iter().any(|r| is_weak(r.code)))
                .count(),
            stale: count(|ef| ef.stale.is_some()),
            unchecked: count(|ef| matches!(ef.breach, Some(Verdict::Unchecked(_)))),
            ignored: 0,
        }
    }
}

/// The order of magnitude of a breach count, as reports show it: `1+`, `10+`, ..., `1,000+`,
/// `1,000,000+`. An exact count matches one line of the public corpus, so it would name the
/// password; a bucket holds thousands of them.
pub fn count_bucket(count: u64) -> String {
    let digits = count.max(1).ilog10() as usize;
    let mut text = String::from("1");
    // Digits still to write after this one decide where the thousands separators go.
    for remaining in (0..digits).rev() {
        if (remaining + 1) % 3 == 0 {
            text.push(',');
        }
        text.push('0');
    }
    text.push('+');
    text
}

/// The account key of every entry (see [`Account::key`]). Position-derived ids (`#3`, from
/// formats without ids) shift when entries are added above, so those accounts are known by
/// their registrable domain, username and title instead.
fn account_keys(entries: &[Entry]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    entries
        .iter()
        .map(|entry| {
            let id = &entry.id.0;
            let base = if id.is_empty() || id.starts_with('#') {
                let domain = entry
                    .urls
                    .iter()
                    .find_map(|u| crate::site::host_of(u))
                    .map(|host| crate::site::registrable_domain(&host).to_owned())
                    .unwrap_or_default();
                let norm = |s: &str| sanitize(s.trim()).to_lowercase();
                format!(
                    "site:{domain}|{}|{}",
                    norm(&entry.username),
                    norm(&entry.title)
                )
            } else {
                format!("id:{}", sanitize(id))
            };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}#{count}")
            }
        })
        .collect()
}

/// Stable code of a skip reason (as in the JSON `skipped` map).
pub fn skip_code(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Recycled => "recycled",
        SkipReason::NoPassword => "no-password",
        SkipReason::NotALogin => "not-a-login",
        SkipReason::Reference => "reference",
        SkipReason::Internal => "internal",
    }
}

named_enum! {
    /// Output formats (`-o/--output`). A new one does not compile until [`render`] has its arm.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum OutputFormat {
        #[default]
        Table = ("table", "Aligned, coloured table for a terminal"),
        Json = ("json", "The report as JSON (the schema in the README)"),
        Csv = ("csv", "One row per account"),
        Markdown = ("markdown", "A Markdown table for a ticket or a mail"),
        Html = ("html", "A self-contained HTML page: the plan as a checklist, with pictures"),
    }
}

/// How a renderer should style its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colours.
    pub color: bool,
    /// Terminal width to fit, if known.
    pub width: Option<usize>,
}

/// Renders `report` in `format`.
pub fn render(
    report: &Report,
    format: OutputFormat,
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Table => table::render(report, style, out),
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        OutputFormat::Csv => csv::render(report, out),
        OutputFormat::Markdown => markdown::render(report, out),
        OutputFormat::Html => html::render(report, out),
    }
}

/// The short labels of an account's reasons, most severe first, each once.
pub fn labels(account: &Account) -> Vec<&'static str> {
    let mut labels: Vec<&'static str> = Vec::new();
    for reason in &account.reasons {
        let label = reason.code.label();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

/// What the baseline hid, for the table and Markdown renderers.
pub fn baseline_line(b: &BaselineSummary) -> String {
    format!(
        "{} new, {} known (not shown), {} fixed",
        b.new, b.known, b.fixed
    )
}

/// The summary line shared by the table and Markdown renderers. With `--breach off` it says
/// so instead of "0 breached"; an incomplete check ends it with its cause and way out.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let breached = if report.breach_off() {
        "breach check off".to_owned()
    } else {
        format!("{} breached", s.breached)
    };
    let mut line = format!(
        "{} accounts audited, {} to rotate: {breached}, {} reuse groups ({} accounts), {} variants, {} weak, {} stale",
        s.accounts_audited,
        s.to_rotate,
        s.reuse_groups,
        s.reused_accounts,
        s.variants,
        s.weak,
        s.stale,
    );
    if let Some(incomplete) = &report.breach_incomplete {
        line.push_str(&format!("; breach check incomplete: {incomplete}"));
    }
    line
}

/// The line under the table / Markdown list for accounts whose only reason is `unchecked`.
pub fn unchecked_line(report: &Report) -> Option<String> {
    let n = report.unchecked_only();
    (n > 0).then(|| {
        let accounts = if n == 1 { "account" } else { "accounts" };
        format!(
            "unchecked: the breach check could not answer for {n} more {accounts} (not clean; each is listed in JSON and CSV)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::count_bucket;

    #[test]
    fn buckets_read_as_orders_of_magnitude() {
        let cases = [
            (0, "1+"),
            (9, "1+"),
            (10, "10+"),
            (999, "100+"),
            (1_000, "1,000+"),
            (12_345, "10,000+"),
            (2_330_564, "1,000,000+"),
        ];
        for (count, bucket) in cases {
            assert_eq!(count_bucket(count), bucket, "{count}");
        }
    }
}
