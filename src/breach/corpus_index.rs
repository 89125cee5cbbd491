//! One full verification of a downloaded Pwned Passwords corpus, and the small prefix index it
//! leaves beside it (`CORPUS.cidx`).
//!
//! A 64-line sample at open misses an adjacent swap, a stray line or a download cut at a line
//! boundary, and each of those answers "not breached" for the hashes around it. `credaudit
//! corpus index` reads the whole corpus once, sequentially, and proves the order, the shape of
//! every line and (unless `--partial`) that all 2^20 prefixes are there. The index is bound to
//! the corpus's size and modification time (per file for the directory layout), so a later run
//! knows the verified bytes are still the ones on disk. It holds byte offsets or file stamps
//! only: nothing about a password that the public corpus does not already hold.

use super::Progress;
use super::offline::OfflineError;
use super::range::{SUFFIX_LEN, parse_count, trim_line};
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Number of 5-hex-digit SHA-1 prefixes: a complete corpus has lines for every one.
pub const PREFIXES: usize = 1 << 20;

/// Corpora up to this size are verified in full at every open, so they need no index (the
/// bundled demo sample, test corpora); a complete corpus is at least ~45 MB.
pub const SMALL_CORPUS_BYTES: u64 = 4 << 20;

/// Directories with at most this many entries are likewise verified at every open.
pub const SMALL_DIR_FILES: usize = 4096;

const MAGIC: &[u8; 8] = b"CAIDX\r\n\x1a";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 48;
const KIND_FILE: u8 = 1;
const KIND_DIR: u8 = 2;
/// Read size of the streaming verification: large sequential reads, one buffer for the run.
const CHUNK: usize = 8 << 20;

/// Size and modification time of a file, to notice that it changed after verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) len: u64,
    pub(crate) mtime_ns: i64,
}

impl Stamp {
    /// A per-prefix file that is absent from a partial directory.
    pub(crate) const ABSENT: Stamp = Stamp {
        len: u64::MAX,
        mtime_ns: 0,
    };

    pub(crate) fn of(meta: &Metadata) -> Self {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_nanos()).ok())
            .unwrap_or(0);
        Self {
            len: meta.len(),
            mtime_ns,
        }
    }
}

/// What the verification proved, and where to find each prefix.
pub(crate) struct CorpusIndex {
    /// Prefixes may be missing (`--partial`, or a small corpus verified at open).
    pub(crate) partial: bool,
    /// Prefixes with at least one line.
    pub(crate) present: u32,
    pub(crate) table: Table,
}

pub(crate) enum Table {
    /// Single file: byte offset of the first line of each prefix, plus the end (2^20 + 1).
    Offsets(Vec<u64>),
    /// Directory: the stamp of each `XXXXX.txt` ([`Stamp::ABSENT`] when partial and missing).
    Stamps(Vec<Stamp>),
}

impl CorpusIndex {
    /// The warning every run using a partial corpus prints.
    pub(crate) fn partial_warning(&self, corpus: &Path) -> Option<String> {
        (self.partial && self.present < PREFIXES as u32).then(|| {
            format!(
                "the HIBP corpus {} is partial ({} of 1,048,576 hash prefixes): a password whose prefix it lacks is reported as not breached",
                corpus.display(),
                self.present
            )
        })
    }
}

/// What `credaudit corpus index` did.
#[derive(Clone, Debug)]
pub struct IndexSummary {
    /// The index written.
    pub index_path: PathBuf,
    /// Its size in bytes.
    pub index_bytes: u64,
    /// Lines verified.
    pub lines: u64,
    /// Prefixes present (1,048,576 for a complete corpus).
    pub present: u32,
    /// Indexed with `--partial`.
    pub partial: bool,
    /// The per-prefix directory layout.
    pub directory: bool,
}

