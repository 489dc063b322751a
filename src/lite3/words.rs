//! Word-at-a-time scanning of string bytes (SWAR): eight bytes per step to
//! find the ones JSON output must escape. Shared by the validating walk (which
//! notes whether a string needs escaping) and the JSON writer.

pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// True when any byte of `x` is < 0x20, `"` or `\\` (exact, no false positives).
#[inline]
pub(crate) fn word_needs_escape(x: u64) -> bool {
    let ctl = x.wrapping_sub(LO * 0x20) & !x;
    let q = x ^ (LO * u64::from(b'"'));
    let q = q.wrapping_sub(LO) & !q;
    let b = x ^ (LO * u64::from(b'\\'));
    let b = b.wrapping_sub(LO) & !b;
    (ctl | q | b) & HI != 0
}

/// Loads the 8 bytes at `i` of `ext` (which extends past the string's
/// `len` bytes into the rest of the buffer, or equals it) as a little-endian
/// word, with bytes at or past `len` replaced by `A` (ASCII, no escape).
#[inline]
pub(crate) fn load_word(ext: &[u8], i: usize, len: usize) -> u64 {
    const FILL: u64 = LO * b'A' as u64;
    let n = len - i;
    match ext.get(i..i + 8) {
        Some(c) => {
            let x = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            if n >= 8 {
                x
            } else {
                let keep = (1u64 << (8 * n)) - 1;
                (x & keep) | (FILL & !keep)
            }
        }
        None => {
            let mut w = FILL;
            for (j, &b) in ext.get(i..len).unwrap_or_default().iter().take(8).enumerate() {
                let sh = 8 * j;
                w = (w & !(0xff << sh)) | (u64::from(b) << sh);
            }
            w
        }
    }
}
