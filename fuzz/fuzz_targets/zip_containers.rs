#![no_main]
//! Zip exports (1PUX, Dashlane CSV zip, Proton Pass JSON zip): first byte picks the format
//! (0 = auto-detect), the rest is the archive.
use credaudit::model::Format;
use libfuzzer_sys::fuzz_target;

mod common;

const FORMATS: [Option<Format>; 4] = [
    None,
    Some(Format::Onepassword1pux),
    Some(Format::DashlaneCsv),
    Some(Format::ProtonJson),
];

fuzz_target!(|data: &[u8]| {
    if let Some((format, rest)) = common::select(data, &FORMATS) {
        common::read_and_check(rest, format, None);
    }
});
