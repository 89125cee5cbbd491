#![no_main]
//! The one KeePass XML reader on the KDBX path: plaintext inner XML as a decrypted payload
//! holds it, `Protected="True"` values through a fixed-key ChaCha20 inner stream, the KDBX 3
//! header hash checked. Invariant: no panic, a one-line error.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = credaudit::vault::keepass::fuzzing::inner_xml(data) {
        let msg = e.to_string();
        assert!(!msg.is_empty() && !msg.contains('\n'), "error message: {msg:?}");
    }
});
