//! The offline corpus: the single sorted file (LF/CRLF, any case) and the per-prefix directory;
//! the full verification (`credaudit corpus index`, or at open for a small sample), the prefix
//! index and its binding to the corpus; never a false clean.

#[path = "support/binary.rs"]
mod binary;

use assert_cmd::Command;
use credaudit::breach::corpus_index::{self, PREFIXES};
use credaudit::breach::offline::{OfflineCorpus, OfflineError};
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict, hex_upper};
use credaudit::secret::Secret;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn hash(pw: &str) -> Sha1Hash {
    Sha1Hash::of(&Secret::from(pw))
}

/// A sorted synthetic corpus: `n` filler hashes plus the given passwords, hash -> count.
fn corpus(n: usize, passwords: &[(&str, u64)]) -> BTreeMap<Sha1Hash, u64> {
    let mut map: BTreeMap<Sha1Hash, u64> = (0..n)
        .map(|i| (hash(&format!("filler-{i}")), (i % 977 + 1) as u64))
        .collect();
    for (pw, count) in passwords {
        map.insert(hash(pw), *count);
    }
    map
}

struct Style {
    newline: &'static str,
    lowercase: bool,
    final_newline: bool,
}

fn render(map: &BTreeMap<Sha1Hash, u64>, style: &Style) -> String {
    let lines: Vec<String> = map
        .iter()
        .map(|(h, c)| {
            let hex = hex_upper(&h.0);
            let hex = if style.lowercase {
                hex.to_ascii_lowercase()
            } else {
                hex
            };
            format!("{hex}:{c}")
        })
        .collect();
    let mut text = lines.join(style.newline);
    if style.final_newline {
        text.push_str(style.newline);
    }
    text
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

const KNOWN: &[(&str, u64)] = &[("password", 9_545_824), ("hunter2", 17), ("Tulip#2001", 3)];

#[test]
fn single_file_in_every_style_finds_every_line_and_nothing_else() {
    let map = corpus(20_000, KNOWN);
    let tmp = tempfile::tempdir().unwrap();
    let styles = [
        Style {
            newline: "\n",
            lowercase: false,
            final_newline: true,
        },
        Style {
            newline: "\r\n",
            lowercase: false,
            final_newline: true,
        },
        Style {
            newline: "\n",
            lowercase: true,
            final_newline: true,
        },
        Style {
            newline: "\r\n",
            lowercase: true,
            final_newline: true,
        },
    ];
    let all: Vec<(Sha1Hash, u64)> = map.iter().map(|(h, c)| (*h, *c)).collect();
    // First and last lines, every 7th line, and the known passwords.
    let mut queries: Vec<Sha1Hash> = all.iter().step_by(7).map(|(h, _)| *h).collect();
    queries.push(all[0].0);
    queries.push(all[all.len() - 1].0);
    queries.extend(KNOWN.iter().map(|(p, _)| hash(p)));
    let absent: Vec<Sha1Hash> = (0..500).map(|i| hash(&format!("absent-{i}"))).collect();
    for (i, style) in styles.iter().enumerate() {
        let path = write(tmp.path(), &format!("c{i}.txt"), &render(&map, style));
        let corpus = OfflineCorpus::open(&path).unwrap();
        assert!(corpus.partial_warning().is_some());
        let v = corpus.lookup(&queries, &NoProgress);
        for (q, verdict) in queries.iter().zip(&v) {
            assert_eq!(*verdict, Verdict::Seen(map[q]), "style {i}");
        }
        let v = corpus.lookup(&absent, &NoProgress);
        assert!(v.iter().all(|v| *v == Verdict::NotSeen), "style {i}");
        // Below the first and above the last line.
        let v = corpus.lookup(&[Sha1Hash([0; 20]), Sha1Hash([0xFF; 20])], &NoProgress);
        assert_eq!(v, vec![Verdict::NotSeen, Verdict::NotSeen]);
        // Interpolation keeps the page count small, far from a scan of the ~220 pages.
        let stats = corpus.stats();
        assert!(stats.pages_per_lookup() < 8.0, "{stats:?}");
    }
}

#[test]
fn lookups_keep_input_order_and_duplicates() {
    let map = corpus(3_000, KNOWN);
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        "c.txt",
        &render(
            &map,
            &Style {
                newline: "\r\n",
                lowercase: false,
                final_newline: true,
            },
        ),
    );
    let corpus = OfflineCorpus::open(&path).unwrap();
    let q = [
        hash("Tulip#2001"),
        hash("nope"),
        hash("password"),
        hash("Tulip#2001"),
    ];
    assert_eq!(
        corpus.lookup(&q, &NoProgress),
        vec![
            Verdict::Seen(3),
            Verdict::NotSeen,
            Verdict::Seen(9_545_824),
            Verdict::Seen(3)
        ]
    );
    assert_eq!(corpus.stats().lookups, 3, "deduplicated");
}

