//! `pls duplex POOL --me NAME`: one process that both writes to a pool and
//! follows it (the behaviour of plasmite 0.8.0's `duplex`).
//!
//! - stdin on a terminal: each non-empty typed line is appended as
//!   `{"from":NAME,"msg":LINE}` (`--me` is required);
//! - stdin not a terminal: a JSON stream, appended value by value as
//!   `pls append` reads it (`--in auto`, stop at the first bad record).
//!
//! Meanwhile the pool's new messages (and the last `-n N` first) are printed
//! as `pls tail` prints them: pretty on a terminal, JSON Lines otherwise or
//! with `--jsonl`. Messages whose data has `"from"` equal to `--me` are not
//! printed unless `--echo-self`. Ends when stdin ends, on Ctrl-C, when stdout
//! closes, or after `--timeout` without a message printed (exit 124). Local
//! pools and remote refs (`http(s)://HOST:PORT/POOL`) alike.

use std::io::{BufRead, IsTerminal, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::output::{flush_to, stdout_closed, write_pretty, Ui};
use super::{DuplexArgs, Format, Outcome, TIMEOUT_EXIT};
use crate::signals;
use plasmite::json::{member, InputFormat, StreamReader};
use plasmite::remote::{Remote, TailQuery};
use plasmite::{
    Client, CursorOptions, Durability, Error, ErrorKind, Flow, Follow, FollowSink, MessageRef, Start,
};

const POLL: Duration = Duration::from_millis(50);

/// Where the sending side appends.
trait Sender: Send {
    fn send(&mut self, json: &[u8]) -> Result<(), Error>;
    /// Largest record to buffer (the local pool's limit).
    fn max_len(&self) -> usize;
}

struct LocalSender(plasmite::Pool);

impl Sender for LocalSender {
    fn send(&mut self, json: &[u8]) -> Result<(), Error> {
        self.0.append_json::<&str>(json, &[], Durability::Fast).map(drop)
    }
    fn max_len(&self) -> usize {
        self.0.max_message_len() as usize
    }
}

struct RemoteSender(Remote, String);

impl Sender for RemoteSender {
    fn send(&mut self, json: &[u8]) -> Result<(), Error> {
        self.0.append(&self.1, json, &[], false).map(drop)
    }
    fn max_len(&self) -> usize {
        1 << 32
    }
}

/// The sending side: runs until stdin ends (Ok) or an append fails.
fn send_all(mut to: Box<dyn Sender>, me: Option<String>, tty: bool) -> Result<(), Error> {
    if tty {
        let me = me.expect("checked: --me with a terminal");
        let stdin = std::io::stdin();
        let mut line = String::new();
        loop {
            line.clear();
            match stdin.lock().read_line(&mut line) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    if signals::interrupted() {
                        return Ok(());
                    }
                    continue;
                }
                Err(e) => return Err(Error::io("cannot read stdin", e)),
            }
            let text = line.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            let json = serde_json::json!({"from": me, "msg": text}).to_string();
            to.send(json.as_bytes())?;
        }
    }
    let mut reader = StreamReader::new(InputFormat::Auto, to.max_len(), 0);
    let mut stdin = std::io::stdin();
    loop {
        while let Some(item) = reader.next_record() {
            match item {
                Ok(rec) => to.send(&rec.bytes[rec.span.start..rec.span.end])?,
                Err(bad) => return Err(bad.error),
            }
        }
        if reader.finished() {
            return Ok(());
        }
        match reader.fill(|dst| stdin.read(dst)) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                if signals::interrupted() {
                    return Ok(());
                }
            }
            Err(e) => return Err(Error::io("cannot read stdin", e)),
        }
    }
}

/// Prints envelopes, hiding this participant's own messages.
struct Printer {
    pretty: bool,
    color: bool,
    /// `"NAME"` as JSON, when own messages are hidden.
    hide_from: Option<Vec<u8>>,
    out: Vec<u8>,
    scratch: Vec<u8>,
    printed_at: Instant,
}

impl Printer {
    fn is_own(&self, data: &[u8]) -> bool {
        let Some(me) = &self.hide_from else { return false };
        if data.first() != Some(&b'{') {
            return false;
        }
        match member(data, "from") {
            Ok(Some(r)) => {
                let v = &data[r];
                v == me.as_slice()
                    || serde_json::from_slice::<serde_json::Value>(v).ok()
                        == serde_json::from_slice::<serde_json::Value>(me).ok()
            }
            _ => false,
        }
    }

