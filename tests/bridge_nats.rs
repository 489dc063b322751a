//! `pls bridge` against a real `nats-server -js` (started here on a free
//! loopback port with a temporary store, killed after): exactly once out
//! across SIGKILLs of the bridge and a restart of the server, exactly once in
//! across SIGKILLs, the round trip, a server that is down at start, `--once`,
//! `--since` and `--subject-from-tag`.
//!
//! The stream is read with the bridge itself (`bridge in`) and counted with
//! the server's own monitoring endpoint (`/jsz`), never with the `nats` CLI.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use plasmite::{CursorOptions, Pool};

/// The nats-server binary, or `None` (a loud skip) outside CI when absent.
fn nats_server_bin() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("nats-server"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "nats-server is not installed, and CI must run the bridge tests (.ci/run installs it)"
        );
        eprintln!("\n*** SKIPPED: nats-server is not installed (apt-get install nats-server) ***\n");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A nats-server with JetStream, its store in a temp dir.
struct Nats {
    bin: PathBuf,
    child: Option<Child>,
    port: u16,
    monitor: u16,
    store: tempfile::TempDir,
}

impl Nats {
    fn start(bin: &Path) -> Nats {
        let mut n = Nats {
            bin: bin.to_path_buf(),
            child: None,
            port: free_port(),
            monitor: free_port(),
            store: tempfile::tempdir().unwrap(),
        };
        n.spawn();
        n
    }

    /// A server that is not started yet (its port is reserved in name only).
    fn unstarted(bin: &Path) -> Nats {
        Nats {
            bin: bin.to_path_buf(),
            child: None,
            port: free_port(),
            monitor: free_port(),
            store: tempfile::tempdir().unwrap(),
        }
    }

