//! `--since` / `--until` values (a sequence number, a duration ago, an
//! RFC 3339 time) and `--replay` pacing, shared by local and remote tails.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::output::stdout_closed;
use crate::signals;

/// A point of a pool's history, as `--since` and `--until` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A sequence number (a bare integer).
    Seq(u64),
    /// A time, ns since the Unix epoch (a duration ago is resolved against
    /// the clock when the arguments are read).
    Time(u64),
}

impl Point {
    /// The bound a cursor stops at.
    pub fn until(self) -> plasmite::Until {
        match self {
            Point::Seq(s) => plasmite::Until::Seq(s),
            Point::Time(t) => plasmite::Until::Time(t),
        }
    }
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Parses a `--since`/`--until` value: `42` (a seq), `90s`, `5m`, `2h`,
/// `1d` (that long ago; `ms` works too, and fractions: `1.5h`), or an
/// RFC 3339 time (`2026-01-15T10:00:00Z`).
pub fn parse_point(s: &str) -> Result<Point, String> {
    let t = s.trim();
    let bad = || {
        format!(
            "invalid value {s:?}: expected a sequence number (42), a duration ago \
             (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)"
        )
    };
    if t.is_empty() {
        return Err(bad());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map(Point::Seq)
            .map_err(|_| format!("sequence number {s:?} is out of range"));
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
        let now = now_ns();
        if !ago.is_finite() || ago > now as f64 {
            return Err(format!("duration {s:?} reaches back before 1970"));
        }
        return Ok(Point::Time(now - ago as u64));
    }
    if t.as_bytes().first().is_some_and(u8::is_ascii_digit) && t.len() >= 20 {
        return plasmite::parse_time(t)
            .map(Point::Time)
            .map_err(|_| format!("invalid RFC 3339 time {s:?} (example: 2026-01-15T10:00:00Z)"));
    }
    Err(bad())
}

/// Parses `append --time`: a duration ago or an RFC 3339 time (a bare
/// integer, a seq elsewhere, means nothing here).
pub fn parse_stamp(s: &str) -> Result<u64, String> {
    match parse_point(s) {
        Ok(Point::Time(t)) => Ok(t),
        _ => Err(format!(
            "invalid time {s:?}: expected an RFC 3339 time (2026-01-15T10:00:00Z) or a duration ago (2h)"
        )),
    }
}

/// Parses a `--replay` speed: a finite number ≥ 0.
pub fn parse_speed(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "invalid speed {s:?}: expected a number >= 0 (1 = original pacing, 2 = twice as fast, 0 = no pauses)"
        )),
    }
}

/// Why a replay stopped waiting.
pub enum Stop {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// Nobody reads stdout any more.
    Closed,
}

/// How often a pause checks for Ctrl-C and a closed stdout.
const CHECK: Duration = Duration::from_millis(50);

/// Paces a replay: message `i` is due `(time_i - time_0) / speed` after the
/// first was emitted.
pub struct Pacer {
    speed: f64,
    origin: Option<(u64, Instant)>,
}

impl Pacer {
    pub fn new(speed: f64) -> Pacer {
        Pacer { speed, origin: None }
    }

    /// Whether emitting a message appended at `ts` means waiting first.
    pub fn must_wait(&self, ts: u64) -> bool {
        self.due(ts).is_some_and(|d| d > Instant::now())
    }

    fn due(&self, ts: u64) -> Option<Instant> {
        if self.speed == 0.0 {
            return None;
        }
        let (t0, i0) = self.origin?;
        let offset = ts.saturating_sub(t0) as f64 / self.speed;
        Some(i0 + Duration::from_nanos(offset.min(1e17) as u64))
    }

    /// Waits until a message appended at `ts` is due, checking for Ctrl-C
    /// and a closed stdout meanwhile.
    pub fn wait(&mut self, ts: u64) -> Option<Stop> {
        if self.speed == 0.0 {
            return None;
        }
        let Some(due) = self.due(ts) else {
            self.origin = Some((ts, Instant::now()));
            return None;
        };
        loop {
            if signals::interrupted() {
                return Some(Stop::Interrupted);
            }
            let now = Instant::now();
            if now >= due {
                return None;
            }
            if stdout_closed() {
                return Some(Stop::Closed);
            }
            std::thread::sleep(CHECK.min(due - now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points() {
        assert_eq!(parse_point("42"), Ok(Point::Seq(42)));
        assert_eq!(
            parse_point("2026-01-15T10:00:00Z"),
            Ok(Point::Time(1_768_471_200_000_000_000))
        );
        let Ok(Point::Time(t)) = parse_point("1d") else {
            panic!()
        };
        let ago = now_ns() - t;
        assert!((86_399_000_000_000..86_401_000_000_000).contains(&ago), "{ago}");
        for bad in [
            "",
            "5x",
            "m",
            "yesterday",
            "2026-01-15",
            "-5m",
            "99999999999999999999999",
            "1e9d",
        ] {
            assert!(parse_point(bad).is_err(), "{bad:?}");
        }
        assert!(parse_speed("0").is_ok() && parse_speed("0.5").is_ok());
        assert!(parse_speed("-1").is_err() && parse_speed("inf").is_err() && parse_speed("x").is_err());
    }
}
