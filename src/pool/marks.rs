//! A pool's identity and its durable marks (`docs/format.md`, *Pool id* and
//! *Marks*).
//!
//! The pool id is 16 random bytes in the reserved, unchecksummed part of the
//! static header, written when the pool is created; a pool made before ids
//! existed gets one the first time a process opens it for writing.
//!
//! A mark is a named `u64` kept in the header (bytes 512..1024) that a
//! process sets to remember how far it got: a bridge's last position handed
//! over, the last stream position applied. Each mark is double-buffered and
//! checksummed, and a mark set together with an append
//! ([`Pool::append_batch_marked`]) becomes visible exactly when the append
//! does: a crash between the two leaves both or neither.

use std::sync::atomic::{fence, Ordering};

use super::layout::{
    State, MARK_RECORDS, MARK_RECORD_LEN, OFF_MARKS, OFF_MARK_PENDING, OFF_POOL_ID, POOL_ID_LEN,
};
use super::map::Mapping;
use super::{lock, Batch, BatchReceipt, Durability, Inner, Pool};
use crate::error::{Error, ErrorKind, Result};

/// A mark as read back: its value and the pool's next seq when it was set
/// (every message appended after it has a seq ≥ `at_seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The value given to [`Pool::set_mark`] or [`Pool::append_batch_marked`].
    pub value: u64,
    /// The seq the pool's next message was to get when the mark was set
    /// (for a marked append: the seq after the batch's last message).
    pub at_seq: u64,
}

/// 16 fresh random bytes whose first 8 are not all zero (all-zero means "no
/// id yet" in the header).
pub(crate) fn new_pool_id() -> [u8; POOL_ID_LEN] {
    use std::io::Read;
    let mut id = [0u8; POOL_ID_LEN];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut id));
    if read.is_err() {
        // No /dev/urandom (a bare chroot): the hasher's per-process random
        // keys, mixed with the clock and pid.
        use std::hash::{BuildHasher, Hasher};
        for (i, chunk) in id.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(super::now_ns());
            h.write_u32(std::process::id());
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    if id[..8] == [0; 8] {
        id[0] = 1;
    }
    id
}

/// Writes a new id into a mapping (creation, before the file is visible).
pub(crate) fn write_pool_id(map: &Mapping) {
    let id = new_pool_id();
    map.write(OFF_POOL_ID + 8, &id[8..]);
    map.atomic_u64(OFF_POOL_ID).store(
        u64::from_le_bytes(id[..8].try_into().expect("8 bytes")),
        Ordering::Release,
    );
}

/// The id recorded in a mapping, `None` while its first half is zero.
pub(crate) fn read_pool_id(map: &Mapping) -> Option<[u8; POOL_ID_LEN]> {
    let first = map.atomic_u64(OFF_POOL_ID).load(Ordering::Acquire);
    if first == 0 {
        return None;
    }
    let mut id = [0u8; POOL_ID_LEN];
    id[..8].copy_from_slice(&first.to_le_bytes());
    map.read(OFF_POOL_ID + 8, &mut id[8..]);
    Some(id)
}

