//! The README's cron line and systemd unit, run verbatim (taken from README.md, so they
//! cannot drift) as cron and systemd would: `env -i`, a fresh `HOME`, `PATH=/usr/bin:/bin`,
//! the binary installed as `$HOME/.cargo/bin/credaudit`, a KeePass fixture as the vault and the
//! loopback range server (set in the config file). Twice: the first run reports, the second
//! is silent with exit 0.

#[path = "support/hibp_server.rs"]
mod hibp_server;

use hibp_server::HibpServer;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const README: &str = include_str!("../README.md");

/// The command of the first non-comment line of the README's ```cron block.
fn cron_command() -> String {
    let block = README
        .split("```cron\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a ```cron block");
    let line = block
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .expect("a cron line");
    // Five schedule fields, then the command (as cron hands it to /bin/sh).
    let mut rest = line.trim_start();
    for _ in 0..5 {
        let end = rest.find(char::is_whitespace).expect("schedule field");
        rest = rest[end..].trim_start();
    }
    rest.to_owned()
}

/// The README's systemd `ExecStart=` command.
fn systemd_command() -> String {
    README
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("README has an ExecStart= line")
        .to_owned()
}

/// A fresh home with the binary installed where `cargo install` puts it, the fixture vault,
/// its credentials where the README reads them, and a config file pointing at `server`.
fn fresh_home(server: &HibpServer) -> tempfile::TempDir {
    // Beside the target dir, so the binary can be hard-linked instead of copied.
    let home = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let installed = bin.join("credaudit");
    let built = Path::new(env!("CARGO_BIN_EXE_credaudit"));
    if std::fs::hard_link(built, &installed).is_err() {
        std::fs::copy(built, &installed).unwrap();
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/kdbx");
    let config = home.path().join(".config/credaudit");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::copy(fixtures.join("kdbx31.kdbx"), home.path().join("vault.kdbx")).unwrap();
    std::fs::write(config.join("vault-pw"), "credaudit-writer\n").unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("hibp-url = {:?}\n", server.url()),
    )
    .unwrap();
    home
}

/// Runs `argv` with nothing but what cron / systemd set.
fn bare(home: &Path, program: &str, args: &[String]) -> Output {
    Command::new(program)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("SHELL", "/bin/sh")
        .env("LOGNAME", "credaudit-test")
        .current_dir(home)
        .output()
        .expect("run")
}

fn twice(home: &Path, program: &str, args: &[String]) {
    let first = bare(home, program, args);
    let text = String::from_utf8_lossy(&first.stdout);
    assert_eq!(
        first.status.code(),
        Some(1),
        "first run reports its findings: {text}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(text.contains("Rakuma"), "{text}");
    assert!(
        home.join(".local/state/credaudit/baseline.json").exists(),
        "baseline written"
    );
    let second = bare(home, program, args);
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(
        second.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert!(
        second.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
}

#[test]
fn the_readme_cron_line_works_when_pasted() {
    let server = HibpServer::start();
    let home = fresh_home(&server);
    twice(home.path(), "/bin/sh", &["-c".to_owned(), cron_command()]);
}

#[test]
fn the_readme_systemd_unit_works_as_written() {
    let server = HibpServer::start();
    let home = fresh_home(&server);
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/kdbx");
    std::fs::copy(
        fixtures.join("kdbx31-keyfile-only.kdbx"),
        home.path().join("vault.kdbx"),
    )
    .unwrap();
    std::fs::copy(
        fixtures.join("kdbx31-keyfile-only.keyx"),
        home.path().join(".config/credaudit/vault.keyx"),
    )
    .unwrap();
    // systemd expands %h and splits on spaces; no shell.
    let home_text = home.path().to_str().unwrap();
    let command = systemd_command().replace("%h", home_text);
    let mut argv = command.split_whitespace().map(str::to_owned);
    let program = argv.next().unwrap();
    let args: Vec<String> = argv.collect();
    twice(home.path(), &program, &args);
}
