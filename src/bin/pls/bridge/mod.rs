//! `pls bridge`: a pool into a NATS JetStream stream (`out`) and a stream
//! into a pool (`in`), exactly once (see `docs/bridge.md`).
//!
//! Both directions keep their position in the pool itself, as a durable mark
//! of the library (`Pool::set_mark`, `Pool::append_batch_marked`), so a
//! bridge killed at any instruction resumes where the other side has it.
//!
//! A connection is a *session*: its own single-threaded tokio runtime and
//! NATS client, which never reconnects by itself. When the connection drops
//! the session ends and its runtime is dropped with everything the client had
//! not sent yet; the next session reconnects (with backoff and a status line),
//! asks the server what it holds, and goes on from there. So what one session
//! sent reaches the stream as a prefix, never with a hole that a later resend
//! would fill out of order.

mod args;
mod inbound;
mod out;

use std::time::Duration;

use plasmite::{Error, ErrorKind};

pub use args::{run, BridgeArgs};
pub use inbound::{run_in, InOptions, StreamStart};
pub use out::{run_out, OutOptions};

/// Header: the pool id of the message's origin (32 hex digits).
pub const H_POOL: &str = "Plasmite-Pool";
/// Header: the message's seq in its origin pool.
pub const H_SEQ: &str = "Plasmite-Seq";
/// Header: the message's append time in its origin pool, RFC 3339 with ns.
pub const H_TIME: &str = "Plasmite-Time";
/// Header: the message's tags, the compact JSON array (absent: no tags).
pub const H_TAGS: &str = "Plasmite-Tags";

/// How long a session waits between connection attempts: doubling from
/// 250 ms up to 5 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(5))).min(Duration::from_secs(5))
}

/// An error of the NATS side: `Io` (the server, the network or the stream
/// refused), with what was being done.
fn nats_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Io, format!("{what}: {e}"))
}

/// The status line on stderr: one line per change of state (connected,
/// waiting, caught up), prefixed with the direction.
struct Status {
    prefix: &'static str,
    quiet: bool,
}

impl Status {
    fn say(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("pls bridge {}: {}", self.prefix, msg.as_ref());
        }
    }
}

/// A single-threaded runtime for one session.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the bridge's event loop", e))
}

/// Connects once (no automatic reconnect: see the module doc). The returned
/// watch turns true when the connection is lost.
/// `subscription_capacity`: messages a subscription buffers at most.
async fn connect(
    url: &str,
    subscription_capacity: usize,
) -> Result<(async_nats::Client, tokio::sync::watch::Receiver<bool>), Error> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let connected = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = connected.clone();
    let client = async_nats::ConnectOptions::new()
        .max_reconnects(1)
        // Once connected, the one reconnect attempt the client may make waits
        // far longer than any session lives: the session ends and drops the
        // client (and what it had not sent) first.
        .reconnect_delay_callback(move |_| {
            if seen.load(std::sync::atomic::Ordering::SeqCst) {
                Duration::from_secs(86_400)
            } else {
                Duration::ZERO
            }
        })
        .connection_timeout(Duration::from_secs(3))
        .subscription_capacity(subscription_capacity)
        .event_callback(move |ev| {
            let tx = tx.clone();
            async move {
                if matches!(ev, async_nats::Event::Disconnected | async_nats::Event::Closed) {
                    let _ = tx.send(true);
                }
            }
        })
        .connect(url)
        .await
        .map_err(|e| nats_error(&format!("cannot connect to {url}"), e))?;
    connected.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok((client, rx))
}

