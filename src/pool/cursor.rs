//! Cursors: reading a pool in order from a starting point, following new
//! messages as they are committed, filtering by tags and reporting what
//! retention took away (gaps).
//!
//! A cursor remembers the next sequence it expects and, when known, the ring
//! position of that frame, so sequential reads never touch the index.

use std::time::{Duration, Instant};

use super::filter::Filter;
use super::layout::{FrameHeader, State};
use super::message::{encode_tag, MessageRef};
use super::time::Until;
use super::{now_ns, Inner, Miss, Pool, Probe};
use crate::error::{Error, ErrorKind, Result};

/// Where a cursor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Start {
    /// At the oldest retained message.
    #[default]
    Oldest,
    /// At this sequence number (inclusive).
    Since(u64),
    /// At the newest `n` retained messages (`Last(0)`: only new messages);
    /// with [`CursorOptions::until`], the newest `n` at or before the bound.
    Last(u64),
    /// At the first message appended at or after this time (ns since the
    /// Unix epoch), found by binary search ([`Pool::seq_at_time`]); after the
    /// newest message when every retained one is older.
    Time(u64),
}

/// What a cursor does when messages it had not read yet were overwritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GapPolicy {
    /// Skip to the oldest retained message (counted in [`Cursor::skipped`]).
    #[default]
    Continue,
    /// Fail with `RetentionGap` (its `seq` is the first missing one).
    Error,
}

impl std::str::FromStr for GapPolicy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "continue" => Ok(GapPolicy::Continue),
            "error" => Ok(GapPolicy::Error),
            _ => Err(Error::usage(format!(
                "unknown gap policy {s:?} (expected continue or error)"
            ))),
        }
    }
}

/// How a cursor is set up.
#[derive(Debug, Clone, Default)]
pub struct CursorOptions {
    /// Starting point.
    pub start: Start,
    /// Where to stop, inclusive (`None`: no bound). The cursor ends, with
    /// [`EndReason::Until`], before the first message past the bound.
    pub until: Option<Until>,
    /// Stop after delivering this many messages.
    pub max: Option<u64>,
    /// For [`Cursor::next`]: stop after this long without a message
    /// (`None`: wait forever).
    pub timeout: Option<Duration>,
    /// Deliver only messages carrying every one of these tags.
    pub tags: Vec<String>,
    /// What to do about overwritten messages.
    pub gaps: GapPolicy,
    /// Deliver only messages that pass this filter (jq expressions on the
    /// envelope), evaluated after the tag filter.
    pub filter: Option<Filter>,
}

/// Why a cursor stopped delivering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// `max` messages were delivered.
    Max,
    /// `timeout` passed without a message.
    Timeout,
    /// The next message is past [`CursorOptions::until`] (or, for a time,
    /// the clock passed it).
    Until,
}

/// Reads a pool in sequence order; see [`Pool::cursor`].
///
/// ```
/// use plasmite::{Client, CursorOptions, Durability, Start};
/// let dir = tempfile::tempdir().unwrap();
/// let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
/// for i in 0..5 {
///     pool.append_json(format!("{i}").as_bytes(), &["n"], Durability::Fast).unwrap();
/// }
/// let mut cursor = pool.cursor(CursorOptions { start: Start::Last(2), ..Default::default() }).unwrap();
/// assert_eq!(cursor.try_next().unwrap().unwrap().payload, b"3");
/// assert_eq!(cursor.try_next().unwrap().unwrap().payload, b"4");
/// assert!(cursor.try_next().unwrap().is_none());
/// ```
pub struct Cursor {
    pool: Pool,
    next_seq: u64,
    pos: Option<u64>,
    snapshot: State,
    gen: u64,
    tags: Vec<Vec<u8>>,
    max: Option<u64>,
    until: Option<Until>,
    timeout: Option<Duration>,
    gaps: GapPolicy,
    delivered: u64,
    skipped: u64,
    ended: Option<EndReason>,
    failed: bool,
    buf: Vec<u8>,
    header: Option<FrameHeader>,
    filter: Option<Filter>,
}

/// How long one futex wait lasts before the state is re-checked anyway.
pub(crate) const RECHECK: Duration = Duration::from_millis(100);

