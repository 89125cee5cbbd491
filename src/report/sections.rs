//! The parts of the rotation plan the text renderers (table, Markdown) share: which accounts
//! are listed, counted or marked done, the group lines, the "do this first" pick and the
//! link lines. Plain text; each renderer escapes and lays it out.

use super::{Account, AccountStatus, GroupKind, Report};
use crate::data::{LinkSource, TwoFactorMethod};

/// How the accounts of a report are shown.
pub struct Plan<'a> {
    /// Rows of the list, in rank order; stale-only accounts last (only with `--all`).
    pub rows: Vec<&'a Account>,
    /// Stale-only accounts not listed (counted in one line).
    pub stale_hidden: usize,
    /// Accounts whose password already changed after the incident date.
    pub done: Vec<&'a Account>,
}

impl<'a> Plan<'a> {
    /// Splits `report`'s accounts; `all` lists the stale-only ones after everything else.
    /// Accounts whose only reason is an incomplete breach check are left out (the unchecked
    /// line counts them).
    pub fn of(report: &'a Report, all: bool) -> Self {
        let listed = |status: AccountStatus| {
            report
                .accounts
                .iter()
                .filter(move |a| a.needs_rotation() && a.status == status)
        };
        let mut rows: Vec<&Account> = listed(AccountStatus::Rotate).collect();
        let stale: Vec<&Account> = listed(AccountStatus::StaleOnly).collect();
        let stale_hidden = if all {
            rows.extend(&stale);
            0
        } else {
            stale.len()
        };
        Plan {
            rows,
            stale_hidden,
            done: listed(AccountStatus::Done).collect(),
        }
    }

    /// The accounts for "do this first": whole tiers from the most urgent down, until at
    /// least [`FIRST_STEPS_MIN`] accounts are in (at most [`FIRST_STEPS_MAX`]). Stale-only
    /// accounts are never urgent.
    pub fn first_steps(&self) -> Vec<&'a Account> {
        let urgent: Vec<&Account> = self
            .rows
            .iter()
            .copied()
            .filter(|a| a.status == AccountStatus::Rotate)
            .collect();
        let mut n = 0;
        while n < FIRST_STEPS_MIN && n < urgent.len() {
            let tier_of_next = tier(urgent[n]);
            n += urgent[n..]
                .iter()
                .take_while(|a| tier(a) == tier_of_next)
                .count();
        }
        urgent.into_iter().take(n.min(FIRST_STEPS_MAX)).collect()
    }

    /// "stale only: ..." when some stale-only accounts are not listed.
    pub fn stale_line(&self) -> Option<String> {
        (self.stale_hidden > 0).then(|| {
            let (n, accounts) = counted(self.stale_hidden);
            format!("stale only: {n} more {accounts} whose only finding is age (listed with --all)")
        })
    }

    /// "done: ..." naming the accounts already rotated after the incident date.
    pub fn done_line(&self) -> Option<String> {
        (!self.done.is_empty()).then(|| {
            let (n, accounts) = counted(self.done.len());
            let names = names(self.done.iter().map(|a| a.display_name()), NAMES_MAX);
            format!("done: {n} {accounts} already changed since the incident date: {names}")
        })
    }
}

/// Fewest accounts in "do this first" (when the list has that many).
pub const FIRST_STEPS_MIN: usize = 3;
/// Most accounts in "do this first".
pub const FIRST_STEPS_MAX: usize = 5;
/// Most names written out in one line before "and N more".
const NAMES_MAX: usize = 8;

/// The ranking tier of an account (the thousands of its score, see the README formula).
fn tier(account: &Account) -> u32 {
    account.score / 1000
}

fn counted(n: usize) -> (usize, &'static str) {
    (n, if n == 1 { "account" } else { "accounts" })
}

/// `a, b, c and 2 more`.
fn names(all: impl Iterator<Item = String>, max: usize) -> String {
    let all: Vec<String> = all.collect();
    let shown = all.len().min(max);
    let mut text = all[..shown].join(", ");
    if all.len() > shown {
        text.push_str(&format!(" and {} more", all.len() - shown));
    }
    text
}

/// The 1-based number a group is shown with ("group 2"): its index in `Report::groups` + 1.
pub fn group_number(index: usize) -> usize {
    index + 1
}

