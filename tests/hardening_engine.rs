//! Hardening of the engine (issue 10, items 1, 2, 4, 5 and 17): a pool file
//! truncated under a server or a follower, a sparse pool on a full
//! filesystem, `ulimit -f` on create, bad index slots, a pool copied while
//! its writer lock was held, and readers without write permission. Every
//! case drives the real `pls` binary; none may end in a signal.

use crate::serve_support;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use plasmite::{Client, Durability, ErrorKind, Pool};
use serve_support::{pls, Server};

/// Exit codes of `pls` (see `exit_code` in the CLI).
const EXIT_PERMISSION: i32 = 6;
const EXIT_CORRUPT: i32 = 7;
const EXIT_IO: i32 = 8;

/// Offset of the lock holder's pid in the header (docs/format.md).
const OFF_OWNER_PID: u64 = 144;

/// Waits for `child` at most `limit`; kills it and panics past that.
fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs `cmd` to completion (at most `limit`), capturing its output.
fn run(mut cmd: Command, limit: Duration, what: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(out).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    let status = wait_bounded(&mut child, limit, what);
    Output {
        status,
        stdout: out.join().unwrap().into_bytes(),
        stderr: err.join().unwrap().into_bytes(),
    }
}

fn describe(o: &Output) -> String {
    format!(
        "status {:?} (signal {:?}), stdout {:?}, stderr {:?}",
        o.status.code(),
        o.status.signal(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn pls_in(dir: &Path, args: &[&str]) -> Command {
    let mut c = pls();
    c.arg("--dir").arg(dir).args(args);
    c
}

/// Appends `n` messages of about `fill` bytes to the pool at `path` with one
/// `pls append`.
fn fill_pool(path: &Path, n: usize, fill: usize) {
    let mut child = pls()
        .arg("append")
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let pad = "p".repeat(fill);
    for i in 0..n {
        writeln!(stdin, r#"{{"i":{i},"pad":"{pad}"}}"#).unwrap();
    }
    drop(stdin);
    assert!(wait_bounded(&mut child, Duration::from_secs(60), "fill").success());
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

// ---------------------------------------------------------------- item 1

#[test]
fn truncating_a_served_pool_fails_its_requests_and_nothing_else() {
    let s = Server::start(&[]);
    let victim = s.dir.join("victim.plasmite");
    s.create("victim", 1 << 20);
    s.create("other", 1 << 20);
    // Past the first 64 KiB of the file, so reads after the truncation
    // touch pages the file no longer has.
    fill_pool(&victim, 400, 400);
    let r = s.get("/v0/pools/victim/messages/1");
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post("/v0/pools/other/append", r#"{"data":{"before":true}}"#);
    assert_eq!(r.status, 200, "{}", r.text());

    truncate(&victim, 65536);
    let r = s.get("/v0/pools/victim/messages/400");
    assert_eq!(r.kind(), "Corrupt", "{} {}", r.status, r.text());
    assert!(r.status >= 400);
    assert!(
        r.text().contains("shrank from 1048576 to 65536 bytes"),
        "{}",
        r.text()
    );
    let r = s.post("/v0/pools/victim/append", r#"{"data":{"after":true}}"#);
    assert_eq!(r.kind(), "Corrupt", "{} {}", r.status, r.text());

    // Every other pool keeps serving.
    let r = s.get("/v0/pools/other/messages/1");
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post("/v0/pools/other/append", r#"{"data":{"after":true}}"#);
    assert_eq!(r.status, 200, "{}", r.text());

    // Down to nothing: the header page itself is gone.
    truncate(&s.dir.join("other.plasmite"), 0);
    let r = s.get("/v0/pools/other/info");
    assert_eq!(r.kind(), "Corrupt", "{} {}", r.status, r.text());
    assert!(
        r.text().contains("shrank from 1048576 to 0 bytes"),
        "{}",
        r.text()
    );

    s.create("fresh", 1 << 16);
    let r = s.post("/v0/pools/fresh/append", r#"{"data":1}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let mut s = s;
    assert!(
        s.child.as_mut().unwrap().try_wait().unwrap().is_none(),
        "the server exited"
    );
}

#[test]
fn a_library_user_survives_a_pool_truncated_under_it() {
    // This test process maps the pool itself: a SIGBUS would end the test
    // binary, not fail one test.
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let pool = client.create_pool("lib", 1 << 20).unwrap();
    let other = client.create_pool("other", 1 << 16).unwrap();
    let mut batch = plasmite::Batch::new();
    for i in 0..400 {
        batch
            .push_json(
                format!(r#"{{"i":{i},"pad":"{}"}}"#, "z".repeat(400)).as_bytes(),
                &["t"],
            )
            .unwrap();
    }
    pool.append_batch(&batch, Durability::Fast).unwrap();
    let path = dir.path().join("lib.plasmite");
    truncate(&path, 65536);
    // Readers on several threads at once: each gets the error.
    let readers: Vec<_> = (0..4)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let mut errors = 0;
                for seq in (300 + t..=400).step_by(4) {
                    match pool.get(seq) {
                        Ok(m) => panic!("get({seq}) returned {m:?} from a truncated pool"),
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::Corrupt, "{e:?}");
                            assert!(e.message().contains("shrank from 1048576 to 65536"), "{e:?}");
                            errors += 1;
                        }
                    }
                }
                errors
            })
        })
        .collect();
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    assert!(pool.is_damaged());
    let e = pool
        .append_json(b"1", &[] as &[&str], Durability::Fast)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e:?}");
    assert!(!pool.validate().is_clean());
    // Another pool is untouched; reopening the truncated one is refused.
    assert!(!other.is_damaged());
    other.append_json(b"2", &[] as &[&str], Durability::Fast).unwrap();
    assert_eq!(Pool::open(&path).unwrap_err().kind(), ErrorKind::Corrupt);
}

/// `pls tail -f` on a pool that is truncated to `len` once it has printed
/// everything: it must exit with Corrupt and say the file shrank.
fn follow_then_truncate(len: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.plasmite");
    Client::new(dir.path()).create_pool("f", 1 << 20).unwrap();
    fill_pool(&path, 400, 400);
    let mut child = pls()
        .args(["tail", "-f", "--since", "1"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let err = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    for i in 0..400 {
        rx.recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("follower printed only {i} messages"));
    }
    truncate(&path, len);
    let status = wait_bounded(&mut child, Duration::from_secs(30), "tail -f after truncation");
    let err = err.join().unwrap();
    assert_eq!(status.signal(), None, "tail died of a signal: {err}");
    assert_eq!(status.code(), Some(EXIT_CORRUPT), "{err}");
    assert!(
        err.contains(&format!("shrank from 1048576 to {len} bytes")),
        "{err}"
    );
}

#[test]
fn a_follower_of_a_truncated_pool_exits_with_the_error() {
    follow_then_truncate(65536);
    follow_then_truncate(0);
}

/// Whether this process may make a private mount namespace (root, or a
/// user namespace), for the full-filesystem test.
fn can_mount_tmpfs() -> bool {
    Command::new("unshare")
        .args(["-m", "sh", "-c"])
        .arg("d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && umount \"$d\" && rmdir \"$d\"")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_sparse_pool_on_a_full_filesystem_fails_the_append_with_io() {
    if !can_mount_tmpfs() {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs unshare -m and mount rights)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.plasmite");
    Client::new(dir.path()).create_pool("src", 2 << 20).unwrap();
    let input = dir.path().join("input");
    let line = format!("{{\"pad\":\"{}\"}}\n", "q".repeat(200));
    std::fs::write(&input, line.repeat(5000)).unwrap();
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    // A 1 MiB tmpfs holding a 2 MiB pool copied sparse (its blocks not
    // reserved), then filled up: the first append that needs a new page
    // finds no space.
    let script = r#"set -e
mount -t tmpfs -o size=1m tmpfs "$2"
cp --sparse=always "$3" "$2/p.plasmite"
dd if=/dev/zero of="$2/fill" bs=4096 2>/dev/null || true
set +e
"$1" append "$2/p.plasmite" < "$4"
echo "rc=$?"
"$1" get "$2/p.plasmite" 1 >/dev/null
echo "get=$?"
"#;
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c", script, "sh"])
        .arg(env!("CARGO_BIN_EXE_pls"))
        .arg(&mnt)
        .arg(&src)
        .arg(&input);
    let o = run(cmd, Duration::from_secs(60), "append on a full tmpfs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(stdout.contains(&format!("rc={EXIT_IO}")), "{}", describe(&o));
    assert!(stderr.contains("the disk is full"), "{}", describe(&o));
    // The file itself is intact: what was published reads back.
    assert!(
        stdout.contains("get=0") || stdout.contains("get=3"),
        "{}",
        describe(&o)
    );
}

// ---------------------------------------------------------------- item 2

#[test]
fn create_past_ulimit_f_is_an_io_error_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -f 100 && exec \"$0\" --dir \"$1\" create x --size 1M",
    ])
    .arg(env!("CARGO_BIN_EXE_pls"))
    .arg(dir.path());
    let o = run(cmd, Duration::from_secs(30), "create under ulimit -f");
    assert_eq!(o.status.signal(), None, "{}", describe(&o));
    assert_eq!(o.status.code(), Some(EXIT_IO), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(
        !stderr.contains(".x.plasmite."),
        "the error names the temp file: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // A pool under the limit is still created (200 blocks: at least
    // 100 KiB, whether the shell counts 512- or 1024-byte blocks).
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -f 200 && exec \"$0\" --dir \"$1\" create y --size 64K",
    ])
    .arg(env!("CARGO_BIN_EXE_pls"))
    .arg(dir.path());
    let o = run(cmd, Duration::from_secs(30), "small create under ulimit -f");
    assert!(o.status.success(), "{}", describe(&o));
}

#[test]
fn library_create_past_the_file_size_limit_is_an_io_error() {
    // The library alone (no SIG_IGN from the CLI) must not die either: run
    // this test's body in a child with a 100 KiB file size limit.
    if std::env::var_os("HARDENING_XFSZ_CHILD").is_some() {
        let dir = PathBuf::from(std::env::var_os("HARDENING_XFSZ_DIR").unwrap());
        let err = Client::new(&dir).create_pool("big", 1 << 20).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err:?}");
        println!("CHILD-OK {err}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args([
        "hardening_engine::library_create_past_the_file_size_limit_is_an_io_error",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("HARDENING_XFSZ_CHILD", "1")
    .env("HARDENING_XFSZ_DIR", dir.path());
    // SAFETY: setrlimit is async-signal-safe; runs in the forked child only.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 100 * 1024,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = run(cmd, Duration::from_secs(60), "library create under RLIMIT_FSIZE");
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("CHILD-OK"),
        "{}",
        describe(&o)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

// ---------------------------------------------------------------- item 4

#[test]
fn bad_index_slots_never_panic_and_doctor_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("ix", 64 * 1024).unwrap();
    let mut want = Vec::new();
    for i in 0..2000u64 {
        let body = format!(r#"{{"i":{i},"pad":"{}"}}"#, "w".repeat((i % 50) as usize));
        let r = pool
            .append_json(body.as_bytes(), &["t"], Durability::Fast)
            .unwrap();
        want.push((r.seq, body));
    }
    let geo = pool.geometry();
    let info = pool.info().unwrap();
    assert!(info.oldest.unwrap() > 1, "the pool must have wrapped");
    drop(pool);
    let path = dir.path().join("ix.plasmite");
    let pristine = std::fs::read(&path).unwrap();
    let ring = geo.ring_size;
    let (oldest, newest) = (info.oldest.unwrap(), info.newest.unwrap());
    // The published state (docs/format.md): generation at 256, slots at
    // 320 and 384 holding oldest_pos at +0 and write_pos at +16.
    let word = |off: usize| u64::from_le_bytes(pristine[off..off + 8].try_into().unwrap());
    let slot = [320, 384][(word(256) % 2) as usize];
    let (oldest_pos, write_pos) = (word(slot), word(slot + 16));
    // Slot values inside the retained range that are not frame starts. The
    // last byte of a lap (ring offset ring_size - 1) panicked ("mapping
    // access out of bounds"): four bytes from it run past the file's end.
    let lap_end = (write_pos / ring) * ring - 1;
    assert!(
        lap_end >= oldest_pos && lap_end < write_pos,
        "the retained range must span the wrap"
    );
    for bad in [lap_end, lap_end - 3, lap_end - 6, oldest_pos + 1, write_pos - 1] {
        let mut b = pristine.clone();
        for seq in oldest..=newest {
            let off = 4096 + (seq % geo.index_capacity) as usize * 8;
            b[off..off + 8].copy_from_slice(&bad.to_le_bytes());
        }
        std::fs::write(&path, &b).unwrap();
        let pool = Pool::open(&path).unwrap();
        for (seq, body) in want.iter().filter(|(s, _)| *s >= oldest) {
            let m = pool
                .get(*seq)
                .unwrap_or_else(|e| panic!("slot {bad}: get({seq}): {e:?}"));
            let compact: serde_json::Value = serde_json::from_slice(m.payload()).unwrap();
            assert_eq!(compact, serde_json::from_str::<serde_json::Value>(body).unwrap());
        }
        let report = pool.validate();
        assert!(report.stale_index_slots > 0, "slot {bad}: {report:?}");
        assert!(
            report.problems.iter().any(|p| p.message.contains("index slot")),
            "slot {bad}: {report:?}"
        );
        let o = run(
            pls_in(dir.path(), &["doctor", "ix"]),
            Duration::from_secs(30),
            "doctor",
        );
        assert_eq!(o.status.code(), Some(EXIT_CORRUPT), "{}", describe(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("index slot of message"),
            "{}",
            describe(&o)
        );
        let o = run(
            pls_in(dir.path(), &["get", "ix", &newest.to_string()]),
            Duration::from_secs(30),
            "get",
        );
        assert!(o.status.success(), "slot {bad}: {}", describe(&o));
    }
    std::fs::write(&path, &pristine).unwrap();
    let o = run(
        pls_in(dir.path(), &["doctor", "ix"]),
        Duration::from_secs(30),
        "doctor",
    );
    assert!(o.status.success(), "{}", describe(&o));
}

// ---------------------------------------------------------------- item 5

/// A `pls append` kept busy by a thread feeding it lines.
struct BusyWriter {
    child: Child,
}

impl BusyWriter {
    fn start(path: &Path) -> BusyWriter {
        let mut child = pls()
            .arg("append")
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let chunk = format!("{{\"pad\":\"{}\"}}\n", "b".repeat(3000)).repeat(64);
            while stdin.write_all(chunk.as_bytes()).is_ok() {}
        });
        BusyWriter { child }
    }

    fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).unwrap();
    }
}

impl Drop for BusyWriter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until process `pid` is in scheduler state `state` (/proc/PID/stat).
fn wait_for_state(pid: u32, state: char) {
    let stat = format!("/proc/{pid}/stat");
    serve_support::wait_for(
        &format!("pid {pid} in state {state}"),
        Duration::from_secs(10),
        || {
            std::fs::read_to_string(&stat)
                .is_ok_and(|s| s.rsplit(") ").next().is_some_and(|r| r.starts_with(state)))
        },
    );
}

fn owner_pid(path: &Path) -> u32 {
    use std::os::unix::fs::FileExt;
    let mut b = [0u8; 4];
    std::fs::File::open(path)
        .unwrap()
        .read_exact_at(&mut b, OFF_OWNER_PID)
        .unwrap();
    u32::from_le_bytes(b)
}

/// Stops `w` at a moment it holds the writer lock (a bounded number of
/// tries); the lock holder's pid is then in the file.
fn stop_while_holding(w: &BusyWriter, path: &Path) {
    use nix::sys::signal::Signal;
    for _ in 0..5000 {
        w.signal(Signal::SIGSTOP);
        // SIGSTOP takes effect asynchronously: wait until the state says so.
        wait_for_state(w.child.id(), 'T');
        if owner_pid(path) == w.child.id() {
            return;
        }
        w.signal(Signal::SIGCONT);
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("never caught the writer holding its lock");
}

#[test]
fn a_pool_copied_while_its_lock_was_held_is_not_busy_forever() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    client.create_pool("orig", 4 << 20).unwrap();
    let orig = dir.path().join("orig.plasmite");
    let writer = BusyWriter::start(&orig);
    stop_while_holding(&writer, &orig);
    let pid = writer.child.id();
    let copy = dir.path().join("copy.plasmite");
    let backup = dir.path().join("backup.bin");
    std::fs::copy(&orig, &copy).unwrap();
    std::fs::copy(&orig, &backup).unwrap();
    assert_eq!(owner_pid(&copy), pid);

    // The holder is alive (stopped) but holds the original, not the copy.
    let o = run(
        pls_in(dir.path(), &["doctor", "copy"]),
        Duration::from_secs(30),
        "doctor copy",
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        text.contains(&format!(
            "warning: the writer lock is marked held by pid {pid} for another file"
        )),
        "{}",
        describe(&o)
    );
    let started = Instant::now();
    let mut cmd = pls_in(dir.path(), &["append", "copy"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"into\":\"copy\"}\n")
        .unwrap();
    let status = wait_bounded(&mut child, Duration::from_secs(60), "append to the copy");
    let err = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert!(status.success(), "append to the copy: {status:?} {err}");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "took {:?}",
        started.elapsed()
    );
    let copied = Pool::open(&copy).unwrap();
    let newest = copied.newest_seq().unwrap().unwrap();
    assert_eq!(copied.get(newest).unwrap().payload(), br#"{"into":"copy"}"#);
    assert!(copied.validate().is_clean(), "{:?}", copied.validate());
    drop(copied);

    // The holder dies; the backup (taken while it held the lock) is then
    // restored over the original in place (same inode): its recorded holder
    // is dead, and nothing else would ever release that lock.
    drop(writer);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&orig)
        .unwrap();
    std::io::copy(&mut std::fs::File::open(&backup).unwrap(), &mut out).unwrap();
    drop(out);
    assert_eq!(owner_pid(&orig), pid);
    let o = run(
        pls_in(dir.path(), &["doctor", "orig"]),
        Duration::from_secs(30),
        "doctor orig",
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!(
            "warning: the writer lock is held by pid {pid}, which is no longer running"
        )),
        "{}",
        describe(&o)
    );
    let pool = Pool::open(&orig).unwrap();
    let started = Instant::now();
    let r = pool
        .append_json(br#"{"into":"orig"}"#, &[] as &[&str], Durability::Fast)
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(pool.get(r.seq).unwrap().payload(), br#"{"into":"orig"}"#);
    assert!(pool.validate().is_clean(), "{:?}", pool.validate());
}

// ---------------------------------------------------------------- item 17

/// A command that runs `pls` without write permission on the pool file:
/// as `nobody` when we are root (root ignores file modes), else as
/// ourselves on a file made read-only.
fn as_reader(dir: &Path, args: &[&str]) -> Command {
    let mut c = pls_in(dir, args);
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        c.uid(65534).gid(65534);
    }
    c
}

fn make_readable_only(dir: &Path, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // SAFETY: getuid cannot fail.
    let mode = if unsafe { libc::getuid() } == 0 {
        0o644
    } else {
        0o444
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_reader_without_write_permission_can_read_and_follow() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("pools");
    std::fs::create_dir(&dir).unwrap();
    let client = Client::new(&dir);
    let pool = client.create_pool("ro", 1 << 20).unwrap();
    for i in 1..=3 {
        pool.append_json(format!(r#"{{"n":{i}}}"#).as_bytes(), &["x"], Durability::Fast)
            .unwrap();
    }
    let path = dir.join("ro.plasmite");
    make_readable_only(&dir, &path);
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let limit = Duration::from_secs(30);
    let o = run(as_reader(&dir, &["get", "ro", "2"]), limit, "get");
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(r#""data":{"n":2}"#),
        "{}",
        describe(&o)
    );
    let o = run(as_reader(&dir, &["info", "ro"]), limit, "info");
    assert!(o.status.success(), "{}", describe(&o));
    let o = run(as_reader(&dir, &["doctor", "ro"]), limit, "doctor");
    assert!(o.status.success(), "{}", describe(&o));
    let o = run(as_reader(&dir, &["tail", "-n", "2", "ro"]), limit, "tail -n");
    assert!(o.status.success(), "{}", describe(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        2,
        "{}",
        describe(&o)
    );

    // A follower wakes on a new message (by polling: it cannot tell the
    // writer it sleeps), and exits once it has it.
    let mut cmd = as_reader(&dir, &["tail", "-f", "--since", "4", "--max", "1", "ro"]);
    let mut follower = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it sleeps waiting for seq 4, append it.
    wait_for_state(follower.id(), 'S');
    pool.append_json(br#"{"n":"new"}"#, &["x"], Durability::Fast)
        .unwrap();
    let status = wait_bounded(&mut follower, limit, "read-only follower");
    let out = std::io::read_to_string(follower.stdout.take().unwrap()).unwrap();
    let err = std::io::read_to_string(follower.stderr.take().unwrap()).unwrap();
    assert!(status.success(), "{status:?} {err}");
    assert!(out.contains(r#""data":{"n":"new"}"#), "{out} {err}");

    // Appending is refused with Permission, not a crash.
    let mut cmd = as_reader(&dir, &["append", "ro"]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{\"no\":1}\n").unwrap();
    let status = wait_bounded(&mut child, limit, "read-only append");
    let err = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert_eq!(status.code(), Some(EXIT_PERMISSION), "{err}");

    // A pool this user may not even read: doctor says Permission.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        let o = run(as_reader(&dir, &["doctor", "ro"]), limit, "doctor unreadable");
        assert_eq!(o.status.code(), Some(EXIT_PERMISSION), "{}", describe(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Permission"),
            "{}",
            describe(&o)
        );
        let o = run(
            as_reader(&dir, &["doctor", "--json", "ro"]),
            limit,
            "doctor unreadable",
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(r#""kind":"Permission""#),
            "{}",
            describe(&o)
        );
    }
}

#[test]
fn a_pool_on_a_read_only_filesystem_can_be_read() {
    if !can_mount_tmpfs() {
        eprintln!("SKIPPED: cannot make a private mount namespace here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("rofs", 1 << 16).unwrap();
    pool.append_json(br#"{"on":"rofs"}"#, &["x"], Durability::Fast)
        .unwrap();
    drop(pool);
    let script = r#"set -e
mount --bind "$2" "$2"
mount -o remount,ro,bind "$2" "$2"
"$1" --dir "$2" get rofs 1
"$1" --dir "$2" info rofs >/dev/null
"$1" --dir "$2" doctor rofs
"$1" --dir "$2" tail -f --timeout 200ms rofs || test $? -eq 124
set +e
echo '{"no":1}' | "$1" --dir "$2" append rofs
echo "append=$?"
"#;
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c", script, "sh"])
        .arg(env!("CARGO_BIN_EXE_pls"))
        .arg(dir.path());
    let o = run(cmd, Duration::from_secs(60), "read-only filesystem");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(out.contains(r#""data":{"on":"rofs"}"#), "{}", describe(&o));
    assert!(out.contains("rofs: ok (1 messages checked)"), "{}", describe(&o));
    assert!(
        out.contains(&format!("append={EXIT_PERMISSION}")),
        "{}",
        describe(&o)
    );
}

// ------------------------------------------- item 1: the handler's scope

extern "C" fn host_handler(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(42) }
}

/// In a child: maybe install a host SIGBUS handler, open a pool (which
/// installs plasmite's), then fault on a truncated mapping that is not a
/// pool's.
fn fault_outside_a_pool(host: bool) {
    if host {
        // SAFETY: installs a handler that only calls _exit.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = host_handler as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut act.sa_mask);
            assert_eq!(libc::sigaction(libc::SIGBUS, &act, std::ptr::null_mut()), 0);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("p", 1 << 16).unwrap();
    pool.append_json(b"1", &[] as &[&str], Durability::Fast).unwrap();
    let path = dir.path().join("other");
    std::fs::write(&path, vec![1u8; 8192]).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    // SAFETY: maps 8192 bytes of a file of that size; it is then truncated,
    // and reading it faults on purpose (the point of this test).
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            8192,
            libc::PROT_READ,
            libc::MAP_SHARED,
            std::os::fd::AsRawFd::as_raw_fd(&f),
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        truncate_file(&path);
        let v = std::ptr::read_volatile((p as *const u8).add(4096));
        println!("READ {v}");
    }
}

fn truncate_file(path: &Path) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(0)
        .unwrap();
}

#[test]
fn faults_outside_pool_mappings_keep_the_hosts_behaviour() {
    if let Ok(role) = std::env::var("HARDENING_FAULT_ROLE") {
        fault_outside_a_pool(role == "host");
        return;
    }
    for (role, want_code, want_signal) in [("host", Some(42), None), ("default", None, Some(libc::SIGBUS))] {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "hardening_engine::faults_outside_pool_mappings_keep_the_hosts_behaviour",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HARDENING_FAULT_ROLE", role)
        .env("RUST_BACKTRACE", "0");
        let o = run(cmd, Duration::from_secs(60), role);
        assert!(
            !String::from_utf8_lossy(&o.stdout).contains("READ"),
            "{role}: {}",
            describe(&o)
        );
        assert_eq!(o.status.code(), want_code, "{role}: {}", describe(&o));
        assert_eq!(o.status.signal(), want_signal, "{role}: {}", describe(&o));
    }
}
