//! Blast radius of `--compromised` accounts.
//!
//! A query matches an entry when it is (case-insensitively) a substring of the title, when it
//! names the entry's URL host (the same host, or a parent domain: `example.com` matches
//! `login.example.com`; a query written as a URL is reduced to its host), or when it equals
//! the entry id exactly. Matched entries are `compromised`.
//!
//! The attacker holds the compromised account's current password and possibly its past ones
//! (password history). Every other account whose current password is
//! - the same ([`ExposureKind::SamePassword`]),
//! - one of the compromised account's past passwords ([`ExposureKind::PastPassword`]),
//! - a near variant of its current password ([`ExposureKind::Variant`]), or
//! - a near variant of one of its past passwords ([`ExposureKind::VariantOfPast`])
//!
//! is exposed by it. One record per (account, compromised account), the strongest link kept.
//! Compromised accounts are not listed as exposed by one another (they are taken over anyway).

use super::reuse::PasswordIndex;
use super::variants::{self, Node};
use super::{Exposure, ExposureKind};
use crate::model::Entry;
use std::collections::{BTreeMap, HashMap};

/// Which entries match the queries, and the queries that matched nothing (trimmed, as given).
pub fn match_queries(entries: &[Entry], queries: &[String]) -> (Vec<bool>, Vec<String>) {
    let mut hit = vec![false; entries.len()];
    let mut unmatched = Vec::new();
    for q in queries {
        let q = q.trim();
        if q.is_empty() {
            continue;
        }
        let lower = q.to_lowercase();
        let qhost = crate::site::host_of(q).filter(|h| h.contains('.') || h.contains(':'));
        let mut any = false;
        for (i, e) in entries.iter().enumerate() {
            let m = e.id.0 == q
                || e.title.to_lowercase().contains(&lower)
                || qhost.as_deref().is_some_and(|qh| {
                    e.urls
                        .iter()
                        .filter_map(|u| crate::site::host_of(u))
                        .any(|h| crate::site::host_is_under(&h, qh))
                });
            if m {
                any = true;
                if let Some(slot) = hit.get_mut(i) {
                    *slot = true;
                }
            }
        }
        if !any {
            unmatched.push(q.to_owned());
        }
    }
    (hit, unmatched)
}

/// Exposures per entry, ordered by compromised entry.
///
/// `label_of` gives the variant-cluster label of a distinct password id; `nodes` are the
/// variant nodes (one per distinct password id); `entry_tokens` the site words per entry.
pub fn exposures(
    entries: &[Entry],
    index: &PasswordIndex<'_>,
    label_of: &dyn Fn(usize) -> Option<usize>,
    nodes: &[Node<'_>],
    entry_tokens: &[Vec<String>],
    compromised: &[bool],
) -> Vec<Vec<Exposure>> {
    let mut best: Vec<BTreeMap<usize, ExposureKind>> = vec![BTreeMap::new(); entries.len()];
    if !compromised.iter().any(|&c| c) {
        return vec![Vec::new(); entries.len()];
    }
    let mut by_label: HashMap<usize, Vec<usize>> = HashMap::new();
    for u in 0..index.len() {
        if let Some(l) = label_of(u) {
            by_label.entry(l).or_default().push(u);
        }
    }
    for (c, e) in entries.iter().enumerate() {
        if !compromised.get(c).copied().unwrap_or(false) {
            continue;
        }
        let mut record = |unique: usize, how: ExposureKind| {
            for &t in index.members.get(unique).into_iter().flatten() {
                if t == c || compromised.get(t).copied().unwrap_or(false) {
                    continue;
                }
                if let Some(map) = best.get_mut(t) {
                    map.entry(c)
                        .and_modify(|k| *k = (*k).min(how))
                        .or_insert(how);
                }
            }
        };
        let current = e.password.expose();
        if let Some(u) = index.entry_pw.get(c).copied().flatten() {
            record(u, ExposureKind::SamePassword);
            if let Some(l) = label_of(u) {
                for &v in by_label.get(&l).into_iter().flatten() {
                    if v != u {
                        record(v, ExposureKind::Variant);
                    }
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for past in &e.history {
            let pw = past.password.expose();
            if pw.is_empty() || pw == current || seen.contains(&pw) {
                continue;
            }
            seen.push(pw);
            if let Some(u) = index.lookup(pw) {
                record(u, ExposureKind::PastPassword);
            }
            let probe = Node {
                password: pw,
                site_tokens: entry_tokens.get(c).cloned().unwrap_or_default(),
            };
            for v in variants::variants_of(&probe, nodes) {
                record(v, ExposureKind::VariantOfPast);
            }
        }
    }
    best.into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(by, how)| Exposure { by, how })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, PastPassword};

    fn e(id: &str, title: &str, url: &str, pw: &str) -> Entry {
        Entry {
            id: EntryId(id.into()),
            ..Entry::test_login(title, url, pw)
        }
    }

    #[test]
    fn queries() {
        let entries = vec![
            e("id-1", "Amazon JP", "https://www.amazon.co.jp/", "a"),
            e("id-2", "Shop", "https://login.example.com/x", "b"),
            e("id-3", "Other", "https://notexample.com/", "c"),
            e("AMAZON", "Thing", "", "d"),
        ];
        let q = |s: &[&str]| {
            match_queries(
                &entries,
                &s.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(q(&["amazon"]), (vec![true, false, false, false], vec![]));
        assert_eq!(
            q(&["example.com"]),
            (vec![false, true, false, false], vec![])
        );
        assert_eq!(
            q(&["https://example.com/login"]),
            (vec![false, true, false, false], vec![])
        );
        assert_eq!(q(&["AMAZON"]), (vec![true, false, false, true], vec![]));
        assert_eq!(
            q(&["id-3", " nothing ", ""]),
            (vec![false, false, true, false], vec!["nothing".to_owned()])
        );
    }

    #[test]
    fn exposure_kinds() {
        let mut hacked = e("h", "Hacked", "", "Tulip#2001");
        hacked.history = vec![
            PastPassword {
                password: "OldSecret77".into(),
                retired: None,
            },
            PastPassword {
                password: "Kumamon2018!".into(),
                retired: None,
            },
        ];
        let entries = vec![
            hacked,
            e("a", "Same", "", "Tulip#2001"),
            e("b", "Variant", "", "tulip#2002"),
            e("c", "Past", "", "OldSecret77"),
            e("d", "VariantOfPast", "", "Kumamon2019!"),
            e("f", "Unrelated", "", "zQ8#kk2Lp0"),
        ];
        let idx = PasswordIndex::new(&entries);
        let tokens: Vec<Vec<String>> = entries.iter().map(variants::site_tokens).collect();
        let nodes: Vec<Node<'_>> = idx
            .members
            .iter()
            .map(|m| Node::bare(entries[m[0]].password.expose()))
            .collect();
        let labels = variants::cluster_labels(&nodes);
        let label_of = |u: usize| labels.get(u).copied();
        let (comp, _) = match_queries(&entries, &["hacked".to_owned()]);
        let x = exposures(&entries, &idx, &label_of, &nodes, &tokens, &comp);
        let kind = |i: usize| x[i].iter().map(|x| (x.by, x.how)).collect::<Vec<_>>();
        assert!(x[0].is_empty());
        assert_eq!(kind(1), vec![(0, ExposureKind::SamePassword)]);
        assert_eq!(kind(2), vec![(0, ExposureKind::Variant)]);
        assert_eq!(kind(3), vec![(0, ExposureKind::PastPassword)]);
        assert_eq!(kind(4), vec![(0, ExposureKind::VariantOfPast)]);
        assert!(x[5].is_empty());
    }
}
