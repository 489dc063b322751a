//! The Lite3 side of the server: content types and the binary tail framing.
//! Encoding, validation and conversion are the pool's (`Pool::append_lite3`,
//! `Pool::get_lite3`, `MessageRef::write_lite3`).

use plasmite::{Error, Result};

/// Content type of a Lite3 document.
pub const CONTENT_TYPE: &str = "application/x-plasmite-lite3";
/// Content type of a Lite3 tail stream.
pub const STREAM_CONTENT_TYPE: &str = "application/x-plasmite-lite3-stream";

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
