//! Reading frames out of the ring without a lock: probe what lies at a
//! position, copy a frame and re-check that it was not overwritten meanwhile,
//! and find a sequence number (index slot first, scan as the fallback).
//!
//! Invariant: nothing read here is trusted until `still_retained` confirms
//! the bytes were not overwritten during the copy and the checksum matches.

use std::sync::atomic::{fence, Ordering};

use super::layout::{self, FrameHeader, State, FRAME_HEADER_LEN, WRAP_MARKER};
use super::message::MessageRef;
use super::Inner;
use crate::error::{Error, Result};

/// What lies at a ring position.
pub(crate) enum Probe {
    /// A wrap marker: continue at `next`.
    Wrap { next: u64 },
    /// A frame with this header.
    Frame(FrameHeader),
}

/// Why a read found no message.
pub(crate) enum Miss {
    /// The frame was overwritten (before or while being read).
    Evicted,
    /// The file is damaged (or another real error).
    Failed(Error),
}

impl From<Error> for Miss {
    fn from(e: Error) -> Self {
        Miss::Failed(e)
    }
}

impl Inner {
    /// What lies at `pos`: a wrap marker or a frame header (bounds-checked
    /// against the ring; the bytes may be racing a writer).
    pub(crate) fn probe(&self, pos: u64) -> Result<Probe> {
        let ring = self.geo.ring_size;
        // Frames and wrap markers start 8-byte aligned, so an aligned
        // position has at least 8 bytes of ring left (the ring size is a
        // multiple of 8). A position from a bad index slot may not be.
        if pos % 8 != 0 {
            return Err(layout::frame_error(
                "position is not 8-byte aligned",
                pos,
                &self.geo,
            ));
        }
        let room = ring - pos % ring;
        let off = self.ring_off(pos);
        let mut marker = [0u8; 4];
        self.map.read(off, &mut marker);
        self.check_damage()?;
        if u32::from_le_bytes(marker) == WRAP_MARKER {
            return Ok(Probe::Wrap { next: pos + room });
        }
        if room < FRAME_HEADER_LEN as u64 {
            return Err(layout::frame_error("no room for a frame header", pos, &self.geo));
        }
        let mut head = [0u8; FRAME_HEADER_LEN];
        self.map.read(off, &mut head);
        self.check_damage()?;
        let h = FrameHeader::decode(&head).map_err(|e| layout::frame_error(e.message(), pos, &self.geo))?;
        if h.frame_len() > room {
            return Err(layout::frame_error(
                "frame runs past the end of the ring",
                pos,
                &self.geo,
            ));
        }
        Ok(Probe::Frame(h))
    }

    /// True when the frame at `pos` was not overwritten since the state of
    /// generation `gen` was read.
    pub(crate) fn still_retained(&self, pos: u64, gen: u64) -> Result<bool> {
        fence(Ordering::Acquire);
        if self.gen().load(Ordering::Relaxed) == gen {
            return Ok(true);
        }
        let (st, _) = self.load_state()?;
        Ok(pos >= st.oldest_pos)
    }

    /// Copies the frame for `seq` at `pos` into `buf` (tags then payload)
    /// and checks it: not overwritten meanwhile, right seq, checksum.
    pub(crate) fn read_frame(
        &self,
        pos: u64,
        seq: u64,
        gen: u64,
        buf: &mut Vec<u8>,
    ) -> Result<FrameHeader, Miss> {
        self.read_probed_frame(pos, self.probe(pos), seq, gen, buf)
    }

    /// [`read_frame`](Inner::read_frame) for a caller that already probed
    /// `pos` (`probed` is `self.probe(pos)`, taken just before).
    pub(crate) fn read_probed_frame(
        &self,
        pos: u64,
        probed: Result<Probe>,
        seq: u64,
        gen: u64,
        buf: &mut Vec<u8>,
    ) -> Result<FrameHeader, Miss> {
        if let Ok(Probe::Frame(h)) = &probed {
            let body = h.tags_len as usize + h.payload_len as usize;
            // Every byte is overwritten by the copy: only a longer buffer
            // needs filling, and then only the new part.
            buf.resize(body, 0);
            self.map.read(self.ring_off(pos) + FRAME_HEADER_LEN, buf);
            self.check_damage()?;
        }
        if !self.still_retained(pos, gen)? {
            return Err(Miss::Evicted);
        }
        let h = match probed? {
            Probe::Frame(h) => h,
            Probe::Wrap { .. } => {
                return Err(
                    layout::frame_error("expected a frame, found a wrap marker", pos, &self.geo).into(),
                )
            }
        };
        if h.seq != seq {
            return Err(
                layout::frame_error(&format!("expected seq {seq}, found {}", h.seq), pos, &self.geo).into(),
            );
        }
        let (tags, payload) = buf.split_at(h.tags_len as usize);
        if h.compute_crc(tags, payload) != h.crc {
            return Err(layout::frame_error("checksum mismatch", pos, &self.geo).into());
        }
        Ok(h)
    }

    /// Finds the position of `seq` (retained per `st`): the index slot when
    /// it is right, else a scan from the oldest frame.
    pub(crate) fn locate(&self, seq: u64, st: &State, gen: u64) -> Result<u64, Miss> {
        let hinted = self.map.atomic_u64(self.index_off(seq)).load(Ordering::Relaxed);
        if hinted >= st.oldest_pos && hinted < st.write_pos && hinted % 8 == 0 {
            if let Ok(Probe::Frame(h)) = self.probe(hinted) {
                if h.seq == seq {
                    return Ok(hinted);
                }
            }
        }
        let mut pos = st.oldest_pos;
        while pos < st.write_pos {
            match self.probe(pos) {
                Ok(Probe::Wrap { next }) => pos = next,
                Ok(Probe::Frame(h)) if h.seq == seq => return Ok(pos),
                Ok(Probe::Frame(h)) if h.seq < seq => pos += h.frame_len(),
                Ok(Probe::Frame(_)) => break,
                Err(e) => {
                    return Err(if self.still_retained(pos, gen)? {
                        Miss::Failed(e)
                    } else {
                        Miss::Evicted
                    });
                }
            }
        }
        if self.still_retained(st.oldest_pos, gen)? {
            Err(Miss::Failed(Error::corrupt(format!(
                "message {seq} is missing from the ring"
            ))))
        } else {
            Err(Miss::Evicted)
        }
    }

    /// A borrowed view of a frame just read into `buf`.
    pub(crate) fn message_ref<'a>(h: &FrameHeader, buf: &'a [u8]) -> MessageRef<'a> {
        let (tags, payload) = buf.split_at(h.tags_len as usize);
        let (origin, payload) = super::message::split_origin(h.flags, payload);
        MessageRef {
            seq: h.seq,
            timestamp_ns: h.timestamp_ns,
            encoding: h.encoding,
            tags_json: tags,
            payload,
            origin,
        }
    }
}
