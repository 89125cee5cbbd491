//! Near-variant reuse: passwords an attacker holding one would guess in a few tries.
//!
//! Two distinct passwords are near variants when any rule below holds (research:
//! `hibp-and-crates.md` section 4; Das et al. 2014, Wang et al. 2018, Pal et al. 2019):
//!
//! 1. **Same stem.** Lower-case; strip the trailing run of digits/symbols (years, counters,
//!    `!`); strip the leading digit/symbol run; undo leet (`4 @`->a, `3`->e, `1 ! | l`->i,
//!    `0`->o, `$ 5`->s, `7 +`->t). Stems must keep at least [`MIN_STEM_LETTERS`] letters.
//!    This covers case changes, leet, appended/incremented numbers and years
//!    (`Tulip#2001`/`Tulip#2002`/`tulip#2001`, `Kumamon2018!`/`Kumamon2019!`,
//!    `P@ssw0rd`/`password1`). A second stem without the leading strip keeps `4pple`~`apple1`.
//! 2. **Same digit mask.** Lower-cased, every digit run replaced by one placeholder
//!    (`abcd12x`/`abcd13x`), with at least [`MIN_STEM_LETTERS`] letters.
//! 3. **Edit distance.** Optimal-string-alignment (Damerau) distance <= 2, both passwords of
//!    [`EDIT_MIN_LEN`]..=[`EDIT_MAX_LEN`] characters.
//! 4. **Containment.** One contains the other, case-insensitively, the contained one of
//!    [`CONTAIN_MIN_LEN`]..=[`CONTAIN_MAX_LEN`] characters (`monkey` in `monkey99x`).
//! 5. **Site name swapped in.** The entry's own site words (title words, host labels without
//!    `www` and the public suffix) are removed from its password before rule 1
//!    (`Amazon$ecret1` at Amazon ~ `Ebay$ecret1` at eBay).
//!
//! Passwords shorter than [`MIN_LEN`] characters, all-digit passwords of 8 or fewer
//! characters (PINs) and passwords over [`MAX_LEN`] bytes take part in no rule: `1234`/`1235`
//! are not variants.
//!
//! **No all-pairs comparison.** Candidate pairs come from blocking keys: stems in a hash map;
//! for edit distance the symmetric-delete neighbourhood (every string with up to two characters
//! deleted, as 64-bit polynomial hashes, sorted) for passwords of up to
//! [`SYMDEL_MAX_LEN`] characters, and a 5-segment pigeonhole index beyond (two OSA operations
//! touch at most four of five segments, so one segment survives, shifted by at most two);
//! for containment an index of each candidate's whole lower-case text, reached from every
//! window of the longer one through the set of candidate lengths under the window's first
//! [`CONTAIN_MIN_LEN`] characters (at most [`CONTAIN_MAX_LEN`] lookups per character, however
//! many passwords share a prefix: the crafted case of `benches/analyze.rs` went from 9.8 s to
//! milliseconds). Hash hits are candidates only: every candidate is verified
//! on the real strings, so hash collisions cost time, never correctness. Clusters are built with
//! union-find (so they are transitive).
//!
//! Everything derived from a password (lower-cased copies, stems) lives in zeroizing buffers
//! and never leaves this module; the output is indices.

use std::collections::HashMap;
use std::hash::BuildHasher;
use zeroize::{Zeroize, Zeroizing};

/// Minimum length (characters) for a password to take part in any rule.
pub const MIN_LEN: usize = 6;
/// Minimum letters left in a stem.
pub const MIN_STEM_LETTERS: usize = 4;
/// Minimum length for the edit-distance rule.
pub const EDIT_MIN_LEN: usize = 8;
/// Maximum length for the edit-distance rule (longer ones are generated secrets).
pub const EDIT_MAX_LEN: usize = 128;
/// Maximum OSA distance.
pub const MAX_EDIT: usize = 2;
/// Minimum length of the contained password.
pub const CONTAIN_MIN_LEN: usize = 6;
/// Longest password blocked by the symmetric-delete neighbourhood; longer ones use segments.
pub const SYMDEL_MAX_LEN: usize = 24;
/// Longest password (bytes) that takes part in any rule: a longer one is a finding of its
/// own ([`crate::analyze::LONG_PASSWORD_BYTES`]), so one huge value cannot cost more than
/// this per rule.
pub const MAX_LEN: usize = crate::analyze::LONG_PASSWORD_BYTES;
/// Longest contained password for rule 4 (the container may be up to [`MAX_LEN`]): longer
/// ones are generated secrets, and the bound keeps the probe linear.
pub const CONTAIN_MAX_LEN: usize = EDIT_MAX_LEN;

