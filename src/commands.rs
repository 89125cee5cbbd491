//! One function per subcommand. `audit` reads as the pipeline: read -> analyse -> rank ->
//! report -> exit code; every stage is a library call.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::Exit;
use crate::cli::{
    AuditArgs, CheckArgs, CheckVaultOptions, Cli, ConfigArgs, CorpusCommand, DataArgs,
};
use crate::settings::{self, PasswordSource, Settings};
use crate::{sources, terminal};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::CommandFactory;
use credaudit::audit::{self, AuditOptions};
use credaudit::baseline::Baseline;
use credaudit::breach::{BreachSource, Sha1Hash, Verdict};
use credaudit::ignore::IgnoreFile;
use credaudit::model::{Entry, Format};
use credaudit::report::{self, Report, Style};
use credaudit::secret::Secret;
use credaudit::vault::{self, FormatError, Input, ReadOptions, SourceInfo, Vault};
use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// `credaudit audit`: validate everything cheap, read the vaults, run the audit, print.
pub fn audit(cli: &Cli, args: &AuditArgs) -> Result<Exit> {
    let (config, config_file) = settings::load_config(cli.config.as_ref())?;
    let settings = settings::resolve(&args.options, config, config_file, cli.color, cli.quiet)?;
    let inputs = inputs(&args.vaults, &settings)?;
    // Everything that can fail without the vault fails here, before the password prompt.
    let options = audit_options(&settings, now()?)?;
    if settings.compromised.iter().any(|q| q.trim().is_empty()) {
        return Err(credaudit::analyze::blast::QueryError::Empty.into());
    }
    let (breach, breach_name) = sources::open(&settings.breach)?;
    let site_breach_list = sources::site_breach_list(&settings.breach)?;

    if !settings.skip.contains(&credaudit::config::SkipCheck::Weak) {
        // zxcvbn's one-off set-up runs on a spare core while the vault is read (and its key
        // derived), not at the start of the scoring. Best effort: without the thread, the
        // first scored password pays for it as before.
        let _ = std::thread::Builder::new().spawn(credaudit::analyze::strength::warm_up);
    }
    let status = terminal::Status::new(settings.breach.progress);
    let vaults = read_vaults(&inputs, &settings, &status)?;
    let mut options = options;
    for vault in &vaults {
        options
            .analysis
            .personal
            .extend(vault.personal.iter().cloned());
    }
    let (sources, entries) = vault::flatten(vaults);
    status_sources(&sources, settings.output.quiet);
    refuse_empty(&sources)?;
    // A typo or an ambiguous --compromised stops here, before the breach check (exit 2).
    for line in audit::check_compromised(&entries, &settings.compromised)? {
        if !settings.output.quiet {
            eprintln!("credaudit: {line}");
        }
    }
    options.analysis.site_breaches = site_breach_list.finish().map(Arc::new);

    let outcome = {
        let _analysing = status.spinner_after(
            Duration::from_secs(1),
            format!("analysing {} accounts", entries.len()),
        );
        let breach = audit::Breach {
            source: breach.as_deref(),
            name: breach_name,
        };
        let bar = status.bar("checking Pwned Passwords");
        // No bar at all when there is no breach check (`--breach off`).
        let progress: &dyn credaudit::breach::Progress = match breach.source {
            Some(_) => &bar,
            None => &credaudit::breach::NoProgress,
        };
        audit::run(&sources, &entries, breach, &options, progress)
    };

    write_report(&outcome.report, &settings)?;
    if let (Some(baseline), Some(path)) = (&outcome.baseline_to_write, &settings.baseline) {
        baseline.save(path)?;
    }
    Ok(Exit::of(outcome.has_findings, outcome.incomplete))
}

/// The audit's policy, with the ignore file and baseline loaded and the files to write checked.
fn audit_options(settings: &Settings, now: chrono::DateTime<Utc>) -> Result<AuditOptions> {
    let ignores = settings
        .ignore_file
        .as_deref()
        .map(IgnoreFile::load)
        .transpose()?;
    let baseline = match &settings.baseline {
        Some(path) => {
            if settings.update_baseline {
                Baseline::check_writable(path)?;
            }
            Baseline::load(path)?
        }
        None => None,
    };
    if let Some(path) = &settings.output.file {
        check_writable(path)?;
    }
    let mut analysis = settings.analysis(now);
    if let Some(path) = &settings.personal_words {
        analysis.personal = credaudit::analyze::personal::load_words(path)?;
    }
    Ok(AuditOptions {
        analysis,
        policy: settings.policy(),
        ignores,
        baseline,
        update_baseline: settings.update_baseline,
        fail_on: settings.output.fail_on,
        top: settings.output.top,
        exact_counts: settings.output.exact_counts,
    })
}

