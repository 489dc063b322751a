//! Lite3 → JSON text: the compact output format of docs/lite3.md §10.2 (number spelling,
//! string escaping, base64 for bytes) as a [`Sink`] for the walker.

use super::node::T_OBJ;
use super::walk::Sink;
use super::words::{load_word, word_needs_escape, HI};
use std::fmt::Write as _;

/// Writes compact JSON into `out` (owned, so that the hot writes reach the
/// vector's fields without a second indirection).
pub(crate) struct JsonSink {
    pub(crate) out: Vec<u8>,
}

impl JsonSink {
    /// Runs `f` with a sink that appends to `out` (left as it was on error).
    #[inline]
    pub(crate) fn with<E>(
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut JsonSink) -> Result<(), E>,
    ) -> Result<(), E> {
        let start = out.len();
        let mut sink = JsonSink {
            out: std::mem::take(out),
        };
        let r = f(&mut sink);
        *out = sink.out;
        if r.is_err() {
            out.truncate(start);
        }
        r
    }
}

impl Sink for JsonSink {
    #[inline]
    fn begin(&mut self, ty: u8) {
        self.out.push(if ty == T_OBJ { b'{' } else { b'[' });
    }
    #[inline]
    fn end(&mut self, ty: u8) {
        self.out.push(if ty == T_OBJ { b'}' } else { b']' });
    }
    #[inline]
    fn item(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
    }
    #[inline]
    fn key(&mut self, k: &[u8], ext: &[u8], plain: bool) {
        if plain {
            put_plain_key(&mut self.out, k, ext);
        } else {
            write_str_ascii(&mut self.out, k, ext);
            self.out.push(b':');
        }
    }
    #[inline]
    fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }
    #[inline]
    fn boolean(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" as &[u8] } else { b"false" });
    }
    #[inline]
    fn int(&mut self, v: i64) {
        write_i64(&mut self.out, v);
    }
    #[inline]
    fn float(&mut self, v: f64) {
        write_f64(&mut self.out, v);
    }
    #[inline]
    fn string(&mut self, s: &[u8], ext: &[u8]) {
        write_str_ascii(&mut self.out, s, ext);
    }
    #[inline]
    fn string_checked(&mut self, s: &[u8], ext: &[u8]) -> bool {
        // Write while scanning; on invalid UTF-8 the caller discards the output.
        write_str_ascii(&mut self.out, s, ext) || std::str::from_utf8(s).is_ok()
    }
    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        write_base64(&mut self.out, b);
    }
}

/// Appends the decimal text of `v`.
#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Fixed-capacity `fmt::Write` target on the stack.
struct StackBuf {
    buf: [u8; 48],
    len: usize,
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Appends a finite double the way the C library prints it (§10.2): shortest
/// round-trip digits, ECMAScript layout, `.0` on integral values, `-0.0`, and
/// no `+` in exponents. Non-finite values (never accepted by validation) are
/// written as `null`.
pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) {
    if !v.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    if v.is_sign_negative() {
        out.push(b'-');
    }
    if v == 0.0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    let a = v.abs();
    if (1e-5..4.5e15).contains(&a) {
        if let Some((m, k)) = short_decimal(a) {
            write_fixed(out, m, k);
            return;
        }
    }
    if tie_possible(a) {
        write_f64_slow(out, a);
        return;
    }
    let mut rb = ryu::Buffer::new();
    let text = rb.format_finite(a).as_bytes();
    if text.contains(&b'e') {
        relayout(out, text);
    } else {
        // Ryu writes no exponent for -5 < n <= 16, and there its layout is
        // §10.2's: digits with `.0` when integral, or `0.000ddd`.
        out.extend_from_slice(text);
    }
}

