//! Vault readers: bytes in, [`Vault`] out. Formats are detected from content; every reader
//! fills a [`VaultBuilder`], which applies the skip rules shared by all formats.
//!
//! Reading is bounded (`Limits`) and streams where the format allows: CSV exports are read
//! row by row after detection from their first 64 KiB ([`read_limited`]). KDBX and KeePass 1
//! databases cannot be streamed before authentication (the payload is checked as a whole,
//! by block HMACs or hashes and the end block, and is gzip inside the cipher: no entry can be
//! trusted before all of it is), zips are read from their central directory at the end, and JSON
//! exports are recognised from keys anywhere in the document (see `json`): those are read
//! whole, within `--max-input-size`.

use crate::model::{Entry, EntryId, Format, PersonalItem, SkipCounts, SkipReason};
use crate::secret::Secret;
use std::path::PathBuf;
use zeroize::Zeroizing;

pub mod bitwarden_crypto;
pub mod csv;
pub mod detect;
pub mod json;
pub mod keepass;
pub mod zip;

/// Where a vault comes from.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file on disk, opened read-only.
    Path(PathBuf),
    /// Standard input (`-`), so a plaintext export never has to touch the disk.
    Stdin,
}

impl Input {
    /// Parses a command-line operand: `-` is stdin.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    /// How the input is named in messages and reports.
    pub fn display_name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_owned(),
        }
    }
}

/// What a reader may need besides the bytes.
pub struct ReadOptions<'a> {
    /// Skip detection and read as this format.
    pub format: Option<Format>,
    /// Key file for KeePass databases.
    pub key_file: Option<PathBuf>,
    /// Asks for a password (master password, export file password) only when one is needed.
    /// Called with the input's display name; `Ok(None)` means none is available.
    pub password: &'a mut dyn FnMut(&str) -> Result<Option<Secret>, FormatError>,
    /// Keep entries from the recycle bin / trash instead of skipping them.
    pub include_recycled: bool,
}

/// Bounds on the work a file may ask for before anything about it is authenticated, so a
/// crafted or damaged file costs seconds and a bounded amount of memory, not the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes read from one input, and most bytes a KDBX payload may inflate to
    /// (`--max-input-size`).
    pub max_input_bytes: u64,
    /// Most Argon2 memory a KeePass header may ask for, in bytes (`--max-kdf-memory`).
    pub max_kdf_memory: u64,
    /// Most key-derivation time a KeePass header may ask for, in seconds on a typical
    /// machine (`--max-kdf-seconds`), converted to AES-KDF rounds and Argon2 work.
    pub max_kdf_seconds: u64,
}

impl Limits {
    /// 512 MiB of input: the zip reader's inflation cap; the largest real exports are tens of MB.
    pub const DEFAULT_MAX_INPUT_MIB: u64 = 512;
    /// 1 GiB of Argon2 memory: KeePassXC writes 64 MiB by default, Bitwarden 64 MiB, KeePass 1 MiB.
    pub const DEFAULT_MAX_KDF_MEMORY_MIB: u64 = 1024;
    /// 10 s: KeePassXC and KeePass calibrate their default to 1 s on the machine that saved.
    pub const DEFAULT_MAX_KDF_SECONDS: u64 = 10;
    /// AES-KDF rounds per second on the reference machine (2 cores with AES-NI, loaded:
    /// 20,000,000 rounds in 0.40 s, BENCHMARKS.md "Hostile vaults").
    pub const AES_KDF_ROUNDS_PER_SECOND: u64 = 50_000_000;
    /// Argon2 work (memory x passes, bytes) per second on the same machine (64 MiB x 16
    /// passes, 2 lanes, in 1.24-1.58 s).
    pub const ARGON2_BYTES_PER_SECOND: u64 = 768 << 20;

    /// The most AES-KDF rounds allowed.
    pub fn max_aes_rounds(&self) -> u64 {
        self.max_kdf_seconds
            .saturating_mul(Self::AES_KDF_ROUNDS_PER_SECOND)
    }

    /// The most Argon2 work (memory in bytes x passes) allowed.
    pub fn max_argon2_work(&self) -> u64 {
        self.max_kdf_seconds
            .saturating_mul(Self::ARGON2_BYTES_PER_SECOND)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: Self::DEFAULT_MAX_INPUT_MIB << 20,
            max_kdf_memory: Self::DEFAULT_MAX_KDF_MEMORY_MIB << 20,
            max_kdf_seconds: Self::DEFAULT_MAX_KDF_SECONDS,
        }
    }
}

