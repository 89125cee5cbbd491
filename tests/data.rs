//! The embedded site data (`credaudit::data`): lookups on the generated tables, the tables
//! against a fresh run of the generator, and `credaudit data`.

#[path = "support/binary.rs"]
mod binary;
#[allow(dead_code)] // the generator's own entry point is examples/gen_data/main.rs
#[path = "../examples/gen_data/generate.rs"]
mod generate;

use credaudit::data::{
    BackendSource, LinkSource, PasskeySupport, TwoFactorMethod, backend_of, change_password_link,
    data_sets, passkeys, two_factor,
};
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[test]
fn rakuma_signs_in_with_a_rakuten_id() {
    let rakuma = backend_of("fril.jp").expect("fril.jp has a backend");
    assert_eq!(rakuma.name, "rakuten.co.jp");
    assert_eq!(rakuma.source, BackendSource::Credaudit);
    assert!(
        rakuma.citation.is_some_and(|c| c.starts_with("https://")),
        "our own rows cite a public page: {rakuma:?}"
    );
    for host in [
        "rakuten.co.jp",
        "www.rakuten.co.jp",
        "id.rakuten.co.jp",
        "FRIL.JP.",
        "login.account.rakuten.com",
    ] {
        assert_eq!(backend_of(host), Some(rakuma), "{host}");
    }
    // Rakuten's US rebates site is another account.
    assert_ne!(backend_of("rakuten.com"), Some(rakuma));
    assert_ne!(backend_of("www.rakuten.com"), Some(rakuma));
}

#[test]
fn apple_groups_current_historical_and_redirects() {
    // Historical: American Airlines' old domains.
    let aa = backend_of("www.americanairlines.jp").expect("historical group");
    assert_eq!(aa.source, BackendSource::AppleHistorical);
    assert_eq!(aa.name, "aa.com");
    assert_eq!(backend_of("aa.com"), Some(aa));
    assert!(aa.domains.windows(2).all(|w| w[0] < w[1]), "sorted: {aa:?}");
    // A one-way `from`/`to`: the `from` domain is in the `to` domain's group.
    let hosting = backend_of("my.a2hosting.com").expect("from/to group");
    assert_eq!(hosting.source, BackendSource::Apple);
    assert_eq!(hosting.name, "hosting.com");
    assert_eq!(backend_of("hosting.com"), Some(hosting));
    // `shared`: Envato's marketplaces.
    assert_eq!(backend_of("themeforest.net"), backend_of("envato.com"));
    assert!(backend_of("themeforest.net").is_some());
    // Sites in no group.
    for host in ["example.com", "localhost", "192.168.1.1", "", "co.jp"] {
        assert_eq!(backend_of(host), None, "{host:?}");
    }
}

#[test]
fn two_factor_by_host_and_additional_domains() {
    let gmail = two_factor("mail.google.com").expect("Gmail");
    assert_eq!(gmail.name, "Gmail");
    assert_eq!(gmail.domain, "mail.google.com");
    for method in [
        TwoFactorMethod::Totp,
        TwoFactorMethod::U2f,
        TwoFactorMethod::Sms,
    ] {
        assert!(gmail.methods.contains(&method), "{method:?} in {gmail:?}");
    }
    assert!(gmail.documentation.is_some());
    assert_eq!(gmail.categories, ["email"]);
    // `additional-domains` of the same record.
    assert_eq!(two_factor("gmail.com"), Some(gmail));
    assert_eq!(two_factor("www.googlemail.com"), Some(gmail));
    // A host's own record, not its parent's or a sibling's.
    assert_ne!(two_factor("drive.google.com"), Some(gmail));
    // google.com itself: through the alias below.
    // The main domain wins over another site's `additional-domains` (Exelon lists comed.com).
    assert_eq!(two_factor("comed.com").expect("ComEd").domain, "comed.com");
    // Methods come in the enum's order (TOTP and keys first), each once.
    assert!(gmail.methods.windows(2).all(|w| w[0] < w[1]));
    let github = two_factor("github.com").expect("GitHub");
    assert!(github.categories.contains(&"developer"));
    // The Google Account: saved as accounts.google.com, listed by 2fa.directory under Gmail;
    // a Google product with a record of its own keeps it.
    for host in ["accounts.google.com", "myaccount.google.com", "google.com"] {
        assert_eq!(
            two_factor(host).map(|s| s.domain),
            Some("mail.google.com"),
            "{host}"
        );
    }
    assert_eq!(
        two_factor("drive.google.com").map(|s| s.domain),
        Some("drive.google.com")
    );
}

#[test]
fn passkeys_by_file_name_and_additional_domains() {
    let github = passkeys("github.com").expect("GitHub passkeys");
    assert_eq!(github.passwordless, Some(PasskeySupport::Allowed));
    assert_eq!(github.mfa, Some(PasskeySupport::Allowed));
    assert!(
        github
            .documentation
            .is_some_and(|d| d.starts_with("https://"))
    );
    let amazon = passkeys("www.amazon.co.jp").expect("Amazon's additional domain");
    assert_eq!(amazon.domain, "amazon.com");
    assert_eq!(amazon.name, "Amazon");
    assert_eq!(passkeys("fril.jp"), None);
}

