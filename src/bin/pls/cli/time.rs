//! `--since` / `--until` values (a sequence number, a duration ago, an
//! RFC 3339 time) and `--replay` pacing, shared by local and remote tails.

use std::time::{Duration, Instant};

use super::output::stdout_closed;
use crate::signals;

/// A point of a pool's history, as `--since` and `--until` take it (the
/// library's, so the Node package reads the same forms).
pub use plasmite::Point;

/// Parses a `--since`/`--until` value (see [`Point::parse`]).
pub fn parse_point(s: &str) -> Result<Point, String> {
    Point::parse(s).map_err(|e| e.message().to_string())
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
    use crate::units::now_ns;

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
