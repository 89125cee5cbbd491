#![no_main]
//! The HIBP range-response parser: never panics; what parses serializes and parses back to
//! the same rows.
use credaudit::breach::range::RangeBody;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = RangeBody::parse(data) {
        let text = body.to_text();
        if body.is_empty() {
            return;
        }
        let again = RangeBody::parse(text.as_bytes());
        assert_eq!(again.as_ref(), Ok(&body), "to_text does not round-trip");
    }
});
