//! Routes of protocol v0: each one parses the request, makes one library
//! call and renders the result. Errors become `{"error": ...}` envelopes
//! with the status of their kind.

use std::time::Duration;

use plasmite::{Batch, Durability, Error, ErrorKind, Filter, GapPolicy, Result, Start, Until};

use super::auth::Op;
use super::http::{Conn, Head};
use super::http_error::{public_error_json, HttpError};
use super::{lite3, mcp, tail, ui, Shared};

/// What a route answers.
pub enum Reply {
    /// A JSON body.
    Json(u16, Vec<u8>),
    /// Raw Lite3 bytes of message `seq`.
    Lite3 {
        seq: u64,
        timestamp_ns: u64,
        flags: u32,
        bytes: Vec<u8>,
    },
    /// A stream: started and written by [`tail::run`].
    Tail(tail::Plan),
    /// The answer to a browser's CORS preflight.
    Preflight,
    /// An answer of the MCP endpoint ([`mcp::route`]).
    Mcp(mcp::Answer),
    /// A file of the web console (`/ui`), or its redirect.
    Ui(ui::Asset),
}

type Routed = std::result::Result<Reply, HttpError>;

/// Serves one request whose head was read; returns the status sent.
pub fn serve(shared: &Shared, conn: &mut Conn, head: &Head) -> std::io::Result<u16> {
    conn.cors_origin = shared.allowed_origin(head.origin.as_deref());
    let reply = route(shared, conn, head);
    // Anything the route did not read of the body is dropped (or the
    // connection closes) so the next request starts where it should.
    conn.skip_body(head);
    match reply {
        Ok(Reply::Json(status, body)) => {
            conn.respond(status, "application/json", &[], &body)?;
            Ok(status)
        }
        Ok(Reply::Lite3 {
            seq,
            timestamp_ns,
            flags,
            bytes,
        }) => {
            let (seq, ts, flags) = (seq.to_string(), timestamp_ns.to_string(), flags.to_string());
            let headers = [
                ("plasmite-seq", &*seq),
                ("plasmite-timestamp-ns", &*ts),
                ("plasmite-flags", &*flags),
            ];
            conn.respond(200, lite3::CONTENT_TYPE, &headers, &bytes)?;
            Ok(200)
        }
        Ok(Reply::Tail(plan)) => tail::run(shared, conn, head, plan),
        Ok(Reply::Mcp(answer)) => mcp::send(conn, answer),
        Ok(Reply::Ui(asset)) => {
            conn.respond(asset.status, asset.content_type, &asset.headers(), asset.body)?;
            Ok(asset.status)
        }
        Ok(Reply::Preflight) => {
            let headers = [
                ("access-control-allow-methods", "GET, POST, DELETE, OPTIONS"),
                (
                    "access-control-allow-headers",
                    "authorization, content-type, mcp-protocol-version, mcp-session-id",
                ),
                ("access-control-max-age", "600"),
            ];
            conn.respond(204, "text/plain", &headers, b"")?;
            Ok(204)
        }
        Err(e) => {
            // The client gets names, never paths; the full story goes to
            // the server's own log.
            let body = public_error_json(&e.error, shared.pools.dir_prefixes());
            let scrubbed = body["error"]["message"].as_str() != Some(e.error.message());
            if !shared.quiet && (e.error.path().is_some() || scrubbed) {
                let path = e.error.path().map(|p| format!(" ({})", p.display()));
                eprintln!(
                    "{} {}: {} {}: {}{}",
                    head.method,
                    head.path,
                    e.status,
                    e.error.kind(),
                    e.error.message(),
                    path.unwrap_or_default()
                );
            }
            let body = serde_json::to_vec(&body).unwrap_or_default();
            conn.respond(e.status, "application/json", &[], &body)?;
            Ok(e.status)
        }
    }
}

fn json(status: u16, value: serde_json::Value) -> Routed {
    Ok(Reply::Json(
        status,
        serde_json::to_vec(&value).unwrap_or_default(),
    ))
}

fn no_route(method: &str, path: &str) -> HttpError {
    HttpError::new(
        404,
        Error::new(ErrorKind::NotFound, format!("no route for {method} {path}")),
    )
}

fn wrong_method(method: &str, path: &str) -> HttpError {
    HttpError::new(
        405,
        Error::usage(format!("method {method} is not allowed on {path}")),
    )
}

