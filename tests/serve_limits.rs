//! Caps and timeouts: connection cap, slow and idle clients, many
//! concurrent writers, keep-alive, TLS.

use crate::serve_support;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serve_support::{read_response, send, wait_for, Server};

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let mut c = s.connect();
    for i in 0..50 {
        send(
            &mut c,
            "POST",
            "/v0/pools/ev/append",
            &[],
            format!(r#"{{"data":{i}}}"#).as_bytes(),
            false,
        );
        let r = read_response(&mut c);
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["message"]["seq"], i + 1);
    }
    // Pipelined: two requests in one write.
    c.write_all(b"GET /healthz HTTP/1.1\r\n\r\nGET /v0/pools/ev/messages/50 HTTP/1.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut c).status, 200);
    assert_eq!(read_response(&mut c).json()["message"]["data"], 49);
}

#[test]
fn connections_over_the_cap_get_423_at_once_and_others_are_served() {
    let s = Server::start(&["--max-connections", "2"]);
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = s.connect();
        send(&mut c, "GET", "/healthz", &[], b"", false);
        assert_eq!(read_response(&mut c).status, 200);
        held.push(c);
    }
    let t = Instant::now();
    let r = s.get("/healthz");
    assert_eq!((r.status, r.kind().as_str()), (423, "Busy"));
    assert!(t.elapsed() < Duration::from_secs(2));
    // The connections already open keep being served.
    for c in &mut held {
        send(c, "GET", "/v0/pools", &[], b"", false);
        assert_eq!(read_response(c).status, 200);
    }
    held.pop();
    wait_for("a freed connection slot", Duration::from_secs(3), || {
        s.get("/healthz").status == 200
    });
}

#[test]
fn a_client_that_never_finishes_its_request_blocks_no_one() {
    let s = Server::start(&["--client-timeout", "1s"]);
    let mut slow = s.connect();
    slow.write_all(b"POST /v0/pools HTTP/1.1\r\nContent-Length: 100\r\n")
        .unwrap();
    let mut slow_body = s.connect();
    slow_body
        .write_all(b"POST /v0/pools HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"pool\":")
        .unwrap();
    for _ in 0..20 {
        let t = Instant::now();
        assert_eq!(s.get("/healthz").status, 200);
        assert!(t.elapsed() < Duration::from_millis(500));
    }
    // Both slow clients are answered 408 (or at least disconnected) once
    // the client timeout passes.
    for c in [&mut slow, &mut slow_body] {
        let t = Instant::now();
        let mut got = Vec::new();
        c.read_to_end(&mut got).unwrap();
        assert!(t.elapsed() < Duration::from_secs(4));
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408") || text.starts_with("HTTP/1.1 400"),
            "{text}"
        );
    }
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let s = Server::start(&["--client-timeout", "1s"]);
    let mut c = s.connect();
    send(&mut c, "GET", "/healthz", &[], b"", false);
    assert_eq!(read_response(&mut c).status, 200);
    let t = Instant::now();
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn oversized_request_heads_are_refused() {
    let s = Server::start(&[]);
    let mut c = s.connect();
    let huge = format!("GET /healthz HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(40_000));
    let _ = c.write_all(huge.as_bytes());
    let r = serve_support::read_until_close(&mut c);
    assert_eq!(r.status, 431);
}

#[test]
fn two_hundred_concurrent_clients_append_exactly_once() {
    let s = Server::start(&["--quiet"]);
    s.create("ev", 16 << 20);
    let per_client = 5;
    let port = s.port;
    let threads: Vec<_> = (0..200)
        .map(|c| {
            std::thread::spawn(move || {
                let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                for n in 0..per_client {
                    let body = format!(r#"{{"data":{{"c":{c},"n":{n}}}}}"#);
                    send(
                        &mut conn,
                        "POST",
                        "/v0/pools/ev/append",
                        &[],
                        body.as_bytes(),
                        false,
                    );
                    let r = read_response(&mut conn);
                    assert_eq!(r.status, 200, "{}", r.text());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = s.get(&format!("/v0/pools/ev/tail?max={}", 200 * per_client));
    let lines = r.lines();
    assert_eq!(lines.len(), 200 * per_client);
    let mut seen = HashSet::new();
    for l in &lines {
        assert!(seen.insert((l["data"]["c"].as_u64().unwrap(), l["data"]["n"].as_u64().unwrap())));
    }
    assert_eq!(seen.len(), 200 * per_client);
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=1000).collect::<Vec<_>>());
}

#[test]
fn tls_serves_https() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key) = (tmp.path().join("cert.pem"), tmp.path().join("key.pem"));
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed to make a test certificate");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let s = Server::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let out = std::process::Command::new("curl")
        .args(["-sS", "--cacert", cert.to_str().unwrap()])
        .arg(format!("https://127.0.0.1:{}/healthz", s.port))
        .output()
        .expect("curl is needed to speak TLS to the server");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), r#"{"ok":true}"#);
    // Plain HTTP on the TLS port does not get an answer.
    let mut c = s.connect();
    send(&mut c, "GET", "/healthz", &[], b"", true);
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    assert!(!got.starts_with(b"HTTP/1.1 200"));
}