/// The report file's directory accepts it (same message as a failed write).
fn check_writable(path: &Path) -> Result<()> {
    credaudit::fsutil::check_writable(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// "Now", fixed once per run. `CREDAUDIT_NOW` (RFC 3339 or YYYY-MM-DD) pins it, so a report can
/// be reproduced as of a date (and snapshot tests stay stable).
fn now() -> Result<chrono::DateTime<Utc>> {
    let Ok(text) = std::env::var("CREDAUDIT_NOW") else {
        return Ok(Utc::now());
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&text) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .with_context(|| format!("CREDAUDIT_NOW={text:?} is neither RFC 3339 nor YYYY-MM-DD"))
}

/// Checks the operands: at most one `-`, and not together with `--password-stdin`.
fn inputs(operands: &[String], settings: &Settings) -> Result<Vec<Input>> {
    let inputs: Vec<Input> = operands.iter().map(|a| Input::from_arg(a)).collect();
    let stdin_count = inputs.iter().filter(|i| matches!(i, Input::Stdin)).count();
    if stdin_count > 1 {
        bail!("'-' (stdin) can be given only once");
    }
    if stdin_count == 1 && matches!(settings.password, PasswordSource::Stdin) {
        bail!(
            "--password-stdin cannot be used when the vault itself is read from stdin ('-'); use --password-env NAME"
        );
    }
    if let PasswordSource::Env(name) = &settings.password
        && std::env::var_os(name).is_none()
    {
        bail!("environment variable {name} (from --password-env) is not set");
    }
    Ok(inputs)
}

/// Stage 1: read every vault; the first failure stops the run (exit 2). Readers ask for the
/// password right before they derive the key, so "unlocking NAME" runs from the answer until
/// the reader returns.
fn read_vaults(
    inputs: &[Input],
    settings: &Settings,
    status: &terminal::Status,
) -> Result<Vec<Vault>> {
    let mut stdin_password: Option<Option<Secret>> = None;
    let unlocking: RefCell<Option<terminal::Spinner>> = RefCell::new(None);
    let mut password = |name: &str| -> Result<Option<Secret>, FormatError> {
        let answer = password_for(name, &settings.password, &mut stdin_password)?;
        if answer.is_some() {
            let label = format!("unlocking {}...", credaudit::sanitize::sanitize(name));
            *unlocking.borrow_mut() = Some(status.spinner_after(Duration::ZERO, label));
        }
        Ok(answer)
    };
    let mut options = ReadOptions {
        format: settings.format,
        key_file: settings.key_file.clone(),
        password: &mut password,
        include_recycled: settings.include_recycled,
    };
    if !settings.output.quiet
        && let Some(note) = terminal::swap_note()
    {
        eprintln!("{note}");
    }
    let mut vaults = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let read = vault::read_limited(input, index, &mut options, &settings.limits);
        unlocking.borrow_mut().take();
        // Its warnings travel in the report (stderr and JSON `warnings`).
        vaults.push(read?);
    }
    Ok(vaults)
}

/// The master / export password for `name`, from where the settings say.
fn password_for(
    name: &str,
    source: &PasswordSource,
    stdin_password: &mut Option<Option<Secret>>,
) -> Result<Option<Secret>, FormatError> {
    match source {
        PasswordSource::Env(var) => Ok(std::env::var(var).ok().map(Secret::new)),
        PasswordSource::Stdin => {
            if stdin_password.is_none() {
                let line = terminal::read_password_line().map_err(|e| {
                    FormatError::Invalid(format!("cannot read the password from stdin: {e}"))
                })?;
                *stdin_password = Some(line);
            }
            Ok(stdin_password.clone().flatten())
        }
        PasswordSource::Prompt => Ok(terminal::prompt_password(&format!("Password for {name}: "))),
    }
}

/// Refuses a run that read no login (exit 2); warns about a source with none beside others.
fn refuse_empty(sources: &[SourceInfo]) -> Result<()> {
    for warning in audit::check_not_empty(sources)? {
        eprintln!("credaudit: warning: {warning}");
    }
    Ok(())
}

/// What was read, per source, on stderr (the report itself goes to stdout).
fn status_sources(sources: &[SourceInfo], quiet: bool) {
    if quiet {
        return;
    }
    for s in sources {
        let skipped: usize = s.skipped.values().sum();
        let mut line = format!(
            "credaudit: read {} ({}): {} logins",
            credaudit::sanitize::sanitize(&s.name),
            s.format,
            s.logins
        );
        if skipped > 0 {
            let parts: Vec<String> = s
                .skipped
                .iter()
                .map(|(r, n)| format!("{n} {}", r.describe()))
                .collect();
            line.push_str(&format!("; skipped {skipped}: {}", parts.join(", ")));
        }
        eprintln!("{line}");
    }
}

/// Stage 5: render to stdout or the output file; with `--quiet`, nothing when nothing to say.
fn write_report(report: &Report, settings: &Settings) -> Result<()> {
    let out = &settings.output;
    if out.quiet && report.accounts.is_empty() && report.warnings.is_empty() {
        return Ok(());
    }
    if !out.quiet {
        for warning in &report.warnings {
            // The incomplete breach check is the run's headline, not a side remark.
            if warning.starts_with("breach check incomplete: ") {
                eprintln!("credaudit: {warning}");
            } else {
                eprintln!("credaudit: warning: {warning}");
            }
        }
    }
    let style = Style {
        color: out.color,
        width: out.width,
        all: out.all,
    };
    let mut buffer = Vec::new();
    if out.redact.is_empty() {
        report::render(report, out.format, style, &mut buffer)?;
    } else {
        let mut redacted = report.clone();
        report::redact::redact(&mut redacted, &out.redact);
        report::render(&redacted, out.format, style, &mut buffer)?;
    }
    match &out.file {
        Some(path) => credaudit::fsutil::write_private_atomic(path, &buffer)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&buffer)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// `credaudit check`: strength and breach count of one candidate password.
pub fn check(cli: &Cli, args: &CheckArgs) -> Result<Exit> {
    let (config, _) = settings::load_config(cli.config.as_ref())?;
    let breach_settings = settings::resolve_breach(&args.breach, &config, cli.quiet)?;
    let min_score = args.min_score.or(config.min_score).unwrap_or(3);
    // A mistyped --hibp-file, or a vault that does not open, fails before the user types the
    // candidate.
    let (breach, _) = sources::open(&breach_settings)?;
    let vault_entries = read_check_vaults(&args.vault)?;
    let candidate = if std::io::stdin().is_terminal() {
        terminal::prompt_password("Candidate password: ")
    } else {
        terminal::read_password_line()?
    };
    let Some(candidate) = candidate.filter(|c| !c.is_empty()) else {
        bail!("no password given: type it at the prompt or pipe it on stdin");
    };
    // A borrowed prefix (same 100-character cap as the audit), so no unwiped copy is made.
    let entropy = zxcvbn::zxcvbn(
        credaudit::analyze::strength::truncated(candidate.expose()),
        &[],
    );
    let score = u8::from(entropy.score());
    let verdict = breach.as_deref().map(|source: &dyn BreachSource| {
        source
            .lookup(&[Sha1Hash::of(&candidate)], &credaudit::breach::NoProgress)
            .pop()
    });
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "strength: {score}/4 (about 10^{:.1} guesses)",
        entropy.guesses_log10()
    )?;
    if let Some(feedback) = entropy.feedback() {
        if let Some(warning) = feedback.warning() {
            let advice = credaudit::analyze::strength::advice(warning);
            writeln!(out, "warning: {advice}")?;
        }
        for suggestion in feedback.suggestions() {
            writeln!(out, "suggestion: {suggestion}")?;
        }
    }
    let breach = match verdict.flatten() {
        None => {
            writeln!(out, "breach: not checked (--breach off)")?;
            CandidateBreach::Off
        }
        Some(Verdict::Seen(n)) => {
            let count = credaudit::report::count_bucket(n);
            writeln!(
                out,
                "breach: seen {count} times in Pwned Passwords: never use it"
            )?;
            CandidateBreach::Seen
        }
        Some(Verdict::NotSeen) => {
            writeln!(out, "breach: not found in Pwned Passwords")?;
            CandidateBreach::NotSeen
        }
        Some(Verdict::Unchecked(reason)) => {
            writeln!(out, "breach: could not be checked: {reason}")?;
            CandidateBreach::Unchecked
        }
    };
    let mut in_vault = false;
    if let Some(entries) = &vault_entries {
        let matches = vault_matches(candidate.expose(), entries);
        in_vault = !matches.is_empty();
        writeln!(out, "vault: {}", vault_line(&matches, entries))?;
    }
    let weak = score < min_score;
    let breached = breach == CandidateBreach::Seen;
    let unchecked = breach == CandidateBreach::Unchecked;
    // "ok to use" only when every check that was asked for answered.
    let verdict_line = if breached || weak || in_vault {
        "do not use this password"
    } else if unchecked {
        "unknown: the breach check could not answer (see above); check again online or with --hibp-file"
    } else if breach == CandidateBreach::Off {
        "strong enough, but not checked against breaches (--breach off)"
    } else {
        "ok to use (unique to one account)"
    };
    writeln!(out, "verdict: {verdict_line}")?;
    Ok(Exit::of(breached || weak || in_vault, unchecked))
}

/// The entries of `check --vault`, read like an audit's (recycle bin left out); `None`
/// without `--vault`. The candidate comes from stdin, so a vault cannot.
fn read_check_vaults(options: &CheckVaultOptions) -> Result<Option<Vec<Entry>>> {
    if options.vaults.is_empty() {
        return Ok(None);
    }
    let inputs: Vec<Input> = options
        .vaults
        .iter()
        .map(|path| Input::from_arg(&path.to_string_lossy()))
        .collect();
    if inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        bail!("--vault cannot be '-': the candidate password is read from stdin");
    }
    let source = match &options.password_env {
        Some(name) if std::env::var_os(name).is_none() => {
            bail!("environment variable {name} (from --password-env) is not set")
        }
        Some(name) => PasswordSource::Env(name.clone()),
        None => PasswordSource::Prompt,
    };
    let mut no_stdin = None;
    let mut password = |name: &str| password_for(name, &source, &mut no_stdin);
    let mut read_options = ReadOptions {
        format: options.format,
        key_file: options.key_file.clone(),
        password: &mut password,
        include_recycled: false,
    };
    let mut vaults = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        vaults.push(vault::read_limited(
            input,
            index,
            &mut read_options,
            &vault::Limits::default(),
        )?);
    }
    let (_, entries) = vault::flatten(vaults);
    Ok(Some(entries))
}

