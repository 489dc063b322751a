//! Splitting a byte stream into JSON values, in the input formats a writer
//! accepts: JSON Lines, concatenated JSON, one JSON value, JSON text
//! sequences (RFC 7464) and Server-Sent-Events `data:` fields.
//!
//! [`StreamReader`] owns the read buffer: the caller feeds it with
//! [`StreamReader::fill`] (from a file, a pipe, a socket) and takes values
//! with [`StreamReader::next_record`] until it asks for more input. Each value is
//! validated once, by the scanner that finds it, and handed out as a
//! [`Span`] ready for [`Batch::push_json_span`](crate::Batch::push_json_span).
//! Errors name the line (and byte offset) where the bad record starts, and
//! the reader has already moved past that record, so a caller may report it
//! and go on, or stop.

use std::io;

use super::{next_value, skip_ws, Skipper, Span};
use crate::Error;

/// Bytes asked of the input per [`StreamReader::fill`].
pub const READ_CHUNK: usize = 1 << 20;

/// How a stream of JSON values is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Detect from the start of the stream: a 0x1E byte first means
    /// [`Seq`](Self::Seq); a first line that is an SSE field (`data:`,
    /// `event:`, `id:`, `retry:`) or comment (`:`) means [`Sse`](Self::Sse);
    /// anything else is JSON values separated by any whitespace, as
    /// [`Jq`](Self::Jq) (JSON Lines, concatenated or pretty-printed JSON).
    Auto,
    /// JSON Lines, strictly: one value per line, none spanning lines.
    Jsonl,
    /// Exactly one JSON value (with whitespace around it).
    Json,
    /// RFC 7464 JSON text sequences: each value preceded by 0x1E.
    Seq,
    /// Server-Sent Events: the `data:` lines of each event (joined with a
    /// newline) hold one JSON value; `event:`, `id:`, `retry:` and comments
    /// are ignored.
    Sse,
    /// Concatenated JSON values separated by any whitespace (jq's output).
    Jq,
}

impl InputFormat {
    /// The name used on the command line (`auto`, `jsonl`, `json`, ...).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Json => "json",
            InputFormat::Seq => "seq",
            InputFormat::Sse => "sse",
            InputFormat::Jq => "jq",
        }
    }
}

/// A bad record: malformed, or larger than the limit.
#[derive(Debug)]
pub struct BadRecord {
    /// True when the record was dropped for its size, not its syntax.
    pub too_large: bool,
    /// A `Usage` error naming the line (and, for syntax, the byte offset).
    pub error: Error,
}

/// One value of the stream: `span` inside `bytes`.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The buffer holding the value (the read buffer, or an SSE event's data).
    pub bytes: &'a [u8],
    /// Where the value lies in `bytes`.
    pub span: Span,
}

/// What a format needs to remember between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Detect,
    Loose,
    Lines,
    One,
    Seq,
    Sse,
}

/// Splits a byte stream into JSON values; see the [module](self) docs.
#[derive(Debug)]
pub struct StreamReader {
    format: InputFormat,
    mode: Mode,
    buf: Vec<u8>,
    pos: usize,
    /// Line number of `buf[0]` (1-based).
    line_base: u64,
    /// Bytes dropped before `buf[0]`.
    consumed: u64,
    eof: bool,
    max_len: usize,
    overhead: usize,
    /// Dropping a JSON value too large to buffer, up to its end.
    skipper: Option<Skipper>,
    /// Dropping input up to the next 0x1E (seq) or newline (sse).
    skip_to: Option<u8>,
    /// `--in json`: the one value was handed out (or the input refused).
    one_done: bool,
    /// SSE: the data of the event being read, where it started, whether it
    /// has any, and whether it is being dropped.
    sse_data: Vec<u8>,
    sse_line: u64,
    sse_has_data: bool,
    sse_skip_event: bool,
}

fn count_lines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

const RS: u8 = 0x1E;