/// Conservative test for finite `a > 0` whose exact binary value might lie
/// exactly halfway between the two nearest shortest decimals. There Ryu rounds
/// the last digit to even and core's formatter rounds up; everywhere else both
/// give the unique nearest shortest decimal, so Ryu is used only outside this
/// set (keeping the output identical to the general path).
///
/// A tie needs the exact value to have at most 18 significant digits (one more
/// than the shortest form). With `a = m × 2^q`, `m` odd: for `q < 0` the exact
/// value is `m × 5^-q / 10^-q`, whose digit count is at least
/// `(bits(m) - 1) log10 2 + (-q) log10 5`; for `q >= 0` it is an integer,
/// exact (so no tie) below 2^53, and with more than 18 digits from 10^19 on
/// unless `m` is a multiple of 5 (trailing decimal zeros).
#[inline]
fn tie_possible(a: f64) -> bool {
    let bits = a.to_bits();
    let be = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, q) = if be == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), be - 1075)
    };
    if m == 0 {
        return true;
    }
    let tz = m.trailing_zeros();
    let m = m >> tz;
    let q = q + tz as i32;
    if q >= 0 {
        return a >= 9_007_199_254_740_992.0 && (a < 1e19 || m % 5 == 0);
    }
    let mbits = i64::from(64 - m.leading_zeros());
    // Lower bound of log10(m × 5^-q), scaled by 10^5 (rounded down).
    (mbits - 1) * 30_102 + i64::from(-q) * 69_897 <= 1_900_000
}

/// Exact powers of ten 10^0..=10^22 (all representable as f64).
static POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// For `a` in [1e-5, 4.5e15): the smallest `k` such that some integer `m < 2^53`
/// satisfies `m / 10^k == a` after correct rounding, i.e. the decimal
/// `m × 10^-k` reads back as `a`. That is the shortest round-trip decimal
/// (fewer decimals = fewer significant digits at a fixed magnitude; with
/// `m < 2^53` the rounding interval is narrower than 1 unit of `m`, so the
/// nearest integer is the only candidate). `None` when more than 8 decimals
/// are needed: the general algorithm handles those.
#[inline]
fn short_decimal(a: f64) -> Option<(u64, usize)> {
    for (k, &p) in POW10.iter().enumerate().take(9) {
        let x = a * p;
        if x >= 4_503_599_627_370_496.0 {
            // 2^52: beyond this the nearest-integer argument no longer holds.
            return None;
        }
        // Truncating x + 0.5 may pick the wrong neighbour only when x is within
        // an ulp of a half-integer, where no integer reads back as `a` anyway;
        // the exact check below rejects it either way.
        let m = (x + 0.5) as u64;
        if m as f64 / p == a {
            return Some((m, k));
        }
    }
    None
}

/// Writes `m × 10^-k` in the decimal layout of §10.2 (`a` in [1e-5, 4.5e15)).
fn write_fixed(out: &mut Vec<u8>, m: u64, k: usize) {
    if k == 0 {
        write_i64(out, m as i64);
        out.extend_from_slice(b".0");
        return;
    }
    let mut digits = [b'0'; 24];
    let mut i = digits.len();
    let mut n = m;
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let len = digits.len() - i;
    if len > k {
        // Integer part present.
        let d = &digits[i..];
        out.extend_from_slice(&d[..len - k]);
        out.push(b'.');
        out.extend_from_slice(&d[len - k..]);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (k - len), b'0');
        out.extend_from_slice(&digits[i..]);
    }
}

/// General path: shortest digits from core's formatter, then the §10.2 layout.
#[cold]
fn write_f64_slow(out: &mut Vec<u8>, a: f64) {
    let mut sb = StackBuf { buf: [0; 48], len: 0 };
    if write!(sb, "{:e}", a).is_err() {
        out.extend_from_slice(b"0.0");
        return;
    }
    relayout(out, sb.buf.get(..sb.len).unwrap_or_default());
}

/// Writes `d[.ddd][e[-]x]` (shortest digits of a positive double, as core's
/// `{:e}` or Ryu print them) in the layout of §10.2.
fn relayout(out: &mut Vec<u8>, text: &[u8]) {
    let epos = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
    let (mant, exp_t) = text.split_at(epos);
    let mut digits = [0u8; 24];
    let mut k = 0usize;
    let mut point = None;
    for &b in mant {
        if b.is_ascii_digit() {
            if let Some(d) = digits.get_mut(k) {
                *d = b;
                k += 1;
            }
        } else if b == b'.' {
            point = Some(k);
        }
    }
    // Drop leading zeros (a mantissa like `0.00012`) and trailing ones (`100.0`).
    let int_digits = point.unwrap_or(k) as i32;
    let lead = digits[..k].iter().take_while(|&&d| d == b'0').count();
    let trail = digits[lead..k].iter().rev().take_while(|&&d| d == b'0').count();
    let digits = digits.get(lead..k - trail).unwrap_or_default();
    let mut e: i32 = 0;
    let mut neg = false;
    for &b in exp_t.iter().skip(1) {
        if b == b'-' {
            neg = true;
        } else if b.is_ascii_digit() {
            e = e * 10 + i32::from(b - b'0');
        }
    }
    if neg {
        e = -e;
    }
    let n = e + int_digits - lead as i32; // value = 0.d1..dk × 10^n
    let k = digits.len() as i32;
    if -6 < n && n <= 21 {
        if k <= n {
            out.extend_from_slice(digits);
            out.resize(out.len() + (n - k) as usize, b'0');
            out.extend_from_slice(b".0");
        } else if n > 0 {
            let (a, b) = digits.split_at(n as usize);
            out.extend_from_slice(a);
            out.push(b'.');
            out.extend_from_slice(b);
        } else {
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-n) as usize, b'0');
            out.extend_from_slice(digits);
        }
    } else {
        let (a, b) = digits.split_at(1.min(digits.len()));
        out.extend_from_slice(a);
        if !b.is_empty() {
            out.push(b'.');
            out.extend_from_slice(b);
        }
        out.push(b'e');
        write_i64(out, i64::from(n - 1));
    }
}

