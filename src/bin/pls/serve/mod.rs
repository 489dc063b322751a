//! `pls serve`: the HTTP/JSON server of protocol v0 (`docs/serve.md`).
//!
//! One thread per connection, up to `--max-connections`; past the cap a new
//! connection is answered `423 Busy` at once and closed, so a flood never
//! grows threads or memory and never delays the clients already served.
//! Every read has a deadline (`--client-timeout`), so a slow or idle client
//! only holds its own thread, and only for a bounded time.
//!
//! Modules: `http` (the connection layer), `routes` (one library call per
//! route), `tail` (streams), `auth` (token and access mode), `pools` (names
//! to files, and the cache of open pools), `http_error` (errors with their
//! status), `lite3` (Lite3 content types and tail framing), `ui` (the web
//! console's embedded files, served at `/ui`). The server never
//! imports the command (`crate::cli`): it is started with [`run_cli`].

mod auth;
mod groups;
mod http;
mod http_error;
mod init;
mod lite3;
mod mcp;
mod pools;
mod routes;
mod tail;
mod ui;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;

pub use auth::Access;
use http::{Conn, ReadFailure, Transport};
use http_error::HttpError;
pub use init::ServeAction;
use plasmite::{Error, ErrorKind, Result};

const SECURITY: &str = "\
Security defaults:
  The server binds 127.0.0.1 (loopback) unless --bind says otherwise. Binding any
  other address requires --allow-non-loopback and a token (--token-file, --token or
  PLASMITE_TOKEN), and, unless --access read-only, TLS (--tls-cert/--tls-key or
  --tls-self-signed) or an explicit --insecure-no-tls: otherwise the server refuses
  to start. `pls serve init` writes a token file and a certificate. With a token, every /v0/ request must carry
  `Authorization: Bearer TOKEN` (compared in constant time); GET / and GET /healthz
  answer without it, for probes. Pool names are validated before any path is built:
  only pools inside DIR are reachable, and no reply names a path on this machine
  (a pool's path is its file name). Request bodies over --max-body and pools
  over --max-pool-size get 413; connections or tails over their caps get 423 at
  once (over TLS, a 423 over TLS or a TLS alert); a client that takes longer
  than --client-timeout to send a request (head and body, or a TLS handshake),
  or idles that long between requests, is disconnected. Request framing is
  strict: a malformed Content-Length or chunk gets 400. Prefer --token-file over --token: arguments are visible to other
  local users in the process list. Browser pages on other origins can read nothing
  unless --cors-origin names their origin.

Subcommand names win over a directory argument: `pls serve init` runs init, and a
pool directory named init is written ./init.

Examples:
  pls serve                                   # ~/.plasmite/pools on 127.0.0.1:9700
  pls serve ./data --port 8080                # or --bind 127.0.0.1:8080
  pls serve init ./secrets                    # token + certificate, and the commands
  pls serve ./data --bind 0.0.0.0:9700 --allow-non-loopback --token-file ./secrets/plasmite-auth-token.txt \
      --tls-cert ./secrets/plasmite-tls-cert.pem --tls-key ./secrets/plasmite-tls-key.pem
  pls serve ./data --bind 0.0.0.0 --allow-non-loopback --token-file /etc/plasmite/token --access read-only
  pls serve ./data --tls-self-signed check --json
  curl -sN 'http://localhost:9700/v0/pools/events/tail?last=10'";

const ROUTES: &str = "\
Routes (protocol v0; add -H 'Authorization: Bearer TOKEN' when a token is set):
  curl -s $B/healthz                                       # no token needed
  curl -s -X POST $B/v0/pools -d '{\"pool\":\"events\",\"size_bytes\":1048576}'
  curl -s -X POST $B/v0/pools/open -d '{\"pool\":\"events\"}'
  curl -s $B/v0/pools
  curl -s $B/v0/pools/events/info
  curl -s -X POST $B/v0/pools/events/append -d '{\"data\":{\"n\":1},\"tags\":[\"ops\"]}'
  curl -s -X POST \"$B/v0/pools/events/append_lite3?durability=fast\" \\
       -H 'Content-Type: application/x-plasmite-lite3' --data-binary @msg.lite3
  curl -s $B/v0/pools/events/messages/1
  curl -s $B/v0/pools/events/messages/1/lite3 -o msg.lite3
  curl -sN \"$B/v0/pools/events/tail?last=10&tag=ops&timeout_ms=30000\"
  curl -sN \"$B/v0/pools/events/tail_lite3?since_seq=1&max=100\" -o frames.bin
  curl -sN \"$B/v0/pools/events/events?last=10\"            # Server-Sent Events (id: = seq)
  curl -s -X DELETE $B/v0/pools/events
  curl -s -X POST $B/mcp -H 'Content-Type: application/json' \\
       -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}'   # MCP, docs/mcp.md
  (with B=http://127.0.0.1:9700; tail also takes since_seq, max, gap_policy=error;
  tail_lite3 skips messages Lite3 cannot carry, or ends with an error given
  on_unconvertible=error; events resumes after the seq in a Last-Event-ID header)
