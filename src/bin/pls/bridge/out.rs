//! `pls bridge out`: every message of a pool into a JetStream stream, in
//! pool order, each exactly once.
//!
//! Each message is published with `Nats-Msg-Id: POOLID:SEQ` (the server drops
//! a second copy within the stream's duplicate window) and its seq, time and
//! tags in headers, with the reply subject `INBOX.SEQ` of one subscription the
//! session holds: JetStream answers each publish there (the protocol's
//! publish acknowledgement, without a request, a timer and a channel per
//! message). At most `window` publishes wait for their acks at once; the
//! position only moves over a prefix of acked messages, and the last seq of
//! that prefix is stored in the pool as the mark `out:STREAM`. A new session starts after that mark, or after
//! the stream's last message on the subject when that message is this pool's
//! (the server had it, the mark did not yet: a kill between the ack and the
//! mark, even longer ago than the duplicate window).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};
use async_nats::{HeaderMap, StatusCode};
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use plasmite::{CursorOptions, Durability, Encoding, Error, ErrorKind, GapPolicy, Pool, Start};

use super::{
    connect, nats_error, run_sessions, subject_token, SessionEnd, Status, H_POOL, H_SEQ, H_TAGS, H_TIME,
};

/// What `pls bridge out` was asked.
pub struct OutOptions {
    /// `nats://HOST:PORT`.
    pub url: String,
    /// The JetStream stream (created, file storage, when missing).
    pub stream: String,
    /// The subject messages are published to.
    pub subject: String,
    /// Publish to `SUBJECT.TAG` (the first tag, see `subject_token`);
    /// untagged messages go to `SUBJECT`.
    pub subject_from_tag: bool,
    /// `--since`: where to start instead of the stored position.
    pub start: Option<Start>,
    /// Hand over what the pool holds, then exit.
    pub once: bool,
    /// Publishes waiting for their acks at most.
    pub window: usize,
    /// How the position is stored (`Flush`: synced each time).
    pub durability: Durability,
    /// How long the server may stay out of reach before the command
    /// fails (`None`: forever; see `give_up_after`).
    pub give_up: Option<std::time::Duration>,
    /// No status lines.
    pub quiet: bool,
}

/// How often the position is stored while messages flow.
const MARK_EVERY: u64 = 4096;
const MARK_INTERVAL: Duration = Duration::from_millis(200);

struct Progress {
    /// The first seq not yet known to be in the stream.
    next: u64,
    /// The last seq stored as the mark.
    marked: Option<u64>,
    handed: u64,
    /// When the first and the latest acknowledgement arrived.
    span: Option<(Instant, Instant)>,
}

pub fn run_out(pool: &Pool, o: &OutOptions) -> Result<(), Error> {
    let id = pool.id_hex().ok_or_else(|| {
        Error::usage("the pool has no id yet (a pool from before ids that was only opened read-only)")
            .with_path(pool.path())
            .with_hint("open it once with write permission (pls info POOL as its owner) to give it one")
    })?;
    let mark_name = format!("out:{}", o.stream);
    let status = Status {
        prefix: "out",
        quiet: o.quiet,
    };
    let mark = pool.mark(&mark_name)?;
    let start = match (o.start, mark) {
        (Some(s), _) => s,
        (None, Some(m)) => Start::Since(m.value + 1),
        (None, None) => Start::Oldest,
    };
    let next = pool
        .cursor(CursorOptions {
            start,
            ..Default::default()
        })?
        .next_seq();
    let mut p = Progress {
        next,
        marked: mark.map(|m| m.value),
        handed: 0,
        span: None,
    };
    let result = run_sessions(&status, &o.url, o.give_up, |rt| {
        rt.block_on(session(pool, o, &id, &mark_name, &status, &mut p))
    });
    save_mark(pool, &mark_name, &mut p, o.durability)?;
    if result.is_ok() {
        status.say(format!(
            "stopped; {} messages handed over{}, next seq {}",
            p.handed,
            super::rate(p.handed, p.span),
            p.next
        ));
    }
    result
}

fn save_mark(pool: &Pool, name: &str, p: &mut Progress, durability: Durability) -> Result<(), Error> {
    let last = p.next.saturating_sub(1);
    if p.next > 0 && p.marked.is_none_or(|m| m < last) {
        pool.set_mark(name, last, durability)?;
        p.marked = Some(last);
    }
    Ok(())
}

/// The seq of the stream's last message on `subject` when it comes from
/// this pool.
async fn last_of_ours(stream: &stream::Stream, subject: &str, id: &str) -> Option<u64> {
    let m = stream.get_last_raw_message_by_subject(subject).await.ok()?;
    if m.headers.get(H_POOL)?.as_str() != id {
        return None;
    }
    m.headers.get(H_SEQ)?.as_str().parse().ok()
}