/// One vault read into the model.
#[derive(Debug)]
pub struct Vault {
    /// The input's display name.
    pub name: String,
    /// The format it was read as.
    pub format: Format,
    /// Logins with a password, in file order.
    pub entries: Vec<Entry>,
    /// Items not audited, counted by reason.
    pub skipped: SkipCounts,
    /// What the user should know about this file, one line each (e.g. an unauthenticated
    /// KDBX 3.0 header); the binary prints them on stderr.
    pub warnings: Vec<String>,
    /// The user's own data from the vault's identity items (names, phone numbers, ...):
    /// input to the personal-data check, never reported.
    pub personal: Vec<PersonalItem>,
}

/// A reader's failure, without the input name (the dispatcher adds it).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The format could not be recognised.
    #[error(
        "unknown format; supported: {}. Use --format NAME to force one",
        Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
    )]
    Unknown,
    /// Wrong master password or key file (the format cannot tell which).
    #[error(
        "wrong master password or key file (if this database also needs a YubiKey: \
         challenge-response is not supported, export it to XML in KeePassXC and pipe that to stdin)"
    )]
    WrongKey,
    /// Wrong password (the format tells: no key file involved).
    #[error("wrong password")]
    WrongPassword,
    /// The key file does not match or is malformed.
    #[error("invalid key file: {0}")]
    BadKeyFile(String),
    /// A password is required and none was given.
    #[error(
        "{0} needs a password: give it on a terminal prompt, with --password-stdin or --password-env NAME"
    )]
    PasswordRequired(&'static str),
    /// A CSV lacks a column the format needs.
    #[error("missing column '{0}' in the CSV header")]
    MissingColumn(String),
    /// Truncated, tampered or otherwise malformed content.
    #[error("{0}")]
    Invalid(String),
    /// Recognised but not readable here, with what to do instead.
    #[error("{0}")]
    Unsupported(String),
}

/// What was read from one vault, once its entries have joined the run's flat list.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    /// The input's display name.
    pub name: String,
    /// The format it was read as.
    pub format: Format,
    /// Logins with a password that were kept for auditing.
    pub logins: usize,
    /// Items not audited, counted by reason.
    pub skipped: SkipCounts,
    /// What the user should know about this file, one line each (from [`Vault::warnings`]):
    /// they go into the report's warnings, so JSON consumers see them too.
    pub warnings: Vec<String>,
}

/// Moves every vault's entries into one list (entry `source` indexes the returned infos).
pub fn flatten(vaults: Vec<Vault>) -> (Vec<SourceInfo>, Vec<Entry>) {
    let mut infos = Vec::with_capacity(vaults.len());
    let mut entries = Vec::new();
    for vault in vaults {
        infos.push(SourceInfo {
            name: vault.name,
            format: vault.format,
            logins: vault.entries.len(),
            skipped: vault.skipped,
            warnings: vault.warnings,
        });
        entries.extend(vault.entries);
    }
    (infos, entries)
}

/// A failure to read one input.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The input could not be read at all.
    #[error("{name}: {cause}")]
    Io {
        /// Input display name.
        name: String,
        /// The I/O error (shown in the message, so not a `source`: the chain stays one line).
        cause: std::io::Error,
    },
    /// The content could not be read as a vault.
    #[error("{name}: {cause}")]
    Format {
        /// Input display name.
        name: String,
        /// What was wrong (shown in the message).
        cause: FormatError,
    },
}

/// Collects entries for one vault, applying the skip rules every format shares.
#[derive(Debug)]
pub struct VaultBuilder {
    source: usize,
    include_recycled: bool,
    entries: Vec<Entry>,
    skipped: SkipCounts,
    warnings: Vec<String>,
    personal: Vec<PersonalItem>,
}

impl VaultBuilder {
    /// A builder for the `source`-th vault of the run.
    pub fn new(source: usize, include_recycled: bool) -> Self {
        Self {
            source,
            include_recycled,
            entries: Vec::new(),
            skipped: SkipCounts::new(),
            warnings: Vec::new(),
            personal: Vec::new(),
        }
    }

    /// Records an item of the user's own data (an identity item's name, phone number, ...);
    /// blank values are dropped.
    pub fn personal(&mut self, item: PersonalItem) {
        if !item.value.expose().trim().is_empty() {
            self.personal.push(item);
        }
    }

