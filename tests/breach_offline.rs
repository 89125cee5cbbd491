//! The offline corpus: the single sorted file (LF/CRLF, any case, final newline optional) and the
//! per-prefix directory; validation at open; never a false clean.

use credaudit::breach::offline::{OfflineCorpus, OfflineError};
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict, hex_upper};
use credaudit::secret::Secret;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

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
            newline: "\r\n",
            lowercase: false,
            final_newline: false,
        },
        Style {
            newline: "\n",
            lowercase: true,
            final_newline: false,
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
                final_newline: false,
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
    let line = format!("{}:5", hex_upper(&hash("password").0));
    let path = write(tmp.path(), "one.txt", &line);
    let c = OfflineCorpus::open(&path).unwrap();
    assert_eq!(
        c.lookup(&[hash("password"), hash("x")], &NoProgress),
        vec![Verdict::Seen(5), Verdict::NotSeen]
    );
}

#[test]
fn a_malformed_region_gives_unchecked_never_clean() {
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
    let path = write(tmp.path(), "c.txt", &lines.join("\n"));
    let corpus = OfflineCorpus::open(&path).unwrap();
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
    let err = open_err(&text.join("\r\n"));
    assert!(matches!(err, OfflineError::Unsorted(_)), "{err}");
    assert!(err.to_string().contains("not sorted"));
    // Sorted but with the last line out of place.
    let mut rows: Vec<(Sha1Hash, u64)> = map.iter().map(|(h, c)| (*h, *c)).collect();
    rows.rotate_left(1);
    let text: Vec<String> = rows
        .iter()
        .map(|(h, c)| format!("{}:{c}", hex_upper(&h.0)))
        .collect();
    assert!(matches!(
        open_err(&text.join("\n")),
        OfflineError::Unsorted(_)
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
    assert!(matches!(err, OfflineError::BadShape { .. }), "{err}");
    let good = format!("{}:5\n", hex_upper(&hash("password").0));
    let err = open_err(&format!("{good}{good}trailing garbage"));
    assert!(matches!(err, OfflineError::BadShape { .. }), "{err}");
    assert!(err.to_string().contains("last line"));
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
        // A hash whose prefix file exists but lacks it: clean. One whose file is missing: unchecked.
        let first = *map.keys().next().unwrap();
        let mut sibling = first;
        sibling.0[19] ^= 1;
        let missing = Sha1Hash([0xFF; 20]);
        assert!(!map.keys().any(|h| h.prefix() == missing.prefix()));
        assert_eq!(
            corpus.lookup(&[sibling, missing], &NoProgress),
            vec![
                Verdict::NotSeen,
                Verdict::Unchecked(
                    "its prefix file is missing from the HIBP corpus directory".into()
                )
            ]
        );
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
        OfflineError::BadPrefixFile { .. }
    ));
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
    assert!(matches!(v[0], Verdict::Unchecked(_)), "{v:?}");
}
