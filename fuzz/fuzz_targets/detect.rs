#![no_main]
//! Format detection on arbitrary bytes: never panics, never quotes the input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = credaudit::vault::detect::detect(data) {
        let msg = e.to_string();
        assert!(!msg.contains('\n'), "multi-line error message: {msg:?}");
    }
});
