//! A hand-made report for the HTML plan's tests: every field of the rotation plan filled
//! (groups, links, 2FA, passkeys, dates), with hostile vault strings.
#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use credaudit::data::{ChangePasswordLink, LinkSource, PasskeySupport, TwoFactorMethod};
use credaudit::finding::ReasonCode;
use credaudit::rank::{AccountValue, Reason};
use credaudit::report::{
    Account, AccountStatus, Group, GroupKind, Passkey, Report, SCHEMA_VERSION, Summary, Tool,
    TwoFactor,
};

/// Titles an attacker who can write to the vault (a shared folder, an imported file) chooses.
pub const SCRIPT_TITLE: &str = "<script>alert('title')</script>";
pub const ATTRIBUTE_USERNAME: &str = "\"><img src=x onerror=alert(1)>";
pub const RTL_TITLE: &str = "Bank \u{202e}moc.knab\u{202c} login";
pub const ZERO_WIDTH_TITLE: &str = "Pay\u{200b}Pal";
/// The key of the `<script>` account: `site:DOMAIN|USERNAME|TITLE`, as `Report::new` makes it.
pub const SCRIPT_KEY: &str =
    "site:mercari.com|\"><img src=x onerror=alert(1)>|<script>alert('title')</script>";
/// A breach count that must never reach the page (only its bucket may).
pub const EXACT_COUNT: u64 = 734_219;

fn reason(code: ReasonCode, text: &str) -> Reason {
    Reason {
        code,
        text: text.to_owned(),
    }
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[allow(clippy::too_many_arguments)]
fn account(
    rank: usize,
    key: &str,
    title: &str,
    username: &str,
    url: Option<&str>,
    score: u32,
    reasons: Vec<Reason>,
    action: &str,
) -> Account {
    Account {
        rank,
        // Formats without ids get their position; `site:` keys are made for exactly those.
        id: key
            .strip_prefix("id:")
            .map_or_else(|| format!("#{rank}"), str::to_owned),
        key: key.to_owned(),
        source: "vault.kdbx".to_owned(),
        group: "Root/Shopping".to_owned(),
        title: title.to_owned(),
        username: username.to_owned(),
        url: url.map(str::to_owned),
        value: AccountValue::Shopping,
        score,
        breach_count: None,
        breach_bucket: None,
        reasons,
        action: action.to_owned(),
        sources: vec!["vault.kdbx".to_owned()],
        groups: Vec::new(),
        status: AccountStatus::Rotate,
        sign_in: None,
        change_password: None,
        two_factor: None,
        passkey: None,
        password_set: None,
        field: None,
    }
}

/// The takeover story with hostile strings: Rakuma taken over, its password shared with Gmail
/// and Mercari (one title a `<script>`), a breached PayPal look-alike, a bank with an RTL
/// override, one account already rotated after the incident.
pub fn hostile_report() -> Report {
    let mut rakuma = account(
        1,
        "id:rakuma",
        "Rakuma",
        "hana@example.jp",
        Some("https://fril.jp/login?session=tok3n"),
        9512,
        vec![reason(
            ReasonCode::Compromised,
            "matched --compromised: treat this account as taken over",
        )],
        "treat as taken over: change the password now, sign out other sessions",
    );
    rakuma.sign_in = Some("rakuten.co.jp".to_owned());
    rakuma.change_password = Some(ChangePasswordLink {
        url: "https://fril.jp/.well-known/change-password".to_owned(),
        source: LinkSource::WellKnown,
    });
    rakuma.password_set = date(2021, 3, 14);
    rakuma.groups = vec![0];

    let mut gmail = account(
        2,
        "id:gmail",
        "Gmail",
        "hana@example.jp",
        Some("https://mail.google.com/"),
        8812,
        vec![
            reason(
                ReasonCode::ExposedByCompromise,
                "same password as compromised Rakuma",
            ),
            reason(
                ReasonCode::TwoFactorAvailable,
                "Gmail offers authenticator app, security key",
            ),
        ],
        "turn on 2FA, then rotate now",
    );
    gmail.value = AccountValue::Email;
    gmail.change_password = Some(ChangePasswordLink {
        url: "https://myaccount.google.com/signinoptions/password".to_owned(),
        source: LinkSource::Apple,
    });
    gmail.two_factor = Some(TwoFactor {
        methods: vec![
            TwoFactorMethod::Totp,
            TwoFactorMethod::U2f,
            TwoFactorMethod::Sms,
        ],
        enabled: false,
        setup: Some("https://www.google.com/landing/2step/".to_owned()),
    });
    gmail.passkey = Some(Passkey {
        passwordless: Some(PasskeySupport::Allowed),
        mfa: Some(PasskeySupport::Allowed),
        setup: Some("https://support.google.com/accounts/answer/13548313".to_owned()),
    });
    gmail.password_set = date(2020, 6, 2);
    gmail.groups = vec![0];

    let mut script = account(
        3,
        SCRIPT_KEY,
        SCRIPT_TITLE,
        ATTRIBUTE_USERNAME,
        Some("javascript:alert(document.domain)"),
        8700,
        vec![reason(
            ReasonCode::ExposedByCompromise,
            "same password as compromised Rakuma",
        )],
        "rotate now",
    );
    // A link that is not https:// (no data set holds one) must not become clickable.
    script.change_password = Some(ChangePasswordLink {
        url: "javascript:alert(2)".to_owned(),
        source: LinkSource::Apple,
    });
    script.password_set = date(2019, 1, 20);
    script.groups = vec![0];

    let mut paypal = account(
        4,
        "id:paypal",
        ZERO_WIDTH_TITLE,
        "hana@example.jp",
        Some("https://www.paypal.com/"),
        7400,
        vec![reason(
            ReasonCode::Breached,
            "password seen 100,000+ times in Pwned Passwords",
        )],
        "change it: the password is in breach corpora",
    );
    paypal.breach_count = Some(EXACT_COUNT);
    paypal.breach_bucket = Some("100,000+".to_owned());
    paypal.password_set = date(2024, 8, 1);

    let mut bank = account(
        5,
        "id:bank",
        RTL_TITLE,
        "",
        Some("https://bank.example/"),
        3400,
        vec![reason(ReasonCode::Weak, "weak password (zxcvbn score 1)")],
        "replace with a generated password",
    );
    bank.value = AccountValue::Finance;
    bank.password_set = date(2026, 11, 27);
    bank.status = AccountStatus::Done;

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "credaudit".to_owned(),
            version: "0.0.0-test".to_owned(),
        },
        generated_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap(),
        breach_source: "corpus".to_owned(),
        sources: Vec::new(),
        summary: Summary {
            accounts_audited: 9,
            to_rotate: 5,
            ..Summary::default()
        },
        accounts: vec![rakuma, gmail, script, paypal, bank],
        groups: vec![Group {
            kind: GroupKind::SamePassword,
            members: vec![
                "id:rakuma".to_owned(),
                "id:gmail".to_owned(),
                SCRIPT_KEY.to_owned(),
            ],
            breached: false,
            compromised: true,
            rotated: 0,
            sign_in: None,
        }],
        baseline: None,
        breach_incomplete: None,
        site_breaches_incomplete: None,
        warnings: vec![format!("--compromised {SCRIPT_TITLE:?} matches no account")],
        since: date(2026, 11, 21),
    };
    report.summary.reuse_groups = 1;
    report
}
