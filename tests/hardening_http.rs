//! Issue 10, items 3, 6, 7, 8 and 12: the server's framing and deadlines
//! and the remote client's memory, over real sockets with the real binary.

use crate::serve_support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serve_support::{pls, read_until_close, wait_for, Server};

/// Sends `raw` on a fresh connection and reads the answer to the close.
fn raw(s: &Server, raw: &[u8]) -> serve_support::Response {
    let mut c = s.connect();
    let _ = c.write_all(raw);
    read_until_close(&mut c)
}

fn count(s: &Server, pool: &str) -> u64 {
    let info = s.get(&format!("/v0/pools/{pool}/info")).json();
    info["pool"]["message_count"].as_u64().unwrap()
}

#[test]
fn a_chunk_size_that_overflows_gets_413_and_the_server_lives() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    for sizes in [
        &b"1\r\na\r\nffffffffffffffff\r\n"[..],
        b"ffffffffffffffff\r\n",
        b"99999999999999999999999999\r\n",
        b"1\r\na\r\n100000\r\n",
    ] {
        let mut req = b"POST /v0/pools/ev/append HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        req.extend_from_slice(sizes);
        let r = raw(&s, &req);
        assert_eq!(r.status, 413, "{}: {}", String::from_utf8_lossy(sizes), r.text());
        assert!(r.text().contains("limit"), "{}", r.text());
    }
    // A Content-Length past u64 is refused as well.
    let r = raw(
        &s,
        b"POST /v0/pools/ev/append HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(s.get("/healthz").status, 200);
    assert_eq!(count(&s, "ev"), 0);
    assert!(!s.log.lock().unwrap().iter().any(|l| l.contains("panicked")));
}

#[test]
fn ambiguous_framing_gets_400_and_nothing_is_stored() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let head = "POST /v0/pools/ev/append HTTP/1.1\r\n";
    let te = "Transfer-Encoding: chunked\r\n\r\n";
    let cases: Vec<(&str, String)> = vec![
        (
            "Content-Length: +12",
            format!("{head}Content-Length: +12\r\n\r\n{{\"data\":123}}"),
        ),
        (
            "Content-Length: 0x0c",
            format!("{head}Content-Length: 0x0c\r\n\r\n{{\"data\":123}}"),
        ),
        (
            "chunk size +a",
            format!("{head}{te}+a\r\n{{\"data\":1}}\r\n0\r\n\r\n"),
        ),
        (
            "chunk size with a space",
            format!("{head}{te}a x\r\n{{\"data\":1}}\r\n0\r\n\r\n"),
        ),
        (
            "bare LF chunk lines",
            format!("{head}{te}a\n{{\"data\":1}}\n0\n\n"),
        ),
        (
            "bare LF after the size",
            format!("{head}{te}a\n{{\"data\":1}}\r\n0\r\n\r\n"),
        ),
        (
            "CR CR LF chunk ending",
            format!("{head}{te}a\r\n{{\"data\":1}}\r\r\n0\r\n\r\n"),
        ),
        (
            "bare LF at the end",
            format!("{head}{te}a\r\n{{\"data\":1}}\r\n0\r\n\n"),
        ),
    ];
    for (what, req) in &cases {
        let r = raw(&s, req.as_bytes());
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        assert_eq!(r.kind(), "Usage", "{what}");
    }
    assert_eq!(count(&s, "ev"), 0);
    // Valid chunked framing is still accepted (extensions, upper-case hex).
    let ok = format!("{head}{te}00A;x=y\r\n{{\"data\":1}}\r\n0\r\n\r\n");
    assert_eq!(raw(&s, ok.as_bytes()).status, 200);
    assert_eq!(count(&s, "ev"), 1);
}

/// Sends a request head, then its body one byte every `every`, from
/// another thread, until the body is sent or the connection breaks.
fn dribble_body(c: &TcpStream, head: &str, body: &[u8], every: Duration) -> std::thread::JoinHandle<()> {
    let mut w = c.try_clone().unwrap();
    let head = head.to_string();
    let body = body.to_vec();
    std::thread::spawn(move || {
        if w.write_all(head.as_bytes()).is_err() {
            return;
        }
        for b in body {
            std::thread::sleep(every);
            if w.write_all(&[b]).is_err() {
                return;
            }
        }
    })
}

