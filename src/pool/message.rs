//! Messages as read from a pool, and their JSON envelope:
//! `{"seq":N,"time":"RFC 3339 ns Z","meta":{"tags":[..]},"data":DATA}`.
//!
//! Envelopes are built by splicing stored bytes (the tag list and the JSON
//! payload are kept as compact JSON text), never by re-serializing `data`.

use super::layout::{Encoding, FrameHeader};
use crate::error::{Error, Result};

/// A message borrowed from a cursor's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef<'a> {
    /// Sequence number (the first message of a pool is 1).
    pub seq: u64,
    /// Append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
    /// How `payload` is encoded.
    pub encoding: Encoding,
    /// The tags as a JSON array (empty when the message has none).
    pub tags_json: &'a [u8],
    /// The stored payload: compact JSON, or a Lite3 document.
    pub payload: &'a [u8],
    /// Where a replicated message comes from (`pls bridge in`); `None` for
    /// a message appended here.
    pub origin: Option<Origin>,
}

/// The origin of a replicated message: its pool, seq and append time in the
/// pool it was first appended to. Stored in the frame (`docs/format.md`),
/// shown as `meta.origin` in the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The origin pool's id ([`Pool::id`](crate::Pool::id)).
    pub pool: [u8; 16],
    /// The message's seq there.
    pub seq: u64,
    /// Its append time there, ns since the Unix epoch.
    pub timestamp_ns: u64,
}

impl Origin {
    /// The 32-byte origin block of a frame.
    pub fn encode(&self) -> [u8; super::layout::ORIGIN_LEN] {
        let mut b = [0u8; super::layout::ORIGIN_LEN];
        b[..16].copy_from_slice(&self.pool);
        b[16..24].copy_from_slice(&self.seq.to_le_bytes());
        b[24..32].copy_from_slice(&self.timestamp_ns.to_le_bytes());
        b
    }

    /// Reads an origin block; `None` unless `b` is exactly one.
    pub fn decode(b: &[u8]) -> Option<Origin> {
        if b.len() != super::layout::ORIGIN_LEN {
            return None;
        }
        Some(Origin {
            pool: b[..16].try_into().ok()?,
            seq: super::layout::u64_at(b, 16),
            timestamp_ns: super::layout::u64_at(b, 24),
        })
    }
}

/// Splits a stored payload into its origin (when the frame's flags say it
/// has one) and the payload proper.
pub(crate) fn split_origin(flags: u8, stored: &[u8]) -> (Option<Origin>, &[u8]) {
    if flags & super::layout::FLAG_ORIGIN != 0 && stored.len() >= super::layout::ORIGIN_LEN {
        let (o, p) = stored.split_at(super::layout::ORIGIN_LEN);
        (Origin::decode(o), p)
    } else {
        (None, stored)
    }
}

/// A message copied out of a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Sequence number.
    pub seq: u64,
    /// Append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
    /// How the payload is encoded.
    pub encoding: Encoding,
    buf: Vec<u8>,
    tags_len: usize,
    origin: Option<Origin>,
}

impl Message {
    pub(crate) fn from_frame(h: &FrameHeader, mut buf: Vec<u8>) -> Message {
        let tags_len = h.tags_len as usize;
        let (origin, _) = split_origin(h.flags, &buf[tags_len.min(buf.len())..]);
        if origin.is_some() {
            buf.drain(tags_len..tags_len + super::layout::ORIGIN_LEN);
        }
        Message {
            seq: h.seq,
            timestamp_ns: h.timestamp_ns,
            encoding: h.encoding,
            buf,
            tags_len,
            origin,
        }
    }

    /// Where a replicated message comes from (see [`MessageRef::origin`]).
    pub fn origin(&self) -> Option<Origin> {
        self.origin
    }

