//! The terminal table: rank, account, why (short), action; colour by severity.

use super::{Account, Report, Style, baseline_line, labels, summary_line, unchecked_line};
use crate::finding::Colour;
use std::io::Write;

const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Renders the table and the summary line.
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    // Accounts whose only reason is an incomplete breach check are one line under the list.
    let shown: Vec<&Account> = report
        .accounts
        .iter()
        .filter(|a| a.needs_rotation())
        .collect();
    if shown.is_empty() {
        writeln!(out, "No accounts to rotate.")?;
    } else {
        let rows: Vec<[String; 4]> = shown.iter().map(|a| row(a)).collect();
        let headers = ["#", "ACCOUNT", "WHY", "ACTION"];
        let mut widths = [0usize; 4];
        for (i, h) in headers.iter().enumerate() {
            widths[i] = rows
                .iter()
                .map(|r| display_width(&r[i]))
                .chain([h.len()])
                .max()
                .unwrap_or(0);
        }
        // Fit the width: the account column keeps up to 40 columns (longer names end with an
        // ellipsis), the action column takes what is left and wraps onto continuation lines.
        // When that leaves the action too narrow to read, each account becomes a short block
        // instead, so a mailed report stays readable at its width.
        if let Some(total) = style.width {
            widths[1] = widths[1].min(40);
            let fixed = widths[0] + widths[1] + widths[2] + 3 * 2;
            let left = total.saturating_sub(fixed);
            if left < MIN_ACTION_WIDTH.min(widths[3]) {
                return render_stacked(report, &shown, &rows, style, total, out);
            }
            widths[3] = widths[3].min(left);
        }
        let header_line = format_row(&headers.map(str::to_owned), &widths).join("\n");
        if style.color {
            writeln!(out, "{BOLD}{header_line}{RESET}")?;
        } else {
            writeln!(out, "{header_line}")?;
        }
        for (account, cells) in shown.iter().zip(&rows) {
            let color = severity_color(account).filter(|_| style.color);
            for line in format_row(cells, &widths) {
                match color {
                    Some(color) => writeln!(out, "{color}{line}{RESET}")?,
                    None => writeln!(out, "{line}")?,
                }
            }
        }
    }
    footer(report, style, out)
}

/// Narrowest action column worth wrapping into; below it accounts are stacked.
const MIN_ACTION_WIDTH: usize = 36;

/// One block per account: rank and name, then the reasons and the action wrapped to `width`.
fn render_stacked(
    report: &Report,
    shown: &[&Account],
    rows: &[[String; 4]],
    style: Style,
    width: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let rank_width = rows.iter().map(|r| r[0].len()).max().unwrap_or(1);
    let indent = " ".repeat(rank_width + 2);
    let text_width = width.saturating_sub(indent.len() + 5).max(20);
    for (account, cells) in shown.iter().zip(rows) {
        let color = severity_color(account).filter(|_| style.color);
        let mut lines = vec![format!(
            "{:>rank_width$}  {}",
            cells[0],
            truncate(&cells[1], width.saturating_sub(rank_width + 2).max(20))
        )];
        for (label, text) in [("why:", &cells[2]), ("do: ", &cells[3])] {
            for (n, part) in wrap(text, text_width).into_iter().enumerate() {
                let label = if n == 0 { label } else { "    " };
                lines.push(format!("{indent}{label} {part}"));
            }
        }
        for line in lines {
            match color {
                Some(color) => writeln!(out, "{color}{line}{RESET}")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    footer(report, style, out)
}

/// The unchecked line, the summary and the baseline line.
fn footer(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(line) = unchecked_line(report) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    let summary = summary_line(report);
    if style.color {
        writeln!(out, "{DIM}{summary}{RESET}")?;
    } else {
        writeln!(out, "{summary}")?;
    }
    if let Some(b) = &report.baseline {
        writeln!(out, "baseline: {}", baseline_line(b))?;
    }
    Ok(())
}

fn row(account: &Account) -> [String; 4] {
    let name = if account.username.is_empty() {
        account.display_name().to_owned()
    } else {
        format!("{} ({})", account.display_name(), account.username)
    };
    [
        account.rank.to_string(),
        name,
        labels(account).join(", "),
        account.action.clone(),
    ]
}

fn severity_color(account: &Account) -> Option<&'static str> {
    match account.reasons.first()?.code.spec().colour {
        Colour::BoldRed => Some(BOLD_RED),
        Colour::Red => Some(RED),
        Colour::Yellow => Some(YELLOW),
        Colour::Cyan => Some(CYAN),
        Colour::Plain => None,
    }
}

/// One row: the first three cells on the first line, the action wrapped under its column.
fn format_row(cells: &[String; 4], widths: &[usize; 4]) -> Vec<String> {
    let mut line = String::new();
    let action = wrap(&cells[3], widths[3]);
    for (i, cell) in cells.iter().enumerate().take(3) {
        let cell = truncate(cell, widths[i]);
        let pad = widths[i].saturating_sub(display_width(&cell));
        if i == 0 {
            line.push_str(&" ".repeat(pad));
            line.push_str(&cell);
        } else {
            line.push_str("  ");
            line.push_str(&cell);
            line.push_str(&" ".repeat(pad));
        }
    }
    let indent = " ".repeat(widths[0] + widths[1] + widths[2] + 3 * 2);
    let mut lines = Vec::with_capacity(action.len());
    for (n, part) in action.into_iter().enumerate() {
        if n == 0 {
            lines.push(format!("{line}  {part}"));
        } else {
            lines.push(format!("{indent}  {part}"));
        }
    }
    lines
}

/// Splits `text` at spaces into lines of at most `width` columns (a longer word is cut with
/// an ellipsis).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed =
            display_width(&current) + usize::from(!current.is_empty()) + display_width(word);
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&truncate(word, width));
    }
    lines.push(current);
    lines
}

/// Columns a string takes: wide (CJK, emoji) characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn truncate(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_within_the_width() {
        assert_eq!(
            wrap("rotate now: this password", 12),
            ["rotate now:", "this", "password"]
        );
        assert_eq!(wrap("short", 20), ["short"]);
        assert_eq!(wrap("", 20), [""]);
    }

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("秘密秘密", 5), "秘密…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
