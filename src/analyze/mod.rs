//! Analyzers over the entry model. Each is a plain function of the entries (and, for the
//! breach analyzer, a [`BreachSource`]); none sees anything but entries, and their output,
//! [`Findings`], holds entry indices and facts, never a password or a hash.

use crate::breach::{BreachSource, Progress, Verdict};
use crate::model::{Entry, Timestamp};

pub mod age;
pub mod blast;
pub mod breach;
pub mod groups;
pub mod personal;
pub mod reuse;
pub mod sites;
pub mod strength;
pub mod urls;
pub mod variants;

/// What the analyzers need to know besides the entries.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Passwords scoring below this zxcvbn score (0-4) are weak.
    pub min_score: u8,
    /// Incident date: passwords not changed since then are stale.
    pub since: Option<Timestamp>,
    /// Passwords older than this are stale.
    pub max_age: Option<chrono::Duration>,
    /// "Now", fixed once per run so results are deterministic.
    pub now: Timestamp,
    /// `--compromised` queries: site, exact title, or entry id / account key
    /// ([`blast::match_query`]).
    pub compromised: Vec<String>,
    /// Skip the zxcvbn strength check (`--skip weak`): the costliest analyzer.
    pub skip_weak: bool,
    /// Skip near-variant detection (`--skip variants`).
    pub skip_variants: bool,
    /// The user's own data (identity items of the vaults, `--personal-words`): passwords
    /// built from it get a personal-data finding.
    pub personal: Vec<crate::model::PersonalItem>,
    /// The HIBP breach list for the site-breach check (`None`: the check is off).
    pub site_breaches: Option<std::sync::Arc<crate::breach::catalog::LoadedList>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            min_score: 3,
            since: None,
            max_age: None,
            now: chrono::Utc::now(),
            compromised: Vec::new(),
            skip_weak: false,
            skip_variants: false,
            personal: Vec::new(),
            site_breaches: None,
        }
    }
}

/// Entries sharing one current password (indices into the entry slice, ascending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReuseGroup {
    /// Members, two or more.
    pub members: Vec<usize>,
}

/// A password that one entry rotated away from, still current in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotatedAway {
    /// The entry whose history holds the password.
    pub rotated_in: usize,
    /// When it was retired there, if known.
    pub retired: Option<Timestamp>,
}

/// What kind of secret an entry holds, and so how a weak one is reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeakKind {
    /// An ordinary password scoring below the threshold.
    #[default]
    Password,
    /// A PIN (all digits, or in a PIN-like entry/group): its own kind so PINs do not flood the list.
    Pin,
    /// A licence key or similar non-login secret.
    LicenseKey,
}

/// zxcvbn's verdict on a password.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// Score 0-4.
    pub score: u8,
    /// log10 of the estimated guesses.
    pub guesses_log10: f64,
    /// zxcvbn's warning, if any.
    pub warning: Option<String>,
    /// What kind of secret was scored.
    pub kind: WeakKind,
}

/// Why a password counts as stale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Staleness {
    /// Not changed since the incident date (`--since`); carries when it was last set.
    BeforeIncident(Timestamp),
    /// Older than `--max-age`; carries when it was last set.
    TooOld(Timestamp),
    /// The format has no change time, so age checks cannot clear it.
    Unknown,
}

/// How a compromised account's password reaches another account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExposureKind {
    /// Same current password.
    SamePassword,
    /// This account's current password is one the compromised account used before.
    PastPassword,
    /// A near variant of the compromised account's current password.
    Variant,
    /// A near variant of one of the compromised account's past passwords.
    VariantOfPast,
}

/// One compromised account exposing this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// The compromised entry.
    pub by: usize,
    /// How (the strongest link when several apply).
    pub how: ExposureKind,
}

/// A password longer than this (bytes) is a finding of its own ([`EntryFindings::long_password`])
/// and no input to the variant and strength rules: the per-password work of every rule then
/// stays bounded whatever a vault holds (a 1 GiB password used to abort the variant analysis).
/// Exact reuse and the breach check, linear in the length, still apply.
pub const LONG_PASSWORD_BYTES: usize = 4096;

/// At most this many entries are listed in [`EntryFindings::variants`]; the whole cluster is
/// [`Findings::variant_clusters`]`[variant_cluster]`.
pub const VARIANT_LIST_CAP: usize = 100;

