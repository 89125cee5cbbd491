//! End-to-end analysis + ranking over hand-built entries and a fake breach source.

use chrono::{TimeZone, Utc};
use credaudit::analyze::{self, Settings};
use credaudit::breach::{BreachSource, NoProgress, Progress, Sha1Hash, Verdict};
use credaudit::model::{Entry, EntryId, PastPassword};
use credaudit::rank::{self, Policy, ReasonCode};
use std::sync::Mutex;

/// Answers from a fixed table; records every batch.
struct FakeSource {
    table: Vec<(Sha1Hash, Verdict)>,
    calls: Mutex<Vec<usize>>,
}

impl FakeSource {
    fn new(table: &[(&str, Verdict)]) -> Self {
        Self {
            table: table
                .iter()
                .map(|(pw, v)| (Sha1Hash::of(&(*pw).into()), v.clone()))
                .collect(),
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl BreachSource for FakeSource {
    fn lookup(&self, hashes: &[Sha1Hash], _progress: &dyn Progress) -> Vec<Verdict> {
        self.calls.lock().unwrap().push(hashes.len());
        hashes
            .iter()
            .map(|h| {
                self.table
                    .iter()
                    .find(|(k, _)| k == h)
                    .map_or(Verdict::NotSeen, |(_, v)| v.clone())
            })
            .collect()
    }
}

fn entry(id: &str, title: &str, url: &str, pw: &str) -> Entry {
    Entry {
        id: EntryId(id.into()),
        title: title.into(),
        username: "someone".into(),
        urls: if url.is_empty() {
            vec![]
        } else {
            vec![url.into()]
        },
        password: pw.into(),
        modified: Some(Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()),
        ..Default::default()
    }
}

const STRONG_SHARED: &str = "Correct-Horse-Battery-42-Zq";
const STRONG_SHARED_2: &str = "Another-Strong-Pass-77-Wx";

fn scenario() -> Vec<Entry> {
    let mut v = vec![
        entry("e00", "Hacked Shop", "https://hacked.example", "Tulip#2001"),
        entry("e01", "Linked", "", "Tulip#2001"),
        entry("e02", "Breached Unique", "", "iloveyou"),
        entry("e03", "Breached Shared A", "", "qwerty123"),
        entry("e04", "Breached Shared B", "", "qwerty123"),
        entry("e05", "Variant Of Breached", "", "qwerty1234"),
        entry("e06", "Reused Big 1", "", STRONG_SHARED),
        entry("e07", "Reused Big 2", "", STRONG_SHARED),
        entry("e08", "Reused Big 3", "", STRONG_SHARED),
        entry("e09", "Reused Big 4", "", STRONG_SHARED),
        entry("e10", "Zmail", "https://mail.google.com", STRONG_SHARED_2),
        entry("e11", "Amateur forum", "", STRONG_SHARED_2),
        entry("e12", "Variant A", "", "Kumamon2018!Rx"),
        entry("e13", "Variant B", "", "Kumamon2019!Rx"),
        entry("e14", "Weak one", "", "letmein1"),
        entry("e15", "Stale one", "", "vT9#qL2m!xR7&bZ4"),
        entry("e16", "Excluded", "", STRONG_SHARED),
        entry("e17", "Unchecked one", "", "pR4%kW8z@Lq2#nB6"),
        entry("e18", "Clean", "", "hJ3$wQ9v!Tz5^mK1"),
        entry("e19", "Card PIN", "", "1234"),
    ];
    v[15].modified = Some(Utc.with_ymd_and_hms(2019, 3, 4, 0, 0, 0).unwrap());
    v[16].excluded = true;
    v
}

fn settings() -> Settings {
    Settings {
        since: Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()),
        now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        compromised: vec!["Hacked Shop".into(), "no-such-account".into()],
        ..Settings::default()
    }
}

fn source() -> FakeSource {
    FakeSource::new(&[
        ("iloveyou", Verdict::Seen(9_000_000)),
        ("qwerty123", Verdict::Seen(1_000)),
        (
            "pR4%kW8z@Lq2#nB6",
            Verdict::Unchecked("timeout after 3 tries".into()),
        ),
    ])
}

fn ranked() -> (Vec<Entry>, analyze::Findings, Vec<rank::RankedAccount>) {
    let entries = scenario();
    let src = source();
    let findings = analyze::run(&entries, Some(&src), &settings(), &NoProgress);
    // One batch, one hash per distinct password (20 entries, 13 distinct passwords).
    assert_eq!(*src.calls.lock().unwrap(), vec![13]);
    let rows = rank::rank(&entries, &findings, &Policy::default());
    (entries, findings, rows)
}

fn pos(entries: &[Entry], rows: &[rank::RankedAccount], id: &str) -> usize {
    rows.iter()
        .position(|r| entries[r.entry].id.0 == id)
        .unwrap_or_else(|| panic!("{id} has no row"))
}

fn codes(rows: &[rank::RankedAccount], entries: &[Entry], id: &str) -> Vec<ReasonCode> {
    rows[pos(entries, rows, id)]
        .reasons
        .iter()
        .map(|r| r.code)
        .collect()
}

#[test]
fn ranking_order_properties() {
    let (entries, _f, rows) = ranked();
    let p = |id: &str| pos(&entries, &rows, id);
    // Linked to a --compromised account first.
    assert_eq!(p("e00"), 0);
    assert_eq!(p("e01"), 1);
    // > breached.
    for b in ["e02", "e03", "e04"] {
        assert!(p("e01") < p(b));
    }
    // Breached and shared before breached alone (larger blast radius within the tier).
    assert!(p("e03") < p("e02") && p("e04") < p("e02"));
    // > variant of a breached password.
    for b in ["e02", "e03", "e04"] {
        assert!(p(b) < p("e05"));
    }
    // > reused: larger groups first, then more valuable accounts.
    for r in ["e06", "e07", "e08", "e09", "e10", "e11"] {
        assert!(p("e05") < p(r));
    }
    for big in ["e06", "e07", "e08", "e09"] {
        assert!(p(big) < p("e10"));
    }
    assert!(p("e10") < p("e11"), "e-mail account before the forum");
    // > variant > weak > stale > weak PIN.
    for r in ["e10", "e11"] {
        assert!(p(r) < p("e12") && p(r) < p("e13"));
    }
    assert!(p("e12") < p("e14") && p("e13") < p("e14"));
    assert!(p("e14") < p("e15"));
    // A stale-only account (status stale-only) comes after everything else.
    assert!(p("e19") < p("e15"));
    assert_eq!(rows[p("e15")].status, rank::AccountStatus::StaleOnly);
    // Ties broken by name.
    assert!(p("e06") < p("e07") && p("e07") < p("e08") && p("e08") < p("e09"));
}

#[test]
fn reasons_and_actions() {
    let (entries, findings, rows) = ranked();
    assert_eq!(
        findings.unmatched_compromised,
        vec!["no-such-account".to_owned()]
    );
    assert_eq!(codes(&rows, &entries, "e00")[0], ReasonCode::Compromised);
    assert_eq!(
        codes(&rows, &entries, "e01")[0],
        ReasonCode::ExposedByCompromise
    );
    assert_eq!(
        codes(&rows, &entries, "e03")[..2],
        [ReasonCode::Breached, ReasonCode::ReusedBreached]
    );
    let c2 = codes(&rows, &entries, "e02");
    assert_eq!(c2[0], ReasonCode::Breached);
    assert!(c2.contains(&ReasonCode::Weak));
    let v = &rows[pos(&entries, &rows, "e05")];
    assert_eq!(v.reasons[0].code, ReasonCode::Variant);
    assert!(
        v.reasons[0].text.contains("breached"),
        "{}",
        v.reasons[0].text
    );
    let big = &rows[pos(&entries, &rows, "e06")];
    assert_eq!(big.reasons[0].code, ReasonCode::Reused);
    // The excluded entry still counts for the others.
    assert!(
        big.reasons[0]
            .text
            .starts_with("same password as 4 other accounts")
    );
    assert!(big.reasons[0].text.contains("Excluded"));
    assert_eq!(
        big.action,
        "rotate now; 4 other accounts share this password: give each its own"
    );
    assert_eq!(codes(&rows, &entries, "e12")[0], ReasonCode::Variant);
    assert_eq!(codes(&rows, &entries, "e14")[0], ReasonCode::Weak);
    assert_eq!(codes(&rows, &entries, "e15"), vec![ReasonCode::Stale]);
    assert!(
        rows[pos(&entries, &rows, "e15")].reasons[0]
            .text
            .contains("2019-03-04")
    );
    assert_eq!(codes(&rows, &entries, "e17"), vec![ReasonCode::Unchecked]);
    assert_eq!(codes(&rows, &entries, "e19")[0], ReasonCode::WeakPin);
    // No row for the excluded entry nor for the clean one.
    assert!(rows.iter().all(|r| entries[r.entry].id.0 != "e16"));
    assert!(rows.iter().all(|r| entries[r.entry].id.0 != "e18"));
}

#[test]
fn no_password_in_any_text() {
    let (entries, _f, rows) = ranked();
    for r in &rows {
        let mut texts: Vec<&str> = r.reasons.iter().map(|x| x.text.as_str()).collect();
        texts.push(&r.action);
        for t in texts {
            for e in &entries {
                assert!(!t.contains(e.password.expose()), "password in {t:?}");
            }
        }
    }
}

#[test]
fn deterministic() {
    let (_, _, a) = ranked();
    let (_, _, b) = ranked();
    assert_eq!(a, b);
}

#[test]
fn ties_by_value_then_name() {
    let entries = vec![
        entry("1", "zeta", "", "letmein1"),
        entry("2", "Alpha", "", "dragon12"),
        entry("3", "beta", "https://paypal.com", "monkey12"),
    ];
    let s = Settings {
        now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        ..Settings::default()
    };
    let f = analyze::run(&entries, None, &s, &NoProgress);
    let rows = rank::rank(&entries, &f, &Policy::default());
    let order: Vec<&str> = rows
        .iter()
        .map(|r| entries[r.entry].id.0.as_str())
        .collect();
    assert_eq!(order, vec!["3", "2", "1"]);
}

#[test]
fn rotated_away_and_variants_in_findings() {
    let mut rakuma = entry("r", "Rakuma", "https://fril.jp", "new-rakuma-pass-X9");
    // Another user: the same username would make it the Rakuten ID's own login (one backend).
    rakuma.username = "someone-else".into();
    rakuma.history = vec![PastPassword {
        password: "Shared#Old2019".into(),
        retired: Some(Utc.with_ymd_and_hms(2019, 12, 8, 0, 0, 0).unwrap()),
    }];
    let entries = vec![
        entry("a", "Rakuten", "https://rakuten.co.jp", "Shared#Old2019"),
        rakuma,
        entry("m", "Mercari", "https://jp.mercari.com", "Shared#Old2019"),
        entry("t1", "Tulip 1", "", "Tulip#2001"),
        entry("t2", "Tulip 2", "", "Tulip#2002"),
        entry("t3", "Tulip 3", "", "tulip#2001"),
        entry("t4", "Tulip 4", "", "Tulip#2001"),
        entry("am", "Amazon", "https://www.amazon.com", "Amazon$ecret1"),
        entry("eb", "eBay", "https://www.ebay.com", "Ebay$ecret1"),
    ];
    let s = Settings::default();
    let f = analyze::run(&entries, None, &s, &NoProgress);
    assert_eq!(f.entries[0].rotated_away.len(), 1);
    assert_eq!(f.entries[0].rotated_away[0].rotated_in, 1);
    assert_eq!(f.variant_clusters, vec![vec![3, 4, 5, 6], vec![7, 8]]);
    assert_eq!(f.entries[3].variants, vec![4, 5]);
    assert_eq!(f.entries[4].variants, vec![3, 5, 6]);
    let rows = rank::rank(&entries, &f, &Policy::default());
    let rakuten = rows.iter().find(|r| r.entry == 0).unwrap();
    let ra = rakuten
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::RotatedAwayReuse)
        .unwrap();
    assert_eq!(ra.text, "changed at Rakuma on 2019-12-08, still live here");
    assert_eq!(rakuten.value, rank::AccountValue::Shopping);
}

mod audit_call {
    //! The audit as a library call: warnings, ignore rules, baseline, `--top` and exit facts.

