//! Hostile and unusual vaults (issue 11): bounded work before authentication, KDBX 3
//! integrity, unusual but valid input. Every file is made here; the cases that concern the
//! user run through the binary (exit code, one-line message), memory bounds in a child
//! process with an address-space rlimit, never a timed assertion.

#[path = "support/keepass_writer.rs"]
mod keepass_writer;

use base64::Engine as _;
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, Limits, ReadOptions, Vault, read_bytes_limited};
use keepass_writer::{Db, Group, Item, Kdbx3Quirks, Kdf4, Key, WRITER_PASSWORD};
use sha2::{Digest, Sha256};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const CORPUS: &str = "fixtures/demo/pwned-sample.txt";
/// The child's address-space limit: far below what the hostile files used to cost (4.2 GB).
const CHILD_MEMORY: u64 = 1 << 30;

fn key() -> Key<'static> {
    Key {
        password: Some(WRITER_PASSWORD),
        key_file: None,
    }
}

fn small_db() -> Db {
    let mut root = Group::new(100, "Root");
    root.items = vec![
        Item::new(1, "Mail", "alice@example.com", "correct horse battery"),
        Item::new(2, "Shop", "alice", "correct horse battery"),
        Item::new(3, "Bank", "alice", "Tr0ub4dor&3-unique-long"),
    ];
    Db {
        root,
        recycle_bin: None,
    }
}

/// Runs `credaudit audit FILE` with the writer's password, offline (the demo corpus unless
/// `extra` names one), in a child limited to [`CHILD_MEMORY`] of address space.
fn audit(file: &Path, extra: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_credaudit"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("MALLOC_ARENA_MAX", "2")
        .env("CA_TEST_PW", WRITER_PASSWORD)
        .env_remove("CREDAUDIT_CONFIG")
        .arg("audit")
        .arg(file)
        .args(["--password-env", "CA_TEST_PW"])
        .args(if extra.contains(&"--hibp-file") {
            &[][..]
        } else {
            &["--hibp-file", CORPUS][..]
        })
        .args(extra)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let limit = libc::rlimit {
        rlim_cur: CHILD_MEMORY,
        rlim_max: CHILD_MEMORY,
    };
    // SAFETY: setrlimit is async-signal-safe and only reads `limit`.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let mut child = cmd.spawn().expect("spawn credaudit");
    if let Some(data) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        // The child may stop reading early (that is the point): ignore a broken pipe.
        let _ = pipe.write_all(&data);
    }
    child.wait_with_output().expect("credaudit output")
}

/// Exit 2 and one error line that contains every `needle`.
fn assert_refused(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    for needle in needles {
        assert!(errors[0].contains(needle), "{needle:?} in {stderr}");
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// Sets the u64 KDF parameter `name` of a KDBX 4 file and fixes the header SHA-256 (the
/// HMAC, which needs the key, is what the real file would then fail on).
fn patch_kdf_u64(file: &mut [u8], name: u8, value: u64) {
    let pattern = [0x05, 1, 0, 0, 0, name, 8, 0, 0, 0];
    let at = file
        .windows(pattern.len())
        .position(|w| w == pattern)
        .expect("KDF parameter")
        + pattern.len();
    file[at..at + 8].copy_from_slice(&value.to_le_bytes());
    // Walk the outer header (u8 id, u32 length, value) to its end field.
    let mut pos = 12;
    loop {
        let id = file[pos];
        let len = u32::from_le_bytes(file[pos + 1..pos + 5].try_into().unwrap()) as usize;
        pos += 5 + len;
        if id == 0 {
            break;
        }
    }
    let hash = Sha256::digest(&file[..pos]);
    file[pos..pos + 32].copy_from_slice(&hash);
}

fn argon2_file() -> Vec<u8> {
    keepass_writer::kdbx4(
        &small_db(),
        key(),
        Kdf4::Argon2id {
            memory_kib: 2048,
            passes: 1,
        },
        1,
        "hostile-argon2",
    )
}

#[test]
fn argon2_memory_over_the_cap_is_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("dir");
    let mut bytes = argon2_file();
    patch_kdf_u64(&mut bytes, b'M', 4 << 30);
    let file = write(dir.path(), "4gib.kdbx", &bytes);
    let out = audit(&file, &[], None);
    assert_refused(&out, &["4096 MiB", "Argon2 memory", "--max-kdf-memory"]);

    // The flag works both ways: a genuine 2 MiB file opens by default, not under 1 MiB.
    let genuine = write(dir.path(), "2mib.kdbx", &argon2_file());
    let out = audit(&genuine, &["--format", "kdbx"], None);
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    let out = audit(&genuine, &["--max-kdf-memory", "1"], None);
    assert_refused(&out, &["2 MiB", "--max-kdf-memory 1"]);
}

#[test]
fn kdf_time_over_the_cap_is_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("dir");
    // Argon2: 64 passes over 1 GiB (the old ceiling was 64 GiB of work, minutes).
    let mut bytes = argon2_file();
    patch_kdf_u64(&mut bytes, b'M', 1 << 30);
    patch_kdf_u64(&mut bytes, b'I', 64);
    let file = write(dir.path(), "passes.kdbx", &bytes);
    assert_refused(
        &audit(&file, &[], None),
        &["64 Argon2 passes", "--max-kdf-seconds"],
    );

    // AES-KDF: 2^31 rounds (the old ceiling, ~4 minutes here).
    let mut bytes = keepass_writer::kdbx4(&small_db(), key(), Kdf4::Aes { rounds: 1_000 }, 0, "r");
    patch_kdf_u64(&mut bytes, b'R', 1 << 31);
    let file = write(dir.path(), "rounds.kdbx", &bytes);
    assert_refused(
        &audit(&file, &[], None),
        &["AES-KDF rounds", "--max-kdf-seconds 10"],
    );
}