/// Everything found about one entry.
#[derive(Clone, Debug, Default)]
pub struct EntryFindings {
    /// Breach verdict for the current password (None when breach checks are off).
    pub breach: Option<Verdict>,
    /// Index into [`Findings::reuse_groups`].
    pub reuse_group: Option<usize>,
    /// Entries whose history holds this entry's current password.
    pub rotated_away: Vec<RotatedAway>,
    /// Other entries whose current password is a near variant of this one's (a different
    /// password in the same cluster), ascending, at most [`VARIANT_LIST_CAP`].
    pub variants: Vec<usize>,
    /// Index into [`Findings::variant_clusters`].
    pub variant_cluster: Option<usize>,
    /// zxcvbn verdict; `Some` for every analysed entry.
    pub strength: Option<Strength>,
    /// The strength is below `Settings::min_score`.
    pub weak: bool,
    /// Whether the password is stale, and why.
    pub stale: Option<Staleness>,
    /// `http://` URLs of the entry: the password travels in clear. Sanitized
    /// (`scheme://host[:port]/path`: no user info, query or fragment); loopback hosts excepted.
    pub insecure_urls: Vec<String>,
    /// The password is over [`LONG_PASSWORD_BYTES`]: not analysed for variants or strength.
    pub long_password: bool,
    /// The entry matched a `--compromised` query: known to be taken over.
    pub compromised: bool,
    /// Compromised through a shared sign-in: the matched entry whose login this one is
    /// (Rakuten ID when Rakuma matched `--compromised`).
    pub compromised_via: Option<usize>,
    /// Index into [`Findings::sign_ins`]: this site signs in with the same login as others.
    pub sign_in: Option<usize>,
    /// The password was set on or after `--since` (rotated since the incident).
    pub rotated_since: bool,
    /// Indexes into [`Findings::groups`], ascending.
    pub groups: Vec<usize>,
    /// Breaches of the entry's site (or sign-in backend) that exposed passwords since its
    /// password was set.
    pub site_breaches: Vec<sites::SiteBreachHit>,
    /// The site's two-factor support (2fa.directory), when it offers any.
    pub two_factor: Option<sites::TwoFactorStatus>,
    /// The site's passkey support (Passkeys Directory), when it offers passkeys.
    pub passkey: Option<&'static crate::data::PasskeySite>,
    /// Compromised entries whose current or past password (or a near variant) this entry
    /// shares, ascending. [`EntryFindings::exposures`] says how.
    pub exposed_by: Vec<usize>,
    /// One record per entry of `exposed_by`, same order.
    pub exposures: Vec<Exposure>,
    /// What kind of secret the entry holds ([`strength::kind`]), whether or not the strength
    /// check ran: a PIN or licence key keeps its low tier whatever the breach check says.
    pub kind: WeakKind,
    /// Kinds of the user's own data the password contains (`personal-data`), in order.
    pub personal: Vec<crate::model::PersonalKind>,
}

/// The analyzers' output, indexed like the entry slice.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// One per entry, same order.
    pub entries: Vec<EntryFindings>,
    /// Exact-reuse groups.
    pub reuse_groups: Vec<ReuseGroup>,
    /// Near-variant clusters: entry indices, ascending, ordered by first member. Each holds at
    /// least two distinct passwords; entries sharing one exact password are all listed (that
    /// exact sharing is also in `reuse_groups`).
    pub variant_clusters: Vec<Vec<usize>>,
    /// `--compromised` queries that cannot be used (no match, ambiguous, empty), as given; the
    /// binary refuses them before the audit, a library caller gets them as warnings.
    pub unmatched_compromised: Vec<String>,
    /// Why each of `unmatched_compromised` cannot be used, same order.
    pub compromised_errors: Vec<blast::QueryError>,
    /// What each usable `--compromised` query matched.
    pub compromised_matches: Vec<blast::QueryMatch>,
    /// Shared sign-in groups: sites that sign in with one login.
    pub sign_ins: Vec<crate::plan::SignIn>,
    /// Same-password groups, near-variant groups and shared sign-in groups.
    pub groups: Vec<groups::LinkGroup>,
    /// The incident date the analysis used (`--since`).
    pub since: Option<Timestamp>,
    /// False when the near-variant rule stopped at its work budget
    /// ([`variants::EDIT_CHECK_BUDGET`]): some near variants may be missing.
    pub variants_complete: bool,
}

