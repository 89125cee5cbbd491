//! One account is one account: the passes over the entry model that decide which entries are
//! the same login, before any analyzer runs.
//!
//! - **The same login in several sources** ([`merge_same_logins`]): entries from different
//!   sources with the same site (registrable domain of the first URL, or the shared sign-in
//!   backend it belongs to), the same username (trimmed, case-insensitive) and the same password
//!   are one account (`vault.kdbx chrome.csv` listing Mercari twice). [`crate::audit::run`] merges
//!   them before the analyzers, so the copies are never "reuse" and never two rows; the report
//!   lists every source of the account. Copies within one source are left apart (a deliberate
//!   duplicate in one vault is the user's to see).
//! - **One login on several sites** ([`sign_ins`]): sites of one shared sign-in backend
//!   ([`crate::data::backend_of`]: Rakuma on `fril.jp` signs in with a Rakuten ID) with the same
//!   username are one login. Both stay rows (each site has its own entry), but their identical
//!   password is not reuse, and a compromise of one is a compromise of the other
//!   (`crate::analyze` reads these groups).
//!
//! Nothing here keeps a password: merging borrows the password text as a map key for the length
//! of the pass, like the reuse analyzer.

use crate::data::Backend;
use crate::model::Entry;
use std::collections::HashMap;

/// The entries of a run with the same login in several sources merged.
#[derive(Clone, Debug)]
pub struct Merged<'a> {
    /// One entry per account: the first copy (in source order), with the change dates, history
    /// and one-time-password flag of the other copies where it lacks them. Borrowed as given
    /// when nothing was merged.
    pub entries: std::borrow::Cow<'a, [Entry]>,
    /// Per merged entry: the sources it was read from, ascending (its own first).
    pub sources: Vec<Vec<usize>>,
}

/// The site an entry signs in to, for "same login": its backend's name when the site shares a
/// sign-in backend, else the registrable domain of its first URL with a host.
pub fn site_of(entry: &Entry) -> Option<String> {
    let host = entry.first_host()?;
    Some(match crate::data::backend_of(host) {
        Some(backend) => backend.name.to_owned(),
        None => crate::site::registrable_domain(host).to_owned(),
    })
}

fn normalized_username(entry: &Entry) -> String {
    entry.username.trim().to_lowercase()
}

/// Merges the same login read from several sources into one entry (see the module docs).
/// Entries without a site or a password are never merged.
pub fn merge_same_logins(entries: &[Entry]) -> Merged<'_> {
    // One source: nothing to merge (two copies within one source stay apart).
    if entries.windows(2).all(|w| w[0].source == w[1].source) {
        return Merged {
            entries: std::borrow::Cow::Borrowed(entries),
            sources: entries.iter().map(|e| vec![e.source]).collect(),
        };
    }
    let mut kept: Vec<Entry> = Vec::new();
    let mut sources: Vec<Vec<usize>> = Vec::new();
    let mut by_login: HashMap<(String, String, &str), usize> = HashMap::new();
    for entry in entries {
        let password = entry.password.expose();
        let key = site_of(entry)
            .filter(|_| !password.is_empty())
            .map(|site| (site, normalized_username(entry), password));
        let existing = key.as_ref().and_then(|k| by_login.get(k).copied());
        match existing {
            Some(m) if !sources[m].contains(&entry.source) => {
                enrich(&mut kept[m], entry);
                sources[m].push(entry.source);
                sources[m].sort_unstable();
            }
            _ => {
                if let Some(k) = key {
                    by_login.entry(k).or_insert(kept.len());
                }
                kept.push(entry.clone());
                sources.push(vec![entry.source]);
            }
        }
    }
    Merged {
        entries: std::borrow::Cow::Owned(kept),
        sources,
    }
}

/// Fills what the kept copy of an account lacks from another copy (a browser export has no
/// change dates or history; the KeePass entry has).
fn enrich(kept: &mut Entry, copy: &Entry) {
    kept.has_totp |= copy.has_totp;
    kept.excluded &= copy.excluded;
    if kept.password_changed.is_none() {
        kept.password_changed = copy.password_changed;
    }
    if kept.modified.is_none() {
        kept.modified = copy.modified;
    }
    if kept.created.is_none() {
        kept.created = copy.created;
    }
    if kept.history.is_empty() {
        kept.history = copy.history.clone();
    }
}

/// Sites that sign in with one login: entries on at least two registrable domains of one
/// backend, with the same (non-empty) username.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignIn {
    /// The shared backend.
    pub backend: &'static Backend,
    /// Member entries, ascending.
    pub members: Vec<usize>,
}

/// The shared sign-in groups of a run, and per entry the group it is in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignIns {
    /// The groups, ordered by first member.
    pub groups: Vec<SignIn>,
    /// Per entry: index into `groups`.
    pub of_entry: Vec<Option<usize>>,
}

impl SignIns {
    /// The login an entry belongs to, as a number: entries of one shared sign-in group share
    /// one; every other entry is its own login. Used so one login is never "reuse" of itself.
    pub fn login(&self, entry: usize) -> usize {
        match self.of_entry.get(entry).copied().flatten() {
            Some(g) => self.of_entry.len() + g,
            None => entry,
        }
    }

