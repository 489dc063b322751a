//! The Node addon of plasmite: conversions between JavaScript values and the
//! plasmite library, and the mapping of library errors to `PlasmiteNativeError`.
//!
//! No storage logic lives here. Every class holds a library handle in an
//! `Option` that `close()` empties, so a closed object answers `Usage`.

mod error;
mod follow;
mod group;
mod lite3;
mod stream;

use std::sync::Arc;

use napi::bindgen_prelude::{BigInt, Either};
use napi::{Env, JsBuffer, JsFunction};
use napi_derive::napi;
use plasmite::{encode_tags, MessageRef, Point, PoolOptions};
use plasmite::{Durability, Encoding};

use error::{closed, js_err, usage, NResult};
use follow::Follow;
pub use group::Group;
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

/// What `openStream` takes beyond the positional arguments (index.js
/// shapes it): the command's `--where`, `--since`/`--until` and
/// `--gap-policy error`, all done by the library.
#[napi(object)]
#[derive(Default)]
pub struct CursorExtra {
    /// End the stream with a `RetentionGap` error at an overwritten message.
    pub error_on_gap: Option<bool>,
    /// jq expressions on the envelope; all must be true.
    #[napi(js_name = "where")]
    pub where_: Option<Vec<String>>,
    /// A point as `--since` takes it (seq, duration ago, RFC 3339 time).
    pub since: Option<String>,
    /// A point as `--until` takes it.
    pub until: Option<String>,
}

/// A point (`--since` forms) as JS sees it: `seq` or `timeNs`.
#[napi(object)]
pub struct JsPoint {
    pub seq: Option<BigInt>,
    pub time_ns: Option<BigInt>,
}

/// Reads a point as `pls tail --since` does (for the remote client, which
/// sends absolute times).
#[napi]
pub fn parse_point(env: Env, s: String) -> NResult<JsPoint> {
    Ok(match Point::parse(&s).map_err(|e| js_err(&env, e))? {
        Point::Seq(n) => JsPoint {
            seq: Some(BigInt::from(n)),
            time_ns: None,
        },
        Point::Time(t) => JsPoint {
            seq: None,
            time_ns: Some(BigInt::from(t)),
        },
    })
}

/// Creates a pool directory (with its parents) if missing (`new Client(dir)`).
#[napi]
pub fn ensure_dir(env: Env, dir: String) -> NResult<()> {
    std::fs::create_dir_all(&dir).map_err(|e| {
        js_err(
            &env,
            plasmite::Error::io("cannot create pool directory", e).with_path(&dir),
        )
    })
}

/// The size of a pool created without one (the command's default too).
#[napi]
pub fn default_pool_size() -> f64 {
    PoolOptions::default().size_bytes as f64
}

/// A pool's info as `client.poolInfo()` / `listPools()` return it.
#[napi(object)]
pub struct JsPoolInfo {
    pub name: String,
    /// The pool file.
    pub path: String,
    pub file_size: f64,
    pub ring_size: f64,
    pub index_capacity: f64,
    /// Oldest and newest retained seqs (null when empty).
    pub oldest: Option<BigInt>,
    pub newest: Option<BigInt>,
    pub message_count: f64,
    pub bytes_used: f64,
    /// Creation time, ns since the Unix epoch.
    pub created_ns: BigInt,
}

