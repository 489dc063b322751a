//! Native Lite3 codec: JSON ⇄ Lite3 conversion, validation and zero-copy lookup,
//! byte-compatible with the C library (see `docs/lite3.md`).
//!
//! Lite3 stores every object and array as a B-tree of 96-byte nodes keyed by
//! DJB2 hashes (objects) or indexes (arrays), inside one append-only buffer.
//!
//! * [`encode_json`] turns JSON text into Lite3 bytes, byte for byte as the C
//!   library's JSON decoder does (insertion order, splits, padding, duplicates).
//! * [`validate`] checks a buffer completely, in time linear in its length.
//! * [`decode_to_json`] prints a buffer as compact JSON, exactly as the C library.
//! * [`Doc`] gives lookups without decoding the whole document.
//! * [`validate_message`], [`encode_message`] and [`message_data_json`] handle
//!   the message shape used by the pool.
//!
//! # Where this differs from the C library (deliberately)
//!
//! * A scalar JSON root is an error ([`ErrorKind::Json`]); C reports success
//!   with empty output.
//! * The append that would make a container's B-tree 11 levels deep fails
//!   ([`ErrorKind::Limit`]). C accepts it (its 2,097,161st array element) but
//!   then cannot read the result back; here everything that encodes validates.
//! * The validator rejects, beyond what C checks: string size 0, keys without
//!   terminator or with interior NULs, bool bytes other than 0/1, NaN/±Inf,
//!   overlapping or shared nodes/entries, cycles, mixed node types, bad child
//!   slot patterns, empty non-root nodes, unsorted hashes, array indexes other
//!   than `0..n`, `size` different from the entry count, hashes that are not
//!   `djb2(key) + i²` (`i < 128`), and probe chains with gaps or duplicate keys.
//!   The C writer never produces any of these.
//! * Same-hash keys of different key-tag widths fail to encode, exactly as in
//!   C (docs/lite3.md §9.6), so inputs are accepted and rejected like C does.

mod doc;
mod error;
mod json_in;
mod json_out;
mod message;
mod node;
mod walk;
mod words;
mod writer;

pub use doc::{write_value_json, ArrIter, ArrRef, Doc, ObjIter, ObjRef, Value};
pub use error::{Error, ErrorKind, Result};
pub use message::{encode_message, encode_message_into, message_data_json, validate_message, MessageParts};

use json_out::JsonSink;
use walk::{check_root, walk_checked, NoSink};

/// Converts JSON text to a Lite3 document.
///
/// The root must be an object or an array; nesting is limited to 32 levels.
/// Object members are stored in source order, duplicates included (the last
/// one wins), so the bytes match the C library exactly.
///
/// ```
/// use plasmite::lite3::{decode_to_json, encode_json};
/// let bytes = encode_json(br#"{"a":1}"#).unwrap();
/// assert_eq!(bytes.len(), 108);
/// assert_eq!(decode_to_json(&bytes).unwrap(), br#"{"a":1}"#);
/// ```
pub fn encode_json(json: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(json.len() * 2 + 128);
    encode_json_into(json, &mut out)?;
    Ok(out)
}

/// Like [`encode_json`], but appends the document to `out` (offsets inside the
/// document count from where it starts). On error `out` is left unchanged.
pub fn encode_json_into(json: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    let r = json_in::Reader::new(json).encode_document(out);
    if r.is_err() {
        out.truncate(start);
    }
    Ok(r?)
}

/// Fully validates a Lite3 buffer (docs/lite3.md §11): bounds of every node and
/// entry, type tags, key and string terminators, UTF-8, bool bytes, finite
/// doubles, B-tree shape and hash order, array indexes, entry counts, hash
/// consistency, nesting ≤ 32, tree height ≤ 10, and no shared, overlapping or
/// cyclic structure. Runs in time linear in `buf.len()`.
///
/// A buffer that validates can always be converted to JSON.
pub fn validate(buf: &[u8]) -> Result<()> {
    check_root(buf)?;
    Ok(walk_checked(buf, &mut NoSink)?)
}

/// Converts a Lite3 document to compact JSON text, exactly as the C library
/// prints it (members in hash order, C number spelling). The buffer is fully
/// validated on the way; any defect fails the whole conversion.
///
/// ```
/// use plasmite::lite3::{decode_to_json, encode_json};
/// let bytes = encode_json(br#"{"meta":1,"data":[1.0,-0.0,1e21]}"#).unwrap();
/// assert_eq!(decode_to_json(&bytes).unwrap(), br#"{"data":[1.0,-0.0,1e21],"meta":1}"#);
/// ```
pub fn decode_to_json(buf: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(buf.len() + buf.len() / 2);
    decode_to_json_into(buf, &mut out)?;
    Ok(out)
}

/// Like [`decode_to_json`], appending to `out` (left unchanged on error).
pub fn decode_to_json_into(buf: &[u8], out: &mut Vec<u8>) -> Result<()> {
    check_root(buf)?;
    Ok(JsonSink::with(out, |sink| walk_checked(buf, sink))?)
}