impl StreamReader {
    /// A reader of `format` for records of at most `max_len` bytes once
    /// `overhead` bytes (encoded tags) are added.
    pub fn new(format: InputFormat, max_len: usize, overhead: usize) -> StreamReader {
        let mode = match format {
            InputFormat::Auto => Mode::Detect,
            InputFormat::Jsonl => Mode::Lines,
            InputFormat::Json => Mode::One,
            InputFormat::Seq => Mode::Seq,
            InputFormat::Sse => Mode::Sse,
            InputFormat::Jq => Mode::Loose,
        };
        StreamReader {
            format,
            mode,
            buf: Vec::with_capacity(READ_CHUNK * 2),
            pos: 0,
            line_base: 1,
            consumed: 0,
            eof: false,
            max_len,
            overhead,
            skipper: None,
            skip_to: None,
            one_done: false,
            sse_data: Vec::new(),
            sse_line: 0,
            sse_has_data: false,
            sse_skip_event: false,
        }
    }

    /// The format asked for (`Auto` stays `Auto`; see [`detected`](Self::detected)).
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The format in use: `None` while `Auto` has not seen enough input.
    pub fn detected(&self) -> Option<InputFormat> {
        Some(match self.mode {
            Mode::Detect => return None,
            Mode::Loose => InputFormat::Jq,
            Mode::Lines => InputFormat::Jsonl,
            Mode::One => InputFormat::Json,
            Mode::Seq => InputFormat::Seq,
            Mode::Sse => InputFormat::Sse,
        })
    }

    /// Bytes of input taken so far (for progress reports).
    pub fn bytes_consumed(&self) -> u64 {
        self.consumed + self.pos as u64
    }

    /// True once the input ended and every value was taken.
    pub fn finished(&self) -> bool {
        self.eof && self.pos >= self.buf.len() && !self.sse_has_data
    }

