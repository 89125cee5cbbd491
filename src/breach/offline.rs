//! The downloaded Pwned Passwords corpus, searched without a linear scan.
//!
//! Two layouts from the official downloader are accepted (see [`OfflineCorpus::open`]):
//! - the single sorted file of `HASH40:COUNT` lines (LF or CRLF, any case, final newline
//!   optional), memory-mapped and searched by interpolation on the first 8 bytes of the hash
//!   with a bisection fallback, then a linear scan of a small window: about 2-3 page reads per
//!   lookup on a uniformly distributed corpus;
//! - the per-prefix directory of `XXXXX.txt` files of `SUFFIX:COUNT` lines: one small file read
//!   per unique prefix.
//!
//! A corpus is used only once it has been verified in full (see [`super::corpus_index`]): a
//! large one needs its `CORPUS.cidx` from `credaudit corpus index`, still matching the corpus's
//! size and mtime; a small one (a sample) is verified at every open. With the index a lookup
//! searches only its prefix's lines: about one page read. A lookup that meets an unparsable
//! region or a changed prefix file answers `Unchecked`, never `NotSeen`.

use super::corpus_index::{self, CorpusIndex, Stamp, Table};
use super::range::{RangeBody, RangeParseError, SUFFIX_LEN, parse_count, trim_line};
use super::{BreachSource, NoProgress, Prefix, Progress, Sha1Hash, Verdict};
use memmap2::Mmap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Page size used to count the pages a lookup touches.
pub const PAGE: usize = 4096;

/// Once the search window is this small, it is scanned line by line.
const SCAN_WINDOW: usize = 512;

/// Lookups between two releases of the mapped corpus pages (see `release_mapped_pages`).
const RELEASE_EVERY: usize = 256;

/// Number of evenly spaced lines checked for order when a file is opened.
const SORT_PROBES: usize = 64;

/// Why a corpus cannot be used. Messages name the path, never a hash.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The path cannot be read.
    #[error("cannot read HIBP corpus {path}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The file is empty.
    #[error("HIBP corpus {0} is empty")]
    Empty(PathBuf),
    /// A line that is not `40 hex ':' count`.
    #[error("{path} is not a Pwned Passwords SHA-1 file: {what} is not `40 hex characters:count`")]
    BadShape {
        /// The file.
        path: PathBuf,
        /// Which line ("the first line", "the line at byte 1234", ...).
        what: String,
    },
    /// 32-hex hashes: the NTLM corpus.
    #[error(
        "{0} holds NTLM hashes (32 hex characters); credaudit needs the SHA-1 corpus (download it without --ntlm)"
    )]
    Ntlm(PathBuf),
    /// 35-hex suffixes: one file of the per-prefix layout.
    #[error(
        "{0} is a single per-prefix range file; pass the directory that holds the XXXXX.txt files"
    )]
    RangeFile(PathBuf),
    /// Lines out of order (for example the ordered-by-count download).
    #[error(
        "{0} is not sorted by hash (is it the ordered-by-prevalence download?): use the hash-ordered file, or sort it"
    )]
    Unsorted(PathBuf),
    /// A directory without `XXXXX.txt` files.
    #[error(
        "{0} is a directory without per-prefix files (XXXXX.txt of SUFFIX:COUNT lines, from the downloader's -s false mode)"
    )]
    NoPrefixFiles(PathBuf),
    /// The full verification found damage: a line out of order or malformed, a cut.
    #[error("HIBP corpus {path} is damaged: {what}")]
    Damaged {
        /// The corpus.
        path: PathBuf,
        /// What and where (a line number, never a hash).
        what: String,
    },
    /// Prefixes without a single line: an interrupted or incomplete download.
    #[error(
        "HIBP corpus {path} lacks {missing} of the 1,048,576 hash prefixes (the first is {first}): an incomplete download? Re-download it, or index a sample corpus with --partial"
    )]
    MissingPrefixes {
        /// The corpus.
        path: PathBuf,
        /// How many prefixes have no line.
        missing: u32,
        /// The first missing prefix (public: it names no password).
        first: String,
    },
    /// A large corpus that was never verified.
    #[error(
        "HIBP corpus {} has not been verified: run `credaudit corpus index {}` once (it reads the whole corpus and writes {})",
        .path.display(), .path.display(), corpus_index::index_path(.path).display()
    )]
    NoIndex {
        /// The corpus.
        path: PathBuf,
    },
    /// The corpus changed after it was indexed.
    #[error(
        "HIBP corpus {} changed since it was verified (size or modification time differ from {}): run `credaudit corpus index {}`",
        .path.display(), .index.display(), .path.display()
    )]
    StaleIndex {
        /// The corpus.
        path: PathBuf,
        /// Its index.
        index: PathBuf,
    },
    /// The index file is unusable.
    #[error(
        "the corpus index {} is unusable ({why}): run `credaudit corpus index {}`",
        .index.display(), .corpus.display()
    )]
    BadIndex {
        /// The corpus.
        corpus: PathBuf,
        /// Its index.
        index: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A per-prefix file that failed the full verification.
    #[error("HIBP corpus {path} is damaged: per-prefix file {file}: {what}")]
    DamagedPrefixFile {
        /// The directory.
        path: PathBuf,
        /// The file name inside it.
        file: String,
        /// What is wrong (a line number, never a hash).
        what: String,
    },
    /// A per-prefix file that is not a range body.
    #[error("{path}: per-prefix file {file} is not `35 hex characters:count` lines ({reason})")]
    BadPrefixFile {
        /// The directory.
        path: PathBuf,
        /// The file name inside it.
        file: String,
        /// What is wrong.
        reason: RangeParseError,
    },
}

