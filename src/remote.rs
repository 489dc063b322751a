//! A blocking client of protocol v0 (`pls serve`), for pool references that
//! are URLs: `http(s)://HOST:PORT/POOL`.
//!
//! Bodies come back as the server's bytes (envelopes are never re-encoded,
//! so `data` keeps its key order); errors come back as [`Error`]s of the
//! kind the server named, so every face maps them as it maps local ones.

use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// Deadline of one non-streaming request.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Splits `http(s)://HOST:PORT/POOL` into the server's base URL and the
/// pool name (`None` when the URL has no path). `None` for anything that
/// is not an http(s) URL.
///
/// ```
/// use plasmite::remote::parse_url;
/// assert_eq!(parse_url("http://h:9700/events"), Some(("http://h:9700".into(), Some("events".into()))));
/// assert_eq!(parse_url("https://h/"), Some(("https://h".into(), None)));
/// assert_eq!(parse_url("events"), None);
/// ```
pub fn parse_url(s: &str) -> Option<(String, Option<String>)> {
    let rest = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://"))?;
    let scheme_len = s.len() - rest.len();
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let base = format!("{}{host}", &s[..scheme_len]);
    let pool = path.trim_matches('/');
    Some((base, (!pool.is_empty()).then(|| pool.to_string())))
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Turns an error response into an [`Error`] of the kind it names.
pub fn error_from_response(status: u16, body: &[u8]) -> Error {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    error_from_envelope(&v).unwrap_or_else(|| {
        Error::new(
            ErrorKind::from_http_status(status),
            format!("server answered HTTP {status}"),
        )
    })
}

/// The [`Error`] of a `{"error": {...}}` envelope, if `v` is one.
pub fn error_from_envelope(v: &serde_json::Value) -> Option<Error> {
    let e = v.get("error")?;
    let kind_name = e.get("kind")?.as_str()?;
    let kind = ErrorKind::from_name(kind_name).unwrap_or(ErrorKind::Internal);
    let mut err = Error::new(
        kind,
        e.get("message").and_then(|m| m.as_str()).unwrap_or(kind_name),
    );
    if let Some(h) = e.get("hint").and_then(|h| h.as_str()) {
        err = err.with_hint(h);
    }
    if let Some(p) = e.get("path").and_then(|p| p.as_str()) {
        err = err.with_path(p);
    }
    if let Some(s) = e.get("seq").and_then(|s| s.as_u64()) {
        err = err.with_seq(s);
    }
    if let Some(o) = e.get("offset").and_then(|o| o.as_u64()) {
        err = err.with_offset(o);
    }
    Some(err)
}

/// What to ask a tail for (see docs/protocol.md, tail query parameters).
#[derive(Debug, Clone, Default)]
pub struct TailQuery {
    /// First sequence to deliver.
    pub since_seq: Option<u64>,
    /// Start with the newest N.
    pub last: Option<u64>,
    /// Stop after N messages.
    pub max: Option<u64>,
    /// Stop after this long without a message.
    pub timeout: Option<Duration>,
    /// Required tags.
    pub tags: Vec<String>,
    /// `gap_policy=error`.
    pub gap_error: bool,
    /// `where=` filter expressions, evaluated by the server (all must be true).
    pub filters: Vec<String>,
}

/// A JSON Lines tail being received.
pub struct TailStream {
    reader: BufReader<Box<dyn Read + Send + Sync>>,
}

impl TailStream {
    /// The next line (without its newline); `None` at the clean end of the
    /// stream. An `Err` means the connection dropped.
    pub fn next_line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        match self.reader.read_until(b'\n', &mut line)? {
            0 => Ok(None),
            _ if line.last() != Some(&b'\n') => Err(std::io::ErrorKind::UnexpectedEof.into()),
            _ => {
                line.pop();
                Ok(Some(line))
            }
        }
    }
}