/// Words that are never treated as site names.
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "www", "com", "net", "org", "login", "account", "accounts", "mail", "app",
    "web", "online", "portal", "admin", "user",
];

/// One distinct password and the site words of the entries holding it.
#[derive(Clone)]
pub struct Node<'a> {
    /// The password text (borrowed; never copied out of this module).
    pub password: &'a str,
    /// Lower-case site words (title words, host labels) of every entry holding it.
    pub site_tokens: Vec<String>,
}

// By hand: the derived form would print the password.
impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("password", &"<redacted>")
            .field("site_tokens", &self.site_tokens)
            .finish()
    }
}

impl<'a> Node<'a> {
    /// A node without site words.
    pub fn bare(password: &'a str) -> Self {
        Node {
            password,
            site_tokens: Vec::new(),
        }
    }
}

/// Site words of an entry for rule 5: [`crate::site::site_words`] without stop words.
pub fn site_tokens(entry: &crate::model::Entry) -> Vec<String> {
    let mut words = crate::site::site_words_of_hosts(&entry.title, entry.hosts());
    words.retain(|w| !STOP_WORDS.contains(&w.as_str()));
    words
}

/// Union-find with path halving and union by size.
struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while let Some(&p) = self.parent.get(x as usize) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp;
            }
            x = gp;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (sa, sb) = (self.size[ra as usize], self.size[rb as usize]);
        let (big, small) = if sa >= sb { (ra, rb) } else { (rb, ra) };
        self.parent[small as usize] = big;
        self.size[big as usize] = sa + sb;
    }

    fn same(&mut self, a: u32, b: u32) -> bool {
        self.find(a) == self.find(b)
    }
}

/// Per-node working data (zeroized on drop).
struct Prepared {
    /// Lower-cased text.
    lower: Zeroizing<String>,
    /// Original characters as code points.
    chars: Zeroizing<Vec<u32>>,
    /// Lower-cased characters as code points.
    lower_chars: Zeroizing<Vec<u32>>,
    /// Whether the node takes part at all.
    active: bool,
}

fn is_pin_like(pw: &str) -> bool {
    pw.len() <= 8 && pw.bytes().all(|b| b.is_ascii_digit())
}

fn prepare(pw: &str) -> Prepared {
    if pw.len() > MAX_LEN {
        // Not an input to any rule (it is a finding of its own): no copies, no work.
        return Prepared {
            lower: Zeroizing::new(String::new()),
            chars: Zeroizing::new(Vec::new()),
            lower_chars: Zeroizing::new(Vec::new()),
            active: false,
        };
    }
    let lower = Zeroizing::new(pw.to_lowercase());
    let chars = Zeroizing::new(pw.chars().map(u32::from).collect::<Vec<u32>>());
    let lower_chars = Zeroizing::new(lower.chars().map(u32::from).collect::<Vec<u32>>());
    let active = chars.len() >= MIN_LEN && !is_pin_like(pw);
    Prepared {
        lower,
        chars,
        lower_chars,
        active,
    }
}

fn unleet(c: char) -> char {
    match c {
        '4' | '@' => 'a',
        '3' => 'e',
        '1' | '!' | '|' | 'l' => 'i',
        '0' => 'o',
        '$' | '5' => 's',
        '7' | '+' => 't',
        other => other,
    }
}

/// Pushes the stems of a lower-cased string (rule 1) into `out`, tagged by namespace.
fn push_stems(lower: &str, out: &mut Vec<Zeroizing<String>>) {
    let trimmed = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let no_lead = trimmed.trim_start_matches(|c: char| !c.is_alphabetic());
    for (tag, s) in [('A', no_lead), ('A', trimmed)] {
        let mut stem = Zeroizing::new(String::with_capacity(s.len() + 1));
        stem.push(tag);
        stem.extend(s.chars().map(unleet));
        let letters = stem.chars().skip(1).filter(|c| c.is_alphabetic()).count();
        if letters >= MIN_STEM_LETTERS && !out.contains(&stem) {
            out.push(stem);
        }
    }
}

