//! The HTTP/1.1 connection layer: reading one request head at a time (bounded
//! in size and in time), request bodies (bounded), responses with
//! `Content-Length`, and chunked streams for tails.
//!
//! Every read has a deadline, so an idle or slow client only ever holds its
//! own thread, and only for a bounded time. Every response carries
//! `plasmite-version: 0`.
//!
//! Framing is strict (a request a proxy could read differently is refused
//! with 400): `Content-Length` is digits only, a chunk size is hex digits
//! only, every chunk line ends in CRLF and nothing else, and every size
//! taken from the request is checked before any arithmetic or allocation.
//!
//! This file depends on `std` and `httparse` only: the socket side (plain
//! TCP or TLS, deadlines, closing) is behind [`Transport`], so the fuzz
//! targets and the tests can drive the reader with plain bytes.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// Most headers accepted in one request.
const MAX_HEADERS: usize = 48;
/// Longest chunk-size line (size and extensions) and trailer line accepted.
const MAX_CHUNK_LINE: usize = 4096;
/// A request body this small is read and dropped when a response was sent
/// without reading it, to keep the connection; larger ones close it.
const DISCARD_LIMIT: u64 = 64 * 1024;

/// The byte stream of one connection, as [`Conn`] needs it: plain TCP or TLS
/// in the server, any byte source in tests.
pub trait Transport: Read + Write + Send {
    /// Reads after `deadline` fail with `TimedOut` (or `WouldBlock`), and a
    /// read never waits past it, including each socket read inside a TLS
    /// record or handshake. `None`: no deadline.
    fn set_deadline(&mut self, deadline: Option<Instant>);
    /// Whether the client has closed its side (checked without blocking).
    fn peer_closed(&self) -> bool {
        false
    }
    /// Closes after an early answer: shuts our sending side, then reads and
    /// drops what still arrives for a short, bounded while, so the client
    /// gets the answer instead of a connection reset.
    fn linger_close(&mut self) {}
}

/// How a request's body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body.
    None,
    /// `Content-Length: N`.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// A parsed request head. The body is read separately, on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Request method, as sent.
    pub method: String,
    /// Path, still percent-encoded, without the query.
    pub path: String,
    /// Query string (without `?`), still percent-encoded.
    pub query: String,
    /// HTTP/1.0 (no chunked responses, close unless keep-alive is asked).
    pub http10: bool,
    /// The client wants the connection kept open after this request.
    pub keep_alive: bool,
    /// `Authorization` header value.
    pub authorization: Option<Vec<u8>>,
    /// `Content-Type` header value.
    pub content_type: Option<String>,
    /// `Origin` header value (browsers; for CORS).
    pub origin: Option<String>,
    /// `Accept` header value (MCP clients; `/mcp`).
    pub accept: Option<String>,
    /// `MCP-Protocol-Version` header value (`/mcp`).
    pub mcp_protocol_version: Option<String>,
    /// `Last-Event-ID` header value (an EventSource resuming `events`).
    pub last_event_id: Option<String>,
    /// Body framing.
    pub body: BodyFraming,
    /// `Expect: 100-continue` was sent.
    pub expect_continue: bool,
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// The client closed the connection or went idle between requests:
    /// close quietly.
    Gone,
    /// The client was too slow sending a request: answer 408 and close.
    TimedOut,
    /// The head is malformed or too large: answer with this status and close.
    Bad(u16, String),
}

/// A response status line's reason phrase.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        417 => "Expectation Failed",
        423 => "Locked",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Unknown",
    }
}

/// One client connection: the stream, a read buffer that may hold the start
/// of the next (pipelined) request, and the time limits.
pub struct Conn {
    stream: Box<dyn Transport>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// How long a client may stay idle between requests.
    idle_timeout: Duration,
    /// How long a client may take to send one request (head and body).
    request_timeout: Duration,
    /// When the current request (head and body together) must have arrived.
    request_deadline: Instant,
    /// Bytes of the current request's body not read yet (`None`: chunked
    /// and not finished, or unknown).
    body_left: Option<u64>,
    out: Vec<u8>,
    chunked: bool,
    /// Whether the connection must close after the current response.
    pub close: bool,
    /// The origin allowed to read the current response (CORS), if any.
    pub cors_origin: Option<String>,
}

