//! Time: finding the first message at or after a time by binary search over
//! the index, where a cursor stops ([`Until`]), and reading the times people
//! write (RFC 3339, or nanoseconds since the epoch).
//!
//! The search relies on the engine's guarantee that append times never
//! decrease within a pool (`append.rs` stamps a batch with the newest
//! message's time when its clock is behind it). Each probe reads one index
//! slot and one 32-byte frame header, so the search costs O(log n) probes.
//! Index slots are hints: a probe checks the frame it lands on (retained, the
//! right seq) and falls back to the scan of `locate` when a slot is wrong.

use std::sync::atomic::Ordering;

use super::layout::State;
use super::read::{Miss, Probe};
use super::{Inner, Pool};
use crate::error::{Error, Result};

/// Where a cursor stops (see [`CursorOptions::until`](crate::CursorOptions::until)).
/// Both bounds are inclusive: the message at the bound is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Deliver messages up to and including this sequence number.
    Seq(u64),
    /// Deliver messages whose append time (ns since the Unix epoch) is at
    /// most this; stop before the first later one. A follower also stops once
    /// the clock has passed this time (plus a short grace for appends in
    /// flight) without such a message arriving.
    Time(u64),
}

impl Pool {
    /// The sequence number of the first retained message appended at or
    /// after `ns` (ns since the Unix epoch), found by binary search over the
    /// index: O(log n) frame-header reads. When every retained message is
    /// older, the seq the next message will get; when `ns` is before the
    /// oldest retained message, the oldest one. A probe whose frame a writer
    /// overwrites meanwhile restarts the search on the new range (should
    /// writers overwrite the whole ring faster than a thousand searches in a
    /// row, the answer is the oldest retained message).
    ///
    /// ```
    /// use plasmite::{Batch, Client, Durability};
    /// let dir = tempfile::tempdir().unwrap();
    /// let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
    /// let mut batch = Batch::new();
    /// batch.push_json(b"1", &[] as &[&str]).unwrap();
    /// pool.append_batch_at(&batch, 1_000, Durability::Fast).unwrap(); // seq 1 at t=1000
    /// pool.append_batch_at(&batch, 2_000, Durability::Fast).unwrap(); // seq 2 at t=2000
    /// assert_eq!(pool.seq_at_time(0).unwrap(), 1);
    /// assert_eq!(pool.seq_at_time(1_500).unwrap(), 2);
    /// assert_eq!(pool.seq_at_time(2_000).unwrap(), 2);
    /// assert_eq!(pool.seq_at_time(2_001).unwrap(), 3);
    /// ```
    pub fn seq_at_time(&self, ns: u64) -> Result<u64> {
        self.inner().seq_at_time(ns).map_err(|e| e.with_path(self.path()))
    }
}

impl Inner {
    /// See [`Pool::seq_at_time`].
    pub(crate) fn seq_at_time(&self, ns: u64) -> Result<u64> {
        for attempt in 0..1000 {
            if attempt >= 4 {
                // A writer overwrote probed frames several times running:
                // let it (or whoever preempted this search) run first.
                std::thread::yield_now();
            }
            let (st, gen) = self.load_state()?;
            if st.count() == 0 {
                return Ok(st.next_seq);
            }
            match self.search_time(ns, &st, gen) {
                Ok(seq) => return Ok(seq),
                // A writer evicted a probed frame: search the new range.
                Err(Miss::Evicted) => continue,
                Err(Miss::Failed(e)) => return Err(e),
            }
        }
        // Writers overwrite the ring faster than it can be searched (a
        // search takes microseconds; this needs a thousand failed ones):
        // start at the oldest retained message.
        Ok(self.load_state()?.0.oldest_seq)
    }