#[test]
fn dev_zero_and_huge_files_are_refused_at_once() {
    let out = audit(Path::new("/dev/zero"), &[], None);
    assert_refused(&out, &["/dev/zero", "unknown format"]);
    let out = audit(Path::new("/dev/zero"), &["--format", "kdbx"], None);
    assert_refused(&out, &["/dev/zero", "unknown format"]);

    // A 2.8 GB sparse file: refused by its size, nothing read.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("huge.csv");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(2_800_000_000).expect("sparse file");
    drop(file);
    let out = audit(&path, &[], None);
    assert_refused(&out, &["2670 MiB", "--max-input-size"]);

    // A stream past the cap (stdin has no size): refused once it passes it.
    let text = "name,url,username,password\n".to_owned() + &"a,b,c,d\n".repeat(300_000);
    let out = audit(
        Path::new("-"),
        &["--max-input-size", "1"],
        Some(text.into_bytes()),
    );
    assert_refused(
        &out,
        &["<stdin>", "more than the 1 MiB", "--max-input-size"],
    );
}

#[test]
fn a_decompression_bomb_is_refused() {
    let mut db = small_db();
    db.root.items[0].extra = vec![("Notes".into(), "a".repeat(3 << 20))];
    let bytes = keepass_writer::kdbx4(&db, key(), Kdf4::Aes { rounds: 1_000 }, 0, "bomb");
    assert!(bytes.len() < 1 << 20, "the file itself is under the cap");
    let dir = tempfile::tempdir().expect("dir");
    let file = write(dir.path(), "bomb.kdbx", &bytes);
    let out = audit(&file, &["--max-input-size", "2"], None);
    assert_refused(&out, &["inflates to more than 2 MiB", "--max-input-size"]);
    let out = audit(&file, &["--max-input-size", "8"], None);
    assert_ne!(out.status.code(), Some(2), "{out:?}");
}

fn read(bytes: &[u8], key_file: Option<&Path>) -> Result<Vault, FormatError> {
    let mut password = |_: &str| Ok(Some(Secret::new(WRITER_PASSWORD.to_owned())));
    let mut options = ReadOptions {
        format: None,
        key_file: key_file.map(Path::to_path_buf),
        password: &mut password,
        include_recycled: false,
    };
    read_bytes_limited("test", bytes, 0, &mut options, &Limits::default())
}