/// Decodes `%XX` escapes (and, in query values, `+` as a space).
pub fn percent_decode(s: &str, plus_is_space: bool) -> Result<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| Error::usage(format!("bad percent-encoding in {s:?}")))?;
                out.push(hex);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| Error::usage(format!("{s:?} is not UTF-8 once decoded")))
}

/// The query's `(name, value)` pairs, decoded.
pub fn query_pairs(query: &str) -> Result<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((percent_decode(k, true)?, percent_decode(v, true)?))
        })
        .collect()
}

fn route(shared: &Shared, conn: &mut Conn, head: &Head) -> Routed {
    let m = head.method.as_str();
    let path = head.path.as_str();
    // A preflight carries no credentials; it is answered for allowed
    // origins only, and the real request is then checked as usual.
    if m == "OPTIONS" && conn.cors_origin.is_some() {
        return Ok(Reply::Preflight);
    }
    match path {
        "/" | "/healthz" => {
            return match m {
                "GET" if path == "/" => json(
                    200,
                    serde_json::json!({"ok": true, "service": "plasmite", "version": env!("CARGO_PKG_VERSION"), "protocol": 0,
                        "access": super::access_name(shared.auth.access()), "token_required": shared.auth.token_required()}),
                ),
                "GET" => json(200, serde_json::json!({"ok": true})),
                _ => Err(wrong_method(m, path)),
            };
        }
        _ => {}
    }
    if path == "/mcp" {
        return Ok(Reply::Mcp(mcp::route(shared, conn, head)));
    }
    if path == "/ui" || path.starts_with("/ui/") {
        return match m {
            "GET" => ui::asset(path).map(Reply::Ui).ok_or_else(|| no_route(m, path)),
            _ => Err(wrong_method(m, path)),
        };
    }
    let Some(rest) = path.strip_prefix("/v0/") else {
        return Err(no_route(m, path));
    };
    shared.auth.authenticate(head.authorization.as_deref())?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.first() != Some(&"pools") {
        return Err(no_route(m, path));
    }
    let segs = &segs[1..];
    match segs {
        [] | [""] => match m {
            "GET" => list(shared),
            "POST" => create(shared, conn, head),
            _ => Err(wrong_method(m, path)),
        },
        ["open"] if m == "POST" => open(shared, conn, head),
        [name] => match m {
            "DELETE" => delete(shared, name),
            _ => Err(wrong_method(m, path)),
        },
        [pool, "groups", rest @ ..] => {
            let pool = pool_name(pool)?;
            super::groups::route(shared, conn, head, &pool, rest, &group_body)
        }
        _ => {
            // The action is at the end; everything between `pools/` and it
            // is the pool name, so a name with a raw `/` is refused as a
            // bad name (400), not as an unknown route.
            let n = segs.len();
            let (name_segs, action, seq) = match (segs[n - 1], n) {
                ("lite3", n) if n >= 4 && segs[n - 3] == "messages" => {
                    (&segs[..n - 3], "messages/lite3", Some(segs[n - 2]))
                }
                (_, n) if n >= 3 && segs[n - 2] == "messages" => {
                    (&segs[..n - 2], "messages", Some(segs[n - 1]))
                }
                (a, n) => (&segs[..n - 1], a, None),
            };
            let method_ok = match action {
                "info" | "messages" | "messages/lite3" | "tail" | "tail_lite3" | "events" => m == "GET",
                "append" | "append_lite3" => m == "POST",
                _ => return Err(no_route(m, path)),
            };
            if !method_ok {
                return Err(wrong_method(m, path));
            }
            let name = pool_name(&name_segs.join("/"))?;
            let seq = seq.map(parse_seq).transpose()?;
            match (action, seq) {
                ("info", _) => info(shared, &name),
                ("append", _) => append(shared, conn, head, &name),
                ("append_lite3", _) => append_lite3(shared, conn, head, &name),
                ("messages", Some(seq)) => get(shared, &name, seq),
                ("messages/lite3", Some(seq)) => get_lite3(shared, &name, seq),
                ("tail", _) => tail_plan(shared, head, &name, tail::Format::Jsonl),
                ("tail_lite3", _) => tail_plan(shared, head, &name, tail::Format::Lite3),
                ("events", _) => tail_plan(
                    shared,
                    head,
                    &name,
                    tail::Format::Sse {
                        keepalive: SSE_KEEPALIVE,
                    },
                ),
                _ => Err(no_route(m, path)),
            }
        }
    }
}