    /// Adds a login and its hidden fields (`(name, value)`), each field an entry of its own
    /// with the parent's title, username, URLs, group and times, id `PARENT_ID/field/NAME`.
    /// Fields are kept even when the parent has no password (a secure note's hidden field is
    /// a secret too), but not when the parent is recycled or a reference; blank values and
    /// copies of the parent's password are dropped (they would be reuse with itself).
    pub fn push_with_fields(&mut self, entry: Entry, fields: Vec<(String, crate::secret::Secret)>) {
        let fields: Vec<(String, crate::secret::Secret)> = fields
            .into_iter()
            .filter(|(_, v)| !v.expose().trim().is_empty() && *v != entry.password)
            .collect();
        if fields.is_empty()
            || (entry.recycled && !self.include_recycled)
            || is_reference(entry.password.expose())
        {
            self.push(entry);
            return;
        }
        let template = Entry {
            id: entry.id.clone(),
            group: entry.group.clone(),
            title: entry.title.clone(),
            username: entry.username.clone(),
            urls: entry.urls.clone(),
            created: entry.created,
            modified: entry.modified,
            excluded: entry.excluded,
            recycled: entry.recycled,
            ..Entry::default()
        };
        let before = self.entries.len();
        self.push(entry);
        let parent_id = match self.entries.get(before) {
            Some(pushed) => pushed.id.clone(),
            // Skipped for having no password: the id the builder would have given it.
            None if template.id.0.is_empty() => {
                EntryId(format!("#{}", self.entries.len() + self.skipped_total()))
            }
            None => template.id.clone(),
        };
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in fields {
            let repeats = seen.iter().filter(|n| **n == name).count();
            seen.push(name.clone());
            let suffix = if repeats == 0 {
                String::new()
            } else {
                format!("#{}", repeats + 1)
            };
            self.push(Entry {
                id: EntryId(format!("{parent_id}/field/{name}{suffix}")),
                password: value,
                field: Some(name),
                ..template.clone()
            });
        }
    }

    /// Records a one-line warning about the file.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Adds a login; it is skipped (and counted) when recycled, without a password, or a
    /// `{REF:...}` reference. An entry without an id gets `<position>` within the source.
    pub fn push(&mut self, mut entry: Entry) {
        let reason = if entry.recycled && !self.include_recycled {
            Some(SkipReason::Recycled)
        } else if entry.password.is_empty() {
            Some(SkipReason::NoPassword)
        } else if is_reference(entry.password.expose()) {
            Some(SkipReason::Reference)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.skip(reason);
            return;
        }
        entry.source = self.source;
        if entry.id.0.is_empty() {
            entry.id = EntryId(format!(
                "#{}",
                self.entries.len() + self.skipped_total() + 1
            ));
        }
        self.entries.push(entry);
    }

    /// Counts an item that is not audited.
    pub fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Finishes the vault.
    pub fn finish(self, name: String, format: Format) -> Vault {
        Vault {
            name,
            format,
            entries: self.entries,
            skipped: self.skipped,
            warnings: self.warnings,
            personal: self.personal,
        }
    }
}

/// KeePass field references (`{REF:P@I:...}`) point at another entry's password; counting
/// them would double every reuse group.
fn is_reference(password: &str) -> bool {
    // No uppercase copy: that would leave an unwiped duplicate of every password in memory.
    password
        .trim_start()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("{REF:"))
}

/// How much of an input is read before deciding it is binary junk rather than a vault, and
/// what format detection sees before a CSV export is streamed.
const SNIFF_BYTES: u64 = 64 << 10;

/// Reads the raw bytes of an input with the default [`Limits`]. The buffer is wiped on drop.
pub fn load(input: &Input) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    load_limited(input, &Limits::default())
}

/// Reads the raw bytes of an input, at most `limits.max_input_bytes` of them: a regular file
/// over the cap is refused by its size, before reading; binary content that no reader takes
/// (e.g. `/dev/zero`) is refused after its first 64 KiB; a stream (stdin, a device) is
/// refused once it passes the cap. The buffer is wiped on drop.
pub fn load_limited(input: &Input, limits: &Limits) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    open_limited(input, limits)?.read_whole()
}

