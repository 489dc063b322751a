//! The server's request reader and the remote client's line reader, driven
//! with plain bytes (issue 10, item 21): every committed fuzz corpus file is
//! replayed through the same drivers as the fuzz targets, and any valid
//! request split at arbitrary byte boundaries parses as it does whole.
//!
//! The reader is included by path, as the fuzz crate does, so these tests
//! exercise the exact file the server compiles.

#[allow(dead_code)]
#[path = "../src/bin/pls/serve/http.rs"]
mod http;
#[allow(dead_code)]
#[path = "../fuzz/drivers/remote.rs"]
mod remote_driver;
#[allow(dead_code)]
#[path = "../fuzz/drivers/request.rs"]
mod request;

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Instant;

use proptest::prelude::*;

fn replay(dir: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(dir);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let r = std::panic::catch_unwind(|| run(&data));
        assert!(r.is_ok(), "corpus file {} fails", path.display());
        n += 1;
    }
    n
}

#[test]
fn every_committed_request_corpus_file_replays_clean() {
    assert!(replay("http_request", request::run) >= 50);
}

#[test]
fn every_committed_remote_corpus_file_replays_clean() {
    assert!(replay("remote_lines", remote_driver::run) >= 10);
}

/// The outcome of reading `stream` whole, with a 1 MiB limit.
fn whole(stream: &[u8]) -> (Vec<request::Read1>, u16) {
    request::read_all(stream, 1 << 20, 0)
}

