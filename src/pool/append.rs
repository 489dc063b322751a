//! Appending: placement in the ring, retention (evicting the oldest frames),
//! the copy and the publish, all under the writer lock. Validation and
//! encoding happen before the lock is taken.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::Ordering;

use super::layout::{self, Encoding, FrameHeader, State, FRAME_HEADER_LEN, WRAP_MARKER};
use super::message::MessageRef;
use super::{lock, now_ns, Inner, Pool, Probe};
use crate::error::{Error, ErrorKind, Result};

/// How far an append goes before it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// In the shared mapping: visible to every process at once and kept if
    /// the writer crashes, but not across a power cut.
    #[default]
    Fast,
    /// Also flushed to the device (`fdatasync`) before returning.
    Flush,
}

impl std::str::FromStr for Durability {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fast" | "Fast" => Ok(Durability::Fast),
            "flush" | "Flush" => Ok(Durability::Flush),
            _ => Err(Error::usage(format!(
                "unknown durability {s:?} (expected fast or flush)"
            ))),
        }
    }
}

/// What one append stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The message's sequence number.
    pub seq: u64,
    /// Its append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
}

impl Receipt {
    /// Appends the receipt the command and the server print for an append:
    /// the envelope without `data`, `{"seq":N,"time":"..","meta":{"tags":[..]}}`.
    /// `tags_json` is the message's tags as [`encode_tags`](crate::encode_tags) wrote them.
    pub fn write_json(&self, tags_json: &[u8], out: &mut Vec<u8>) {
        super::message::write_receipt(out, self.seq, self.timestamp_ns, tags_json);
    }
}

/// What a batch append stored: `count` messages with consecutive sequence
/// numbers from `first_seq`, all stamped `timestamp_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchReceipt {
    /// Sequence number of the batch's first message.
    pub first_seq: u64,
    /// Number of messages stored.
    pub count: u64,
    /// Append time of every message in the batch.
    pub timestamp_ns: u64,
}

/// Messages validated and encoded ahead of an [`Pool::append_batch`].
///
/// ```
/// use plasmite::{Batch, Client, Durability};
/// let dir = tempfile::tempdir().unwrap();
/// let pool = Client::new(dir.path()).create_pool("jobs", 1 << 20).unwrap();
/// let mut batch = Batch::new();
/// for i in 0..3 {
///     batch.push_json(format!("{{\"job\": {i}}}").as_bytes(), &["todo"]).unwrap();
/// }
/// let r = pool.append_batch(&batch, Durability::Fast).unwrap();
/// assert_eq!((r.first_seq, r.count), (1, 3));
/// assert_eq!(pool.get(3).unwrap().payload(), br#"{"job":2}"#);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Batch {
    bytes: Vec<u8>,
    items: Vec<BatchItem>,
    scratch: Vec<u8>,
}

#[derive(Debug, Clone)]
struct BatchItem {
    encoding: Encoding,
    tags: Range<usize>,
    /// The origin block (empty, or `ORIGIN_LEN` bytes) then the payload.
    origin: Range<usize>,
    payload: Range<usize>,
}

