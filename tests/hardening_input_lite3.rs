//! Issue 10, item 15: a Lite3 tail never ends silently at a message Lite3
//! cannot carry. By default such messages are skipped (and logged by the
//! server); `on_unconvertible=error` ends the stream with an HTTP error.

use crate::serve_support;

use std::io::Read;
use std::time::{Duration, Instant};

use plasmite::{Client, Durability};
use serve_support::{read_until_close, send, Server};

/// Nested objects, `depth` levels.
fn nested(depth: usize) -> String {
    "{\"k\":".repeat(depth) + "1" + &"}".repeat(depth)
}

/// Messages 1..=6: two that convert around four that cannot.
fn fill(server: &Server) {
    let pool = Client::new(&server.dir).create_pool("p", 1 << 20).unwrap();
    let deep = nested(33);
    let messages: [&[u8]; 6] = [
        b"{\"a\":1}",
        b"5",
        b"{\"n\":1e400}",
        b"{\"s\":\"\\ud800\"}",
        deep.as_bytes(),
        b"{\"b\":2}",
    ];
    for m in messages {
        pool.append_json(m, &[] as &[&str], Durability::Fast).unwrap();
    }
}

/// `(seq, data as JSON)` of each frame in `body`; panics on a torn frame.
fn frames(mut body: &[u8]) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    while !body.is_empty() {
        assert!(body.len() >= 20, "torn frame head");
        let seq = u64::from_be_bytes(body[..8].try_into().unwrap());
        let len = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
        let doc = &body[20..20 + len];
        let mut data = Vec::new();
        plasmite::lite3::message_data_json(doc, &mut data).unwrap();
        out.push((seq, String::from_utf8(data).unwrap()));
        body = &body[20 + len..];
    }
    out
}

#[test]
fn tail_lite3_skips_what_it_cannot_convert_and_goes_on() {
    let s = Server::start(&[]);
    fill(&s);
    // max counts every message read, converted or skipped.
    let r = s.get("/v0/pools/p/tail_lite3?since_seq=1&max=6");
    assert_eq!(r.status, 200);
    assert_eq!(
        frames(&r.body),
        vec![(1, "{\"a\":1}".to_string()), (6, "{\"b\":2}".to_string())]
    );
    // A client restarting after the last frame it got, or at a message
    // that cannot be converted, gets the rest.
    for since in 2..=6 {
        let r = s.get(&format!(
            "/v0/pools/p/tail_lite3?since_seq={since}&max={}",
            7 - since
        ));
        assert_eq!(r.status, 200);
        assert_eq!(
            frames(&r.body),
            vec![(6, "{\"b\":2}".to_string())],
            "since {since}"
        );
    }
    // The server logged each skip of the first tail, naming the seq.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = s.log.lock().unwrap().join("\n");
        let ok = (2..=5).all(|seq| {
            log.contains(&format!(
                "tail_lite3 p: skipped: Lite3 cannot represent message {seq}"
            ))
        });
        if ok {
            break;
        }
        assert!(Instant::now() < deadline, "skips not logged:\n{log}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_unconvertible_error_ends_the_stream_with_an_error() {
    let s = Server::start(&[]);
    fill(&s);
    // At the start: a plain 400 Usage naming the message.
    for since in 2..=5 {
        let r = s.get(&format!(
            "/v0/pools/p/tail_lite3?since_seq={since}&on_unconvertible=error"
        ));
        assert_eq!(r.status, 400, "since {since}: {}", r.text());
        assert_eq!(r.kind(), "Usage");
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(&format!("message {since}")), "{msg}");
    }
    // After a frame: the frame, then a chunked body that never ends
    // properly (no final chunk), which any HTTP client reports as an error.
    let mut sock = s.connect();
    sock.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    send(
        &mut sock,
        "GET",
        "/v0/pools/p/tail_lite3?since_seq=1&on_unconvertible=error",
        &[],
        b"",
        false,
    );
    let mut all = Vec::new();
    sock.read_to_end(&mut all).unwrap();
    let at = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..at]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    // Dechunk what came; the last chunk must not be the final one.
    let mut body = &all[at + 4..];
    let mut data = Vec::new();
    let mut ended = false;
    while !body.is_empty() {
        let nl = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&body[..nl]).unwrap(), 16).unwrap();
        if n == 0 {
            ended = true;
            break;
        }
        data.extend_from_slice(&body[nl + 2..nl + 2 + n]);
        body = &body[nl + 2 + n + 2..];
    }
    assert!(!ended, "the stream ended as if complete");
    assert_eq!(frames(&data), vec![(1, "{\"a\":1}".to_string())]);
    // A bad value of the parameter is a Usage error.
    let r = s.get("/v0/pools/p/tail_lite3?on_unconvertible=maybe");
    assert_eq!(r.status, 400);
    assert_eq!(r.kind(), "Usage");
}

#[test]
fn get_lite3_of_an_unconvertible_message_is_a_usage_error() {
    let s = Server::start(&[]);
    fill(&s);
    for seq in 2..=5 {
        let mut sock = s.connect();
        send(
            &mut sock,
            "GET",
            &format!("/v0/pools/p/messages/{seq}/lite3"),
            &[],
            b"",
            true,
        );
        let r = read_until_close(&mut sock);
        assert_eq!(r.status, 400, "seq {seq}: {}", r.text());
        assert_eq!(r.kind(), "Usage");
        let e = &r.json()["error"];
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(&format!("Lite3 cannot represent message {seq}")),
            "{e}"
        );
        assert_eq!(e["seq"], seq);
    }
    // The library says the same.
    let pool = Client::new(&s.dir).open_pool("p").unwrap();
    for seq in 2..=5 {
        let e = pool.get_lite3(seq).unwrap_err();
        assert_eq!(e.kind(), plasmite::ErrorKind::Usage);
    }
    assert!(pool.get_lite3(1).is_ok());
}
