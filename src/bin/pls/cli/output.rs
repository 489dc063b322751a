//! Terminal manners: colour decisions, error lines vs JSON error envelopes,
//! pretty JSON that keeps the stored bytes, and closed-pipe detection.

use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;

use super::ColorChoice;
use plasmite::{Error, ErrorKind};

/// What the command knows about its terminal.
pub struct Ui {
    /// Colour on stdout.
    pub color_out: bool,
    /// Colour on stderr.
    pub color_err: bool,
    /// stdout is a terminal.
    pub stdout_tty: bool,
    /// stderr is a terminal.
    pub stderr_tty: bool,
}

impl Ui {
    pub fn new(choice: ColorChoice) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Ui {
            color_out: decide(stdout_tty),
            color_err: decide(stderr_tty),
            stdout_tty,
            stderr_tty,
        }
    }

    /// Reports an error on stderr: a line and a hint on a terminal, a JSON
    /// envelope otherwise.
    pub fn error(&self, e: &Error) {
        let mut err = std::io::stderr().lock();
        if self.stderr_tty {
            let (red, bold, dim, reset) = if self.color_err {
                ("\x1b[31m", "\x1b[1m", "\x1b[2m", "\x1b[0m")
            } else {
                ("", "", "", "")
            };
            let _ = writeln!(err, "{red}{bold}error{reset}{bold}:{reset} {}", e.message());
            if let Some(h) = e.hint() {
                let _ = writeln!(err, "  {dim}hint:{reset} {h}");
            }
        } else {
            let _ = writeln!(err, "{}", e.to_json());
        }
    }

    /// A note for people on stderr (only on a terminal).
    pub fn note(&self, text: &str) {
        if self.stderr_tty {
            let (dim, reset) = if self.color_err {
                ("\x1b[2m", "\x1b[0m")
            } else {
                ("", "")
            };
            eprintln!("{dim}{text}{reset}");
        }
    }
}

/// Whether messages are printed pretty: as asked, else on a terminal.
pub fn pretty_output(ui: &Ui, format: Option<super::Format>) -> bool {
    format.map_or(ui.stdout_tty, |f| f == super::Format::Pretty)
}

/// Whether an error is a write to a closed pipe.
pub fn is_broken_pipe(e: &Error) -> bool {
    use std::error::Error as _;
    e.kind() == ErrorKind::Io
        && e.source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Wraps a stdout write error.
pub fn write_error(e: std::io::Error) -> Error {
    Error::io("cannot write output", e)
}

/// True when stdout is a pipe or socket whose reader has gone away; lets a
/// follower that is waiting (not writing) notice `| head -1` at once.
pub fn stdout_closed() -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    let stdout = std::io::stdout();
    let fd = stdout.as_fd();
    let mut fds = [PollFd::new(fd, PollFlags::empty())];
    match poll(&mut fds, PollTimeout::ZERO) {
        Ok(n) if n > 0 => fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP)),
        _ => false,
    }
}

const KEY: &str = "\x1b[34;1m";
const STR: &str = "\x1b[32m";
const NUM: &str = "\x1b[36m";
const LIT: &str = "\x1b[35m";
const PUNCT: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Re-indents compact, valid JSON text without reinterpreting it (numbers
/// and escapes stay as stored), optionally in colour.
pub fn write_pretty(out: &mut Vec<u8>, json: &[u8], color: bool) {
    let mut depth = 0usize;
    let mut i = 0;
    let indent = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', depth * 2));
    };
    let paint = |out: &mut Vec<u8>, code: &str, bytes: &[u8]| {
        if color {
            out.extend_from_slice(code.as_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(RESET.as_bytes());
        } else {
            out.extend_from_slice(bytes);
        }
    };
    // Whether the token being written is an object key.
    let mut stack: Vec<bool> = Vec::new();
    let mut expect_key = false;
    while i < json.len() {
        let b = json[i];
        match b {
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                if json.get(i + 1) == Some(&close) {
                    paint(out, PUNCT, &[b, close]);
                    i += 2;
                    continue;
                }
                paint(out, PUNCT, &[b]);
                stack.push(b == b'{');
                expect_key = b == b'{';
                depth += 1;
                indent(out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                stack.pop();
                indent(out, depth);
                paint(out, PUNCT, &[b]);
            }
            b',' => {
                paint(out, PUNCT, b",");
                indent(out, depth);
                expect_key = stack.last() == Some(&true);
            }
            b':' => {
                paint(out, PUNCT, b":");
                out.push(b' ');
                expect_key = false;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(json.len());
                paint(out, if expect_key { KEY } else { STR }, &json[start..end]);
                i = end;
                continue;
            }
            _ => {
                let start = i;
                while i < json.len() && !matches!(json[i], b',' | b'}' | b']' | b':') {
                    i += 1;
                }
                let tok = &json[start..i];
                let code = if tok[0].is_ascii_alphabetic() { LIT } else { NUM };
                paint(out, code, tok);
                continue;
            }
        }
        i += 1;
    }
}

/// Writes `buf` to stdout and clears it.
pub fn flush_to(stdout: &mut impl Write, buf: &mut Vec<u8>) -> Result<(), Error> {
    if !buf.is_empty() {
        stdout.write_all(buf).map_err(write_error)?;
        buf.clear();
    }
    stdout.flush().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_tokens() {
        let mut out = Vec::new();
        write_pretty(&mut out, br#"{"a":[1.50,{"b":"x,y"}],"c":{},"d":true}"#, false);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\n  \"a\": [\n    1.50,\n    {\n      \"b\": \"x,y\"\n    }\n  ],\n  \"c\": {},\n  \"d\": true\n}"
        );
    }
}
