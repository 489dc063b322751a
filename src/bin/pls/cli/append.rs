//! `pls append`: one message from the argument, or a stream ingested in
//! batches: one lock, one publish and one wake-up per batch. The stream is
//! split by the library's [`StreamReader`] (JSON Lines, concatenated JSON,
//! one value, RFC 7464 sequences, SSE `data:` lines; `--in`).

use std::io::{IsTerminal, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::output::{flush_to, Ui};
use super::{AppendArgs, DurabilityArg, ErrorsArg, Outcome};
use crate::signals;
use plasmite::json::{BadRecord, StreamReader};
use plasmite::{encode_tags, Receipt};
use plasmite::{Batch, Client, Durability, Pool, PoolOptions};
use plasmite::{Error, ErrorKind};

/// Largest batch before it is appended (messages, bytes).
const BATCH_MESSAGES: usize = 16 * 1024;
const BATCH_BYTES: usize = 4 << 20;

/// Opens the pool a writing command names, creating it (of `size` bytes)
/// when `create` is set; a missing pool otherwise gets a hint.
pub(super) fn open_pool(client: &Client, pool: &str, create: bool, size: u64) -> Result<Pool, Error> {
    if create {
        let options = PoolOptions {
            size_bytes: size,
            ..PoolOptions::default()
        };
        return client.open_or_create_pool(pool, options);
    }
    client.open_pool(pool).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            e.with_hint(format!("create it with `pls create {pool}` or pass --create"))
        } else {
            e
        }
    })
}

pub fn run(client: &Client, a: AppendArgs, ui: &Ui) -> Result<Outcome, Error> {
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        if a.time.is_some() {
            return Err(Error::usage(
                "--time is for local pools (a server stamps its own appends)",
            ));
        }
        return super::remote::append(&url, a, ui);
    }
    let pool = open_pool(client, &a.pool, a.create, a.size)?;
    let durability = match a.durability {
        DurabilityArg::Fast => Durability::Fast,
        DurabilityArg::Flush => Durability::Flush,
    };
    let mut tags_json = Vec::new();
    encode_tags(&a.tags, &mut tags_json)?;
    if let Some(json) = &a.json {
        let r = match a.time {
            None => pool.append_json(json.as_bytes(), &a.tags, durability)?,
            Some(t) => {
                let mut one = Batch::new();
                one.push_json_tagged(json.as_bytes(), &tags_json)?;
                let r = pool.append_batch_at(&one, t, durability)?;
                Receipt {
                    seq: r.first_seq,
                    timestamp_ns: r.timestamp_ns,
                }
            }
        };
        if !a.quiet {
            let mut out = Vec::with_capacity(128);
            r.write_json(&tags_json, &mut out);
            out.push(b'\n');
            flush_to(&mut std::io::stdout().lock(), &mut out)?;
        }
        return Ok(Outcome::Done);
    }
    let (input, total) = open_input(a.file.as_deref(), ui)?;
    let max_len = pool.max_message_len() as usize;
    let reader = StreamReader::new(a.input.into(), max_len, tags_json.len());
    let mut ingest = Ingest {
        pool: &pool,
        durability,
        time: a.time,
        tags_json,
        quiet: a.quiet,
        skip_errors: a.errors == ErrorsArg::Skip,
        ui,
        batch: Batch::new(),
        receipts: Vec::with_capacity(1 << 16),
        stdout: std::io::stdout().lock(),
        bad: 0,
        stored: 0,
        progress: Progress::new(ui, a.quiet, total),
    };
    let result = ingest.run(input, reader);
    ingest.progress.finish();
    let outcome = result?;
    if ingest.bad > 0 {
        ui.note(&format!(
            "{} record(s) skipped, {} stored",
            ingest.bad, ingest.stored
        ));
        return Ok(Outcome::Exit(super::SKIPPED_EXIT));
    }
    Ok(outcome)
}

/// The input stream: readable, with a descriptor to poll.
pub(super) trait Input: Read + AsFd {}
impl<T: Read + AsFd> Input for T {}

/// The stream to read: `--file FILE`, or stdin (also `--file -`), with its
/// size when it is a regular file (for the progress bar).
pub(super) fn open_input(
    file: Option<&std::path::Path>,
    ui: &Ui,
) -> Result<(Box<dyn Input>, Option<u64>), Error> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            let f =
                std::fs::File::open(path).map_err(|e| Error::io("cannot open input", e).with_path(path))?;
            let len = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), len))
        }
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                ui.note("reading JSON messages from stdin (Ctrl-D to end)");
            }
            Ok((Box::new(stdin), stdin_size()))
        }
    }
}

