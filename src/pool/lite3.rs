//! Lite3 payloads in pools: appending Lite3 message documents as given, and
//! converting at the edge (Lite3 → JSON envelope for JSON readers, JSON frame
//! → Lite3 document for Lite3 readers). The codec itself is `crate::lite3`.

use super::append::{Durability, Frame, Receipt};
use super::layout::Encoding;
use super::message::{encode_tags, MessageRef};
use super::Pool;
use crate::error::{Error, ErrorKind, Result};
use crate::lite3;

/// `Lite3Frame::flags` bit: the payload is stored as Lite3 (not converted
/// from a JSON frame).
pub const FLAG_STORED_LITE3: u32 = 1;

/// A message as a Lite3 document, as returned by [`Pool::get_lite3`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lite3Frame {
    /// Sequence number.
    pub seq: u64,
    /// Append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
    /// [`FLAG_STORED_LITE3`] when the payload is the stored bytes.
    pub flags: u32,
    /// The Lite3 document `{"meta":{"tags":[..]},"data":..}`.
    pub payload: Vec<u8>,
}

/// Maps a codec error on caller input to `Usage`.
fn input_error(e: lite3::Error) -> Error {
    let mut err = Error::usage(format!("invalid Lite3 message: {}", e.message));
    if let Some(o) = e.offset {
        err = err.with_offset(o as u64);
    }
    err
}

/// Maps a codec error on stored bytes to `Corrupt`.
fn stored_error(e: lite3::Error, seq: u64) -> Error {
    Error::corrupt(format!(
        "stored Lite3 payload of message {seq} is damaged: {}",
        e.message
    ))
    .with_seq(seq)
}

impl Pool {
    /// Appends a Lite3 message document (`{"meta":{"tags":[..]},"data":{..}}`),
    /// validated and stored byte for byte; its tags are copied into the
    /// frame so tag filters never decode payloads.
    pub fn append_lite3(&self, bytes: &[u8], durability: Durability) -> Result<Receipt> {
        let mut tags_json = Vec::new();
        let m = self.append_lite3_stored(bytes, &mut tags_json, durability)?;
        Ok(Receipt {
            seq: m.seq,
            timestamp_ns: m.timestamp_ns,
        })
    }

    /// Like [`append_lite3`](Pool::append_lite3), lending back the message
    /// as stored (its tags encoded into `tags_json`, its payload `bytes`), so
    /// the caller can answer with its envelope without reading the ring.
    pub fn append_lite3_stored<'a>(
        &self,
        bytes: &'a [u8],
        tags_json: &'a mut Vec<u8>,
        durability: Durability,
    ) -> Result<MessageRef<'a>> {
        let parts = lite3::validate_message(bytes).map_err(input_error)?;
        encode_tags(&parts.tags, tags_json)?;
        let frame = Frame {
            encoding: Encoding::Lite3,
            tags: tags_json,
            origin: &[],
            payload: bytes,
        };
        let r = self.write_frames(std::iter::once(frame), durability)?;
        Ok(MessageRef {
            seq: r.first_seq,
            timestamp_ns: r.timestamp_ns,
            encoding: Encoding::Lite3,
            tags_json,
            payload: bytes,
            origin: None,
        })
    }

    /// Reads message `seq` as a Lite3 document: the stored bytes of a Lite3
    /// frame, or the encoding of a JSON frame's message.
    pub fn get_lite3(&self, seq: u64) -> Result<Lite3Frame> {
        let msg = self.get(seq)?;
        let m = msg.as_ref();
        let mut payload = Vec::new();
        m.write_lite3(&mut payload)?;
        Ok(Lite3Frame {
            seq: m.seq,
            timestamp_ns: m.timestamp_ns,
            flags: if m.encoding == Encoding::Lite3 {
                FLAG_STORED_LITE3
            } else {
                0
            },
            payload,
        })
    }
}

impl MessageRef<'_> {
    /// Appends the message as a Lite3 document (the stored bytes for a
    /// Lite3 frame; converted for a JSON frame, whose data must then be an
    /// object, as the Lite3 message shape requires).
    ///
    /// Fails only when Lite3 cannot carry the message (data that is not an
    /// object, a number outside the finite doubles, an unpaired surrogate
    /// escape, nesting deeper than 32 levels), with `Usage` and the seq;
    /// `out` is then left unchanged.
    pub fn write_lite3(&self, out: &mut Vec<u8>) -> Result<()> {
        match self.encoding {
            Encoding::Lite3 => {
                out.extend_from_slice(self.payload);
                Ok(())
            }
            Encoding::Json => {
                let tags = self.tags();
                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                lite3::encode_message_into(&tags, self.payload, out).map_err(|e| {
                    let why = match e.kind {
                        lite3::ErrorKind::Shape => "Lite3 messages carry an object as data",
                        lite3::ErrorKind::Limit => "Lite3 nests at most 32 levels",
                        _ => "Lite3 holds finite doubles and UTF-8 strings only",
                    };
                    Error::new(
                        ErrorKind::Usage,
                        format!(
                            "Lite3 cannot represent message {}: {} ({why})",
                            self.seq, e.message
                        ),
                    )
                    .with_seq(self.seq)
                    .with_hint("read this message as JSON")
                })
            }
        }
    }
}

/// Appends the JSON text of the `data` member of a stored Lite3 message.
pub(crate) fn data_json(payload: &[u8], seq: u64, out: &mut Vec<u8>) -> Result<()> {
    lite3::message_data_json(payload, out).map_err(|e| stored_error(e, seq))
}