#[test]
fn change_password_links() {
    let apple = |host: &str, url: &str| {
        let link = change_password_link(host).unwrap_or_else(|| panic!("{host}: no link"));
        assert_eq!(
            (link.url.as_str(), link.source),
            (url, LinkSource::Apple),
            "{host}"
        );
    };
    apple("github.com", "https://github.com/settings/security");
    apple("www.github.com", "https://github.com/settings/security");
    // Listed for google.com: every Google host gets it.
    apple(
        "mail.google.com",
        "https://myaccount.google.com/signinoptions/password",
    );
    apple(
        "rakuten.co.jp",
        "https://profile.id.rakuten.co.jp/account-security",
    );
    apple(
        "www.mercari.com",
        "https://www.mercari.com/mypage/email_password/",
    );
    // Not listed: the W3C well-known URL on the registrable domain. A regional site does not
    // inherit its parent's page: Mercari Japan is not Mercari US.
    for (host, url) in [
        (
            "jp.mercari.com",
            "https://mercari.com/.well-known/change-password",
        ),
        ("fril.jp", "https://fril.jp/.well-known/change-password"),
        (
            "login.shop.example.co.uk",
            "https://example.co.uk/.well-known/change-password",
        ),
        (
            "WWW.Example.COM",
            "https://example.com/.well-known/change-password",
        ),
    ] {
        let link = change_password_link(host).expect(host);
        assert_eq!(
            (link.url.as_str(), link.source),
            (url, LinkSource::WellKnown)
        );
    }
    // No link where there is no public site to go to.
    for host in [
        "192.168.1.1",
        "10.0.0.2",
        "::1",
        "router",
        "nas.local",
        "printer.lan",
        "localhost",
    ] {
        assert_eq!(change_password_link(host), None, "{host}");
    }
}

#[test]
fn data_sets_name_date_commit_licence_and_credit() {
    let sets = data_sets();
    let names: Vec<&str> = sets.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "shared-credentials",
            "shared-credentials-historical",
            "credaudit-shared-sign-ins",
            "change-password-urls",
            "2fa-directory",
            "passkeys-directory",
        ]
    );
    for set in &sets {
        assert!(set.records > 0, "{set:?}");
        assert_eq!(set.date.len(), 10, "{set:?}");
        if set.name != "credaudit-shared-sign-ins" {
            assert!(set.commit.is_some_and(|c| c.len() == 40), "{set:?}");
        }
    }
    let passkeys = sets.iter().find(|s| s.name == "passkeys-directory");
    let passkeys = passkeys.expect("passkeys set");
    assert_eq!(passkeys.licence, "CC-BY-4.0");
    assert!(
        passkeys
            .attribution
            .is_some_and(|a| a.contains("Passkeys Directory by 2factorauth"))
    );
}

/// `../shared/data` (or `$CREDAUDIT_DATA_DIR`) when present; else one `SKIPPED` line on stderr.
fn data_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("CREDAUDIT_DATA_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
        PathBuf::from,
    );
    if dir
        .join("apple-password-manager-resources/SOURCE")
        .is_file()
    {
        return Some(dir);
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: ../shared/data is absent (set CREDAUDIT_DATA_DIR), this test did not run"
    );
    None
}

/// The committed tables are what the generator writes from the snapshots: a refreshed snapshot
/// or an edited `data/shared-sign-ins.toml` without `cargo run --example gen_data` fails here.
#[test]
fn committed_tables_match_the_generator() {
    let Some(dir) = data_dir("committed_tables_match_the_generator") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files =
        generate::generate(&dir, &root.join("data/shared-sign-ins.toml")).expect("generator runs");
    let mut names: Vec<&str> = files.iter().map(|f| f.name).collect();
    for file in &files {
        let path = root.join("src/data/generated").join(file.name);
        let committed = std::fs::read_to_string(&path).expect("committed table");
        assert!(
            committed == file.content,
            "{} is stale: run `cargo run --example gen_data`",
            path.display()
        );
    }
    // And nothing else lies in the folder.
    let mut present: Vec<String> = std::fs::read_dir(root.join("src/data/generated"))
        .expect("generated dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    names.sort_unstable();
    assert_eq!(present, names);
}

#[test]
fn data_command_lists_each_set() {
    let home = tempfile::tempdir().expect("home");
    let (code, out, err) = binary::run(binary::credaudit(home.path()).arg("data"));
    assert_eq!(code, 0, "{err}");
    let apple_commit = format!("commit {}", data_sets()[0].commit.expect("Apple's commit"));
    for expected in [
        "shared-credentials ",
        "2fa-directory",
        "passkeys-directory",
        "credit: Passkeys Directory by 2factorauth, CC BY 4.0",
        &apple_commit,
        "CC-BY-4.0",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    let (code, out, err) = binary::run(binary::credaudit(home.path()).args(["data", "--json"]));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let sets = json.as_array().expect("an array of sets");
    assert_eq!(sets.len(), data_sets().len());
    assert_eq!(sets[4]["name"], "2fa-directory");
    assert_eq!(sets[4]["licence"], "MIT");
    assert!(sets[4]["records"].as_u64().is_some_and(|n| n > 1000));
}

#[test]
fn data_command_explains_a_host() {
    let home = tempfile::tempdir().expect("home");
    let (code, out, err) = binary::run(binary::credaudit(home.path()).args([
        "data",
        "https://fril.jp/login",
        "mail.google.com",
        "192.168.1.1",
    ]));
    assert_eq!(code, 0, "{err}");
    for expected in [
        "fril.jp\n",
        "one account with rakuten.co.jp",
        "credaudit shared-sign-ins, https://",
        "https://fril.jp/.well-known/change-password (well-known, not listed)",
        "Gmail (totp, u2f, sms, call, custom-software)",
        "https://myaccount.google.com/signinoptions/password (Apple change-password-URLs)",
        "change password: none (not a public site)",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}
