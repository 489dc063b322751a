//! Data-driven tests over the golden files in `tests/data/lite3/` (described in `docs/lite3.md`): every vector must
//! round-trip byte for byte, every invalid buffer must be rejected.

use plasmite::lite3::{
    decode_to_json, encode_json, encode_message, message_data_json, validate, validate_message,
    write_value_json, Doc, ErrorKind, Value,
};

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/lite3/vectors.jsonl"
));
const INVALID: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/lite3/invalid.jsonl"
));

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn field<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("missing field {k}"))
}

/// Checks every property of one vector; returns a description of each failure.
fn check_vector(v: &serde_json::Value) -> Vec<String> {
    let mut fails = Vec::new();
    let json = field(v, "json");
    let want = unhex(field(v, "lite3_hex"));
    let json_out = field(v, "json_out");
    assert_eq!(want.len() as u64, v["len"].as_u64().unwrap());

    match encode_json(json.as_bytes()) {
        Ok(got) if got == want => {}
        Ok(got) => {
            let at = got.iter().zip(&want).position(|(a, b)| a != b);
            fails.push(format!(
                "encode differs (len {} vs {}, first diff at {:?})",
                got.len(),
                want.len(),
                at
            ));
        }
        Err(e) => fails.push(format!("encode failed: {e}")),
    }
    if let Err(e) = validate(&want) {
        fails.push(format!("validate rejected: {e}"));
    }
    match decode_to_json(&want) {
        Ok(t) if t == json_out.as_bytes() => {}
        Ok(t) => fails.push(format!("decode differs: {}", String::from_utf8_lossy(&t))),
        Err(e) => fails.push(format!("decode failed: {e}")),
    }
    // Appending variant keeps the prefix.
    let mut out = b"prefix".to_vec();
    if plasmite::lite3::decode_to_json_into(&want, &mut out).is_err()
        || !out.starts_with(b"prefix")
        || &out[6..] != json_out.as_bytes()
    {
        fails.push("decode_to_json_into mismatch".into());
    }
    let mut enc = b"xyz".to_vec();
    if plasmite::lite3::encode_json_into(json.as_bytes(), &mut enc).is_err() || enc[3..] != want[..] {
        fails.push("encode_json_into mismatch".into());
    }
    // Re-encoding the output text is accepted and means the same thing.
    match encode_json(json_out.as_bytes()).and_then(|b| decode_to_json(&b)) {
        Ok(t) => {
            let a: serde_json::Value = serde_json::from_slice(&t).unwrap();
            let b: serde_json::Value = serde_json::from_str(json_out).unwrap();
            if a != b {
                fails.push("re-encoded json_out decodes differently".into());
            }
        }
        Err(e) => fails.push(format!("re-encoding json_out failed: {e}")),
    }
    // Lookup API agrees with the full decode.
    match Doc::new(&want) {
        Ok(doc) => {
            let mut t = Vec::new();
            write_value_json(&doc.root(), &mut t);
            if t != json_out.as_bytes() {
                fails.push("write_value_json(root) differs".into());
            }
            if let Some(msg) = check_lookups(doc.root()) {
                fails.push(msg);
            }
        }
        Err(e) => fails.push(format!("Doc::new failed: {e}")),
    }
    if field(v, "name").starts_with("msg_") {
        fails.extend(check_message(json, &want));
    }
    fails
}

/// Every member found by iteration is found by lookup, recursively.
fn check_lookups(v: Value) -> Option<String> {
    match v {
        Value::Object(o) => {
            let mut n = 0;
            for (k, val) in o.iter() {
                n += 1;
                if o.get(k) != Some(val) {
                    return Some(format!("lookup of key {k:?} differs from iteration"));
                }
                if let Some(m) = check_lookups(val) {
                    return Some(m);
                }
            }
            (n != o.len()).then(|| "object iteration count differs from len".to_string())
        }
        Value::Array(a) => {
            let mut n = 0;
            for (i, val) in a.iter().enumerate() {
                n += 1;
                if a.get(i) != Some(val) {
                    return Some(format!("lookup of index {i} differs from iteration"));
                }
                if let Some(m) = check_lookups(val) {
                    return Some(m);
                }
            }
            if a.get(n).is_some() {
                return Some("index past the end found".into());
            }
            (n != a.len()).then(|| "array iteration count differs from len".to_string())
        }
        _ => None,
    }
}

