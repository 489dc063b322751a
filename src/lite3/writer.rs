//! The Lite3 writer: appending entries and the exact B-tree "set" algorithm of docs/lite3.md §8.

use super::error::{Error, FResult as Result, Fail};
use super::node::*;

/// A value to store with one set operation.
#[derive(Clone, Copy)]
pub(crate) enum Val<'s> {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(&'s [u8]),
    Obj,
    Arr,
}

impl Val<'_> {
    #[inline]
    fn tag(&self) -> u8 {
        match self {
            Val::Null => T_NULL,
            Val::Bool(_) => T_BOOL,
            Val::I64(_) => T_I64,
            Val::F64(_) => T_F64,
            Val::Str(_) => T_STR,
            Val::Obj => T_OBJ,
            Val::Arr => T_ARR,
        }
    }
    /// Payload length `P` (bytes after the type byte).
    #[inline]
    fn payload(&self) -> usize {
        match self {
            Val::Null => 0,
            Val::Bool(_) => 1,
            Val::I64(_) | Val::F64(_) => 8,
            Val::Str(s) => 4 + s.len() + 1,
            Val::Obj | Val::Arr => NODE - 1,
        }
    }
}

fn internal() -> Fail {
    Error::limit(None, "internal writer error: offset out of range")
}

/// Lite3 document under construction: `out[base..]` is the document, and all
/// offsets are relative to `base`.
pub(crate) struct Writer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) base: usize,
}

