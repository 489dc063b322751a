//! `pls get` and `pls tail`: render envelopes (or data) as JSON Lines on a
//! pipe and pretty, coloured JSON on a terminal; follow with futex wake-ups.

use std::io::Write;
use std::time::Duration;

use super::output::{flush_to, pretty_output, stdout_closed, write_pretty, Ui};
use super::time::{Pacer, Point, Stop};
use super::{Format, GapsArg, GetArgs, Outcome, TailArgs, TIMEOUT_EXIT};
use crate::signals;
use plasmite::Error;
use plasmite::{
    Client, Cursor, CursorOptions, Filter, Flow, Follow, FollowEnd, FollowSink, GapPolicy, MessageRef, Start,
};

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
    if let Some(group) = a.group.clone() {
        return super::group::tail(client, a, &group, ui);
    }
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::tail(&url, a, ui);
    }
    // A bad expression is reported before the pool is opened.
    let filter = filter(&a.filters)?;
    let pool = client.open_pool(&a.pool)?;
    let until = a.until.map(Point::until);
    // Without --since, -n counts back from the --until bound (the cursor's rule).
    let start = match a.since {
        Some(Point::Seq(seq)) => Start::Since(seq),
        Some(Point::Time(t)) => Start::Time(t),
        None => Start::Last(a.last),
    };
    let mut cursor = pool.cursor(CursorOptions {
        start,
        until,
        max: a.max,
        timeout: a.timeout,
        tags: a.tags.clone(),
        gaps: match a.gaps {
            GapsArg::Continue => GapPolicy::Continue,
            GapsArg::Error => GapPolicy::Error,
        },
        filter,
    })?;
    let mut printer = Printer {
        ui,
        r: Renderer::new(ui, a.format, a.data_only),
        stdout: std::io::stdout().lock(),
        out: Vec::with_capacity(OUT_CHUNK + 4096),
        reported_skips: 0,
        interrupted: false,
    };
    if let Some(speed) = a.replay {
        return replay(&mut cursor, &mut printer, speed);
    }
    let how = Follow {
        follow: a.follow || a.timeout.is_some(),
        check_every: FOLLOW_SLICE,
    };
    let end = cursor.follow(how, &mut printer);
    // What was rendered before an error is still printed, then the error.
    printer.caught_up(cursor.skipped())?;
    match end? {
        FollowEnd::Timeout => Ok(Outcome::Exit(TIMEOUT_EXIT)),
        FollowEnd::Stopped if printer.interrupted => Ok(Outcome::Exit(signals::INTERRUPTED_EXIT)),
        _ => Ok(Outcome::Done),
    }
}

/// The `--where` expressions, compiled (`None` without any).
pub fn filter(exprs: &[String]) -> Result<Option<Filter>, Error> {
    if exprs.is_empty() {
        return Ok(None);
    }
    Filter::new(exprs).map(Some)
}

/// Prints what a local tail reads, in chunks; stops on Ctrl-C or a closed
/// stdout.
struct Printer<'a> {
    ui: &'a Ui,
    r: Renderer,
    stdout: std::io::StdoutLock<'static>,
    out: Vec<u8>,
    reported_skips: u64,
    interrupted: bool,
}

impl FollowSink for Printer<'_> {
    fn message(&mut self, m: &MessageRef<'_>) -> Result<(), Error> {
        self.r.render(m, &mut self.out)?;
        if self.out.len() >= OUT_CHUNK {
            self.stdout
                .write_all(&self.out)
                .map_err(super::output::write_error)?;
            self.out.clear();
        }
        Ok(())
    }

    fn caught_up(&mut self, skipped: u64) -> Result<Flow, Error> {
        note_skips(self.ui, skipped, &mut self.reported_skips);
        flush_to(&mut self.stdout, &mut self.out)?;
        self.interrupted = signals::interrupted();
        Ok(if self.interrupted || stdout_closed() {
            Flow::Stop
        } else {
            Flow::Continue
        })
    }
}

/// `--replay`: prints what the cursor reads up to the end of what is
/// stored, each message once its scaled offset from the first has passed.
fn replay(cursor: &mut Cursor, p: &mut Printer<'_>, speed: f64) -> Result<Outcome, Error> {
    let mut pacer = Pacer::new(speed);
    loop {
        let ts = match cursor.try_next() {
            Ok(Some(m)) => {
                // What was rendered before is due now: print it first.
                if pacer.must_wait(m.timestamp_ns) {
                    flush_to(&mut p.stdout, &mut p.out)?;
                }
                let ts = m.timestamp_ns;
                p.message(&m)?;
                ts
            }
            Ok(None) => break,
            Err(e) => {
                p.caught_up(cursor.skipped())?;
                return Err(e);
            }
        };
        note_skips(p.ui, cursor.skipped(), &mut p.reported_skips);
        match pacer.wait(ts) {
            None => {}
            Some(Stop::Interrupted) => return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT)),
            Some(Stop::Closed) => return Ok(Outcome::Done),
        }
    }
    p.caught_up(cursor.skipped())?;
    Ok(Outcome::Done)
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
