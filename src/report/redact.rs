//! `--redact`: a report transformation for a report that will be shared, applied before any
//! renderer, so every format gets the same redacted data.
//!
//! Passwords, hashes and exact breach counts are never in a report to begin with (exact counts
//! only with `--exact-counts`, which redaction also drops); this removes what identifies the
//! user: usernames, and the vault's own URLs (paths and query strings can carry tokens,
//! internal hosts name an employer). Links that come from public site data (change-password,
//! 2FA and passkey setup pages) stay: they are what the reader acts on.

use super::Report;
use std::collections::{HashMap, HashSet};

named_enum! {
    /// What `--redact` removes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Redaction {
        Usernames = ("usernames", "Usernames, also where account keys and messages hold them"),
        Urls = ("urls", "The accounts' own URLs and hosts (public change-password and 2FA links stay)"),
    }
}

/// What stands in for a redacted value.
pub const REDACTED: &str = "(redacted)";

/// Shorter values are not searched for in free text: replacing `al` would mangle words while
/// hiding nothing that identifies anyone.
const MIN_REPLACED_LEN: usize = 3;

/// Applies `what` to `report` in place. Account keys that held a username or host are rebuilt
/// without it (and kept unique); group memberships follow.
pub fn redact(report: &mut Report, what: &[Redaction]) {
    if what.is_empty() {
        return;
    }
    let usernames = what.contains(&Redaction::Usernames);
    let urls = what.contains(&Redaction::Urls);
    report.hide_exact_counts();

    // Values to scrub from free text (reasons, actions, warnings), longest first so a value
    // that contains another is replaced whole.
    let mut secrets: HashSet<String> = HashSet::new();
    for account in &report.accounts {
        if usernames && account.username.chars().count() >= MIN_REPLACED_LEN {
            secrets.insert(account.username.clone());
        }
        if urls && let Some(url) = &account.url {
            secrets.insert(url.clone());
            if let Some(host) = crate::site::host_of(url)
                && host.chars().count() >= MIN_REPLACED_LEN
            {
                secrets.insert(host);
            }
        }
    }
    let mut secrets: Vec<String> = secrets.into_iter().collect();
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    let scrub = |text: &str| -> String {
        let mut text = text.to_owned();
        for secret in &secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    };

    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<String> = report.accounts.iter().map(|a| a.key.clone()).collect();
    for account in &mut report.accounts {
        if usernames && !account.username.is_empty() {
            account.username = REDACTED.to_owned();
        }
        if urls {
            account.url = None;
        }
        for reason in &mut account.reasons {
            reason.text = scrub(&reason.text);
        }
        account.action = scrub(&account.action);
        if let Some(key) = redacted_key(&account.key, usernames, urls) {
            taken.remove(&account.key);
            let unique = unique_key(key, &taken);
            taken.insert(unique.clone());
            renamed.insert(std::mem::replace(&mut account.key, unique.clone()), unique);
        }
    }
    for group in &mut report.groups {
        for member in &mut group.members {
            if let Some(new) = renamed.get(member) {
                member.clone_from(new);
            }
        }
    }
    for warning in &mut report.warnings {
        *warning = scrub(warning);
    }
    if let Some(line) = &mut report.breach_incomplete {
        *line = scrub(line);
    }
}

/// A `site:DOMAIN|USERNAME|TITLE` key without the redacted parts; `None` when nothing in it
/// is redacted (`id:` keys hold only the format's own id).
fn redacted_key(key: &str, usernames: bool, urls: bool) -> Option<String> {
    let rest = key.strip_prefix("site:")?;
    // The title may itself hold `|`, so split off only the first two fields.
    let mut fields = rest.splitn(3, '|');
    let (domain, username, title) = (fields.next()?, fields.next()?, fields.next()?);
    let redact_domain = urls && !domain.is_empty();
    let redact_username = usernames && !username.is_empty();
    if !redact_domain && !redact_username {
        return None;
    }
    let domain = if redact_domain { REDACTED } else { domain };
    let username = if redact_username { REDACTED } else { username };
    Some(format!("site:{domain}|{username}|{title}"))
}

/// `key`, or `key#2`, `key#3`, ... when another account already has it.
fn unique_key(key: String, taken: &HashSet<String>) -> String {
    if !taken.contains(&key) {
        return key;
    }
    (2..)
        .map(|n| format!("{key}#{n}"))
        .find(|k| !taken.contains(k))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_keys_lose_only_the_redacted_fields() {
        let key = "site:mercari.com|alice@example.org|Mercari | JP";
        assert_eq!(
            redacted_key(key, true, false).as_deref(),
            Some("site:mercari.com|(redacted)|Mercari | JP")
        );
        assert_eq!(
            redacted_key(key, false, true).as_deref(),
            Some("site:(redacted)|alice@example.org|Mercari | JP")
        );
        assert_eq!(redacted_key("id:1234", true, true), None);
        assert_eq!(redacted_key("site:|bob|x", false, true), None);
    }

    #[test]
    fn repeated_keys_stay_unique() {
        let taken: HashSet<String> = ["a".to_owned(), "a#2".to_owned()].into();
        assert_eq!(unique_key("a".to_owned(), &taken), "a#3");
        assert_eq!(unique_key("b".to_owned(), &taken), "b");
    }
}