#[test]
fn kdbx3_without_header_hash_warns_and_fails_on_an_altered_stream_key() {
    let quirks = Kdbx3Quirks {
        no_header_hash: true,
        ..Kdbx3Quirks::default()
    };
    let bytes = keepass_writer::kdbx3_with(&small_db(), key(), 1_000, "kdbx30", &quirks);
    let vault = read(&bytes, None).expect("a KDBX 3.0-style file opens");
    assert_eq!(vault.entries.len(), 3);
    assert_eq!(vault.warnings.len(), 1);
    assert!(vault.warnings[0].contains("not authenticated"));
    assert!(vault.warnings[0].contains("KeePassXC"));

    // The user sees it once on stderr, not under --quiet.
    let dir = tempfile::tempdir().expect("dir");
    let file = write(dir.path(), "kdbx30.kdbx", &bytes);
    let out = audit(&file, &["--format", "kdbx"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("not authenticated").count(), 1, "{stderr}");
    let out = audit(&file, &["--quiet"], None);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not authenticated"));
    // And in the report's warnings, for JSON consumers (cron, dashboards), once.
    let out = audit(&file, &["-o", "json", "--quiet"], None);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let warnings = report["warnings"].as_array().expect("warnings");
    let header: Vec<_> = warnings
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("not authenticated"))
        .collect();
    assert_eq!(header.len(), 1, "{warnings:?}");
    assert!(
        header[0].starts_with(&file.display().to_string()),
        "{header:?}"
    );

    // With a HeaderHash: no warning.
    let signed = keepass_writer::kdbx3(&small_db(), key(), 1_000, "kdbx31");
    assert!(read(&signed, None).expect("opens").warnings.is_empty());

    // One bit of the protected-stream key (outer header field 8) flipped: the header is not
    // authenticated, so only the garbage passwords can tell; they are not UTF-8.
    let mut altered = bytes.clone();
    let mut pos = 12;
    loop {
        let id = altered[pos];
        let len = u16::from_le_bytes([altered[pos + 1], altered[pos + 2]]) as usize;
        if id == 8 {
            altered[pos + 3] ^= 0x01;
            break;
        }
        pos += 3 + len;
    }
    let err = read(&altered, None).expect_err("garbage passwords are refused");
    assert!(err.to_string().contains("valid UTF-8"), "{err}");
    let file = write(dir.path(), "altered.kdbx", &altered);
    assert_refused(&audit(&file, &[], None), &["valid UTF-8"]);
}

#[test]
fn kdbx3_end_block_is_checked() {
    let bad_hash = Kdbx3Quirks {
        end_block_hash: [1; 32],
        ..Kdbx3Quirks::default()
    };
    let bad_index = Kdbx3Quirks {
        end_block_index_offset: 5,
        ..Kdbx3Quirks::default()
    };
    for (quirks, what) in [(bad_hash, "final block"), (bad_index, "index")] {
        let bytes = keepass_writer::kdbx3_with(&small_db(), key(), 1_000, "end", &quirks);
        let err = read(&bytes, None).expect_err("an altered end block is refused");
        assert!(err.to_string().contains(what), "{err}");
        assert!(err.to_string().contains("tampered"), "{err}");
    }
}

#[test]
fn xml_v1_key_file_with_whitespace_opens_the_database() {
    let secret = [7u8; 32];
    let bytes = keepass_writer::kdbx3(
        &small_db(),
        Key {
            password: None,
            key_file: Some(&secret),
        },
        1_000,
        "keyfile-v1",
    );
    let data = base64::engine::general_purpose::STANDARD.encode(secret);
    let dir = tempfile::tempdir().expect("dir");
    let key_file = write(
        dir.path(),
        "v1.key",
        format!(
            "<?xml version=\"1.0\"?>\n<KeyFile>\n  <Meta><Version>1.00</Version></Meta>\n  \
             <Key>\n    <Data>\n      {data}\n    </Data>\n  </Key>\n</KeyFile>\n"
        )
        .as_bytes(),
    );
    let mut no_password = |_: &str| Ok(None);
    let mut options = ReadOptions {
        format: None,
        key_file: Some(key_file),
        password: &mut no_password,
        include_recycled: false,
    };
    let vault = read_bytes_limited("v1", &bytes, 0, &mut options, &Limits::default())
        .expect("whitespace around the key data is accepted");
    assert_eq!(vault.entries.len(), 3);
}

