//! Helpers shared by the engine integration tests: deterministic,
//! self-verifying payloads and child processes that re-run the test binary
//! in a given role.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Environment variable naming a child's role; absent in the parent.
pub const ROLE: &str = "PLASMITE_TEST_ROLE";

/// SplitMix64: a tiny deterministic mixer for payload contents.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

/// The payload of message `i` of writer `w` with `fill_len` filler bytes:
/// `{"w":W,"i":I,"n":N,"f":"<filler derived from (w, i)>"}`. Compact JSON,
/// so it is stored byte for byte.
pub fn payload(w: u64, i: u64, fill_len: usize) -> Vec<u8> {
    let mut out = format!("{{\"w\":{w},\"i\":{i},\"n\":{fill_len},\"f\":\"").into_bytes();
    let mut state = mix((w << 40) ^ i ^ 0x5EED);
    for k in 0..fill_len {
        if k % 8 == 0 {
            state = mix(state);
        }
        out.push(ALPHABET[((state >> ((k % 8) * 6)) & 63) as usize]);
    }
    out.extend_from_slice(b"\"}");
    out
}

/// Checks that `bytes` is exactly a payload made by [`payload`] and returns
/// its `(w, i)`. Any torn, shifted or foreign byte fails.
pub fn check_payload(bytes: &[u8]) -> Result<(u64, u64), String> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("payload is not JSON ({e}): {:?}", String::from_utf8_lossy(bytes)))?;
    let field = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_u64())
            .ok_or_else(|| format!("payload lacks {k}: {:?}", String::from_utf8_lossy(bytes)))
    };
    let (w, i, n) = (field("w")?, field("i")?, field("n")?);
    if n > 1 << 24 {
        return Err(format!("payload has absurd n {n}"));
    }
    let want = payload(w, i, n as usize);
    if want != bytes {
        return Err(format!(
            "payload of w={w} i={i} differs from what was appended: {:?}",
            String::from_utf8_lossy(bytes)
        ));
    }
    Ok((w, i))
}

/// Filler length for message `i` of writer `w`: varies in `0..=max`.
pub fn fill_len(w: u64, i: u64, max: usize) -> usize {
    (mix(w.wrapping_mul(1_000_003) ^ i.rotate_left(17)) % (max as u64 + 1)) as usize
}

/// A child process running one test function of this binary in a role,
/// with its stdout lines delivered on a channel.
pub struct ChildProc {
    pub child: Child,
    pub lines: Receiver<String>,
    pub name: String,
}

/// Spawns this test binary running only `test_fn`, with `ROLE=role` and the
/// extra environment `env`.
pub fn spawn_child(test_fn: &str, role: &str, env: &[(&str, String)]) -> ChildProc {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args([test_fn, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(ROLE, role)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn child test process");
    let stdout = child.stdout.take().expect("child stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    let name = format!("{role} (pid {})", child.id());
    ChildProc {
        child,
        lines: rx,
        name,
    }
}

impl ChildProc {
    /// Waits (at most `timeout`) for a stdout line starting with `prefix`,
    /// skipping others (the harness's own output). Panics on timeout or EOF.
    pub fn expect_line(&mut self, prefix: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.starts_with(prefix) => return l,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("{}: no {prefix:?} line within {timeout:?}", self.name)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().ok();
                    panic!("{}: exited ({status:?}) before printing {prefix:?}", self.name)
                }
            }
        }
    }

    /// Waits (at most `timeout`) for the child to exit; kills it and panics
    /// if it takes longer.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("{}: still running after {timeout:?}", self.name);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits for a successful exit and returns every stdout line.
    pub fn finish(mut self, timeout: Duration) -> Vec<String> {
        let status = self.wait(timeout);
        let lines: Vec<String> = self.collect_rest();
        assert!(
            status.success(),
            "{} failed: {status:?}; output: {lines:?}",
            self.name
        );
        lines
    }

    /// Every stdout line not yet taken (after the child exited).
    pub fn collect_rest(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        // The reader thread ends at EOF, which follows the child's exit.
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(10)) {
            out.push(l);
        }
        out
    }
}

/// The value of `key` in the environment of a child (panics when absent).
pub fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("child needs {key}"))
}

/// Numeric environment value.
pub fn env_u64(key: &str) -> u64 {
    env(key)
        .parse()
        .unwrap_or_else(|_| panic!("{key} is not a number"))
}

/// Waits until `cond` holds, polling, at most `timeout`; false on timeout.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_micros(300));
    }
}

/// Reads a little-endian u32 of the pool file at `off` (through the page
/// cache, which the mapping shares).
pub fn file_u32(path: &Path, off: u64) -> u32 {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::open(path).expect("open pool file");
    let mut b = [0u8; 4];
    f.read_exact_at(&mut b, off).expect("read pool file");
    u32::from_le_bytes(b)
}

/// Offset of the commit word, the futex, in the header (docs/format.md).
pub const OFF_COMMIT: u64 = 448;

/// Whether a follower has said it sleeps on the commit word (its low bit).
pub fn follower_asleep(path: &Path) -> bool {
    file_u32(path, OFF_COMMIT) & 1 == 1
}

/// Offset of the lock holder's pid in the header (docs/format.md).
pub const OFF_OWNER_PID: u64 = 144;

/// The real `pls` with `args`, over the pool directory `dir`
/// (`PLASMITE_DIR`), stdin closed.
pub fn pls(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pls"));
    c.args(args).env("PLASMITE_DIR", dir).stdin(Stdio::null());
    c
}

/// Runs `cmd` with `input` on its stdin and collects its output. The input is
/// written from a thread, so a command that ends before reading it all, or
/// that writes a lot before reading, cannot deadlock the test.
pub fn output_with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}
