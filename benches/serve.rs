//! Load generator for `pls serve` on loopback: appends/s and gets/s over 8
//! keep-alive connections, JSON Lines tail msg/s to one client, and the
//! server's RSS over a sustained mixed load.
//!
//! `cargo bench --bench serve` (builds `pls` in release). Environment:
//! `PLASMITE_BENCH_SECS` (each throughput phase, default 5),
//! `PLASMITE_BENCH_SOAK_SECS` (sustained load, default 20; 300 for the
//! 5-minute run), `PLASMITE_BENCH_TAIL_MESSAGES` (default 1,000,000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 8;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pls"))
        .arg("serve")
        .arg(dir)
        .args(["--port", "0", "--quiet", "--max-body", "1M"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pls serve");
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok())
        .expect("port in the listening line");
    Server { child, port }
}

/// Resident memory of `pid` in KiB: `VmRSS` counts the pool mappings'
/// resident pages too; `RssAnon` is the server's own (heap, stacks).
fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// A keep-alive HTTP/1.1 connection with one request in flight.
struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
    len: usize,
}

impl Conn {
    fn new(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_nodelay(true).unwrap();
        Conn {
            s,
            buf: vec![0; 64 * 1024],
            len: 0,
        }
    }

    /// Sends `req` and reads one Content-Length response; returns the status.
    fn call(&mut self, req: &[u8]) -> u16 {
        self.s.write_all(req).unwrap();
        loop {
            if let Some(end) = self.buf[..self.len].windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).unwrap();
                let status: u16 = head[9..12].parse().unwrap();
                let body_len: usize = head
                    .split("\r\n")
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .map(|v| v.parse().unwrap())
                    .unwrap_or(0);
                let total = end + 4 + body_len;
                while self.len < total {
                    let n = self.s.read(&mut self.buf[self.len..]).unwrap();
                    assert!(n > 0, "server closed");
                    self.len += n;
                }
                self.buf.copy_within(total..self.len, 0);
                self.len -= total;
                return status;
            }
            let n = self.s.read(&mut self.buf[self.len..]).unwrap();
            assert!(n > 0, "server closed");
            self.len += n;
        }
    }
}

fn request(method: &str, path: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs `CONNECTIONS` workers for `secs`; each calls `make(worker, i)` for
/// its i-th request. Returns requests/s.
fn load(port: u16, secs: u64, make: impl Fn(usize, u64) -> Vec<u8> + Send + Sync + 'static) -> f64 {
    let make = Arc::new(make);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            let (make, stop, done) = (make.clone(), stop.clone(), done.clone());
            std::thread::spawn(move || {
                let mut c = Conn::new(port);
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let status = c.call(&make(w, i));
                    assert_eq!(status, 200);
                    i += 1;
                }
                done.fetch_add(i, Ordering::Relaxed);
            })
        })
        .collect();
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64()
}