    use super::*;
    use credaudit::audit::{self, AuditOptions, AuditOutcome, Breach};
    use credaudit::finding::FailLevel;
    use credaudit::ignore::IgnoreFile;
    use credaudit::model::Format;
    use credaudit::vault::SourceInfo;

    fn options() -> AuditOptions {
        AuditOptions {
            analysis: settings(),
            policy: Policy::default(),
            ignores: None,
            baseline: None,
            update_baseline: false,
            fail_on: FailLevel::Any,
            top: None,
            exact_counts: false,
        }
    }

    fn run(options: &AuditOptions) -> AuditOutcome {
        let entries = scenario();
        let sources = [SourceInfo {
            name: "vault.json".into(),
            format: Format::BitwardenJson,
            logins: entries.len(),
            skipped: Default::default(),
            warnings: Vec::new(),
        }];
        let src = source();
        let breach = Breach {
            source: Some(&src),
            name: "test",
        };
        audit::run(&sources, &entries, breach, options, &NoProgress)
    }

    #[test]
    fn exit_facts_and_warnings() {
        let out = run(&options());
        assert!(out.has_findings);
        assert!(out.incomplete, "e17 could not be checked");
        assert!(out.baseline_to_write.is_none());
        assert!(
            out.report
                .warnings
                .iter()
                .any(|w| w.contains("\"no-such-account\" matches no account")),
            "{:?}",
            out.report.warnings
        );
        let never = run(&AuditOptions {
            fail_on: FailLevel::Never,
            ..options()
        });
        assert!(!never.has_findings);
        assert!(
            never.incomplete,
            "--fail-on never keeps the incomplete fact"
        );
    }