/// A framing error in a body (answered 400; a body over the limit is
/// `FileTooLarge` instead, 413, and a late one `TimedOut`, 408).
fn invalid(what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl Conn {
    /// Wraps an accepted stream (its socket options already set).
    pub fn new(stream: Box<dyn Transport>, idle_timeout: Duration, request_timeout: Duration) -> Conn {
        Conn {
            stream,
            buf: vec![0; MAX_HEAD],
            start: 0,
            end: 0,
            idle_timeout,
            request_timeout,
            request_deadline: Instant::now() + request_timeout,
            body_left: Some(0),
            out: Vec::with_capacity(4096),
            chunked: false,
            close: false,
            cors_origin: None,
        }
    }

    /// Reads more bytes into the buffer (compacting it first), with a
    /// deadline. Returns 0 at end of stream.
    fn fill(&mut self, deadline: Instant) -> io::Result<usize> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Err(invalid("buffer full"));
        }
        if Instant::now() >= deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        self.stream.set_deadline(Some(deadline));
        loop {
            match self.stream.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if Instant::now() >= deadline {
                        return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
                    }
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "read timed out"))
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next request head. Waits at most the idle timeout for its
    /// first byte; from that byte on, the whole request (head and body)
    /// must arrive within the request timeout.
    pub fn read_head(&mut self) -> Result<Head, ReadFailure> {
        self.chunked = false;
        self.close = false;
        let mut deadline = Instant::now() + self.idle_timeout;
        let mut started = self.end > self.start;
        if started {
            deadline = Instant::now() + self.request_timeout;
        }
        self.request_deadline = deadline;
        loop {
            if self.end > self.start {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut req = httparse::Request::new(&mut headers);
                match req.parse(&self.buf[self.start..self.end]) {
                    Ok(httparse::Status::Complete(len)) => {
                        let head = build_head(&req)?;
                        self.start += len;
                        self.body_left = match head.body {
                            BodyFraming::None => Some(0),
                            BodyFraming::Length(n) => Some(n),
                            BodyFraming::Chunked => None,
                        };
                        self.close = !head.keep_alive;
                        return Ok(head);
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.start == 0 && self.end == self.buf.len() {
                            return Err(ReadFailure::Bad(431, "request head too large".into()));
                        }
                    }
                    Err(httparse::Error::TooManyHeaders) => {
                        return Err(ReadFailure::Bad(431, "too many request headers".into()))
                    }
                    Err(e) => return Err(ReadFailure::Bad(400, format!("malformed request: {e}"))),
                }
            }
            match self.fill(deadline) {
                Ok(0) => return Err(ReadFailure::Gone),
                Ok(_) => {
                    if !started {
                        started = true;
                        deadline = Instant::now() + self.request_timeout;
                        self.request_deadline = deadline;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::TimedOut && started => {
                    return Err(ReadFailure::TimedOut)
                }
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    return Err(ReadFailure::Bad(431, "request head too large".into()))
                }
                Err(_) => return Err(ReadFailure::Gone),
            }
        }
    }

    /// Reads the whole body of the current request, at most `limit` bytes,
    /// by the deadline of the request (its head and body together get the
    /// request timeout). `Err(None)` when it is larger than `limit` (the
    /// connection will close); `Err(Some(e))` on an I/O failure, a framing
    /// error (`InvalidData`) or the deadline passing (`TimedOut`).
    pub fn read_body(&mut self, head: &Head, limit: u64) -> Result<Vec<u8>, Option<io::Error>> {
        if let BodyFraming::Length(n) = head.body {
            if n > limit {
                self.close = true;
                return Err(None);
            }
        }
        if head.expect_continue && head.body != BodyFraming::None {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .and_then(|_| self.stream.flush())
                .map_err(Some)?;
        }
        let deadline = self.request_deadline;
        let mut body = Vec::new();
        let r = match head.body {
            BodyFraming::None => Ok(()),
            // n <= limit, checked above.
            BodyFraming::Length(n) => self.read_exact_into(&mut body, n, deadline),
            BodyFraming::Chunked => self.read_chunked(&mut body, limit, deadline),
        };
        match r {
            Ok(()) => {
                self.body_left = Some(0);
                Ok(body)
            }
            Err(e) => {
                self.close = true;
                if e.kind() == io::ErrorKind::FileTooLarge {
                    Err(None)
                } else {
                    Err(Some(e))
                }
            }
        }
    }

    /// Appends the next `n` body bytes to `out`. `n` must already be
    /// bounded by the caller's limit: this reserves it.
    fn read_exact_into(&mut self, out: &mut Vec<u8>, n: u64, deadline: Instant) -> io::Result<()> {
        let n = usize::try_from(n).map_err(|_| io::Error::from(io::ErrorKind::FileTooLarge))?;
        let want = out
            .len()
            .checked_add(n)
            .ok_or_else(|| io::Error::from(io::ErrorKind::FileTooLarge))?;
        out.try_reserve_exact(n)
            .map_err(|_| io::Error::from(io::ErrorKind::FileTooLarge))?;
        while out.len() < want {
            if self.end == self.start {
                if self.fill(deadline)? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                continue;
            }
            let take = (want - out.len()).min(self.end - self.start);
            out.extend_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
        }
        Ok(())
    }

    /// Drops the next `n` body bytes.
    fn skip_exact(&mut self, mut n: u64, deadline: Instant) -> io::Result<()> {
        while n > 0 {
            if self.end == self.start && self.fill(deadline)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let take = (self.end - self.start).min(usize::try_from(n).unwrap_or(usize::MAX));
            self.start += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// The next CRLF-terminated line, without its CRLF. A bare LF, a CR
    /// anywhere else in the line, or a line longer than `MAX_CHUNK_LINE`
    /// is a framing error.
    fn read_line(&mut self, deadline: Instant) -> io::Result<Vec<u8>> {
        let mut scanned = 0;
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(i) = avail[scanned..].iter().position(|&b| b == b'\n') {
                let i = scanned + i;
                if i > MAX_CHUNK_LINE {
                    return Err(invalid("chunk line too long"));
                }
                let line = &avail[..i];
                if line.last() != Some(&b'\r') {
                    return Err(invalid("chunk line not ended by CRLF"));
                }
                let line = &line[..line.len() - 1];
                if line.contains(&b'\r') {
                    return Err(invalid("stray CR in a chunk line"));
                }
                let line = line.to_vec();
                self.start += i + 1;
                return Ok(line);
            }
            scanned = avail.len();
            if scanned > MAX_CHUNK_LINE {
                return Err(invalid("chunk line too long"));
            }
            // `fill` may move the unread bytes to the front of the buffer;
            // `scanned` counts from the first unread byte, so it stays right.
            if self.fill(deadline)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    fn read_chunked(&mut self, out: &mut Vec<u8>, limit: u64, deadline: Instant) -> io::Result<()> {
        loop {
            let line = self.read_line(deadline)?;
            let size = chunk_size(&line)?;
            if size == 0 {
                // Trailers (ignored, bounded), then an empty line.
                let mut trailers = 0usize;
                loop {
                    let t = self.read_line(deadline)?;
                    if t.is_empty() {
                        return Ok(());
                    }
                    trailers = trailers.saturating_add(t.len() + 2);
                    if trailers > MAX_HEAD {
                        return Err(invalid("trailers too large"));
                    }
                }
            }
            // `out.len() <= limit` holds here, so this cannot underflow.
            if size > limit.saturating_sub(out.len() as u64) {
                return Err(io::ErrorKind::FileTooLarge.into());
            }
            self.read_exact_into(out, size, deadline)?;
            if !self.read_line(deadline)?.is_empty() {
                return Err(invalid("chunk data not followed by CRLF"));
            }
        }
    }

    /// Drops an unread request body when it is small, so the connection can
    /// serve the next request; otherwise marks the connection to close.
    pub fn skip_body(&mut self, head: &Head) {
        match self.body_left {
            Some(0) => {}
            Some(n) if n <= DISCARD_LIMIT && !head.expect_continue => {
                let deadline = self.request_deadline;
                if self.skip_exact(n, deadline).is_err() {
                    self.close = true;
                }
                self.body_left = Some(0);
            }
            _ => self.close = true,
        }
    }

    fn write_head(&mut self, status: u16, content_type: &str, length: Option<usize>, extra: &[(&str, &str)]) {
        let out = &mut self.out;
        out.clear();
        let _ = write!(
            out,
            "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\nplasmite-version: 0\r\n",
            reason(status)
        );
        if let Some(origin) = &self.cors_origin {
            let _ = write!(
                out,
                "access-control-allow-origin: {origin}\r\nvary: origin\r\n\
                 access-control-expose-headers: plasmite-version, plasmite-seq, plasmite-timestamp-ns, plasmite-flags\r\n"
            );
        }
        for (k, v) in extra {
            let _ = write!(out, "{k}: {v}\r\n");
        }
        match length {
            Some(n) => {
                let _ = write!(out, "content-length: {n}\r\n");
            }
            None if !self.close => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
            None => {}
        }
        if self.close {
            out.extend_from_slice(b"connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
    }

    /// Sends a complete response.
    pub fn respond(
        &mut self,
        status: u16,
        content_type: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<()> {
        self.write_head(status, content_type, Some(body.len()), extra);
        if body.len() <= 64 * 1024 {
            self.out.extend_from_slice(body);
            self.stream.write_all(&self.out)?;
        } else {
            self.stream.write_all(&self.out)?;
            self.stream.write_all(body)?;
        }
        self.stream.flush()
    }

    /// Starts a streamed response: chunked on HTTP/1.1, close-delimited on
    /// HTTP/1.0.
    pub fn start_stream(&mut self, head: &Head, status: u16, content_type: &str) -> io::Result<()> {
        if head.http10 {
            self.close = true;
        }
        self.chunked = !self.close;
        self.write_head(status, content_type, None, &[("cache-control", "no-store")]);
        self.stream.write_all(&self.out)?;
        self.stream.flush()
    }

    /// Sends one piece of a streamed response and flushes it.
    pub fn send(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if self.chunked {
            let mut frame = [0u8; 20];
            let mut w = &mut frame[..];
            let _ = write!(w, "{:x}\r\n", data.len());
            let n = 20 - w.len();
            self.stream.write_all(&frame[..n])?;
            self.stream.write_all(data)?;
            self.stream.write_all(b"\r\n")?;
        } else {
            self.stream.write_all(data)?;
        }
        self.stream.flush()
    }

    /// Ends a streamed response.
    pub fn end_stream(&mut self) -> io::Result<()> {
        if self.chunked {
            self.chunked = false;
            self.stream.write_all(b"0\r\n\r\n")?;
        }
        self.stream.flush()
    }

    /// Closes after an early answer (the client may still be sending): see
    /// [`Transport::linger_close`].
    pub fn linger_close(&mut self) {
        self.stream.linger_close();
    }

    /// Whether the client has closed its side (checked without blocking).
    pub fn peer_closed(&self) -> bool {
        self.stream.peer_closed()
    }
}

/// The size of a chunk-size line (`1*HEXDIG [ BWS ";" chunk-ext ]`).
/// Anything else (a sign, a space inside, no digits) is a framing error; a
/// size past `u64` is too large (413).
fn chunk_size(line: &[u8]) -> io::Result<u64> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(invalid("bad chunk size"));
    }
    let rest = &line[digits..];
    let ext = rest.iter().position(|b| !matches!(b, b' ' | b'\t'));
    match ext {
        None if rest.is_empty() => {}
        Some(i) if rest[i] == b';' => {}
        _ => return Err(invalid("bad chunk size")),
    }
    let mut size: u64 = 0;
    for &b in &line[..digits] {
        let d = (b as char).to_digit(16).unwrap_or(0) as u64;
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(d))
            .ok_or_else(|| io::Error::from(io::ErrorKind::FileTooLarge))?;
    }
    Ok(size)
}

/// A `Content-Length` value: digits only (`1*DIGIT`), no sign, no list.
fn content_length(value: &[u8]) -> Option<u64> {
    let v = value.trim_ascii();
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

fn build_head(req: &httparse::Request<'_, '_>) -> Result<Head, ReadFailure> {
    let bad = |m: &str| ReadFailure::Bad(400, m.to_string());
    let method = req.method.ok_or_else(|| bad("no method"))?.to_string();
    let target = req.path.ok_or_else(|| bad("no path"))?;
    let http10 = req.version == Some(0);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut head = Head {
        method,
        path,
        query,
        http10,
        keep_alive: !http10,
        authorization: None,
        content_type: None,
        origin: None,
        accept: None,
        mcp_protocol_version: None,
        last_event_id: None,
        body: BodyFraming::None,
        expect_continue: false,
    };
    let mut length: Option<u64> = None;
    let mut chunked = false;
    for h in req.headers.iter() {
        let name = h.name;
        if name.eq_ignore_ascii_case("content-length") {
            let n = content_length(h.value).ok_or_else(|| bad("bad Content-Length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(bad("conflicting Content-Length headers"));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            let v = String::from_utf8_lossy(h.value).to_ascii_lowercase();
            if v.trim() != "chunked" {
                return Err(ReadFailure::Bad(
                    501,
                    format!("unsupported Transfer-Encoding {v:?}"),
                ));
            }
            chunked = true;
        } else if name.eq_ignore_ascii_case("connection") {
            let v = String::from_utf8_lossy(h.value).to_ascii_lowercase();
            if v.contains("close") {
                head.keep_alive = false;
            } else if v.contains("keep-alive") {
                head.keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("authorization") {
            head.authorization = Some(h.value.to_vec());
        } else if name.eq_ignore_ascii_case("origin") {
            head.origin = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if name.eq_ignore_ascii_case("accept") {
            head.accept = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if name.eq_ignore_ascii_case("mcp-protocol-version") {
            head.mcp_protocol_version = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if name.eq_ignore_ascii_case("last-event-id") {
            head.last_event_id = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if name.eq_ignore_ascii_case("content-type") {
            head.content_type = Some(String::from_utf8_lossy(h.value).trim().to_string());
        } else if name.eq_ignore_ascii_case("expect") {
            if h.value.eq_ignore_ascii_case(b"100-continue") {
                head.expect_continue = true;
            } else {
                return Err(ReadFailure::Bad(417, "unsupported Expect".into()));
            }
        }
    }
    head.body = match (chunked, length) {
        (true, Some(_)) => return Err(bad("both Content-Length and Transfer-Encoding")),
        (true, None) => BodyFraming::Chunked,
        (false, Some(0)) | (false, None) => BodyFraming::None,
        (false, Some(n)) => BodyFraming::Length(n),
    };
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<Head, ReadFailure> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        req.parse(raw).unwrap();
        build_head(&req)
    }

    #[test]
    fn head_fields() {
        let h = parse(
            b"POST /v0/pools/a/append?x=1 HTTP/1.1\r\nContent-Length: 5\r\nAuthorization: Bearer t\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            (h.method.as_str(), h.path.as_str(), h.query.as_str()),
            ("POST", "/v0/pools/a/append", "x=1")
        );
        assert_eq!(h.body, BodyFraming::Length(5));
        assert!(h.keep_alive);
        assert_eq!(h.authorization.as_deref(), Some(&b"Bearer t"[..]));
        let h = parse(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(h.http10 && !h.keep_alive);
        assert!(matches!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(ReadFailure::Bad(400, _))
        ));
    }
}
