//! Helpers shared by the fuzz targets: one call into the public reader API and the
//! invariants every reader must keep on any input.
#![allow(dead_code)]

use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::{FormatError, ReadOptions, Vault, read_bytes};

/// `credaudit::vault::read_bytes` with the given format and (optional) password.
pub fn read(
    data: &[u8],
    format: Option<Format>,
    password: Option<&str>,
) -> Result<Vault, FormatError> {
    let mut ask =
        |_: &str| -> Result<Option<Secret>, FormatError> { Ok(password.map(Secret::from)) };
    let mut options = ReadOptions {
        format,
        key_file: None,
        password: &mut ask,
        include_recycled: false,
    };
    read_bytes("fuzz-input", data, 0, &mut options)
}

/// Reads and checks the invariants: no panic (libFuzzer catches those), a one-line error
/// message, and no entry without a password (the builder skips those).
pub fn read_and_check(data: &[u8], format: Option<Format>, password: Option<&str>) {
    match read(data, format, password) {
        Ok(vault) => {
            for entry in &vault.entries {
                assert!(!entry.password.is_empty(), "entry kept without a password");
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty(), "empty error message");
            assert!(!msg.contains('\n'), "multi-line error message: {msg:?}");
        }
    }
}

/// Splits the selector byte off: `(choices[data[0] % len], rest)`.
pub fn select<'a, T: Copy>(data: &'a [u8], choices: &[T]) -> Option<(T, &'a [u8])> {
    let (&first, rest) = data.split_first()?;
    let choice = *choices.get(usize::from(first) % choices.len())?;
    Some((choice, rest))
}
