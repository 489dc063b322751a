//! Zero-copy access to a validated buffer: [`Doc`], [`Value`], key/index lookup and
//! in-order iteration, plus JSON text of any sub-value.

use super::error::Result;
use super::json_out::{write_base64, write_f64, write_i64, write_str, JsonSink};
use super::node::*;
use super::walk::walk_unchecked;

/// A validated Lite3 document borrowed from a byte buffer.
///
/// Construction runs the full validator, so every lookup and iteration on
/// values obtained from it reads well-formed data.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    buf: &'a [u8],
}

impl<'a> Doc<'a> {
    /// Validates `buf` (see [`validate`](super::validate)) and wraps it.
    pub fn new(buf: &'a [u8]) -> Result<Self> {
        super::validate(buf)?;
        Ok(Doc { buf })
    }

    /// The root container (always an object or an array).
    pub fn root(&self) -> Value<'a> {
        read_value(self.buf, 0).unwrap_or(Value::Null)
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buf
    }
}

/// One value inside a validated document. Strings and bytes borrow from the buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// JSON `null`.
    Null,
    /// JSON `true` / `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    I64(i64),
    /// A finite double (validation rejects NaN and infinities).
    F64(f64),
    /// A UTF-8 string (may contain U+0000).
    Str(&'a str),
    /// Raw bytes (type 4; never produced from JSON, written to JSON as base64).
    Bytes(&'a [u8]),
    /// An object (members in hash order).
    Object(ObjRef<'a>),
    /// An array.
    Array(ArrRef<'a>),
}

impl<'a> Value<'a> {
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<ObjRef<'a>> {
        match *self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The array, if this is one.
    pub fn as_array(&self) -> Option<ArrRef<'a>> {
        match *self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Reads the value whose type byte is at `q` (no deep validation).
pub(crate) fn read_value(buf: &[u8], q: usize) -> Option<Value<'_>> {
    let t = *buf.get(q)?;
    Some(match t {
        T_NULL => Value::Null,
        T_BOOL => Value::Bool(*buf.get(q + 1)? == 1),
        T_I64 => Value::I64(rd64(buf, q + 1)? as i64),
        T_F64 => Value::F64(f64::from_bits(rd64(buf, q + 1)?)),
        T_BYTES | T_STR => {
            let l = rd32(buf, q + 1)? as usize;
            let body = buf.get(q + 5..(q + 5).checked_add(l)?)?;
            if t == T_BYTES {
                Value::Bytes(body)
            } else {
                let (_, text) = body.split_last()?;
                Value::Str(std::str::from_utf8(text).ok()?)
            }
        }
        T_OBJ => {
            Node::at(buf, q)?;
            Value::Object(ObjRef { buf, ofs: q })
        }
        T_ARR => {
            Node::at(buf, q)?;
            Value::Array(ArrRef { buf, ofs: q })
        }
        _ => return None,
    })
}

/// An object inside a validated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjRef<'a> {
    buf: &'a [u8],
    ofs: usize,
}

impl<'a> ObjRef<'a> {
    /// Looks a key up through the B-tree (docs/lite3.md §7), without decoding the
    /// rest. The key is cut at its first NUL, as the format does.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        let k = key.as_bytes();
        let k = match k.iter().position(|&b| b == 0) {
            Some(z) => &k[..z],
            None => k,
        };
        let q = find_key(self.buf, self.ofs, k)?;
        read_value(self.buf, q)
    }
    /// Number of members.
    pub fn len(&self) -> usize {
        Node::at(self.buf, self.ofs).map_or(0, |n| n.size() as usize)
    }
    /// True when the object has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Members in storage (hash) order, the order JSON output uses.
    pub fn iter(&self) -> ObjIter<'a> {
        ObjIter {
            inner: EntryIter::new(self.buf, self.ofs),
        }
    }
    /// Offset of this object's node in the buffer.
    pub fn offset(&self) -> usize {
        self.ofs
    }
}

/// An array inside a validated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrRef<'a> {
    buf: &'a [u8],
    ofs: usize,
}

