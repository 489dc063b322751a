//! The on-disk layout of a pool file, as pure data: offsets, the header, the
//! published-state slots and the frame header (see `docs/format.md`).
//!
//! Nothing here does I/O; every decoder checks bounds and checksums so a damaged
//! file becomes `Corrupt`, never a panic.

use crate::error::{Error, ErrorKind, Result};

/// File magic, the first 8 bytes of every pool.
pub const MAGIC: [u8; 8] = *b"PLASMITE";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Size of the header region; the index starts here.
pub const HEADER_SIZE: u64 = 4096;
/// Bytes of the static header covered by its checksum (the checksum follows).
pub const STATIC_HEADER_LEN: usize = 64;

// Mutable header fields, each on its own cache line where writers and readers meet.
/// Boot id of the machine that last initialized the writer lock (16 bytes).
pub const OFF_BOOT_ID: usize = 128;
/// Pid of the current lock holder (informational, for diagnostics and repair).
pub const OFF_OWNER_PID: usize = 144;
/// Inode number of the file the lock holder opened (written before the pid,
/// so that a copy of a file taken while its lock was held can be told apart).
pub const OFF_OWNER_INO: usize = 152;
/// Pid namespace (inode of `/proc/self/ns/pid`) of the lock holder: its pid
/// is only checked for liveness from the same namespace.
pub const OFF_OWNER_PIDNS: usize = 160;
/// The process-shared robust mutex that serializes writers.
pub const OFF_MUTEX: usize = 192;
/// Space reserved for the mutex.
pub const MUTEX_SPACE: usize = 64;
/// The generation counter that selects the current state slot.
pub const OFF_GEN: usize = 256;
/// The two state slots (double-buffered publish).
pub const OFF_SLOTS: [usize; 2] = [320, 384];
/// Commit word, the futex followers wait on: `counter << 1 | sleeping`.
pub const OFF_COMMIT: usize = 448;
/// The pool id: 16 random bytes in the reserved, unchecksummed part of the
/// static header (all-zero first 8 bytes: no id yet).
pub const OFF_POOL_ID: usize = 72;
/// Length of the pool id.
pub const POOL_ID_LEN: usize = 16;
/// Marks: a "pending" word (a marked append between staging its mark and
/// publishing), then the mark records (`docs/format.md`, Marks).
pub const OFF_MARK_PENDING: usize = 512;
/// The first mark record.
pub const OFF_MARKS: usize = 576;
/// Bytes of one mark record: key, generation, two slots.
pub const MARK_RECORD_LEN: usize = 64;
/// Mark records in the header (576..1024).
pub const MARK_RECORDS: usize = 7;

// Consumer groups (issue 13, `docs/format.md`, Consumer groups): header bytes
// 1024..4096 hold only the protect table; group state lives in sidecar files.
/// Bit `i` set: protect slot `i` belongs to a group marked `--protect`
/// (all zero: no protected group, appends never look further).
pub const OFF_PROTECT_MASK: usize = 1024;
/// The protect slots: `PROTECT_SLOTS` × 64 bytes of `{floor u64, name_len
/// u64, name [48]}`; `floor` is the lowest seq the group has not acked.
pub const OFF_PROTECT_SLOTS: usize = 1088;
/// Protect slots (protected groups per pool).
pub const PROTECT_SLOTS: usize = 32;
/// Bytes per protect slot.
pub const PROTECT_SLOT_LEN: usize = 64;

/// The first four bytes of a pool file of the earlier plasmite command
/// (0.x, its own format): recognized only to say what the file is.
pub const LEGACY_MAGIC: [u8; 4] = *b"PLSM";
/// Bytes of a file's start that [`legacy_pool_error`] looks at.
pub const LEGACY_PREFIX_LEN: usize = 104;