/// How a candidate relates to one vault account; the first that holds, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum VaultMatch {
    SameAsCurrent,
    SameAsPast,
    VariantOfCurrent,
    VariantOfPast,
}

impl VaultMatch {
    fn describe(self) -> &'static str {
        match self {
            VaultMatch::SameAsCurrent => "the same as the current password of",
            VaultMatch::SameAsPast => "the same as a past password of",
            VaultMatch::VariantOfCurrent => "a near variant of the current password of",
            VaultMatch::VariantOfPast => "a near variant of a past password of",
        }
    }
}

/// For each entry the candidate matches, the closest match (entry index, how): equality, or
/// the audit's near-variant rule against every current and past password.
fn vault_matches(candidate: &str, entries: &[Entry]) -> Vec<(usize, VaultMatch)> {
    use credaudit::analyze::variants;
    let mut nodes: Vec<variants::Node> = Vec::new();
    let mut owners: Vec<(usize, bool)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let tokens = variants::site_tokens(entry);
        let current = std::iter::once((entry.password.expose(), true));
        let past = entry.history.iter().map(|h| (h.password.expose(), false));
        for (password, is_current) in current.chain(past) {
            if password.is_empty() {
                continue;
            }
            nodes.push(variants::Node {
                password,
                site_tokens: tokens.clone(),
            });
            owners.push((index, is_current));
        }
    }
    let mut best: std::collections::BTreeMap<usize, VaultMatch> = Default::default();
    let mut record = |node: usize, same: bool| {
        let (entry, is_current) = owners[node];
        let how = match (same, is_current) {
            (true, true) => VaultMatch::SameAsCurrent,
            (true, false) => VaultMatch::SameAsPast,
            (false, true) => VaultMatch::VariantOfCurrent,
            (false, false) => VaultMatch::VariantOfPast,
        };
        let slot = best.entry(entry).or_insert(how);
        *slot = (*slot).min(how);
    };
    for (node, n) in nodes.iter().enumerate() {
        if n.password == candidate {
            record(node, true);
        }
    }
    for node in variants::variants_of(&variants::Node::bare(candidate), &nodes) {
        record(node, false);
    }
    best.into_iter().collect()
}

