//! The CSV family: KeePassXC, KeePass 1.x, Bitwarden, 1Password 8, LastPass, Chrome, Firefox,
//! Apple, Dashlane, Proton Pass and NordPass exports.

use super::{FormatError, VaultBuilder};
use crate::model::Format;

/// Reads a CSV export of `format` into `builder`.
pub fn read(bytes: &[u8], format: Format, builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let _ = (bytes, format, builder);
    Err(FormatError::Unsupported(format!(
        "{format} is not readable yet"
    )))
}
