//! The MCP consumer-group tools, `plasmite_claim` and `plasmite_ack`, over
//! both transports: `pls mcp` over real pipes and `POST /mcp` on a real
//! `pls serve`, with other processes appending. (The official SDK client
//! calls them too, in `tests/mcp/`.)

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::mcp_server::{mcp_post, rpc, tool_error, tool_names, Mcp, READ_TOOLS};
use crate::serve_support::{self, Server};

fn feed(m: &mut Mcp, id: u64, pool: &str, n: u64) {
    let msgs: Vec<Value> = (1..=n).map(|i| json!({"data": {"job": i}})).collect();
    let r = m.tool(
        id,
        "plasmite_feed",
        json!({"pool": pool, "messages": msgs, "create": true}),
    );
    assert!(r.get("isError").is_none(), "{r}");
}

fn ok(result: Value) -> Value {
    assert!(result.get("isError").is_none(), "{result}");
    let v = result["structuredContent"].clone();
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, v);
    v
}

fn seqs(claimed: &Value) -> Vec<u64> {
    claimed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect()
}

fn outcomes(acked: &Value) -> Vec<String> {
    acked["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn stdio_claim_ack_redelivery_and_lease_lost() {
    let mut m = Mcp::start(&[]);
    m.initialize("2025-06-18");
    let list = m.request(1, "tools/list", json!({}));
    let names = tool_names(&list);
    assert!(names.contains(&"plasmite_claim".to_string()) && names.contains(&"plasmite_ack".to_string()));
    for t in list["result"]["tools"].as_array().unwrap() {
        if t["name"] == "plasmite_claim" {
            assert_eq!(t["annotations"]["readOnlyHint"], false);
            assert_eq!(t["inputSchema"]["required"], json!(["pool", "group"]));
            assert!(t["outputSchema"]["properties"]["messages"]["items"]["required"]
                .as_array()
                .unwrap()
                .contains(&json!("receipt")));
        }
    }
    feed(&mut m, 2, "jobs", 3);

    // A claim takes the oldest messages first, each with a receipt and its
    // delivery count; the group is created on first use.
    let c = ok(m.tool(
        3,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "workers", "max": 3, "lease_ms": 400, "consumer": "agent-1"}),
    ));
    assert_eq!(seqs(&c), [1, 2, 3]);
    assert_eq!(c["messages"][0]["receipt"], "1.1");
    assert_eq!(c["messages"][0]["delivery"], 1);
    assert_eq!(c["messages"][0]["data"], json!({"job": 1}));
    assert_eq!(
        (c["lease_ms"].clone(), c["timed_out"].clone()),
        (json!(400), json!(false))
    );
    // The pool's info counts its groups.
    let info = ok(m.tool(4, "plasmite_pool_info", json!({"pool": "jobs"})));
    assert_eq!(info["pool"]["groups"], 1);

    // Ack is idempotent.
    let a = ok(m.tool(
        5,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["1.1"]}),
    ));
    assert_eq!(
        (outcomes(&a), a["ok"].clone()),
        (vec!["acked".to_string()], json!(true))
    );
    let a = ok(m.tool(
        6,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["1.1"]}),
    ));
    assert_eq!(outcomes(&a), ["already_acked"]);

    // The leases of 2 and 3 end un-acked: a waiting claim gets them again,
    // in seq order, as delivery 2.
    let started = Instant::now();
    let c = ok(m.tool(
        7,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "workers", "timeout_ms": 10000, "lease_ms": 60000}),
    ));
    assert_eq!(seqs(&c), [2]);
    assert_eq!(c["messages"][0]["receipt"], "2.2");
    assert_eq!(c["messages"][0]["delivery"], 2);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "redelivered when the lease ended"
    );

    // The stale receipt is refused as lease lost, naming the current
    // delivery; nothing is changed.
    let a = ok(m.tool(
        8,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["2.1"]}),
    ));
    assert_eq!(
        (outcomes(&a), a["ok"].clone()),
        (vec!["lease_lost".to_string()], json!(false))
    );
    assert_eq!(a["results"][0]["delivery"], 2);
    assert!(a["results"][0]["message"]
        .as_str()
        .unwrap()
        .contains("lease lost"));
    // Extend renews a lease; nack gives a message back at once.
    let c = ok(m.tool(
        9,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "workers", "timeout_ms": 10000}),
    ));
    assert_eq!(c["messages"][0]["receipt"], "3.2");
    let a = ok(m.tool(
        10,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["3.2"], "action": "extend", "lease_ms": 60000}),
    ));
    assert_eq!(outcomes(&a), ["extended"]);
    let a = ok(m.tool(
        11,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["3.2"], "action": "nack"}),
    ));
    assert_eq!(outcomes(&a), ["nacked"]);
    let c = ok(m.tool(
        12,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "workers", "max": 5, "timeout_ms": 10000}),
    ));
    assert_eq!(c["messages"][0]["receipt"], "3.3");
    // One result per message, in order: receipts, bare seqs, a seq never
    // delivered.
    let a = ok(m.tool(
        13,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "receipts": ["2.2", 1], "seqs": [3, 9]}),
    ));
    assert_eq!(outcomes(&a), ["acked", "already_acked", "acked", "not_delivered"]);
    assert_eq!(a["results"][3]["seq"], 9);
    let a = ok(m.tool(
        14,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "workers", "seqs": [2], "action": "nack"}),
    ));
    assert_eq!(outcomes(&a), ["not_pending"]);

    // Nothing left: a claim answers at once with no messages, or after a
    // bounded wait with timed_out.
    let c = ok(m.tool(15, "plasmite_claim", json!({"pool": "jobs", "group": "workers"})));
    assert_eq!(
        (c["messages"].clone(), c["timed_out"].clone()),
        (json!([]), json!(false))
    );
    let c = ok(m.tool(
        16,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "workers", "timeout_ms": 200}),
    ));
    assert_eq!(
        (c["messages"].clone(), c["timed_out"].clone()),
        (json!([]), json!(true))
    );

    // The group's books (through the CLI) agree.
    let out = serve_support::pls()
        .arg("--dir")
        .arg(m.dir())
        .args(["group", "info", "jobs", "workers", "--json"])
        .output()
        .unwrap();
    let books: Value = serde_json::from_slice(&out.stdout).unwrap();
    let books = if books.get("group").is_some() {
        books["group"].clone()
    } else {
        books
    };
    assert_eq!(
        (books["pending"].clone(), books["acked"].clone()),
        (json!(0), json!(3)),
        "{books}"
    );
    assert!(books["consumers"].to_string().contains("agent-1"), "{books}");
}

