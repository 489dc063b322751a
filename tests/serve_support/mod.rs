//! Helpers for the server tests: a real `pls serve` on an ephemeral loopback
//! port (read from its "listening on" line), and a raw HTTP/1.1 client on
//! real sockets, so every byte the server sends is visible.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `pls serve`, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    pub log: Arc<Mutex<Vec<String>>>,
    _tmp: Option<tempfile::TempDir>,
}

pub fn pls() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pls"))
}

impl Server {
    /// Serves a fresh temporary directory with `args`.
    pub fn start(args: &[&str]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let mut s = Server::start_in(&dir, 0, args);
        s._tmp = Some(tmp);
        s
    }

    /// Lowers the running server's file size limit (`ulimit -f`) to
    /// `bytes`: only the server's, never this test process's.
    pub fn limit_file_size(&self, bytes: u64) {
        let pid = self.child.as_ref().expect("server child").id() as libc::pid_t;
        let limit = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: libc::RLIM_INFINITY,
        };
        // SAFETY: prlimit on the server child with a valid struct and no old
        // value asked for.
        let rc = unsafe { libc::prlimit(pid, libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
        assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());
    }

    /// Serves `dir` on `port` (0: any) with `args`.
    pub fn start_in(dir: &Path, port: u16, args: &[&str]) -> Server {
        let mut child = pls()
            .arg("serve")
            .arg(dir)
            .args(["--port", &port.to_string()])
            .args(args)
            .env_remove("PLASMITE_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("serve printed nothing").unwrap();
        let port = first
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server {
            child: Some(child),
            port,
            dir: dir.to_path_buf(),
            log,
            _tmp: None,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// One request on a fresh connection (`Connection: close`).
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        let mut s = self.connect();
        send(&mut s, method, path, headers, body, true);
        read_until_close(&mut s)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, body: &str) -> Response {
        self.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
    }

    pub fn create(&self, pool: &str, size: u64) {
        let r = self.post(
            "/v0/pools",
            &format!(r#"{{"pool":"{pool}","size_bytes":{size}}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }

    /// Sends a signal and waits (bounded) for the exit status.
    pub fn stop(&mut self, signal: nix::sys::signal::Signal) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        nix::sys::signal::kill(pid, signal).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit after {signal}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn send(s: &mut TcpStream, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8], close: bool) {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        req.push_str("Connection: close\r\n");
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    s.write_all(&bytes).unwrap();
}

/// A response as received.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
    pub fn kind(&self) -> String {
        self.json()["error"]["kind"].as_str().unwrap_or("").to_string()
    }
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn parse_head(head: &[u8]) -> (u16, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_string(), v.trim().to_string())
        })
        .collect();
    (status, headers)
}

/// Reads one response whose body ends when the server closes.
pub fn read_until_close(s: &mut TcpStream) -> Response {
    // Read to the end; a reset after the response (the server closing
    // while we were still sending) keeps what arrived.
    let mut all = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&chunk[..n]),
            // A socket with a read timeout returns EINTR when this process
            // is stopped and continued (a loaded machine): read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if all.is_empty() => panic!("no response: {e}"),
            Err(_) => break,
        }
    }
    let at = all.windows(4).position(|w| w == b"\r\n\r\n").expect("no head");
    let (status, headers) = parse_head(&all[..at]);
    let mut body = all[at + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v == "chunked")
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..nl]).unwrap(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + n]);
        b = &b[nl + 2 + n + 2..];
    }
}

/// Reads one `Content-Length` response from a keep-alive connection.
pub fn read_response(s: &mut TcpStream) -> Response {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = match s.read(&mut byte) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => r.unwrap(),
        };
        assert!(n == 1, "connection closed before the response head");
        head.push(byte[0]);
    }
    let (status, headers) = parse_head(&head[..head.len() - 4]);
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    Response {
        status,
        headers,
        body,
    }
}

/// A streaming response being read line by line (Connection: close, so
/// the body is the raw stream).
pub struct Stream {
    pub status: u16,
    reader: BufReader<TcpStream>,
}

impl Stream {
    pub fn open(server: &Server, path: &str) -> Stream {
        let mut s = server.connect();
        send(&mut s, "GET", path, &[], b"", true);
        let mut reader = BufReader::new(s);
        let mut status = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if status == 0 {
                status = line.split(' ').nth(1).unwrap().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        Stream { status, reader }
    }

    /// The next line, or `None` at the end of the stream.
    pub fn line(&mut self) -> Option<serde_json::Value> {
        let mut line = String::new();
        match self.reader.read_line(&mut line).unwrap() {
            0 => None,
            _ => Some(serde_json::from_str(line.trim_end()).unwrap()),
        }
    }

    pub fn set_timeout(&self, t: Duration) {
        self.reader.get_ref().set_read_timeout(Some(t)).unwrap();
    }
}

/// Waits (bounded) until `cond` holds.
pub fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
