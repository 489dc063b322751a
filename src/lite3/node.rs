//! Byte layout of the format: constants, the 96-byte node view, key tags and DJB2 hashing.

/// Size of every B-tree node (and of every object/array value).
pub(crate) const NODE: usize = 96;
/// Keys per node.
pub(crate) const MAX_KEYS: usize = 7;
/// Maximum node walks below a container root.
pub(crate) const MAX_WALKS: usize = 9;
/// Maximum container nesting (root is level 1).
pub(crate) const MAX_DEPTH: u32 = 32;
/// Number of quadratic probe attempts for object keys.
pub(crate) const PROBES: u32 = 128;

pub(crate) const T_NULL: u8 = 0;
pub(crate) const T_BOOL: u8 = 1;
pub(crate) const T_I64: u8 = 2;
pub(crate) const T_F64: u8 = 3;
pub(crate) const T_BYTES: u8 = 4;
pub(crate) const T_STR: u8 = 5;
pub(crate) const T_OBJ: u8 = 6;
pub(crate) const T_ARR: u8 = 7;

// Field offsets inside a node.
pub(crate) const OFS_HASH: usize = 4;
pub(crate) const OFS_SIZE_KC: usize = 32;
pub(crate) const OFS_KV: usize = 36;
pub(crate) const OFS_CHILD: usize = 64;

/// DJB2 hash (seed 5381, `h*33 + b`, wrapping u32) of a key's bytes.
#[inline]
pub(crate) fn djb2(key: &[u8]) -> u32 {
    let mut h: u32 = 5381;
    for &b in key {
        h = h.wrapping_mul(33).wrapping_add(u32::from(b));
    }
    h
}

/// Width in bytes (1, 2 or 4) of the key tag the writer uses for a key of
/// `key_size` bytes (text length + 1 for the terminator).
#[inline]
pub(crate) fn tag_width(key_size: usize) -> usize {
    if key_size < 64 {
        1
    } else if key_size < 16_384 {
        2
    } else {
        4
    }
}

/// Reads a little-endian u32 at `p`, or `None` when out of bounds.
#[inline]
pub(crate) fn rd32(b: &[u8], p: usize) -> Option<u32> {
    let s = b.get(p..p.checked_add(4)?)?;
    Some(u32::from_le_bytes(s.try_into().ok()?))
}

/// Reads a little-endian u64 at `p`, or `None` when out of bounds.
#[inline]
pub(crate) fn rd64(b: &[u8], p: usize) -> Option<u64> {
    let s = b.get(p..p.checked_add(8)?)?;
    Some(u64::from_le_bytes(s.try_into().ok()?))
}

/// Read-only view of one 96-byte node.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a>(pub(crate) &'a [u8; NODE]);

impl<'a> Node<'a> {
    /// The node at offset `p`, if all 96 bytes are inside `buf`.
    #[inline]
    pub(crate) fn at(buf: &'a [u8], p: usize) -> Option<Node<'a>> {
        let s = buf.get(p..p.checked_add(NODE)?)?;
        Some(Node(s.try_into().ok()?))
    }
    #[inline]
    fn word(&self, at: usize) -> u32 {
        let a = at & 0x7c; // always <= 92: in bounds, 4-byte field start
        let a = if a > 92 { 92 } else { a };
        u32::from_le_bytes([self.0[a], self.0[a + 1], self.0[a + 2], self.0[a + 3]])
    }
    /// Type tag (byte 0).
    #[inline]
    pub(crate) fn ty(&self) -> u8 {
        self.0[0]
    }
    /// Key count of this node (0..=7).
    #[inline]
    pub(crate) fn kc(&self) -> usize {
        (self.0[OFS_SIZE_KC] & 7) as usize
    }
    /// Entry count stored in a container root.
    #[inline]
    pub(crate) fn size(&self) -> u32 {
        self.word(OFS_SIZE_KC) >> 6
    }
    #[inline]
    pub(crate) fn hash(&self, i: usize) -> u32 {
        self.word(OFS_HASH + 4 * (i & 7))
    }
    #[inline]
    pub(crate) fn kv(&self, i: usize) -> u32 {
        self.word(OFS_KV + 4 * (i & 7))
    }
    #[inline]
    pub(crate) fn child(&self, i: usize) -> u32 {
        self.word(OFS_CHILD + 4 * (i & 7))
    }
    /// First slot `j` in `0..kc` with `hash(j) >= t`, or `kc`.
    #[inline]
    pub(crate) fn lower_bound(&self, t: u32) -> usize {
        let kc = self.kc();
        let mut j = 0;
        while j < kc && self.hash(j) < t {
            j += 1;
        }
        j
    }
}

/// Decoded key tag at `p`: `(width N, key_size)`; `None` when it does not fit.
#[inline]
pub(crate) fn read_tag(buf: &[u8], p: usize) -> Option<(usize, usize)> {
    let first = *buf.get(p)?;
    if first & 3 == 0 {
        return Some((1, usize::from(first >> 2)));
    }
    let v = match first & 3 {
        0 => u32::from(first),
        1 => u32::from(u16::from_le_bytes(buf.get(p..p + 2)?.try_into().ok()?)),
        2 => {
            let s = buf.get(p..p + 3)?;
            u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16
        }
        _ => rd32(buf, p)?,
    };
    Some((usize::from(first & 3) + 1, (v >> 2) as usize))
}

/// Fixed payload length for types with a fixed payload (not bytes/string).
#[inline]
pub(crate) fn fixed_payload(ty: u8) -> Option<usize> {
    match ty {
        T_NULL => Some(0),
        T_BOOL => Some(1),
        T_I64 | T_F64 => Some(8),
        T_OBJ | T_ARR => Some(NODE - 1),
        _ => None,
    }
}

/// Descends the tree of the container at `c` to the entry stored under hash
/// `t` (docs/lite3.md §7 without the key comparison). Returns its `kv_ofs`.
/// Bounds-checked and limited to 9 walks, so safe on any buffer.
pub(crate) fn find_hash(buf: &[u8], c: usize, t: u32) -> Option<usize> {
    let mut node = Node::at(buf, c)?;
    let mut walks = 0;
    loop {
        let j = node.lower_bound(t);
        if j < node.kc() && node.hash(j) == t {
            return Some(node.kv(j) as usize);
        }
        let ch = node.child(0);
        if ch == 0 {
            return None;
        }
        walks += 1;
        if walks > MAX_WALKS {
            return None;
        }
        node = Node::at(buf, node.child(j) as usize)?;
    }
}

/// Key lookup in the object at `c` (docs/lite3.md §7). Returns the offset of the
/// value's type byte. `key` must already be cut at its first NUL.
pub(crate) fn find_key(buf: &[u8], c: usize, key: &[u8]) -> Option<usize> {
    let h = djb2(key);
    let ks = key.len() + 1;
    let want_n = tag_width(ks);
    for i in 0..PROBES {
        let kv = find_hash(buf, c, h.wrapping_add(i * i))?;
        let (n, sks) = read_tag(buf, kv)?;
        if n != want_n {
            return None;
        }
        let m = sks.min(ks);
        let stored = buf.get(kv + n..kv + n + m)?;
        let same = stored
            .iter()
            .enumerate()
            .all(|(x, &b)| b == key.get(x).copied().unwrap_or(0));
        if same {
            return Some(kv + n + sks);
        }
    }
    None
}
