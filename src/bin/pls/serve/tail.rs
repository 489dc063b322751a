//! Tails: a cursor streamed to the client, as JSON Lines, Lite3 frames or
//! Server-Sent Events (`events`: one event per message, `id:` = seq, and a
//! keep-alive comment when nothing was sent for a while).
//!
//! The library's follow loop (`Cursor::follow`) drains every committed
//! message into the response buffer, written out in pieces of at most
//! [`PIECE`] bytes and flushed whenever the tail has caught up; it then waits
//! on the pool's commit counter for at most one [`SLICE`]. When caught up the
//! stream checks its own end conditions (server shutdown, a client that went
//! away), so a vanished client frees its thread within one slice; `max` and
//! the inactivity timeout are the cursor's.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::http::{Conn, Head};
use super::http_error::{public_error_json, send_error, HttpError};
use super::{lite3, Shared};
use plasmite::{
    CursorOptions, Error, ErrorKind, Filter, Flow, Follow, FollowSink, GapPolicy, MessageRef, Pool, Start,
    Until,
};

/// Longest wait for a commit before the end conditions are checked again.
const SLICE: Duration = Duration::from_millis(50);
/// A buffer this full is written out before draining more messages.
const PIECE: usize = 128 * 1024;

/// How a tail's messages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines (`tail`).
    Jsonl,
    /// Lite3 frames (`tail_lite3`).
    Lite3,
    /// Server-Sent Events (`events`), with a comment line after this long
    /// without output.
    Sse { keepalive: Duration },
}

/// A tail request, parsed.
pub struct Plan {
    /// The pool (opened while routing).
    pub pool: Option<Pool>,
    /// The stream's format.
    pub format: Format,
    /// Where to start.
    pub start: Start,
    /// Where to stop (`until_time`).
    pub until: Option<Until>,
    /// Stop after this many messages.
    pub max: Option<u64>,
    /// Stop after this long without a delivered message.
    pub timeout: Option<Duration>,
    /// Required tags.
    pub tags: Vec<String>,
    /// Gap policy.
    pub gaps: GapPolicy,
    /// Lite3 only: what to do with a message Lite3 cannot carry.
    pub on_unconvertible: lite3::OnUnconvertible,
    /// The `where=` expressions, compiled once for the request.
    pub filter: Option<Filter>,
}

/// Holds one of the server's tail slots.
struct Slot<'a>(&'a Shared);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.tails.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Streams a tail; returns the status sent.
pub fn run(shared: &Shared, conn: &mut Conn, head: &Head, plan: Plan) -> std::io::Result<u16> {
    if shared.tails.fetch_add(1, Ordering::SeqCst) >= shared.max_tails {
        shared.tails.fetch_sub(1, Ordering::SeqCst);
        let e = HttpError::new(
            423,
            Error::new(
                ErrorKind::Busy,
                format!("too many tails (limit {})", shared.max_tails),
            )
            .with_hint("retry later, or raise pls serve --max-tails"),
        );
        send_error(conn, &e)?;
        return Ok(423);
    }
    let _slot = Slot(shared);
    let pool = plan.pool.expect("pool opened while routing");
    let cursor = pool.cursor(CursorOptions {
        start: plan.start,
        until: plan.until,
        max: plan.max,
        timeout: plan.timeout,
        tags: plan.tags,
        gaps: plan.gaps,
        filter: plan.filter,
    });
    let mut cursor = match cursor {
        Ok(c) => c,
        Err(e) => {
            let e = HttpError::from(e);
            send_error(conn, &e)?;
            return Ok(e.status);
        }
    };
    // With on_unconvertible=error the head waits for the first pass, so an
    // unconvertible first message gets a real error status.
    let fail_unconvertible =
        plan.format == Format::Lite3 && plan.on_unconvertible == lite3::OnUnconvertible::Error;
    let mut stream = Stream {
        shared,
        conn,
        head,
        pool_name: pool.name(),
        lite3: plan.format == Format::Lite3,
        sse: match plan.format {
            Format::Sse { keepalive } => Some(keepalive),
            _ => None,
        },
        last_sent: Instant::now(),
        fail_unconvertible,
        started: false,
        out: Vec::with_capacity(PIECE + 64 * 1024),
        doc: Vec::new(),
        unconvertible: false,
        io_error: None,
        peer_gone: false,
        last_check: Instant::now(),
    };
    if !fail_unconvertible {
        stream.start()?;
    }
    let how = Follow {
        follow: true,
        check_every: SLICE,
    };
    let end = cursor.follow(how, &mut stream);
    if let Some(e) = stream.io_error.take() {
        return Err(e);
    }
    match end {
        Ok(_) if stream.peer_gone => {
            stream.conn.close = true;
            Ok(200)
        }
        Ok(_) => {
            stream.start()?;
            stream.conn.end_stream()?;
            Ok(200)
        }
        Err(e) if stream.unconvertible => {
            // on_unconvertible=error: an error status when nothing was sent
            // yet; otherwise the frames before it, then the stream ends
            // without its final chunk (an incomplete response).
            super::log_line(
                shared.quiet,
                &format!("tail_lite3 {}: ended: {}", stream.pool_name, e.message()),
            );
            if !stream.started && stream.out.is_empty() {
                let e = HttpError::from(e);
                send_error(stream.conn, &e)?;
                return Ok(e.status);
            }
            stream.start()?;
            stream.flush()?;
            stream.conn.close = true;
            Err(std::io::Error::other(e.message().to_string()))
        }
        Err(e) => {
            stream.start()?;
            // One final error line, or event (the Lite3 stream has no error
            // frame).
            if !stream.lite3 {
                let public = public_error_json(&e, shared.pools.dir_prefixes());
                if stream.sse.is_some() {
                    stream.out.extend_from_slice(b"event: plasmite-error\ndata: ");
                }
                serde_json::to_writer(&mut stream.out, &public).ok();
                stream.out.push(b'\n');
                if stream.sse.is_some() {
                    stream.out.push(b'\n');
                }
            }
            stream.flush()?;
            stream.conn.end_stream()?;
            Ok(200)
        }
    }
}