    fn spawn(&mut self) {
        let child = Command::new(&self.bin)
            .args(["-js", "-sd"])
            .arg(self.store.path())
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-m", &self.monitor.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server");
        self.child = Some(child);
        let up = wait_until(Duration::from_secs(30), || self.jsz().is_some());
        assert!(up, "nats-server did not come up on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The server's JetStream summary (`/jsz`), `None` while it is down.
    fn jsz(&self) -> Option<serde_json::Value> {
        let mut s = TcpStream::connect(("127.0.0.1", self.monitor)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(s, "GET /jsz HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        let body = text.split("\r\n\r\n").nth(1)?;
        serde_json::from_str(body).ok()
    }

    /// Messages held by all streams of the server.
    fn messages(&self) -> u64 {
        self.jsz().and_then(|j| j["messages"].as_u64()).unwrap_or(0)
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cond()
}

fn pls(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pls"));
    c.arg("--dir").arg(dir).stdin(Stdio::null());
    c
}

fn run_ok(c: &mut Command) -> String {
    let out = c.stderr(Stdio::piped()).stdout(Stdio::piped()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{c:?} failed: {err}");
    err
}

/// A pool of `n` untagged messages `{"i":I,"pad":…}`, through `pls append`.
fn fill(dir: &Path, name: &str, n: u64) {
    let mut child = pls(dir)
        .args(["append", name, "--create", "--size", "128M", "-q"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        let mut text = String::new();
        for i in 1..=n {
            text.push_str(&format!(
                "{{\"i\":{i},\"pad\":\"{}\"}}\n",
                "x".repeat((i % 40) as usize)
            ));
        }
        input.write_all(text.as_bytes()).unwrap();
    }
    assert!(child.wait().unwrap().success());
}

/// A pool of `n` messages with varied tags, written through the library.
fn fill_tagged(dir: &Path, name: &str, n: u64) -> Pool {
    let client = plasmite::Client::new(dir);
    let pool = client.create_pool(name, 128 << 20).unwrap();
    let mut batch = plasmite::Batch::new();
    for i in 1..=n {
        let data = format!("{{\"i\":{i},\"pad\":\"{}\"}}", "x".repeat((i % 40) as usize));
        let tags = expected_tags(i);
        batch.push_json(data.as_bytes(), &tags).unwrap();
        if batch.len() == 1000 {
            pool.append_batch(&batch, plasmite::Durability::Fast).unwrap();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        pool.append_batch(&batch, plasmite::Durability::Fast).unwrap();
    }
    pool
}

fn expected_tags(i: u64) -> Vec<String> {
    if i % 5 == 0 {
        vec![]
    } else {
        vec![format!("t{}", i % 3), "all".into()]
    }
}

/// A message as read back: (seq, time, tags, data bytes, envelope).
type ReadBack = (u64, u64, Vec<String>, Vec<u8>, Vec<u8>);

/// Every message of a pool.
fn read_all(path: &Path) -> Vec<ReadBack> {
    let pool = Pool::open(path).unwrap();
    let mut c = pool.cursor(CursorOptions::default()).unwrap();
    let mut out = Vec::new();
    while let Some(m) = c.try_next().unwrap() {
        let mut env = Vec::new();
        m.write_envelope(&mut env).unwrap();
        out.push((m.seq, m.timestamp_ns, m.tags(), m.payload.to_vec(), env));
    }
    out
}

fn mark(path: &Path, name: &str) -> u64 {
    Pool::open(path)
        .unwrap()
        .mark(name)
        .unwrap()
        .map(|m| m.value)
        .unwrap_or(0)
}

fn count(path: &Path) -> u64 {
    Pool::open(path).unwrap().info().unwrap().message_count
}

#[test]
fn out_and_in_exactly_once_across_sigkills_and_a_server_restart() {
    let Some(bin) = nats_server_bin() else { return };
    const N: u64 = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let src = fill_tagged(dir.path(), "src", N);
    let src_path = src.path().to_path_buf();
    let mut nats = Nats::start(&bin);
    let url = nats.url();
    let out = |d: &Path| {
        let mut c = pls(d);
        c.args([
            "bridge",
            "out",
            "src",
            &url,
            "--stream",
            "EV",
            "--subject",
            "ev",
            "--window",
            "512",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    };

    // 20 SIGKILLs of the out-bridge, each once the stream has grown, and one
    // restart of the server in the middle of a run.
    let mut kills = 0;
    let mut mid_run = 0;
    while kills < 20 {
        let before = nats.messages();
        let mut child = out(dir.path()).spawn().unwrap();
        let grew = wait_until(Duration::from_secs(60), || {
            nats.messages() > before || before == N
        });
        assert!(grew, "the bridge made no progress after {kills} kills");
        if kills == 10 {
            nats.restart();
            let again = nats.messages();
            assert!(
                wait_until(Duration::from_secs(60), || nats.messages() > again || again == N),
                "no progress after the server restart"
            );
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if nats.messages() < N {
            mid_run += 1;
        }
        kills += 1;
    }
    eprintln!("out: {mid_run} of 20 SIGKILLs hit the bridge mid-run");
    assert!(
        mid_run >= 15,
        "only {mid_run} kills hit the bridge while it had work left"
    );
    // The rest, then exit.
    run_ok(out(dir.path()).arg("--once"));
    assert_eq!(nats.messages(), N, "the stream holds every message exactly once");
    assert_eq!(mark(&src_path, "out:EV"), N);

    // In: a second pool, SIGKILLed while it applies.
    let in_cmd = |d: &Path| {
        let mut c = pls(d);
        c.args([
            "bridge", "in", &url, "--stream", "EV", "dst", "--create", "--size", "128M", "--batch", "700",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    };
    let dst_path = dir.path().join("dst.plasmite");
    let mut in_kills = 0;
    for _ in 0..8 {
        let before = if dst_path.exists() { count(&dst_path) } else { 0 };
        if before == N {
            break;
        }
        let mut child = in_cmd(dir.path()).spawn().unwrap();
        let grew = wait_until(Duration::from_secs(60), || {
            dst_path.exists() && count(&dst_path) > before
        });
        assert!(grew, "the in-bridge made no progress");
        child.kill().unwrap();
        child.wait().unwrap();
        if count(&dst_path) < N {
            in_kills += 1;
        }
    }
    eprintln!("in: {in_kills} SIGKILLs hit the in-bridge mid-run");
    assert!(
        in_kills >= 5,
        "only {in_kills} kills hit the in-bridge while it had work left"
    );
    run_ok(in_cmd(dir.path()).arg("--once"));

    // Exactly once, in pool order, data bytes and tags identical, the
    // origin's seq and time kept.
    let a = read_all(&src_path);
    let b = read_all(&dst_path);
    assert_eq!(b.len() as u64, N, "the replica holds every message exactly once");
    let id = src.id_hex().unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.3, y.3, "data bytes of seq {}", x.0);
        assert_eq!(x.2, y.2, "tags of seq {}", x.0);
        assert_eq!(x.2, expected_tags(x.0));
        let env: serde_json::Value = serde_json::from_slice(&y.4).unwrap();
        let origin = &env["meta"]["origin"];
        assert_eq!(origin["pool"], id.as_str(), "origin of {}", x.0);
        assert_eq!(origin["seq"], x.0);
        assert_eq!(origin["time"], plasmite::format_rfc3339(x.1).as_str());
    }
    // Local seqs and times are the replica's own: times never decrease.
    assert!(b.windows(2).all(|w| w[0].1 <= w[1].1 && w[0].0 + 1 == w[1].0));
    assert_eq!(mark(&dst_path, "in:EV"), N);
}

#[test]
fn a_server_down_at_start_is_waited_for_and_caught_up() {
    let Some(bin) = nats_server_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    fill_tagged(dir.path(), "p", 500);
    let mut nats = Nats::unstarted(&bin);
    let mut child = pls(dir.path())
        .args([
            "bridge",
            "out",
            "p",
            &nats.url(),
            "--stream",
            "S",
            "--subject",
            "s",
            "--once",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(
        line.contains("waiting for") && line.contains("retrying"),
        "{line}"
    );
    nats.spawn();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(rest.contains("connected to"), "{rest}");
    assert_eq!(nats.messages(), 500);
}

#[test]
fn once_since_and_subject_from_tag() {
    let Some(bin) = nats_server_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), "plain", 10);
    let pool = fill_tagged(dir.path(), "tagged", 30);
    let nats = Nats::start(&bin);
    let url = nats.url();
    // --since 5: seqs 5..=10 only.
    run_ok(
        pls(dir.path())
            .args(out_once("plain", &url, "A", "a"))
            .args(["--since", "5"]),
    );
    assert_eq!(nats.messages(), 6);
    // --once again: nothing new is published.
    run_ok(pls(dir.path()).args(out_once("plain", &url, "A", "a")));
    assert_eq!(nats.messages(), 6);
    run_ok(pls(dir.path()).args([
        "bridge", "in", &url, "--stream", "A", "copy", "--create", "--once",
    ]));
    let copy = read_all(&dir.path().join("copy.plasmite"));
    let is: Vec<u64> = copy
        .iter()
        .map(|m| {
            serde_json::from_slice::<serde_json::Value>(&m.3).unwrap()["i"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(is, vec![5, 6, 7, 8, 9, 10]);

    // --subject-from-tag: B.t0, B.t1, B.t2 by first tag, untagged on B.
    run_ok(pls(dir.path()).args([
        "bridge",
        "out",
        "tagged",
        &url,
        "--stream",
        "B",
        "--subject",
        "b",
        "--subject-from-tag",
        "--once",
    ]));
    assert_eq!(nats.messages(), 6 + 30);
    run_ok(pls(dir.path()).args([
        "bridge",
        "in",
        &url,
        "--stream",
        "B",
        "--subject",
        "b.t1",
        "t1",
        "--create",
        "--once",
    ]));
    let t1 = read_all(&dir.path().join("t1.plasmite"));
    let want: Vec<u64> = (1..=30).filter(|i| i % 5 != 0 && i % 3 == 1).collect();
    let got: Vec<u64> = t1
        .iter()
        .map(|m| {
            serde_json::from_slice::<serde_json::Value>(&m.3).unwrap()["i"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(got, want);
    run_ok(pls(dir.path()).args([
        "bridge",
        "in",
        &url,
        "--stream",
        "B",
        "--subject",
        "b",
        "untagged",
        "--create",
        "--once",
        "--durability",
        "flush",
    ]));
    assert_eq!(count(&dir.path().join("untagged.plasmite")), 6);

    // Following, then SIGTERM: exit 130 with the position stored.
    let mut child = pls(dir.path())
        .args([
            "bridge",
            "out",
            "tagged",
            &url,
            "--stream",
            "C",
            "--subject",
            "c",
            "-q",
        ])
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(60), || nats.messages() == 6 + 30 + 30));
    pool.append_json(b"{\"late\":true}", &["t1"], plasmite::Durability::Fast)
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(60), || nats.messages() == 6 + 30 + 31),
        "a new message follows"
    );
    // SAFETY: sends SIGTERM to a child this test started.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(mark(pool.path(), "out:C"), 31);
}

#[test]
fn once_gives_up_on_a_server_that_stays_down() {
    // No nats-server needed: nothing listens on the port.
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), "p", 3);
    let url = format!("nats://127.0.0.1:{}", free_port());
    let t0 = Instant::now();
    let out = pls(dir.path())
        .args(out_once("p", &url, "S", "s"))
        .args(["--timeout", "1s"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{err}");
    assert!(err.contains("waiting for"), "{err}");
    assert!(err.contains("gave up on") && err.contains("--timeout"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    // The same for the inbound direction, and nothing was appended.
    let out = pls(dir.path())
        .args([
            "bridge",
            "in",
            &url,
            "--stream",
            "S",
            "p",
            "--once",
            "--timeout",
            "1s",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(8),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&dir.path().join("p.plasmite")), 3);
}

/// `bridge out POOL URL --stream STREAM --subject SUBJECT --once`.
fn out_once<'a>(pool: &'a str, url: &'a str, stream: &'a str, subject: &'a str) -> [&'a str; 9] {
    [
        "bridge",
        "out",
        pool,
        url,
        "--stream",
        stream,
        "--subject",
        subject,
        "--once",
    ]
}

#[test]
fn a_stream_that_does_not_take_the_subject_is_a_usage_error() {
    let Some(bin) = nats_server_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), "p", 5);
    let nats = Nats::start(&bin);
    let url = nats.url();
    // Stream S exists, on subject "one" only.
    run_ok(pls(dir.path()).args(out_once("p", &url, "S", "one")));
    assert_eq!(nats.messages(), 5);
    // Publishing to "two": no stream answers. Retrying cannot fix that.
    fill(dir.path(), "q", 5);
    let out = pls(dir.path())
        .args(out_once("q", &url, "S", "two"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no JetStream stream takes subject") && err.contains("two"),
        "{err}"
    );
    assert!(err.contains("\"hint\""), "{err}");
    assert_eq!(nats.messages(), 5);
}

#[test]
fn timeout_counts_from_when_the_server_went_away_not_from_an_earlier_outage() {
    let Some(bin) = nats_server_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    // An empty pool: the session connects and hands nothing over.
    run_ok(pls(dir.path()).args(["create", "p"]));
    let mut nats = Nats::unstarted(&bin);
    let url = nats.url();
    let mut child = pls(dir.path())
        .args([
            "bridge",
            "out",
            "p",
            &url,
            "--stream",
            "S",
            "--subject",
            "s",
            "--timeout",
            "3s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let err = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |what: &str| {
        let end = Instant::now() + Duration::from_secs(30);
        while let Ok(l) = rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            if l.contains(what) {
                return;
            }
        }
        panic!("no status line with {what:?}");
    };
    // Out of reach at start (the clock starts), then connected and idle
    // for longer than --timeout.
    wait_for("waiting for");
    nats.spawn();
    wait_for("caught up");
    std::thread::sleep(Duration::from_secs(4));
    assert!(child.try_wait().unwrap().is_none(), "gave up while connected");
    // The server goes away: the bridge waits its 3 s again before giving up.
    let gone = Instant::now();
    nats.stop();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(gone.elapsed() < Duration::from_secs(30), "did not give up");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(8));
    assert!(
        gone.elapsed() >= Duration::from_millis(2500),
        "gave up after {:?}",
        gone.elapsed()
    );
}

/// Publishes one message with headers through the NATS protocol itself
/// (`HPUB`), as an application other than `pls bridge out` would, and
/// waits for the server to have read it (`PING`/`PONG`).
fn hpub(port: u16, subject: &str, headers: &[(&str, &str)], payload: &str) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap(); // INFO {...}
    let mut head = String::from("NATS/1.0\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    write!(
        s,
        "CONNECT {{\"verbose\":false,\"pedantic\":false,\"headers\":true}}\r\nHPUB {subject} {} {}\r\n{head}{payload}\r\nPING\r\n",
        head.len(),
        head.len() + payload.len()
    )
    .unwrap();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        assert!(!line.starts_with("-ERR"), "{line}");
        if line.starts_with("PONG") {
            break;
        }
    }
}

#[test]
fn foreign_headers_do_not_stop_bridge_in() {
    let Some(bin) = nats_server_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    fill_tagged(dir.path(), "p", 2);
    let nats = Nats::start(&bin);
    let url = nats.url();
    run_ok(pls(dir.path()).args(out_once("p", &url, "S", "s")));
    // Another application publishes to the stream with headers that are
    // not what bridge out writes.
    hpub(nats.port, "s", &[("Plasmite-Tags", "not json")], r#"{"x":1}"#);
    hpub(
        nats.port,
        "s",
        &[
            ("Plasmite-Pool", "zz"),
            ("Plasmite-Seq", "1"),
            ("Plasmite-Time", "yesterday"),
        ],
        "plain text",
    );
    assert!(wait_until(Duration::from_secs(10), || nats.messages() == 4));
    let err = run_ok(pls(dir.path()).args([
        "bridge", "in", &url, "--stream", "S", "copy", "--create", "--once",
    ]));
    assert!(err.contains("stream seq 3: Plasmite-Tags \"not json\""), "{err}");
    assert!(err.contains("stream seq 4: origin headers"), "{err}");
    let copy = read_all(&dir.path().join("copy.plasmite"));
    assert_eq!(copy.len(), 4);
    assert_eq!(copy[0].2, expected_tags(1));
    assert_eq!((copy[2].2.len(), copy[2].3.as_slice()), (0, &br#"{"x":1}"#[..]));
    assert_eq!(copy[3].3, br#""plain text""#);
    // Messages 1 and 2 came from bridge out: they keep their origin.
    let env: serde_json::Value = serde_json::from_slice(&copy[0].4).unwrap();
    assert_eq!(env["meta"]["origin"]["seq"], 1);
    let env: serde_json::Value = serde_json::from_slice(&copy[3].4).unwrap();
    assert!(env["meta"].get("origin").is_none(), "{env}");
}
