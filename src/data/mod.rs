//! Public site data compiled into the binary, never fetched during an audit:
//!
//! - shared sign-in backends: Apple's password-manager-resources `shared-credentials.json` and
//!   `shared-credentials-historical.json` (MIT), plus credaudit's own additions, each with its
//!   public source;
//! - change-password pages: Apple's `change-password-URLs.json` (MIT), else the W3C
//!   `/.well-known/change-password` convention;
//! - two-factor support per site: 2fa.directory (MIT);
//! - passkey support per site: the Passkeys Directory by 2factorauth (CC BY 4.0).
//!
//! Every lookup takes a host (`www.mercari.com`) or a registrable domain and tries the host,
//! then each parent domain down to the registrable domain, so `mail.google.com` entries match
//! `mail.google.com` but not `drive.google.com`, while `www.rakuten.co.jp` matches
//! `rakuten.co.jp`.
//!
//! STUB: the API is final; the tables below are a hand-written placeholder until the
//! generator (from `../shared/data`) lands.

use serde::{Deserialize, Serialize};

/// One embedded data set, for `credaudit data` and the notices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataSet {
    /// Short name (`shared-credentials`, `2fa-directory`, ...).
    pub name: &'static str,
    /// Where it comes from, with the upstream commit.
    pub source: &'static str,
    /// Snapshot date, `YYYY-MM-DD`.
    pub date: &'static str,
    /// SPDX licence id.
    pub licence: &'static str,
    /// Attribution the licence asks for, where it asks for one.
    pub attribution: Option<&'static str>,
    /// Number of records embedded.
    pub records: usize,
}

/// Every embedded data set.
pub fn data_sets() -> Vec<DataSet> {
    vec![]
}

/// Where a shared sign-in backend comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendSource {
    /// Apple `shared-credentials.json`.
    Apple,
    /// Apple `shared-credentials-historical.json`.
    AppleHistorical,
    /// credaudit's own table (`data/own-shared-credentials.*`), each row citing a public page.
    Credaudit,
}

/// A group of sites that sign in with one login: one account, not reuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The group's name for people: its main domain (`rakuten.co.jp`).
    pub name: &'static str,
    /// Every registrable domain in the group, sorted.
    pub domains: &'static [&'static str],
    /// Which table says so.
    pub source: BackendSource,
    /// For credaudit's own rows: the public page that says so.
    pub citation: Option<&'static str>,
}

/// The sign-in backend a site uses, when it shares one with other sites.
/// A one-way Apple `from`/`to` redirect puts the `from` domain in the `to` domain's group.
pub fn backend_of(host: &str) -> Option<&'static Backend> {
    let domain = crate::site::registrable_domain(host);
    STUB_BACKENDS
        .iter()
        .find(|b| b.domains.binary_search(&domain).is_ok())
}

const STUB_BACKENDS: &[Backend] = &[Backend {
    name: "rakuten.co.jp",
    domains: &["fril.jp", "rakuten.co.jp"],
    source: BackendSource::Credaudit,
    citation: Some("https://fril.jp/help"),
}];

/// Which table a change-password link comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkSource {
    /// Listed in Apple's `change-password-URLs.json`.
    Apple,
    /// Not listed: the W3C well-known URL, which a site may not serve.
    WellKnown,
}

/// Where the password of a site is changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordLink {
    /// The page.
    pub url: String,
    /// Which of the two kinds it is.
    pub source: LinkSource,
}

/// The change-password page for a host: Apple's list, else
/// `https://<registrable domain>/.well-known/change-password`. `None` for IP addresses,
/// single-label and private hosts.
pub fn change_password_link(host: &str) -> Option<ChangePasswordLink> {
    if host.parse::<std::net::IpAddr>().is_ok()
        || !host.contains('.')
        || crate::site::is_private_host(host)
    {
        return None;
    }
    let domain = crate::site::registrable_domain(host);
    Some(match domain {
        "google.com" => ChangePasswordLink {
            url: "https://myaccount.google.com/signinoptions/password".into(),
            source: LinkSource::Apple,
        },
        _ => ChangePasswordLink {
            url: format!("https://{domain}/.well-known/change-password"),
            source: LinkSource::WellKnown,
        },
    })
}

/// A 2FA method, as 2fa.directory names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TwoFactorMethod {
    /// Authenticator app codes (TOTP).
    Totp,
    /// Security keys (FIDO U2F / WebAuthn).
    U2f,
    /// Codes by SMS.
    Sms,
    /// Codes by phone call.
    Call,
    /// Codes by e-mail.
    Email,
    /// The site's own app.
    CustomSoftware,
    /// The site's own hardware token.
    CustomHardware,
}

/// What 2fa.directory says about one site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoFactorSite {
    /// The site's name in the directory.
    pub name: &'static str,
    /// Its main domain.
    pub domain: &'static str,
    /// Supported methods (empty: the site offers no 2FA).
    pub methods: &'static [TwoFactorMethod],
    /// The setup / documentation page.
    pub documentation: Option<&'static str>,
    /// Categories (`email`, `banking`, `payments`, `cryptocurrencies`, `identity`, `retail`...).
    pub categories: &'static [&'static str],
}

/// The 2fa.directory record for a host (its domain or one of its `additional-domains`).
pub fn two_factor(host: &str) -> Option<&'static TwoFactorSite> {
    let host = host.to_ascii_lowercase();
    STUB_TWO_FACTOR
        .iter()
        .find(|s| host == s.domain || host.ends_with(&format!(".{}", s.domain)))
}

const STUB_TWO_FACTOR: &[TwoFactorSite] = &[TwoFactorSite {
    name: "Gmail",
    domain: "mail.google.com",
    methods: &[
        TwoFactorMethod::Sms,
        TwoFactorMethod::Call,
        TwoFactorMethod::Totp,
        TwoFactorMethod::U2f,
        TwoFactorMethod::CustomSoftware,
    ],
    documentation: Some("https://www.google.com/landing/2step/"),
    categories: &["email"],
}];

/// How a site supports passkeys (Passkeys Directory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasskeySupport {
    /// Offered.
    Allowed,
    /// Required.
    Required,
}

/// What the Passkeys Directory says about one site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasskeySite {
    /// The site's name in the directory.
    pub name: &'static str,
    /// Its main domain.
    pub domain: &'static str,
    /// Sign-in with a passkey instead of the password.
    pub passwordless: Option<PasskeySupport>,
    /// A passkey as the second factor.
    pub mfa: Option<PasskeySupport>,
    /// The setup / documentation page.
    pub documentation: Option<&'static str>,
}

/// The Passkeys Directory record for a host.
pub fn passkeys(host: &str) -> Option<&'static PasskeySite> {
    let host = host.to_ascii_lowercase();
    STUB_PASSKEYS
        .iter()
        .find(|s| host == s.domain || host.ends_with(&format!(".{}", s.domain)))
}

const STUB_PASSKEYS: &[PasskeySite] = &[PasskeySite {
    name: "Google",
    domain: "google.com",
    passwordless: Some(PasskeySupport::Allowed),
    mfa: Some(PasskeySupport::Allowed),
    documentation: Some("https://support.google.com/accounts/answer/13548313"),
}];