Web console: open $B/ui/ in a browser (pools, live tail, filters, inspector, append).";

/// Serve the pools of a directory over HTTP (protocol v0).
#[derive(Debug, Args)]
#[command(after_help = SECURITY, after_long_help = format!("{SECURITY}\n\n{ROUTES}"))]
pub struct ServeArgs {
    #[command(subcommand)]
    pub action: Option<ServeAction>,
    /// Pool directory to serve (default: --dir). Never `init`, `check` or
    /// `help`, which are subcommands: write ./init for a directory of that name
    #[arg(value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Address to bind: HOST or HOST:PORT (an IPv6 address with a port in
    /// brackets). Loopback by default; any other needs --allow-non-loopback
    /// and a token
    #[arg(long, default_value = "127.0.0.1", value_name = "HOST[:PORT]")]
    pub bind: String,
    /// Port to listen on, when --bind names none (default 9700; 0: any free
    /// port, printed at start)
    #[arg(long)]
    pub port: Option<u16>,
    /// Allow binding an address other than loopback (then a token is
    /// required, and TLS for writes unless --insecure-no-tls)
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// Accept writes on a non-loopback address over plain HTTP (unsafe: the
    /// token and the messages cross the network in clear)
    #[arg(long)]
    pub insecure_no_tls: bool,
    /// Read the bearer token from this file (first line)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Require this bearer token (prefer --token-file or PLASMITE_TOKEN)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// What clients may do
    #[arg(long, value_enum, default_value_t = Access::ReadWrite)]
    pub access: Access,
    /// Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413
    #[arg(long, default_value = "1M", value_parser = crate::units::parse_size, value_name = "SIZE")]
    pub max_body: u64,
    /// Largest pool a client may create (e.g. 1G, 256M); larger gets 413
    #[arg(long, default_value = "1G", value_parser = crate::units::parse_size, value_name = "SIZE")]
    pub max_pool_size: u64,
    /// Most connections served at once; more get 423 Busy
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_connections: usize,
    /// Most tails streaming at once; more get 423 Busy
    #[arg(long, default_value_t = 128, value_name = "N")]
    pub max_tails: usize,
    /// Largest tail timeout_ms accepted (e.g. 10m); larger gets 400
    #[arg(long, value_parser = crate::units::parse_duration, value_name = "DUR")]
    pub max_tail_timeout: Option<Duration>,
    /// Disconnect a client that takes longer than this to send a request
    /// (head and body together; 408), to finish a TLS handshake, or idles
    /// this long between requests
    #[arg(long, default_value = "10s", value_parser = crate::units::parse_duration, value_name = "DUR")]
    pub client_timeout: Duration,
    /// TLS certificate chain (PEM); serves HTTPS with --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a certificate generated at start (kept in memory; its
    /// fingerprint is printed, for clients' --tls-fingerprint)
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub tls_self_signed: bool,
    /// Let browser pages from this origin call the server (CORS; repeatable;
    /// `*` for any origin). Off by default
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Do not log one line per request on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

/// Everything a server needs to start.
pub struct Config {
    /// Pool directory.
    pub dir: PathBuf,
    /// Listen address.
    pub addr: SocketAddr,
    /// Required bearer token.
    pub token: Option<String>,
    /// Access mode.
    pub access: Access,
    /// Largest request body.
    pub max_body: u64,
    /// Largest pool a client may create.
    pub max_pool_size: u64,
    /// Connection cap.
    pub max_connections: usize,
    /// Tail cap.
    pub max_tails: usize,
    /// Largest tail timeout accepted.
    pub max_tail_timeout: Option<Duration>,
    /// Request and idle deadline.
    pub client_timeout: Duration,
    /// TLS, when served.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Origins allowed to call from a browser (`*`: any).
    pub cors_origins: Vec<String>,
    /// No request log.
    pub quiet: bool,
}

/// State shared by every connection thread.
pub struct Shared {
    pools: pools::Pools,
    auth: auth::Auth,
    max_body: u64,
    max_pool_size: u64,
    max_tails: usize,
    tails: AtomicUsize,
    max_tail_timeout: Option<Duration>,
    shutdown: AtomicBool,
    cors_origins: Vec<String>,
    /// No log lines (`--quiet`).
    quiet: bool,
}

impl Shared {
    fn shutting_down(&self) -> bool {
        self.shutdown.load(Ordering::Relaxed)
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`.
    fn allowed_origin(&self, origin: Option<&str>) -> Option<String> {
        let origin = origin?;
        if self.cors_origins.iter().any(|o| o == "*") {
            Some("*".into())
        } else {
            self.cors_origins.iter().find(|o| o.as_str() == origin).cloned()
        }
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<Arc<rustls::ServerConfig>>,
    max_connections: usize,
    client_timeout: Duration,
    quiet: bool,
}

fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

impl Server {
    /// Checks the configuration (a non-loopback address needs a token),
    /// loads TLS and binds.
    pub fn bind(config: Config) -> Result<Server> {
        if !is_loopback(&config.addr) && config.token.is_none() {
            return Err(Error::usage(format!(
                "refusing to serve {} without a token: any host that can reach it could read, \
                 append to and delete your pools",
                config.addr
            ))
            .with_hint("pass --token-file FILE (or set PLASMITE_TOKEN), or bind 127.0.0.1"));
        }
        if config
            .token
            .as_deref()
            .is_some_and(|t| t.is_empty() || t.contains(char::is_whitespace))
        {
            return Err(Error::usage(
                "the token must be non-empty and contain no whitespace",
            ));
        }
        let tls = config.tls;
        let listener = TcpListener::bind(config.addr).map_err(|e| {
            Error::io(format!("cannot listen on {}", config.addr), e)
                .with_hint("is another server using this port? pick another with --port")
        })?;
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                pools: pools::Pools::new(config.dir),
                auth: auth::Auth::new(config.token, config.access),
                max_body: config.max_body,
                max_pool_size: config.max_pool_size,
                max_tails: config.max_tails,
                tails: AtomicUsize::new(0),
                max_tail_timeout: config.max_tail_timeout,
                shutdown: AtomicBool::new(false),
                cors_origins: config.cors_origins,
                quiet: config.quiet,
            }),
            tls,
            max_connections: config.max_connections.max(1),
            client_timeout: config.client_timeout,
            quiet: config.quiet,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::io("cannot read the listening address", e))
    }

    /// Accepts and serves connections until `stop()` returns true; then stops
    /// accepting, ends tails and waits (a bounded time) for connections to
    /// finish.
    pub fn run(self, stop: &dyn Fn() -> bool) -> Result<()> {
        self.listener
            .set_nonblocking(true)
            .map_err(|e| Error::io("cannot configure the listener", e))?;
        let active = Arc::new(AtomicUsize::new(0));
        let registry: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let next_id = AtomicU64::new(0);
        let rejecters = Arc::new(AtomicUsize::new(0));
        while !stop() {
            if !wait_readable(&self.listener, Duration::from_millis(100)) {
                continue;
            }
            let (sock, peer) = match self.listener.accept() {
                Ok(s) => s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // Out of descriptors and the like: back off, keep serving.
                    log_line(self.quiet, &format!("accept failed: {e}"));
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            if active.load(Ordering::SeqCst) >= self.max_connections {
                match &self.tls {
                    Some(cfg) => reject_busy_tls(
                        sock,
                        self.max_connections,
                        cfg.clone(),
                        &rejecters,
                        self.client_timeout,
                    ),
                    None => reject_busy(sock, self.max_connections),
                }
                log_line(self.quiet, &format!("{peer} - - 423 (connection cap)"));
                continue;
            }
            if sock.set_nonblocking(false).is_err() {
                continue;
            }
            let id = next_id.fetch_add(1, Ordering::Relaxed);
            if let Ok(clone) = sock.try_clone() {
                registry.lock().expect("registry").insert(id, clone);
            }
            active.fetch_add(1, Ordering::SeqCst);
            let guard = ConnGuard {
                active: active.clone(),
                registry: registry.clone(),
                id,
            };
            let shared = self.shared.clone();
            let tls = self.tls.clone();
            let timeout = self.client_timeout;
            let quiet = self.quiet;
            let spawned = std::thread::Builder::new()
                .name("pls-serve-conn".into())
                // A `where` filter may grow the stack by 1 MiB before the
                // library stops it (address space: pages are only used
                // when touched).
                .stack_size(4 << 20)
                .spawn(move || {
                    let _guard = guard;
                    serve_connection(&shared, sock, tls, timeout, quiet);
                });
            if let Err(e) = spawned {
                log_line(self.quiet, &format!("cannot start a connection thread: {e}"));
            }
        }
        // Stop: no more accepts; tails see the flag within one slice; idle
        // keep-alive readers are woken by shutting their read side.
        drop(self.listener);
        self.shared.shutdown.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(120));
        for s in registry.lock().expect("registry").values() {
            let _ = s.shutdown(std::net::Shutdown::Read);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

/// Keeps the connection count and the socket registry right however the
/// connection thread ends.
struct ConnGuard {
    active: Arc<AtomicUsize>,
    registry: Arc<Mutex<HashMap<u64, TcpStream>>>,
    id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.registry.lock().map(|mut r| r.remove(&self.id)).ok();
        self.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A client socket whose reads never wait past the connection's deadline:
/// before each read the socket's read timeout is set to the time left (the
/// syscall only when that changed noticeably). A client that sends one byte
/// at a time, plain or inside a TLS record, so cannot hold a read longer.
struct Socket {
    tcp: TcpStream,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
}

impl Socket {
    fn new(tcp: TcpStream) -> Socket {
        Socket {
            tcp,
            deadline: None,
            timeout: None,
        }
    }

    /// Shuts our sending side, then drops what the client still sends for
    /// a short, bounded while, so it gets our answer instead of a reset.
    fn linger(&mut self) {
        let _ = self.tcp.shutdown(std::net::Shutdown::Write);
        let _ = self.tcp.set_read_timeout(Some(Duration::from_millis(200)));
        self.timeout = Some(Duration::from_millis(200));
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut sink = [0u8; 16 * 1024];
        while Instant::now() < deadline {
            match self.tcp.read(&mut sink) {
                Ok(n) if n > 0 => continue,
                _ => break,
            }
        }
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let timed_out = || std::io::Error::new(std::io::ErrorKind::TimedOut, "client timeout passed");
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            let same = self
                .timeout
                .is_some_and(|cur| cur.abs_diff(left) < Duration::from_millis(5));
            if !same {
                self.tcp
                    .set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
                self.timeout = Some(left);
            }
        }
        match self.tcp.read(buf) {
            // The read timeout expired (EAGAIN on a blocking socket).
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(timed_out()),
            r => r,
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tcp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// The byte stream of one connection: plain TCP or TLS over TCP.
enum Stream {
    Plain(Socket),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, Socket>>),
}

impl Stream {
    fn socket(&mut self) -> &mut Socket {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &mut s.sock,
        }
    }
}

/// Runs a TLS handshake on `sock`, every read of it bounded by `deadline`.
fn tls_handshake(sock: TcpStream, cfg: Arc<rustls::ServerConfig>, deadline: Instant) -> Option<Stream> {
    let conn = rustls::ServerConnection::new(cfg).ok()?;
    let mut tls = rustls::StreamOwned::new(conn, Socket::new(sock));
    tls.sock.deadline = Some(deadline);
    while tls.conn.is_handshaking() {
        match tls.conn.complete_io(&mut tls.sock) {
            Ok((0, 0)) => return None,
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(Stream::Tls(Box::new(tls)))
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

impl Transport for Stream {
    fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.socket().deadline = deadline;
    }

    fn peer_closed(&self) -> bool {
        match self {
            Stream::Plain(s) => peer_closed(&s.tcp),
            Stream::Tls(s) => peer_closed(&s.sock.tcp),
        }
    }

    fn linger_close(&mut self) {
        if let Stream::Tls(s) = self {
            // A clean TLS close first, so the client can tell the answer
            // was complete.
            s.conn.send_close_notify();
            let _ = s.conn.complete_io(&mut s.sock);
        }
        self.socket().linger();
    }
}

#[cfg(target_os = "linux")]
fn peer_closed(tcp: &TcpStream) -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    // nix does not name POLLRDHUP; it is Linux's "peer shut its side".
    let rdhup = PollFlags::from_bits_retain(libc::POLLRDHUP);
    let mut fds = [PollFd::new(tcp.as_fd(), rdhup)];
    // Only POLLRDHUP is asked for (POLLHUP and POLLERR are always
    // reported), so any readiness means the peer is gone. (`revents()` would
    // hide it: nix cannot represent the POLLRDHUP bit.)
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
}

#[cfg(not(target_os = "linux"))]
fn peer_closed(tcp: &TcpStream) -> bool {
    let mut probe = [0u8; 1];
    if tcp.set_nonblocking(true).is_err() {
        return false;
    }
    let closed = matches!(tcp.peek(&mut probe), Ok(0));
    let _ = tcp.set_nonblocking(false);
    closed
}

fn wait_readable(listener: &TcpListener, timeout: Duration) -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
    let ms = PollTimeout::from(timeout.as_millis().min(u16::MAX as u128) as u16);
    matches!(poll(&mut fds, ms), Ok(n) if n > 0)
}

/// The 423 answer to a connection over the cap.
fn busy_response(cap: usize) -> Vec<u8> {
    let body = Error::new(ErrorKind::Busy, format!("too many connections (limit {cap})"))
        .with_hint("retry later, or raise pls serve --max-connections")
        .to_json()
        .to_string();
    format!(
        "HTTP/1.1 423 Locked\r\ncontent-type: application/json\r\nplasmite-version: 0\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers 423 on a plain connection over the cap, without a thread and
/// without blocking the accept loop.
fn reject_busy(sock: TcpStream, cap: usize) {
    let _ = sock.set_nonblocking(true);
    let mut s = &sock;
    let _ = s.write_all(&busy_response(cap));
    let _ = sock.shutdown(std::net::Shutdown::Write);
    // Read what the client already sent, so closing does not reset the
    // connection before it reads the answer.
    let mut sink = [0u8; 4096];
    for _ in 0..4 {
        match std::io::Read::read(&mut s, &mut sink) {
            Ok(n) if n > 0 => continue,
            _ => break,
        }
    }
}

/// Most TLS connections over the cap answered 423 at once (each needs a
/// handshake, so a short-lived thread); past that, a TLS alert.
const TLS_REJECTERS: usize = 8;
/// Longest a TLS connection over the cap is given to take its 423.
const TLS_REJECT_TIME: Duration = Duration::from_secs(2);

/// Turns away a TLS connection over the cap, never with plain text on the
/// TLS port: a real 423 over TLS from a short-lived thread (at most
/// `TLS_REJECTERS` at once, each for at most `TLS_REJECT_TIME`), or, when
/// those are all busy, a fatal TLS alert (`internal_error`) and a close.
fn reject_busy_tls(
    sock: TcpStream,
    cap: usize,
    cfg: Arc<rustls::ServerConfig>,
    rejecters: &Arc<AtomicUsize>,
    timeout: Duration,
) {
    let slot = rejecters
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < TLS_REJECTERS).then_some(n + 1)
        })
        .is_ok();
    let alert = |sock: TcpStream| {
        // An alert record: type 21, version 3.3, length 2, fatal (2),
        // internal_error (80).
        let _ = sock.set_nonblocking(true);
        let _ = (&sock).write_all(&[21, 3, 3, 0, 2, 2, 80]);
        let _ = sock.shutdown(std::net::Shutdown::Write);
    };
    if !slot || sock.set_nonblocking(false).is_err() {
        if slot {
            rejecters.fetch_sub(1, Ordering::SeqCst);
        }
        alert(sock);
        return;
    }
    let rejecters = rejecters.clone();
    let spare = match sock.try_clone() {
        Ok(s) => s,
        Err(_) => {
            rejecters.fetch_sub(1, Ordering::SeqCst);
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("pls-serve-busy".into())
        .stack_size(256 * 1024)
        .spawn(move || {
            let deadline = Instant::now() + timeout.min(TLS_REJECT_TIME);
            let _ = sock.set_write_timeout(Some(TLS_REJECT_TIME));
            if let Some(mut tls) = tls_handshake(sock, cfg, deadline) {
                let _ = tls.write_all(&busy_response(cap));
                tls.linger_close();
            }
            rejecters.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        alert(spare);
    }
}

fn log_line(quiet: bool, line: &str) {
    if !quiet {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }
}

fn serve_connection(
    shared: &Shared,
    sock: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    timeout: Duration,
    quiet: bool,
) {
    let peer = sock
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "-".into());
    if sock.set_nodelay(true).is_err() || sock.set_write_timeout(Some(timeout)).is_err() {
        return;
    }
    let stream = match tls {
        // The handshake gets the client timeout, like a request.
        Some(cfg) => match tls_handshake(sock, cfg, Instant::now() + timeout) {
            Some(s) => s,
            None => {
                log_line(quiet, &format!("{peer} - - TLS handshake failed or timed out"));
                return;
            }
        },
        None => Stream::Plain(Socket::new(sock)),
    };
    let mut conn = Conn::new(Box::new(stream), timeout, timeout);
    while !shared.shutting_down() {
        let head = match conn.read_head() {
            Ok(h) => h,
            Err(ReadFailure::Gone) => return,
            Err(ReadFailure::TimedOut) => {
                conn.close = true;
                let e = HttpError::new(408, Error::usage("the request took too long to arrive"));
                let _ = http_error::send_error(&mut conn, &e);
                conn.linger_close();
                log_line(quiet, &format!("{peer} - - 408"));
                return;
            }
            Err(ReadFailure::Bad(status, message)) => {
                conn.close = true;
                let _ = http_error::send_error(&mut conn, &HttpError::new(status, Error::usage(message)));
                conn.linger_close();
                log_line(quiet, &format!("{peer} - - {status}"));
                return;
            }
        };
        let started = Instant::now();
        let result = routes::serve(shared, &mut conn, &head);
        if !quiet {
            let status = match &result {
                Ok(s) => s.to_string(),
                Err(_) => "aborted".to_string(),
            };
            log_line(
                false,
                &format!(
                    "{peer} {} {} {status} {:.1}ms",
                    head.method,
                    head.path,
                    started.elapsed().as_secs_f64() * 1000.0
                ),
            );
        }
        if result.is_err() {
            return;
        }
        if conn.close {
            conn.linger_close();
            return;
        }
    }
}

/// The name of an access mode, as `--access` spells it.
pub fn access_name(a: Access) -> &'static str {
    match a {
        Access::ReadWrite => "read-write",
        Access::ReadOnly => "read-only",
        Access::WriteOnly => "write-only",
    }
}

/// The `pls serve` command (and `serve init`, `serve check`): serving runs
/// until Ctrl-C or SIGTERM, then returns.
pub fn run_cli(dir: PathBuf, args: ServeArgs) -> Result<()> {
    match &args.action {
        Some(ServeAction::Init(a)) => return init::init(&dir, a),
        Some(ServeAction::Check(c)) => return init::check(dir, &args, c),
        None => {}
    }
    let dir = args.directory.clone().unwrap_or(dir);
    let plan = init::plan(dir, &args)?;
    let dir = plan.dir;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io("cannot create the pool directory", e).with_path(&dir))?;
    let has_token = plan.token.is_some();
    let tls_note = plan.tls.as_ref().map(|t| {
        format!(
            "plasmite serve: TLS certificate {}{}",
            t.fingerprint,
            if t.self_signed {
                " (self-signed, generated at start: clients pass --tls-fingerprint with it)"
            } else {
                ""
            }
        )
    });
    let scheme = if plan.tls.is_some() { "https" } else { "http" };
    let server = Server::bind(Config {
        dir: dir.clone(),
        addr: plan.addr,
        token: plan.token,
        access: args.access,
        max_body: args.max_body,
        max_pool_size: args.max_pool_size,
        max_connections: args.max_connections,
        max_tails: args.max_tails,
        max_tail_timeout: args.max_tail_timeout,
        client_timeout: args.client_timeout,
        tls: plan.tls.map(|t| t.config),
        cors_origins: args.cors_origins.clone(),
        quiet: args.quiet,
    })?;
    let bound = server.local_addr()?;
    eprintln!(
        "plasmite serve: listening on {scheme}://{bound} (dir {}, access {}, {})",
        dir.display(),
        access_name(args.access),
        if has_token { "token required" } else { "no token" }
    );
    if let Some(note) = tls_note {
        eprintln!("{note}");
    }
    server.run(&crate::signals::interrupted)?;
    if !args.quiet {
        eprintln!("plasmite serve: stopped");
    }
    Ok(())
}