/// Decodes and validates a pool name from the path.
fn pool_name(raw: &str) -> Result<String> {
    let name = percent_decode(raw, false)?;
    plasmite::validate_name(&name)?;
    Ok(name)
}

fn parse_seq(s: &str) -> Result<u64> {
    s.parse::<u64>().map_err(|_| {
        Error::usage(format!(
            "bad sequence number {s:?} (expected an unsigned integer)"
        ))
    })
}

pub(super) fn read_body(
    shared: &Shared,
    conn: &mut Conn,
    head: &Head,
) -> std::result::Result<Vec<u8>, HttpError> {
    conn.read_body(head, shared.max_body).map_err(|e| match e {
        None => HttpError::new(
            413,
            Error::usage(format!(
                "request body larger than the server's limit of {} bytes",
                shared.max_body
            ))
            .with_hint("raise it with pls serve --max-body"),
        ),
        Some(e) if e.kind() == std::io::ErrorKind::TimedOut => HttpError::new(
            408,
            Error::usage("the request took too long to arrive (head and body share --client-timeout)"),
        ),
        Some(e) => HttpError::new(400, Error::usage(format!("cannot read the request body: {e}"))),
    })
}

fn json_body(
    shared: &Shared,
    conn: &mut Conn,
    head: &Head,
) -> std::result::Result<serde_json::Value, HttpError> {
    let bytes = read_body(shared, conn, head)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::from(Error::usage(format!("malformed JSON body: {e}"))))
}

/// A consumer-group request's JSON body; an empty one is `{}`.
fn group_body(
    shared: &Shared,
    conn: &mut Conn,
    head: &Head,
) -> std::result::Result<serde_json::Value, HttpError> {
    let bytes = read_body(shared, conn, head)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::from(Error::usage(format!("malformed JSON body: {e}"))))
}

fn body_pool_name(v: &serde_json::Value) -> Result<String> {
    let name = v
        .get("pool")
        .and_then(|p| p.as_str())
        .ok_or_else(|| Error::usage("the body needs a \"pool\" string"))?;
    plasmite::validate_name(name)?;
    Ok(name.to_string())
}

/// The info object a client gets. In write-only mode what only readers
/// may learn (bounds, counts, fill, message times) is null, the shape
/// unchanged, so that clients which open a pool before appending still work.
pub(super) fn pool_json(shared: &Shared, info: &plasmite::PoolInfo) -> serde_json::Value {
    let mut v = info.to_public_json();
    v["groups"] = crate::mcp::group_count(shared.pools.open(&info.name).ok().as_ref());
    if shared.auth.access() == super::Access::WriteOnly {
        v["bounds"] = serde_json::json!({ "oldest": null, "newest": null });
        for key in ["message_count", "bytes_used", "metrics", "groups"] {
            v[key] = serde_json::Value::Null;
        }
    }
    v
}

fn pool_reply(shared: &Shared, info: plasmite::PoolInfo) -> Routed {
    json(200, serde_json::json!({ "pool": pool_json(shared, &info) }))
}

fn list(shared: &Shared) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let pools: Vec<_> = shared
        .pools
        .list()?
        .iter()
        .map(|i| pool_json(shared, i))
        .collect();
    json(200, serde_json::json!({ "pools": pools }))
}

fn create(shared: &Shared, conn: &mut Conn, head: &Head) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let v = json_body(shared, conn, head)?;
    let name = body_pool_name(&v)?;
    let size = match v.get("size_bytes") {
        None | Some(serde_json::Value::Null) => super::pools::DEFAULT_CREATE_SIZE,
        Some(s) => s
            .as_u64()
            .ok_or_else(|| Error::usage("\"size_bytes\" must be an unsigned integer"))?,
    };
    if size > shared.max_pool_size {
        return Err(HttpError::new(
            413,
            Error::usage(format!(
                "pool size {size} bytes is over this server's limit of {} bytes ({})",
                shared.max_pool_size,
                crate::units::human_size(shared.max_pool_size)
            ))
            .with_hint("ask for a smaller size_bytes, or raise pls serve --max-pool-size"),
        ));
    }
    pool_reply(shared, shared.pools.create(&name, size)?.info()?)
}

