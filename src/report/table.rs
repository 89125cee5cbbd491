//! The terminal table: rank, account, why (short), action; colour by severity.
//!
//! Two layouts, chosen by the width to fit ([`Style::width`]):
//! - **wide** (at least [`NARROW_BELOW`] columns, or no width): `#  ACCOUNT  WHY  ACTION`,
//!   every cell wrapped within its column, the change-password link under the action;
//! - **narrow**: one block per account, account and reasons on the first line, the action
//!   indented under it, the change-password link under that.
//!
//! Nothing is cut: text wraps at spaces (a word longer than its column is broken, except a
//! link, which is kept whole so it stays clickable). Widths are display columns, so CJK
//! titles take two per character; only the summary line is never wrapped (scripts grep it).
//! After the list: the counts, the groups, the summary, and last, where the eye lands after
//! the run, "do this first".

use super::sections::{self, Plan};
use super::{Account, Report, Style, baseline_line, labels, summary_line, unchecked_line};
use crate::finding::Colour;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Below this width the narrow layout is used.
pub const NARROW_BELOW: usize = 100;
/// Widest account column of the wide layout when the row does not fit.
const ACCOUNT_MAX: usize = 30;
/// Widest reasons column of the wide layout when the row does not fit.
const WHY_MAX: usize = 26;
/// Action width that lets account and reasons keep their natural width (no wrapping there).
const ACTION_COMFORT: usize = 60;
/// Columns between two cells.
const GAP: &str = "  ";

/// Renders the list, the groups, the summary and "do this first".
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let plan = Plan::of(report, style.all);
    let mut printer = Printer { style, out };
    if plan.rows.is_empty() {
        printer.line("No accounts to rotate.", None)?;
    } else {
        let rows: Vec<Row> = plan.rows.iter().map(|a| Row::of(a)).collect();
        match style.width {
            Some(width) if width < NARROW_BELOW => narrow(&rows, width, &mut printer)?,
            width => wide(&rows, width, &mut printer)?,
        }
    }
    footer(report, &plan, &mut printer)
}

/// Writes lines, coloured when the style says so.
struct Printer<'w> {
    style: Style,
    out: &'w mut dyn Write,
}

impl Printer<'_> {
    fn line(&mut self, text: &str, colour: Option<&str>) -> std::io::Result<()> {
        let text = text.trim_end();
        match colour.filter(|_| self.style.color && !text.is_empty()) {
            Some(colour) => writeln!(self.out, "{colour}{text}{RESET}"),
            None => writeln!(self.out, "{text}"),
        }
    }

    /// `text` wrapped to the width, the first line after `first`, the others after `rest`.
    fn wrapped(
        &mut self,
        text: &str,
        first: &str,
        rest: &str,
        colour: Option<&str>,
    ) -> std::io::Result<()> {
        for line in wrap_indented(text, self.style.width, first, rest) {
            self.line(&line, colour)?;
        }
        Ok(())
    }
}

/// The text of one account's row.
struct Row<'a> {
    account: &'a Account,
    rank: String,
    name: String,
    why: String,
    action: String,
    link: Option<String>,
}

impl<'a> Row<'a> {
    fn of(account: &'a Account) -> Self {
        let mut name = account.display_name();
        if !account.username.is_empty() {
            name.push_str(&format!(" ({})", account.username));
        }
        if let Some(sources) = sections::sources_label(account) {
            name.push_str(&format!(" [{sources}]"));
        }
        let mut why = labels(account).join(", ");
        if let Some(groups) = sections::groups_label(account) {
            why.push_str(&format!("; {groups}"));
        }
        Row {
            account,
            rank: account.rank.to_string(),
            name,
            why,
            action: account.action.clone(),
            link: sections::change_password_line(account),
        }
    }

    fn colour(&self) -> Option<&'static str> {
        severity_color(self.account)
    }
}

