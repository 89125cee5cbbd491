//! Blast radius of `--compromised` accounts.
//!
//! A query is matched strictly, in this order ([`match_query`]):
//! 1. an entry id or account key (`id:...`, `site:...`), exactly;
//! 2. a site: a query with a dot (`fril.jp`, `https://jp.mercari.com/login`) matches every
//!    account whose URL has the same registrable domain;
//! 3. a title, whole and case-insensitive: it must name one account, else the query is
//!    ambiguous.
//!
//! No substrings: `rakuten` marks neither "Rakuten Ichiba" nor "Rakuten Card"; it is an error
//! that suggests them. Accounts that sign in with the same login as a matched one (a shared
//! sign-in backend, [`crate::plan::sign_ins`]) are compromised too; `crate::analyze` adds them.
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
use crate::sanitize::sanitize;
use std::collections::{BTreeMap, HashMap};

/// How a `--compromised` query matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// An entry id or account key.
    Id,
    /// A site, by registrable domain (carried).
    Site(String),
    /// A title.
    Title,
}

/// What one `--compromised` query matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryMatch {
    /// The query, trimmed.
    pub query: String,
    /// How it matched.
    pub by: MatchedBy,
    /// The entries it matched, ascending (at least one).
    pub entries: Vec<usize>,
}

/// A `--compromised` query that cannot be used: the binary stops with exit 2.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An empty value.
    #[error("--compromised needs a value: a site (mercari.com), an account title or an account id")]
    Empty,
    /// Nothing matched; `hint` suggests close titles and sites.
    #[error("--compromised {query:?} matches no account{hint}")]
    NoMatch {
        /// The query.
        query: String,
        /// `; did you mean ...?`, or empty.
        hint: String,
    },
    /// A title shared by several accounts.
    #[error("--compromised {query:?} is ambiguous: {candidates}; name one by its site or its key")]
    Ambiguous {
        /// The query.
        query: String,
        /// The accounts it could mean.
        candidates: String,
    },
}

impl QueryError {
    /// The query as given, when there was one.
    pub fn query(&self) -> &str {
        match self {
            QueryError::Empty => "",
            QueryError::NoMatch { query, .. } | QueryError::Ambiguous { query, .. } => query,
        }
    }
}

fn domain_of(e: &Entry) -> Option<String> {
    e.first_host()
        .map(|h| crate::site::registrable_domain(h).to_owned())
}

/// How an account is told apart in a message: `Title (site, username)`, with `; key` when
/// given.
pub fn describe(e: &Entry, key: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = domain_of(e) {
        parts.push(d);
    }
    if !e.username.trim().is_empty() {
        parts.push(e.username.trim().to_owned());
    }
    if let Some(key) = key {
        parts.push(format!("; {key}"));
    }
    let inner = parts.join(", ").replace(", ; ", "; ");
    sanitize(&format!(
        "{} ({inner})",
        if e.title.trim().is_empty() {
            e.id.0.as_str()
        } else {
            e.title.trim()
        },
    ))
}