/// One line: which accounts the candidate matches and how, never a password.
fn vault_line(matches: &[(usize, VaultMatch)], entries: &[Entry]) -> String {
    if matches.is_empty() {
        return format!(
            "not used in the vault: no current or past password of its {} accounts equals it or is a near variant",
            entries.len()
        );
    }
    let mut parts: Vec<String> = Vec::new();
    for how in [
        VaultMatch::SameAsCurrent,
        VaultMatch::SameAsPast,
        VaultMatch::VariantOfCurrent,
        VaultMatch::VariantOfPast,
    ] {
        let names: Vec<String> = matches
            .iter()
            .filter(|(_, h)| *h == how)
            .filter_map(|(i, _)| entries.get(*i))
            .map(|e| credaudit::sanitize::sanitize(check_name(e)))
            .collect();
        if !names.is_empty() {
            parts.push(format!("{} {}", how.describe(), names.join(", ")));
        }
    }
    format!("refused: {}", parts.join("; "))
}

/// An entry's name for the `check --vault` line: title, else first URL, else id.
fn check_name(entry: &Entry) -> &str {
    if !entry.title.is_empty() {
        &entry.title
    } else {
        entry
            .urls
            .first()
            .map_or(entry.id.0.as_str(), String::as_str)
    }
}

/// What the breach source said about the candidate of `credaudit check`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CandidateBreach {
    Off,
    Seen,
    NotSeen,
    Unchecked,
}

