//! The JSON family: Bitwarden (unencrypted and password-protected), Proton Pass, Enpass,
//! and 1Password's `export.data`.

use super::{FormatError, ReadOptions, VaultBuilder};
use crate::model::Format;

/// Reads a JSON export of `format` into `builder`.
pub fn read(
    name: &str,
    bytes: &[u8],
    format: Format,
    options: &mut ReadOptions<'_>,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let _ = (name, bytes, options, builder);
    Err(FormatError::Unsupported(format!(
        "{format} is not readable yet"
    )))
}