/// The wide layout: aligned columns, each cell wrapped within its column.
fn wide(rows: &[Row], width: Option<usize>, printer: &mut Printer) -> std::io::Result<()> {
    let natural = |header: &str, cell: &dyn Fn(&Row) -> usize| {
        rows.iter()
            .map(cell)
            .chain([header.width()])
            .max()
            .unwrap_or(0)
    };
    let rank_w = natural("#", &|r| r.rank.width());
    let mut name_w = natural("ACCOUNT", &|r| r.name.width());
    let mut why_w = natural("WHY", &|r| r.why.width());
    let action_natural = natural("ACTION", &|r| {
        r.action
            .width()
            .max(r.link.as_deref().map_or(0, UnicodeWidthStr::width))
    });
    let mut action_w = action_natural;
    if let Some(width) = width {
        let available = width.saturating_sub(rank_w + 3 * GAP.len());
        if name_w + why_w + ACTION_COMFORT <= available {
            // Account and reasons whole, the action wraps in what is left.
            action_w = action_w.min(available - name_w - why_w);
        } else if name_w + why_w + action_w > available {
            // Account and reasons get a bounded share, the action the rest; what the action
            // does not need goes back to the reasons, then the account.
            let (name_natural, why_natural) = (name_w, why_w);
            name_w = name_w.min(ACCOUNT_MAX);
            why_w = why_w.min(WHY_MAX);
            action_w = available.saturating_sub(name_w + why_w).max(1);
            let mut spare = action_w.saturating_sub(action_natural);
            action_w -= spare;
            let to_why = spare.min(why_natural - why_w);
            why_w += to_why;
            spare -= to_why;
            name_w += spare.min(name_natural - name_w);
        }
    }
    let widths = [rank_w, name_w, why_w, action_w];
    let header = ["#", "ACCOUNT", "WHY", "ACTION"].map(|h| vec![h.to_owned()]);
    for line in lay_out(&header, &widths) {
        printer.line(&line, Some(BOLD))?;
    }
    // A link too wide for the action column gets a line of its own from the account column,
    // so it stays whole (clickable) without running past the edge when it fits there.
    let link_indent = " ".repeat(rank_w + GAP.len());
    let link_room = width.map_or(usize::MAX, |w| w.saturating_sub(link_indent.len()));
    for row in rows {
        let mut action = wrap(&row.action, action_w);
        let mut own_line = Vec::new();
        if let Some(link) = &row.link {
            if link.width() <= action_w {
                action.push(link.clone());
            } else {
                own_line = wrap_unbroken(link, link_room);
            }
        }
        let cells = [
            vec![row.rank.clone()],
            wrap(&row.name, name_w),
            wrap(&row.why, why_w),
            action,
        ];
        for line in lay_out(&cells, &widths) {
            printer.line(&line, row.colour())?;
        }
        for line in own_line {
            printer.line(&format!("{link_indent}{line}"), row.colour())?;
        }
    }
    Ok(())
}

/// Puts wrapped cells side by side: the rank right-aligned, the others padded to their width.
fn lay_out(cells: &[Vec<String>; 4], widths: &[usize; 4]) -> Vec<String> {
    let height = cells.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|n| {
            let mut line = String::new();
            for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
                let text = cell.get(n).map_or("", String::as_str);
                let pad = " ".repeat(w.saturating_sub(text.width()));
                if i == 0 {
                    line.push_str(&pad);
                    line.push_str(text);
                } else {
                    line.push_str(GAP);
                    line.push_str(text);
                    line.push_str(&pad);
                }
            }
            line.trim_end().to_owned()
        })
        .collect()
}

/// The narrow layout: per account, "rank  account - reasons", the action indented under it,
/// the link under that.
fn narrow(rows: &[Row], width: usize, printer: &mut Printer) -> std::io::Result<()> {
    let rank_w = rows.iter().map(|r| r.rank.width()).max().unwrap_or(1);
    let indent = " ".repeat(rank_w + GAP.len());
    for row in rows {
        let colour = row.colour();
        let first = format!("{:>rank_w$}{GAP}", row.rank);
        let head = format!("{} - {}", row.name, row.why);
        for line in wrap_indented(&head, Some(width), &first, &indent) {
            printer.line(&line, colour)?;
        }
        printer.wrapped(&row.action, &indent, &indent, colour)?;
        if let Some(link) = &row.link {
            for line in wrap_unbroken(link, width.saturating_sub(indent.len())) {
                printer.line(&format!("{indent}{line}"), colour)?;
            }
        }
    }
    Ok(())
}