/// Counters of lookups, for benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OfflineStats {
    /// Unique hashes looked up.
    pub lookups: u64,
    /// Sum over lookups of the distinct 4 KiB pages each one touched (file pages, or the pages
    /// of the per-prefix files read).
    pub pages: u64,
}

impl OfflineStats {
    /// Average pages per lookup.
    pub fn pages_per_lookup(&self) -> f64 {
        if self.lookups == 0 {
            0.0
        } else {
            self.pages as f64 / self.lookups as f64
        }
    }
}

/// A downloaded corpus, ready for lookups: a [`BreachSource`].
pub struct OfflineCorpus {
    layout: Layout,
    /// Set when the corpus lacks prefixes (`--partial`, or a small sample).
    partial_warning: Option<String>,
    lookups: AtomicU64,
    pages: AtomicU64,
}

enum Layout {
    File(SortedFile),
    Dir(PrefixDir),
}

impl OfflineCorpus {
    /// Opens `--hibp-file PATH`: the single sorted file or the per-prefix directory. It must
    /// have a valid index from `credaudit corpus index` (checked against the corpus's size and
    /// mtime), or be small enough to be verified in full now (a sample: at most 4 MiB, or a
    /// directory of at most 4,096 entries). Anything else is an error naming the fix.
    pub fn open(path: &Path) -> Result<Self, OfflineError> {
        let meta = fs::metadata(path).map_err(|source| OfflineError::Io {
            path: path.to_owned(),
            source,
        })?;
        let index = match corpus_index::load(path, &meta)? {
            Some(index) => index,
            None => verify_small(path, &meta)?,
        };
        let partial_warning = index.partial_warning(path);
        let layout = match index.table {
            Table::Offsets(offsets) => Layout::File(SortedFile::open(path, Some(offsets))?),
            Table::Stamps(stamps) => Layout::Dir(PrefixDir {
                dir: path.to_owned(),
                stamps: Some(stamps),
            }),
        };
        Ok(Self::with(layout, partial_warning))
    }

    /// Opens a corpus without its index, as before `corpus index` existed: a 64-line sample is
    /// checked, then the whole file is searched by interpolation. Damage the sample misses
    /// answers "not seen", so the CLI never uses this; it is kept to compare against (tests,
    /// benchmarks: page reads with and without the index).
    pub fn open_unverified(path: &Path) -> Result<Self, OfflineError> {
        let meta = fs::metadata(path).map_err(|source| OfflineError::Io {
            path: path.to_owned(),
            source,
        })?;
        let layout = if meta.is_dir() {
            Layout::Dir(PrefixDir::open_unverified(path)?)
        } else {
            let file = SortedFile::open(path, None)?;
            file.validate(path)?;
            Layout::File(file)
        };
        Ok(Self::with(layout, None))
    }

