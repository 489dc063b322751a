//! A blocking client of protocol v0 (`pls serve`), for pool references that
//! are URLs: `http(s)://HOST:PORT/POOL`.
//!
//! Bodies come back as the server's bytes (envelopes are never re-encoded,
//! so `data` keeps its key order); errors come back as [`Error`]s of the
//! kind the server named, so every face maps them as it maps local ones.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// Deadline of one non-streaming request.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest answer body or streamed line accepted from a server unless
/// [`Remote::with_max_message`] says otherwise (64 MiB): a server, or
/// anything posing as one, cannot make the client hold more than this for
/// one message.
pub const DEFAULT_MAX_MESSAGE: u64 = 64 << 20;

/// Reads `r` to its end, failing with `FileTooLarge` as soon as it holds
/// more than `limit` bytes (so at most `limit + 1` bytes are ever held).
pub fn read_bounded(r: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(out)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("the server sent a message larger than the limit of {limit} bytes"),
    )
}

/// `\n`-terminated lines read from a byte stream, each at most `limit`
/// bytes (a longer one fails with `FileTooLarge` once `limit` bytes of it
/// were read), so one line never holds more memory than that, whatever the
/// peer sends.
pub struct LineReader<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    limit: usize,
}

impl<R: Read> LineReader<R> {
    /// Lines of `inner`, at most `limit` bytes each (newline excluded).
    pub fn new(inner: R, limit: u64) -> LineReader<R> {
        LineReader {
            inner,
            buf: vec![0; 256 * 1024].into_boxed_slice(),
            pos: 0,
            end: 0,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }
    }

    /// The next line, without its newline; `None` at the end of the
    /// stream. `UnexpectedEof` when the stream ends inside a line,
    /// `FileTooLarge` when a line exceeds the limit, or the read error.
    pub fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        loop {
            if self.pos == self.end {
                let n = loop {
                    match self.inner.read(&mut self.buf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                if n == 0 {
                    return match line.is_empty() {
                        true => Ok(None),
                        false => Err(io::ErrorKind::UnexpectedEof.into()),
                    };
                }
                (self.pos, self.end) = (0, n.min(self.buf.len()));
            }
            let avail = &self.buf[self.pos..self.end];
            let newline = avail.iter().position(|&b| b == b'\n');
            let take = newline.unwrap_or(avail.len());
            let len = line.len() + take;
            if len > self.limit {
                return Err(too_large(self.limit as u64));
            }
            if len > line.capacity() {
                // Grow by doubling, but never past the limit.
                let want = len.max(line.capacity().saturating_mul(2)).min(self.limit);
                line.reserve_exact(want - line.len());
            }
            line.extend_from_slice(&avail[..take]);
            match newline {
                Some(_) => {
                    self.pos += take + 1;
                    return Ok(Some(line));
                }
                None => self.pos = self.end,
            }
        }
    }
}

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
    /// Start at the first message appended at or after this time (ns since
    /// the Unix epoch; `since_time`).
    pub since_time: Option<u64>,
    /// Stop before the first message appended after this time (`until_time`).
    pub until_time: Option<u64>,
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
    reader: LineReader<Box<dyn Read + Send + Sync>>,
}

impl TailStream {
    /// The JSON Lines stream `r` (a tail's body), lines of at most `limit`
    /// bytes.
    pub fn from_reader(r: Box<dyn Read + Send + Sync>, limit: u64) -> TailStream {
        TailStream {
            reader: LineReader::new(r, limit),
        }
    }

    /// The next line (without its newline); `None` at the clean end of the
    /// stream. An `Err` of kind `FileTooLarge` means a line went past the
    /// limit (reconnecting would not help); any other `Err` means the
    /// connection dropped.
    pub fn next_line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        self.reader.next_line()
    }
}

