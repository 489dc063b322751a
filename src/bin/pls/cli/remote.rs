//! Remote pool references in the CLI: `pls append|get|tail|info` on
//! `http(s)://HOST:PORT/POOL` and `pls list http(s)://HOST:PORT`, through
//! [`plasmite::remote`]. Same output formats and exit codes as local pools;
//! `tail -f` survives dropped connections by resuming at the next sequence.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::output::{flush_to, stdout_closed, write_error, write_pretty, Ui};
use super::time::{Pacer, Point, Stop};
use super::{
    AppendArgs, DurabilityArg, ErrorsArg, Format, GapsArg, GetArgs, InfoArgs, ListArgs, Outcome, TailArgs,
    TIMEOUT_EXIT,
};
use crate::signals;
use plasmite::json::member;
use plasmite::json::StreamReader;
use plasmite::remote::{
    error_from_envelope, parse_url, read_token_file, Remote, Retry, TailQuery, TailStream, Trust,
};
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

/// A client of `base` with the token and trust the flags (and the
/// environment: PLASMITE_TOKEN, SSL_CERT_FILE) give.
pub fn client(base: &str, r: &super::RemoteArgs) -> Result<Remote> {
    let t = &r.trust;
    let token = match &t.token_file {
        Some(path) => Some(read_token_file(path)?),
        None => r.token.clone(),
    };
    let mut trust = Trust::from_env().with_skip_verify(t.tls_skip_verify);
    trust.ca_files.extend(t.tls_ca.iter().cloned());
    trust.fingerprint = t.tls_fingerprint.clone();
    if t.tls_skip_verify {
        eprintln!(
            "pls: warning: --tls-skip-verify: the server's TLS certificate is not checked; \
             anyone on the path can read and change this traffic"
        );
    }
    Remote::new(base, token).with_trust(&trust)
}

/// The client and the pool name of a remote pool reference.
pub fn connect(url: &str, r: &super::RemoteArgs) -> Result<(Remote, String)> {
    let (base, pool) = parse_url(url).ok_or_else(|| Error::usage(format!("not a URL: {url}")))?;
    let pool = pool.ok_or_else(|| {
        Error::usage(format!("{url} names no pool")).with_hint("use http(s)://HOST:PORT/POOL")
    })?;
    Ok((client(&base, r)?, pool))
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
    let (remote, pool) = connect(url, &a.remote)?;
    let remote = remote.with_max_message(a.max_message);
    let body = remote.get(&pool, a.seq)?;
    let mut out = Vec::new();
    Renderer::new(ui, a.format, a.data_only).render(span(&body, "message")?, &mut out)?;
    flush_to(&mut std::io::stdout().lock(), &mut out)?;
    Ok(Outcome::Done)
}

/// `info` of a remote pool; with `--json`, the server's `{"pool":INFO}`, or
/// the info object alone when `bare` (`pool info`).
pub fn info(url: &str, a: InfoArgs, bare: bool) -> Result<Outcome> {
    let (remote, pool) = connect(url, &a.remote)?;
    let body = remote.info(&pool)?;
    if a.json && !bare {
        return print_bytes(&body).map(|_| Outcome::Done);
    }
    let v: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    if a.json {
        return print_bytes(v["pool"].to_string().as_bytes()).map(|_| Outcome::Done);
    }
    let text = super::admin::format_info(&v["pool"], Some(remote.base()));
    print_bytes(text.as_bytes()).map(|_| Outcome::Done)
}