fn open(shared: &Shared, conn: &mut Conn, head: &Head) -> Routed {
    shared.auth.authorize(Op::Any)?;
    let v = json_body(shared, conn, head)?;
    let name = body_pool_name(&v)?;
    pool_reply(shared, shared.pools.open(&name)?.info()?)
}

fn info(shared: &Shared, name: &str) -> Routed {
    shared.auth.authorize(Op::Read)?;
    pool_reply(shared, shared.pools.open(name)?.info()?)
}

fn delete(shared: &Shared, name: &str) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let name = pool_name(name)?;
    shared.pools.delete(&name)?;
    json(200, serde_json::json!({ "ok": true }))
}

fn durability_of(s: &str) -> Result<Durability> {
    s.parse()
}

fn append(shared: &Shared, conn: &mut Conn, head: &Head, name: &str) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let body = read_body(shared, conn, head)?;
    let mut data = None;
    let mut tags: Vec<String> = Vec::new();
    let mut durability = Durability::Fast;
    for (key, span) in plasmite::json::members(&body)? {
        let raw = &body[span];
        match key.as_str() {
            "data" => data = Some(raw),
            "tags" if raw != b"null" => {
                tags = serde_json::from_slice(raw)
                    .map_err(|_| Error::usage("\"tags\" must be an array of strings"))?;
            }
            "durability" if raw != b"null" => {
                let s: String = serde_json::from_slice(raw)
                    .map_err(|_| Error::usage("\"durability\" must be \"fast\" or \"flush\""))?;
                durability = durability_of(&s)?;
            }
            _ => {}
        }
    }
    let data = data.ok_or_else(|| Error::usage("the body needs a \"data\" member"))?;
    let pool = shared.pools.open(name)?;
    // Validated (at the data's own depth limit) and compacted once, into the
    // batch; the answer is written from what was stored.
    let mut batch = Batch::new();
    batch.push_json(data, &tags)?;
    let r = pool.append_batch(&batch, durability)?;
    let msg = batch.stored(0, &r).expect("one message");
    let mut out = Vec::with_capacity(msg.payload.len() + 128);
    out.extend_from_slice(b"{\"message\":");
    msg.write_envelope(&mut out)?;
    out.push(b'}');
    Ok(Reply::Json(200, out))
}

fn append_lite3(shared: &Shared, conn: &mut Conn, head: &Head, name: &str) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let ct = head
        .content_type
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if !matches!(
        ct.as_deref(),
        Some(lite3::CONTENT_TYPE) | Some("application/octet-stream")
    ) {
        return Err(Error::usage(format!(
            "append_lite3 needs Content-Type: {}",
            lite3::CONTENT_TYPE
        ))
        .into());
    }
    let mut durability = Durability::Fast;
    for (k, v) in query_pairs(&head.query)? {
        if k == "durability" {
            durability = durability_of(&v)?;
        }
    }
    let bytes = read_body(shared, conn, head)?;
    let pool = shared.pools.open(name)?;
    let mut tags_json = Vec::new();
    let msg = pool.append_lite3_stored(&bytes, &mut tags_json, durability)?;
    let mut out = Vec::with_capacity(bytes.len() * 2 + 128);
    out.extend_from_slice(b"{\"message\":");
    msg.write_envelope(&mut out)?;
    out.push(b'}');
    Ok(Reply::Json(200, out))
}

fn get(shared: &Shared, name: &str, seq: u64) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let msg = shared.pools.open(name)?.get(seq)?;
    let m = msg.as_ref();
    let mut out = Vec::with_capacity(m.payload.len() + m.tags_json.len() + 128);
    out.extend_from_slice(b"{\"message\":");
    m.write_envelope(&mut out)?;
    out.push(b'}');
    Ok(Reply::Json(200, out))
}

fn get_lite3(shared: &Shared, name: &str, seq: u64) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let pool = shared.pools.open(name)?;
    let frame = pool.get_lite3(seq)?;
    Ok(Reply::Lite3 {
        seq: frame.seq,
        timestamp_ns: frame.timestamp_ns,
        flags: frame.flags,
        bytes: frame.payload,
    })
}

/// Default interval of the `events` stream's keep-alive comment.
const SSE_KEEPALIVE: Duration = Duration::from_secs(15);

