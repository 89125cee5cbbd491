//! The site-data generator: reads the upstream snapshots (`../shared/data` layout) and
//! credaudit's own table, and returns the Rust source of `src/data/generated/`. No I/O besides
//! reading the inputs, so `tests/data.rs` runs it in memory and compares with what is
//! committed.
//!
//! Output: sorted `(key, record index)` tables, looked up by `src/data/mod.rs`.
//! Keys are lower-case, without a leading `www.` (the lookup drops it from hosts too).

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Apple's folder inside the data directory.
const APPLE: &str = "apple-password-manager-resources";
/// 2fa.directory's folder.
const TWO_FACTOR: &str = "twofactorauth";
/// The Passkeys Directory's folder.
const PASSKEYS: &str = "passkeys";

/// One generated file: its name under `src/data/generated/` and its content.
pub struct GeneratedFile {
    pub name: &'static str,
    pub content: String,
}

/// Builds every generated file from `data_dir` (the snapshots) and `own_table`
/// (`data/shared-sign-ins.toml`).
pub fn generate(data_dir: &Path, own_table: &Path) -> Result<Vec<GeneratedFile>> {
    let apple = Snapshot::read(&data_dir.join(APPLE))?;
    let two_factor = Snapshot::read(&data_dir.join(TWO_FACTOR))?;
    let passkeys = Snapshot::read(&data_dir.join(PASSKEYS))?;
    let quirks = data_dir.join(APPLE).join("quirks");

    let current = read_apple_groups(&quirks.join("shared-credentials.json"))?;
    let historical = read_apple_groups(&quirks.join("shared-credentials-historical.json"))?;
    let own = read_own_table(own_table)?;
    let change_password = read_change_password(&quirks.join("change-password-URLs.json"))?;
    let sites_2fa = read_two_factor(&data_dir.join(TWO_FACTOR).join("entries"))?;
    let sites_passkeys = read_passkeys(&data_dir.join(PASSKEYS).join("entries"))?;

    let own_date = own.iter().map(|g| g.checked.as_str()).max().unwrap_or("");
    let sets = [
        SetRow {
            name: "shared-credentials",
            source: "github.com/apple/password-manager-resources quirks/shared-credentials.json",
            commit: Some(&apple.commit),
            date: &apple.date,
            licence: "MIT",
            attribution: None,
            records: current.len(),
        },
        SetRow {
            name: "shared-credentials-historical",
            source: "github.com/apple/password-manager-resources quirks/shared-credentials-historical.json",
            commit: Some(&apple.commit),
            date: &apple.date,
            licence: "MIT",
            attribution: None,
            records: historical.len(),
        },
        SetRow {
            name: "credaudit-shared-sign-ins",
            source: "credaudit data/shared-sign-ins.toml (each group cites a public page)",
            commit: None,
            date: own_date,
            licence: "MIT OR Apache-2.0",
            attribution: None,
            records: own.len(),
        },
        SetRow {
            name: "change-password-urls",
            source: "github.com/apple/password-manager-resources quirks/change-password-URLs.json",
            commit: Some(&apple.commit),
            date: &apple.date,
            licence: "MIT",
            attribution: None,
            records: change_password.len(),
        },
        SetRow {
            name: "2fa-directory",
            source: "github.com/2factorauth/twofactorauth entries/ (2fa.directory)",
            commit: Some(&two_factor.commit),
            date: &two_factor.date,
            licence: "MIT",
            attribution: None,
            records: sites_2fa.len(),
        },
        SetRow {
            name: "passkeys-directory",
            source: "github.com/2factorauth/passkeys entries/ (passkeys.directory)",
            commit: Some(&passkeys.commit),
            date: &passkeys.date,
            licence: "CC-BY-4.0",
            attribution: Some("Passkeys Directory by 2factorauth, CC BY 4.0"),
            records: sites_passkeys.len(),
        },
    ];

    Ok(vec![
        GeneratedFile {
            name: "data_sets.rs",
            content: render_sets(&sets),
        },
        GeneratedFile {
            name: "backends.rs",
            content: render_backends(&apple, &current, &own, &historical)?,
        },
        GeneratedFile {
            name: "change_password.rs",
            content: render_change_password(&apple, &change_password),
        },
        GeneratedFile {
            name: "two_factor.rs",
            content: render_two_factor(&two_factor, &sites_2fa),
        },
        GeneratedFile {
            name: "passkeys.rs",
            content: render_passkeys(&passkeys, &sites_passkeys),
        },
    ])
}