#[test]
fn single_line_file() {
    let tmp = tempfile::tempdir().unwrap();
    let line = format!("{}:5\n", hex_upper(&hash("password").0));
    let path = write(tmp.path(), "one.txt", &line);
    let c = OfflineCorpus::open(&path).unwrap();
    assert_eq!(
        c.lookup(&[hash("password"), hash("x")], &NoProgress),
        vec![Verdict::Seen(5), Verdict::NotSeen]
    );
}

#[test]
fn a_malformed_line_is_refused_at_open_and_unchecked_without_verification() {
    let map = corpus(20_000, KNOWN);
    let all: Vec<Sha1Hash> = map.keys().copied().collect();
    let text = render(
        &map,
        &Style {
            newline: "\n",
            lowercase: false,
            final_newline: true,
        },
    );
    let mut lines: Vec<&str> = text.lines().collect();
    let broken_at = 12_345;
    lines[broken_at] = "this line is damaged";
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "c.txt", &(lines.join("\n") + "\n"));
    let err = OfflineCorpus::open(&path).err().unwrap();
    assert!(
        err.to_string().contains("damaged: line 12346 is not"),
        "{err}"
    );
    // The unverified search (benchmarks only) still never answers clean there.
    let corpus = OfflineCorpus::open_unverified(&path).unwrap();
    let v = corpus.lookup(&[all[broken_at]], &NoProgress);
    assert!(matches!(v[0], Verdict::Unchecked(_)), "{v:?}");
    // Lookups elsewhere still work.
    let v = corpus.lookup(&[all[10], all[19_000]], &NoProgress);
    assert!(matches!(v[0], Verdict::Seen(_)) && matches!(v[1], Verdict::Seen(_)));
}

