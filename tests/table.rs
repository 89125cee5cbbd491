//! The rotation plan as people read it (issue 12): the table at 80, 120 and 200 columns and
//! without a width, CJK and long titles, groups shown once, done and stale-only accounts,
//! "do this first", and the links in CSV and Markdown.
//!
//! The report is the demo's (through the binary, so every field the pipeline fills is there),
//! with the plan fields (groups, status, links, 2FA, sources) set here by hand: the renderers
//! are under test, not the analyzers that fill those fields.

#[path = "support/binary.rs"]
mod binary;

use credaudit::data::{ChangePasswordLink, LinkSource, TwoFactorMethod};
use credaudit::report::{
    self, Account, AccountStatus, Group, GroupKind, OutputFormat, Report, Style, TwoFactor,
};
use std::sync::OnceLock;
use unicode_width::UnicodeWidthStr;

const DEMO: &str = "fixtures/demo/vault.json";
const DEMO_CORPUS: &str = "fixtures/demo/pwned-sample.txt";

/// The demo report as the binary writes it in JSON.
fn demo_report() -> Report {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        let home = tempfile::tempdir().expect("tempdir");
        let out = binary::credaudit(home.path())
            .args(["audit", DEMO, "--hibp-file", DEMO_CORPUS])
            .args(["--compromised", "mercari", "--max-age", "3y", "-o", "json"])
            .output()
            .expect("runs");
        out.stdout
    });
    serde_json::from_slice(json).expect("the demo report is JSON")
}

fn account<'a>(report: &'a mut Report, title: &str) -> &'a mut Account {
    report
        .accounts
        .iter_mut()
        .find(|a| a.title == title)
        .unwrap_or_else(|| panic!("no account {title}"))
}

/// The demo with a plan: five groups, one account done, two stale-only, links and 2FA.
fn plan_report() -> Report {
    let mut report = demo_report();
    for a in &mut report.accounts {
        a.groups.clear();
        a.status = AccountStatus::Rotate;
        a.sign_in = None;
        a.two_factor = None;
        a.passkey = None;
        a.sources = vec![a.source.clone()];
        a.change_password = a
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .filter(|u| u.scheme() == "https")
            .and_then(|u| u.host_str().map(str::to_owned))
            .map(|host| ChangePasswordLink {
                url: format!("https://{host}/.well-known/change-password"),
                source: LinkSource::WellKnown,
            });
    }
    account(&mut report, "Gmail").change_password = Some(ChangePasswordLink {
        url: "https://myaccount.google.com/signinoptions/password".into(),
        source: LinkSource::Apple,
    });
    account(&mut report, "Gmail").two_factor = Some(TwoFactor {
        methods: vec![
            TwoFactorMethod::Sms,
            TwoFactorMethod::Totp,
            TwoFactorMethod::U2f,
        ],
        enabled: false,
        setup: Some("https://www.google.com/landing/2step/".into()),
    });
    account(&mut report, "Amazon").two_factor = Some(TwoFactor {
        methods: vec![TwoFactorMethod::Totp],
        enabled: true,
        setup: None,
    });
    account(&mut report, "Mercari")
        .sources
        .push("chrome.csv".into());
    account(&mut report, "X").status = AccountStatus::Done;
    account(&mut report, "Rakuma").status = AccountStatus::StaleOnly;
    account(&mut report, "Anime forum").status = AccountStatus::StaleOnly;
    for title in ["Rakuma", "Rakuten"] {
        account(&mut report, title).sign_in = Some("rakuten.co.jp".into());
    }
    let groups: [(GroupKind, &[&str], bool, bool, usize); 5] = [
        (
            GroupKind::SamePassword,
            &["Mercari", "Rakuten"],
            false,
            true,
            0,
        ),
        (GroupKind::SamePassword, &["Instagram", "X"], true, false, 1),
        (
            GroupKind::Variants,
            &["Mercari", "Gmail", "PayPay", "Rakuten"],
            false,
            true,
            0,
        ),
        (
            GroupKind::SharedSignIn,
            &["Rakuten", "Rakuma"],
            false,
            true,
            0,
        ),
        (
            GroupKind::Variants,
            &["Work Jira", "Work Slack"],
            false,
            false,
            0,
        ),
    ];
    for (index, (kind, titles, breached, compromised, rotated)) in groups.into_iter().enumerate() {
        let mut members = Vec::new();
        for title in titles {
            let a = account(&mut report, title);
            a.groups.push(index);
            members.push(a.key.clone());
        }
        report.groups.push(Group {
            kind,
            members,
            breached,
            compromised,
            rotated,
            sign_in: None,
        });
    }
    report
}