/// `CORPUS.cidx`, beside the corpus (for a directory, beside the directory).
pub fn index_path(corpus: &Path) -> PathBuf {
    let absolute;
    let corpus = if corpus.file_name().is_some() {
        corpus
    } else {
        // ".", "..", "/": name the directory itself.
        absolute = fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_owned());
        &absolute
    };
    let mut name = corpus.file_name().unwrap_or_default().to_os_string();
    name.push(".cidx");
    corpus.with_file_name(name)
}

/// Verifies the whole corpus (the single sorted file or the per-prefix directory) and writes
/// its index. `partial` accepts missing prefixes (a sample corpus); the index records it.
/// Progress is reported in prefixes (2^20 in all).
pub fn build_index(
    corpus: &Path,
    partial: bool,
    progress: &dyn Progress,
) -> Result<IndexSummary, OfflineError> {
    let io_err = |source| OfflineError::Io {
        path: corpus.to_owned(),
        source,
    };
    let before = fs::metadata(corpus).map_err(io_err)?;
    let directory = before.is_dir();
    let (index, lines) = if directory {
        let prefixes = list_prefix_files(corpus, usize::MAX)?.unwrap_or_default();
        verify_dir(corpus, partial, &prefixes, progress)?
    } else {
        verify_file(corpus, partial, progress)?
    };
    let stamp = if directory {
        Stamp {
            len: 0,
            mtime_ns: 0,
        }
    } else {
        let after = fs::metadata(corpus).map_err(io_err)?;
        if Stamp::of(&after) != Stamp::of(&before) {
            return Err(OfflineError::Damaged {
                path: corpus.to_owned(),
                what:
                    "changed while it was being verified; run the index again when it is complete"
                        .into(),
            });
        }
        Stamp::of(&after)
    };
    let bytes = encode(&index, stamp, lines);
    let index_path = index_path(corpus);
    let write_err = |source| OfflineError::Io {
        path: index_path.clone(),
        source,
    };
    crate::fsutil::write_private_atomic(&index_path, &bytes).map_err(write_err)?;
    // Public data: whoever may read the corpus may read its index (a shared /srv/pwned).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = before.permissions().mode() & 0o644;
        fs::set_permissions(&index_path, fs::Permissions::from_mode(mode | 0o600))
            .map_err(write_err)?;
    }
    Ok(IndexSummary {
        index_bytes: bytes.len() as u64,
        index_path,
        lines,
        present: index.present,
        partial: index.partial,
        directory,
    })
}

