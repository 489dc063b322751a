//! Drives the server's request reader (`src/serve/http.rs`) over arbitrary
//! bytes, as the fuzz target `http_request` and the corpus replay test do.
//! The including crate declares that file as its module `http`.
//!
//! Input: byte 0 picks the body limit, byte 1 how many bytes each read
//! returns, the rest is what the client sends (any number of pipelined
//! requests). Every request head read is answered; its body is read (POST,
//! PUT) or skipped (anything else). Checked: no panic, no hang, bodies
//! within the limit and of the announced length.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use super::http::{BodyFraming, Conn, ReadFailure, Transport};

/// A client that sends `data` in reads of at most `step` bytes (0: all at
/// once), then closes; what the server writes is dropped.
pub struct Feed {
    pub data: Vec<u8>,
    pub pos: usize,
    pub step: usize,
    pub written: usize,
}

impl Read for Feed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.data.len() - self.pos;
        let mut n = left.min(buf.len());
        if self.step > 0 {
            n = n.min(self.step);
        }
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for Feed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Feed {
    fn set_deadline(&mut self, _deadline: Option<Instant>) {}
}

/// Body limits the driver picks from (byte 0).
pub const LIMITS: [u64; 6] = [0, 1, 7, 100, 4096, 1 << 20];

/// One request as read: its head and its body (or why the body failed).
pub type Read1 = (super::http::Head, Result<Vec<u8>, String>);

/// Reads every request of `stream` with body limit `limit`, each read
/// returning at most `step` bytes. Stops at the first failure, which is
/// returned as its status (`Gone`: 0, `TimedOut`: 408).
pub fn read_all(stream: &[u8], limit: u64, step: usize) -> (Vec<Read1>, u16) {
    let feed = Feed {
        data: stream.to_vec(),
        pos: 0,
        step,
        written: 0,
    };
    read_from(Box::new(feed), limit, stream.len())
}

/// Reads every request `client` sends (at most `len` bytes in all), as
/// [`read_all`].
pub fn read_from(client: Box<dyn Transport>, limit: u64, len: usize) -> (Vec<Read1>, u16) {
    let mut conn = Conn::new(client, Duration::from_secs(3600), Duration::from_secs(3600));
    let mut out = Vec::new();
    // Each request consumes at least one byte, so this bounds the loop.
    for _ in 0..=len {
        let head = match conn.read_head() {
            Ok(h) => h,
            Err(ReadFailure::Gone) => return (out, 0),
            Err(ReadFailure::TimedOut) => return (out, 408),
            Err(ReadFailure::Bad(status, msg)) => {
                assert!((400..600).contains(&status), "{status} {msg}");
                return (out, status);
            }
        };
        let body = if head.method == "POST" || head.method == "PUT" {
            match conn.read_body(&head, limit) {
                Ok(b) => {
                    assert!(b.len() as u64 <= limit, "body over the limit");
                    match head.body {
                        BodyFraming::None => assert!(b.is_empty()),
                        BodyFraming::Length(n) => assert_eq!(b.len() as u64, n),
                        BodyFraming::Chunked => {}
                    }
                    Ok(b)
                }
                Err(None) => Err("too large".to_string()),
                Err(Some(e)) => Err(format!("{:?}", e.kind())),
            }
        } else {
            conn.skip_body(&head);
            Ok(Vec::new())
        };
        let failed = body.is_err();
        conn.respond(200, "application/json", &[], b"{}")
            .expect("respond to a sink");
        out.push((head, body));
        if failed || conn.close {
            return (out, 0);
        }
    }
    panic!("more requests than input bytes");
}

/// The fuzz entry point.
pub fn run(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let limit = LIMITS[data[0] as usize % LIMITS.len()];
    let step = data[1] as usize % 64;
    let (reads, end) = read_all(&data[2..], limit, step);
    // Reading in one piece gives the same requests as reading in pieces.
    if step != 0 {
        let (whole, end2) = read_all(&data[2..], limit, 0);
        assert_eq!(reads, whole, "split reads parse differently");
        assert_eq!(end, end2);
    }
}