/// All exact-match keys of a node: stems (with and without its site words), the digit mask.
fn exact_keys(p: &Prepared, tokens: &[String]) -> Vec<Zeroizing<String>> {
    let mut out = Vec::new();
    if !p.active {
        return out;
    }
    push_stems(&p.lower, &mut out);
    for t in tokens {
        if let Some(pos) = p.lower.find(t.as_str()) {
            let mut rest = Zeroizing::new(String::with_capacity(p.lower.len()));
            rest.push_str(&p.lower[..pos]);
            rest.push_str(&p.lower[pos + t.len()..]);
            push_stems(&rest, &mut out);
        }
    }
    // Digit mask.
    let mut mask = Zeroizing::new(String::with_capacity(p.lower.len() + 1));
    mask.push('D');
    let mut in_digits = false;
    let mut has_digits = false;
    for c in p.lower.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                mask.push('\u{0}');
            }
            in_digits = true;
            has_digits = true;
        } else {
            in_digits = false;
            mask.push(c);
        }
    }
    if has_digits && mask.chars().filter(|c| c.is_alphabetic()).count() >= MIN_STEM_LETTERS {
        out.push(mask);
    }
    out
}

/// OSA distance bounded: `None` when above `max`.
fn osa_within(a: &[u32], b: &[u32], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // A common prefix and suffix never change the distance (rapidfuzz strips them for OSA
    // too): near-identical long passwords, the adversarial case, then cost a few cells.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // Classic OSA DP over three rows; lengths are bounded by EDIT_MAX_LEN.
    let n = b.len();
    // One allocation for the three rows: this runs once per candidate pair.
    let mut rows = vec![0usize; 3 * (n + 1)];
    let (mut prev2, rest) = rows.split_at_mut(n + 1);
    let (mut prev, mut cur) = rest.split_at_mut(n + 1);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for j in 0..n {
            let cb = b[j];
            let cost = usize::from(ca != cb);
            let mut v = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                v = v.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n] <= max
}

fn edit_eligible(p: &Prepared) -> bool {
    p.active && (EDIT_MIN_LEN..=EDIT_MAX_LEN).contains(&p.chars.len())
}

fn edit_rule(a: &Prepared, b: &Prepared) -> bool {
    edit_eligible(a) && edit_eligible(b) && osa_within(&a.chars, &b.chars, MAX_EDIT)
}

fn contain_rule(a: &Prepared, b: &Prepared) -> bool {
    if !a.active || !b.active {
        return false;
    }
    let (short, long) = if a.lower_chars.len() <= b.lower_chars.len() {
        (a, b)
    } else {
        (b, a)
    };
    (CONTAIN_MIN_LEN..=CONTAIN_MAX_LEN).contains(&short.lower_chars.len())
        && long.lower.contains(short.lower.as_str())
}

/// Polynomial hashing mod 2^64 with a per-run random odd base.
struct PolyHash {
    base: u64,
    seed: u64,
    pow: Vec<u64>,
}

impl PolyHash {
    fn new(max_len: usize) -> Self {
        let rs = std::collections::hash_map::RandomState::new();
        let base = rs.hash_one(0x5EED_u64) | 1;
        let seed = rs.hash_one(0xC0FFEE_u64);
        let mut pow = Vec::with_capacity(max_len + 1);
        let mut p = 1u64;
        for _ in 0..=max_len {
            pow.push(p);
            p = p.wrapping_mul(base);
        }
        Self { base, seed, pow }
    }

    fn pow(&self, k: usize) -> u64 {
        self.pow.get(k).copied().unwrap_or(0)
    }

    /// Prefix hashes: `p[k]` is the hash of `s[..k]`.
    fn prefixes(&self, s: &[u32]) -> Vec<u64> {
        let mut out = Vec::with_capacity(s.len() + 1);
        let mut h = 0u64;
        out.push(h);
        for &c in s {
            h = h.wrapping_mul(self.base).wrapping_add(u64::from(c) + 1);
            out.push(h);
        }
        out
    }

    fn sub(&self, pre: &[u64], a: usize, b: usize) -> u64 {
        pre[b].wrapping_sub(pre[a].wrapping_mul(self.pow(b - a)))
    }