/// A plasmite server.
#[derive(Clone)]
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl Remote {
    /// A client of the server at `base` (`http(s)://HOST:PORT`).
    pub fn new(base: &str, token: Option<String>) -> Remote {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .max_idle_connections_per_host(4)
            .build();
        Remote {
            agent,
            base: base.trim_end_matches('/').to_string(),
            token,
        }
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut r = self.agent.request(method, &format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            r = r.set("Authorization", &format!("Bearer {t}"));
        }
        r
    }

    fn transport_error(&self, e: ureq::Transport) -> Error {
        Error::new(ErrorKind::Io, format!("cannot reach {}: {e}", self.base))
            .with_hint("is `pls serve` running there?")
    }

    fn call(&self, req: ureq::Request, body: Option<&[u8]>) -> Result<ureq::Response> {
        let req = req.timeout(CALL_TIMEOUT);
        let r = match body {
            Some(b) => req.set("Content-Type", "application/json").send_bytes(b),
            None => req.call(),
        };
        match r {
            Ok(resp) => Ok(resp),
            Err(ureq::Error::Status(status, resp)) => {
                let mut body = Vec::new();
                let _ = resp.into_reader().take(1 << 20).read_to_end(&mut body);
                Err(error_from_response(status, &body))
            }
            Err(ureq::Error::Transport(t)) => Err(self.transport_error(t)),
        }
    }

    fn body(&self, resp: ureq::Response) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        resp.into_reader()
            .read_to_end(&mut out)
            .map_err(|e| Error::io(format!("cannot read the answer of {}", self.base), e))?;
        Ok(out)
    }

    fn pool_path(pool: &str, action: &str) -> String {
        format!("/v0/pools/{}{action}", encode(pool))
    }

    /// `GET /v0/pools`: the body `{"pools": [INFO, ...]}`.
    pub fn list(&self) -> Result<Vec<u8>> {
        let r = self.call(self.request("GET", "/v0/pools"), None)?;
        self.body(r)
    }

    /// `GET /v0/pools/{pool}/info`: the body `{"pool": INFO}`.
    pub fn info(&self, pool: &str) -> Result<Vec<u8>> {
        let r = self.call(self.request("GET", &Self::pool_path(pool, "/info")), None)?;
        self.body(r)
    }

    /// `POST /v0/pools`: the body `{"pool": INFO}`.
    pub fn create(&self, pool: &str, size_bytes: u64) -> Result<Vec<u8>> {
        let body = serde_json::json!({"pool": pool, "size_bytes": size_bytes}).to_string();
        let r = self.call(self.request("POST", "/v0/pools"), Some(body.as_bytes()))?;
        self.body(r)
    }

    /// `DELETE /v0/pools/{pool}`.
    pub fn delete(&self, pool: &str) -> Result<()> {
        self.call(self.request("DELETE", &Self::pool_path(pool, "")), None)
            .map(drop)
    }

    /// `POST /v0/pools/{pool}/append` of the JSON text `data`: the body
    /// `{"message": ENVELOPE}`.
    pub fn append(&self, pool: &str, data: &[u8], tags: &[String], flush: bool) -> Result<Vec<u8>> {
        let span = crate::json::validate(data).map_err(|e| {
            Error::usage(format!("malformed JSON at byte {}: {}", e.offset, e.reason))
                .with_offset(e.offset as u64)
        })?;
        let mut body = Vec::with_capacity(data.len() + 64);
        body.extend_from_slice(b"{\"data\":");
        body.extend_from_slice(&data[span.start..span.end]);
        body.extend_from_slice(b",\"tags\":");
        serde_json::to_writer(&mut body, tags).expect("tags serialize");
        body.extend_from_slice(if flush {
            b",\"durability\":\"flush\"}"
        } else {
            b",\"durability\":\"fast\"}"
        });
        let r = self.call(
            self.request("POST", &Self::pool_path(pool, "/append")),
            Some(&body),
        )?;
        self.body(r)
    }

    /// `GET /v0/pools/{pool}/messages/{seq}`: the body `{"message": ENVELOPE}`.
    pub fn get(&self, pool: &str, seq: u64) -> Result<Vec<u8>> {
        let r = self.call(
            self.request("GET", &Self::pool_path(pool, &format!("/messages/{seq}"))),
            None,
        )?;
        self.body(r)
    }

    /// `GET /v0/pools/{pool}/tail`: a JSON Lines stream.
    pub fn tail(&self, pool: &str, q: &TailQuery) -> Result<TailStream> {
        let mut req = self.request("GET", &Self::pool_path(pool, "/tail"));
        if let Some(s) = q.since_seq {
            req = req.query("since_seq", &s.to_string());
        }
        if let Some(n) = q.last {
            req = req.query("last", &n.to_string());
        }
        if let Some(m) = q.max {
            req = req.query("max", &m.to_string());
        }
        if let Some(t) = q.timeout {
            req = req.query("timeout_ms", &t.as_millis().to_string());
        }
        for t in &q.tags {
            req = req.query("tag", t);
        }
        if q.gap_error {
            req = req.query("gap_policy", "error");
        }
        for f in &q.filters {
            req = req.query("where", f);
        }
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(status, resp)) => {
                let mut body = Vec::new();
                let _ = resp.into_reader().take(1 << 20).read_to_end(&mut body);
                return Err(error_from_response(status, &body));
            }
            Err(ureq::Error::Transport(t)) => return Err(self.transport_error(t)),
        };
        Ok(TailStream {
            reader: BufReader::with_capacity(256 * 1024, resp.into_reader()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("https://x.example:443/a/"),
            Some(("https://x.example:443".into(), Some("a".into())))
        );
        assert_eq!(parse_url("http://h:1"), Some(("http://h:1".into(), None)));
        assert_eq!(parse_url("./pool"), None);
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn errors_keep_kind() {
        let e = error_from_response(410, br#"{"error":{"kind":"RetentionGap","message":"m","seq":4}}"#);
        assert_eq!((e.kind(), e.seq()), (ErrorKind::RetentionGap, Some(4)));
        assert_eq!(error_from_response(423, b"busy").kind(), ErrorKind::Busy);
    }
}