fn open_err(text: &str) -> OfflineError {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "bad.txt", text);
    match OfflineCorpus::open(&path) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn unsorted_and_count_ordered_files_are_rejected() {
    let map = corpus(5_000, KNOWN);
    let mut rows: Vec<(Sha1Hash, u64)> = map.iter().map(|(h, c)| (*h, *c)).collect();
    // Ordered by prevalence, as the old "ordered-by-count" download.
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let text: Vec<String> = rows
        .iter()
        .map(|(h, c)| format!("{}:{c}", hex_upper(&h.0)))
        .collect();
    let err = open_err(&(text.join("\r\n") + "\r\n"));
    assert!(matches!(err, OfflineError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("out of order"), "{err}");
    // Sorted but with the last line out of place.
    let mut rows: Vec<(Sha1Hash, u64)> = map.iter().map(|(h, c)| (*h, *c)).collect();
    rows.rotate_left(1);
    let text: Vec<String> = rows
        .iter()
        .map(|(h, c)| format!("{}:{c}", hex_upper(&h.0)))
        .collect();
    assert!(matches!(
        open_err(&(text.join("\n") + "\n")),
        OfflineError::Damaged { .. }
    ));
}

#[test]
fn ntlm_range_files_and_garbage_are_rejected_with_clear_errors() {
    let err =
        open_err("8846F7EAEE8FB117AD06BDD830B7586C:3\r\n8846F7EAEE8FB117AD06BDD830B7586D:1\r\n");
    assert!(matches!(err, OfflineError::Ntlm(_)), "{err}");
    assert!(err.to_string().contains("NTLM"));
    let err = open_err("1E4C9B93F3F0682250B6CF8331B7EE68FD8:3\r\n");
    assert!(matches!(err, OfflineError::RangeFile(_)), "{err}");
    let err = open_err("hello world\n");
    assert!(matches!(err, OfflineError::Damaged { .. }), "{err}");
    let good = format!("{}:5\n", hex_upper(&hash("password").0));
    let err = open_err(&format!("{good}trailing garbage"));
    assert!(err.to_string().contains("last line is cut short"), "{err}");
    // Without its final line break, the last count may have lost digits.
    let err = open_err(good.trim_end());
    assert!(
        err.to_string().contains("does not end with a line break"),
        "{err}"
    );
    assert!(matches!(open_err(""), OfflineError::Empty(_)));
    assert!(matches!(open_err("\r\n\r\n"), OfflineError::Empty(_)));
    let err = OfflineCorpus::open(Path::new("/nonexistent/credaudit/corpus.txt"))
        .err()
        .unwrap();
    assert!(matches!(err, OfflineError::Io { .. }));
    // No error message quotes a hash.
    assert!(!err.to_string().contains(&hex_upper(&hash("password").0)));
}

fn prefix_dir(dir: &Path, map: &BTreeMap<Sha1Hash, u64>, lowercase_names: bool) {
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (h, c) in map {
        let hex = hex_upper(&h.0);
        files
            .entry(hex[..5].to_owned())
            .or_default()
            .push(format!("{}:{c}", &hex[5..]));
    }
    for (prefix, rows) in files {
        let name = if lowercase_names {
            prefix.to_ascii_lowercase()
        } else {
            prefix
        };
        fs::write(dir.join(format!("{name}.txt")), rows.join("\r\n")).unwrap();
    }
}

#[test]
fn per_prefix_directory() {
    let map = corpus(2_000, KNOWN);
    for lowercase_names in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        prefix_dir(tmp.path(), &map, lowercase_names);
        let corpus = OfflineCorpus::open(tmp.path()).unwrap();
        assert!(corpus.is_directory());
        let present: Vec<Sha1Hash> = map.keys().step_by(5).copied().collect();
        let v = corpus.lookup(&present, &NoProgress);
        for (h, verdict) in present.iter().zip(&v) {
            assert_eq!(*verdict, Verdict::Seen(map[h]));
        }
        // Verified at open as a partial sample: a prefix without a file is "not seen", and every
        // run is warned that the corpus is partial.
        assert!(corpus.partial_warning().is_some());
        let first = *map.keys().next().unwrap();
        let mut sibling = first;
        sibling.0[19] ^= 1;
        let missing = Sha1Hash([0xFF; 20]);
        assert!(!map.keys().any(|h| h.prefix() == missing.prefix()));
        assert_eq!(
            corpus.lookup(&[sibling, missing], &NoProgress),
            vec![Verdict::NotSeen, Verdict::NotSeen]
        );
        // Without verification (benchmarks only), a missing file is unchecked.
        let unverified = OfflineCorpus::open_unverified(tmp.path()).unwrap();
        assert!(matches!(
            unverified.lookup(&[missing], &NoProgress)[0],
            Verdict::Unchecked(_)
        ));
    }
}

