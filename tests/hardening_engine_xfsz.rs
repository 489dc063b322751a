//! Issue 10, item 2 over HTTP: a server whose file size limit (`ulimit -f`)
//! is smaller than a pool it is asked to create answers with an `Io` error,
//! leaves no temp file and keeps serving. The limit is set on the running
//! server alone (prlimit), never on the test process.

use crate::serve_support;

use serve_support::Server;

#[test]
fn a_create_past_the_servers_file_size_limit_is_an_io_error() {
    let mut s = Server::start(&[]);
    s.limit_file_size(100 * 1024);
    let r = s.post("/v0/pools", r#"{"pool":"big","size_bytes":1048576}"#);
    assert_eq!(r.kind(), "Io", "{} {}", r.status, r.text());
    assert!(r.status >= 500, "{}", r.status);
    let left: Vec<_> = std::fs::read_dir(&s.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Still serving: a pool under the limit is created and used.
    s.create("small", 64 * 1024);
    let r = s.post("/v0/pools/small/append", r#"{"data":1}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        s.child.as_mut().unwrap().try_wait().unwrap().is_none(),
        "the server exited"
    );
}
