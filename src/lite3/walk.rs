//! The validating in-order walk over a Lite3 buffer (docs/lite3.md §10.1, §11.4). It checks
//! every node and entry reachable from a container and reports the contents to a [`Sink`].

use super::error::{Error, FResult as Result};
use super::node::*;
use super::words::{load_word, word_needs_escape, HI};

/// Receiver of the walk's events, in JSON order.
pub(crate) trait Sink {
    fn begin(&mut self, ty: u8);
    fn end(&mut self, ty: u8);
    /// Called before every member/element; `first` is true for the first one.
    fn item(&mut self, first: bool);
    /// A key; `plain` promises it needs no JSON escaping.
    /// `ext` is `k` followed by the rest of the buffer (for word-wise reads).
    fn key(&mut self, k: &[u8], ext: &[u8], plain: bool);
    fn null(&mut self);
    fn boolean(&mut self, b: bool);
    fn int(&mut self, v: i64);
    fn float(&mut self, v: f64);
    fn string(&mut self, s: &[u8], ext: &[u8]);
    /// Checks that `s` is UTF-8 and, if so, emits it (sinks may fuse both scans).
    #[inline]
    fn string_checked(&mut self, s: &[u8], ext: &[u8]) -> bool {
        if !s.is_ascii() && std::str::from_utf8(s).is_err() {
            return false;
        }
        self.string(s, ext);
        true
    }
    fn bytes(&mut self, b: &[u8]);
}

/// A sink that ignores everything (pure validation).
pub(crate) struct NoSink;

impl Sink for NoSink {
    #[inline]
    fn begin(&mut self, _: u8) {}
    #[inline]
    fn end(&mut self, _: u8) {}
    #[inline]
    fn item(&mut self, _: bool) {}
    #[inline]
    fn key(&mut self, _: &[u8], _: &[u8], _: bool) {}
    #[inline]
    fn null(&mut self) {}
    #[inline]
    fn boolean(&mut self, _: bool) {}
    #[inline]
    fn int(&mut self, _: i64) {}
    #[inline]
    fn float(&mut self, _: f64) {}
    #[inline]
    fn string(&mut self, _: &[u8], _: &[u8]) {}
    #[inline]
    fn bytes(&mut self, _: &[u8]) {}
}

/// Checks the root-level preconditions of §11.4 step 1.
pub(crate) fn check_root(buf: &[u8]) -> Result<()> {
    if buf.len() < NODE {
        return Err(Error::invalid(0, "buffer shorter than one 96-byte node"));
    }
    if buf.len() > u32::MAX as usize {
        return Err(Error::limit(None, "buffer longer than 4 GiB - 1"));
    }
    match buf[0] {
        T_OBJ | T_ARR => Ok(()),
        _ => Err(Error::invalid(0, "root type must be object or array")),
    }
}

/// Walks one buffer. With `CHECK = true` every format rule is verified and every
/// reachable byte is claimed once (which rejects overlaps, shared entries, shared
/// subtrees and cycles, and bounds the work by the buffer length). With
/// `CHECK = false` (only for buffers already validated) the walk just reads,
/// still bounds-checked and depth-limited so it cannot panic or loop.
pub(crate) struct Walker<'b, 'c, const CHECK: bool> {
    buf: &'b [u8],
    /// One bit per buffer byte claimed so far (empty when `CHECK` is false).
    claimed: &'c mut [u64],
}

/// Bitmap words kept on the stack: buffers below 64 × 64 bytes need no heap
/// allocation for the claim bitmap.
const STACK_WORDS: usize = 64;

/// Runs the checking walk over the document at offset 0 of `buf`.
pub(crate) fn walk_checked<S: Sink>(buf: &[u8], sink: &mut S) -> Result<()> {
    let n = buf.len() / 64 + 1;
    if n <= STACK_WORDS {
        let mut stack = [0u64; STACK_WORDS];
        return Walker::<true> {
            buf,
            claimed: &mut stack[..n],
        }
        .container(0, 1, sink);
    }
    let mut heap = vec![0u64; n];
    Walker::<true> {
        buf,
        claimed: &mut heap,
    }
    .container(0, 1, sink)
}

/// Runs the non-checking walk (for already validated buffers) over the
/// container at `ofs`.
pub(crate) fn walk_unchecked<S: Sink>(buf: &[u8], ofs: usize, sink: &mut S) -> Result<()> {
    Walker::<false> {
        buf,
        claimed: &mut [],
    }
    .container(ofs, 1, sink)
}