#[test]
fn per_prefix_directory_errors() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("README"), "hello").unwrap();
    assert!(matches!(
        OfflineCorpus::open(tmp.path()).err().unwrap(),
        OfflineError::NoPrefixFiles(_)
    ));
    fs::write(tmp.path().join("5BAA6.txt"), "not a range file").unwrap();
    assert!(matches!(
        OfflineCorpus::open(tmp.path()).err().unwrap(),
        OfflineError::DamagedPrefixFile { .. }
    ));
    fs::write(
        tmp.path().join("5BAA6.txt"),
        "00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1",
    )
    .unwrap();
    let err = OfflineCorpus::open(tmp.path()).err().unwrap();
    assert!(
        err.to_string()
            .contains("5BAA6.txt: line 2 is out of order"),
        "{err}"
    );
    fs::write(
        tmp.path().join("5BAA6.txt"),
        "7EAEE8FB117AD06BDD830B7586C:3\r\n",
    )
    .unwrap();
    assert!(matches!(
        OfflineCorpus::open(tmp.path()).err().unwrap(),
        OfflineError::Ntlm(_)
    ));
}

#[test]
fn damaged_prefix_file_is_unchecked() {
    let map = corpus(500, KNOWN);
    let tmp = tempfile::tempdir().unwrap();
    prefix_dir(tmp.path(), &map, false);
    let h = hash("password");
    let file = tmp.path().join(format!("{}.txt", h.prefix()));
    let corpus = OfflineCorpus::open(tmp.path()).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, &text[..text.len() - 20]).unwrap();
    let v = corpus.lookup(&[h], &NoProgress);
    assert!(
        matches!(&v[0], Verdict::Unchecked(why) if why.contains("changed since")),
        "{v:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The full verification and the prefix index (`credaudit corpus index`)

fn credaudit() -> Command {
    binary::credaudit(Path::new(env!("CARGO_TARGET_TMPDIR")))
}

/// Runs `credaudit ARGS`, expects exit 2 and a one-line error containing `needle`.
fn fails_with(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = binary::run(credaudit().args(args));
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("credaudit: error"))
        .collect();
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert_eq!(errors.len(), 1, "{args:?}: {stderr}");
    assert!(errors[0].contains(needle), "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}");
}

fn index(path: &Path, partial: bool) -> std::process::Output {
    let mut cmd = credaudit();
    cmd.args(["corpus", "index"]);
    if partial {
        cmd.arg("--partial");
    }
    cmd.arg(path).output().unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Lines of a complete corpus: one random hash in every one of the 2^20 prefixes plus the
/// known passwords, sorted; LF, final newline. Written once per test binary (~44 MB) under
/// the target directory; tests copy it before changing anything.
fn complete_corpus() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("breach_offline_complete.txt");
        let mut rng = SmallRng::seed_from_u64(1);
        let mut rows: Vec<([u8; 20], u64)> = (0..PREFIXES as u32)
            .map(|p| {
                let mut h: [u8; 20] = rng.random();
                h[0] = (p >> 12) as u8;
                h[1] = (p >> 4) as u8;
                h[2] = ((p & 0xF) as u8) << 4 | (h[2] & 0xF);
                (h, u64::from(p % 97 + 1))
            })
            .collect();
        rows.extend(KNOWN.iter().map(|(pw, c)| (hash(pw).0, *c)));
        rows.sort_unstable();
        let mut text = Vec::with_capacity(rows.len() * 46);
        for (h, c) in &rows {
            text.extend_from_slice(hex_upper(h).as_bytes());
            text.extend_from_slice(format!(":{c}\n").as_bytes());
        }
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, text).unwrap();
        fs::rename(&tmp, &path).unwrap();
        path
    })
}

