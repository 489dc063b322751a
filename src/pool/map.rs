//! The shared file mapping: bounds-checked byte copies and atomic words over a
//! `MAP_SHARED` mapping of the whole pool file.
//!
//! Invariant: every access is checked against the mapping length (and
//! alignment) and an access outside it panics, so memory safety never rests
//! on file contents. The panic is a bug detector, not error handling: callers
//! bound offsets read from the file (index slots, frame lengths) before they
//! reach this module, and turn bad ones into `Corrupt` errors.
//! Readers copy bytes that a writer in another process may be changing; they
//! detect such torn copies afterwards (seqlock generation, frame checksum).

use std::fs::File;
use std::sync::atomic::{AtomicU32, AtomicU64};

use memmap2::{MmapOptions, MmapRaw};

use crate::error::{Error, Result};

/// A shared mapping of a pool file (read-write, or read-only for a
/// process that may only read the file).
pub struct Mapping {
    raw: MmapRaw,
    len: usize,
    /// Our slot in the fault registry (see `fault`), if we got one.
    slot: Option<usize>,
}

impl Mapping {
    /// Maps `len` bytes of `file`. The caller has checked the file length
    /// against the header, so no access lands past the end of the file (a
    /// file that shrinks later is caught by the fault handler). A read-only
    /// mapping must never be written: `Pool` refuses every write first.
    pub fn new(file: &File, len: u64, writable: bool) -> Result<Mapping> {
        let len = usize::try_from(len).map_err(|_| Error::usage("pool too large to map"))?;
        let mut options = MmapOptions::new();
        options.len(len);
        let raw = if writable {
            options.map_raw(file)
        } else {
            options.map_raw_read_only(file)
        }
        .map_err(|e| Error::io("cannot map pool file", e))?;
        let slot = super::fault::register(raw.as_ptr(), len);
        Ok(Mapping { raw, len, slot })
    }

    /// Whether a page of this mapping faulted (the file shrank, or the disk
    /// could not back a write) and was replaced by zeros.
    #[inline]
    pub fn damaged(&self) -> bool {
        self.slot.is_some_and(super::fault::damaged)
    }

    fn check(&self, off: usize, len: usize) {
        assert!(
            off.checked_add(len).is_some_and(|end| end <= self.len),
            "mapping access out of bounds: {off}+{len} > {}",
            self.len
        );
    }

    /// The 8-byte aligned atomic word at `off`.
    pub fn atomic_u64(&self, off: usize) -> &AtomicU64 {
        self.check(off, 8);
        assert!(off % 8 == 0);
        // SAFETY: in bounds (checked), 8-aligned (the mapping is page-aligned and
        // `off` is a multiple of 8), and the memory lives as long as `self`.
        // Every process accesses these words only through atomics.
        unsafe { &*(self.raw.as_mut_ptr().add(off) as *const AtomicU64) }
    }

    /// The 4-byte aligned atomic word at `off`.
    pub fn atomic_u32(&self, off: usize) -> &AtomicU32 {
        self.check(off, 4);
        assert!(off % 4 == 0);
        // SAFETY: as for `atomic_u64`, with 4-byte alignment.
        unsafe { &*(self.raw.as_mut_ptr().add(off) as *const AtomicU32) }
    }

    /// Copies `dst.len()` bytes starting at `off` out of the mapping.
    pub fn read(&self, off: usize, dst: &mut [u8]) {
        self.check(off, dst.len());
        // SAFETY: the source range is in bounds (checked) and cannot overlap a
        // Rust-owned `dst`. A concurrent writer may change these bytes while we
        // copy; callers re-validate (generation, checksum) before trusting them.
        unsafe { std::ptr::copy_nonoverlapping(self.raw.as_ptr().add(off), dst.as_mut_ptr(), dst.len()) }
    }

    /// Copies `src` into the mapping at `off`. Only the holder of the writer
    /// lock writes outside the atomic words.
    pub fn write(&self, off: usize, src: &[u8]) {
        self.check(off, src.len());
        // SAFETY: the destination range is in bounds (checked) and does not
        // overlap `src`, which is Rust-owned memory.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.raw.as_mut_ptr().add(off), src.len()) }
    }

    /// Raw pointer to `off`, for the process-shared mutex.
    pub fn ptr(&self, off: usize, len: usize) -> *mut u8 {
        self.check(off, len);
        // SAFETY: in bounds (checked).
        unsafe { self.raw.as_mut_ptr().add(off) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Before `raw` is unmapped (fields drop after this runs).
        if let Some(slot) = self.slot {
            super::fault::unregister(slot);
        }
    }
}
