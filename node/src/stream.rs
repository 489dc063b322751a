//! `Stream` (JSON envelopes) and `Lite3Stream` (Lite3 frames): a library
//! cursor plus what the async follow needs (the commit counter seen before
//! the last non-blocking read, and the pool's follower thread).
//!
//! `nextJson()` / `next()` are synchronous: without a timeout they return
//! what is committed and `null` when caught up; with one they wait (at most
//! that long without a message, then the stream ends). The `_poll`, `_wait`
//! and `_cancel` methods are the pieces index.js builds the async API from.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::Either;
use napi::{Env, JsBuffer, JsObject};
use napi_derive::napi;
use plasmite::{Cursor, MessageRef};

use crate::error::{closed, js_err, NResult};
use crate::follow::Follow;
use crate::lite3;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

struct Reader {
    cursor: Option<Cursor>,
    timeout: Option<Duration>,
    follow: Arc<Follow>,
    id: u64,
    seen: u32,
    out: Vec<u8>,
    /// `out` holds an envelope read but not handed over yet.
    pending: bool,
    /// An error met while reading ahead, thrown by the next read.
    deferred_err: Option<plasmite::Error>,
    /// The cursor failed (a `RetentionGap` with `errorOnGap`, a `where`
    /// output that is not a boolean, …): the error is thrown once, then the
    /// stream has ended.
    failed: bool,
}

impl Reader {
    fn new(cursor: Cursor, timeout: Option<Duration>, follow: Arc<Follow>) -> Reader {
        Reader {
            cursor: Some(cursor),
            timeout,
            follow,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            seen: 0,
            out: Vec::new(),
            pending: false,
            deferred_err: None,
            failed: false,
        }
    }

