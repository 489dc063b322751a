//! The Lite3 side of the server: content types and the binary tail framing.
//! Encoding, validation and conversion are the pool's (`Pool::append_lite3`,
//! `Pool::get_lite3`, `MessageRef::write_lite3`).

use plasmite::{Error, MessageRef, Result};

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

/// What `tail_lite3` does with a message Lite3 cannot carry (data that is
/// not an object, a number outside the finite doubles, an unpaired
/// surrogate escape, nesting deeper than 32 levels): query parameter
/// `on_unconvertible`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnUnconvertible {
    /// Skip it, log it, and go on (the default: Lite3 stream parsers see
    /// only frames they can read).
    #[default]
    Skip,
    /// End the stream with an error.
    Error,
}

impl std::str::FromStr for OnUnconvertible {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "skip" => Ok(OnUnconvertible::Skip),
            "error" => Ok(OnUnconvertible::Error),
            _ => Err(Error::usage(format!(
                "bad on_unconvertible {s:?} (expected \"skip\" or \"error\")"
            ))),
        }
    }
}

/// Appends message `m` as one tail frame, converting it through `doc`.
/// `Err` (`Usage`, naming the seq) when Lite3 cannot carry the message;
/// `out` is then unchanged.
pub fn push_message(out: &mut Vec<u8>, doc: &mut Vec<u8>, m: &MessageRef<'_>) -> Result<()> {
    doc.clear();
    m.write_lite3(doc)?;
    push_frame(out, m.seq, m.timestamp_ns, doc)
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
