//! CRC-32C for the small inputs of the hot paths (state slots, frame
//! checksums): the same function as the `crc32c` crate, computed with the
//! SSE 4.2 instruction over unaligned 8-byte words, without the crate's
//! per-call alignment loops. Inputs of 768 bytes and more go to the crate,
//! whose three-way interleaved loop is faster there.

/// From this length on, the crate's interleaved loop wins.
const LONG: usize = 768;

/// Bytes per stream in one round of the three-way interleaved loop.
const BLOCK: usize = 64;

/// Multiplication by x^(8 * BLOCK) modulo the CRC-32C polynomial (the raw
/// CRC state after BLOCK zero bytes), byte by byte: the CRC is linear, so
/// four lookups shift a whole state.
struct Shift([[u32; 256]; 4]);

impl Shift {
    fn get() -> &'static Shift {
        static TABLE: std::sync::OnceLock<Box<Shift>> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let zeros = [0u8; BLOCK];
            let mut t = Box::new(Shift([[0; 256]; 4]));
            for (k, row) in t.0.iter_mut().enumerate() {
                for (b, slot) in row.iter_mut().enumerate() {
                    // The raw update (no pre/post inversion) from state b << 8k.
                    let state = (b as u32) << (8 * k);
                    *slot = !crc32c::crc32c_append(!state, &zeros);
                }
            }
            t
        })
    }

    #[inline]
    fn apply(&self, c: u32) -> u32 {
        self.0[0][(c & 0xff) as usize]
            ^ self.0[1][(c >> 8 & 0xff) as usize]
            ^ self.0[2][(c >> 16 & 0xff) as usize]
            ^ self.0[3][(c >> 24) as usize]
    }
}

/// CRC-32C of `data`, continuing from `crc` (0 to start), exactly as
/// `crc32c::crc32c_append`.
#[inline]
pub fn append(crc: u32, data: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if data.len() < LONG && std::is_x86_feature_detected!("sse4.2") {
            // SAFETY: the CPU supports SSE 4.2 (checked just above).
            return unsafe { append_sse42(crc, data) };
        }
    }
    crc32c::crc32c_append(crc, data)
}

/// CRC-32C of `data`, exactly as `crc32c::crc32c`.
#[inline]
pub fn crc32c(data: &[u8]) -> u32 {
    append(0, data)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse4.2")]
unsafe fn append_sse42(crc: u32, data: &[u8]) -> u32 {
    use std::arch::x86_64::{_mm_crc32_u64, _mm_crc32_u8};
    let word = |d: &[u8], i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[i * 8..i * 8 + 8]);
        u64::from_le_bytes(b)
    };
    let mut c = u64::from(!crc);
    let mut rest = data;
    if rest.len() >= 3 * BLOCK {
        // The instruction has a latency of 3 and a throughput of 1: run three
        // independent streams, then combine them (crc(A || B) is crc(A)
        // shifted past B, xor crc(B) from a zero state).
        let shift = Shift::get();
        while rest.len() >= 3 * BLOCK {
            let (a, tail) = rest.split_at(BLOCK);
            let (b, tail) = tail.split_at(BLOCK);
            let (d, tail) = tail.split_at(BLOCK);
            let (mut c1, mut c2) = (0u64, 0u64);
            for i in 0..BLOCK / 8 {
                c = _mm_crc32_u64(c, word(a, i));
                c1 = _mm_crc32_u64(c1, word(b, i));
                c2 = _mm_crc32_u64(c2, word(d, i));
            }
            c = u64::from(shift.apply(c as u32) ^ c1 as u32);
            c = u64::from(shift.apply(c as u32) ^ c2 as u32);
            rest = tail;
        }
    }
    let mut words = rest.chunks_exact(8);
    for w in &mut words {
        c = _mm_crc32_u64(c, word(w, 0));
    }
    let mut c = c as u32;
    for &b in words.remainder() {
        c = _mm_crc32_u8(c, b);
    }
    !c
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_crc32c_crate() {
        let data: Vec<u8> = (0..3000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..9 {
            for len in (0..1100).chain([1500, 2900]) {
                if start + len > data.len() {
                    continue;
                }
                let d = &data[start..start + len];
                assert_eq!(super::crc32c(d), crc32c::crc32c(d), "len {len} at {start}");
                assert_eq!(
                    super::append(0xdead_beef, d),
                    crc32c::crc32c_append(0xdead_beef, d),
                    "append, len {len} at {start}"
                );
            }
        }
    }
}
