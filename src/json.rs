//! JSON text validation and compaction, byte for byte.
//!
//! Pools store JSON as the caller wrote it minus the whitespace between tokens:
//! key order, number spelling and string escapes survive untouched, so reads can
//! splice stored bytes into envelopes without re-encoding. This scanner checks
//! RFC 8259 grammar in one pass (no allocation, bounded nesting) and reports the
//! byte offset of the first error; it also finds value boundaries for streams of
//! concatenated JSON values.

use std::fmt;

mod object;
pub use object::{member, members};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 512;

/// Where and why a JSON text is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the first offending byte (or the end of input).
    pub offset: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for JsonError {}

/// One JSON value found in a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the value's first byte.
    pub start: usize,
    /// Offset one past the value's last byte.
    pub end: usize,
    /// Whether whitespace occurs between the value's tokens.
    pub has_inner_whitespace: bool,
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn err<T>(offset: usize, reason: &'static str) -> Result<T, JsonError> {
    Err(JsonError { offset, reason })
}

/// Skips whitespace from `pos`; returns the offset of the next other byte.
#[inline]
pub fn skip_ws(input: &[u8], mut pos: usize) -> usize {
    while pos < input.len() && is_ws(input[pos]) {
        pos += 1;
    }
    pos
}

/// Validates that `input` holds exactly one JSON value, with optional
/// whitespace around it, and returns where the value lies.
///
/// ```
/// let span = plasmite::json::validate(b" {\"a\": [1, 2.5e3]} ").unwrap();
/// assert_eq!((span.start, span.end), (1, 18));
/// assert!(plasmite::json::validate(b"{\"a\":}").is_err());
/// ```
pub fn validate(input: &[u8]) -> Result<Span, JsonError> {
    let span = match next_value(input, 0)? {
        Some(span) => span,
        None => return err(input.len(), "expected a JSON value, found end of input"),
    };
    let rest = skip_ws(input, span.end);
    if rest != input.len() {
        return err(rest, "unexpected data after the JSON value");
    }
    Ok(span)
}

/// Validates `input` (one JSON value) and appends its compact form to `out`.
pub fn compact_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), JsonError> {
    let span = validate(input)?;
    push_compact(&input[span.start..span.end], span.has_inner_whitespace, out);
    Ok(())
}

/// Appends an already validated value, dropping whitespace between tokens.
pub fn push_compact(value: &[u8], has_inner_whitespace: bool, out: &mut Vec<u8>) {
    if !has_inner_whitespace {
        out.extend_from_slice(value);
        return;
    }
    out.reserve(value.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in value {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !is_ws(b) {
            out.push(b);
        }
    }
}

/// Finds the next JSON value at or after `pos` (after whitespace). Returns
/// `None` when only whitespace remains. Used to split JSON Lines and
/// concatenated JSON streams.
pub fn next_value(input: &[u8], pos: usize) -> Result<Option<Span>, JsonError> {
    let start = skip_ws(input, pos);
    if start >= input.len() {
        return Ok(None);
    }
    let mut scanner = Scanner {
        input,
        pos: start,
        ws: false,
    };
    scanner.value()?;
    Ok(Some(Span {
        start,
        end: scanner.pos,
        has_inner_whitespace: scanner.ws,
    }))
}

struct Scanner<'a> {
    input: &'a [u8],
    pos: usize,
    ws: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Object,
    Array,
}

/// The open containers, one bit each (set: object), so validation never
/// allocates: `MAX_DEPTH` bits on the call stack.
struct Nesting {
    bits: [u64; MAX_DEPTH / 64],
    len: usize,
}

impl Nesting {
    fn new() -> Self {
        Nesting {
            bits: [0; MAX_DEPTH / 64],
            len: 0,
        }
    }

    /// Caller checks `len < MAX_DEPTH` first.
    #[inline]
    fn push(&mut self, f: Frame) {
        let (word, bit) = (self.len / 64, self.len % 64);
        if f == Frame::Object {
            self.bits[word] |= 1 << bit;
        } else {
            self.bits[word] &= !(1 << bit);
        }
        self.len += 1;
    }

    #[inline]
    fn top(&self) -> Option<Frame> {
        let i = self.len.checked_sub(1)?;
        Some(if self.bits[i / 64] >> (i % 64) & 1 == 1 {
            Frame::Object
        } else {
            Frame::Array
        })
    }