pub fn list(url: &str, a: ListArgs) -> Result<Outcome> {
    let (base, _) = parse_url(url).ok_or_else(|| Error::usage(format!("not a URL: {url}")))?;
    let body = client(&base, &a.remote)?.list()?;
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

/// Largest record the remote reader buffers: the server checks each
/// record against the pool's own limit.
const REMOTE_RECORD_LIMIT: usize = 1 << 32;

pub fn append(url: &str, a: AppendArgs, ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, &a.remote)?;
    let remote = remote.with_retry(Retry {
        attempts: a.retry,
        delay: a.retry_delay,
    });
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
    let (mut input, _) = super::append::open_input(a.file.as_deref(), ui)?;
    // The server checks sizes against the pool; the reader only bounds its buffer.
    let mut reader = StreamReader::new(a.input.into(), REMOTE_RECORD_LIMIT, 0);
    let skip = a.errors == ErrorsArg::Skip;
    let mut bad = 0u64;
    loop {
        while let Some(item) = reader.next_record() {
            let err = match item {
                Ok(rec) => match send(&rec.bytes[rec.span.start..rec.span.end]) {
                    Ok(body) => {
                        if !a.quiet {
                            receipt(span(&body, "message")?, &mut out)?;
                        }
                        continue;
                    }
                    // The server refused this record (too large for the
                    // pool or the body limit): skip all of it.
                    Err(e) if skip && e.kind() == ErrorKind::Usage => e,
                    Err(e) => {
                        flush_to(&mut stdout, &mut out)?;
                        return Err(e);
                    }
                },
                Err(b) if skip => b.error,
                Err(b) => {
                    flush_to(&mut stdout, &mut out)?;
                    return Err(b
                        .error
                        .with_hint("fix the record, or pass --errors skip to skip bad records"));
                }
            };
            ui.error(&err);
            bad += 1;
        }
        flush_to(&mut stdout, &mut out)?;
        if reader.finished() {
            break;
        }
        if signals::interrupted() {
            return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
        }
        match reader.fill(|dst| input.read(dst)) {
            Ok(_) => {}
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
    let (remote, pool) = connect(url, &a.remote)?;
    let remote = remote.with_max_message(a.max_message);
    // A replay re-emits what is stored and ends.
    let follow = (a.follow || a.timeout.is_some()) && a.replay.is_none();
    let until_seq = match a.until {
        Some(Point::Seq(u)) => Some(u),
        _ => None,
    };
    let until_time = match a.until {
        Some(Point::Time(t)) => Some(t),
        _ => None,
    };
    // Resolve the starting point once, as a sequence number, so that a
    // reconnection resumes exactly after the last message printed.
    let info: serde_json::Value = serde_json::from_slice(&remote.info(&pool)?)
        .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    let oldest = info["pool"]["bounds"]["oldest"].as_u64();
    let newest = info["pool"]["bounds"]["newest"].as_u64();
    // A time start is resolved by the server (since_time) until the first
    // message arrives; from then on the stream resumes by seq.
    let mut since_time = match a.since {
        Some(Point::Time(t)) => Some(t),
        _ => None,
    };
    let mut next = match (a.since, newest) {
        (Some(Point::Seq(s)), _) => s,
        (Some(Point::Time(_)), _) => oldest.unwrap_or(1),
        // -n counts back from a seq bound, else from the newest message.
        (None, Some(n)) => (until_seq.map_or(n, |u| u.min(n)) + 1)
            .saturating_sub(a.last)
            .max(oldest.unwrap_or(1)),
        (None, None) => 1,
    };
    // Without --follow, stop at what is there now.
    let stop_at = match (if follow { None } else { newest }, until_seq) {
        (Some(n), Some(u)) => Some(n.min(u)),
        (n, u) => n.or(u),
    };
    if a.max == Some(0)
        || until_seq.is_some_and(|u| next > u && since_time.is_none())
        || (!follow && (newest.is_none() || (since_time.is_none() && newest.is_some_and(|n| next > n))))
    {
        return Ok(Outcome::Done);
    }
    let mut pacer = a.replay.map(Pacer::new);
    // Without --since, -n counts back from a time --until: the server
    // resolves it (`last` with `until_time`) until the first message arrives.
    let mut last_from_bound = (a.since.is_none() && until_time.is_some()).then_some(a.last);
    let r = Renderer::new(ui, a.format, a.data_only);
    let mut stdout = std::io::stdout().lock();
    let mut out = Vec::new();
    let mut delivered = 0u64;
    let mut backoff = Duration::from_millis(50);
    let mut reconnecting = false;
    loop {
        let q = TailQuery {
            since_seq: (since_time.is_none() && last_from_bound.is_none()).then_some(next),
            since_time,
            last: last_from_bound,
            until_time,
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
                    let mark = out.len();
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
                    if until_seq.is_some_and(|u| seq > u) {
                        // Past the bound (the message at it was filtered out).
                        out.truncate(mark);
                        flush_to(&mut stdout, &mut out)?;
                        return Ok(Outcome::Done);
                    }
                    since_time = None;
                    last_from_bound = None;
                    if let Some(p) = pacer.as_mut() {
                        let ts = message_time(&line)?;
                        if p.must_wait(ts) {
                            // What came before this message is due now.
                            let mine = out.split_off(mark);
                            flush_to(&mut stdout, &mut out)?;
                            out = mine;
                        }
                        match p.wait(ts) {
                            None => {}
                            Some(Stop::Interrupted) => return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT)),
                            Some(Stop::Closed) => return Ok(Outcome::Done),
                        }
                    }
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
                // Reconnecting would only read the same message again.
                Event::Dropped(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                    flush_to(&mut stdout, &mut out)?;
                    return Err(remote.read_error(e));
                }
                Event::Dropped(e) => break Err(e),
            }
        };
        flush_to(&mut stdout, &mut out)?;
        match ended {
            Ok(()) if !follow => return Ok(Outcome::Done),
            // The server ended the stream at the time bound.
            Ok(()) if until_time.is_some_and(|t| crate::units::now_ns() > t) => return Ok(Outcome::Done),
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

/// The append time of a streamed envelope (its `time`, RFC 3339).
fn message_time(envelope: &[u8]) -> Result<u64> {
    let t = span(envelope, "time")?;
    let t = std::str::from_utf8(t).unwrap_or_default().trim_matches('"');
    plasmite::parse_time(t).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            format!("a streamed message has a bad time {t:?}"),
        )
    })
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