/// A copy of the complete corpus, changed by `edit` (on its lines).
fn damaged_copy(dir: &Path, edit: impl FnOnce(&mut Vec<&str>)) -> PathBuf {
    let text = fs::read_to_string(complete_corpus()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    edit(&mut lines);
    let path = dir.join("corpus.txt");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn complete_corpus_is_indexed_and_used_without_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("pwned.txt");
    fs::copy(complete_corpus(), &path).unwrap();
    // Over 4 MiB and never verified: refused, naming the fix.
    fails_with(
        &["audit", DEMO_VAULT, "--hibp-file", s(&path)],
        &format!("run `credaudit corpus index {}`", path.display()),
    );
    let out = index(&path, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.contains("all 1,048,576 prefixes"), "{stdout}");
    let index_path = corpus_index::index_path(&path);
    assert_eq!(index_path, tmp.path().join("pwned.txt.cidx"));
    // 2^20 + 1 offsets, a header and a checksum: ~8 MiB, no hash in it.
    assert_eq!(
        fs::metadata(&index_path).unwrap().len(),
        48 + 8 * (1 << 20) + 8 + 4
    );
    let out = credaudit()
        .args(["audit", DEMO_VAULT, "--hibp-file", s(&path), "-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["unchecked"], 0);
    assert!(report["summary"]["breached"].as_u64().unwrap() >= 1);

    // Lookups through the index read one page, and agree with the unverified search.
    let corpus = OfflineCorpus::open(&path).unwrap();
    assert!(corpus.partial_warning().is_none());
    let unverified = OfflineCorpus::open_unverified(&path).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let mut queries: Vec<Sha1Hash> = text
        .lines()
        .step_by(97)
        .map(|l| Sha1Hash(hex_bytes(&l[..40])))
        .collect();
    queries.extend((0..3_000).map(|i| hash(&format!("absent-{i}"))));
    queries.extend([Sha1Hash([0; 20]), Sha1Hash([0xFF; 20])]);
    let with = corpus.lookup(&queries, &NoProgress);
    assert_eq!(with, unverified.lookup(&queries, &NoProgress));
    assert!(with.iter().all(|v| !matches!(v, Verdict::Unchecked(_))));
    let (indexed, plain) = (corpus.stats(), unverified.stats());
    assert!(indexed.pages_per_lookup() <= 1.05, "{indexed:?}");
    assert!(
        plain.pages_per_lookup() > indexed.pages_per_lookup(),
        "{plain:?}"
    );
}

fn hex_bytes(hex: &str) -> [u8; 20] {
    let mut out = [0u8; 20];
    for (o, i) in out.iter_mut().zip((0..40).step_by(2)) {
        *o = u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    }
    out
}

const DEMO_VAULT: &str = "fixtures/demo/vault.json";

#[test]
fn a_download_cut_at_a_line_boundary_or_missing_a_prefix_fails_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    // Cut at a line boundary: every prefix past the cut is missing.
    let path = damaged_copy(tmp.path(), |lines| lines.truncate(lines.len() * 7 / 10));
    fails_with(
        &["corpus", "index", s(&path)],
        "lacks 314573 of the 1,048,576",
    );
    assert!(!corpus_index::index_path(&path).exists());
    // One prefix missing in the middle (its only line removed).
    let path = damaged_copy(tmp.path(), |lines| {
        lines.remove(500_000);
    });
    fails_with(&["corpus", "index", s(&path)], "lacks 1 of the 1,048,576");
}

/// A sample corpus (partial): filler hashes and the known passwords, LF, final newline.
fn sample(dir: &Path, n: usize) -> (PathBuf, String) {
    let text = render(
        &corpus(n, KNOWN),
        &Style {
            newline: "\n",
            lowercase: false,
            final_newline: true,
        },
    );
    (write(dir, "sample.txt", &text), text)
}

#[test]
fn each_kind_of_damage_fails_the_index_with_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, text) = sample(tmp.path(), 5_000);
    let lines: Vec<&str> = text.lines().collect();
    let mut swapped = lines.clone();
    swapped.swap(2_000, 2_001);
    let stray_line = format!("{}:1", hex_upper(&hash("stray").0));
    let mut stray = lines.clone();
    stray.insert(3_000, &stray_line);
    let mut junk = lines.clone();
    junk.insert(3_000, "<html>502 Bad Gateway</html>");
    let mut duplicate = lines.clone();
    duplicate.insert(4_000, lines[3_999]);
    let cases: Vec<(String, &str)> = vec![
        (swapped.join("\n") + "\n", "line 2002 is out of order"),
        (stray.join("\n") + "\n", "is out of order"),
        (
            junk.join("\n") + "\n",
            "line 3001 is not `40 hex characters:count`",
        ),
        (
            duplicate.join("\n") + "\n",
            "line 4001 repeats the line before it",
        ),
        // Interrupted mid-line: inside the hash, inside the count (no final line break).
        (
            text[..text.len() / 2 + 7].to_owned(),
            "last line is cut short",
        ),
        (
            text[..text.len() - 2].to_owned(),
            "does not end with a line break",
        ),
    ];
    for (damaged, needle) in cases {
        fs::write(&path, damaged).unwrap();
        fails_with(&["corpus", "index", "--partial", s(&path)], needle);
        assert!(!corpus_index::index_path(&path).exists());
        // And a run against it is refused the same way (small: verified at open).
        fails_with(&["audit", DEMO_VAULT, "--hibp-file", s(&path)], needle);
    }
    // The stray-line case among the 1,048,576-prefix corpus too.
    let path = damaged_copy(tmp.path(), |lines| lines.swap(700_000, 700_001));
    fails_with(
        &["corpus", "index", s(&path)],
        "line 700002 is out of order",
    );
}