/// How a client decides whether to trust an `https://` server.
///
/// Trusted are the built-in roots (Mozilla's, as shipped with the client),
/// **plus** every certificate of the PEM bundles named here: `--tls-ca`
/// adds to the built-in roots, it does not replace them. A certificate made
/// by `pls serve init` is its own CA, so naming that file here is enough to
/// reach that server. With `skip_verify`, any certificate is accepted (the
/// connection is still encrypted, but anyone in the middle can read it):
/// for tests only. With a `fingerprint`, exactly the certificate of that
/// SHA-256 is accepted (whatever its names, issuer or dates), and nothing
/// else: the pin `pls serve --tls-self-signed` and `pls serve init` print.
///
/// ```
/// use plasmite::remote::Trust;
/// let t = Trust::default().with_ca_file("/etc/plasmite/ca.pem");
/// assert_eq!(t.ca_files.len(), 1);
/// assert!(!t.skip_verify);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// PEM bundles whose certificates are trusted as roots, besides the
    /// built-in ones.
    pub ca_files: Vec<PathBuf>,
    /// Accept any certificate (unsafe; tests only).
    pub skip_verify: bool,
    /// Accept only the server certificate of this SHA-256
    /// (`SHA256:AB:CD:…`, or 64 hex digits with or without colons).
    pub fingerprint: Option<String>,
}

/// The 32 bytes of a fingerprint written `SHA256:AB:CD:…` (or bare hex,
/// colons optional); `None` when it is not one.
///
/// ```
/// use plasmite::remote::parse_fingerprint;
/// let hex = "ab".repeat(32);
/// assert_eq!(parse_fingerprint(&hex), Some([0xab; 32]));
/// assert_eq!(parse_fingerprint(&format!("SHA256:{}", ["AB"; 32].join(":"))), Some([0xab; 32]));
/// assert_eq!(parse_fingerprint("SHA256:AB"), None);
/// ```
pub fn parse_fingerprint(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    let hex = s
        .strip_prefix("SHA256:")
        .or_else(|| s.strip_prefix("sha256:"))
        .unwrap_or(s)
        .replace(':', "");
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The environment variable naming a PEM bundle of extra roots
/// ([`Trust::from_env`]).
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";

impl Trust {
    /// The built-in roots plus the PEM bundle named by `SSL_CERT_FILE`,
    /// when that variable is set and not empty.
    pub fn from_env() -> Trust {
        let mut t = Trust::default();
        if let Some(f) = std::env::var_os(SSL_CERT_FILE).filter(|f| !f.is_empty()) {
            t.ca_files.push(PathBuf::from(f));
        }
        t
    }

    /// Also trusts the certificates of the PEM bundle `path`.
    pub fn with_ca_file(mut self, path: impl Into<PathBuf>) -> Trust {
        self.ca_files.push(path.into());
        self
    }

    /// Accepts any certificate when `yes` (unsafe; tests only).
    pub fn with_skip_verify(mut self, yes: bool) -> Trust {
        self.skip_verify = yes;
        self
    }

    /// The rustls configuration of this trust: reads and parses every CA
    /// file (an `Io` error naming the file when it cannot be read, a
    /// `Usage` error when it holds no usable certificate).
    fn client_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::new(ErrorKind::Internal, format!("TLS setup failed: {e}")))?;
        let pin = match &self.fingerprint {
            Some(f) => Some(parse_fingerprint(f).ok_or_else(|| {
                Error::usage(format!("bad certificate fingerprint {f:?}"))
                    .with_hint("write it as pls serve prints it: SHA256:AB:CD:... (32 bytes)")
            })?),
            None => None,
        };
        let config = if self.skip_verify || pin.is_some() {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider, pin)))
                .with_no_client_auth()
        } else {
            let mut roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            for path in &self.ca_files {
                for cert in read_ca_file(path)? {
                    roots
                        .add(cert)
                        .map_err(|e| Error::usage(format!("unusable CA certificate: {e}")).with_path(path))?;
                }
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        Ok(Arc::new(config))
    }
}

/// The certificates of the PEM bundle `path`.
fn read_ca_file(path: &Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    let pem = std::fs::read(path).map_err(|e| Error::io("cannot read the CA file", e).with_path(path))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::usage(format!("bad PEM in the CA file: {e}")).with_path(path))?;
    if certs.is_empty() {
        return Err(Error::usage("no certificate in the CA file")
            .with_path(path)
            .with_hint("the CA file is a PEM bundle: -----BEGIN CERTIFICATE----- blocks"));
    }
    Ok(certs)
}