    /// Reads more input with `read` (given free space; 0 bytes = end of
    /// input). The buffer keeps only what was not taken yet.
    pub fn fill(&mut self, read: impl FnOnce(&mut [u8]) -> io::Result<usize>) -> io::Result<usize> {
        if self.pos > 0 {
            self.line_base += count_lines(&self.buf[..self.pos]);
            self.consumed += self.pos as u64;
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        match read(&mut self.buf[old..]) {
            Ok(n) => {
                self.buf.truncate(old + n);
                if n == 0 {
                    self.eof = true;
                }
                Ok(n)
            }
            Err(e) => {
                self.buf.truncate(old);
                Err(e)
            }
        }
    }

    fn line_at(&self, offset: usize) -> u64 {
        self.line_base + count_lines(&self.buf[..offset.min(self.buf.len())])
    }

    fn malformed(&self, offset: usize, reason: &str) -> BadRecord {
        let line = self.line_at(offset);
        BadRecord {
            too_large: false,
            error: Error::usage(format!("malformed JSON on line {line}: {reason}"))
                .with_offset(self.consumed + offset as u64),
        }
    }

    fn too_large(&self, offset: usize, len: Option<usize>) -> BadRecord {
        let line = self.line_at(offset);
        let max = self.max_len;
        let message = match len {
            Some(len) => {
                format!("record on line {line} is {len} bytes, larger than the pool's limit of {max}")
            }
            None => format!("record on line {line} is larger than the pool's limit of {max} bytes"),
        };
        BadRecord {
            too_large: true,
            error: Error::usage(message),
        }
    }

    fn fits(&self, len: usize) -> bool {
        len + self.overhead <= self.max_len
    }

    /// Offset just after the line holding `offset`.
    fn after_line(&self, offset: usize) -> usize {
        let from = offset.min(self.buf.len());
        self.buf[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.buf.len(), |p| from + p + 1)
    }

    /// The next value, or a bad record (already passed over). `None` when
    /// more input is needed ([`fill`](Self::fill)) or, once
    /// [`finished`](Self::finished), at the end.
    #[inline]
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, BadRecord>> {
        if let Some(skipper) = self.skipper.as_mut() {
            match skipper.feed(&self.buf[self.pos..]) {
                Some(n) => {
                    self.pos += n;
                    self.skipper = None;
                }
                None => {
                    self.pos = self.buf.len();
                    return None;
                }
            }
        }
        if let Some(stop) = self.skip_to {
            match self.buf[self.pos..].iter().position(|&b| b == stop) {
                // A record separator starts the next record; a newline ends the line.
                Some(p) => {
                    self.pos += if stop == RS { p } else { p + 1 };
                    self.skip_to = None;
                }
                None => {
                    self.pos = self.buf.len();
                    return None;
                }
            }
        }
        if self.mode == Mode::Detect && !self.detect() {
            return self.need_more();
        }
        let step = match self.mode {
            Mode::Loose | Mode::Lines | Mode::One => self.next_json(),
            Mode::Seq => self.next_seq(),
            Mode::Sse => return self.next_sse(),
            Mode::Detect => Step::More,
        };
        match step {
            Step::Value(span) => Some(Ok(Record {
                bytes: &self.buf,
                span,
            })),
            Step::Bad(b) => Some(Err(b)),
            Step::More => self.need_more(),
        }
    }

    /// `None`, after checking that the unfinished record still fits.
    fn need_more<T>(&mut self) -> Option<Result<T, BadRecord>> {
        if self.eof && self.pos < self.buf.len() {
            // Nothing more will come: what is left cannot be a record.
            let bad = self.malformed(self.buf.len(), "unexpected end of input");
            self.pos = self.buf.len();
            self.sse_has_data = false;
            return Some(Err(bad));
        }
        if self.eof || self.buf.len() - self.pos <= self.max_len + 64 {
            return None;
        }
        if self.mode == Mode::Sse {
            // A line too long to buffer: its event is dropped (reported once).
            self.skip_to = Some(b'\n');
            self.sse_data.clear();
            if std::mem::replace(&mut self.sse_skip_event, true) {
                return None;
            }
            let line = if self.sse_has_data {
                self.sse_line
            } else {
                self.line_at(self.pos)
            };
            return Some(Err(BadRecord {
                too_large: true,
                error: Error::usage(format!(
                    "record on line {line} is larger than the pool's limit of {} bytes",
                    self.max_len
                )),
            }));
        }
        // The record in the buffer cannot fit: drop all of it (never resume
        // inside it), reading on to its end.
        let record = skip_ws(&self.buf, self.pos);
        let bad = self.too_large(record, None);
        match self.mode {
            Mode::Seq => self.skip_to = Some(RS),
            _ => self.skipper = Some(Skipper::new()),
        }
        self.pos = record;
        if self.mode == Mode::Seq && self.buf.get(record) == Some(&RS) {
            self.pos += 1;
        }
        Some(Err(bad))
    }

    /// Picks the format from the start of the stream; false when more
    /// input is needed to tell.
    fn detect(&mut self) -> bool {
        let first = skip_ws(&self.buf, self.pos);
        if first >= self.buf.len() {
            if self.eof {
                self.mode = Mode::Loose;
                return true;
            }
            return false;
        }
        let rest = &self.buf[first..];
        if rest[0] == RS {
            self.mode = Mode::Seq;
            return true;
        }
        const FIELDS: [&[u8]; 5] = [b":", b"data:", b"event:", b"id:", b"retry:"];
        for f in FIELDS {
            let n = f.len().min(rest.len());
            if rest[..n] == f[..n] {
                if n == f.len() {
                    self.mode = Mode::Sse;
                    return true;
                }
                if !self.eof {
                    return false; // a prefix of a field name: read more
                }
            }
        }
        self.mode = Mode::Loose;
        true
    }

    fn next_json(&mut self) -> Step {
        if self.pos >= self.buf.len() {
            return self.end_of_json();
        }
        match next_value(&self.buf, self.pos) {
            Ok(None) => {
                self.pos = self.buf.len();
                self.end_of_json()
            }
            Ok(Some(span)) => {
                if span.end == self.buf.len() && !self.eof {
                    return Step::More; // a number may continue in the next read
                }
                if self.mode == Mode::One {
                    if self.one_done {
                        self.pos = self.buf.len();
                        return Step::Bad(self.extra_value(span.start));
                    }
                    let rest = skip_ws(&self.buf, span.end);
                    if rest < self.buf.len() {
                        self.pos = self.buf.len();
                        self.skip_to = None;
                        self.one_done = true;
                        return Step::Bad(self.extra_value(rest));
                    }
                    if !self.eof {
                        return Step::More; // keep it until the end proves it alone
                    }
                    self.one_done = true;
                }
                if self.mode == Mode::Lines {
                    if let Some(step) = self.check_line(span) {
                        return step;
                    }
                }
                let len = span.end - span.start;
                if !self.fits(len) {
                    let bad = self.too_large(span.start, Some(len));
                    self.pos = span.end;
                    return Step::Bad(bad);
                }
                self.pos = span.end;
                Step::Value(span)
            }
            Err(e) => {
                if e.needs_more_input(self.buf.len()) && !self.eof {
                    return Step::More; // cut by the end of the buffer: read more
                }
                let bad = self.malformed(e.offset, e.reason);
                self.pos = match self.mode {
                    Mode::One => self.buf.len(),
                    _ => self.after_line(e.offset),
                };
                Step::Bad(bad)
            }
        }
    }

    fn end_of_json(&mut self) -> Step {
        if self.mode == Mode::One && self.eof && !self.one_done {
            self.one_done = true;
            return Step::Bad(BadRecord {
                too_large: false,
                error: Error::usage("no JSON value in the input (--in json takes exactly one)"),
            });
        }
        Step::More
    }

    fn extra_value(&self, offset: usize) -> BadRecord {
        let line = self.line_at(offset);
        BadRecord {
            too_large: false,
            error: Error::usage(format!(
                "more than one JSON value: another starts on line {line} (--in json takes exactly one)"
            ))
            .with_offset(self.consumed + offset as u64),
        }
    }

    /// JSON Lines: the value is alone on its line(s) and spans no newline.
    fn check_line(&mut self, span: Span) -> Option<Step> {
        if span.has_inner_whitespace && self.buf[span.start..span.end].contains(&b'\n') {
            let bad = self.malformed(span.start, "a value spans more than one line (--in jsonl)");
            self.pos = self.after_line(span.end);
            return Some(Step::Bad(bad));
        }
        let mut p = span.end;
        while p < self.buf.len() && matches!(self.buf[p], b' ' | b'\t' | b'\r') {
            p += 1;
        }
        if p >= self.buf.len() {
            return (!self.eof).then_some(Step::More);
        }
        if self.buf[p] != b'\n' {
            let bad = self.malformed(p, "more than one value on the line (--in jsonl)");
            self.pos = self.after_line(p);
            return Some(Step::Bad(bad));
        }
        None
    }

    fn next_seq(&mut self) -> Step {
        // Whitespace and empty records (RS RS) between records.
        let mut p = self.pos;
        let mut saw_rs = false;
        loop {
            p = skip_ws(&self.buf, p);
            if p < self.buf.len() && self.buf[p] == RS {
                saw_rs = true;
                p += 1;
                continue;
            }
            break;
        }
        if p >= self.buf.len() {
            if self.eof {
                self.pos = p;
            }
            // Otherwise keep a trailing RS unconsumed until its record arrives.
            return Step::More;
        }
        if !saw_rs {
            let bad = self.malformed(
                p,
                "expected a record separator (0x1E) before the value (--in seq)",
            );
            self.skip_to = Some(RS);
            self.pos = p;
            return Step::Bad(bad);
        }
        match next_value(&self.buf, p) {
            Ok(None) => Step::More,
            Ok(Some(span)) => {
                let rest = skip_ws(&self.buf, span.end);
                if rest >= self.buf.len() && !self.eof {
                    return Step::More;
                }
                if rest < self.buf.len() && self.buf[rest] != RS {
                    let bad = self.malformed(rest, "unexpected data after the value (--in seq)");
                    self.skip_to = Some(RS);
                    self.pos = rest;
                    return Step::Bad(bad);
                }
                let len = span.end - span.start;
                self.pos = span.end;
                if !self.fits(len) {
                    return Step::Bad(self.too_large(span.start, Some(len)));
                }
                Step::Value(span)
            }
            Err(e) => {
                if e.needs_more_input(self.buf.len()) && !self.eof {
                    return Step::More;
                }
                let bad = self.malformed(e.offset, e.reason);
                self.skip_to = Some(RS);
                self.pos = e.offset.min(self.buf.len());
                Step::Bad(bad)
            }
        }
    }

    fn next_sse(&mut self) -> Option<Result<Record<'_>, BadRecord>> {
        loop {
            if self.pos >= self.buf.len() && !self.eof {
                return self.need_more();
            }
            let (line_end, next) = match self.buf[self.pos..].iter().position(|&b| b == b'\n') {
                Some(p) => (self.pos + p, self.pos + p + 1),
                None if self.eof => (self.buf.len(), self.buf.len()),
                None => return self.need_more(),
            };
            let start = self.pos;
            let mut end = line_end;
            if end > start && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
            let at_end = start >= self.buf.len();
            if at_end || end == start {
                // A blank line (or the end of input) dispatches the event.
                self.pos = next;
                let skipped = std::mem::take(&mut self.sse_skip_event);
                if !self.sse_has_data {
                    if at_end {
                        return None;
                    }
                    continue;
                }
                self.sse_has_data = false;
                if skipped {
                    self.sse_data.clear();
                    continue;
                }
                return Some(self.sse_dispatch());
            }
            let line = &self.buf[start..end];
            self.pos = next;
            if line[0] == b':' {
                continue;
            }
            let (field, value) = match line.iter().position(|&b| b == b':') {
                Some(c) => {
                    let v = &line[c + 1..];
                    (&line[..c], v.strip_prefix(b" ").unwrap_or(v))
                }
                None => (line, &b""[..]),
            };
            match field {
                b"data" => {
                    if self.sse_skip_event {
                        continue;
                    }
                    if !self.sse_has_data {
                        self.sse_has_data = true;
                        self.sse_line = self.line_at(start);
                        self.sse_data.clear();
                    } else {
                        self.sse_data.push(b'\n');
                    }
                    self.sse_data.extend_from_slice(value);
                    if self.sse_data.len() > self.max_len + 64 {
                        let line = self.sse_line;
                        self.sse_skip_event = true;
                        self.sse_data.clear();
                        return Some(Err(BadRecord {
                            too_large: true,
                            error: Error::usage(format!(
                                "record on line {line} is larger than the pool's limit of {} bytes",
                                self.max_len
                            )),
                        }));
                    }
                }
                b"event" | b"id" | b"retry" => {}
                _ => {
                    let bad = self.malformed(
                        start,
                        "not a Server-Sent-Events line (data:, event:, id:, retry: or a :comment)",
                    );
                    // Drop the event this line belongs to.
                    self.sse_skip_event = self.sse_has_data;
                    self.sse_data.clear();
                    return Some(Err(bad));
                }
            }
        }
    }