/// Matches one query strictly (see the module docs).
pub fn match_query(
    entries: &[Entry],
    keys: &[String],
    query: &str,
) -> Result<QueryMatch, QueryError> {
    let q = query.trim();
    if q.is_empty() {
        return Err(QueryError::Empty);
    }
    let found = |by: MatchedBy, entries: Vec<usize>| QueryMatch {
        query: q.to_owned(),
        by,
        entries,
    };
    let by_id: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| e.id.0 == q || keys.get(*i).is_some_and(|k| k == q))
        .map(|(i, _)| i)
        .collect();
    if !by_id.is_empty() {
        return Ok(found(MatchedBy::Id, by_id));
    }
    let site = crate::site::host_of(q)
        .filter(|h| h.contains('.'))
        .map(|h| crate::site::registrable_domain(&h).to_owned());
    if let Some(site) = site {
        let by_site: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.hosts()
                    .iter()
                    .any(|h| crate::site::registrable_domain(h) == site)
            })
            .map(|(i, _)| i)
            .collect();
        if !by_site.is_empty() {
            return Ok(found(MatchedBy::Site(site), by_site));
        }
    }
    let lower = q.to_lowercase();
    let by_title: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.title.trim().to_lowercase() == lower)
        .map(|(i, _)| i)
        .collect();
    match by_title.as_slice() {
        [] => Err(QueryError::NoMatch {
            query: q.to_owned(),
            hint: suggestion(entries, &lower),
        }),
        [_] => Ok(found(MatchedBy::Title, by_title)),
        many => Err(QueryError::Ambiguous {
            query: q.to_owned(),
            candidates: many
                .iter()
                .map(|&i| describe(&entries[i], keys.get(i).map(|k| k.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// `; did you mean A or B?`: per account, its title when close to `lower` (containing it, or
/// Jaro-Winkler similarity 0.85 and up), else its site when close; best first; empty when
/// nothing is close.
fn suggestion(entries: &[Entry], lower: &str) -> String {
    const SHOWN: usize = 3;
    let closeness = |name: &str| {
        let l = name.to_lowercase();
        let similarity = strsim::jaro_winkler(lower, &l);
        let contains = l.contains(lower) || (lower.contains(&l) && l.len() >= 3);
        (contains || similarity >= 0.85).then_some(similarity + if contains { 1.0 } else { 0.0 })
    };
    let mut candidates: Vec<(f64, String)> = Vec::new();
    for e in entries {
        let title = sanitize(e.title.trim());
        let close = match closeness(&title).filter(|_| !title.is_empty()) {
            Some(score) => Some((score, title)),
            None => domain_of(e).and_then(|d| closeness(&d).map(|score| (score, d))),
        };
        if let Some((score, name)) = close
            && !candidates.iter().any(|(_, n)| *n == name)
        {
            candidates.push((score, name));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let names: Vec<String> = candidates.into_iter().take(SHOWN).map(|c| c.1).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    }
}

/// Matches every query: which entries are compromised, what each query matched, and the
/// queries that cannot be used (the binary refuses those before the audit; a library caller
/// gets them back as warnings).
pub fn match_queries(
    entries: &[Entry],
    queries: &[String],
) -> (Vec<bool>, Vec<QueryMatch>, Vec<QueryError>) {
    let mut hit = vec![false; entries.len()];
    let mut matches = Vec::new();
    let mut errors = Vec::new();
    if queries.is_empty() {
        return (hit, matches, errors);
    }
    let keys = crate::plan::account_keys(entries);
    for q in queries {
        match match_query(entries, &keys, q) {
            Ok(m) => {
                for &i in &m.entries {
                    if let Some(slot) = hit.get_mut(i) {
                        *slot = true;
                    }
                }
                matches.push(m);
            }
            Err(e) => errors.push(e),
        }
    }
    (hit, matches, errors)
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
    fn queries_match_strictly() {
        let mut entries = vec![
            e("id-1", "Amazon JP", "https://www.amazon.co.jp/", "a"),
            e("id-2", "Shop", "https://login.example.com/x", "b"),
            e("id-3", "Other", "https://notexample.com/", "c"),
            e("AMAZON", "Thing", "", "d"),
            e("id-5", "Rakuten Ichiba", "https://www.rakuten.co.jp/", "e"),
            e(
                "id-6",
                "Rakuten Card",
                "https://www.rakuten-card.co.jp/",
                "f",
            ),
            e("id-7", "Mercari", "https://jp.mercari.com/", "g"),
            e("id-8", "mercari", "https://www.mercari.com/", "h"),
        ];
        entries[7].username = "second".into();
        let keys = crate::plan::account_keys(&entries);
        let m = |q: &str| match_query(&entries, &keys, q).map(|m| (m.by, m.entries));
        assert_eq!(m("amazon jp"), Ok((MatchedBy::Title, vec![0])));
        assert_eq!(
            m("example.com"),
            Ok((MatchedBy::Site("example.com".into()), vec![1]))
        );
        assert_eq!(
            m("https://sub.example.com/login"),
            Ok((MatchedBy::Site("example.com".into()), vec![1]))
        );
        assert_eq!(m("AMAZON"), Ok((MatchedBy::Id, vec![3])));
        assert_eq!(m(" id-3 "), Ok((MatchedBy::Id, vec![2])));
        assert_eq!(m("id:id-3"), Ok((MatchedBy::Id, vec![2])));
        assert_eq!(m("  "), Err(QueryError::Empty));
        let err = m("rakuten").unwrap_err().to_string();
        assert!(
            err.ends_with("matches no account; did you mean Rakuten Card or Rakuten Ichiba?"),
            "{err}"
        );
        let err = m("mercary").unwrap_err().to_string();
        assert!(err.contains("did you mean Mercari"), "{err}");
        let err = m("Mercari").unwrap_err().to_string();
        assert!(err.contains("is ambiguous: Mercari (mercari.com; id:id-7), mercari (mercari.com, second; id:id-8)"), "{err}");
        assert!(
            m("zzzz")
                .unwrap_err()
                .to_string()
                .ends_with("matches no account")
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
        let (comp, _, _) = match_queries(&entries, &["hacked".to_owned()]);
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