fn render(report: &Report, format: OutputFormat, width: Option<usize>, all: bool) -> String {
    let style = Style {
        color: false,
        width,
        all,
    };
    let mut out = Vec::new();
    report::render(report, format, style, &mut out).expect("renders");
    String::from_utf8(out)
        .expect("UTF-8")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

fn table(report: &Report, width: Option<usize>) -> String {
    render(report, OutputFormat::Table, width, false)
}

#[test]
fn table_at_80_120_and_200_columns() {
    let report = plan_report();
    for width in [80, 120, 200] {
        insta::assert_snapshot!(format!("table_{width}"), table(&report, Some(width)));
    }
}

#[test]
fn stale_only_accounts_come_last_with_all() {
    let report = plan_report();
    let text = render(&report, OutputFormat::Table, Some(80), true);
    insta::assert_snapshot!("table_all_80", text);
    let rakuma = text.find("Rakuma (hanasato) -").expect("Rakuma listed");
    let slack = text.find("Work Slack").expect("Work Slack listed");
    assert!(slack < rakuma, "stale-only after the rest");
    // Without --all they are a count.
    let counted = table(&report, Some(80));
    assert!(!counted.contains("Rakuma (hanasato)"));
    assert!(counted.contains("stale only: 2 more accounts"));
}

/// Double-width titles and a title longer than any column wrap, never cut.
#[test]
fn cjk_and_long_titles_wrap() {
    let mut report = plan_report();
    account(&mut report, "Mercari").title = "メルカリ（フリマアプリ）個人アカウント".into();
    account(&mut report, "Gmail").title =
        "Google account for the family photo library and the shared calendar of the tennis club"
            .into();
    for width in [80, 120] {
        let text = table(&report, Some(width));
        insta::assert_snapshot!(format!("table_cjk_{width}"), &text);
        assert!(text.contains("メルカリ"));
        let joined: String = text.split_whitespace().collect();
        assert!(joined.contains("sharedcalendarofthetennisclub"), "{text}");
    }
}

/// At every width, no line is wider than the terminal (a link may be: it is never broken;
/// the summary line is never wrapped, scripts grep it), nothing is cut with an ellipsis, and every action is there in full.
#[test]
fn every_width_fits_and_cuts_nothing() {
    let report = plan_report();
    for width in (60..=220).step_by(7) {
        let text = table(&report, Some(width));
        for line in text.lines() {
            assert!(
                line.width() <= width
                    || line.contains("https://")
                    || line.contains(" accounts audited, "),
                "{width}: {line:?}"
            );
        }
        assert!(!text.contains('…'), "{width}: something was cut");
        // Every word of every action is there (columns interleave, so word by word).
        let words: Vec<&str> = text.split_whitespace().collect();
        for a in report
            .accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Rotate)
        {
            for word in a.action.split_whitespace() {
                assert!(words.contains(&word), "{width}: {word:?} of {}", a.title);
            }
        }
    }
}

/// Below 100 columns: account and reasons on one line, the action indented under it, the
/// link under that; from 100 on, the four columns.
#[test]
fn narrow_and_wide_layouts() {
    let report = plan_report();
    let narrow = table(&report, Some(99));
    assert!(!narrow.contains("ACCOUNT"));
    assert!(narrow.contains(" 2  Gmail (hana.sato@example.jp) - linked to compromise"));
    assert!(
        narrow.contains(
            "\n    change password: https://myaccount.google.com/signinoptions/password\n"
        )
    );
    let wide = table(&report, Some(100));
    assert!(wide.starts_with(" #  ACCOUNT"));
    // Without a width nothing wraps: one line per account.
    let full = table(&report, None);
    let rows = full
        .lines()
        .filter(|l| l.contains("(hana.sato@example.jp)"))
        .count();
    assert_eq!(rows, 4, "{full}");
}