    /// The first seq in the retained range of `st` whose time is ≥ `ns`.
    fn search_time(&self, ns: u64, st: &State, gen: u64) -> Result<u64, Miss> {
        // Only the newest `index_capacity` seqs own their index slot; older
        // retained messages (a pool of small messages) are found by a scan.
        let indexed = st
            .oldest_seq
            .max(st.next_seq.saturating_sub(self.geo().index_capacity));
        let (mut lo, mut hi) = (indexed, st.next_seq);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.time_of(mid, st, gen)? >= ns {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if lo > indexed || indexed == st.oldest_seq {
            return Ok(lo);
        }
        self.scan_time(ns, st, gen, indexed)
    }

    /// The append time of `seq` (retained per `st`), from its frame header.
    fn time_of(&self, seq: u64, st: &State, gen: u64) -> Result<u64, Miss> {
        let hinted = self.map().atomic_u64(self.index_off(seq)).load(Ordering::Relaxed);
        let pos = if hinted >= st.oldest_pos && hinted < st.write_pos && hinted % 8 == 0 {
            match self.probe(hinted) {
                Ok(Probe::Frame(h)) if h.seq == seq => hinted,
                _ => self.locate(seq, st, gen)?,
            }
        } else {
            self.locate(seq, st, gen)?
        };
        let h = match self.probe(pos) {
            Ok(Probe::Frame(h)) if h.seq == seq => Some(h),
            _ => None,
        };
        if !self.still_retained(pos, gen)? {
            return Err(Miss::Evicted);
        }
        match h {
            Some(h) => Ok(h.timestamp_ns),
            None => Err(Miss::Failed(Error::corrupt(format!(
                "message {seq} is missing from the ring"
            )))),
        }
    }

    /// Walks frame headers from the oldest retained frame to the first one
    /// whose time is ≥ `ns`, stopping at `stop` (whose time is known to be).
    fn scan_time(&self, ns: u64, st: &State, gen: u64, stop: u64) -> Result<u64, Miss> {
        let mut pos = st.oldest_pos;
        let mut expect = st.oldest_seq;
        while pos < st.write_pos && expect < stop {
            match self.probe(pos) {
                Ok(Probe::Wrap { next }) => pos = next,
                Ok(Probe::Frame(h)) if h.seq == expect => {
                    if h.timestamp_ns >= ns {
                        break;
                    }
                    pos += h.frame_len();
                    expect += 1;
                }
                Ok(Probe::Frame(_)) | Err(_) => {
                    if self.still_retained(pos, gen)? {
                        return Err(Miss::Failed(Error::corrupt(format!(
                            "message {expect} is missing from the ring"
                        ))));
                    }
                    return Err(Miss::Evicted);
                }
            }
        }
        if self.still_retained(pos.min(st.write_pos), gen)? {
            Ok(expect)
        } else {
            Err(Miss::Evicted)
        }
    }
}

/// A point of a pool's history as `pls tail --since/--until` and the Node
/// package's `since`/`until` take it: a sequence number or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A sequence number (a bare integer).
    Seq(u64),
    /// A time, ns since the Unix epoch (a duration ago is resolved against
    /// the clock when the point is parsed).
    Time(u64),
}

impl Point {
    /// Parses `42` (a seq), `90s`, `5m`, `2h`, `1d` (that long ago; `ms`
    /// works too, and fractions: `1.5h`), or an RFC 3339 time
    /// (`2026-01-15T10:00:00Z`). Anything else is a `Usage` error.
    ///
    /// ```
    /// use plasmite::Point;
    /// assert_eq!(Point::parse("42").unwrap(), Point::Seq(42));
    /// assert_eq!(Point::parse("1970-01-01T00:00:01Z").unwrap(), Point::Time(1_000_000_000));
    /// assert!(matches!(Point::parse("5m").unwrap(), Point::Time(_)));
    /// assert!(Point::parse("yesterday").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Point> {
        let t = s.trim();
        let bad = || {
            Error::usage(format!(
                "invalid value {s:?}: expected a sequence number (42), a duration ago \
                 (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)"
            ))
        };
        if t.is_empty() {
            return Err(bad());
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse()
                .map(Point::Seq)
                .map_err(|_| Error::usage(format!("sequence number {s:?} is out of range")));
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let unit_secs = match unit {
            "ms" => Some(0.001),
            "s" => Some(1.0),
            "m" => Some(60.0),
            "h" => Some(3600.0),
            "d" => Some(86_400.0),
            _ => None,
        };
        if let (Some(mult), false) = (unit_secs, num.is_empty()) {
            let n: f64 = num.parse().map_err(|_| bad())?;
            let ago = (n * mult * 1e9).round();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            if !ago.is_finite() || ago > now as f64 {
                return Err(Error::usage(format!("duration {s:?} reaches back before 1970")));
            }
            return Ok(Point::Time(now - ago as u64));
        }
        if t.as_bytes().first().is_some_and(u8::is_ascii_digit) && t.len() >= 20 {
            return parse_time(t).map(Point::Time).map_err(|_| {
                Error::usage(format!(
                    "invalid RFC 3339 time {s:?} (example: 2026-01-15T10:00:00Z)"
                ))
            });
        }
        Err(bad())
    }

