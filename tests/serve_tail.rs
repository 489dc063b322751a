//! The JSON Lines tail: starting points, limits, filters, gaps, latency,
//! caps and clients that go away.

use crate::serve_support;

use std::time::{Duration, Instant};

use plasmite::{Client, Durability};
use serve_support::{wait_for, Server, Stream};

fn seqs(lines: &[serde_json::Value]) -> Vec<u64> {
    lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect()
}

fn filled(n: u64) -> (Server, plasmite::Pool) {
    let s = Server::start(&["--max-tail-timeout", "5s"]);
    let pool = Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    for i in 1..=n {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        pool.append_json(
            format!("{{\"i\":{i}}}").as_bytes(),
            &[tag, "all"],
            Durability::Fast,
        )
        .unwrap();
    }
    (s, pool)
}

#[test]
fn tail_from_oldest_since_and_last() {
    let (s, _pool) = filled(6);
    let r = s.get("/v0/pools/ev/tail?max=3");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/jsonl"));
    assert_eq!(seqs(&r.lines()), [1, 2, 3], "no since_seq: oldest first");
    assert_eq!(r.lines()[0]["data"], serde_json::json!({"i": 1}));
    let r = s.get("/v0/pools/ev/tail?since_seq=4&max=10&timeout_ms=50");
    assert_eq!(seqs(&r.lines()), [4, 5, 6]);
    let r = s.get("/v0/pools/ev/tail?since_seq=%225%22&timeout_ms=50");
    assert_eq!(r.status, 400, "quoted numbers are not numbers");
    let r = s.get("/v0/pools/ev/tail?last=2&timeout_ms=50");
    assert_eq!(seqs(&r.lines()), [5, 6]);
    let r = s.get("/v0/pools/ev/tail?last=0&timeout_ms=50");
    assert!(r.lines().is_empty());
}

#[test]
fn tail_filters_by_every_tag() {
    let (s, _pool) = filled(6);
    let r = s.get("/v0/pools/ev/tail?tag=even&timeout_ms=50");
    assert_eq!(seqs(&r.lines()), [2, 4, 6]);
    let r = s.get("/v0/pools/ev/tail?tag=even&tag=all&max=2");
    assert_eq!(seqs(&r.lines()), [2, 4]);
    let r = s.get("/v0/pools/ev/tail?tag=even&tag=odd&timeout_ms=50");
    assert!(r.lines().is_empty());
}

#[test]
fn tail_timeout_is_inactivity_and_capped() {
    let (s, _pool) = filled(2);
    let t = Instant::now();
    let r = s.get("/v0/pools/ev/tail?timeout_ms=300");
    let took = t.elapsed();
    assert_eq!(seqs(&r.lines()), [1, 2]);
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    let r = s.get("/v0/pools/ev/tail?timeout_ms=60000");
    assert_eq!((r.status, r.kind().as_str()), (400, "Usage"));
}

#[test]
fn gap_policy_error_ends_with_one_retention_gap_line() {
    let s = Server::start(&[]);
    let pool = Client::new(&s.dir).create_pool("small", 64 * 1024).unwrap();
    let fill = "x".repeat(1000);
    for i in 0..200 {
        pool.append_json(
            format!("{{\"i\":{i},\"f\":\"{fill}\"}}").as_bytes(),
            &[] as &[&str],
            Durability::Fast,
        )
        .unwrap();
    }
    let oldest = pool.info().unwrap().oldest.unwrap();
    assert!(oldest > 1);
    let r = s.get("/v0/pools/small/tail?since_seq=1&gap_policy=error&timeout_ms=100");
    assert_eq!(r.status, 200);
    let lines = r.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["error"]["kind"], "RetentionGap");
    assert_eq!(lines[0]["error"]["seq"], 1);
    // The default policy continues from the oldest retained message.
    let r = s.get("/v0/pools/small/tail?since_seq=1&max=1");
    assert_eq!(seqs(&r.lines()), [oldest]);
    let r = s.get("/v0/pools/small/tail?since_seq=1&gap_policy=continue&max=1");
    assert_eq!(seqs(&r.lines()), [oldest]);
}

#[test]
fn a_local_append_reaches_a_follower_within_milliseconds() {
    let (s, pool) = filled(0);
    let mut stream = Stream::open(&s, "/v0/pools/ev/tail?last=0");
    assert_eq!(stream.status, 200);
    // The server takes its cursor before it sends the head, so from here
    // on every append is after the start.
    let mut worst = Duration::ZERO;
    for i in 0..20 {
        let t = Instant::now();
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["live"], Durability::Fast)
            .unwrap();
        let line = stream.line().expect("stream ended");
        worst = worst.max(t.elapsed());
        assert_eq!(line["data"]["n"], i);
    }
    assert!(worst < Duration::from_millis(500), "worst latency {worst:?}");
    eprintln!("worst append→HTTP follower latency over 20 messages: {worst:?}");
}

#[test]
fn tails_over_the_cap_get_423_and_a_vanished_client_frees_its_slot() {
    let s = Server::start(&["--max-tails", "1"]);
    Client::new(&s.dir).create_pool("ev", 1 << 20).unwrap();
    let first = Stream::open(&s, "/v0/pools/ev/tail");
    assert_eq!(first.status, 200);
    let r = s.get("/v0/pools/ev/tail");
    assert_eq!((r.status, r.kind().as_str()), (423, "Busy"));
    // Other requests are still served while the tail holds its slot.
    assert_eq!(s.get("/v0/pools/ev/info").status, 200);
    drop(first);
    wait_for("the tail slot to be freed", Duration::from_secs(3), || {
        s.get("/v0/pools/ev/tail?timeout_ms=1").status == 200
    });
}

#[test]
fn shutdown_ends_tails_and_exits_0() {
    let (mut s, _pool) = filled(1);
    let mut stream = Stream::open(&s, "/v0/pools/ev/tail");
    assert_eq!(stream.line().unwrap()["seq"], 1);
    stream.set_timeout(Duration::from_secs(5));
    let status = s.stop(nix::sys::signal::Signal::SIGINT);
    assert_eq!(status.code(), Some(0));
    assert!(stream.line().is_none(), "stream ends at shutdown");
}
