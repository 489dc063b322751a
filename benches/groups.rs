//! Consumer groups beside Redis Streams (issue 13): the same work on both,
//! in the same run. Driven by `scripts/bench-groups.sh`, which starts
//! `redis-server` and passes its port in `REDIS_PORT` (without it only
//! plasmite runs).
//!
//! 1. 4 competing consumer processes claim and ack 200,000 messages of
//!    256 B: claim 100 / ack 100 (Redis: XREADGROUP COUNT 100 + pipelined
//!    XACK), then claim 1 / ack 1 (XREADGROUP COUNT 1 + XACK).
//! 2. append → delivery latency to an idle consumer blocked in a claim
//!    (Redis: XREADGROUP BLOCK), p50 and p99 over 2,000 messages.
//!
//! Prints both figures and the ratio of each.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use plasmite::{Batch, Client, DeliveryReceipt, Durability, GroupOptions, Pool};

const ROLE: &str = "PLASMITE_BENCH_GROUPS_ROLE";
const MESSAGES: u64 = 200_000;
const CONSUMERS: usize = 4;

fn consumers() -> usize {
    std::env::var("CONSUMERS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CONSUMERS)
}
const LATENCY_SAMPLES: usize = 2_000;

fn monotonic_ns() -> u64 {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC).unwrap();
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

fn payload(i: u64, at: u64) -> Vec<u8> {
    // 256 bytes of JSON.
    let head = format!("{{\"i\":{i},\"t\":{at},\"pad\":\"");
    let mut s = head.into_bytes();
    while s.len() < 254 {
        s.push(b'x');
    }
    s.extend_from_slice(b"\"}");
    s
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("plasmite") => return plasmite_consumer(),
        Ok("redis") => return redis_consumer(),
        _ => {}
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let redis = std::env::var("REDIS_PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok());
    if redis.is_none() {
        println!("(REDIS_PORT unset: plasmite only; scripts/bench-groups.sh runs both)");
    }
    let dir = tempfile::tempdir().unwrap();
    for batch in [100u64, 1] {
        let p = plasmite_throughput(dir.path(), batch);
        let line = format!("claim {batch} / ack {batch}, {CONSUMERS} consumers, {MESSAGES} x 256 B");
        match redis.map(|port| redis_throughput(port, batch)) {
            Some(r) => println!(
                "{line}: plasmite {:>10.0} msg/s   redis {:>10.0} msg/s   ratio {:.1}x",
                p,
                r,
                p / r
            ),
            None => println!("{line}: plasmite {p:>10.0} msg/s"),
        }
    }
    let (p50, p99) = plasmite_latency(dir.path());
    match redis.map(redis_latency) {
        Some((r50, r99)) => println!(
            "append -> idle consumer delivery: plasmite p50 {:.1} us p99 {:.1} us   redis p50 {:.1} us p99 {:.1} us   ratio (p50) {:.1}x",
            p50 / 1e3,
            p99 / 1e3,
            r50 / 1e3,
            r99 / 1e3,
            r50 / p50
        ),
        None => println!("append -> idle consumer delivery: plasmite p50 {:.1} us p99 {:.1} us", p50 / 1e3, p99 / 1e3),
    }
}

fn spawn(role: &str, env: &[(&str, String)]) -> std::process::Child {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.env(ROLE, role).stdin(Stdio::null()).stdout(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

/// Starts the consumers, waits for their READY, releases them at once and
/// returns the seconds until every one has finished (`DONE n`).
fn run_consumers(role: &str, env: &[(&str, String)], total: u64) -> f64 {
    let go = tempfile::NamedTempFile::new().unwrap();
    let go_path = go.path().with_extension("go");
    let mut env = env.to_vec();
    env.push(("GO", go_path.display().to_string()));
    let mut kids: Vec<_> = (0..consumers())
        .map(|k| {
            let mut e = env.clone();
            e.push(("K", k.to_string()));
            spawn(role, &e)
        })
        .collect();
    let mut readers: Vec<_> = kids
        .iter_mut()
        .map(|c| BufReader::new(c.stdout.take().unwrap()).lines())
        .collect();
    for r in readers.iter_mut() {
        assert_eq!(r.next().unwrap().unwrap(), "READY");
    }
    let start = Instant::now();
    std::fs::write(&go_path, b"go").unwrap();
    let mut done = 0u64;
    for r in readers.iter_mut() {
        let l = r.next().unwrap().unwrap();
        done += l.strip_prefix("DONE ").unwrap().parse::<u64>().unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    for mut c in kids {
        c.wait().unwrap();
    }
    let _ = std::fs::remove_file(&go_path);
    assert_eq!(done, total, "every message handled once");
    secs
}

fn wait_go() {
    let go = std::env::var("GO").unwrap();
    while !std::path::Path::new(&go).exists() {
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn plasmite_throughput(dir: &std::path::Path, batch: u64) -> f64 {
    let client = Client::new(dir);
    let name = format!("tp{batch}");
    let pool = client.create_pool(&name, 256 << 20).unwrap();
    let mut b = Batch::new();
    for i in 0..MESSAGES {
        b.push_json(&payload(i, 0), &[] as &[&str]).unwrap();
        if b.len() == 1000 {
            pool.append_batch(&b, Durability::Fast).unwrap();
            b.clear();
        }
    }
    pool.create_group(
        "bench",
        &GroupOptions {
            capacity: 1 << 18,
            ..Default::default()
        },
    )
    .unwrap();
    let secs = run_consumers(
        "plasmite",
        &[
            ("POOL", pool.path().display().to_string()),
            ("BATCH", batch.to_string()),
        ],
        MESSAGES,
    );
    MESSAGES as f64 / secs
}

fn plasmite_consumer() {
    let pool = Pool::open(std::env::var("POOL").unwrap()).unwrap();
    let batch: usize = std::env::var("BATCH").unwrap().parse().unwrap();
    let mut g = pool.open_group("bench").unwrap();
    g.set_consumer(&format!("c{}", std::env::var("K").unwrap()))
        .unwrap();
    let latency = std::env::var("LATENCY").is_ok();
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    wait_go();
    if latency {
        // Idle consumer: block in a claim, report append -> delivery.
        let mut lat = Vec::with_capacity(LATENCY_SAMPLES);
        while lat.len() < LATENCY_SAMPLES {
            let got = g.claim_wait(1, None, Duration::from_secs(5)).unwrap();
            let now = monotonic_ns();
            for d in &got {
                let v: serde_json::Value = serde_json::from_slice(d.message.payload()).unwrap();
                lat.push(now - v["t"].as_u64().unwrap());
                g.ack(d.receipt).unwrap();
            }
        }
        let s: Vec<String> = lat.iter().map(|l| l.to_string()).collect();
        writeln!(out, "DONE {}", lat.len()).unwrap();
        writeln!(out, "LAT {}", s.join(" ")).unwrap();
        return;
    }
    let mut n = 0u64;
    let mut receipts: Vec<DeliveryReceipt> = Vec::with_capacity(batch);
    let mut got = Vec::with_capacity(batch);
    loop {
        got.clear();
        g.claim_into(batch, None, &mut got).unwrap();
        if got.is_empty() {
            let info_done = g.info().map(|i| i.next_seq > MESSAGES).unwrap_or(false);
            if info_done {
                break;
            }
            continue;
        }
        receipts.clear();
        receipts.extend(got.iter().map(|d| d.receipt));
        let outcomes = g.ack_many(&receipts).unwrap();
        if let Some((r, o)) = receipts
            .iter()
            .zip(&outcomes)
            .find(|(_, o)| **o != plasmite::AckOutcome::Acked)
        {
            panic!("ack of {r} gave {o:?}");
        }
        n += got.len() as u64;
    }
    writeln!(out, "DONE {n}").unwrap();
}

fn percentiles(mut v: Vec<u64>) -> (f64, f64) {
    v.sort_unstable();
    (v[v.len() / 2] as f64, v[v.len() * 99 / 100] as f64)
}

fn plasmite_latency(dir: &std::path::Path) -> (f64, f64) {
    let pool = Client::new(dir).create_pool("lat", 64 << 20).unwrap();
    pool.create_group("bench", &GroupOptions::default()).unwrap();
    let go = tempfile::NamedTempFile::new().unwrap();
    let go_path = go.path().with_extension("go");
    let mut c = spawn(
        "plasmite",
        &[
            ("POOL", pool.path().display().to_string()),
            ("BATCH", "1".into()),
            ("K", "0".into()),
            ("LATENCY", "1".into()),
            ("GO", go_path.display().to_string()),
        ],
    );
    let mut r = BufReader::new(c.stdout.take().unwrap()).lines();
    assert_eq!(r.next().unwrap().unwrap(), "READY");
    std::fs::write(&go_path, b"go").unwrap();
    for i in 0..LATENCY_SAMPLES as u64 {
        // Let the consumer go back to sleep in its claim: it is idle.
        std::thread::sleep(Duration::from_micros(500));
        pool.append_json(&payload(i, monotonic_ns()), &[] as &[&str], Durability::Fast)
            .unwrap();
    }
    let _done = r.next().unwrap().unwrap();
    let lat = r.next().unwrap().unwrap();
    c.wait().unwrap();
    let v: Vec<u64> = lat
        .strip_prefix("LAT ")
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    percentiles(v)
}

// ---- Redis, through a minimal RESP client ----

enum Resp {
    Simple(#[allow(dead_code)] String),
    Int(#[allow(dead_code)] i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Resp>>),
}

struct Redis {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Redis {
    fn connect(port: u16) -> Redis {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_nodelay(true).unwrap();
        Redis {
            w: s.try_clone().unwrap(),
            r: BufReader::new(s),
        }
    }

    fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }

    fn send(&mut self, buf: &[u8]) {
        self.w.write_all(buf).unwrap();
    }

    fn cmd(&mut self, args: &[&[u8]]) -> Resp {
        let mut b = Vec::new();
        Redis::encode(&mut b, args);
        self.send(&b);
        self.read()
    }

    fn read(&mut self) -> Resp {
        let mut line = Vec::new();
        self.r.read_until(b'\n', &mut line).unwrap();
        let body = std::str::from_utf8(&line[1..line.len() - 2]).unwrap().to_string();
        match line[0] {
            b'+' => Resp::Simple(body),
            b'-' => panic!("redis error: {body}"),
            b':' => Resp::Int(body.parse().unwrap()),
            b'$' => {
                let n: i64 = body.parse().unwrap();
                if n < 0 {
                    return Resp::Bulk(None);
                }
                let mut v = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut v).unwrap();
                v.truncate(n as usize);
                Resp::Bulk(Some(v))
            }
            b'*' => {
                let n: i64 = body.parse().unwrap();
                if n < 0 {
                    return Resp::Array(None);
                }
                Resp::Array(Some((0..n).map(|_| self.read()).collect()))
            }
            c => panic!("unexpected RESP byte {c}"),
        }
    }
}

/// The entries of an XREADGROUP answer: (id, fields).
fn entries(r: Resp) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    let Resp::Array(Some(streams)) = r else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in streams {
        let Resp::Array(Some(mut kv)) = s else { continue };
        let Resp::Array(Some(items)) = kv.remove(1) else {
            continue;
        };
        for it in items {
            let Resp::Array(Some(mut pair)) = it else { continue };
            let fields = match pair.pop() {
                Some(Resp::Array(Some(f))) => f
                    .into_iter()
                    .filter_map(|x| match x {
                        Resp::Bulk(Some(b)) => Some(b),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(Resp::Bulk(Some(id))) = pair.pop() {
                out.push((id, fields));
            }
        }
    }
    out
}

fn redis_throughput(port: u16, batch: u64) -> f64 {
    let mut r = Redis::connect(port);
    let key = format!("tp{batch}");
    r.cmd(&[b"DEL", key.as_bytes()]);
    // Fill with pipelined XADDs.
    let mut buf = Vec::new();
    for i in 0..MESSAGES {
        Redis::encode(&mut buf, &[b"XADD", key.as_bytes(), b"*", b"d", &payload(i, 0)]);
        if (i + 1) % 1000 == 0 {
            r.send(&buf);
            buf.clear();
            for _ in 0..1000 {
                r.read();
            }
        }
    }
    r.cmd(&[b"XGROUP", b"CREATE", key.as_bytes(), b"bench", b"0"]);
    let secs = run_consumers(
        "redis",
        &[
            ("REDIS_PORT", port.to_string()),
            ("KEY", key.clone()),
            ("BATCH", batch.to_string()),
        ],
        MESSAGES,
    );
    r.cmd(&[b"DEL", key.as_bytes()]);
    MESSAGES as f64 / secs
}

fn redis_consumer() {
    let port: u16 = std::env::var("REDIS_PORT").unwrap().parse().unwrap();
    let key = std::env::var("KEY").unwrap();
    let batch = std::env::var("BATCH").unwrap();
    let me = format!("c{}", std::env::var("K").unwrap());
    let latency = std::env::var("LATENCY").is_ok();
    let mut r = Redis::connect(port);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    wait_go();
    if latency {
        let mut lat = Vec::with_capacity(LATENCY_SAMPLES);
        while lat.len() < LATENCY_SAMPLES {
            let got = entries(r.cmd(&[
                b"XREADGROUP",
                b"GROUP",
                b"bench",
                me.as_bytes(),
                b"COUNT",
                b"1",
                b"BLOCK",
                b"5000",
                b"STREAMS",
                key.as_bytes(),
                b">",
            ]));
            let now = monotonic_ns();
            for (id, fields) in got {
                let v: serde_json::Value = serde_json::from_slice(&fields[1]).unwrap();
                lat.push(now - v["t"].as_u64().unwrap());
                r.cmd(&[b"XACK", key.as_bytes(), b"bench", &id]);
            }
        }
        let s: Vec<String> = lat.iter().map(|l| l.to_string()).collect();
        writeln!(out, "DONE {}", lat.len()).unwrap();
        writeln!(out, "LAT {}", s.join(" ")).unwrap();
        return;
    }
    let mut n = 0u64;
    let mut buf = Vec::new();
    loop {
        let got = entries(r.cmd(&[
            b"XREADGROUP",
            b"GROUP",
            b"bench",
            me.as_bytes(),
            b"COUNT",
            batch.as_bytes(),
            b"STREAMS",
            key.as_bytes(),
            b">",
        ]));
        if got.is_empty() {
            break;
        }
        // The acks of the batch, pipelined.
        buf.clear();
        for (id, _) in &got {
            Redis::encode(&mut buf, &[b"XACK", key.as_bytes(), b"bench", id]);
        }
        r.send(&buf);
        for _ in 0..got.len() {
            if let Resp::Int(_) | Resp::Simple(_) = r.read() {}
        }
        n += got.len() as u64;
    }
    writeln!(out, "DONE {n}").unwrap();
}

fn redis_latency(port: u16) -> (f64, f64) {
    let mut r = Redis::connect(port);
    r.cmd(&[b"DEL", b"lat"]);
    r.cmd(&[b"XGROUP", b"CREATE", b"lat", b"bench", b"$", b"MKSTREAM"]);
    let go = tempfile::NamedTempFile::new().unwrap();
    let go_path = go.path().with_extension("go");
    let mut c = spawn(
        "redis",
        &[
            ("REDIS_PORT", port.to_string()),
            ("KEY", "lat".into()),
            ("BATCH", "1".into()),
            ("K", "0".into()),
            ("LATENCY", "1".into()),
            ("GO", go_path.display().to_string()),
        ],
    );
    let mut lines = BufReader::new(c.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "READY");
    std::fs::write(&go_path, b"go").unwrap();
    for i in 0..LATENCY_SAMPLES as u64 {
        std::thread::sleep(Duration::from_micros(500));
        r.cmd(&[b"XADD", b"lat", b"*", b"d", &payload(i, monotonic_ns())]);
    }
    let _done = lines.next().unwrap().unwrap();
    let lat = lines.next().unwrap().unwrap();
    c.wait().unwrap();
    r.cmd(&[b"DEL", b"lat"]);
    let v: Vec<u64> = lat
        .strip_prefix("LAT ")
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    percentiles(v)
}