/// The error for a pool file of the earlier plasmite command (magic
/// `PLSM`), or `None` when `start` (the file's first bytes) is not one.
/// It is `Corrupt`, like any file this format cannot read, and its hint
/// says how to move the messages into a pool of this format with the
/// earlier command, which still reads it. The message count in the hint
/// comes from the file's header (the oldest and newest seqs at bytes 88
/// and 96 in its format version 3); `N` when they are not plausible.
pub fn legacy_pool_error(start: &[u8], path: &std::path::Path) -> Option<Error> {
    if start.len() < 8 || start[0..4] != LEGACY_MAGIC {
        return None;
    }
    let version = u32_at(start, 4);
    let count = if start.len() >= LEGACY_PREFIX_LEN {
        let (oldest, newest) = (u64_at(start, 88), u64_at(start, 96));
        (oldest >= 1 && newest >= oldest).then(|| (newest - oldest + 1).to_string())
    } else {
        None
    };
    let n = count.unwrap_or_else(|| "N".into());
    Some(
        Error::corrupt(format!(
            "{} is a pool file of the earlier plasmite command (magic PLSM, format version {version}), \
             which this plasmite does not read",
            path.display()
        ))
        .with_offset(0)
        .with_hint(format!(
            "copy its messages into a new pool with the earlier command (plasmite 0.8): \
             plasmite follow {} --tail {n} --replay 0 --jsonl --data-only | pls append NEW --create",
            path.display()
        )),
    )
}

/// Frame marker of a committed message frame ("FRM1" little-endian).
pub const FRAME_MARKER: u32 = u32::from_le_bytes(*b"FRM1");
/// Marker telling readers to continue at the start of the ring ("WRAP").
pub const WRAP_MARKER: u32 = u32::from_le_bytes(*b"WRAP");
/// Size of a frame header.
pub const FRAME_HEADER_LEN: usize = 32;
/// Frame flag: the payload starts with an origin block (a replicated
/// message's pool id, seq and time; `docs/format.md`, Frames).
pub const FLAG_ORIGIN: u8 = 1;
/// Length of the origin block: pool id (16), seq (u64), time (u64 ns).
pub const ORIGIN_LEN: usize = 32;
/// Smallest pool file accepted.
pub const MIN_POOL_SIZE: u64 = 64 * 1024;
/// Pool file size used when none is given.
pub const DEFAULT_POOL_SIZE: u64 = 1024 * 1024;
/// Largest index capacity accepted.
pub const MAX_INDEX_CAPACITY: u64 = 1 << 26;
/// Largest encoded tag list (JSON array text) in one frame.
pub const MAX_TAGS_LEN: usize = u16::MAX as usize;

/// How a frame's payload is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Compact JSON text.
    Json = 0,
    /// A Lite3 document `{"meta":{"tags":[..]},"data":..}`.
    Lite3 = 1,
}

impl Encoding {
    /// Decodes the encoding byte of a frame header.
    pub fn from_byte(b: u8) -> Option<Encoding> {
        match b {
            0 => Some(Encoding::Json),
            1 => Some(Encoding::Lite3),
            _ => None,
        }
    }
}

/// Rounds up to the next multiple of 8.
pub const fn align8(n: u64) -> u64 {
    (n + 7) & !7
}

/// The static, checksummed part of the header: the file's geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Total file length in bytes.
    pub file_size: u64,
    /// Number of slots in the seq → offset index.
    pub index_capacity: u64,
    /// Offset of the ring in the file.
    pub ring_offset: u64,
    /// Length of the ring in bytes (a multiple of 8).
    pub ring_size: u64,
    /// Creation time, ns since the Unix epoch.
    pub created_ns: u64,
}

impl Geometry {
    /// Length of a frame's header in the ring (`docs/format.md`, Frames).
    pub const FRAME_HEADER_LEN: usize = FRAME_HEADER_LEN;

    /// File offset of the index slot of `seq`: 8 bytes, the ring position
    /// of that message's frame (`docs/format.md`, Index).
    pub fn index_slot_offset(&self, seq: u64) -> u64 {
        HEADER_SIZE + (seq % self.index_capacity) * 8
    }

    /// Plans a new pool of `file_size` bytes. `index_capacity` of `None`
    /// picks one slot per 160 bytes of file (a power of two).
    pub(crate) fn plan(file_size: u64, index_capacity: Option<u64>, created_ns: u64) -> Result<Geometry> {
        if file_size < MIN_POOL_SIZE {
            return Err(Error::usage(format!(
                "pool size {file_size} is below the minimum of {MIN_POOL_SIZE} bytes (64K)"
            )));
        }
        if file_size > (1 << 46) {
            return Err(Error::usage(format!(
                "pool size {file_size} is too large (max 64T)"
            )));
        }
        let capacity = match index_capacity {
            Some(0) => return Err(Error::usage("index capacity must be at least 1")),
            Some(c) if c > MAX_INDEX_CAPACITY => {
                return Err(Error::usage(format!(
                    "index capacity {c} is above the maximum of {MAX_INDEX_CAPACITY}"
                )))
            }
            Some(c) => c,
            None => {
                // One slot per 160 file bytes (a 128-byte message's frame),
                // rounded up to a power of two, the index at most 1/8 of the file.
                let mut c = (file_size / 160).max(64).next_power_of_two();
                while c * 8 > file_size / 8 {
                    c /= 2;
                }
                c.clamp(64, MAX_INDEX_CAPACITY)
            }
        };
        let ring_offset = (HEADER_SIZE + capacity * 8 + 63) & !63;
        let ring_size = file_size.saturating_sub(ring_offset) & !7;
        if ring_size < 4096 {
            return Err(Error::usage(format!(
                "index capacity {capacity} leaves only {ring_size} bytes for messages in a {file_size}-byte pool"
            ))
            .with_hint("use a larger --size or a smaller --index-capacity"));
        }
        Ok(Geometry {
            file_size,
            index_capacity: capacity,
            ring_offset,
            ring_size,
            created_ns,
        })
    }