impl<'o> Writer<'o> {
    /// Starts a document at the current end of `out` with an empty root container.
    pub(crate) fn new(out: &'o mut Vec<u8>, root_ty: u8) -> Writer<'o> {
        let base = out.len();
        out.resize(base + NODE, 0);
        if let Some(b) = out.get_mut(base) {
            *b = root_ty;
        }
        Writer { out, base }
    }

    /// Current document length (`end`).
    #[inline]
    pub(crate) fn end(&self) -> usize {
        self.out.len() - self.base
    }

    #[inline]
    fn r32(&self, p: usize) -> Result<u32> {
        rd32(self.out, self.base + p).ok_or_else(internal)
    }

    #[inline]
    fn w32(&mut self, p: usize, v: u32) -> Result<()> {
        let a = self.base + p;
        let s = self.out.get_mut(a..a + 4).ok_or_else(internal)?;
        s.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn byte(&self, p: usize) -> Result<u8> {
        self.out.get(self.base + p).copied().ok_or_else(internal)
    }

    #[inline]
    fn kc(&self, node: usize) -> Result<usize> {
        Ok((self.byte(node + OFS_SIZE_KC)? & 7) as usize)
    }

    #[inline]
    fn hash(&self, node: usize, i: usize) -> Result<u32> {
        self.r32(node + OFS_HASH + 4 * i)
    }

    #[inline]
    fn kv(&self, node: usize, i: usize) -> Result<u32> {
        self.r32(node + OFS_KV + 4 * i)
    }

    #[inline]
    fn child(&self, node: usize, i: usize) -> Result<u32> {
        self.r32(node + OFS_CHILD + 4 * i)
    }

    /// Makes sure `n` more bytes keep the document within u32 offsets.
    #[inline]
    fn room(&self, n: usize) -> Result<()> {
        match self.end().checked_add(n) {
            Some(e) if e <= u32::MAX as usize => Ok(()),
            _ => Err(Error::limit(None, "document exceeds 4 GiB - 1")),
        }
    }

    #[inline]
    fn zeros(&mut self, n: usize) {
        let l = self.out.len();
        self.out.resize(l + n, 0);
    }

    /// Zero-fills `p..p+n` of the document.
    fn zero_range(&mut self, p: usize, n: usize) -> Result<()> {
        let a = self.base + p;
        let s = self.out.get_mut(a..a + n).ok_or_else(internal)?;
        s.fill(0);
        Ok(())
    }

    fn align4(&mut self) -> Result<()> {
        let pad = (4 - self.end() % 4) % 4;
        self.room(pad)?;
        self.zeros(pad);
        Ok(())
    }

    /// Writes type byte + payload of `v` at the end of the buffer.
    fn push_value(&mut self, v: &Val) {
        let o = &mut *self.out;
        o.push(v.tag());
        match *v {
            Val::Null => {}
            Val::Bool(b) => o.push(u8::from(b)),
            Val::I64(i) => o.extend_from_slice(&i.to_le_bytes()),
            Val::F64(f) => o.extend_from_slice(&f.to_le_bytes()),
            Val::Str(s) => {
                o.extend_from_slice(&((s.len() + 1) as u32).to_le_bytes());
                o.extend_from_slice(s);
                o.push(0);
            }
            Val::Obj | Val::Arr => {
                let l = o.len();
                o.resize(l + NODE - 1, 0);
            }
        }
    }

    /// Writes type byte + payload of `v` at `p` (a zeroed region big enough).
    fn put_value(&mut self, p: usize, v: &Val) -> Result<()> {
        let a = self.base + p;
        let len = 1 + v.payload();
        let s = self.out.get_mut(a..a + len).ok_or_else(internal)?;
        s[0] = v.tag();
        match *v {
            Val::Null | Val::Obj | Val::Arr => {}
            Val::Bool(b) => s[1] = u8::from(b),
            Val::I64(i) => s[1..9].copy_from_slice(&i.to_le_bytes()),
            Val::F64(f) => s[1..9].copy_from_slice(&f.to_le_bytes()),
            Val::Str(t) => {
                s[1..5].copy_from_slice(&((t.len() + 1) as u32).to_le_bytes());
                s[5..5 + t.len()].copy_from_slice(t);
            }
        }
        Ok(())
    }

    /// Appends an entry (with 95-byte-rule padding); returns `(entry, value)` offsets.
    fn append_entry(&mut self, key: Option<&[u8]>, v: &Val) -> Result<(usize, usize)> {
        let p = v.payload();
        let (n, ks) = match key {
            Some(k) => (tag_width(k.len() + 1), k.len() + 1),
            None => (0, 0),
        };
        let pad = if p == NODE - 1 {
            (4 - (self.end() + n + ks) % 4) % 4
        } else {
            0
        };
        self.room(pad + n + ks + 1 + p)?;
        self.out.reserve(pad + n + ks + 1 + p);
        self.zeros(pad);
        let entry = self.end();
        if let Some(k) = key {
            let tag = ((ks as u32) << 2) | (n as u32 - 1);
            self.out.extend_from_slice(&tag.to_le_bytes()[..n]);
            self.out.extend_from_slice(k);
            self.out.push(0);
        }
        let vstart = self.end();
        self.push_value(v);
        Ok((entry, vstart))
    }

    /// Size in bytes (type byte included) of the value at `q`.
    fn value_len(&self, q: usize) -> Result<usize> {
        let t = self.byte(q)?;
        Ok(match t {
            T_BYTES | T_STR => 5 + self.r32(q + 1)? as usize,
            _ => 1 + fixed_payload(t).ok_or_else(internal)?,
        })
    }

    /// One set operation on the container at `c` (docs/lite3.md §8). `key` is
    /// `None` for an array append. Returns the offset of the value's type byte.
    pub(crate) fn set(&mut self, c: usize, key: Option<&[u8]>, v: &Val) -> Result<usize> {
        // 8.1: bump the generation.
        let w0 = self.r32(c)?;
        let gen = ((w0 >> 8).wrapping_add(1)) & 0x00ff_ffff;
        self.w32(c, (w0 & 0xff) | (gen << 8))?;

        let (h, attempts, ks, n) = match key {
            Some(k) => {
                if k.len() + 1 >= 1 << 30 {
                    return Err(Error::limit(None, "key longer than 2^30 - 2 bytes"));
                }
                (djb2(k), PROBES, k.len() + 1, tag_width(k.len() + 1))
            }
            None => (self.r32(c + OFS_SIZE_KC)? >> 6, 1, 0, 0),
        };
        if let Val::Str(s) = v {
            if s.len() >= u32::MAX as usize {
                return Err(Error::limit(None, "string too long"));
            }
        }
        'attempt: for i in 0..attempts {
            let t = h.wrapping_add(i * i);
            let mut parent: Option<(usize, usize)> = None;
            let mut node = c;
            let mut walks = 0usize;
            loop {
                let mut hit: Option<(usize, usize)> = None;
                if self.kc(node)? == MAX_KEYS {
                    let (pn, pj) = match parent {
                        Some(pp) => pp,
                        None => {
                            // The root copy adds a level: count it as a walk so the
                            // tree never exceeds the 10 levels a reader accepts.
                            // (C does not count it and can write an 11-level tree
                            // at 2,097,161 array elements that it cannot read back.)
                            walks += 1;
                            node = self.split_root_copy(c)?;
                            (c, 0)
                        }
                    };
                    let (sep, sib) = self.split(node, pn, pj)?;
                    if t > sep {
                        node = sib;
                    } else if t == sep {
                        hit = Some((pn, pj));
                    }
                }
                let (hn, j) = match hit {
                    Some(x) => x,
                    None => {
                        let kc = self.kc(node)?;
                        let mut j = 0;
                        while j < kc && self.hash(node, j)? < t {
                            j += 1;
                        }
                        if j < kc && self.hash(node, j)? == t {
                            (node, j)
                        } else if self.child(node, 0)? != 0 {
                            walks += 1;
                            if walks > MAX_WALKS {
                                return Err(Error::limit(None, "too many node walks"));
                            }
                            parent = Some((node, j));
                            node = self.child(node, j)? as usize;
                            continue;
                        } else {
                            self.insert_leaf(c, node, j, t)?;
                            let (entry, vstart) = self.append_entry(key, v)?;
                            self.w32(node + OFS_KV + 4 * j, entry as u32)?;
                            return Ok(vstart);
                        }
                    }
                };
                // Existing hash at (hn, j): compare keys, then overwrite (§8.4).
                let entry = self.kv(hn, j)? as usize;
                let vstart = match key {
                    Some(k) => {
                        let first = self.byte(entry)?;
                        let sn = usize::from(first & 3) + 1;
                        if sn != n {
                            return Err(Error::limit(
                                None,
                                "hash collision between keys of different key-tag widths",
                            ));
                        }
                        let mut tag: u32 = 0;
                        for b in 0..sn {
                            tag |= u32::from(self.byte(entry + b)?) << (8 * b);
                        }
                        let sks = (tag >> 2) as usize;
                        let m = sks.min(ks);
                        let a = self.base + entry + sn;
                        let stored = self.out.get(a..a + m).ok_or_else(internal)?;
                        let same = stored.iter().enumerate().all(|(x, &b)| {
                            let want = if x < k.len() { k[x] } else { 0 };
                            b == want
                        });
                        if !same {
                            continue 'attempt;
                        }
                        entry + sn + sks
                    }
                    None => entry,
                };
                let old = self.value_len(vstart)?;
                if v.payload() >= old {
                    self.zero_range(entry, vstart + old - entry)?;
                    let (new_entry, nv) = self.append_entry(key, v)?;
                    self.w32(hn + OFS_KV + 4 * j, new_entry as u32)?;
                    return Ok(nv);
                }
                self.zero_range(vstart, old)?;
                self.put_value(vstart, v)?;
                return Ok(vstart);
            }
        }
        Err(Error::limit(None, "hash probing exhausted (128 attempts)"))
    }

    /// §8.5 step 1 and 4: make room for hash `t` at slot `j` of leaf `node`
    /// and count the new entry in the container root `c`.
    fn insert_leaf(&mut self, c: usize, node: usize, j: usize, t: u32) -> Result<()> {
        let kc = self.kc(node)?;
        let mut s = kc;
        while s > j {
            let h = self.hash(node, s - 1)?;
            let k = self.kv(node, s - 1)?;
            self.w32(node + OFS_HASH + 4 * s, h)?;
            self.w32(node + OFS_KV + 4 * s, k)?;
            s -= 1;
        }
        self.w32(node + OFS_HASH + 4 * j, t)?;
        let skc = self.r32(node + OFS_SIZE_KC)?;
        self.w32(node + OFS_SIZE_KC, skc + 1)?;
        let csz = self.r32(c + OFS_SIZE_KC)?;
        let csz = csz
            .checked_add(1 << 6)
            .ok_or_else(|| Error::limit(None, "too many entries"))?;
        self.w32(c + OFS_SIZE_KC, csz)
    }

    /// §8.3 step 1-2 for a full container root: copy it to `L` and reset it.
    fn split_root_copy(&mut self, c: usize) -> Result<usize> {
        self.align4()?;
        self.room(2 * NODE)?;
        let l = self.end();
        let a = self.base + c;
        self.out.extend_from_within(a..a + NODE);
        let w0 = self.r32(c)?;
        let skc = self.r32(c + OFS_SIZE_KC)?;
        self.zero_range(c, NODE)?;
        self.w32(c, w0)?;
        self.w32(c + OFS_SIZE_KC, skc & !7)?;
        self.w32(c + OFS_CHILD, l as u32)?;
        Ok(l)
    }

    /// §8.3 steps 1, 3-5: split full `node` whose parent slot is `(pn, pj)`.
    /// Returns the separator hash and the new sibling's offset.
    fn split(&mut self, node: usize, pn: usize, pj: usize) -> Result<(u32, usize)> {
        self.align4()?;
        self.room(NODE)?;
        let sib = self.end();
        let pkc = self.kc(pn)?;
        let mut s = pkc;
        while s > pj {
            let h = self.hash(pn, s - 1)?;
            let k = self.kv(pn, s - 1)?;
            self.w32(pn + OFS_HASH + 4 * s, h)?;
            self.w32(pn + OFS_KV + 4 * s, k)?;
            let ch = self.child(pn, s)?;
            self.w32(pn + OFS_CHILD + 4 * (s + 1), ch)?;
            s -= 1;
        }
        let sep = self.hash(node, 3)?;
        let sep_kv = self.kv(node, 3)?;
        self.w32(pn + OFS_HASH + 4 * pj, sep)?;
        self.w32(pn + OFS_KV + 4 * pj, sep_kv)?;
        self.w32(pn + OFS_CHILD + 4 * (pj + 1), sib as u32)?;
        let pskc = self.r32(pn + OFS_SIZE_KC)?;
        self.w32(pn + OFS_SIZE_KC, pskc + 1)?;

        // New sibling.
        let mut sn = [0u8; NODE];
        sn[0] = self.byte(node)?;
        sn[OFS_SIZE_KC] = 3;
        for x in 0..3 {
            let h = self.hash(node, 4 + x)?;
            let k = self.kv(node, 4 + x)?;
            sn[OFS_HASH + 4 * x..OFS_HASH + 4 * x + 4].copy_from_slice(&h.to_le_bytes());
            sn[OFS_KV + 4 * x..OFS_KV + 4 * x + 4].copy_from_slice(&k.to_le_bytes());
        }
        for x in 0..4 {
            let ch = self.child(node, 4 + x)?;
            sn[OFS_CHILD + 4 * x..OFS_CHILD + 4 * x + 4].copy_from_slice(&ch.to_le_bytes());
        }
        self.out.extend_from_slice(&sn);

        // Left half keeps slots 0..2 and children 0..3.
        for x in 3..MAX_KEYS {
            self.w32(node + OFS_HASH + 4 * x, 0)?;
            self.w32(node + OFS_KV + 4 * x, 0)?;
        }
        for x in 4..8 {
            self.w32(node + OFS_CHILD + 4 * x, 0)?;
        }
        self.w32(node + OFS_SIZE_KC, 3)?;
        Ok((sep, sib))
    }
}