#[test]
fn stdio_claim_errors_are_tool_results_with_kinds() {
    let mut m = Mcp::start(&[]);
    m.initialize("2025-06-18");
    feed(&mut m, 1, "jobs", 1);
    let cases = [
        ("plasmite_claim", json!({"pool": "jobs"}), "Usage", "group"),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": ".x"}),
            "Usage",
            "group name",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "max": 0}),
            "Usage",
            "max",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "max": 1001}),
            "Usage",
            "max",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "lease_ms": 0}),
            "Usage",
            "lease_ms",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "timeout_ms": 60001}),
            "Usage",
            "timeout_ms",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "colour": 1}),
            "Usage",
            "colour",
        ),
        (
            "plasmite_claim",
            json!({"pool": "jobs", "group": "g", "consumer": ""}),
            "Usage",
            "consumer",
        ),
        (
            "plasmite_claim",
            json!({"pool": "nope", "group": "g"}),
            "NotFound",
            "nope",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "g"}),
            "Usage",
            "receipts",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "g", "receipts": ["x.1"]}),
            "Usage",
            "receipt",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "g", "seqs": [0]}),
            "Usage",
            "seqs",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "g", "seqs": [1], "action": "drop"}),
            "Usage",
            "action",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "g", "seqs": [1], "delay_ms": 5}),
            "Usage",
            "nack",
        ),
        (
            "plasmite_ack",
            json!({"pool": "jobs", "group": "never", "seqs": [1]}),
            "NotFound",
            "never",
        ),
    ];
    for (i, (tool, args, kind, says)) in cases.iter().enumerate() {
        let e = tool_error(&m.tool(10 + i as u64, tool, args.clone()));
        assert_eq!(e["kind"], *kind, "{tool} {args}: {e}");
        assert!(
            e["message"].as_str().unwrap().contains(says),
            "{tool} {args}: {e}"
        );
    }
    // The unknown group's hint names the tool that creates groups.
    let e = tool_error(&m.tool(
        40,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "never", "seqs": [1]}),
    ));
    assert!(e["hint"].as_str().unwrap().contains("plasmite_claim"), "{e}");
    // None of these created a group.
    let info = ok(m.tool(41, "plasmite_pool_info", json!({"pool": "jobs"})));
    assert_eq!(info["pool"]["groups"], 0);
}