/// A snapshot's provenance, from the first line of its `SOURCE` file:
/// `github.com/OWNER/REPO at COMMIT (YYYY-MM-DD); notes`.
struct Snapshot {
    repo: String,
    commit: String,
    date: String,
}

impl Snapshot {
    fn read(folder: &Path) -> Result<Self> {
        let path = folder.join("SOURCE");
        let text = read(&path)?;
        let line = text.lines().next().unwrap_or("");
        let head = line.split(';').next().unwrap_or("").trim();
        let parsed = (|| {
            let (repo, rest) = head.split_once(" at ")?;
            let (commit, date) = rest.split_once(" (")?;
            let date = date.strip_suffix(')')?;
            let commit_ok = commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit());
            let date_ok = date.len() == 10 && date.as_bytes()[4] == b'-';
            (commit_ok && date_ok).then(|| Snapshot {
                repo: repo.to_owned(),
                commit: commit.to_owned(),
                date: date.to_owned(),
            })
        })();
        parsed.with_context(|| {
            format!(
                "{}: first line should read `github.com/OWNER/REPO at COMMIT (YYYY-MM-DD)`",
                path.display()
            )
        })
    }

    /// `github.com/apple/password-manager-resources 96cbab7 (2026-08-22)`.
    fn header(&self) -> String {
        format!("{} {} ({})", self.repo, self.commit, self.date)
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn read_json(path: &Path) -> Result<Value> {
    serde_json::from_str(&read(path)?).with_context(|| format!("{}: not JSON", path.display()))
}

/// A key as the lookup sees it: lower-case, no trailing dot, no leading `www.`.
fn key(domain: &str) -> String {
    let lower = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    match lower.strip_prefix("www.") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

/// One Apple group: its main domain and every domain in it, in upstream order.
struct Group {
    name: String,
    domains: Vec<String>,
}

/// `shared` groups as they are; a `from`/`to` pair puts the `from` domains in the `to` group
/// (named after the first `to` domain).
fn read_apple_groups(path: &Path) -> Result<Vec<Group>> {
    let json = read_json(path)?;
    let items = json
        .as_array()
        .with_context(|| format!("{}: expected an array", path.display()))?;
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(key).collect())
            .unwrap_or_default()
    };
    let mut groups = Vec::new();
    for item in items {
        let shared = strings(item.get("shared"));
        let to = strings(item.get("to"));
        let from = strings(item.get("from"));
        let (name, domains) = if !shared.is_empty() {
            (shared[0].clone(), shared)
        } else if !to.is_empty() && !from.is_empty() {
            (to[0].clone(), to.into_iter().chain(from).collect())
        } else {
            bail!(
                "{}: a group with neither `shared` nor `from`/`to`: {item}",
                path.display()
            );
        };
        groups.push(Group { name, domains });
    }
    Ok(groups)
}

/// credaudit's own table (`data/shared-sign-ins.toml`).
#[derive(Deserialize)]
struct OwnTable {
    group: Vec<OwnGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnGroup {
    name: String,
    domains: Vec<String>,
    source: String,
    checked: String,
    #[allow(dead_code)] // for people reading the table
    why: String,
}

fn read_own_table(path: &Path) -> Result<Vec<OwnGroup>> {
    let table: OwnTable =
        toml::from_str(&read(path)?).with_context(|| format!("{}: bad table", path.display()))?;
    for g in &table.group {
        ensure!(
            g.source.starts_with("https://"),
            "{}: group {} needs a public https:// source",
            path.display(),
            g.name
        );
        ensure!(
            g.domains.iter().any(|d| key(d) == key(&g.name)),
            "{}: group {} must list its own name among its domains",
            path.display(),
            g.name
        );
    }
    Ok(table.group)
}

fn read_change_password(path: &Path) -> Result<BTreeMap<String, String>> {
    let json = read_json(path)?;
    let object = json
        .as_object()
        .with_context(|| format!("{}: expected an object", path.display()))?;
    let mut out = BTreeMap::new();
    for (domain, url) in object {
        let url = url
            .as_str()
            .with_context(|| format!("{}: {domain}: URL is not a string", path.display()))?;
        // `www.x` and `x` both listed: the bare domain's page wins (it is the one the key names).
        let bare = !domain.to_ascii_lowercase().starts_with("www.");
        let k = key(domain);
        if bare || !out.contains_key(&k) {
            out.insert(k, url.to_owned());
        }
    }
    Ok(out)
}

/// Every `entries/*/*.json` file, sorted by path (the order ties are broken in).
fn entry_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for letter in
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?
    {
        let letter = letter?.path();
        if !letter.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&letter)? {
            let file = file?.path();
            if file.extension().is_some_and(|e| e == "json") {
                files.push(file);
            }
        }
    }
    files.sort();
    ensure!(!files.is_empty(), "{}: no entries", dir.display());
    Ok(files)
}