impl<'b, const CHECK: bool> Walker<'b, '_, CHECK> {
    /// Marks `start..start+len` as used; fails if any byte already was.
    #[inline(always)]
    fn claim(&mut self, start: usize, len: usize) -> Result<()> {
        if !CHECK || len == 0 {
            return Ok(());
        }
        let bit = start & 63;
        if bit + len <= 64 {
            // Common case: the range lies within one bitmap word.
            let mask = (u64::MAX >> (64 - len)) << bit;
            return match self.claimed.get_mut(start >> 6) {
                Some(w) if *w & mask == 0 => {
                    *w |= mask;
                    Ok(())
                }
                Some(_) => Err(Error::invalid(
                    start,
                    "overlapping or shared node/entry (or a cycle)",
                )),
                None => Err(Error::invalid(start, "offset out of bounds")),
            };
        }
        if bit + len <= 128 {
            // Two words (e.g. a 96-byte node).
            let mask = (u128::MAX >> (128 - len)) << bit;
            let (lo, hi) = (mask as u64, (mask >> 64) as u64);
            let w = start >> 6;
            return match self.claimed.get_mut(w..w + 2) {
                Some([a, b]) if *a & lo == 0 && *b & hi == 0 => {
                    *a |= lo;
                    *b |= hi;
                    Ok(())
                }
                _ => self.claim_slow(start, len),
            };
        }
        self.claim_slow(start, len)
    }

    fn claim_slow(&mut self, start: usize, len: usize) -> Result<()> {
        let end = start + len;
        let mut i = start;
        while i < end {
            let bit = i & 63;
            let n = (64 - bit).min(end - i);
            let mask = if n == 64 { !0u64 } else { ((1u64 << n) - 1) << bit };
            let w = match self.claimed.get_mut(i >> 6) {
                Some(w) => w,
                None => return Err(Error::invalid(i, "offset out of bounds")),
            };
            if *w & mask != 0 {
                return Err(Error::invalid(
                    start,
                    "overlapping or shared node/entry (or a cycle)",
                ));
            }
            *w |= mask;
            i += n;
        }
        Ok(())
    }

    /// Fetches and checks one tree node of a container of type `ty`.
    #[inline]
    fn node(&mut self, p: usize, ty: u8, is_root: bool) -> Result<Node<'b>> {
        let n = match Node::at(self.buf, p) {
            Some(n) => n,
            None => return Err(Error::invalid(p, "node out of bounds")),
        };
        if n.ty() != ty {
            return Err(Error::invalid(p, "node type differs from its container"));
        }
        if CHECK {
            self.claim(p, NODE)?;
            let kc = n.kc();
            if n.child(0) == 0 {
                if n.0[OFS_CHILD..] != [0u8; NODE - OFS_CHILD] {
                    return Err(Error::invalid(p, "leaf with a non-zero child offset"));
                }
                if kc == 0 && !is_root {
                    return Err(Error::invalid(p, "empty non-root node"));
                }
            } else {
                if kc == 0 {
                    return Err(Error::invalid(p, "internal node without keys"));
                }
                for i in 0..8 {
                    if (n.child(i) != 0) != (i <= kc) {
                        return Err(Error::invalid(p, "bad child offsets in internal node"));
                    }
                }
            }
        }
        Ok(n)
    }

    /// Walks the container whose root node is at `c`, at nesting `depth`
    /// (document root = 1), emitting its contents.
    pub(crate) fn container<S: Sink>(&mut self, c: usize, depth: u32, sink: &mut S) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::invalid(c, "nesting deeper than 32 levels"));
        }
        let ty = match self.buf.get(c) {
            Some(&t @ (T_OBJ | T_ARR)) => t,
            _ => return Err(Error::invalid(c, "container type must be object or array")),
        };
        let root = self.node(c, ty, true)?;
        sink.begin(ty);
        let mut st = TreeState {
            c,
            ty,
            depth,
            count: 0,
            prev: None,
        };
        self.tree(root, 0, &mut st, sink)?;
        if CHECK && root.size() != st.count {
            return Err(Error::invalid(c, "container size differs from its entry count"));
        }
        sink.end(ty);
        Ok(())
    }

    /// In-order walk of the subtree at `n` (`level` walks below the container root).
    fn tree<S: Sink>(&mut self, n: Node<'b>, level: usize, st: &mut TreeState, sink: &mut S) -> Result<()> {
        let kc = n.kc();
        if n.child(0) == 0 {
            for slot in 0..kc {
                self.slot(n, slot, st, sink)?;
            }
            return Ok(());
        }
        if level >= MAX_WALKS {
            return Err(Error::invalid(st.c, "B-tree deeper than 10 levels"));
        }
        for slot in 0..=kc {
            let p = n.child(slot) as usize;
            let child = self.node(p, st.ty, false)?;
            self.tree(child, level + 1, st, sink)?;
            if slot < kc {
                self.slot(n, slot, st, sink)?;
            }
        }
        Ok(())
    }

    /// Order checks for the entry in `slot` of `n`, then the entry itself.
    #[inline]
    fn slot<S: Sink>(&mut self, n: Node<'b>, slot: usize, st: &mut TreeState, sink: &mut S) -> Result<()> {
        let h = n.hash(slot);
        if CHECK {
            if let Some(p) = st.prev {
                if h <= p {
                    return Err(Error::invalid(st.c, "hashes not strictly ascending"));
                }
            }
            if st.ty == T_ARR && h != st.count {
                return Err(Error::invalid(st.c, "array indexes not 0..n-1"));
            }
        }
        st.prev = Some(h);
        let first = st.count == 0;
        st.count = st.count.wrapping_add(1);
        self.entry(st.c, st.ty, n.kv(slot) as usize, h, first, st.depth, sink)
    }

    /// Checks and emits one entry at `kv` (key for objects, then the value).
    #[allow(clippy::too_many_arguments)]
    fn entry<S: Sink>(
        &mut self,
        c: usize,
        ty: u8,
        kv: usize,
        h: u32,
        first: bool,
        depth: u32,
        sink: &mut S,
    ) -> Result<()> {
        sink.item(first);
        let buf = self.buf;
        let q = if ty == T_OBJ {
            let (n, ks) = match read_tag(buf, kv) {
                Some(x) => x,
                None => return Err(Error::invalid(kv, "key tag out of bounds")),
            };
            let kstart = kv + n;
            let key_t = match buf.get(kstart..kstart.saturating_add(ks)) {
                Some(k) if ks >= 1 => k,
                _ => return Err(Error::invalid(kv, "key out of bounds or empty")),
            };
            let (key, term) = key_t.split_at(ks - 1);
            let mut plain = false;
            if CHECK {
                if term != [0] {
                    return Err(Error::invalid(kv, "key not NUL-terminated"));
                }
                let ext = buf.get(kstart..).unwrap_or(key);
                let (special, high) = scan_words(key, ext);
                if special && key.contains(&0) {
                    return Err(Error::invalid(kv, "key with an interior NUL"));
                }
                plain = !special;
                let base = djb2_fast(key);
                if high && std::str::from_utf8(key).is_err() {
                    return Err(Error::invalid(kv, "key is not valid UTF-8"));
                }
                let d = h.wrapping_sub(base);
                if !is_probe_square(d) {
                    return Err(Error::invalid(kv, "stored hash does not match the key"));
                }
                if d != 0 {
                    self.check_probe_chain(c, kv, key, base, d)?;
                }
            }
            sink.key(key, buf.get(kstart..).unwrap_or(key), plain);
            kstart + ks
        } else {
            kv
        };
        // Key bytes and a scalar value are contiguous: claim them together.
        let kl = q - kv;
        let t = match buf.get(q) {
            Some(&t) => t,
            None => return Err(Error::invalid(q, "value out of bounds")),
        };
        match t {
            T_OBJ | T_ARR => {
                if kl > 0 {
                    self.claim(kv, kl)?;
                }
                self.container(q, depth + 1, sink)
            }
            T_BYTES | T_STR => {
                let l = match rd32(buf, q + 1) {
                    Some(l) => l as usize,
                    None => return Err(Error::invalid(q, "length out of bounds")),
                };
                let body = match buf.get(q + 5..(q + 5).saturating_add(l)) {
                    Some(b) => b,
                    None => return Err(Error::invalid(q, "payload out of bounds")),
                };
                if t == T_BYTES {
                    self.claim(kv, kl + 5 + l)?;
                    sink.bytes(body);
                    return Ok(());
                }
                let ext = buf.get(q + 5..).unwrap_or(body);
                let (text, term) = match body.split_last() {
                    Some((&z, text)) => (text, z),
                    None => return Err(Error::invalid(q, "string size 0")),
                };
                if CHECK {
                    if term != 0 {
                        return Err(Error::invalid(q, "string not NUL-terminated"));
                    }
                    self.claim(kv, kl + 5 + l)?;
                    if !sink.string_checked(text, ext) {
                        return Err(Error::invalid(q, "string is not valid UTF-8"));
                    }
                } else {
                    sink.string(text, ext);
                }
                Ok(())
            }
            T_NULL => {
                self.claim(kv, kl + 1)?;
                sink.null();
                Ok(())
            }
            T_BOOL => {
                let b = match buf.get(q + 1) {
                    Some(&b @ (0 | 1)) => b,
                    Some(_) if !CHECK => 1,
                    Some(_) => return Err(Error::invalid(q, "bool byte not 0 or 1")),
                    None => return Err(Error::invalid(q, "value out of bounds")),
                };
                self.claim(kv, kl + 2)?;
                sink.boolean(b == 1);
                Ok(())
            }
            T_I64 | T_F64 => {
                let v = match rd64(buf, q + 1) {
                    Some(v) => v,
                    None => return Err(Error::invalid(q, "value out of bounds")),
                };
                self.claim(kv, kl + 9)?;
                if t == T_I64 {
                    sink.int(v as i64);
                } else {
                    let f = f64::from_bits(v);
                    if CHECK && !f.is_finite() {
                        return Err(Error::invalid(q, "NaN or infinity"));
                    }
                    sink.float(f);
                }
                Ok(())
            }
            _ => Err(Error::invalid(q, "invalid value type tag")),
        }
    }
}

