//! The Lite3 side of the server, behind one small adapter so the routes
//! do not change when the codec lands.
//!
//! Until the pool API below exists, [`require`] answers `501` with an
//! `Internal` error envelope; the routes validate everything else (content
//! type, body size, query) before they get here. To wire the codec in:
//! replace the three bodies below with the calls named in their comments
//! and make [`require`] return `Ok(())`.

use crate::error::{Error, ErrorKind, Result};
use crate::message::MessageRef;
use crate::{Durability, Pool, Receipt};

/// Content type of a Lite3 document.
pub const CONTENT_TYPE: &str = "application/x-plasmite-lite3";
/// Content type of a Lite3 tail stream.
pub const STREAM_CONTENT_TYPE: &str = "application/x-plasmite-lite3-stream";

/// A stored message as Lite3 bytes.
pub struct Lite3Frame {
    /// Sequence number.
    pub seq: u64,
    /// Append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
    /// The Lite3 document `{"meta": {"tags": [..]}, "data": DATA}`.
    pub payload: Vec<u8>,
}

fn unavailable() -> Error {
    Error::new(
        ErrorKind::Internal,
        "Lite3 is not supported by this build of the server yet",
    )
    .with_hint("use the JSON routes (append, messages/{seq}, tail)")
}

/// Whether the Lite3 routes can be served; `Err` (answered as 501) until
/// the codec lands.
pub fn require() -> Result<()> {
    Err(unavailable())
}

/// Appends one Lite3 document. Plug in: `pool.append_lite3(bytes, durability)`.
pub fn append(_pool: &Pool, _bytes: &[u8], _durability: Durability) -> Result<Receipt> {
    Err(unavailable())
}

/// Reads message `seq` as Lite3. Plug in: `pool.get_lite3(seq)` (mapping its
/// `Lite3Frame` fields onto this one).
pub fn get(_pool: &Pool, _seq: u64) -> Result<Lite3Frame> {
    Err(unavailable())
}

/// Appends the Lite3 document of `m` to `out`. Plug in: `m.write_lite3(out)`.
pub fn write_message(_m: &MessageRef<'_>, _out: &mut Vec<u8>) -> Result<()> {
    Err(unavailable())
}

/// Appends one tail frame: `[u64 BE seq][u64 BE timestamp_ns][u32 BE len][len bytes]`.
pub fn push_frame(out: &mut Vec<u8>, seq: u64, timestamp_ns: u64, doc: &[u8]) -> Result<()> {
    let len = u32::try_from(doc.len()).map_err(|_| Error::usage("Lite3 document larger than 4 GiB"))?;
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&timestamp_ns.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(doc);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn frame_layout() {
        let mut out = Vec::new();
        super::push_frame(&mut out, 7, 9, b"abc").unwrap();
        assert_eq!(out.len(), 8 + 8 + 4 + 3);
        assert_eq!(&out[..8], &7u64.to_be_bytes());
        assert_eq!(&out[8..16], &9u64.to_be_bytes());
        assert_eq!(&out[16..20], &3u32.to_be_bytes());
        assert_eq!(&out[20..], b"abc");
    }
}