/// Runs every analyzer. `breach` is `None` when breach checks are off.
///
/// Every entry given is analysed and counts for the others (reuse, variants, blast radius),
/// excluded ones included; the ranking hides excluded entries' own rows. Readers drop
/// recycled entries and `{REF:...}` references before this point.
pub fn run(
    entries: &[Entry],
    breach: Option<&dyn BreachSource>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Findings {
    let index = reuse::PasswordIndex::new(entries);
    // One login on two sites of one backend is not reuse of itself.
    let sign_ins = crate::plan::sign_ins(entries);
    let reuse_groups: Vec<ReuseGroup> = reuse::reuse_groups(&index)
        .into_iter()
        .filter(|g| sign_ins.distinct_logins(&g.members) >= 2)
        .collect();
    let mut rotated = reuse::rotated_away(entries, &index);
    for (i, list) in rotated.iter_mut().enumerate() {
        list.retain(|r| !sign_ins.same_login(i, r.rotated_in));
    }

    // Variant nodes: one per distinct password, with the site words of all its holders.
    let entry_tokens: Vec<Vec<String>> = entries.iter().map(variants::site_tokens).collect();
    let nodes: Vec<variants::Node<'_>> = index
        .members
        .iter()
        .map(|members| {
            let mut tokens: Vec<String> = Vec::new();
            for &m in members {
                for t in entry_tokens.get(m).into_iter().flatten() {
                    if !tokens.contains(t) {
                        tokens.push(t.clone());
                    }
                }
            }
            let password = members
                .first()
                .and_then(|&m| entries.get(m))
                .map_or("", |e| e.password.expose());
            variants::Node {
                password,
                site_tokens: tokens,
            }
        })
        .collect();

    // The breach check waits on the network or the disk: run it on its own thread while the
    // CPU-bound analyzers use the rayon pool.
    let (strengths, clustering, verdicts) = std::thread::scope(|scope| {
        let lookups = breach.map(|source| {
            let index = &index;
            scope.spawn(move || breach::check(entries, index, source, progress))
        });
        let (strengths, clustering) = rayon::join(
            || {
                if settings.skip_weak {
                    vec![None; entries.len()]
                } else {
                    strength::analyze(entries)
                }
            },
            || {
                if settings.skip_variants {
                    variants::Clustering {
                        labels: (0..nodes.len()).collect(),
                        complete: true,
                    }
                } else {
                    variants::cluster_labels_within(&nodes, variants::EDIT_CHECK_BUDGET)
                }
            },
        );
        let verdicts = lookups.map(|handle| {
            handle.join().unwrap_or_else(|_| {
                vec![
                    Some(Verdict::Unchecked(
                        "the breach check failed unexpectedly".to_owned()
                    ));
                    entries.len()
                ]
            })
        });
        (strengths, clustering, verdicts)
    });

    let mut out: Vec<EntryFindings> = vec![EntryFindings::default(); entries.len()];

    for (g, group) in reuse_groups.iter().enumerate() {
        for &m in &group.members {
            if let Some(f) = out.get_mut(m) {
                f.reuse_group = Some(g);
            }
        }
    }
    for (f, r) in out.iter_mut().zip(rotated) {
        f.rotated_away = r;
    }

    // Variant clusters, in entry terms. Hidden fields are no login passwords: they count for
    // exact reuse only, so they leave the clusters (and a cluster left with one distinct
    // password is none).
    let is_field = |m: &usize| entries.get(*m).is_some_and(|e| e.field.is_some());
    let variants_complete = clustering.complete;
    let labels = clustering.labels;
    let unique_clusters = variants::group_labels(&labels);
    let mut variant_clusters: Vec<Vec<usize>> = unique_clusters
        .iter()
        .map(|uniq| {
            let mut members: Vec<usize> = uniq
                .iter()
                .flat_map(|&u| index.members.get(u).into_iter().flatten().copied())
                .filter(|m| !is_field(m))
                .collect();
            members.sort_unstable();
            members
        })
        .filter(|members| {
            let first = members
                .first()
                .and_then(|&m| index.entry_pw.get(m).copied().flatten());
            members
                .iter()
                .any(|&m| index.entry_pw.get(m).copied().flatten() != first)
        })
        .collect();
    variant_clusters.sort_by_key(|c| c.first().copied());
    for (c, cluster) in variant_clusters.iter().enumerate() {
        for &m in cluster {
            let my_pw = index.entry_pw.get(m).copied().flatten();
            let others: Vec<usize> = cluster
                .iter()
                .copied()
                .filter(|&o| index.entry_pw.get(o).copied().flatten() != my_pw)
                .filter(|&o| !sign_ins.same_login(m, o))
                .take(VARIANT_LIST_CAP)
                .collect();
            if let Some(f) = out.get_mut(m) {
                f.variant_cluster = Some(c);
                f.variants = others;
            }
        }
    }

    let personal = personal::Matcher::new(&settings.personal);
    for ((f, s), e) in out.iter_mut().zip(strengths).zip(entries) {
        f.long_password = e.password.expose().len() > LONG_PASSWORD_BYTES;
        f.kind = strength::kind(e);
        if !personal.is_empty() && personal::applies_to(e, f.kind) {
            f.personal = personal.kinds_in(e.password.expose());
        }
        // A hidden field is a secret, not a login password: strength, age and URL rules are
        // its parent's business.
        if e.field.is_some() {
            continue;
        }
        let s = s.filter(|_| !f.long_password);
        f.weak = s.as_ref().is_some_and(|s| s.score < settings.min_score);
        f.strength = s;
        f.stale = age::staleness(e, settings);
        f.insecure_urls = urls::insecure_urls(e);
        f.rotated_since = settings
            .since
            .is_some_and(|since| e.password_set_at().is_some_and(|set| set >= since));
        let hosts = e.hosts();
        if let Some(catalog) = settings
            .site_breaches
            .as_ref()
            .and_then(|l| l.catalog.as_ref())
        {
            f.site_breaches = sites::site_breaches(e, hosts, catalog);
        }
        f.two_factor = sites::two_factor(e, hosts);
        f.passkey = sites::passkey(hosts);
    }
    for (i, f) in out.iter_mut().enumerate() {
        f.sign_in = sign_ins.of_entry.get(i).copied().flatten();
    }

    // Blast radius.
    let (mut compromised, compromised_matches, compromised_errors) =
        blast::match_queries(entries, &settings.compromised);
    // A compromise of one site of a shared sign-in is a compromise of the login.
    let mut compromised_via: Vec<Option<usize>> = vec![None; entries.len()];
    for group in &sign_ins.groups {
        let matched = group
            .members
            .iter()
            .copied()
            .find(|&m| compromised.get(m).copied().unwrap_or(false));
        if let Some(by) = matched {
            for &m in &group.members {
                if !compromised.get(m).copied().unwrap_or(true) {
                    compromised[m] = true;
                    compromised_via[m] = Some(by);
                }
            }
        }
    }
    let unmatched_compromised = compromised_errors
        .iter()
        .map(|e| e.query().to_owned())
        .collect();
    // A hidden field shares its entry's title and URLs, but taking over the site does not
    // reveal what the vault keeps in it: only the login itself is compromised.
    for (c, e) in compromised.iter_mut().zip(entries) {
        *c &= e.field.is_none();
    }
    let label_of = |u: usize| labels.get(u).copied();
    let exposures = blast::exposures(
        entries,
        &index,
        &label_of,
        &nodes,
        &entry_tokens,
        &compromised,
    );
    for (((f, c), x), via) in out
        .iter_mut()
        .zip(&compromised)
        .zip(exposures)
        .zip(compromised_via)
    {
        f.compromised = *c;
        f.compromised_via = via;
        f.exposed_by = x.iter().map(|x| x.by).collect();
        f.exposures = x;
    }

    // Breach verdicts: one lookup per distinct password.
    if let Some(verdicts) = verdicts {
        for (f, v) in out.iter_mut().zip(verdicts) {
            f.breach = v;
        }
    }

    let groups = groups::link_groups(&index, &out, &variant_clusters, &sign_ins);
    for (g, group) in groups.iter().enumerate() {
        for &m in &group.members {
            if let Some(f) = out.get_mut(m) {
                f.groups.push(g);
            }
        }
    }

    Findings {
        entries: out,
        reuse_groups,
        variant_clusters,
        unmatched_compromised,
        compromised_errors,
        compromised_matches,
        sign_ins: sign_ins.groups,
        groups,
        since: settings.since,
        variants_complete,
    }
}
