//! Issue 10, items 13, 14 and 16: valid input is accepted however it is cut
//! into reads, an oversized record is dropped whole, and data as deep as a
//! pool accepts reads back through every reader.

use crate::serve_support;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, ChildStdin, Output, Stdio};
use std::time::{Duration, Instant};

use plasmite::json::{next_value, MAX_DEPTH};
use plasmite::Client;
use proptest::prelude::*;
use serve_support::{pls, Server};

// ---------------------------------------------------------------------------
// The scanner, driven the way the append loops drive it.

/// What a stream reader makes of `chunks`: each value it takes, then the
/// absolute offset of the first error (if any). A value ending exactly at
/// the end of the buffer, or an error at the end of the buffer, waits for
/// the next chunk, as `pls append` does.
fn stream(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, Option<usize>) {
    let mut buf = Vec::new();
    let mut base = 0usize;
    let mut values = Vec::new();
    let mut next = 0;
    loop {
        let eof = next == chunks.len();
        if !eof {
            buf.extend_from_slice(chunks[next]);
            next += 1;
        }
        let mut start = 0;
        loop {
            match next_value(&buf, start) {
                Ok(None) => {
                    start = buf.len();
                    break;
                }
                Ok(Some(s)) if s.end == buf.len() && !eof => break,
                Ok(Some(s)) => {
                    values.push(buf[s.start..s.end].to_vec());
                    start = s.end;
                }
                Err(e) if e.offset >= buf.len() && !eof => break,
                Err(e) => return (values, Some(base + e.offset)),
            }
        }
        base += start;
        buf.drain(..start);
        if eof {
            return (values, None);
        }
    }
}

/// One of every token kind, with whitespace between tokens.
const EVERY_TOKEN: &str = concat!(
    " {\"lit\": [true, false, null], \"num\": [0, -0, 12, -3.25, 1e5, 2E-3, -4.5e+10],",
    " \"str\": [\"\", \"plain\", \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", \"\\u00e9\\uD83D\\ude00\",",
    " \"é€😀\"], \"nest\": {\"a\": {\"b\": []}, \"c\": [{}]}}\n",
    "true\nfalse\nnull\n-7\n\"s\\u0041\"\n[1,2]\n{\"k\":\"v\"}\n"
);

/// Texts that are not valid JSON, each failing at a known place.
const INVALID: &[&str] = &[
    "{\"a\":tru}\n",
    "{\"a\":\"\\u12g4\"}\n",
    "[nul]\n",
    "{\"a\":1,}\n",
    "[\"\\x\"]\n",
    "[1 2]\n",
    "truex\n",
    "{\"a\":fals e}\n",
];

fn whole(text: &[u8]) -> (Vec<Vec<u8>>, Option<usize>) {
    stream(&[text])
}

#[test]
fn every_token_split_at_every_offset_scans_the_same() {
    let mut texts: Vec<&str> = vec![EVERY_TOKEN];
    texts.extend_from_slice(INVALID);
    for text in texts {
        let text = text.as_bytes();
        let want = whole(text);
        for cut in 1..text.len() {
            let got = stream(&[&text[..cut], &text[cut..]]);
            assert_eq!(
                got,
                want,
                "{:?} cut after {cut} bytes ({:?} | {:?})",
                String::from_utf8_lossy(text),
                String::from_utf8_lossy(&text[..cut]),
                String::from_utf8_lossy(&text[cut..])
            );
        }
    }
    // The valid text gives every value and no error.
    let (values, error) = whole(EVERY_TOKEN.as_bytes());
    assert_eq!(values.len(), 8);
    assert_eq!(error, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_splits_scan_the_same(
        which in 0..=INVALID.len(),
        cuts in proptest::collection::vec(0usize..10_000, 0..12),
    ) {
        let text = if which == INVALID.len() { EVERY_TOKEN } else { INVALID[which] }.as_bytes();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut at = 0;
        for c in cuts {
            chunks.push(&text[at..c]);
            at = c;
        }
        chunks.push(&text[at..]);
        prop_assert_eq!(stream(&chunks), whole(text));
    }
}

// ---------------------------------------------------------------------------
// The real binary, reading a pipe in pieces.

/// Bytes written to a pipe that no reader has taken yet.
fn unread(stdin: &ChildStdin) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD on a pipe descriptor we own writes one c_int.
    let r = unsafe { libc::ioctl(stdin.as_raw_fd(), libc::FIONREAD, &mut n) };
    assert_eq!(r, 0, "FIONREAD failed");
    n as usize
}