/// The envelopes of a claim answer `{"messages":[…]}`, as stored bytes.
fn claimed(body: &[u8]) -> Result<Vec<Vec<u8>>> {
    let arr = span(body, "messages")?;
    let mut out = Vec::new();
    let mut pos = plasmite::json::skip_ws(arr, 1);
    while pos < arr.len() && arr[pos] != b']' {
        let Some(v) = plasmite::json::next_value_wrapped(arr, pos).map_err(Error::from)? else {
            break;
        };
        out.push(arr[v.start..v.end].to_vec());
        pos = plasmite::json::skip_ws(arr, v.end);
        if arr.get(pos) == Some(&b',') {
            pos += 1;
        }
    }
    Ok(out)
}

fn receipt_in(envelope: &[u8]) -> Result<plasmite::DeliveryReceipt> {
    let r = span(envelope, "receipt")?;
    let s = std::str::from_utf8(r).unwrap_or("").trim_matches('"');
    s.parse()
}

/// `pls consume` on a remote pool: claims through the server (long-poll
/// in slices of at most 5 s), acks and nacks with its routes.
pub fn consume(url: &str, a: super::ConsumeArgs, ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, &a.remote)?;
    let group = a.group.clone();
    let follow = a.follow || a.timeout.is_some();
    let mut left = a.max.unwrap_or(u64::MAX);
    let mut last = Instant::now();
    let render = Renderer::new(
        ui,
        if a.jsonl { Some(Format::Jsonl) } else { a.format },
        a.data_only,
    );
    let plain = Renderer::new(ui, Some(Format::Jsonl), a.data_only);
    let mut out = Vec::new();
    let mut failures = 0u64;
    while left > 0 {
        if signals::interrupted() {
            return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
        }
        let wait = if follow {
            Duration::from_secs(5)
        } else {
            Duration::ZERO
        };
        let wait = match a.timeout {
            Some(t) => wait.min(t.saturating_sub(last.elapsed())),
            None => wait,
        };
        let batch = (a.batch as u64).min(left);
        let body = remote.claim(&pool, &group, batch, a.lease, wait, a.consumer.as_deref())?;
        let got = claimed(&body)?;
        if got.is_empty() {
            match a.timeout {
                _ if !follow => break,
                Some(t) if last.elapsed() >= t => return Ok(Outcome::Exit(TIMEOUT_EXIT)),
                _ => {}
            }
            if stdout_closed() {
                break;
            }
            continue;
        }
        last = Instant::now();
        left -= got.len() as u64;
        for env in &got {
            match &a.exec {
                None => render.render(env, &mut out)?,
                Some(cmd) => {
                    let receipt = receipt_in(env)?;
                    let mut input = Vec::new();
                    plain.render(env, &mut input)?;
                    let ok = run_remote(&remote, &pool, &group, receipt, cmd, &input, a.lease)?;
                    if !ok {
                        failures += 1;
                        let _ = remote.nack(&pool, &group, receipt, a.retry_delay);
                    }
                }
            }
        }
        flush_to(&mut std::io::stdout().lock(), &mut out)?;
    }
    Ok(if failures > 0 {
        Outcome::Exit(1)
    } else {
        Outcome::Done
    })
}