    fn sse_dispatch(&mut self) -> Result<Record<'_>, BadRecord> {
        let line = self.sse_line;
        match super::validate(&self.sse_data) {
            Ok(span) => {
                let len = span.end - span.start;
                if !self.fits(len) {
                    return Err(BadRecord {
                        too_large: true,
                        error: Error::usage(format!(
                            "record on line {line} is {len} bytes, larger than the pool's limit of {}",
                            self.max_len
                        )),
                    });
                }
                Ok(Record {
                    bytes: &self.sse_data,
                    span,
                })
            }
            Err(e) => Err(BadRecord {
                too_large: false,
                error: Error::usage(format!(
                    "malformed JSON in the event whose data starts on line {line}: {}",
                    e.reason
                )),
            }),
        }
    }
}

enum Step {
    Value(Span),
    Bad(BadRecord),
    More,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(format: InputFormat, input: &[u8], chunk: usize) -> Vec<Result<String, String>> {
        let mut r = StreamReader::new(format, 1 << 20, 0);
        let mut out = Vec::new();
        let mut fed = 0;
        loop {
            while let Some(item) = r.next_record() {
                out.push(match item {
                    Ok(rec) => {
                        let mut v = Vec::new();
                        crate::json::push_compact(
                            &rec.bytes[rec.span.start..rec.span.end],
                            rec.span.has_inner_whitespace,
                            &mut v,
                        );
                        Ok(String::from_utf8(v).unwrap())
                    }
                    Err(b) => Err(b.error.to_string()),
                });
            }
            if r.finished() {
                return out;
            }
            let n = chunk.min(input.len() - fed);
            r.fill(|dst| {
                dst[..n].copy_from_slice(&input[fed..fed + n]);
                Ok(n)
            })
            .unwrap();
            fed += n;
        }
    }

