//! Fuzz target: arbitrary bytes → validate → (if valid) decode, lookups and
//! message checks. Any panic, or validate/decode disagreeing, is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasmite::lite3::{decode_to_json, validate, validate_message, write_value_json, Doc, Value};

fn walk(v: Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter() {
                assert_eq!(o.get(k), Some(x), "lookup differs from iteration");
                walk(x, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_eq!(a.get(i), Some(x));
                walk(x, out);
            }
        }
        other => write_value_json(&other, out),
    }
}

fuzz_target!(|data: &[u8]| {
    let valid = validate(data).is_ok();
    let decoded = decode_to_json(data);
    assert_eq!(valid, decoded.is_ok(), "validate and decode disagree");
    if let Ok(text) = decoded {
        let doc = Doc::new(data).expect("valid buffer gives a Doc");
        let mut t2 = Vec::new();
        write_value_json(&doc.root(), &mut t2);
        assert_eq!(text, t2);
        // The JSON output re-encodes (unless it hits the C-compatible
        // cross-width hash collision of docs/lite3.md §9.6) and decodes again.
        match plasmite::lite3::encode_json(&text) {
            Ok(again) => {
                decode_to_json(&again).expect("re-encoded output decodes");
            }
            Err(e) => assert!(e.message.contains("key-tag widths"), "{e}"),
        }
        let mut scratch = Vec::new();
        walk(doc.root(), &mut scratch);
        if let Ok(parts) = validate_message(data) {
            let mut d = Vec::new();
            plasmite::lite3::message_data_json(data, &mut d).expect("message data");
            let mut d2 = Vec::new();
            write_value_json(&parts.data, &mut d2);
            assert_eq!(d, d2);
        }
    } else {
        assert!(Doc::new(data).is_err());
        assert!(validate_message(data).is_err());
    }
    // The JSON reader must never panic either.
    let _ = plasmite::lite3::encode_json(data);
});