    /// The largest payload plus tags one frame can carry in this ring.
    pub(crate) fn max_frame_body(&self) -> u64 {
        self.ring_size - FRAME_HEADER_LEN as u64
    }

    /// Encodes the static header (magic, version, geometry, checksum).
    pub(crate) fn encode(&self) -> [u8; STATIC_HEADER_LEN + 4] {
        let mut h = [0u8; STATIC_HEADER_LEN + 4];
        h[0..8].copy_from_slice(&MAGIC);
        h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        h[12..16].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
        h[16..24].copy_from_slice(&self.file_size.to_le_bytes());
        h[24..32].copy_from_slice(&HEADER_SIZE.to_le_bytes());
        h[32..40].copy_from_slice(&self.index_capacity.to_le_bytes());
        h[40..48].copy_from_slice(&self.ring_offset.to_le_bytes());
        h[48..56].copy_from_slice(&self.ring_size.to_le_bytes());
        h[56..64].copy_from_slice(&self.created_ns.to_le_bytes());
        let crc = crc32c::crc32c(&h[..STATIC_HEADER_LEN]);
        h[64..68].copy_from_slice(&crc.to_le_bytes());
        h
    }

    /// Decodes and checks the static header against the real file length.
    pub(crate) fn decode(h: &[u8], actual_len: u64) -> Result<Geometry> {
        if h.len() < STATIC_HEADER_LEN + 4 || actual_len < HEADER_SIZE {
            return Err(
                Error::corrupt(format!("file is {actual_len} bytes, too short to be a pool")).with_offset(0),
            );
        }
        if h[0..8] != MAGIC {
            return Err(Error::corrupt("not a plasmite pool (bad magic)")
                .with_offset(0)
                .with_hint("the file was not created by plasmite, or its start was overwritten"));
        }
        let version = u32_at(h, 8);
        if version > FORMAT_VERSION {
            return Err(Error::usage(format!(
                "pool format version {version} is newer than this plasmite understands ({FORMAT_VERSION})"
            ))
            .with_offset(8)
            .with_hint("upgrade plasmite to open this pool"));
        }
        if version != FORMAT_VERSION {
            return Err(Error::corrupt(format!("unknown pool format version {version}")).with_offset(8));
        }
        let crc = u32_at(h, 64);
        if crc32c::crc32c(&h[..STATIC_HEADER_LEN]) != crc {
            return Err(Error::corrupt("header checksum mismatch").with_offset(64));
        }
        let g = Geometry {
            file_size: u64_at(h, 16),
            index_capacity: u64_at(h, 32),
            ring_offset: u64_at(h, 40),
            ring_size: u64_at(h, 48),
            created_ns: u64_at(h, 56),
        };
        let header_size = u32_at(h, 12) as u64;
        let index_offset = u64_at(h, 24);
        let sane = header_size == HEADER_SIZE
            && index_offset == HEADER_SIZE
            && g.index_capacity >= 1
            && g.index_capacity <= MAX_INDEX_CAPACITY
            && g.ring_offset >= HEADER_SIZE + g.index_capacity * 8
            && g.ring_size >= 64
            && g.ring_size % 8 == 0
            && g.ring_offset
                .checked_add(g.ring_size)
                .is_some_and(|end| end <= g.file_size);
        if !sane {
            return Err(Error::corrupt("header geometry is inconsistent").with_offset(16));
        }
        if g.file_size != actual_len {
            return Err(Error::corrupt(format!(
                "file is {actual_len} bytes but its header says {} (truncated or extended)",
                g.file_size
            ))
            .with_offset(16));
        }
        Ok(g)
    }
}