    fn values(format: InputFormat, input: &[u8]) -> Vec<String> {
        for chunk in [1, 2, 3, 7, 1 << 20] {
            let got = split(format, input, chunk);
            let ok: Vec<String> = got.iter().map(|r| r.clone().unwrap()).collect();
            if chunk == 1 << 20 {
                return ok;
            }
            assert_eq!(
                ok,
                split(format, input, 1 << 20)
                    .into_iter()
                    .map(Result::unwrap)
                    .collect::<Vec<_>>()
            );
        }
        unreachable!()
    }

    #[test]
    fn formats_split_in_any_pieces() {
        let want = vec!["{\"a\":1}".to_string(), "[2]".to_string(), "3".to_string()];
        assert_eq!(values(InputFormat::Auto, b"{\"a\": 1}\n[2]\n3\n"), want);
        assert_eq!(values(InputFormat::Auto, b"{\"a\":1}[2] 3"), want);
        assert_eq!(
            values(InputFormat::Auto, b"\x1e{\"a\":1}\n\x1e[2]\n\x1e3\n"),
            want
        );
        assert_eq!(
            values(
                InputFormat::Auto,
                b": hi\nevent: x\ndata: {\"a\":\ndata: 1}\n\ndata: [2]\n\nid: 7\ndata: 3\n"
            ),
            want
        );
        assert_eq!(values(InputFormat::Jsonl, b"{\"a\":1}\n[2]\r\n3"), want);
        assert_eq!(
            values(InputFormat::Json, b" {\"a\" : 1} \n"),
            vec!["{\"a\":1}".to_string()]
        );
    }