impl Cursor {
    pub(crate) fn new(pool: Pool, o: CursorOptions) -> Result<Cursor> {
        let (st, gen) = pool.inner().load_state()?;
        let next_seq = match o.start {
            Start::Oldest => st.oldest_seq,
            Start::Since(s) => s.max(1),
            Start::Last(n) => {
                let end = match o.until {
                    None => st.next_seq,
                    Some(Until::Seq(u)) => u.saturating_add(1).min(st.next_seq),
                    Some(Until::Time(t)) => pool
                        .inner()
                        .seq_at_time(t.saturating_add(1))
                        .map_err(|e| e.with_path(pool.path()))?
                        .min(st.next_seq),
                };
                end.saturating_sub(n).max(st.oldest_seq)
            }
            Start::Time(ns) => pool
                .inner()
                .seq_at_time(ns)
                .map_err(|e| e.with_path(pool.path()))?,
        };
        let past_until = matches!(o.until, Some(Until::Seq(u)) if next_seq > u);
        for t in &o.tags {
            if t.is_empty() {
                return Err(Error::usage("tag filters must not be empty"));
            }
        }
        Ok(Cursor {
            pool,
            next_seq,
            pos: (next_seq == st.oldest_seq).then_some(st.oldest_pos),
            snapshot: st,
            gen,
            tags: o.tags.iter().map(|t| encode_tag(t)).collect(),
            max: o.max,
            until: o.until,
            timeout: o.timeout,
            gaps: o.gaps,
            delivered: 0,
            skipped: 0,
            ended: if o.max == Some(0) {
                Some(EndReason::Max)
            } else {
                past_until.then_some(EndReason::Until)
            },
            failed: false,
            buf: Vec::new(),
            header: None,
            filter: o.filter,
        })
    }

    /// The sequence number the cursor reads next.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Messages delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Messages lost to retention gaps (with [`GapPolicy::Continue`]).
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Why the cursor stopped, once it has.
    pub fn end_reason(&self) -> Option<EndReason> {
        self.ended
    }

    /// The inactivity timeout the cursor was opened with.
    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Whether the cursor's time bound lies more than `grace` in the past
    /// by the clock: a message appended from now on would be past it.
    pub(crate) fn until_elapsed(&self, grace: Duration) -> bool {
        matches!(self.until, Some(Until::Time(t)) if now_ns() > t.saturating_add(grace.as_nanos() as u64))
    }

    /// Records that the follow loop ended at the time bound.
    pub(crate) fn end_for_until(&mut self) {
        self.ended.get_or_insert(EndReason::Until);
    }

    /// Records that the follow loop ended for inactivity.
    pub(crate) fn end_for_timeout(&mut self) {
        self.ended.get_or_insert(EndReason::Timeout);
    }

