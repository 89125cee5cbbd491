//! Zip containers: 1Password 1PUX, Dashlane's CSV zip, Proton Pass's JSON zip.

use super::{FormatError, VaultBuilder};
use crate::model::Format;

/// True when `bytes` start with a zip local-file header.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads the vault inside a zip export.
pub fn read(bytes: &[u8], format: Format, builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let _ = (bytes, builder);
    Err(FormatError::Unsupported(format!(
        "{format} (zip) is not readable yet"
    )))
}