    #[test]
    fn errors_name_lines() {
        let got = split(InputFormat::Jsonl, b"1\n2 3\n4\n", 1 << 20);
        assert_eq!(got[0], Ok("1".into()));
        assert!(got[1].as_ref().unwrap_err().contains("line 2"), "{got:?}");
        assert_eq!(got[2], Ok("4".into()));
        let got = split(InputFormat::Json, b"1\n\n2\n", 1 << 20);
        assert!(got[0].as_ref().unwrap_err().contains("line 3"), "{got:?}");
        assert_eq!(got.len(), 1);
        // The record "1 2" is not one value: dropped whole.
        let got = split(InputFormat::Auto, b"\x1e1\n2\n\x1e3\n", 1 << 20);
        assert!(got[0].as_ref().unwrap_err().contains("line 2"), "{got:?}");
        assert_eq!(got[1], Ok("3".into()));
        let got = split(InputFormat::Seq, b"1\n\x1e2\n", 1 << 20);
        assert!(got[0].as_ref().unwrap_err().contains("line 1"), "{got:?}");
        assert_eq!(got[1], Ok("2".into()));
        let got = split(InputFormat::Auto, b"data: 1\n\n{\"x\":2}\ndata: 3\n\n", 1 << 20);
        assert_eq!(got[0], Ok("1".into()));
        assert!(got[1].as_ref().unwrap_err().contains("line 3"), "{got:?}");
        assert_eq!(got[2], Ok("3".into()));
    }
}
