//! JSON text validation and compaction, byte for byte.
//!
//! Pools store JSON as the caller wrote it minus the whitespace between tokens:
//! key order, number spelling and string escapes survive untouched, so reads can
//! splice stored bytes into envelopes without re-encoding. This scanner checks
//! RFC 8259 grammar in one pass (no allocation, bounded nesting) and reports the
//! byte offset of the first error; it also finds value boundaries for streams of
//! concatenated JSON values.

use std::fmt;

use crate::error::Error;

mod object;
pub mod stream;
pub use object::{member, members};
pub use stream::{BadRecord, InputFormat, Record, StreamReader};

/// Deepest nesting of arrays and objects accepted in a message's data: the
/// one limit every parser of message bodies uses (appends, request bodies,
/// envelopes, the remote client).
pub const MAX_DEPTH: usize = 512;

/// Deepest nesting accepted in a text that wraps data: a request body
/// (`{"data":DATA}`), an envelope (`{"seq":..,"data":DATA}`) or a response
/// (`{"message":ENVELOPE}`). [`MAX_DEPTH`] plus room for the wrappers, so
/// whatever a pool accepts can be sent and read back whole.
pub const WRAPPED_MAX_DEPTH: usize = MAX_DEPTH + 8;

const _: () = assert!(MAX_DEPTH == 512, "the error messages below name the limit");

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

impl From<JsonError> for Error {
    /// Malformed JSON input is a `Usage` error naming the byte offset.
    fn from(e: JsonError) -> Self {
        Error::usage(format!("malformed JSON at byte {}: {}", e.offset, e.reason))
            .with_offset(e.offset as u64)
    }
}

impl JsonError {
    /// Whether the text was cut by the end of a buffer of `input_len`
    /// bytes: every token a buffer ends inside (a literal, a number, a
    /// string or its escape, an open container) is reported at the end of
    /// the input, so a stream reader can read more and try again.
    #[inline]
    pub fn needs_more_input(&self, input_len: usize) -> bool {
        self.offset >= input_len
    }
}

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
    validate_to(input, MAX_DEPTH)
}

/// [`validate`] for a text that wraps data (nesting up to
/// [`WRAPPED_MAX_DEPTH`]): request bodies, envelopes, responses.
pub fn validate_wrapped(input: &[u8]) -> Result<Span, JsonError> {
    validate_to(input, WRAPPED_MAX_DEPTH)
}

fn validate_to(input: &[u8], max_depth: usize) -> Result<Span, JsonError> {
    let span = match next_value_to(input, 0, max_depth)? {
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
///
/// An error at `input.len()` ([`JsonError::needs_more_input`]) means the
/// value is cut by the end of `input`.
pub fn next_value(input: &[u8], pos: usize) -> Result<Option<Span>, JsonError> {
    next_value_to(input, pos, MAX_DEPTH)
}

/// [`next_value`] inside a text that wraps data (nesting up to
/// [`WRAPPED_MAX_DEPTH`]).
pub fn next_value_wrapped(input: &[u8], pos: usize) -> Result<Option<Span>, JsonError> {
    next_value_to(input, pos, WRAPPED_MAX_DEPTH)
}

fn next_value_to(input: &[u8], pos: usize, max_depth: usize) -> Result<Option<Span>, JsonError> {
    let start = skip_ws(input, pos);
    if start >= input.len() {
        return Ok(None);
    }
    let mut scanner = Scanner {
        input,
        pos: start,
        ws: false,
        max_depth,
    };
    scanner.value()?;
    Ok(Some(Span {
        start,
        end: scanner.pos,
        has_inner_whitespace: scanner.ws,
    }))
}

/// Finds where one JSON value ends across any number of buffers without
/// keeping them: how a reader drops a record too large to buffer, up to its
/// end. It follows strings and brackets only (the record is being dropped,
/// not checked); a scalar ends at the first byte that cannot continue it.
#[derive(Debug, Default, Clone)]
pub struct Skipper {
    started: bool,
    scalar: bool,
    in_string: bool,
    escaped: bool,
    depth: u64,
}

impl Skipper {
    /// A skipper at the start of a value (whitespace before it is skipped).
    pub fn new() -> Skipper {
        Skipper::default()
    }

    /// Feeds the next bytes of the input: `Some(n)` when the value ends
    /// after the first `n` bytes of `chunk`, `None` when all of `chunk`
    /// belongs to it.
    pub fn feed(&mut self, chunk: &[u8]) -> Option<usize> {
        for (i, &b) in chunk.iter().enumerate() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                continue;
            }
            if self.scalar {
                if is_ws(b) || matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"') {
                    return Some(i);
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ if is_ws(b) => continue,
                _ if !self.started => self.scalar = true,
                _ => {}
            }
            self.started = true;
        }
        None
    }
}