/// The last block is "do this first": the top tier's accounts with their links and 2FA.
#[test]
fn do_this_first_ends_the_output() {
    let text = table(&plan_report(), Some(80));
    let block = &text[text.find("Do this first:").expect("block")..];
    assert!(block.starts_with("Do this first:\n1. Mercari: "), "{block}");
    let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(block.contains(
        "turn on 2FA (authenticator app, security key, SMS): https://www.google.com/landing/2step/"
    ));
    assert!(block.contains("treat as taken over"), "{block}");
    assert!(block.contains("https://jp.mercari.com/.well-known/change-password"));
    assert!(
        !block.contains("Instagram"),
        "only the most urgent tier: {block}"
    );
}

/// Groups are shown once, as groups, and the rows point at them.
#[test]
fn groups_are_named_once() {
    let text = table(&plan_report(), Some(120));
    assert!(text.contains("groups:\n  1  same password: Mercari, Rakuten (compromised)\n"));
    assert!(text.contains("same password: Instagram, X (breached; 1 of 2 rotated)"));
    assert!(text.contains("one sign-in (rakuten.co.jp): Rakuten, Rakuma (compromised)"));
    assert!(text.contains("done: 1 account already changed since the incident date: X"));
}

#[test]
fn markdown_has_the_plan() {
    let text = render(&plan_report(), OutputFormat::Markdown, None, false);
    insta::assert_snapshot!("markdown_plan", &text);
    assert!(
        text.contains("[change password](https://myaccount.google.com/signinoptions/password)")
    );
    assert!(text.contains("## Groups"));
}

#[test]
fn csv_appends_the_plan_columns() {
    let report = plan_report();
    let text = render(&report, OutputFormat::Csv, None, false);
    insta::assert_snapshot!("csv_plan", &text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    // The old columns keep their places.
    assert_eq!(&header[..13], &credaudit::report::csv::HEADER[..13]);
    assert_eq!(header[12], "action");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let gmail = rows.iter().find(|r| &r[4] == "Gmail").unwrap();
    assert_eq!(
        &gmail[column("change_password")],
        "https://myaccount.google.com/signinoptions/password"
    );
    assert_eq!(&gmail[column("change_password_source")], "apple");
    assert_eq!(&gmail[column("two_factor")], "available");
    assert_eq!(&gmail[column("two_factor_methods")], "sms;totp;u2f");
    assert_eq!(&gmail[column("groups")], "3");
    let x = rows.iter().find(|r| &r[4] == "X").unwrap();
    assert_eq!(&x[column("status")], "done");
    let mercari = rows.iter().find(|r| &r[4] == "Mercari").unwrap();
    assert_eq!(
        &mercari[column("sources")],
        "fixtures/demo/vault.json;chrome.csv"
    );
    assert_eq!(&mercari[column("groups")], "1;3");
    // Every column is documented in the README.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for name in &header {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README does not document {name}"
        );
    }
}

/// The binary fits `COLUMNS`; piped without it, 100 columns (the wide layout).
#[test]
fn columns_picks_the_layout_when_piped() {
    let home = tempfile::tempdir().expect("tempdir");
    let table_at = |columns: Option<&str>| {
        let mut cmd = binary::credaudit(home.path());
        cmd.args([
            "audit",
            DEMO,
            "--hibp-file",
            DEMO_CORPUS,
            "--compromised",
            "mercari",
        ]);
        match columns {
            Some(c) => cmd.env("COLUMNS", c),
            None => cmd.env_remove("COLUMNS"),
        };
        let (code, stdout, stderr) = binary::run(&mut cmd);
        assert_eq!(code, 1, "{stderr}");
        stdout
    };
    let narrow = table_at(Some("80"));
    assert!(!narrow.contains("ACCOUNT"), "{narrow}");
    assert!(narrow.contains(" 1  Mercari (hana.sato@example.jp) - compromised"));
    let mail = table_at(None);
    assert!(mail.starts_with(" #  ACCOUNT"), "{mail}");
    for (columns, limit) in [(None, 100), (Some("72"), 72), (Some("160"), 160)] {
        let text = table_at(columns);
        // The summary line stays whole (scripts grep it); a link is never broken.
        for line in text
            .lines()
            .filter(|l| !l.contains(" accounts audited, ") && !l.contains("https://"))
        {
            assert!(line.width() <= limit, "{columns:?}: {line:?}");
        }
        // Wrapped, not cut: every action is there in full.
        assert!(text.contains("give each its own"), "{text}");
    }
}
