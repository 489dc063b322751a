//! Tails: a cursor streamed to the client, JSON Lines or Lite3 frames.
//!
//! Each pass drains every committed message into a buffer, writes it (in
//! pieces of at most [`PIECE`] bytes) and flushes, then waits on the pool's
//! commit counter for a bounded slice. Between slices it checks for the
//! end conditions: `max`, the inactivity timeout, server shutdown and a
//! client that went away, so a vanished client frees its thread within
//! one slice.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::http::{Conn, Head};
use super::routes::{send_error, HttpError};
use super::{lite3, Shared};
use crate::error::{Error, ErrorKind};
use crate::{CursorOptions, EndReason, GapPolicy, Pool, Start};

/// Longest wait for a commit before the end conditions are checked again.
const SLICE: Duration = Duration::from_millis(50);
/// A buffer this full is written out before draining more messages.
const PIECE: usize = 128 * 1024;

/// A tail request, parsed.
pub struct Plan {
    /// The pool (opened while routing).
    pub pool: Option<Pool>,
    /// Lite3 frames instead of JSON Lines.
    pub lite3: bool,
    /// Where to start.
    pub start: Start,
    /// Stop after this many messages.
    pub max: Option<u64>,
    /// Stop after this long without a delivered message.
    pub timeout: Option<Duration>,
    /// Required tags.
    pub tags: Vec<String>,
    /// Gap policy.
    pub gaps: GapPolicy,
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
        max: plan.max,
        timeout: None,
        tags: plan.tags,
        gaps: plan.gaps,
    });
    let mut cursor = match cursor {
        Ok(c) => c,
        Err(e) => {
            let e = HttpError::from(e);
            send_error(conn, &e)?;
            return Ok(e.status);
        }
    };
    let content_type = if plan.lite3 {
        lite3::STREAM_CONTENT_TYPE
    } else {
        "application/jsonl"
    };
    conn.start_stream(head, 200, content_type)?;
    let mut out: Vec<u8> = Vec::with_capacity(PIECE + 64 * 1024);
    let mut doc: Vec<u8> = Vec::new();
    let mut last_delivery = Instant::now();
    let mut last_check = Instant::now();
    loop {
        let seen = pool.commit_counter();
        let mut delivered = false;
        let failure = loop {
            let m = match cursor.try_next() {
                Ok(Some(m)) => m,
                Ok(None) => break None,
                Err(e) => break Some(e),
            };
            delivered = true;
            let rendered = if plan.lite3 {
                doc.clear();
                m.write_lite3(&mut doc)
                    .and_then(|_| lite3::push_frame(&mut out, m.seq, m.timestamp_ns, &doc))
            } else {
                let mark = out.len();
                let r = m.write_envelope(&mut out);
                if r.is_err() {
                    out.truncate(mark);
                } else {
                    out.push(b'\n');
                }
                r
            };
            if let Err(e) = rendered {
                break Some(e);
            }
            if out.len() >= PIECE {
                conn.send(&out)?;
                out.clear();
            }
        };
        if delivered {
            last_delivery = Instant::now();
        }
        if let Some(e) = failure {
            // One final error line (the Lite3 stream has no error frame).
            if !plan.lite3 {
                let public = super::routes::public_error_json(&e, shared.pools.dir_prefixes());
                serde_json::to_writer(&mut out, &public).ok();
                out.push(b'\n');
            }
            conn.send(&out)?;
            conn.end_stream()?;
            return Ok(200);
        }
        conn.send(&out)?;
        out.clear();
        if cursor.end_reason() == Some(EndReason::Max) || shared.shutting_down() {
            break;
        }
        let mut slice = SLICE;
        if let Some(t) = plan.timeout {
            let idle = last_delivery.elapsed();
            if idle >= t {
                break;
            }
            slice = slice.min(t - idle);
        }
        if last_check.elapsed() >= SLICE {
            if conn.peer_closed() {
                conn.close = true;
                return Ok(200);
            }
            last_check = Instant::now();
        }
        pool.wait_for_commit(seen, slice);
    }
    conn.end_stream()?;
    Ok(200)
}