/// Counts, groups, the unchecked line, the summary, the baseline, then "do this first".
fn footer(report: &Report, plan: &Plan, printer: &mut Printer) -> std::io::Result<()> {
    for line in [plan.stale_line(), plan.done_line()].into_iter().flatten() {
        printer.wrapped(&line, "", "    ", None)?;
    }
    if !report.groups.is_empty() {
        printer.line("", None)?;
        printer.line("groups:", Some(BOLD))?;
        let number_w = sections::group_number(report.groups.len() - 1)
            .to_string()
            .len();
        for (index, text) in sections::group_lines(report) {
            let first = format!(
                "{:>number_w$}{GAP}",
                sections::group_number(index),
                number_w = number_w + 2
            );
            let rest = " ".repeat(first.len());
            printer.wrapped(&text, &first, &rest, None)?;
        }
    }
    if let Some(line) = unchecked_line(report) {
        printer.wrapped(&line, "", "    ", None)?;
    }
    if let Some(credit) = sections::data_credit(report) {
        printer.line(credit, Some(DIM))?;
    }
    printer.line("", None)?;
    // The summary stays one line, whatever the width: scripts and cron filters grep it.
    printer.line(&summary_line(report), Some(DIM))?;
    if let Some(b) = &report.baseline {
        printer.line(&format!("baseline: {}", baseline_line(b)), None)?;
    }
    first_steps(plan, printer)
}

/// "Do this first": the most urgent accounts, one action each, with their links.
fn first_steps(plan: &Plan, printer: &mut Printer) -> std::io::Result<()> {
    let accounts = plan.first_steps();
    if accounts.is_empty() {
        return Ok(());
    }
    printer.line("", None)?;
    printer.line("Do this first:", Some(BOLD))?;
    let rank_w = accounts
        .iter()
        .map(|a| a.rank.to_string().len())
        .max()
        .unwrap_or(1);
    let indent = " ".repeat(rank_w + 2);
    for account in accounts {
        let first = format!("{:>rank_w$}. ", account.rank);
        let text = format!("{}: {}", account.display_name(), account.action);
        printer.wrapped(&text, &first, &indent, None)?;
        let links = [
            sections::change_password_line(account),
            sections::two_factor_line(account),
        ];
        for link in links.into_iter().flatten() {
            let room = printer.style.width.map(|w| w.saturating_sub(indent.len()));
            for line in wrap_unbroken(&link, room.unwrap_or(usize::MAX)) {
                printer.line(&format!("{indent}{line}"), None)?;
            }
        }
    }
    Ok(())
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

/// Lines break at spaces only: `well-known` or `e-mail/phone` stay whole.
const NO_HYPHENATION: textwrap::WordSplitter = textwrap::WordSplitter::NoHyphenation;

/// `text` in lines of at most `width` display columns, broken at spaces; a longer word is
/// broken too. Always at least one line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1)).word_splitter(NO_HYPHENATION);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// Like [`wrap`], but a word longer than the width (a link) stays whole and overflows.
fn wrap_unbroken(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1))
        .break_words(false)
        .word_splitter(NO_HYPHENATION);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// `text` wrapped to `width` (no width: one line), the first line after `first`, the
/// others after `rest`.
fn wrap_indented(text: &str, width: Option<usize>, first: &str, rest: &str) -> Vec<String> {
    match width {
        None => vec![format!("{first}{text}")],
        Some(width) => {
            let options = textwrap::Options::new(width.max(first.width() + 1))
                .word_splitter(NO_HYPHENATION)
                .initial_indent(first)
                .subsequent_indent(rest);
            textwrap::wrap(text, options)
                .into_iter()
                .map(|l| l.into_owned())
                .collect()
        }
    }
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
    fn wide_characters_take_two_columns() {
        // 12 CJK characters are 24 columns: two lines of at most 10 columns and one of 4.
        let lines = wrap("東京都水道局マイページ登録", 10);
        assert!(lines.iter().all(|l| l.width() <= 10), "{lines:?}");
        assert_eq!(lines.concat(), "東京都水道局マイページ登録");
    }

    #[test]
    fn links_are_never_broken() {
        let link = "change password: https://example.com/.well-known/change-password";
        let lines = wrap_unbroken(link, 20);
        assert_eq!(
            lines,
            [
                "change password:",
                "https://example.com/.well-known/change-password"
            ]
        );
    }
}
