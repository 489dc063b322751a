//! `GET /v0/pools/P/events` (Server-Sent Events) and the web console's
//! files at `/ui`, on a real server over real sockets.

use crate::serve_support;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use plasmite::{Client, Durability};
use serve_support::{send, Server};

/// One event of an SSE stream: its fields, or a comment.
#[derive(Debug, Default, Clone, PartialEq)]
struct Event {
    id: Option<String>,
    event: Option<String>,
    data: Vec<String>,
    comment: Option<String>,
}

/// An SSE response read event by event (Connection: close, so the body is
/// the raw stream after the head; chunk framing lines are skipped).
struct Sse {
    status: u16,
    headers: Vec<(String, String)>,
    reader: BufReader<std::net::TcpStream>,
    chunked: bool,
}

impl Sse {
    fn open(s: &Server, path: &str, headers: &[(&str, &str)]) -> Sse {
        let mut c = s.connect();
        send(&mut c, "GET", path, headers, b"", false);
        let mut reader = BufReader::new(c);
        let mut status = 0;
        let mut hs = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if status == 0 {
                status = l.split(' ').nth(1).unwrap().parse().unwrap();
            } else if l.is_empty() {
                break;
            } else if let Some((k, v)) = l.split_once(':') {
                hs.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let chunked = hs.iter().any(|(k, v)| k == "transfer-encoding" && v == "chunked");
        Sse {
            status,
            headers: hs,
            reader,
            chunked,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body's next line (chunked framing undone, as the events are
    /// sent in whole chunks); `None` at the end.
    fn raw_line(&mut self) -> Option<String> {
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap() == 0 {
                return None;
            }
            let l = line.strip_suffix('\n').unwrap_or(&line);
            if self.chunked {
                // Chunk-size lines end in CR LF; event lines in a bare LF.
                if let Some(size) = l.strip_suffix('\r') {
                    if size == "0" {
                        return None;
                    }
                    if size.is_empty() || u64::from_str_radix(size, 16).is_ok() {
                        continue;
                    }
                }
            }
            return Some(l.to_string());
        }
    }

    /// The next event or comment; `None` at the end of the stream.
    fn next(&mut self) -> Option<Event> {
        let mut ev = Event::default();
        let mut any = false;
        loop {
            let line = self.raw_line()?;
            if line.is_empty() {
                if any {
                    return Some(ev);
                }
                continue;
            }
            any = true;
            let (field, value) = line.split_once(':').unwrap_or((&line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_string();
            match field {
                "" => ev.comment = Some(value),
                "id" => ev.id = Some(value),
                "event" => ev.event = Some(value),
                "data" => ev.data.push(value),
                other => panic!("unexpected field {other:?}"),
            }
        }
    }

    /// The remaining events, comments left out.
    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.next())
            .filter(|e| e.comment.is_none())
            .collect()
    }
}

fn seqs(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .map(|e| {
            let id: u64 = e.id.as_deref().unwrap().parse().unwrap();
            assert_eq!(e.data.len(), 1, "one data line per event");
            let env: serde_json::Value = serde_json::from_str(&e.data[0]).unwrap();
            assert_eq!(env["seq"], id, "id is the seq");
            id
        })
        .collect()
}

fn filled(args: &[&str], n: u64) -> (Server, plasmite::Pool) {
    let s = Server::start(args);
    let pool = Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    for i in 1..=n {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        pool.append_json(format!("{{\"i\":{i}}}").as_bytes(), &[tag], Durability::Fast)
            .unwrap();
    }
    (s, pool)
}

#[test]
fn events_carry_seq_as_id_and_the_envelope_as_data() {
    let (s, _pool) = filled(&[], 4);
    let mut r = Sse::open(&s, "/v0/pools/ev/events?timeout_ms=200", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let events = r.events();
    assert_eq!(seqs(&events), [1, 2, 3, 4]);
    let env: serde_json::Value = serde_json::from_str(&events[1].data[0]).unwrap();
    assert_eq!(env["data"], serde_json::json!({"i": 2}));
    assert_eq!(env["meta"]["tags"], serde_json::json!(["even"]));
    assert!(events.iter().all(|e| e.event.is_none()), "plain message events");
}

#[test]
fn a_message_written_over_lines_is_one_data_line() {
    let (s, pool) = filled(&[], 0);
    pool.append_json(
        b"{\n  \"a\": [1,\r\n 2],\n  \"s\": \"x\\ny\"\n}",
        &["t"],
        Durability::Fast,
    )
    .unwrap();
    let mut r = Sse::open(&s, "/v0/pools/ev/events?timeout_ms=100", &[]);
    let events = r.events();
    assert_eq!(seqs(&events), [1]);
    let env: serde_json::Value = serde_json::from_str(&events[0].data[0]).unwrap();
    assert_eq!(env["data"], serde_json::json!({"a": [1, 2], "s": "x\ny"}));
}

#[test]
fn events_take_the_tail_parameters() {
    let (s, _pool) = filled(&[], 6);
    let mut r = Sse::open(&s, "/v0/pools/ev/events?last=2&timeout_ms=100", &[]);
    assert_eq!(seqs(&r.events()), [5, 6]);
    let mut r = Sse::open(&s, "/v0/pools/ev/events?since_seq=2&max=3", &[]);
    assert_eq!(seqs(&r.events()), [2, 3, 4]);
    let mut r = Sse::open(&s, "/v0/pools/ev/events?tag=even&timeout_ms=100", &[]);
    assert_eq!(seqs(&r.events()), [2, 4, 6]);
    let mut r = Sse::open(
        &s,
        "/v0/pools/ev/events?where=.data.i%20%3E%204&timeout_ms=100",
        &[],
    );
    assert_eq!(seqs(&r.events()), [5, 6]);
    let r = s.get("/v0/pools/ev/events?where=.data.i%20%3E");
    assert_eq!((r.status, r.kind()), (400, "Usage".to_string()));
    let r = s.get("/v0/pools/nope/events");
    assert_eq!((r.status, r.kind()), (404, "NotFound".to_string()));
    let r = s.request("POST", "/v0/pools/ev/events", &[], b"");
    assert_eq!(r.status, 405);
}

#[test]
fn last_event_id_resumes_after_that_seq() {
    let (s, _pool) = filled(&[], 6);
    // The header wins over the URL's own start (an EventSource reconnects
    // with the URL it first used).
    for url in [
        "/v0/pools/ev/events?timeout_ms=100",
        "/v0/pools/ev/events?last=1&timeout_ms=100",
        "/v0/pools/ev/events?since_seq=1&timeout_ms=100",
    ] {
        let mut r = Sse::open(&s, url, &[("Last-Event-ID", "3")]);
        assert_eq!(seqs(&r.events()), [4, 5, 6], "{url}");
    }
    let mut r = Sse::open(&s, "/v0/pools/ev/events?timeout_ms=100", &[("Last-Event-ID", "")]);
    assert_eq!(seqs(&r.events()).len(), 6, "an empty id is no id");
    let r = s.request("GET", "/v0/pools/ev/events", &[("Last-Event-ID", "three")], b"");
    assert_eq!((r.status, r.kind()), (400, "Usage".to_string()));
    assert!(r.text().contains("Last-Event-ID"), "{}", r.text());
    // The plain tail ignores the header.
    let r = s.request(
        "GET",
        "/v0/pools/ev/tail?timeout_ms=100",
        &[("Last-Event-ID", "3")],
        b"",
    );
    assert_eq!(r.lines().len(), 6);
}

#[test]
fn a_live_event_arrives_at_once_and_silence_gets_keep_alive_comments() {
    let (s, pool) = filled(&[], 1);
    let mut r = Sse::open(&s, "/v0/pools/ev/events?last=0&keepalive_ms=100", &[]);
    r.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // Silence: comments, at about the interval asked for.
    let t = Instant::now();
    for _ in 0..3 {
        let e = r.next().unwrap();
        assert_eq!(e.comment.as_deref(), Some("keep-alive"), "{e:?}");
    }
    assert!(t.elapsed() >= Duration::from_millis(250), "{:?}", t.elapsed());
    let appended = Instant::now();
    pool.append_json(br#"{"live":true}"#, &[] as &[&str], Durability::Fast)
        .unwrap();
    let e = loop {
        let e = r.next().unwrap();
        if e.comment.is_none() {
            break e;
        }
    };
    assert_eq!(e.id.as_deref(), Some("2"));
    assert!(e.data[0].contains(r#""data":{"live":true}"#), "{e:?}");
    assert!(appended.elapsed() < Duration::from_secs(5));
    let r = s.get("/v0/pools/ev/events?keepalive_ms=0");
    assert_eq!((r.status, r.kind()), (400, "Usage".to_string()));
}

#[test]
fn an_error_ends_the_stream_with_a_named_event() {
    let (s, _pool) = filled(&[], 2);
    // An output that is not a boolean is a usage error at that message.
    let mut r = Sse::open(&s, "/v0/pools/ev/events?where=.data.i&timeout_ms=100", &[]);
    let events = r.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event.as_deref(), Some("plasmite-error"));
    assert_eq!(events[0].id, None);
    let v: serde_json::Value = serde_json::from_str(&events[0].data[0]).unwrap();
    assert_eq!(v["error"]["kind"], "Usage");
}

#[test]
fn events_need_the_token_and_read_access() {
    let (s, _pool) = filled(&["--token", "t0k"], 1);
    let r = s.get("/v0/pools/ev/events?timeout_ms=100");
    assert_eq!((r.status, r.kind()), (401, "Permission".to_string()));
    let mut r = Sse::open(
        &s,
        "/v0/pools/ev/events?timeout_ms=100",
        &[("Authorization", "Bearer t0k")],
    );
    assert_eq!(seqs(&r.events()), [1]);
    let (w, _pool) = filled(&["--access", "write-only"], 1);
    let r = w.get("/v0/pools/ev/events?timeout_ms=100");
    assert_eq!((r.status, r.kind()), (403, "Permission".to_string()));
}

#[test]
fn the_console_is_served_with_a_strict_policy() {
    let s = Server::start(&["--token", "t0k", "--access", "read-only"]);
    let r = s.get("/ui");
    assert_eq!((r.status, r.header("location")), (301, Some("/ui/")));
    let mut bodies = Vec::new();
    for (path, ty) in [
        ("/ui/", "text/html; charset=utf-8"),
        ("/ui/index.html", "text/html; charset=utf-8"),
        ("/ui/app.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "text/css; charset=utf-8"),
        ("/ui/icon.svg", "image/svg+xml"),
    ] {
        // No token needed for the files: the data behind them needs it.
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        let csp = r.header("content-security-policy").unwrap();
        for rule in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(rule), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe"), "{csp}");
        bodies.push((path, r.text()));
    }
    for (path, body) in &bodies {
        // Nothing from another origin; no inline script or style.
        let scrubbed = body.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !scrubbed.contains("http://") && !scrubbed.contains("https://"),
            "{path}"
        );
        assert!(
            !scrubbed.contains("src=\"//") && !scrubbed.contains("href=\"//"),
            "{path}"
        );
        assert!(
            !body.contains("innerHTML") && !body.contains("insertAdjacentHTML"),
            "{path}"
        );
        assert!(!body.contains("eval("), "{path}");
    }
    let html = &bodies[0].1;
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "inline script or style"
    );
    // plasmite 0.8's page addresses.
    let r = s.get("/ui/pools/ev.1");
    assert_eq!((r.status, r.header("location")), (301, Some("/ui/#/pool/ev.1")));
    let r = s.get("/ui/pools");
    assert_eq!((r.status, r.header("location")), (301, Some("/ui/")));
    assert_eq!(s.get("/ui/pools/..").status, 404);
    assert_eq!(s.get("/ui/pools/a%0d%0ab").status, 404);
    let r = s.get("/ui/nope.js");
    assert_eq!((r.status, r.kind()), (404, "NotFound".to_string()));
    let r = s.request("POST", "/ui/", &[], b"");
    assert_eq!(r.status, 405);
    // What the console reads first: the access mode and whether a token is
    // needed, without a token.
    let v = s.get("/").json();
    assert_eq!(v["access"], "read-only");
    assert_eq!(v["token_required"], true);
    assert_eq!(v["protocol"], 0);
}

#[test]
fn serve_check_names_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let out = serve_support::pls()
        .arg("serve")
        .arg(dir.path())
        .args(["--port", "9799", "check", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["check"]["console_url"], "http://127.0.0.1:9799/ui/");
}