fn check_message(json: &str, want: &[u8]) -> Vec<String> {
    let mut fails = Vec::new();
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
    let tags: Vec<&str> = parsed["meta"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // The data text exactly as written in the vector.
    let at = json.find(",\"data\":").expect("data member") + 8;
    let data_text = &json[at..json.len() - 1];
    match encode_message(&tags, data_text.as_bytes()) {
        Ok(b) if b == want => {}
        Ok(_) => fails.push("encode_message bytes differ".into()),
        Err(e) => fails.push(format!("encode_message failed: {e}")),
    }
    match validate_message(want) {
        Ok(parts) => {
            if parts.tags != tags {
                fails.push("validate_message tags differ".into());
            }
            let mut t = Vec::new();
            write_value_json(&parts.data, &mut t);
            let mut t2 = Vec::new();
            if message_data_json(want, &mut t2).is_err() || t != t2 {
                fails.push("message_data_json differs".into());
            }
            let a: serde_json::Value = serde_json::from_slice(&t).unwrap();
            if a != parsed["data"] {
                fails.push("message data differs".into());
            }
        }
        Err(e) => fails.push(format!("validate_message failed: {e}")),
    }
    fails
}

#[test]
fn golden_vectors_all_pass() {
    let mut failing = Vec::new();
    let mut n = 0;
    for line in VECTORS.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("vector line");
        n += 1;
        let fails = check_vector(&v);
        if !fails.is_empty() {
            failing.push(format!("{}: {}", field(&v, "name"), fails.join("; ")));
        }
    }
    assert_eq!(n, 149, "vector count");
    assert!(
        failing.is_empty(),
        "{} of {n} vectors fail:\n{}",
        failing.len(),
        failing.join("\n")
    );
}

#[test]
fn invalid_buffers_all_rejected() {
    let mut failing = Vec::new();
    let mut n = 0;
    for line in INVALID.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("invalid line");
        n += 1;
        let name = field(&v, "name");
        let buf = unhex(field(&v, "hex"));
        let stage = field(&v, "stage");
        let mut fails = Vec::new();
        let msg = validate_message(&buf);
        match stage {
            "message" => {
                if let Err(e) = validate(&buf) {
                    fails.push(format!("validate rejected a well-formed buffer: {e}"));
                }
                if let Err(e) = decode_to_json(&buf) {
                    fails.push(format!("decode rejected a well-formed buffer: {e}"));
                }
                match msg {
                    Err(e) if e.kind == ErrorKind::Shape => {}
                    Err(e) => fails.push(format!("validate_message: wrong kind {e}")),
                    Ok(_) => fails.push("validate_message accepted".into()),
                }
            }
            _ => {
                if validate(&buf).is_ok() {
                    fails.push("validate accepted".into());
                }
                if decode_to_json(&buf).is_ok() {
                    fails.push("decode accepted".into());
                }
                if Doc::new(&buf).is_ok() {
                    fails.push("Doc::new accepted".into());
                }
                match msg {
                    Err(e) if e.kind != ErrorKind::Shape => {}
                    Err(e) => fails.push(format!("validate_message: wrong kind {e}")),
                    Ok(_) => fails.push("validate_message accepted".into()),
                }
                let mut out = Vec::new();
                if message_data_json(&buf, &mut out).is_ok() || !out.is_empty() {
                    fails.push("message_data_json accepted".into());
                }
            }
        }
        if !fails.is_empty() {
            failing.push(format!("{name}: {}", fails.join("; ")));
        }
    }
    assert_eq!(n, 46, "invalid count");
    assert!(
        failing.is_empty(),
        "{} of {n} invalid cases fail:\n{}",
        failing.len(),
        failing.join("\n")
    );
}