impl Batch {
    /// Message `i` of the batch as [`Pool::append_batch`] stored it (`r` is
    /// that append's receipt): the stored tags and payload bytes, lent from
    /// the batch, so a face can answer with the envelope without reading
    /// the ring back. `None` when `i` is out of range.
    pub fn stored(&self, i: usize, r: &BatchReceipt) -> Option<MessageRef<'_>> {
        let item = self.items.get(i)?;
        Some(MessageRef {
            seq: r.first_seq + i as u64,
            timestamp_ns: r.timestamp_ns,
            encoding: item.encoding,
            tags_json: &self.bytes[item.tags.clone()],
            payload: &self.bytes[item.payload.clone()],
            origin: crate::pool::message::Origin::decode(&self.bytes[item.origin.clone()]),
        })
    }

    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Validates `json`, compacts it and adds it with `tags`.
    pub fn push_json<S: AsRef<str>>(&mut self, json: &[u8], tags: &[S]) -> Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let r = crate::pool::message::encode_tags(tags, &mut scratch)
            .and_then(|_| self.push_json_tagged(json, &scratch));
        self.scratch = scratch;
        r
    }

    /// Like [`push_json`](Batch::push_json) with tags already encoded by
    /// [`encode_tags`](crate::pool::message::encode_tags) (cheaper for many
    /// messages that share their tags).
    pub fn push_json_tagged(&mut self, json: &[u8], tags_json: &[u8]) -> Result<()> {
        let span = crate::json::validate(json).map_err(Error::from)?;
        self.push_json_span(json, span, tags_json)
    }

    /// Adds the value at `span` of `json`, as found (and so validated) by
    /// [`json::next_value`](crate::json::next_value) while splitting a stream,
    /// with tags already encoded by [`encode_tags`](crate::encode_tags): the
    /// value is compacted into the batch, never scanned again.
    pub fn push_json_span(&mut self, json: &[u8], span: crate::json::Span, tags_json: &[u8]) -> Result<()> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(tags_json);
        let mid = self.bytes.len();
        crate::json::push_compact(
            &json[span.start..span.end],
            span.has_inner_whitespace,
            &mut self.bytes,
        );
        self.push_item(Encoding::Json, start..mid, mid..mid, mid..self.bytes.len())
    }

    /// Like [`push_json`](Batch::push_json) for a message replicated from
    /// another pool: `origin` (its pool id, seq and time there) is stored
    /// with it and shown in its envelope's `meta.origin`; its data and tags
    /// are stored as for any message.
    pub fn push_json_from<S: AsRef<str>>(
        &mut self,
        json: &[u8],
        tags: &[S],
        origin: &crate::pool::message::Origin,
    ) -> Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let r = crate::pool::message::encode_tags(tags, &mut scratch).and_then(|_| {
            let span = crate::json::validate(json).map_err(Error::from)?;
            let start = self.bytes.len();
            self.bytes.extend_from_slice(&scratch);
            let mid = self.bytes.len();
            self.bytes.extend_from_slice(&origin.encode());
            let data = self.bytes.len();
            crate::json::push_compact(
                &json[span.start..span.end],
                span.has_inner_whitespace,
                &mut self.bytes,
            );
            self.push_item(Encoding::Json, start..mid, mid..data, data..self.bytes.len())
        });
        self.scratch = scratch;
        r
    }

    fn push_item(
        &mut self,
        encoding: Encoding,
        tags: Range<usize>,
        origin: Range<usize>,
        payload: Range<usize>,
    ) -> Result<()> {
        if payload.len() + origin.len() > u32::MAX as usize {
            self.bytes.truncate(tags.start);
            return Err(Error::usage("message larger than 4 GiB"));
        }
        self.items.push(BatchItem {
            encoding,
            tags,
            origin,
            payload,
        });
        Ok(())
    }

    /// Messages in the batch.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bytes of tags and payloads held.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Empties the batch, keeping its buffers.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.items.clear();
    }

    pub(crate) fn frames(&self) -> impl Iterator<Item = Frame<'_>> + Clone {
        self.items.iter().map(|i| Frame {
            encoding: i.encoding,
            tags: &self.bytes[i.tags.clone()],
            origin: &self.bytes[i.origin.clone()],
            payload: &self.bytes[i.payload.clone()],
        })
    }
}

/// One frame to write.
#[derive(Clone, Copy)]
pub(crate) struct Frame<'a> {
    pub encoding: Encoding,
    pub tags: &'a [u8],
    /// Empty, or the origin block stored before the payload.
    pub origin: &'a [u8],
    pub payload: &'a [u8],
}