#[test]
fn a_partial_corpus_needs_the_flag_and_warns_at_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, _) = sample(tmp.path(), 5_000);
    fails_with(
        &["corpus", "index", s(&path)],
        "index a sample corpus with --partial",
    );
    let out = index(&path, true);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(partial)"));
    for _ in 0..2 {
        let out = credaudit()
            .args(["audit", DEMO_VAULT, "--hibp-file", s(&path)])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("is partial ("), "{stderr}");
        assert!(stderr.contains(" of 1,048,576 hash prefixes)"), "{stderr}");
    }
}

#[test]
fn a_corpus_changed_after_indexing_or_a_damaged_index_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, text) = sample(tmp.path(), 5_000);
    assert_eq!(index(&path, true).status.code(), Some(0));
    let index_path = corpus_index::index_path(&path);
    let run = ["audit", DEMO_VAULT, "--hibp-file", s(&path)];
    // Re-downloaded (same content, new mtime) or changed: both need a new verification.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
    fails_with(&run, "changed since it was verified");
    assert_eq!(index(&path, true).status.code(), Some(0));
    credaudit().args(run).assert().code(1);
    fs::write(&path, format!("{text}{}:1\n", "F".repeat(40))).unwrap();
    fails_with(
        &run,
        &format!("run `credaudit corpus index {}`", path.display()),
    );
    assert_eq!(index(&path, true).status.code(), Some(0));
    // A damaged index file.
    let mut bytes = fs::read(&index_path).unwrap();
    bytes[1000] ^= 1;
    fs::write(&index_path, &bytes).unwrap();
    fails_with(&run, "is unusable (checksum mismatch)");
    fs::write(&index_path, b"hello").unwrap();
    fails_with(&run, "is unusable (not a credaudit corpus index)");
}