    /// True when two entries are one login on two sites.
    pub fn same_login(&self, a: usize, b: usize) -> bool {
        self.login(a) == self.login(b)
    }

    /// Number of distinct logins among `entries`.
    pub fn distinct_logins(&self, entries: &[usize]) -> usize {
        let mut logins: Vec<usize> = entries.iter().map(|&e| self.login(e)).collect();
        logins.sort_unstable();
        logins.dedup();
        logins.len()
    }
}

/// Finds the shared sign-in groups among `entries` (see the module docs).
pub fn sign_ins(entries: &[Entry]) -> SignIns {
    let mut by_login: Vec<((&'static str, String), Vec<usize>)> = Vec::new();
    let mut index: HashMap<(&'static str, String), usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        // Few sites share a backend: ask that first, before building the username key.
        let Some(host) = entry.first_host() else {
            continue;
        };
        let Some(backend) = crate::data::backend_of(host) else {
            continue;
        };
        let username = normalized_username(entry);
        if username.is_empty() {
            continue;
        }
        let key = (backend.name, username);
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            by_login.push((key, Vec::new()));
            by_login.len() - 1
        });
        by_login[slot].1.push(i);
    }
    let mut out = SignIns {
        groups: Vec::new(),
        of_entry: vec![None; entries.len()],
    };
    for ((backend_name, _), members) in by_login {
        let mut sites: Vec<String> = members
            .iter()
            .filter_map(|&m| entries[m].first_host())
            .map(|h| crate::site::registrable_domain(h).to_owned())
            .collect();
        sites.sort();
        sites.dedup();
        if sites.len() < 2 {
            continue;
        }
        let Some(backend) = crate::data::backend_of(backend_name) else {
            continue;
        };
        for &m in &members {
            out.of_entry[m] = Some(out.groups.len());
        }
        out.groups.push(SignIn { backend, members });
    }
    out
}

/// The account key of every entry (see `report::Account::key`). Position-derived ids (`#3`, from
/// formats without ids) shift when entries are added above, so those accounts are known by
/// their registrable domain, username and title instead.
pub fn account_keys(entries: &[Entry]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    entries
        .iter()
        .map(|entry| {
            let id = &entry.id.0;
            let base = if id.is_empty() || id.starts_with('#') {
                let domain = entry
                    .first_host()
                    .map(|host| crate::site::registrable_domain(host).to_owned())
                    .unwrap_or_default();
                let norm = |s: &str| crate::sanitize::sanitize(s.trim()).to_lowercase();
                let field = entry
                    .field
                    .as_deref()
                    .map(|f| format!("|field:{}", crate::sanitize::sanitize(f)))
                    .unwrap_or_default();
                format!(
                    "site:{domain}|{}|{}{field}",
                    norm(&entry.username),
                    norm(&entry.title)
                )
            } else {
                format!("id:{}", crate::sanitize::sanitize(id))
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn login(source: usize, title: &str, url: &str, user: &str, pw: &str) -> Entry {
        Entry {
            source,
            username: user.into(),
            ..Entry::test_login(title, url, pw)
        }
    }

    #[test]
    fn the_same_login_in_two_sources_is_one_entry() {
        let mut kdbx = login(
            0,
            "Mercari",
            "https://jp.mercari.com/",
            "hana",
            "Tulip#2001",
        );
        kdbx.modified = Some(chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap());
        let entries = vec![
            kdbx,
            login(0, "Gmail", "https://mail.google.com/", "hana", "Tulip#2001"),
            login(
                1,
                "jp.mercari.com",
                "https://www.mercari.com/login",
                " Hana ",
                "Tulip#2001",
            ),
            // Same site and user, another password: another account (an old copy).
            login(1, "Mercari old", "https://mercari.com/", "hana", "other"),
            // A duplicate within one source stays apart.
            login(
                1,
                "Mercari again",
                "https://mercari.com/",
                "hana",
                "Tulip#2001",
            ),
        ];
        let merged = merge_same_logins(&entries);
        let titles: Vec<&str> = merged.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Mercari", "Gmail", "Mercari old", "Mercari again"]);
        assert_eq!(merged.sources, vec![vec![0, 1], vec![0], vec![1], vec![1]]);
        assert!(merged.entries[0].modified.is_some());
    }

    #[test]
    fn one_backend_one_username_is_one_login() {
        let entries = vec![
            login(0, "Rakuma", "https://fril.jp/", "hana", "a"),
            login(0, "Rakuten ID", "https://www.rakuten.co.jp/", "HANA", "a"),
            login(
                0,
                "Rakuten other user",
                "https://rakuten.co.jp/",
                "someone",
                "a",
            ),
            login(0, "Gmail", "https://mail.google.com/", "hana", "a"),
        ];
        let s = sign_ins(&entries);
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.groups[0].members, vec![0, 1]);
        assert_eq!(s.groups[0].backend.name, "rakuten.co.jp");
        assert!(s.same_login(0, 1));
        assert!(!s.same_login(1, 2));
        assert_eq!(s.distinct_logins(&[0, 1, 3]), 2);
    }
}
