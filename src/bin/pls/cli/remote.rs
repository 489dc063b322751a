//! Remote pool references in the CLI: `pls append|get|tail|info` on
//! `http(s)://HOST:PORT/POOL` and `pls list http(s)://HOST:PORT`, through
//! [`plasmite::remote`]. Same output formats and exit codes as local pools;
//! `tail -f` survives dropped connections by resuming at the next sequence.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::output::{flush_to, stdout_closed, write_error, write_pretty, Ui};
use super::{
    AppendArgs, DurabilityArg, ErrorsArg, Format, GapsArg, GetArgs, InfoArgs, ListArgs, Outcome, TailArgs,
    TIMEOUT_EXIT,
};
use crate::signals;
use plasmite::json::member;
use plasmite::remote::{error_from_envelope, parse_url, Remote, TailQuery, TailStream};
use plasmite::{Error, ErrorKind, Result};

/// Exit code when `--timeout` ended a tail (as for local pools).
/// How often a waiting follower checks for Ctrl-C and a closed stdout.
const POLL: Duration = Duration::from_millis(50);
/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The URL when `pool_ref` is a remote reference.
pub fn url_ref(pool_ref: &str) -> Option<&str> {
    (pool_ref.starts_with("http://") || pool_ref.starts_with("https://")).then_some(pool_ref)
}

fn connect(url: &str, token: Option<String>) -> Result<(Remote, String)> {
    let (base, pool) = parse_url(url).ok_or_else(|| Error::usage(format!("not a URL: {url}")))?;
    let pool = pool.ok_or_else(|| {
        Error::usage(format!("{url} names no pool")).with_hint("use http(s)://HOST:PORT/POOL")
    })?;
    Ok((Remote::new(&base, token), pool))
}

fn span<'a>(body: &'a [u8], key: &str) -> Result<&'a [u8]> {
    member(body, key)?
        .map(|r| &body[r])
        .ok_or_else(|| Error::new(ErrorKind::Internal, format!("the server's answer has no {key:?}")))
}

fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = bytes.to_vec();
    out.push(b'\n');
    flush_to(&mut std::io::stdout().lock(), &mut out)
}

/// Renders envelopes as `pls get`/`pls tail` do for local pools.
struct Renderer {
    pretty: bool,
    data_only: bool,
    color: bool,
}

impl Renderer {
    fn new(ui: &Ui, format: Option<Format>, data_only: bool) -> Renderer {
        Renderer {
            pretty: super::output::pretty_output(ui, format),
            data_only,
            color: ui.color_out,
        }
    }

    fn render(&self, envelope: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let value = if self.data_only {
            span(envelope, "data")?
        } else {
            envelope
        };
        if self.pretty {
            write_pretty(out, value, self.color);
        } else {
            out.extend_from_slice(value);
        }
        out.push(b'\n');
        Ok(())
    }
}

pub fn get(url: &str, a: GetArgs, ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, a.token.clone())?;
    let body = remote.get(&pool, a.seq)?;
    let mut out = Vec::new();
    Renderer::new(ui, a.format, a.data_only).render(span(&body, "message")?, &mut out)?;
    flush_to(&mut std::io::stdout().lock(), &mut out)?;
    Ok(Outcome::Done)
}

pub fn info(url: &str, a: InfoArgs, _ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, a.token.clone())?;
    let body = remote.info(&pool)?;
    if a.json {
        return print_bytes(&body).map(|_| Outcome::Done);
    }
    let v: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    let text = super::admin::format_info(&v["pool"], Some(remote.base()));
    print_bytes(text.as_bytes()).map(|_| Outcome::Done)
}

pub fn list(url: &str, a: ListArgs, _ui: &Ui) -> Result<Outcome> {
    let (base, _) = parse_url(url).ok_or_else(|| Error::usage(format!("not a URL: {url}")))?;
    let body = Remote::new(&base, a.token.clone()).list()?;
    if a.json {
        return print_bytes(&body).map(|_| Outcome::Done);
    }
    let v: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    let pools = v["pools"].as_array().cloned().unwrap_or_default();
    let out = super::admin::format_list(&pools);
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(write_error)?;
    Ok(Outcome::Done)
}

/// `{"seq":..,"time":..,"meta":..}` of an envelope: the local receipt form.
fn receipt(envelope: &[u8], out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(span(envelope, "seq")?);
    out.extend_from_slice(b",\"time\":");
    out.extend_from_slice(span(envelope, "time")?);
    out.extend_from_slice(b",\"meta\":");
    out.extend_from_slice(span(envelope, "meta")?);
    out.extend_from_slice(b"}\n");
    Ok(())
}