/// A waiting claim runs apart (a ping is answered meanwhile) and is woken
/// by an append from another process.
#[test]
fn stdio_waiting_claim_is_woken_by_another_process() {
    let mut m = Mcp::start(&[]);
    m.initialize("2025-06-18");
    let r = m.tool(1, "plasmite_pool_create", json!({"name": "jobs"}));
    assert!(r.get("isError").is_none(), "{r}");
    m.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "plasmite_claim", "arguments": {"pool": "jobs", "group": "g", "timeout_ms": 30000}}}));
    // The claim is waiting, and holds back nothing.
    assert_eq!(m.request(3, "ping", json!({}))["result"], json!({}));
    let started = Instant::now();
    let out = serve_support::pls()
        .arg("--dir")
        .arg(m.dir())
        .args(["feed", "jobs", "{\"wake\":1}"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v = m.recv();
    assert_eq!(v["id"], 2, "{v}");
    let c = ok(v["result"].clone());
    assert_eq!(c["messages"][0]["data"], json!({"wake": 1}));
    assert_eq!(c["messages"][0]["receipt"], "1.1");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "woken by the append, not the timeout"
    );
}

/// A waiting claim ends early, and answers, when stdin ends.
#[test]
fn stdio_waiting_claim_ends_with_input() {
    let mut m = Mcp::start(&[]);
    m.initialize("2025-06-18");
    let r = m.tool(1, "plasmite_pool_create", json!({"name": "jobs"}));
    assert!(r.get("isError").is_none(), "{r}");
    m.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "plasmite_claim", "arguments": {"pool": "jobs", "group": "g", "timeout_ms": 60000}}}));
    assert_eq!(m.request(3, "ping", json!({}))["result"], json!({}));
    let started = Instant::now();
    m.close_stdin();
    let v = m.recv();
    assert_eq!(v["id"], 2, "{v}");
    let c = ok(v["result"].clone());
    assert_eq!(
        (c["messages"].clone(), c["timed_out"].clone()),
        (json!([]), json!(false))
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "ended with the input, not the timeout"
    );
}

#[test]
fn stdio_read_only_hides_and_refuses_claim_and_ack() {
    let mut m = Mcp::start(&["--read-only"]);
    m.initialize("2025-06-18");
    assert_eq!(tool_names(&m.request(1, "tools/list", json!({}))), READ_TOOLS);
    for (i, tool) in ["plasmite_claim", "plasmite_ack"].iter().enumerate() {
        let e = tool_error(&m.tool(
            2 + i as u64,
            tool,
            json!({"pool": "jobs", "group": "g", "seqs": [1]}),
        ));
        assert_eq!(e["kind"], "Permission", "{e}");
    }
}

