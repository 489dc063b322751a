//! Property tests: random JSON documents round-trip through encode → validate →
//! decode; random corruptions of valid buffers are either rejected or fully
//! decodable; the validator and decoder never panic.

use plasmite::lite3::{
    decode_to_json, encode_json, encode_message, validate, validate_message, write_value_json, Doc, Value,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A generated JSON document, keeping member order and duplicates as written.
#[derive(Debug, Clone)]
enum J {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn string_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{0,6}",
        2 => any::<String>(),
        1 => "\\PC{0,20}",
        1 => "[\"\\\\/\u{0}-\u{1f}\u{7f}\u{2028}\u{e9}\u{1F600}]{0,8}",
        1 => (88usize..93).prop_map(|n| "z".repeat(n)),
    ]
}

fn key_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-c]{1,2}",
        2 => "k[0-9]{1,2}",
        1 => Just("ar".to_string()),
        1 => Just("bQ".to_string()),
        1 => Just("c0".to_string()),
        1 => Just("as".to_string()),
        1 => string_strategy(),
        1 => (60usize..70).prop_map(|n| "K".repeat(n)),
    ]
}

fn float_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        (-1000i32..1000).prop_map(|i| f64::from(i) / 8.0),
        Just(-0.0),
        Just(1e21),
        Just(1e-7),
        Just(5e-324),
    ]
}

fn json_strategy() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::Int),
        (-5i64..5).prop_map(J::Int),
        float_strategy().prop_map(J::Float),
        string_strategy().prop_map(J::Str),
    ];
    leaf.prop_recursive(5, 300, 24, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..24).prop_map(J::Arr),
            prop::collection::vec((key_strategy(), inner), 0..24).prop_map(J::Obj),
        ]
    })
}

fn root_strategy() -> impl Strategy<Value = J> {
    json_strategy().prop_map(|j| match j {
        J::Arr(_) | J::Obj(_) => j,
        other => J::Arr(vec![other]),
    })
}

/// JSON string literal; `all` escapes every non-ASCII char as `\uXXXX` (pairs for astral).
fn write_json_str(s: &str, all: bool, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if all && !c.is_ascii() => {
                let mut b = [0u16; 2];
                for u in c.encode_utf16(&mut b) {
                    out.push_str(&format!("\\u{:04X}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(j: &J, all: bool, out: &mut String) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(i) => out.push_str(&i.to_string()),
        J::Float(f) => out.push_str(&format!("{f:?}")),
        J::Str(s) => write_json_str(s, all, out),
        J::Arr(v) => {
            out.push('[');
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, all, out);
            }
            out.push(']');
        }
        J::Obj(m) => {
            out.push_str("{ ");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(" ,\n");
                }
                write_json_str(k, all, out);
                out.push(':');
                write_json(x, all, out);
            }
            out.push('}');
        }
    }
}

/// What the document means after Lite3: NUL-cut keys, last duplicate wins.
#[derive(Debug, Clone, PartialEq)]
enum M {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
    Arr(Vec<M>),
    Obj(BTreeMap<String, M>),
}

fn model(j: &J) -> M {
    match j {
        J::Null => M::Null,
        J::Bool(b) => M::Bool(*b),
        J::Int(i) => M::Int(*i),
        J::Float(f) => M::Float(f.to_bits()),
        J::Str(s) => M::Str(s.clone()),
        J::Arr(v) => M::Arr(v.iter().map(model).collect()),
        J::Obj(m) => {
            let mut o = BTreeMap::new();
            for (k, x) in m {
                let k = k.split('\0').next().unwrap_or("").to_string();
                o.insert(k, model(x));
            }
            M::Obj(o)
        }
    }
}

fn from_lite3(v: Value) -> M {
    match v {
        Value::Null => M::Null,
        Value::Bool(b) => M::Bool(b),
        Value::I64(i) => M::Int(i),
        Value::F64(f) => M::Float(f.to_bits()),
        Value::Str(s) => M::Str(s.to_string()),
        Value::Bytes(_) => panic!("bytes never come from JSON"),
        Value::Array(a) => M::Arr(a.iter().map(from_lite3).collect()),
        Value::Object(o) => {
            let mut m = BTreeMap::new();
            for (k, x) in o.iter() {
                assert_eq!(o.get(k), Some(x), "lookup of {k:?} differs from iteration");
                assert!(m.insert(k.to_string(), from_lite3(x)).is_none(), "duplicate key");
            }
            assert_eq!(m.len(), o.len());
            M::Obj(m)
        }
    }
}