#[test]
fn a_slow_body_gets_408_once_the_request_passes_the_client_timeout() {
    let s = Server::start(&["--client-timeout", "1s"]);
    s.create("ev", 1 << 20);
    let body = br#"{"data":"a body that arrives one byte every 100 ms, far too slowly"}"#;
    let head = format!(
        "POST /v0/pools/ev/append HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    // A dribbled body, and a stalled one.
    for every in [Duration::from_millis(100), Duration::from_secs(30)] {
        let mut c = s.connect();
        let t = Instant::now();
        let _writer = dribble_body(&c, &head, body, every);
        let r = read_until_close(&mut c);
        let took = t.elapsed();
        assert_eq!(r.status, 408, "{every:?}: {}", r.text());
        assert!(took >= Duration::from_millis(900), "{took:?}");
        assert!(took < Duration::from_secs(4), "{took:?}");
    }
    // A slow head eats into the body's time: head and body share the timeout.
    let mut c = s.connect();
    let t = Instant::now();
    let slow_head: Vec<u8> = head.bytes().collect();
    let mut w = c.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        for chunk in slow_head.chunks(8) {
            if w.write_all(chunk).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(60));
        }
        let _ = w.write_all(&body[..5]);
    });
    let r = read_until_close(&mut c);
    let took = t.elapsed();
    sender.join().unwrap();
    assert_eq!(r.status, 408, "{}", r.text());
    assert!(took < Duration::from_millis(2500), "{took:?}");
    assert_eq!(count(&s, "ev"), 0);
}

/// A self-signed certificate for 127.0.0.1 (openssl, as in serve_limits).
fn cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed to make a test certificate");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    (cert, key)
}

/// `curl https://127.0.0.1:PORT/healthz`: (HTTP status or 0, body, stderr).
fn curl(cert: &Path, port: u16) -> (u16, String, String) {
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "10", "-w", "\n%{http_code}", "--cacert"])
        .arg(cert)
        .arg(format!("https://127.0.0.1:{port}/healthz"))
        .output()
        .expect("curl is needed to speak TLS to the server");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (
        code.trim().parse().unwrap_or(0),
        body.to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn slow_tls_clients_are_cut_at_the_client_timeout_and_free_their_slots() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert_path, key) = cert(tmp.path());
    let s = Server::start(&[
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--client-timeout",
        "1s",
        "--max-connections",
        "4",
    ]);
    // Four clients start a TLS record (a handshake record of 512 bytes)
    // and send it one byte every 100 ms: 50 s for the record.
    let stop = Arc::new(AtomicBool::new(false));
    let closed_after_ms = Arc::new(AtomicU64::new(0));
    let dribblers: Vec<_> = (0..4)
        .map(|_| {
            let mut c = s.connect();
            c.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
            let stop = stop.clone();
            let closed_after_ms = closed_after_ms.clone();
            std::thread::spawn(move || {
                let t = Instant::now();
                let record = [&[0x16u8, 3, 1, 2, 0][..], &[0u8; 512][..]].concat();
                for b in record {
                    if stop.load(Ordering::SeqCst) || c.write_all(&[b]).is_err() {
                        break;
                    }
                    let mut sink = [0u8; 64];
                    match c.read(&mut sink) {
                        Ok(0) => break,
                        Ok(_) => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                        Err(_) => break,
                    }
                }
                closed_after_ms.fetch_max(t.elapsed().as_millis() as u64, Ordering::SeqCst);
                t.elapsed()
            })
        })
        .collect();
    // Everyone else is served again within a bounded time.
    wait_for("a TLS client to be served", Duration::from_secs(15), || {
        curl(&cert_path, s.port).0 == 200
    });
    let cut: Vec<Duration> = dribblers.into_iter().map(|d| d.join().unwrap()).collect();
    stop.store(true, Ordering::SeqCst);
    for took in cut {
        assert!(
            took < Duration::from_secs(5),
            "a dribbling TLS client held on for {took:?}"
        );
    }
}

#[test]
fn tls_clients_past_the_cap_get_423_over_tls_never_plain_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert_path, key) = cert(tmp.path());
    let s = Server::start(&[
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--client-timeout",
        "30s",
        "--max-connections",
        "1",
    ]);
    // Hold the only slot with a connection that says nothing.
    let _held = s.connect();
    let mut last = (0, String::new(), String::new());
    wait_for("a 423 over TLS", Duration::from_secs(15), || {
        last = curl(&cert_path, s.port);
        last.0 == 423
    });
    assert!(last.1.contains("\"Busy\""), "{last:?}");
    // A client that speaks plain HTTP to the TLS port past the cap gets
    // TLS bytes (an alert), not a plain-text answer.
    let mut c = s.connect();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    assert!(!got.starts_with(b"HTTP/"), "{}", String::from_utf8_lossy(&got));
    assert!(got.is_empty() || got[0] == 0x15, "{got:?}");
}