/// Escape class per byte: 0 = copy, 1 = short escape, 2 = \u00XX.
static ESC: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 2;
        i += 1;
    }
    t[8] = 1;
    t[9] = 1;
    t[10] = 1;
    t[12] = 1;
    t[13] = 1;
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t
};

/// Appends one byte of string content, escaped as the C library does.
#[inline]
fn put_escaped_byte(out: &mut Vec<u8>, b: u8) {
    match ESC[b as usize] {
        0 => out.push(b),
        1 => {
            let e = match b {
                8 => b'b',
                9 => b't',
                10 => b'n',
                12 => b'f',
                13 => b'r',
                other => other,
            };
            out.extend_from_slice(&[b'\\', e]);
        }
        _ => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]);
        }
    }
}

/// Appends the contents of `s` with escapes (no quotes); returns the OR of
/// all its bytes' high bits (non-zero when `s` is not ASCII).
///
/// Copies whole 8-byte words (no per-copy `memcpy` call); the last word may
/// carry up to 7 bytes past the string, cut off again at the end.
#[inline]
fn put_str_body(out: &mut Vec<u8>, s: &[u8], ext: &[u8]) -> u64 {
    let n = s.len();
    let mut high = 0u64;
    let mut i = 0;
    while i < n {
        let x = load_word(ext, i, n);
        high |= x;
        if !word_needs_escape(x) {
            out.extend_from_slice(&x.to_le_bytes());
            i += 8;
            continue;
        }
        let end = (i + 8).min(n);
        for &b in s.get(i..end).unwrap_or_default() {
            if ESC[b as usize] == 0 {
                out.push(b);
            } else {
                put_escaped_byte(out, b);
            }
        }
        i = end;
    }
    // Only a whole-word copy can pass the end: drop the fill bytes.
    out.truncate(out.len() - (i - n));
    high & HI
}

/// Appends `k` (which needs no escaping) between quotes, then `:`, copying
/// whole words read from `ext` (`k` followed by more bytes, or `k` itself).
#[inline]
fn put_plain_key(out: &mut Vec<u8>, k: &[u8], ext: &[u8]) {
    let n = k.len();
    out.reserve(n + 16);
    out.push(b'"');
    let mut i = 0;
    while i < n {
        out.extend_from_slice(&load_word(ext, i, n).to_le_bytes());
        i += 8;
    }
    out.truncate(out.len() - (i - n));
    out.extend_from_slice(b"\":");
}

/// Appends `s` as a JSON string with the C library's escapes.
#[inline]
pub(crate) fn write_str(out: &mut Vec<u8>, s: &[u8]) {
    write_str_ascii(out, s, s);
}

/// [`write_str`] that also reports whether `s` is pure ASCII. `ext` is `s`
/// followed by any further bytes (read in whole words, never written out).
#[inline]
fn write_str_ascii(out: &mut Vec<u8>, s: &[u8], ext: &[u8]) -> bool {
    out.reserve(s.len() + 16);
    out.push(b'"');
    let high = put_str_body(out, s, ext);
    out.push(b'"');
    high == 0
}

