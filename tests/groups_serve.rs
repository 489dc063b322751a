//! Consumer-group routes of `pls serve` (our protocol extension): claim with
//! long-poll, ack (stale receipts reported), nack, extend, list, info and
//! create, access modes, and `pls consume` / `pls ack` on a remote pool.

use crate::serve_support::{pls, Server};

use std::time::{Duration, Instant};

fn append(s: &Server, n: u64) {
    for i in 0..n {
        let r = s.post("/v0/pools/jobs/append", &format!(r#"{{"data":{{"n":{i}}}}}"#));
        assert_eq!(r.status, 200, "{}", r.text());
    }
}

#[test]
fn claim_ack_nack_extend_and_info_over_http() {
    let s = Server::start(&[]);
    s.create("jobs", 1 << 20);
    let r = s.post(
        "/v0/pools/jobs/groups",
        r#"{"group":"w","lease_ms":60000,"max_deliveries":3}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["group"]["lease_ms"], 60000);
    let r = s.post("/v0/pools/jobs/groups", r#"{"group":"w"}"#);
    assert_eq!((r.status, r.kind()), (409, "AlreadyExists".to_string()));
    // Nothing yet: an empty answer at once.
    let r = s.post("/v0/pools/jobs/groups/w/claim", "");
    assert_eq!(r.json()["messages"], serde_json::json!([]));
    append(&s, 3);
    let r = s.post("/v0/pools/jobs/groups/w/claim", r#"{"max":2,"consumer":"alice"}"#);
    let m = r.json()["messages"].clone();
    assert_eq!(m[0]["receipt"], "1.1");
    assert_eq!(m[1]["data"]["n"], 1);
    assert_eq!(m[1]["delivery"], 1);
    // Nack 1 at once: it comes back (delivery 2) before 3.
    let r = s.post("/v0/pools/jobs/groups/w/nack", r#"{"receipt":"1.1"}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post("/v0/pools/jobs/groups/w/claim", r#"{"max":5}"#);
    let m = r.json()["messages"].clone();
    assert_eq!(m[0]["receipt"], "1.2");
    assert_eq!(m[1]["receipt"], "3.1");
    let r = s.post(
        "/v0/pools/jobs/groups/w/extend",
        r#"{"receipt":"3.1","lease_ms":1000}"#,
    );
    assert_eq!(r.status, 200);
    // Ack: a stale receipt is reported per item; the rest are acked.
    let r = s.post(
        "/v0/pools/jobs/groups/w/ack",
        r#"{"receipts":["1.1","1.2",2,"3.1","3.1"]}"#,
    );
    assert_eq!(
        r.json()["results"],
        serde_json::json!([{"lease_lost":2},"acked","acked","acked","already_acked"])
    );
    let r = s.post("/v0/pools/jobs/groups/w/ack", r#"{"receipts":["9"]}"#);
    assert_eq!((r.status, r.kind()), (404, "NotFound".to_string()));
    let r = s.post("/v0/pools/jobs/groups/w/nack", r#"{"receipt":"1.2"}"#);
    assert_eq!(r.status, 404, "acked: nothing to nack");
    let info = s.get("/v0/pools/jobs/groups/w").json();
    assert_eq!(info["group"]["acked"], 3);
    let names: Vec<&str> = info["group"]["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"alice") && names.contains(&"http"), "{names:?}");
    let list = s.get("/v0/pools/jobs/groups").json();
    assert_eq!(list["groups"][0]["name"], "w");
    assert_eq!(s.get("/v0/pools/jobs/groups/nope").status, 404);
    assert_eq!(s.post("/v0/pools/jobs/groups/bad%2Fname/claim", "").status, 400);
    assert_eq!(
        s.post("/v0/pools/jobs/groups/w/claim", r#"{"max":0}"#).status,
        400
    );
    assert_eq!(s.get("/v0/pools/jobs/groups/w/claim").status, 405);
}

#[test]
fn a_long_poll_claim_returns_when_a_message_arrives() {
    let s = Server::start(&[]);
    s.create("jobs", 1 << 20);
    let url = s.url();
    let started = Instant::now();
    let waiter = std::thread::spawn(move || {
        let r = plasmite::remote::Remote::new(&url, None);
        let body = r
            .claim("jobs", "w", 1, None, Duration::from_secs(20), None)
            .unwrap();
        (String::from_utf8(body).unwrap(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    append(&s, 1);
    let (body, took) = waiter.join().unwrap();
    assert!(body.contains("\"receipt\":\"1.1\""), "{body}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // A wait over the server's limit is refused.
    let s2 = Server::start(&["--max-tail-timeout", "1s"]);
    s2.create("jobs", 1 << 20);
    let r = s2.post("/v0/pools/jobs/groups/w/claim", r#"{"timeout_ms":5000}"#);
    assert_eq!(r.status, 400, "{}", r.text());
}

#[test]
fn access_modes_apply_to_group_routes() {
    let rw = Server::start(&[]);
    rw.create("jobs", 1 << 20);
    append(&rw, 1);
    let dir = rw.dir.clone();
    let ro = Server::start_in(&dir, 0, &["--access", "read-only"]);
    assert_eq!(ro.post("/v0/pools/jobs/groups/w/claim", "").status, 403);
    assert_eq!(
        ro.post("/v0/pools/jobs/groups/w/ack", r#"{"receipts":["1"]}"#)
            .status,
        403
    );
    assert_eq!(ro.post("/v0/pools/jobs/groups", r#"{"group":"x"}"#).status, 403);
    let wo = Server::start_in(&dir, 0, &["--access", "write-only"]);
    assert_eq!(
        wo.post("/v0/pools/jobs/groups/w/claim", "").status,
        403,
        "a claim reads messages"
    );
    assert_eq!(wo.get("/v0/pools/jobs/groups").status, 403);
    // Reading the books is a read.
    assert_eq!(rw.post("/v0/pools/jobs/groups/w/claim", "").status, 200);
    assert_eq!(ro.get("/v0/pools/jobs/groups/w").status, 200);
}

#[test]
fn consume_and_ack_a_remote_pool_from_the_cli() {
    let s = Server::start(&[]);
    s.create("jobs", 1 << 20);
    append(&s, 3);
    let url = format!("{}/jobs", s.url());
    let out = pls()
        .args([
            "consume", &url, "-g", "w", "--batch", "2", "--max", "2", "--jsonl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["receipt"], "2.1");
    let out = pls().args(["ack", &url, "-g", "w", "1.1", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // --exec through the server: ack on success.
    let out = pls()
        .args(["consume", &url, "-g", "w", "--exec", "grep -q '\"n\":2'"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info = s.get("/v0/pools/jobs/groups/w").json();
    assert_eq!(info["group"]["acked"], 3);
    assert_eq!(info["group"]["pending"], 0);
}