#[test]
fn strict_framing_and_size_overflow_at_the_reader() {
    let post = |rest: &[u8]| {
        let mut s = b"POST /v0/pools/ev/append HTTP/1.1\r\n".to_vec();
        s.extend_from_slice(rest);
        whole(&s)
    };
    let body_err = |r: &(Vec<request::Read1>, u16)| r.0[0].1.clone().unwrap_err();
    // Item 3: a chunk size past u64, or one that would overflow the total.
    let r = post(b"Transfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\n");
    assert_eq!(body_err(&r), "too large");
    let r = post(b"Transfer-Encoding: chunked\r\n\r\n99999999999999999999\r\n");
    assert_eq!(body_err(&r), "too large");
    // Item 8: signs, bare LF, CR CR LF.
    assert_eq!(post(b"Content-Length: +12\r\n\r\n{\"data\":123}").1, 400);
    assert_eq!(post(b"Content-Length: 1 2\r\n\r\n{\"data\":123}").1, 400);
    assert_eq!(post(b"Content-Length: 18446744073709551616\r\n\r\n").1, 400);
    let te = |chunks: &[u8]| {
        let mut s = b"Transfer-Encoding: chunked\r\n\r\n".to_vec();
        s.extend_from_slice(chunks);
        body_err(&post(&s))
    };
    assert_eq!(te(b"+a\r\n0123456789\r\n0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b"-0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b" a\r\n0123456789\r\n0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b"5\nhello\r\n0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b"5\r\nhello\n0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b"5\r\nhello\r\r\n0\r\n\r\n"), "InvalidData");
    assert_eq!(te(b"5\r\nhello\r\n0\r\n\n"), "InvalidData");
    assert_eq!(te(b"5\r\nhelloXY0\r\n\r\n"), "InvalidData");
    // What stays valid: extensions, upper case hex, leading zeros, trailers.
    let ok = post(
        b"Transfer-Encoding: chunked\r\n\r\n0005 ;a=b\r\nhello\r\n0A\r\n0123456789\r\n0\r\nX: y\r\n\r\n",
    );
    assert_eq!(ok.0[0].1.as_deref(), Ok(&b"hello0123456789"[..]));
}

/// A client whose reads return the pieces `cuts` make of its bytes.
struct Pieces {
    data: Vec<u8>,
    cuts: Vec<usize>,
    pos: usize,
    next: usize,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let piece = self.cuts.get(self.next).copied().unwrap_or(usize::MAX).max(1);
        self.next += 1;
        let n = piece.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl http::Transport for Pieces {
    fn set_deadline(&mut self, _: Option<Instant>) {}
}

/// One generated request: what it must parse to, and its bytes.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: String,
    auth: Option<String>,
    body: Option<Vec<u8>>,
    bytes: Vec<u8>,
}

fn request() -> impl Strategy<Value = Req> {
    let method = prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")];
    let path = "/v0/pools/[a-z0-9_.-]{1,12}(/append|/info|/tail)?";
    let query = proptest::option::of("[a-z_]{1,8}=[a-zA-Z0-9%]{0,8}(&[a-z]{1,4}=[0-9]{1,4}){0,3}");
    let auth = proptest::option::of("Bearer [A-Za-z0-9]{1,20}");
    let extra = proptest::collection::vec(("X-[A-Za-z-]{1,10}", "[ -~]{0,30}"), 0..4);
    // A body: its bytes, chunked or not, the chunk sizes, the size
    // spellings, extensions and trailers.
    let body = (
        proptest::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
        proptest::collection::vec(1usize..64, 0..8),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    (method, path, query, auth, extra, body).prop_map(|(method, path, query, auth, extra, body)| {
        let (data, chunked, sizes, upper, ext, trailer) = body;
        let target = match &query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: test\r\n");
        if let Some(a) = &auth {
            head.push_str(&format!("Authorization: {a}\r\n"));
        }
        for (k, v) in &extra {
            head.push_str(&format!("{k}: {}\r\n", v.trim()));
        }
        let has_body = matches!(method, "POST" | "PUT");
        let mut bytes;
        if has_body && chunked {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            bytes = head.into_bytes();
            let mut rest = &data[..];
            let mut sizes = sizes.into_iter();
            while !rest.is_empty() {
                let n = sizes.next().unwrap_or(rest.len()).min(rest.len());
                let size = if upper {
                    format!("{n:X}")
                } else {
                    format!("0{n:x}")
                };
                bytes.extend_from_slice(size.as_bytes());
                if ext {
                    bytes.extend_from_slice(b";name=value");
                }
                bytes.extend_from_slice(b"\r\n");
                bytes.extend_from_slice(&rest[..n]);
                bytes.extend_from_slice(b"\r\n");
                rest = &rest[n..];
            }
            bytes.extend_from_slice(b"0\r\n");
            if trailer {
                bytes.extend_from_slice(b"X-Checksum: 1\r\n");
            }
            bytes.extend_from_slice(b"\r\n");
        } else if has_body {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", data.len()));
            bytes = head.into_bytes();
            bytes.extend_from_slice(&data);
        } else {
            head.push_str("\r\n");
            bytes = head.into_bytes();
        }
        Req {
            method: method.to_string(),
            path,
            query: query.unwrap_or_default(),
            auth,
            body: has_body.then_some(data),
            bytes,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn valid_requests_parse_the_same_at_any_split(
        reqs in proptest::collection::vec(request(), 1..4),
        cuts in proptest::collection::vec(1usize..40, 0..200),
    ) {
        let stream: Vec<u8> = reqs.iter().flat_map(|r| r.bytes.clone()).collect();
        let (got, end) = whole(&stream);
        // Whole: exactly the requests generated, then the client's close.
        prop_assert_eq!(end, 0);
        prop_assert_eq!(got.len(), reqs.len());
        for ((head, body), want) in got.iter().zip(&reqs) {
            prop_assert_eq!(&head.method, &want.method);
            prop_assert_eq!(&head.path, &want.path);
            prop_assert_eq!(&head.query, &want.query);
            prop_assert_eq!(
                head.authorization.as_deref(),
                want.auth.as_deref().map(str::as_bytes)
            );
            match &want.body {
                Some(b) => prop_assert_eq!(body.as_ref().unwrap(), b),
                None => prop_assert!(body.as_ref().unwrap().is_empty()),
            }
        }
        // Split at the generated boundaries: the very same.
        let pieces = Pieces { data: stream.clone(), cuts, pos: 0, next: 0 };
        let split = request::read_from(Box::new(pieces), 1 << 20, stream.len());
        prop_assert_eq!(split, (got, end));
    }
}