async fn session(
    pool: &Pool,
    o: &OutOptions,
    id: &str,
    mark_name: &str,
    status: &Status,
    p: &mut Progress,
) -> Result<SessionEnd, Error> {
    // The acks' subscription holds a whole window (a full one would drop
    // acks, and the session would end waiting for them).
    let (client, mut lost) = connect(&o.url, o.window + 1024).await?;
    let js = jetstream::ContextBuilder::new()
        .timeout(ACK_WAIT)
        .build(client.clone());
    let mut subjects = vec![o.subject.clone()];
    if o.subject_from_tag {
        subjects.push(format!("{}.>", o.subject));
    }
    let stream = js
        .get_or_create_stream(stream::Config {
            name: o.stream.clone(),
            subjects: subjects.clone(),
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| nats_error(&format!("cannot open stream {}", o.stream), e))?;
    for s in &subjects {
        if let Some(last) = last_of_ours(&stream, s, id).await {
            if last >= p.next {
                p.next = last + 1;
            }
        }
    }
    let inbox = client.new_inbox();
    let mut acks = client
        .subscribe(format!("{inbox}.*"))
        .await
        .map_err(|e| nats_error("cannot subscribe to the publish acknowledgements", e))?;
    let mut cursor = pool.cursor(CursorOptions {
        start: Start::Since(p.next),
        gaps: GapPolicy::Continue,
        ..Default::default()
    })?;
    status.say(format!(
        "connected to {}, stream {}; handing over from seq {}",
        o.url,
        o.stream,
        cursor.next_seq()
    ));
    let handed_before = p.handed;
    let lost_end = |p: &Progress| SessionEnd::Lost {
        progressed: p.handed > handed_before,
    };
    // Seqs published in this session and not yet in the position, with
    // whether JetStream acked each.
    let mut window: VecDeque<(u64, bool)> = VecDeque::with_capacity(o.window);
    let mut last_mark = Instant::now();
    let mut caught_up_said = false;
    let mut skipped = 0;
    let mut body = Vec::new();
    loop {
        if crate::signals::interrupted() {
            // Take the acks of what is on its way, then stop.
            let end = Instant::now() + Duration::from_secs(5);
            while !window.is_empty() {
                let left = end.saturating_duration_since(Instant::now());
                match tokio::time::timeout(left, acks.next()).await {
                    Ok(Some(m)) => {
                        if take_ack(&m, &mut window, o)?.is_err() {
                            break;
                        }
                        settle(p, &mut window);
                    }
                    _ => break,
                }
            }
            return Ok(SessionEnd::Finished);
        }
        if *lost.borrow() {
            return Ok(lost_end(p));
        }
        // Fill the window.
        let mut got_none = false;
        while window.len() < o.window {
            let Some(m) = cursor.try_next().map_err(|e| e.with_path(pool.path()))? else {
                got_none = true;
                break;
            };
            let seq = m.seq;
            let mut headers = HeaderMap::new();
            headers.insert("Nats-Msg-Id", format!("{id}:{seq}").as_str());
            headers.insert(H_POOL, id);
            headers.insert(H_SEQ, seq.to_string().as_str());
            headers.insert(H_TIME, plasmite::format_rfc3339(m.timestamp_ns).as_str());
            let tags = std::str::from_utf8(m.tags_json).unwrap_or("");
            if !tags.is_empty() {
                headers.insert(H_TAGS, tags);
            }
            let first_tag = if o.subject_from_tag {
                m.tags().into_iter().next()
            } else {
                None
            };
            let subject = match first_tag {
                Some(t) => format!("{}.{}", o.subject, subject_token(&t)),
                None => o.subject.clone(),
            };
            let payload = match m.encoding {
                Encoding::Json => Bytes::copy_from_slice(m.payload),
                Encoding::Lite3 => {
                    body.clear();
                    m.write_data_json(&mut body)?;
                    Bytes::copy_from_slice(&body)
                }
            };
            let reply = format!("{inbox}.{seq}");
            let sent = tokio::select! {
                r = client.publish_with_reply_and_headers(subject, reply, headers, payload) => r,
                _ = lost.changed() => return Ok(lost_end(p)),
            };
            match sent {
                Ok(()) => window.push_back((seq, false)),
                Err(e) => {
                    status.say(format!("publish failed: {e}"));
                    return Ok(lost_end(p));
                }
            }
        }
        if cursor.skipped() > skipped {
            status.say(format!(
                "{} messages were overwritten in the pool before they were handed over",
                cursor.skipped() - skipped
            ));
            skipped = cursor.skipped();
            if window.is_empty() {
                // Nothing in flight: the next position is the cursor's.
                p.next = p.next.max(cursor.next_seq());
            }
        }
        if window.is_empty() {
            if got_none {
                p.next = p.next.max(cursor.next_seq());
                save_mark(pool, mark_name, p, o.durability)?;
                if !caught_up_said {
                    status.say(format!("caught up; next seq {}", p.next));
                    caught_up_said = true;
                }
                if o.once {
                    return Ok(SessionEnd::Finished);
                }
                let seen = pool.commit_counter();
                let waiter = pool.clone();
                let wait = tokio::task::spawn_blocking(move || {
                    waiter.wait_for_commit(seen, Duration::from_millis(100))
                });
                tokio::select! {
                    _ = wait => {}
                    _ = lost.changed() => return Ok(lost_end(p)),
                }
            }
            continue;
        }
        caught_up_said = false;
        // Take acks when the window is full or the pool has nothing more for
        // now: wait for one, then whatever else has arrived.
        if window.len() >= o.window || got_none {
            let first = tokio::select! {
                m = tokio::time::timeout(ACK_WAIT, acks.next()) => m,
                _ = lost.changed() => return Ok(lost_end(p)),
            };
            let mut next = match first {
                Ok(Some(m)) => Some(m),
                Ok(None) => return Ok(lost_end(p)),
                Err(_) => {
                    status.say(format!(
                        "publish of seq {} not acknowledged in {ACK_WAIT:?}",
                        window.front().map_or(0, |w| w.0)
                    ));
                    return Ok(lost_end(p));
                }
            };
            while let Some(m) = next {
                if let Err(why) = take_ack(&m, &mut window, o)? {
                    status.say(why);
                    return Ok(lost_end(p));
                }
                next = acks.next().now_or_never().flatten();
            }
            settle(p, &mut window);
            if p.marked.is_none_or(|m| p.next > m + MARK_EVERY) || last_mark.elapsed() >= MARK_INTERVAL {
                save_mark(pool, mark_name, p, o.durability)?;
                last_mark = Instant::now();
            }
        }
    }
}

/// How long a publish may wait for its acknowledgement before the session
/// is taken for lost.
const ACK_WAIT: Duration = Duration::from_secs(10);

/// Records one publish acknowledgement (its subject ends with the seq).
/// `Ok(Err(why))`: JetStream refused that message (the session ends and
/// the next one resends from the position); `Err`: no stream takes the
/// subject, which retrying cannot fix.
fn take_ack(
    m: &async_nats::Message,
    window: &mut VecDeque<(u64, bool)>,
    o: &OutOptions,
) -> Result<Result<(), String>, Error> {
    let Some(seq) = m.subject.rsplit('.').next().and_then(|t| t.parse::<u64>().ok()) else {
        return Ok(Ok(()));
    };
    if m.status == Some(StatusCode::NO_RESPONDERS) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("no JetStream stream takes subject {:?}", o.subject),
        )
        .with_hint(format!(
            "stream {} exists for other subjects: give one of them with --subject, or another --stream",
            o.stream
        )));
    }
    if m.status.is_some_and(|s| !s.is_success()) || memchr_error(&m.payload) {
        let why = serde_json::from_slice::<serde_json::Value>(&m.payload)
            .ok()
            .and_then(|v| v["error"]["description"].as_str().map(str::to_owned))
            .or_else(|| m.description.clone())
            .unwrap_or_else(|| String::from_utf8_lossy(&m.payload).into_owned());
        return Ok(Err(format!("publish of seq {seq} not acknowledged: {why}")));
    }
    if let Ok(i) = window.binary_search_by_key(&seq, |w| w.0) {
        window[i].1 = true;
    }
    Ok(Ok(()))
}

/// Whether an acknowledgement's JSON carries an `"error"` member (a
/// successful one is `{"stream":…,"seq":…}`, maybe with `"duplicate"`).
fn memchr_error(payload: &[u8]) -> bool {
    payload.windows(7).any(|w| w == b"\"error\"")
}

/// Moves the position over the acked prefix of the window.
fn settle(p: &mut Progress, window: &mut VecDeque<(u64, bool)>) {
    while let Some(&(seq, true)) = window.front() {
        window.pop_front();
        advance(p, seq);
    }
}

fn advance(p: &mut Progress, seq: u64) {
    if seq >= p.next {
        p.next = seq + 1;
    }
    p.handed += 1;
    let now = Instant::now();
    p.span = Some((p.span.map_or(now, |s| s.0), now));
}
