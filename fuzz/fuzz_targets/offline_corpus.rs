#![no_main]
//! The offline Pwned Passwords corpus: the input is written to a file (first byte even) or
//! split on NUL bytes into per-prefix files of a directory (first byte odd), opened with
//! `OfflineCorpus::open`, and a few hashes are looked up: fixed ones plus hashes taken from
//! the input's own lines.
//!
//! Oracle for the single-file layout: when every line of the file is a well-formed
//! `HASH40:COUNT` line and the lines are strictly sorted, a hash that is on a line must be
//! `Seen` with that line's count, and a hash that is not must not be `Seen`. Whatever the
//! file, a lookup returns one verdict per hash.
use credaudit::breach::offline::OfflineCorpus;
use credaudit::breach::{BreachSource, NoProgress, Sha1Hash, Verdict};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir for the fuzzer"))
}

fn hex_val(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

fn parse_hex40(hex: &[u8]) -> Option<[u8; 20]> {
    if hex.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *o = hex_val(*pair.first()?)? << 4 | hex_val(*pair.get(1)?)?;
    }
    Some(out)
}

fn trim(line: &[u8]) -> &[u8] {
    let mut line = line;
    while let [rest @ .., b'\r' | b' ' | b'\t'] = line {
        line = rest;
    }
    line
}

/// A strict reading of the whole file: `Some(rows)` when every non-blank line is
/// `40 hex ':' decimal` (no leading blank lines), sorted strictly by hash.
fn strict_rows(data: &[u8]) -> Option<Vec<([u8; 20], u64)>> {
    let mut rows: Vec<([u8; 20], u64)> = Vec::new();
    let text = trim_end_blank(data);
    for line in text.split(|&b| b == b'\n') {
        let line = trim(line);
        let colon = line.iter().position(|&b| b == b':')?;
        let hash = parse_hex40(line.get(..colon)?)?;
        let digits = line.get(colon + 1..)?;
        if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let count: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        if rows.last().is_some_and(|(prev, _)| *prev >= hash) {
            return None;
        }
        rows.push((hash, count));
    }
    if rows.is_empty() { None } else { Some(rows) }
}

fn trim_end_blank(data: &[u8]) -> &[u8] {
    let mut d = data;
    while let [rest @ .., b'\r' | b'\n' | b' ' | b'\t'] = d {
        d = rest;
    }
    d
}

fn candidate_hashes(data: &[u8]) -> Vec<Sha1Hash> {
    let mut hashes = vec![
        Sha1Hash([0; 20]),
        Sha1Hash([0xff; 20]),
        Sha1Hash::of(&credaudit::secret::Secret::from("password")),
    ];
    for line in data.split(|&b| b == b'\n').take(16) {
        if let Some(h) = line.get(..40).and_then(parse_hex40) {
            hashes.push(Sha1Hash(h));
            let mut next = h;
            next[19] = next[19].wrapping_add(1);
            hashes.push(Sha1Hash(next));
        }
    }
    hashes
}

fn single_file(data: &[u8]) {
    let path: PathBuf = scratch().path().join("corpus.txt");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(corpus) = OfflineCorpus::open(&path) else {
        return;
    };
    let hashes = candidate_hashes(data);
    let verdicts = corpus.lookup(&hashes, &NoProgress);
    assert_eq!(verdicts.len(), hashes.len(), "one verdict per hash");
    let Some(rows) = strict_rows(data) else {
        return;
    };
    for (hash, verdict) in hashes.iter().zip(&verdicts) {
        let expected = rows
            .binary_search_by(|(h, _)| h.cmp(&hash.0))
            .ok()
            .and_then(|i| rows.get(i))
            .map(|(_, c)| *c);
        match (expected, verdict) {
            (_, Verdict::Unchecked(_)) => {}
            (Some(c), Verdict::Seen(n)) => assert_eq!(c, *n, "wrong count"),
            // A count-0 line is padding-like: NotSeen is an honest answer for it.
            (Some(0), Verdict::NotSeen) => {}
            (Some(_), Verdict::NotSeen) => panic!("false clean: a listed hash was NotSeen"),
            (None, Verdict::Seen(_)) => panic!("hash reported Seen but not in the file"),
            (None, Verdict::NotSeen) => {}
        }
    }
}

fn directory(data: &[u8]) {
    let dir = scratch().path().join("ranges");
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir(&dir).is_err() {
        return;
    }
    let mut hashes = vec![Sha1Hash([0; 20]), Sha1Hash([0xff; 20])];
    for (i, chunk) in data.split(|&b| b == 0).take(8).enumerate() {
        let prefix = (u32::try_from(i).unwrap_or(0) * 0x2_4925) & 0xF_FFFF;
        let name = format!("{prefix:05X}.txt");
        if std::fs::write(dir.join(name), chunk).is_err() {
            return;
        }
        // Look up the first suffix of the chunk under this prefix.
        if let Some(suffix) = chunk.get(..35) {
            let mut hex = format!("{prefix:05X}").into_bytes();
            hex.extend_from_slice(suffix);
            if let Some(h) = parse_hex40(&hex) {
                hashes.push(Sha1Hash(h));
            }
        }
    }
    let Ok(corpus) = OfflineCorpus::open(&dir) else {
        return;
    };
    let verdicts = corpus.lookup(&hashes, &NoProgress);
    assert_eq!(verdicts.len(), hashes.len(), "one verdict per hash");
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((flag, rest)) if flag & 1 == 0 => single_file(rest),
        Some((_, rest)) => directory(rest),
        None => {}
    }
});
