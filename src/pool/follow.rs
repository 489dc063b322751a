//! The one follow loop: drain what is committed, hand each message to the
//! caller, then (when following) sleep on the pool's commit counter until
//! the next commit, the inactivity timeout or the next stop check. The
//! command's `tail -f`, the server's tail streams and library users share it,
//! so every face wakes, times out and stops the same way.
//!
//! The commit counter is read before each drain, so a commit that lands
//! between the last empty read and the sleep ends the sleep at once.

use std::time::{Duration, Instant};

use super::cursor::RECHECK;
use super::message::MessageRef;
use super::{Cursor, EndReason};
use crate::error::Result;

/// How [`Cursor::follow`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follow {
    /// Keep waiting for new messages once caught up (`tail -f`); otherwise
    /// end as soon as everything committed was read.
    pub follow: bool,
    /// Longest sleep between two calls of [`FollowSink::caught_up`], so that a
    /// stop condition (a signal, a closed pipe or socket) is noticed in time.
    pub check_every: Duration,
}

impl Default for Follow {
    fn default() -> Self {
        Follow {
            follow: true,
            check_every: RECHECK,
        }
    }
}

/// What [`FollowSink::caught_up`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on waiting for messages.
    Continue,
    /// End the loop now ([`FollowEnd::Stopped`]).
    Stop,
}

/// Why [`Cursor::follow`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowEnd {
    /// Everything committed was read and [`Follow::follow`] is off.
    CaughtUp,
    /// The cursor's `max` messages were delivered.
    Max,
    /// The cursor's `timeout` passed without a message.
    Timeout,
    /// The cursor reached its [`until`](crate::CursorOptions::until) bound.
    Until,
    /// The sink's [`caught_up`](FollowSink::caught_up) returned [`Flow::Stop`].
    Stopped,
}

/// What [`Cursor::follow`] hands messages to: one value owns the output
/// both calls write, as a printer owns its buffer.
pub trait FollowSink {
    /// One message, in order. An error ends the loop and is returned.
    fn message(&mut self, m: &MessageRef<'_>) -> Result<()>;

    /// Every committed message was read (`skipped`: messages lost to
    /// retention so far): flush output, check stop conditions.
    fn caught_up(&mut self, skipped: u64) -> Result<Flow>;
}

impl Cursor {
    /// Reads messages as they are committed, handing each to `sink`, and
    /// telling it each time every committed message was read: the place to
    /// flush output and check stop conditions. The cursor's `max` and
    /// inactivity `timeout` (from [`CursorOptions`](crate::CursorOptions))
    /// end the loop too.
    ///
    /// An error of the cursor (a retention gap under `GapPolicy::Error`,
    /// damage) or of the sink ends the loop and is returned; what the sink
    /// holds then is still its own to flush.
    ///
    /// ```
    /// use plasmite::{Client, CursorOptions, Durability, Flow, Follow, FollowEnd, FollowSink, MessageRef};
    /// struct Seqs(Vec<u64>);
    /// impl FollowSink for Seqs {
    ///     fn message(&mut self, m: &MessageRef<'_>) -> plasmite::Result<()> {
    ///         Ok(self.0.push(m.seq))
    ///     }
    ///     fn caught_up(&mut self, _skipped: u64) -> plasmite::Result<Flow> {
    ///         Ok(Flow::Continue)
    ///     }
    /// }
    /// let dir = tempfile::tempdir().unwrap();
    /// let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
    /// pool.append_json(b"1", &["n"], Durability::Fast).unwrap();
    /// let mut cursor = pool.cursor(CursorOptions { max: Some(1), ..Default::default() }).unwrap();
    /// let mut seqs = Seqs(Vec::new());
    /// assert_eq!(cursor.follow(Follow::default(), &mut seqs).unwrap(), FollowEnd::Max);
    /// assert_eq!(seqs.0, [1]);
    /// ```
    pub fn follow(&mut self, how: Follow, sink: &mut impl FollowSink) -> Result<FollowEnd> {
        let timeout = self.idle_timeout();
        let mut last_delivery = Instant::now();
        let mut final_drain = false;
        loop {
            let seen = self.pool().commit_counter();
            let mut delivered = false;
            while let Some(m) = self.try_next()? {
                sink.message(&m)?;
                delivered = true;
            }
            if delivered {
                last_delivery = Instant::now();
            }
            let flow = sink.caught_up(self.skipped())?;
            match self.end_reason() {
                Some(EndReason::Max) => return Ok(FollowEnd::Max),
                Some(EndReason::Until) => return Ok(FollowEnd::Until),
                _ => {}
            }
            if !how.follow {
                return Ok(FollowEnd::CaughtUp);
            }
            if flow == Flow::Stop {
                return Ok(FollowEnd::Stopped);
            }
            if self.until_elapsed(RECHECK) {
                // The clock passed the time bound: one more drain (an
                // append stamped before it may have been published since),
                // then the end.
                if final_drain {
                    self.end_for_until();
                    return Ok(FollowEnd::Until);
                }
                final_drain = true;
                continue;
            }
            let mut slice = how.check_every;
            if let Some(t) = timeout {
                let idle = last_delivery.elapsed();
                if idle >= t {
                    self.end_for_timeout();
                    return Ok(FollowEnd::Timeout);
                }
                slice = slice.min(t - idle);
            }
            self.pool().wait_for_commit(seen, slice);
        }
    }
}
