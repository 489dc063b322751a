//! Message documents (`{"meta":{"tags":[str...]},"data":{...}}`, docs/lite3.md §13):
//! building them, checking their shape and extracting `data` as JSON.

use super::doc::{write_value_json, Doc, Value};
use super::error::{Error, FResult, Result};
use super::json_in::Reader;
use super::node::T_OBJ;
use super::writer::{Val, Writer};

/// The parts of a message document, borrowed from its buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageParts<'a> {
    /// `meta.tags`, in array order.
    pub tags: Vec<&'a str>,
    /// The `data` member (always an object).
    pub data: Value<'a>,
}

/// Fully validates `buf` (as [`validate`](super::validate)) and then checks the
/// message shape the way the C-backed implementation did: the root is an
/// object, `meta` and `data` are objects, `meta.tags` is an array of strings.
///
/// Shape failures have [`ErrorKind::Shape`](super::ErrorKind::Shape).
pub fn validate_message(buf: &[u8]) -> Result<MessageParts<'_>> {
    let doc = Doc::new(buf)?;
    let root = doc
        .root()
        .as_object()
        .ok_or_else(|| Error::from(Error::shape("root is not object")))?;
    let meta = root
        .get("meta")
        .and_then(|v| v.as_object())
        .ok_or_else(|| Error::from(Error::shape("meta is not object")))?;
    let data = match root.get("data") {
        Some(v @ Value::Object(_)) => v,
        _ => return Err(Error::shape("data is not object").into()),
    };
    let tags_arr = meta
        .get("tags")
        .and_then(|v| v.as_array())
        .ok_or_else(|| Error::from(Error::shape("meta.tags must be array")))?;
    let mut tags = Vec::with_capacity(tags_arr.len());
    for v in tags_arr.iter() {
        match v {
            Value::Str(s) => tags.push(s),
            _ => return Err(Error::shape("meta.tags must be string array").into()),
        }
    }
    if tags.len() != tags_arr.len() {
        return Err(Error::shape("meta.tags must be string array").into());
    }
    Ok(MessageParts { tags, data })
}

/// Builds the Lite3 document of `{"meta":{"tags":[TAGS...]},"data":DATA}`,
/// byte-identical to [`encode_json`](super::encode_json) of that JSON text,
/// without building the text. `data_json` must be a JSON object
/// ([`ErrorKind::Shape`](super::ErrorKind::Shape) otherwise).
pub fn encode_message(tags: &[&str], data_json: &[u8]) -> Result<Vec<u8>> {
    let mut out =
        Vec::with_capacity(2 * data_json.len() + 512 + tags.iter().map(|t| t.len() + 16).sum::<usize>());
    encode_message_into(tags, data_json, &mut out)?;
    Ok(out)
}

/// Like [`encode_message`], appending to `out` (left unchanged on error).
pub fn encode_message_into(tags: &[&str], data_json: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    let r = build_message(tags, data_json, out);
    if r.is_err() {
        out.truncate(start);
    }
    Ok(r?)
}

fn build_message(tags: &[&str], data_json: &[u8], out: &mut Vec<u8>) -> FResult<()> {
    let mut rd = Reader::new(data_json);
    match rd.skip_ws() {
        Some(b'{') => {}
        Some(b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
            return Err(Error::shape("data must be a JSON object"))
        }
        _ => return Err(Error::json(0, "data is not a JSON value")),
    }
    let mut w = Writer::new(out, T_OBJ);
    let meta = w.set(0, Some(b"meta"), &Val::Obj)?;
    let arr = w.set(meta, Some(b"tags"), &Val::Arr)?;
    for t in tags {
        w.set(arr, None, &Val::Str(t.as_bytes()))?;
    }
    let data = w.set(0, Some(b"data"), &Val::Obj)?;
    rd.skip_byte();
    rd.object_body(&mut w, data, 2)?;
    rd.finish()
}

/// Validates `buf` as a message (see [`validate_message`]) and appends the
/// JSON text of its `data` member to `out`, formatted like
/// [`decode_to_json`](super::decode_to_json).
pub fn message_data_json(buf: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let parts = validate_message(buf)?;
    write_value_json(&parts.data, out);
    Ok(())
}
