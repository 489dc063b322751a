//! `pls append` input formats (issue 11, section 4): JSON Lines,
//! concatenated JSON, one JSON value, JSON text sequences (RFC 7464) and
//! Server-Sent-Events `data:` lines, detected or forced with `--in`; the
//! same splitter for local and remote pools; `--retry` on remote appends.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::serve_support::{pls, Server};
use plasmite::Client;

fn run(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = pls()
        .args(args)
        .env("PLASMITE_DIR", dir)
        .env_remove("PLASMITE_TOKEN")
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

fn stored(dir: &Path, pool: &str) -> Vec<String> {
    let pool = Client::new(dir).open_pool(pool).unwrap();
    let info = pool.info().unwrap();
    let (Some(oldest), Some(newest)) = (info.oldest, info.newest) else {
        return Vec::new();
    };
    (oldest..=newest)
        .map(|s| String::from_utf8(pool.get(s).unwrap().payload().to_vec()).unwrap())
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

fn error_message(o: &Output) -> String {
    let line = String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("{}", text(o)));
    v["error"]["message"].as_str().unwrap().to_string()
}

const WANT: [&str; 3] = ["{\"a\":1}", "[2,\"x\"]", "\"three\""];

/// Each format, as auto-detection sees it and as `--in` forces it.
const FORMATS: &[(&str, &[u8])] = &[
    ("jsonl", b"{\"a\": 1}\n[2, \"x\"]\r\n\"three\"\n"),
    ("jq", b"{\n  \"a\": 1\n}\n[2,\"x\"]\"three\""),
    ("seq", b"\x1e{\"a\":1}\n\x1e[2,\n \"x\"]\n\x1e\"three\"\n"),
    (
        "sse",
        b": comment\nevent: m\ndata: {\"a\":1}\n\nid: 2\ndata: [2,\ndata: \"x\"]\n\ndata: \"three\"\n",
    ),
];

#[test]
fn each_format_is_detected_and_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, input) in FORMATS {
        for forced in [false, true] {
            let pool = format!("{name}{forced}");
            Client::new(dir).create_pool(&pool, 1 << 20).unwrap();
            let mut args = vec!["append", pool.as_str(), "--quiet"];
            if forced {
                args.extend(["--in", name]);
            }
            let o = run(dir, &args, input);
            assert!(o.status.success(), "{name} forced={forced}: {}", text(&o));
            assert_eq!(stored(dir, &pool), WANT, "{name} forced={forced}");
        }
    }
    // --in json: exactly one value, whatever its layout.
    Client::new(dir).create_pool("one", 1 << 20).unwrap();
    let o = run(
        dir,
        &["append", "one", "--in", "json", "--quiet"],
        b"{\n \"a\": [1,\n 2]\n}\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(stored(dir, "one"), ["{\"a\":[1,2]}"]);
}

#[test]
fn file_short_flag_and_dash_for_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("f", 1 << 20).unwrap();
    let path = dir.join("in.seq");
    std::fs::write(&path, b"\x1e1\n\x1e2\n").unwrap();
    let o = run(
        dir,
        &["append", "f", "-f", path.to_str().unwrap(), "--quiet"],
        b"",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(dir, &["append", "f", "--file", "-", "--quiet"], b"data: 3\n\n");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(stored(dir, "f"), ["1", "2", "3"]);
}

#[test]
fn json_with_two_values_is_an_error_and_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("one", 1 << 20).unwrap();
    let o = run(
        dir,
        &["append", "one", "--in", "json"],
        b"{\"a\":1}\n\n{\"b\":2}\n",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = error_message(&o);
    assert!(msg.contains("line 3") && msg.contains("exactly one"), "{msg}");
    assert!(stored(dir, "one").is_empty());
    let o = run(dir, &["append", "one", "--in", "json"], b"  \n");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// Extra arguments, input, the line the error names, what `--errors skip` keeps.
type Case = (
    &'static [&'static str],
    &'static [u8],
    &'static str,
    &'static [&'static str],
);

/// Mixed or invalid input: the error names the line; with `--errors skip`
/// the rest goes in.
#[test]
fn mixed_and_invalid_input_errors_name_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: &[Case] = &[
        // JSON Lines, then an SSE line.
        (
            &[],
            b"{\"a\":1}\n{\"a\":2}\ndata: 3\n{\"a\":4}\n",
            "line 3",
            &["{\"a\":1}", "{\"a\":2}", "{\"a\":4}"],
        ),
        // SSE, then a bare JSON line.
        (&[], b"data: 1\n\n{\"x\":2}\n\ndata: 3\n\n", "line 3", &["1", "3"]),
        // A sequence, then a value without its 0x1E.
        (&[], b"\x1e1\n\x1e2\n3\n\x1e4\n", "line 3", &["1", "4"]),
        // Strict JSON Lines: two values on a line, a value over two lines.
        (&["--in", "jsonl"], b"1\n2 3\n4\n", "line 2", &["1", "4"]),
        (&["--in", "jsonl"], b"1\n[2,\n3]\n4\n", "line 2", &["1", "4"]),
        // Malformed JSON inside an SSE event.
        (
            &["--in", "sse"],
            b"data: 1\n\ndata: {oops\n\ndata: 2\n\n",
            "line 3",
            &["1", "2"],
        ),
        // Forcing seq on JSON Lines.
        (&["--in", "seq"], b"1\n", "line 1", &[]),
    ];
    for (i, (extra, input, line, kept)) in cases.iter().enumerate() {
        let stop = format!("stop{i}");
        Client::new(dir).create_pool(&stop, 1 << 20).unwrap();
        let mut args = vec!["append", stop.as_str(), "--quiet"];
        args.extend(extra.iter());
        let o = run(dir, &args, input);
        assert_eq!(o.status.code(), Some(2), "case {i}: {}", text(&o));
        let msg = error_message(&o);
        assert!(msg.contains(line), "case {i}: {msg}");
        let skip = format!("skip{i}");
        Client::new(dir).create_pool(&skip, 1 << 20).unwrap();
        let mut args = vec!["append", skip.as_str(), "--quiet", "--errors", "skip"];
        args.extend(extra.iter());
        let o = run(dir, &args, input);
        assert_eq!(o.status.code(), Some(1), "case {i}: {}", text(&o));
        assert_eq!(stored(dir, &skip), *kept, "case {i}");
    }
}