    fn print(&mut self, envelope: &[u8]) {
        if self.pretty {
            write_pretty(&mut self.out, envelope, self.color);
        } else {
            self.out.extend_from_slice(envelope);
        }
        self.out.push(b'\n');
        self.printed_at = Instant::now();
    }
}

struct LocalSink<'a> {
    p: &'a mut Printer,
    done: &'a AtomicBool,
    timeout: Option<Duration>,
    timed_out: bool,
}

impl FollowSink for LocalSink<'_> {
    fn message(&mut self, m: &MessageRef<'_>) -> Result<(), Error> {
        self.p.scratch.clear();
        m.write_data_json(&mut self.p.scratch)?;
        if self.p.is_own(&self.p.scratch) {
            return Ok(());
        }
        self.p.scratch.clear();
        m.write_envelope(&mut self.p.scratch)?;
        let env = std::mem::take(&mut self.p.scratch);
        self.p.print(&env);
        self.p.scratch = env;
        Ok(())
    }

    fn caught_up(&mut self, _skipped: u64) -> Result<Flow, Error> {
        flush_to(&mut std::io::stdout().lock(), &mut self.p.out)?;
        if self.timeout.is_some_and(|t| self.p.printed_at.elapsed() >= t) {
            self.timed_out = true;
            return Ok(Flow::Stop);
        }
        let stop = signals::interrupted() || stdout_closed() || self.done.load(Ordering::SeqCst);
        Ok(if stop { Flow::Stop } else { Flow::Continue })
    }
}

