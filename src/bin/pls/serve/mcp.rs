//! `/mcp`: the MCP server (`crate::mcp`) over the Streamable HTTP transport.
//!
//! `POST /mcp` carries one JSON-RPC message (or, for clients of protocol
//! 2025-03-26 and earlier, a batch). A request is answered `200` with its
//! JSON-RPC response, as `application/json`, or as one Server-Sent Event
//! when the client accepts only `text/event-stream`; notifications and
//! responses alone get `202` and no body. The server keeps no session (no
//! `Mcp-Session-Id`); `GET` (a server-to-client stream) and `DELETE` (ending
//! a session) are answered `405`. The bearer token and the access mode of
//! `pls serve` apply: `401` without the token, and a read-only server lists
//! no tool that writes. A request whose `Origin` is not allowed by
//! `--cors-origin` is refused (`403`), against DNS rebinding.

use plasmite::{Error, ErrorKind, Pool, PoolInfo, Result};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

use super::http::{Conn, Head};
use super::http_error::public_error_json;
use super::{routes, Access, Shared};
use crate::mcp::{self as core, Backend, Mode, Session};

/// What the endpoint answers.
pub struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    content_type: &'static str,
    body: Vec<u8>,
}

/// A JSON-RPC error answered with an HTTP status (the message has no id).
fn failure(status: u16, code: i64, message: impl Into<String>, kind: Option<ErrorKind>) -> Answer {
    let mut v = core::error_response(Value::Null, code, message);
    if let Some(kind) = kind {
        v["error"]["data"] = json!({ "kind": kind.as_str() });
    }
    Answer {
        status,
        headers: Vec::new(),
        content_type: "application/json",
        body: serde_json::to_vec(&v).unwrap_or_default(),
    }
}

/// Sends an answer; returns the status sent.
pub fn send(conn: &mut Conn, a: Answer) -> std::io::Result<u16> {
    let headers: Vec<(&str, &str)> = a.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    conn.respond(a.status, a.content_type, &headers, &a.body)?;
    Ok(a.status)
}

/// The pools of the server, as the MCP tools see them.
struct Served<'a>(&'a Shared);

