//! The MCP server (Model Context Protocol, `docs/mcp.md`): JSON-RPC 2.0
//! dispatch shared by both transports, `pls mcp` (stdio, `stdio.rs`) and
//! `POST /mcp` on `pls serve` (Streamable HTTP, `serve/mcp.rs`).
//!
//! A transport hands each message it received to [`handle_value`] with a
//! [`Backend`] (the pools it serves, its access mode and limits) and gets
//! back the JSON-RPC answer, if any: notifications and client responses get
//! none. Protocol errors (bad JSON, unknown method, bad params, unknown
//! tool) are JSON-RPC errors; what goes wrong inside a tool is a tool result
//! with `isError: true` and the stable error kind (`tools.rs`).

mod stdio;
mod tools;

use std::collections::HashSet;
use std::sync::Mutex;

use plasmite::{Error, Pool, PoolInfo, Result};
use serde_json::{json, Map, Value};

pub use stdio::{run_cli, McpArgs};

/// Protocol revisions this server speaks, newest first. A client asking for
/// one of them gets it; any other gets the newest.
pub const PROTOCOL_VERSIONS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// JSON-RPC error codes.
pub const PARSE_ERROR: i64 = -32700;
/// The message is not a valid JSON-RPC request.
pub const INVALID_REQUEST: i64 = -32600;
/// No such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Bad params (and, per MCP, an unknown tool).
pub const INVALID_PARAMS: i64 = -32602;

/// What the served clients may do: the tool list shows only the tools the
/// mode allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// Listing pools and reading messages.
    pub read: bool,
    /// Creating and deleting pools, appending.
    pub write: bool,
}

/// The pools a transport serves, by name (names are validated by the
/// backend before any path is built), and how it renders what clients see.
pub trait Backend: Sync {
    /// Opens pool `name` (`NotFound` when absent).
    fn open(&self, name: &str) -> Result<Pool>;
    /// Creates pool `name` of `size` bytes.
    fn create(&self, name: &str, size: u64) -> Result<Pool>;
    /// Deletes pool `name`.
    fn delete(&self, name: &str) -> Result<()>;
    /// Every readable pool, sorted by name.
    fn list(&self) -> Result<Vec<PoolInfo>>;
    /// What clients may do.
    fn mode(&self) -> Mode;
    /// Largest pool a client may create.
    fn max_pool_size(&self) -> u64;
    /// The info object a client gets, with `groups`: how many consumer
    /// groups the pool has (`null` when they cannot be listed).
    fn info_json(&self, info: &PoolInfo) -> Value {
        let mut v = info.to_public_json();
        v["groups"] = group_count(self.open(&info.name).ok().as_ref());
        v
    }
    /// The error object a client gets (`{"kind","message",...}`).
    fn error_json(&self, e: &Error) -> Value {
        e.to_json()["error"].clone()
    }
    /// Takes one of the slots that bound concurrent waits (`Busy` when none
    /// is left); [`Backend::wait_end`] gives it back.
    fn wait_begin(&self) -> Result<()> {
        Ok(())
    }
    /// Gives back a wait slot.
    fn wait_end(&self) {}
}

/// How many consumer groups a pool has, as the `groups` member of a pool
/// info object (`null` when unknown). One directory listing; no group file
/// is opened.
pub fn group_count(pool: Option<&Pool>) -> Value {
    pool.and_then(|p| p.group_names().ok())
        .map_or(Value::Null, |names| names.len().into())
}

/// The state of one client: the protocol revision it negotiated (stdio:
/// from `initialize`; HTTP: from the `MCP-Protocol-Version` header) and the
/// requests it cancelled.
#[derive(Default)]
pub struct Session {
    version: Mutex<Option<String>>,
    /// Requests being handled, by id (as JSON text).
    running: Mutex<HashSet<String>>,
    /// Running requests the client cancelled.
    cancelled: Mutex<HashSet<String>>,
}

impl Session {
    /// A session whose protocol revision is already known.
    pub fn with_version(version: Option<String>) -> Session {
        Session {
            version: Mutex::new(version),
            ..Session::default()
        }
    }

    fn version(&self) -> Option<String> {
        self.version.lock().expect("session").clone()
    }

    /// Whether the request of this id was cancelled by the client.
    pub fn is_cancelled(&self, id: &Value) -> bool {
        self.cancelled.lock().expect("session").contains(&id.to_string())
    }

    /// Marks the request of this id as running, so that a cancellation
    /// that arrives before its handling starts still reaches it. (Only a
    /// running request can be cancelled: a late cancellation is dropped, and
    /// a later request reusing the id is not affected.)
    pub fn begin(&self, id: &Value) {
        self.running.lock().expect("session").insert(id.to_string());
    }

    fn forget(&self, id: &Value) {
        let key = id.to_string();
        self.running.lock().expect("session").remove(&key);
        self.cancelled.lock().expect("session").remove(&key);
    }
}

/// Whether `version` is one this server speaks.
pub fn supported(version: &str) -> bool {
    PROTOCOL_VERSIONS.contains(&version)
}

/// Whether a JSON array of messages (a batch) is allowed: JSON-RPC batches
/// were part of MCP up to 2025-03-26 and removed in 2025-06-18.
fn batches_allowed(version: Option<&str>) -> bool {
    matches!(version, None | Some("2025-03-26") | Some("2024-11-05"))
}

/// A JSON-RPC error response.
pub fn error_response(id: Value, code: i64, message: impl Into<String>) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message.into()}})
}

/// What one call needs besides its arguments: the backend, and when to
/// give up waiting (client gone, cancelled, server stopping).
pub struct Call<'a> {
    /// The pools served.
    pub backend: &'a dyn Backend,
    /// True once a wait should end early.
    pub stop: &'a dyn Fn() -> bool,
}

