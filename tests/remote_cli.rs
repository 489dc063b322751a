//! `pls` on remote pool references (`http://HOST:PORT/POOL`), end to end
//! against a real `pls serve`.

use crate::serve_support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Output, Stdio};
use std::time::Duration;

use plasmite::{Client, Durability};
use serve_support::{pls, wait_for, Server};

fn run(args: &[&str]) -> Output {
    pls().args(args).env_remove("PLASMITE_TOKEN").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn append_get_info_list_tail_over_http() {
    let s = Server::start(&[]);
    Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    let url = format!("{}/ev", s.url());

    let o = run(&["append", &url, r#"{"b": 2, "a": 1}"#, "-t", "ops"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let receipt: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(receipt["seq"], 1);
    assert_eq!(receipt["meta"]["tags"], serde_json::json!(["ops"]));
    assert!(receipt.get("data").is_none());

    let mut child = pls()
        .args(["append", &url, "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"n\":2}\n{\"n\":3}\n4\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let o = run(&["get", &url, "1", "--format", "jsonl"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).ends_with("\"meta\":{\"tags\":[\"ops\"]},\"data\":{\"b\":2,\"a\":1}}\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&["get", &url, "1", "--data-only", "--format", "jsonl"]);
    assert_eq!(stdout(&o), "{\"b\":2,\"a\":1}\n");

    // Same bytes as a local get.
    let local = run(&[
        "--dir",
        s.dir.to_str().unwrap(),
        "get",
        "ev",
        "3",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        stdout(&run(&["get", &url, "3", "--format", "jsonl"])),
        stdout(&local)
    );

    let o = run(&["info", &url, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pool"]["message_count"], 4);
    let o = run(&["info", &url]);
    assert!(stdout(&o).contains("messages:       4"), "{}", stdout(&o));

    let o = run(&["list", &s.url(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pools"][0]["name"], "ev");
    assert!(stdout(&run(&["list", &s.url()])).contains("ev"));

    let o = run(&["tail", &url, "-n", "2", "--format", "jsonl"]);
    let seqs: Vec<u64> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, [3, 4]);
    let o = run(&[
        "tail",
        &url,
        "--since",
        "2",
        "--max",
        "2",
        "--data-only",
        "--format",
        "jsonl",
    ]);
    assert_eq!(stdout(&o), "{\"n\":2}\n{\"n\":3}\n");
    let o = run(&["tail", &url, "-t", "ops", "--format", "jsonl"]);
    assert_eq!(stdout(&o).lines().count(), 1);
    let o = run(&["tail", &url, "-f", "--timeout", "200ms", "--since", "5"]);
    assert_eq!(o.status.code(), Some(124));
}

#[test]
fn remote_errors_map_to_the_same_exit_codes() {
    let s = Server::start(&["--token", "tkn"]);
    Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    let url = format!("{}/ev", s.url());
    assert_eq!(
        run(&["info", &url]).status.code(),
        Some(6),
        "no token: Permission"
    );
    let with = |args: &[&str]| pls().args(args).env("PLASMITE_TOKEN", "tkn").output().unwrap();
    assert_eq!(
        with(&["get", &url, "9"]).status.code(),
        Some(3),
        "absent message: NotFound"
    );
    assert_eq!(
        with(&["info", &format!("{}/nope", s.url())]).status.code(),
        Some(3)
    );
    assert_eq!(with(&["append", &url, "{bad"]).status.code(), Some(2));
    let o = pls().args(["info", &url, "--token", "tkn"]).output().unwrap();
    assert!(o.status.success());
    let o = with(&["append", &format!("{}/made", s.url()), "--create", "{}"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(s.dir.join("made.plasmite").exists());
    // Nothing listening: an I/O error.
    drop(s);
    assert_eq!(with(&["info", &url]).status.code(), Some(8));
}

#[test]
fn tail_follow_resumes_after_a_dropped_connection_without_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let pool_dir = tmp.path().to_path_buf();
    let pool = Client::new(&pool_dir).create_pool("ev", 1 << 20).unwrap();
    let mut s = Server::start_in(&pool_dir, 0, &["--quiet"]);
    let port = s.port;
    let url = format!("{}/ev", s.url());

    let mut tail = pls()
        .args(["tail", "-f", &url, "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = crossbeam_channel::unbounded();
    let out = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            tx.send(v["seq"].as_u64().unwrap()).unwrap();
        }
    });
    let mut got = Vec::new();
    let expect = |n: usize, got: &mut Vec<u64>| {
        while got.len() < n {
            got.push(rx.recv_timeout(Duration::from_secs(10)).expect("tail output"));
        }
    };
    for i in 0..3 {
        pool.append_json(format!("{i}").as_bytes(), &[] as &[&str], Durability::Fast)
            .unwrap();
    }
    expect(3, &mut got);
    // Drop every connection abruptly, append while the server is away,
    // then bring it back on the same port.
    s.stop(nix::sys::signal::Signal::SIGKILL);
    for i in 3..6 {
        pool.append_json(format!("{i}").as_bytes(), &[] as &[&str], Durability::Fast)
            .unwrap();
    }
    let s2 = Server::start_in(&pool_dir, port, &["--quiet"]);
    for i in 6..8 {
        pool.append_json(format!("{i}").as_bytes(), &[] as &[&str], Durability::Fast)
            .unwrap();
    }
    expect(8, &mut got);
    assert_eq!(got, (1..=8).collect::<Vec<_>>());
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(tail.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let mut status = None;
    wait_for("tail to exit on Ctrl-C", Duration::from_secs(5), || {
        status = tail.try_wait().unwrap();
        status.is_some()
    });
    assert_eq!(status.unwrap().code(), Some(130));
    assert!(rx.try_recv().is_err(), "no duplicates after the last message");
    drop(s2);
}
