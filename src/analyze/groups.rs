//! Groups of accounts held together by one password or one login: the data behind "Gmail,
//! Amazon and Mercari share one password" and "Rakuma signs in with the Rakuten ID".
//!
//! - [`GroupKind::SamePassword`]: the holders of one current password, plus the accounts that
//!   rotated away from it after `--since` (so progress can be shown: "1 of 4 rotated"), when they
//!   are at least two logins (one login on two sites of one backend is not reuse).
//! - [`GroupKind::Variants`]: a near-variant cluster spanning at least two logins.
//! - [`GroupKind::SharedSignIn`]: the sites of one shared sign-in backend with one username.

use super::EntryFindings;
use super::reuse::PasswordIndex;
use crate::plan::SignIns;
use serde::{Deserialize, Serialize};

/// What kind of link holds a group together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// The same current password (and accounts that rotated away from it since `--since`).
    SamePassword,
    /// Near variants of one password.
    Variants,
    /// One login on several sites (a shared sign-in backend).
    SharedSignIn,
}

/// One group, in entry terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkGroup {
    /// What links the members.
    pub kind: GroupKind,
    /// Member entries, ascending, two or more.
    pub members: Vec<usize>,
}

/// Every group of a run, ordered by kind, then first member.
pub fn link_groups(
    index: &PasswordIndex<'_>,
    found: &[EntryFindings],
    variant_clusters: &[Vec<usize>],
    sign_ins: &SignIns,
) -> Vec<LinkGroup> {
    let mut groups = Vec::new();
    for holders in &index.members {
        let mut members = holders.clone();
        // Every holder's list: one that shares a login with a holder is left out of its list.
        for r in holders
            .iter()
            .filter_map(|&h| found.get(h))
            .flat_map(|f| &f.rotated_away)
        {
            if found.get(r.rotated_in).is_some_and(|f| f.rotated_since) {
                members.push(r.rotated_in);
            }
        }
        members.sort_unstable();
        members.dedup();
        if members.len() >= 2 && sign_ins.distinct_logins(&members) >= 2 {
            groups.push(LinkGroup {
                kind: GroupKind::SamePassword,
                members,
            });
        }
    }
    groups.sort_by_key(|g| g.members.first().copied());
    for cluster in variant_clusters {
        if sign_ins.distinct_logins(cluster) >= 2 {
            groups.push(LinkGroup {
                kind: GroupKind::Variants,
                members: cluster.clone(),
            });
        }
    }
    for sign_in in &sign_ins.groups {
        groups.push(LinkGroup {
            kind: GroupKind::SharedSignIn,
            members: sign_in.members.clone(),
        });
    }
    groups
}