/// "group 1" / "groups 1, 3" for an account's row; `None` when it is in no group.
pub fn groups_label(account: &Account) -> Option<String> {
    match account.groups.as_slice() {
        [] => None,
        [one] => Some(format!("group {}", group_number(*one))),
        many => {
            let numbers: Vec<String> = many.iter().map(|&g| group_number(g).to_string()).collect();
            Some(format!("groups {}", numbers.join(", ")))
        }
    }
}

/// One line per group, with its index in `Report::groups`: "same password: Gmail, Amazon,
/// Mercari (breached; 1 of 3 rotated)". Members are named by title; members not in the report
/// (cut by `--top`) are counted.
pub fn group_lines(report: &Report) -> Vec<(usize, String)> {
    // Keys are unique; the first account of a key would win all the same.
    let mut by_key: std::collections::HashMap<&str, &Account> = std::collections::HashMap::new();
    for account in &report.accounts {
        by_key.entry(account.key.as_str()).or_insert(account);
    }
    (0..report.groups.len())
        .filter_map(|index| Some((index, group_line(report, index, &by_key)?)))
        .collect()
}

fn group_line(
    report: &Report,
    index: usize,
    by_key: &std::collections::HashMap<&str, &Account>,
) -> Option<String> {
    let group = report.groups.get(index)?;
    let members: Vec<&Account> = group
        .members
        .iter()
        .filter_map(|key| by_key.get(key.as_str()).copied())
        .collect();
    let kind = match group.kind {
        GroupKind::SamePassword => "same password".to_owned(),
        GroupKind::Variants => "near variants of one password".to_owned(),
        GroupKind::SharedSignIn => match members.iter().find_map(|a| a.sign_in.as_deref()) {
            Some(backend) => format!("one sign-in ({backend})"),
            None => "one sign-in".to_owned(),
        },
    };
    let mut text = names(members.iter().map(|a| a.display_name()), usize::MAX);
    let missing = group.members.len() - members.len();
    if missing > 0 {
        let sep = if text.is_empty() { "" } else { " and " };
        text.push_str(&format!("{sep}{missing} more not listed"));
    }
    let mut notes: Vec<String> = Vec::new();
    if group.compromised {
        notes.push("compromised".to_owned());
    }
    if group.breached {
        notes.push("breached".to_owned());
    }
    if group.rotated > 0 {
        notes.push(format!(
            "{} of {} rotated",
            group.rotated,
            group.members.len()
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    Some(format!("{kind}: {text}{notes}"))
}

/// The label of a change-password link's kind: Apple-listed, or the well-known guess.
pub fn link_source_label(source: LinkSource) -> &'static str {
    match source {
        LinkSource::Apple => "listed by the site",
        LinkSource::WellKnown => "well-known URL",
    }
}

/// "change password: URL" for an account; "change password (well-known URL): URL"
/// when it is only the well-known guess, which a site may not serve.
pub fn change_password_line(account: &Account) -> Option<String> {
    let link = account.change_password.as_ref()?;
    Some(match link.source {
        LinkSource::Apple => format!("change password: {}", link.url),
        LinkSource::WellKnown => format!(
            "change password ({}): {}",
            link_source_label(link.source),
            link.url
        ),
    })
}

/// "turn on 2FA (authenticator app, security key): URL" when the site offers two-factor
/// sign-in and the entry holds no one-time-password seed.
pub fn two_factor_line(account: &Account) -> Option<String> {
    let two_factor = account.two_factor.as_ref()?;
    if two_factor.enabled || two_factor.methods.is_empty() {
        return None;
    }
    let methods = TwoFactorMethod::describe(&two_factor.methods);
    Some(match &two_factor.setup {
        Some(setup) => format!("turn on 2FA ({methods}): {setup}"),
        None => format!("turn on 2FA ({methods})"),
    })
}

/// "in 2 sources: vault.kdbx, chrome.csv" when the account was read from more than one.
pub fn sources_label(account: &Account) -> Option<String> {
    (account.sources.len() > 1).then(|| {
        format!(
            "in {} sources: {}",
            account.sources.len(),
            account.sources.join(", ")
        )
    })
}

/// The attribution the Passkeys Directory's licence (CC BY 4.0) asks for wherever its data is
/// shown: one line under a report that shows passkey support.
pub fn data_credit(report: &Report) -> Option<&'static str> {
    report
        .accounts
        .iter()
        .any(|a| a.passkey.is_some())
        .then_some("passkey support: Passkeys Directory by 2factorauth (CC BY 4.0)")
}