thread_local! {
    static SCRATCH: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl Pool {
    /// Appends one JSON message. The JSON is validated (malformed input is a
    /// `Usage` error naming the byte offset) and stored compact, with key
    /// order, number spelling and escapes kept.
    ///
    /// ```
    /// use plasmite::{Client, Durability};
    /// let dir = tempfile::tempdir().unwrap();
    /// let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
    /// let err = pool.append_json(b"{\"a\": }", &[] as &[&str], Durability::Fast).unwrap_err();
    /// assert_eq!(err.kind(), plasmite::ErrorKind::Usage);
    /// assert_eq!(err.offset(), Some(6));
    /// ```
    pub fn append_json<S: AsRef<str>>(
        &self,
        json: &[u8],
        tags: &[S],
        durability: Durability,
    ) -> Result<Receipt> {
        let span = crate::json::validate(json).map_err(Error::from)?;
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (tag_buf, compact) = &mut *guard;
            crate::pool::message::encode_tags(tags, tag_buf)?;
            let value = &json[span.start..span.end];
            let payload = if span.has_inner_whitespace {
                compact.clear();
                crate::json::push_compact(value, true, compact);
                &compact[..]
            } else {
                value
            };
            let frame = Frame {
                encoding: Encoding::Json,
                tags: tag_buf,
                origin: &[],
                payload,
            };
            let r = self.write_frames(std::iter::once(frame), durability)?;
            Ok(Receipt {
                seq: r.first_seq,
                timestamp_ns: r.timestamp_ns,
            })
        })
    }

    /// Appends every message of `batch` under one lock acquisition, with one
    /// publish, one wake-up and (for `Flush`) one sync.
    pub fn append_batch(&self, batch: &Batch, durability: Durability) -> Result<BatchReceipt> {
        self.write_frames(batch.frames(), durability)
    }

    /// Like [`append_batch`](Pool::append_batch), stamping the messages with
    /// `timestamp_ns` (ns since the Unix epoch) instead of the clock: for
    /// imports of messages with their own times, and for tests. Times never
    /// decrease within a pool, so a time before the newest message's is
    /// raised to it (the receipt has the time stored).
    pub fn append_batch_at(
        &self,
        batch: &Batch,
        timestamp_ns: u64,
        durability: Durability,
    ) -> Result<BatchReceipt> {
        self.write_frames_at(batch.frames(), Some(timestamp_ns), durability)
    }

    /// Writes frames in order. Sizes are checked before the lock is taken;
    /// if any frame cannot fit the ring nothing is written.
    pub(crate) fn write_frames<'a, I>(&self, frames: I, durability: Durability) -> Result<BatchReceipt>
    where
        I: Iterator<Item = Frame<'a>> + Clone,
    {
        self.write_frames_at(frames, None, durability)
    }

    /// [`write_frames`](Pool::write_frames) stamped with `at` (`None`: the
    /// clock), raised to the newest message's time.
    fn write_frames_at<'a, I>(
        &self,
        frames: I,
        at: Option<u64>,
        durability: Durability,
    ) -> Result<BatchReceipt>
    where
        I: Iterator<Item = Frame<'a>> + Clone,
    {
        self.write_frames_full(frames, at, None, durability)
    }

    /// [`write_frames`](Pool::write_frames) that also sets a mark, published
    /// by the same state publish (see `marks.rs`).
    pub(crate) fn write_frames_marked<'a, I>(
        &self,
        frames: I,
        mark: Option<super::marks::MarkUpdate<'_>>,
        durability: Durability,
    ) -> Result<BatchReceipt>
    where
        I: Iterator<Item = Frame<'a>> + Clone,
    {
        self.write_frames_full(frames, None, mark, durability)
    }

    fn write_frames_full<'a, I>(
        &self,
        frames: I,
        at: Option<u64>,
        mark: Option<super::marks::MarkUpdate<'_>>,
        durability: Durability,
    ) -> Result<BatchReceipt>
    where
        I: Iterator<Item = Frame<'a>> + Clone,
    {
        let inner = self.inner();
        if inner.is_read_only() {
            return Err(Error::new(
                ErrorKind::Permission,
                "cannot append: the pool was opened read-only (this process may not write its file, or the filesystem is read-only)",
            )
            .with_path(inner.path()));
        }
        let ring = inner.geo().ring_size;
        let mut count = 0u64;
        for f in frames.clone() {
            let len = layout::frame_len(f.tags.len(), f.origin.len() + f.payload.len());
            if len > ring || f.origin.len() + f.payload.len() > u32::MAX as usize {
                return Err(Error::usage(format!(
                    "message of {} bytes is larger than this pool can hold (at most {} bytes of tags and payload)",
                    f.tags.len() + f.payload.len(),
                    inner.geo().max_frame_body()
                ))
                .with_path(inner.path())
                .with_hint("create the pool with a larger --size"));
            }
            count += 1;
        }
        let guard = lock::lock(inner.map(), inner.file_handle(), inner.file_id())
            .map_err(|e| e.with_path(inner.path()))?;
        let (mut st, mut gen) = inner.load_state()?;
        inner.settle_marks(&st);
        // Times never decrease within a pool: a writer whose clock is behind
        // the newest message's time (another process's clock stepped, NTP)
        // stamps with that time.
        let timestamp_ns = at.unwrap_or_else(now_ns).max(inner.newest_time(&st));
        let first_seq = st.next_seq;
        // Consumer groups marked `protect`: one load when there are none.
        if inner
            .map()
            .atomic_u64(layout::OFF_PROTECT_MASK)
            .load(Ordering::Acquire)
            != 0
        {
            inner.check_protected(&st, gen, frames.clone())?;
        }
        if count > 0 {
            for f in frames {
                inner.place(&mut st, &mut gen, f, timestamp_ns)?;
            }
            // A write that faulted went to a zero page, not the file: do
            // not make it visible.
            inner.check_damage()?;
            if let Some(m) = &mark {
                let value = super::marks::Mark {
                    value: m.value,
                    at_seq: st.next_seq,
                };
                inner.store_mark(m.name, value, true)?;
            }
            inner.publish(&mut gen, &st);
            if mark.is_some() {
                inner.clear_mark_pending();
            }
        } else if let Some(m) = &mark {
            let value = super::marks::Mark {
                value: m.value,
                at_seq: st.next_seq,
            };
            inner.store_mark(m.name, value, false)?;
        }
        drop(guard);
        if count > 0 {
            inner.notify();
        }
        if durability == Durability::Flush {
            inner
                .sync()
                .map_err(|e| Error::io("cannot flush pool to disk", e).with_path(inner.path()))?;
        }
        Ok(BatchReceipt {
            first_seq,
            count,
            timestamp_ns,
        })
    }
}