/// The bearer token kept in `path`: its first line, trimmed (an `Io` error
/// naming the file when it cannot be read, a `Usage` error when that line is
/// empty). The same rule for `pls serve --token-file` and the client's.
pub fn read_token_file(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io("cannot read the token file", e).with_path(path))?;
    let token = text.lines().next().unwrap_or("").trim();
    if token.is_empty() {
        return Err(Error::usage("the token file is empty (the token is its first line)").with_path(path));
    }
    Ok(token.to_string())
}

/// `--tls-skip-verify` (no pin: accepts every certificate) and
/// `--tls-fingerprint` (accepts the certificate of that SHA-256 only); both
/// still check that the server holds the key of the certificate it sent.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>, Option<[u8; 32]>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if let Some(pin) = &self.1 {
            let got = ring::digest::digest(&ring::digest::SHA256, end_entity);
            if got.as_ref() != pin {
                return Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::ApplicationVerificationFailure,
                ));
            }
        }
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The rustls error at the root of a failed connection, if there is one.
fn tls_error(e: &ureq::Transport) -> Option<&rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        // io::Error's source() skips the error it wraps: look inside.
        if let Some(inner) = err.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            if let Some(t) = inner.downcast_ref::<rustls::Error>() {
                return Some(t);
            }
        }
        cur = err.source();
    }
    None
}

/// When [`Remote::append`] tries a request again.
///
/// Only failures where the server cannot have stored the message are
/// retried: the connection was refused (nothing was sent), or the server
/// answered 503 or 423 (it refused the request: busy, or the pool's lock is
/// held). A timeout or a dropped connection after the request was sent is
/// reported and never retried: the message may have been stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retry {
    /// Attempts after the first one (0: never retry).
    pub attempts: u32,
    /// Pause before each retry.
    pub delay: Duration,
}

/// A plasmite server.
#[derive(Clone)]
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
    max_message: u64,
    retry: Retry,
}

impl Remote {
    /// A client of the server at `base` (`http(s)://HOST:PORT`), trusting
    /// the built-in roots only (see [`Remote::with_trust`]).
    pub fn new(base: &str, token: Option<String>) -> Remote {
        Remote {
            agent: Self::agent(None),
            base: base.trim_end_matches('/').to_string(),
            token,
            max_message: DEFAULT_MAX_MESSAGE,
            retry: Retry::default(),
        }
    }

    /// This client, retrying appends as `retry` says.
    pub fn with_retry(mut self, retry: Retry) -> Remote {
        self.retry = retry;
        self
    }

    fn agent(tls: Option<Arc<rustls::ClientConfig>>) -> ureq::Agent {
        let mut b = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .max_idle_connections_per_host(4);
        if let Some(tls) = tls {
            b = b.tls_config(tls);
        }
        b.build()
    }

    /// Trusts `https://` servers as `trust` says. The CA files are read now
    /// (errors as [`Trust`] says), and only for an `https://` base: a plain
    /// `http://` client never reads them.
    pub fn with_trust(mut self, trust: &Trust) -> Result<Remote> {
        if self.base.starts_with("https://") && *trust != Trust::default() {
            self.agent = Self::agent(Some(trust.client_config()?));
        }
        Ok(self)
    }

