//! Issue 10, item 2 over HTTP: a server whose file size limit (`ulimit -f`)
//! is smaller than a pool it is asked to create answers with an `Io` error,
//! leaves no temp file and keeps serving. Alone in its test binary because
//! the limit is set on this process (and inherited by the server) for the
//! moment of the spawn.

mod serve_support;

use serve_support::Server;

#[test]
fn a_create_past_the_servers_file_size_limit_is_an_io_error() {
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    let limit = libc::rlimit {
        rlim_cur: 100 * 1024,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: plain system calls on valid structs. The limit is lowered only
    // for the spawn (the child keeps it), then restored.
    let mut s = unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut old), 0);
        let lim = libc::rlimit {
            rlim_max: old.rlim_max,
            ..limit
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
        let s = Server::start(&[]);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &old), 0);
        s
    };
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
