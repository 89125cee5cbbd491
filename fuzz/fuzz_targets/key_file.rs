#![no_main]
//! The key-file parser: XML v1/v2, 32-byte, 64-hex and hashed forms. Invariants: no panic, a
//! one-line error, and an accepted file always yields a non-empty key element.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match credaudit::vault::keepass::fuzzing::key_file(data) {
        Ok(len) => assert!(len > 0, "empty key element"),
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty() && !msg.contains('\n'), "error message: {msg:?}");
        }
    }
});
