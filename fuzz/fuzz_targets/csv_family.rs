#![no_main]
//! The CSV readers: the first byte picks the format (0 = auto-detect), the rest is the file.
use credaudit::model::Format;
use libfuzzer_sys::fuzz_target;

mod common;

const FORMATS: [Option<Format>; 12] = [
    None,
    Some(Format::KeepassxcCsv),
    Some(Format::Keepass1Csv),
    Some(Format::BitwardenCsv),
    Some(Format::OnepasswordCsv),
    Some(Format::LastpassCsv),
    Some(Format::ChromeCsv),
    Some(Format::FirefoxCsv),
    Some(Format::AppleCsv),
    Some(Format::DashlaneCsv),
    Some(Format::ProtonCsv),
    Some(Format::NordpassCsv),
];

fuzz_target!(|data: &[u8]| {
    if let Some((format, rest)) = common::select(data, &FORMATS) {
        // No password: auto-detection may route to a KeePass database, whose KDF must not run.
        common::read_and_check(rest, format, None);
    }
});