#[test]
fn http_claim_and_ack_follow_the_access_mode() {
    let s = Server::start(&[]);
    s.create("jobs", 1 << 20);
    let call = |s: &Server, id: u64, name: &str, args: Value| -> Value {
        let r = mcp_post(
            s,
            &[],
            &rpc(id, "tools/call", json!({"name": name, "arguments": args})),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["result"].clone()
    };
    // Before any group: the pool objects say 0.
    assert_eq!(s.get("/v0/pools/jobs/info").json()["pool"]["groups"], 0);
    let r = s.post("/v0/pools/jobs/append", "{\"data\":{\"job\":1}}");
    assert_eq!(r.status, 200, "{}", r.text());
    let c = ok(call(
        &s,
        1,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "g", "lease_ms": 60000}),
    ));
    assert_eq!(c["messages"][0]["receipt"], "1.1");
    // The HTTP group routes see the same books.
    let g = s.get("/v0/pools/jobs/groups/g").json();
    assert_eq!(g["group"]["pending"], 1, "{g}");
    assert_eq!(s.get("/v0/pools").json()["pools"][0]["groups"], 1);
    let list = ok(call(&s, 2, "plasmite_pool_list", json!({})));
    assert_eq!(list["pools"][0]["groups"], 1);
    let a = ok(call(
        &s,
        3,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "g", "receipts": ["1.1"]}),
    ));
    assert_eq!(outcomes(&a), ["acked"]);
    assert_eq!(s.get("/v0/pools/jobs/groups/g").json()["group"]["pending"], 0);

    // A write-only server lists ack (it reveals no message) but not claim
    // (it returns messages); a read-only one lists neither.
    let wo = Server::start(&["--access", "write-only"]);
    wo.create("jobs", 1 << 20);
    let names = tool_names(&mcp_post(&wo, &[], &rpc(4, "tools/list", json!({}))).json());
    assert!(names.contains(&"plasmite_ack".to_string()) && !names.contains(&"plasmite_claim".to_string()));
    let e = tool_error(&call(
        &wo,
        5,
        "plasmite_claim",
        json!({"pool": "jobs", "group": "g"}),
    ));
    assert_eq!(e["kind"], "Permission", "{e}");
    assert!(e["message"].as_str().unwrap().contains("write-only"), "{e}");
    // What only readers may learn (how many groups) is null there.
    assert_eq!(
        wo.get("/v0/pools/jobs/info").json()["pool"]["groups"],
        Value::Null
    );
    let ro = Server::start(&["--access", "read-only"]);
    let e = tool_error(&call(
        &ro,
        6,
        "plasmite_ack",
        json!({"pool": "jobs", "group": "g", "seqs": [1]}),
    ));
    assert_eq!(e["kind"], "Permission", "{e}");
    assert!(e["message"].as_str().unwrap().contains("read-only"), "{e}");
}

/// Waiting claims over HTTP share the tails' slots (`--max-tails`); a
/// claim that does not wait needs none; a waiting claim is woken by an
/// append.
#[test]
fn http_waiting_claims_share_the_tail_slots() {
    let s = Server::start(&["--max-tails", "1"]);
    s.create("jobs", 1 << 20);
    let claim = |id: u64, timeout_ms: u64| {
        rpc(
            id,
            "tools/call",
            json!({"name": "plasmite_claim", "arguments": {"pool": "jobs", "group": "g", "timeout_ms": timeout_ms}}),
        )
    };
    // The only slot held by a tail: a waiting claim is Busy, one that
    // does not wait is answered.
    let tail = serve_support::Stream::open(&s, "/v0/pools/jobs/tail?timeout_ms=30000");
    assert_eq!(tail.status, 200);
    let r = mcp_post(&s, &[], &claim(1, 100)).json();
    assert_eq!(tool_error(&r["result"])["kind"], "Busy", "{r}");
    let r = mcp_post(&s, &[], &claim(2, 0)).json();
    assert_eq!(r["result"]["structuredContent"]["messages"], json!([]), "{r}");
    drop(tail);
    serve_support::wait_for("the tail's slot to be free", Duration::from_secs(20), || {
        mcp_post(&s, &[], &claim(3, 1)).json()["result"]
            .get("isError")
            .is_none()
    });
    // A waiting claim, woken by an append over HTTP.
    let port = s.port;
    let waiter = std::thread::spawn(move || {
        let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
        serve_support::send(
            &mut sock,
            "POST",
            "/mcp",
            &[("content-type", "application/json")],
            rpc(
                4,
                "tools/call",
                json!({"name": "plasmite_claim",
                    "arguments": {"pool": "jobs", "group": "g", "timeout_ms": 30000, "consumer": "waiter"}}),
            )
            .as_bytes(),
            true,
        );
        serve_support::read_until_close(&mut sock).json()
    });
    // Appended only once the claim waits (its consumer is in the books).
    serve_support::wait_for("the claim to wait", Duration::from_secs(20), || {
        s.get("/v0/pools/jobs/groups/g").text().contains("\"waiter\"")
    });
    let started = Instant::now();
    let r = s.post("/v0/pools/jobs/append", "{\"data\":{\"job\":1}}");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = waiter.join().unwrap();
    assert_eq!(
        v["result"]["structuredContent"]["messages"][0]["receipt"], "1.1",
        "{v}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "woken by the append");
}
