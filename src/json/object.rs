//! The members of a top-level JSON object as byte spans, without re-encoding:
//! request bodies (`{"data":…,"tags":…}`) and envelopes are taken apart so
//! `data` keeps its key order, number spelling and escapes on its way into a
//! pool or to a terminal.

use super::{next_value_wrapped as next_value, skip_ws, validate_wrapped as validate};
use crate::error::{Error, Result};

/// The members of the JSON object `input` as `(key, value span)` pairs, in
/// order. `input` must hold exactly one JSON object; it wraps data, so it
/// may nest up to [`crate::json::WRAPPED_MAX_DEPTH`] levels.
pub fn members(input: &[u8]) -> Result<Vec<(String, std::ops::Range<usize>)>> {
    let span = validate(input).map_err(Error::from)?;
    if input[span.start] != b'{' {
        return Err(Error::usage("expected a JSON object"));
    }
    let mut out = Vec::new();
    let mut pos = skip_ws(input, span.start + 1);
    if input[pos] == b'}' {
        return Ok(out);
    }
    loop {
        // The text is valid, so the grammar below cannot be violated.
        let key = next_value(input, pos).map_err(Error::from)?.expect("key");
        let key_bytes = &input[key.start..key.end];
        let name: String = if key_bytes.contains(&b'\\') {
            serde_json::from_slice(key_bytes).map_err(|e| Error::usage(format!("bad key: {e}")))?
        } else {
            String::from_utf8_lossy(&key_bytes[1..key_bytes.len() - 1]).into_owned()
        };
        pos = skip_ws(input, key.end) + 1; // ':'
        let value = next_value(input, pos).map_err(Error::from)?.expect("value");
        out.push((name, value.start..value.end));
        pos = skip_ws(input, value.end);
        if input[pos] == b'}' {
            return Ok(out);
        }
        pos += 1; // ','
    }
}

/// The span of member `key` of the JSON object `input`, the last one when
/// repeated.
pub fn member(input: &[u8], key: &str) -> Result<Option<std::ops::Range<usize>>> {
    Ok(members(input)?
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, r)| r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_keep_bytes() {
        let body = br#" {"data": {"b": 1.50, "a": "\u00e9"}, "t\u0061gs": ["x"], "data2": []} "#;
        let m = members(body).unwrap();
        let keys: Vec<_> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["data", "tags", "data2"]);
        assert_eq!(&body[m[0].1.clone()], br#"{"b": 1.50, "a": "\u00e9"}"#);
        assert_eq!(members(b"{}").unwrap().len(), 0);
        assert!(members(b"[1]").is_err());
        assert_eq!(members(b"{\"a\":").unwrap_err().kind(), crate::ErrorKind::Usage);
    }
}