    fn finish(&self, h: u64, len: usize, tag: u64) -> u64 {
        splitmix(h ^ self.seed ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (tag << 56))
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Start and length of segment `k` of 5 for a string of length `len`.
fn segment(len: usize, k: usize) -> (usize, usize) {
    let start = len * k / 5;
    let end = len * (k + 1) / 5;
    (start, end - start)
}

/// Clusters distinct passwords into near-variant groups. Returns, per node, a cluster label
/// (the label is shared by the members of one cluster; singletons have their own).
pub fn cluster_labels(nodes: &[Node<'_>]) -> Vec<usize> {
    cluster_labels_within(nodes, EDIT_CHECK_BUDGET).labels
}

/// At most this many edit-distance checks per clustering: ~10 s of CPU at the measured
/// ~0.4 µs per check (BENCHMARKS.md, issue 11), far above any real vault (10,000 ordinary
/// entries need a few thousand), so a crafted vault of many long look-alike passwords cannot
/// make the analysis quadratic without bound. Past it the edit-distance rule stops and the
/// result says so ([`Clustering::complete`]).
pub const EDIT_CHECK_BUDGET: u64 = 25_000_000;

/// Cluster labels, and whether every candidate pair was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clustering {
    /// One label per node, as [`cluster_labels`] gives them.
    pub labels: Vec<usize>,
    /// False when the edit-distance rule stopped at its budget: near variants may be missing.
    pub complete: bool,
}

/// [`cluster_labels`] with an explicit budget of edit-distance checks.
pub fn cluster_labels_within(nodes: &[Node<'_>], budget: u64) -> Clustering {
    let mut checks: u64 = 0;
    let mut complete = true;
    let n = nodes.len();
    let prepared: Vec<Prepared> = nodes.iter().map(|n| prepare(n.password)).collect();
    let mut uf = UnionFind::new(n);

    // Rule 1, 2, 5: exact keys.
    {
        // Keys are plain `String`s (`Zeroizing` is not `Hash`), wiped when the map drains.
        let mut map: HashMap<String, u32> = HashMap::with_capacity(n * 3);
        for (i, (p, node)) in prepared.iter().zip(nodes).enumerate() {
            for mut key in exact_keys(p, &node.site_tokens) {
                match map.get(key.as_str()) {
                    Some(&first) => uf.union(first, i as u32),
                    None => {
                        map.insert(std::mem::take(&mut *key), i as u32);
                    }
                }
            }
        }
        for (mut key, _) in map.drain() {
            key.zeroize();
        }
    }

    let ph = PolyHash::new(EDIT_MAX_LEN + 8);

    // Rule 3, short and medium passwords: symmetric-delete neighbourhood.
    {
        let mut keys: Vec<(u64, u32)> = Vec::new();
        for (i, p) in prepared.iter().enumerate() {
            if !edit_eligible(p) || p.chars.len() > SYMDEL_MAX_LEN {
                continue;
            }
            let s = &p.chars;
            let l = s.len();
            let pre = ph.prefixes(s);
            let id = i as u32;
            keys.push((ph.finish(pre[l], l, 1), id));
            for a in 0..l {
                // Delete position a.
                let h1 =
                    pre[a]
                        .wrapping_mul(ph.pow(l - a - 1))
                        .wrapping_add(ph.sub(&pre, a + 1, l));
                keys.push((ph.finish(h1, l - 1, 1), id));
                for b in a + 1..l {
                    // Delete positions a and b.
                    let left = pre[a];
                    let mid = ph.sub(&pre, a + 1, b);
                    let right = ph.sub(&pre, b + 1, l);
                    let h2 = left
                        .wrapping_mul(ph.pow(b - a - 1))
                        .wrapping_add(mid)
                        .wrapping_mul(ph.pow(l - b - 1))
                        .wrapping_add(right);
                    keys.push((ph.finish(h2, l - 2, 1), id));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let mut start = 0;
        'buckets: while start < keys.len() {
            let mut end = start + 1;
            while end < keys.len() && keys[end].0 == keys[start].0 {
                end += 1;
            }
            if end - start >= 2 {
                for x in start..end {
                    for y in x + 1..end {
                        let (a, b) = (keys[x].1, keys[y].1);
                        if a == b || uf.same(a, b) {
                            continue;
                        }
                        if checks >= budget {
                            complete = false;
                            break 'buckets;
                        }
                        checks += 1;
                        if edit_rule(&prepared[a as usize], &prepared[b as usize]) {
                            uf.union(a, b);
                        }
                    }
                }
            }
            start = end;
        }
        keys.clear();
        keys.shrink_to_fit();
    }

    // Rule 3, long passwords: 5-segment pigeonhole.
    {
        let min_indexed = SYMDEL_MAX_LEN + 1 - MAX_EDIT;
        let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, p) in prepared.iter().enumerate() {
            let l = p.chars.len();
            if !edit_eligible(p) || l < min_indexed {
                continue;
            }
            let pre = ph.prefixes(&p.chars);
            for k in 0..5 {
                let (st, len) = segment(l, k);
                let key = ph.finish(ph.sub(&pre, st, st + len), l, 2 + k as u64);
                index.entry(key).or_default().push(i as u32);
            }
        }
        if !index.is_empty() {
            // The query that last verified each node: a candidate found through several
            // segments, lengths and shifts is verified once per query, not up to 125 times.
            let mut verified_by: Vec<u32> = vec![u32::MAX; n];
            'queries: for (i, p) in prepared.iter().enumerate() {
                if !complete {
                    break;
                }
                let lt = p.chars.len();
                if !edit_eligible(p) || lt <= SYMDEL_MAX_LEN {
                    continue;
                }
                let pre = ph.prefixes(&p.chars);
                for l in lt.saturating_sub(MAX_EDIT).max(min_indexed)..=lt + MAX_EDIT {
                    for k in 0..5 {
                        let (st, len) = segment(l, k);
                        for d in -(MAX_EDIT as isize)..=(MAX_EDIT as isize) {
                            let pos = st as isize + d;
                            if pos < 0 || pos as usize + len > lt {
                                continue;
                            }
                            let pos = pos as usize;
                            let key = ph.finish(ph.sub(&pre, pos, pos + len), l, 2 + k as u64);
                            let Some(cands) = index.get(&key) else {
                                continue;
                            };
                            for &c in cands {
                                let me = i as u32;
                                // A later node that also queries will find this pair itself.
                                let later_query =
                                    c > me && prepared[c as usize].chars.len() > SYMDEL_MAX_LEN;
                                if c == me
                                    || later_query
                                    || std::mem::replace(&mut verified_by[c as usize], me) == me
                                {
                                    continue;
                                }
                                if uf.same(c, me) {
                                    continue;
                                }
                                if checks >= budget {
                                    complete = false;
                                    break 'queries;
                                }
                                checks += 1;
                                if edit_rule(&prepared[c as usize], p) {
                                    uf.union(c, me);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Rule 4: containment, near-linear on any input. Passwords of CONTAIN_MIN_LEN to
    // CONTAIN_MAX_LEN characters are indexed by their whole lower-case text (one
    // representative per distinct text, the others joined to it), and their first
    // CONTAIN_MIN_LEN characters map to the set of lengths indexed under them. Every window
    // of every password then looks up one whole-text hash per such length: at most
    // CONTAIN_MAX_LEN lookups per character, however many passwords share a prefix, and
    // only real matches (or hash collisions) reach the string comparison.
    {
        let q = CONTAIN_MIN_LEN;
        let mut whole: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut lengths: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, p) in prepared.iter().enumerate() {
            let m = p.lower_chars.len();
            if !p.active || m < q || m > CONTAIN_MAX_LEN {
                continue;
            }
            let pre = ph.prefixes(&p.lower_chars);
            let bucket = whole.entry(ph.finish(pre[m], m, 10)).or_default();
            let same_text = bucket
                .iter()
                .copied()
                .find(|&c| prepared[c as usize].lower == p.lower);
            match same_text {
                Some(c) => uf.union(c, i as u32),
                None => {
                    bucket.push(i as u32);
                    lengths.entry(ph.finish(pre[q], q, 9)).or_default().push(m);
                }
            }
        }
        for list in lengths.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        for (i, p) in prepared.iter().enumerate() {
            let lt = p.lower_chars.len();
            if !p.active || lt < q || whole.is_empty() {
                continue;
            }
            let me = i as u32;
            let pre = ph.prefixes(&p.lower_chars);
            for pos in 0..=lt - q {
                let Some(lens) = lengths.get(&ph.finish(ph.sub(&pre, pos, pos + q), q, 9)) else {
                    continue;
                };
                for &m in lens {
                    if pos + m > lt {
                        break;
                    }
                    let key = ph.finish(ph.sub(&pre, pos, pos + m), m, 10);
                    for &c in whole.get(&key).into_iter().flatten() {
                        if c != me && !uf.same(c, me) && contain_rule(&prepared[c as usize], p) {
                            uf.union(c, me);
                        }
                    }
                }
            }
        }
    }

    Clustering {
        labels: (0..n as u32).map(|i| uf.find(i) as usize).collect(),
        complete,
    }
}

/// Clusters of two or more node indices (ascending), ordered by their smallest member.
pub fn clusters(nodes: &[Node<'_>]) -> Vec<Vec<usize>> {
    let labels = cluster_labels(nodes);
    group_labels(&labels)
}

/// Groups indices by label; groups of two or more, ascending, ordered by first member.
pub fn group_labels(labels: &[usize]) -> Vec<Vec<usize>> {
    let mut by_label: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &l) in labels.iter().enumerate() {
        by_label.entry(l).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = by_label.into_values().filter(|g| g.len() >= 2).collect();
    out.sort_by_key(|g| g.first().copied());
    out
}

/// Whether two distinct passwords are near variants by the rules above (a direct check of one
/// pair, used for a compromised account's past passwords). Identical passwords return `false`:
/// that is reuse, not a variant.
pub fn is_variant(a: &Node<'_>, b: &Node<'_>) -> bool {
    if a.password == b.password {
        return false;
    }
    let (pa, pb) = (prepare(a.password), prepare(b.password));
    if !pa.active || !pb.active {
        return false;
    }
    let ka = exact_keys(&pa, &a.site_tokens);
    let kb = exact_keys(&pb, &b.site_tokens);
    if ka.iter().any(|k| kb.contains(k)) {
        return true;
    }
    edit_rule(&pa, &pb) || contain_rule(&pa, &pb)
}

/// The nodes that are near variants of `probe` (a password that is not itself a node, such
/// as a compromised account's past password), ascending. Checks every node directly, so it is
/// meant for a handful of probes.
pub fn variants_of(probe: &Node<'_>, nodes: &[Node<'_>]) -> Vec<usize> {
    let pp = prepare(probe.password);
    if !pp.active {
        return Vec::new();
    }
    let kp = exact_keys(&pp, &probe.site_tokens);
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            if n.password == probe.password {
                return false;
            }
            let pn = prepare(n.password);
            pn.active
                && (exact_keys(&pn, &n.site_tokens)
                    .iter()
                    .any(|k| kp.contains(k))
                    || edit_rule(&pp, &pn)
                    || contain_rule(&pp, &pn))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference for the indexed clustering: every pair checked with [`is_variant`].
    fn pairwise_labels(nodes: &[Node<'_>]) -> Vec<usize> {
        let mut uf = UnionFind::new(nodes.len());
        for a in 0..nodes.len() {
            for b in a + 1..nodes.len() {
                if is_variant(&nodes[a], &nodes[b]) {
                    uf.union(a as u32, b as u32);
                }
            }
        }
        (0..nodes.len() as u32)
            .map(|i| uf.find(i) as usize)
            .collect()
    }

    /// Issue 11: passwords that all share and repeat one prefix hit the containment index's
    /// largest bucket from every window; the clusters must still be exactly the pairwise ones.
    #[test]
    fn adversarial_containment_matches_pairwise() {
        let mut pws: Vec<String> = (0..120)
            .map(|i| format!("{}x{i}y", "abcdef".repeat(1 + i % 9)))
            .collect();
        // Real containments and case variants among them.
        pws.push("abcdefabcdef".to_owned());
        pws.push("ABCDEFabcdefx3y".to_owned());
        pws.push("zzabcdefx0yzz".to_owned());
        let nodes: Vec<Node<'_>> = pws.iter().map(|p| Node::bare(p)).collect();
        let labels = cluster_labels(&nodes);
        let expected = pairwise_labels(&nodes);
        assert_eq!(group_labels(&labels), group_labels(&expected));
        assert!(
            !group_labels(&labels).is_empty(),
            "the real containments pair"
        );
    }

    /// Issue 11: long passwords that share three or four of their five blocking segments
    /// (every pair a candidate, almost none within two edits) cluster exactly as pairwise.
    #[test]
    fn adversarial_edit_distance_matches_pairwise() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let mut letter = || char::from(b'a' + rng.random_range(0..4u8));
        let base: Vec<char> = (0..60).map(|_| letter()).collect();
        let mut pws: Vec<String> = Vec::new();
        for i in 0..200 {
            let mut chars = base.clone();
            let k = i % 5;
            // Two or three changed characters inside one segment: some pairs are real
            // variants, most are not, and all share the other segments.
            for _ in 0..2 + i % 2 {
                let at = 60 * k / 5 + (letter() as usize) % 12;
                chars[at] = letter();
            }
            if i % 7 == 0 {
                chars.insert(30, letter());
            }
            pws.push(chars.into_iter().collect());
        }
        pws.sort();
        pws.dedup();
        let nodes: Vec<Node<'_>> = pws.iter().map(|p| Node::bare(p)).collect();
        let labels = cluster_labels(&nodes);
        let expected = pairwise_labels(&nodes);
        assert_eq!(group_labels(&labels), group_labels(&expected));
        assert!(!group_labels(&labels).is_empty(), "real variants pair");

        // The work is bounded: with room for every check the result is whole and the same;
        // past the budget the rule stops and says so.
        let whole = cluster_labels_within(&nodes, u64::MAX);
        assert!(whole.complete);
        assert_eq!(group_labels(&whole.labels), group_labels(&labels));
        let cut = cluster_labels_within(&nodes, 100);
        assert!(!cut.complete, "200 look-alikes need more than 100 checks");
        assert_eq!(cut.labels.len(), nodes.len());
    }

    /// Stripping the common prefix and suffix gives the same answer as the full OSA table.
    #[test]
    fn osa_with_common_affixes_stripped_matches_the_full_table() {
        use rand::{Rng, SeedableRng};
        fn full(a: &[u32], b: &[u32]) -> usize {
            let (n, m) = (a.len(), b.len());
            let mut d = vec![vec![0usize; m + 1]; n + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in d[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=n {
                for j in 1..=m {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut v = (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(d[i - 2][j - 2] + 1);
                    }
                    d[i][j] = v;
                }
            }
            d[n][m]
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        for _ in 0..50_000 {
            let la = rng.random_range(0..9);
            let lb = rng.random_range(0..9);
            let a: Vec<u32> = (0..la).map(|_| rng.random_range(0..3)).collect();
            let b: Vec<u32> = (0..lb).map(|_| rng.random_range(0..3)).collect();
            for max in 0..=2 {
                assert_eq!(
                    osa_within(&a, &b, max),
                    full(&a, &b) <= max,
                    "{a:?} {b:?} {max}"
                );
            }
        }
    }

    #[test]
    fn over_long_passwords_take_part_in_no_rule() {
        let long = "correcthorse".repeat(MAX_LEN / 12 + 1);
        let longer = format!("{long}1");
        assert!(long.len() > MAX_LEN);
        assert!(pairs(&[&long, &longer, "correcthorse1"]).is_empty());
    }

    fn pairs(pws: &[&str]) -> Vec<Vec<usize>> {
        let nodes: Vec<Node<'_>> = pws.iter().map(|p| Node::bare(p)).collect();
        clusters(&nodes)
    }

    #[test]
    fn positive_examples() {
        assert_eq!(
            pairs(&["Tulip#2001", "zzz-unrelated-9", "Tulip#2002", "tulip#2001"]),
            vec![vec![0, 2, 3]]
        );
        assert_eq!(pairs(&["Kumamon2018!", "Kumamon2019!"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["P@ssw0rd", "password1"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["monkey", "monkey99x"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["x9monkeyQ", "MONKEY"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["abcd12x", "abcd13x"]), vec![vec![0, 1]]);
        // Edit distance (substitution, transposition) on 8+ chars without a shared stem.
        assert_eq!(pairs(&["gX7kq2Lp", "gX7qk2Lp"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["v8Rt#mq2Zw", "v8Rt#Nq2Zw"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["v8Rt#mq2Zw", "v8Rt#mq2Zwab"]), vec![vec![0, 1]]);
        assert_eq!(pairs(&["4pple-tree", "apple-tree1"]), vec![vec![0, 1]]);
    }

    #[test]
    fn long_passwords_use_segments() {
        let a = "Zq8vN2kLm4Rt7Wx9Yb3Hc6Jd5Fg1Ps0Te";
        let b = "Zq8vN2kLm4Rt7Wx9Yb3Hc6Jd5Fg1Ps0TeX1"; // two insertions
        let c = "Zq8vN2kLm4Rt7Wx9Yb3Hc6Jd5Fg1Ps0T"; // one deletion (len 32 vs 33)
        let d = "Zq8vN2kLm4Rt7Wx9Yb3Hc6Jd"; // 24 chars: 9 deletions, not a variant by edit,
        // but contained
        assert_eq!(pairs(&[a, b, c, d]), vec![vec![0, 1, 2, 3]]);
        let e = "Mq8vN2kLm4Rt7Wx9Yb3Hc6Jd5Fg1Ps0Tz"; // 2 substitutions of a, len 33
        let f = "Mq8vN2kLm4Rt7Wx9Yb3Hc6Jd5Fg1Ps0TzQQQ"; // 5 edits from a
        assert_eq!(pairs(&[a, e]), vec![vec![0, 1]]);
        assert_eq!(pairs(&[a, f]), Vec::<Vec<usize>>::new());
        // Across the symmetric-delete / segment boundary: 24 and 26 chars.
        let g = "Hq8vN2kLm4Rt7Wx9Yb3Hc6Jd";
        let h = "Hq8vN2kLm4Rt7Wx9Yb3Hc6Jd__";
        assert_eq!(pairs(&[g, h]), vec![vec![0, 1]]);
        let i = "Hq8vN2kLm4Rt7Wx9Yb3Hc6Jd";
        let j = "Hq8vN2kLm4Rt7Wx9Yb3H_c6J_d"; // 2 insertions inside, 26 chars
        assert_eq!(pairs(&[i, j]), vec![vec![0, 1]]);
    }

    #[test]
    fn site_name_swapped_in() {
        let nodes = vec![
            Node {
                password: "Amazon$ecret1",
                site_tokens: vec!["amazon".into()],
            },
            Node {
                password: "Ebay$ecret1",
                site_tokens: vec!["ebay".into()],
            },
        ];
        assert_eq!(clusters(&nodes), vec![vec![0, 1]]);
        // Without the site words they are not variants.
        assert_eq!(
            pairs(&["Amazon$ecret1", "Ebay$ecret1"]),
            Vec::<Vec<usize>>::new()
        );
        assert!(is_variant(&nodes[0], &nodes[1]));
    }

    #[test]
    fn negatives() {
        assert!(pairs(&["1234", "1235"]).is_empty());
        assert!(pairs(&["123456", "123457"]).is_empty());
        assert!(pairs(&["12345678", "12345679"]).is_empty());
        assert!(pairs(&["abc1", "abc2"]).is_empty());
        assert!(pairs(&["cat123", "dog123"]).is_empty());
        // Edit distance 3 on 8+ chars, no shared stem.
        assert!(pairs(&["gX7kq2Lp", "hY7kq2Mp2"]).is_empty());
        // 7 chars: edit distance 1, but below the edit-distance minimum and different stems.
        assert!(pairs(&["Qw#rt9z", "Qw#rX9z"]).is_empty());
        // Exact duplicates are reuse, never variants.
        assert!(!is_variant(
            &Node::bare("samesame"),
            &Node::bare("samesame")
        ));
    }

    #[test]
    fn random_passwords_never_pair() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let alphabet: Vec<char> =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-=?@^_"
                .chars()
                .collect();
        let pws: Vec<String> = (0..1000)
            .map(|_| {
                (0..12)
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                    .collect()
            })
            .collect();
        let nodes: Vec<Node<'_>> = pws.iter().map(|p| Node::bare(p)).collect();
        assert_eq!(clusters(&nodes), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn osa() {
        let v = |s: &str| s.chars().map(u32::from).collect::<Vec<u32>>();
        assert!(osa_within(&v("abcdefgh"), &v("abdcefgh"), 1));
        assert!(!osa_within(&v("abcdefgh"), &v("abdcefhg"), 1));
        assert!(osa_within(&v("abcdefgh"), &v("abdcefhg"), 2));
        assert!(!osa_within(&v("abcdefgh"), &v("xyzdefgh"), 2));
        assert!(osa_within(&v("abcdefgh"), &v("abcdefghij"), 2));
        assert!(!osa_within(&v("abcdefgh"), &v("abcdefghijk"), 2));
    }
}