    fn with(layout: Layout, partial_warning: Option<String>) -> Self {
        Self {
            layout,
            partial_warning,
            lookups: AtomicU64::new(0),
            pages: AtomicU64::new(0),
        }
    }

    /// The warning to show at every run when the corpus is partial: hashes whose prefix it
    /// lacks answer "not seen".
    pub fn partial_warning(&self) -> Option<&str> {
        self.partial_warning.as_deref()
    }

    /// Counters since opening (or the last reset).
    pub fn stats(&self) -> OfflineStats {
        OfflineStats {
            lookups: self.lookups.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
        }
    }

    /// Zeroes the counters.
    pub fn reset_stats(&self) {
        self.lookups.store(0, Ordering::Relaxed);
        self.pages.store(0, Ordering::Relaxed);
    }

    /// True for the per-prefix directory layout.
    pub fn is_directory(&self) -> bool {
        matches!(self.layout, Layout::Dir(_))
    }
}

impl BreachSource for OfflineCorpus {
    fn lookup(&self, hashes: &[Sha1Hash], progress: &dyn Progress) -> Vec<Verdict> {
        let mut order: Vec<usize> = (0..hashes.len()).collect();
        order.sort_unstable_by_key(|&i| hashes.get(i).map(|h| h.0));
        let mut unique: Vec<Sha1Hash> = order
            .iter()
            .filter_map(|&i| hashes.get(i).copied())
            .collect();
        unique.dedup();
        progress.start(unique.len() as u64);
        let answers: Vec<Verdict> = match &self.layout {
            Layout::File(f) => f.lookup_sorted(&unique, self, progress),
            Layout::Dir(d) => d.lookup_sorted(&unique, self, progress),
        };
        progress.finish();
        self.lookups
            .fetch_add(unique.len() as u64, Ordering::Relaxed);
        hashes
            .iter()
            .map(|h| match unique.binary_search(h) {
                Ok(i) => answers.get(i).cloned(),
                Err(_) => None,
            })
            .map(|v| v.unwrap_or_else(|| Verdict::Unchecked("no answer from the corpus".into())))
            .collect()
    }
}

/// Verifies a corpus that has no index, if it is small enough to do so at every open.
fn verify_small(path: &Path, meta: &fs::Metadata) -> Result<CorpusIndex, OfflineError> {
    let no_index = || OfflineError::NoIndex {
        path: path.to_owned(),
    };
    if !meta.is_dir() {
        if meta.len() > corpus_index::SMALL_CORPUS_BYTES {
            return Err(no_index());
        }
        if meta.len() == 0 {
            return Err(OfflineError::Empty(path.to_owned()));
        }
        return Ok(corpus_index::verify_file(path, true, &NoProgress)?.0);
    }
    let prefixes = corpus_index::list_prefix_files(path, corpus_index::SMALL_DIR_FILES)?
        .ok_or_else(no_index)?;
    Ok(corpus_index::verify_dir(path, true, &prefixes, &NoProgress)?.0)
}

// ---------------------------------------------------------------------------------------------
// Single sorted file

struct SortedFile {
    map: Mmap,
    /// Length without trailing newlines and blanks: the last line ends here.
    end: usize,
    /// From the index: where each prefix's lines start (2^20 + 1 offsets).
    offsets: Option<Vec<u64>>,
}

/// Shape of one line of a corpus file.
enum Line {
    Sha1([u8; 20], u64),
    Ntlm,
    Suffix,
    Bad,
}