/// An entry file holds one object: `{ "Site name": { ...fields } }`.
fn read_entry(path: &Path) -> Result<(String, serde_json::Map<String, Value>)> {
    let json = read_json(path)?;
    let object = json.as_object().filter(|o| o.len() == 1);
    let (name, fields) = object
        .and_then(|o| o.iter().next())
        .with_context(|| format!("{}: expected one site object", path.display()))?;
    let fields = fields
        .as_object()
        .with_context(|| format!("{}: the site is not an object", path.display()))?;
    Ok((name.clone(), fields.clone()))
}

fn string_list(fields: &serde_json::Map<String, Value>, name: &str) -> Vec<String> {
    match fields.get(name) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// One site of 2fa.directory or the Passkeys Directory, with the keys it is found under.
struct Site {
    name: String,
    domain: String,
    additional: Vec<String>,
    documentation: Option<String>,
    categories: Vec<String>,
    /// 2FA methods (2fa.directory), as the `TwoFactorMethod` variant names, sorted.
    methods: Vec<&'static str>,
    /// Passkeys Directory: `passwordless` and `mfa`, as `PasskeySupport` variant names.
    passwordless: Option<&'static str>,
    mfa: Option<&'static str>,
}

impl Site {
    /// The fields both directories share (name, domain, additional domains, documentation,
    /// categories); each reader fills in its own.
    fn from_entry(name: String, domain: &str, fields: &serde_json::Map<String, Value>) -> Self {
        Site {
            name,
            domain: key(domain),
            additional: string_list(fields, "additional-domains"),
            documentation: fields
                .get("documentation")
                .and_then(Value::as_str)
                .map(str::to_owned),
            categories: string_list(fields, "categories"),
            methods: Vec::new(),
            passwordless: None,
            mfa: None,
        }
    }
}

const METHODS: [(&str, &str); 7] = [
    ("totp", "Totp"),
    ("u2f", "U2f"),
    ("sms", "Sms"),
    ("call", "Call"),
    ("email", "Email"),
    ("custom-software", "CustomSoftware"),
    ("custom-hardware", "CustomHardware"),
];

fn read_two_factor(dir: &Path) -> Result<Vec<Site>> {
    let mut sites = Vec::new();
    for path in entry_files(dir)? {
        let (name, fields) = read_entry(&path)?;
        let domain = fields
            .get("domain")
            .and_then(Value::as_str)
            .with_context(|| format!("{}: no domain", path.display()))?;
        let mut methods = Vec::new();
        for method in string_list(&fields, "tfa") {
            let position = METHODS
                .iter()
                .position(|(m, _)| *m == method)
                .with_context(|| format!("{}: unknown 2FA method {method:?}", path.display()))?;
            methods.push(position);
        }
        methods.sort_unstable();
        methods.dedup();
        sites.push(Site {
            methods: methods.into_iter().map(|i| METHODS[i].1).collect(),
            ..Site::from_entry(name, domain, &fields)
        });
    }
    Ok(sites)
}

fn read_passkeys(dir: &Path) -> Result<Vec<Site>> {
    let support = |path: &Path, fields: &serde_json::Map<String, Value>, name: &str| match fields
        .get(name)
        .and_then(Value::as_str)
    {
        None => Ok(None),
        Some("allowed") => Ok(Some("Allowed")),
        Some("required") => Ok(Some("Required")),
        Some(other) => bail!("{}: unknown {name} value {other:?}", path.display()),
    };
    let mut sites = Vec::new();
    for path in entry_files(dir)? {
        let (name, fields) = read_entry(&path)?;
        // The Passkeys Directory names the domain by the file name only.
        let domain = path
            .file_stem()
            .and_then(|s| s.to_str())
            .with_context(|| format!("{}: file name is not a domain", path.display()))?;
        sites.push(Site {
            passwordless: support(&path, &fields, "passwordless")?,
            mfa: support(&path, &fields, "mfa")?,
            ..Site::from_entry(name, domain, &fields)
        });
    }
    Ok(sites)
}

/// `(key, site index)` for each site's domain and additional domains, sorted by key. A key
/// claimed twice goes to the site whose main domain it is, else to the first site by path.
fn site_index(sites: &[Site]) -> Vec<(String, usize)> {
    let mut index: BTreeMap<String, (bool, usize)> = BTreeMap::new();
    for (i, site) in sites.iter().enumerate() {
        let keys = std::iter::once((true, site.domain.clone()))
            .chain(site.additional.iter().map(|d| (false, key(d))));
        for (main, k) in keys {
            let entry = index.entry(k).or_insert((main, i));
            if main && !entry.0 {
                *entry = (main, i);
            }
        }
    }
    index.into_iter().map(|(k, (_, i))| (k, i)).collect()
}

// ---- rendering ----

struct SetRow<'a> {
    name: &'static str,
    source: &'static str,
    commit: Option<&'a str>,
    date: &'a str,
    licence: &'static str,
    attribution: Option<&'static str>,
    records: usize,
}