/// Runs `pls args` with `pieces` written to its stdin one at a time, each
/// once the previous one has been read, so each read ends where a piece
/// does.
fn run_in_pieces(args: &[&str], env: &[(&str, &Path)], pieces: &[&[u8]]) -> Output {
    let mut cmd = pls();
    cmd.args(args)
        .env_remove("PLASMITE_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child: Child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    'pieces: for piece in pieces {
        if stdin.write_all(piece).is_err() {
            break; // pls stopped reading (it failed)
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while unread(&stdin) > 0 {
            if child.try_wait().unwrap().is_some() {
                break 'pieces;
            }
            assert!(Instant::now() < deadline, "pls never read its input");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    drop(stdin);
    child.wait_with_output().unwrap()
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

/// Records cut inside each kind of token, and what each stores.
const CUT_RECORDS: &[(&str, &str, &str)] = &[
    ("{\"a\":tr", "ue}\n", "{\"a\":true}"),
    ("[fal", "se]\n", "[false]"),
    ("n", "ull\n", "null"),
    ("{\"k\":\"\\u00", "e9\"}\n", "{\"k\":\"\\u00e9\"}"),
    ("[\"\\", "u0041\"]\n", "[\"\\u0041\"]"),
    ("[\"\\ud83d\\u", "de00\"]\n", "[\"\\ud83d\\ude00\"]"),
    ("{\"n\":-1.", "5e+3}\n", "{\"n\":-1.5e+3}"),
    ("[\"\u{e9}\u{20ac}", "\"]\n", "[\"\u{e9}\u{20ac}\"]"),
];

#[test]
fn stdin_tokens_cut_between_reads_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("c", 1 << 20).unwrap();
    for errors in ["stop", "skip"] {
        for (a, b, want) in CUT_RECORDS {
            let before = stored(dir, "c").len();
            let o = run_in_pieces(
                &["append", "c", "--quiet", "--errors", errors],
                &[("PLASMITE_DIR", dir)],
                &[a.as_bytes(), b.as_bytes()],
            );
            assert!(o.status.success(), "{a:?} | {b:?} ({errors}): {}", text(&o));
            let all = stored(dir, "c");
            assert_eq!(all.len(), before + 1, "{a:?} | {b:?}");
            assert_eq!(all.last().unwrap(), want);
        }
    }
    // A UTF-8 character cut in the middle of its bytes.
    let e = "é".as_bytes();
    let o = run_in_pieces(
        &["append", "c", "--quiet"],
        &[("PLASMITE_DIR", dir)],
        &[b"[\"x", &e[..1], &e[1..], b"\"]\n"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(stored(dir, "c").last().unwrap(), "[\"xé\"]");
}

#[test]
fn file_token_across_the_read_boundary_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("c", 8 << 20).unwrap();
    // The append reads 1 MiB at a time: cut each kind of token there.
    const CHUNK: usize = 1 << 20;
    for (a, b, want) in CUT_RECORDS {
        let mut input = Vec::with_capacity(CHUNK + 64);
        let pad = CHUNK - a.len() - 1; // up to the newline before the record
        let line = format!("{{\"p\":\"{}\"}}\n", "x".repeat(1000));
        while input.len() + line.len() <= pad {
            input.extend_from_slice(line.as_bytes());
        }
        let fill = pad - input.len();
        if fill > 0 {
            input.extend(std::iter::repeat_n(b' ', fill - 1));
            input.push(b'\n');
        }
        input.push(b'\n');
        input.extend_from_slice(a.as_bytes());
        assert_eq!(input.len(), CHUNK);
        input.extend_from_slice(b.as_bytes());
        let path = dir.join("input.jsonl");
        std::fs::write(&path, &input).unwrap();
        let o = pls()
            .args(["append", "c", "--quiet", "--file"])
            .arg(&path)
            .env("PLASMITE_DIR", dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{a:?} | {b:?}: {}", text(&o));
        assert_eq!(stored(dir, "c").last().unwrap(), want);
    }
}

#[test]
fn remote_append_tokens_cut_between_reads_are_accepted() {
    let s = Server::start(&[]);
    Client::new(&s.dir).create_pool("c", 1 << 20).unwrap();
    let url = format!("{}/c", s.url());
    for (a, b, want) in CUT_RECORDS {
        let o = run_in_pieces(&["append", &url, "--quiet"], &[], &[a.as_bytes(), b.as_bytes()]);
        assert!(o.status.success(), "{a:?} | {b:?}: {}", text(&o));
        assert_eq!(stored(&s.dir, "c").last().unwrap(), want);
    }
}

// ---------------------------------------------------------------------------
// Item 14: a record too large for the pool is dropped whole.

/// A valid 70,000-byte record whose lines, read on their own, are values.
fn oversized_record() -> String {
    let rec = format!(
        "[\"{}\",\n7,\n{{\"injected\":true}}\n]\n",
        "a".repeat(70_000 - 20)
    );
    assert!(rec.len() >= 70_000);
    rec
}

fn check_oversized_skipped(dir: &Path, o: &Output) {
    assert_eq!(o.status.code(), Some(1), "{}", text(o));
    let err = String::from_utf8_lossy(&o.stderr);
    let reports = err.matches("larger than the pool's limit").count();
    assert_eq!(reports, 1, "one report for the record: {err}");
    assert_eq!(
        stored(dir, "small"),
        vec!["{\"before\":1}".to_string(), "{\"after\":2}".to_string()],
        "{err}"
    );
}

#[test]
fn oversized_record_is_skipped_whole_from_a_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("small", 64 << 10).unwrap();
    let rec = oversized_record();
    let (head, tail) = rec.split_at(66_000);
    // The record arrives in pieces: the reader never holds all of it.
    let o = run_in_pieces(
        &["append", "small", "--quiet", "--errors", "skip"],
        &[("PLASMITE_DIR", dir)],
        &[
            b"{\"before\":1}\n",
            &head.as_bytes()[..30_000],
            &head.as_bytes()[30_000..],
            tail.as_bytes(),
            b"{\"after\":2}\n",
        ],
    );
    check_oversized_skipped(dir, &o);
}

#[test]
fn oversized_record_is_skipped_whole_from_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("small", 64 << 10).unwrap();
    let input = format!("{{\"before\":1}}\n{}{{\"after\":2}}\n", oversized_record());
    let path = dir.join("in.json");
    std::fs::write(&path, input).unwrap();
    let o = pls()
        .args(["append", "small", "--quiet", "--errors", "skip", "--file"])
        .arg(&path)
        .env("PLASMITE_DIR", dir)
        .output()
        .unwrap();
    check_oversized_skipped(dir, &o);
}

#[test]
fn oversized_record_stops_the_append_without_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    Client::new(dir).create_pool("small", 64 << 10).unwrap();
    let rec = oversized_record();
    let o = run_in_pieces(
        &["append", "small", "--quiet"],
        &[("PLASMITE_DIR", dir)],
        &[b"{\"before\":1}\n", &rec.as_bytes()[..66_000]],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(stored(dir, "small"), vec!["{\"before\":1}".to_string()]);
}

// ---------------------------------------------------------------------------
// Item 16: what a pool accepts, every reader reads back.

fn nested(depth: usize) -> String {
    let mut s = String::new();
    for i in 0..depth {
        s.push_str(if i % 2 == 0 { "{\"k\":" } else { "[" });
    }
    s.push('1');
    for i in (0..depth).rev() {
        s.push(if i % 2 == 0 { '}' } else { ']' });
    }
    s
}

#[test]
fn deepest_data_reads_back_locally_and_remotely() {
    let s = Server::start(&[]);
    Client::new(&s.dir).create_pool("deep", 1 << 20).unwrap();
    let url = format!("{}/deep", s.url());
    let run = |args: &[&str]| {
        pls()
            .args(args)
            .env("PLASMITE_DIR", &s.dir)
            .env_remove("PLASMITE_TOKEN")
            .output()
            .unwrap()
    };
    let depths = [MAX_DEPTH - 1, MAX_DEPTH];
    for (i, d) in depths.iter().enumerate() {
        let data = nested(*d);
        // Appended over HTTP, then locally.
        let o = run(&["append", &url, &data, "--quiet"]);
        assert!(o.status.success(), "depth {d} over HTTP: {}", text(&o));
        let o = run(&["append", "deep", &data, "--quiet"]);
        assert!(o.status.success(), "depth {d} locally: {}", text(&o));
        for seq in [2 * i + 1, 2 * i + 2] {
            let seq = seq.to_string();
            for pool in [url.as_str(), "deep"] {
                let o = run(&["get", pool, &seq, "--data-only", "--format", "jsonl"]);
                assert!(o.status.success(), "get {pool} {seq} (depth {d}): {}", text(&o));
                assert_eq!(String::from_utf8_lossy(&o.stdout), format!("{data}\n"));
            }
        }
    }
    // One more level is refused everywhere, with Usage (exit 2).
    let too_deep = nested(MAX_DEPTH + 1);
    assert_eq!(run(&["append", &url, &too_deep]).status.code(), Some(2));
    assert_eq!(run(&["append", "deep", &too_deep]).status.code(), Some(2));
    // A raw request body with the data one level too deep is refused too.
    let r = s.post("/v0/pools/deep/append", &format!("{{\"data\":{too_deep}}}"));
    assert_eq!(r.status, 400, "{}", r.text());
    // Tails, remote and local, deliver all four.
    for pool in [url.as_str(), "deep"] {
        let o = run(&["tail", pool, "--data-only", "--format", "jsonl"]);
        assert!(o.status.success(), "tail {pool}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let want: Vec<String> = depths.iter().flat_map(|d| [nested(*d), nested(*d)]).collect();
        assert_eq!(out.lines().collect::<Vec<_>>(), want, "tail {pool}");
    }
    // The server's get and tail answers parse as a whole for any client
    // that nests envelopes (`{"message":{..,"data":DATA}}`).
    let r = s.get("/v0/pools/deep/messages/4");
    assert_eq!(r.status, 200);
    assert!(plasmite::json::validate_wrapped(&r.body).is_ok());
}

#[test]
fn remote_tail_prints_what_came_before_a_bad_line() {
    // A server whose second streamed message is not an envelope: the first
    // one is printed before the error.
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (sock, _) = listener.accept().unwrap();
            let mut r = BufReader::new(sock.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let is_info = line.contains("/info");
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                if h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let body = if is_info {
                "{\"pool\":{\"name\":\"p\",\"bounds\":{\"oldest\":1,\"newest\":2}}}\n".to_string()
            } else {
                "{\"seq\":1,\"time\":\"t\",\"meta\":{\"tags\":[]},\"data\":{\"a\":1}}\n{\"seq\":2,\"data\":[}\n"
                    .to_string()
            };
            let mut w = sock;
            write!(
                w,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let _ = w.flush();
        }
    });
    let o = pls()
        .args([
            "tail",
            &format!("http://127.0.0.1:{port}/p"),
            "--data-only",
            "--format",
            "jsonl",
        ])
        .env_remove("PLASMITE_TOKEN")
        .output()
        .unwrap();
    server.join().unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "{\"a\":1}\n", "{}", text(&o));
}

#[test]
fn remote_append_skips_a_record_the_server_refuses() {
    let s = Server::start(&[]);
    Client::new(&s.dir).create_pool("small", 64 << 10).unwrap();
    let url = format!("{}/small", s.url());
    let input = format!("{{\"before\":1}}\n{}{{\"after\":2}}\n", oversized_record());
    let o = run_in_pieces(
        &["append", &url, "--quiet", "--errors", "skip"],
        &[],
        &[input.as_bytes()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("\"error\"").count(), 1, "{err}");
    assert_eq!(
        stored(&s.dir, "small"),
        vec!["{\"before\":1}".to_string(), "{\"after\":2}".to_string()]
    );
}