    /// A borrowed view.
    pub fn as_ref(&self) -> MessageRef<'_> {
        let (tags_json, payload) = self.buf.split_at(self.tags_len);
        MessageRef {
            seq: self.seq,
            timestamp_ns: self.timestamp_ns,
            encoding: self.encoding,
            tags_json,
            payload,
            origin: self.origin,
        }
    }

    /// The stored payload bytes.
    pub fn payload(&self) -> &[u8] {
        self.as_ref().payload
    }

    /// The tags.
    pub fn tags(&self) -> Vec<String> {
        self.as_ref().tags()
    }

    /// The JSON envelope.
    pub fn envelope(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.buf.len() + 96);
        self.as_ref().write_envelope(&mut out)?;
        Ok(out)
    }
}

impl<'a> MessageRef<'a> {
    /// Copies the message out.
    pub fn to_owned(&self) -> Message {
        let mut buf = Vec::with_capacity(self.tags_json.len() + self.payload.len());
        buf.extend_from_slice(self.tags_json);
        buf.extend_from_slice(self.payload);
        Message {
            seq: self.seq,
            timestamp_ns: self.timestamp_ns,
            encoding: self.encoding,
            buf,
            tags_len: self.tags_json.len(),
            origin: self.origin,
        }
    }

    /// The tags, decoded.
    pub fn tags(&self) -> Vec<String> {
        if self.tags_json.is_empty() {
            return Vec::new();
        }
        serde_json::from_slice(self.tags_json).unwrap_or_default()
    }

    /// Whether the message carries every tag in `wanted` (each given as its
    /// JSON string encoding, as [`encode_tags`](crate::encode_tags) writes it).
    pub fn has_tags(&self, wanted: &[Vec<u8>]) -> bool {
        wanted
            .iter()
            .all(|w| tag_elements(self.tags_json).any(|t| t == w.as_slice()))
    }

    /// Appends the `data` value as JSON text (converting a Lite3 payload).
    pub fn write_data_json(&self, out: &mut Vec<u8>) -> Result<()> {
        match self.encoding {
            Encoding::Json => {
                out.extend_from_slice(self.payload);
                Ok(())
            }
            Encoding::Lite3 => super::lite3::data_json(self.payload, self.seq, out),
        }
    }

    /// Appends the JSON envelope.
    pub fn write_envelope(&self, out: &mut Vec<u8>) -> Result<()> {
        out.extend_from_slice(b"{\"seq\":");
        write_u64(out, self.seq);
        out.extend_from_slice(b",\"time\":\"");
        write_rfc3339(out, self.timestamp_ns);
        out.extend_from_slice(b"\",\"meta\":{\"tags\":");
        if self.tags_json.is_empty() {
            out.extend_from_slice(b"[]");
        } else {
            out.extend_from_slice(self.tags_json);
        }
        if let Some(o) = &self.origin {
            out.extend_from_slice(b",\"origin\":{\"pool\":\"");
            out.extend_from_slice(super::marks::pool_id_hex(&o.pool).as_bytes());
            out.extend_from_slice(b"\",\"seq\":");
            write_u64(out, o.seq);
            out.extend_from_slice(b",\"time\":\"");
            write_rfc3339(out, o.timestamp_ns);
            out.extend_from_slice(b"\"}");
        }
        out.extend_from_slice(b"},\"data\":");
        self.write_data_json(out)?;
        out.push(b'}');
        Ok(())
    }
}

/// Appends `{"seq":N,"time":"..","meta":{"tags":[..]}}` (an envelope without
/// `data`), `tags_json` being the compact tag array or nothing.
pub(crate) fn write_receipt(out: &mut Vec<u8>, seq: u64, timestamp_ns: u64, tags_json: &[u8]) {
    out.extend_from_slice(b"{\"seq\":");
    write_u64(out, seq);
    out.extend_from_slice(b",\"time\":\"");
    write_rfc3339(out, timestamp_ns);
    out.extend_from_slice(b"\",\"meta\":{\"tags\":");
    out.extend_from_slice(if tags_json.is_empty() { b"[]" } else { tags_json });
    out.extend_from_slice(b"}}");
}