/// A password over 4 KiB is its own finding and no input to the variant and strength rules
/// (a 1 GiB one used to abort the variant analysis).
#[test]
fn an_over_long_password_is_its_own_finding() {
    use credaudit::analyze::{self, LONG_PASSWORD_BYTES, Settings};
    use credaudit::breach::NoProgress;
    use credaudit::model::{Entry, EntryId};
    use credaudit::rank::{self, Policy, ReasonCode};
    let long = "a".repeat(1 << 20);
    let entry = |id: &str, pw: &str| Entry {
        id: EntryId(id.into()),
        title: id.into(),
        password: pw.into(),
        ..Default::default()
    };
    let entries = vec![
        entry("long", &long),
        entry("long-too", &format!("{long}b")),
        entry("short", "aaaaaaaa1"),
    ];
    let findings = analyze::run(&entries, None, &Settings::default(), &NoProgress);
    let f = &findings.entries;
    assert!(f[0].long_password && f[1].long_password && !f[2].long_password);
    assert!(f[0].strength.is_none() && !f[0].weak, "not scored");
    assert!(findings.variant_clusters.is_empty(), "not a variant input");
    assert!(LONG_PASSWORD_BYTES < long.len());
    let rows = rank::rank(&entries, &findings, &Policy::default());
    let row = rows
        .iter()
        .find(|r| entries[r.entry].id.0 == "long")
        .expect("a row");
    assert!(
        row.reasons
            .iter()
            .any(|r| r.code == ReasonCode::LongPassword),
        "{:?}",
        row.reasons.iter().map(|r| r.code).collect::<Vec<_>>()
    );
}

/// A KDBX saved with memory protection off (KeePassXC: Database settings, Security) holds
/// passwords as plain `<Value>` text. Through the binary, in KDBX 3.1 and 4: `" spaced "`
/// is breached by its exact bytes and not reused with `"spaced"`; a value with tabs, inner
/// spaces and newlines is breached by its exact bytes; a password of spaces is audited.
#[test]
fn kdbx_with_memory_protection_off_is_read_byte_exact() {
    use sha1::Digest as _;
    const SPACED: &str = " correct horse staple ";
    const BARE: &str = "correct horse staple";
    const TABBED: &str = "\tleft  inner\nnext line ";
    const SPACES: &str = "     ";
    let mut root = Group::new(100, "Root");
    root.items = vec![
        Item::new(1, "Spaced", "alice", SPACED),
        Item::new(2, "Bare", "alice", BARE),
        Item::new(3, "Tabbed", "alice", TABBED),
        Item::new(4, "Spaces", "alice", SPACES),
    ];
    let db = Db {
        root,
        recycle_bin: None,
    };
    let dir = tempfile::tempdir().expect("dir");
    // A corpus that lists only the exact spaced and tabbed values.
    let mut lines: Vec<String> = [SPACED, TABBED]
        .iter()
        .map(|p| {
            let hash: String = sha1::Sha1::digest(p.as_bytes())
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            format!("{hash}:42")
        })
        .collect();
    lines.sort();
    let corpus = write(
        dir.path(),
        "corpus.txt",
        (lines.join("\n") + "\n").as_bytes(),
    );
    let corpus = corpus.to_str().expect("utf-8 path");
    let files = [
        (
            "plain3.kdbx",
            keepass_writer::kdbx3_with(
                &db,
                key(),
                1_000,
                "plain3",
                &Kdbx3Quirks {
                    unprotected: true,
                    ..Default::default()
                },
            ),
        ),
        (
            "plain4.kdbx",
            keepass_writer::kdbx4_with(&db, key(), Kdf4::Aes { rounds: 1_000 }, 1, "plain4", true),
        ),
    ];
    for (name, bytes) in files {
        let file = write(dir.path(), name, &bytes);
        let out = audit(&file, &["-o", "json", "--hibp-file", corpus], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let codes = |title: &str| -> Vec<String> {
            report["accounts"]
                .as_array()
                .expect("accounts")
                .iter()
                .find(|a| a["title"] == title)
                .map(|a| {
                    a["reasons"]
                        .as_array()
                        .expect("reasons")
                        .iter()
                        .map(|r| r["code"].as_str().expect("code").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let spaced = codes("Spaced");
        assert!(
            spaced.contains(&"breached".to_owned()),
            "{name}: {spaced:?}"
        );
        assert!(
            !spaced.iter().any(|c| c.contains("reused")),
            "{name}: {spaced:?}"
        );
        let bare = codes("Bare");
        assert!(!bare.contains(&"breached".to_owned()), "{name}: {bare:?}");
        assert!(
            !bare.iter().any(|c| c.contains("reused")),
            "{name}: {bare:?}"
        );
        let tabbed = codes("Tabbed");
        assert!(
            tabbed.contains(&"breached".to_owned()),
            "{name}: {tabbed:?}"
        );
        let spaces = codes("Spaces");
        assert!(spaces.contains(&"weak".to_owned()), "{name}: {spaces:?}");
        assert!(
            !stderr.contains(SPACED.trim()) && !String::from_utf8_lossy(&out.stdout).contains(BARE),
            "{name}: no password printed"
        );
    }
}