impl Inner {
    /// The newest message's time per `st` (0 when empty). Called under the
    /// writer lock, so its frame cannot move; a damaged slot or frame yields
    /// 0 (the clock alone decides, as before the guarantee).
    fn newest_time(&self, st: &State) -> u64 {
        if st.count() == 0 {
            return 0;
        }
        let seq = st.next_seq - 1;
        let pos = self.map().atomic_u64(self.index_off(seq)).load(Ordering::Relaxed);
        let hinted = pos >= st.oldest_pos && pos < st.write_pos && pos % 8 == 0;
        let pos = if hinted { Some(pos) } else { None };
        let found = |pos: u64| match self.probe(pos) {
            Ok(Probe::Frame(h)) if h.seq == seq => Some(h.timestamp_ns),
            _ => None,
        };
        pos.and_then(found)
            .or_else(|| {
                let (_, gen) = self.load_state().ok()?;
                self.locate(seq, st, gen).ok().and_then(found)
            })
            .unwrap_or(0)
    }

    /// Writes one frame at the write head, evicting old frames first if the
    /// ring is full. Updates `st` (published by the caller).
    fn place(&self, st: &mut State, gen: &mut u64, f: Frame<'_>, timestamp_ns: u64) -> Result<()> {
        let ring = self.geo().ring_size;
        let stored_len = f.origin.len() + f.payload.len();
        let len = layout::frame_len(f.tags.len(), stored_len);
        let mut pos = st.write_pos;
        let mut skip = layout::wrap_skip(pos, len, ring);
        let end = pos + skip + len;
        if end - st.oldest_pos > ring {
            self.evict(st, end - ring, &mut pos, &mut skip)?;
            self.check_damage()?;
            // Readers must learn that those frames are gone before any byte of
            // them is overwritten.
            self.publish(gen, st);
        }
        if skip > 0 {
            self.map().write(self.ring_off(pos), &WRAP_MARKER.to_le_bytes());
        }
        let at = pos + skip;
        let mut h = FrameHeader {
            encoding: f.encoding,
            flags: if f.origin.is_empty() {
                0
            } else {
                layout::FLAG_ORIGIN
            },
            tags_len: f.tags.len() as u16,
            seq: st.next_seq,
            timestamp_ns,
            payload_len: stored_len as u32,
            crc: 0,
        };
        h.crc = h.compute_crc3(f.tags, f.origin, f.payload);
        let off = self.ring_off(at);
        self.map().write(off, &h.encode());
        self.map().write(off + FRAME_HEADER_LEN, f.tags);
        let body = off + FRAME_HEADER_LEN + f.tags.len();
        if !f.origin.is_empty() {
            self.map().write(body, f.origin);
        }
        self.map().write(body + f.origin.len(), f.payload);
        self.map()
            .atomic_u64(self.index_off(st.next_seq))
            .store(at, Ordering::Relaxed);
        st.write_pos = at + len;
        st.next_seq += 1;
        Ok(())
    }

