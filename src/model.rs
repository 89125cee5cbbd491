//! The entry model every reader produces and every analyzer consumes.

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Timestamps are UTC throughout.
pub type Timestamp = DateTime<Utc>;

/// A stable identifier for an entry: the vault's own id where it has one (KDBX UUID,
/// Bitwarden id, Firefox guid, ...), else derived from the source and the position.
///
/// Never derived from the password.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct EntryId(pub String);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

named_enum! {
    /// Every input format credaudit reads; the name is what `--format` takes.
    ///
    /// Adding a format is a compile error until it has a name and help line (here), a
    /// [`Format::detection_rule`] and a reader family in `vault::read_bytes`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Format {
        Kdbx = ("kdbx", "KeePass 2 / KeePassXC database, KDBX 3.1, 4.0 or 4.1"),
        Kdb = ("kdb", "KeePass 1.x database"),
        KeepassXml = ("keepass-xml", "KeePass 2 / KeePassXC XML export"),
        KeepassxcCsv = ("keepassxc-csv", "KeePassXC CSV export (10 or 6 columns)"),
        Keepass1Csv = ("keepass1-csv", "KeePass 2 \"KeePass CSV (1.x)\" export"),
        BitwardenJson = ("bitwarden-json", "Bitwarden JSON export: unencrypted or password-protected"),
        BitwardenCsv = ("bitwarden-csv", "Bitwarden CSV export (personal or organization)"),
        Onepassword1pux = ("onepassword1pux", "1Password 1PUX export (zip)"),
        OnepasswordCsv = ("onepassword-csv", "1Password 8 CSV export"),
        LastpassCsv = ("lastpass-csv", "LastPass CSV export"),
        ChromeCsv = ("chrome-csv", "Chrome / Edge / Brave / Opera / Vivaldi CSV export"),
        FirefoxCsv = ("firefox-csv", "Firefox CSV export (about:logins)"),
        AppleCsv = ("apple-csv", "Apple Passwords / Safari / iCloud Keychain CSV export"),
        DashlaneCsv = ("dashlane-csv", "Dashlane credentials.csv, or the zip holding it"),
        ProtonCsv = ("proton-csv", "Proton Pass CSV export"),
        ProtonJson = ("proton-json", "Proton Pass JSON export (bare data.json or its zip)"),
        NordpassCsv = ("nordpass-csv", "NordPass CSV export (any of its column widths)"),
        EnpassJson = ("enpass-json", "Enpass JSON export"),
    }
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        self.name_and_help().0
    }

    /// One line of help (`credaudit formats`).
    pub fn help(self) -> &'static str {
        self.name_and_help().1
    }

    /// How auto-detection recognises the format (shown by `credaudit formats`).
    pub fn detection_rule(self) -> &'static str {
        match self {
            Format::Kdbx => "magic 03D9A29A 67FB4BB5, major version 3 or 4",
            Format::Kdb => "magic 03D9A29A 65FB4BB5",
            Format::KeepassXml => "XML with root <KeePassFile>",
            Format::KeepassxcCsv => {
                "CSV header Group,Title,Username,Password,URL,Notes[,TOTP,Icon,Last Modified,Created]"
            }
            Format::Keepass1Csv => "CSV header Account,Login Name,Password,Web Site,Comments",
            Format::BitwardenJson => {
                "JSON with items[] of integer type (or encrypted + passwordProtected)"
            }
            Format::BitwardenCsv => "CSV header with login_uri,login_username,login_password",
            Format::Onepassword1pux => "zip holding export.data and export.attributes",
            Format::OnepasswordCsv => {
                "CSV header Title,Url,Username,Password,OTPAuth,Favorite,Archived,..."
            }
            Format::LastpassCsv => {
                "CSV header url,username,password,[totp,]extra,name,grouping,fav"
            }
            Format::ChromeCsv => "CSV header name,url,username,password[,note]",
            Format::FirefoxCsv => "CSV header with httpRealm,formActionOrigin,guid",
            Format::AppleCsv => "CSV header Title,URL,Username,Password[,Notes,OTPAuth]",
            Format::DashlaneCsv => {
                "CSV header username,username2,username3,title,password,...; or a zip with credentials.csv"
            }
            Format::ProtonCsv => {
                "CSV header type,name,url,[email,]username,password,note,totp,createTime,modifyTime[,vault]"
            }
            Format::ProtonJson => {
                "JSON with vaults{} and userId; or a zip with Proton Pass/data.json"
            }
            Format::NordpassCsv => "CSV header with cardholdername (any width)",
            Format::EnpassJson => "JSON with items[] of template_type/category and fields[]",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A password an entry used before (KDBX history, Bitwarden `passwordHistory`, ...).
#[derive(Clone, Debug)]
pub struct PastPassword {
    /// The old password.
    pub password: Secret,
    /// When it stopped being current, where the format says.
    pub retired: Option<Timestamp>,
}

/// One account read from a vault.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// Stable id, unique within its source.
    pub id: EntryId,
    /// Index of the source (vault) in the run, into [`crate::vault::Vault`] order.
    pub source: usize,
    /// Group / folder path, outermost first.
    pub group: Vec<String>,
    /// Title or name as the user sees it.
    pub title: String,
    /// Username or e-mail.
    pub username: String,
    /// Every URL of the entry, as written in the vault.
    pub urls: Vec<String>,
    /// The current password.
    pub password: Secret,
    /// Whether the entry holds a one-time-password seed.
    pub has_totp: bool,
    /// Creation time, where the format has it.
    pub created: Option<Timestamp>,
    /// Last modification time, where the format has it.
    pub modified: Option<Timestamp>,
    /// Time the password last changed, where the format tells (more precise than `modified`).
    pub password_changed: Option<Timestamp>,
    /// Earlier passwords, newest first.
    pub history: Vec<PastPassword>,
    /// The user excluded the entry from reports (KeePassXC `QualityCheck=False`, `KnownBad`).
    pub excluded: bool,
    /// The entry sits in a recycle bin / trash.
    pub recycled: bool,
    /// For a hidden field audited as a secret of its own (KDBX protected custom string,
    /// Bitwarden hidden field, 1PUX concealed field, Proton hidden field): the field's name.
    /// `password` is then the field's value and the id is `PARENT_ID/field/NAME`. Exact
    /// reuse and the breach check apply; strength, variant and age rules do not (a field is
    /// not a login password).
    pub field: Option<String>,
    /// The hosts of `urls`, parsed on first use (see [`Entry::hosts`]).
    pub host_cache: HostCache,
}

