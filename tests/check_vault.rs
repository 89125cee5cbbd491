//! `credaudit check --vault V` (issue 12): a candidate that equals, or is a near variant of,
//! any current or past password in the vault is refused, in one line naming the accounts and
//! how, never a password. The vault is `fixtures/kdbx/kdbx40.kdbx` (KDBX 4 with history):
//! `Mail` holds `Tulip#2003` after `Tulip#2001` and `Tulip#2002`; `Rakuma` holds
//! `Tulip#2001`; `Old shop` (`Tulip#2003`) sits in the recycle bin.

#[path = "support/binary.rs"]
mod binary;

const VAULT: &str = "fixtures/kdbx/kdbx40.kdbx";
const VAULT_PASSWORD: &str = "credaudit-writer";

/// `check --vault` on the fixture with `candidate` on stdin: (exit code, stdout, stderr).
fn check(candidate: &str, extra: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = binary::credaudit(home.path());
    cmd.args(["check", "--breach", "off", "--vault", VAULT])
        .args(["--password-env", "VAULT_PW"])
        .args(extra)
        .env("VAULT_PW", VAULT_PASSWORD)
        .write_stdin(format!("{candidate}\n"));
    binary::run(&mut cmd)
}

fn vault_line(stdout: &str) -> &str {
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("vault: "))
        .collect();
    assert_eq!(lines.len(), 1, "one vault line: {stdout}");
    lines[0]
}

/// The case: `Tulip#2003` right after `Tulip#2001` was exposed.
#[test]
fn the_next_number_after_an_exposed_password_is_refused() {
    let (code, stdout, stderr) = check("Tulip#2004", &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        vault_line(&stdout),
        "vault: refused: a near variant of the current password of Mail, Rakuma"
    );
    assert!(stdout.contains("verdict: do not use this password"));
}

#[test]
fn same_as_current_and_past_passwords_are_named_as_such() {
    let (code, stdout, _) = check("Tulip#2001", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        vault_line(&stdout),
        "vault: refused: the same as the current password of Rakuma; the same as a past password of Mail"
    );
    let (code, stdout, _) = check("Tulip#2003", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        vault_line(&stdout),
        "vault: refused: the same as the current password of Mail; a near variant of the current password of Rakuma"
    );
}

/// A case change and leet are variants too (the audit's rule, not a copy of it).
#[test]
fn variants_follow_the_audit_rule() {
    let (code, stdout, _) = check("tulip#2002", &[]);
    assert_eq!(code, 1);
    assert!(vault_line(&stdout).contains("a near variant of the current password of Mail"));
}

/// The recycle bin is not the vault: `Old shop` is never named.
#[test]
fn recycled_entries_do_not_count() {
    let (_, stdout, _) = check("Tulip#2003", &[]);
    assert!(!stdout.contains("Old shop"), "{stdout}");
}

#[test]
fn an_unrelated_password_passes() {
    let (code, stdout, stderr) = check("Quokka-lantern-88-velvet", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(vault_line(&stdout).starts_with("vault: not used in the vault"));
}

/// Neither the candidate nor any vault password is ever printed.
#[test]
fn no_password_is_printed() {
    for candidate in ["Tulip#2004", "Tulip#2001", "Quokka-lantern-88-velvet"] {
        let (_, stdout, stderr) = check(candidate, &[]);
        let all = format!("{stdout}{stderr}");
        for secret in [candidate, "Tulip#", "123456", VAULT_PASSWORD] {
            assert!(!all.contains(secret), "{secret:?} printed: {all}");
        }
    }
}

/// Bad input is one line and exit 2: wrong vault password, `-` as the vault, a missing file.
#[test]
fn bad_vaults_are_one_line_errors() {
    let home = tempfile::tempdir().expect("tempdir");
    let cases: [(&[&str], &str, &str); 3] = [
        (
            &["--vault", VAULT, "--password-env", "VAULT_PW"],
            "wrong",
            "wrong master password",
        ),
        (&["--vault", "-"], VAULT_PASSWORD, "--vault cannot be '-'"),
        (
            &[
                "--vault",
                "no-such-vault.kdbx",
                "--password-env",
                "VAULT_PW",
            ],
            VAULT_PASSWORD,
            "no-such-vault.kdbx",
        ),
    ];
    for (args, password, message) in cases {
        let mut cmd = binary::credaudit(home.path());
        cmd.args(["check", "--breach", "off"])
            .args(args)
            .env("VAULT_PW", password)
            .write_stdin("Tulip#2004\n");
        let (code, stdout, stderr) = binary::run(&mut cmd);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(stdout.is_empty());
    }
}

/// The vault options need a vault.
#[test]
fn vault_options_need_a_vault() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = binary::credaudit(home.path());
    cmd.args(["check", "--breach", "off", "--key-file", "x.keyx"])
        .write_stdin("Tulip#2004\n");
    let (code, _, stderr) = binary::run(&mut cmd);
    assert_eq!(code, 2, "{stderr}");
}
