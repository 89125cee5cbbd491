#![no_main]
//! The KeePass 2 XML export reader (forced format, so every input reaches the XML parser).
use credaudit::model::Format;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::read_and_check(data, Some(Format::KeepassXml), None);
});