/// A fake server: answers `/info` with a pool of one message, and anything
/// else with a body that never ends (`x` bytes, up to `total`, with no
/// newline), counting what it sent.
fn huge_line_server(total: u64, content_length: bool) -> (u16, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { return };
            let counter = counter.clone();
            std::thread::spawn(move || loop {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match c.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let line = String::from_utf8_lossy(&head).into_owned();
                if line.contains("/info ") {
                    let body = r#"{"pool":{"name":"ev","bounds":{"oldest":1,"newest":1}}}"#;
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if c.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                    continue;
                }
                let length = if content_length {
                    format!("content-length: {total}\r\n")
                } else {
                    String::new()
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\n{length}connection: close\r\n\r\n"
                );
                if c.write_all(resp.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![b'x'; 1 << 20];
                let mut left = total;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if c.write_all(&chunk[..n]).is_err() {
                        return;
                    }
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    left -= n as u64;
                }
                return;
            });
        }
    });
    (port, sent)
}

/// Runs `pls ARGS` to its end: (exit code, stderr, peak RSS in bytes).
///
/// The peak is the child's own `VmHWM`, sampled from /proc every 2 ms while
/// it runs (the high-water mark only grows, and an unbounded client grows
/// over hundreds of milliseconds, so sampling sees it). `wait4`'s
/// `ru_maxrss` would not do: a child spawned with vfork records its
/// parent's high-water mark at exec, and the parent is this whole test binary.
fn run_measured(args: &[String]) -> (i32, String, u64) {
    let mut child = pls()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let hwm = |text: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|kib| kib * 1024)
    };
    let mut peak = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            peak = peak.max(hwm(&text).unwrap_or(0));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "pls {args:?} did not end");
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    // The first sample is taken right after the spawn, while pls connects.
    assert!(peak > 0, "no VmHWM sample of pls {args:?}");
    (status.code().unwrap_or(-1), reader.join().unwrap(), peak)
}

#[test]
fn a_huge_line_from_a_server_does_not_grow_the_remote_tail() {
    const TOTAL: u64 = 400 << 20;
    // The default limit (64 MiB).
    let (port, sent) = huge_line_server(TOTAL, false);
    let (code, err, rss) = run_measured(&["tail".into(), format!("http://127.0.0.1:{port}/ev")]);
    assert!(rss < 200 << 20, "peak RSS {} MiB", rss >> 20);
    assert!(sent.load(Ordering::SeqCst) < TOTAL, "the client read it all");
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("larger than the limit of 67108864 bytes"), "{err}");
    assert!(err.contains("--max-message"), "{err}");
    // A smaller limit, following.
    let (port, _) = huge_line_server(TOTAL, false);
    let args = ["tail", "-f", "--max-message", "1M"].map(String::from);
    let (code, err, rss) = run_measured(&[&args[..], &[format!("http://127.0.0.1:{port}/ev")]].concat());
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("larger than the limit of 1048576 bytes"), "{err}");
    assert!(rss < 100 << 20, "peak RSS {} MiB", rss >> 20);
}

#[test]
fn a_huge_answer_from_a_server_does_not_grow_the_remote_get() {
    const TOTAL: u64 = 400 << 20;
    for content_length in [true, false] {
        let (port, _) = huge_line_server(TOTAL, content_length);
        let args = ["get".into(), format!("http://127.0.0.1:{port}/ev"), "1".into()];
        let (code, err, rss) = run_measured(&args);
        assert!(rss < 200 << 20, "peak RSS {} MiB", rss >> 20);
        assert_eq!(code, 8, "{err}");
        assert!(err.contains("larger than the limit"), "{err}");
    }
}

#[test]
fn extreme_numbers_in_requests_never_panic_the_server() {
    // The test binary is a debug build: any overflowing arithmetic on these
    // values would panic the connection thread (and show in the log).
    let s = Server::start(&[]);
    s.create("ev", 1 << 16);
    assert_eq!(s.post("/v0/pools/ev/append", r#"{"data":1}"#).status, 200);
    let max = u64::MAX;
    for q in [
        format!("since_seq={max}&timeout_ms=100"),
        format!("last={max}&timeout_ms=100"),
        format!("max={max}&timeout_ms=100"),
        format!("timeout_ms={max}&max=1"),
        "since_seq=0&max=1".to_string(),
        "last=0&timeout_ms=100".to_string(),
    ] {
        let r = s.get(&format!("/v0/pools/ev/tail?{q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
    }
    for path in [
        format!("/v0/pools/ev/messages/{max}"),
        "/v0/pools/ev/messages/0".into(),
    ] {
        assert_eq!(s.get(&path).status, 404, "{path}");
    }
    let r = s.post("/v0/pools", &format!(r#"{{"pool":"big","size_bytes":{max}}}"#));
    assert!((400..500).contains(&r.status), "{}", r.text());
    let r = raw(
        &s,
        format!("POST /v0/pools/ev/append HTTP/1.1\r\nContent-Length: {max}\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 413);
    assert_eq!(s.get("/healthz").status, 200);
    assert!(!s.log.lock().unwrap().iter().any(|l| l.contains("panicked")));
}