fn classify(line: &[u8]) -> Line {
    let line = trim_line(line);
    let colon = line.iter().position(|&b| b == b':');
    let Some(colon) = colon else {
        return Line::Bad;
    };
    let (hex, rest) = line.split_at(colon);
    let count = rest.get(1..).and_then(parse_count);
    if !hex.iter().all(u8::is_ascii_hexdigit) || count.is_none() {
        return Line::Bad;
    }
    match (hex.len(), count) {
        (40, Some(count)) => parse_hash(hex).map_or(Line::Bad, |h| Line::Sha1(h, count)),
        (32, _) => Line::Ntlm,
        (SUFFIX_LEN, _) => Line::Suffix,
        _ => Line::Bad,
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn parse_hash(hex: &[u8]) -> Option<[u8; 20]> {
    if hex.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (hi, lo) = (pair.first().copied()?, pair.get(1).copied()?);
        *o = (hex_val(hi)? << 4) | hex_val(lo)?;
    }
    Some(out)
}

fn key_of(hash: &[u8; 20]) -> u64 {
    let mut k = [0u8; 8];
    k.copy_from_slice(&hash[..8]);
    u64::from_be_bytes(k)
}

/// Pages touched by one lookup.
#[derive(Default)]
struct Touch(Vec<usize>);

impl Touch {
    fn range(&mut self, start: usize, end: usize) {
        let last = end.max(start + 1) - 1;
        for page in start / PAGE..=last / PAGE {
            self.0.push(page);
        }
    }
    fn count(mut self) -> u64 {
        self.0.sort_unstable();
        self.0.dedup();
        self.0.len() as u64
    }
}

/// Where the search of the next (larger) hash may start: a line start before which every line
/// is smaller, and the key of the line before it.
#[derive(Clone, Copy)]
struct Resume {
    lo: usize,
    klo: u64,
}

impl SortedFile {
    fn open(path: &Path, offsets: Option<Vec<u64>>) -> Result<Self, OfflineError> {
        let io_err = |source| OfflineError::Io {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        if len == 0 {
            return Err(OfflineError::Empty(path.to_owned()));
        }
        // SAFETY: the map is read-only and private to this process. The one hazard is the file
        // being truncated or rewritten by another process while mapped: reads past a new end
        // fault (SIGBUS) and rewritten bytes may be inconsistent. The corpus is a static
        // download that nothing writes while an audit runs; every byte read is parsed as
        // untrusted data (bad bytes give `Unchecked`), so changed contents cannot cause
        // undefined behaviour in this code, only a wrong or unchecked answer.
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(&file) }.map_err(io_err)?;
        #[cfg(unix)]
        {
            let _ = map.advise(memmap2::Advice::Random);
        }
        let mut end = map.len();
        while end > 0 && matches!(map.get(end - 1), Some(b'\n' | b'\r' | b' ' | b'\t')) {
            end -= 1;
        }
        if end == 0 {
            return Err(OfflineError::Empty(path.to_owned()));
        }
        Ok(Self { map, end, offsets })
    }

    fn data(&self) -> &[u8] {
        self.map.get(..self.end).unwrap_or_default()
    }

    /// The line starting at `start`: its bytes (without `\n`) and the start of the next line.
    fn line_at(&self, start: usize) -> (&[u8], usize) {
        let data = self.data();
        let rest = data.get(start..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (rest.get(..n).unwrap_or_default(), start + n + 1),
            None => (rest, data.len()),
        }
    }

    /// First line start at or after `pos` (the data length if none).
    fn resync(&self, pos: usize) -> usize {
        let data = self.data();
        if pos == 0 || pos >= data.len() {
            return pos.min(data.len());
        }
        if data.get(pos - 1) == Some(&b'\n') {
            return pos;
        }
        match data
            .get(pos..)
            .and_then(|r| r.iter().position(|&b| b == b'\n'))
        {
            Some(n) => pos + n + 1,
            None => data.len(),
        }
    }

    fn validate(&self, path: &Path) -> Result<(), OfflineError> {
        let shape_err = |what: String| OfflineError::BadShape {
            path: path.to_owned(),
            what,
        };
        let check = |start: usize, what: &dyn Fn() -> String| -> Result<[u8; 20], OfflineError> {
            match classify(self.line_at(start).0) {
                Line::Sha1(h, _) => Ok(h),
                Line::Ntlm => Err(OfflineError::Ntlm(path.to_owned())),
                Line::Suffix => Err(OfflineError::RangeFile(path.to_owned())),
                Line::Bad => Err(shape_err(what())),
            }
        };
        let first = check(0, &|| "the first line".to_owned())?;
        let data = self.data();
        let last_start = data.iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
        let last = check(last_start, &|| "the last line".to_owned())?;
        let mut previous = first;
        for i in 1..SORT_PROBES {
            let start = self.resync(data.len() / SORT_PROBES * i);
            if start >= last_start {
                break;
            }
            let hash = check(start, &|| format!("the line at byte {start}"))?;
            if hash < previous {
                return Err(OfflineError::Unsorted(path.to_owned()));
            }
            previous = hash;
        }
        if last < previous {
            return Err(OfflineError::Unsorted(path.to_owned()));
        }
        Ok(())
    }

    fn lookup_sorted(
        &self,
        unique: &[Sha1Hash],
        owner: &OfflineCorpus,
        progress: &dyn Progress,
    ) -> Vec<Verdict> {
        let mut resume = Resume { lo: 0, klo: 0 };
        unique
            .iter()
            .enumerate()
            .map(|(i, hash)| {
                if i > 0 && i % RELEASE_EVERY == 0 {
                    self.release_mapped_pages();
                }
                let mut touch = Touch::default();
                let (verdict, next) = self.search(&hash.0, resume, &mut touch);
                if let Some(next) = next {
                    resume = next;
                }
                owner.pages.fetch_add(touch.count(), Ordering::Relaxed);
                progress.advance(1);
                verdict
            })
            .collect()
    }

    /// Unmaps the corpus pages this process has touched so far; the page cache keeps them.
    ///
    /// Each page fault maps its neighbours too (the kernel's fault-around, which the random
    /// access hint does not turn off), so without this the resident set grows with the vault:
    /// ~3 GB of mapped corpus for 100,000 passwords. Dropping the mappings every few hundred
    /// lookups keeps it to tens of megabytes; a later touch is a minor fault from the cache.
    fn release_mapped_pages(&self) {
        #[cfg(unix)]
        {
            // SAFETY: the map is a private read-only file mapping, so MADV_DONTNEED only drops
            // page-table entries: the next read faults the same file bytes back in. No
            // reference into the map is held across this call (lookups copy what they parse);
            // a concurrent reader on another thread just faults the same bytes back in.
            #[allow(unsafe_code)]
            let _ = unsafe {
                self.map
                    .unchecked_advise(memmap2::UncheckedAdvice::DontNeed)
            };
        }
    }

    /// Interpolation search for `target` in `[from.lo, end)`.
    fn search(
        &self,
        target: &[u8; 20],
        from: Resume,
        touch: &mut Touch,
    ) -> (Verdict, Option<Resume>) {
        let tkey = key_of(target);
        let (mut lo, mut klo) = (from.lo, from.klo);
        let mut hi = self.data().len();
        let mut khi = u64::MAX;
        if let Some(offsets) = &self.offsets {
            // Only this prefix's lines, with its key range as the interpolation bounds.
            let prefix = Sha1Hash(*target).prefix().0 as usize;
            let at = |i: usize| {
                offsets
                    .get(i)
                    .map_or(hi, |&o| usize::try_from(o).unwrap_or(hi))
            };
            let floor = (prefix as u64) << 44;
            if at(prefix) >= lo {
                (lo, klo) = (at(prefix), floor);
            }
            klo = klo.max(floor);
            hi = at(prefix + 1).min(hi);
            khi = floor | ((1 << 44) - 1);
            if lo >= hi {
                return (Verdict::NotSeen, Some(Resume { lo, klo }));
            }
        }
        let mut misses = 0u32; // interpolation steps in a row that did not halve the window
        loop {
            let span = hi.saturating_sub(lo);
            if span <= SCAN_WINDOW {
                return self.scan(target, lo, hi, klo, touch);
            }
            let bisect = misses >= 2 || khi <= klo || tkey < klo || tkey > khi;
            let pivot = if bisect {
                lo + span / 2
            } else {
                let frac = u128::from(tkey - klo) * span as u128 / u128::from(khi - klo);
                lo + usize::try_from(frac).unwrap_or(span).min(span - 1)
            };
            let mut start = self.resync(pivot);
            if start >= hi {
                start = self.resync(lo + span / 2);
                if start >= hi {
                    return self.scan(target, lo, hi, klo, touch);
                }
            }
            let (line, next) = self.line_at(start);
            touch.range(pivot.min(start), next);
            let Line::Sha1(hash, count) = classify(line) else {
                return (unparsable(), None);
            };
            let key = key_of(&hash);
            match hash.cmp(target) {
                std::cmp::Ordering::Equal => {
                    return (seen(count), Some(Resume { lo: next, klo: key }));
                }
                std::cmp::Ordering::Less => {
                    lo = next;
                    klo = key;
                }
                std::cmp::Ordering::Greater => {
                    hi = start;
                    khi = key;
                }
            }
            let new_span = hi.saturating_sub(lo);
            if bisect || new_span <= span / 2 {
                misses = 0;
            } else {
                misses += 1;
            }
        }
    }

    /// Linear scan of the lines starting in `[lo, hi)`.
    fn scan(
        &self,
        target: &[u8; 20],
        lo: usize,
        hi: usize,
        klo: u64,
        touch: &mut Touch,
    ) -> (Verdict, Option<Resume>) {
        let mut start = lo;
        let mut resume = Resume { lo, klo };
        while start < hi {
            let (line, next) = self.line_at(start);
            touch.range(start, next);
            let Line::Sha1(hash, count) = classify(line) else {
                return (unparsable(), None);
            };
            match hash.cmp(target) {
                std::cmp::Ordering::Equal => {
                    return (
                        seen(count),
                        Some(Resume {
                            lo: next,
                            klo: key_of(&hash),
                        }),
                    );
                }
                std::cmp::Ordering::Greater => return (Verdict::NotSeen, Some(resume)),
                std::cmp::Ordering::Less => {
                    resume = Resume {
                        lo: next,
                        klo: key_of(&hash),
                    };
                }
            }
            start = next;
        }
        (Verdict::NotSeen, Some(resume))
    }
}

fn seen(count: u64) -> Verdict {
    if count == 0 {
        Verdict::NotSeen
    } else {
        Verdict::Seen(count)
    }
}

/// The reason names no offset: in a sorted corpus the position of a line gives away the
/// leading bits of the hash being looked up.
fn unparsable() -> Verdict {
    Verdict::Unchecked(
        "the HIBP corpus file has a malformed line where this password would be; not checked"
            .to_owned(),
    )
}

// ---------------------------------------------------------------------------------------------
// Per-prefix directory

struct PrefixDir {
    dir: PathBuf,
    /// From the verification: each prefix file's stamp; `None` for an unverified directory.
    stamps: Option<Vec<Stamp>>,
}

/// How many directory entries to look at for a first prefix file.
const DIR_PROBE_LIMIT: usize = 10_000;

fn is_prefix_file(name: &str) -> bool {
    corpus_index::prefix_file_number(name).is_some()
}

impl PrefixDir {
    fn open_unverified(dir: &Path) -> Result<Self, OfflineError> {
        let io_err = |source| OfflineError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut sample = None;
        for entry in fs::read_dir(dir).map_err(io_err)?.take(DIR_PROBE_LIMIT) {
            let entry = entry.map_err(io_err)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_prefix_file(&name) {
                sample = Some(name);
                break;
            }
        }
        let name = sample.ok_or_else(|| OfflineError::NoPrefixFiles(dir.to_owned()))?;
        let bytes = fs::read(dir.join(&name)).map_err(io_err)?;
        if let Err(reason) = RangeBody::parse(&bytes) {
            let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
            if matches!(classify_suffix_len(first), Some(27)) {
                return Err(OfflineError::Ntlm(dir.to_owned()));
            }
            return Err(OfflineError::BadPrefixFile {
                path: dir.to_owned(),
                file: name,
                reason,
            });
        }
        Ok(Self {
            dir: dir.to_owned(),
            stamps: None,
        })
    }

    /// The bytes of a prefix's file; `Ok(None)` when it is absent and may be (a partial,
    /// verified directory); an error reason when it cannot be trusted.
    fn read_prefix(&self, prefix: Prefix) -> Result<Option<Vec<u8>>, String> {
        let index = prefix.0 as usize;
        let file = corpus_index::open_prefix_file(&self.dir, index)
            .map_err(|e| format!("cannot read a HIBP corpus file: {e}"))?;
        let expected = self.stamps.as_ref().and_then(|s| s.get(index).copied());
        let changed = || {
            format!(
                "a HIBP corpus prefix file changed since the corpus was verified; run `credaudit corpus index {}`",
                self.dir.display()
            )
        };
        let Some(mut file) = file else {
            return match expected {
                Some(Stamp::ABSENT) => Ok(None),
                Some(_) => Err(changed()),
                None => Err("its prefix file is missing from the HIBP corpus directory".into()),
            };
        };
        if let Some(expected) = expected {
            let meta = file
                .metadata()
                .map_err(|e| format!("cannot read a HIBP corpus file: {e}"))?;
            if Stamp::of(&meta) != expected {
                return Err(changed());
            }
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read a HIBP corpus file: {e}"))?;
        Ok(Some(bytes))
    }

    fn lookup_sorted(
        &self,
        unique: &[Sha1Hash],
        owner: &OfflineCorpus,
        progress: &dyn Progress,
    ) -> Vec<Verdict> {
        let mut out = Vec::with_capacity(unique.len());
        let mut i = 0;
        while let Some(first) = unique.get(i) {
            let prefix = first.prefix();
            let group: Vec<&Sha1Hash> = unique
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|h| h.prefix() == prefix)
                .collect();
            let answer: Result<RangeBody, String> = match self.read_prefix(prefix) {
                Err(reason) => Err(reason),
                Ok(None) => Ok(RangeBody::default()),
                Ok(Some(bytes)) => {
                    owner
                        .pages
                        .fetch_add(bytes.len().div_ceil(PAGE) as u64, Ordering::Relaxed);
                    RangeBody::parse(&bytes)
                        .map_err(|e| format!("a HIBP corpus prefix file is unusable: {e}"))
                }
            };
            for hash in &group {
                out.push(match &answer {
                    Ok(body) => body.verdict(hash),
                    Err(reason) => Verdict::Unchecked(reason.clone()),
                });
                progress.advance(1);
            }
            i += group.len().max(1);
        }
        out
    }
}

/// Length of the hex run before ':' on a line, if it is all hex.
fn classify_suffix_len(line: &[u8]) -> Option<usize> {
    let line = trim_line(line);
    let colon = line.iter().position(|&b| b == b':')?;
    line.get(..colon)?
        .iter()
        .all(u8::is_ascii_hexdigit)
        .then_some(colon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_lines() {
        assert!(matches!(
            classify(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10\r"),
            Line::Sha1(_, 10)
        ));
        assert!(matches!(
            classify(b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:10"),
            Line::Sha1(_, 10)
        ));
        assert!(matches!(
            classify(b"8846F7EAEE8FB117AD06BDD830B7586C:3"),
            Line::Ntlm
        ));
        assert!(matches!(
            classify(b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:3"),
            Line::Suffix
        ));
        assert!(matches!(
            classify(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:"),
            Line::Bad
        ));
        assert!(matches!(classify(b"hello"), Line::Bad));
        assert!(matches!(classify(b""), Line::Bad));
    }

    #[test]
    fn prefix_file_names() {
        assert!(is_prefix_file("5BAA6.txt"));
        assert!(is_prefix_file("5baa6.TXT"));
        assert!(!is_prefix_file("5BAA.txt"));
        assert!(!is_prefix_file("5BAAG.txt"));
        assert!(!is_prefix_file("5BAA6.txt.tmp"));
    }

    #[test]
    fn touch_counts_distinct_pages() {
        let mut t = Touch::default();
        t.range(0, 10);
        t.range(4090, 4100);
        t.range(4100, 4100);
        assert_eq!(t.count(), 2);
    }
}