impl<const CHECK: bool> Walker<'_, '_, CHECK> {
    /// A key stored at probe `i > 0` (hash `base + d`, `d = i*i`) was placed
    /// there because every earlier probe slot held a different key: check that,
    /// so no key appears twice and lookup finds every member iteration sees.
    fn check_probe_chain(&self, c: usize, kv: usize, key: &[u8], base: u32, d: u32) -> Result<()> {
        let mut j: u32 = 0;
        while j * j < d {
            let other = find_hash(self.buf, c, base.wrapping_add(j * j))
                .ok_or_else(|| Error::invalid(kv, "probe chain with a gap"))?;
            let (n, ks) =
                read_tag(self.buf, other).ok_or_else(|| Error::invalid(other, "key tag out of bounds"))?;
            let k2 = self
                .buf
                .get(other + n..(other + n + ks).saturating_sub(1))
                .ok_or_else(|| Error::invalid(other, "key out of bounds"))?;
            if k2 == key {
                return Err(Error::invalid(kv, "duplicate key in an object"));
            }
            j += 1;
        }
        Ok(())
    }
}

/// Word-wise scan of `s`: `(needs JSON escaping or has a NUL, has non-ASCII)`.
#[inline]
fn scan_words(s: &[u8], ext: &[u8]) -> (bool, bool) {
    let mut esc = false;
    let mut high = 0u64;
    let mut i = 0;
    while i < s.len() {
        let x = load_word(ext, i, s.len());
        esc |= word_needs_escape(x);
        high |= x;
        i += 8;
    }
    (esc, high & HI != 0)
}