    /// The pool read.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The next message if one is committed, without waiting. `None` when
    /// caught up (or ended).
    pub fn try_next(&mut self) -> Result<Option<MessageRef<'_>>> {
        if self.advance()? {
            Ok(self.current())
        } else {
            Ok(None)
        }
    }

    /// The next message, waiting for one to be committed. `None` once `max`
    /// messages were delivered or `timeout` passed without one (see
    /// [`end_reason`](Cursor::end_reason)).
    #[allow(clippy::should_implement_trait)] // a lending read, not an Iterator
    pub fn next(&mut self) -> Result<Option<MessageRef<'_>>> {
        let deadline = self.timeout.map(|t| Instant::now() + t);
        if self.wait_until(deadline)? {
            Ok(self.current())
        } else {
            Ok(None)
        }
    }

    /// Like [`next`](Cursor::next) with an explicit bound on this one wait
    /// (the cursor's own timeout is ignored; not reaching a message within
    /// `wait` is not the end of the cursor).
    pub fn next_within(&mut self, wait: Duration) -> Result<Option<MessageRef<'_>>> {
        let deadline = Instant::now() + wait;
        let ended = self.ended;
        let got = self.wait_until(Some(deadline))?;
        if !got && self.ended == Some(EndReason::Timeout) {
            self.ended = ended;
        }
        if got {
            Ok(self.current())
        } else {
            Ok(None)
        }
    }

    fn wait_until(&mut self, deadline: Option<Instant>) -> Result<bool> {
        loop {
            let seen = self.pool.commit_counter();
            if self.advance()? {
                return Ok(true);
            }
            // A cursor that failed (a retention gap under GapPolicy::Error,
            // damage) has ended too: waiting would block forever.
            if self.ended.is_some() || self.failed {
                return Ok(false);
            }
            if self.until_elapsed(RECHECK) {
                // One more read: an append stamped before the bound may
                // have been published meanwhile.
                if self.advance()? {
                    return Ok(true);
                }
                self.end_for_until();
                return Ok(false);
            }
            let mut slice = RECHECK;
            if let Some(d) = deadline {
                let now = Instant::now();
                if now >= d {
                    self.ended = Some(EndReason::Timeout);
                    return Ok(false);
                }
                slice = slice.min(d - now);
            }
            self.pool.wait_for_commit(seen, slice);
        }
    }

    fn current(&self) -> Option<MessageRef<'_>> {
        self.header.as_ref().map(|h| Inner::message_ref(h, &self.buf))
    }

    /// Moves to the next deliverable message, reading it into `buf`.
    /// Returns false when none is committed yet or the cursor has ended.
    fn advance(&mut self) -> Result<bool> {
        self.header = None;
        if self.ended.is_some() || self.failed {
            return Ok(false);
        }
        let inner = self.pool.inner.clone();
        loop {
            // Checked before waiting for more: a follower that has read the
            // bound ends at once.
            if matches!(self.until, Some(Until::Seq(u)) if self.next_seq > u) {
                self.ended = Some(EndReason::Until);
                return Ok(false);
            }
            if self.next_seq >= self.snapshot.next_seq || self.next_seq < self.snapshot.oldest_seq {
                let (st, gen) = inner.load_state()?;
                self.snapshot = st;
                self.gen = gen;
                if self.next_seq < st.oldest_seq {
                    self.gap(&st)?;
                }
                // A remembered position behind the oldest frame is stale: an
                // append that evicted everything restarts the ring after the
                // wrap skip, without a wrap marker at the old head.
                if self.pos.is_some_and(|p| p < st.oldest_pos) {
                    self.pos = None;
                }
                if self.next_seq >= st.next_seq {
                    // Caught up: before a follower waits, make sure the file
                    // did not shrink under it (else it would wait forever).
                    if let Err(e) = inner.check_end() {
                        return Err(self.fail(e));
                    }
                    return Ok(false);
                }
            }
            let st = self.snapshot;
            let pos = match self.pos {
                Some(p) => p,
                None => match inner.locate(self.next_seq, &st, self.gen) {
                    Ok(p) => p,
                    Err(Miss::Evicted) => {
                        self.force_reload();
                        continue;
                    }
                    Err(Miss::Failed(e)) => return Err(self.fail(e)),
                },
            };
            if pos >= st.write_pos {
                // Our position hint ran ahead of the snapshot; reload.
                self.force_reload();
                continue;
            }
            let probed = inner.probe(pos);
            if let Ok(Probe::Wrap { next }) = probed {
                if inner.still_retained(pos, self.gen)? {
                    self.pos = Some(next);
                } else {
                    self.force_reload();
                }
                continue;
            }
            match inner.read_probed_frame(pos, probed, self.next_seq, self.gen, &mut self.buf) {
                Ok(h) => {
                    if matches!(self.until, Some(Until::Time(t)) if h.timestamp_ns > t) {
                        self.ended = Some(EndReason::Until);
                        return Ok(false);
                    }
                    self.next_seq += 1;
                    self.pos = Some(pos + h.frame_len());
                    if !self.tags.is_empty() && !Inner::message_ref(&h, &self.buf).has_tags(&self.tags) {
                        continue;
                    }
                    if let Some(f) = &self.filter {
                        if !f.matches(&Inner::message_ref(&h, &self.buf))? {
                            continue;
                        }
                    }
                    self.delivered += 1;
                    if self.max.is_some_and(|m| self.delivered >= m) {
                        self.ended = Some(EndReason::Max);
                    }
                    self.header = Some(h);
                    return Ok(true);
                }
                Err(Miss::Evicted) => self.force_reload(),
                Err(Miss::Failed(e)) => return Err(self.fail(e)),
            }
        }
    }

    fn force_reload(&mut self) {
        self.pos = None;
        self.snapshot.next_seq = 0;
        self.snapshot.oldest_seq = u64::MAX;
    }

    fn gap(&mut self, st: &State) -> Result<()> {
        match self.gaps {
            GapPolicy::Error => {
                let missing = self.next_seq;
                Err(self.fail(
                    Error::new(
                        ErrorKind::RetentionGap,
                        format!(
                            "messages {missing}..{} were overwritten before they were read",
                            st.oldest_seq - 1
                        ),
                    )
                    .with_seq(missing)
                    .with_hint("use a larger pool, read faster, or accept gaps (gap policy continue)"),
                ))
            }
            GapPolicy::Continue => {
                self.skipped += st.oldest_seq - self.next_seq;
                self.next_seq = st.oldest_seq;
                self.pos = Some(st.oldest_pos);
                Ok(())
            }
        }
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = true;
        e.with_path(self.pool.path())
    }
}