/// `credaudit formats`.
pub fn formats() -> Result<Exit> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Formats are detected from content; --format NAME forces one.\n"
    )?;
    for format in Format::ALL {
        writeln!(out, "{:<16} {}", format.name(), format.help())?;
        writeln!(out, "{:<16} detected by: {}", "", format.detection_rule())?;
    }
    Ok(Exit::Clean)
}

/// `credaudit config`: the effective settings as a config file (TOML that `--config` reads
/// back to the same settings); what only flags set is listed as comments.
pub fn config(cli: &Cli, args: &ConfigArgs) -> Result<Exit> {
    let (config, config_file) = settings::load_config(cli.config.as_ref())?;
    let settings = settings::resolve(&args.options, config, config_file, cli.color, cli.quiet)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# credaudit: effective settings (flags > config file > defaults), as a config file"
    )?;
    out.write_all(settings.flag_only_comments().as_bytes())?;
    out.write_all(toml::to_string(&settings.as_config())?.as_bytes())?;
    Ok(Exit::Clean)
}

/// `credaudit corpus index PATH`: the one full verification of a downloaded corpus.
pub fn corpus(cli: &Cli, command: &CorpusCommand) -> Result<Exit> {
    let CorpusCommand::Index { path, partial } = command;
    let progress = terminal::Status::new(terminal::progress_allowed(cli.quiet))
        .bar("verifying the corpus (prefixes)");
    let started = std::time::Instant::now();
    let result = credaudit::breach::corpus_index::build_index(path, *partial, &progress);
    // Clear the bar before an error is printed (the library stops without finishing it).
    credaudit::breach::Progress::finish(&progress);
    let summary = result?;
    let coverage = if summary.present as usize == credaudit::breach::corpus_index::PREFIXES {
        "all 1,048,576 prefixes".to_owned()
    } else {
        format!("{} of 1,048,576 prefixes (partial)", summary.present)
    };
    println!(
        "credaudit: {} verified: {} lines, {coverage}, in {:.1?}; index written to {} ({} bytes)",
        path.display(),
        summary.lines,
        started.elapsed(),
        summary.index_path.display(),
        summary.index_bytes
    );
    Ok(Exit::Clean)
}

/// `credaudit completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "credaudit",
        &mut std::io::stdout(),
    );
    Ok(Exit::Clean)
}

/// `credaudit man`.
pub fn man() -> Result<Exit> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(Exit::Clean)
}