/// An input opened for reading: its first bytes (for detection), and the rest as a stream
/// that fails once the whole input passes the cap.
struct Opened {
    name: String,
    head: Zeroizing<Vec<u8>>,
    /// Whether `head` is the whole input (the stream ended before the sniff size).
    head_is_whole: bool,
    rest: Capped<Box<dyn std::io::Read>>,
}

impl Opened {
    /// The whole input in one buffer, wiped on drop.
    fn read_whole(mut self) -> Result<Zeroizing<Vec<u8>>, ReadError> {
        use std::io::Read;
        let mut buf = std::mem::take(&mut self.head);
        if !self.head_is_whole {
            self.rest.read_to_end(&mut buf).map_err(|cause| {
                match InputTooLarge::message_of(&cause) {
                    Some(message) => ReadError::Format {
                        name: self.name.clone(),
                        cause: FormatError::Invalid(message),
                    },
                    None => ReadError::Io {
                        name: self.name.clone(),
                        cause,
                    },
                }
            })?;
        }
        Ok(buf)
    }
}

/// Opens an input within `limits`: refuses a directory, a regular file over the cap (by its
/// size) and binary junk (from its first 64 KiB); reads those first bytes.
fn open_limited(input: &Input, limits: &Limits) -> Result<Opened, ReadError> {
    use std::io::Read;
    let name = input.display_name();
    let io_error = |cause| ReadError::Io {
        name: name.clone(),
        cause,
    };
    let too_large = |what: &str| InputTooLarge::message(what, limits);
    let mut source: Box<dyn Read> = match input {
        Input::Stdin => Box::new(std::io::stdin().lock()),
        Input::Path(path) => {
            if path.is_dir() {
                return Err(io_error(std::io::Error::other(
                    "is a directory, not a vault file",
                )));
            }
            let file = std::fs::File::open(path).map_err(io_error)?;
            let meta = file.metadata().map_err(io_error)?;
            if meta.is_file() && meta.len() > limits.max_input_bytes {
                return Err(ReadError::Format {
                    name: name.clone(),
                    cause: FormatError::Invalid(too_large(&format!(
                        "the file is {} MiB",
                        meta.len() >> 20
                    ))),
                });
            }
            Box::new(file)
        }
    };
    let sniff = SNIFF_BYTES.min(limits.max_input_bytes);
    let mut head = Zeroizing::new(Vec::new());
    (&mut source)
        .take(sniff)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    if detect::is_binary_non_vault(&head) {
        return Err(ReadError::Format {
            name,
            cause: FormatError::Unknown,
        });
    }
    let head_is_whole = (head.len() as u64) < sniff;
    let rest = Capped {
        inner: source,
        left: limits.max_input_bytes.saturating_sub(head.len() as u64),
        too_large: too_large("the input is larger"),
    };
    Ok(Opened {
        name,
        head,
        head_is_whole,
        rest,
    })
}

/// The error a [`Capped`] stream fails with once the input passes `--max-input-size`.
#[derive(Debug)]
struct InputTooLarge(String);

impl std::fmt::Display for InputTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputTooLarge {}

impl InputTooLarge {
    fn message(what: &str, limits: &Limits) -> String {
        format!(
            "{what}, more than the {} MiB read from one input (--max-input-size MIB raises it)",
            limits.max_input_bytes >> 20
        )
    }

    /// The one-line message, when `error` is this one.
    fn message_of(error: &std::io::Error) -> Option<String> {
        error
            .get_ref()
            .and_then(|e| e.downcast_ref::<InputTooLarge>())
            .map(|e| e.0.clone())
    }
}

/// A stream that reads at most `left` more bytes and fails with [`InputTooLarge`] when there
/// is more, so a reader that streams stops at the cap as the whole-input path does.
struct Capped<R> {
    inner: R,
    left: u64,
    too_large: String,
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the cap: one more byte means the input is over it.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(InputTooLarge(self.too_large.clone()))),
            };
        }
        let most = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..most])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads one input as the `source`-th vault of the run, with the default [`Limits`].
pub fn read(
    input: &Input,
    source: usize,
    options: &mut ReadOptions<'_>,
) -> Result<Vault, ReadError> {
    read_limited(input, source, options, &Limits::default())
}

