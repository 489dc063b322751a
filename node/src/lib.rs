//! The Node addon of plasmite: conversions between JavaScript values and the
//! plasmite library, and the mapping of library errors to `PlasmiteNativeError`.
//!
//! No storage logic lives here. Every class holds a library handle in an
//! `Option` that `close()` empties, so a closed object answers `Usage`.

mod error;
mod follow;
mod lite3;
mod stream;

use std::sync::Arc;

use napi::bindgen_prelude::{BigInt, Either};
use napi::{Env, JsBuffer, JsFunction};
use napi_derive::napi;
use plasmite::{encode_tags, MessageRef};
use plasmite::{Durability, Encoding};

use error::{closed, js_err, usage, NResult};
use follow::Follow;
pub use stream::{Lite3Stream, Stream};

/// A sequence number, size or count as JS gives it: a number or a bigint.
pub(crate) type JsU64 = Either<f64, BigInt>;

/// Registers the JS class native errors are instances of (called once by index.js).
#[napi]
pub fn set_error_class(env: Env, class: JsFunction) -> napi::Result<()> {
    error::register_class(&env, class)
}

/// Reads a non-negative integer given as a number or a bigint.
pub(crate) fn to_u64(env: &Env, what: &str, v: JsU64) -> NResult<u64> {
    match v {
        Either::A(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= u64::MAX as f64 => Ok(n as u64),
        Either::B(b) => match b.get_u64() {
            (false, n, true) => Ok(n),
            _ => Err(usage(
                env,
                format!("{what} must be a non-negative integer below 2^64"),
            )),
        },
        Either::A(n) => Err(usage(
            env,
            format!("{what} must be a non-negative integer, got {n}"),
        )),
    }
}

/// Hands `bytes` to JS: copied into the caller's `scratch` buffer when they
/// fit (JS then copies them into a pooled Buffer, much cheaper than a new
/// native-backed Buffer per message), else as a new Buffer.
pub(crate) fn emit(env: &Env, bytes: &[u8], scratch: JsBuffer) -> NResult<Either<u32, JsBuffer>> {
    let mut space = scratch.into_value()?;
    if bytes.len() <= space.len() {
        space[..bytes.len()].copy_from_slice(bytes);
        Ok(Either::A(bytes.len() as u32))
    } else {
        Ok(Either::B(env.create_buffer_copy(bytes)?.into_raw()))
    }
}

/// A pool directory (`new Client(dir)`).
#[napi]
pub struct Client {
    client: Option<plasmite::Client>,
}

#[napi]
impl Client {
    #[napi(constructor)]
    pub fn new(dir: String) -> Self {
        Client {
            client: Some(plasmite::Client::new(dir)),
        }
    }

    fn get(&self, env: &Env) -> NResult<&plasmite::Client> {
        self.client.as_ref().ok_or_else(|| closed(env, "Client"))
    }

    /// Creates a pool of `size_bytes` and opens it.
    #[napi]
    pub fn create_pool(&self, env: Env, name: String, size_bytes: JsU64) -> NResult<Pool> {
        let size = to_u64(&env, "sizeBytes", size_bytes)?;
        let pool = self
            .get(&env)?
            .create_pool(&name, size)
            .map_err(|e| js_err(&env, e))?;
        Ok(Pool::wrap(pool))
    }

    /// Opens an existing pool.
    #[napi]
    pub fn open_pool(&self, env: Env, name: String) -> NResult<Pool> {
        let pool = self.get(&env)?.open_pool(&name).map_err(|e| js_err(&env, e))?;
        Ok(Pool::wrap(pool))
    }

    #[napi]
    pub fn close(&mut self) {
        self.client = None;
    }
}

/// An open pool.
#[napi]
pub struct Pool {
    pool: Option<plasmite::Pool>,
    follow: Option<Arc<Follow>>,
    tag_list: Vec<String>,
    tags: Vec<u8>,
    payload: Vec<u8>,
    out: Vec<u8>,
}

#[napi]
impl Pool {
    fn wrap(pool: plasmite::Pool) -> Pool {
        Pool {
            pool: Some(pool),
            follow: None,
            tag_list: Vec::new(),
            tags: Vec::new(),
            payload: Vec::new(),
            out: Vec::new(),
        }
    }

    fn get(&self, env: &Env) -> NResult<&plasmite::Pool> {
        self.pool.as_ref().ok_or_else(|| closed(env, "Pool"))
    }

    /// Appends a JSON message; returns the stored envelope (its length when
    /// it was written into `scratch`, see `emit`). `tags` is `None` when
    /// the caller's tags are those of the previous call (index.js checks).
    #[napi(js_name = "_appendJson")]
    pub fn append_json(
        &mut self,
        env: Env,
        buf: JsBuffer,
        tags: Option<Vec<String>>,
        flush: bool,
        scratch: JsBuffer,
    ) -> NResult<Either<u32, JsBuffer>> {
        let d = if flush {
            Durability::Flush
        } else {
            Durability::Fast
        };
        let pool = self.get(&env)?.clone();
        if let Some(tags) = tags {
            encode_tags(&tags, &mut self.tags).map_err(|e| js_err(&env, e))?;
            self.tag_list = tags;
        }
        let data = buf.into_value()?;
        let r = pool
            .append_json(&data, &self.tag_list, d)
            .map_err(|e| js_err(&env, e))?;
        // The envelope carries what was stored: the library's compaction of
        // the input (known valid now) and the tags as encoded above.
        self.payload.clear();
        plasmite::json::compact_into(&data, &mut self.payload)
            .map_err(|e| js_err(&env, plasmite::Error::usage(e.reason)))?;
        let msg = MessageRef {
            seq: r.seq,
            timestamp_ns: r.timestamp_ns,
            encoding: Encoding::Json,
            tags_json: &self.tags,
            payload: &self.payload,
            origin: None,
        };
        self.out.clear();
        msg.write_envelope(&mut self.out).map_err(|e| js_err(&env, e))?;
        emit(&env, &self.out, scratch)
    }

    /// Appends a Lite3 document; returns its sequence number.
    #[napi(js_name = "_appendLite3")]
    pub fn append_lite3(&self, env: Env, buf: JsBuffer, flush: bool) -> NResult<BigInt> {
        let d = if flush {
            Durability::Flush
        } else {
            Durability::Fast
        };
        let data = buf.into_value()?;
        let r = lite3::append(self.get(&env)?, &data, d).map_err(|e| js_err(&env, e))?;
        Ok(BigInt::from(r.seq))
    }

    /// The `data` of message `seq`, as JSON text.
    #[napi(js_name = "_getJson")]
    pub fn get_json(&mut self, env: Env, seq: JsU64, scratch: JsBuffer) -> NResult<Either<u32, JsBuffer>> {
        let seq = to_u64(&env, "seq", seq)?;
        let msg = self.get(&env)?.get(seq).map_err(|e| js_err(&env, e))?;
        self.out.clear();
        msg.as_ref()
            .write_data_json(&mut self.out)
            .map_err(|e| js_err(&env, e.with_seq(seq)))?;
        emit(&env, &self.out, scratch)
    }

    /// Message `seq` as a Lite3 frame.
    #[napi]
    pub fn get_lite3(&self, env: Env, seq: JsU64) -> NResult<lite3::Lite3Frame> {
        let seq = to_u64(&env, "seq", seq)?;
        lite3::get(self.get(&env)?, seq).map_err(|e| js_err(&env, e))
    }

    /// Opens a JSON stream (the JS side adds the options object).
    #[napi(js_name = "_openStream")]
    pub fn open_stream(
        &mut self,
        env: Env,
        since_seq: Option<JsU64>,
        max: Option<JsU64>,
        timeout_ms: Option<JsU64>,
        tags: Option<Vec<String>>,
    ) -> NResult<Stream> {
        let (cursor, timeout, follow) = self.cursor(&env, since_seq, max, timeout_ms, tags)?;
        Ok(Stream::new(cursor, timeout, follow))
    }

    /// Opens a Lite3 frame stream.
    #[napi(js_name = "_openLite3Stream")]
    pub fn open_lite3_stream(
        &mut self,
        env: Env,
        since_seq: Option<JsU64>,
        max: Option<JsU64>,
        timeout_ms: Option<JsU64>,
        tags: Option<Vec<String>>,
    ) -> NResult<Lite3Stream> {
        let (cursor, timeout, follow) = self.cursor(&env, since_seq, max, timeout_ms, tags)?;
        Ok(Lite3Stream::new(cursor, timeout, follow))
    }

    fn cursor(
        &mut self,
        env: &Env,
        since_seq: Option<JsU64>,
        max: Option<JsU64>,
        timeout_ms: Option<JsU64>,
        tags: Option<Vec<String>>,
    ) -> NResult<(plasmite::Cursor, Option<std::time::Duration>, Arc<Follow>)> {
        let start = match since_seq {
            Some(s) => plasmite::Start::Since(to_u64(env, "sinceSeq", s)?),
            None => plasmite::Start::Oldest,
        };
        let max = max.map(|m| to_u64(env, "max", m)).transpose()?;
        let timeout = timeout_ms
            .map(|t| to_u64(env, "timeoutMs", t).map(std::time::Duration::from_millis))
            .transpose()?;
        let pool = self.get(env)?.clone();
        let cursor = pool
            .cursor(plasmite::CursorOptions {
                start,
                max,
                timeout,
                tags: tags.unwrap_or_default(),
                ..Default::default()
            })
            .map_err(|e| js_err(env, e))?;
        let follow = self.follow.get_or_insert_with(|| Follow::new(pool)).clone();
        Ok((cursor, timeout, follow))
    }

    #[napi]
    pub fn close(&mut self) {
        self.pool = None;
        self.follow = None;
    }
}
