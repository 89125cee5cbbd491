//! The plan's pictures: static SVG built with the `svg` crate, styled by the page's stylesheet
//! (classes only, so dark mode and print apply), readable without JavaScript.
//!
//! Vault strings go only into text nodes, which the crate escapes; the crate does not escape
//! `"` in attribute values, so no attribute ever holds one.

use super::super::{Account, GroupKind, Report};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use svg::Document;
use svg::node::element::{Circle, Group, Line, Rectangle, Text, Title};

/// Width of every picture in user units; the page scales it to the screen.
const WIDTH: i64 = 720;
/// Groups drawn as clusters; the rest are counted under the picture.
pub const MAX_CLUSTERS: usize = 12;
/// Members drawn per cluster; the rest are one "+N more" line.
const MAX_MEMBERS: usize = 8;
/// Characters of an account name in a picture (the list has the full name).
const NAME_CHARS: usize = 34;

/// What each tier means, for the tier picture (the README's ranking section).
fn tier_name(tier: u32) -> &'static str {
    match tier {
        9 => "compromised",
        8 => "linked to the compromise",
        7 => "breached",
        6 => "variant of a breached password",
        5 => "reused",
        4 => "near variant",
        3 => "weak / http://",
        2 => "stale",
        _ => "PIN, licence key, unknown age",
    }
}

/// The tier of an account: T in the score formula.
pub fn tier_of(account: &Account) -> u32 {
    account.score / 1000
}

fn document(height: i64, title: &str) -> Document {
    Document::new()
        .set("viewBox", (0, 0, WIDTH, height))
        .set("class", "chart")
        .set("role", "img")
        .add(Title::new(title))
}

fn text(x: i64, y: i64, class: &str, content: &str) -> Text {
    Text::new(content)
        .set("x", x)
        .set("y", y)
        .set("class", class)
}

/// A bar of accounts per tier, most severe first.
pub fn tiers(accounts: &[&Account]) -> Option<String> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for account in accounts {
        *counts.entry(tier_of(account)).or_default() += 1;
    }
    let max = counts.values().copied().max()?;
    const ROW: i64 = 28;
    const LABEL: i64 = 260;
    let height = ROW * counts.len() as i64 + 8;
    let mut doc = document(height, "Accounts to rotate, by tier");
    for (row, (tier, count)) in counts.iter().rev().enumerate() {
        let y = 4 + ROW * row as i64;
        let bar = ((WIDTH - LABEL - 70) * *count as i64 / max as i64).max(2);
        doc = doc
            .add(text(
                0,
                y + 18,
                "label",
                &format!("{tier} {}", tier_name(*tier)),
            ))
            .add(
                Rectangle::new()
                    .set("x", LABEL)
                    .set("y", y + 3)
                    .set("width", bar)
                    .set("height", ROW - 8)
                    .set("class", format!("bar tier-{tier}")),
            )
            .add(text(LABEL + bar + 6, y + 18, "count", &count.to_string()));
    }
    Some(doc.to_string())
}