/// Remote appends use the same splitter: same values, same errors.
#[test]
fn remote_append_reads_every_format() {
    let s = Server::start(&[]);
    for (name, input) in FORMATS {
        Client::new(&s.dir).create_pool(name, 1 << 20).unwrap();
        let url = format!("{}/{name}", s.url());
        let o = run(&s.dir, &["append", &url, "--quiet"], input);
        assert!(o.status.success(), "{name}: {}", text(&o));
        assert_eq!(stored(&s.dir, name), WANT, "{name}");
    }
    Client::new(&s.dir).create_pool("bad", 1 << 20).unwrap();
    let url = format!("{}/bad", s.url());
    let o = run(&s.dir, &["append", &url, "--quiet"], b"1\n2\ndata: 3\n");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(error_message(&o).contains("line 3"), "{}", text(&o));
    assert_eq!(stored(&s.dir, "bad"), ["1", "2"]);
    let o = run(&s.dir, &["append", &url, "--in", "json"], b"1 2");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Connection refused is retried: the append goes through once a server
/// starts on the port.
#[test]
fn retry_waits_for_a_server_that_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    Client::new(&dir).create_pool("r", 1 << 20).unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/r");
    // Without --retry: refused at once (Io, exit 8).
    let o = run(&dir, &["append", &url, "{\"n\":0}"], b"");
    assert_eq!(o.status.code(), Some(8), "{}", text(&o));
    let child = pls()
        .args([
            "append",
            &url,
            "--retry",
            "100",
            "--retry-delay",
            "100ms",
            "{\"n\":1}",
        ])
        .env_remove("PLASMITE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it be refused at least once, then start the server on that port.
    std::thread::sleep(Duration::from_millis(300));
    let _server = Server::start_in(&dir, port, &[]);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(stored(&dir, "r"), ["{\"n\":1}"]);
}

/// A server that took the request and dropped the connection may have
/// stored it: never retried.
#[test]
fn retry_never_repeats_a_request_that_was_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            count.fetch_add(1, Ordering::SeqCst);
            // Read the whole request, then close without answering.
            let mut buf = [0u8; 4096];
            let mut got = Vec::new();
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            while let Ok(n) = conn.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if got.windows(7).any(|w| w == b"{\"n\":1}") {
                    break;
                }
            }
            drop(conn);
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/r");
    let o = run(
        tmp.path(),
        &[
            "append",
            &url,
            "--retry",
            "5",
            "--retry-delay",
            "10ms",
            "{\"n\":1}",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(8), "{}", text(&o));
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "{}", text(&o));
}

/// 423 (the server refused: busy) is retried, up to N times.
#[test]
fn retry_on_423_then_gives_up() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = conn.read(&mut buf);
            let body = "{\"error\":{\"kind\":\"Busy\",\"message\":\"the pool is locked\"}}";
            let _ = write!(
                conn,
                "HTTP/1.1 423 Locked\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/r");
    let o = run(
        tmp.path(),
        &[
            "append",
            &url,
            "--retry",
            "2",
            "--retry-delay",
            "10ms",
            "{\"n\":1}",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert_eq!(accepted.load(Ordering::SeqCst), 3, "{}", text(&o));
}

/// A record too large for the pool is dropped whole in every format, even
/// when it never fits the read buffer, and the next one goes in.
#[test]
fn oversized_records_are_skipped_whole_in_seq_and_sse() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let big = format!("[\"{}\",\n{{\"injected\":true}}]", "a".repeat(200_000));
    let cases = [
        (
            "seq",
            format!("\x1e{{\"before\":1}}\n\x1e{big}\n\x1e{{\"after\":2}}\n"),
        ),
        (
            "sse",
            format!(
                "data: {{\"before\":1}}\n\ndata: {}\ndata: {}\n\ndata: {{\"after\":2}}\n\n",
                &big[..100_000],
                &big[100_000..]
            ),
        ),
        (
            "sse-one-line",
            format!("data: {{\"before\":1}}\n\ndata: {big}\n\ndata: {{\"after\":2}}\n\n"),
        ),
    ];
    for (name, input) in cases {
        Client::new(dir).create_pool(name, 64 << 10).unwrap();
        let o = run(
            dir,
            &["append", name, "--quiet", "--errors", "skip"],
            input.as_bytes(),
        );
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err.matches("larger than the pool's limit").count(),
            1,
            "{name}: {err}"
        );
        assert_eq!(stored(dir, name), ["{\"before\":1}", "{\"after\":2}"], "{name}");
    }
}