/// serde_json comparison with numeric tolerance (serde_json's default float
/// parser is not always correctly rounded): a few units in the last place,
/// which a relative bound cannot say for subnormals (-8.4e-310 has 16 fewer
/// bits of precision than a normal double).
fn approx_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as S;
    match (a, b) {
        (S::Number(x), S::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                x == y
                    || (x.is_sign_negative() == y.is_sign_negative()
                        && x.to_bits().abs_diff(y.to_bits()) <= 4)
            } else {
                x == y
            }
        }
        (S::Array(x), S::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| approx_eq(p, q)),
        (S::Object(x), S::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| approx_eq(v, w)))
        }
        _ => a == b,
    }
}

fn to_serde(m: &M) -> serde_json::Value {
    use serde_json::Value as S;
    match m {
        M::Null => S::Null,
        M::Bool(b) => S::Bool(*b),
        M::Int(i) => S::from(*i),
        M::Float(f) => S::from(f64::from_bits(*f)),
        M::Str(s) => S::String(s.clone()),
        M::Arr(v) => S::Array(v.iter().map(to_serde).collect()),
        M::Obj(o) => S::Object(o.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect()),
    }
}

/// Everything a consumer may do with a buffer that validated.
fn exercise_valid(buf: &[u8]) {
    let text = decode_to_json(buf).expect("validated buffer must decode");
    let doc = Doc::new(buf).expect("validated buffer must give a Doc");
    let mut t2 = Vec::new();
    write_value_json(&doc.root(), &mut t2);
    assert_eq!(text, t2);
    let _ = validate_message(buf);
    walk_all(doc.root());
}

fn walk_all(v: Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter() {
                let _ = o.get(k);
                walk_all(x);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let _ = a.get(i);
                walk_all(x);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn roundtrip(doc in root_strategy(), escape_all in any::<bool>()) {
        let mut text = String::new();
        write_json(&doc, escape_all, &mut text);
        let buf = match encode_json(text.as_bytes()) {
            Ok(b) => b,
            // The only valid JSON C (and we) reject: same-hash keys of different tag widths.
            Err(e) if e.message.contains("key-tag widths") => return Ok(()),
            Err(e) => panic!("encode failed: {e}\n{text}"),
        };
        validate(&buf).unwrap();
        let want = model(&doc);
        let got = from_lite3(Doc::new(&buf).unwrap().root());
        prop_assert_eq!(&got, &want);

        let out = decode_to_json(&buf).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        prop_assert!(approx_eq(&parsed, &to_serde(&want)), "serde mismatch: {}", String::from_utf8_lossy(&out));

        // The output text re-encodes to the same meaning (exact float spelling check)
        // and decoding is a fixed point.
        let buf2 = encode_json(&out).unwrap();
        prop_assert_eq!(from_lite3(Doc::new(&buf2).unwrap().root()), want);
        prop_assert_eq!(decode_to_json(&buf2).unwrap(), out);
    }

    #[test]
    fn mutated_buffers_never_panic(
        doc in root_strategy(),
        muts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut text = String::new();
        write_json(&doc, false, &mut text);
        let Ok(mut buf) = encode_json(text.as_bytes()) else { return Ok(()) };
        for (i, b) in muts {
            let i = i.index(buf.len());
            buf[i] = b;
        }
        if let Some(c) = cut {
            let c = c.index(buf.len() + 1);
            buf.truncate(c);
        }
        let v = validate(&buf);
        let d = decode_to_json(&buf);
        prop_assert_eq!(v.is_ok(), d.is_ok(), "validate and decode disagree: {:?}", v);
        if v.is_ok() {
            exercise_valid(&buf);
        } else {
            prop_assert!(Doc::new(&buf).is_err());
            prop_assert!(validate_message(&buf).is_err());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in prop::collection::vec(any::<u8>(), 0..400), ty in 6u8..8) {
        if let Some(b) = bytes.first_mut() { *b = ty; }
        if validate(&bytes).is_ok() {
            exercise_valid(&bytes);
        } else {
            prop_assert!(decode_to_json(&bytes).is_err());
        }
    }

    #[test]
    fn encode_message_matches_encode_json(
        tags in prop::collection::vec(string_strategy(), 0..10),
        members in prop::collection::vec((key_strategy(), json_strategy()), 0..12),
    ) {
        let data = J::Obj(members);
        let mut data_text = String::new();
        write_json(&data, false, &mut data_text);
        let mut full = String::from("{\"meta\":{\"tags\":[");
        for (i, t) in tags.iter().enumerate() {
            if i > 0 { full.push(','); }
            write_json_str(t, false, &mut full);
        }
        full.push_str("]},\"data\":");
        full.push_str(&data_text);
        full.push('}');
        let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        let a = encode_message(&tag_refs, data_text.as_bytes());
        let b = encode_json(full.as_bytes());
        match (a, b) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a, &b);
                let parts = validate_message(&a).unwrap();
                prop_assert_eq!(parts.tags, tag_refs);
                prop_assert_eq!(from_lite3(parts.data), model(&data));
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.kind, b.kind),
            (a, b) => panic!("disagree: {a:?} vs {b:?}"),
        }
    }
}