/// The shared-password groups as clusters: a hub per group, a line to each member; members
/// that are compromised, and lines of groups that hold one, are marked.
pub fn clusters(report: &Report) -> Option<String> {
    if report.groups.is_empty() {
        return None;
    }
    let by_key: HashMap<&str, &Account> = report
        .accounts
        .iter()
        .map(|a| (a.key.as_str(), a))
        .collect();
    let mut order: Vec<usize> = (0..report.groups.len()).collect();
    // Compromised first, then breached, then the biggest; stable, so report order breaks ties.
    order.sort_by_key(|&i| {
        let g = &report.groups[i];
        (
            !g.compromised,
            !g.breached,
            std::cmp::Reverse(g.members.len()),
        )
    });
    order.truncate(MAX_CLUSTERS);
    const LINE: i64 = 22;
    const HUB_X: i64 = 20;
    // The hub's label sits over a trunk up to the fork, clear of the lines to the members.
    const FORK_X: i64 = 180;
    const MEMBER_X: i64 = 320;
    let mut y = 8;
    let mut cells = Vec::new();
    for &i in &order {
        let group = &report.groups[i];
        let shown = group.members.len().min(MAX_MEMBERS);
        let more = group.members.len() - shown;
        let rows = (shown + usize::from(more > 0)).max(3) as i64;
        let hub_y = y + rows * LINE / 2;
        let kind = match group.kind {
            GroupKind::SamePassword => "same password",
            GroupKind::Variants => "near variants",
            GroupKind::SharedSignIn => "one sign-in",
        };
        let mut flags = Vec::new();
        if group.compromised {
            flags.push("compromised");
        }
        if group.breached {
            flags.push("breached");
        }
        if group.rotated > 0 {
            flags.push("partly rotated");
        }
        let hot = if group.compromised { " hot" } else { "" };
        let mut cell = Group::new().set("class", format!("cluster{hot}"));
        cell = cell
            .add(
                Line::new()
                    .set("x1", HUB_X)
                    .set("y1", hub_y)
                    .set("x2", FORK_X)
                    .set("y2", hub_y)
                    .set("class", format!("edge{hot}")),
            )
            .add(
                Circle::new()
                    .set("cx", HUB_X)
                    .set("cy", hub_y)
                    .set("r", 10)
                    .set("class", format!("hub{hot}")),
            )
            .add(text(HUB_X + 16, hub_y - 7, "label", kind))
            .add(text(HUB_X + 16, hub_y + 17, "note", &flags.join(", ")));
        for (row, key) in group.members.iter().take(shown).enumerate() {
            let my = y + LINE / 2 + LINE * row as i64;
            let account = by_key.get(key.as_str()).copied();
            let compromised = account.is_some_and(|a| {
                a.reasons
                    .iter()
                    .any(|r| r.code == crate::finding::ReasonCode::Compromised)
            });
            let name =
                account.map_or_else(|| "an account not listed".to_owned(), |a| a.display_name());
            let node = if compromised { "node hot" } else { "node" };
            cell = cell
                .add(
                    Line::new()
                        .set("x1", FORK_X)
                        .set("y1", hub_y)
                        .set("x2", MEMBER_X - 7)
                        .set("y2", my)
                        .set("class", format!("edge{hot}")),
                )
                .add(
                    Circle::new()
                        .set("cx", MEMBER_X)
                        .set("cy", my)
                        .set("r", 6)
                        .set("class", node),
                )
                .add(text(MEMBER_X + 12, my + 5, "label", &short(&name)));
        }
        if more > 0 {
            let my = y + LINE / 2 + LINE * shown as i64;
            cell = cell.add(text(
                MEMBER_X + 12,
                my + 5,
                "note",
                &format!("+{more} more"),
            ));
        }
        cells.push(cell);
        y += rows * LINE + 14;
    }
    let mut doc = document(
        y,
        "Accounts that share one password, a variant of it or one sign-in",
    );
    for cell in cells {
        doc = doc.add(cell);
    }
    Some(doc.to_string())
}

