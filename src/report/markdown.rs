//! Markdown, for a ticket or a mail: the summary, "do this first" (read top-down, it comes
//! before the list), the list with change-password links, the groups, then the details.

use super::escape::{markdown_cell as cell, markdown_link as link, markdown_text as text};
use super::sections::{self, Plan};
use super::{Account, AccountStatus, Report, baseline_line, labels, summary_line, unchecked_line};
use crate::data::LinkSource;
use std::io::Write;

/// Renders the report as a Markdown document; `all` lists stale-only accounts (`--all`).
pub fn render(report: &Report, all: bool, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# credaudit: accounts to rotate")?;
    writeln!(out)?;
    writeln!(out, "{}.", text(&summary_line(report)))?;
    writeln!(out)?;
    if let Some(b) = &report.baseline {
        writeln!(out, "Baseline: {}.", baseline_line(b))?;
        writeln!(out)?;
    }
    // Accounts whose only reason is an incomplete breach check are one line, as in the table.
    let plan = Plan::of(report, all);
    if let Some(line) = unchecked_line(report) {
        writeln!(out, "{}.", text(&line))?;
        writeln!(out)?;
    }
    for line in [plan.done_line(), plan.stale_line()].into_iter().flatten() {
        writeln!(out, "{}.", text(&line))?;
        writeln!(out)?;
    }
    if plan.rows.is_empty() {
        writeln!(out, "No accounts to rotate.")?;
        return warnings(report, out);
    }
    first_steps(&plan, out)?;
    writeln!(
        out,
        "| # | Account | Username | Why | Action | Change password |"
    )?;
    writeln!(out, "|--:|---|---|---|---|---|")?;
    for a in &plan.rows {
        let mut why = labels(a).join(", ");
        if let Some(groups) = sections::groups_label(a) {
            why.push_str(&format!("; {groups}"));
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            a.rank,
            cell(&a.display_name()),
            cell(&a.username),
            cell(&why),
            cell(&a.action),
            change_password(a).unwrap_or_default(),
        )?;
    }
    groups(report, out)?;
    writeln!(out)?;
    writeln!(out, "## Details")?;
    writeln!(out)?;
    for a in &plan.rows {
        details(a, out)?;
    }
    warnings(report, out)
}

/// "Do this first": the most urgent accounts, one action and their links each.
fn first_steps(plan: &Plan, out: &mut dyn Write) -> std::io::Result<()> {
    let accounts = plan.first_steps();
    if accounts.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Do this first")?;
    writeln!(out)?;
    for a in accounts {
        let mut line = format!(
            "{}. **{}**: {}",
            a.rank,
            text(&a.display_name()),
            text(&a.action)
        );
        if let Some(change) = change_password(a) {
            line.push_str(&format!("; {change}"));
        }
        if let Some(two_factor) = two_factor(a) {
            line.push_str(&format!("; {two_factor}"));
        }
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    Ok(())
}

/// `[change password](URL)`, marked when it is only the well-known guess.
fn change_password(a: &Account) -> Option<String> {
    let l = a.change_password.as_ref()?;
    let label = link("change password", &l.url);
    Some(match l.source {
        LinkSource::Apple => label,
        LinkSource::WellKnown => {
            format!("{label} ({})", sections::link_source_label(l.source))
        }
    })
}

/// `[turn on 2FA](URL) (methods)` when the site offers it and the entry has no seed.
fn two_factor(a: &Account) -> Option<String> {
    let t = a.two_factor.as_ref()?;
    if t.enabled || t.methods.is_empty() {
        return None;
    }
    let methods = text(&crate::data::TwoFactorMethod::describe(&t.methods));
    Some(match &t.setup {
        Some(setup) => format!("{} ({methods})", link("turn on 2FA", setup)),
        None => format!("turn on 2FA ({methods})"),
    })
}

/// One line per group, numbered as the rows refer to them.
fn groups(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if report.groups.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "## Groups")?;
    writeln!(out)?;
    for (index, line) in sections::group_lines(report) {
        let n = sections::group_number(index);
        writeln!(out, "- group {n}: {}", text(&line))?;
    }
    Ok(())
}

fn details(a: &Account, out: &mut dyn Write) -> std::io::Result<()> {
    let place = if a.group.is_empty() {
        a.source.clone()
    } else {
        format!("{} / {}", a.source, a.group)
    };
    writeln!(
        out,
        "{}. **{}** ({})",
        a.rank,
        text(&a.display_name()),
        text(&place)
    )?;
    for r in &a.reasons {
        writeln!(out, "   - `{}`: {}", r.code.code(), text(&r.text))?;
    }
    if let Some(sources) = sections::sources_label(a) {
        writeln!(out, "   - {}", text(&sources))?;
    }
    if let Some(backend) = &a.sign_in {
        writeln!(out, "   - signs in with the {} account", text(backend))?;
    }
    if a.status == AccountStatus::StaleOnly {
        writeln!(out, "   - stale only")?;
    }
    for line in [change_password(a), two_factor(a)].into_iter().flatten() {
        writeln!(out, "   - {line}")?;
    }
    if let Some(setup) = a.passkey.as_ref().and_then(|p| p.setup.as_deref()) {
        writeln!(out, "   - {}", link("passkeys", setup))?;
    }
    Ok(())
}

fn warnings(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(credit) = sections::data_credit(report) {
        writeln!(out)?;
        writeln!(out, "_{}_", text(credit))?;
    }
    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Warnings")?;
        writeln!(out)?;
        for w in &report.warnings {
            writeln!(out, "- {}", text(w))?;
        }
    }
    Ok(())
}
