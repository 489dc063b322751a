//! JSON text → Lite3: a strict RFC 8259 reader (yyjson-compatible rules of docs/lite3.md §9)
//! that performs one set operation per member/element, in document order.

use super::error::{Error, FResult as Result, Fail};
use super::node::{MAX_DEPTH, T_ARR, T_OBJ};
use super::writer::{Val, Writer};

/// Where a decoded string lives: a slice of the input, or a scratch buffer.
#[derive(Clone, Copy)]
enum Text {
    Src(usize, usize),
    Scratch,
}

/// Byte classes for the string scanner: 1 = stop (quote, backslash, control).
static STOP: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t
};

pub(crate) struct Reader<'j> {
    src: &'j [u8],
    pos: usize,
    key_buf: Vec<u8>,
    str_buf: Vec<u8>,
}

impl<'j> Reader<'j> {
    pub(crate) fn new(src: &'j [u8]) -> Reader<'j> {
        Reader {
            src,
            pos: 0,
            key_buf: Vec::new(),
            str_buf: Vec::new(),
        }
    }

    #[inline]
    fn err(&self, msg: &str) -> Fail {
        Error::json(self.pos, msg)
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                _ => return Some(b),
            }
        }
        None
    }

    /// Steps over the byte just peeked.
    pub(crate) fn skip_byte(&mut self) {
        self.pos += 1;
    }

    /// Requires that only whitespace remains.
    pub(crate) fn finish(&mut self) -> Result<()> {
        match self.skip_ws() {
            None => Ok(()),
            Some(_) => Err(self.err("trailing characters after the JSON value")),
        }
    }

    /// Parses the document root into a fresh document appended to `out`.
    pub(crate) fn encode_document(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let ty = match self.skip_ws() {
            Some(b'{') => T_OBJ,
            Some(b'[') => T_ARR,
            Some(_) => {
                // Check the scalar is at least valid JSON, for a precise error.
                let mut scratch = Vec::new();
                let mut w = Writer::new(&mut scratch, T_ARR);
                self.value(&mut w, 0, None, 1)?;
                self.finish()?;
                return Err(Error::json(0, "root must be an object or an array"));
            }
            None => return Err(self.err("empty JSON input")),
        };
        self.pos += 1;
        let mut w = Writer::new(out, ty);
        if ty == T_OBJ {
            self.object_body(&mut w, 0, 1)?;
        } else {
            self.array_body(&mut w, 0, 1)?;
        }
        self.finish()
    }

    /// Parses the rest of an object (after `{`) into container `c`.
    pub(crate) fn object_body(&mut self, w: &mut Writer, c: usize, depth: u32) -> Result<()> {
        match self.skip_ws() {
            Some(b'}') => {
                self.pos += 1;
                return Ok(());
            }
            Some(b'"') => {}
            _ => return Err(self.err("expected a string key or '}'")),
        }
        loop {
            if self.skip_ws() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            self.pos += 1;
            let kt = self.string(true)?;
            if self.skip_ws() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let src = self.src;
            let key: &[u8] = match kt {
                Text::Src(a, b) => src.get(a..b).unwrap_or_default(),
                Text::Scratch => {
                    // Take the scratch so `self` stays usable; put it back after.
                    let k = std::mem::take(&mut self.key_buf);
                    let r = self.member(w, c, Some(&k), depth);
                    self.key_buf = k;
                    r?;
                    if self.after_item(b'}')? {
                        return Ok(());
                    }
                    continue;
                }
            };
            self.member(w, c, Some(key), depth)?;
            if self.after_item(b'}')? {
                return Ok(());
            }
        }
    }

    /// Parses the rest of an array (after `[`) into container `c`.
    pub(crate) fn array_body(&mut self, w: &mut Writer, c: usize, depth: u32) -> Result<()> {
        if self.skip_ws() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            self.member(w, c, None, depth)?;
            if self.after_item(b']')? {
                return Ok(());
            }
        }
    }

    /// After a member: `,` (continue) or the closing bracket (done).
    #[inline]
    fn after_item(&mut self, close: u8) -> Result<bool> {
        match self.skip_ws() {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.err("expected ',' or a closing bracket")),
        }
    }

    /// One member/element: key already read (truncated at NUL here).
    #[inline]
    fn member(&mut self, w: &mut Writer, c: usize, key: Option<&[u8]>, depth: u32) -> Result<()> {
        let key = key.map(|k| match k.iter().position(|&b| b == 0) {
            Some(z) => &k[..z],
            None => k,
        });
        self.value(w, c, key, depth)
    }

    /// Parses one value at `self.pos` and stores it into container `c`.
    fn value(&mut self, w: &mut Writer, c: usize, key: Option<&[u8]>, depth: u32) -> Result<()> {
        let b = match self.peek() {
            Some(b) => b,
            None => return Err(self.err("unexpected end of input")),
        };
        match b {
            b'{' | b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(Error::limit(Some(self.pos), "JSON nesting deeper than 32 levels"));
                }
                self.pos += 1;
                if b == b'{' {
                    let v = w.set(c, key, &Val::Obj)?;
                    self.object_body(w, v, depth + 1)
                } else {
                    let v = w.set(c, key, &Val::Arr)?;
                    self.array_body(w, v, depth + 1)
                }
            }
            b'"' => {
                self.pos += 1;
                let t = self.string(false)?;
                let s: &[u8] = match t {
                    Text::Src(a, e) => self.src.get(a..e).unwrap_or_default(),
                    Text::Scratch => &self.str_buf,
                };
                w.set(c, key, &Val::Str(s)).map(|_| ())
            }
            b't' => self.literal(b"true", w, c, key, Val::Bool(true)),
            b'f' => self.literal(b"false", w, c, key, Val::Bool(false)),
            b'n' => self.literal(b"null", w, c, key, Val::Null),
            b'-' | b'0'..=b'9' => {
                let v = self.number()?;
                w.set(c, key, &v).map(|_| ())
            }
            _ => Err(self.err("unexpected character")),
        }
    }

    fn literal(&mut self, word: &[u8], w: &mut Writer, c: usize, key: Option<&[u8]>, v: Val) -> Result<()> {
        let end = self.pos + word.len();
        if self.src.get(self.pos..end) != Some(word) {
            return Err(self.err("invalid literal"));
        }
        self.pos = end;
        w.set(c, key, &v).map(|_| ())
    }

    /// Parses a number (strict JSON grammar) into i64 or f64 per §9.2.
    fn number(&mut self) -> Result<Val<'static>> {
        let start = self.pos;
        let s = self.src;
        let mut p = self.pos;
        let neg = s.get(p) == Some(&b'-');
        if neg {
            p += 1;
        }
        let int_start = p;
        match s.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = s.get(p) {
                    p += 1;
                }
            }
            _ => {
                self.pos = p;
                return Err(self.err("invalid number"));
            }
        }
        let int_end = p;
        let mut float = false;
        if s.get(p) == Some(&b'.') {
            p += 1;
            let d = p;
            while let Some(b'0'..=b'9') = s.get(p) {
                p += 1;
            }
            if p == d {
                self.pos = p;
                return Err(self.err("invalid number: digit expected after '.'"));
            }
            float = true;
        }
        if let Some(b'e' | b'E') = s.get(p) {
            p += 1;
            if let Some(b'+' | b'-') = s.get(p) {
                p += 1;
            }
            let d = p;
            while let Some(b'0'..=b'9') = s.get(p) {
                p += 1;
            }
            if p == d {
                self.pos = p;
                return Err(self.err("invalid number: digit expected in exponent"));
            }
            float = true;
        }
        if matches!(s.get(p), Some(b'0'..=b'9')) {
            // Leading zero followed by digits ("01").
            self.pos = p;
            return Err(self.err("invalid number: leading zero"));
        }
        self.pos = p;
        let digits = s.get(int_start..int_end).unwrap_or_default();
        if !float && digits.len() <= 19 {
            // Accumulate negatively so i64::MIN fits.
            let mut acc: i64 = 0;
            let mut ok = true;
            for &d in digits {
                match acc
                    .checked_mul(10)
                    .and_then(|a| a.checked_sub(i64::from(d - b'0')))
                {
                    Some(a) => acc = a,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                if neg {
                    return Ok(Val::I64(acc));
                }
                if let Some(v) = acc.checked_neg() {
                    return Ok(Val::I64(v));
                }
            }
        }
        let text = s.get(start..p).unwrap_or_default();
        let text = std::str::from_utf8(text).unwrap_or("x");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Val::F64(f)),
            _ => Err(Error::json(start, "number out of range")),
        }
    }

    /// Parses a string body (after the opening quote). Keys decode into
    /// `key_buf`, values into `str_buf`, when they contain escapes.
    fn string(&mut self, is_key: bool) -> Result<Text> {
        let s = self.src;
        let start = self.pos;
        let mut p = start;
        let mut high: u8 = 0;
        // Fast scan to the first quote, backslash or control byte.
        loop {
            let b = match s.get(p) {
                Some(&b) => b,
                None => {
                    self.pos = p;
                    return Err(self.err("unterminated string"));
                }
            };
            if STOP[b as usize] == 0 {
                high |= b;
                p += 1;
                continue;
            }
            if b == b'"' {
                let raw = s.get(start..p).unwrap_or_default();
                if high >= 0x80 && std::str::from_utf8(raw).is_err() {
                    self.pos = start;
                    return Err(self.err("invalid UTF-8 in string"));
                }
                self.pos = p + 1;
                return Ok(Text::Src(start, p));
            }
            if b == b'\\' {
                break;
            }
            self.pos = p;
            return Err(self.err("raw control character in string"));
        }
        // Slow path with escapes.
        let mut buf = std::mem::take(if is_key {
            &mut self.key_buf
        } else {
            &mut self.str_buf
        });
        buf.clear();
        let r = self.string_escaped(start, p, high, &mut buf);
        if is_key {
            self.key_buf = buf;
        } else {
            self.str_buf = buf;
        }
        r.map(|_| Text::Scratch)
    }

    fn string_escaped(&mut self, start: usize, mut p: usize, mut high: u8, buf: &mut Vec<u8>) -> Result<()> {
        let s = self.src;
        let mut run = start;
        loop {
            let b = match s.get(p) {
                Some(&b) => b,
                None => {
                    self.pos = p;
                    return Err(self.err("unterminated string"));
                }
            };
            if STOP[b as usize] == 0 {
                high |= b;
                p += 1;
                continue;
            }
            buf.extend_from_slice(s.get(run..p).unwrap_or_default());
            if b == b'"' {
                if high >= 0x80 && std::str::from_utf8(s.get(start..p).unwrap_or_default()).is_err() {
                    self.pos = start;
                    return Err(self.err("invalid UTF-8 in string"));
                }
                self.pos = p + 1;
                return Ok(());
            }
            if b != b'\\' {
                self.pos = p;
                return Err(self.err("raw control character in string"));
            }
            let e = s.get(p + 1).copied();
            p += 2;
            let ch = match e {
                Some(b'"') => b'"',
                Some(b'\\') => b'\\',
                Some(b'/') => b'/',
                Some(b'b') => 8,
                Some(b'f') => 12,
                Some(b'n') => b'\n',
                Some(b'r') => b'\r',
                Some(b't') => b'\t',
                Some(b'u') => {
                    let cp = self.unicode_escape(&mut p)?;
                    let mut tmp = [0u8; 4];
                    buf.extend_from_slice(cp.encode_utf8(&mut tmp).as_bytes());
                    run = p;
                    continue;
                }
                _ => {
                    self.pos = p - 1;
                    return Err(self.err("invalid escape"));
                }
            };
            buf.push(ch);
            run = p;
        }
    }

    fn hex4(&self, p: usize) -> Option<u32> {
        let h = self.src.get(p..p + 4)?;
        let mut v = 0u32;
        for &c in h {
            let d = (c as char).to_digit(16)?;
            v = v * 16 + d;
        }
        Some(v)
    }

    /// Decodes `XXXX` (and a following low surrogate) after `\u`; `p` points at the hex.
    fn unicode_escape(&mut self, p: &mut usize) -> Result<char> {
        let bad = |r: &mut Self, at: usize, m: &str| {
            r.pos = at;
            r.err(m)
        };
        let u = match self.hex4(*p) {
            Some(u) => u,
            None => return Err(bad(self, *p, "invalid \\u escape")),
        };
        *p += 4;
        let cp = if (0xD800..0xDC00).contains(&u) {
            if self.src.get(*p..*p + 2) != Some(b"\\u") {
                return Err(bad(self, *p, "unpaired surrogate"));
            }
            let lo = match self.hex4(*p + 2) {
                Some(l) if (0xDC00..0xE000).contains(&l) => l,
                _ => return Err(bad(self, *p, "unpaired surrogate")),
            };
            *p += 6;
            0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
        } else if (0xDC00..0xE000).contains(&u) {
            return Err(bad(self, *p, "unpaired surrogate"));
        } else {
            u
        };
        char::from_u32(cp).ok_or_else(|| bad(self, *p, "invalid code point"))
    }
}
