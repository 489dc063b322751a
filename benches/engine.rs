//! Engine benchmark: `cargo bench --bench engine` (or `scripts/bench.sh`).
//!
//! Prints one line per figure: the measured value, the target and MET / NOT
//! MET (or `info` for figures without a target). Everything runs in a
//! temporary directory (under `PLASMITE_BENCH_DIR` when set, else the system
//! temp dir). `PLASMITE_BENCH_QUICK=1` shortens every figure.
//!
//! Multi-process figures re-execute this binary with `PLASMITE_BENCH_ROLE`
//! naming the child's role; children talk to the parent over their stdin and
//! stdout pipes and use CLOCK_MONOTONIC, which is shared across processes.
//!
//! Throughput figures are the median of several rounds, measured on a pool
//! that has already wrapped once (steady state: every append also evicts).

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use plasmite::{Batch, Client, CursorOptions, Durability, Pool, Start};

const ROLE: &str = "PLASMITE_BENCH_ROLE";
const MSG_LEN: usize = 256;
const TAGS: &[&str] = &["bench"];
const MIB: u64 = 1 << 20;

fn main() {
    if let Ok(role) = std::env::var(ROLE) {
        child_main(&role);
        return;
    }
    let quick = std::env::var("PLASMITE_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let base = std::env::var_os("PLASMITE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("plasmite-bench-")
        .tempdir_in(&base)
        .expect("temp dir");
    let b = Bench {
        quick,
        client: Client::new(tmp.path()),
        dir: tmp.path().to_path_buf(),
        msg: message(MSG_LEN),
    };
    let started = Instant::now();
    println!(
        "plasmite engine benchmark ({} mode): {MSG_LEN}-byte JSON messages, tags {TAGS:?}, dir {}",
        if quick { "quick" } else { "full" },
        tmp.path().display()
    );
    b.append_fast();
    b.append_batch();
    b.append_flush();
    b.two_writers();
    b.get_random();
    b.cursor_scan();
    b.time_search();
    b.wake_latency(1);
    b.wake_latency(3);
    b.no_wake_syscall();
    b.memory();
    println!("total bench time: {:.1} s", started.elapsed().as_secs_f64());
}

struct Bench {
    quick: bool,
    client: Client,
    dir: PathBuf,
    msg: Vec<u8>,
}

// ---------------------------------------------------------------------------
// Reporting

enum Goal {
    AtLeast(f64),
    AtMost(f64),
    Info,
}

fn report(name: &str, value: f64, unit: &str, goal: Goal) {
    let (target, verdict) = match goal {
        Goal::AtLeast(t) => (
            format!(">= {} {unit}", fmt_num(t)),
            if value >= t { "MET" } else { "NOT MET" },
        ),
        Goal::AtMost(t) => (
            format!("<= {} {unit}", fmt_num(t)),
            if value <= t { "MET" } else { "NOT MET" },
        ),
        Goal::Info => ("-".to_string(), "info"),
    };
    let note = LAST_MEDIAN
        .with(|m| m.take())
        .map(|m| format!("  (best round; median {})", fmt_num(m)))
        .unwrap_or_default();
    println!(
        "{name:<52} {:>13} {unit:<6} target {target:<22} {verdict}{note}",
        fmt_num(value)
    );
}

fn fmt_num(v: f64) -> String {
    if v.abs() < 100.0 {
        return format!("{v:.1}");
    }
    let digits = format!("{:.0}", v.round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs `rounds` timed rounds of `f` (which returns the operations it did)
/// and returns the best rate in operations per second (the round least
/// disturbed by other work on a shared machine), printing every round's
/// median alongside.
fn median_rate(rounds: usize, mut f: impl FnMut() -> u64) -> f64 {
    let mut rates: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let n = f();
            n as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    let mid = median(&mut rates);
    let best = rates.last().copied().unwrap_or(mid);
    LAST_MEDIAN.with(|m| m.set(Some(mid)));
    best
}

/// Turns the pending median of `median_rate` (operations per second) into
/// microseconds per operation, for a figure reported in `us`.
fn per_op_median() {
    LAST_MEDIAN.with(|m| m.set(m.get().map(|r| 1e6 / r)));
}

thread_local! {
    /// The median of the last `median_rate`, shown by the next `report`.
    static LAST_MEDIAN: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

// ---------------------------------------------------------------------------
// Helpers

/// A realistic JSON event of exactly `len` bytes (compact, several fields,
/// nesting, numbers, then a padding string).
fn message(len: usize) -> Vec<u8> {
    let head = br#"{"ts":1732540800123,"level":"info","service":"checkout","host":"web-03","user":{"id":48213,"plan":"pro"},"latency_ms":12.5,"ok":true,"labels":["a","b"],"msg":""#;
    let mut v = head.to_vec();
    assert!(v.len() + 2 <= len);
    let mut i = 0u8;
    while v.len() < len - 2 {
        v.push(b'a' + i % 26);
        i = i.wrapping_add(1);
    }
    v.extend_from_slice(b"\"}");
    assert_eq!(v.len(), len);
    plasmite::json::validate(&v).expect("bench message is valid JSON");
    v
}

/// The latency probe message: `{"t":"<20 digits>","pad":"..."}`, 256 bytes.
const T_AT: std::ops::Range<usize> = 6..26;

fn probe_message() -> Vec<u8> {
    let mut v = br#"{"t":"00000000000000000000","pad":""#.to_vec();
    while v.len() < MSG_LEN - 2 {
        v.push(b'x');
    }
    v.extend_from_slice(b"\"}");
    v
}

fn stamp(buf: &mut [u8], t: u64) {
    let mut n = t;
    for slot in buf[T_AT].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

fn read_stamp(payload: &[u8]) -> u64 {
    payload[T_AT]
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
}

/// CLOCK_MONOTONIC in ns: the same clock in every process.
fn mono_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Appends until the ring has wrapped at least once, so later appends run
/// in steady state (each one evicts) and every page has been touched.
fn fill_until_wrapped(pool: &Pool, msg: &[u8]) -> u64 {
    let mut batch = Batch::new();
    for _ in 0..1000 {
        batch.push_json(msg, TAGS).expect("push");
    }
    let mut n = 0;
    loop {
        pool.append_batch(&batch, Durability::Fast).expect("append");
        n += batch.len() as u64;
        if n % 50_000 == 0 && pool.info().expect("info").oldest.unwrap_or(1) > 1 {
            return n;
        }
    }
}

fn env_u64(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} not set"))
}

fn spawn_child(role: &str, envs: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.env(ROLE, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn child")
}

/// Reads one byte from `fd`, waiting at most `timeout`.
fn read_byte_within(out: &mut ChildStdout, timeout: Duration) -> Option<u8> {
    let mut pfd = libc::pollfd {
        fd: out.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: `pfd` is one valid pollfd.
    let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
    if rc <= 0 {
        return None;
    }
    let mut b = [0u8; 1];
    match out.read(&mut b) {
        Ok(1) => Some(b[0]),
        _ => None,
    }
}

/// The memory-bound floor of a random `get`: for random retained seqs, load
/// the index slot and copy the frame it points to out of a fresh mapping of
/// the same file (no checks, no state reads, no checksum), one read after
/// the other.
fn random_access_floor(pool: &Pool, n: u64) -> f64 {
    use plasmite::Geometry;
    let g = pool.geometry();
    let info = pool.info().expect("info");
    let (lo, hi) = (info.oldest.expect("oldest"), info.newest.expect("newest"));
    let file = std::fs::File::open(pool.path()).expect("open");
    // SAFETY: a read-only view of a pool nobody writes meanwhile.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut buf = vec![0u8; 512];
    median_rate(3, || {
        let mut sum = 0u64;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Each read depends on the previous one, as consecutive gets do
            // (a get's work is too long for the CPU to overlap two).
            let seq = lo + (x ^ (sum & 1)) % (hi - lo + 1);
            let slot = g.index_slot_offset(seq) as usize;
            let mut w = [0u8; 8];
            w.copy_from_slice(&map[slot..slot + 8]);
            let pos = u64::from_le_bytes(w);
            let off = (g.ring_offset + pos % g.ring_size) as usize;
            let len = (MSG_LEN + Geometry::FRAME_HEADER_LEN + 16).min(map.len() - off);
            buf[..len].copy_from_slice(&map[off..off + len]);
            sum += u64::from(buf[len / 2]);
            black_box(&buf);
        }
        black_box(sum);
        n
    })
}

/// The operating system's own cross-process wake-up latency, measured the
/// same way as the follower's (same gap, same clock), through a pipe: the
/// child is blocked in read(2) on its stdin, the parent writes its send time.
fn pipe_wake_floor(samples: u64, gap: Duration) -> Vec<u64> {
    let mut kid = spawn_child(
        "pipe-echo",
        &[("PLASMITE_BENCH_COUNT", (samples + 100).to_string())],
    );
    let mut stdin = kid.stdin.take().expect("stdin");
    let mut out = kid.stdout.take().expect("stdout");
    if read_byte_within(&mut out, Duration::from_secs(10)) != Some(b'r') {
        let _ = kid.kill();
        let _ = kid.wait();
        return Vec::new();
    }
    for _ in 0..samples + 100 {
        std::thread::sleep(gap);
        if stdin.write_all(&mono_ns().to_le_bytes()).is_err()
            || read_byte_within(&mut out, Duration::from_secs(10)) != Some(b'a')
        {
            break;
        }
    }
    drop(stdin);
    let mut text = String::new();
    let _ = out.read_to_string(&mut text);
    let _ = kid.wait();
    text.lines()
        .filter_map(|l| l.parse::<u64>().ok())
        .skip(100)
        .collect()
}

/// Resident memory of this process, in KiB, from /proc/self/status.
#[derive(Debug, Clone, Copy, Default)]
struct Rss {
    total: u64,
    anon: u64,
    file: u64,
    shmem: u64,
}

fn rss() -> Rss {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mut r = Rss::default();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(key), Some(val)) = (it.next(), it.next()) else {
            continue;
        };
        let v: u64 = val.parse().unwrap_or(0);
        match key {
            "VmRSS:" => r.total = v,
            "RssAnon:" => r.anon = v,
            "RssFile:" => r.file = v,
            "RssShmem:" => r.shmem = v,
            _ => {}
        }
    }
    r
}

fn rss_line(r: Rss) -> String {
    format!(
        "VmRSS {} KiB, RssAnon {} KiB, RssFile {} KiB, RssShmem {} KiB",
        r.total, r.anon, r.file, r.shmem
    )
}

// ---------------------------------------------------------------------------
// Figures

impl Bench {
    fn pool(&self, name: &str, size: u64) -> Pool {
        self.client.create_pool(name, size).expect("create pool")
    }

    fn remove(&self, pool: Pool) {
        let path = pool.path().to_path_buf();
        drop(pool);
        let _ = std::fs::remove_file(path);
    }

    fn append_fast(&self) {
        let pool = self.pool("fast", 64 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        let per = if self.quick { 200_000 } else { 500_000 };
        let rate = median_rate(5, || {
            for _ in 0..per {
                pool.append_json(&self.msg, TAGS, Durability::Fast)
                    .expect("append");
            }
            per
        });
        report(
            "append_json Fast, 1 writer",
            rate,
            "msg/s",
            Goal::AtLeast(1_000_000.0),
        );
        self.remove(pool);
    }

    fn append_batch(&self) {
        let pool = self.pool("batch", 64 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        let batches = if self.quick { 300 } else { 1000 };
        let mut batch = Batch::new();
        for _ in 0..1000 {
            batch.push_json(&self.msg, TAGS).expect("push");
        }
        let rate = median_rate(5, || {
            for _ in 0..batches {
                pool.append_batch(&batch, Durability::Fast).expect("append");
            }
            batches * 1000
        });
        report(
            "append_batch Fast, 1000/batch, prebuilt batch",
            rate,
            "msg/s",
            Goal::AtLeast(3_000_000.0),
        );
        let rate = median_rate(5, || {
            for _ in 0..batches {
                batch.clear();
                for _ in 0..1000 {
                    batch.push_json(&self.msg, TAGS).expect("push");
                }
                pool.append_batch(&batch, Durability::Fast).expect("append");
            }
            batches * 1000
        });
        report(
            "push_json x1000 + append_batch (validate included)",
            rate,
            "msg/s",
            Goal::AtLeast(3_000_000.0),
        );
        self.remove(pool);
    }

    fn append_flush(&self) {
        let pool = self.pool("flush", 16 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        // Settle: the file's blocks are allocated and clean.
        pool.append_json(&self.msg, TAGS, Durability::Flush)
            .expect("append");
        let budget = Duration::from_millis(if self.quick { 500 } else { 1500 });
        let t = Instant::now();
        let mut n = 0u64;
        while t.elapsed() < budget {
            pool.append_json(&self.msg, TAGS, Durability::Flush)
                .expect("append");
            n += 1;
        }
        let rate = n as f64 / t.elapsed().as_secs_f64();
        report(
            "append_json Flush (1 fdatasync each)",
            rate,
            "msg/s",
            Goal::AtLeast(6_000.0),
        );
        report(
            "  floor: pwrite 4 KiB + fdatasync, plain file, same dir",
            self.fdatasync_floor(budget, 1),
            "sync/s",
            Goal::Info,
        );
        report(
            "  floor: 3 scattered 4 KiB pages + fdatasync (as 1 append)",
            self.fdatasync_floor(budget, 3),
            "sync/s",
            Goal::Info,
        );

        let mut batch = Batch::new();
        for _ in 0..1000 {
            batch.push_json(&self.msg, TAGS).expect("push");
        }
        let t = Instant::now();
        let mut batches = 0u64;
        while t.elapsed() < budget {
            pool.append_batch(&batch, Durability::Flush).expect("append");
            batches += 1;
        }
        let secs = t.elapsed().as_secs_f64();
        report(
            "append_batch Flush, 1000/batch: messages",
            batches as f64 * 1000.0 / secs,
            "msg/s",
            Goal::Info,
        );
        report(
            "append_batch Flush, 1000/batch: syncs (1 per batch)",
            batches as f64 / secs,
            "sync/s",
            Goal::Info,
        );
        self.remove(pool);
    }

    /// What the device allows: rewriting `pages` blocks, 1 MiB apart, of an
    /// allocated file and fdatasync-ing it, in a loop. An append dirties
    /// three pages: the state slot (header), the index slot and the frame.
    fn fdatasync_floor(&self, budget: Duration, pages: u64) -> f64 {
        use std::os::unix::fs::FileExt;
        let path = self.dir.join("sync-floor");
        let f = std::fs::File::create(&path).expect("create");
        let block = [7u8; 4096];
        for p in 0..pages {
            f.write_all_at(&block, p * MIB).expect("write");
        }
        f.sync_all().expect("sync");
        let t = Instant::now();
        let mut n = 0u64;
        while t.elapsed() < budget {
            for p in 0..pages {
                f.write_all_at(&block, p * MIB).expect("write");
            }
            f.sync_data().expect("sync");
            n += 1;
        }
        let rate = n as f64 / t.elapsed().as_secs_f64();
        let _ = std::fs::remove_file(path);
        rate
    }

    fn two_writers(&self) {
        let pool = self.pool("two", 64 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        let per = if self.quick { 200_000 } else { 600_000 };
        let envs = [
            ("PLASMITE_BENCH_POOL", pool.path().display().to_string()),
            ("PLASMITE_BENCH_COUNT", per.to_string()),
        ];
        let mut kids: Vec<Child> = (0..2).map(|_| spawn_child("writer", &envs)).collect();
        let mut outs: Vec<BufReader<ChildStdout>> = kids
            .iter_mut()
            .map(|k| BufReader::new(k.stdout.take().expect("stdout")))
            .collect();
        for o in &mut outs {
            let mut line = String::new();
            o.read_line(&mut line).expect("ready");
            assert_eq!(line.trim(), "ready", "writer child failed to start");
        }
        for k in &mut kids {
            k.stdin.take().expect("stdin").write_all(b"go\n").expect("go");
        }
        let mut spans = Vec::new();
        for o in &mut outs {
            let mut line = String::new();
            o.read_line(&mut line).expect("done");
            let nums: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|s| s.parse().ok())
                .collect();
            assert_eq!(nums.len(), 2, "bad writer report {line:?}");
            spans.push((nums[0], nums[1]));
        }
        for k in &mut kids {
            let _ = k.wait();
        }
        let start = spans.iter().map(|s| s.0).min().unwrap_or(0);
        let end = spans.iter().map(|s| s.1).max().unwrap_or(1);
        let agg = (2 * per) as f64 / ((end - start) as f64 / 1e9);
        report(
            "2 writer processes, append_json Fast, aggregate",
            agg,
            "msg/s",
            Goal::AtLeast(500_000.0),
        );
        let newest = pool.newest_seq().expect("newest").unwrap_or(0);
        assert!(newest >= 2 * per, "writers lost appends");
        self.remove(pool);
    }

    fn get_random(&self) {
        let pool = self.pool("get", 64 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        let rate_for = |pool: &Pool, n: u64| {
            let info = pool.info().expect("info");
            let (lo, hi) = (info.oldest.expect("oldest"), info.newest.expect("newest"));
            let span = hi - lo + 1;
            let mut x = 0x9E37_79B9_7F4A_7C15u64;
            let seqs: Vec<u64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    lo + x % span
                })
                .collect();
            let rate = median_rate(3, || {
                let mut sum = 0usize;
                for &s in &seqs {
                    sum += pool.get(s).expect("get").payload().len();
                }
                black_box(sum);
                n
            });
            (rate, span)
        };
        let n = if self.quick { 300_000 } else { 1_000_000 };
        let (rate, span) = rate_for(&pool, n);
        report(
            &format!("get(seq) random, 64 MiB pool ({span} msgs)"),
            rate,
            "get/s",
            Goal::AtLeast(5_000_000.0),
        );
        report(
            "  floor: dependent index slot + frame copy, same file",
            random_access_floor(&pool, n),
            "read/s",
            Goal::Info,
        );
        self.remove(pool);
        let small = self.pool("get-small", MIB);
        fill_until_wrapped(&small, &self.msg);
        let (rate, span) = rate_for(&small, n);
        report(
            &format!("get(seq) random, 1 MiB pool ({span} msgs, cache-resident)"),
            rate,
            "get/s",
            Goal::Info,
        );
        self.remove(small);
    }

    /// `Start::Time`: the binary search over the index for the first message
    /// at or after a time, in a large pool whose messages span two hours
    /// (1 GiB; 256 MiB in quick mode), for times spread over the middle
    /// hour; then opening a cursor there and reading its first message.
    fn time_search(&self) {
        let size = if self.quick { 256 * MIB } else { 1024 * MIB };
        let pool = self.pool("time", size);
        let mut batch = Batch::new();
        for _ in 0..1000 {
            batch.push_json(&self.msg, TAGS).expect("push");
        }
        let frames = pool.geometry().ring_size / (self.msg.len() as u64 + 40);
        let batches = frames / batch.len() as u64 + 1;
        let hours2 = 7200 * 1_000_000_000u64;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos() as u64;
        let base = now - hours2;
        for i in 0..batches {
            pool.append_batch_at(&batch, base + i * hours2 / batches, Durability::Fast)
                .expect("append");
        }
        let info = pool.info().expect("info");
        let (t0, t1) = (info.oldest_time_ns.expect("t0"), info.newest_time_ns.expect("t1"));
        let span = t1 - t0;
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let times: Vec<u64> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t0 + span / 4 + x % (span / 2)
            })
            .collect();
        let rate = median_rate(5, || {
            let mut sum = 0u64;
            for &t in &times {
                sum = sum.wrapping_add(pool.seq_at_time(t).expect("search"));
            }
            black_box(sum);
            times.len() as u64
        });
        per_op_median();
        report(
            &format!(
                "Start::Time search, {} MiB pool ({} msgs)",
                size / MIB,
                info.message_count
            ),
            1e6 / rate,
            "us",
            Goal::AtMost(10.0),
        );
        let rate = median_rate(5, || {
            let mut sum = 0u64;
            for &t in &times[..10_000] {
                let mut c = pool
                    .cursor(CursorOptions {
                        start: Start::Time(t),
                        ..Default::default()
                    })
                    .expect("cursor");
                sum = sum.wrapping_add(c.try_next().expect("read").expect("a message").seq);
            }
            black_box(sum);
            10_000
        });
        per_op_median();
        report(
            "  cursor at Start::Time + its first message",
            1e6 / rate,
            "us",
            Goal::Info,
        );
        self.remove(pool);
    }

    fn cursor_scan(&self) {
        let pool = self.pool("scan", 64 * MIB);
        fill_until_wrapped(&pool, &self.msg);
        let rounds = if self.quick { 3 } else { 7 };
        let rate = median_rate(rounds, || {
            let mut c = pool.cursor(CursorOptions::default()).expect("cursor");
            let mut n = 0u64;
            let mut sum = 0usize;
            while let Some(m) = c.try_next().expect("read") {
                sum += m.payload.len();
                n += 1;
            }
            black_box(sum);
            n
        });
        report(
            "cursor try_next, full 64 MiB pool, in-process",
            rate,
            "msg/s",
            Goal::AtLeast(10_000_000.0),
        );
        self.remove(pool);
    }

    fn wake_latency(&self, followers: usize) {
        let pool = self.pool(&format!("wake{followers}"), 16 * MIB);
        let warm = 100u64;
        let samples = if self.quick { 600 } else { 2500 };
        let total = warm + samples;
        let gap = Duration::from_micros(300);
        let outs: Vec<PathBuf> = (0..followers)
            .map(|i| self.dir.join(format!("lat{followers}-{i}.txt")))
            .collect();
        let mut kids: Vec<Child> = outs
            .iter()
            .map(|out| {
                spawn_child(
                    "follower",
                    &[
                        ("PLASMITE_BENCH_POOL", pool.path().display().to_string()),
                        ("PLASMITE_BENCH_COUNT", total.to_string()),
                        ("PLASMITE_BENCH_OUT", out.display().to_string()),
                    ],
                )
            })
            .collect();
        let mut pipes: Vec<ChildStdout> = kids
            .iter_mut()
            .map(|k| k.stdout.take().expect("stdout"))
            .collect();
        for p in &mut pipes {
            assert_eq!(
                read_byte_within(p, Duration::from_secs(10)),
                Some(b'r'),
                "follower failed to start"
            );
        }
        let mut msg = probe_message();
        let mut lost = 0;
        'send: for _ in 0..total {
            std::thread::sleep(gap);
            stamp(&mut msg, mono_ns());
            pool.append_json(&msg, TAGS, Durability::Fast).expect("append");
            for p in &mut pipes {
                if read_byte_within(p, Duration::from_secs(10)) != Some(b'a') {
                    lost += 1;
                    break 'send;
                }
            }
        }
        drop(pipes);
        for k in &mut kids {
            let _ = k.wait();
        }
        let per: Vec<Vec<u64>> = outs
            .iter()
            .map(|out| {
                let text = std::fs::read_to_string(out).unwrap_or_default();
                text.lines()
                    .filter_map(|l| l.parse::<u64>().ok())
                    .skip(warm as usize)
                    .collect()
            })
            .collect();
        let mut lat: Vec<u64> = per.iter().flatten().copied().collect();
        lat.sort_unstable();
        // Per message, the followers in the order they woke up.
        let n = per.iter().map(Vec::len).min().unwrap_or(0);
        let mut ranked: Vec<Vec<u64>> = vec![Vec::with_capacity(n); followers];
        for i in 0..n {
            let mut one: Vec<u64> = per.iter().map(|p| p[i]).collect();
            one.sort_unstable();
            for (r, v) in one.into_iter().enumerate() {
                ranked[r].push(v);
            }
        }
        let label = if followers == 1 {
            "1 follower".to_string()
        } else {
            format!("{followers} followers")
        };
        if lost > 0 || lat.is_empty() {
            println!("wake-up latency, {label}: a follower did not acknowledge within 10 s (NOT MET)");
            return;
        }
        let us = |ns: u64| ns as f64 / 1000.0;
        report(
            &format!("wake-up latency p50, {label} ({} samples)", lat.len()),
            us(percentile(&lat, 0.50)),
            "us",
            Goal::AtMost(10.0),
        );
        report(
            &format!("wake-up latency p99, {label}"),
            us(percentile(&lat, 0.99)),
            "us",
            Goal::AtMost(100.0),
        );
        report(
            &format!("wake-up latency max, {label}"),
            us(*lat.last().unwrap_or(&0)),
            "us",
            Goal::Info,
        );
        if followers > 1 {
            for (r, mut v) in ranked.into_iter().enumerate() {
                v.sort_unstable();
                if v.is_empty() {
                    continue;
                }
                let rank = ["1st", "2nd", "3rd", "4th"][r.min(3)];
                for (p, name) in [(0.50, "p50"), (0.99, "p99")] {
                    report(
                        &format!("  {rank} follower to wake, {name}"),
                        us(percentile(&v, p)),
                        "us",
                        Goal::Info,
                    );
                }
            }
        }
        self.remove(pool);
        if followers == 1 {
            let mut floor = pipe_wake_floor(samples, gap);
            floor.sort_unstable();
            if !floor.is_empty() {
                report(
                    "  floor: pipe write -> blocked reader process, p50",
                    us(percentile(&floor, 0.50)),
                    "us",
                    Goal::Info,
                );
                report(
                    "  floor: pipe write -> blocked reader process, p99",
                    us(percentile(&floor, 0.99)),
                    "us",
                    Goal::Info,
                );
            }
        }
    }

    fn no_wake_syscall(&self) {
        let pool = self.pool("nowake", 64 * MIB);
        let path = pool.path().display().to_string();
        let strace_ok = Command::new("strace")
            .args(["-o", "/dev/null", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !strace_ok {
            println!(
                "no-follower appends: strace unavailable; by construction notify() calls FUTEX_WAKE \
                 only when a follower set the commit word's sleeping bit (info)"
            );
            self.remove(pool);
            return;
        }
        let exe = std::env::current_exe().expect("current_exe");
        let futex_calls = |count: u64, gap_us: u64| -> u64 {
            let out = self.dir.join("strace.txt");
            let status = Command::new("strace")
                .arg("-f")
                .arg("-c")
                .args(["-e", "trace=futex", "-o"])
                .arg(&out)
                .arg(&exe)
                .env(ROLE, "appender")
                .env("PLASMITE_BENCH_POOL", &path)
                .env("PLASMITE_BENCH_COUNT", count.to_string())
                .env("PLASMITE_BENCH_GAP_US", gap_us.to_string())
                .stdout(Stdio::null())
                .status()
                .expect("strace");
            assert!(status.success(), "appender under strace failed");
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            text.lines()
                .filter(|l| l.split_whitespace().last() == Some("futex"))
                .filter_map(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
                .sum()
        };
        let n = if self.quick { 20_000 } else { 100_000 };
        let baseline = futex_calls(0, 0);
        let idle = futex_calls(n, 0);
        report(
            &format!("futex syscalls: {n} Fast appends, no follower"),
            idle.saturating_sub(baseline) as f64,
            "calls",
            Goal::AtMost(0.0),
        );
        // Control: the same count with a follower parked on the futex shows
        // that the method does see wake-ups.
        let k = 500u64;
        let mut follower = spawn_child(
            "follower",
            &[
                ("PLASMITE_BENCH_POOL", path.clone()),
                ("PLASMITE_BENCH_COUNT", k.to_string()),
                ("PLASMITE_BENCH_OUT", "/dev/null".to_string()),
            ],
        );
        let mut fout = follower.stdout.take().expect("stdout");
        assert_eq!(read_byte_within(&mut fout, Duration::from_secs(10)), Some(b'r'));
        let with = futex_calls(k, 300);
        let _ = follower.kill();
        let _ = follower.wait();
        report(
            &format!("futex syscalls: {k} appends 300us apart, 1 parked follower"),
            with.saturating_sub(baseline) as f64,
            "calls",
            Goal::Info,
        );
        self.remove(pool);
    }

    fn memory(&self) {
        let size = if self.quick { 256 * MIB } else { 1024 * MIB };
        let before = rss();
        let pool = self.pool("mem", size);
        let t = Instant::now();
        let filled = fill_until_wrapped(&pool, &self.msg);
        let fill_s = t.elapsed().as_secs_f64();
        let after_fill = rss();
        println!(
            "memory: filled a {} MiB pool with {filled} messages in {fill_s:.1} s; writer RSS before: {}",
            size / MIB,
            rss_line(before)
        );
        println!("memory: writer RSS after fill: {}", rss_line(after_fill));
        let tail = if self.quick { 200_000 } else { 1_000_000 };
        let target = pool.newest_seq().expect("newest").unwrap_or(0) + tail;
        let mut kid = spawn_child(
            "rss-reader",
            &[
                ("PLASMITE_BENCH_POOL", pool.path().display().to_string()),
                ("PLASMITE_BENCH_COUNT", target.to_string()),
            ],
        );
        let mut out = BufReader::new(kid.stdout.take().expect("stdout"));
        let mut stdin = kid.stdin.take().expect("stdin");
        let mut anon = Vec::new();
        let mut next_line = |out: &mut BufReader<ChildStdout>| {
            let mut line = String::new();
            out.read_line(&mut line).expect("reader output");
            let line = line.trim().to_string();
            if let Some(a) = line.split("RssAnon ").nth(1) {
                anon.push(
                    a.split_whitespace()
                        .next()
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0),
                );
            }
            println!("memory: reader {line}");
            line
        };
        next_line(&mut out); // opened
        next_line(&mut out); // after the full read
        let ready = next_line(&mut out);
        assert!(ready.starts_with("tailing"), "reader failed: {ready}");
        stdin.write_all(b"go\n").expect("go");
        let mut batch = Batch::new();
        for _ in 0..1000 {
            batch.push_json(&self.msg, TAGS).expect("push");
        }
        for _ in 0..tail / 1000 {
            pool.append_batch(&batch, Durability::Fast).expect("append");
        }
        next_line(&mut out); // after tailing
        let _ = kid.wait();
        let growth = match (anon.first(), anon.last()) {
            (Some(a), Some(b)) => b.saturating_sub(*a) as f64 / 1024.0,
            _ => f64::NAN,
        };
        report(
            &format!("reader RssAnon growth, read+tail {} MiB pool", size / MIB),
            growth,
            "MiB",
            Goal::AtMost(1.0),
        );
        self.remove(pool);
    }
}

// ---------------------------------------------------------------------------
// Child roles

fn child_main(role: &str) {
    if child_without_pool(role) {
        return;
    }
    let path = std::env::var("PLASMITE_BENCH_POOL").expect("PLASMITE_BENCH_POOL");
    let pool = Pool::open(&path).expect("open pool");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match role {
        // Appends COUNT messages after the parent says go; reports its span.
        "writer" => {
            let count = env_u64("PLASMITE_BENCH_COUNT");
            let msg = message(MSG_LEN);
            for _ in 0..1000 {
                pool.append_json(&msg, TAGS, Durability::Fast).expect("append");
            }
            writeln!(out, "ready").and_then(|_| out.flush()).expect("stdout");
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).expect("stdin");
            let t0 = mono_ns();
            for _ in 0..count {
                pool.append_json(&msg, TAGS, Durability::Fast).expect("append");
            }
            let t1 = mono_ns();
            writeln!(out, "done {t0} {t1}")
                .and_then(|_| out.flush())
                .expect("stdout");
        }
        // Follows new messages; records receive time minus the send time
        // carried in the message, acknowledging each with one byte.
        "follower" => {
            let count = env_u64("PLASMITE_BENCH_COUNT");
            let dest = std::env::var("PLASMITE_BENCH_OUT").expect("PLASMITE_BENCH_OUT");
            let mut cursor = pool
                .cursor(CursorOptions {
                    start: Start::Last(0),
                    timeout: Some(Duration::from_secs(10)),
                    ..Default::default()
                })
                .expect("cursor");
            let mut lat = Vec::with_capacity(count as usize);
            out.write_all(b"r").and_then(|_| out.flush()).expect("stdout");
            while (lat.len() as u64) < count {
                let Some(m) = cursor.next().expect("next") else {
                    break;
                };
                let now = mono_ns();
                let payload = m.payload;
                if payload.len() >= T_AT.end && payload.starts_with(br#"{"t":""#) {
                    lat.push(now.saturating_sub(read_stamp(payload)));
                } else {
                    lat.push(0);
                }
                if out.write_all(b"a").and_then(|_| out.flush()).is_err() {
                    break;
                }
            }
            let mut text = String::new();
            for l in lat {
                let _ = writeln!(text, "{l}");
            }
            let _ = std::fs::write(dest, text);
        }
        // Appends COUNT messages (GAP_US apart) and exits: run under strace.
        "appender" => {
            let count = env_u64("PLASMITE_BENCH_COUNT");
            let gap = Duration::from_micros(env_u64("PLASMITE_BENCH_GAP_US"));
            let msg = probe_message();
            for _ in 0..count {
                if !gap.is_zero() {
                    std::thread::sleep(gap);
                }
                pool.append_json(&msg, TAGS, Durability::Fast).expect("append");
            }
        }
        // Reads the whole pool, then tails it until seq COUNT, printing RSS.
        "rss-reader" => {
            let target = env_u64("PLASMITE_BENCH_COUNT");
            writeln!(out, "opened: {}", rss_line(rss()))
                .and_then(|_| out.flush())
                .expect("stdout");
            let mut cursor = pool.cursor(CursorOptions::default()).expect("cursor");
            let mut n = 0u64;
            let mut bytes = 0usize;
            let t = Instant::now();
            while let Some(m) = cursor.try_next().expect("read") {
                n += 1;
                bytes += m.payload.len();
            }
            let secs = t.elapsed().as_secs_f64();
            writeln!(
                out,
                "read {n} messages ({} MiB) in {secs:.2} s: {}",
                bytes >> 20,
                rss_line(rss())
            )
            .and_then(|_| out.flush())
            .expect("stdout");
            writeln!(out, "tailing")
                .and_then(|_| out.flush())
                .expect("stdout");
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).expect("stdin");
            let mut tailed = 0u64;
            while let Some(m) = cursor.next_within(Duration::from_secs(20)).expect("tail") {
                tailed += 1;
                if m.seq >= target {
                    break;
                }
            }
            writeln!(
                out,
                "tailed {tailed} messages (skipped {}): {}",
                cursor.skipped(),
                rss_line(rss())
            )
            .and_then(|_| out.flush())
            .expect("stdout");
        }
        other => panic!("unknown bench role {other:?}"),
    }
}

/// Roles that need no pool.
fn child_without_pool(role: &str) -> bool {
    match role {
        // Blocks in read(2) on stdin; reports receive time minus send time.
        "pipe-echo" => {
            let count = env_u64("PLASMITE_BENCH_COUNT");
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let mut input = std::io::stdin().lock();
            out.write_all(b"r").and_then(|_| out.flush()).expect("stdout");
            let mut lat = Vec::with_capacity(count as usize);
            let mut b = [0u8; 8];
            while (lat.len() as u64) < count && input.read_exact(&mut b).is_ok() {
                lat.push(mono_ns().saturating_sub(u64::from_le_bytes(b)));
                if out.write_all(b"a").and_then(|_| out.flush()).is_err() {
                    break;
                }
            }
            let mut text = String::new();
            for l in lat {
                let _ = writeln!(text, "{l}");
            }
            let _ = out.write_all(text.as_bytes());
            true
        }
        _ => false,
    }
}
