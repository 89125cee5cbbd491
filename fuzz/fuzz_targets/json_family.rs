#![no_main]
//! The JSON readers (Bitwarden, Proton Pass data.json, Enpass, 1PUX export.data): the first
//! byte picks the format (0 = auto-detect), the rest is the file.
//!
//! Password-protected Bitwarden exports are decrypted with the password "a", but only when
//! the export's KDF parameters are tiny (the reader accepts up to 5,000,000 PBKDF2 iterations
//! or 1 GiB of Argon2 memory, which would make each run take seconds): otherwise no password
//! is given and the reader stops at "needs a password". Inputs that are not strict JSON get no
//! password either, so the lenient reader can never see parameters this check did not.
use credaudit::model::Format;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod common;

const FORMATS: [Option<Format>; 5] = [
    None,
    Some(Format::BitwardenJson),
    Some(Format::ProtonJson),
    Some(Format::EnpassJson),
    Some(Format::Onepassword1pux),
];

/// Largest value accepted for each KDF field before the harness withholds the password.
const CAPS: [(&str, f64); 4] = [
    ("kdfIterations", 1000.0),
    ("kdfMemory", 1.0),
    ("kdfParallelism", 1.0),
    ("kdfType", 1.0),
];

fn value_small(value: &Value, cap: f64) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => true,
        Value::Number(n) => n.as_f64().is_some_and(|v| v <= cap),
        // The lenient reader may read numbers from strings.
        Value::String(s) => s.trim().parse::<f64>().map_or(true, |v| v <= cap),
    }
}

fn kdf_is_cheap(data: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(data) else {
        return false;
    };
    let fields = |key: &'static str| {
        map.iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    // Argon2id (kdfType 1) with even a thousand passes is slow: allow 2.
    let pbkdf2_only = fields("kdfType").all(|v| value_small(v, 0.0));
    let iteration_cap = if pbkdf2_only { 1000.0 } else { 2.0 };
    CAPS.iter().all(|(key, cap)| {
        let cap = if *key == "kdfIterations" {
            iteration_cap
        } else {
            *cap
        };
        fields(key).all(|v| value_small(v, cap))
    })
}

fuzz_target!(|data: &[u8]| {
    if let Some((format, rest)) = common::select(data, &FORMATS) {
        let password = kdf_is_cheap(rest).then_some("a");
        common::read_and_check(rest, format, password);
    }
});