/// A tail response in progress: what [`Cursor::follow`](plasmite::Cursor::follow)
/// hands messages to.
struct Stream<'a> {
    shared: &'a Shared,
    conn: &'a mut Conn,
    head: &'a Head,
    pool_name: String,
    lite3: bool,
    /// Server-Sent Events, with this keep-alive interval.
    sse: Option<Duration>,
    /// When bytes were last sent (for the keep-alive comment).
    last_sent: Instant,
    fail_unconvertible: bool,
    /// Whether the response head was sent.
    started: bool,
    out: Vec<u8>,
    doc: Vec<u8>,
    /// The loop ended at a message Lite3 cannot carry (on_unconvertible=error).
    unconvertible: bool,
    /// The loop ended because writing to the client failed.
    io_error: Option<std::io::Error>,
    /// The client went away.
    peer_gone: bool,
    last_check: Instant,
}

impl Stream<'_> {
    fn start(&mut self) -> std::io::Result<()> {
        if !self.started {
            let content_type = if self.lite3 {
                lite3::STREAM_CONTENT_TYPE
            } else if self.sse.is_some() {
                "text/event-stream"
            } else {
                "application/jsonl"
            };
            self.conn.start_stream(self.head, 200, content_type)?;
            self.started = true;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.out.is_empty() {
            self.conn.send(&self.out)?;
            self.out.clear();
            self.last_sent = Instant::now();
        }
        Ok(())
    }

    /// Sends what is pending; a write failure ends the follow loop.
    fn send_pending(&mut self) -> plasmite::Result<()> {
        match self.start().and_then(|_| self.flush()) {
            Ok(()) => Ok(()),
            Err(e) => {
                let err = Error::io("cannot write to the client", std::io::Error::from(e.kind()));
                self.io_error = Some(e);
                Err(err)
            }
        }
    }
}

impl FollowSink for Stream<'_> {
    fn message(&mut self, m: &MessageRef<'_>) -> plasmite::Result<()> {
        if self.lite3 {
            match lite3::push_message(&mut self.out, &mut self.doc, m) {
                Err(e) if !self.fail_unconvertible => {
                    // Skipped: Lite3 stream parsers only ever see frames.
                    super::log_line(
                        self.shared.quiet,
                        &format!("tail_lite3 {}: skipped: {}", self.pool_name, e.message()),
                    );
                }
                Err(e) => {
                    self.unconvertible = true;
                    return Err(e);
                }
                Ok(()) => {}
            }
        } else {
            let mark = self.out.len();
            if self.sse.is_some() {
                // The seq is the event's id, what a reconnecting EventSource
                // sends back as Last-Event-ID.
                let _ = write!(self.out, "id: {}\ndata: ", m.seq);
            }
            let start = self.out.len();
            if let Err(e) = m.write_envelope(&mut self.out) {
                self.out.truncate(mark);
                return Err(e);
            }
            self.out.push(b'\n');
            if self.sse.is_some() {
                // One `data:` line: stored JSON is compact, and a line break
                // could only be whitespace between tokens (JSON strings hold
                // none raw), so it is written as a space, never as a break
                // that would end the field early.
                for b in &mut self.out[start..] {
                    if *b == b'\n' || *b == b'\r' {
                        *b = b' ';
                    }
                }
                let last = self.out.len() - 1;
                self.out[last] = b'\n';
                self.out.push(b'\n');
            }
        }
        if self.out.len() >= PIECE {
            self.send_pending()?;
        }
        Ok(())
    }

    fn caught_up(&mut self, _skipped: u64) -> plasmite::Result<Flow> {
        if let Some(keepalive) = self.sse {
            if self.out.is_empty() && self.last_sent.elapsed() >= keepalive {
                self.out.extend_from_slice(b": keep-alive\n\n");
            }
        }
        self.send_pending()?;
        if self.shared.shutting_down() {
            return Ok(Flow::Stop);
        }
        if self.last_check.elapsed() >= SLICE {
            if self.conn.peer_closed() {
                self.peer_gone = true;
                return Ok(Flow::Stop);
            }
            self.last_check = Instant::now();
        }
        Ok(Flow::Continue)
    }
}