#[test]
fn results_with_the_index_equal_results_without_it() {
    // Dense prefixes, like a real corpus: 1,000 prefixes of ~100 lines each (the density of
    // a 100M-line corpus; the real 2-billion-line one has ~2,000 per prefix).
    let mut rng = SmallRng::seed_from_u64(5);
    let mut map: BTreeMap<Sha1Hash, u64> = BTreeMap::new();
    for p in 0..1_000u32 {
        let p = p * 1048;
        for _ in 0..100 {
            let mut h: [u8; 20] = rng.random();
            h[0] = (p >> 12) as u8;
            h[1] = (p >> 4) as u8;
            h[2] = ((p & 0xF) as u8) << 4 | (h[2] & 0xF);
            map.insert(Sha1Hash(h), rng.random_range(1..5000));
        }
    }
    for (pw, c) in KNOWN {
        map.insert(hash(pw), *c);
    }
    let tmp = tempfile::tempdir().unwrap();
    let style = Style {
        newline: "\r\n",
        lowercase: false,
        final_newline: true,
    };
    let path = write(tmp.path(), "dense.txt", &render(&map, &style));
    let summary = corpus_index::build_index(&path, true, &NoProgress).unwrap();
    assert_eq!(summary.lines, map.len() as u64);
    let indexed = OfflineCorpus::open(&path).unwrap();
    let unverified = OfflineCorpus::open_unverified(&path).unwrap();
    // Every present hash, neighbours (last byte +-1) of every 5th, and random absent ones.
    let mut queries: Vec<Sha1Hash> = Vec::new();
    queries.extend(map.keys());
    for h in map.keys().step_by(5) {
        for delta in [1u8, 255] {
            let mut n = *h;
            n.0[19] = n.0[19].wrapping_add(delta);
            queries.push(n);
        }
    }
    queries.extend((0..5_000).map(|_| Sha1Hash(rng.random())));
    let with = indexed.lookup(&queries, &NoProgress);
    assert_eq!(with, unverified.lookup(&queries, &NoProgress));
    for (q, v) in queries.iter().zip(&with) {
        let expected = map.get(q).map_or(Verdict::NotSeen, |c| Verdict::Seen(*c));
        assert_eq!(*v, expected);
    }
    // One at a time, as `credaudit check` does: pages per lookup with and without the index.
    indexed.reset_stats();
    unverified.reset_stats();
    for q in map.keys().step_by(7) {
        indexed.lookup(&[*q], &NoProgress);
        unverified.lookup(&[*q], &NoProgress);
    }
    let (with, without) = (indexed.stats(), unverified.stats());
    assert!(with.pages_per_lookup() < 1.5, "{with:?}");
    assert!(
        without.pages_per_lookup() > with.pages_per_lookup() + 0.5,
        "{without:?}"
    );
}

#[test]
fn per_prefix_directory_is_verified_and_bound_to_each_file() {
    let map = corpus(1_000, KNOWN);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pwned");
    fs::create_dir(&dir).unwrap();
    prefix_dir(&dir, &map, false);
    fails_with(
        &["corpus", "index", s(&dir)],
        "lacks 1047573 of the 1,048,576",
    );
    let out = index(&dir, true);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        corpus_index::index_path(&dir),
        tmp.path().join("pwned.cidx")
    );
    let corpus = OfflineCorpus::open(&dir).unwrap();
    let present: Vec<Sha1Hash> = map.keys().copied().collect();
    let v = corpus.lookup(&present, &NoProgress);
    assert!(
        v.iter()
            .zip(&present)
            .all(|(v, h)| *v == Verdict::Seen(map[h]))
    );
    // A file that changed, appeared or disappeared after indexing: unchecked, never clean.
    let h = hash("password");
    let file = dir.join(format!("{}.txt", h.prefix()));
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace(&h.suffix_hex(), &"0".repeat(35))).unwrap();
    let stray = Sha1Hash([0xFF; 20]);
    let stray_file = dir.join(format!("{}.txt", stray.prefix()));
    fs::write(stray_file, format!("{}:9", stray.suffix_hex())).unwrap();
    let v = OfflineCorpus::open(&dir)
        .unwrap()
        .lookup(&[h, stray], &NoProgress);
    assert!(
        v.iter()
            .all(|v| matches!(v, Verdict::Unchecked(why) if why.contains("corpus index"))),
        "{v:?}"
    );
    // Damage inside a file fails the index.
    fs::write(
        &file,
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3\r\n0E4C9B93F3F0682250B6CF8331B7EE68FD8:3",
    )
    .unwrap();
    fails_with(
        &["corpus", "index", "--partial", s(&dir)],
        "line 2 is out of order",
    );
}
