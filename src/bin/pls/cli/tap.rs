//! `pls tap POOL -- CMD ARGS…`: runs a command and records its output in a
//! pool, one message per line, between a start and an exit message (the
//! shapes of plasmite 0.8.0's `tap`):
//!
//! - `{"kind":"start","cmd":[ARGV…]}` tagged `lifecycle`;
//! - `{"kind":"line","stream":"stdout"|"stderr","line":TEXT}` with `-t` tags;
//! - `{"kind":"exit","code":N,"elapsed_ms":MS}` or
//!   `{"kind":"exit","signal":"SIGTERM","elapsed_ms":MS}` tagged `lifecycle`.
//!
//! The command's stdin is ours; its output still reaches our stdout and
//! stderr (unless `-q`), byte for byte as it comes. Lines are text: bytes
//! that are not UTF-8 become U+FFFD, and the line ending (`\n`, `\r\n`) is
//! dropped; a last line without a newline is recorded too. Lines are
//! appended in batches (whatever has arrived since the last append), each
//! stream's lines in order. Ctrl-C and SIGTERM are forwarded to the command;
//! `tap` exits with its status (128+N when signal N ended it).

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::output::Ui;
use super::{DurabilityArg, Outcome, TapArgs};
use crate::signals;
use plasmite::{encode_tags, Batch, Client, Durability, Error, ErrorKind, Pool};

/// Longest line recorded whole; a longer one is cut into pieces of this size.
const MAX_LINE: usize = 64 << 10;
/// How often the loop checks for signals to forward.
const POLL: Duration = Duration::from_millis(50);
/// Most lines appended in one batch.
const BATCH_LINES: usize = 4096;

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

enum Event {
    Line(Stream, Vec<u8>),
    Failed(Error),
}

/// Reads one of the command's streams: copies it through (unless quiet)
/// and sends each line to the recorder.
fn reader(mut from: impl Read, stream: Stream, passthrough: bool, tx: Sender<Event>) {
    let mut chunk = vec![0u8; 64 << 10];
    let mut line: Vec<u8> = Vec::new();
    let mut pass = passthrough;
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = tx.send(Event::Failed(Error::io("cannot read the command's output", e)));
                return;
            }
        };
        let bytes = &chunk[..n];
        if pass {
            let written = match stream {
                Stream::Stdout => std::io::stdout()
                    .lock()
                    .write_all(bytes)
                    .and_then(|_| std::io::stdout().flush()),
                Stream::Stderr => std::io::stderr().lock().write_all(bytes),
            };
            // A closed terminal or pipe ends the copy, not the recording.
            if written.is_err() {
                pass = false;
            }
        }
        let mut rest = bytes;
        while let Some(p) = rest.iter().position(|&b| b == b'\n') {
            line.extend_from_slice(&rest[..p]);
            if tx.send(Event::Line(stream, std::mem::take(&mut line))).is_err() {
                return;
            }
            rest = &rest[p + 1..];
        }
        line.extend_from_slice(rest);
        while line.len() >= MAX_LINE {
            let tail = line.split_off(MAX_LINE);
            if tx
                .send(Event::Line(stream, std::mem::replace(&mut line, tail)))
                .is_err()
            {
                return;
            }
        }
    }
    if !line.is_empty() {
        let _ = tx.send(Event::Line(stream, line));
    }
}

struct Recorder<'a> {
    pool: &'a Pool,
    durability: Durability,
    line_tags: Vec<u8>,
    lifecycle_tags: Vec<u8>,
    batch: Batch,
    json: Vec<u8>,
    lines: u64,
}

impl Recorder<'_> {
    fn push(&mut self, tags: bool, data: &serde_json::Value) -> Result<(), Error> {
        self.json.clear();
        serde_json::to_writer(&mut self.json, data)
            .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
        let span = plasmite::json::validate(&self.json)
            .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
        let tags_json = if tags {
            &self.line_tags
        } else {
            &self.lifecycle_tags
        };
        self.batch.push_json_span(&self.json, span, tags_json)
    }

    fn line(&mut self, stream: Stream, mut bytes: Vec<u8>) -> Result<(), Error> {
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let text = String::from_utf8_lossy(&bytes);
        self.lines += 1;
        self.push(
            true,
            &serde_json::json!({"kind": "line", "stream": stream.name(), "line": text}),
        )
    }

    fn flush(&mut self) -> Result<(), Error> {
        if !self.batch.is_empty() {
            self.pool.append_batch(&self.batch, self.durability)?;
            self.batch.clear();
        }
        Ok(())
    }
}