fn header(out: &mut String, what: &str, from: &[String]) {
    out.push_str(
        "// @generated by `cargo run --example gen_data` (examples/gen_data): do not edit.\n",
    );
    let _ = writeln!(out, "// {what}, from:");
    for line in from {
        let _ = writeln!(out, "//   {line}");
    }
}

/// `Some("x")` / `None` as Rust source.
fn option_str(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| format!("Some({v:?})"))
}

fn str_slice(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("&[{}]", items.join(", "))
}

fn render_sets(sets: &[SetRow<'_>]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "The embedded data sets",
        &[
            "../shared/data/*/SOURCE".into(),
            "data/shared-sign-ins.toml".into(),
        ],
    );
    let _ = writeln!(out, "static DATA_SETS: [DataSet; {}] = [", sets.len());
    for s in sets {
        let _ = writeln!(
            out,
            "    DataSet {{ name: {:?}, source: {:?}, commit: {}, date: {:?}, licence: {:?}, attribution: {}, records: {} }},",
            s.name,
            s.source,
            option_str(s.commit),
            s.date,
            s.licence,
            option_str(s.attribution),
            s.records
        );
    }
    out.push_str("];\n");
    out
}

fn render_backends(
    apple: &Snapshot,
    current: &[Group],
    own: &[OwnGroup],
    historical: &[Group],
) -> Result<String> {
    // Priority where a domain is in two groups: Apple's current table, then ours, then the
    // historical one. Ours may not overlap Apple's at all: that row is then stale.
    let upstream: BTreeSet<String> = current
        .iter()
        .chain(historical)
        .flat_map(|g| g.domains.iter().cloned())
        .collect();
    for g in own {
        for d in &g.domains {
            ensure!(
                !upstream.contains(&key(d)),
                "data/shared-sign-ins.toml: {d} (group {}) is now in Apple's shared credentials: drop our row",
                g.name
            );
        }
    }
    struct Row {
        name: String,
        domains: Vec<String>,
        source: &'static str,
        citation: Option<String>,
    }
    let mut rows: Vec<Row> = Vec::new();
    for g in current {
        rows.push(Row {
            name: g.name.clone(),
            domains: g.domains.clone(),
            source: "Apple",
            citation: None,
        });
    }
    // Rows of ours with the same name are one group (each row cites the page for its domains);
    // the group's citation is its first row's.
    let first_own = rows.len();
    for g in own {
        let domains = g.domains.iter().map(|d| key(d));
        match rows[first_own..]
            .iter_mut()
            .find(|r| r.name == key(&g.name))
        {
            Some(row) => row.domains.extend(domains),
            None => rows.push(Row {
                name: key(&g.name),
                domains: domains.collect(),
                source: "Credaudit",
                citation: Some(g.source.clone()),
            }),
        }
    }
    for g in historical {
        rows.push(Row {
            name: g.name.clone(),
            domains: g.domains.clone(),
            source: "AppleHistorical",
            citation: None,
        });
    }
    for row in &mut rows {
        row.domains.sort();
        row.domains.dedup();
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        for d in &row.domains {
            index.entry(d.as_str()).or_insert(i);
        }
    }
    let mut out = String::new();
    header(
        &mut out,
        "Shared sign-in backends (one login, many domains)",
        &[
            format!("{} quirks/shared-credentials.json", apple.header()),
            format!(
                "{} quirks/shared-credentials-historical.json",
                apple.header()
            ),
            "data/shared-sign-ins.toml".into(),
        ],
    );
    let _ = writeln!(out, "static BACKENDS: [Backend; {}] = [", rows.len());
    for row in &rows {
        let _ = writeln!(
            out,
            "    Backend {{ name: {:?}, domains: {}, source: BackendSource::{}, citation: {} }},",
            row.name,
            str_slice(&row.domains),
            row.source,
            option_str(row.citation.as_deref())
        );
    }
    out.push_str("];\n");
    render_index(
        &mut out,
        "BACKEND_INDEX",
        index.iter().map(|(k, i)| (*k, *i)),
    );
    Ok(out)
}