pub fn run(client: &Client, a: DuplexArgs, ui: &Ui) -> Result<Outcome, Error> {
    let tty = std::io::stdin().is_terminal();
    if tty && a.me.is_none() {
        return Err(
            Error::usage("duplex reads typed lines from a terminal: --me NAME is required")
                .with_hint("pass --me NAME (your messages are sent as {\"from\":NAME,\"msg\":LINE})"),
        );
    }
    let format = if a.jsonl { Some(Format::Jsonl) } else { a.format };
    let mut printer = Printer {
        pretty: super::output::pretty_output(ui, format),
        color: ui.color_out,
        hide_from: match (&a.me, a.echo_self) {
            (Some(me), false) => Some(serde_json::to_vec(me).expect("a string serializes")),
            _ => None,
        },
        out: Vec::new(),
        scratch: Vec::new(),
        printed_at: Instant::now(),
    };
    let done = Arc::new(AtomicBool::new(false));
    let remote = super::remote::url_ref(&a.pool).map(str::to_owned);
    if remote.is_some() && a.create {
        return Err(Error::usage("--create makes local pools only")
            .with_hint("create the pool on the server (`pls create` there), then run duplex"));
    }
    // The follow position is fixed before anything is sent.
    let (sender, local): (Box<dyn Sender>, Option<plasmite::Pool>) = match &remote {
        Some(url) => {
            let (remote, pool) = super::remote::connect(url, &a.remote)?;
            (Box::new(RemoteSender(remote, pool)), None)
        }
        None => {
            let pool = match client.open_pool(&a.pool) {
                Err(e) if e.kind() == ErrorKind::NotFound && a.create => {
                    match client.create_pool(&a.pool, a.size) {
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => client.open_pool(&a.pool),
                        other => other,
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    Err(e.with_hint(format!("create it with `pls create {}` or pass --create", a.pool)))
                }
                other => other,
            }?;
            (Box::new(LocalSender(client.open_pool(&a.pool)?)), Some(pool))
        }
    };
    let mut remote_start = None;
    let mut cursor = match &local {
        Some(pool) => Some(pool.cursor(CursorOptions {
            start: Start::Last(a.last),
            ..CursorOptions::default()
        })?),
        None => {
            let RemoteSender(r, pool) = sender_parts(&remote, &a)?;
            let info: serde_json::Value = serde_json::from_slice(&r.info(&pool)?)
                .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
            let newest = info["pool"]["bounds"]["newest"].as_u64();
            let oldest = info["pool"]["bounds"]["oldest"].as_u64().unwrap_or(1);
            remote_start = Some(match newest {
                Some(n) => (n + 1).saturating_sub(a.last).max(oldest),
                None => 1,
            });
            None
        }
    };
    let me = a.me.clone();
    let done_send = done.clone();
    let sending = std::thread::spawn(move || {
        let r = send_all(sender, me, tty);
        done_send.store(true, Ordering::SeqCst);
        r
    });
    let timed_out = match cursor.as_mut() {
        Some(cursor) => {
            let mut sink = LocalSink {
                p: &mut printer,
                done: &done,
                timeout: a.timeout,
                timed_out: false,
            };
            let how = Follow {
                follow: true,
                check_every: POLL,
            };
            let end = cursor.follow(how, &mut sink);
            let timed_out = sink.timed_out;
            flush_to(&mut std::io::stdout().lock(), &mut printer.out)?;
            end?;
            timed_out
        }
        None => {
            let RemoteSender(r, pool) = sender_parts(&remote, &a)?;
            follow_remote(
                &r,
                &pool,
                remote_start.unwrap_or(1),
                &mut printer,
                &done,
                a.timeout,
            )?
        }
    };
    if timed_out {
        return Ok(Outcome::Exit(TIMEOUT_EXIT));
    }
    if signals::interrupted() {
        return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
    }
    if done.load(Ordering::SeqCst) {
        sending
            .join()
            .map_err(|_| Error::new(ErrorKind::Internal, "the sending side panicked"))??;
    }
    Ok(Outcome::Done)
}

fn sender_parts(remote: &Option<String>, a: &DuplexArgs) -> Result<RemoteSender, Error> {
    let url = remote.as_deref().expect("a remote ref");
    let (remote, pool) = super::remote::connect(url, &a.remote)?;
    Ok(RemoteSender(remote, pool))
}

/// The receiving side on a remote pool: a tail stream read by a thread,
/// resumed after the last message seen when the connection drops. True
/// when `timeout` ended it.
fn follow_remote(
    remote: &Remote,
    pool: &str,
    mut next: u64,
    p: &mut Printer,
    done: &AtomicBool,
    timeout: Option<Duration>,
) -> Result<bool, Error> {
    let mut stdout = std::io::stdout().lock();
    loop {
        let q = TailQuery {
            since_seq: Some(next),
            ..TailQuery::default()
        };
        let mut stream = match remote.tail(pool, &q) {
            Ok(s) => s,
            Err(e) if e.kind() == ErrorKind::Io && !done.load(Ordering::SeqCst) => {
                std::thread::sleep(Duration::from_millis(200));
                if signals::interrupted() {
                    return Ok(false);
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let (tx, rx) = crossbeam_channel::bounded::<Option<Vec<u8>>>(1024);
        std::thread::spawn(move || loop {
            let line = stream.next_line().ok().flatten();
            let end = line.is_none();
            if tx.send(line).is_err() || end {
                return;
            }
        });
        loop {
            match rx.recv_timeout(POLL) {
                Ok(Some(line)) => {
                    if line.starts_with(b"{\"error\"") {
                        flush_to(&mut stdout, &mut p.out)?;
                        let v: serde_json::Value = serde_json::from_slice(&line).unwrap_or_default();
                        return Err(plasmite::remote::error_from_envelope(&v).unwrap_or_else(|| {
                            Error::new(ErrorKind::Internal, "bad error line in the stream")
                        }));
                    }
                    if let Ok(Some(r)) = member(&line, "seq") {
                        if let Some(seq) = std::str::from_utf8(&line[r])
                            .ok()
                            .and_then(|s| s.parse::<u64>().ok())
                        {
                            next = seq + 1;
                        }
                    }
                    let own = match member(&line, "data") {
                        Ok(Some(r)) => p.is_own(&line[r]),
                        _ => false,
                    };
                    if !own {
                        p.print(&line);
                    }
                    if rx.is_empty() {
                        flush_to(&mut stdout, &mut p.out)?;
                    }
                }
                Ok(None) | Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    flush_to(&mut stdout, &mut p.out)?;
                    if timeout.is_some_and(|t| p.printed_at.elapsed() >= t) {
                        return Ok(true);
                    }
                    if signals::interrupted() || stdout_closed() || done.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                }
            }
        }
        // The stream ended or dropped: resume after the last message seen.
        if signals::interrupted() || done.load(Ordering::SeqCst) {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
