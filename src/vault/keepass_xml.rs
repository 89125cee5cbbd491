//! KeePass 2 / KeePassXC XML export (ISO and base64 timestamps).

use super::{FormatError, VaultBuilder};

/// Reads a KeePass XML export into `builder`.
pub fn read(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let _ = (bytes, builder);
    Err(FormatError::Unsupported(
        "keepass-xml is not readable yet".to_owned(),
    ))
}
