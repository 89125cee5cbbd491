//! `--compromised` through the binary: strict matching (site, exact title, id or key), one
//! stderr line per query saying what it matched, and exit 2 with the candidates for a query
//! that matches nothing, matches several accounts by title, or is empty.

#[path = "support/binary.rs"]
mod binary;

use binary::{credaudit, run};
use std::path::{Path, PathBuf};

fn export(dir: &Path) -> PathBuf {
    let path = dir.join("chrome.csv");
    std::fs::write(
        &path,
        "name,url,username,password\n\
         Rakuten Ichiba,https://www.rakuten.co.jp/,hana,Shared#Pass2001x\n\
         Rakuten Card,https://www.rakuten-card.co.jp/,hana,Shared#Pass2001x\n\
         Mercari,https://jp.mercari.com/login,hana,Shared#Pass2001x\n\
         Shop,https://shop-one.example/,hana,Qm7$wE2r!pZ9&kL4x\n\
         Shop,https://shop-two.example/,hana,Zx8!vB3#nM6$qW1e\n",
    )
    .unwrap();
    path
}

/// (exit code, stdout, stderr) of `audit EXPORT --breach off -o json` plus `args`.
fn audit(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let file = export(home.path());
    run(credaudit(home.path())
        .arg("audit")
        .arg(&file)
        .args(["--breach", "off", "-o", "json"])
        .args(args))
}

fn error_line(stderr: &str) -> &str {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("credaudit: error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0]
}

#[test]
fn unusable_queries_stop_with_the_candidates() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--compromised", "rakuten"],
            "credaudit: error: --compromised \"rakuten\" matches no account; did you mean Rakuten Card or Rakuten Ichiba?",
        ),
        (
            &["--compromised", "Mercary"],
            "credaudit: error: --compromised \"Mercary\" matches no account; did you mean Mercari?",
        ),
        (
            &["--compromised", "shop"],
            "credaudit: error: --compromised \"shop\" is ambiguous: Shop (shop-one.example, hana; site:shop-one.example|hana|shop), Shop (shop-two.example, hana; site:shop-two.example|hana|shop); name one by its site or its key",
        ),
        (
            &["--compromised", ""],
            "credaudit: error: --compromised needs a value: a site (mercari.com), an account title or an account id",
        ),
        (
            &[
                "--compromised",
                "Mercari",
                "--compromised",
                "nothing.example",
            ],
            "credaudit: error: --compromised \"nothing.example\" matches no account",
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = audit(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: no report: {stdout}");
        assert_eq!(error_line(&stderr), expected, "{args:?}");
    }
}

#[test]
fn each_query_says_what_it_matched() {
    let (code, stdout, stderr) = audit(&[
        "--compromised",
        "https://www.mercari.com/jp/",
        "--compromised",
        "rakuten ichiba",
        "--compromised",
        "site:shop-two.example|hana|shop",
    ]);
    assert_eq!(code, 1, "{stderr}");
    for line in [
        "credaudit: --compromised \"https://www.mercari.com/jp/\" matched by site mercari.com: Mercari (mercari.com, hana)",
        "credaudit: --compromised \"rakuten ichiba\" matched by title: Rakuten Ichiba (rakuten.co.jp, hana)",
        "credaudit: --compromised \"site:shop-two.example|hana|shop\" matched by id: Shop (shop-two.example, hana)",
    ] {
        assert!(stderr.lines().any(|l| l == line), "{line}\n{stderr}");
    }
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let compromised: Vec<(&str, &str)> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["reasons"][0]["code"] == "compromised")
        .map(|a| (a["title"].as_str().unwrap(), a["url"].as_str().unwrap()))
        .collect();
    assert_eq!(compromised.len(), 3, "{compromised:?}");
    // Rakuten Card is not marked: it only shares the password (exposed), no substring match.
    let card = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Rakuten Card")
        .unwrap();
    assert_eq!(card["reasons"][0]["code"], "exposed-by-compromise");
}
