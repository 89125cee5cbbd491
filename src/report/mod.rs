//! The report: plain data whose serde form *is* the JSON schema (documented in the README),
//! and its renderers. Renderers only read a [`Report`]; they never compute findings.
//!
//! Every string that came from a vault passes through [`crate::sanitize::sanitize`] when the
//! report is built, so no renderer can emit a terminal escape sequence from a crafted title.

use crate::analyze::Findings;
pub use crate::analyze::groups::GroupKind;
use crate::breach::Verdict;
pub use crate::finding::FailLevel;
use crate::model::{Entry, SkipReason, Timestamp};
pub use crate::rank::AccountStatus;
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
mod sections;
pub mod table;

/// Bumped on any incompatible change of the JSON form.
/// 2: `breach_source` names `corpus` and `cache-only`; `breach_count` only with
/// `--exact-counts`, `breach_bucket` always; `breach_incomplete`.
/// 3: the rotation plan: `groups`, and per account `sources`, `groups`, `status`, `sign_in`,
/// `change_password` (and `two_factor`, `passkey`); `summary.done` and `summary.stale_only`;
/// the same login in several sources is one account; `accounts_audited` counts accounts.
pub const SCHEMA_VERSION: u32 = 3;

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
    /// Accounts to rotate, most urgent first; then the accounts already done (`--since`); then
    /// the stale-only ones. JSON always has all of them.
    pub accounts: Vec<Account>,
    /// Accounts that share one password, near variants of one password, or one sign-in
    /// backend; each account lists the groups it is in (`Account::groups`). Ordered by their
    /// best-ranked member.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Present when a baseline was given: what it hid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<BaselineSummary>,
    /// Set when the breach check could not answer for every password: the cause(s), how
    /// many passwords are unchecked and the way out, in one line (also in `warnings`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub breach_incomplete: Option<String>,
    /// Set when the HIBP breach list (site-breach check) could not be fetched or only an
    /// out-of-date copy was at hand: the cause and the way out (also in `warnings`); the run
    /// is incomplete (exit 4 or 5).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub site_breaches_incomplete: Option<String>,
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
    /// Accounts audited, all sources (the same login in several sources counts once).
    pub accounts_audited: usize,
    /// Rows in `accounts` with status `rotate` and a finding (rows listed only as `unchecked`
    /// do not count).
    pub to_rotate: usize,
    /// Rows with status `done`: rotated since `--since`, nothing left to change.
    #[serde(default)]
    pub done: usize,
    /// Rows with status `stale-only`: their only finding is their age.
    #[serde(default)]
    pub stale_only: usize,
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
    /// For a hidden field audited as a secret of its own (KDBX protected custom string,
    /// Bitwarden hidden field, 1PUX concealed field): the field's name. The account is then
    /// that field of the entry `title` names, not its login password.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    /// When the current password was set (UTC date; the entry's modification date where the
    /// format has no password change time), for the age picture of the HTML plan.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub password_set: Option<chrono::NaiveDate>,
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
    /// For a `shared-sign-in` group: the backend whose login the sites use (`rakuten.co.jp`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sign_in: Option<String>,
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

    /// The account's name for humans: title, else URL, else id; a hidden field adds
    /// `(field NAME)`.
    pub fn display_name(&self) -> String {
        let base = if !self.title.is_empty() {
            &self.title
        } else if let Some(url) = &self.url {
            url
        } else {
            &self.id
        };
        match &self.field {
            Some(name) => format!("{base} (field {name})"),
            None => base.clone(),
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
    /// Builds the report from the pipeline's outputs. `sources_of` gives, per entry, every
    /// source it was read from ([`crate::plan::Merged::sources`]); an entry it does not cover
    /// has its own source only.
    pub fn new(
        vaults: &[SourceInfo],
        entries: &[Entry],
        sources_of: &[Vec<usize>],
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
        let keys = crate::plan::account_keys(entries);
        let source_names: Vec<String> = vaults.iter().map(|v| sanitize(&v.name)).collect();
        let accounts = ranked
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let entry = entries.get(r.entry)?;
                let source_name = |s: usize| source_names.get(s).cloned().unwrap_or_default();
                let source = source_name(entry.source);
                let all_sources = match sources_of.get(r.entry) {
                    Some(list) if !list.is_empty() => {
                        list.iter().map(|&s| source_name(s)).collect()
                    }
                    _ => vec![source.clone()],
                };
                let host = entry.first_host();
                let breach_count = match findings
                    .entries
                    .get(r.entry)
                    .and_then(|f| f.breach.as_ref())
                {
                    Some(Verdict::Seen(n)) => Some(*n),
                    _ => None,
                };
                let site = findings.entries.get(r.entry);
                Some(Account {
                    rank: i + 1,
                    id: sanitize(&entry.id.0),
                    key: keys.get(r.entry).cloned().unwrap_or_default(),
                    source,
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
                    sources: all_sources,
                    groups: Vec::new(),
                    status: r.status,
                    sign_in: host
                        .and_then(crate::data::backend_of)
                        .map(|b| b.name.to_owned()),
                    change_password: host.and_then(crate::data::change_password_link),
                    field: entry.field.as_deref().map(sanitize),
                    two_factor: site.and_then(|f| f.two_factor).map(|t| TwoFactor {
                        methods: t.site.methods.to_vec(),
                        enabled: t.enabled,
                        setup: t.site.documentation.map(str::to_owned),
                    }),
                    passkey: site.and_then(|f| f.passkey).map(|p| Passkey {
                        passwordless: p.passwordless,
                        mfa: p.mfa,
                        setup: p.documentation.map(str::to_owned),
                    }),
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
            site_breaches_incomplete: None,
            warnings: Vec::new(),
            since: None,
        };
        report.groups = groups(findings, ranked, &mut report.accounts);
        add_progress(&mut report, findings.since);
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
        self.summary.to_rotate = to_rotate(&self.accounts);
        self.summary.done = count_status(&self.accounts, AccountStatus::Done);
        self.summary.stale_only = count_status(&self.accounts, AccountStatus::StaleOnly);
    }

    /// True when any reason in the report is at or above `level`. Accounts already done
    /// (`--since`) do not count: their reasons are history (a takeover already dealt with).
    pub fn has_findings_at(&self, level: FailLevel) -> bool {
        self.accounts
            .iter()
            .filter(|a| a.status != AccountStatus::Done)
            .flat_map(|a| &a.reasons)
            .any(|r| level.triggered_by(r.code))
    }

    /// True when some password could not be checked against the breach source.
    pub fn is_incomplete(&self) -> bool {
        self.summary.unchecked > 0 || self.site_breaches_incomplete.is_some()
    }

    /// True when breach checks were turned off (`--breach off`): no breach count means
    /// anything then.
    pub fn breach_off(&self) -> bool {
        self.breach_source == "off"
    }

    /// Accounts listed only because their breach check is incomplete: the table and Markdown
    /// count them in one line instead of a row each.
    pub fn unchecked_only(&self) -> usize {
        self.accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Rotate && !a.needs_rotation())
            .count()
    }
}

fn to_rotate(accounts: &[Account]) -> usize {
    accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Rotate && a.needs_rotation())
        .count()
}