/// The hosts of an entry's URLs, filled on the first [`Entry::hosts`] call. The readers are done
/// with `urls` by then; the analyzers, the ranking and the report all ask for the hosts, and
/// parsing a URL costs more than everything they do with it.
#[derive(Clone, Debug, Default)]
pub struct HostCache(std::sync::OnceLock<Vec<String>>);

impl Entry {
    /// The host of each URL that has one ([`crate::site::host_of`]), in URL order.
    pub fn hosts(&self) -> &[String] {
        self.host_cache.0.get_or_init(|| {
            self.urls
                .iter()
                .filter_map(|u| crate::site::host_of(u))
                .collect()
        })
    }

    /// The host of the first URL that has one.
    pub fn first_host(&self) -> Option<&str> {
        self.hosts().first().map(String::as_str)
    }

    /// Best known time the current password was set: the explicit change time, else the
    /// modification time. `None` means unknown, never "fresh".
    pub fn password_set_at(&self) -> Option<Timestamp> {
        self.password_changed.or(self.modified)
    }

    /// The group path joined with `/`.
    pub fn group_path(&self) -> String {
        self.group.join("/")
    }
}

#[cfg(test)]
impl Entry {
    /// A login for unit tests: a title, one URL (none when `url` is empty) and a password.
    pub(crate) fn test_login(title: &str, url: &str, password: &str) -> Self {
        Self {
            title: title.into(),
            urls: if url.is_empty() {
                vec![]
            } else {
                vec![url.into()]
            },
            password: password.into(),
            ..Default::default()
        }
    }
}

