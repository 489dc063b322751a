//! `pls get` and `pls tail`: render envelopes (or data) as JSON Lines on a
//! pipe and pretty, coloured JSON on a terminal; follow with futex wake-ups.

use std::io::Write;
use std::time::{Duration, Instant};

use super::output::{flush_to, pretty_output, stdout_closed, write_pretty, Ui};
use super::{Format, GapsArg, GetArgs, Outcome, TailArgs, TIMEOUT_EXIT};
use crate::signals;
use plasmite::Error;
use plasmite::{Client, CursorOptions, EndReason, GapPolicy, MessageRef, Start};

/// Exit code when `--timeout` ended a tail.
/// Longest a follower sleeps before checking for Ctrl-C or a closed pipe.
const FOLLOW_SLICE: Duration = Duration::from_millis(50);
/// Output is written out once this much is pending.
const OUT_CHUNK: usize = 256 * 1024;

struct Renderer {
    pretty: bool,
    data_only: bool,
    color: bool,
    scratch: Vec<u8>,
}

impl Renderer {
    fn new(ui: &Ui, format: Option<Format>, data_only: bool) -> Renderer {
        Renderer {
            pretty: pretty_output(ui, format),
            data_only,
            color: ui.color_out,
            scratch: Vec::new(),
        }
    }

    fn render(&mut self, m: &MessageRef<'_>, out: &mut Vec<u8>) -> Result<(), Error> {
        let target = if self.pretty {
            self.scratch.clear();
            &mut self.scratch
        } else {
            &mut *out
        };
        if self.data_only {
            m.write_data_json(target)?;
        } else {
            m.write_envelope(target)?;
        }
        if self.pretty {
            write_pretty(out, &self.scratch, self.color);
        }
        out.push(b'\n');
        Ok(())
    }
}

pub fn get(client: &Client, a: GetArgs, ui: &Ui) -> Result<Outcome, Error> {
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::get(&url, a, ui);
    }
    let pool = client.open_pool(&a.pool)?;
    let msg = pool.get(a.seq)?;
    let mut r = Renderer::new(ui, a.format, a.data_only);
    let mut out = Vec::new();
    r.render(&msg.as_ref(), &mut out)?;
    flush_to(&mut std::io::stdout().lock(), &mut out)?;
    Ok(Outcome::Done)
}

pub fn tail(client: &Client, a: TailArgs, ui: &Ui) -> Result<Outcome, Error> {
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::tail(&url, a, ui);
    }
    let pool = client.open_pool(&a.pool)?;
    let follow = a.follow || a.timeout.is_some();
    let start = match a.since {
        Some(seq) => Start::Since(seq),
        None => Start::Last(a.last),
    };
    let mut cursor = pool.cursor(CursorOptions {
        start,
        max: a.max,
        timeout: None,
        tags: a.tags.clone(),
        gaps: match a.gaps {
            GapsArg::Continue => GapPolicy::Continue,
            GapsArg::Error => GapPolicy::Error,
        },
    })?;
    let mut r = Renderer::new(ui, a.format, a.data_only);
    let mut stdout = std::io::stdout().lock();
    let mut out: Vec<u8> = Vec::with_capacity(OUT_CHUNK + 4096);
    let mut last_message = Instant::now();
    let mut skipped = 0;
    loop {
        let seen = pool.commit_counter();
        loop {
            note_skips(ui, cursor.skipped(), &mut skipped);
            let m = match cursor.try_next() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(e) => {
                    flush_to(&mut stdout, &mut out)?;
                    return Err(e);
                }
            };
            r.render(&m, &mut out)?;
            last_message = Instant::now();
            if out.len() >= OUT_CHUNK {
                stdout.write_all(&out).map_err(super::output::write_error)?;
                out.clear();
            }
        }
        note_skips(ui, cursor.skipped(), &mut skipped);
        flush_to(&mut stdout, &mut out)?;
        if cursor.end_reason() == Some(EndReason::Max) || !follow {
            return Ok(Outcome::Done);
        }
        if signals::interrupted() {
            return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
        }
        if stdout_closed() {
            return Ok(Outcome::Done);
        }
        let mut slice = FOLLOW_SLICE;
        if let Some(t) = a.timeout {
            let idle = last_message.elapsed();
            if idle >= t {
                return Ok(Outcome::Exit(TIMEOUT_EXIT));
            }
            slice = slice.min(t - idle);
        }
        pool.wait_for_commit(seen, slice);
    }
}

fn note_skips(ui: &Ui, now: u64, reported: &mut u64) {
    if now != *reported {
        ui.note(&format!(
            "skipped {} message(s) overwritten before they were read",
            now - *reported
        ));
        *reported = now;
    }
}