pub fn append(url: &str, a: AppendArgs, ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, a.token.clone())?;
    let flush = a.durability == DurabilityArg::Flush;
    let send = |data: &[u8]| -> Result<Vec<u8>> {
        match remote.append(&pool, data, &a.tags, flush) {
            Err(e) if e.kind() == ErrorKind::NotFound && a.create => {
                match remote.create(&pool, a.size) {
                    Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
                    _ => {}
                }
                remote.append(&pool, data, &a.tags, flush)
            }
            other => other,
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut out = Vec::new();
    if let Some(json) = &a.json {
        let body = send(json.as_bytes())?;
        if !a.quiet {
            receipt(span(&body, "message")?, &mut out)?;
            flush_to(&mut stdout, &mut out)?;
        }
        return Ok(Outcome::Done);
    }
    let mut input: Box<dyn Read> = match &a.file {
        Some(path) => Box::new(
            std::fs::File::open(path).map_err(|e| Error::io("cannot open input", e).with_path(path))?,
        ),
        None => {
            if std::io::stdin().is_terminal() {
                ui.note("reading JSON messages from stdin (Ctrl-D to end)");
            }
            Box::new(std::io::stdin())
        }
    };
    let skip = a.errors == ErrorsArg::Skip;
    let (mut buf, mut start, mut eof, mut bad) = (Vec::new(), 0usize, false, 0u64);
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        while start < buf.len() {
            match plasmite::json::next_value(&buf, start) {
                Ok(None) => start = buf.len(),
                Ok(Some(s)) if s.end == buf.len() && !eof => break,
                Ok(Some(s)) => {
                    let sent = send(&buf[s.start..s.end]);
                    start = s.end;
                    match sent {
                        Ok(body) if !a.quiet => receipt(span(&body, "message")?, &mut out)?,
                        Ok(_) => {}
                        // The server refused this record (too large for the
                        // pool or the body limit): skip all of it.
                        Err(e) if skip && e.kind() == ErrorKind::Usage => {
                            ui.error(&e);
                            bad += 1;
                        }
                        Err(e) => {
                            flush_to(&mut stdout, &mut out)?;
                            return Err(e);
                        }
                    }
                }
                Err(e) if e.needs_more_input(buf.len()) && !eof => break,
                Err(e) => {
                    let err = Error::usage(format!("malformed JSON at byte {}: {}", e.offset, e.reason));
                    if !skip {
                        flush_to(&mut stdout, &mut out)?;
                        return Err(err);
                    }
                    ui.error(&err);
                    bad += 1;
                    // Resume after the line that holds the error.
                    start = buf[e.offset.min(buf.len())..]
                        .iter()
                        .position(|b| *b == b'\n')
                        .map_or(buf.len(), |p| e.offset + p + 1);
                }
            }
        }
        flush_to(&mut stdout, &mut out)?;
        if eof {
            break;
        }
        buf.drain(..start);
        start = 0;
        match input.read(&mut chunk) {
            Ok(0) => eof = true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                if signals::interrupted() {
                    return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                }
            }
            Err(e) => return Err(Error::io("cannot read input", e)),
        }
    }
    if bad > 0 {
        ui.note(&format!("{bad} record(s) skipped"));
        return Ok(Outcome::Exit(super::SKIPPED_EXIT));
    }
    Ok(Outcome::Done)
}

/// What the thread reading a tail stream reports.
enum Event {
    Line(Vec<u8>),
    End,
    Dropped(std::io::Error),
}

fn read_stream(mut stream: TailStream) -> Receiver<Event> {
    let (tx, rx) = crossbeam_channel::bounded(1024);
    std::thread::spawn(move || loop {
        let event = match stream.next_line() {
            Ok(Some(line)) => Event::Line(line),
            Ok(None) => Event::End,
            Err(e) => Event::Dropped(e),
        };
        let last = !matches!(event, Event::Line(_));
        if tx.send(event).is_err() || last {
            return;
        }
    });
    rx
}