fn append_body(w: usize, i: u64) -> String {
    format!(r#"{{"data":{{"worker":{w},"i":{i},"kind":"bench","ok":true}},"tags":["bench"]}}"#)
}

/// Streams `n` retained messages to one client; returns msg/s.
fn tail_rate(port: u16, pool: &str, n: u64) -> f64 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let t = Instant::now();
    // Connection: close makes the body the raw JSON Lines (no chunk framing).
    write!(
        s,
        "GET /v0/pools/{pool}/tail?max={n} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut newlines = 0u64;
    let mut head_done = false;
    let mut head = Vec::new();
    loop {
        let k = s.read(&mut buf).unwrap();
        if k == 0 {
            break;
        }
        let data = &buf[..k];
        if !head_done {
            head.extend_from_slice(data);
            match head.windows(4).position(|w| w == b"\r\n\r\n") {
                Some(end) => {
                    head_done = true;
                    let rest = head[end + 4..].to_vec();
                    newlines += rest.iter().filter(|b| **b == b'\n').count() as u64;
                    continue;
                }
                None => continue,
            }
        }
        newlines += data.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(newlines, n, "tail delivered every message");
    n as f64 / secs
}

fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let secs = env_u64("PLASMITE_BENCH_SECS", 5);
    let soak = env_u64("PLASMITE_BENCH_SOAK_SECS", 20);
    let tail_n = env_u64("PLASMITE_BENCH_TAIL_MESSAGES", 1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let server = start(tmp.path());
    let port = server.port;
    let pid = server.child.id();
    let mut c = Conn::new(port);
    let create = |c: &mut Conn, name: &str, size: u64| {
        let body = format!(r#"{{"pool":"{name}","size_bytes":{size}}}"#);
        assert_eq!(c.call(&request("POST", "/v0/pools", &body)), 200);
    };
    create(&mut c, "load", 256 << 20);
    let rss_start = (status_kib(pid, "VmRSS:"), status_kib(pid, "RssAnon:"));
    println!("pls serve bench: loopback, {CONNECTIONS} keep-alive connections, {secs}s per phase");

    let appends = load(port, secs, |w, i| {
        request("POST", "/v0/pools/load/append", &append_body(w, i))
    });
    println!("appends: {appends:>10.0} req/s   (POST /v0/pools/load/append, ~90-byte data, 1 tag)");

    let newest = {
        let pool = plasmite::Client::new(tmp.path()).open_pool("load").unwrap();
        pool.newest_seq().unwrap().unwrap()
    };
    let gets = load(port, secs, move |w, i| {
        let seq = 1 + (i.wrapping_mul(2654435761).wrapping_add(w as u64 * 7919)) % newest;
        request("GET", &format!("/v0/pools/load/messages/{seq}"), "")
    });
    println!("gets:    {gets:>10.0} req/s   (GET /v0/pools/load/messages/{{random seq of {newest}}})");

    // Tail: fill a pool through the library, then stream it to one client.
    {
        let pool = plasmite::Client::new(tmp.path())
            .create_pool("tail", 512 << 20)
            .unwrap();
        let mut batch = plasmite::Batch::new();
        for i in 0..tail_n {
            batch
                .push_json(
                    format!(r#"{{"i":{i},"kind":"bench","ok":true}}"#).as_bytes(),
                    &["bench"],
                )
                .unwrap();
            if batch.len() == 16384 {
                pool.append_batch(&batch, plasmite::Durability::Fast).unwrap();
                batch.clear();
            }
        }
        if !batch.is_empty() {
            pool.append_batch(&batch, plasmite::Durability::Fast).unwrap();
        }
    }
    let tail = tail_rate(port, "tail", tail_n);
    println!("tail:    {tail:>10.0} msg/s   (GET /v0/pools/tail/tail?max={tail_n}, one client, JSON Lines)");

    // Sustained mixed load: 4 appenders, 4 getters and one live follower.
    let follower_stop = Arc::new(AtomicBool::new(false));
    let follower = {
        let stop = follower_stop.clone();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            write!(
                s,
                "GET /v0/pools/load/tail?last=0 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut buf = vec![0u8; 1 << 20];
            let mut lines = 0u64;
            while !stop.load(Ordering::Relaxed) {
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(k) => lines += buf[..k].iter().filter(|b| **b == b'\n').count() as u64,
                    Err(_) => continue,
                }
            }
            lines
        })
    };
    println!("sustained mixed load for {soak}s (4 appenders, 4 getters, 1 follower): RSS of pls serve");
    println!(
        "  t=0s     VmRSS {:>7} KiB  RssAnon {:>6} KiB   (right after start: VmRSS {} KiB, RssAnon {} KiB)",
        status_kib(pid, "VmRSS:"),
        status_kib(pid, "RssAnon:"),
        rss_start.0,
        rss_start.1
    );
    let stop = Arc::new(AtomicBool::new(false));
    let total = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            let (stop, total) = (stop.clone(), total.clone());
            std::thread::spawn(move || {
                let mut c = Conn::new(port);
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let req = if w % 2 == 0 {
                        request("POST", "/v0/pools/load/append", &append_body(w, i))
                    } else {
                        let seq = 1 + (i * 7919) % newest;
                        request("GET", &format!("/v0/pools/load/messages/{seq}"), "")
                    };
                    let status = c.call(&req);
                    assert!(status == 200 || status == 404, "{status}");
                    i += 1;
                }
                total.fetch_add(i, Ordering::Relaxed);
            })
        })
        .collect();
    let t = Instant::now();
    let step = Duration::from_secs((soak / 6).max(1));
    let mut samples = Vec::new();
    while t.elapsed() < Duration::from_secs(soak) {
        std::thread::sleep(step.min(Duration::from_secs(soak).saturating_sub(t.elapsed())));
        let (r, anon) = (status_kib(pid, "VmRSS:"), status_kib(pid, "RssAnon:"));
        samples.push(anon);
        println!(
            "  t={:<5.0}s VmRSS {r:>7} KiB  RssAnon {anon:>6} KiB",
            t.elapsed().as_secs_f64()
        );
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    follower_stop.store(true, Ordering::Relaxed);
    let followed = follower.join().unwrap();
    let reqs = total.load(Ordering::Relaxed);
    println!(
        "  {reqs} requests ({:.0}/s), follower received {followed} messages; RssAnon first sample {} KiB, last {} KiB",
        reqs as f64 / t.elapsed().as_secs_f64(),
        samples.first().copied().unwrap_or(0),
        samples.last().copied().unwrap_or(0)
    );
    drop(server);
}
