//! Exact reuse and rotated-away reuse.
//!
//! Passwords are grouped through a `HashMap` keyed by the password text borrowed from the
//! entries' [`crate::secret::Secret`]s: nothing is copied, hashed into an output or kept after
//! the run; the output holds entry indices only.
//!
//! Every entry given counts, including entries the user excluded from reports (they are hidden
//! from the ranked list, not from the others' groups, as KeePassXC does). Empty passwords never
//! form groups.

use super::{ReuseGroup, RotatedAway};
use crate::model::Entry;
use std::collections::HashMap;

/// The distinct current passwords of a run. `Debug` is written by hand: the lookup map is
/// keyed by password text.
#[derive(Default)]
pub struct PasswordIndex<'a> {
    /// Per entry: index into [`PasswordIndex::members`], `None` for an empty password.
    pub entry_pw: Vec<Option<usize>>,
    /// Per distinct password: the entries holding it, ascending.
    pub members: Vec<Vec<usize>>,
    /// Lookup by password text (borrowed, in memory only).
    by_pw: HashMap<&'a str, usize>,
}

impl std::fmt::Debug for PasswordIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordIndex")
            .field("entry_pw", &self.entry_pw)
            .field("members", &self.members)
            .field("by_pw", &"<redacted>")
            .finish()
    }
}

impl<'a> PasswordIndex<'a> {
    /// Indexes the current passwords of `entries`.
    pub fn new(entries: &'a [Entry]) -> Self {
        let mut idx = PasswordIndex {
            entry_pw: Vec::with_capacity(entries.len()),
            members: Vec::new(),
            by_pw: HashMap::with_capacity(entries.len()),
        };
        for (i, e) in entries.iter().enumerate() {
            let pw = e.password.expose();
            if pw.is_empty() {
                idx.entry_pw.push(None);
                continue;
            }
            let next = idx.members.len();
            let id = *idx.by_pw.entry(pw).or_insert(next);
            if id == next {
                idx.members.push(Vec::new());
            }
            if let Some(m) = idx.members.get_mut(id) {
                m.push(i);
            }
            idx.entry_pw.push(Some(id));
        }
        idx
    }

    /// The distinct password id of a password text, if some entry has it as its current one.
    pub fn lookup(&self, password: &str) -> Option<usize> {
        self.by_pw.get(password).copied()
    }

    /// Number of distinct passwords.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no entry has a password.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// One representative entry per distinct password (its first holder).
    pub fn representatives(&self) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().map(|m| m.first().copied().unwrap_or(0))
    }
}

/// Groups of two or more entries sharing a current password, ordered by their first member.
pub fn reuse_groups(index: &PasswordIndex<'_>) -> Vec<ReuseGroup> {
    // `members` is already in order of first appearance, so groups come out sorted.
    index
        .members
        .iter()
        .filter(|m| m.len() >= 2)
        .map(|m| ReuseGroup { members: m.clone() })
        .collect()
}

/// Rotated-away reuse, per entry: for every entry `i`, the other entries whose password
/// history holds `i`'s current password (with the date it was retired there). One record per
/// (live entry, rotated-in entry) pair, keeping the newest retirement; ordered by entry.
pub fn rotated_away(entries: &[Entry], index: &PasswordIndex<'_>) -> Vec<Vec<RotatedAway>> {
    let mut out: Vec<Vec<RotatedAway>> = vec![Vec::new(); entries.len()];
    for (j, e) in entries.iter().enumerate() {
        let current = e.password.expose();
        for past in &e.history {
            let pw = past.password.expose();
            if pw.is_empty() || pw == current {
                continue;
            }
            let Some(id) = index.lookup(pw) else { continue };
            let Some(holders) = index.members.get(id) else {
                continue;
            };
            for &i in holders {
                if i == j {
                    continue;
                }
                let Some(list) = out.get_mut(i) else { continue };
                if let Some(existing) = list.iter_mut().find(|r| r.rotated_in == j) {
                    // History is newest first, but do not rely on it.
                    if past.retired > existing.retired {
                        existing.retired = past.retired;
                    }
                } else {
                    list.push(RotatedAway {
                        rotated_in: j,
                        retired: past.retired,
                    });
                }
            }
        }
    }
    for list in &mut out {
        list.sort_by_key(|r| r.rotated_in);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PastPassword;
    use chrono::TimeZone;

    #[test]
    fn debug_never_shows_passwords() {
        let entries = vec![Entry {
            password: "Tulip#2001".into(),
            ..Entry::default()
        }];
        let index = PasswordIndex::new(&entries);
        let node = crate::analyze::variants::Node::bare("Tulip#2001");
        assert!(!format!("{index:?} {node:?}").contains("Tulip"));
    }

    fn entry(title: &str, pw: &str) -> Entry {
        Entry {
            title: title.into(),
            password: pw.into(),
            ..Default::default()
        }
    }

    #[test]
    fn groups_exact_reuse_only() {
        let entries = vec![
            entry("a", "hunter22"),
            entry("b", "unique-1"),
            entry("c", "hunter22"),
            entry("d", "Hunter22"),
            entry("e", ""),
            entry("f", ""),
            entry("g", "hunter22"),
            entry("h", "unique-1"),
        ];
        let idx = PasswordIndex::new(&entries);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.entry_pw[4], None);
        let groups = reuse_groups(&idx);
        assert_eq!(
            groups,
            vec![
                ReuseGroup {
                    members: vec![0, 2, 6]
                },
                ReuseGroup {
                    members: vec![1, 7]
                }
            ]
        );
    }

    #[test]
    fn excluded_entries_still_count() {
        let mut entries = vec![entry("a", "samepass"), entry("b", "samepass")];
        entries[1].excluded = true;
        let groups = reuse_groups(&PasswordIndex::new(&entries));
        assert_eq!(groups.len(), 1);
    }

    #[test]
    fn rotated_away_reuse() {
        let d1 = chrono::Utc.with_ymd_and_hms(2019, 12, 8, 0, 0, 0).unwrap();
        let d0 = chrono::Utc.with_ymd_and_hms(2018, 1, 1, 0, 0, 0).unwrap();
        let mut rakuma = entry("Rakuma", "newpass-rakuma");
        rakuma.history = vec![
            PastPassword {
                password: "oldshared".into(),
                retired: Some(d1),
            },
            PastPassword {
                password: "oldshared".into(),
                retired: Some(d0),
            },
            PastPassword {
                password: "newpass-rakuma".into(),
                retired: None,
            },
        ];
        let entries = vec![
            entry("Rakuten", "oldshared"),
            rakuma,
            entry("Mercari", "oldshared"),
            entry("Other", "something"),
        ];
        let idx = PasswordIndex::new(&entries);
        let ra = rotated_away(&entries, &idx);
        let expect = vec![RotatedAway {
            rotated_in: 1,
            retired: Some(d1),
        }];
        assert_eq!(ra[0], expect);
        assert_eq!(ra[2], expect);
        assert!(ra[1].is_empty());
        assert!(ra[3].is_empty());
    }
}