    #[test]
    fn top_only_shortens_the_list() {
        let full = run(&options());
        let top = run(&AuditOptions {
            top: Some(2),
            fail_on: FailLevel::Compromised,
            ..options()
        });
        assert_eq!(top.report.accounts.len(), 2);
        assert_eq!(top.report.accounts[..], full.report.accounts[..2]);
        assert_eq!(top.report.summary, full.report.summary);
        assert!(top.has_findings);
    }

    #[test]
    fn ignore_rules_hide_findings_and_warn() {
        let ignores = IgnoreFile::parse(
            "[[ignore]]\ntitle = \"card pin\"\nreason = \"bank-mandated\"\n\n[[ignore]]\ntitle = \"nobody\"\nreason = \"x\"\n",
        )
        .unwrap();
        let out = run(&AuditOptions {
            ignores: Some(ignores),
            ..options()
        });
        assert!(out.report.accounts.iter().all(|a| a.title != "Card PIN"));
        assert_eq!(out.report.summary.ignored, 1);
        assert!(
            out.report
                .warnings
                .iter()
                .any(|w| w.contains("title=\"nobody\"") && w.contains("matches no account"))
        );
    }

    #[test]
    fn baseline_round_trip_reports_nothing_new() {
        let first = run(&AuditOptions {
            update_baseline: true,
            ..options()
        });
        let baseline = first.baseline_to_write.expect("asked for");
        assert!(first.report.baseline.is_none());
        let second = run(&AuditOptions {
            baseline: Some(baseline),
            ..options()
        });
        let summary = second.report.baseline.clone().expect("baseline summary");
        assert_eq!((summary.new, summary.fixed), (0, 0));
        assert!(summary.known > 0);
        // Only the unchecked row stays: it is never baselined.
        assert!(second.report.accounts.iter().all(|a| !a.needs_rotation()));
        assert!(!second.has_findings);
        assert!(second.incomplete);
    }
}