    /// Where a cursor starting at this point starts.
    pub fn start(self) -> crate::Start {
        match self {
            Point::Seq(s) => crate::Start::Since(s),
            Point::Time(t) => crate::Start::Time(t),
        }
    }

    /// The bound a cursor stops at.
    pub fn until(self) -> Until {
        match self {
            Point::Seq(s) => Until::Seq(s),
            Point::Time(t) => Until::Time(t),
        }
    }
}

/// Reads a time: an RFC 3339 timestamp (`2026-01-15T10:00:00Z`,
/// `2026-01-15T11:00:00.5+01:00`) or an integer count of nanoseconds since
/// the Unix epoch. Returns ns since the epoch. Anything else, or a time
/// before 1970 or after 2554, is a `Usage` error.
///
/// ```
/// assert_eq!(plasmite::parse_time("1970-01-01T00:00:01Z").unwrap(), 1_000_000_000);
/// assert_eq!(plasmite::parse_time("1970-01-01T01:00:00.5+01:00").unwrap(), 500_000_000);
/// assert_eq!(plasmite::parse_time("1500").unwrap(), 1500);
/// assert!(plasmite::parse_time("yesterday").is_err());
/// ```
pub fn parse_time(s: &str) -> Result<u64> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .map_err(|_| Error::usage(format!("time {s:?} is out of range")));
    }
    parse_rfc3339(t).ok_or_else(|| {
        Error::usage(format!("invalid time {s:?}"))
            .with_hint("use RFC 3339 (2026-01-15T10:00:00Z) or nanoseconds since the Unix epoch")
    })
}

/// RFC 3339 `date-time` to ns since the epoch; `None` when malformed or out
/// of range.
fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let d = b.get(r)?;
        if d.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(d).ok()?.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[month as usize - 1] {
        return None;
    }
    // A leap second (:60) is read as :59.
    if hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &b[start..i];
        if digits.is_empty() {
            return None;
        }
        for k in 0..9 {
            nanos = nanos * 10 + digits.get(k).map_or(0, |d| i64::from(d - b'0'));
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let h = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let m = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    let secs =
        days_from_civil(year, month as u32, day as u32) * 86_400 + hour * 3600 + min * 60 + sec.min(59)
            - offset;
    if secs < 0 {
        return None;
    }
    (secs as u64)
        .checked_mul(1_000_000_000)?
        .checked_add(nanos as u64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::format_rfc3339;

    #[test]
    fn rfc3339_round_trips() {
        for ns in [0u64, 1, 951_782_400_000_000_001, 1_795_976_628_468_515_123] {
            assert_eq!(parse_time(&format_rfc3339(ns)).unwrap(), ns);
        }
        assert_eq!(
            parse_time("2026-11-29T19:23:48.468515123+01:00").unwrap(),
            1_795_976_628_468_515_123
        );
        assert_eq!(
            parse_time("2026-11-29 18:23:48Z").unwrap(),
            1_795_976_628_000_000_000
        );
        for bad in [
            "",
            "2026-11-29",
            "2026-11-29T18:23:48",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2026-11-29T18:23:48.Z",
            "2026-11-29T18:23:48+0100",
            "-5",
            "5m",
            "99999999999999999999999",
        ] {
            assert!(parse_time(bad).is_err(), "{bad:?} accepted");
        }
    }
}