    /// Limits each answer body and each streamed line to `bytes` (default
    /// [`DEFAULT_MAX_MESSAGE`]); past it a call fails with an `Io` error.
    pub fn with_max_message(mut self, bytes: u64) -> Remote {
        self.max_message = bytes;
        self
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
        match tls_error(&e) {
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )) => Error::new(
                ErrorKind::Permission,
                format!(
                    "the TLS certificate of {} does not have the expected fingerprint",
                    self.base
                ),
            )
            .with_hint(
                "the server's certificate changed, or this is not that server: check --tls-fingerprint",
            ),
            Some(rustls::Error::InvalidCertificate(why)) => Error::new(
                ErrorKind::Permission,
                format!("the TLS certificate of {} is not trusted ({why:?})", self.base),
            )
            .with_hint(
                "trust its CA with --tls-ca FILE (for a `pls serve init` server, the certificate \
                 file it wrote) or SSL_CERT_FILE, or check the host name",
            ),
            Some(t) => Error::new(ErrorKind::Io, format!("TLS with {} failed: {t}", self.base))
                .with_hint("is the server speaking TLS (https) on that port?"),
            None => Error::new(ErrorKind::Io, format!("cannot reach {}: {e}", self.base))
                .with_hint("is `pls serve` running there?"),
        }
    }

    fn call(&self, req: ureq::Request, body: Option<&[u8]>) -> Result<ureq::Response> {
        self.call_once(req, body).map_err(|(e, _)| e)
    }

    /// One request; on failure, also whether the server cannot have applied
    /// it (see [`Retry`]).
    fn call_once(
        &self,
        req: ureq::Request,
        body: Option<&[u8]>,
    ) -> std::result::Result<ureq::Response, (Error, bool)> {
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
                Err((error_from_response(status, &body), matches!(status, 503 | 423)))
            }
            Err(ureq::Error::Transport(t)) => {
                let refused = t.kind() == ureq::ErrorKind::ConnectionFailed;
                Err((self.transport_error(t), refused))
            }
        }
    }

    /// [`call_once`](Self::call_once), tried again as [`Retry`] allows.
    fn call_retrying(&self, path: &str, body: &[u8]) -> Result<ureq::Response> {
        let mut left = self.retry.attempts;
        loop {
            match self.call_once(self.request("POST", path), Some(body)) {
                Err((_, true)) if left > 0 => {
                    left -= 1;
                    std::thread::sleep(self.retry.delay);
                }
                Err((e, true)) if self.retry.attempts > 0 => {
                    let tries = self.retry.attempts + 1;
                    return Err(e.with_hint(format!("gave up after {tries} attempts")));
                }
                other => return other.map_err(|(e, _)| e),
            }
        }
    }

    fn body(&self, resp: ureq::Response) -> Result<Vec<u8>> {
        let announced = resp
            .header("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let r = match announced {
            Some(n) if n > self.max_message => Err(too_large(self.max_message)),
            _ => read_bounded(resp.into_reader(), self.max_message),
        };
        r.map_err(|e| self.read_error(e))
    }

    /// The error for a failed read of an answer or a stream.
    pub fn read_error(&self, e: io::Error) -> Error {
        if e.kind() == io::ErrorKind::FileTooLarge {
            Error::new(ErrorKind::Io, format!("{} (from {})", e, self.base))
                .with_hint("raise the limit with --max-message if the server's messages are that large")
        } else {
            Error::io(format!("cannot read the answer of {}", self.base), e)
        }
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
    /// `{"message": ENVELOPE}`. Retried as [`with_retry`](Self::with_retry)
    /// allows.
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
        let r = self.call_retrying(&Self::pool_path(pool, "/append"), &body)?;
        self.body(r)
    }

    fn group_path(pool: &str, group: &str, action: &str) -> String {
        format!("/v0/pools/{}/groups/{}{action}", encode(pool), encode(group))
    }

    fn group_post(&self, pool: &str, group: &str, action: &str, body: serde_json::Value) -> Result<Vec<u8>> {
        let body = body.to_string();
        let r = self.call(
            self.request("POST", &Self::group_path(pool, group, action)),
            Some(body.as_bytes()),
        )?;
        self.body(r)
    }

    /// `POST /v0/pools/{pool}/groups/{group}/claim` (consumer groups, our
    /// extension): up to `max` deliveries, waiting at most `wait` (under
    /// the client's call timeout) for one. The body `{"messages": [ENVELOPE
    /// with "delivery" and "receipt", ...]}`.
    pub fn claim(
        &self,
        pool: &str,
        group: &str,
        max: u64,
        lease: Option<std::time::Duration>,
        wait: std::time::Duration,
        consumer: Option<&str>,
    ) -> Result<Vec<u8>> {
        let mut v = serde_json::json!({ "max": max, "timeout_ms": wait.as_millis() as u64 });
        if let Some(l) = lease {
            v["lease_ms"] = serde_json::json!(l.as_millis() as u64);
        }
        if let Some(c) = consumer {
            v["consumer"] = serde_json::json!(c);
        }
        self.group_post(pool, group, "/claim", v)
    }

    /// `POST /v0/pools/{pool}/groups/{group}/ack`: the outcome of each, as
    /// the library's `Group::ack_many` gives it.
    pub fn ack(
        &self,
        pool: &str,
        group: &str,
        receipts: &[crate::DeliveryReceipt],
    ) -> Result<Vec<crate::AckOutcome>> {
        let list: Vec<String> = receipts.iter().map(|r| r.to_string()).collect();
        let body = self.group_post(pool, group, "/ack", serde_json::json!({ "receipts": list }))?;
        let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("the server's ack answer is not JSON: {e}"),
            )
        })?;
        let results = v["results"]
            .as_array()
            .ok_or_else(|| Error::new(ErrorKind::Internal, "the server's ack answer has no \"results\""))?;
        Ok(results
            .iter()
            .map(
                |r| match (r.as_str(), r.get("lease_lost").and_then(|n| n.as_u64())) {
                    (Some("acked"), _) => crate::AckOutcome::Acked,
                    (_, Some(n)) => crate::AckOutcome::LeaseLost(n as u32),
                    _ => crate::AckOutcome::AlreadyAcked,
                },
            )
            .collect())
    }

    /// `POST /v0/pools/{pool}/groups/{group}/nack`.
    pub fn nack(
        &self,
        pool: &str,
        group: &str,
        receipt: crate::DeliveryReceipt,
        delay: std::time::Duration,
    ) -> Result<()> {
        let v = serde_json::json!({ "receipt": receipt.to_string(), "delay_ms": delay.as_millis() as u64 });
        self.group_post(pool, group, "/nack", v).map(drop)
    }

    /// `POST /v0/pools/{pool}/groups/{group}/extend`.
    pub fn extend(
        &self,
        pool: &str,
        group: &str,
        receipt: crate::DeliveryReceipt,
        lease: std::time::Duration,
    ) -> Result<()> {
        let v = serde_json::json!({ "receipt": receipt.to_string(), "lease_ms": lease.as_millis() as u64 });
        self.group_post(pool, group, "/extend", v).map(drop)
    }

    /// `GET /v0/pools/{pool}/groups`: the body `{"groups": [INFO, ...]}`.
    pub fn group_list(&self, pool: &str) -> Result<Vec<u8>> {
        let r = self.call(self.request("GET", &Self::pool_path(pool, "/groups")), None)?;
        self.body(r)
    }

    /// `POST /v0/pools/{pool}/groups` of `options` (`{"group": NAME,
    /// "lease_ms"?, ...}`, `docs/protocol.md`): the body `{"group": INFO}`.
    pub fn group_create(&self, pool: &str, options: &serde_json::Value) -> Result<Vec<u8>> {
        let body = options.to_string();
        let r = self.call(
            self.request("POST", &Self::pool_path(pool, "/groups")),
            Some(body.as_bytes()),
        )?;
        self.body(r)
    }

    /// `DELETE /v0/pools/{pool}/groups/{group}`.
    pub fn group_delete(&self, pool: &str, group: &str) -> Result<()> {
        self.call(self.request("DELETE", &Self::group_path(pool, group, "")), None)
            .map(drop)
    }

    /// `GET /v0/pools/{pool}/groups/{group}`: the body `{"group": INFO}`.
    pub fn group_info(&self, pool: &str, group: &str) -> Result<Vec<u8>> {
        let r = self.call(self.request("GET", &Self::group_path(pool, group, "")), None)?;
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
        if let Some(t) = q.since_time {
            req = req.query("since_time", &t.to_string());
        }
        if let Some(t) = q.until_time {
            req = req.query("until_time", &t.to_string());
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
        Ok(TailStream::from_reader(resp.into_reader(), self.max_message))
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
