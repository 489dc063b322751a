//! `--where EXPR` filters (jq, through jaq): the library's `Filter` in a
//! cursor, `pls tail --where` on local and remote pools, and the server's
//! `where=` on `GET /v0/pools/P/tail`.

use crate::serve_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use plasmite::{Client, CursorOptions, Durability, ErrorKind, Filter, Start};
use serve_support::{pls, Server};

fn run(dir: &Path, args: &[&str]) -> Output {
    pls()
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env_remove("PLASMITE_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn seqs(o: &Output) -> Vec<u64> {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    lines(o).iter().map(|v| v["seq"].as_u64().unwrap()).collect()
}

fn error_of(o: &Output) -> serde_json::Value {
    let err = String::from_utf8_lossy(&o.stderr);
    let v: serde_json::Value =
        serde_json::from_str(err.trim()).unwrap_or_else(|e| panic!("{e}: stderr {err:?}"));
    v["error"].clone()
}

/// Messages 1..=8 of pool `p` in `dir`.
const MESSAGES: &[(&str, &[&str])] = &[
    (r#"{"kind":"deploy","n":1,"user":"alice","list":[1,2]}"#, &["ops"]),
    (r#"{"kind":"build","n":2,"user":"bob","list":[3]}"#, &[]),
    (
        r#"{"kind":"deploy","n":3,"user":"Carol","nested":{"a":{"b":true}}}"#,
        &["ops", "prod"],
    ),
    (r#"{"kind":"test","n":4,"user":"al"}"#, &["prod"]),
    (r#"{"kind":"deploy","n":5,"user":12}"#, &[]),
    (r#"7"#, &["ops"]),
    (r#""deploy""#, &[]),
    (r#"{"kind":"build","n":8.5,"user":null,"list":[]}"#, &["ops"]),
];

fn fill(dir: &Path) {
    let pool = Client::new(dir).create_pool("p", 1 << 20).unwrap();
    for (data, tags) in MESSAGES {
        pool.append_json(data.as_bytes(), tags, Durability::Fast).unwrap();
    }
}

#[test]
fn semantics_of_jq_expressions() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let cases: &[(&str, &[u64])] = &[
        (r#".data.kind == "deploy""#, &[1, 3, 5]),
        // Indexing a number or a string is an error: no match either way.
        (r#".data.kind != "deploy""#, &[2, 4, 8]),
        (".data.n > 2 and .data.n < 5", &[3, 4]),
        (".data.n == 1 or .data.n == 8.5", &[1, 8]),
        (".data.n % 2 == 0", &[2, 4]),
        (r#".data.user | startswith("al")"#, &[1, 4]),
        (r#".data.user | ascii_downcase == "carol""#, &[3]),
        (r#".data.user | test("^b")"#, &[2]),
        (r#".data | type == "number""#, &[6]),
        (r#".data == "deploy""#, &[7]),
        (".data.nested.a.b", &[3]),
        (r#".data["kind"] == "test""#, &[4]),
        // A missing member is null, as in jq.
        (".data.missing == null", &[1, 2, 3, 4, 5, 8]),
        (".data.user == null", &[8]),
        // Evaluation errors are no match: startswith on a number or null,
        // indexing a number or a string, error().
        (r#".data.user | startswith("1")"#, &[]),
        // An error anywhere is no match: `or` stops at a true left side.
        (
            r#".data.kind == "deploy" or (.data | startswith("dep"))"#,
            &[1, 3, 5],
        ),
        (r#"(.data | startswith("dep")) or .data.kind == "deploy""#, &[7]),
        (
            r#"try (.data | startswith("dep")) catch (.data.kind == "x") // false"#,
            &[7],
        ),
        (r#"error("boom")"#, &[]),
        // Generators: any output true is a match.
        (".data.list[] == 3", &[2]),
        // `null | length` is 0, as in jq.
        (".data.list | length == 0", &[3, 4, 5, 8]),
        ("empty", &[]),
        // The envelope.
        (".seq == 2 or .seq == 6", &[2, 6]),
        (r#".meta.tags | index("prod") != null"#, &[3, 4]),
        (".meta.tags == []", &[2, 5, 7]),
        (
            r#".time | test("^\\d{4}-\\d\\d-\\d\\dT.*Z$")"#,
            &[1, 2, 3, 4, 5, 6, 7, 8],
        ),
        (
            r#"keys == ["data", "meta", "seq", "time"]"#,
            &[1, 2, 3, 4, 5, 6, 7, 8],
        ),
        (
            r#"any(.meta.tags[]; . == "ops") and (.data | type) == "object""#,
            &[1, 3, 8],
        ),
        (". as $m | $m.data.n == $m.seq", &[1, 2, 3, 4, 5]),
        // No environment is shown.
        ("env == {}", &[1, 2, 3, 4, 5, 6, 7, 8]),
    ];
    for (expr, want) in cases {
        let o = run(tmp.path(), &["tail", "p", "-n", "100", "--where", expr]);
        assert_eq!(seqs(&o), *want, "--where {expr}");
    }
}

#[test]
fn non_boolean_output_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let o = run(tmp.path(), &["tail", "p", "-n", "100", "--where", ".data.kind"]);
    assert_eq!(o.status.code(), Some(2));
    let e = error_of(&o);
    assert_eq!(e["kind"], "Usage");
    assert!(e["message"].as_str().unwrap().contains("`.data.kind`"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("\"deploy\""), "{e}");
    assert_eq!(e["seq"], 1);
}

#[test]
fn bad_expression_is_usage_exit_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    for (expr, detail) in [
        (".data.n ==", "at the end"),
        ("foo(1)", "undefined filter foo/1"),
        ("$nope", "undefined variable $nope"),
        (".data.n == (1", ""),
        (r#""unterminated"#, ""),
    ] {
        // Also before the pool is opened: a missing pool is not the error.
        for pool in ["p", "missing"] {
            let o = run(
                tmp.path(),
                &["tail", pool, "--where", ".seq > 0", "--where", expr],
            );
            assert_eq!(o.status.code(), Some(2), "{expr}");
            let e = error_of(&o);
            assert_eq!(e["kind"], "Usage", "{expr}");
            let msg = e["message"].as_str().unwrap();
            assert!(msg.contains(&format!("`{expr}`")), "{expr}: {msg}");
            assert!(msg.contains(detail), "{expr}: {msg}");
            assert!(o.stdout.is_empty());
        }
    }
}

#[test]
fn repeated_where_is_and() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let o = run(
        tmp.path(),
        &[
            "tail",
            "p",
            "-n",
            "100",
            "--where",
            r#".data.kind == "deploy""#,
            "--where",
            ".data.n >= 3",
        ],
    );
    assert_eq!(seqs(&o), [3, 5]);
    let o = run(
        tmp.path(),
        &[
            "tail",
            "p",
            "-n",
            "100",
            "--where",
            ".data.n >= 3",
            "--where",
            ".data.n < 3",
        ],
    );
    assert_eq!(seqs(&o), Vec::<u64>::new());
}

#[test]
fn combined_with_tags_lines_since_max_and_data_only() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let deploy = r#".data.kind == "deploy""#;
    // Tags and expressions: both must hold.
    let o = run(
        tmp.path(),
        &["tail", "p", "-n", "100", "-t", "ops", "--where", deploy],
    );
    assert_eq!(seqs(&o), [1, 3]);
    let o = run(
        tmp.path(),
        &[
            "tail", "p", "-n", "100", "-t", "ops", "-t", "prod", "--where", deploy,
        ],
    );
    assert_eq!(seqs(&o), [3]);
    // -n N starts at the newest N messages, then filters (as -t does).
    let o = run(tmp.path(), &["tail", "p", "-n", "4", "--where", deploy]);
    assert_eq!(seqs(&o), [5]);
    let o = run(tmp.path(), &["tail", "p", "--since", "2", "--where", deploy]);
    assert_eq!(seqs(&o), [3, 5]);
    // --max counts delivered (matching) messages.
    let o = run(
        tmp.path(),
        &["tail", "p", "--since", "1", "--max", "2", "--where", deploy],
    );
    assert_eq!(seqs(&o), [1, 3]);
    let o = run(
        tmp.path(),
        &[
            "tail",
            "p",
            "-n",
            "100",
            "--where",
            deploy,
            "--data-only",
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "{\"kind\":\"deploy\",\"n\":1,\"user\":\"alice\",\"list\":[1,2]}\n\
         {\"kind\":\"deploy\",\"n\":3,\"user\":\"Carol\",\"nested\":{\"a\":{\"b\":true}}}\n\
         {\"kind\":\"deploy\",\"n\":5,\"user\":12}\n"
    );
    // --timeout with nothing matching: exit 124.
    let o = run(
        tmp.path(),
        &[
            "tail",
            "p",
            "-n",
            "100",
            "--where",
            ".data.kind == \"none\"",
            "--timeout",
            "200ms",
        ],
    );
    assert_eq!(o.status.code(), Some(124));
    assert!(o.stdout.is_empty());
}

/// Reads a child's stdout lines on a thread.
fn line_reader(stdout: std::process::ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

fn follower_sees_only_matches(pool_ref: &str, dir: &Path) {
    let mut child = pls()
        .arg("--dir")
        .arg(dir)
        .args([
            "tail", "-f", pool_ref, "-n", "0", "--max", "2", "--format", "jsonl",
        ])
        .args(["--where", r#".data.kind == "deploy""#, "--where", ".data.ok"])
        .env_remove("PLASMITE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = line_reader(child.stdout.take().unwrap());
    let append = |data: &str| {
        let o = run(dir, &["append", "p", data, "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    // The follower starts at the live edge: wait until it is there (a
    // matching message appended before it started would not be shown).
    let start = Client::new(dir).open_pool("p").unwrap().info().unwrap();
    let first_new = start.newest.map_or(1, |n| n + 1);
    let mut got = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut round = 0u64;
    while got.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the follower printed nothing"
        );
        round += 1;
        append(r#"{"kind":"build","ok":true}"#);
        append(r#"{"kind":"deploy","ok":false}"#);
        append(&format!(r#"{{"kind":"deploy","ok":true,"round":{round}}}"#));
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
            got.push(line);
        }
    }
    append(r#"{"kind":"build","ok":true}"#);
    append(r#"{"kind":"deploy","ok":true,"last":true}"#);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the follower did not stop at --max 2"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    got.extend(rx.iter());
    assert_eq!(got.len(), 2, "{got:?}");
    for line in &got {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["data"]["kind"], "deploy", "{line}");
        assert_eq!(v["data"]["ok"], true, "{line}");
        assert!(v["seq"].as_u64().unwrap() >= first_new);
    }
}

#[test]
fn follower_only_sees_matching_messages_appended_by_another_process() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    follower_sees_only_matches("p", tmp.path());
}

#[test]
fn remote_follower_only_sees_matching_messages() {
    let s = Server::start(&[]);
    fill(&s.dir);
    follower_sees_only_matches(&format!("{}/p", s.url()), &s.dir);
}

#[test]
fn remote_tail_filters_like_a_local_one() {
    let s = Server::start(&[]);
    fill(&s.dir);
    let url = format!("{}/p", s.url());
    for args in [
        &["-n", "100", "--where", r#".data.kind == "deploy""#][..],
        &[
            "-n",
            "100",
            "--where",
            r#".data.kind == "deploy""#,
            "--where",
            ".data.n > 1",
        ],
        &["-n", "100", "-t", "ops", "--where", ".data.n != null"],
        &["--since", "2", "--max", "2", "--where", ".data.n != null"],
        &["-n", "100", "--where", r#".data.user | startswith("al")"#],
    ] {
        let local = run(
            &s.dir,
            &[&["tail", "p"][..], args, &["--format", "jsonl"]].concat(),
        );
        let remote = run(
            &s.dir,
            &[&["tail", url.as_str()][..], args, &["--format", "jsonl"]].concat(),
        );
        assert!(!seqs(&local).is_empty(), "{args:?}");
        assert_eq!(seqs(&remote), seqs(&local), "{args:?}");
        assert_eq!(remote.stdout, local.stdout, "{args:?}");
    }
    // A bad expression: Usage, exit 2, as for a local pool.
    let o = run(&s.dir, &["tail", &url, "--where", ".data.n =="]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(error_of(&o)["kind"], "Usage");
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn server_tail_where_parameter() {
    let s = Server::start(&[]);
    fill(&s.dir);
    let path = |q: &str| format!("/v0/pools/p/tail?timeout_ms=200&{q}");
    let seqs_of = |r: &serve_support::Response| -> Vec<u64> {
        assert_eq!(r.status, 200, "{}", r.text());
        r.lines().iter().map(|v| v["seq"].as_u64().unwrap()).collect()
    };
    let deploy = enc(r#".data.kind == "deploy""#);
    assert_eq!(seqs_of(&s.get(&path(&format!("where={deploy}")))), [1, 3, 5]);
    // Repeated: AND; with tags, since_seq, max.
    let r = s.get(&path(&format!("where={deploy}&where={}", enc(".data.n >= 3"))));
    assert_eq!(seqs_of(&r), [3, 5]);
    assert_eq!(seqs_of(&s.get(&path(&format!("where={deploy}&tag=ops")))), [1, 3]);
    assert_eq!(
        seqs_of(&s.get(&path(&format!("where={deploy}&since_seq=2&max=1")))),
        [3]
    );
    assert_eq!(seqs_of(&s.get(&path(&format!("where={deploy}&last=4")))), [5]);
    // The Lite3 tail filters too (seq is the first 8 bytes of each frame).
    let r = s.get(&format!("/v0/pools/p/tail_lite3?timeout_ms=200&where={deploy}"));
    assert_eq!(r.status, 200);
    let mut frames = Vec::new();
    let mut rest = &r.body[..];
    while rest.len() >= 20 {
        let seq = u64::from_be_bytes(rest[..8].try_into().unwrap());
        let len = u32::from_be_bytes(rest[16..20].try_into().unwrap()) as usize;
        frames.push(seq);
        rest = &rest[20 + len..];
    }
    assert_eq!(frames, [1, 3, 5]);
    // A bad expression: 400 Usage naming it, before any stream starts.
    for bad in [".data.n ==", "nope(1)"] {
        for route in ["tail", "tail_lite3"] {
            let r = s.get(&format!("/v0/pools/p/{route}?where={}", enc(bad)));
            assert_eq!(r.status, 400, "{bad}: {}", r.text());
            assert_eq!(r.kind(), "Usage");
            assert!(
                r.json()["error"]["message"].as_str().unwrap().contains(bad),
                "{}",
                r.text()
            );
        }
    }
    // An expression with a non-boolean output ends the stream with an
    // error line, after what matched before it.
    let r = s.get(&path(&enc_pairs(&[(
        "where",
        "if .seq < 3 then .seq == 1 else .data end",
    )])));
    assert_eq!(r.status, 200);
    let got = r.lines();
    assert_eq!(got.len(), 2, "{}", r.text());
    assert_eq!(got[0]["seq"], 1);
    assert_eq!(got[1]["error"]["kind"], "Usage");
    assert_eq!(got[1]["error"]["seq"], 3);
}

fn enc_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The filter builds only the part of the envelope an expression can
/// observe: every verdict (match, no match, error) must be the one of the
/// whole envelope.
#[test]
fn library_filter_verdicts_equal_those_on_the_whole_envelope() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = Client::new(tmp.path()).create_pool("p", 1 << 20).unwrap();
    let payloads = [
        r#"{"a":1,"b":{"c":2,"d":[1,2]},"s":"x\"y"}"#,
        r#"{"a":"1","b":{"c":{"e":null}},"k":"a"}"#,
        r#"{"b":[{"c":2}],"a\u0062":5,"ab":6}"#,
        r#"{"a":{"a":{"a":1}},"b":"c","k":"b"}"#,
        r#"{}"#,
        r#"[1,2,3]"#,
        r#""text""#,
        r#"12.5"#,
        r#"null"#,
        r#"{"a":1,"a":2}"#,
    ];
    for (i, p) in payloads.iter().enumerate() {
        let tags: &[&str] = if i % 2 == 0 { &["t"] } else { &[] };
        pool.append_json(p.as_bytes(), tags, Durability::Fast).unwrap();
    }
    let exprs = [
        ".data.a == 1",
        ".data.a.a.a == 1",
        ".data.b.c == 2",
        ".data.b.d | length == 2",
        ".data | length > 1",
        ".data == {}",
        ".data.ab == 5",
        ".data.ab == 6",
        r#".data.s == "x\"y""#,
        ".data[.data.k] != null",
        r#".data["b"].c == 2"#,
        ".data.b[0].c == 2",
        ".data | has(\"a\")",
        "(.data | keys | length) == 2",
        ".data | to_entries | length == 3",
        ".data.a == 2",
        ". == {}",
        ".data.b | type == \"object\"",
        "[.data.a, .data.b] | length == 2",
        "{x: .data.a} == {x: 1}",
        "\"\\(.data.a)\" == \"1\"",
        ".data.a as $x | .data.b.c == 2 and $x == 1",
        "try (.data.a | error) catch (. == 1)",
        "if .data.a then .seq > 1 else .seq < 3 end",
        ".data.a? == 1",
        ".data[] == 1",
        "[.data[]?] | length > 0",
        ".. == 2",
        "path(.data.a) == [\"data\", \"a\"]",
        "del(.data.a) | .data | length == 0",
        ".data.a |= 3 | .data.a == 3",
        "tojson | contains(\"\\\"b\\\"\")",
        ".meta.tags == [\"t\"]",
        ".time | length > 20",
        ".seq % 3 == 0",
        "getpath([\"data\", \"a\"]) == 1",
        "def f: .data.a; f == 1",
        "reduce .data.b.d[]? as $x (0; . + $x) == 3",
        "@json \"\\(.data.a)\" == \"1\"",
    ];
    let mut cursor = pool.cursor(CursorOptions::default()).unwrap();
    let mut messages = Vec::new();
    while let Some(m) = cursor.try_next().unwrap() {
        messages.push(m.to_owned());
    }
    assert_eq!(messages.len(), payloads.len());
    for expr in exprs {
        let filter = Filter::new(&[expr]).unwrap();
        for m in &messages {
            let envelope = m.envelope().unwrap();
            let whole = filter.matches_json(&envelope).map_err(|e| e.kind());
            let built = filter.matches(&m.as_ref()).map_err(|e| e.kind());
            assert_eq!(built, whole, "{expr} on {}", String::from_utf8_lossy(&envelope));
        }
    }
}

#[test]
fn library_filter_in_a_cursor() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let pool = Client::new(tmp.path()).open_pool("p").unwrap();
    let filter = Filter::new(&[r#".data.kind == "deploy""#]).unwrap();
    assert_eq!(
        filter.expressions().collect::<Vec<_>>(),
        [r#".data.kind == "deploy""#]
    );
    let mut cursor = pool
        .cursor(CursorOptions {
            start: Start::Since(2),
            tags: vec!["ops".into()],
            filter: Some(filter.clone()),
            ..Default::default()
        })
        .unwrap();
    let mut got = Vec::new();
    while let Some(m) = cursor.try_next().unwrap() {
        got.push(m.seq);
    }
    assert_eq!(got, [3]);
    // Compile errors are Usage; no expression at all is one too.
    assert_eq!(Filter::new(&["."]).map(|_| ()).map_err(|e| e.kind()), Ok(()));
    assert_eq!(Filter::new(&[".a |"]).unwrap_err().kind(), ErrorKind::Usage);
    assert_eq!(Filter::new::<&str>(&[]).unwrap_err().kind(), ErrorKind::Usage);
    // A non-boolean output stops the cursor's read with a Usage error
    // carrying the seq; the next read goes on after it.
    let filter = Filter::new(&["if .seq == 2 then 5 else .seq > 2 end"]).unwrap();
    let mut cursor = pool
        .cursor(CursorOptions {
            filter: Some(filter),
            ..Default::default()
        })
        .unwrap();
    let e = cursor.try_next().unwrap_err();
    assert_eq!((e.kind(), e.seq()), (ErrorKind::Usage, Some(2)));
    assert_eq!(cursor.try_next().unwrap().unwrap().seq, 3);
}

/// Runs `pls` with a bound: a regression that hangs fails here instead of
/// hanging the suite.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let child = pls()
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env_remove("PLASMITE_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &id.to_string()])
                .status();
            panic!("pls {args:?} did not end within 60 s");
        }
    }
}

const ENDLESS: &[(&str, &str)] = &[
    ("def f: f; f", "evaluation steps"),
    ("last(range(1e15)) > 0", "evaluation steps"),
    ("[range(1e12)] | length > 0", "evaluation steps"),
    ("[repeat(1)] | length > 0", "evaluation steps"),
    ("def f: 1 + f; f > 0", "recursed too deep"),
    ("def f: [f]; f | length > 0", "recursed too deep"),
];

#[test]
fn endless_or_bottomless_expressions_are_stopped_as_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    for (expr, why) in ENDLESS {
        let o = run_bounded(dir.path(), &["tail", "p", "--where", expr]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{expr}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let e = error_of(&o);
        assert_eq!(e["kind"], "Usage", "{expr}");
        assert_eq!(e["seq"], 1, "{expr}");
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains(expr) && msg.contains(why), "{expr}: {msg}");
    }
}

#[test]
fn the_stack_budget_fits_a_default_thread_and_deep_data() {
    // This test's thread has Rust's default 2 MiB stack: the 1 MiB budget
    // stops the recursion before the thread's stack overflows.
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
    let mut deep = "0".to_string();
    for _ in 0..511 {
        deep = format!("[{deep}]");
    }
    pool.append_json(
        format!(r#"{{"deep":{deep}}}"#).as_bytes(),
        &[] as &[&str],
        Durability::Fast,
    )
    .unwrap();
    let first = |exprs: &[&str]| {
        let filter = Filter::new(exprs).unwrap();
        let mut c = pool
            .cursor(CursorOptions {
                filter: Some(filter),
                ..Default::default()
            })
            .unwrap();
        c.try_next().map(|m| m.map(|m| m.seq))
    };
    // Walking data nested as deep as a message may be is within budget
    // (walk's frames are larger: 110 levels of it, in a debug build too).
    for expr in [
        "[..] | length > 500",
        "[paths] | length > 500",
        "(.data.deep | getpath([range(400) | 0]) | walk(.) | tostring | length) > 200",
    ] {
        assert_eq!(first(&[expr]).unwrap(), Some(1), "{expr}");
    }
    // A recursive definition a few hundred calls deep (a debug build's
    // frames are several times larger).
    let depth = if cfg!(debug_assertions) { 30 } else { 400 };
    let ok = format!("def f: if . > 0 then (. - 1 | f) + 1 else 0 end; ({depth} | f) == {depth}");
    assert_eq!(first(&[ok.as_str()]).unwrap(), Some(1));
    for (expr, why) in ENDLESS {
        let e = first(&[expr]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage, "{expr}");
        assert!(e.message().contains(why), "{expr}: {e}");
    }
    // And the filter still works after a stopped evaluation on this thread.
    assert_eq!(first(&[".data.deep | length == 1"]).unwrap(), Some(1));
}

#[test]
fn a_bottomless_remote_expression_does_not_take_the_server_down() {
    let s = Server::start(&[]);
    fill(&s.dir);
    for (expr, why) in ENDLESS {
        let r = s.get(&format!("/v0/pools/p/tail?timeout_ms=200&where={}", enc(expr)));
        assert!(r.text().contains(why), "{expr}: {} {}", r.status, r.text());
    }
    // Still serving.
    let r = s.get(&format!(
        "/v0/pools/p/tail?timeout_ms=200&where={}",
        enc(".data.n == 3")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.lines().len(), 1);
}