fn tail_plan(shared: &Shared, head: &Head, name: &str, mut format: tail::Format) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let lite3 = format == tail::Format::Lite3;
    let mut since = None;
    let mut since_time = None;
    let mut last = None;
    let mut plan = tail::Plan {
        pool: None,
        format,
        start: Start::Oldest,
        until: None,
        max: None,
        timeout: None,
        tags: Vec::new(),
        gaps: GapPolicy::Continue,
        on_unconvertible: lite3::OnUnconvertible::Skip,
        filter: None,
    };
    let mut filters = Vec::new();
    let number = |k: &str, v: &str| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| Error::usage(format!("bad {k} {v:?} (expected an unsigned integer)")))
    };
    let time = |k: &str, v: &str| {
        plasmite::parse_time(v).map_err(|_| {
            Error::usage(format!(
                "bad {k} {v:?} (expected an RFC 3339 time or nanoseconds since the Unix epoch)"
            ))
        })
    };
    for (k, v) in query_pairs(&head.query)? {
        match k.as_str() {
            "since_seq" => since = Some(number(&k, &v)?),
            "since_time" => since_time = Some(time(&k, &v)?),
            "until_time" => plan.until = Some(Until::Time(time(&k, &v)?)),
            "last" => last = Some(number(&k, &v)?),
            "max" => plan.max = Some(number(&k, &v)?),
            "timeout_ms" => plan.timeout = Some(Duration::from_millis(number(&k, &v)?)),
            "tag" => plan.tags.push(v),
            "gap_policy" => plan.gaps = v.parse()?,
            "on_unconvertible" => plan.on_unconvertible = v.parse()?,
            "where" => filters.push(v),
            "keepalive_ms" => {
                if let tail::Format::Sse { keepalive } = &mut format {
                    match number(&k, &v)? {
                        0 => return Err(Error::usage("keepalive_ms must be at least 1").into()),
                        ms => *keepalive = Duration::from_millis(ms),
                    }
                }
            }
            _ => {}
        }
    }
    plan.format = format;
    if !filters.is_empty() {
        plan.filter = Some(Filter::new(&filters)?);
    }
    // An EventSource that reconnects sends the id (seq) of the last event
    // it got, with the URL it first used: the header wins over since_seq,
    // since_time and last, so the stream resumes after that event.
    let resume = match (format, head.last_event_id.as_deref()) {
        (tail::Format::Sse { .. }, Some(id)) if !id.is_empty() => Some(
            id.parse::<u64>()
                .map_err(|_| Error::usage(format!("bad Last-Event-ID {id:?} (expected a seq)")))?,
        ),
        _ => None,
    };
    if let Some(seq) = resume {
        (since, since_time, last) = (Some(seq.saturating_add(1)), None, None);
    }
    plan.start = match (since, since_time, last) {
        (Some(s), None, None) => Start::Since(s),
        (None, Some(t), None) => Start::Time(t),
        (None, None, Some(n)) => Start::Last(n),
        (None, None, None) => Start::Oldest,
        _ => return Err(Error::usage("since_seq, since_time and last cannot be combined (give one)").into()),
    };
    if let (Some(t), Some(cap)) = (plan.timeout, shared.max_tail_timeout) {
        if t > cap {
            return Err(Error::usage(format!(
                "timeout_ms {} is over this server's limit of {}",
                t.as_millis(),
                cap.as_millis()
            ))
            .into());
        }
    }
    if lite3 && plan.gaps == GapPolicy::Error {
        return Err(
            Error::usage("tail_lite3 has no error frame: gap_policy=error is not supported")
                .with_hint("use the JSON tail for gap_policy=error")
                .into(),
        );
    }
    plan.pool = Some(shared.pools.open(name)?);
    Ok(Reply::Tail(plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%2Fb", false).unwrap(), "a/b");
        assert_eq!(percent_decode("a+b", true).unwrap(), "a b");
        assert_eq!(percent_decode("a+b", false).unwrap(), "a+b");
        assert!(percent_decode("%zz", false).is_err());
        let q = query_pairs("tag=a&tag=b%20c&max=3&&x").unwrap();
        assert_eq!(q.len(), 4);
        assert_eq!(q[1], ("tag".into(), "b c".into()));
    }
}