struct Scanner<'a> {
    input: &'a [u8],
    pos: usize,
    ws: bool,
    /// At most [`WRAPPED_MAX_DEPTH`].
    max_depth: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Object,
    Array,
}

/// The open containers, one bit each (set: object), so validation never
/// allocates: `WRAPPED_MAX_DEPTH` bits on the call stack.
struct Nesting {
    bits: [u64; NESTING_WORDS],
    len: usize,
}

impl Nesting {
    fn new() -> Self {
        Nesting {
            bits: [0; NESTING_WORDS],
            len: 0,
        }
    }

    /// Caller checks `len < max_depth` first.
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

const NESTING_WORDS: usize = WRAPPED_MAX_DEPTH.div_ceil(64);

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
                    if stack.len >= self.max_depth {
                        return self.too_deep();
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
                    if stack.len >= self.max_depth {
                        return self.too_deep();
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

    #[cold]
    fn too_deep(&self) -> Result<(), JsonError> {
        if self.max_depth == MAX_DEPTH {
            err(self.pos, "nesting deeper than 512 levels")
        } else {
            err(self.pos, "nesting deeper than 512 levels inside the message")
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
        } else if word.starts_with(&self.input[self.pos..]) {
            // A prefix cut by the end of the input (`tr`): more may follow.
            err(self.input.len(), "unexpected end of input in a literal")
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
                            let hex = &input[(i + 2).min(input.len())..(i + 6).min(input.len())];
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return err(i, "invalid \\u escape");
                            }
                            if hex.len() < 4 {
                                // Cut by the end of the input: more may follow.
                                return err(input.len(), "unterminated string");
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
    fn skipper_finds_the_end_across_pieces() {
        let text = b" [\"a]}\\\"\", {\"b\": [1, {}]}, 7] {\"next\":1}";
        let end = text.windows(3).position(|w| w == b"] {").unwrap() + 1;
        for cut in 0..text.len() {
            let mut s = Skipper::new();
            let got = match s.feed(&text[..cut]) {
                Some(n) => n,
                None => cut + s.feed(&text[cut..]).expect("ends"),
            };
            assert_eq!(got, end, "cut at {cut}");
        }
        assert_eq!(Skipper::new().feed(b"\"x\\\"y\" 1"), Some(6));
        assert_eq!(Skipper::new().feed(b"12345 6"), Some(5));
        assert_eq!(Skipper::new().feed(b"  true,"), Some(6));
        assert_eq!(Skipper::new().feed(b"1234"), None);
    }

    #[test]
    fn cut_tokens_report_the_end_of_input() {
        for text in [
            "tr", "[fals", "{\"a\":n", "\"\\u00", "\"\\u", "\"\\", "-", "1.", "1e+", "[1,", "{\"a\"",
        ] {
            let e = validate(text.as_bytes()).unwrap_err();
            assert!(e.needs_more_input(text.len()), "{text:?}: {e}");
        }
        for text in ["tx", "[falze", "\"\\u0g", "\"\\x"] {
            let e = validate(text.as_bytes()).unwrap_err();
            assert!(!e.needs_more_input(text.len()), "{text:?}: {e}");
        }
    }

    #[test]
    fn wrapped_texts_nest_deeper() {
        let data = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        let body = format!("{{\"message\":{{\"data\":{data}}}}}");
        assert!(validate(body.as_bytes()).is_err());
        assert!(validate_wrapped(body.as_bytes()).is_ok());
        let deep = "[".repeat(WRAPPED_MAX_DEPTH + 1) + &"]".repeat(WRAPPED_MAX_DEPTH + 1);
        assert!(validate_wrapped(deep.as_bytes()).is_err());
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