fn write_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The tag list of a frame, as a compact JSON array of strings. Tags must be
/// non-empty; an empty list encodes as no bytes.
pub fn encode_tags<S: AsRef<str>>(tags: &[S], out: &mut Vec<u8>) -> Result<()> {
    out.clear();
    if tags.is_empty() {
        return Ok(());
    }
    out.push(b'[');
    for (i, t) in tags.iter().enumerate() {
        let t = t.as_ref();
        if t.is_empty() {
            return Err(Error::usage("tags must not be empty strings"));
        }
        if i > 0 {
            out.push(b',');
        }
        // Writing a &str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, t);
    }
    out.push(b']');
    if out.len() > super::layout::MAX_TAGS_LEN {
        return Err(Error::usage(format!(
            "tags take {} bytes, over the limit of {}",
            out.len(),
            super::layout::MAX_TAGS_LEN
        )));
    }
    Ok(())
}

/// One tag as a JSON string, the form tag filters compare against.
pub fn encode_tag(tag: &str) -> Vec<u8> {
    serde_json::to_vec(tag).unwrap_or_default()
}

/// The elements (JSON strings, quotes included) of a stored tag array.
fn tag_elements(tags_json: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 1usize; // past '['
    std::iter::from_fn(move || {
        while i < tags_json.len() && tags_json[i] != b'"' {
            i += 1;
        }
        if i >= tags_json.len() {
            return None;
        }
        let start = i;
        i += 1;
        while i < tags_json.len() {
            match tags_json[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let end = (i + 1).min(tags_json.len());
        i = end;
        Some(&tags_json[start..end])
    })
}

/// Formats ns since the Unix epoch as RFC 3339 UTC with nanoseconds.
pub fn format_rfc3339(ns: u64) -> String {
    let mut out = Vec::with_capacity(30);
    write_rfc3339(&mut out, ns);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
pub fn write_rfc3339(out: &mut Vec<u8>, ns: u64) {
    let secs = ns / 1_000_000_000;
    let nanos = ns % 1_000_000_000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    let mut b = *b"0000-00-00T00:00:00.000000000Z";
    put_digits(&mut b[0..4], y as u64);
    put_digits(&mut b[5..7], m as u64);
    put_digits(&mut b[8..10], d as u64);
    put_digits(&mut b[11..13], rem / 3600);
    put_digits(&mut b[14..16], rem % 3600 / 60);
    put_digits(&mut b[17..19], rem % 60);
    put_digits(&mut b[20..29], nanos);
    out.extend_from_slice(&b);
}

fn put_digits(dst: &mut [u8], mut n: u64) {
    for slot in dst.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formatting() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            format_rfc3339(1_795_976_628_468_515_123),
            "2026-11-29T18:23:48.468515123Z"
        );
        assert_eq!(
            format_rfc3339(951_782_400_000_000_001),
            "2000-02-29T00:00:00.000000001Z"
        );
    }

    #[test]
    fn envelope_splices_stored_bytes() {
        let mut tags = Vec::new();
        encode_tags(&["ops", "a\"b"], &mut tags).unwrap();
        let m = MessageRef {
            seq: 42,
            timestamp_ns: 0,
            encoding: Encoding::Json,
            tags_json: &tags,
            payload: br#"{"b":1.50,"a":2}"#,
            origin: None,
        };
        let mut out = Vec::new();
        m.write_envelope(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"seq":42,"time":"1970-01-01T00:00:00.000000000Z","meta":{"tags":["ops","a\"b"]},"data":{"b":1.50,"a":2}}"#
        );
        assert_eq!(m.tags(), vec!["ops".to_string(), "a\"b".to_string()]);
        assert!(m.has_tags(&[encode_tag("a\"b")]));
        assert!(m.has_tags(&[encode_tag("ops"), encode_tag("a\"b")]));
        assert!(!m.has_tags(&[encode_tag("op")]));
    }

    #[test]
    fn empty_tags_render_as_empty_array() {
        let mut tags = Vec::new();
        encode_tags::<&str>(&[], &mut tags).unwrap();
        assert!(tags.is_empty());
        assert!(encode_tags(&[""], &mut tags).is_err());
    }
}
