//! The JSON family: Bitwarden (unencrypted and password-protected), Proton Pass, Enpass,
//! and 1Password's `export.data` (the JSON inside a 1PUX zip).
//!
//! Every reader deserializes into lenient structs (see `lenient`): unknown keys are ignored,
//! any scalar may be `null`, missing or of an unexpected type. Parse errors are reported with
//! their line and column only, never with the offending text (it could be a password).
//!
//! **Not streamed** (unlike the CSV readers), on purpose: a JSON export is recognised only
//! from its top-level keys, which may come in any order and anywhere in the document (a
//! Bitwarden `encrypted` flag after a megabyte of `items`), so detection has to see the whole
//! input, and stdin cannot be read twice. A password-protected Bitwarden export is one
//! encrypted string that must be whole before it can be decrypted, and the 1PUX and Proton
//! zips are indexed from their end. The readers already deserialize into typed lenient
//! structs (no `serde_json::Value` tree), so the whole input costs one buffer, bounded by
//! `--max-input-size` and wiped on drop, next to the items it becomes.

use super::{FormatError, ReadOptions, VaultBuilder};
use crate::model::{Format, PastPassword, Timestamp};
use crate::secret::Secret;

mod bitwarden;
mod enpass;
mod lenient;
pub(crate) mod onepassword;
mod proton;

/// Reads a JSON export of `format` into `builder`.
///
/// Only a password-protected Bitwarden export asks `options.password` for its file password.
pub fn read(
    name: &str,
    bytes: &[u8],
    format: Format,
    options: &mut ReadOptions<'_>,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    match format {
        Format::BitwardenJson => bitwarden::read(name, strip_bom(bytes), options, builder),
        _ => read_plain(bytes, format, builder),
    }
}

/// Reads a JSON export that needs no password (Proton Pass, Enpass, 1Password `export.data`,
/// unencrypted Bitwarden). Used for JSON found inside a zip.
pub fn read_plain(
    bytes: &[u8],
    format: Format,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let bytes = strip_bom(bytes);
    match format {
        Format::BitwardenJson => bitwarden::read_plain(bytes, builder),
        Format::ProtonJson => proton::read(bytes, builder),
        Format::EnpassJson => enpass::read(bytes, builder),
        Format::Onepassword1pux => onepassword::read(bytes, builder),
        other => Err(FormatError::Unsupported(format!(
            "{other} is not a JSON export format"
        ))),
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Deserializes `bytes`, turning a failure into a one-line message that names the format and
/// the position but quotes nothing from the input.
pub(crate) fn parse<'de, T: serde::Deserialize<'de>>(
    bytes: &'de [u8],
    what: &str,
) -> Result<T, FormatError> {
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        let kind = match e.classify() {
            Category::Eof => "truncated JSON (unexpected end of input)",
            Category::Syntax => "malformed JSON",
            Category::Data => "unexpected JSON structure",
            Category::Io => "unreadable JSON",
        };
        FormatError::Invalid(format!(
            "{what}: {kind} at line {} column {}",
            e.line(),
            e.column()
        ))
    })
}

/// Turns `(password, retired)` pairs into a history, newest first: empty values and copies of
/// the current password are dropped.
pub(crate) fn history(
    current: &str,
    items: impl IntoIterator<Item = (String, Option<Timestamp>)>,
) -> Vec<PastPassword> {
    let mut out: Vec<PastPassword> = items
        .into_iter()
        .filter(|(p, _)| !p.is_empty() && p != current)
        .map(|(p, retired)| PastPassword {
            password: Secret::new(p),
            retired,
        })
        .collect();
    // Newest first; unknown times last, file order kept among equals.
    out.sort_by(|a, b| match (a.retired, b.retired) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

/// Keeps entry ids unique within a source: a repeated id gets `#2`, `#3`, ... appended
/// (exports with duplicated ids exist in the wild). An empty id stays empty (the builder
/// numbers it).
#[derive(Default)]
pub(crate) struct UniqueIds(std::collections::HashMap<String, usize>);

impl UniqueIds {
    pub(crate) fn id(&mut self, raw: &str) -> crate::model::EntryId {
        if raw.is_empty() {
            return crate::model::EntryId(String::new());
        }
        let seen = self.0.entry(raw.to_owned()).or_insert(0);
        *seen += 1;
        crate::model::EntryId(if *seen == 1 {
            raw.to_owned()
        } else {
            format!("{raw}#{seen}")
        })
    }
}

/// Splits a folder name written as `a/b/c` into a group path, dropping empty parts.
pub(crate) fn folder_path(name: &str) -> Vec<String> {
    name.split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
