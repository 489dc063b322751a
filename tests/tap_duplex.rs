//! `pls tap` and `pls duplex` (issue 11, section 3), driving the real binary.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::serve_support::{pls, wait_for, Server};
use plasmite::Client;

const LIMIT: Duration = Duration::from_secs(60);

fn data(dir: &Path, pool: &str) -> Vec<(Value, Vec<String>)> {
    let pool = Client::new(dir).open_pool(pool).unwrap();
    let info = pool.info().unwrap();
    let (Some(oldest), Some(newest)) = (info.oldest, info.newest) else {
        return Vec::new();
    };
    (oldest..=newest)
        .map(|s| {
            let m = pool.get(s).unwrap();
            let mut env = Vec::new();
            m.as_ref().write_envelope(&mut env).unwrap();
            let v: Value = serde_json::from_slice(&env).unwrap();
            let tags = v["meta"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            (v["data"].clone(), tags)
        })
        .collect()
}

fn text(o: &Output) -> String {
    format!(
        "status {}\nstdout {}\nstderr {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tap(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = pls()
        .arg("tap")
        .args(args)
        .env("PLASMITE_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn lines_of(msgs: &[(Value, Vec<String>)], stream: &str) -> Vec<String> {
    msgs.iter()
        .filter(|(d, _)| d["kind"] == "line" && d["stream"] == stream)
        .map(|(d, _)| d["line"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tap_records_both_streams_between_start_and_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let script = "echo o1; echo e1 >&2; echo o2; printf 'e2\\r\\n' >&2; printf last; exit 3";
    let o = tap(
        dir,
        &[
            "t", "--create", "-t", "build", "-t", "ci", "--", "sh", "-c", script,
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    // The output still reaches the terminal, each stream to its own.
    assert_eq!(String::from_utf8_lossy(&o.stdout), "o1\no2\nlast");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "e1\ne2\r\n");
    let msgs = data(dir, "t");
    assert_eq!(msgs.len(), 7, "{msgs:?}");
    assert_eq!(msgs[0].0, json!({"kind": "start", "cmd": ["sh", "-c", script]}));
    assert_eq!(msgs[0].1, ["lifecycle"]);
    assert_eq!(lines_of(&msgs, "stdout"), ["o1", "o2", "last"]);
    assert_eq!(lines_of(&msgs, "stderr"), ["e1", "e2"]);
    for (d, tags) in &msgs[1..6] {
        assert_eq!(d["kind"], "line");
        assert_eq!(tags, &["build", "ci"]);
    }
    let (exit, tags) = &msgs[6];
    assert_eq!(exit["kind"], "exit");
    assert_eq!(exit["code"], 3);
    assert!(exit["elapsed_ms"].is_u64());
    assert_eq!(tags, &["lifecycle"]);
}

#[test]
fn tap_keeps_every_line_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("many", 16 << 20).unwrap();
    let o = tap(dir, &["many", "-q", "--", "seq", "1", "30000"], b"");
    assert!(o.status.success(), "{}", text(&o));
    assert!(o.stdout.is_empty(), "-q copies nothing");
    let msgs = data(dir, "many");
    let want: Vec<String> = (1..=30000).map(|i| i.to_string()).collect();
    assert_eq!(lines_of(&msgs, "stdout"), want);
    assert_eq!(msgs.last().unwrap().0["code"], 0);
}

#[test]
fn tap_passes_stdin_and_records_bad_utf8_lossily() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("in", 1 << 20).unwrap();
    let o = tap(dir, &["in", "--", "cat"], b"hello\nw\xffrld\n");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(o.stdout, b"hello\nw\xffrld\n", "bytes are copied as they are");
    assert_eq!(lines_of(&data(dir, "in"), "stdout"), ["hello", "w\u{FFFD}rld"]);
}

#[test]
fn tap_exit_status_of_a_signal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("sig", 1 << 20).unwrap();
    let o = tap(dir, &["sig", "--", "sh", "-c", "echo before; kill -TERM $$"], b"");
    assert_eq!(o.status.code(), Some(128 + 15), "{}", text(&o));
    let msgs = data(dir, "sig");
    let exit = &msgs.last().unwrap().0;
    assert_eq!(exit["kind"], "exit");
    assert_eq!(exit["signal"], "SIGTERM");
    assert!(exit.get("code").is_none());
    // A missing command is a usage error, and nothing is recorded.
    let o = tap(dir, &["sig", "--", "/nonexistent/cmd"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(data(dir, "sig").len(), msgs.len());
}

#[test]
fn tap_forwards_ctrl_c_to_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("int", 1 << 20).unwrap();
    let script = "trap 'echo got-int; exit 7' INT; echo ready; while :; do sleep 0.05; done";
    let child = pls()
        .args(["tap", "int", "-q", "--", "sh", "-c", script])
        .env("PLASMITE_DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("ready", LIMIT, || {
        lines_of(&data(dir, "int"), "stdout").contains(&"ready".to_string())
    });
    // SIGINT to pls alone (not its process group): pls forwards it.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    let msgs = data(dir, "int");
    assert_eq!(lines_of(&msgs, "stdout"), ["ready", "got-int"]);
    assert_eq!(msgs.last().unwrap().0["code"], 7);
}

/// A running `pls duplex`: its stdin held open, its stdout collected.
struct Duplex {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<Vec<Value>>>,
}

impl Duplex {
    fn start(dir: &Path, args: &[&str]) -> Duplex {
        let mut child = pls()
            .arg("duplex")
            .args(args)
            .env("PLASMITE_DIR", dir)
            .env_remove("PLASMITE_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(serde_json::from_str(&line).unwrap());
            }
        });
        Duplex {
            stdin: child.stdin.take(),
            child,
            out,
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn data(&self) -> Vec<Value> {
        self.out
            .lock()
            .unwrap()
            .iter()
            .map(|e| e["data"].clone())
            .collect()
    }

    fn finish(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        self.child.wait().unwrap()
    }
}

fn two_participants(dir: &Path, pool: &str) {
    // `-n 10`: each sees the whole (new) pool, whenever it started following.
    let mut alice = Duplex::start(dir, &[pool, "--me", "alice", "--jsonl", "-n", "10"]);
    let mut bob = Duplex::start(dir, &[pool, "--me", "bob", "--echo-self", "-n", "10"]);
    alice.send(r#"{"from":"alice","msg":"hi bob"}"#);
    wait_for("bob hears alice", LIMIT, || {
        bob.data().contains(&json!({"from":"alice","msg":"hi bob"}))
    });
    bob.send(r#"{"from":"bob","msg":"hi alice"}"#);
    bob.send(r#"{"note":"no sender"}"#);
    wait_for("alice hears bob", LIMIT, || {
        alice.data().contains(&json!({"note":"no sender"}))
    });
    // Alice's own message is hidden from her; bob asked to see his.
    assert_eq!(
        alice.data(),
        [
            json!({"from":"bob","msg":"hi alice"}),
            json!({"note":"no sender"})
        ]
    );
    wait_for("bob sees his own", LIMIT, || bob.data().len() == 3);
    assert_eq!(bob.data()[1], json!({"from":"bob","msg":"hi alice"}));
    // Envelopes, as JSON Lines.
    assert!(alice.out.lock().unwrap()[0]["seq"].is_u64());
    // Each ends when its stdin ends.
    assert!(alice.finish().success());
    assert!(bob.finish().success());
}

#[test]
fn duplex_two_participants_through_a_local_pool() {
    let tmp = tempfile::tempdir().unwrap();
    Client::new(tmp.path()).create_pool("chat", 1 << 20).unwrap();
    two_participants(tmp.path(), "chat");
}

#[test]
fn duplex_two_participants_through_a_remote_pool() {
    let s = Server::start(&[]);
    Client::new(&s.dir).create_pool("chat", 1 << 20).unwrap();
    let other = tempfile::tempdir().unwrap();
    two_participants(other.path(), &format!("{}/chat", s.url()));
    assert_eq!(data(&s.dir, "chat").len(), 3);
    // A remote pool is not created from here.
    let o = pls()
        .args(["duplex", &format!("{}/new", s.url()), "--create"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn duplex_tail_and_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("t", 1 << 20).unwrap();
    for i in 0..3 {
        let o = pls()
            .args(["append", "t", &format!("{{\"i\":{i}}}")])
            .env("PLASMITE_DIR", dir)
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    let d = Duplex::start(dir, &["t", "-n", "2", "--timeout", "300ms"]);
    let status = d.child.wait_with_output().unwrap().status;
    assert_eq!(status.code(), Some(124));
    assert_eq!(d.out.lock().unwrap().len(), 2);
}

/// On a terminal: typed lines are sent as {"from","msg"}; --me is required.
#[test]
fn duplex_on_a_terminal_sends_typed_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("tty", 1 << 20).unwrap();
    let bin = env!("CARGO_BIN_EXE_pls");
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &format!("{bin} duplex tty --me carol"), "/dev/null"])
        .env("PLASMITE_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"hello there\n\n").unwrap();
    stdin.flush().unwrap();
    wait_for("the typed line", LIMIT, || !data(dir, "tty").is_empty());
    assert_eq!(data(dir, "tty")[0].0, json!({"from":"carol","msg":"hello there"}));
    stdin.write_all(b"\x04").unwrap(); // Ctrl-D: end of input
    stdin.flush().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(data(dir, "tty").len(), 1, "the empty line is not sent");
    // Without --me, a terminal is refused.
    let o = std::process::Command::new("script")
        .args(["-qfec", &format!("{bin} duplex tty"), "/dev/null"])
        .env("PLASMITE_DIR", dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