/// Whether a parsed message is a call of a tool that may block (a wait),
/// which a transport runs apart from the others.
pub fn may_block(value: &Value) -> bool {
    value.get("method").and_then(Value::as_str) == Some("tools/call")
        && match value.pointer("/params/name").and_then(Value::as_str) {
            Some("plasmite_wait") => true,
            // A claim blocks only when told to wait.
            Some("plasmite_claim") => value
                .pointer("/params/arguments/timeout_ms")
                .and_then(Value::as_u64)
                .is_some_and(|t| t > 0),
            _ => false,
        }
}

/// Handles one parsed transport message (a JSON-RPC message, or a batch
/// where the negotiated revision allows them); returns the answer to send,
/// if any. `stop` is polled by waits, with the request's id. (A payload that
/// is not JSON is the transport's to answer with a parse error.)
pub fn handle_value(
    backend: &dyn Backend,
    session: &Session,
    value: Value,
    stop: &dyn Fn(&Value) -> bool,
) -> Option<Value> {
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Some(error_response(
                    Value::Null,
                    INVALID_REQUEST,
                    "an empty batch is not a request",
                ));
            }
            let version = session.version();
            if !batches_allowed(version.as_deref()) {
                return Some(error_response(
                    Value::Null,
                    INVALID_REQUEST,
                    format!(
                        "JSON-RPC batches are not part of MCP {}: send one message at a time",
                        version.unwrap_or_default()
                    ),
                ));
            }
            let answers: Vec<Value> = items
                .into_iter()
                .filter_map(|m| handle_message(backend, session, m, stop, true))
                .collect();
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        v => handle_message(backend, session, v, stop, false),
    }
}

fn handle_message(
    backend: &dyn Backend,
    session: &Session,
    msg: Value,
    stop: &dyn Fn(&Value) -> bool,
    in_batch: bool,
) -> Option<Value> {
    let Value::Object(mut m) = msg else {
        return Some(error_response(
            Value::Null,
            INVALID_REQUEST,
            "a JSON-RPC message must be an object",
        ));
    };
    let id = m.remove("id");
    let id_ok = match &id {
        None | Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    if !id_ok {
        return Some(error_response(
            Value::Null,
            INVALID_REQUEST,
            "\"id\" must be a string or an integer",
        ));
    }
    let reply_id = id.clone().unwrap_or(Value::Null);
    if m.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error_response(
            reply_id,
            INVALID_REQUEST,
            "\"jsonrpc\" must be \"2.0\"",
        ));
    }
    let method = match m.remove("method") {
        Some(Value::String(s)) => s,
        // A response to a request of ours: this server sends none, so
        // there is nothing to match it with.
        None if id.is_some() && (m.contains_key("result") || m.contains_key("error")) => return None,
        _ => {
            return Some(error_response(
                reply_id,
                INVALID_REQUEST,
                "\"method\" must be a string",
            ))
        }
    };
    let params = match m.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p,
        Some(_) => {
            return id.map(|id| error_response(id, INVALID_PARAMS, "\"params\" must be an object"));
        }
    };
    let Some(id) = id else {
        notification(session, &method, &params);
        return None;
    };
    if in_batch && method == "initialize" {
        return Some(error_response(
            id,
            INVALID_REQUEST,
            "initialize must not be part of a batch",
        ));
    }
    session.begin(&id);
    let call_stop = || stop(&id) || session.is_cancelled(&id);
    let call = Call {
        backend,
        stop: &call_stop,
    };
    let answer = request(&call, session, &method, &params);
    let cancelled = session.is_cancelled(&id);
    session.forget(&id);
    if cancelled {
        // A cancelled request gets no answer.
        return None;
    }
    Some(match answer {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => error_response(id, code, message),
    })
}

fn notification(session: &Session, method: &str, params: &Map<String, Value>) {
    if method == "notifications/cancelled" {
        if let Some(id) = params.get("requestId") {
            let key = id.to_string();
            if session.running.lock().expect("session").contains(&key) {
                session.cancelled.lock().expect("session").insert(key);
            }
        }
    }
    // notifications/initialized and any other notification: nothing to do.
}

type Answer = std::result::Result<Value, (i64, String)>;

fn request(call: &Call<'_>, session: &Session, method: &str, params: &Map<String, Value>) -> Answer {
    match method {
        "initialize" => {
            let asked = params.get("protocolVersion").and_then(Value::as_str).ok_or((
                INVALID_PARAMS,
                "initialize needs a \"protocolVersion\" string".to_string(),
            ))?;
            let version = if supported(asked) {
                asked
            } else {
                PROTOCOL_VERSIONS[0]
            };
            *session.version.lock().expect("session") = Some(version.to_string());
            Ok(json!({
                "protocolVersion": version,
                "capabilities": {"tools": {"listChanged": false}},
                "serverInfo": {
                    "name": "plasmite",
                    "title": "Plasmite message pools",
                    "version": env!("CARGO_PKG_VERSION"),
                },
                "instructions": tools::INSTRUCTIONS,
            }))
        }
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools::list(call.backend.mode()) })),
        "tools/call" => {
            let name = params
                .get("name")
                .and_then(Value::as_str)
                .ok_or((INVALID_PARAMS, "tools/call needs a \"name\" string".to_string()))?;
            let args = match params.get("arguments") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(a)) => a.clone(),
                Some(_) => return Err((INVALID_PARAMS, "\"arguments\" must be an object".to_string())),
            };
            tools::call(call, name, &args).ok_or_else(|| {
                (
                    INVALID_PARAMS,
                    format!("unknown tool {name:?} (tools/list names the tools of this server)"),
                )
            })
        }
        _ => Err((METHOD_NOT_FOUND, format!("method not found: {method}"))),
    }
}
