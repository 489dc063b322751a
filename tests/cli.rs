//! Drives the real `pls` binary: every command and flag, pipelines, exit
//! codes and error envelopes, following across processes, closed pipes.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn pools(&self) -> PathBuf {
        self.dir.path().join("pools")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::pls(&self.pools(), args);
        c.env_remove("NO_COLOR");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        common::output_with_stdin(self.cmd(args), input)
    }

    /// Runs and asserts success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "pls {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn lines(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).expect(l)).collect()
}

fn error_of(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stderr);
    let last = text
        .lines()
        .last()
        .unwrap_or_else(|| panic!("no stderr; stdout: {:?}", out.stdout));
    serde_json::from_str::<Value>(last).unwrap_or_else(|_| panic!("stderr is not JSON: {text}"))["error"]
        .clone()
}

fn wait_exit(child: &mut Child, bound: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > bound {
            let _ = child.kill();
            panic!("process did not exit within {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn version_and_help() {
    let e = Env::new();
    assert!(e.ok(&["--version"]).contains(env!("CARGO_PKG_VERSION")));
    let help = e.ok(&["--help"]);
    assert!(help.contains("Examples:") && help.contains("pls tail -f events"));
    // Every command is listed with its own description (a flattened
    // argument struct's doc comment once replaced follow's).
    let follow = help
        .lines()
        .find(|l| l.trim_start().starts_with("follow "))
        .unwrap();
    assert!(follow.contains("live edge"), "{follow}");
    assert!(!help.contains("TLS trust"), "{help}");
    assert!(e
        .ok(&["follow", "--help"])
        .starts_with("Follow a pool from its live edge"));
    let plasmite = Command::new(env!("CARGO_BIN_EXE_plasmite"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&plasmite.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn create_list_info_delete() {
    let e = Env::new();
    e.ok(&["create", "a", "b", "--size", "128K"]);
    let out = e.run(&["create", "a"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(error_of(&out)["kind"], "AlreadyExists");

    let list: Value = serde_json::from_str(&e.ok(&["list", "--json"])).unwrap();
    let names: Vec<&str> = list["pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(list["pools"][0]["file_size"], 128 * 1024);
    assert!(e.ok(&["list"]).contains("128.0 KiB"));

    e.ok(&["append", "a", "{\"n\":1}"]);
    let info: Value = serde_json::from_str(&e.ok(&["info", "a", "--json"])).unwrap();
    assert_eq!(info["pool"]["bounds"]["oldest"], 1);
    assert_eq!(info["pool"]["bounds"]["newest"], 1);
    assert_eq!(info["pool"]["message_count"], 1);
    let info_b: Value = serde_json::from_str(&e.ok(&["info", "b", "--json"])).unwrap();
    assert!(info_b["pool"]["bounds"]["oldest"].is_null());
    assert!(e.ok(&["info", "a"]).contains("messages:       1"));

    let deleted = e.ok(&["delete", "a", "b", "--json"]);
    assert_eq!(lines(&deleted).len(), 2);
    assert!(!e.pools().join("a.plasmite").exists());
    let out = e.run(&["delete", "a"]);
    assert_eq!(out.status.code(), Some(3));
    e.ok(&["delete", "a", "--force"]);
}

#[test]
fn create_with_index_capacity_and_bad_sizes() {
    let e = Env::new();
    let info: Value =
        serde_json::from_str(&e.ok(&["create", "p", "--size", "1M", "--index-capacity", "100", "--json"]))
            .unwrap();
    assert_eq!(info["index_capacity"], 100);
    assert_eq!(info["file_size"], 1 << 20);
    let out = e.run(&["create", "q", "--size", "1K"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(error_of(&out)["kind"], "Usage");
    assert_eq!(e.run(&["create", "q", "--size", "lots"]).status.code(), Some(2));
    let out = e.run(&["create", "bad name"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(error_of(&out)["hint"]
        .as_str()
        .unwrap()
        .contains("letters, digits"));
    // A reference with a slash is a path, not a name.
    let path = e.dir.path().join("elsewhere").join("p.plasmite");
    e.ok(&["create", path.to_str().unwrap()]);
    assert!(path.exists());
}

#[test]
fn append_argument_prints_receipt_and_get_returns_envelope() {
    let e = Env::new();
    e.ok(&["create", "events"]);
    let receipt = lines(&e.ok(&[
        "append",
        "events",
        r#"{ "b": 1.50, "a": [1, 2] }"#,
        "-t",
        "ops",
        "-t",
        "eu",
    ]));
    assert_eq!(receipt[0]["seq"], 1);
    assert_eq!(receipt[0]["meta"]["tags"], serde_json::json!(["ops", "eu"]));
    assert!(receipt[0].get("data").is_none());

    let got = e.ok(&["get", "events", "1"]);
    assert!(
        got.ends_with("\"meta\":{\"tags\":[\"ops\",\"eu\"]},\"data\":{\"b\":1.50,\"a\":[1,2]}}\n"),
        "{got}"
    );
    let env: Value = serde_json::from_str(&got).unwrap();
    assert_eq!(env["time"], receipt[0]["time"]);
    assert_eq!(
        e.ok(&["get", "events", "1", "--data-only"]),
        "{\"b\":1.50,\"a\":[1,2]}\n"
    );
    let pretty = e.ok(&["get", "events", "1", "--format", "pretty", "--data-only"]);
    assert_eq!(pretty, "{\n  \"b\": 1.50,\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
    let colored = e.ok(&["get", "events", "1", "--format", "pretty", "--color", "always"]);
    assert!(colored.contains("\x1b["));

    assert!(e.ok(&["append", "events", "2", "--quiet"]).is_empty());
    let flushed = lines(&e.ok(&["append", "events", "3", "--durability", "flush"]));
    assert_eq!(flushed[0]["seq"], 3);
}

#[test]
fn missing_pool_suggests_create_and_create_flag_makes_it() {
    let e = Env::new();
    let out = e.run(&["append", "nope", "1"]);
    assert_eq!(out.status.code(), Some(3));
    let err = error_of(&out);
    assert_eq!(err["kind"], "NotFound");
    assert!(err["hint"].as_str().unwrap().contains("pls create nope"));
    assert!(err["hint"].as_str().unwrap().contains("--create"));
    let out = e.run(&["tail", "nope"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(error_of(&out)["hint"]
        .as_str()
        .unwrap()
        .contains("pls create nope"));

    e.ok(&["append", "nope", "1", "--create", "--size", "256K"]);
    let info: Value = serde_json::from_str(&e.ok(&["info", "nope", "--json"])).unwrap();
    assert_eq!(info["pool"]["file_size"], 256 * 1024);
}

#[test]
fn error_kinds_map_to_exit_codes_and_envelopes() {
    let e = Env::new();
    e.ok(&["create", "p", "--size", "64K"]);
    // Usage: malformed JSON, with the byte offset.
    let out = e.run(&["append", "p", "{\"a\":}"]);
    assert_eq!(out.status.code(), Some(2));
    let err = error_of(&out);
    assert_eq!(err["kind"], "Usage");
    assert_eq!(err["offset"], 5);
    // Usage: too large for the pool.
    let big = format!("\"{}\"", "x".repeat(70_000));
    let out = e.run(&["append", "p", &big]);
    assert_eq!(out.status.code(), Some(2));
    assert!(error_of(&out)["message"]
        .as_str()
        .unwrap()
        .contains("larger than this pool can hold"));
    // NotFound with seq.
    let out = e.run(&["get", "p", "7"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(error_of(&out)["seq"], 7);
    // Corrupt: garbage where a pool should be.
    std::fs::write(e.pools().join("junk.plasmite"), vec![0xAB; 100_000]).unwrap();
    let out = e.run(&["get", "junk", "1"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(error_of(&out)["kind"], "Corrupt");
    let out = e.run(&["doctor", "junk"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Corrupt"));
    // Argument errors are 2, like clap.
    assert_eq!(e.run(&["tail"]).status.code(), Some(2));
    assert_eq!(e.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn retention_gap_is_exit_9_with_error_policy() {
    let e = Env::new();
    e.ok(&["create", "small", "--size", "64K"]);
    let input: String = (0..2000)
        .map(|i| format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "x".repeat(64)))
        .collect();
    let out = e.run_stdin(&["append", "small", "--quiet"], input.as_bytes());
    assert!(out.status.success());
    let out = e.run(&["tail", "small", "--since", "1", "--gaps", "error"]);
    assert_eq!(out.status.code(), Some(9));
    let err = error_of(&out);
    assert_eq!(err["kind"], "RetentionGap");
    assert_eq!(err["seq"], 1);
    // The default policy skips to the oldest retained message.
    let out = e.ok(&["tail", "small", "--since", "1", "--max", "1"]);
    let first = &lines(&out)[0];
    assert!(first["seq"].as_u64().unwrap() > 1);
}

#[test]
fn stream_ingest_jsonl_and_concatenated() {
    let e = Env::new();
    e.ok(&["create", "s"]);
    let out = e.run_stdin(
        &["append", "s", "-t", "bulk"],
        b"{\"a\":1}\n{\"a\":2}\n\n{\"a\": 3}{\"a\":4} 5 \"six\"\n[7]",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let receipts = lines(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(receipts.len(), 7);
    let seqs: Vec<u64> = receipts.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
    let data = e.ok(&["tail", "s", "--data-only"]);
    assert_eq!(
        data,
        "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n5\n\"six\"\n[7]\n"
    );
    let tagged = lines(&e.ok(&["tail", "s", "-t", "bulk"]));
    assert_eq!(tagged.len(), 7);

    let file = e.dir.path().join("in.json");
    std::fs::write(&file, "{\n  \"pretty\": true\n}\n{\n  \"pretty\": 2\n}\n").unwrap();
    let out = e.ok(&["append", "s", "--file", file.to_str().unwrap(), "--quiet"]);
    assert!(out.is_empty());
    assert_eq!(
        e.ok(&["tail", "s", "-n", "2", "--data-only"]),
        "{\"pretty\":true}\n{\"pretty\":2}\n"
    );
}

fn big_input(n: usize, bad_line: usize) -> String {
    let mut s = String::with_capacity(n * 40);
    for i in 1..=n {
        if i == bad_line {
            s.push_str("{\"i\": oops}\n");
        } else {
            s.push_str(&format!("{{\"i\":{i},\"k\":\"v{i}\"}}\n"));
        }
    }
    s
}

#[test]
fn ingest_100k_lines_with_one_malformed_line_stop() {
    let e = Env::new();
    e.ok(&["create", "big", "--size", "32M"]);
    let input = big_input(100_000, 54_321);
    let out = e.run_stdin(&["append", "big", "--quiet"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = error_of(&out);
    assert_eq!(err["kind"], "Usage");
    assert!(err["message"].as_str().unwrap().contains("line 54321"), "{err}");
    // Everything before the bad line is stored, nothing after it.
    let info: Value = serde_json::from_str(&e.ok(&["info", "big", "--json"])).unwrap();
    assert_eq!(info["pool"]["message_count"], 54_320);
    assert_eq!(
        e.ok(&["get", "big", "54320", "--data-only"]),
        "{\"i\":54320,\"k\":\"v54320\"}\n"
    );
}

#[test]
fn ingest_100k_lines_with_one_malformed_line_skip() {
    let e = Env::new();
    e.ok(&["create", "big", "--size", "32M"]);
    let input = big_input(100_000, 77_777);
    let out = e.run_stdin(&["append", "big", "--errors", "skip"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("line 77777"), "{stderr}");
    let receipts = String::from_utf8(out.stdout).unwrap();
    assert_eq!(receipts.lines().count(), 99_999);
    let info: Value = serde_json::from_str(&e.ok(&["info", "big", "--json"])).unwrap();
    assert_eq!(info["pool"]["message_count"], 99_999);
    // The record after the bad one got the next seq.
    assert_eq!(
        e.ok(&["get", "big", "77777", "--data-only"]),
        "{\"i\":77778,\"k\":\"v77778\"}\n"
    );
}

#[test]
fn tail_defaults_and_flags() {
    let e = Env::new();
    e.ok(&["create", "t"]);
    let input: String = (1..=30).map(|i| format!("{{\"i\":{i}}}\n")).collect::<String>();
    assert!(e
        .run_stdin(&["append", "t", "--quiet"], input.as_bytes())
        .status
        .success());
    e.ok(&["append", "t", "{\"i\":31}", "-t", "x", "-t", "y"]);
    e.ok(&["append", "t", "{\"i\":32}", "-t", "x"]);

    let last10 = lines(&e.ok(&["tail", "t"]));
    assert_eq!(last10.len(), 10);
    assert_eq!(last10[0]["seq"], 23);
    assert_eq!(last10[9]["seq"], 32);
    assert_eq!(lines(&e.ok(&["tail", "t", "-n", "3"]))[0]["seq"], 30);
    let since = lines(&e.ok(&["tail", "t", "--since", "5", "--max", "4"]));
    assert_eq!(
        since
            .iter()
            .map(|m| m["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [5, 6, 7, 8]
    );
    let both = lines(&e.ok(&["tail", "t", "-n", "100", "-t", "x", "-t", "y"]));
    assert_eq!(both.len(), 1);
    assert_eq!(both[0]["seq"], 31);
    assert_eq!(lines(&e.ok(&["tail", "t", "-n", "100", "-t", "x"])).len(), 2);
    assert_eq!(e.ok(&["tail", "t", "-n", "1", "--data-only"]), "{\"i\":32}\n");
    let pretty = e.ok(&["tail", "t", "-n", "1", "--format", "pretty"]);
    assert!(pretty.starts_with("{\n  \"seq\": 32,"), "{pretty}");
    assert!(e.ok(&["tail", "t", "-n", "0"]).is_empty());
}

#[test]
fn tail_timeout_exit_code_tells_max_from_timeout() {
    let e = Env::new();
    e.ok(&["create", "t"]);
    e.ok(&["append", "t", "1"]);
    let start = Instant::now();
    let out = e.run(&["tail", "t", "-f", "--max", "2", "--timeout", "200ms"]);
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(lines(&String::from_utf8(out.stdout).unwrap()).len(), 1);
    assert!(start.elapsed() >= Duration::from_millis(200));
    let out = e.run(&["tail", "t", "-f", "--max", "1", "--timeout", "5s"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn tail_follow_sees_append_from_another_process() {
    let e = Env::new();
    e.ok(&["create", "live"]);
    let mut follower = e
        .cmd(&["tail", "-f", "live", "-n", "0", "--max", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(follower.stdout.take().unwrap());
    // The follower starts at "only new messages": append until it has
    // certainly attached, then check the first line it prints.
    let sent = Instant::now();
    let appender = {
        let pools = e.pools();
        std::thread::spawn(move || {
            for i in 0..200 {
                let out = Command::new(env!("CARGO_BIN_EXE_pls"))
                    .args(["append", "live", &format!("{{\"n\":{i}}}"), "--quiet"])
                    .env("PLASMITE_DIR", &pools)
                    .output()
                    .unwrap();
                assert!(out.status.success());
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let msg: Value = serde_json::from_str(&line).unwrap();
    assert!(msg["data"]["n"].is_u64());
    assert!(sent.elapsed() < Duration::from_secs(5));
    assert!(wait_exit(&mut follower, Duration::from_secs(5)).success());
    appender.join().unwrap();
}

#[test]
fn closed_pipe_ends_tail_follow_quietly() {
    let e = Env::new();
    e.ok(&["create", "big", "--size", "4M"]);
    let input: String = (0..20_000).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    assert!(e
        .run_stdin(&["append", "big", "--quiet"], input.as_bytes())
        .status
        .success());
    // Like `pls tail -f big -n 20000 | head -1`.
    let mut child = e
        .cmd(&["tail", "-f", "big", "-n", "20000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = wait_exit(&mut child, Duration::from_secs(3));
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "{status}");
    assert!(stderr.is_empty(), "{stderr}");

    // Idle follower: the reader goes away while nothing is being written.
    let mut child = e
        .cmd(&["tail", "-f", "big", "-n", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    drop(child.stdout.take());
    let status = wait_exit(&mut child, Duration::from_secs(3));
    assert!(status.success());
}

#[test]
fn ctrl_c_ends_follow_cleanly() {
    let e = Env::new();
    e.ok(&["create", "c"]);
    let mut child = e
        .cmd(&["tail", "-f", "c"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(3));
    assert_eq!(status.code(), Some(130));
}

#[test]
fn ctrl_c_during_ingest_keeps_every_acknowledged_message() {
    let e = Env::new();
    e.ok(&["create", "c"]);
    let mut child = e
        .cmd(&["append", "c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut acked = Vec::new();
    for i in 0..5 {
        writeln!(stdin, "{{\"i\":{i}}}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let r: Value = serde_json::from_str(&line).unwrap();
        acked.push(r["seq"].as_u64().unwrap());
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(3));
    assert_eq!(status.code(), Some(130));
    for (i, seq) in acked.iter().enumerate() {
        assert_eq!(
            e.ok(&["get", "c", &seq.to_string(), "--data-only"]),
            format!("{{\"i\":{i}}}\n")
        );
    }
}

fn jq() -> &'static str {
    assert!(
        Command::new("jq").arg("--version").output().is_ok(),
        "jq is required by the pipeline tests (.ci/run installs it)"
    );
    "jq"
}

#[test]
fn pipelines_into_and_out_of_jq() {
    let e = Env::new();
    e.ok(&["create", "j"]);
    let pls = env!("CARGO_BIN_EXE_pls");
    let jq = jq();
    let script = format!(
        "set -euo pipefail; jq -c '.[]' <<< '[{{\"u\":\"a\"}},{{\"u\":\"b\"}},{{\"u\":\"c\"}}]' | {pls} append j --quiet; \
         {pls} tail j | {jq} -r .data.u | paste -sd, -"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("PLASMITE_DIR", e.pools())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a,b,c\n");
    // Following into jq: the first message arrives through the pipe.
    let script = format!("{pls} tail -f j -n 1 --max 1 | {jq} -c .data");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("PLASMITE_DIR", e.pools())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"u\":\"c\"}\n");
}

#[test]
fn doctor_reports_clean_and_damaged_pools() {
    let e = Env::new();
    e.ok(&["create", "good", "bad"]);
    e.ok(&["append", "good", "1"]);
    e.ok(&["append", "bad", "{\"x\":\"hello\"}"]);
    assert!(e
        .ok(&["doctor", "good"])
        .contains("good: ok (1 messages checked)"));
    // Flip a payload byte of the first frame in "bad".
    let path = e.pools().join("bad.plasmite");
    let info: Value = serde_json::from_str(&e.ok(&["info", "bad", "--json"])).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    // The default 1 MiB geometry leaves no tail padding: the ring ends the file.
    let ring_start = bytes.len() as u64 - info["pool"]["ring_size"].as_u64().unwrap();
    bytes[(ring_start + 40) as usize] ^= 0x20;
    write_in_place(&path, &bytes);
    let out = e.run(&["doctor", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(7));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pools = report["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 2);
    assert_eq!(pools[0]["name"], "bad");
    assert_eq!(pools[0]["ok"], false);
    assert_eq!(pools[0]["problems"][0]["kind"], "Corrupt");
    assert_eq!(pools[1]["ok"], true);
}

fn write_in_place(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.write_all_at(bytes, 0).unwrap();
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e = Env::new();
    for (shell, file) in [
        ("bash", "pls.bash"),
        ("zsh", "_pls"),
        ("fish", "pls.fish"),
        ("elvish", "pls.elv"),
        ("powershell", "_pls.ps1"),
    ] {
        let generated = e.ok(&["completions", shell]);
        let committed = std::fs::read_to_string(root.join("completions").join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: run scripts/gen-docs.sh"
        );
    }
    let out = e.dir.path().join("man");
    e.ok(&["man", "--out", out.to_str().unwrap()]);
    let mut generated: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|d| d.unwrap().file_name().into_string().unwrap())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = std::fs::read_dir(root.join("man"))
        .unwrap()
        .map(|d| d.unwrap().file_name().into_string().unwrap())
        .collect();
    committed.sort();
    assert_eq!(generated, committed, "man/ is stale: run scripts/gen-docs.sh");
    for name in generated {
        let a = std::fs::read(out.join(&name)).unwrap();
        let b = std::fs::read(root.join("man").join(&name)).unwrap();
        assert!(a == b, "man/{name} is stale: run scripts/gen-docs.sh");
    }
    assert!(e.ok(&["man"]).contains(".TH pls"));
}

#[test]
fn permission_denied_is_exit_6() {
    let e = Env::new();
    e.ok(&["create", "private"]);
    let path = e.pools().join("private.plasmite");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(e.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(e.pools(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let is_root = unsafe { libc::geteuid() } == 0;
    let out = if is_root {
        // Root reads anything: run the command as an unprivileged user.
        Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_pls"),
                "get",
                "private",
                "1",
            ])
            .env("PLASMITE_DIR", e.pools())
            .output()
            .expect("setpriv (util-linux) is needed to test permissions as root")
    } else {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        e.run(&["get", "private", "1"])
    };
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(error_of(&out)["kind"], "Permission");
}
