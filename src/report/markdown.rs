//! Markdown, for a ticket or a mail.

use super::escape::{markdown_cell as cell, markdown_text as text};
use super::{Account, Report, baseline_line, labels, summary_line, unchecked_line};
use std::io::Write;

/// Renders the report as a Markdown document.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# credaudit: accounts to rotate")?;
    writeln!(out)?;
    writeln!(out, "{}.", summary_line(report))?;
    writeln!(out)?;
    if let Some(b) = &report.baseline {
        writeln!(out, "Baseline: {}.", baseline_line(b))?;
        writeln!(out)?;
    }
    // Accounts whose only reason is an incomplete breach check are one line, as in the table.
    let shown: Vec<&Account> = report
        .accounts
        .iter()
        .filter(|a| a.needs_rotation())
        .collect();
    if let Some(line) = unchecked_line(report) {
        writeln!(out, "{}.", text(&line))?;
        writeln!(out)?;
    }
    if shown.is_empty() {
        writeln!(out, "No accounts to rotate.")?;
        return warnings(report, out);
    }
    writeln!(out, "| # | Account | Username | Why | Action |")?;
    writeln!(out, "|--:|---|---|---|---|")?;
    for a in &shown {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            a.rank,
            cell(&a.display_name()),
            cell(&a.username),
            cell(&labels(a).join(", ")),
            cell(&a.action)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "## Details")?;
    writeln!(out)?;
    for a in &shown {
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
    }
    warnings(report, out)
}

fn warnings(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
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