/// DJB2 with four independent multiplies per 4-byte block (same result as
/// [`djb2`]): `h' = h*33^4 + b0*33^3 + b1*33^2 + b2*33 + b3`.
#[inline]
fn djb2_fast(key: &[u8]) -> u32 {
    const P1: u32 = 33;
    const P2: u32 = 33 * 33;
    const P3: u32 = 33 * 33 * 33;
    const P4: u32 = 33 * 33 * 33 * 33;
    let mut h: u32 = 5381;
    let mut chunks = key.chunks_exact(4);
    for c in &mut chunks {
        h = h
            .wrapping_mul(P4)
            .wrapping_add(u32::from(c[0]).wrapping_mul(P3))
            .wrapping_add(u32::from(c[1]).wrapping_mul(P2))
            .wrapping_add(u32::from(c[2]).wrapping_mul(P1))
            .wrapping_add(u32::from(c[3]));
    }
    for &b in chunks.remainder() {
        h = h.wrapping_mul(33).wrapping_add(u32::from(b));
    }
    h
}

/// Per-container state of the in-order walk.
struct TreeState {
    c: usize,
    ty: u8,
    depth: u32,
    count: u32,
    prev: Option<u32>,
}

/// True when `d == i*i` for some `i < 128` (a legal probe offset).
#[inline]
pub(crate) fn is_probe_square(d: u32) -> bool {
    if d == 0 {
        return true;
    }
    if d > 127 * 127 {
        return false;
    }
    let r = f64::from(d).sqrt() as u32;
    (r.saturating_sub(1)..=r + 1).any(|i| i * i == d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn djb2_fast_matches() {
        let mut k = Vec::new();
        for i in 0..200u32 {
            assert_eq!(super::djb2_fast(&k), super::djb2(&k));
            k.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
        }
    }
}