/// What kind of personal data a [`PersonalItem`] is: reports name the kind, never the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PersonalKind {
    /// A first, middle or last name.
    Name,
    /// A phone number.
    Phone,
    /// A postal code.
    PostalCode,
    /// A birth date (`YYYY-MM-DD`, or digits).
    BirthDate,
    /// A street, city or other part of a postal address.
    Address,
    /// An ID number: social security, passport, driving licence.
    IdNumber,
    /// The local part of an e-mail address.
    Email,
    /// A car number plate.
    Car,
    /// Any other word from `--personal-words`.
    Other,
}

impl PersonalKind {
    /// How a reason text names it ("contains your phone number").
    pub fn describe(self) -> &'static str {
        match self {
            PersonalKind::Name => "your name",
            PersonalKind::Phone => "your phone number",
            PersonalKind::PostalCode => "your postal code",
            PersonalKind::BirthDate => "your birth date",
            PersonalKind::Address => "your address",
            PersonalKind::IdNumber => "an ID number of yours",
            PersonalKind::Email => "your e-mail name",
            PersonalKind::Car => "your car number",
            PersonalKind::Other => "one of your personal words",
        }
    }

    /// The kind a `--personal-words` line names (`phone: 090-1234-5678`), case-insensitive.
    pub fn from_label(label: &str) -> Option<Self> {
        Some(match label.trim().to_ascii_lowercase().as_str() {
            "name" | "first name" | "last name" | "firstname" | "lastname" => PersonalKind::Name,
            "phone" | "tel" | "telephone" | "mobile" => PersonalKind::Phone,
            "postal" | "postal code" | "postcode" | "zip" | "zip code" | "postalcode" => {
                PersonalKind::PostalCode
            }
            "birthday" | "birth date" | "birthdate" | "born" | "dob" => PersonalKind::BirthDate,
            "address" | "street" | "city" => PersonalKind::Address,
            "id" | "ssn" | "passport" | "licence" | "license" => PersonalKind::IdNumber,
            "email" | "e-mail" | "mail" => PersonalKind::Email,
            "car" | "plate" | "car number" | "number plate" => PersonalKind::Car,
            "word" | "other" => PersonalKind::Other,
            _ => return None,
        })
    }
}

/// One item of the user's own data (from a vault's identity items or `--personal-words`),
/// used only to tell whether a password is built from it. Never reported, never an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalItem {
    /// What it is.
    pub kind: PersonalKind,
    /// The value as written (wiped on drop, never printed).
    pub value: Secret,
}

impl PersonalItem {
    /// An item; blank values are dropped by the caller.
    pub fn new(kind: PersonalKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: Secret::new(value.into()),
        }
    }
}

/// Why an item of a vault was not audited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// In the recycle bin / trash.
    Recycled,
    /// A login without a password.
    NoPassword,
    /// Not a login: a note, card, identity, document, ...
    NotALogin,
    /// A KeePass `{REF:...}` field reference to another entry.
    Reference,
    /// KeePass 1 meta-stream entries, Firefox account sync rows and similar internals.
    Internal,
}

impl SkipReason {
    /// Human wording.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Recycled => "in recycle bin / trash",
            SkipReason::NoPassword => "no password",
            SkipReason::NotALogin => "not a login (note, card, identity, ...)",
            SkipReason::Reference => "{REF:...} reference to another entry",
            SkipReason::Internal => "internal record of the password manager",
        }
    }
}

/// Counts of skipped items by reason.
pub type SkipCounts = BTreeMap<SkipReason, usize>;