pub fn tail(url: &str, a: TailArgs, ui: &Ui) -> Result<Outcome> {
    // A bad expression fails here as it does for a local pool. The server
    // evaluates the expressions; they are checked again on each line
    // received, so a server that ignores `where=` (not ours) is still
    // filtered.
    let filter = super::read::filter(&a.filters)?;
    let (remote, pool) = connect(url, a.token.clone())?;
    let follow = a.follow || a.timeout.is_some();
    // Resolve the starting point once, as a sequence number, so that a
    // reconnection resumes exactly after the last message printed.
    let info: serde_json::Value = serde_json::from_slice(&remote.info(&pool)?)
        .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    let oldest = info["pool"]["bounds"]["oldest"].as_u64();
    let newest = info["pool"]["bounds"]["newest"].as_u64();
    let mut next = match (a.since, newest) {
        (Some(s), _) => s,
        (None, Some(n)) => (n + 1).saturating_sub(a.last).max(oldest.unwrap_or(1)),
        (None, None) => 1,
    };
    // Without --follow, stop at what is there now.
    let stop_at = if follow { None } else { newest };
    if a.max == Some(0) || (!follow && newest.is_none_or(|n| next > n)) {
        return Ok(Outcome::Done);
    }
    let r = Renderer::new(ui, a.format, a.data_only);
    let mut stdout = std::io::stdout().lock();
    let mut out = Vec::new();
    let mut delivered = 0u64;
    let mut backoff = Duration::from_millis(50);
    let mut reconnecting = false;
    loop {
        let q = TailQuery {
            since_seq: Some(next),
            max: a.max.map(|m| m - delivered),
            // Without --follow, a tag filter may never reach `stop_at`: let
            // the server end the stream once it has nothing more to send.
            timeout: if follow {
                a.timeout
            } else {
                Some(Duration::from_secs(1))
            },
            tags: a.tags.clone(),
            gap_error: a.gaps == GapsArg::Error,
            filters: a.filters.clone(),
            ..TailQuery::default()
        };
        let stream = match remote.tail(&pool, &q) {
            Ok(s) => s,
            Err(e) if reconnecting && e.kind() == ErrorKind::Io => {
                if wait_interruptible(backoff) {
                    return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
            Err(e) => return Err(e),
        };
        if reconnecting {
            ui.note("reconnected");
            reconnecting = false;
        }
        backoff = Duration::from_millis(50);
        let rx = read_stream(stream);
        let mut last_message = Instant::now();
        let ended = loop {
            let event = match rx.recv_timeout(POLL) {
                Ok(ev) => ev,
                Err(RecvTimeoutError::Timeout) => {
                    flush_to(&mut stdout, &mut out)?;
                    if signals::interrupted() {
                        return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                    }
                    if stdout_closed() {
                        return Ok(Outcome::Done);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break Err(std::io::ErrorKind::BrokenPipe.into()),
            };
            match event {
                Event::Line(line) => {
                    if line.starts_with(b"{\"error\"") {
                        flush_to(&mut stdout, &mut out)?;
                        let v: serde_json::Value = serde_json::from_slice(&line).unwrap_or_default();
                        return Err(error_from_envelope(&v).unwrap_or_else(|| {
                            Error::new(ErrorKind::Internal, "bad error line in the stream")
                        }));
                    }
                    let rendered = span(&line, "seq").and_then(|s| {
                        let seq: u64 = std::str::from_utf8(s)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .ok_or_else(|| {
                                Error::new(ErrorKind::Internal, "a streamed message has no seq")
                            })?;
                        let keep = match &filter {
                            Some(f) => f.matches_json(&line)?,
                            None => true,
                        };
                        if keep {
                            r.render(&line, &mut out)?;
                        }
                        Ok((seq, keep))
                    });
                    let (seq, keep) = match rendered {
                        Ok(got) => got,
                        Err(e) => {
                            // Print what came before, then fail.
                            flush_to(&mut stdout, &mut out)?;
                            return Err(e);
                        }
                    };
                    next = seq + 1;
                    if keep {
                        delivered += 1;
                        last_message = Instant::now();
                    }
                    if rx.is_empty() || out.len() > 256 * 1024 {
                        flush_to(&mut stdout, &mut out)?;
                    }
                    if a.max.is_some_and(|m| delivered >= m) || stop_at.is_some_and(|s| seq >= s) {
                        flush_to(&mut stdout, &mut out)?;
                        return Ok(Outcome::Done);
                    }
                }
                Event::End => break Ok(()),
                Event::Dropped(e) => break Err(e),
            }
        };
        flush_to(&mut stdout, &mut out)?;
        match ended {
            Ok(()) if !follow => return Ok(Outcome::Done),
            Ok(())
                if a.timeout
                    .is_some_and(|t| last_message.elapsed() >= t.saturating_sub(POLL)) =>
            {
                return Ok(Outcome::Exit(TIMEOUT_EXIT))
            }
            // The server ended the stream early (it is shutting down) or the
            // connection dropped: resume after the last message printed.
            _ if follow => {
                if !reconnecting {
                    ui.note(&format!("connection to {} lost; reconnecting", remote.base()));
                    reconnecting = true;
                }
                if wait_interruptible(backoff) {
                    return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                }
            }
            Ok(()) => return Ok(Outcome::Done),
            Err(e) => return Err(Error::io(format!("the stream from {} broke", remote.base()), e)),
        }
    }
}

/// Sleeps `d` unless interrupted first; true when interrupted.
fn wait_interruptible(d: Duration) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if signals::interrupted() {
            return true;
        }
        std::thread::sleep(POLL.min(until - Instant::now()));
    }
    signals::interrupted()
}