/// Runs the --exec command for one remote delivery, extending its lease
/// while it runs; acks on exit 0. Returns whether it succeeded.
fn run_remote(
    remote: &Remote,
    pool: &str,
    group: &str,
    receipt: plasmite::DeliveryReceipt,
    cmd: &str,
    input: &[u8],
    lease: Option<Duration>,
) -> Result<bool> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("PLS_SEQ", receipt.seq.to_string())
        .env("PLS_DELIVERY", receipt.delivery.to_string())
        .env("PLS_RECEIPT", receipt.to_string())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("cannot run the --exec command", e))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let lease = lease.unwrap_or(Duration::from_secs(30));
    let mut renewed = Instant::now();
    let status = loop {
        if let Some(s) = child
            .try_wait()
            .map_err(|e| Error::io("cannot wait for the --exec command", e))?
        {
            break s;
        }
        if renewed.elapsed() >= lease / 3 {
            remote.extend(pool, group, receipt, lease)?;
            renewed = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if !status.success() {
        return Ok(false);
    }
    match remote.ack(pool, group, &[receipt])?.first() {
        Some(plasmite::AckOutcome::LeaseLost(n)) => {
            eprintln!(
                "pls: lease lost: message {} was delivered again (delivery {n})",
                receipt.seq
            );
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// `pls group …` on a remote pool: `call` with the client and the pool's
/// name, its JSON answer parsed.
pub fn group_remote(
    url: &str,
    remote: &super::RemoteArgs,
    call: impl FnOnce(&Remote, &str) -> Result<Vec<u8>>,
) -> Result<serde_json::Value> {
    let (client, pool) = connect(url, remote)?;
    let body = call(&client, &pool)?;
    serde_json::from_slice(&body).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the server's answer is not JSON: {e}"),
        )
    })
}

/// `pls ack` on a remote pool.
pub fn ack(url: &str, a: super::AckArgs, list: Vec<plasmite::DeliveryReceipt>, ui: &Ui) -> Result<Outcome> {
    let (remote, pool) = connect(url, &a.remote)?;
    let outcomes = remote.ack(&pool, &a.group, &list)?;
    let mut lost = false;
    for (r, o) in list.iter().zip(outcomes) {
        if let plasmite::AckOutcome::LeaseLost(current) = o {
            ui.error(
                &Error::new(
                    ErrorKind::Busy,
                    format!(
                        "lease lost: message {} was delivered again (delivery {current}) after receipt {r}",
                        r.seq
                    ),
                )
                .with_seq(r.seq),
            );
            lost = true;
        }
    }
    Ok(if lost {
        Outcome::Exit(ErrorKind::Busy.exit_code())
    } else {
        Outcome::Done
    })
}