/// Appends `b` as a standard base64 JSON string (with `=` padding).
pub(crate) fn write_base64(out: &mut Vec<u8>, b: &[u8]) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.push(b'"');
    for ch in b.chunks(3) {
        let x = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        out.push(A[(x >> 18) as usize & 63]);
        out.push(A[(x >> 12) as usize & 63]);
        out.push(if ch.len() > 1 {
            A[(x >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if ch.len() > 2 { A[x as usize & 63] } else { b'=' });
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(v: f64) -> Option<Vec<u8>> {
        let (m, k) = short_decimal(v)?;
        let mut o = Vec::new();
        write_fixed(&mut o, m, k);
        Some(o)
    }

    fn slow(v: f64) -> Vec<u8> {
        let mut o = Vec::new();
        write_f64_slow(&mut o, v);
        o
    }

    #[test]
    fn float_fast_path_matches_general_path() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut hits = 0;
        for i in 0..400_000u64 {
            let r = next();
            let v = match i % 4 {
                // random bit patterns in range
                0 => f64::from_bits(r),
                // short decimals
                1 => (r % 100_000_000) as f64 / POW10[(r >> 40) as usize % 9],
                // integers
                2 => (r >> (11 + (r & 31))) as f64,
                // decimals near ulp limits
                _ => (r >> 11) as f64 / POW10[(r & 15) as usize],
            };
            let v = v.abs();
            if !(1e-5..4.5e15).contains(&v) {
                continue;
            }
            if let Some(f) = fast(v) {
                hits += 1;
                assert_eq!(f, slow(v), "{v:e}");
            }
        }
        assert!(hits > 100_000);
        for v in [
            0.1, 0.5, 47.25, 1.5, 100.0, 1e-5, 0.000025, 123456.789, 4.4e15, 0.3,
        ] {
            assert_eq!(fast(v).unwrap(), slow(v), "{v}");
        }
    }

    fn full(v: f64) -> Vec<u8> {
        let mut o = Vec::new();
        write_f64(&mut o, v);
        o
    }

    /// The Ryu path gives exactly what core's formatter (the general path) does.
    #[test]
    fn float_output_matches_general_path() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut ties = 0;
        for i in 0..1_000_000u64 {
            let r = next();
            let v = match i % 6 {
                // random bit patterns (any exponent)
                0 => f64::from_bits(r),
                // short decimals
                1 => (r % 100_000_000) as f64 / POW10[(r >> 40) as usize % 9],
                // integers, including beyond 2^53
                2 => (r >> (r & 31)) as f64,
                // decimals near ulp limits (many exact halfway cases)
                3 => (r >> 11) as f64 / POW10[(r & 15) as usize],
                // dyadic fractions (exact short binary values)
                4 => (r >> (11 + (r & 15))) as f64 / f64::from(1u32 << ((r >> 8) & 15)),
                // around the layout switches and far out
                _ => (r >> 11) as f64 * 10f64.powi(((r >> 3) % 60) as i32 - 45),
            };
            if !v.is_finite() {
                continue;
            }
            let a = v.abs();
            if a != 0.0 && tie_possible(a) {
                ties += 1;
            }
            let mut want = Vec::new();
            if v.is_sign_negative() {
                want.push(b'-');
            }
            if a == 0.0 {
                want.extend_from_slice(b"0.0");
            } else {
                write_f64_slow(&mut want, a);
            }
            assert_eq!(full(v), want, "{v:e}");
        }
        assert!(ties > 1000);
        // Powers of two (asymmetric rounding intervals) and their neighbours.
        for e in 0..2047u64 {
            for m in [0, 1, 2, (1 << 52) - 1] {
                let v = f64::from_bits(e << 52 | m);
                let mut want = Vec::new();
                if v == 0.0 {
                    want.extend_from_slice(b"0.0");
                } else {
                    write_f64_slow(&mut want, v);
                }
                assert_eq!(full(v), want, "{v:e}");
            }
        }
        for (v, t) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e20, "100000000000000000000.0"),
            (1e21, "1e21"),
            (1e16, "10000000000000000.0"),
            (1.5e17, "150000000000000000.0"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.234e-7, "1.234e-7"),
            (2.5e-5, "0.000025"),
            (1.2345678901234568e29, "1.2345678901234568e29"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (1.0330000000000001, "1.0330000000000001"),
            (-std::f64::consts::PI, "-3.141592653589793"),
            // exactly 70956655107661.125: a tie, where core rounds up
            (7.095665510766113e13, "70956655107661.13"),
        ] {
            assert_eq!(full(v), t.as_bytes(), "{v:e}");
        }
    }
}
