//! Export containers and report views the reader and report tests share.
#![allow(dead_code)]

use std::io::Write;

/// A zip holding `members` (name, bytes), deflated, as the zip-based exports are.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).expect("zip member");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A 1Password 1PUX export whose `export.data` is `data`.
pub fn onepux_of(data: &str) -> Vec<u8> {
    let attributes =
        br#"{"version":3,"description":"1Password Unencrypted Export","timestamp":1700000000}"#;
    zip_of(&[
        ("export.attributes", attributes.as_slice()),
        ("export.data", data.as_bytes()),
    ])
}

/// `bytes` read as `format` through the library, `password` offered when one is asked for;
/// panics (naming the format) when the reader refuses.
pub fn read_export(
    bytes: &[u8],
    format: credaudit::model::Format,
    password: Option<&str>,
) -> credaudit::vault::Vault {
    use credaudit::secret::Secret;
    use credaudit::vault::{FormatError, ReadOptions, read_bytes};
    let mut prompt =
        |_: &str| -> Result<Option<Secret>, FormatError> { Ok(password.map(Secret::from)) };
    let mut options = ReadOptions {
        format: Some(format),
        key_file: None,
        password: &mut prompt,
        include_recycled: false,
    };
    read_bytes("test-export", bytes, 0, &mut options).unwrap_or_else(|e| panic!("{format}: {e}"))
}

/// The `id` of every account of a JSON report, in rank order.
pub fn account_ids(report: &serde_json::Value) -> Vec<&str> {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect()
}