    #[inline]
    fn pop(&mut self) {
        self.len -= 1;
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Marks (in bit 7 of its byte) each byte of `w` that ends a run of plain
/// string bytes: `"`, `\\` or a control character. Marks above the lowest
/// one may be spurious (borrows), the lowest is exact.
#[inline]
fn string_specials(w: u64) -> u64 {
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH_BITS;
    let quote = zero_in(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(w ^ (ONES * u64::from(b'\\')));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH_BITS;
    quote | backslash | control
}

impl Scanner<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        let next = skip_ws(self.input, self.pos);
        if next != self.pos {
            self.ws = true;
            self.pos = next;
        }
    }

    /// Scans one value iteratively: nesting lives in an explicit stack so
    /// hostile input cannot overflow the call stack.
    fn value(&mut self) -> Result<(), JsonError> {
        let mut stack = Nesting::new();
        'value: loop {
            // At the start of a value.
            match self.peek() {
                Some(b'{') => {
                    if stack.len >= MAX_DEPTH {
                        return err(self.pos, "nesting deeper than 512 levels");
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        stack.push(Frame::Object);
                        self.key()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    if stack.len >= MAX_DEPTH {
                        return err(self.pos, "nesting deeper than 512 levels");
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        stack.push(Frame::Array);
                        continue 'value;
                    }
                }
                Some(b'"') => self.string()?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(_) => return err(self.pos, "expected a JSON value"),
                None => return err(self.pos, "unexpected end of input, expected a value"),
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(top) = stack.top() else {
                    return Ok(());
                };
                self.skip_ws();
                match (self.peek(), top) {
                    (Some(b','), Frame::Array) => {
                        self.pos += 1;
                        self.skip_ws();
                        continue 'value;
                    }
                    (Some(b','), Frame::Object) => {
                        self.pos += 1;
                        self.skip_ws();
                        self.key()?;
                        continue 'value;
                    }
                    (Some(b']'), Frame::Array) | (Some(b'}'), Frame::Object) => {
                        self.pos += 1;
                        stack.pop();
                    }
                    (None, _) => return err(self.pos, "unexpected end of input inside a container"),
                    (_, Frame::Array) => return err(self.pos, "expected ',' or ']'"),
                    (_, Frame::Object) => return err(self.pos, "expected ',' or '}'"),
                }
            }
        }
    }

    /// An object key and its colon; leaves `pos` at the member's value.
    fn key(&mut self) -> Result<(), JsonError> {
        if self.peek() != Some(b'"') {
            return err(self.pos, "expected a string key");
        }
        self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return err(self.pos, "expected ':' after an object key");
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), JsonError> {
        let end = self.pos + word.len();
        if self.input.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            err(self.pos, "invalid literal")
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return err(self.pos, "expected a digit"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return err(self.pos, "expected a digit after '.'");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return err(self.pos, "expected a digit in the exponent");
            }
        }
        Ok(())
    }