fn signal_name(sig: i32) -> String {
    match nix::sys::signal::Signal::try_from(sig) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => format!("SIG{sig}"),
    }
}

pub fn run(client: &Client, a: TapArgs, ui: &Ui) -> Result<Outcome, Error> {
    if super::remote::url_ref(&a.pool).is_some() {
        return Err(Error::usage("tap records into a local pool only")
            .with_hint("tap into a local pool, then serve it, or pipe the command into `pls append URL`"));
    }
    let pool = super::append::open_pool(client, &a.pool, a.create, a.size)?;
    let durability = match a.durability {
        DurabilityArg::Fast => Durability::Fast,
        DurabilityArg::Flush => Durability::Flush,
    };
    let mut rec = Recorder {
        pool: &pool,
        durability,
        line_tags: Vec::new(),
        lifecycle_tags: Vec::new(),
        batch: Batch::new(),
        json: Vec::new(),
        lines: 0,
    };
    encode_tags(&a.tags, &mut rec.line_tags)?;
    encode_tags(&["lifecycle".to_string()], &mut rec.lifecycle_tags)?;

    let mut command = Command::new(&a.command[0]);
    // pls ignores SIGXFSZ (see signals.rs); the command gets the default
    // disposition back, as from a shell.
    // SAFETY: signal(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = command
        .args(&a.command[1..])
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::usage(format!("command not found: {}", a.command[0]))
                    .with_hint("check PATH, or give the command's path")
            } else {
                Error::io(format!("cannot run {}", a.command[0]), e)
            }
        })?;
    let started = Instant::now();
    rec.push(false, &serde_json::json!({"kind": "start", "cmd": a.command}))?;
    if let Err(e) = rec.flush() {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }

    let (tx, rx): (Sender<Event>, Receiver<Event>) = crossbeam_channel::bounded(1 << 16);
    let out = child.stdout.take().expect("piped stdout");
    let err = child.stderr.take().expect("piped stderr");
    let pass = !a.quiet;
    let tx2 = tx.clone();
    let t_out = std::thread::spawn(move || reader(out, Stream::Stdout, pass, tx));
    let t_err = std::thread::spawn(move || reader(err, Stream::Stderr, pass, tx2));

    let mut forwarded = signals::received().0;
    let mut failure: Option<Error> = None;
    loop {
        let (count, sig) = signals::received();
        if count != forwarded {
            forwarded = count;
            // SAFETY: kill(2) with the child's pid, which we have not reaped yet.
            unsafe { libc::kill(child.id() as libc::pid_t, sig) };
        }
        let first = match rx.recv_timeout(POLL) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Take whatever else has arrived: one append for all of it.
        let mut next = Some(first);
        let mut n = 0;
        while let Some(ev) = next {
            match ev {
                Event::Line(stream, bytes) => {
                    if failure.is_none() {
                        rec.line(stream, bytes)?;
                    }
                }
                Event::Failed(e) => failure = failure.or(Some(e)),
            }
            n += 1;
            next = if n < BATCH_LINES { rx.try_recv().ok() } else { None };
        }
        rec.flush()?;
    }
    let _ = t_out.join();
    let _ = t_err.join();
    let status = loop {
        match child.wait() {
            Ok(s) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                let (count, sig) = signals::received();
                if count != forwarded {
                    forwarded = count;
                    // SAFETY: as above; the child is not reaped yet.
                    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
                }
            }
            Err(e) => return Err(Error::io("cannot wait for the command", e)),
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    use std::os::unix::process::ExitStatusExt;
    let code = match status.signal() {
        Some(sig) => {
            rec.push(
                false,
                &serde_json::json!({"kind": "exit", "signal": signal_name(sig), "elapsed_ms": elapsed_ms}),
            )?;
            128 + sig
        }
        None => {
            let code = status.code().unwrap_or(1);
            rec.push(
                false,
                &serde_json::json!({"kind": "exit", "code": code, "elapsed_ms": elapsed_ms}),
            )?;
            code
        }
    };
    rec.flush()?;
    if let Some(e) = failure {
        return Err(e);
    }
    if ui.stderr_tty && !a.quiet {
        ui.note(&format!(
            "tapped {} line(s) into {} in {elapsed_ms} ms",
            rec.lines, a.pool
        ));
    }
    Ok(Outcome::Exit(code))
}