fn info_js(i: plasmite::PoolInfo) -> JsPoolInfo {
    JsPoolInfo {
        name: i.name,
        path: i.path.display().to_string(),
        file_size: i.file_size as f64,
        ring_size: i.ring_size as f64,
        index_capacity: i.index_capacity as f64,
        oldest: i.oldest.map(BigInt::from),
        newest: i.newest.map(BigInt::from),
        message_count: i.message_count as f64,
        bytes_used: i.bytes_used as f64,
        created_ns: BigInt::from(i.created_ns),
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

    /// Opens the pool, creating it (`size_bytes`, default: the library's)
    /// when it does not exist.
    #[napi]
    pub fn pool(&self, env: Env, name: String, size_bytes: Option<JsU64>) -> NResult<Pool> {
        let mut options = PoolOptions::default();
        if let Some(size) = size_bytes {
            options.size_bytes = to_u64(&env, "sizeBytes", size)?;
        }
        let pool = self
            .get(&env)?
            .open_or_create_pool(&name, options)
            .map_err(|e| js_err(&env, e))?;
        Ok(Pool::wrap(pool))
    }

    /// A pool's info (bounds, count, sizes).
    #[napi]
    pub fn pool_info(&self, env: Env, name: String) -> NResult<JsPoolInfo> {
        let info = self.get(&env)?.pool_info(&name).map_err(|e| js_err(&env, e))?;
        Ok(info_js(info))
    }

    /// Every pool's info, sorted by name.
    #[napi]
    pub fn list_pools(&self, env: Env) -> NResult<Vec<JsPoolInfo>> {
        let list = self.get(&env)?.list_pools().map_err(|e| js_err(&env, e))?;
        Ok(list.into_iter().map(info_js).collect())
    }

    /// Deletes a pool.
    #[napi]
    pub fn delete_pool(&self, env: Env, name: String) -> NResult<()> {
        self.get(&env)?.delete_pool(&name).map_err(|e| js_err(&env, e))
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
    // The arguments are the JS call's positional ones (index.js makes them).
    #[allow(clippy::too_many_arguments)]
    #[napi(js_name = "_appendJson")]
    pub fn append_json(
        &mut self,
        env: Env,
        buf: JsBuffer,
        tags: Option<Vec<String>>,
        flush: bool,
        scratch: JsBuffer,
        len: Option<u32>,
        compact: Option<bool>,
        short: Option<bool>,
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
        let whole = buf.into_value()?;
        // `len`: the JSON is the first `len` bytes (index.js writes
        // serialized values into a reused buffer).
        let data = match len {
            Some(n) => &whole[..(n as usize).min(whole.len())],
            None => &whole[..],
        };
        let r = pool
            .append_json(data, &self.tag_list, d)
            .map_err(|e| js_err(&env, e))?;
        // `short` (pool.append of a serialized value): only the seq and the
        // time go back, as two little-endian u64s at the start of `scratch`;
        // index.js builds the envelope from what it already has, if asked.
        if short == Some(true) {
            let mut space = scratch.into_value()?;
            space[..8].copy_from_slice(&r.seq.to_le_bytes());
            space[8..16].copy_from_slice(&r.timestamp_ns.to_le_bytes());
            return Ok(Either::A(16));
        }
        // The envelope carries what was stored: the library's compaction of
        // the input (known valid now) and the tags as encoded above. Text
        // from JSON.stringify (`compact`) has no whitespace between tokens:
        // its compaction is itself.
        let payload: &[u8] = if compact == Some(true) {
            data
        } else {
            self.payload.clear();
            plasmite::json::compact_into(data, &mut self.payload)
                .map_err(|e| js_err(&env, plasmite::Error::usage(e.reason)))?;
            &self.payload
        };
        let msg = MessageRef {
            seq: r.seq,
            timestamp_ns: r.timestamp_ns,
            encoding: Encoding::Json,
            tags_json: &self.tags,
            payload,
            origin: None,
        };
        self.out.clear();
        msg.write_envelope(&mut self.out).map_err(|e| js_err(&env, e))?;
        emit(&env, &self.out, scratch)
    }

    /// The tags of the previous JSON append as stored (a compact JSON array).
    #[napi(js_name = "_storedTagsJson")]
    pub fn stored_tags_json(&self) -> String {
        if self.tags.is_empty() {
            "[]".to_string()
        } else {
            String::from_utf8_lossy(&self.tags).into_owned()
        }
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

    /// Message `seq` as its JSON envelope `{seq,time,meta:{tags},data}`.
    #[napi(js_name = "_getJson")]
    pub fn get_json(&mut self, env: Env, seq: JsU64, scratch: JsBuffer) -> NResult<Either<u32, JsBuffer>> {
        let seq = to_u64(&env, "seq", seq)?;
        let msg = self.get(&env)?.get(seq).map_err(|e| js_err(&env, e))?;
        self.out.clear();
        msg.as_ref()
            .write_envelope(&mut self.out)
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
        more: Option<CursorExtra>,
    ) -> NResult<Stream> {
        let (cursor, timeout, follow) = self.cursor(&env, since_seq, max, timeout_ms, tags, more)?;
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
        more: Option<CursorExtra>,
    ) -> NResult<Lite3Stream> {
        let (cursor, timeout, follow) = self.cursor(&env, since_seq, max, timeout_ms, tags, more)?;
        Ok(Lite3Stream::new(cursor, timeout, follow))
    }

    fn cursor(
        &mut self,
        env: &Env,
        since_seq: Option<JsU64>,
        max: Option<JsU64>,
        timeout_ms: Option<JsU64>,
        tags: Option<Vec<String>>,
        more: Option<CursorExtra>,
    ) -> NResult<(plasmite::Cursor, Option<std::time::Duration>, Arc<Follow>)> {
        let more = more.unwrap_or_default();
        let point = |v: Option<String>| -> NResult<Option<Point>> {
            v.map(|s| Point::parse(&s).map_err(|e| js_err(env, e)))
                .transpose()
        };
        let since = point(more.since)?;
        let until = point(more.until)?;
        let start = match (since_seq, since) {
            (Some(_), Some(_)) => return Err(usage(env, "give sinceSeq or since, not both")),
            (Some(s), None) => plasmite::Start::Since(to_u64(env, "sinceSeq", s)?),
            (None, Some(p)) => p.start(),
            (None, None) => plasmite::Start::Oldest,
        };
        let filter = match more.where_ {
            Some(w) if !w.is_empty() => Some(plasmite::Filter::new(&w).map_err(|e| js_err(env, e))?),
            _ => None,
        };
        let gaps = if more.error_on_gap.unwrap_or(false) {
            plasmite::GapPolicy::Error
        } else {
            plasmite::GapPolicy::Continue
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
                until: until.map(Point::until),
                gaps,
                filter,
            })
            .map_err(|e| js_err(env, e))?;
        let follow = self.follow.get_or_insert_with(|| Follow::new(pool)).clone();
        Ok((cursor, timeout, follow))
    }

    /// Opens consumer group `name`: created with `create` when absent (an
    /// existing group keeps its options), or only opened (`NotFound` when
    /// absent) with `open_only`; claims are made as `consumer`.
    #[napi(js_name = "_group")]
    pub fn group(
        &self,
        env: Env,
        name: String,
        create: Option<group::GroupCreate>,
        consumer: Option<String>,
        open_only: Option<bool>,
    ) -> NResult<Group> {
        let pool = self.get(&env)?;
        let mut g = if open_only == Some(true) {
            pool.open_group(&name)
        } else {
            let o = group::options(&env, create.unwrap_or_default())?;
            pool.group_with(&name, &o)
        }
        .map_err(|e| js_err(&env, e))?;
        if let Some(c) = consumer {
            g.set_consumer(&c).map_err(|e| js_err(&env, e))?;
        }
        Ok(Group::wrap(g))
    }

    /// The names of the pool's consumer groups, sorted.
    #[napi]
    pub fn group_names(&self, env: Env) -> NResult<Vec<String>> {
        self.get(&env)?.group_names().map_err(|e| js_err(&env, e))
    }

    /// Every group's books as JSON text (an array, sorted by name).
    #[napi(js_name = "_listGroups")]
    pub fn list_groups(&self, env: Env) -> NResult<String> {
        let pool = self.get(&env)?;
        let mut out = Vec::new();
        for name in pool.group_names().map_err(|e| js_err(&env, e))? {
            let g = pool.open_group(&name).map_err(|e| js_err(&env, e))?;
            out.push(g.info().map_err(|e| js_err(&env, e))?.to_json().to_string());
        }
        Ok(format!("[{}]", out.join(",")))
    }

    /// Deletes a consumer group (its books; the messages stay).
    #[napi]
    pub fn delete_group(&self, env: Env, name: String) -> NResult<()> {
        self.get(&env)?.delete_group(&name).map_err(|e| js_err(&env, e))
    }

    #[napi]
    pub fn close(&mut self) {
        self.pool = None;
        self.follow = None;
    }
}