/// The published state of a pool: which messages exist and where.
///
/// Byte positions are logical (they only grow); the physical offset in the
/// ring is `pos % ring_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct State {
    /// Logical position of the oldest retained frame (or wrap marker).
    pub oldest_pos: u64,
    /// Sequence number of the oldest retained message.
    pub oldest_seq: u64,
    /// Logical position where the next frame goes.
    pub write_pos: u64,
    /// Sequence number the next message gets.
    pub next_seq: u64,
}

impl State {
    /// The state of a new, empty pool.
    pub const EMPTY: State = State {
        oldest_pos: 0,
        oldest_seq: 1,
        write_pos: 0,
        next_seq: 1,
    };

    /// Whether this state can describe a ring of `ring_size` bytes.
    pub fn is_consistent(&self, ring_size: u64) -> bool {
        self.oldest_pos <= self.write_pos
            && self.write_pos - self.oldest_pos <= ring_size
            && self.oldest_seq >= 1
            && self.oldest_seq <= self.next_seq
            && (self.next_seq - self.oldest_seq)
                <= (self.write_pos - self.oldest_pos) / FRAME_HEADER_LEN as u64
    }

    /// Messages retained.
    pub fn count(&self) -> u64 {
        self.next_seq - self.oldest_seq
    }

    /// Checksum of a state slot as published under generation `gen`.
    pub fn checksum(&self, gen: u64) -> u32 {
        let mut b = [0u8; 40];
        b[0..8].copy_from_slice(&self.oldest_pos.to_le_bytes());
        b[8..16].copy_from_slice(&self.oldest_seq.to_le_bytes());
        b[16..24].copy_from_slice(&self.write_pos.to_le_bytes());
        b[24..32].copy_from_slice(&self.next_seq.to_le_bytes());
        b[32..40].copy_from_slice(&gen.to_le_bytes());
        super::crc::crc32c(&b)
    }
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Payload encoding.
    pub encoding: Encoding,
    /// Flags: 0, or [`FLAG_ORIGIN`].
    pub flags: u8,
    /// Length of the tag list (JSON array text; 0 means no tags).
    pub tags_len: u16,
    /// Sequence number.
    pub seq: u64,
    /// Append time, ns since the Unix epoch.
    pub timestamp_ns: u64,
    /// Payload length.
    pub payload_len: u32,
    /// CRC-32C of header bytes 4..28, the tags and the payload.
    pub crc: u32,
}

impl FrameHeader {
    /// Total frame length including padding to 8 bytes.
    pub fn frame_len(&self) -> u64 {
        frame_len(self.tags_len as usize, self.payload_len as usize)
    }

    /// Encodes the header; the checksum field is written as given.
    pub fn encode(&self) -> [u8; FRAME_HEADER_LEN] {
        let mut h = [0u8; FRAME_HEADER_LEN];
        h[0..4].copy_from_slice(&FRAME_MARKER.to_le_bytes());
        h[4] = self.encoding as u8;
        h[5] = self.flags;
        h[6..8].copy_from_slice(&self.tags_len.to_le_bytes());
        h[8..16].copy_from_slice(&self.seq.to_le_bytes());
        h[16..24].copy_from_slice(&self.timestamp_ns.to_le_bytes());
        h[24..28].copy_from_slice(&self.payload_len.to_le_bytes());
        h[28..32].copy_from_slice(&self.crc.to_le_bytes());
        h
    }

    /// Decodes a header whose marker is [`FRAME_MARKER`].
    pub fn decode(h: &[u8; FRAME_HEADER_LEN]) -> Result<FrameHeader> {
        if u32_at(h, 0) != FRAME_MARKER {
            return Err(Error::corrupt("bad frame marker"));
        }
        let encoding = Encoding::from_byte(h[4]).ok_or_else(|| Error::corrupt("unknown payload encoding"))?;
        if h[5] & !FLAG_ORIGIN != 0 {
            return Err(Error::corrupt("unknown frame flags"));
        }
        if h[5] & FLAG_ORIGIN != 0 && (u32_at(h, 24) as usize) < ORIGIN_LEN {
            return Err(Error::corrupt("frame too short for its origin block"));
        }
        Ok(FrameHeader {
            encoding,
            flags: h[5],
            tags_len: u16::from_le_bytes([h[6], h[7]]),
            seq: u64_at(h, 8),
            timestamp_ns: u64_at(h, 16),
            payload_len: u32_at(h, 24),
            crc: u32_at(h, 28),
        })
    }