fn encode(index: &CorpusIndex, stamp: Stamp, lines: u64) -> Vec<u8> {
    let table_len = match &index.table {
        Table::Offsets(o) => o.len() * 8,
        Table::Stamps(s) => s.len() * 16,
    };
    let mut out = Vec::with_capacity(HEADER_LEN + table_len + 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    let kind = match index.table {
        Table::Offsets(_) => KIND_FILE,
        Table::Stamps(_) => KIND_DIR,
    };
    out.extend_from_slice(&[kind, u8::from(index.partial), 0, 0]);
    out.extend_from_slice(&stamp.len.to_le_bytes());
    out.extend_from_slice(&stamp.mtime_ns.to_le_bytes());
    out.extend_from_slice(&lines.to_le_bytes());
    out.extend_from_slice(&index.present.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    match &index.table {
        Table::Offsets(offsets) => offsets
            .iter()
            .for_each(|o| out.extend_from_slice(&o.to_le_bytes())),
        Table::Stamps(stamps) => stamps.iter().for_each(|s| {
            out.extend_from_slice(&s.len.to_le_bytes());
            out.extend_from_slice(&s.mtime_ns.to_le_bytes());
        }),
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Loads the index of `corpus` (whose metadata is `meta`): `Ok(None)` when there is none;
/// an error when it is stale or damaged.
pub(crate) fn load(corpus: &Path, meta: &Metadata) -> Result<Option<CorpusIndex>, OfflineError> {
    let path = index_path(corpus);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(OfflineError::Io { path, source }),
    };
    let bad = |why: &str| OfflineError::BadIndex {
        corpus: corpus.to_owned(),
        index: path.clone(),
        why: why.to_owned(),
    };
    let directory = meta.is_dir();
    let table_len = if directory {
        PREFIXES * 16
    } else {
        (PREFIXES + 1) * 8
    };
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err(bad("not a credaudit corpus index"));
    }
    if bytes.len() != HEADER_LEN + table_len + 4 {
        return Err(bad("wrong size"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body).to_le_bytes() != crc {
        return Err(bad("checksum mismatch"));
    }
    let u64_at = |at: usize| {
        body.get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    };
    let u32_at = |at: usize| {
        body.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    };
    if u32_at(8) != VERSION {
        return Err(bad("written by another credaudit version"));
    }
    let kind = body.get(12).copied();
    if kind != Some(if directory { KIND_DIR } else { KIND_FILE }) {
        return Err(bad("made for the other corpus layout"));
    }
    let partial = body.get(13) == Some(&1);
    let stamp = Stamp {
        len: u64_at(16),
        mtime_ns: u64_at(24) as i64,
    };
    if !directory && stamp != Stamp::of(meta) {
        return Err(OfflineError::StaleIndex {
            path: corpus.to_owned(),
            index: path.clone(),
        });
    }
    let present = u32_at(40);
    let table = body.get(HEADER_LEN..).unwrap_or_default();
    let table = if directory {
        Table::Stamps(
            table
                .chunks_exact(16)
                .map(|c| Stamp {
                    len: u64_at_slice(c, 0),
                    mtime_ns: u64_at_slice(c, 8) as i64,
                })
                .collect(),
        )
    } else {
        let offsets: Vec<u64> = table.chunks_exact(8).map(|c| u64_at_slice(c, 0)).collect();
        if offsets.windows(2).any(|w| w[0] > w[1]) || offsets.last() > Some(&meta.len()) {
            return Err(bad("offsets out of order"));
        }
        Table::Offsets(offsets)
    };
    Ok(Some(CorpusIndex {
        partial,
        present,
        table,
    }))
}

fn u64_at_slice(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

// ---------------------------------------------------------------------------------------------
// Single sorted file

const HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// 40 hex characters to 20 bytes, `None` on any other character.
fn parse_hash40(hex: &[u8]) -> Option<[u8; 20]> {
    let mut out = [0u8; 20];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = HEX[usize::from(pair[0])];
        let lo = HEX[usize::from(pair[1])];
        bad |= hi | lo;
        *o = (hi << 4) | (lo & 0xF);
    }
    (hex.len() == 40 && bad & 0xF0 == 0).then_some(out)
}

fn prefix_of(hash: &[u8; 20]) -> usize {
    (usize::from(hash[0]) << 12) | (usize::from(hash[1]) << 4) | (usize::from(hash[2]) >> 4)
}

/// State of the streaming check of a single sorted file.
struct FileScan<'a> {
    path: &'a Path,
    previous: Option<[u8; 20]>,
    /// The last prefix seen, or none yet.
    prefix: Option<usize>,
    offsets: Vec<u64>,
    present: u32,
    lines: u64,
    /// Line number of a blank line, fine only if nothing but blanks follows it.
    blank: Option<u64>,
    /// Where the line after the last one starts.
    end: u64,
}

impl FileScan<'_> {
    fn damaged(&self, what: String) -> OfflineError {
        OfflineError::Damaged {
            path: self.path.to_owned(),
            what,
        }
    }

    fn line(&mut self, raw: &[u8], start: u64) -> Result<(), OfflineError> {
        self.lines += 1;
        let n = self.lines;
        let line = trim_line(raw);
        if line.is_empty() {
            self.blank.get_or_insert(n);
            return Ok(());
        }
        if let Some(blank) = self.blank {
            return Err(self.damaged(format!("line {blank} is empty")));
        }
        let hash = match (line.get(..40), line.get(40), line.get(41..)) {
            (Some(hex), Some(b':'), Some(count)) if parse_count(count).is_some() => {
                parse_hash40(hex)
            }
            _ => None,
        };
        let Some(hash) = hash else {
            return Err(self.bad_shape(line, n));
        };
        if let Some(previous) = self.previous {
            match hash.cmp(&previous) {
                std::cmp::Ordering::Greater => {}
                std::cmp::Ordering::Equal => {
                    return Err(self.damaged(format!("line {n} repeats the line before it")));
                }
                std::cmp::Ordering::Less => {
                    return Err(self.damaged(format!(
                        "line {n} is out of order (not sorted by hash there)"
                    )));
                }
            }
        }
        self.previous = Some(hash);
        let prefix = prefix_of(&hash);
        if self.prefix != Some(prefix) {
            let from = self.prefix.map_or(0, |p| p + 1);
            for slot in self.offsets.get_mut(from..=prefix).unwrap_or_default() {
                *slot = start;
            }
            self.prefix = Some(prefix);
            self.present += 1;
        }
        self.end = start + raw.len() as u64 + 1;
        Ok(())
    }

    fn bad_shape(&self, line: &[u8], n: u64) -> OfflineError {
        let hex_run = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        match (n, hex_run, line.get(hex_run)) {
            (1, 32, Some(b':')) => OfflineError::Ntlm(self.path.to_owned()),
            (1, SUFFIX_LEN, Some(b':')) => OfflineError::RangeFile(self.path.to_owned()),
            _ => self.damaged(format!("line {n} is not `40 hex characters:count`")),
        }
    }
}

/// Reads the whole file once and checks every line. Memory: one 8 MiB buffer and the 8 MiB
/// offset table, whatever the corpus size.
pub(crate) fn verify_file(
    path: &Path,
    partial: bool,
    progress: &dyn Progress,
) -> Result<(CorpusIndex, u64), OfflineError> {
    let io_err = |source| OfflineError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut scan = FileScan {
        path,
        previous: None,
        prefix: None,
        offsets: vec![0; PREFIXES + 1],
        present: 0,
        lines: 0,
        blank: None,
        end: 0,
    };
    progress.start(PREFIXES as u64);
    let mut reported = 0u64;
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0usize;
    let mut base = 0u64; // file offset of buf[0]
    loop {
        let read = match file.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        };
        if read == 0 {
            break;
        }
        filled += read;
        let window = buf.get(..filled).unwrap_or_default();
        let mut pos = 0usize;
        for nl in memchr::memchr_iter(b'\n', window) {
            scan.line(window.get(pos..nl).unwrap_or_default(), base + pos as u64)?;
            pos = nl + 1;
        }
        buf.copy_within(pos..filled, 0);
        base += pos as u64;
        filled -= pos;
        if filled == buf.len() {
            return Err(scan.damaged(format!(
                "line {} is not `40 hex characters:count` (no line break in 8 MiB)",
                scan.lines + 1
            )));
        }
        let done = scan.prefix.map_or(0, |p| p as u64);
        progress.advance(done - reported);
        reported = done;
    }
    let tail = buf.get(..filled).unwrap_or_default();
    if tail.iter().any(|b| !b.is_ascii_whitespace()) {
        // The downloader ends every line with a line break: a last line without one is where
        // a download stopped, possibly inside the count.
        let last = trim_line(tail);
        let complete = last.len() > 41 && scan.line(last, base).is_ok();
        return Err(scan.damaged(if complete {
            "does not end with a line break, so its last line may be cut short (interrupted download?); re-download it".into()
        } else {
            "its last line is cut short (interrupted download?); re-download it".into()
        }));
    }
    if scan.previous.is_none() {
        return Err(OfflineError::Empty(path.to_owned()));
    }
    for slot in scan
        .offsets
        .get_mut(scan.prefix.map_or(0, |p| p + 1)..)
        .unwrap_or_default()
    {
        *slot = scan.end;
    }
    progress.advance(PREFIXES as u64 - reported);
    progress.finish();
    let missing = PREFIXES as u32 - scan.present;
    if missing > 0 && !partial {
        let first = first_missing(&scan.offsets);
        return Err(missing_prefixes(path, missing, first));
    }
    Ok((
        CorpusIndex {
            partial,
            present: scan.present,
            table: Table::Offsets(scan.offsets),
        },
        scan.lines,
    ))
}

fn first_missing(offsets: &[u64]) -> usize {
    offsets
        .windows(2)
        .position(|w| w[0] == w[1])
        .unwrap_or_default()
}

fn missing_prefixes(path: &Path, missing: u32, first: usize) -> OfflineError {
    OfflineError::MissingPrefixes {
        path: path.to_owned(),
        missing,
        first: format!("{first:05X}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Per-prefix directory

/// The 20-bit prefix named by `XXXXX.txt` (either case).
pub(crate) fn prefix_file_number(name: &str) -> Option<usize> {
    let (stem, ext) = (name.get(..5)?, name.get(5..)?);
    if name.len() != 9 || !ext.eq_ignore_ascii_case(".txt") {
        return None;
    }
    if !stem.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    usize::from_str_radix(stem, 16).ok()
}

/// Opens the file of `prefix` (upper-case name, as the downloader writes it, or lower-case).
pub(crate) fn open_prefix_file(dir: &Path, prefix: usize) -> io::Result<Option<File>> {
    let upper = format!("{prefix:05X}.txt");
    let lower = upper.to_ascii_lowercase();
    for name in [upper, lower] {
        match File::open(dir.join(name)) {
            Ok(file) => return Ok(Some(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// The prefixes that have a file in `dir`, sorted; `None` when it has more than `limit`
/// entries. One directory listing is much cheaper than a million failed opens.
pub(crate) fn list_prefix_files(
    dir: &Path,
    limit: usize,
) -> Result<Option<Vec<usize>>, OfflineError> {
    let io_err = |source| OfflineError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut prefixes = Vec::new();
    for (i, entry) in fs::read_dir(dir).map_err(io_err)?.enumerate() {
        if i >= limit {
            return Ok(None);
        }
        let name = entry.map_err(io_err)?.file_name();
        if let Some(prefix) = name.to_str().and_then(prefix_file_number) {
            prefixes.push(prefix);
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    Ok(Some(prefixes))
}

/// Checks the per-prefix files listed: `SUFFIX:COUNT` lines, sorted, non-empty; and that all
/// 2^20 are there unless `partial`.
pub(crate) fn verify_dir(
    dir: &Path,
    partial: bool,
    prefixes: &[usize],
    progress: &dyn Progress,
) -> Result<(CorpusIndex, u64), OfflineError> {
    if prefixes.is_empty() {
        return Err(OfflineError::NoPrefixFiles(dir.to_owned()));
    }
    let mut stamps = vec![Stamp::ABSENT; PREFIXES];
    let mut present = 0u32;
    let mut lines = 0u64;
    let mut buf = Vec::new();
    progress.start(prefixes.len() as u64);
    for (i, &prefix) in prefixes.iter().enumerate() {
        let io_err = |source| OfflineError::Io {
            path: dir.join(format!("{prefix:05X}.txt")),
            source,
        };
        let Some(mut file) = open_prefix_file(dir, prefix).map_err(io_err)? else {
            continue;
        };
        let stamp = Stamp::of(&file.metadata().map_err(io_err)?);
        buf.clear();
        file.read_to_end(&mut buf).map_err(io_err)?;
        lines += verify_prefix_file(&buf).map_err(|what| {
            if what == NTLM {
                OfflineError::Ntlm(dir.to_owned())
            } else {
                OfflineError::DamagedPrefixFile {
                    path: dir.to_owned(),
                    file: format!("{prefix:05X}.txt"),
                    what,
                }
            }
        })?;
        if let Some(slot) = stamps.get_mut(prefix) {
            *slot = stamp;
        }
        present += 1;
        if i % 1024 == 1023 {
            progress.advance(1024);
        }
    }
    progress.advance(prefixes.len() as u64 % 1024);
    progress.finish();
    let missing = PREFIXES as u32 - present;
    if missing > 0 && !partial {
        let first = stamps
            .iter()
            .position(|s| *s == Stamp::ABSENT)
            .unwrap_or_default();
        return Err(missing_prefixes(dir, missing, first));
    }
    Ok((
        CorpusIndex {
            partial,
            present,
            table: Table::Stamps(stamps),
        },
        lines,
    ))
}

const NTLM: &str = "ntlm";

/// Checks one per-prefix file; the number of lines, or what is wrong.
fn verify_prefix_file(bytes: &[u8]) -> Result<u64, String> {
    let mut previous: Option<&[u8]> = None;
    let mut blank = None;
    let mut lines = 0u64;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let line = trim_line(raw);
        if line.is_empty() {
            blank.get_or_insert(n);
            continue;
        }
        if let Some(blank) = blank {
            return Err(format!("line {blank} is empty"));
        }
        let hex_run = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let count = line.get(hex_run + 1..).and_then(parse_count);
        if hex_run == 27 && n == 1 && count.is_some() {
            return Err(NTLM.into());
        }
        let suffix = line.get(..SUFFIX_LEN).unwrap_or_default();
        if hex_run != SUFFIX_LEN || line.get(SUFFIX_LEN) != Some(&b':') || count.is_none() {
            return Err(format!("line {n} is not `35 hex characters:count`"));
        }
        if let Some(previous) = previous
            && !ascii_hex_less(previous, suffix)
        {
            return Err(format!("line {n} is out of order or repeated"));
        }
        previous = Some(suffix);
        lines += 1;
    }
    if lines == 0 {
        return Err("the file is empty".into());
    }
    Ok(lines)
}

/// `a < b` for hex strings of equal length in any case.
fn ascii_hex_less(a: &[u8], b: &[u8]) -> bool {
    let upper = |s: &[u8]| s.iter().map(u8::to_ascii_uppercase).collect::<Vec<u8>>();
    upper(a) < upper(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_path_sits_beside_the_corpus() {
        assert_eq!(
            index_path(Path::new("/srv/pwned/pwnedpasswords.txt")),
            PathBuf::from("/srv/pwned/pwnedpasswords.txt.cidx")
        );
        assert_eq!(
            index_path(Path::new("/srv/pwned/")),
            PathBuf::from("/srv/pwned.cidx")
        );
    }

    #[test]
    fn hashes_and_prefix_files() {
        assert!(parse_hash40(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8").is_some());
        assert!(parse_hash40(b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8").is_some());
        assert!(parse_hash40(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDG").is_none());
        assert_eq!(prefix_file_number("5BAA6.txt"), Some(0x5BAA6));
        assert_eq!(prefix_file_number("5baa6.TXT"), Some(0x5BAA6));
        assert_eq!(prefix_file_number("5BAAG.txt"), None);
        assert_eq!(prefix_file_number("5BAA6.txt.tmp"), None);
    }

    #[test]
    fn prefix_files_are_checked_line_by_line() {
        assert_eq!(
            verify_prefix_file(
                b"0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2"
            ),
            Ok(2)
        );
        assert!(
            verify_prefix_file(
                b"00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1"
            )
            .is_err()
        );
        assert!(verify_prefix_file(b"00D4F6E8FA6EECAD2A3AA415EEC418D38EC:").is_err());
        assert_eq!(
            verify_prefix_file(b"7EAEE8FB117AD06BDD830B7586C:3"),
            Err(NTLM.into())
        );
        assert!(verify_prefix_file(b"").is_err());
    }
}