/// Reads one input as the `source`-th vault of the run, within `limits`.
///
/// A CSV export is streamed: its format is detected from the first 64 KiB (the header
/// record must end there), then rows are read and mapped as they arrive, so the input is
/// never whole in memory. Every other format is read whole first (within the cap): a KDBX
/// or KeePass 1 database, a password-protected Bitwarden export and a zip are authenticated
/// or indexed from their end before any entry can be read, an XML export goes through the
/// one KeePass reader, and a JSON export is recognised only from its top-level keys, which
/// may come anywhere in the document (see `json`).
pub fn read_limited(
    input: &Input,
    source: usize,
    options: &mut ReadOptions<'_>,
    limits: &Limits,
) -> Result<Vault, ReadError> {
    let opened = open_limited(input, limits)?;
    if let Some(format) = streamed_csv_format(&opened, options.format) {
        return read_csv_stream(opened, format, source, options);
    }
    let bytes = opened.read_whole()?;
    let name = input.display_name();
    read_bytes_limited(&name, &bytes, source, options, limits)
        .map_err(|cause| ReadError::Format { name, cause })
}

/// The CSV format of an opened input when it can be streamed: forced by `--format` or
/// detected from a first chunk that holds the whole header record. Zips go the whole way.
fn streamed_csv_format(opened: &Opened, forced: Option<Format>) -> Option<Format> {
    if opened.head.is_empty() || zip::is_zip(&opened.head) {
        return None;
    }
    let format = match forced {
        Some(format) => format,
        None => detect::csv_format_of_prefix(&opened.head, opened.head_is_whole)?,
    };
    matches!(reader_of(format), Reader::Csv).then_some(format)
}

fn read_csv_stream(
    opened: Opened,
    format: Format,
    source: usize,
    options: &ReadOptions<'_>,
) -> Result<Vault, ReadError> {
    use std::io::Read;
    let Opened {
        name, head, rest, ..
    } = opened;
    let mut builder = VaultBuilder::new(source, options.include_recycled);
    let stream = detect::strip_bom(&head).chain(rest);
    match csv::read_from(stream, format, &mut builder) {
        Ok(()) => Ok(builder.finish(name, format)),
        Err(cause) => Err(ReadError::Format { name, cause }),
    }
}

/// Reads a vault from bytes already in memory, with the default [`Limits`].
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    source: usize,
    options: &mut ReadOptions<'_>,
) -> Result<Vault, FormatError> {
    read_bytes_limited(name, bytes, source, options, &Limits::default())
}

/// Reads a vault from bytes already in memory, within `limits`.
pub fn read_bytes_limited(
    name: &str,
    bytes: &[u8],
    source: usize,
    options: &mut ReadOptions<'_>,
    limits: &Limits,
) -> Result<Vault, FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::Invalid("empty file".to_owned()));
    }
    let format = match options.format {
        Some(f) => f,
        None => detect::detect(bytes)?,
    };
    let mut builder = VaultBuilder::new(source, options.include_recycled);
    match (reader_of(format), zip::is_zip(bytes)) {
        (Reader::Keepass, _) => keepass::read(name, bytes, options, limits, &mut builder)?,
        (Reader::KeepassXml, _) => keepass::read_xml(bytes, &mut builder)?,
        (Reader::Json | Reader::Csv, true) => zip::read(bytes, format, &mut builder)?,
        (Reader::Json, false) => json::read(name, bytes, format, options, &mut builder)?,
        (Reader::Csv, false) => csv::read(bytes, format, &mut builder)?,
    }
    Ok(builder.finish(name.to_owned(), format))
}

/// Which reader family handles a format (any non-KeePass export may also come zipped).
enum Reader {
    Keepass,
    KeepassXml,
    Json,
    Csv,
}

/// Exhaustive on purpose: a new [`Format`] does not compile until it has a reader.
fn reader_of(format: Format) -> Reader {
    match format {
        Format::Kdbx | Format::Kdb => Reader::Keepass,
        Format::KeepassXml => Reader::KeepassXml,
        Format::BitwardenJson
        | Format::ProtonJson
        | Format::EnpassJson
        | Format::Onepassword1pux => Reader::Json,
        Format::KeepassxcCsv
        | Format::Keepass1Csv
        | Format::BitwardenCsv
        | Format::OnepasswordCsv
        | Format::LastpassCsv
        | Format::ChromeCsv
        | Format::FirefoxCsv
        | Format::AppleCsv
        | Format::DashlaneCsv
        | Format::ProtonCsv
        | Format::NordpassCsv => Reader::Csv,
    }
}