    /// Reads the next message into a JS value with `f`; `blocking` honours
    /// the stream's timeout, otherwise the read never waits.
    fn read<T>(
        &mut self,
        env: &Env,
        what: &str,
        blocking: bool,
        f: impl FnOnce(&MessageRef<'_>, &mut Vec<u8>) -> plasmite::Result<T>,
    ) -> NResult<Option<T>> {
        if self.cursor.is_none() {
            return Err(closed(env, what));
        }
        self.read_plain(blocking, f).map_err(|e| js_err(env, e))
    }

    fn read_plain<T>(
        &mut self,
        blocking: bool,
        f: impl FnOnce(&MessageRef<'_>, &mut Vec<u8>) -> plasmite::Result<T>,
    ) -> plasmite::Result<Option<T>> {
        let Some(cursor) = self.cursor.as_mut() else {
            return Ok(None);
        };
        if self.failed {
            return Ok(None);
        }
        if !blocking {
            self.seen = self.follow.counter();
        }
        let got = if blocking && self.timeout.is_some() {
            cursor.next()
        } else {
            cursor.try_next()
        };
        let got = match got {
            Ok(got) => got,
            Err(e) => {
                self.failed = true;
                return Err(e);
            }
        };
        match got {
            Some(m) => {
                self.out.clear();
                f(&m, &mut self.out).map(Some)
            }
            None => Ok(None),
        }
    }

    fn ended(&self) -> bool {
        (self.failed && self.deferred_err.is_none())
            || self.cursor.as_ref().is_none_or(|c| c.end_reason().is_some())
    }

    fn wait(&self, env: &Env, what: &str) -> NResult<JsObject> {
        if self.cursor.is_none() {
            return Err(closed(env, what));
        }
        let (deferred, promise) = env.create_deferred()?;
        self.follow.wait(self.id, self.seen, deferred);
        Ok(promise)
    }

    fn close(&mut self) {
        self.cursor = None;
        self.pending = false;
        self.follow.cancel(self.id);
    }
}

/// Most envelopes one `_fill` hands over.
const MAX_BATCH: u32 = 512;

/// Reads envelopes into `store` as `[u32 LE length][bytes]` records: the
/// next one (waiting per `blocking`), then whatever else is committed
/// already, while it fits. Returns the record count, a Buffer when the
/// first envelope alone does not fit, or `null`. One native call thus
/// serves many `nextJson()` calls (index.js hands the records out).
fn fill_envelopes(
    env: &Env,
    r: &mut Reader,
    blocking: bool,
    store: JsBuffer,
) -> NResult<Option<Either<u32, JsBuffer>>> {
    if let Some(e) = r.deferred_err.take() {
        return Err(js_err(env, e));
    }
    let mut space = store.into_value()?;
    let cap = space.len();
    let mut at = 0usize;
    let mut put = |space: &mut [u8], bytes: &[u8]| {
        space[at..at + 4].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
        space[at + 4..at + 4 + bytes.len()].copy_from_slice(bytes);
        at += 4 + bytes.len();
        at
    };
    // An envelope left over from the last fill goes first.
    let pending = std::mem::take(&mut r.pending);
    if !pending
        && r.read(env, "Stream", blocking, |m, out| m.write_envelope(out))?
            .is_none()
    {
        return Ok(None);
    }
    if r.out.len() + 4 > cap {
        return Ok(Some(Either::B(env.create_buffer_copy(&r.out)?.into_raw())));
    }
    let mut used = put(&mut space, &r.out);
    let mut n = 1;
    while n < MAX_BATCH && used + 4 < cap {
        match r.read_plain(false, |m, out| m.write_envelope(out)) {
            Ok(None) => break,
            Ok(Some(())) if used + 4 + r.out.len() <= cap => {
                used = put(&mut space, &r.out);
                n += 1;
            }
            Ok(Some(())) => {
                r.pending = true;
                break;
            }
            Err(e) => {
                r.deferred_err = Some(e);
                break;
            }
        }
    }
    Ok(Some(Either::A(n)))
}

/// The next frame of `s`. A message Lite3 cannot carry (data that is not
/// an object, a number outside the finite doubles, an unpaired surrogate
/// escape, nesting deeper than 32 levels) is skipped and counted, or, with
/// `onUnconvertible: "error"`, thrown (`Usage`, with its seq) and the
/// stream ends: later reads return `null`.
fn lite3_frame(env: &Env, s: &mut Lite3Stream, blocking: bool) -> NResult<Option<lite3::Lite3Frame>> {
    if s.failed {
        return Ok(None);
    }
    loop {
        let got = s.r.read(env, "Lite3Stream", blocking, |m, out| {
            Ok(lite3::write(m, out).map(|flags| lite3::frame(m, flags, std::mem::take(out))))
        })?;
        match got {
            None => return Ok(None),
            Some(Ok(frame)) => return Ok(Some(frame)),
            Some(Err(e)) if s.fail_unconvertible => {
                s.r.close();
                s.failed = true;
                return Err(js_err(env, e));
            }
            Some(Err(_)) => s.skipped += 1,
        }
    }
}

/// Messages of a pool as JSON envelopes.
#[napi]
pub struct Stream {
    r: Reader,
}

#[napi]
impl Stream {
    pub(crate) fn new(cursor: Cursor, timeout: Option<Duration>, follow: Arc<Follow>) -> Stream {
        Stream {
            r: Reader::new(cursor, timeout, follow),
        }
    }

    /// The next envelopes (see `fill_envelopes`), or `null` (caught up,
    /// or the stream ended); `blocking` honours the stream's timeout.
    #[napi(js_name = "_fill")]
    pub fn fill(
        &mut self,
        env: Env,
        blocking: bool,
        store: JsBuffer,
    ) -> NResult<Option<Either<u32, JsBuffer>>> {
        fill_envelopes(&env, &mut self.r, blocking, store)
    }

    #[napi(js_name = "_ended")]
    pub fn ended(&self) -> bool {
        self.r.ended()
    }

    #[napi(js_name = "_wait")]
    pub fn wait(&self, env: Env) -> NResult<JsObject> {
        self.r.wait(&env, "Stream")
    }

    #[napi(js_name = "_cancel")]
    pub fn cancel(&self) {
        self.r.follow.cancel(self.r.id);
    }

    #[napi]
    pub fn close(&mut self) {
        self.r.close();
    }
}

/// Messages of a pool as Lite3 frames.
#[napi]
pub struct Lite3Stream {
    r: Reader,
    /// `onUnconvertible: "error"`: throw at a message Lite3 cannot carry.
    fail_unconvertible: bool,
    /// Ended by such a message (reads return `null`).
    failed: bool,
    /// Messages skipped because Lite3 cannot carry them.
    skipped: u32,
}

#[napi]
impl Lite3Stream {
    pub(crate) fn new(cursor: Cursor, timeout: Option<Duration>, follow: Arc<Follow>) -> Lite3Stream {
        Lite3Stream {
            r: Reader::new(cursor, timeout, follow),
            fail_unconvertible: false,
            failed: false,
            skipped: 0,
        }
    }

    /// The next frame, or `null` (caught up, or the stream ended).
    #[napi]
    pub fn next(&mut self, env: Env) -> NResult<Option<lite3::Lite3Frame>> {
        lite3_frame(&env, self, true)
    }

    #[napi(js_name = "_poll")]
    pub fn poll(&mut self, env: Env) -> NResult<Option<lite3::Lite3Frame>> {
        lite3_frame(&env, self, false)
    }

    /// `onUnconvertible: "error"` (set by index.js when opening).
    #[napi(js_name = "_failOnUnconvertible")]
    pub fn fail_on_unconvertible(&mut self) {
        self.fail_unconvertible = true;
    }

    /// How many messages were skipped because Lite3 cannot carry them.
    #[napi(getter)]
    pub fn skipped(&self) -> u32 {
        self.skipped
    }

    #[napi(js_name = "_ended")]
    pub fn ended(&self) -> bool {
        self.r.ended()
    }

    #[napi(js_name = "_wait")]
    pub fn wait(&self, env: Env) -> NResult<JsObject> {
        self.r.wait(&env, "Lite3Stream")
    }

    #[napi(js_name = "_cancel")]
    pub fn cancel(&self) {
        self.r.follow.cancel(self.r.id);
    }

    #[napi]
    pub fn close(&mut self) {
        self.r.close();
    }
}
