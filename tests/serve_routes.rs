//! Every route of protocol v0 and its statuses, against a real `pls serve`.

use crate::serve_support;

use serve_support::Server;

#[test]
fn health_and_root_answer_without_a_token() {
    let s = Server::start(&["--token", "t0k"]);
    let r = s.get("/healthz");
    assert_eq!((r.status, r.json()), (200, serde_json::json!({"ok": true})));
    assert_eq!(r.header("plasmite-version"), Some("0"));
    let r = s.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ok"], true);
    assert_eq!(s.get("/v0/pools").status, 401);
}

#[test]
fn every_response_carries_the_protocol_version() {
    let s = Server::start(&[]);
    for path in [
        "/healthz",
        "/v0/pools",
        "/v0/pools/nope/info",
        "/nope",
        "/v0/pools/x/messages/zz",
    ] {
        assert_eq!(s.get(path).header("plasmite-version"), Some("0"), "{path}");
    }
}

#[test]
fn create_open_list_info_delete() {
    let s = Server::start(&[]);
    let r = s.post("/v0/pools", r#"{"pool":"beta","size_bytes":262144}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let info = &r.json()["pool"];
    assert_eq!(info["name"], "beta");
    assert_eq!(info["file_size"], 262144);
    // An empty pool's bounds are `{}`, as other v0 servers show them.
    assert_eq!(info["bounds"], serde_json::json!({}));
    let r = s.post("/v0/pools", r#"{"pool":"alpha"}"#);
    assert_eq!(r.json()["pool"]["file_size"], 1 << 20, "default size is 1 MiB");
    let r = s.post("/v0/pools", r#"{"pool":"beta"}"#);
    assert_eq!((r.status, r.kind().as_str()), (409, "AlreadyExists"));

    let r = s.post("/v0/pools/open", r#"{"pool":"beta"}"#);
    assert_eq!((r.status, r.json()["pool"]["name"].clone()), (200, "beta".into()));
    let r = s.post("/v0/pools/open", r#"{"pool":"gamma"}"#);
    assert_eq!((r.status, r.kind().as_str()), (404, "NotFound"));

    let r = s.get("/v0/pools");
    let names: Vec<_> = r.json()["pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);

    let r = s.get("/v0/pools/beta/info");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["pool"]["message_count"], 0);

    let r = s.request("DELETE", "/v0/pools/beta", &[], b"");
    assert_eq!((r.status, r.json()), (200, serde_json::json!({"ok": true})));
    assert_eq!(s.get("/v0/pools/beta/info").status, 404);
    assert_eq!(s.request("DELETE", "/v0/pools/beta", &[], b"").kind(), "NotFound");
}

#[test]
fn append_and_get_keep_the_data_as_sent() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let r = s.post(
        "/v0/pools/ev/append",
        r#"{"data": {"z": 1.50, "a": ["\u00e9", {"y": null}]}, "tags": ["ops", "x"], "durability": "flush"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.text();
    assert!(text.starts_with(r#"{"message":{"seq":1,"time":""#), "{text}");
    assert!(
        text.ends_with(r#""meta":{"tags":["ops","x"]},"data":{"z":1.50,"a":["\u00e9",{"y":null}]}}}"#),
        "{text}"
    );
    let time = r.json()["message"]["time"].as_str().unwrap().to_string();
    assert!(time.ends_with('Z') && time.len() == 30, "{time}");

    let r = s.post("/v0/pools/ev/append", r#"{"data": 7}"#);
    assert_eq!(r.json()["message"]["meta"]["tags"], serde_json::json!([]));
    assert_eq!(r.json()["message"]["seq"], 2);

    let r = s.get("/v0/pools/ev/messages/1");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r
        .text()
        .ends_with(r#""data":{"z":1.50,"a":["\u00e9",{"y":null}]}}}"#));

    let r = s.get("/v0/pools/ev/messages/99");
    assert_eq!((r.status, r.kind().as_str()), (404, "NotFound"));
    assert_eq!(r.json()["error"]["seq"], 99);
    assert_eq!(s.get("/v0/pools/ev/messages/abc").status, 400);
    assert_eq!(s.get("/v0/pools/nope/messages/1").kind(), "NotFound");
    assert_eq!(s.post("/v0/pools/nope/append", r#"{"data":1}"#).status, 404);
}

#[test]
fn malformed_requests_are_usage_errors() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    for body in [
        r#"{"data": {"a": }"#,
        r#"{"tags": ["x"]}"#,
        r#"[1, 2]"#,
        r#"{"data": 1, "tags": "x"}"#,
        r#"{"data": 1, "tags": [""]}"#,
        r#"{"data": 1, "durability": "slow"}"#,
        "",
    ] {
        let r = s.post("/v0/pools/ev/append", body);
        assert_eq!(
            (r.status, r.kind().as_str()),
            (400, "Usage"),
            "{body}: {}",
            r.text()
        );
    }
    let r = s.post("/v0/pools/ev/append", r#"{"data": {"a": }}"#);
    assert!(r.json()["error"]["offset"].is_u64(), "{}", r.text());
    assert_eq!(s.post("/v0/pools", "{nope").status, 400);
    assert_eq!(s.post("/v0/pools", r#"{"size_bytes": 1}"#).status, 400);
    assert_eq!(
        s.post("/v0/pools", r#"{"pool": "tiny", "size_bytes": 10}"#)
            .status,
        400
    );
    assert_eq!(s.get("/v0/pools/ev/tail?max=x").status, 400);
    assert_eq!(s.get("/v0/pools/ev/tail?since_seq=1&last=2").status, 400);
    assert_eq!(s.get("/v0/pools/ev/tail?gap_policy=maybe").status, 400);
    // A request line that is not HTTP.
    let mut c = s.connect();
    std::io::Write::write_all(&mut c, b"HELLO\r\n\r\n").unwrap();
    assert_eq!(serve_support::read_until_close(&mut c).status, 400);
}

#[test]
fn names_that_are_not_names_are_refused() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    for path in [
        "/v0/pools/../info",
        "/v0/pools/..%2F..%2Fetc/info",
        "/v0/pools/a/b/info",
        "/v0/pools/a%2Fb/messages/1",
        "/v0/pools/a%5Cb/tail",
        "/v0/pools/a%00b/info",
        "/v0/pools/.hidden/info",
        "/v0/pools/%2E%2E/info",
    ] {
        let r = s.get(path);
        assert_eq!(
            (r.status, r.kind().as_str()),
            (400, "Usage"),
            "{path}: {}",
            r.text()
        );
    }
    let long = "n".repeat(129);
    assert_eq!(s.get(&format!("/v0/pools/{long}/info")).status, 400);
    assert_eq!(s.post("/v0/pools", r#"{"pool": "../escape"}"#).status, 400);
    assert_eq!(s.post("/v0/pools", r#"{"pool": "a/b"}"#).status, 400);
    assert_eq!(s.request("DELETE", "/v0/pools/..", &[], b"").status, 400);
    // Nothing was created outside the directory.
    assert!(!s.dir.parent().unwrap().join("escape.plasmite").exists());
}

#[test]
fn unknown_routes_and_methods() {
    let s = Server::start(&[]);
    assert_eq!(s.get("/v1/pools").status, 404);
    assert_eq!(s.get("/v0/streams").status, 404);
    assert_eq!(s.get("/v0/pools/ev/frobnicate").status, 404);
    let r = s.request("PUT", "/v0/pools", &[], b"");
    assert_eq!((r.status, r.kind().as_str()), (405, "Usage"));
    assert_eq!(s.get("/v0/pools/ev/append").status, 405);
    assert_eq!(s.post("/healthz", "").status, 405);
}

#[test]
fn bodies_over_the_limit_get_413() {
    let s = Server::start(&["--max-body", "1K"]);
    s.create("ev", 1 << 20);
    let big = format!(r#"{{"data":"{}"}}"#, "x".repeat(2000));
    let r = s.post("/v0/pools/ev/append", &big);
    assert_eq!((r.status, r.kind().as_str()), (413, "Usage"));
    // Chunked bodies are counted as they arrive.
    let mut c = s.connect();
    let mut req =
        b"POST /v0/pools/ev/append HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            .to_vec();
    req.extend_from_slice(format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len()).as_bytes());
    std::io::Write::write_all(&mut c, &req).unwrap();
    assert_eq!(serve_support::read_until_close(&mut c).status, 413);
    // Lite3 bodies too.
    let r = s.request(
        "POST",
        "/v0/pools/ev/append_lite3",
        &[("content-type", "application/x-plasmite-lite3")],
        &[0u8; 2000],
    );
    assert_eq!(r.status, 413);
    // Under the limit, chunked works.
    let small = r#"{"data":{"k":"v"}}"#;
    let mut c = s.connect();
    let mut req =
        b"POST /v0/pools/ev/append HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            .to_vec();
    req.extend_from_slice(
        format!(
            "4\r\n{}\r\n{:x}\r\n{}\r\n0\r\n\r\n",
            &small[..4],
            small.len() - 4,
            &small[4..]
        )
        .as_bytes(),
    );
    std::io::Write::write_all(&mut c, &req).unwrap();
    let r = serve_support::read_until_close(&mut c);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["message"]["data"], serde_json::json!({"k": "v"}));
}

#[test]
fn bearer_token_missing_wrong_right() {
    let s = Server::start(&["--token", "s3cret"]);
    let r = s.get("/v0/pools");
    assert_eq!((r.status, r.kind().as_str()), (401, "Permission"));
    let r = s.request("GET", "/v0/pools", &[("Authorization", "Bearer wrong")], b"");
    assert_eq!((r.status, r.kind().as_str()), (401, "Permission"));
    let r = s.request("GET", "/v0/pools", &[("Authorization", "Bearer s3cret")], b"");
    assert_eq!(r.status, 200);
    // Refused before the body is looked at.
    let r = s.request("POST", "/v0/pools", &[], br#"{"pool":"x"}"#);
    assert_eq!(r.status, 401);
    assert!(!s.dir.join("x.plasmite").exists());
}

#[test]
fn token_file_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("token");
    std::fs::write(&file, "from-file\n").unwrap();
    let s = Server::start(&["--token-file", file.to_str().unwrap()]);
    assert_eq!(s.get("/v0/pools").status, 401);
    let r = s.request("GET", "/v0/pools", &[("Authorization", "Bearer from-file")], b"");
    assert_eq!(r.status, 200);
}

#[test]
fn read_only_refuses_writes() {
    let s = Server::start(&["--access", "read-only"]);
    plasmite::Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    for r in [
        s.post("/v0/pools", r#"{"pool":"new"}"#),
        s.post("/v0/pools/ev/append", r#"{"data":1}"#),
        s.request("DELETE", "/v0/pools/ev", &[], b""),
    ] {
        assert_eq!((r.status, r.kind().as_str()), (403, "Permission"), "{}", r.text());
    }
    assert_eq!(s.get("/v0/pools").status, 200);
    assert_eq!(s.get("/v0/pools/ev/info").status, 200);
    assert_eq!(s.post("/v0/pools/open", r#"{"pool":"ev"}"#).status, 200);
    assert_eq!(s.get("/v0/pools/ev/tail?timeout_ms=10").status, 200);
}

#[test]
fn write_only_refuses_reads() {
    let s = Server::start(&["--access", "write-only"]);
    s.create("ev", 1 << 20);
    assert_eq!(s.post("/v0/pools/ev/append", r#"{"data":1}"#).status, 200);
    assert_eq!(s.post("/v0/pools/open", r#"{"pool":"ev"}"#).status, 200);
    for path in [
        "/v0/pools",
        "/v0/pools/ev/info",
        "/v0/pools/ev/messages/1",
        "/v0/pools/ev/tail",
    ] {
        let r = s.get(path);
        assert_eq!((r.status, r.kind().as_str()), (403, "Permission"), "{path}");
    }
    assert_eq!(s.request("DELETE", "/v0/pools/ev", &[], b"").status, 200);
}

#[test]
fn read_write_allows_everything() {
    let s = Server::start(&["--access", "read-write"]);
    s.create("ev", 1 << 20);
    assert_eq!(s.post("/v0/pools/ev/append", r#"{"data":1}"#).status, 200);
    assert_eq!(s.get("/v0/pools/ev/messages/1").status, 200);
}

#[test]
fn lite3_routes_check_their_input() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let r = s.request(
        "POST",
        "/v0/pools/ev/append_lite3",
        &[("content-type", "application/json")],
        b"{}",
    );
    assert_eq!((r.status, r.kind().as_str()), (400, "Usage"));
    let r = s.request(
        "POST",
        "/v0/pools/ev/append_lite3?durability=sometimes",
        &[("content-type", "application/x-plasmite-lite3")],
        b"x",
    );
    assert_eq!(r.status, 400);
    let r = s.get("/v0/pools/ev/tail_lite3?gap_policy=error");
    assert_eq!((r.status, r.kind().as_str()), (400, "Usage"));
    assert_eq!(s.get("/v0/pools/nope/tail_lite3").status, 404);
    assert_eq!(s.get("/v0/pools/nope/messages/1/lite3").status, 404);
    // An invalid Lite3 body is a Usage error; nothing is stored.
    let r = s.request(
        "POST",
        "/v0/pools/ev/append_lite3",
        &[("content-type", "application/x-plasmite-lite3")],
        b"\x00",
    );
    assert_eq!((r.status, r.kind().as_str()), (400, "Usage"));
    assert_eq!(s.get("/v0/pools/ev/messages/1").status, 404);
}

#[test]
fn lite3_routes_round_trip_both_encodings() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let doc = plasmite::lite3::encode_message(&["ops"], br#"{"k":1,"s":"x"}"#).unwrap();
    let r = s.request(
        "POST",
        "/v0/pools/ev/append_lite3?durability=flush",
        &[("content-type", "application/x-plasmite-lite3")],
        &doc,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let env = r.json()["message"].clone();
    assert_eq!(env["seq"], 1);
    assert_eq!(env["meta"]["tags"], serde_json::json!(["ops"]));
    // Stored as given: the Lite3 read returns the same bytes.
    let r = s.get("/v0/pools/ev/messages/1/lite3");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/x-plasmite-lite3"));
    assert_eq!(r.header("plasmite-seq"), Some("1"));
    assert_eq!(r.body, doc);
    // A JSON reader gets the envelope a JSON frame would give.
    let r = s.get("/v0/pools/ev/messages/1");
    assert_eq!(r.json()["message"]["data"], serde_json::json!({"k": 1, "s": "x"}));
    assert_eq!(r.json()["message"]["meta"]["tags"], serde_json::json!(["ops"]));
    // A JSON frame read as Lite3 is the encoding of its message.
    assert_eq!(
        s.post("/v0/pools/ev/append", r#"{"data":{"j":2},"tags":["t"]}"#)
            .status,
        200
    );
    let r = s.get("/v0/pools/ev/messages/2/lite3");
    assert_eq!(
        r.body,
        plasmite::lite3::encode_message(&["t"], br#"{"j":2}"#).unwrap()
    );
    // A message whose data is not an object has no Lite3 form.
    assert_eq!(s.post("/v0/pools/ev/append", r#"{"data":5}"#).status, 200);
    let r = s.get("/v0/pools/ev/messages/3/lite3");
    assert_eq!((r.status, r.kind().as_str()), (400, "Usage"));
    // The binary tail: [u64 BE seq][u64 BE ns][u32 BE len][bytes] per message.
    let r = s.get("/v0/pools/ev/tail_lite3?max=2&timeout_ms=2000");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-plasmite-lite3-stream")
    );
    let mut rest = &r.body[..];
    let mut seen = Vec::new();
    while !rest.is_empty() {
        let seq = u64::from_be_bytes(rest[..8].try_into().unwrap());
        let len = u32::from_be_bytes(rest[16..20].try_into().unwrap()) as usize;
        seen.push((seq, rest[20..20 + len].to_vec()));
        rest = &rest[20 + len..];
    }
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], (1, doc));
    assert_eq!(seen[1].0, 2);
}

#[test]
fn non_loopback_bind_without_token_refuses_to_start() {
    let out = serve_support::pls()
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .env_remove("PLASMITE_TOKEN")
        .env("PLASMITE_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without a token"), "{err}");
}

#[test]
fn sigterm_stops_the_server_with_exit_0() {
    let mut s = Server::start(&[]);
    assert_eq!(s.get("/healthz").status, 200);
    let status = s.stop(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(status.code(), Some(0));
    assert!(std::net::TcpStream::connect(("127.0.0.1", s.port)).is_err());
}

#[test]
fn one_log_line_per_request_unless_quiet() {
    let s = Server::start(&[]);
    s.get("/healthz");
    serve_support::wait_for("log line", std::time::Duration::from_secs(5), || {
        s.log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("GET /healthz 200"))
    });
    let q = Server::start(&["--quiet"]);
    q.get("/healthz");
    q.get("/v0/pools");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(q.log.lock().unwrap().is_empty(), "{:?}", q.log.lock().unwrap());
}

#[test]
fn cors_is_off_by_default_and_answers_allowed_origins_only() {
    let s = Server::start(&[]);
    s.create("ev", 1 << 20);
    let origin = [("origin", "https://app.example")];
    let r = s.request("GET", "/v0/pools/ev/info", &origin, b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_ne!(
        s.request("OPTIONS", "/v0/pools/ev/append", &origin, b"").status,
        204
    );

    let s = Server::start(&["--cors-origin", "https://app.example", "--token", "sekret"]);
    plasmite::Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    // The preflight needs no token and lists what the real request may use.
    let r = s.request(
        "OPTIONS",
        "/v0/pools/ev/append",
        &[
            ("origin", "https://app.example"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization, content-type"),
        ],
        b"",
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert!(r
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    assert!(r.header("access-control-allow-methods").unwrap().contains("POST"));
    // The real request still needs the token, and its answer is readable.
    let r = s.request(
        "POST",
        "/v0/pools/ev/append",
        &[("origin", "https://app.example")],
        br#"{"data":1}"#,
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let r = s.request(
        "POST",
        "/v0/pools/ev/append",
        &[
            ("origin", "https://app.example"),
            ("authorization", "Bearer sekret"),
        ],
        br#"{"data":1}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    // Another origin gets no CORS headers and no preflight.
    let evil = [("origin", "https://evil.example")];
    let r = s.request(
        "GET",
        "/v0/pools",
        &[evil[0], ("authorization", "Bearer sekret")],
        b"",
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_ne!(s.request("OPTIONS", "/v0/pools", &evil, b"").status, 204);
}