impl Backend for Served<'_> {
    fn open(&self, name: &str) -> Result<Pool> {
        self.0.pools.open(name)
    }
    fn create(&self, name: &str, size: u64) -> Result<Pool> {
        self.0.pools.create(name, size)
    }
    fn delete(&self, name: &str) -> Result<()> {
        self.0.pools.delete(name)
    }
    fn list(&self) -> Result<Vec<PoolInfo>> {
        self.0.pools.list()
    }
    fn mode(&self) -> Mode {
        match self.0.auth.access() {
            Access::ReadWrite => Mode {
                read: true,
                write: true,
            },
            Access::ReadOnly => Mode {
                read: true,
                write: false,
            },
            Access::WriteOnly => Mode {
                read: false,
                write: true,
            },
        }
    }
    fn max_pool_size(&self) -> u64 {
        self.0.max_pool_size
    }
    fn info_json(&self, info: &PoolInfo) -> Value {
        routes::pool_json(self.0, info)
    }
    fn error_json(&self, e: &Error) -> Value {
        public_error_json(e, self.0.pools.dir_prefixes())["error"].clone()
    }
    /// Waits share the tails' slots (`--max-tails`).
    fn wait_begin(&self) -> Result<()> {
        if self.0.tails.fetch_add(1, Ordering::SeqCst) >= self.0.max_tails {
            self.0.tails.fetch_sub(1, Ordering::SeqCst);
            return Err(Error::new(
                ErrorKind::Busy,
                format!("too many tails and waits (limit {})", self.0.max_tails),
            )
            .with_hint("retry later, or raise pls serve --max-tails"));
        }
        Ok(())
    }
    fn wait_end(&self) {
        self.0.tails.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accepts(head: &Head, media: &str) -> bool {
    head.accept.as_deref().is_some_and(|a| {
        a.split(',').any(|part| {
            let m = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            m == media || m == "*/*" || (m.ends_with("/*") && media.starts_with(&m[..m.len() - 1]))
        })
    })
}

/// Handles a request to `/mcp`.
pub fn route(shared: &Shared, conn: &mut Conn, head: &Head) -> Answer {
    if head.method != "POST" {
        let mut a = failure(
            405,
            core::INVALID_REQUEST,
            format!(
                "method {} is not allowed on /mcp: this server keeps no session and opens no \
                 server-to-client stream; POST each JSON-RPC message",
                head.method
            ),
            Some(ErrorKind::Usage),
        );
        a.headers.push(("allow", "POST".into()));
        return a;
    }
    if let Err(e) = shared.auth.authenticate(head.authorization.as_deref()) {
        let mut a = failure(401, -32001, e.error.message(), Some(ErrorKind::Permission));
        a.headers.push(("www-authenticate", "Bearer".into()));
        return a;
    }
    if head.origin.is_some() && conn.cors_origin.is_none() {
        return failure(
            403,
            -32001,
            "requests from this Origin are not allowed (pls serve --cors-origin allows one)",
            Some(ErrorKind::Permission),
        );
    }
    if let Some(v) = head.mcp_protocol_version.as_deref() {
        if !core::supported(v) {
            return failure(
                400,
                core::INVALID_REQUEST,
                format!(
                    "unsupported MCP-Protocol-Version {v:?} (this server speaks {})",
                    core::PROTOCOL_VERSIONS.join(", ")
                ),
                Some(ErrorKind::Usage),
            );
        }
    }
    let json_ok = head.accept.is_none() || accepts(head, "application/json");
    let sse_ok = accepts(head, "text/event-stream");
    if !json_ok && !sse_ok {
        return failure(
            406,
            core::INVALID_REQUEST,
            "the client must accept application/json or text/event-stream",
            Some(ErrorKind::Usage),
        );
    }
    if let Some(ct) = head.content_type.as_deref() {
        let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if media != "application/json" {
            return failure(
                415,
                core::INVALID_REQUEST,
                format!("Content-Type must be application/json, not {media:?}"),
                Some(ErrorKind::Usage),
            );
        }
    }
    let body = match routes::read_body(shared, conn, head) {
        Ok(b) => b,
        Err(e) => {
            return failure(
                e.status,
                core::INVALID_REQUEST,
                e.error.message(),
                Some(e.error.kind()),
            )
        }
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return failure(400, core::PARSE_ERROR, format!("parse error: {e}"), None),
    };
    // Without the header the client speaks 2025-03-26 (the transport's rule).
    let version = head
        .mcp_protocol_version
        .clone()
        .unwrap_or_else(|| "2025-03-26".to_string());
    let session = Session::with_version(Some(version));
    let backend = Served(shared);
    let conn_ref: &Conn = conn;
    let stop = |_: &Value| shared.shutting_down() || conn_ref.peer_closed();
    let Some(answer) = core::handle_value(&backend, &session, value, &stop) else {
        return Answer {
            status: 202,
            headers: Vec::new(),
            content_type: "application/json",
            body: Vec::new(),
        };
    };
    // A message that is not a valid request gets an HTTP error status too.
    let status = if answer.get("error").is_some() && answer["id"].is_null() {
        400
    } else {
        200
    };
    let json = serde_json::to_vec(&answer).unwrap_or_default();
    if json_ok {
        return Answer {
            status,
            headers: Vec::new(),
            content_type: "application/json",
            body: json,
        };
    }
    let mut body = b"event: message\ndata: ".to_vec();
    body.extend_from_slice(&json);
    body.extend_from_slice(b"\n\n");
    Answer {
        status,
        headers: vec![("cache-control", "no-store".into())],
        content_type: "text/event-stream",
        body,
    }
}