    /// Refuses a batch that would overwrite a message a protected group has
    /// not acked (`Busy`), before anything is written.
    #[cold]
    fn check_protected<'a, I>(&self, st: &State, gen: u64, frames: I) -> Result<()>
    where
        I: Iterator<Item = Frame<'a>>,
    {
        let ring = self.geo().ring_size;
        let mask = self
            .map()
            .atomic_u64(layout::OFF_PROTECT_MASK)
            .load(Ordering::Acquire);
        let mut floor = u64::MAX;
        let mut who = 0;
        for i in 0..layout::PROTECT_SLOTS {
            if mask & (1 << i) != 0 {
                let f = self
                    .map()
                    .atomic_u64(layout::OFF_PROTECT_SLOTS + i * layout::PROTECT_SLOT_LEN)
                    .load(Ordering::Acquire);
                if f < floor {
                    floor = f;
                    who = i;
                }
            }
        }
        let mut end = st.write_pos;
        for f in frames {
            let len = layout::frame_len(f.tags.len(), f.payload.len());
            end += layout::wrap_skip(end, len, ring) + len;
        }
        if end <= ring + st.oldest_pos {
            return Ok(());
        }
        let keep = floor.max(st.oldest_seq);
        let floor_pos = if keep >= st.next_seq {
            // Nothing retained is protected, but a batch larger than the
            // free ring would overwrite its own first messages.
            st.write_pos
        } else {
            self.locate(keep, st, gen).unwrap_or(st.oldest_pos)
        };
        if end - ring <= floor_pos {
            return Ok(());
        }
        let off = layout::OFF_PROTECT_SLOTS + who * layout::PROTECT_SLOT_LEN;
        let len = (self.map().atomic_u64(off + 8).load(Ordering::Relaxed) as usize).min(48);
        let mut name = [0u8; 48];
        self.map().read(off + 16, &mut name);
        let name = String::from_utf8_lossy(&name[..len]).into_owned();
        Err(Error::new(
            ErrorKind::Busy,
            format!(
                "the pool is full of messages the protected group {name:?} has not acked (from seq {keep}): \
                 this append would overwrite them"
            ),
        )
        .with_seq(keep)
        .with_path(self.path())
        .with_hint(format!(
            "consume and ack group {name:?} (pls group info), use a larger pool, or delete the group's protection (pls group delete)"
        )))
    }

    /// Drops the oldest frames until `oldest_pos >= need`. When everything
    /// is dropped, an empty pool simply moves its head past the wrap skip.
    fn evict(&self, st: &mut State, need: u64, pos: &mut u64, skip: &mut u64) -> Result<()> {
        while st.oldest_pos < need {
            if st.oldest_pos == st.write_pos {
                let start = *pos + *skip;
                st.oldest_pos = start;
                st.write_pos = start;
                *pos = start;
                *skip = 0;
                return Ok(());
            }
            match self.probe(st.oldest_pos).map_err(|e| e.with_path(self.path()))? {
                Probe::Wrap { next } => st.oldest_pos = next,
                Probe::Frame(h) => {
                    if h.seq != st.oldest_seq {
                        return Err(layout::frame_error(
                            &format!("oldest frame has seq {}, expected {}", h.seq, st.oldest_seq),
                            st.oldest_pos,
                            self.geo(),
                        )
                        .with_path(self.path()));
                    }
                    st.oldest_pos += h.frame_len();
                    st.oldest_seq += 1;
                }
            }
            if st.oldest_pos > st.write_pos {
                return Err(Error::corrupt("frames overrun the write position").with_path(self.path()));
            }
        }
        Ok(())
    }

    fn sync(&self) -> std::io::Result<()> {
        self.file_handle().sync_data()
    }
}
