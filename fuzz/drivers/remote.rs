//! Drives the remote client's readers (`plasmite::remote`) over arbitrary
//! bytes, as the fuzz target `remote_lines` and the corpus replay test do.
//!
//! Input: byte 0 picks the limit, byte 1 how many bytes each read returns,
//! the rest is what a server sends. Checked: no panic; every line is within
//! the limit and has no newline; the lines put back together are the input;
//! a failure is the right one; bounded bodies and error envelopes too.

use std::io::{self, Read};

use plasmite::remote::{error_from_response, read_bounded, LineReader};

/// A server sending `data` in reads of at most `step` bytes (0: all).
pub struct Drip<'a> {
    pub data: &'a [u8],
    pub step: usize,
}

impl Read for Drip<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.data.len().min(buf.len());
        if self.step > 0 {
            n = n.min(self.step);
        }
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Limits the driver picks from (byte 0).
pub const LIMITS: [u64; 6] = [0, 1, 7, 64, 4096, 1 << 20];

/// The fuzz entry point.
pub fn run(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let limit = LIMITS[data[0] as usize % LIMITS.len()];
    let step = data[1] as usize % 64;
    let input = &data[2..];

    let mut lines = LineReader::new(Drip { data: input, step }, limit);
    let mut rebuilt = Vec::new();
    let end = loop {
        match lines.next_line() {
            Ok(Some(line)) => {
                assert!(line.len() as u64 <= limit, "line over the limit");
                assert!(!line.contains(&b'\n'));
                rebuilt.extend_from_slice(&line);
                rebuilt.push(b'\n');
            }
            Ok(None) => break None,
            Err(e) => break Some(e.kind()),
        }
    };
    assert!(input.starts_with(&rebuilt), "lines are not the input");
    let rest = &input[rebuilt.len()..];
    let next_line = rest.split(|&b| b == b'\n').next().unwrap_or(&[]);
    match end {
        None => assert!(rest.is_empty()),
        Some(io::ErrorKind::UnexpectedEof) => {
            assert!(!rest.is_empty() && !rest.contains(&b'\n') && rest.len() as u64 <= limit)
        }
        Some(io::ErrorKind::FileTooLarge) => assert!(next_line.len() as u64 > limit),
        Some(other) => panic!("unexpected error {other:?}"),
    }

    let body = read_bounded(Drip { data: input, step }, limit);
    match body {
        Ok(b) => assert_eq!(b, input),
        Err(e) => {
            assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
            assert!(input.len() as u64 > limit);
        }
    }

    let status = 400 + u16::from(data[1]) % 200;
    let _ = error_from_response(status, input);
}