/// The subject token a tag maps to with `--subject-from-tag`: ASCII letters,
/// digits, `-` and `_` are kept, anything else becomes `_`.
pub fn subject_token(tag: &str) -> String {
    tag.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Runs sessions until one ends the command: `Ok(true)` when it finished
/// (`--once` drained, or interrupted), errors that retrying cannot fix end
/// it, connection trouble is reported and retried with backoff.
///
/// `give_up`: how long the server may stay out of reach (connections
/// refused or lost without progress) before the command fails with `Io`;
/// `None`: forever.
fn run_sessions(
    status: &Status,
    url: &str,
    give_up: Option<Duration>,
    mut session: impl FnMut(&tokio::runtime::Runtime) -> Result<SessionEnd, Error>,
) -> Result<(), Error> {
    let mut attempt = 0u32;
    // Since when the server has been out of reach.
    let mut out_of_reach: Option<std::time::Instant> = None;
    loop {
        if crate::signals::interrupted() {
            return Ok(());
        }
        let rt = runtime()?;
        let began = std::time::Instant::now();
        let end = session(&rt);
        rt.shutdown_background();
        let why = match end {
            Ok(SessionEnd::Finished) => return Ok(()),
            Ok(SessionEnd::Lost { progressed }) => {
                if progressed {
                    attempt = 0;
                }
                // The server was reached: out of reach from now on, unless
                // it only accepts and drops connections (a session of less
                // than a second that moved nothing).
                if progressed || began.elapsed() >= Duration::from_secs(1) {
                    out_of_reach = None;
                }
                "connection lost".to_string()
            }
            Err(e) if retryable(&e) => e.message().to_string(),
            Err(e) => return Err(e),
        };
        let since = *out_of_reach.get_or_insert_with(std::time::Instant::now);
        let mut wait = backoff(attempt);
        if let Some(limit) = give_up {
            let left = limit.saturating_sub(since.elapsed());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("gave up on {url}: out of reach for {limit:?} ({why})"),
                )
                .with_hint("start the server, or wait longer with --timeout (0: forever)"));
            }
            wait = wait.min(left);
        }
        if why == "connection lost" {
            status.say(format!("connection to {url} lost; reconnecting in {wait:?}"));
        } else {
            status.say(format!("waiting for {url}: {why}; retrying in {wait:?}"));
        }
        sleep_interruptibly(wait);
        attempt += 1;
    }
}

/// `--timeout`: as given (0: forever), else 30 s with `--once` (a cron
/// run does not wait forever for a server that is down) and forever
/// without.
pub fn give_up_after(timeout: Option<Duration>, once: bool) -> Option<Duration> {
    match timeout {
        Some(d) if d.is_zero() => None,
        Some(d) => Some(d),
        None if once => Some(ONCE_GIVE_UP),
        None => None,
    }
}

/// How long `--once` waits for a server out of reach, by default.
pub const ONCE_GIVE_UP: Duration = Duration::from_secs(30);

/// Failures of the NATS side (`Io` errors without a pool path) are retried;
/// pool errors and refusals of the configuration (`Usage`) are not.
fn retryable(e: &Error) -> bool {
    e.kind() == ErrorKind::Io && e.path().is_none()
}

fn sleep_interruptibly(d: Duration) {
    let end = std::time::Instant::now() + d;
    while std::time::Instant::now() < end && !crate::signals::interrupted() {
        std::thread::sleep(Duration::from_millis(50).min(end - std::time::Instant::now()));
    }
}

/// " in X s (R msg/s)" between the first and the last message handed over,
/// for the closing status line (and `scripts/bench-bridge.sh`).
fn rate(n: u64, span: Option<(std::time::Instant, std::time::Instant)>) -> String {
    match span {
        Some((first, last)) if n > 1 && last > first => {
            let s = (last - first).as_secs_f64();
            format!(" in {s:.3} s ({:.0} msg/s)", n as f64 / s)
        }
        _ => String::new(),
    }
}

/// How a session ended without an error.
enum SessionEnd {
    /// Done: `--once` drained everything, or Ctrl-C.
    Finished,
    /// The connection went away; `progressed` when something was handed
    /// over meanwhile (the backoff starts again).
    Lost { progressed: bool },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_subject_tokens() {
        assert_eq!(subject_token("eu-west_1"), "eu-west_1");
        assert_eq!(subject_token("a.b c*>"), "a_b_c__");
    }

    #[test]
    fn once_gives_up_after_30_s_unless_told() {
        assert_eq!(give_up_after(None, true), Some(ONCE_GIVE_UP));
        assert_eq!(give_up_after(None, false), None);
        assert_eq!(give_up_after(Some(Duration::ZERO), true), None);
        assert_eq!(
            give_up_after(Some(Duration::from_secs(5)), false),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn backoff_grows_to_five_seconds() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(10), Duration::from_secs(5));
    }
}