    /// The checksum over header bytes 4..28, tags and payload.
    pub fn compute_crc(&self, tags: &[u8], payload: &[u8]) -> u32 {
        self.compute_crc3(tags, &[], payload)
    }

    /// The checksum of a frame whose stored payload is `origin` then
    /// `payload` (the same as [`compute_crc`](FrameHeader::compute_crc) over
    /// their concatenation).
    pub fn compute_crc3(&self, tags: &[u8], origin: &[u8], payload: &[u8]) -> u32 {
        let h = self.encode();
        let c = super::crc::crc32c(&h[4..28]);
        let mut c = super::crc::append(c, tags);
        if !origin.is_empty() {
            c = super::crc::append(c, origin);
        }
        super::crc::append(c, payload)
    }
}

/// Frame length for the given tag and payload lengths, padded to 8 bytes.
pub fn frame_len(tags_len: usize, payload_len: usize) -> u64 {
    align8(FRAME_HEADER_LEN as u64 + tags_len as u64 + payload_len as u64)
}

/// Where a frame of `len` bytes goes when the write head is at `pos`:
/// returns the bytes skipped to the ring's start (0 when it fits).
pub fn wrap_skip(pos: u64, len: u64, ring_size: u64) -> u64 {
    let room = ring_size - pos % ring_size;
    if room < len {
        room
    } else {
        0
    }
}

/// Reads a little-endian u32 at `off` (caller guarantees bounds).
pub fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

/// Reads a little-endian u64 at `off` (caller guarantees bounds).
pub fn u64_at(b: &[u8], off: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[off..off + 8]);
    u64::from_le_bytes(a)
}

/// The error for a frame that failed a check while being read.
pub fn frame_error(what: &str, pos: u64, geometry: &Geometry) -> Error {
    Error::new(ErrorKind::Corrupt, format!("damaged frame: {what}"))
        .with_offset(geometry.ring_offset + pos % geometry.ring_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_round_trips_and_rejects_damage() {
        let g = Geometry::plan(1 << 20, None, 42).unwrap();
        assert!(g.ring_size > 900_000 && g.index_capacity.is_power_of_two());
        let h = g.encode();
        assert_eq!(Geometry::decode(&h, 1 << 20).unwrap(), g);
        assert_eq!(
            Geometry::decode(&h, (1 << 20) - 1).unwrap_err().kind(),
            ErrorKind::Corrupt
        );
        let mut bad = h;
        bad[50] ^= 1;
        assert_eq!(
            Geometry::decode(&bad, 1 << 20).unwrap_err().kind(),
            ErrorKind::Corrupt
        );
        let mut newer = h;
        newer[8] = 2;
        assert_eq!(
            Geometry::decode(&newer, 1 << 20).unwrap_err().kind(),
            ErrorKind::Usage
        );
    }

    #[test]
    fn plan_accepts_odd_sizes_and_rejects_tiny_ones() {
        let g = Geometry::plan(65_537, None, 0).unwrap();
        assert_eq!(g.file_size, 65_537);
        assert!(g.ring_offset + g.ring_size <= 65_537);
        assert_eq!(
            Geometry::plan(65_535, None, 0).unwrap_err().kind(),
            ErrorKind::Usage
        );
        assert_eq!(
            Geometry::plan(1 << 16, Some(1 << 20), 0).unwrap_err().kind(),
            ErrorKind::Usage
        );
    }

    #[test]
    fn wrap_skip_only_when_the_tail_is_short() {
        assert_eq!(wrap_skip(0, 64, 1024), 0);
        assert_eq!(wrap_skip(960, 64, 1024), 0);
        assert_eq!(wrap_skip(968, 64, 1024), 56);
        assert_eq!(wrap_skip(1024 + 968, 64, 1024), 56);
    }

    #[test]
    fn state_consistency() {
        assert!(State::EMPTY.is_consistent(4096));
        let s = State {
            oldest_pos: 0,
            oldest_seq: 1,
            write_pos: 64,
            next_seq: 3,
        };
        assert!(s.is_consistent(4096));
        let too_many = State { next_seq: 4, ..s };
        assert!(!too_many.is_consistent(4096));
        let over = State { write_pos: 5000, ..s };
        assert!(!over.is_consistent(4096));
    }
}