/// When each listed password was set, by month (by year over a long span), against the
/// incident date when there is one: bars before it are the passwords still to change.
pub fn ages(accounts: &[&Account], since: Option<NaiveDate>) -> Option<String> {
    let dates: Vec<NaiveDate> = accounts.iter().filter_map(|a| a.password_set).collect();
    let (first, last) = (*dates.iter().min()?, *dates.iter().max()?);
    let last = since.map_or(last, |s| last.max(s));
    let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let by_year = months(last) - months(first) >= 36;
    let bucket = |d: NaiveDate| {
        if by_year {
            i64::from(d.year())
        } else {
            months(d)
        }
    };
    let (lo, hi) = (bucket(first), bucket(last));
    let buckets = (hi - lo + 1) as usize;
    // Per bucket: passwords set before the incident date (still to change), and on or after it.
    let mut before = vec![0usize; buckets];
    let mut after = vec![0usize; buckets];
    for d in &dates {
        let i = (bucket(*d) - lo) as usize;
        if since.is_none_or(|s| *d < s) {
            before[i] += 1;
        } else {
            after[i] += 1;
        }
    }
    let max = (0..buckets)
        .map(|i| before[i] + after[i])
        .max()
        .unwrap_or(1)
        .max(1);
    const PLOT_TOP: i64 = 24;
    const PLOT_H: i64 = 140;
    const LEFT: i64 = 8;
    let step = (WIDTH - 2 * LEFT) as f64 / buckets as f64;
    let label = |b: i64| {
        if by_year {
            b.to_string()
        } else {
            format!("{}-{:02}", b.div_euclid(12), b.rem_euclid(12) + 1)
        }
    };
    let mut doc = document(
        PLOT_TOP + PLOT_H + 40,
        "When each listed password was last set",
    );
    let incident = since.map(bucket);
    let height = |n: usize| (PLOT_H * n as i64 / max as i64).max(i64::from(n > 0));
    for i in 0..buckets {
        let b = lo + i as i64;
        let x = LEFT as f64 + step * i as f64;
        let (low, high) = (height(before[i]), height(after[i]));
        let (low_class, high_class) = if since.is_some() {
            ("bar before", "bar after")
        } else {
            ("bar", "bar")
        };
        for (class, y, h, n) in [
            (low_class, PLOT_TOP + PLOT_H - low, low, before[i]),
            (high_class, PLOT_TOP + PLOT_H - low - high, high, after[i]),
        ] {
            if n == 0 {
                continue;
            }
            doc = doc.add(
                Rectangle::new()
                    .set("x", x + 1.0)
                    .set("y", y)
                    .set("width", (step - 2.0).max(1.0))
                    .set("height", h)
                    .set("class", class)
                    .add(Title::new(format!("{}: {n}", label(b)))),
            );
        }
    }
    // Axis labels at the ends and the middle, so a long span stays legible.
    let axis_y = PLOT_TOP + PLOT_H + 18;
    doc = doc.add(
        Line::new()
            .set("x1", LEFT)
            .set("y1", PLOT_TOP + PLOT_H)
            .set("x2", WIDTH - LEFT)
            .set("y2", PLOT_TOP + PLOT_H)
            .set("class", "axis"),
    );
    doc = doc.add(text(LEFT, axis_y, "note", &label(lo))).add(text(
        WIDTH - LEFT,
        axis_y,
        "note end",
        &label(hi),
    ));
    if buckets > 4 {
        let mid = lo + (hi - lo) / 2;
        let x = LEFT as f64 + step * ((mid - lo) as f64 + 0.5);
        doc = doc.add(
            Text::new(label(mid))
                .set("x", x)
                .set("y", axis_y)
                .set("class", "note middle"),
        );
    }
    if let (Some(inc), Some(date)) = (incident, since) {
        let x = LEFT as f64 + step * ((inc - lo) as f64 + 0.5);
        doc = doc
            .add(
                Line::new()
                    .set("x1", x)
                    .set("y1", PLOT_TOP - 6)
                    .set("x2", x)
                    .set("y2", PLOT_TOP + PLOT_H)
                    .set("class", "incident"),
            )
            .add(
                Text::new(format!("incident {date}"))
                    .set("x", x)
                    .set("y", PLOT_TOP - 10)
                    // Anchored so the label stays inside the picture near either edge.
                    .set("class", format!("note incident-label {}", anchor(x))),
            );
    }
    doc = doc.add(text(
        LEFT,
        axis_y + 18,
        "note",
        &format!(
            "{} of {} listed passwords have a known set date; highest bar: {max}",
            dates.len(),
            accounts.len()
        ),
    ));
    Some(doc.to_string())
}

/// The text anchor that keeps a label centred on `x` inside the picture.
fn anchor(x: f64) -> &'static str {
    if x < 90.0 {
        "start"
    } else if x > (WIDTH - 90) as f64 {
        "end"
    } else {
        "middle"
    }
}

/// A name cut to fit a picture.
fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(NAME_CHARS - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Group;

    fn group(members: usize, compromised: bool) -> Group {
        Group {
            kind: GroupKind::SamePassword,
            members: (0..members).map(|i| format!("id:{i}")).collect(),
            breached: false,
            compromised,
            rotated: 0,
            sign_in: None,
        }
    }

    #[test]
    fn clusters_are_capped_and_the_compromised_group_comes_first() {
        // Clusters of 12 show 8 members and "+4 more"; the compromised pair is drawn first.
        let mut report: Report = serde_json::from_value(serde_json::json!({
            "schema_version": 2,
            "tool": { "name": "credaudit", "version": "0" },
            "generated_at": "2026-11-25T00:00:00Z",
            "breach_source": "off",
            "sources": [],
            "summary": serde_json::to_value(crate::report::Summary::default()).unwrap(),
            "accounts": [],
        }))
        .unwrap();
        report.groups = (0..MAX_CLUSTERS + 5).map(|_| group(12, false)).collect();
        report.groups.push(group(2, true));
        let svg = clusters(&report).unwrap();
        let hubs = svg.matches("<circle").count() - svg.matches("class=\"node").count();
        assert_eq!(hubs, MAX_CLUSTERS);
        assert_eq!(svg.matches("+4 more").count(), MAX_CLUSTERS - 1);
        let first_hub = svg.find("class=\"hub").unwrap();
        assert_eq!(&svg[first_hub..first_hub + 15], "class=\"hub hot\"");
    }
}