impl<'a> ArrRef<'a> {
    /// Element `i`, found through the B-tree (no decoding of other elements).
    pub fn get(&self, i: usize) -> Option<Value<'a>> {
        if i >= self.len() {
            return None;
        }
        let kv = find_hash(self.buf, self.ofs, u32::try_from(i).ok()?)?;
        read_value(self.buf, kv)
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        Node::at(self.buf, self.ofs).map_or(0, |n| n.size() as usize)
    }
    /// True when the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Elements in index order.
    pub fn iter(&self) -> ArrIter<'a> {
        ArrIter {
            inner: EntryIter::new(self.buf, self.ofs),
        }
    }
    /// Offset of this array's node in the buffer.
    pub fn offset(&self) -> usize {
        self.ofs
    }
}

impl<'a> IntoIterator for ObjRef<'a> {
    type Item = (&'a str, Value<'a>);
    type IntoIter = ObjIter<'a>;
    fn into_iter(self) -> ObjIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for ArrRef<'a> {
    type Item = Value<'a>;
    type IntoIter = ArrIter<'a>;
    fn into_iter(self) -> ArrIter<'a> {
        self.iter()
    }
}

/// In-order walk over one container's B-tree, yielding entry offsets.
#[derive(Debug, Clone)]
struct EntryIter<'a> {
    buf: &'a [u8],
    stack: [(usize, usize); MAX_WALKS + 1],
    sp: usize,
}

impl<'a> EntryIter<'a> {
    fn new(buf: &'a [u8], c: usize) -> Self {
        let mut it = EntryIter {
            buf,
            stack: [(0, 0); MAX_WALKS + 1],
            sp: 0,
        };
        it.descend(c);
        it
    }
    /// Pushes `p` and its left-most descendants.
    fn descend(&mut self, mut p: usize) {
        while let Some(n) = Node::at(self.buf, p) {
            match self.stack.get_mut(self.sp) {
                Some(s) => *s = (p, 0),
                None => return,
            }
            self.sp += 1;
            let ch = n.child(0);
            if ch == 0 {
                return;
            }
            p = ch as usize;
        }
    }
}

impl Iterator for EntryIter<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        loop {
            let top = self.stack.get_mut(self.sp.checked_sub(1)?)?;
            let (p, slot) = *top;
            top.1 += 1;
            let n = Node::at(self.buf, p)?;
            if slot >= n.kc() {
                self.sp -= 1;
                continue;
            }
            let ch = n.child(slot + 1);
            if ch != 0 {
                self.descend(ch as usize);
            }
            return Some(n.kv(slot) as usize);
        }
    }
}

/// Iterator over an object's `(key, value)` members, in hash order.
#[derive(Debug, Clone)]
pub struct ObjIter<'a> {
    inner: EntryIter<'a>,
}

impl<'a> Iterator for ObjIter<'a> {
    type Item = (&'a str, Value<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        let buf = self.inner.buf;
        let kv = self.inner.next()?;
        let (n, ks) = read_tag(buf, kv)?;
        let key = buf.get(kv + n..(kv + n + ks).checked_sub(1)?)?;
        let key = std::str::from_utf8(key).ok()?;
        Some((key, read_value(buf, kv + n + ks)?))
    }
}

/// Iterator over an array's elements, in index order.
#[derive(Debug, Clone)]
pub struct ArrIter<'a> {
    inner: EntryIter<'a>,
}

impl<'a> Iterator for ArrIter<'a> {
    type Item = Value<'a>;
    fn next(&mut self) -> Option<Value<'a>> {
        let kv = self.inner.next()?;
        read_value(self.inner.buf, kv)
    }
}

/// Appends the JSON text of `v` to `out`, formatted exactly like
/// [`decode_to_json`](super::decode_to_json). Values from a [`Doc`] are
/// always well-formed; a non-finite [`Value::F64`] built by hand is written as `null`.
pub fn write_value_json(v: &Value, out: &mut Vec<u8>) {
    match *v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" as &[u8] } else { b"false" }),
        Value::I64(i) => write_i64(out, i),
        Value::F64(f) => write_f64(out, f),
        Value::Str(s) => write_str(out, s.as_bytes()),
        Value::Bytes(b) => write_base64(out, b),
        Value::Object(ObjRef { buf, ofs }) | Value::Array(ArrRef { buf, ofs }) => {
            if JsonSink::with(out, |sink| walk_unchecked(buf, ofs, sink)).is_err() {
                out.extend_from_slice(b"null");
            }
        }
    }
}