/// `credaudit licenses`: the notices the licences of the bundled crates and data sets require,
/// compiled in so a `cargo install` user has them too (regenerated by `scripts/notices.sh`).
pub fn licenses() -> Result<Exit> {
    let mut out = std::io::stdout().lock();
    out.write_all(include_str!("../THIRD-PARTY-NOTICES.md").as_bytes())?;
    writeln!(out)?;
    out.write_all(include_str!("../DATA-NOTICES.md").as_bytes())?;
    Ok(Exit::Clean)
}

/// `credaudit data HOST`: what each table says about one host.
fn data_for_host(out: &mut impl Write, host: &str) -> Result<()> {
    use credaudit::data::{self, BackendSource, LinkSource, PasskeySupport};
    let host = credaudit::site::host_of(host).unwrap_or_else(|| host.to_owned());
    writeln!(out, "{host}")?;
    match data::backend_of(&host) {
        Some(backend) => {
            let table = match backend.source {
                BackendSource::Apple => "Apple shared-credentials",
                BackendSource::AppleHistorical => "Apple shared-credentials-historical",
                BackendSource::Credaudit => "credaudit shared-sign-ins",
            };
            writeln!(
                out,
                "  sign-in:         one account with {} ({}; {table}{})",
                backend.name,
                backend.domains.join(", "),
                backend
                    .citation
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            )?;
        }
        None => writeln!(out, "  sign-in:         its own")?,
    }
    match data::change_password_link(&host) {
        Some(link) => {
            let kind = match link.source {
                LinkSource::Apple => "Apple change-password-URLs",
                LinkSource::WellKnown => "well-known, not listed",
            };
            writeln!(out, "  change password: {} ({kind})", link.url)?;
        }
        None => writeln!(out, "  change password: none (not a public site)")?,
    }
    match data::two_factor(&host) {
        Some(site) => {
            let methods: Vec<String> = site
                .methods
                .iter()
                .map(|m| serde_json::to_value(m).map(|v| v.as_str().unwrap_or("").to_owned()))
                .collect::<Result<_, _>>()?;
            let methods = if methods.is_empty() {
                "no 2FA".to_owned()
            } else {
                methods.join(", ")
            };
            writeln!(
                out,
                "  2FA:             {} ({methods}){}",
                site.name,
                site.documentation
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default()
            )?;
        }
        None => writeln!(out, "  2FA:             not in 2fa.directory")?,
    }
    match data::passkeys(&host) {
        Some(site) => {
            let support = |s: Option<PasskeySupport>| match s {
                Some(PasskeySupport::Allowed) => "allowed",
                Some(PasskeySupport::Required) => "required",
                None => "no",
            };
            writeln!(
                out,
                "  passkeys:        {} (sign-in {}, second factor {}){}; Passkeys Directory by 2factorauth, CC BY 4.0",
                site.name,
                support(site.passwordless),
                support(site.mfa),
                site.documentation
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default()
            )?;
        }
        None => writeln!(out, "  passkeys:        not in the Passkeys Directory")?,
    }
    Ok(())
}

/// `credaudit data`: the embedded site data sets, with date, upstream commit, licence, size and
/// the credit their licence asks for.
pub fn data(args: &DataArgs) -> Result<Exit> {
    let sets = credaudit::data::data_sets();
    let mut out = std::io::stdout().lock();
    if !args.hosts.is_empty() {
        for host in &args.hosts {
            data_for_host(&mut out, host)?;
        }
        return Ok(Exit::Clean);
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &sets)?;
        writeln!(out)?;
        return Ok(Exit::Clean);
    }
    writeln!(
        out,
        "Site data built into credaudit (read offline, never fetched during an audit):\n"
    )?;
    for set in &sets {
        writeln!(
            out,
            "{:<30} {}  {:<18} {:>5} records",
            set.name, set.date, set.licence, set.records
        )?;
        writeln!(out, "  {}", set.source)?;
        if let Some(commit) = set.commit {
            writeln!(out, "  commit {commit}")?;
        }
        if let Some(attribution) = set.attribution {
            writeln!(out, "  credit: {attribution}")?;
        }
    }
    writeln!(
        out,
        "\nLicence texts and credits: credaudit licenses. Refresh: README, \"Site data\"."
    )?;
    Ok(Exit::Clean)
}