fn stdin_size() -> Option<u64> {
    let st = nix::sys::stat::fstat(libc::STDIN_FILENO).ok()?;
    let is_file = (st.st_mode & libc::S_IFMT) == libc::S_IFREG;
    is_file.then_some(st.st_size as u64)
}

struct Ingest<'a> {
    pool: &'a Pool,
    durability: Durability,
    /// `--time`: stamp every batch with this time instead of the clock.
    time: Option<u64>,
    tags_json: Vec<u8>,
    quiet: bool,
    skip_errors: bool,
    ui: &'a Ui,
    batch: Batch,
    receipts: Vec<u8>,
    stdout: std::io::StdoutLock<'static>,
    bad: u64,
    stored: u64,
    progress: Progress,
}

impl Ingest<'_> {
    fn run(&mut self, mut input: Box<dyn Input>, mut reader: StreamReader) -> Result<Outcome, Error> {
        loop {
            while let Some(item) = reader.next_record() {
                match item {
                    Ok(rec) => {
                        self.batch.push_json_span(rec.bytes, rec.span, &self.tags_json)?;
                        if self.batch.len() >= BATCH_MESSAGES || self.batch.byte_len() >= BATCH_BYTES {
                            self.flush()?;
                        }
                    }
                    Err(bad) => self.bad_record(bad)?,
                }
            }
            self.flush()?;
            self.progress.update(reader.bytes_consumed(), self.stored);
            if reader.finished() {
                return Ok(Outcome::Done);
            }
            if signals::interrupted() || !wait_readable(input.as_fd()) {
                return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
            }
            loop {
                match reader.fill(|dst| input.read(dst)) {
                    Ok(_) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                        if signals::interrupted() {
                            return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                        }
                    }
                    Err(e) => return Err(Error::io("cannot read input", e)),
                }
            }
        }
    }

    /// Handles a bad record: stop (after storing what came before), or
    /// report it and go on (the reader has already passed over it).
    fn bad_record(&mut self, bad: BadRecord) -> Result<(), Error> {
        let e = if bad.too_large {
            bad.error.with_hint("create the pool with a larger --size")
        } else {
            bad.error
        };
        if !self.skip_errors {
            self.flush()?;
            return Err(e.with_hint("fix the record, or pass --errors skip to skip bad records"));
        }
        self.bad += 1;
        self.ui.error(&e);
        Ok(())
    }

    /// Appends the pending batch and prints its receipts.
    fn flush(&mut self) -> Result<(), Error> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let r = match self.time {
            None => self.pool.append_batch(&self.batch, self.durability)?,
            Some(t) => self.pool.append_batch_at(&self.batch, t, self.durability)?,
        };
        self.batch.clear();
        self.stored += r.count;
        if !self.quiet {
            for i in 0..r.count {
                let receipt = Receipt {
                    seq: r.first_seq + i,
                    timestamp_ns: r.timestamp_ns,
                };
                receipt.write_json(&self.tags_json, &mut self.receipts);
                self.receipts.push(b'\n');
            }
            flush_to(&mut self.stdout, &mut self.receipts)?;
        }
        Ok(())
    }
}

/// Waits until `fd` has input (or end of input), checking for Ctrl-C at
/// least every 100 ms. False when interrupted.
fn wait_readable(fd: BorrowedFd<'_>) -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    loop {
        if signals::interrupted() {
            return false;
        }
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(100u16)) {
            Ok(0) => continue,
            Err(nix::errno::Errno::EINTR) => continue,
            _ => return true,
        }
    }
}

/// An indicatif bar on a terminal stderr for large inputs; never on a pipe.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: Option<u64>,
    started: Instant,
    enabled: bool,
}

impl Progress {
    fn new(ui: &Ui, quiet: bool, total: Option<u64>) -> Progress {
        // Receipts on a terminal stdout would fight with the bar.
        let enabled = ui.stderr_tty && (quiet || !ui.stdout_tty);
        Progress {
            bar: None,
            total,
            started: Instant::now(),
            enabled,
        }
    }

    fn update(&mut self, bytes: u64, messages: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() {
            let large = self.total.is_some_and(|t| t >= 16 << 20);
            if !large && self.started.elapsed() < Duration::from_secs(1) {
                return;
            }
            let bar = match self.total {
                Some(t) => indicatif::ProgressBar::new(t).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes} {msg} ({bytes_per_sec}, eta {eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                ),
                None => indicatif::ProgressBar::new_spinner().with_style(
                    indicatif::ProgressStyle::with_template("{spinner} {bytes} {msg} ({bytes_per_sec})")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                ),
            };
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            let rate = messages as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{messages} messages, {rate:.0} msg/s"));
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let _ = std::io::stderr().flush();
    }
}