fn render_index<'a>(
    out: &mut String,
    name: &str,
    entries: impl ExactSizeIterator<Item = (&'a str, usize)>,
) {
    let _ = writeln!(out, "static {name}: [(&str, u16); {}] = [", entries.len());
    for (k, i) in entries {
        let i = u16::try_from(i).expect("fewer than 65,536 records");
        let _ = writeln!(out, "    ({k:?}, {i}),");
    }
    out.push_str("];\n");
}

fn render_change_password(apple: &Snapshot, urls: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "Change-password pages by domain",
        &[format!(
            "{} quirks/change-password-URLs.json",
            apple.header()
        )],
    );
    let _ = writeln!(
        out,
        "static CHANGE_PASSWORD: [(&str, &str); {}] = [",
        urls.len()
    );
    for (domain, url) in urls {
        let _ = writeln!(out, "    ({domain:?}, {url:?}),");
    }
    out.push_str("];\n");
    out
}

fn render_two_factor(snapshot: &Snapshot, sites: &[Site]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "2fa.directory: two-factor methods per site",
        &[format!("{} entries/*/*.json", snapshot.header())],
    );
    let _ = writeln!(
        out,
        "static TWO_FACTOR: [TwoFactorSite; {}] = [",
        sites.len()
    );
    for s in sites {
        let methods: Vec<String> = s
            .methods
            .iter()
            .map(|m| format!("TwoFactorMethod::{m}"))
            .collect();
        let _ = writeln!(
            out,
            "    TwoFactorSite {{ name: {:?}, domain: {:?}, methods: &[{}], documentation: {}, categories: {} }},",
            s.name,
            s.domain,
            methods.join(", "),
            option_str(s.documentation.as_deref()),
            str_slice(&s.categories)
        );
    }
    out.push_str("];\n");
    let index = site_index(sites);
    render_index(
        &mut out,
        "TWO_FACTOR_INDEX",
        index.iter().map(|(k, i)| (k.as_str(), *i)),
    );
    out
}

fn render_passkeys(snapshot: &Snapshot, sites: &[Site]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "Passkeys Directory by 2factorauth (CC BY 4.0): passkey support per site",
        &[format!("{} entries/*/*.json", snapshot.header())],
    );
    let support = |v: Option<&str>| {
        v.map_or_else(
            || "None".to_owned(),
            |v| format!("Some(PasskeySupport::{v})"),
        )
    };
    let _ = writeln!(out, "static PASSKEYS: [PasskeySite; {}] = [", sites.len());
    for s in sites {
        let _ = writeln!(
            out,
            "    PasskeySite {{ name: {:?}, domain: {:?}, passwordless: {}, mfa: {}, documentation: {} }},",
            s.name,
            s.domain,
            support(s.passwordless),
            support(s.mfa),
            option_str(s.documentation.as_deref())
        );
    }
    out.push_str("];\n");
    let index = site_index(sites);
    render_index(
        &mut out,
        "PASSKEY_INDEX",
        index.iter().map(|(k, i)| (k.as_str(), *i)),
    );
    out
}