fn count_status(accounts: &[Account], status: AccountStatus) -> usize {
    accounts.iter().filter(|a| a.status == status).count()
}

/// The report's groups: the analysis groups in account keys, ordered by their best-ranked
/// member (then kind), members in rank order; members without a row (excluded entries) are
/// left out, and a group left with fewer than two is dropped. Fills [`Account::groups`].
fn groups(findings: &Findings, ranked: &[RankedAccount], accounts: &mut [Account]) -> Vec<Group> {
    let mut position: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (pos, r) in ranked.iter().enumerate() {
        position.insert(r.entry, pos);
    }
    let mut out: Vec<(usize, Group)> = Vec::new();
    let mut rows_of: Vec<Vec<usize>> = Vec::new();
    for group in &findings.groups {
        let mut rows: Vec<usize> = group
            .members
            .iter()
            .filter_map(|m| position.get(m).copied())
            .filter(|&p| p < accounts.len())
            .collect();
        rows.sort_unstable();
        let Some(&best) = rows.first() else { continue };
        if rows.len() < 2 {
            continue;
        }
        let finding = |m: &usize| findings.entries.get(*m);
        out.push((
            best,
            Group {
                kind: group.kind,
                members: rows.iter().map(|&p| accounts[p].key.clone()).collect(),
                breached: group
                    .members
                    .iter()
                    .filter_map(finding)
                    .any(|f| matches!(f.breach, Some(Verdict::Seen(_)))),
                compromised: group
                    .members
                    .iter()
                    .filter_map(finding)
                    .any(|f| f.compromised),
                rotated: rows
                    .iter()
                    .filter(|&&p| accounts[p].status == AccountStatus::Done)
                    .count(),
                sign_in: (group.kind == GroupKind::SharedSignIn)
                    .then(|| group.members.first().and_then(finding))
                    .flatten()
                    .and_then(|f| f.sign_in)
                    .and_then(|g| findings.sign_ins.get(g))
                    .map(|s| s.backend.name.to_owned()),
            },
        ));
        rows_of.push(rows);
    }
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&g| (out[g].0, out[g].1.kind));
    let mut groups = Vec::with_capacity(out.len());
    for (new_index, &g) in order.iter().enumerate() {
        for &p in &rows_of[g] {
            accounts[p].groups.push(new_index);
        }
        groups.push(out[g].1.clone());
    }
    for account in accounts.iter_mut() {
        account.groups.sort_unstable();
    }
    groups
}

/// "1 of 4 linked accounts rotated since DATE", after the sharing reason of every account still
/// to rotate in a same-password group where someone already rotated.
fn add_progress(report: &mut Report, since: Option<Timestamp>) {
    let Some(since) = since else { return };
    let day = since.format("%Y-%m-%d");
    for account in &mut report.accounts {
        if account.status != AccountStatus::Rotate {
            continue;
        }
        let progress = account.groups.iter().find_map(|&g| {
            let group = report.groups.get(g)?;
            (group.kind == GroupKind::SamePassword && group.rotated > 0).then(|| {
                format!(
                    "; {} of {} linked accounts rotated since {day}",
                    group.rotated,
                    group.members.len()
                )
            })
        });
        let Some(progress) = progress else { continue };
        let sharing = account.reasons.iter_mut().find(|r| {
            matches!(
                r.code,
                ReasonCode::ExposedByCompromise
                    | ReasonCode::ReusedBreached
                    | ReasonCode::Reused
                    | ReasonCode::RotatedAwayReuse
            )
        });
        if let Some(reason) = sharing {
            reason.text.push_str(&progress);
        }
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
            to_rotate: to_rotate(accounts),
            done: count_status(accounts, AccountStatus::Done),
            stale_only: count_status(accounts, AccountStatus::StaleOnly),
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
    /// List every account (`--all`): the table and Markdown otherwise count the stale-only
    /// accounts in the summary instead of a row each (JSON and CSV always list all).
    pub all: bool,
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
        OutputFormat::Markdown => markdown::render(report, style.all, out),
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
    if s.done > 0 {
        line.push_str(&format!(", {} done since the incident date", s.done));
    }
    if s.stale_only > 0 {
        line.push_str(&format!(", {} stale only", s.stale_only));
    }
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
