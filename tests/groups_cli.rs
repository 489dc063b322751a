//! Consumer groups through the real `pls` binary: consume (print and
//! --exec), ack (arguments, stdin, stale receipts), group create/list/info/
//! delete, tail --group as a durable cursor, protect and the dead-letter pool.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let e = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        e.ok(&["create", "jobs", "--size", "64K"]);
        e
    }

    fn pools(&self) -> PathBuf {
        self.dir.path().join("pools")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        common::pls(&self.pools(), args)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        common::output_with_stdin(self.cmd(args), input)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "pls {args:?} failed: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn append(&self, n: u64) {
        let input: String = (1..=n).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let out = self.run_stdin(&["append", "jobs", "-q"], input.as_bytes());
        assert!(out.status.success());
    }

    fn info(&self, group: &str) -> Value {
        let v: Value = serde_json::from_str(&self.ok(&["group", "info", "jobs", group, "--json"])).unwrap();
        v["group"].clone()
    }
}

fn lines(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn consume_prints_receipts_and_ack_settles_them() {
    let e = Env::new();
    e.append(5);
    e.ok(&["group", "create", "jobs", "w", "--lease", "1m"]);
    let got = lines(&e.ok(&["consume", "jobs", "-g", "w", "--max", "3", "--batch", "3"]));
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["receipt"], "1.1");
    assert_eq!(got[2]["delivery"], 1);
    assert_eq!(got[1]["data"]["n"], 2);
    // Receipts as arguments, then the envelopes themselves on stdin.
    e.ok(&["ack", "jobs", "-g", "w", "1.1"]);
    let env2 = serde_json::to_string(&got[1]).unwrap() + "\n3\n";
    let out = e.run_stdin(&["ack", "jobs", "-g", "w"], env2.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info = e.info("w");
    assert_eq!(
        (
            info["acked"].as_u64(),
            info["ack_floor"].as_u64(),
            info["pending"].as_u64()
        ),
        (Some(3), Some(4), Some(0))
    );
    assert_eq!(info["lag"], 2);
    // Without -f, consume takes what is ready and ends.
    let rest = lines(&e.ok(&["consume", "jobs", "-g", "w", "--batch", "10"]));
    assert_eq!(
        rest.iter()
            .map(|v| v["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![4, 5]
    );
    assert_eq!(e.ok(&["consume", "jobs", "-g", "w"]), "");
    // --timeout: nothing arrives, exit 124.
    assert_eq!(
        e.run(&["consume", "jobs", "-g", "w", "--timeout", "200ms"])
            .status
            .code(),
        Some(124)
    );
    // Never delivered: NotFound (3).
    let out = e.run(&["ack", "jobs", "-g", "w", "9"]);
    assert_eq!(out.status.code(), Some(3));
    let list: Value = serde_json::from_str(&e.ok(&["group", "list", "jobs", "--json"])).unwrap();
    assert_eq!(list["groups"][0]["name"], "w");
    assert_eq!(list["groups"][0]["pending"], 2);
    let human = e.ok(&["group", "info", "jobs", "w"]);
    assert!(
        human.contains("pending     2") && human.contains("consumer"),
        "{human}"
    );
    e.ok(&["group", "delete", "jobs", "w"]);
    assert_eq!(e.run(&["group", "info", "jobs", "w"]).status.code(), Some(3));
}

#[test]
fn a_stale_receipt_is_refused_with_lease_lost() {
    let e = Env::new();
    e.append(1);
    e.ok(&["group", "create", "jobs", "w", "--lease", "200ms"]);
    let first = lines(&e.ok(&["consume", "jobs", "-g", "w"]));
    assert_eq!(first[0]["receipt"], "1.1");
    let again = lines(&e.ok(&["consume", "jobs", "-g", "w", "--timeout", "5s", "--max", "1"]));
    assert_eq!(again[0]["receipt"], "1.2");
    let out = e.run(&["ack", "jobs", "-g", "w", "1.1"]);
    assert_eq!(out.status.code(), Some(5), "Busy");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "Busy");
    assert!(err["error"]["message"].as_str().unwrap().contains("lease lost"));
    e.ok(&["ack", "jobs", "-g", "w", "1.2"]);
    e.ok(&["ack", "jobs", "-g", "w", "1.2"]); // idempotent
}

#[test]
fn exec_acks_on_success_and_dead_letters_after_max_deliveries() {
    let e = Env::new();
    e.append(4);
    e.ok(&["group", "create", "jobs", "w", "--max-deliveries", "2"]);
    let log = e.dir.path().join("log");
    let cmd = format!(
        "read line; echo \"$PLS_RECEIPT $line\" >> {}; test $PLS_SEQ != 3",
        log.display()
    );
    let out = e.run(&["consume", "jobs", "-g", "w", "--exec", &cmd]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed command is reported in the status"
    );
    let log = std::fs::read_to_string(&log).unwrap();
    let receipts: Vec<&str> = log.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(receipts, vec!["1.1", "2.1", "3.1", "3.2", "4.1"], "{log}");
    assert!(log.lines().next().unwrap().contains("\"data\":{\"n\":1}"));
    // After its second failure, the next claim of the run dead-lettered 3.
    let info = e.info("w");
    assert_eq!(info["acked"], 3);
    assert_eq!(
        (info["dead"].as_u64(), info["pending"].as_u64()),
        (Some(1), Some(0))
    );
    let dead = lines(&e.ok(&["tail", "jobs.dead", "--jsonl"]));
    assert_eq!(dead[0]["data"]["reason"], "max-deliveries");
    assert_eq!(dead[0]["data"]["seq"], 3);
    assert_eq!(dead[0]["data"]["message"]["data"]["n"], 3);
}

#[test]
fn exec_extends_the_lease_of_a_long_command() {
    let e = Env::new();
    e.append(1);
    e.ok(&["group", "create", "jobs", "w", "--lease", "300ms"]);
    let mut slow = e
        .cmd(&["consume", "jobs", "-g", "w", "--max", "1", "--exec", "sleep 1.5"])
        .spawn()
        .unwrap();
    // While it runs (five leases long), nobody else gets the message.
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(100));
    while start.elapsed() < Duration::from_millis(1200) {
        assert_eq!(e.ok(&["consume", "jobs", "-g", "w", "--consumer", "other"]), "");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(slow.wait().unwrap().success());
    assert_eq!(e.info("w")["acked"], 1);
    assert_eq!(e.info("w")["redelivered"], 0);
}

#[test]
fn tail_group_resumes_where_it_left_off_and_readers_compete() {
    let e = Env::new();
    e.append(3);
    let first = lines(&e.ok(&["tail", "jobs", "--group", "cur", "--jsonl"]));
    assert_eq!(first.len(), 3);
    assert!(first[0].get("receipt").is_none(), "a tail prints plain envelopes");
    e.append(2);
    let second = lines(&e.ok(&["tail", "jobs", "--group", "cur", "--jsonl"]));
    assert_eq!(
        second
            .iter()
            .map(|v| v["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![4, 5]
    );
    // Two followers of one group: each message goes to one of them.
    let spawn = || {
        e.cmd(&[
            "tail",
            "-f",
            "jobs",
            "--group",
            "pair",
            "--jsonl",
            "--timeout",
            "1500ms",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
    };
    e.ok(&["group", "create", "jobs", "pair", "--from", "new"]);
    let (mut a, mut b) = (spawn(), spawn());
    for i in 0..40 {
        e.ok(&["append", "jobs", &format!("{{\"k\":{i}}}"), "-q"]);
    }
    let mut seen = Vec::new();
    for c in [&mut a, &mut b] {
        let out = BufReader::new(c.stdout.take().unwrap());
        for l in out.lines() {
            let v: Value = serde_json::from_str(&l.unwrap()).unwrap();
            seen.push(v["seq"].as_u64().unwrap());
        }
        assert_eq!(c.wait().unwrap().code(), Some(124));
    }
    seen.sort();
    assert_eq!(seen, (6..46).collect::<Vec<_>>(), "each message once");
    assert_eq!(e.info("pair")["acked"], 40);
}

#[test]
fn protect_makes_append_fail_busy_with_a_hint() {
    let e = Env::new();
    e.ok(&["group", "create", "jobs", "safe", "--protect"]);
    let big = format!("{{\"pad\":\"{}\"}}\n", "z".repeat(2000));
    let out = e.run_stdin(&["append", "jobs", "-q"], big.repeat(20).as_bytes());
    assert!(out.status.success());
    let out = e.run_stdin(&["append", "jobs", "-q"], big.repeat(100).as_bytes());
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err: Value = serde_json::from_slice(out.stderr.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(err["error"]["kind"], "Busy");
    assert!(err["error"]["hint"].as_str().unwrap().contains("ack"));
    let info: Value = serde_json::from_str(&e.ok(&["info", "jobs", "--json"])).unwrap();
    assert_eq!(info["pool"]["bounds"]["oldest"], 1, "nothing was overwritten");
}

/// Runs `pls args` and fails the test if it has not ended within 20 s.
fn bounded(env: &Env, args: &[&str]) -> Output {
    let mut child = env
        .cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            panic!("pls {args:?} did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn damaged_books_are_refused_as_corrupt_at_once_and_the_group_can_be_deleted() {
    let env = Env::new();
    env.append(3);
    env.ok(&["consume", "jobs", "-g", "w", "--max", "1"]);
    // The ack floor and the next seq (bytes 512..528 of the group file)
    // overwritten with words no step can leave: a floor far past the next.
    let file = env.pools().join("jobs.plasmite.groups").join("w.group");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[512..520].copy_from_slice(&7u64.to_le_bytes());
    bytes[520..528].copy_from_slice(&(u64::MAX - 5).to_le_bytes());
    std::fs::write(&file, &bytes).unwrap();
    for args in [
        &["consume", "jobs", "-g", "w", "--max", "1"][..],
        &["group", "info", "jobs", "w", "--json"],
        &["ack", "jobs", "-g", "w", "1"],
    ] {
        let out = bounded(&env, args);
        assert_eq!(out.status.code(), Some(7), "pls {args:?}: {out:?}");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["error"]["kind"], "Corrupt", "{err}");
        assert!(
            err["error"]["hint"]
                .as_str()
                .unwrap()
                .contains("pls group delete"),
            "{err}"
        );
    }
    let out = bounded(&env, &["doctor", "jobs"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("books are damaged"),
        "{out:?}"
    );
    env.ok(&["group", "delete", "jobs", "w"]);
    let out = bounded(&env, &["doctor", "jobs"]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn group_commands_work_on_a_remote_pool_as_on_a_local_one() {
    let e = Env::new();
    e.append(5);
    let server = crate::serve_support::Server::start_in(&e.pools(), 0, &["--token", "sekrit"]);
    let remote = format!("{}/jobs", server.url());
    let with_token = |args: &[&str]| -> Vec<String> {
        args.iter()
            .map(|s| s.to_string())
            .chain(["--token".to_string(), "sekrit".to_string()])
            .collect()
    };
    let ok = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        e.ok(&a)
    };
    // Create remotely with options; the local books show them.
    let created: Value = serde_json::from_str(&ok(with_token(&[
        "group",
        "create",
        &remote,
        "workers",
        "--lease",
        "2s",
        "--max-deliveries",
        "3",
        "--from",
        "new",
        "--json",
    ])))
    .unwrap();
    assert_eq!(created["group"]["name"], "workers");
    let local = e.info("workers");
    assert_eq!(
        (local["lease_ms"].as_u64(), local["max_deliveries"].as_u64()),
        (Some(2000), Some(3))
    );
    assert_eq!(local["next_seq"], 6);
    e.ok(&["group", "create", "jobs", "audit"]);
    e.ok(&["consume", "jobs", "--group", "audit", "--max", "2"]);
    // list and info: the same text and JSON as for the local pool (the
    // group's age fields aside, nothing moves between the two reads).
    let here = e.ok(&["group", "list", "jobs"]);
    assert_eq!(here, ok(with_token(&["group", "list", &remote])));
    assert!(here.contains("audit") && here.contains("workers"), "{here}");
    let ageless = |text: &str| {
        let mut v: Value = serde_json::from_str(text).unwrap();
        for g in v["groups"].as_array_mut().unwrap() {
            g["oldest_pending_age_ms"] = Value::Null;
        }
        v
    };
    assert_eq!(
        ageless(&e.ok(&["group", "list", "jobs", "--json"])),
        ageless(&ok(with_token(&["group", "list", &remote, "--json"])))
    );
    let here = e.ok(&["group", "info", "jobs", "audit"]);
    let there = ok(with_token(&["group", "info", &remote, "audit"]));
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("oldest"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&here), strip(&there));
    assert!(here.contains("pending     2"), "{here}");
    // Without the token: 401 as a Permission error (exit 6).
    let out = e.run(&["group", "list", &remote]);
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Delete remotely: gone here too; again: NotFound (exit 3).
    ok(with_token(&["group", "delete", &remote, "workers"]));
    let names: Value = serde_json::from_str(&e.ok(&["group", "list", "jobs", "--json"])).unwrap();
    assert_eq!(names["groups"].as_array().unwrap().len(), 1);
    let a = with_token(&["group", "delete", &remote, "workers"]);
    let out = e.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A read-only server refuses delete (Permission) and keeps the group.
    let ro = crate::serve_support::Server::start_in(&e.pools(), 0, &["--access", "read-only"]);
    let out = e.run(&["group", "delete", &format!("{}/jobs", ro.url()), "audit"]);
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(e.info("audit")["pending"], 2);
}