/// Lowercase hex of an id (32 characters).
pub fn pool_id_hex(id: &[u8; POOL_ID_LEN]) -> String {
    let mut s = String::with_capacity(2 * POOL_ID_LEN);
    for b in id {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The key of a mark name: FNV-1a 64, never 0 (0 marks a free record).
fn mark_key(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h == 0 {
        1
    } else {
        h
    }
}

fn record_off(i: usize) -> usize {
    OFF_MARKS + i * MARK_RECORD_LEN
}

/// Offset of slot `gen % 2` of the record at `rec`.
fn slot_off(rec: usize, gen: u64) -> usize {
    rec + 16 + (gen & 1) as usize * 24
}

fn slot_crc(key: u64, value: u64, at_seq: u64, gen32: u32) -> u32 {
    let mut b = [0u8; 28];
    b[0..8].copy_from_slice(&key.to_le_bytes());
    b[8..16].copy_from_slice(&value.to_le_bytes());
    b[16..24].copy_from_slice(&at_seq.to_le_bytes());
    b[24..28].copy_from_slice(&gen32.to_le_bytes());
    super::crc::crc32c(&b)
}

/// One slot as read: `None` when it is not the complete slot of `gen`.
fn read_slot(map: &Mapping, rec: usize, key: u64, gen: u64) -> Option<Mark> {
    let off = slot_off(rec, gen);
    let value = map.atomic_u64(off).load(Ordering::Relaxed);
    let at_seq = map.atomic_u64(off + 8).load(Ordering::Relaxed);
    let gen32 = map.atomic_u32(off + 16).load(Ordering::Relaxed);
    let crc = map.atomic_u32(off + 20).load(Ordering::Relaxed);
    (gen32 == gen as u32 && crc == slot_crc(key, value, at_seq, gen32)).then_some(Mark { value, at_seq })
}

fn write_slot(map: &Mapping, rec: usize, key: u64, gen: u64, m: Mark) {
    let off = slot_off(rec, gen);
    let gen32 = gen as u32;
    map.atomic_u64(off).store(m.value, Ordering::Relaxed);
    map.atomic_u64(off + 8).store(m.at_seq, Ordering::Relaxed);
    map.atomic_u32(off + 16).store(gen32, Ordering::Relaxed);
    map.atomic_u32(off + 20)
        .store(slot_crc(key, m.value, m.at_seq, gen32), Ordering::Relaxed);
}

/// A mark to set with an append (see [`Pool::append_batch_marked`]).
pub(crate) struct MarkUpdate<'a> {
    pub name: &'a str,
    pub value: u64,
}

impl Inner {
    /// The record holding `key`, if any.
    fn find_mark(&self, key: u64) -> Option<usize> {
        (0..MARK_RECORDS)
            .map(record_off)
            .find(|&rec| self.map().atomic_u64(rec).load(Ordering::Acquire) == key)
    }

    /// Reads the mark named `name` against the published `next_seq` read
    /// after it: a slot set by an append that is not (yet) published is
    /// not the mark, the slot before it is.
    pub(crate) fn read_mark(&self, name: &str) -> Result<Option<Mark>> {
        let key = mark_key(name);
        let Some(rec) = self.find_mark(key) else {
            return Ok(None);
        };
        let map = self.map();
        for _ in 0..1000 {
            let g1 = map.atomic_u64(rec + 8).load(Ordering::Acquire);
            let cur = read_slot(map, rec, key, g1);
            let prev = if g1 == 0 {
                None
            } else {
                read_slot(map, rec, key, g1 - 1)
            };
            fence(Ordering::Acquire);
            if map.atomic_u64(rec + 8).load(Ordering::Relaxed) != g1 {
                std::thread::yield_now();
                continue;
            }
            let (st, _) = self.load_state()?;
            let pick = match cur {
                Some(m) if m.at_seq <= st.next_seq => Some((m, g1)),
                // Unpublished (a marked append in flight or dead) or torn
                // (power lost while it was written): the one before.
                _ => prev.map(|m| (m, g1 - 1)),
            };
            return match pick {
                // Generation 0 is the record's claim, "not set yet".
                Some((_, 0)) => Ok(None),
                Some((m, _)) => Ok(Some(m)),
                None if g1 <= 1 => Ok(None),
                None => Err(Error::corrupt(format!("the pool's mark {name:?} is damaged"))
                    .with_offset(rec as u64)
                    .with_path(self.path())),
            };
        }
        Err(Error::new(ErrorKind::Busy, "a mark kept changing while being read").with_path(self.path()))
    }

    /// Under the writer lock: undoes a mark staged by a marked append whose
    /// writer died before publishing it (see `docs/format.md`, Marks), so
    /// that no later append can make it look published.
    pub(crate) fn settle_marks(&self, st: &State) {
        let map = self.map();
        let pending = map.atomic_u64(OFF_MARK_PENDING);
        if pending.load(Ordering::Acquire) == 0 {
            return;
        }
        for rec in (0..MARK_RECORDS).map(record_off) {
            let key = map.atomic_u64(rec).load(Ordering::Acquire);
            if key == 0 {
                continue;
            }
            let gen = map.atomic_u64(rec + 8).load(Ordering::Acquire);
            let staged_unpublished = match read_slot(map, rec, key, gen) {
                Some(m) => m.at_seq > st.next_seq,
                None => true,
            };
            if gen > 0 && staged_unpublished {
                map.atomic_u64(rec + 8).store(gen - 1, Ordering::Release);
            }
        }
        pending.store(0, Ordering::Release);
    }

    /// Under the writer lock: makes `m` the current slot of mark `name`
    /// (claiming a free record for a new name). `staged` says the publish
    /// that makes `at_seq` true is still to come: the pending word is set
    /// first, for [`settle_marks`](Inner::settle_marks).
    pub(crate) fn store_mark(&self, name: &str, m: Mark, staged: bool) -> Result<()> {
        let map = self.map();
        let key = mark_key(name);
        let rec = match self.find_mark(key) {
            Some(rec) => rec,
            None => {
                let Some(rec) = (0..MARK_RECORDS)
                    .map(record_off)
                    .find(|&rec| map.atomic_u64(rec).load(Ordering::Acquire) == 0)
                else {
                    return Err(Error::usage(format!(
                        "no room for the mark {name:?}: the pool's {MARK_RECORDS} marks are in use"
                    ))
                    .with_path(self.path()));
                };
                // Claim: generation 0 ("not set") complete before the key.
                write_slot(map, rec, key, 0, Mark { value: 0, at_seq: 0 });
                map.atomic_u64(rec + 8).store(0, Ordering::Relaxed);
                map.atomic_u64(rec).store(key, Ordering::Release);
                rec
            }
        };
        let gen = map.atomic_u64(rec + 8).load(Ordering::Acquire);
        write_slot(map, rec, key, gen + 1, m);
        if staged {
            map.atomic_u64(OFF_MARK_PENDING).store(1, Ordering::SeqCst);
        }
        map.atomic_u64(rec + 8).store(gen + 1, Ordering::Release);
        self.check_damage()
    }

    /// After the publish of a marked append: nothing is pending any more.
    pub(crate) fn clear_mark_pending(&self) {
        self.map()
            .atomic_u64(OFF_MARK_PENDING)
            .store(0, Ordering::Release);
    }

    /// Gives a pool without an id one, under the writer lock (so two
    /// openers cannot both write one), and syncs it.
    pub(crate) fn ensure_pool_id(&self) -> Result<()> {
        if self.is_read_only() || read_pool_id(self.map()).is_some() {
            return Ok(());
        }
        let guard = lock::lock(self.map(), self.file_handle(), self.file_id())?;
        if read_pool_id(self.map()).is_none() {
            write_pool_id(self.map());
        }
        drop(guard);
        self.check_damage()?;
        self.file_handle()
            .sync_data()
            .map_err(|e| Error::io("cannot flush pool to disk", e))
    }
}

impl Pool {
    /// The pool's id: 16 random bytes given at creation, kept by a copy of
    /// the file, new for a re-created pool. `None` only for a pool made
    /// before ids existed that no process has opened for writing since
    /// (opening it writable gives it one).
    pub fn id(&self) -> Option<[u8; 16]> {
        read_pool_id(self.inner().map())
    }

    /// The pool's id as 32 lowercase hex digits (see [`id`](Pool::id)).
    pub fn id_hex(&self) -> Option<String> {
        self.id().map(|id| pool_id_hex(&id))
    }

    /// The durable mark named `name`, `None` if it was never set. See
    /// [`set_mark`](Pool::set_mark).
    pub fn mark(&self, name: &str) -> Result<Option<Mark>> {
        self.inner().read_mark(name)
    }

    /// Sets the durable mark `name` to `value` (a program's own position:
    /// how far it has handed the pool over, say). A pool holds up to 7
    /// marks; their names are the caller's (keep them stable). A crash
    /// leaves either the old or the new value; `Flush` also syncs the file.
    pub fn set_mark(&self, name: &str, value: u64, durability: Durability) -> Result<()> {
        let inner = self.inner();
        if inner.is_read_only() {
            return Err(read_only_error(inner));
        }
        let guard = lock::lock(inner.map(), inner.file_handle(), inner.file_id())
            .map_err(|e| e.with_path(inner.path()))?;
        let (st, _) = inner.load_state()?;
        inner.settle_marks(&st);
        inner.store_mark(
            name,
            Mark {
                value,
                at_seq: st.next_seq,
            },
            false,
        )?;
        drop(guard);
        if durability == Durability::Flush {
            inner
                .file_handle()
                .sync_data()
                .map_err(|e| Error::io("cannot flush pool to disk", e).with_path(inner.path()))?;
        }
        Ok(())
    }

    /// Appends `batch` and sets the mark `name` to `value` atomically: a
    /// reader (or a crash at any instruction) sees both or neither. The
    /// mark's `at_seq` is the seq after the batch. For importers that must
    /// apply each source position exactly once (`pls bridge in`).
    pub fn append_batch_marked(
        &self,
        batch: &Batch,
        name: &str,
        value: u64,
        durability: Durability,
    ) -> Result<BatchReceipt> {
        self.write_frames_marked(batch.frames(), Some(MarkUpdate { name, value }), durability)
    }
}

fn read_only_error(inner: &Inner) -> Error {
    Error::new(
        ErrorKind::Permission,
        "cannot write: the pool was opened read-only (this process may not write its file, or the filesystem is read-only)",
    )
    .with_path(inner.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_never_zero_and_differ() {
        assert_ne!(mark_key("out:a"), mark_key("out:b"));
        assert_ne!(mark_key(""), 0);
    }

    #[test]
    fn ids_are_fresh_and_nonzero() {
        let a = new_pool_id();
        let b = new_pool_id();
        assert_ne!(a, b);
        assert_ne!(a[..8], [0; 8]);
        assert_eq!(pool_id_hex(&a).len(), 32);
    }
}