    fn string(&mut self) -> Result<(), JsonError> {
        let input = self.input;
        let open = self.pos;
        let mut i = open + 1;
        let mut ascii = true;
        // OR of the plain bytes skipped eight at a time (for the ASCII check).
        let mut skipped = 0u64;
        loop {
            while let Some(chunk) = input.get(i..i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let w = u64::from_le_bytes(word);
                let specials = string_specials(w);
                if specials != 0 {
                    let plain = specials.trailing_zeros() / 8;
                    skipped |= w & ((1u64 << (plain * 8)) - 1);
                    i += plain as usize;
                    break;
                }
                skipped |= w;
                i += 8;
            }
            let Some(&b) = input.get(i) else {
                return err(input.len(), "unterminated string");
            };
            match b {
                b'"' => break,
                b'\\' => {
                    match input.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u') => {
                            let hex = input.get(i + 2..i + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return err(i, "invalid \\u escape");
                            }
                            i += 6;
                        }
                        Some(_) => return err(i, "invalid escape"),
                        None => return err(input.len(), "unterminated string"),
                    }
                    continue;
                }
                0..=0x1f => return err(i, "control character in string"),
                0x80.. => ascii = false,
                _ => {}
            }
            i += 1;
        }
        if !ascii || skipped & HIGH_BITS != 0 {
            if let Err(e) = std::str::from_utf8(&input[open + 1..i]) {
                return err(open + 1 + e.valid_up_to(), "invalid UTF-8 in string");
            }
        }
        self.pos = i + 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(s: &str) -> Result<String, JsonError> {
        let mut out = Vec::new();
        compact_into(s.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn compaction_keeps_order_numbers_and_escapes() {
        assert_eq!(
            compact(" { \"b\" : 1.50E+3 , \"a\" : [ \"x \\\" y\" , null ] }\n").unwrap(),
            r#"{"b":1.50E+3,"a":["x \" y",null]}"#
        );
        assert_eq!(compact("\"  spaced  \"").unwrap(), "\"  spaced  \"");
        assert_eq!(compact("\"\\u00e9 é\"").unwrap(), "\"\\u00e9 é\"");
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(validate(b"{\"a\":1,}").unwrap_err().offset, 7);
        assert_eq!(validate(b"[1 2]").unwrap_err().offset, 3);
        assert_eq!(validate(b"01").unwrap_err().offset, 1);
        assert_eq!(validate(b"").unwrap_err().offset, 0);
        assert_eq!(validate(b"\"\x01\"").unwrap_err().offset, 1);
        assert_eq!(validate(b"\"\xff\"").unwrap_err().offset, 1);
        assert_eq!(validate(b"{\"a\" 1}").unwrap_err().offset, 5);
        assert!(validate(b"-").is_err());
        assert!(validate(b"1.").is_err());
        assert!(validate(b"1e").is_err());
        assert!(validate(b"tru").is_err());
        assert!(validate(b"\"\\x\"").is_err());
        assert!(validate(b"\"\\u12g4\"").is_err());
        assert!(validate(b"[").is_err());
        assert!(validate(b"{} {}").is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(validate(deep.as_bytes()).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(validate(ok.as_bytes()).is_ok());
    }

    #[test]
    fn agrees_with_serde_on_a_corpus() {
        let cases = [
            "0",
            "-0",
            "1e5",
            "-1.25e-7",
            "[]",
            "{}",
            "[[],[{}]]",
            r#"{"a":{"b":[true,false,null]}}"#,
            "\"\\ud83d\\ude00\"",
            "[1,]",
            "{,}",
            "[01]",
            "+1",
            ".5",
            "\"a\nb\"",
            "nul",
            "[1]]",
            "{\"a\":1 \"b\":2}",
            "\"\\/\"",
            "1E+2",
            "-",
            "[-]",
            "{\"a\"}",
            " [ 1 , 2 ] ",
        ];
        for c in cases {
            let ours = validate(c.as_bytes()).is_ok();
            let serde = serde_json::from_str::<serde_json::Value>(c).is_ok();
            assert_eq!(ours, serde, "disagreement on {c:?}");
        }
    }

    #[test]
    fn string_scan_finds_specials_at_every_offset() {
        // The scanner skips plain bytes eight at a time; put each kind of
        // special byte at every offset around the word boundaries.
        for pad in 0..20 {
            let p = "x".repeat(pad);
            let q = "y".repeat(19 - pad);
            let ok = [
                format!("\"{p}\\\"{q}\""),
                format!("\"{p}\\u00e9{q}\""),
                format!("\"{p}é{q}\""),
                format!("\"{p}😀{q}\""),
                format!("[\"{p}\",\"{q}\"]"),
            ];
            for c in &ok {
                assert_eq!(validate(c.as_bytes()).map(|s| s.end), Ok(c.len()), "{c:?}");
                assert!(serde_json::from_str::<serde_json::Value>(c).is_ok());
            }
            let ctrl = format!("\"{p}\u{1}{q}\"");
            assert_eq!(validate(ctrl.as_bytes()).unwrap_err().offset, 1 + pad, "{ctrl:?}");
            let bad_escape = format!("\"{p}\\x{q}\"");
            assert_eq!(validate(bad_escape.as_bytes()).unwrap_err().offset, 1 + pad);
            let mut bad_utf8 = format!("\"{p}").into_bytes();
            bad_utf8.extend_from_slice(b"\xff\xfe");
            bad_utf8.extend_from_slice(format!("{q}\"").as_bytes());
            assert_eq!(validate(&bad_utf8).unwrap_err().offset, 1 + pad);
            let unterminated = format!("\"{p}");
            assert!(validate(unterminated.as_bytes()).is_err());
        }
    }

    #[test]
    fn deep_mixed_nesting_closes_in_order() {
        let mut s = String::new();
        for i in 0..MAX_DEPTH {
            s.push_str(if i % 3 == 0 { "{\"k\":" } else { "[" });
        }
        s.push('1');
        for i in (0..MAX_DEPTH).rev() {
            s.push(if i % 3 == 0 { '}' } else { ']' });
        }
        assert!(validate(s.as_bytes()).is_ok());
        let wrong = s.replacen("]}", "}]", 1);
        assert!(validate(wrong.as_bytes()).is_err());
    }

    #[test]
    fn splits_concatenated_values() {
        let input = b"{\"a\":1}{\"b\":2}\n[3] 4\n";
        let mut pos = 0;
        let mut found = Vec::new();
        while let Some(span) = next_value(input, pos).unwrap() {
            found.push(&input[span.start..span.end]);
            pos = span.end;
        }
        assert_eq!(found, vec![&b"{\"a\":1}"[..], b"{\"b\":2}", b"[3]", b"4"]);
    }
}
